//! Subject discovery: subject profiles, identifier recognisers and
//! normalisers, and the subject matcher.
//!
//! - [`SubjectProfile`]: who a request is about (TOML, a public contract).
//! - [`Recognisers`]: finds every e-mail address, UK phone number, NI
//!   number, NHS number, postcode and date in a text, with byte offsets and
//!   a normalised form ([`Entity`]). One recogniser per file under
//!   [`recognisers`], each with its normaliser (`normalise_*`).
//! - [`index_keys`]: the normalised identifier keys of a text, for the
//!   index's identifier field (`phone:+447700900461`, …).
//! - [`SubjectMatcher`]: turns a profile into index query terms
//!   ([`SubjectMatcher::candidate_query`]) and decides whether a candidate
//!   record is about the subject ([`SubjectMatcher::verify`] → [`Verdict`]),
//!   excluding probable namesakes. [`SubjectMatcher::subject_spans`] tells
//!   redaction which spans are the requester's own.
//!
//! Everything is compiled once and shared across threads. This crate does no
//! I/O (apart from [`SubjectProfile::from_path`], a convenience).
//!
//! ```
//! use sarx_detect::{SubjectMatcher, SubjectProfile, Verdict};
//! use sarx_model::{Kind, Record};
//!
//! let profile = SubjectProfile::from_toml_str(
//!     "name = \"Margaret Anne Okafor\"\nni_number = \"JM482761C\"",
//! ).unwrap();
//! let matcher = SubjectMatcher::new(&profile);
//! let mut record = Record::new("letters/a.txt", "", Kind::Text);
//! record.text = "Dear Mrs Okafor, your NI number JM 48 27 61 C.".into();
//! match matcher.verify(&record) {
//!     Verdict::Hit { confidence, evidence } => {
//!         assert!(confidence > 0.9);
//!         assert_eq!(evidence.len(), 2);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod entity;
mod error;
pub mod linked;
mod matcher;
mod places;
mod profile;
pub mod recogniser;
pub mod recognisers;
pub mod search;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod text;

pub use entity::{Entity, EntityKind};
pub use error::{BuildError, ProfileError};
pub use matcher::{
    SubjectMatcher, Verdict, CONFIDENCE_ADDRESS, CONFIDENCE_ADDRESS_WEAK, CONFIDENCE_INITIALS,
    CONFIDENCE_NAME, CONFIDENCE_NAME_ADDRESS, CONFIDENCE_NAME_DOB, CONFIDENCE_STRONG,
    CONFIDENCE_TITLE, CONFIDENCE_TITLE_CORROBORATED, HIGH,
};
pub use profile::SubjectProfile;
pub use recogniser::Recogniser;
pub use recognisers::date::{is_birth_context, normalise_date};
pub use recognisers::email::normalise_email;
pub use recognisers::name::{
    forename_variants, parse_person_name, NameMatcher, NameMention, PersonName, Strength,
};
pub use recognisers::nhs::{nhs_check_digit_ok, normalise_nhs};
pub use recognisers::nino::normalise_nino;
pub use recognisers::phone::normalise_phone;
pub use recognisers::postcode::normalise_postcode;
pub use recognisers::reference::{normalise_reference, reference_forms};
pub use recognisers::{Recognisers, RecognisersBuilder};
pub use text::{alnum_bounded, fold};

/// Normalised identifier keys found in `text`, for the index's identifier
/// field. The same normalisation applied to a subject profile yields the
/// query keys ([`SubjectMatcher::candidate_query`]), so `07700 900461`,
/// `+44 7700 900461` and `(07700) 900 461` all meet at one key.
///
/// Key forms (stable contract with `sarx-index`):
/// `email:<lowercase address>`, `phone:<E.164>`, `nino:<AB123456C>`,
/// `nhs:<10 digits>`, `ref:<UPPERCASE TOKEN>` (tokens of 5+ characters
/// mixing letters and digits). Sorted, without duplicates. Postcodes and
/// dates are not keys: they only count next to a name, which the name
/// phrases already find, so a search never looks them up.
///
/// ```
/// let keys = sarx_detect::index_keys("Call +44 (0)7700 900461 re TEN-0045127, JM 48 27 61 C");
/// assert!(keys.contains(&"phone:+447700900461".to_string()));
/// assert!(keys.contains(&"ref:TEN-0045127".to_string()));
/// assert!(keys.contains(&"nino:JM482761C".to_string()));
/// ```
pub fn index_keys(text: &str) -> Vec<String> {
    let found = Recognisers::query_keyed().find(text);
    let mut keys: Vec<String> = Vec::with_capacity(found.len() + 4);
    keys.extend(found.iter().filter_map(Entity::key));
    for (s, e) in recognisers::reference::reference_tokens(text) {
        // A reference token is ASCII (letters, digits, `-`, `/`), so
        // ASCII uppercasing is `normalise_reference`.
        if let Some(tok) = text.get(s..e) {
            let mut key = String::with_capacity(4 + tok.len());
            key.push_str("ref:");
            key.push_str(tok);
            if let Some(t) = key.get_mut(4..) {
                t.make_ascii_uppercase();
            }
            keys.push(key);
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `index_keys` as first written: keys by `format!`, references by
    /// `normalise_reference`.
    fn index_keys_reference(text: &str) -> Vec<String> {
        let mut keys: Vec<String> = Recognisers::query_keyed()
            .find(text)
            .iter()
            .filter_map(|e| e.kind.key_prefix().map(|p| format!("{p}:{}", e.normalised)))
            .collect();
        for (s, e) in recognisers::reference::tokens(text) {
            if let Some(tok) = text
                .get(s..e)
                .filter(|t| recognisers::reference::is_reference_like(t))
            {
                keys.push(format!("ref:{}", normalise_reference(tok)));
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    proptest::proptest! {
        #[test]
        fn index_keys_equal_the_plain_version(
            t in "([A-Za-z]{0,4}[0-9]{0,8}[ /\\-.,@+()\t\n]{0,2}|é|ß|TEN-0045127|07700 900461|JM 48 27 61 C|a.b@example.net){0,24}",
        ) {
            proptest::prop_assert_eq!(index_keys(&t), index_keys_reference(&t));
        }
    }

    #[test]
    fn index_keys_meet_the_profile_keys() {
        let p = SubjectProfile::from_toml_str(
            "name = \"Margaret Okafor\"\nemails = [\"M.Okafor79@example.net\"]\nphones = [\"07700 900461\"]\nni_number = \"JM482761C\"\nnhs_number = \"4857773457\"\nreferences = [\"ten-0045127\"]",
        )
        .unwrap();
        let (_, keys) = SubjectMatcher::new(&p).candidate_query();
        let text = "From: \"Maggie\" <m.okafor79@EXAMPLE.net>\ntel (07700) 900 461, NI jm 48 27 61 c, NHS 485-777-3457, ref TEN-0045127.";
        let found = index_keys(text);
        // The query ORs its keys: each kind needs one of its keys (a
        // reference is queried in each of its written forms).
        for kind in ["email:", "phone:", "nino:", "nhs:", "ref:"] {
            assert!(
                keys.iter()
                    .filter(|k| k.starts_with(kind))
                    .any(|k| found.contains(k)),
                "no {kind} key of {keys:?} in {found:?}"
            );
        }
    }
}
