//! Helpers shared by the real-world corpus tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use sarx_extract::{Collected, Extractor, Limits};

/// True when running under CI (`CI=true`), where a missing dependency is a
/// failure rather than a skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// `../shared/corpus-real/<sub>` beside the repository, when present
/// (`sub` may be empty for the whole corpus). When it is absent: under CI
/// the test fails; elsewhere it prints "skipped: <test>: ..." and the
/// caller returns.
pub fn corpus(test: &str, sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus-real")
        .join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "{test}: ../shared/corpus-real{}{sub} is absent ({})",
        if sub.is_empty() { "" } else { "/" },
        dir.display()
    );
    assert!(!under_ci(), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

/// Extracts one file with the default limits, its path as the source.
pub fn extract(path: &Path) -> Collected {
    let mut out = Collected::default();
    let source = path.to_string_lossy().into_owned();
    Extractor::new(Limits::default()).extract_path(&source, path, &mut out);
    out
}

/// The files directly in `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
