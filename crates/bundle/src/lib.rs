//! The SAR response bundle: true-removal rendering, schedule, redaction log,
//! cover letter, manifest, zip (optionally AES-256), and verification.
//!
//! [`build`] takes the disclosed records with their effective redactions,
//! lays each one out with a [`Renderer`] (redaction happens on the text,
//! before drawing: nothing is underneath a marker), writes fresh PDFs with an
//! embedded Unicode font, the companion files and `manifest.json`, zips them,
//! then re-opens the zip and runs [`verify::verify`] before reporting
//! success. Verification re-extracts every file's text independently of the
//! renderer and looks for any redacted string via the case's salted hashes
//! ([`verify::Secrets`]).
//!
//! A redacted string is spread to every other place it appears (other
//! records, titles, file names) only when [`spread::classify`] says it is
//! safe to: a full name or an identifier, never a single word, the
//! organisation's own name or contacts, a staff member or sarx's own
//! wording. Anything else is redacted where it was planned and verified
//! there; a redaction of part of the organisation's own name is reported
//! in [`Built::notes`] as a planning error.
//!
//! ```no_run
//! # fn main() -> Result<(), sarx_bundle::Error> {
//! use sarx_bundle::{build, BundleSpec, Options, FreshRenderer};
//! # let spec: BundleSpec = todo!();
//! let built = build(&spec, &FreshRenderer, std::path::Path::new("bundle.zip"), &Options::default())?;
//! assert!(built.verification.is_clean());
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::path::{Path, PathBuf};

use sarx_case::{ClockStatus, OrgProfile, Redaction};
use sarx_model::{Kind, Record, Span, Unsearchable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use spread::Local;

mod build;
pub mod docs;
pub mod font;
pub mod layout;
mod order;
pub mod page;
pub mod pdf;
pub mod pdf_checks;
pub mod scrub;
pub mod spread;
pub mod verify;

pub use build::{build, build_staged, Staged};

pub use layout::{FreshRenderer, Layout, Renderer};
pub use page::{Fallback, PageRenderer};
pub use verify::{verify, Secrets, Verification};

/// Errors of the bundle crate.
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
    /// Writing or reading the zip failed.
    #[error("zip: {0}")]
    Zip(String),
    /// Writing or reading a PDF failed.
    #[error("pdf: {0}")]
    Pdf(String),
    /// The compiled-in font could not be parsed (a build defect).
    #[error("the embedded font could not be read")]
    Font,
    /// Writing CSV failed.
    #[error("csv: {0}")]
    Csv(String),
    /// A JSON file of the bundle is invalid.
    #[error("json: {0}")]
    Json(String),
    /// The case state is invalid.
    #[error(transparent)]
    Case(#[from] sarx_case::Error),
    /// Verification found a problem; the bundle must not be sent.
    #[error("verification failed: {0}")]
    VerificationFailed(String),
}

impl Error {
    fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Record `meta` key naming every copy of a de-duplicated record (the same
/// message in several exports): a JSON array of `{"source":…,"locator":…}`,
/// the record's own place first. The schedule's `held_at` lists them; a
/// record without it was held at its own source and locator.
pub const LOCATIONS_META: &str = sarx_model::metakey::LOCATIONS;

/// One record to disclose and the redactions in force for it.
#[derive(Debug, Clone)]
pub struct Disclosure {
    /// The record (its text is what the redactions index into).
    pub record: Record,
    /// Effective redactions (planned, minus rejected, plus added) and exemptions.
    pub redactions: Vec<Redaction>,
}

/// Everything the bundle needs.
#[derive(Debug, Clone)]
pub struct BundleSpec {
    /// Case reference (footer `SAR-<ref>-000001`).
    pub reference: String,
    /// The clock (received, deadline).
    pub clock: ClockStatus,
    /// The organisation profile.
    pub org: OrgProfile,
    /// Records to disclose. [`build`] puts them in bundle order: the
    /// e-mails of one conversation together by date (in the place of its
    /// earliest message), attachments right after their message, everything
    /// else by date, then source and locator.
    pub disclosures: Vec<Disclosure>,
    /// Categories of the subject's data found (for the cover letter).
    pub categories_found: Vec<String>,
    /// What could not be searched.
    pub unsearchable: Vec<Unsearchable>,
    /// Records withheld entirely under an exemption: (code, legal basis).
    pub withheld: Vec<(String, String)>,
    /// Prefix stripped from `source` paths in the manifest (the crawl root).
    pub source_root: String,
    /// Names and work contacts of staff acting officially (the staff
    /// directory): never spread by the consistency pass.
    pub staff: Vec<String>,
    /// The data subject's own names and identifiers (from the subject
    /// profile): never spread by the consistency pass, so that a namesake's
    /// redacted name does not hide the requester's own in her records.
    pub subject: Vec<String>,
}

/// Build options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// AES-256 passphrase; `None` writes a plain zip.
    pub passphrase: Option<String>,
    /// Salt for the redaction hashes; `None` draws a random one.
    pub salt: Option<[u8; 32]>,
    /// Do not verify after writing (only for tests that need a leaking
    /// bundle to prove `sarx verify` catches it).
    pub skip_verification: bool,
}

/// One entry of the internal redaction log (stays in the case folder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternalLogEntry {
    /// Document file in the bundle.
    pub document: String,
    /// Record id.
    pub record: String,
    /// Source file.
    pub source: String,
    /// Locator.
    pub locator: String,
    /// Byte range in the record's text.
    pub span: Span,
    /// Category.
    pub category: sarx_model::plan::Category,
    /// Reason code.
    pub reason_code: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Who or what proposed it.
    pub recogniser: String,
    /// The redacted text (internal only: never in the bundle).
    pub text: String,
}

/// The result of [`build`].
#[derive(Debug, Clone)]
pub struct Built {
    /// Where the zip was written.
    pub path: PathBuf,
    /// Documents disclosed.
    pub documents: usize,
    /// Total pages of disclosed documents.
    pub pages: u32,
    /// Documents shown as their redacted pages ([`PageRenderer`]).
    pub page_images: usize,
    /// PDFs and images typeset afresh instead, with the reason.
    pub fallbacks: Vec<(String, Fallback)>,
    /// Redactions applied (including ones added for consistency).
    pub redactions: usize,
    /// Salted hashes of every redacted string and where each was redacted
    /// (store in the case folder for `sarx verify`).
    pub secrets: Secrets,
    /// The internal log with the redacted text (store in the case folder).
    pub internal_log: Vec<InternalLogEntry>,
    /// The verification run on the written zip.
    pub verification: Verification,
    /// Planning errors found while building (the bundle is still sound).
    pub notes: Vec<PlanningNote>,
}

/// A planned redaction the bundle applied only where it was planned
/// because it looks like a planning error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanningNote {
    /// Where it was planned.
    pub origin: verify::Origin,
    /// Why it was not spread.
    pub why: Local,
}

