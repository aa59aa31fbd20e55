//! Case folder state for a subject access request.
//!
//! * [`deadline`] — the statutory clock (one month, extensions, clock stops)
//!   with [`holidays`] — bank-holiday tables for the three UK jurisdictions.
//! * [`org`] — the organisation profile (Article 15 supplementary information).
//! * [`state`] — the case folder: hits, plans, record snapshots, decisions,
//!   clock events and sign-off, written atomically with optimistic versioning.
//! * [`secrets`] — salted hashes of redacted strings for bundle verification.
//!
//! ```
//! use jiff::civil::date;
//! use sarx_case::{deadline, holidays::{Holidays, Nation}};
//! let h = Holidays::for_nation(Nation::EnglandAndWales).unwrap();
//! // Received 31 January 2024 (leap year): due 29 February.
//! assert_eq!(deadline::one_month(date(2024, 1, 31), &h).unwrap(), date(2024, 2, 29));
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::path::{Path, PathBuf};

pub mod deadline;
pub mod holidays;
pub mod org;
pub mod secrets;
pub mod state;

pub use deadline::{ClockEvent, ClockStatus, StopReason};
pub use holidays::{Holidays, Nation};
pub use org::OrgProfile;
pub use secrets::SecretSet;
pub use state::{
    Band, CaseDir, CaseState, Decision, DecisionEntry, Disposition, Evidence, Hit, Progress,
    RecordMark, RecordPlan, Redaction, SignOff,
};

/// Errors of the case crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A case file is not valid JSON of the expected shape.
    #[error("{0}: invalid case file: {1}")]
    Json(PathBuf, String),
    /// The org profile is invalid.
    #[error("invalid org profile: {0}")]
    Profile(String),
    /// The bank-holiday table is invalid (a build defect).
    #[error("bank-holiday table: {0}")]
    HolidayTable(String),
    /// A date computation left the supported range.
    #[error("date out of range")]
    DateOutOfRange,
    /// A clock event sequence is invalid.
    #[error("clock: {0}")]
    Clock(String),
    /// Someone saved the case since this state was loaded.
    #[error("the case was changed by someone else (version {found}, expected {expected}): reload and try again")]
    StaleVersion {
        /// The version this state was loaded at.
        expected: u64,
        /// The version on disk.
        found: u64,
    },
    /// The folder already holds a case.
    #[error("{0}: a case already exists here")]
    AlreadyExists(PathBuf),
    /// The folder is not a case folder.
    #[error("{0}: not a case folder (no state.json)")]
    NotACase(PathBuf),
    /// The state lock could not be taken.
    #[error("{0}: case is locked by another writer")]
    Locked(PathBuf),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
