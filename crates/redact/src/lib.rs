//! Redaction planning: find third parties' personal data in a record, keep
//! the data subject's own, and plan each redaction with its reason.
//!
//! - [`recognisers`]: what redaction alone needs, one per file — person
//!   names (UK forename/surname gazetteers, titles, initials, context cues),
//!   street addresses, bank details, vehicle registrations, any-format phone
//!   numbers and special-category cues. E-mail, UK phone, NI, NHS, postcode
//!   and date recognisers come from `sarx-detect`.
//! - [`Engine`] (built by [`EngineBuilder`]): every recogniser compiled once,
//!   `Send + Sync`; [`Engine::plan`] classifies each finding as the
//!   subject's own (kept, via `sarx_detect::SubjectMatcher`), staff or a
//!   professional acting officially (kept by policy), organisation/public
//!   (kept) or a third party's (redacted), and returns a [`RecordPlan`] with
//!   byte spans, category, reason code, legal basis, confidence and
//!   recogniser, plus [`ExemptionFlag`]s for a caseworker and
//!   identifiability [`Warning`]s.
//! - [`CasePlanner`]: the same third party is treated the same way in every
//!   record of a case.
//! - [`apply()`]: replaces each planned span with a visible marker such as
//!   `[REDACTED: third party]`.
//!
//! This crate does no I/O (the staff CSV is read from a reader the caller
//! opens).
//!
//! ```
//! use sarx_detect::{SubjectMatcher, SubjectProfile};
//! use sarx_model::RecordId;
//! use sarx_redact::{apply, Engine};
//!
//! let engine = Engine::builder().build().unwrap();
//! let profile = SubjectProfile::from_toml_str("name = \"Margaret Okafor\"").unwrap();
//! let subject = SubjectMatcher::new(&profile);
//! let text = "Mrs Okafor reported that her neighbour Janet Smith (07700 900123) shouted.";
//! let plan = engine.plan_text(&RecordId::new("asb.txt", ""), text, Some(&subject));
//! let out = apply(text, &plan);
//! assert!(out.contains("Mrs Okafor"));
//! assert!(!out.contains("Janet Smith") && !out.contains("07700 900123"));
//! assert!(plan.redactions.iter().all(|r| r.legal_basis == "DPA 2018 Sch 2 Pt 3 para 16"));
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod apply;
pub mod case;
pub mod engine;
pub mod exemptions;
pub mod judge;
pub mod plan;
pub mod recognisers;
pub mod staff;

pub use apply::{apply, apply_redactions, merge_spans, MergedSpan};
pub use case::CasePlanner;
pub use engine::{
    category_of, identifiability_warnings, party_key, ConfirmedNames, Engine, EngineBuilder,
};
pub use exemptions::Exemptions;
pub use plan::{
    Category, ExemptionFlag, KeepReason, Kept, RecordPlan, Redaction, Warning, BASIS_THIRD_PARTY,
    REASON_THIRD_PARTY,
};
/// What the recognisers report: `sarx-detect`'s one finding type and kind enum.
pub use sarx_detect::{Entity, EntityKind};
pub use staff::{StaffDirectory, StaffMember, StaffPolicy};

/// What can go wrong building an engine or reading a staff directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A pattern or dictionary failed to compile (a bug in a constant list).
    #[error("redaction engine failed to build: {0}")]
    Build(String),
    /// The staff directory CSV is not usable.
    #[error("staff directory: {0}")]
    Staff(String),
}
