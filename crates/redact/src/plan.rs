//! The redaction plan of one record: what to withhold, why, and what a
//! caseworker must decide.
//!
//! A plan is serialised as JSON with a stable field order (struct order, spans
//! sorted by offset) so that two plans of the same record can be diffed.

use sarx_model::{RecordId, Span};
use serde::{Deserialize, Serialize};

/// What kind of personal data a redaction removes. Decides the marker text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Another person's name.
    ThirdPartyName,
    /// Another person's e-mail address or telephone number.
    ThirdPartyContact,
    /// Another person's identifier: NI or NHS number, date of birth, reference.
    ThirdPartyIdentifier,
    /// Another person's street address or postcode.
    ThirdPartyAddress,
    /// Another person's bank details (sort code, account number).
    ThirdPartyFinancial,
    /// Another person's vehicle registration.
    ThirdPartyVehicle,
    /// Health, ethnicity, religion, sexuality or criminal-allegation details
    /// about another person.
    SpecialCategory,
}

impl Category {
    /// The snake_case code, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::ThirdPartyName => "third_party_name",
            Category::ThirdPartyContact => "third_party_contact",
            Category::ThirdPartyIdentifier => "third_party_identifier",
            Category::ThirdPartyAddress => "third_party_address",
            Category::ThirdPartyFinancial => "third_party_financial",
            Category::ThirdPartyVehicle => "third_party_vehicle",
            Category::SpecialCategory => "special_category",
        }
    }

    /// The visible marker that replaces the span in the disclosed text.
    pub fn marker(self) -> &'static str {
        match self {
            Category::ThirdPartyName => "[REDACTED: third party]",
            Category::ThirdPartyContact => "[REDACTED: third-party contact details]",
            Category::ThirdPartyIdentifier => "[REDACTED: third-party identifier]",
            Category::ThirdPartyAddress => "[REDACTED: third-party address]",
            Category::ThirdPartyFinancial => "[REDACTED: third-party financial details]",
            Category::ThirdPartyVehicle => "[REDACTED: third-party vehicle]",
            Category::SpecialCategory => "[REDACTED: third-party special category data]",
        }
    }
}

/// The reason code every third-party redaction carries.
pub const REASON_THIRD_PARTY: &str = "third-party";
/// Legal basis of third-party redactions.
pub const BASIS_THIRD_PARTY: &str = "DPA 2018 Sch 2 Pt 3 para 16";

/// One planned redaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Redaction {
    /// First byte (UTF-8 character boundary) of the text to withhold.
    pub start: usize,
    /// One past the last byte (character boundary).
    pub end: usize,
    /// What it is.
    pub category: Category,
    /// Short code of the reason (`third-party`).
    pub reason_code: String,
    /// The provision relied on (`DPA 2018 Sch 2 Pt 3 para 16`).
    pub legal_basis: String,
    /// How sure the recogniser is (0.0–1.0).
    pub confidence: f32,
    /// Which recogniser (or `case_consistency`) produced it.
    pub recogniser: String,
    /// Pseudonymous key of the third party (a hash of the normalised name or
    /// identifier), the same in every record of a case; never the text.
    pub party: String,
}

impl Redaction {
    /// The span as a model [`Span`].
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Why a span that a recogniser found is disclosed rather than redacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeepReason {
    /// The data subject's own data.
    Subject,
    /// A member of staff acting in a professional capacity (staff directory).
    Staff,
    /// A health or social-care professional acting officially.
    Professional,
    /// Organisation or public data (council names, switchboards).
    Public,
}

/// A span a recogniser found and the classification kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Why it is kept.
    pub reason: KeepReason,
    /// Which recogniser found it.
    pub recogniser: String,
}

/// A possible exemption for a caseworker to decide: never applied silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExemptionFlag {
    /// Short code (`legal_professional_privilege`, `crime_and_taxation`, …).
    pub exemption: String,
    /// The cue phrase that raised the flag (a fixed word list entry, not text
    /// from the record).
    pub cue: String,
    /// First byte of the cue in the text.
    pub start: usize,
    /// One past the last byte of the cue.
    pub end: usize,
    /// The provision that may apply (`DPA 2018 Sch 2 Pt 4 para 19`).
    pub provision: String,
}

/// A third party may still be identifiable after redaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// Short code (`relationship_context`, `location_context`).
    pub code: String,
    /// First byte of the context that identifies.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// A fixed explanation for the reviewer.
    pub message: String,
}

/// The redaction plan of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordPlan {
    /// The record.
    pub record_id: RecordId,
    /// Spans to withhold, sorted by `start`, then `end`.
    pub redactions: Vec<Redaction>,
    /// Spans found but kept, with the reason (for review).
    pub kept: Vec<Kept>,
    /// Exemptions for a caseworker to decide.
    pub exemptions: Vec<ExemptionFlag>,
    /// Identifiability warnings: the record needs review.
    pub warnings: Vec<Warning>,
}

impl RecordPlan {
    /// An empty plan for `record_id`.
    pub fn new(record_id: RecordId) -> Self {
        RecordPlan {
            record_id,
            redactions: Vec::new(),
            kept: Vec::new(),
            exemptions: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Sorts every list by offset so that the JSON is stable and diffable.
    pub fn normalise(&mut self) {
        self.redactions.sort_by(|a, b| {
            (a.start, a.end, a.category, &a.recogniser).cmp(&(
                b.start,
                b.end,
                b.category,
                &b.recogniser,
            ))
        });
        self.redactions
            .dedup_by(|a, b| a.start == b.start && a.end == b.end && a.category == b.category);
        self.kept.sort_by_key(|a| (a.start, a.end, a.reason));
        self.kept
            .dedup_by(|a, b| a.start == b.start && a.end == b.end && a.reason == b.reason);
        self.exemptions
            .sort_by(|a, b| (a.start, a.end, &a.exemption).cmp(&(b.start, b.end, &b.exemption)));
        self.exemptions.dedup();
        self.warnings
            .sort_by(|a, b| (a.start, a.end, &a.code).cmp(&(b.start, b.end, &b.code)));
        self.warnings.dedup();
    }

    /// True when a caseworker must look at this record before disclosure
    /// (an exemption may apply, or a third party may still be identifiable).
    pub fn needs_review(&self) -> bool {
        !self.exemptions.is_empty() || !self.warnings.is_empty()
    }
}
