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

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sarx_case::{ClockStatus, OrgProfile, Redaction, SecretSet};
use sarx_model::{Kind, Record, Span, Unsearchable};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use spread::{Local, Scope};

pub mod docs;
pub mod font;
pub mod layout;
mod order;
pub mod pdf;
pub mod scrub;
pub mod spread;
pub mod verify;

pub use layout::{FreshRenderer, Layout, Renderer};
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
pub const LOCATIONS_META: &str = "locations";

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
    pub category: String,
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
        Reason::LimitExceeded(_) => "files too large or too deeply nested to search safely",
        Reason::Unreadable => "files that could not be opened",
        Reason::ExtractorFailed => "files our software failed to read",
    };
    match ext {
        Some(e) => format!("{what} (.{e})"),
        None => what.to_owned(),
    }
}

/// Every place the record was held: [`LOCATIONS_META`] when it is set and
/// valid, else the record's own source and locator.
fn held_at(r: &Record) -> Vec<(String, String)> {
    #[derive(Deserialize)]
    struct Place {
        source: String,
        #[serde(default)]
        locator: String,
    }
    r.meta
        .get(LOCATIONS_META)
        .and_then(|j| serde_json::from_str::<Vec<Place>>(j).ok())
        .filter(|v| !v.is_empty())
        .map(|v| v.into_iter().map(|p| (p.source, p.locator)).collect())
        .unwrap_or_else(|| vec![(r.source.clone(), r.locator.clone())])
}

/// Widens `span` to character boundaries within `text` and returns the text under it.
fn span_text(text: &str, span: Span) -> String {
    let mut s = span.start.min(text.len());
    let mut e = span.end.min(text.len());
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    text.get(s..e).unwrap_or_default().to_owned()
}

struct Prepared {
    record: Record,
    conversation: Option<u32>,
    held_at: String,
    redactions: Vec<Redaction>,
    title: String,
    file: String,
    source: String,
    locator: String,
    layout: Layout,
    /// The running header of its pages.
    header: String,
    /// The text its document must show, from the record and its redactions
    /// alone (independent of the renderer).
    expected: String,
    /// Its planned redactions as windows of words to look for in its document.
    local: Vec<(Vec<String>, String)>,
    notes: Vec<PlanningNote>,
}

