//! The bundle's companion files: schedule (CSV, HTML), redaction log (CSV),
//! cover letter (text for the PDF, HTML), manifest (JSON).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use sarx_case::{ClockStatus, OrgProfile};
use serde::{Deserialize, Serialize};

use crate::Error;

/// One row of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRow {
    /// Document number (1-based).
    pub number: u32,
    /// File name inside the bundle.
    pub file: String,
    /// Title, redacted.
    pub title: String,
    /// Date (YYYY-MM-DD) or empty.
    pub date: String,
    /// Source type (e-mail, spreadsheet row, ...).
    pub source_type: String,
    /// Pages.
    pub pages: u32,
    /// Number of third-party redactions.
    pub redactions: usize,
    /// Number of exemptions applied.
    pub exemptions: usize,
    /// E-mail conversation number (`1`, `2`, … in bundle order) when two or
    /// more disclosed e-mails belong to it; empty otherwise.
    pub conversation: String,
    /// Every place the document was held (`source (locator)`, `; `
    /// between copies of the same message held in several exports).
    pub held_at: String,
}

/// One row of the disclosed redaction log (never the redacted text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogRow {
    /// Document file name.
    pub document: String,
    /// Location, e.g. `page 2`.
    pub location: String,
    /// Category of data withheld.
    pub category: sarx_model::plan::Category,
    /// Reason code.
    pub reason_code: String,
    /// Legal basis.
    pub legal_basis: String,
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn csv_bytes<T: Serialize>(rows: &[T], empty_header: &[&str]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    if rows.is_empty() {
        w.write_record(empty_header)
            .map_err(|e| Error::Csv(e.to_string()))?;
    }
    for r in rows {
        w.serialize(r).map_err(|e| Error::Csv(e.to_string()))?;
    }
    w.into_inner().map_err(|e| Error::Csv(e.to_string()))
}

/// `schedule.csv`.
pub fn schedule_csv(rows: &[ScheduleRow]) -> Result<Vec<u8>, Error> {
    csv_bytes(
        rows,
        &[
            "number",
            "file",
            "title",
            "date",
            "source_type",
            "pages",
            "redactions",
            "exemptions",
            "conversation",
            "held_at",
        ],
    )
}

/// `redaction-log.csv`.
pub fn log_csv(rows: &[LogRow]) -> Result<Vec<u8>, Error> {
    csv_bytes(
        rows,
        &[
            "document",
            "location",
            "category",
            "reason_code",
            "legal_basis",
        ],
    )
}

const STYLE: &str = "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left}";

/// `schedule.html`.
pub fn schedule_html(reference: &str, rows: &[ScheduleRow]) -> String {
    let mut h = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Schedule of documents, SAR-{r}</title><style>{STYLE}</style></head><body>\n<h1>Schedule of documents</h1>\n<p>Case reference SAR-{r}. {n} documents.</p>\n<table><thead><tr><th>No.</th><th>File</th><th>Title</th><th>Date</th><th>Type</th><th>Pages</th><th>Redactions</th><th>Exemptions</th><th>Conversation</th><th>Held at</th></tr></thead><tbody>\n",
        r = esc(reference),
        n = rows.len()
    );
    for r in rows {
        let _ = writeln!(
            h,
            "<tr><td>{:04}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            r.number,
            esc(&r.file),
            esc(&r.title),
            esc(&r.date),
            esc(&r.source_type),
            r.pages,
            r.redactions,
            r.exemptions,
            esc(&r.conversation),
            esc(&r.held_at)
        );
    }
    h.push_str("</tbody></table>\n</body></html>\n");
    h
}

/// What the cover letter says beyond the org profile.
#[derive(Debug, Clone, Default)]
pub struct LetterFacts {
    /// Case reference.
    pub reference: String,
    /// Number of documents disclosed.
    pub documents: usize,
    /// Categories of personal data found in the disclosed records.
    pub categories_found: Vec<String>,
    /// Kinds of record disclosed (e-mails, letters, spreadsheet rows) with counts.
    pub record_types: BTreeMap<String, usize>,
    /// Unsearchable items: reason description → count.
    pub unsearchable: BTreeMap<String, usize>,
    /// Exemptions relied on: (reason code, legal basis) → count.
    pub exemptions: BTreeMap<(String, String), usize>,
    /// Third-party redactions made.
    pub third_party_redactions: usize,
    /// Whole records withheld under an exemption.
    pub withheld_records: usize,
}

