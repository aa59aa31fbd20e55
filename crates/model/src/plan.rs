//! The redaction plan of one record, from planning to the bundle: what to
//! withhold and why, what was found but kept, and what a caseworker must
//! decide.
//!
//! One type serves every stage. `sarx-redact` makes a [`RecordPlan`], the
//! case folder stores it as it is (`plans.json`), the review page shows it,
//! a caseworker's decisions add [`Redaction`]s of their own (ids `d<seq>`,
//! recogniser `caseworker:<name>`), and the bundle applies the result.
//!
//! A plan serialises with a stable field order (struct order, spans sorted
//! by offset: [`RecordPlan::normalise`]) so two plans of a record diff.
//! Nothing here holds the text itself: spans index into the record's text,
//! and a third party is named only by a pseudonymous key.

use serde::{Deserialize, Serialize};

use crate::{RecordId, Span};

/// What kind of data a redaction withholds. Decides the marker and whether
/// the same text is withheld elsewhere in the bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Another person's name.
    #[serde(alias = "person_name")]
    ThirdPartyName,
    /// Another person's e-mail address or telephone number.
    #[serde(alias = "contact")]
    ThirdPartyContact,
    /// Another person's identifier: NI or NHS number, date of birth, reference.
    #[serde(alias = "identifier")]
    ThirdPartyIdentifier,
    /// Another person's street address or postcode.
    #[serde(alias = "address")]
    ThirdPartyAddress,
    /// Another person's bank details (sort code, account number).
    ThirdPartyFinancial,
    /// Another person's vehicle registration.
    ThirdPartyVehicle,
    /// Health, ethnicity, religion, sexuality or criminal-allegation details
    /// about another person.
    SpecialCategory,
    /// Another person's data that a caseworker marked without a kind.
    ThirdParty,
    /// A passage withheld under an exemption (the reason code says which).
    Exemption,
}

impl Category {
    /// Every category, in the order a caseworker is offered them.
    pub const ALL: [Category; 9] = [
        Category::ThirdParty,
        Category::ThirdPartyName,
        Category::ThirdPartyContact,
        Category::ThirdPartyAddress,
        Category::ThirdPartyIdentifier,
        Category::ThirdPartyFinancial,
        Category::ThirdPartyVehicle,
        Category::SpecialCategory,
        Category::Exemption,
    ];

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
            Category::ThirdParty => "third_party",
            Category::Exemption => "exemption",
        }
    }

    /// The category with code `code` (or one of the older review-page
    /// codes: `person_name`, `contact`, `address`, `identifier`).
    pub fn from_code(code: &str) -> Option<Category> {
        let old = match code {
            "person_name" => Some(Category::ThirdPartyName),
            "contact" => Some(Category::ThirdPartyContact),
            "address" => Some(Category::ThirdPartyAddress),
            "identifier" => Some(Category::ThirdPartyIdentifier),
            _ => None,
        };
        old.or_else(|| Self::ALL.into_iter().find(|c| c.as_str() == code))
    }

    /// A short label for people (`third-party name`).
    pub fn label(self) -> &'static str {
        match self {
            Category::ThirdPartyName => "third-party name",
            Category::ThirdPartyContact => "third-party contact details",
            Category::ThirdPartyIdentifier => "third-party identifier",
            Category::ThirdPartyAddress => "third-party address",
            Category::ThirdPartyFinancial => "third-party financial details",
            Category::ThirdPartyVehicle => "third-party vehicle",
            Category::SpecialCategory => "third-party special category data",
            Category::ThirdParty => "third-party data",
            Category::Exemption => "exemption",
        }
    }

    /// The visible marker that replaces the span in redacted plain text.
    pub fn marker(self) -> &'static str {
        match self {
            Category::ThirdPartyName | Category::ThirdParty => "[REDACTED: third party]",
            Category::ThirdPartyContact => "[REDACTED: third-party contact details]",
            Category::ThirdPartyIdentifier => "[REDACTED: third-party identifier]",
            Category::ThirdPartyAddress => "[REDACTED: third-party address]",
            Category::ThirdPartyFinancial => "[REDACTED: third-party financial details]",
            Category::ThirdPartyVehicle => "[REDACTED: third-party vehicle]",
            Category::SpecialCategory => "[REDACTED: third-party special category data]",
            Category::Exemption => "[REDACTED: exempt]",
        }
    }

    /// Identifiers and contact details: the same string is the same
    /// person's wherever it appears.
    pub fn is_identifier(self) -> bool {
        matches!(
            self,
            Category::ThirdPartyContact
                | Category::ThirdPartyIdentifier
                | Category::ThirdPartyAddress
                | Category::ThirdPartyFinancial
                | Category::ThirdPartyVehicle
        )
    }

    /// Data whose meaning depends on the passage it sits in (special
    /// category): never withheld elsewhere just because the words recur.
    pub fn is_contextual(self) -> bool {
        self == Category::SpecialCategory
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reason code every third-party redaction carries.
pub const REASON_THIRD_PARTY: &str = "third-party";
/// Legal basis of third-party redactions.
pub const BASIS_THIRD_PARTY: &str = "DPA 2018 Sch 2 Pt 3 para 16";

/// One redaction: planned by a recogniser or added by a caseworker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Redaction {
    /// Stable id within the record: `r1`, `r2`, … for planned ones (given
    /// by [`RecordPlan::normalise`]), `d<decision>` for a caseworker's own.
    #[serde(default)]
    pub id: String,
    /// Byte range into the record's text (on character boundaries).
    pub span: Span,
    /// What it is.
    pub category: Category,
    /// Short code of the reason shown on the marker (`third-party`, or an
    /// exemption's code).
    pub reason_code: String,
    /// The provision relied on (`DPA 2018 Sch 2 Pt 3 para 16`).
    pub legal_basis: String,
    /// How sure the recogniser is (0.0–1.0; 1 for a caseworker's own).
    #[serde(default)]
    pub confidence: f32,
    /// Which recogniser (`case_consistency`, `caseworker:<name>`) made it.
    #[serde(default)]
    pub recogniser: String,
    /// Pseudonymous key of the third party (a hash of the normalised name or
    /// identifier), the same in every record of a case; never the text.
    /// Empty for a caseworker's own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub party: String,
}

