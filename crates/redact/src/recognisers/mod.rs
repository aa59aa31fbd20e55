//! Recognisers for what redaction alone needs, one per file.
//!
//! Identifiers shared with subject discovery (e-mail, UK phone, NI, NHS,
//! postcode, dates) come from `sarx-detect`'s recognisers; these add person
//! names, street addresses, bank details, vehicle registrations, non-UK phone
//! numbers and special-category context. Each is built once (patterns and
//! dictionaries compiled), is `Send + Sync`, and implements
//! [`sarx_detect::Recogniser`], the seam `sarx-detect`'s identifiers use.

use serde::{Deserialize, Serialize};

pub mod address;
pub mod bank;
pub mod person_name;
pub mod phone_any;
pub mod special_category;
pub mod vehicle;

/// What a redaction recogniser found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A person's name.
    PersonName,
    /// An e-mail address.
    Email,
    /// A telephone number.
    Phone,
    /// A National Insurance number.
    NiNumber,
    /// An NHS number.
    NhsNumber,
    /// A postcode.
    Postcode,
    /// A street address.
    Address,
    /// A date (of birth, when next to a third party).
    Date,
    /// A reference number.
    Reference,
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

impl FindingKind {
    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::PersonName => "person_name",
            FindingKind::Email => "email",
            FindingKind::Phone => "phone",
            FindingKind::NiNumber => "ni_number",
            FindingKind::NhsNumber => "nhs_number",
            FindingKind::Postcode => "postcode",
            FindingKind::Address => "address",
            FindingKind::Date => "date",
            FindingKind::Reference => "reference",
            FindingKind::SortCode => "sort_code",
            FindingKind::AccountNumber => "account_number",
            FindingKind::VehicleRegistration => "vehicle_registration",
            FindingKind::SpecialCategory => "special_category",
        }
    }
}

/// One thing found in a text: `sarx-detect`'s [`sarx_detect::Found`] with a
/// [`FindingKind`]. Its `normalised` is a name folded to lowercase with
/// single spaces and no title; identifiers as `sarx-detect` normalises them.
pub type Finding = sarx_detect::Found<FindingKind>;

/// True when `[start, end)` is not glued to a letter or digit on either
/// side: `sarx-detect`'s boundary rule.
pub(crate) use sarx_detect::alnum_bounded as word_bounded;

/// Lowercased text within `window` bytes before `at` (char-boundary safe).
pub(crate) fn before_window(text: &str, at: usize, window: usize) -> &str {
    let mut s = at.saturating_sub(window);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    text.get(s..at).unwrap_or("")
}

/// Text within `window` bytes after `at` (char-boundary safe).
pub(crate) fn after_window(text: &str, at: usize, window: usize) -> &str {
    let mut e = (at + window).min(text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    text.get(at..e).unwrap_or("")
}
