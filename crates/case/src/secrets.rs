//! Salted hashes of redacted strings, so `sarx verify` can prove no redacted
//! string survives in a bundle without the case folder keeping a plain copy.
//!
//! A string is normalised to its sequence of word tokens (maximal runs of
//! alphanumeric characters, lowercased): case, whitespace and punctuation
//! differences do not hide it. Each redacted string's token sequence is
//! hashed with blake3 keyed by a random per-case salt. Verification tokenises
//! every text extracted from the bundle, hashes every window of `n` tokens
//! for each `n` in use, and reports a window whose hash is in the set.
//!
//! Single tokens of a redacted string are also kept ("partials") when they
//! are at least 3 characters long and do not occur in the text the bundle
//! is meant to disclose, so half a name left behind is caught too.
//!
//! ```
//! use sarx_case::secrets::SecretSet;
//! let s = SecretSet::build(&["Janet  SMITH"], &["Dear Margaret"], [7u8; 32]);
//! assert!(!s.find("he wrote to janet smith.").is_empty());
//! assert!(!s.find("Smith was there").is_empty()); // partial
//! assert!(s.find("Dear Margaret").is_empty());
//! ```

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

/// Minimum alphanumeric characters for a redacted string to be tracked
/// (shorter ones, like initials, would match everywhere).
pub const MIN_CHARS: usize = 3;

/// Splits `text` into lowercase alphanumeric tokens.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The salted hashes of a case's redacted strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretSet {
    /// The per-case salt (hex).
    pub salt: String,
    /// Token counts in use (window sizes).
    pub lengths: BTreeSet<usize>,
    /// Hashes of whole redacted strings (hex).
    pub full: BTreeSet<String>,
    /// Hashes of distinctive single tokens of redacted strings (hex).
    pub partial: BTreeSet<String>,
    /// How many redacted strings were too short to track.
    pub skipped_short: usize,
}

/// A redacted string found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// Token offset of the window in the text.
    pub token: usize,
    /// Window length in tokens.
    pub len: usize,
    /// True when a whole redacted string matched; false for a partial.
    pub whole: bool,
}

fn keyed(salt: &[u8; 32], toks: &[String]) -> String {
    let mut h = blake3::Hasher::new_keyed(salt);
    for (i, t) in toks.iter().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(t.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

impl SecretSet {
    /// Builds the set for `redacted` strings; `disclosed` is the text the
    /// bundle discloses (tokens found there are not tracked as partials).
    pub fn build<R: AsRef<str>, D: AsRef<str>>(
        redacted: &[R],
        disclosed: &[D],
        salt: [u8; 32],
    ) -> SecretSet {
        let kept: HashSet<String> = disclosed.iter().flat_map(|d| tokens(d.as_ref())).collect();
        let mut s = SecretSet {
            salt: hex_encode(&salt),
            ..SecretSet::default()
        };
        for r in redacted {
            let toks = tokens(r.as_ref());
            let chars: usize = toks.iter().map(|t| t.chars().count()).sum();
            if toks.is_empty() || chars < MIN_CHARS {
                s.skipped_short += 1;
                continue;
            }
            s.lengths.insert(toks.len());
            s.full.insert(keyed(&salt, &toks));
            for t in &toks {
                if t.chars().count() >= MIN_CHARS && !kept.contains(t) {
                    s.partial.insert(keyed(&salt, std::slice::from_ref(t)));
                }
            }
        }
        if !s.partial.is_empty() {
            s.lengths.insert(1);
        }
        s
    }

    fn salt_bytes(&self) -> Option<[u8; 32]> {
        let v = hex_decode(&self.salt)?;
        v.try_into().ok()
    }

    /// Every window of `text` that matches a tracked string or partial.
    pub fn find(&self, text: &str) -> Vec<Leak> {
        let Some(salt) = self.salt_bytes() else {
            return Vec::new();
        };
        let toks = tokens(text);
        let mut out = Vec::new();
        for &n in &self.lengths {
            if n == 0 || n > toks.len() {
                continue;
            }
            for (i, w) in toks.windows(n).enumerate() {
                let h = keyed(&salt, w);
                if self.full.contains(&h) {
                    out.push(Leak {
                        token: i,
                        len: n,
                        whole: true,
                    });
                } else if n == 1 && self.partial.contains(&h) {
                    out.push(Leak {
                        token: i,
                        len: n,
                        whole: false,
                    });
                }
            }
        }
        out
    }

    /// The salted hash of a token sequence, as this set stores it (`None`
    /// when the salt is invalid). Lets a caller keep its own facts about a
    /// tracked string (where it was redacted) keyed the same way.
    pub fn key(&self, toks: &[String]) -> Option<String> {
        self.salt_bytes().map(|salt| keyed(&salt, toks))
    }

    /// Number of tracked whole strings.
    pub fn len(&self) -> usize {
        self.full.len()
    }

    /// True when nothing is tracked.
    pub fn is_empty(&self) -> bool {
        self.full.is_empty()
    }
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

/// A fresh random salt.
pub fn random_salt() -> [u8; 32] {
    rand::random()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalisation_ignores_case_space_and_punctuation() {
        let s = SecretSet::build(
            &["07700 900123", "jo.bloggs@example.org"],
            &["call us"],
            [1; 32],
        );
        assert_eq!(
            s.find("Tel:07700\n  900123.")
                .iter()
                .filter(|l| l.whole)
                .count(),
            1
        );
        assert!(!s.find("JO.BLOGGS@EXAMPLE.ORG").is_empty());
        assert!(s.find("0770 0900123").is_empty());
    }

    #[test]
    fn short_strings_are_skipped_and_kept_tokens_are_not_partials() {
        let s = SecretSet::build(&["Jo", "Janet Okafor"], &["Margaret Okafor"], [2; 32]);
        assert_eq!(s.skipped_short, 1);
        assert!(s.find("Margaret Okafor wrote").is_empty());
        assert!(!s.find("and janet said").is_empty());
    }

    #[test]
    fn salts_differ_per_case() {
        let a = SecretSet::build(&["Janet Smith"], &[""], [3; 32]);
        let b = SecretSet::build(&["Janet Smith"], &[""], [4; 32]);
        assert_ne!(a.full, b.full);
    }

    proptest! {
        #[test]
        fn any_embedded_secret_is_found(secret in "[A-Za-z]{3,10}( [A-Za-z0-9]{1,8}){0,3}",
                                        pre in "[a-z ]{0,30}", post in "[a-z ]{0,30}") {
            let s = SecretSet::build(&[secret.as_str()], &[""], [5; 32]);
            let text = format!("{pre} {} {post}", secret.to_uppercase());
            prop_assert!(s.find(&text).iter().any(|l| l.whole));
        }
    }
}