/// Cover letter sections: (heading, paragraphs).
pub fn letter_sections(
    org: &OrgProfile,
    clock: &ClockStatus,
    f: &LetterFacts,
) -> Vec<(String, Vec<String>)> {
    let mut s: Vec<(String, Vec<String>)> = Vec::new();
    let c = &org.controller;
    let mut intro = vec![
        format!("Our reference: SAR-{}", f.reference),
        format!("Your request was received on {}.", clock.received),
    ];
    match clock.extended_deadline {
        Some(d) => {
            intro.push(format!(
            "We extended the time to respond by two further months{}; the response is due by {d}.",
            clock.extension_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
        ))
        }
        None => intro.push(format!("The response is due by {}.", clock.deadline)),
    }
    if clock.paused_days > 0 {
        intro.push(format!(
            "The time limit was paused for {} days while we waited for information we needed from you.",
            clock.paused_days
        ));
    }
    intro.push(format!(
        "This is {}'s response to your request for a copy of your personal data under Article 15 of the UK GDPR.",
        c.name
    ));
    s.push(("Response to your subject access request".into(), intro));

    let mut found = vec![format!(
        "We searched our records for information about you and enclose {} documents, listed in the schedule (schedule.csv and schedule.html).",
        f.documents
    )];
    if !f.record_types.is_empty() {
        found.push(format!(
            "The documents are: {}.",
            f.record_types
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !f.categories_found.is_empty() {
        found.push(format!(
            "The categories of your personal data in these documents are: {}.",
            f.categories_found.join("; ")
        ));
    }
    s.push(("What we found".into(), found));

    let mut why = Vec::new();
    for p in &org.purposes {
        if p.lawful_basis.is_empty() {
            why.push(format!("• {}", p.purpose));
        } else {
            why.push(format!(
                "• {} (lawful basis: {})",
                p.purpose, p.lawful_basis
            ));
        }
    }
    if !org.lawful_bases.is_empty() {
        why.push(format!(
            "Lawful bases we rely on: {}.",
            org.lawful_bases.join("; ")
        ));
    }
    if !why.is_empty() {
        s.push(("Why we use your information".into(), why));
    }
    if !org.categories.is_empty() {
        s.push((
            "Categories of personal data we process".into(),
            org.categories.iter().map(|x| format!("• {x}")).collect(),
        ));
    }
    if !org.recipients.is_empty() {
        s.push((
            "Who we share it with".into(),
            org.recipients.iter().map(|x| format!("• {x}")).collect(),
        ));
    }
    if !org.retention.is_empty() {
        s.push((
            "How long we keep it".into(),
            org.retention
                .iter()
                .map(|r| format!("• {}: {}", r.records, r.period))
                .collect(),
        ));
    }
    if !org.sources.is_empty() {
        s.push((
            "Where your information comes from".into(),
            org.sources.iter().map(|x| format!("• {x}")).collect(),
        ));
    }
    s.push((
        "Automated decision-making".into(),
        vec![if org.automated_decision_making.is_empty() {
            "Our privacy notice does not describe any automated decision-making, including profiling, about you.".into()
        } else {
            org.automated_decision_making.clone()
        }],
    ));
    if !org.international_transfers.is_empty() {
        s.push((
            "Transfers outside the UK".into(),
            vec![org.international_transfers.clone()],
        ));
    }

    let mut withheld = Vec::new();
    if f.third_party_redactions > 0 {
        withheld.push(format!(
            "We removed information about other people ({} redactions), because disclosing it would disclose their personal data without their consent (Data Protection Act 2018, Schedule 2, Part 3, paragraph 16). Each removal is shown in the documents as a marker with its reason, and listed in redaction-log.csv.",
            f.third_party_redactions
        ));
    }
    for ((code, basis), n) in &f.exemptions {
        withheld.push(format!("• {code} ({basis}): applied {n} times."));
    }
    if f.withheld_records > 0 {
        withheld.push(format!(
            "{} records were withheld in full under an exemption.",
            f.withheld_records
        ));
    }
    if withheld.is_empty() {
        withheld.push("We have not withheld any information.".into());
    }
    s.push(("Information we have withheld".into(), withheld));

    if !f.unsearchable.is_empty() {
        let mut u = vec![
            "Some files could not be searched electronically. They are listed here by reason; we will review them by hand and tell you if they hold information about you:".to_owned(),
        ];
        for (reason, n) in &f.unsearchable {
            u.push(format!("• {reason}: {n}"));
        }
        s.push(("What we could not search".into(), u));
    }
    if !org.rights.is_empty() {
        s.push((
            "Your rights".into(),
            org.rights.iter().map(|x| format!("• {x}")).collect(),
        ));
    }
    let mut contact = Vec::new();
    let who = [&c.name, &c.address, &c.email, &c.phone]
        .iter()
        .filter(|x| !x.is_empty())
        .map(|x| x.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    contact.push(format!("Controller: {who}"));
    let d = &org.dpo;
    let dpo = [&d.name, &d.address, &d.email, &d.phone]
        .iter()
        .filter(|x| !x.is_empty())
        .map(|x| x.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if !dpo.is_empty() {
        contact.push(format!("Data protection contact: {dpo}"));
    }
    s.push(("Contact us".into(), contact));
    let i = &org.ico;
    s.push((
        "Your right to complain to the ICO".into(),
        vec![format!(
            "If you are unhappy with how we have handled your request, you may complain to the {}: {}{}{}.",
            i.name,
            i.address,
            if i.phone.is_empty() { String::new() } else { format!(", telephone {}", i.phone) },
            if i.website.is_empty() { String::new() } else { format!(", {}", i.website) },
        )],
    ));
    s
}

/// The cover letter as text for [`crate::layout::layout_plain`].
pub fn letter_text(sections: &[(String, Vec<String>)]) -> String {
    let mut t = String::new();
    for (h, ps) in sections {
        let _ = writeln!(t, "# {h}");
        for p in ps {
            let _ = writeln!(t, "{p}");
        }
        t.push('\n');
    }
    t
}

/// The cover letter as HTML.
pub fn letter_html(reference: &str, sections: &[(String, Vec<String>)]) -> String {
    let mut h = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Subject access request SAR-{}</title><style>{STYLE}</style></head><body>\n",
        esc(reference)
    );
    for (i, (head, ps)) in sections.iter().enumerate() {
        let tag = if i == 0 { "h1" } else { "h2" };
        let _ = writeln!(h, "<{tag}>{}</{tag}>", esc(head));
        let mut in_list = false;
        for p in ps {
            if let Some(item) = p.strip_prefix("• ") {
                if !in_list {
                    h.push_str("<ul>\n");
                    in_list = true;
                }
                let _ = writeln!(h, "<li>{}</li>", esc(item));
            } else {
                if in_list {
                    h.push_str("</ul>\n");
                    in_list = false;
                }
                let _ = writeln!(h, "<p>{}</p>", esc(p));
            }
        }
        if in_list {
            h.push_str("</ul>\n");
        }
    }
    h.push_str("</body></html>\n");
    h
}

/// A disclosed document in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestDoc {
    /// File inside the bundle.
    pub file: String,
    /// Top-level source file (with any redacted string scrubbed).
    pub source: String,
    /// Locator inside it (scrubbed likewise).
    pub locator: String,
    /// SHA-256 of the file (hex).
    pub sha256: String,
    /// Pages.
    #[serde(default)]
    pub pages: u32,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Case reference.
    pub case_ref: String,
    /// Received (YYYY-MM-DD).
    pub received: String,
    /// Deadline in force (YYYY-MM-DD).
    pub deadline: String,
    /// Generator.
    #[serde(default)]
    pub generator: String,
    /// Disclosed documents.
    pub documents: Vec<ManifestDoc>,
    /// SHA-256 of every other file in the bundle (except the manifest).
    pub files: BTreeMap<String, String>,
}
