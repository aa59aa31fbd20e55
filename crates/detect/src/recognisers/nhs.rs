//! NHS numbers.
//!
//! **Finds** 10-digit NHS numbers written solid (`4857773457`) or in the
//! usual 3-3-4 grouping with spaces or dashes (`485 777 3457`,
//! `485-777-3457`), and reports only those whose check digit is right.
//!
//! **Why**: the NHS number identifies one patient; the check digit keeps
//! arbitrary 10-digit numbers (account numbers, phone fragments) out.
//!
//! **Format**: NHS Data Dictionary, "NHS Number": digits 1–9 weighted
//! 10 down to 2, sum mod 11, check = 11 − remainder (11 → 0; 10 → invalid).
//!
//! | text | found | normalised |
//! |---|---|---|
//! | `485 777 3457` | yes | `4857773457` |
//! | `4857773457` | yes | `4857773457` |
//! | `485-777-3457` | yes | `4857773457` |
//! | `485 777 3456` | no (check digit) | |
//! | `14857773457` | no (glued to a digit) | |

/// The pattern.
pub(crate) const PATTERN: &str = r"[0-9]{3}[ \-]?[0-9]{3}[ \-]?[0-9]{4}";

/// Recogniser name.
pub(crate) const NAME: &str = "nhs_number";

/// True when the 10 ASCII digits pass the NHS mod-11 check.
pub fn nhs_check_digit_ok(digits: &[u8]) -> bool {
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .take(9)
        .zip((2..=10u32).rev())
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let check = match 11 - (sum % 11) {
        11 => 0,
        10 => return false,
        c => c,
    };
    digits.get(9).is_some_and(|d| u32::from(d - b'0') == check)
}

/// Normalises an NHS number to its 10 digits after checking the mod-11
/// check digit; `None` when it is not valid.
///
/// ```
/// use sarx_detect::normalise_nhs;
/// assert_eq!(normalise_nhs("485 777 3457").as_deref(), Some("4857773457"));
/// assert_eq!(normalise_nhs("485 777 3456"), None);
/// ```
pub fn normalise_nhs(s: &str) -> Option<String> {
    let s = s.trim();
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
    {
        return None;
    }
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    nhs_check_digit_ok(&digits).then(|| digits.iter().map(|&b| char::from(b)).collect())
}

/// Checks one regex match.
pub(crate) fn check(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    if !crate::text::alnum_bounded(text, start, end) {
        return None;
    }
    normalise_nhs(text.get(start..end)?).map(|n| (start, end, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check_normalised, Only};

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("NHS «485 777 3457»", &["4857773457"]),
            ("«4857773457»", &["4857773457"]),
            ("«485-777-3457».", &["4857773457"]),
            ("485 777 3456", &[]),
            ("14857773457", &[]),
            ("«943 476 5919»", &["9434765919"]),
        ];
        for (text, want) in cases {
            check_normalised(&Only(crate::EntityKind::NhsNumber), text, want);
        }
    }

    #[test]
    fn check_digit() {
        assert!(nhs_check_digit_ok(b"4857773457"));
        assert!(!nhs_check_digit_ok(b"4857773456"));
        assert!(!nhs_check_digit_ok(b"485777345"));
    }
}
