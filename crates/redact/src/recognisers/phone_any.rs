//! Telephone numbers in any national format, for redaction recall.
//!
//! **Finds** digit groups that are shaped like a phone number, in any
//! country's style. **Why**: `sarx-detect` recognises UK numbers and
//! normalises them to E.164 for search; a third party's number must be withheld whatever its format
//! (`+33 1 42 68 53 00`, `(96) 627-277`, `024 971 50 30`).
//!
//! **Format**: this recogniser takes digit groups separated by spaces,
//! dots or hyphens, with an optional `+country` prefix and `(area)` code, 7 to 15 digits in all, and rejects
//! shapes that are something else: dates, times, money, US social security
//! numbers (`123-45-6789`), card numbers (four groups of four, or 13+
//! unbroken digits), sort codes. Unbroken runs of 7–9 digits need a context
//! word (`tel`, `phone`, `mobile`, `call`, `number`, `contact`, `fax`).
//!
//! **True:** `07700 900461`; `+44 (0)113 496 0000`; `(96) 627-277`;
//! `78 651 450`; `tel 4960000`.
//! **False:** `14/06/1979`; `4111 1111 1111 1111`; `078-05-1120`; `£1 250`;
//! `2,500`; `ref 12345678`.

use regex::Regex;
use sarx_model::Span;

use sarx_detect::Recogniser;

use super::{before_window, Entity, EntityKind};

/// Recogniser name.
pub const NAME: &str = "phone_any";

const CUES: &[&str] = &[
    "tel",
    "phone",
    "mobile",
    "mob",
    "call",
    "ring",
    "number",
    "contact",
    "fax",
    "whatsapp",
    "text",
    "cell",
    "landline",
    "dial",
    "reach",
    "extension",
    "ext",
    "on ",
    "at ",
];

/// Words before a number that make it something else.
const NOT_PHONE: &[&str] = &[
    "licen",
    "ssn",
    "social security",
    "passport",
    "card",
    "iban",
    "account",
    "acct",
    "sort code",
    "order",
    "invoice",
    "ip ",
    "ip:",
    "address is",
    "zip",
    "postal code",
    "serial",
    "isbn",
    "policy",
    "routing",
    "swift",
    "tax id",
    "itin",
    "ref",
    "case no",
    "amount",
    "£",
    "$",
    "€",
];

/// The any-format phone recogniser.
#[derive(Debug, Clone)]
pub struct AnyPhones {
    re: Regex,
}

impl AnyPhones {
    /// Compiles the pattern.
    pub fn new() -> Result<Self, regex::Error> {
        Ok(AnyPhones {
            re: Regex::new(
                // ASCII classes (`(?-u)`): UK and international numbers
                // are written with ASCII digits, and the DFA is smaller.
                r"(?-u)(?:\+\d{1,3}[ .\-]?(?:\(0\)[ .\-]?)?)?(?:\(\d{1,5}\)[ .\-]?)?\d{1,12}(?:(?: |-|\.| - )\d{1,8}){0,5}(?:\s?(?:x|ext\.?)\s?\d{1,5})?",
            )?,
        })
    }
}