impl std::fmt::Display for PlanningNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.why {
            Local::Organisation => {
                "redacts (part of) the organisation's own name, address or contact details"
            }
            Local::OwnWording => {
                "redacts wording that sarx writes itself in the cover letter or schedule"
            }
            Local::Staff => "redacts a staff member's name or work contact",
            _ => "was applied only where it was planned",
        };
        let o = &self.origin;
        write!(
            f,
            "redaction {} of record {} ({}) {what}: it was applied only there, not spread; if it is not a third party's data, reject {} of record {} in `sarx review`",
            o.redaction, o.record, o.document, o.redaction, o.record
        )
    }
}

/// Lower-case ASCII slug of at most 40 characters.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
        if out.len() >= 40 {
            break;
        }
    }
    let t = out.trim_end_matches('-').to_owned();
    if t.is_empty() {
        "record".into()
    } else {
        t
    }
}

fn sha256_hex(b: &[u8]) -> String {
    let d = Sha256::digest(b);
    d.iter().map(|x| format!("{x:02x}")).collect()
}

fn record_date(r: &Record) -> String {
    let d = r
        .dates
        .sent
        .as_ref()
        .or(r.dates.modified.as_ref())
        .or(r.dates.created.as_ref());
    d.map(|s| s.chars().take(10).collect()).unwrap_or_default()
}

fn source_type(k: Kind) -> &'static str {
    match k {
        Kind::Email => "e-mail",
        Kind::SheetRow => "spreadsheet row",
        Kind::Word => "document",
        Kind::Pdf => "PDF",
        Kind::Text => "text",
        Kind::Html => "web page",
        Kind::Csv => "CSV file",
        Kind::Spreadsheet => "spreadsheet",
        Kind::Presentation => "presentation",
        Kind::Contact => "contact",
        Kind::Calendar => "calendar item",
        Kind::Note => "note",
        _ => "other",
    }
}

fn plural_type(k: Kind) -> &'static str {
    match k {
        Kind::Email => "e-mails",
        Kind::SheetRow => "spreadsheet rows",
        Kind::Word => "documents",
        Kind::Pdf => "PDF documents",
        Kind::Text => "text files",
        Kind::Html => "web pages",
        _ => "other records",
    }
}

fn describe_reason(u: &Unsearchable) -> String {
    use sarx_model::Reason;
    let ext = u
        .source
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| e.len() <= 5 && e.chars().all(|c| c.is_ascii_alphanumeric()));
    let what = match u.reason {
        Reason::Encrypted => "password-protected or encrypted files",
        Reason::Corrupt | Reason::Truncated => "damaged files",
        Reason::Unsupported => "files in formats we cannot read electronically",
        Reason::NeedsManualReview => "images, audio or video (no searchable text)",
        Reason::NoTextFound => "scans and images in which no text could be read",
        Reason::OcrLowConfidence => "scans and images read with low confidence (checked by hand)",
        Reason::LimitExceeded(_) => "files too large or too deeply nested to search safely",
        Reason::Unreadable => "files that could not be opened",
        Reason::ExtractorFailed => "files our software failed to read",
    };
    match ext {
        Some(e) => format!("{what} (.{e})"),
        None => what.to_owned(),
    }
}
