//! What the recognisers report: an [`Entity`] of some [`EntityKind`].

use serde::{Deserialize, Serialize};

pub use crate::recogniser::Entity;

/// The kinds of thing a recogniser reports, for subject discovery and for
/// redaction alike.
///
/// Whose data it is, is not a kind, with two exceptions the subject
/// matcher reports: [`EntityKind::Name`] and [`EntityKind::Alias`] are only
/// ever the data subject's own names ([`crate::SubjectMatcher::subject_spans`]),
/// where [`EntityKind::PersonName`] is anyone's name as a name recogniser
/// finds it (`sarx-redact`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// An e-mail address.
    Email,
    /// A UK telephone number (normalised to E.164).
    Phone,
    /// A National Insurance number.
    NiNumber,
    /// An NHS number (valid mod-11 check digit).
    NhsNumber,
    /// A UK postcode.
    Postcode,
    /// A calendar date in any common UK style (a date of birth when the
    /// context says so).
    Date,
    /// The data subject's own date of birth (reported by the subject
    /// matcher; the recognisers report [`EntityKind::Date`]).
    DateOfBirth,
    /// A customer, tenancy, rent account or case reference from the profile.
    Reference,
    /// The data subject's own name (in any written form, nicknames included).
    Name,
    /// One of the data subject's aliases (former or maiden name, known-as).
    Alias,
    /// The data subject's own address (first line matched).
    Address,
    /// A case or account number that a confident hit gives beside the
    /// subject's name (`crate::linked`): it links the records that give only
    /// the number.
    LinkedReference,
    /// A person's name, whoever's (redaction's name recogniser).
    PersonName,
    /// A bank sort code.
    SortCode,
    /// A bank account number.
    AccountNumber,
    /// A vehicle registration mark.
    VehicleRegistration,
    /// Special-category context (health, ethnicity, religion, sexuality,
    /// criminal allegations).
    SpecialCategory,
}

impl EntityKind {
    /// The snake_case name, as used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Email => "email",
            EntityKind::Phone => "phone",
            EntityKind::NiNumber => "ni_number",
            EntityKind::NhsNumber => "nhs_number",
            EntityKind::Postcode => "postcode",
            EntityKind::Date => "date",
            EntityKind::DateOfBirth => "date_of_birth",
            EntityKind::Reference => "reference",
            EntityKind::Name => "name",
            EntityKind::Alias => "alias",
            EntityKind::Address => "address",
            EntityKind::LinkedReference => "linked_reference",
            EntityKind::PersonName => "person_name",
            EntityKind::SortCode => "sort_code",
            EntityKind::AccountNumber => "account_number",
            EntityKind::VehicleRegistration => "vehicle_registration",
            EntityKind::SpecialCategory => "special_category",
        }
    }

    /// The identifier-key prefix (`email`, `phone`, `nino`, `nhs`,
    /// `postcode`, `date`, `ref`), or `None` for kinds that have no key.
    pub fn key_prefix(self) -> Option<&'static str> {
        match self {
            EntityKind::Email => Some("email"),
            EntityKind::Phone => Some("phone"),
            EntityKind::NiNumber => Some("nino"),
            EntityKind::NhsNumber => Some("nhs"),
            EntityKind::Postcode => Some("postcode"),
            EntityKind::Date | EntityKind::DateOfBirth => Some("date"),
            EntityKind::Reference | EntityKind::LinkedReference => Some("ref"),
            EntityKind::Name
            | EntityKind::Alias
            | EntityKind::Address
            | EntityKind::PersonName
            | EntityKind::SortCode
            | EntityKind::AccountNumber
            | EntityKind::VehicleRegistration
            | EntityKind::SpecialCategory => None,
        }
    }
}

impl Entity {
    /// The identifier key for the index (`phone:+447700900461`), if the
    /// kind has one.
    pub fn key(&self) -> Option<String> {
        self.kind.key_prefix().map(|p| {
            let mut key = String::with_capacity(p.len() + 1 + self.normalised.len());
            key.push_str(p);
            key.push(':');
            key.push_str(&self.normalised);
            key
        })
    }
}
