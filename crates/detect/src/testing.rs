//! A test helper in rust-analyzer's style: the expected spans are marked in
//! the text itself.
//!
//! ```
//! use sarx_detect::{testing::check, EntityKind, Recognisers};
//! let phones = Recognisers::builder().only(&[EntityKind::Phone]).build().unwrap();
//! check(&phones, "call «07700 900123» today");
//! check(&phones, "call 0770 today");
//! ```
//!
//! Only for tests (the `testing` feature): it panics on a mismatch.
#![allow(clippy::panic)]

use crate::entity::{Entity, EntityKind};
use crate::recogniser::Recogniser;
use crate::Recognisers;

/// Opens a marked span.
pub const OPEN: char = '«';
/// Closes a marked span.
pub const CLOSE: char = '»';

/// `marked` without its marks, and the byte spans of the unmarked text the
/// marks enclosed. Marks do not nest.
///
/// # Panics
///
/// When the marks are unbalanced or nested: a mistake in the test itself.
pub fn parse(marked: &str) -> (String, Vec<(usize, usize)>) {
    let mut text = String::with_capacity(marked.len());
    let mut spans = Vec::new();
    let mut open: Option<usize> = None;
    for c in marked.chars() {
        match c {
            OPEN => {
                assert!(open.is_none(), "nested «: {marked:?}");
                open = Some(text.len());
            }
            CLOSE => match open.take() {
                Some(s) => spans.push((s, text.len())),
                None => panic!("» without «: {marked:?}"),
            },
            c => text.push(c),
        }
    }
    assert!(open.is_none(), "« without »: {marked:?}");
    (text, spans)
}

/// `text` with every span of `spans` marked (they are sorted first;
/// overlapping spans are marked as far as they can be).
pub fn mark(text: &str, spans: &[(usize, usize)]) -> String {
    let mut cuts: Vec<(usize, bool)> = spans
        .iter()
        .flat_map(|&(s, e)| [(s, true), (e, false)])
        .collect();
    // At one offset, close before opening (`«a»«b»`).
    cuts.sort_by_key(|&(at, opens)| (at, opens));
    let mut out = String::with_capacity(text.len() + 4 * spans.len());
    let mut at = 0;
    for (cut, opens) in cuts {
        if let Some(piece) = text.get(at..cut) {
            out.push_str(piece);
            at = cut;
        }
        out.push(if opens { OPEN } else { CLOSE });
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// The spans `r` finds in `text`, sorted (a span found twice is listed
/// twice).
pub fn spans_found<R: Recogniser>(r: &R, text: &str) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = r
        .find_all(text)
        .iter()
        .map(|f| (f.span.start, f.span.end))
        .collect();
    found.sort_unstable();
    found
}

/// Asserts that what `r` finds in `marked` (without its marks) is exactly
/// the marked spans.
///
/// # Panics
///
/// On a mismatch, showing the text marked as found.
pub fn check<R: Recogniser>(r: &R, marked: &str) {
    let (text, want) = parse(marked);
    let got = spans_found(r, &text);
    assert!(
        got == want,
        "recogniser {}:\n  want {marked}\n   got {}",
        r.name(),
        mark(&text, &got)
    );
}

/// [`check`], and that the findings' normalised forms are `normalised`, in
/// order of position.
///
/// # Panics
///
/// On a mismatch.
pub fn check_normalised<R: Recogniser>(r: &R, marked: &str, normalised: &[&str]) {
    check(r, marked);
    let (text, _) = parse(marked);
    let mut found: Vec<Entity> = r.find_all(&text);
    found.sort_by_key(|f| (f.span.start, f.span.end));
    let got: Vec<&str> = found.iter().map(|f| f.normalised.as_str()).collect();
    assert_eq!(got, normalised, "recogniser {}: {marked}", r.name());
}

/// The findings of one kind of the shared engine ([`Recognisers::shared`]),
/// as a recogniser: a file's table then sees what the engine keeps where
/// patterns overlap.
#[derive(Debug, Clone, Copy)]
pub struct Only(pub EntityKind);

impl Recogniser for Only {
    fn name(&self) -> &'static str {
        self.0.as_str()
    }

    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        out.extend(
            Recognisers::shared()
                .find(text)
                .into_iter()
                .filter(|e| e.kind == self.0),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_mark_round_trip() {
        let (t, s) = parse("«Zoë» and «Jo»«x»");
        assert_eq!(t, "Zoë and Jox");
        assert_eq!(s, vec![(0, 4), (9, 11), (11, 12)]);
        assert_eq!(mark(&t, &s), "«Zoë» and «Jo»«x»");
    }
}
