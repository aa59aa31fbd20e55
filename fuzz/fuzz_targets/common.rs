// Shared by the extraction targets (included with `include!`, each target
// is its own binary).
use sarx_extract::{Collected, Extractor, Format};
use sarx_model::Reason;

/// Extracts `bytes` as `format` (named `name`) and fails on a panic the
/// dispatcher caught: libFuzzer's panic hook aborts on the panic itself, and
/// this assertion keeps a caught panic a crash should the hook change.
fn extract_as(name: &str, format: Format, bytes: &[u8]) {
    let ex = Extractor::default();
    let mut out = Collected::default();
    ex.extract_bytes_as("fuzz/input", name, bytes, format, &mut out);
    for u in &out.unsearchable {
        assert!(
            u.reason != Reason::ExtractorFailed,
            "caught panic: {} at {:?}",
            u.detail,
            u.locator
        );
    }
    // Every span and text is used the way the indexer uses it.
    for r in &out.records {
        assert!(r.text.is_char_boundary(r.text.len()));
    }
}

/// The format the first byte selects from `formats`, and the rest of the
/// input (`fuzz/seed.sh` prefixes every seed with its format's index).
fn select<'a>(data: &'a [u8], formats: &[(&'static str, Format)]) -> Option<(&'static str, Format, &'a [u8])> {
    let (first, rest) = data.split_first()?;
    let (name, format) = formats[*first as usize % formats.len()];
    Some((name, format, rest))
}
