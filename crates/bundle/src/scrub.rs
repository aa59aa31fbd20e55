//! Token-level search for redacted strings, shared by the builder (to keep
//! a spread string out of every other place it appears: other records,
//! titles, file names, header rows; which strings spread is
//! [`crate::spread`]'s decision) and mirrored by verification.
//!
//! Matching is on sequences of lowercase alphanumeric tokens (see
//! [`sarx_case::secrets::tokens`]), so case, whitespace and punctuation
//! variants of a redacted string are all found.

use std::collections::{BTreeSet, HashMap};

use sarx_case::secrets::MIN_CHARS;
use sarx_model::plan::Category;
use sarx_model::Span;

/// Redacted strings to look for, with what each is and the reason code it
/// was redacted for.
#[derive(Debug, Default, Clone)]
pub struct Scrubber {
    keys: HashMap<String, Tracked>,
    lengths: BTreeSet<usize>,
}

/// What a tracked string was redacted as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// What the data is.
    pub category: Category,
    /// The reason code of its marker.
    pub reason_code: String,
}

/// Byte spans of alphanumeric tokens in `text`, lowercased.
pub fn token_spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            if let Some(t) = text.get(s..i) {
                out.push((s, i, t.to_lowercase()));
            }
        }
    }
    if let Some(s) = start {
        if let Some(t) = text.get(s..) {
            out.push((s, text.len(), t.to_lowercase()));
        }
    }
    out
}

impl Scrubber {
    /// Adds a redacted string (ignored when shorter than
    /// [`MIN_CHARS`] alphanumeric characters).
    pub fn add(&mut self, redacted: &str, category: Category, reason_code: &str) {
        let toks = sarx_case::secrets::tokens(redacted);
        let chars: usize = toks.iter().map(|t| t.chars().count()).sum();
        if toks.is_empty() || chars < MIN_CHARS {
            return;
        }
        self.lengths.insert(toks.len());
        self.keys.entry(toks.join(" ")).or_insert_with(|| Tracked {
            category,
            reason_code: reason_code.to_owned(),
        });
    }

    /// True when no string is tracked.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Number of distinct strings tracked.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Every occurrence of a tracked string in `text`: byte span and what
    /// it was redacted as.
    pub fn find(&self, text: &str) -> Vec<(Span, Tracked)> {
        if self.keys.is_empty() {
            return Vec::new();
        }
        let toks = token_spans(text);
        let mut out = Vec::new();
        let mut key = String::new();
        for &n in self.lengths.iter().rev() {
            if n == 0 || n > toks.len() {
                continue;
            }
            for w in toks.windows(n) {
                key.clear();
                for (i, t) in w.iter().enumerate() {
                    if i > 0 {
                        key.push(' ');
                    }
                    key.push_str(&t.2);
                }
                if let (Some(t), Some(first), Some(last)) =
                    (self.keys.get(&key), w.first(), w.last())
                {
                    out.push((Span::new(first.0, last.1), t.clone()));
                }
            }
        }
        out.sort_by_key(|(s, _)| (s.start, s.end));
        out
    }

    /// `text` with every tracked string replaced by its marker.
    pub fn scrub(&self, text: &str) -> String {
        scrub_found(text, self.find(text))
    }

    /// `text` with every string tracked here or in `also` replaced by its marker.
    pub fn scrub_with(&self, also: &Scrubber, text: &str) -> String {
        let mut found = self.find(text);
        found.extend(also.find(text));
        scrub_found(text, found)
    }
}

fn scrub_found(text: &str, found: Vec<(Span, Tracked)>) -> String {
    if found.is_empty() {
        return text.to_owned();
    }
    let reds: Vec<sarx_case::Redaction> = found
        .into_iter()
        .map(|(span, t)| sarx_case::Redaction {
            id: String::new(),
            span,
            category: t.category,
            reason_code: t.reason_code,
            legal_basis: String::new(),
            confidence: 1.0,
            recogniser: String::new(),
            party: String::new(),
        })
        .collect();
    crate::layout::apply(text, &reds)
        .into_iter()
        .map(|p| match p {
            crate::layout::Piece::Text(t) => t,
            crate::layout::Piece::Marker(c) => crate::layout::marker_text(&c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_variants_and_scrubs() {
        let mut s = Scrubber::default();
        s.add("Janet Smith", Category::ThirdPartyName, "third-party");
        s.add("Jo", Category::ThirdPartyName, "third-party");
        assert_eq!(s.len(), 1);
        assert_eq!(
            s.scrub("asb/JANET-smith-complaint.docx"),
            "asb/[REDACTED: third-party]-complaint.docx"
        );
        assert_eq!(s.scrub("Janet Smithson"), "Janet Smithson");
        assert_eq!(s.find("Dear Janet\n  Smith,").len(), 1);
    }
}
