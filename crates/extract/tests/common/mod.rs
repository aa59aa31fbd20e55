//! Helpers shared by the real-world corpus tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use sarx_extract::{Collected, Extractor, Limits};

/// `../shared/corpus-real/<sub>` beside the repository, when present.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus-real")
        .join(sub);
    dir.is_dir().then_some(dir)
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