impl Redaction {
    /// True when this withholds a passage under an exemption rather than a
    /// third party's data.
    pub fn is_exemption(&self) -> bool {
        self.category == Category::Exemption
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
    /// Byte range into the record's text.
    pub span: Span,
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
    /// Where the cue is in the text.
    pub span: Span,
    /// The provision that may apply (`DPA 2018 Sch 2 Pt 4 para 19`).
    pub provision: String,
}

/// A third party may still be identifiable after redaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    /// Short code (`relationship_context`, `location_context`).
    pub code: String,
    /// Where the context that identifies is in the text.
    pub span: Span,
    /// A fixed explanation for the reviewer.
    pub message: String,
}

/// The redaction plan of one record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RecordPlan {
    /// The record.
    #[serde(default)]
    pub record_id: RecordId,
    /// Spans to withhold, sorted by span.
    pub redactions: Vec<Redaction>,
    /// Spans found but kept, with the reason (for review).
    #[serde(default)]
    pub kept: Vec<Kept>,
    /// Exemptions for a caseworker to decide.
    #[serde(default)]
    pub exemptions: Vec<ExemptionFlag>,
    /// Identifiability warnings: the record needs review.
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

impl RecordPlan {
    /// An empty plan for `record_id`.
    pub fn new(record_id: RecordId) -> Self {
        RecordPlan {
            record_id,
            ..RecordPlan::default()
        }
    }

    /// Sorts every list by offset and drops repeats, so that the JSON is
    /// stable and diffable, and numbers the redactions `r1`, `r2`, … in
    /// that order (a caseworker's decision names a planned redaction by it).
    pub fn normalise(&mut self) {
        self.redactions.sort_by(|a, b| {
            (a.span, a.category, &a.recogniser).cmp(&(b.span, b.category, &b.recogniser))
        });
        self.redactions
            .dedup_by(|a, b| a.span == b.span && a.category == b.category);
        for (i, r) in self.redactions.iter_mut().enumerate() {
            r.id = format!("r{}", i + 1);
        }
        self.kept.sort_by_key(|a| (a.span, a.reason));
        self.kept
            .dedup_by(|a, b| a.span == b.span && a.reason == b.reason);
        self.exemptions
            .sort_by(|a, b| (a.span, &a.exemption).cmp(&(b.span, &b.exemption)));
        self.exemptions.dedup();
        self.warnings
            .sort_by(|a, b| (a.span, &a.code).cmp(&(b.span, &b.code)));
        self.warnings.dedup();
    }

    /// True when a caseworker must look at this record before disclosure
    /// (an exemption may apply, or a third party may still be identifiable).
    pub fn needs_review(&self) -> bool {
        !self.exemptions.is_empty() || !self.warnings.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_round_trips_its_code() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.as_str()), Some(c));
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
        assert_eq!(Category::from_code("nonsense"), None);
    }

    /// Decisions written by older review pages name categories by their
    /// old codes; they still load.
    #[test]
    fn the_old_review_codes_still_load() {
        for (old, new) in [
            ("person_name", Category::ThirdPartyName),
            ("contact", Category::ThirdPartyContact),
            ("address", Category::ThirdPartyAddress),
            ("identifier", Category::ThirdPartyIdentifier),
        ] {
            let c: Option<Category> = serde_json::from_str(&format!("\"{old}\"")).ok();
            assert_eq!(c, Some(new));
            assert_eq!(Category::from_code(old), Some(new));
        }
    }

    #[test]
    fn normalise_sorts_drops_repeats_and_numbers() {
        let red = |s, e| Redaction {
            id: String::new(),
            span: Span::new(s, e),
            category: Category::ThirdPartyName,
            reason_code: REASON_THIRD_PARTY.into(),
            legal_basis: BASIS_THIRD_PARTY.into(),
            confidence: 0.9,
            recogniser: "person_name".into(),
            party: "p:1".into(),
        };
        let mut p = RecordPlan::new(RecordId("a".into()));
        p.redactions = vec![red(10, 14), red(0, 4), red(10, 14)];
        p.normalise();
        let got: Vec<(&str, usize)> = p
            .redactions
            .iter()
            .map(|r| (r.id.as_str(), r.span.start))
            .collect();
        assert_eq!(got, [("r1", 0), ("r2", 10)]);
        assert!(!p.needs_review());
    }
}
