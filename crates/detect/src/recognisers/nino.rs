//! National Insurance numbers.
//!
//! **Finds** NI numbers with any spacing or dashes between the pairs
//! (`JM482761C`, `JM 48 27 61 C`, `jm-48-27-61-c`) and normalises them to
//! `JM482761C`.
//!
//! **Why**: an NI number identifies one person for life; a different NI
//! number next to the subject's name marks a different person.
//!
//! **Format**: HMRC National Insurance Manual NIM39110: two prefix letters,
//! six digits, a suffix A–D. The first letter is not D, F, I, Q, U or V; the
//! second is not D, F, I, O, Q, U or V; the prefixes BG, GB, KN, NK, NT, TN
//! and ZZ are never allocated.
//!
//! | text | found | normalised |
//! |---|---|---|
//! | `JM482761C` | yes | `JM482761C` |
//! | `JM 48 27 61 C` | yes | `JM482761C` |
//! | `jm-48-27-61-c` | yes | `JM482761C` |
//! | `GB482761C` | no (prefix never allocated) | |
//! | `DM482761C` | no (D is not a first letter) | |
//! | `JM482761E` | no (suffix not A–D) | |
//! | `XJM482761C` | no (glued to a letter) | |

/// The pattern.
pub(crate) const PATTERN: &str =
    r"(?i)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ \-]?[0-9]{2}[ \-]?[0-9]{2}[ \-]?[0-9]{2}[ \-]?[A-D]";

/// Recogniser name.
pub(crate) const NAME: &str = "uk_nino";

const BANNED_PREFIXES: [&str; 7] = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];

/// Normalises an NI number to `AB123456C` (uppercase, no separators) after
/// checking HMRC's format and prefix rules; `None` when it is not valid.
///
/// ```
/// use sarx_detect::normalise_nino;
/// assert_eq!(normalise_nino("jm 48 27 61 c").as_deref(), Some("JM482761C"));
/// assert_eq!(normalise_nino("GB482761C"), None);
/// ```
pub fn normalise_nino(s: &str) -> Option<String> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let b = compact.as_bytes();
    if b.len() != 9 {
        return None;
    }
    let (p1, p2) = (*b.first()?, *b.get(1)?);
    let ok_first = p1.is_ascii_uppercase() && !b"DFIQUV".contains(&p1);
    let ok_second = p2.is_ascii_uppercase() && !b"DFIOQUV".contains(&p2);
    let ok_digits = b.get(2..8)?.iter().all(u8::is_ascii_digit);
    let ok_suffix = matches!(b.get(8), Some(b'A'..=b'D'));
    let prefix = compact.get(..2)?;
    (ok_first && ok_second && ok_digits && ok_suffix && !BANNED_PREFIXES.contains(&prefix))
        .then_some(compact)
}

/// Checks one regex match.
pub(crate) fn check(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    if !crate::text::alnum_bounded(text, start, end) {
        return None;
    }
    normalise_nino(text.get(start..end)?).map(|n| (start, end, n))
}

#[cfg(test)]
mod tests {
    use crate::testing::{check_normalised, Only};

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("NI: «JM482761C».", &["JM482761C"]),
            ("NI no «JM 48 27 61 C»", &["JM482761C"]),
            ("«jm-48-27-61-c»", &["JM482761C"]),
            ("GB482761C", &[]),
            ("DM482761C", &[]),
            ("JO482761C", &[]),
            ("JM482761E", &[]),
            ("XJM482761C", &[]),
            ("JM4827619C", &[]),
        ];
        for (text, want) in cases {
            check_normalised(&Only(crate::EntityKind::NiNumber), text, want);
        }
    }
}
