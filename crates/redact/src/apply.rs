//! Applying a plan: every planned span is replaced by a visible marker.
//!
//! Spans are clamped to the text, widened outward to UTF-8 character
//! boundaries (never narrowed: a redaction may hide a little more, never
//! less), and overlapping or touching spans are merged into one marker. A
//! merged run whose spans all share a category gets that category's marker;
//! a run mixing categories gets the generic `[REDACTED: third party]`.
//!
//! ```
//! use sarx_model::{RecordId, Span};
//! use sarx_redact::{apply, Category, RecordPlan, Redaction};
//! let text = "Call Janet Smith on 07700 900123.";
//! let mut plan = RecordPlan::new(RecordId::new("a.txt", ""));
//! for (start, end, category) in [(5, 16, Category::ThirdPartyName), (20, 32, Category::ThirdPartyContact)] {
//!     plan.redactions.push(Redaction {
//!         id: String::new(), span: Span::new(start, end), category,
//!         reason_code: "third-party".into(),
//!         legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
//!         confidence: 0.9, recogniser: "test".into(), party: String::new(),
//!     });
//! }
//! assert_eq!(
//!     apply(text, &plan),
//!     "Call [REDACTED: third party] on [REDACTED: third-party contact details]."
//! );
//! ```

use sarx_model::Span;

use crate::plan::{Category, RecordPlan, Redaction};

/// A maximal run of bytes to withhold, and the marker category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedSpan {
    /// The bytes (character boundaries).
    pub span: Span,
    /// The category when every merged span shares it, else `None`.
    pub category: Option<Category>,
}

