//! Property test: truncated and mutated PST and MSG files never make an
//! extractor panic (a panic would surface as `extractor_failed`, which the
//! dispatcher only uses for caught panics). Seeds are real files from
//! ../shared/corpus-real (absent: a failure under CI, "skipped" elsewhere); the MSG and TNEF parsers
//! also have in-crate property tests on files built in the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use sarx_extract::{Collected, Extractor, Limits};
use sarx_model::Reason;

mod common;

/// The bytes of `../shared/corpus-real/mail/<rel>`; `None` (a skip, or a
/// failure under CI) when the corpus is absent. A file missing from a
/// present corpus fails the test.
fn seed(test: &str, rel: &str) -> Option<Vec<u8>> {
    let p = common::corpus(test, "mail")?.join(rel);
    Some(std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

fn no_panic(name: &str, bytes: &[u8]) -> std::result::Result<(), TestCaseError> {
    let ex = Extractor::new(Limits::default());
    let mut out = Collected::default();
    ex.extract_bytes(name, name, bytes, &mut out);
    for u in &out.unsearchable {
        prop_assert_ne!(u.reason, Reason::ExtractorFailed, "{:?}", u);
    }
    Ok(())
}

fn mutate(mut bytes: Vec<u8>, cut: usize, flips: &[(usize, u8)], from: usize) -> Vec<u8> {
    let n = bytes.len();
    if n > from {
        for (at, b) in flips {
            bytes[from + at % (n - from)] = *b;
        }
    }
    bytes.truncate(cut % (n + 1));
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn mutated_pst_never_panics(cut in any::<usize>(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16)) {
        let Some(bytes) = seed("mutated_pst_never_panics", "pst/tika-testPST_variousBodyTypes.pst") else { return Ok(()) };
        // Keep the header (its CRCs would reject almost every mutation) and
        // damage the B-trees, heaps and blocks behind it.
        let m = mutate(bytes, cut.max(0x4400), &flips, 0x4400);
        no_panic("store.pst", &m)?;
    }

    #[test]
    fn truncated_pst_never_panics(cut in 0usize..300_000) {
        let Some(bytes) = seed("truncated_pst_never_panics", "pst/aspose-SampleContacts.pst") else { return Ok(()) };
        let m = mutate(bytes, cut, &[], usize::MAX);
        no_panic("store.pst", &m)?;
    }

    #[test]
    fn mutated_real_msg_never_panics(cut in any::<usize>(), flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16)) {
        let Some(bytes) = seed("mutated_real_msg_never_panics", "msg/msgreader-msgInMsgInMsg.msg") else { return Ok(()) };
        let m = mutate(bytes, cut, &flips, 512);
        no_panic("mail.msg", &m)?;
    }
}
