//! Property tests: arbitrary bytes, and truncated or bit-flipped real
//! documents, never make the document extractors (HTML, CSV, office, sheets,
//! PDF, RTF) fail unexpectedly; every outcome is records or a specific reason.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use proptest::prelude::*;
use sarx_extract::{Collected, Extractor, Limits};
use sarx_model::Reason;

const NAMES: &[&str] = &[
    "a.html", "a.csv", "a.tsv", "a.docx", "a.odt", "a.pptx", "a.odp", "a.xlsx", "a.xlsb", "a.xls",
    "a.ods", "a.pdf", "a.rtf",
];

fn limits() -> Limits {
    Limits {
        max_time: std::time::Duration::from_secs(10),
        max_cells: 200_000,
        ..Limits::default()
    }
}

fn assert_clean(name: &str, bytes: &[u8]) {
    let mut out = Collected::default();
    Extractor::new(limits()).extract_bytes(name, name, bytes, &mut out);
    for u in &out.unsearchable {
        assert_ne!(u.reason, Reason::ExtractorFailed, "{name}: {}", u.detail);
    }
}

/// A few magic prefixes so random tails reach the real parsers.
fn prefixed() -> impl Strategy<Value = (usize, Vec<u8>)> {
    let prefixes: Vec<&'static [u8]> = vec![
        b"",
        b"%PDF-1.4\n",
        b"PK\x03\x04",
        b"{\\rtf1\\ansi ",
        b"<html><body>",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
    ];
    (
        0..NAMES.len(),
        0..prefixes.len(),
        proptest::collection::vec(any::<u8>(), 0..2048),
    )
        .prop_map(move |(n, p, tail)| {
            let mut v = prefixes[p].to_vec();
            v.extend(tail);
            (n, v)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_fail_unexpectedly((n, bytes) in prefixed()) {
        assert_clean(NAMES[n], &bytes);
    }

    #[test]
    fn rtf_to_text_never_panics(s in "\\PC{0,400}") {
        let mut doc = String::from("{\\rtf1\\ansi ");
        doc.push_str(&s);
        assert_clean("x.rtf", doc.as_bytes());
    }
}

fn samples() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus-real");
    let picks = [
        "office/pandoc-track_changes_deletion.docx",
        "office/pandoc-trackedChanges.odt",
        "office/tika-testPPT_various.pptx",
        "office/rtf/tika-testRTFVarious.rtf",
        "sheets/calamine-any_sheets.xlsx",
        "sheets/calamine-any_sheets.xls",
        "sheets/calamine-any_sheets.ods",
        "sheets/calamine-date.xlsb",
        "pdf/pypdf-samples-pdflatex-4-pages.pdf",
        "pdf/tika-testPDFVarious.pdf",
    ];
    picks
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(root.join(p)).ok()?;
            Some((p.rsplit('/').next()?.to_owned(), bytes))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn truncated_and_damaged_real_files(cut in 0.0f64..1.0, flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8)) {
        for (name, bytes) in samples() {
            let end = ((bytes.len() as f64) * cut) as usize;
            assert_clean(&name, &bytes[..end]);
            let mut damaged = bytes.clone();
            for (at, v) in &flips {
                let i = ((damaged.len() as f64) * at) as usize;
                if let Some(b) = damaged.get_mut(i) {
                    *b ^= v | 1;
                }
            }
            assert_clean(&name, &damaged);
        }
    }
}

#[test]
fn content_that_is_not_its_named_format_is_corrupt_and_other_binaries_unsupported() {
    let ex = Extractor::new(limits());
    let junk: &[u8] = b"\x00\x01\x02\x03 not a document \xff\xfe\x00";
    for (name, reason) in [
        ("letter.pdf", Reason::Corrupt),
        ("notes.docx", Reason::Corrupt),
        ("mail.msg", Reason::Corrupt),
        ("blob.bin", Reason::Unsupported),
        // An Excel 4.0 worksheet (BIFF4 BOF record) is old, not damaged.
        ("old.xls", Reason::Unsupported),
        ("noextension", Reason::Unsupported),
    ] {
        let mut out = Collected::default();
        let bytes: &[u8] = if name == "old.xls" {
            b"\x09\x04\x06\x00\x00\x00\x10\x00"
        } else {
            junk
        };
        ex.extract_bytes(name, name, bytes, &mut out);
        assert!(out.records.is_empty(), "{name}");
        assert_eq!(out.unsearchable.len(), 1, "{name}");
        assert_eq!(out.unsearchable[0].reason, reason, "{name}");
    }
}
