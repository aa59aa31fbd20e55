//! `sarx bundle`: builds the response bundle, from a reviewed case folder
//! (`--case CASE_DIR`) or in one shot from an index (`--index … --subject …
//! --received …`: search and automatic plans, no review).
//!
//! The bundle is verified before success is reported: every file is
//! re-extracted and no redacted string may survive (exit 1 otherwise, and
//! the zip is deleted). With `--encrypt` the zip is AES-256; the passphrase
//! comes from `SARX_BUNDLE_PASSPHRASE` or the first line of stdin, never
//! from the command line.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use sarx_bundle::{BundleSpec, Disclosure, FreshRenderer, Options};
use sarx_case::{CaseDir, CaseState, Disposition, Hit, RecordPlan};
use sarx_model::{Record, RecordId, Unsearchable};

use crate::commands::case::{prepare, today, Inputs};
use crate::ExitStatus;

/// Environment variable holding the bundle passphrase.
pub const PASSPHRASE_ENV: &str = "SARX_BUNDLE_PASSPHRASE";

/// Arguments of `sarx bundle`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Case folder (uses its decisions); conflicts with the one-shot inputs.
    #[arg(long, value_name = "CASE_DIR", conflicts_with_all = ["index", "subject", "received"])]
    pub case: Option<PathBuf>,
    /// Index directory (one-shot mode).
    #[arg(long, value_name = "IDX", requires_all = ["subject", "received"])]
    pub index: Option<PathBuf>,
    /// Subject profile (one-shot mode).
    #[arg(long, value_name = "FILE")]
    pub subject: Option<PathBuf>,
    /// Date received (one-shot mode).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub received: Option<jiff::civil::Date>,
    /// Organisation profile (one-shot mode).
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Staff directory CSV (one-shot mode).
    #[arg(long, value_name = "FILE")]
    pub staff: Option<PathBuf>,
    /// Case reference (one-shot mode).
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// One-shot mode: also disclose hits that match only the subject's name
    /// (no identifier, address or other evidence confirms them), without
    /// review. By default they are left out, counted, and the exit status is
    /// 1: a same-name hit may be about someone else.
    #[arg(long)]
    pub include_unconfirmed: bool,
    /// Accepted for older scripts: leaving unconfirmed hits out is now the
    /// default.
    #[arg(long, hide = true, conflicts_with = "include_unconfirmed")]
    pub high_only: bool,
    /// One-shot mode: find third-party names with the rules alone, without
    /// the person-name model (recorded in the internal log).
    #[arg(long)]
    pub rules_only: bool,
    /// Output zip.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Write an AES-256 encrypted zip (passphrase from SARX_BUNDLE_PASSPHRASE or stdin).
    #[arg(long)]
    pub encrypt: bool,
}

/// Reads the passphrase from the environment or the first line of stdin.
pub fn passphrase() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    eprintln!("Passphrase (one line on stdin; or set {PASSPHRASE_ENV}):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let p = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(p.len() >= 8, "the passphrase must be at least 8 characters");
    Ok(p)
}

/// Categories of the subject's own data found, from the evidence kinds.
fn categories(hits: &[Hit]) -> Vec<String> {
    let mut out = std::collections::BTreeSet::new();
    for h in hits {
        for e in &h.evidence {
            let c = match e.kind.as_str() {
                "name" | "alias" => "your name",
                "email" => "your e-mail address",
                "phone" => "your telephone number",
                "postcode" | "address" => "your address",
                "date_of_birth" => "your date of birth",
                "ni_number" => "your National Insurance number",
                "nhs_number" => "your NHS number",
                "reference" => "your tenancy, account or case references",
                _ => continue,
            };
            out.insert(c.to_owned());
        }
    }
    out.into_iter().collect()
}

struct Selection {
    disclosures: Vec<Disclosure>,
    withheld: Vec<(String, String)>,
    awaiting: usize,
}

