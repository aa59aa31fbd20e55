//! Property tests: the archive extractor never fails unexpectedly (no panic
//! caught as `ExtractorFailed`) on arbitrary bytes behind archive magic, or
//! on real archives (bombs included) cut short or with bytes flipped, and
//! never expands more than the per-file budget.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sarx_extract::{Collected, Extractor, Limits};
use sarx_model::Reason;

mod common;

fn run(name: &str, bytes: &[u8]) -> Collected {
    let mut out = Collected::default();
    Extractor::new(Limits::default()).extract_bytes(name, name, bytes, &mut out);
    out
}

fn real_archives(root: &Path) -> Vec<(String, Vec<u8>)> {
    let root = root.to_path_buf();
    let mut v = Vec::new();
    for dir in [root.clone(), root.join("bombs"), root.join("malicious")] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        for p in paths {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if let Ok(b) = std::fs::read(&p) {
                v.push((name, b));
            }
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_behind_magic(tail in proptest::collection::vec(any::<u8>(), 0..4096),
                                    kind in 0usize..4) {
        let (name, magic): (&str, &[u8]) = match kind {
            0 => ("x.zip", b"PK\x03\x04"),
            1 => ("x.zip", b"PK\x05\x06"),
            2 => ("x.gz", b"\x1f\x8b\x08\x00"),
            _ => ("x.tar", b""),
        };
        let mut bytes = magic.to_vec();
        bytes.extend_from_slice(&tail);
        if kind == 3 {
            // A tar header: "ustar" at offset 257.
            bytes.resize(bytes.len().max(512), 0);
            bytes[257..262].copy_from_slice(b"ustar");
        }
        let out = run(name, &bytes);
        for u in &out.unsearchable {
            prop_assert_ne!(u.reason, Reason::ExtractorFailed, "{}: {}", u.locator, u.detail);
        }
    }
}

#[test]
fn real_archives_cut_and_flipped() {
    let Some(root) = common::corpus("real_archives_cut_and_flipped", "archives") else {
        return;
    };
    let files = real_archives(&root);
    assert!(!files.is_empty(), "no archives in {}", root.display());
    let budget = Limits::default().max_expanded_bytes;
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 160,
        ..ProptestConfig::default()
    });
    let strategy = (
        0..files.len(),
        0.0f64..1.0,
        proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..6),
    );
    runner
        .run(&strategy, |(i, cut, flips)| {
            let (name, bytes) = &files[i];
            let mut b = bytes[..(bytes.len() as f64 * cut) as usize].to_vec();
            for (at, v) in flips {
                if !b.is_empty() {
                    let k = ((b.len() - 1) as f64 * at) as usize;
                    b[k] = v;
                }
            }
            let out = run(name, &b);
            for u in &out.unsearchable {
                prop_assert_ne!(
                    u.reason,
                    Reason::ExtractorFailed,
                    "{} {}: {}",
                    name,
                    u.locator,
                    u.detail
                );
            }
            let expanded: u64 = out
                .records
                .iter()
                .filter(|r| !r.locator.is_empty())
                .map(|r| r.size)
                .sum();
            prop_assert!(expanded <= budget, "{}: {} bytes", name, expanded);
            Ok(())
        })
        .unwrap();
}
