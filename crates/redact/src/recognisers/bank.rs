//! Bank sort codes and account numbers, found only next to a context word.
//!
//! **Finds** a sort code or an account number within 40 bytes after a bank
//! word: `sort code`, `s/c`, `bank`, `account`, `a/c`, `acc no`, `BACS`,
//! `direct debit`.
//!
//! **Why**: a third party's bank details are personal (and financial) data;
//! bare digit runs are everywhere (phone numbers, references), so the context
//! word is the evidence.
//!
//! **Format**: a UK sort code is six digits written `12-34-56` (or with
//! spaces); an account number is eight digits (sometimes seven, or ten for
//! building societies).
//!
//! **True:** `sort code 20-45-77, account 41234567`; `a/c no: 12345678`.
//! **False:** `tenancy ref 12345678`; `call 01-23-45` without a bank word.
//! The table of cases is in the tests.

use regex::Regex;
use sarx_model::Span;

use sarx_detect::Recogniser;

use super::{before_window, Entity, EntityKind};

/// Recogniser name.
pub const NAME: &str = "bank_details";

const SORT_CUES: &[&str] = &[
    "sort code",
    "sort-code",
    "sortcode",
    "s/c",
    "bank",
    "bacs",
    "branch",
];
const ACCOUNT_CUES: &[&str] = &[
    "account",
    "acct",
    "acc no",
    "acc. no",
    "a/c",
    "bank",
    "bacs",
    "direct debit",
    "standing order",
    "building society",
    "roll no",
    "roll number",
];

/// The bank-details recogniser.
#[derive(Debug, Clone)]
pub struct BankDetails {
    sort_code: Regex,
    account: Regex,
}

impl BankDetails {
    /// Compiles the patterns.
    pub fn new() -> Result<Self, regex::Error> {
        Ok(BankDetails {
            sort_code: Regex::new(
                r"(?-u:\b)\d{2}[- ]\d{2}[- ]\d{2}(?-u:\b)|(?-u:\b)\d{6}(?-u:\b)",
            )?,
            account: Regex::new(
                r"(?-u:\b)\d{7,8}(?-u:\b)|(?-u:\b)\d{4} ?\d{4}(?-u:\b)|(?-u:\b)\d{10}(?-u:\b)",
            )?,
        })
    }
}

impl Recogniser for BankDetails {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every sort code and account number with a bank context word nearby.
    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        for m in self.sort_code.find_iter(text) {
            let ctx = before_window(text, m.start(), 40).to_lowercase();
            if SORT_CUES.iter().any(|c| ctx.contains(c)) && !glued(text, m.start(), m.end()) {
                out.push(Entity {
                    kind: EntityKind::SortCode,
                    span: Span::new(m.start(), m.end()),
                    normalised: m.as_str().chars().filter(char::is_ascii_digit).collect(),
                    confidence: 0.85,
                    recogniser: NAME,
                });
            }
        }
        for m in self.account.find_iter(text) {
            let ctx = before_window(text, m.start(), 40).to_lowercase();
            if ACCOUNT_CUES.iter().any(|c| ctx.contains(c)) && !glued(text, m.start(), m.end()) {
                out.push(Entity {
                    kind: EntityKind::AccountNumber,
                    span: Span::new(m.start(), m.end()),
                    normalised: m.as_str().chars().filter(char::is_ascii_digit).collect(),
                    confidence: 0.8,
                    recogniser: NAME,
                });
            }
        }
    }
}

/// True when the digits continue a longer number (`07700 900123`'s tail).
fn glued(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let before = start.checked_sub(2).and_then(|i| b.get(i..start));
    let after = b.get(end..(end + 2).min(b.len()));
    let digit_sep = |s: &[u8]| {
        s.len() == 2
            && s.iter().any(u8::is_ascii_digit)
            && s.iter().any(|c| matches!(c, b'-' | b' ' | b'.'))
    };
    before.is_some_and(|s| digit_sep(s) && s.first().is_some_and(u8::is_ascii_digit))
        || after.is_some_and(|s| digit_sep(s) && s.get(1).is_some_and(u8::is_ascii_digit))
}

#[cfg(test)]
mod tests {
    use sarx_detect::testing::check;

    use super::*;

    #[test]
    fn table() {
        let r = BankDetails::new().unwrap();
        let cases: &[&str] = &[
            "Bank: sort code «20-45-77», account «41234567»",
            "a/c no: «12345678»",
            "tenancy ref 12345678",
            "call 01-23-45 soon",
            "phone 07700 900123 about the account",
        ];
        for text in cases {
            check(&r, text);
        }
    }
}