fn select(
    state: &CaseState,
    hits: &[Hit],
    plans: &BTreeMap<RecordId, RecordPlan>,
    records: &[Record],
    include_unconfirmed: bool,
    interactive: bool,
) -> Selection {
    let by_id: BTreeMap<&RecordId, &Record> = records.iter().map(|r| (&r.id, r)).collect();
    let mut sel = Selection {
        disclosures: Vec::new(),
        withheld: Vec::new(),
        awaiting: 0,
    };
    for h in hits {
        let Some(r) = by_id.get(&h.record) else {
            continue;
        };
        let disp = state.disposition(h);
        let include = match disp {
            Disposition::Disclose => true,
            // One-shot mode has no review: a name-only hit is disclosed only
            // when asked for (--include-unconfirmed).
            Disposition::NeedsReview => !interactive && include_unconfirmed,
            Disposition::NotAboutSubject => false,
            Disposition::Exempt { code, legal_basis } => {
                sel.withheld.push((code, legal_basis));
                false
            }
        };
        if matches!(state.disposition(h), Disposition::NeedsReview) && !include {
            sel.awaiting += 1;
        }
        if include {
            sel.disclosures.push(Disclosure {
                record: (*r).clone(),
                redactions: state.effective_redactions(&h.record, plans.get(&h.record)),
            });
        }
    }
    sel
}

/// Names and work contacts in the staff directory (one-shot mode; a case
/// folder keeps no staff directory): the bundle never spreads them.
fn staff_contacts(path: Option<&std::path::Path>) -> anyhow::Result<Vec<String>> {
    let Some(p) = path else {
        return Ok(Vec::new());
    };
    let f = std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
    let dir = sarx_redact::StaffDirectory::from_reader(f)?;
    Ok(dir
        .members()
        .iter()
        .flat_map(|m| [m.name.clone(), m.email.clone(), m.phone.clone()])
        .filter(|s| !s.trim().is_empty())
        .collect())
}

/// The longest folder prefix shared by every record's source and by every
/// other place a de-duplicated record was held (`sarx_bundle::LOCATIONS_META`).
/// The subject's own names and identifiers, as the profile gives them (the
/// bundle never spreads a redaction of one of them).
fn subject_strings(subject_toml: &str) -> Vec<String> {
    let Ok(p) = sarx_detect::SubjectProfile::from_toml_str(subject_toml) else {
        return Vec::new();
    };
    let mut out = vec![p.name.clone()];
    // Forename and surname without middle names ("Margaret Okafor").
    let words: Vec<&str> = p.name.split_whitespace().collect();
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        if words.len() > 2 {
            out.push(format!("{first} {last}"));
        }
    }
    out.extend(p.aliases.iter().cloned());
    out.extend(p.ni_number.iter().cloned());
    out.extend(p.nhs_number.iter().cloned());
    out.extend(p.date_of_birth.iter().cloned());
    out.extend(p.emails.iter().cloned());
    out.extend(p.phones.iter().cloned());
    out.extend(p.addresses.iter().cloned());
    out.extend(p.references.iter().cloned());
    out.retain(|s| !s.trim().is_empty());
    out
}

fn common_root(records: &[Record]) -> String {
    let copies: Vec<String> = records
        .iter()
        .filter_map(|r| r.meta.get(sarx_bundle::LOCATIONS_META))
        .filter_map(|j| serde_json::from_str::<Vec<serde_json::Value>>(j).ok())
        .flatten()
        .filter_map(|l| l.get("source").and_then(|s| s.as_str()).map(str::to_owned))
        .collect();
    let mut it = records
        .iter()
        .map(|r| r.source.as_str())
        .chain(copies.iter().map(String::as_str));
    let Some(first) = it.next() else {
        return String::new();
    };
    let mut prefix = first
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    for s in it {
        while !prefix.is_empty() && !s.starts_with(&prefix) {
            prefix = prefix
                .trim_end_matches('/')
                .rsplit_once('/')
                .map(|(d, _)| format!("{d}/"))
                .unwrap_or_default();
        }
    }
    prefix
}

