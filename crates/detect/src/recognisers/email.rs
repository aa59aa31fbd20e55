//! E-mail addresses.
//!
//! **Finds** addresses in running text, in headers and in display-name forms
//! (`"Jo Bloggs" <Jo.Bloggs@Example.org>`, `mailto:jo@example.org`). The span
//! covers the address only, never the display name.
//!
//! **Why**: an address is a strong identifier of its owner; two spellings
//! differing only in case are the same mailbox in practice (RFC 5321 leaves
//! the local part's case to the receiving host, and every mainstream host
//! ignores it), so addresses are compared lowercased.
//!
//! **Format**: RFC 5322 `addr-spec`, restricted to the dot-atom forms seen in
//! practice: local part of letters, digits and `._%+-'`, a domain of at least
//! two labels.
//!
//! | text | found | normalised |
//! |---|---|---|
//! | `M.Okafor79@Example.NET` | yes | `m.okafor79@example.net` |
//! | `"Okafor, M" <m.okafor79@example.net>` | yes (address only) | `m.okafor79@example.net` |
//! | `mailto:jo@example.org.` | yes (trailing dot dropped) | `jo@example.org` |
//! | `jo@localhost` | no (one label) | |
//! | `@example.org`, `jo@` | no | |

/// The pattern (ASCII only; bounded by the engine).
pub(crate) const PATTERN: &str = r"(?i)[a-z0-9][a-z0-9._%+'\-]*@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+";

/// Recogniser name.
pub(crate) const NAME: &str = "email";

/// Normalises an e-mail address: strips a display name (`Name <addr>`),
/// `mailto:`, surrounding spaces and a trailing dot, and lowercases it.
/// Returns `None` when what is left is not an address.
///
/// ```
/// use sarx_detect::normalise_email;
/// assert_eq!(normalise_email("\"Jo\" <Jo@Example.ORG>").as_deref(), Some("jo@example.org"));
/// assert_eq!(normalise_email("not an address"), None);
/// ```
pub fn normalise_email(s: &str) -> Option<String> {
    let mut s = s.trim();
    if let (Some(open), Some(close)) = (s.rfind('<'), s.rfind('>')) {
        if open < close {
            s = s.get(open + 1..close)?.trim();
        }
    }
    let lower = s.to_ascii_lowercase();
    let s = lower.strip_prefix("mailto:").unwrap_or(&lower);
    let s = s.trim_end_matches('.');
    let (local, domain) = s.split_once('@')?;
    let ok_local = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+'-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let ok_domain = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    (ok_local && ok_domain).then(|| s.to_owned())
}

/// Checks one regex match; returns the span to report and the normalised form.
pub(crate) fn check(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    // The regex cannot look behind: refuse a match glued to more local-part
    // characters on the left (it would be a suffix of a longer address).
    if crate::text::char_before(text, start)
        .is_some_and(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c))
    {
        return None;
    }
    let m = text.get(start..end)?;
    normalise_email(m).map(|n| (start, end, n))
}

#[cfg(test)]
mod tests {
    use crate::testing::{check_normalised, Only};

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "write to «M.Okafor79@Example.NET» today",
                &["m.okafor79@example.net"],
            ),
            (
                "To: \"Okafor, M\" <«m.okafor79@example.net»>",
                &["m.okafor79@example.net"],
            ),
            ("mailto:«jo@example.org».", &["jo@example.org"]),
            ("jo@localhost", &[]),
            ("@example.org and jo@", &[]),
            ("«a@b.co», «c.d@e.org.uk»", &["a@b.co", "c.d@e.org.uk"]),
        ];
        for (text, want) in cases {
            check_normalised(&Only(crate::EntityKind::Email), text, want);
        }
    }

    #[test]
    fn span_covers_address_only() {
        let t = "From: \"Jo\" <jo@example.org>";
        let e = crate::Recognisers::shared().find(t);
        let e = e
            .iter()
            .find(|e| e.kind == crate::EntityKind::Email)
            .unwrap();
        assert_eq!(e.span.slice(t), Some("jo@example.org"));
    }
}
