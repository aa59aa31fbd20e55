//! UK telephone numbers.
//!
//! **Finds** UK numbers written nationally (`07700 900461`, `(0113) 496 0000`,
//! `0113-496-0000`) or internationally (`+44 7700 900461`, `+44 (0)7700
//! 900461`, `0044 7700 900461`, and without the plus as SMS gateways and
//! call logs write it, `447700900461`), with any spacing, dashes,
//! brackets or dots between groups (`07700.900.461`), and
//! normalises them to E.164 (`+447700900461`), so every spelling meets at one
//! key.
//!
//! **Why**: phone numbers are strong identifiers and are written in many ways.
//!
//! **Format**: Ofcom's National Telephone Numbering Plan: a trunk `0` and a
//! 10-digit national significant number (NSN) starting 1, 2, 3, 5, 7, 8 or 9
//! (9-digit NSNs survive in a few 01 areas and 0800 numbers). ITU-T E.164 for
//! the international form.
//!
//! | text | found | normalised |
//! |---|---|---|
//! | `07700 900461` | yes | `+447700900461` |
//! | `+44 (0)7700 900461` | yes | `+447700900461` |
//! | `(0113) 496 0000` | yes | `+441134960000` |
//! | `0044-20-7946-0018` | yes | `+442079460018` |
//! | `447700900461` | yes | `+447700900461` |
//! | `4477009004612` | no (13 digits) | |
//! | `07700.900.461` | yes | `+447700900461` |
//! | `07.06.2024 10.30` | no (dots between groups of two: a date, a time) | |
//! | `06700 900461` | no (6 is not an allocated leading digit) | |
//! | `0770 0900` | no (too short) | |
//! | `407700900461` | no (glued to a digit) | |

/// The pattern: a prefix, then digits with at most two separators between.
pub(crate) const PATTERN: &str = r"(?:\+ ?44 ?(?:\(0\) ?)?|0044[ \-]?(?:\(0\) ?)?|44 ?(?:\(0\) ?)?|\(0|0)[0-9](?:[ \t\-\(\)\.]{0,2}[0-9]){7,12}";

/// Recogniser name.
pub(crate) const NAME: &str = "uk_phone";

/// True when `nsn` (without trunk 0) is a plausible UK national significant number.
fn valid_nsn(nsn: &[u8]) -> bool {
    match nsn.first() {
        Some(b'1' | b'2' | b'3' | b'5' | b'7' | b'8' | b'9') => {}
        _ => return false,
    }
    nsn.len() == 10 || (nsn.len() == 9 && matches!(nsn.first(), Some(b'1' | b'8')))
}

/// Normalises a UK phone number to E.164 (`+447700900461`).
///
/// Accepts national (`07700 900461`), international (`+44 7700 900461`,
/// `0044…`, `+44 (0)…`) and E.164 forms with any spacing, dashes and
/// brackets. Returns `None` for anything else.
///
/// ```
/// use sarx_detect::normalise_phone;
/// assert_eq!(normalise_phone("+44 (0)7700 900-461").as_deref(), Some("+447700900461"));
/// assert_eq!(normalise_phone("12345"), None);
/// ```
pub fn normalise_phone(s: &str) -> Option<String> {
    let s = s.trim();
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || " \t-()+.".contains(c))
    {
        return None;
    }
    let international = s.starts_with('+');
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_digit).collect();
    let nsn: &[u8] = if international {
        let rest = digits.strip_prefix(b"44".as_slice())?;
        rest.strip_prefix(b"0".as_slice()).unwrap_or(rest)
    } else if let Some(rest) = digits.strip_prefix(b"0044".as_slice()) {
        rest.strip_prefix(b"0".as_slice()).unwrap_or(rest)
    } else if let Some(rest) = digits.strip_prefix(b"44".as_slice()) {
        // `447700900461`, `44 (0)7700 900461`: the international form
        // without its plus.
        rest.strip_prefix(b"0".as_slice()).unwrap_or(rest)
    } else {
        digits.strip_prefix(b"0".as_slice())?
    };
    if !valid_nsn(nsn) {
        return None;
    }
    let mut out = String::with_capacity(13);
    out.push_str("+44");
    out.extend(nsn.iter().map(|&b| char::from(b)));
    Some(out)
}