/// What a bundle is made from: the case state, hits, plans, record
/// snapshots, unsearchable entries and (for `--case`) the case folder.
type BundleInputs = (
    CaseState,
    Vec<Hit>,
    BTreeMap<RecordId, RecordPlan>,
    Vec<Record>,
    Vec<Unsearchable>,
    Option<CaseDir>,
);

/// Runs `sarx bundle`.
pub fn run(a: Args) -> anyhow::Result<ExitStatus> {
    let passphrase = if a.encrypt { Some(passphrase()?) } else { None };
    let (state, hits, plans, records, unsearchable, case_dir): BundleInputs = match &a.case {
        Some(dir) => {
            let c = CaseDir::open(dir)?;
            (
                c.load()?,
                c.hits()?,
                c.plans()?,
                c.records()?,
                c.unsearchable()?,
                Some(c),
            )
        }
        None => {
            let inputs = Inputs {
                index: a.index.clone().context("--index (or --case) is required")?,
                subject: a.subject.clone().context("--subject is required")?,
                received: a.received.context("--received is required")?,
                org: a.org.clone(),
                staff: a.staff.clone(),
                reference: a.reference.clone(),
                rules_only: a.rules_only,
            };
            let p = prepare(&inputs)?;
            (p.state, p.hits, p.plans, p.records, p.unsearchable, None)
        }
    };
    if case_dir.is_some() && state.sign_off.is_none() {
        eprintln!("sarx: warning: this case has not been signed off by an approver");
    }
    let sel = select(
        &state,
        &hits,
        &plans,
        &records,
        a.include_unconfirmed,
        case_dir.is_some(),
    );
    let clock = state.clock_status(today())?;
    let spec = BundleSpec {
        reference: state.reference.clone(),
        clock,
        org: state.org.clone(),
        source_root: common_root(&records),
        categories_found: categories(&hits),
        disclosures: sel.disclosures,
        unsearchable,
        withheld: sel.withheld,
        staff: staff_contacts(a.staff.as_deref())?,
        subject: subject_strings(&state.subject_toml),
    };
    let opts = Options {
        passphrase,
        salt: None,
        skip_verification: false,
    };
    let built = match sarx_bundle::build(&spec, &FreshRenderer, &a.out, &opts) {
        Ok(b) => b,
        Err(sarx_bundle::Error::VerificationFailed(msg)) => {
            eprintln!("sarx: bundle NOT written: verification failed: {msg}");
            return Ok(ExitStatus::Attention);
        }
        Err(e) => return Err(e.into()),
    };
    for n in &built.notes {
        eprintln!("sarx: planning error: {n}");
    }
    if let Some(c) = &case_dir {
        c.write_json("redacted-hashes.json", &built.secrets)?;
        c.write_json("redaction-log.internal.json", &built.internal_log)?;
    }
    println!(
        "Bundle {}: {} documents, {} pages, {} redactions; verified: {}",
        a.out.display(),
        built.documents,
        built.pages,
        built.redactions,
        built.verification.summary()
    );
    if sel.awaiting > 0 {
        println!(
            "{} hits await a caseworker's confirmation and were not included",
            sel.awaiting
        );
        if case_dir.is_none() {
            println!(
                "  they match only the subject's name: confirm them in a case \
                 (`sarx case open`, `sarx review`) or rerun with --include-unconfirmed"
            );
            return Ok(ExitStatus::Attention);
        }
    }
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_root_covers_every_copy_of_a_record() {
        let a = Record::new(
            "/srv/exports/a/x.mbox",
            "message 1",
            sarx_model::Kind::Email,
        );
        let mut b = Record::new(
            "/srv/exports/a/x.mbox",
            "message 3",
            sarx_model::Kind::Email,
        );
        assert_eq!(common_root(&[a.clone(), b.clone()]), "/srv/exports/a/");
        b.meta.insert(
            sarx_bundle::LOCATIONS_META.into(),
            r#"[{"source":"/srv/exports/a/x.mbox","locator":"message 3"},{"source":"/srv/exports/b/in/fw.eml","locator":""}]"#.into(),
        );
        assert_eq!(common_root(&[a, b]), "/srv/exports/");
        assert_eq!(common_root(&[]), "");
    }
}