/// Builds the bundle at `out` and verifies it; fails with
/// [`Error::VerificationFailed`] (after deleting the zip) if any redacted
/// string survives.
pub fn build(
    spec: &BundleSpec,
    renderer: &dyn Renderer,
    out: &Path,
    opts: &Options,
) -> Result<Built, Error> {
    // 1. Every redacted string in the case, and whether it spreads: the
    //    spread ones make the consistency scrubber and the strings
    //    verification looks for everywhere; the others stay in their record.
    let wording = own_wording(spec);
    let boilerplate = spread::Boilerplate::new(&spec.org, &wording);
    let staff = spread::Staff::new(&spec.staff);
    let subject = spread::Staff::new(&spec.subject);
    let mut scrubber = scrub::Scrubber::default();
    let mut redacted_strings: Vec<String> = Vec::new();
    let scopes: Vec<Vec<Scope>> = spec
        .disclosures
        .iter()
        .map(|d| {
            d.redactions
                .iter()
                .map(|r| {
                    let t = span_text(&d.record.text, r.span);
                    let scope = if subject.contains(&sarx_case::secrets::tokens(&t), &t) {
                        Scope::Local(Local::Subject)
                    } else {
                        spread::classify(&r.category, r.exemption, &t, &boilerplate, &staff)
                    };
                    if scope == Scope::Spread {
                        scrubber.add(&t, &r.reason_code);
                        redacted_strings.push(t);
                    }
                    scope
                })
                .collect()
        })
        .collect();

    // 2. Bundle order (conversations together, attachments after their
    //    message). Per record: consistency redactions (the same string
    //    elsewhere in the record), redacted title/source/locator/header, layout.
    let records: Vec<&Record> = spec.disclosures.iter().map(|d| &d.record).collect();
    let arranged = order::arrange(&records);
    let ordered: Vec<(&Disclosure, &[Scope], Option<u32>)> = arranged
        .order
        .iter()
        .filter_map(|&k| {
            let conversation = arranged.conversation.get(k).copied().flatten();
            let scope = scopes.get(k).map(Vec::as_slice).unwrap_or_default();
            spec.disclosures.get(k).map(|d| (d, scope, conversation))
        })
        .collect();
    let n = ordered.len();
    let width = 4.max(n.to_string().len());
    let shown_source = |own: &scrub::Scrubber, s: &str| {
        scrubber.scrub_with(
            own,
            s.strip_prefix(&spec.source_root)
                .unwrap_or(s)
                .trim_start_matches('/'),
        )
    };
    let mut prepared: Vec<Prepared> = ordered
        .par_iter()
        .enumerate()
        .map(|(i, &(d, scope, conversation))| {
            // The record's own title, paths and headers also lose what its
            // plan redacts in its text, unless that is the organisation's,
            // sarx's or a staff member's own text.
            let mut own = scrub::Scrubber::default();
            for (r, s) in d.redactions.iter().zip(scope) {
                if matches!(s, Scope::Local(Local::SingleWord | Local::Contextual)) {
                    own.add(&span_text(&d.record.text, r.span), &r.reason_code);
                }
            }
            let mut reds = d.redactions.clone();
            for (span, code) in scrubber.find(&d.record.text) {
                if !reds
                    .iter()
                    .any(|r| r.span.start <= span.start && r.span.end >= span.end)
                {
                    reds.push(Redaction {
                        id: format!("c{}", reds.len() + 1),
                        span,
                        category: "consistency".into(),
                        reason_code: code,
                        legal_basis: "same data redacted elsewhere in this response".into(),
                        confidence: 1.0,
                        recogniser: CONSISTENCY.into(),
                        exemption: false,
                    });
                }
            }
            reds.sort_by_key(|r| (r.span.start, r.span.end));
            let mut record = d.record.clone();
            if let Some(h) = record.meta.get("header").cloned() {
                record
                    .meta
                    .insert("header".into(), scrubber.scrub_with(&own, &h));
            }
            if let Some(h) = record.meta.get("sheet").cloned() {
                record
                    .meta
                    .insert("sheet".into(), scrubber.scrub_with(&own, &h));
            }
            let raw_title = if record.title.trim().is_empty() {
                record
                    .source
                    .rsplit('/')
                    .next()
                    .unwrap_or("record")
                    .to_owned()
            } else {
                record.title.clone()
            };
            let title = scrubber.scrub_with(&own, &raw_title);
            let file = format!(
                "documents/{:0width$}-{}.pdf",
                i + 1,
                slug(&title),
                width = width
            );
            let source = shown_source(&own, &record.source);
            let locator = scrubber.scrub_with(&own, &record.locator);
            let held_at = held_at(&record)
                .iter()
                .map(|(s, l)| {
                    let s = shown_source(&own, s);
                    if l.is_empty() {
                        s
                    } else {
                        format!("{s} ({})", scrubber.scrub_with(&own, l))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            let layout = renderer.layout(&record, &reds, &title)?;
            let header = format!("SAR-{} · Document {:04} · {title}", spec.reference, i + 1);
            let expected = expected_text(&record, &reds, &title, &header);
            // Every planned redaction, spread or not, is also looked for in
            // place: found there, it was not applied (a renderer defect).
            let planned: Vec<&Redaction> = d.redactions.iter().collect();
            let local = local_windows(&record.text, &reds, &planned, &expected);
            let notes = d
                .redactions
                .iter()
                .zip(scope)
                .filter_map(|(r, s)| match s {
                    Scope::Local(why @ Local::Organisation) => Some(PlanningNote {
                        origin: verify::Origin {
                            redaction: r.id.clone(),
                            record: record.id.to_string(),
                            document: file.clone(),
                        },
                        why: *why,
                    }),
                    _ => None,
                })
                .collect();
            Ok(Prepared {
                record,
                conversation,
                held_at,
                redactions: reds,
                title,
                file,
                source,
                locator,
                layout,
                header,
                expected,
                local,
                notes,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;

    // 3. Continuous page numbers.
    let mut first_pages = Vec::with_capacity(n);
    let mut next = 1u32;
    for p in &prepared {
        first_pages.push(next);
        next = next.saturating_add(u32::try_from(p.layout.pages.len().max(1)).unwrap_or(u32::MAX));
    }
    let total_pages = next.saturating_sub(1);

    let pdfs: Vec<Vec<u8>> = prepared
        .par_iter()
        .zip(first_pages.par_iter())
        .map(|(p, fp)| {
            pdf::write(
                &p.layout,
                &pdf::Furniture {
                    header: p.header.clone(),
                    reference: spec.reference.clone(),
                    first_page: *fp,
                },
            )
        })
        .collect::<Result<_, Error>>()?;

    // 4. Schedule, logs, letter facts.
    let mut schedule = Vec::new();
    let mut log = Vec::new();
    let mut internal = Vec::new();
    let mut facts = docs::LetterFacts {
        reference: spec.reference.clone(),
        documents: n,
        categories_found: spec.categories_found.clone(),
        withheld_records: spec.withheld.len(),
        ..Default::default()
    };
    let mut redaction_total = 0;
    for (i, p) in prepared.iter_mut().enumerate() {
        let ex = p.redactions.iter().filter(|r| r.exemption).count();
        let tp = p.redactions.len() - ex;
        redaction_total += p.redactions.len();
        facts.third_party_redactions += tp;
        *facts
            .record_types
            .entry(plural_type(p.record.kind).to_owned())
            .or_default() += 1;
        schedule.push(docs::ScheduleRow {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            file: p.file.clone(),
            title: p.title.clone(),
            date: record_date(&p.record),
            source_type: source_type(p.record.kind).to_owned(),
            pages: u32::try_from(p.layout.pages.len().max(1)).unwrap_or(u32::MAX),
            redactions: tp,
            exemptions: ex,
            conversation: p.conversation.map(|c| c.to_string()).unwrap_or_default(),
            held_at: p.held_at.clone(),
        });
        // Markers appear in layout order, which is span order.
        let mut pages_of_markers = p.layout.markers.iter().map(|(pg, _)| *pg);
        let fp = first_pages.get(i).copied().unwrap_or(1);
        let merged = merged_in_order(&p.record.text, &p.redactions);
        for r in &merged {
            let page = pages_of_markers.next().unwrap_or(0);
            let label = pdf::page_label(&spec.reference, fp + u32::try_from(page).unwrap_or(0));
            log.push(docs::LogRow {
                document: p.file.clone(),
                location: format!("page {} ({label})", page + 1),
                category: r.category.clone(),
                reason_code: r.reason_code.clone(),
                legal_basis: r.legal_basis.clone(),
            });
            if r.exemption {
                *facts
                    .exemptions
                    .entry((r.reason_code.clone(), r.legal_basis.clone()))
                    .or_default() += 1;
            }
        }
        for r in &p.redactions {
            internal.push(InternalLogEntry {
                document: p.file.clone(),
                record: p.record.id.to_string(),
                source: p.record.source.clone(),
                locator: p.record.locator.clone(),
                span: r.span,
                category: r.category.clone(),
                reason_code: r.reason_code.clone(),
                legal_basis: r.legal_basis.clone(),
                recogniser: r.recogniser.clone(),
                text: span_text(&p.record.text, r.span),
            });
        }
    }
    for (code, basis) in &spec.withheld {
        *facts
            .exemptions
            .entry((code.clone(), basis.clone()))
            .or_default() += 0;
    }
    for u in &spec.unsearchable {
        *facts.unsearchable.entry(describe_reason(u)).or_default() += 1;
    }
    let sections = docs::letter_sections(&spec.org, &spec.clock, &facts);
    // The letter carries no record text, and no spread string is sarx's own
    // wording or the organisation's, so this changes nothing unless a
    // caseworker's own text (an extension reason) holds a redacted name.
    let letter_text = scrubber.scrub(&docs::letter_text(&sections));
    let letter_html = scrubber.scrub(&docs::letter_html(&spec.reference, &sections));
    let letter_pdf = pdf::write(
        &layout::layout_plain(&letter_text)?,
        &pdf::Furniture {
            header: format!("SAR-{} · Cover letter", spec.reference),
            reference: format!("{}-L", spec.reference),
            first_page: 1,
        },
    )?;
    let schedule_csv = docs::schedule_csv(&schedule)?;
    let schedule_html = docs::schedule_html(&spec.reference, &schedule);
    let log_csv = docs::log_csv(&log)?;

    // 5. Manifest and zip.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut manifest = docs::Manifest {
        case_ref: spec.reference.clone(),
        received: spec.clock.received.to_string(),
        deadline: spec.clock.deadline.to_string(),
        generator: format!("sarx {}", env!("CARGO_PKG_VERSION")),
        documents: Vec::new(),
        files: BTreeMap::new(),
    };
    for (p, bytes) in prepared.iter().zip(pdfs) {
        manifest.documents.push(docs::ManifestDoc {
            file: p.file.clone(),
            source: p.source.clone(),
            locator: p.locator.clone(),
            sha256: sha256_hex(&bytes),
            pages: u32::try_from(p.layout.pages.len().max(1)).unwrap_or(u32::MAX),
        });
        files.push((p.file.clone(), bytes));
    }
    for (name, bytes) in [
        ("schedule.csv", schedule_csv),
        ("schedule.html", schedule_html.into_bytes()),
        ("redaction-log.csv", log_csv),
        ("cover-letter.pdf", letter_pdf),
        ("cover-letter.html", letter_html.into_bytes()),
    ] {
        manifest.files.insert(name.to_owned(), sha256_hex(&bytes));
        files.push((name.to_owned(), bytes));
    }
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Json(e.to_string()))?;
    files.push(("manifest.json".into(), manifest_bytes));

    // 6. Hashes of spread strings (partials exclude tokens the bundle
    //    legitimately discloses: the documents as their redactions alone
    //    make them, not as the renderer drew them), where each was
    //    redacted, each document's local redactions, and sarx's own
    //    phrases to mask in the files it generates.
    let mut disclosed: Vec<String> = prepared.iter().map(|p| p.expected.clone()).collect();
    disclosed.push(letter_text.clone());
    for (name, bytes) in &files {
        if !name.ends_with(".pdf") {
            disclosed.push(String::from_utf8_lossy(bytes).into_owned());
        }
    }
    let salt = opts.salt.unwrap_or_else(sarx_case::secrets::random_salt);
    let mut secrets = Secrets {
        set: SecretSet::build(&redacted_strings, &disclosed, salt),
        ..Secrets::default()
    };
    let mut notes = Vec::new();
    for p in &mut prepared {
        let record = p.record.id.to_string();
        secrets.documents.insert(p.file.clone(), record.clone());
        // The planned redactions only (consistency copies point back to them).
        for r in p.redactions.iter().filter(|r| r.recogniser != CONSISTENCY) {
            let toks = sarx_case::secrets::tokens(&span_text(&p.record.text, r.span));
            let origin = verify::Origin {
                redaction: r.id.clone(),
                record: record.clone(),
                document: p.file.clone(),
            };
            let mut keys: Vec<String> = secrets
                .set
                .key(&toks)
                .filter(|k| secrets.set.full.contains(k))
                .into_iter()
                .collect();
            keys.extend(
                toks.iter()
                    .filter_map(|t| secrets.set.key(std::slice::from_ref(t)))
                    .filter(|k| secrets.set.partial.contains(k)),
            );
            for k in keys {
                let o = secrets.origins.entry(k).or_default();
                if !o.contains(&origin) {
                    o.push(origin.clone());
                }
            }
        }
        for (window, id) in std::mem::take(&mut p.local) {
            if let Some(h) = secrets.set.key(&window) {
                secrets.local_lengths.insert(window.len());
                secrets.local.entry(p.file.clone()).or_default().insert(
                    h,
                    verify::Origin {
                        redaction: id,
                        record: record.clone(),
                        document: p.file.clone(),
                    },
                );
            }
        }
        notes.append(&mut p.notes);
    }
    for phrase in boilerplate.phrases() {
        secrets.add_boilerplate(phrase);
    }

    write_zip(out, &files, opts.passphrase.as_deref())?;
    let verification = if opts.skip_verification {
        Verification::default()
    } else {
        verify::verify(out, &secrets, opts.passphrase.as_deref())?
    };
    if !opts.skip_verification && !verification.is_clean() {
        let _ = std::fs::remove_file(out);
        let mut msg = verification.summary();
        for a in verification.advice() {
            msg.push_str("\n  ");
            msg.push_str(&a);
        }
        return Err(Error::VerificationFailed(msg));
    }
    Ok(Built {
        path: out.to_path_buf(),
        documents: n,
        pages: total_pages,
        redactions: redaction_total,
        secrets,
        internal_log: internal,
        verification,
        notes,
    })
}

/// Recogniser name of the redactions the consistency pass adds.
const CONSISTENCY: &str = "bundle-consistency";

/// Lines sarx writes itself for this case: the cover letter (as it would be
/// with every section present), schedule and log headings, the manifest's
/// keys, page furniture and the vocabulary of markers and the log.
fn own_wording(spec: &BundleSpec) -> Vec<String> {
    let mut facts = docs::LetterFacts {
        reference: spec.reference.clone(),
        documents: spec.disclosures.len(),
        categories_found: spec.categories_found.clone(),
        third_party_redactions: 1,
        withheld_records: spec.withheld.len().max(1),
        ..Default::default()
    };
    let mut w: Vec<String> = Vec::new();
    for d in &spec.disclosures {
        let k = d.record.kind;
        *facts
            .record_types
            .entry(plural_type(k).to_owned())
            .or_default() += 1;
        w.push(format!("Type: {}", layout::describe_kind(k)));
        w.push(source_type(k).to_owned());
        for r in &d.redactions {
            w.push(r.category.clone());
            w.push(r.legal_basis.clone());
            w.push(layout::marker_text(&r.reason_code));
            if r.exemption {
                facts
                    .exemptions
                    .insert((r.reason_code.clone(), r.legal_basis.clone()), 1);
            }
        }
    }
    for (code, basis) in &spec.withheld {
        facts.exemptions.insert((code.clone(), basis.clone()), 1);
    }
    for u in &spec.unsearchable {
        facts.unsearchable.insert(describe_reason(u), 1);
    }
    let sections = docs::letter_sections(&spec.org, &spec.clock, &facts);
    w.extend(docs::letter_text(&sections).lines().map(str::to_owned));
    w.extend(
        docs::schedule_html(&spec.reference, &[])
            .lines()
            .map(str::to_owned),
    );
    for csv in [docs::schedule_csv(&[]), docs::log_csv(&[])]
        .into_iter()
        .flatten()
    {
        w.push(String::from_utf8_lossy(&csv).into_owned());
    }
    w.extend(
        [
            "case_ref received deadline generator documents files file source locator sha256 pages",
            "same data redacted elsewhere in this response",
            "consistency",
            CONSISTENCY,
            "Column",
            "Sheet:",
            "Page of",
            "Cover letter",
            "record",
        ]
        .map(str::to_owned),
    );
    w.push(format!("SAR-{} · Document 0001 ·", spec.reference));
    w.push(format!("SAR-{} · Cover letter", spec.reference));
    w.push(pdf::page_label(&spec.reference, 1));
    w.push(format!("sarx {}", env!("CARGO_PKG_VERSION")));
    w
}

/// What a record's document must show, made from the record and its
/// redactions alone: heading, metadata lines, text with markers, header.
fn expected_text(record: &Record, reds: &[Redaction], title: &str, header: &str) -> String {
    let mut t = format!(
        "{header}\n{title}\nType: {}\n",
        layout::describe_kind(record.kind)
    );
    for key in ["sheet", "header"] {
        if let Some(v) = record.meta.get(key) {
            t.push_str(v);
            t.push('\n');
        }
    }
    for p in layout::apply(&record.text, reds) {
        match p {
            layout::Piece::Text(s) => t.push_str(&s),
            layout::Piece::Marker(c) => {
                t.push(' ');
                t.push_str(&layout::marker_text(&c));
                t.push(' ');
            }
        }
    }
    t
}

/// Each planned redaction as its words with the nearest unredacted word on
/// either side: found in the document only if the redaction was not
/// applied. Windows the expected document shows anyway (the same phrase
/// disclosed elsewhere in it) cannot tell and are left out.
fn local_windows(
    text: &str,
    reds: &[Redaction],
    planned: &[&Redaction],
    expected: &str,
) -> Vec<(Vec<String>, String)> {
    if planned.is_empty() {
        return Vec::new();
    }
    let toks = scrub::token_spans(text);
    let shown = sarx_case::secrets::tokens(expected);
    let redacted = |&(s, e, _): &(usize, usize, String)| {
        reds.iter().any(|r| s < r.span.end && e > r.span.start)
    };
    let mut out = Vec::new();
    for r in planned {
        let inside: Vec<usize> = toks
            .iter()
            .enumerate()
            .filter(|(_, (s, e, _))| *s < r.span.end && *e > r.span.start)
            .map(|(i, _)| i)
            .collect();
        let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
            continue;
        };
        let before = first
            .checked_sub(1)
            .and_then(|i| toks.get(i))
            .filter(|t| !redacted(t));
        let after = toks.get(last + 1).filter(|t| !redacted(t));
        let window: Vec<String> = before
            .into_iter()
            .chain(toks.get(first..=last).unwrap_or_default())
            .chain(after)
            .map(|t| t.2.clone())
            .collect();
        if window.is_empty() || shown.windows(window.len()).any(|w| w == window.as_slice()) {
            continue;
        }
        out.push((window, r.id.clone()));
    }
    out
}

/// The redactions as [`layout::apply`] merges them (one per marker), in order.
fn merged_in_order(text: &str, reds: &[Redaction]) -> Vec<Redaction> {
    let mut v: Vec<Redaction> = reds
        .iter()
        .filter(|r| !r.span.is_empty() && r.span.start.min(text.len()) < r.span.end.min(text.len()))
        .cloned()
        .collect();
    v.sort_by_key(|r| (r.span.start, std::cmp::Reverse(r.span.end)));
    let mut out: Vec<Redaction> = Vec::new();
    for r in v {
        match out.last_mut() {
            Some(last) if r.span.start < last.span.end => {
                last.span.end = last.span.end.max(r.span.end)
            }
            _ => out.push(r),
        }
    }
    out
}

fn write_zip(
    out: &Path,
    files: &[(String, Vec<u8>)],
    passphrase: Option<&str>,
) -> Result<(), Error> {
    use zip::write::SimpleFileOptions;
    let tmp = out.with_extension("zip.partial");
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut z = zip::ZipWriter::new(f);
    let base = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        let o = match passphrase {
            Some(p) => base.with_aes_encryption(zip::AesMode::Aes256, p),
            None => base,
        };
        z.start_file(name.as_str(), o)
            .map_err(|e| Error::Zip(e.to_string()))?;
        z.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
    }
    let f = z.finish().map_err(|e| Error::Zip(e.to_string()))?;
    f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
    Ok(())
}