/// True unless dots make `m` read as a date, a time or a decimal: in a
/// number written with dots (`07700.900.461`, `+44 7700.900.461`) each dot
/// sits between two runs of at least three digits (`07.06.2024 10.30`
/// has runs of two).
fn dots_group_a_number(m: &str) -> bool {
    let b = m.as_bytes();
    let run =
        |digits: &mut dyn Iterator<Item = &u8>| digits.take_while(|c| c.is_ascii_digit()).count();
    b.iter()
        .enumerate()
        .filter(|(_, &c)| c == b'.')
        .all(|(i, _)| {
            let before = run(&mut b.get(..i).unwrap_or(&[]).iter().rev());
            let after = run(&mut b.get(i + 1..).unwrap_or(&[]).iter());
            before >= 3 && after >= 3
        })
}

/// Checks one regex match; trims it to one number; returns span and E.164.
pub(crate) fn check(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    if crate::text::char_before(text, start).is_some_and(|c| c.is_ascii_digit() || c == '+') {
        return None;
    }
    let m = text.get(start..end)?;
    // Digits with their byte positions.
    let digits: Vec<(usize, u8)> = m
        .bytes()
        .enumerate()
        .filter(|(_, b)| b.is_ascii_digit())
        .collect();
    let skip = if m.starts_with('+') {
        2
    } else if m.starts_with("0044") {
        4
    } else if m.starts_with("44") {
        2
    } else {
        1
    };
    let mut rest = digits.get(skip..)?;
    if skip > 1 && rest.first().is_some_and(|&(_, b)| b == b'0') {
        rest = rest.get(1..)?;
    }
    let take = if rest.len() >= 10 { 10 } else { rest.len() };
    let nsn: Vec<u8> = rest.iter().take(take).map(|&(_, b)| b).collect();
    if !valid_nsn(&nsn) {
        return None;
    }
    let last = rest.get(take.checked_sub(1)?)?.0;
    let new_end = start + last + 1;
    if !crate::text::digit_bounded(text, start, new_end) {
        return None;
    }
    if !dots_group_a_number(text.get(start..new_end)?) {
        return None;
    }
    let mut out = String::from("+44");
    out.extend(nsn.iter().map(|&b| char::from(b)));
    Some((start, new_end, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Recognisers;

    fn found(text: &str) -> Vec<(String, String)> {
        Recognisers::shared()
            .find(text)
            .into_iter()
            .filter(|e| e.kind == crate::EntityKind::Phone)
            .map(|e| (e.span.slice(text).unwrap().to_owned(), e.normalised))
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                "call 07700 900461 now",
                &[("07700 900461", "+447700900461")],
            ),
            (
                "tel +44 (0)7700 900461.",
                &[("+44 (0)7700 900461", "+447700900461")],
            ),
            ("(0113) 496 0000", &[("(0113) 496 0000", "+441134960000")]),
            (
                "0044-20-7946-0018",
                &[("0044-20-7946-0018", "+442079460018")],
            ),
            ("+447700900461", &[("+447700900461", "+447700900461")]),
            (
                "07700 900461 07700 900462",
                &[
                    ("07700 900461", "+447700900461"),
                    ("07700 900462", "+447700900462"),
                ],
            ),
            ("06700 900461", &[]),
            ("0770 0900", &[]),
            ("407700900461", &[]),
            (
                "SMS from 447700900461 at 10:02",
                &[("447700900461", "+447700900461")],
            ),
            (
                "44 (0)113 496 0000",
                &[("44 (0)113 496 0000", "+441134960000")],
            ),
            ("4477009004612", &[]),
            ("ref 44123", &[]),
            ("14/06/1979", &[]),
            ("mob. 07700.900.461.", &[("07700.900.461", "+447700900461")]),
            ("0113.496.0000", &[("0113.496.0000", "+441134960000")]),
            ("+44 7700.900.461", &[("+44 7700.900.461", "+447700900461")]),
            ("seen 07.06.2024 10.30 by", &[]),
            ("on 01.02.2024 at 10.15", &[]),
            ("rate 0.1234567890", &[]),
            ("07700. 900461", &[]),
        ];
        for (text, want) in cases {
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(found(text), want, "{text}");
        }
    }

    #[test]
    fn normaliser_table() {
        assert_eq!(
            normalise_phone("07700900461").as_deref(),
            Some("+447700900461")
        );
        assert_eq!(
            normalise_phone("0044 7700 900461").as_deref(),
            Some("+447700900461")
        );
        assert_eq!(
            normalise_phone("+44 20 7946 0018").as_deref(),
            Some("+442079460018")
        );
        assert_eq!(
            normalise_phone("447700900461").as_deref(),
            Some("+447700900461")
        );
        assert_eq!(normalise_phone("+33 1 23 45 67 89"), None);
        assert_eq!(normalise_phone("call me"), None);
    }
}