impl MergedSpan {
    /// The marker text for this run.
    pub fn marker(&self) -> &'static str {
        self.category
            .map(Category::marker)
            .unwrap_or(Category::ThirdPartyName.marker())
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The runs to withhold: clamped, widened to character boundaries, sorted,
/// overlapping and touching spans merged.
pub fn merge_spans(text: &str, redactions: &[Redaction]) -> Vec<MergedSpan> {
    let mut spans: Vec<(usize, usize, Category)> = redactions
        .iter()
        .map(|r| {
            (
                floor_boundary(text, r.span.start),
                ceil_boundary(text, r.span.end),
                r.category,
            )
        })
        .filter(|(s, e, _)| s < e)
        .collect();
    spans.sort_by_key(|a| (a.0, a.1));
    let mut out: Vec<MergedSpan> = Vec::with_capacity(spans.len());
    for (s, e, c) in spans {
        match out.last_mut() {
            Some(last) if s <= last.span.end => {
                last.span.end = last.span.end.max(e);
                if last.category != Some(c) {
                    last.category = None;
                }
            }
            _ => out.push(MergedSpan {
                span: Span::new(s, e),
                category: Some(c),
            }),
        }
    }
    out
}

/// The text with every planned redaction replaced by its visible marker.
pub fn apply(text: &str, plan: &RecordPlan) -> String {
    apply_redactions(text, &plan.redactions)
}

/// [`apply`] over a bare list of redactions.
pub fn apply_redactions(text: &str, redactions: &[Redaction]) -> String {
    let merged = merge_spans(text, redactions);
    let mut out = String::with_capacity(text.len() + merged.len() * 24);
    let mut at = 0;
    for m in &merged {
        // `merge_spans` guarantees boundaries, order and range.
        out.push_str(text.get(at..m.span.start).unwrap_or_default());
        out.push_str(m.marker());
        at = m.span.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn red(start: usize, end: usize, category: Category) -> Redaction {
        Redaction {
            id: String::new(),
            span: Span::new(start, end),
            category,
            reason_code: "third-party".into(),
            legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
            confidence: 1.0,
            recogniser: "test".into(),
            party: String::new(),
        }
    }

    #[test]
    fn merges_overlapping_and_touching() {
        let t = "abcdefghij";
        let m = merge_spans(
            t,
            &[
                red(1, 3, Category::ThirdPartyName),
                red(2, 4, Category::ThirdPartyName),
                red(4, 5, Category::ThirdPartyName),
                red(7, 8, Category::ThirdPartyContact),
            ],
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].span, Span::new(1, 5));
        assert_eq!(m[0].category, Some(Category::ThirdPartyName));
        assert_eq!(m[1].span, Span::new(7, 8));
        assert_eq!(
            apply_redactions(
                t,
                &[
                    red(1, 3, Category::ThirdPartyName),
                    red(3, 4, Category::ThirdPartyAddress)
                ]
            ),
            "a[REDACTED: third party]efghij"
        );
    }

    #[test]
    fn widens_to_char_boundaries() {
        let t = "café 🙂 東京";
        // 'é' is bytes 3..5; a span starting inside it widens to 3.
        let out = apply_redactions(t, &[red(4, 5, Category::ThirdPartyName)]);
        assert_eq!(out, "caf[REDACTED: third party] 🙂 東京");
        // Emoji is 6..10; CJK 11..14 and 14..17.
        let out = apply_redactions(
            t,
            &[
                red(7, 8, Category::ThirdPartyName),
                red(12, 13, Category::ThirdPartyName),
            ],
        );
        assert_eq!(
            out,
            "café [REDACTED: third party] [REDACTED: third party]京"
        );
        // Out-of-range spans are clamped, empty ones ignored.
        assert_eq!(
            apply_redactions(
                "ab",
                &[
                    red(1, 99, Category::ThirdPartyName),
                    red(1, 1, Category::ThirdPartyName)
                ]
            ),
            "a[REDACTED: third party]"
        );
    }

    /// Slow oracle: a per-byte mask, widened per span to char boundaries.
    fn oracle(text: &str, reds: &[Redaction]) -> String {
        let mut mask = vec![None::<Option<Category>>; text.len()];
        for r in reds {
            let s = floor_boundary(text, r.span.start);
            let e = ceil_boundary(text, r.span.end);
            for m in mask.iter_mut().take(e).skip(s) {
                *m = Some(match m {
                    None => Some(r.category),
                    Some(Some(c)) if *c == r.category => Some(r.category),
                    _ => None,
                });
            }
        }
        // Touching spans merge into a run; categories mix across the run.
        let mut out = String::new();
        let mut i = 0;
        while i < text.len() {
            if mask[i].is_none() {
                let ch = text[i..].chars().next().unwrap();
                out.push(ch);
                i += ch.len_utf8();
                continue;
            }
            let mut cat = mask[i].unwrap();
            while i < text.len() && mask[i].is_some() {
                if mask[i].unwrap() != cat {
                    cat = None;
                }
                i += 1;
            }
            out.push_str(
                MergedSpan {
                    span: Span::new(0, 0),
                    category: cat,
                }
                .marker(),
            );
        }
        out
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("a"),
                Just("b"),
                Just("Z"),
                Just(" "),
                Just("é"),
                Just("🙂"),
                Just("東"),
                Just("\n"),
                Just("7")
            ],
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn apply_matches_oracle(
            text in text_strategy(),
            raw in proptest::collection::vec((0usize..200, 0usize..20, 0usize..3), 0..6),
        ) {
            let cats = [Category::ThirdPartyName, Category::ThirdPartyContact, Category::SpecialCategory];
            let reds: Vec<Redaction> = raw
                .iter()
                .map(|&(s, l, c)| red(s % (text.len() + 1), (s % (text.len() + 1)) + l, cats[c]))
                .collect();
            let out = apply_redactions(&text, &reds);
            prop_assert_eq!(&out, &oracle(&text, &reds));
            // No redacted character survives at its position: the output
            // before the first run is the untouched prefix, and the count of
            // markers equals the count of merged runs.
            let merged = merge_spans(&text, &reds);
            let markers = out.matches("[REDACTED: ").count();
            prop_assert_eq!(markers, merged.len());
            if let Some(first) = merged.first() {
                prop_assert!(out.starts_with(&text[..first.span.start]));
                prop_assert!(out[first.span.start..].starts_with("[REDACTED: "));
            }
            // Merged runs are disjoint, non-touching and on boundaries.
            for w in merged.windows(2) {
                prop_assert!(w[0].span.end < w[1].span.start);
            }
            for m in &merged {
                prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
            }
        }

        #[test]
        fn redacted_unique_text_is_gone(
            prefix in "[a-c ]{0,12}",
            secret in "[XYQ]{3,8}",
            suffix in "[a-c é🙂東]{0,12}",
        ) {
            // The secret's letters do not occur in the rest of the text nor in
            // any marker (markers are "[REDACTED: ...]" in lower case after
            // the colon), so after redaction it must be nowhere.
            let text = format!("{prefix}{secret}{suffix}");
            let reds = [red(prefix.len(), prefix.len() + secret.len(), Category::ThirdPartyName)];
            let out = apply_redactions(&text, &reds);
            prop_assert!(!out.contains(&secret));
            prop_assert!(!out.contains('Q') && !out.contains('X') && !out.contains('Y'));
            prop_assert_eq!(out, format!("{prefix}[REDACTED: third party]{suffix}"));
        }
    }
}
