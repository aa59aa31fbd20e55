//! UK postcodes.
//!
//! **Finds** postcodes in any case, with or without the space (`LS8 4HS`,
//! `ls84hs`, `SW1A  1AA`) and normalises them to uppercase without spaces
//! (`LS84HS`).
//!
//! **Why**: a postcode next to the subject's name corroborates (their own)
//! or contradicts (somebody else's) that a record is about them.
//!
//! **Format**: the outward code (`A9`, `A99`, `AA9`, `AA99`, `A9A`, `AA9A`)
//! and inward code (`9AA`) of the Royal Mail Postcode Address File, with the
//! letter restrictions of BS 7666: first letter not Q, V or X; second not I,
//! J or Z; inward letters not C, I, K, M, O or V. Plus `GIR 0AA`.
//!
//! | text | found | normalised |
//! |---|---|---|
//! | `Leeds LS8 4HS` | yes | `LS84HS` |
//! | `ls84hs` | yes | `LS84HS` |
//! | `SW1A 1AA` | yes | `SW1A1AA` |
//! | `QS8 4HS` | no (Q is not a first letter) | |
//! | `LS8 4HC` | no (C is not an inward letter) | |
//! | `XLS8 4HS` | no (glued) | |

use std::sync::LazyLock;

use regex::Regex;

const OUTWARD: &str =
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKMNPR-Y]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?|GIR)";
const INWARD: &str = r"[0-9][ABD-HJLNP-UW-Z]{2}";

/// The pattern.
pub(crate) const PATTERN: &str = concat!(
    r"(?i)(?:[A-PR-UWYZ][0-9][0-9A-HJKMNPR-Y]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?|GIR)",
    r"[ \t]{0,2}[0-9][ABD-HJLNP-UW-Z]{2}"
);

/// Recogniser name.
pub(crate) const NAME: &str = "uk_postcode";

#[allow(clippy::expect_used)] // constant pattern, covered by tests
static ANCHORED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("^{OUTWARD}{INWARD}$")).expect("postcode pattern compiles")
});

/// Normalises a postcode to uppercase without spaces (`LS84HS`) after
/// checking its format; `None` when it is not a postcode.
///
/// ```
/// use sarx_detect::normalise_postcode;
/// assert_eq!(normalise_postcode("ls8 4hs").as_deref(), Some("LS84HS"));
/// assert_eq!(normalise_postcode("LS8 4HC"), None);
/// ```
pub fn normalise_postcode(s: &str) -> Option<String> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    ANCHORED.is_match(&compact).then_some(compact)
}

/// The postcode at the end of an address line, if any
/// (`Flat 3, 18 Roundhay Road, Leeds, LS8 4HS` → `LS84HS`).
pub fn postcode_in(address: &str) -> Option<String> {
    let tail = address.rsplit(',').next().unwrap_or(address).trim();
    if let Some(p) = normalise_postcode(tail) {
        return Some(p);
    }
    // "Leeds LS8 4HS": the last two words.
    let words: Vec<&str> = address.split_whitespace().collect();
    let n = words.len();
    let last_two = words.get(n.saturating_sub(2)..)?.join("");
    normalise_postcode(&last_two)
}

/// Checks one regex match.
pub(crate) fn check(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    if !crate::text::alnum_bounded(text, start, end) {
        return None;
    }
    normalise_postcode(text.get(start..end)?).map(|n| (start, end, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_normalised, Only};

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("Leeds «LS8 4HS»", &["LS84HS"]),
            ("«ls84hs»", &["LS84HS"]),
            ("London «SW1A 1AA».", &["SW1A1AA"]),
            ("«M1 1AE»", &["M11AE"]),
            ("QS8 4HS", &[]),
            ("LS8 4HC", &[]),
            ("XLS8 4HS", &[]),
        ];
        for (text, want) in cases {
            check_normalised(&Only(crate::EntityKind::Postcode), text, want);
        }
    }

    #[test]
    fn postcode_of_address() {
        assert_eq!(
            postcode_in("Flat 3, 18 Roundhay Road, Leeds, LS8 4HS").as_deref(),
            Some("LS84HS")
        );
        assert_eq!(
            postcode_in("18 Roundhay Road Leeds LS8 4HS").as_deref(),
            Some("LS84HS")
        );
        assert_eq!(postcode_in("18 Roundhay Road"), None);
    }
}