impl Recogniser for AnyPhones {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every telephone number in `text`.
    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        let bytes = text.as_bytes();
        for m in self.re.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let prev = s.checked_sub(1).and_then(|i| bytes.get(i)).copied();
            let next = bytes.get(e).copied();
            // Glued to a word, a decimal, money, or another number.
            if prev.is_some_and(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'/' | b'$' | b'#' | b'_')
            }) || next
                .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'%'))
                || prev.is_some_and(|b| matches!(b, b'.' | b',' | b'-' | b':'))
                    && s.checked_sub(2)
                        .and_then(|i| bytes.get(i))
                        .is_some_and(u8::is_ascii_digit)
                || next.is_some_and(|b| matches!(b, b'.' | b',' | b':'))
                    && bytes.get(e + 1).is_some_and(u8::is_ascii_digit)
            {
                continue;
            }
            let before = before_window(text, s, 3);
            if before.contains(['£', '€', '$']) {
                continue;
            }
            let num = m.as_str();
            // The number without its extension.
            let core = num
                .find(['x', 'e'])
                .and_then(|i| num.get(..i))
                .unwrap_or(num)
                .trim_end();
            if !plausible(core) {
                continue;
            }
            let ctx = before_window(text, s, 32).to_lowercase();
            if NOT_PHONE.iter().any(|c| ctx.contains(c)) {
                continue;
            }
            let near = before_window(text, s, 8).to_lowercase();
            if ["apt", "suite", "unit", "flat", "no.", "box", "room"]
                .iter()
                .any(|c| near.contains(c))
            {
                continue;
            }
            let digits: String = core.chars().filter(char::is_ascii_digit).collect();
            let groups = core
                .split([' ', '-', '.'])
                .filter(|g| !g.is_empty())
                .count();
            let plain = !core.starts_with(['+', '(']);
            // "370 3911 Fourth Avenue": a house number before a street.
            let street_next = text
                .get(e..)
                .and_then(|r| r.strip_prefix(' '))
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_uppercase);
            if plain && groups <= 2 && street_next {
                continue;
            }
            let unbroken = groups == 1 && plain;
            if unbroken
                && (!digits.starts_with('0') || digits.len() > 11)
                && !CUES.iter().any(|c| ctx.contains(c))
            {
                continue;
            }
            out.push(Entity {
                kind: EntityKind::Phone,
                span: Span::new(s, e),
                normalised: format!("digits:{digits}"),
                confidence: if num.starts_with('+') || digits.starts_with('0') {
                    0.85
                } else {
                    0.7
                },
                recogniser: NAME,
            });
        }
    }
}

/// Shape checks on one candidate.
fn plausible(num: &str) -> bool {
    let digits = num.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits) {
        return false;
    }
    let groups: Vec<&str> = num
        .split([' ', '-', '.', '(', ')', '+'])
        .filter(|g| !g.is_empty())
        .collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    // Unbroken runs of 12+ digits are card or account numbers.
    if lens.len() == 1 && digits > 11 && !num.starts_with('+') {
        return false;
    }
    // IPv4 addresses.
    if lens.len() == 4 && num.contains('.') && !num.contains(' ') && lens.iter().all(|&l| l <= 3) {
        return false;
    }
    // Card numbers: 4-4-4-4 or 4-6-5.
    if lens == [4, 4, 4, 4] || lens == [4, 6, 5] || lens == [4, 4, 4, 4, 3] {
        return false;
    }
    // US SSN 3-2-4 with hyphens.
    if lens == [3, 2, 4] && num.contains('-') && !num.contains(' ') {
        return false;
    }
    // Dates 2-2-4 / 4-2-2 with dots or hyphens.
    if (lens == [2, 2, 4] || lens == [4, 2, 2] || lens == [1, 2, 4] || lens == [2, 1, 4])
        && (num.contains('.') || num.contains('-'))
        && !num.contains(' ')
    {
        return false;
    }
    // Thousands groups: 1-3 digits then groups of exactly 3 with spaces
    // (money, populations) are ambiguous with phones; keep when 7+ digits
    // and not followed by a unit — leave to the caller's context. A year
    // followed by a number ("2019 12345") is not a phone.
    if lens.first().is_some_and(|&l| l == 4)
        && groups
            .first()
            .is_some_and(|g| g.starts_with("19") || g.starts_with("20"))
        && lens.len() == 2
    {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use sarx_detect::testing::check;

    use super::*;

    #[test]
    fn table() {
        let r = AnyPhones::new().unwrap();
        let cases: &[&str] = &[
            "call «07700 900461» today",
            "on «+44 (0)113 496 0000».",
            "call me at «(96) 627-277» I'd like",
            "answering at «78 651 450»",
            "my registered «024 971 50 30». Could",
            "tel «4960000»",
            "born 14/06/1979",
            "card 4111 1111 1111 1111",
            "ssn 078-05-1120",
            "paid £1 250 000",
            "ref 12345678",
            "card 213176828496175 at",
            "Fax: «9498777106»",
            "Fax: «001-420-335-7509x38548»",
            "My Israeli number is «09-7625400»",
            "is 224 4966 Bond Street",
            "license number is 2270-66-1551",
            "address 41.173.96.26 blocked",
            "Apt. 675 62314 Mellemvej",
        ];
        for text in cases {
            check(&r, text);
        }
    }
}
