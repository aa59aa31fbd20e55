//! References: customer, tenancy, rent account and case numbers.
//!
//! **Finds** reference tokens: runs of letters and digits joined by `-` or
//! `/` that mix letters and digits and are at least 5 characters long
//! (`TEN-0045127`, `ASB/2024/0012`, `RA00451`). The index stores every such
//! token as a `ref:` key; the subject matcher then matches the profile's
//! references exactly, as whole tokens, ignoring case.
//!
//! **Why**: organisations file everything under their own reference
//! numbers; a reference in the profile is a strong identifier.
//!
//! **Format**: no standard; the rule is "exact token, case-insensitive".
//!
//! | text | token | normalised |
//! |---|---|---|
//! | `ref TEN-0045127.` | `TEN-0045127` | `TEN-0045127` |
//! | `asb/2024/0012` | `asb/2024/0012` | `ASB/2024/0012` |
//! | `TEN-00451270` | not `TEN-0045127` (a different token) | |
//! | `LS8` | no (shorter than 5) | |
//! | `2024-06-14` | no (no letter) | |

/// Normalises a reference: trimmed and uppercased.
///
/// ```
/// use sarx_detect::normalise_reference;
/// assert_eq!(normalise_reference(" ten-0045127 "), "TEN-0045127");
/// ```
pub fn normalise_reference(s: &str) -> String {
    s.trim().to_uppercase()
}

/// Every common written form of a reference, uppercased: its letter and
/// digit groups joined by `-`, `/`, a space or nothing, and — when a letter
/// prefix is followed by at least five digits — the rest without the prefix,
/// as payment files and bank exports write it.
///
/// ```
/// use sarx_detect::reference_forms;
/// let forms = reference_forms("ten-0045290");
/// for f in ["TEN-0045290", "TEN/0045290", "TEN 0045290", "TEN0045290", "0045290"] {
///     assert!(forms.iter().any(|x| x == f), "{f}");
/// }
/// ```
pub fn reference_forms(r: &str) -> Vec<String> {
    let r = normalise_reference(r);
    let mut groups: Vec<String> = Vec::new();
    let mut prev: Option<bool> = None;
    for c in r.chars() {
        if !c.is_alphanumeric() {
            prev = None;
            continue;
        }
        let digit = c.is_ascii_digit();
        match groups.last_mut() {
            Some(g) if prev == Some(digit) => g.push(c),
            _ => groups.push(c.to_string()),
        }
        prev = Some(digit);
    }
    let mut out = vec![r.clone()];
    let join = |gs: &[String], out: &mut Vec<String>| {
        for sep in ["-", "/", " ", ""] {
            out.push(gs.join(sep));
        }
    };
    if groups.len() >= 2 {
        join(&groups, &mut out);
    }
    let prefixed = groups
        .first()
        .is_some_and(|g| g.chars().all(char::is_alphabetic));
    if prefixed && groups.len() >= 2 {
        let rest = groups.get(1..).unwrap_or(&[]);
        let digits: usize = rest
            .iter()
            .map(|g| g.chars().filter(char::is_ascii_digit).count())
            .sum();
        if digits >= 5 {
            join(rest, &mut out);
        }
    }
    out.retain(|f| !f.is_empty());
    out.sort();
    out.dedup();
    out
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'/'
}

/// The tokens of [`tokens`] that are [`is_reference_like`]: what the index
/// stores as `ref:` keys. Cheaper than filtering [`tokens`]: a raw token
/// without a digit, a letter or 5 bytes is skipped before the
/// word-boundary check (trimming only shortens a token, so it could not
/// pass after).
///
/// Driven by digits: a reference has one, so only the raw tokens around a
/// digit are looked at, and the digits are found 32 bytes at a time (most
/// text has few).
pub fn reference_tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        let d = i + crate::text::next_digit(bytes.get(i..)?)?;
        // The raw token holding that digit; the previous one ended before
        // a byte that is not a token byte, so this one starts after it.
        // A reference also needs a letter: noted on the way.
        let mut letter = false;
        let mut start = d;
        while start > i {
            match bytes.get(start - 1) {
                Some(&b) if is_token_char(b) => {
                    letter |= b.is_ascii_alphabetic();
                    start -= 1;
                }
                _ => break,
            }
        }
        let mut end = d + 1;
        while let Some(&b) = bytes.get(end) {
            if !is_token_char(b) {
                break;
            }
            letter |= b.is_ascii_alphabetic();
            end += 1;
        }
        i = end;
        if !letter || end - start < 5 {
            continue;
        }
        // Trimming drops only `-` and `/`: the letter and the digit stay,
        // the length may fall short.
        if let Some((s, e)) = trim_token(text, start, end) {
            if e - s >= 5 {
                return Some((s, e));
            }
        }
    })
}

fn is_reference_like_bytes(tok: &[u8]) -> bool {
    tok.len() >= 5 && tok.iter().any(u8::is_ascii_digit) && tok.iter().any(u8::is_ascii_alphabetic)
}

/// The raw token `[start, end)` of `text` trimmed of leading and trailing
/// `-`/`/`; `None` when it is glued to a non-ASCII letter (not a token of
/// its own) or nothing is left.
fn trim_token(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    if !crate::text::alnum_bounded(text, start, end) {
        return None;
    }
    let tok = text.as_bytes().get(start..end)?;
    let lead = tok.iter().take_while(|&&b| b == b'-' || b == b'/').count();
    let trail = tok
        .iter()
        .rev()
        .take_while(|&&b| b == b'-' || b == b'/')
        .count();
    (lead + trail < tok.len()).then_some((start + lead, end - trail))
}

/// Byte ranges of every token of `text` made of letters, digits, `-` and
/// `/` (trimmed of leading and trailing `-`/`/`).
pub fn tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            while bytes.get(i).is_some_and(|&b| !is_token_char(b)) {
                i += 1;
            }
            let start = i;
            while bytes.get(i).is_some_and(|&b| is_token_char(b)) {
                i += 1;
            }
            if let Some(range) = trim_token(text, start, i) {
                return Some(range);
            }
        }
        None
    })
}

/// True when the token looks like a reference: at least 5 characters,
/// mixing letters and digits.
pub fn is_reference_like(tok: &str) -> bool {
    is_reference_like_bytes(tok.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `reference_tokens` is `tokens` filtered by `is_reference_like`.
        #[test]
        fn reference_tokens_are_the_reference_like_tokens(
            t in "([A-Za-z0-9]{0,7}[ /\\-.,é]{0,2}){0,12}",
        ) {
            let slow: Vec<(usize, usize)> = tokens(&t)
                .filter(|&(s, e)| t.get(s..e).is_some_and(is_reference_like))
                .collect();
            let fast: Vec<(usize, usize)> = reference_tokens(&t).collect();
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    fn refs(text: &str) -> Vec<String> {
        tokens(text)
            .filter_map(|(s, e)| text.get(s..e))
            .filter(|t| is_reference_like(t))
            .map(normalise_reference)
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("ref TEN-0045127.", &["TEN-0045127"]),
            ("case asb/2024/0012 opened", &["ASB/2024/0012"]),
            ("LS8 and 2024-06-14", &[]),
            ("-RA00451-", &["RA00451"]),
            ("éTEN-0045127", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(refs(text), *want, "{text}");
        }
    }
}
