//! `sarx bundle`: builds the response bundle, from a reviewed case folder
//! (`--case CASE_DIR`) or in one shot from an index (`--index … --subject …
//! --received …`: search and automatic plans, no review).
//!
//! The bundle is verified before success is reported: every file is
//! re-extracted and no redacted string may survive (exit 1 otherwise, and
//! the zip is deleted). With `--encrypt` the zip is AES-256; the passphrase
//! comes from `SARX_BUNDLE_PASSPHRASE` or the first line of stdin, never
//! from the command line.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use sarx_request::bundle::{Job, Source};
use sarx_request::case::CaseFiles;

use crate::commands::case::today;
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
    /// One-shot mode: also disclose unconfirmed hits, without review: those
    /// that match only the subject's name (no identifier, address or other
    /// evidence confirms them) or only a case number a confirmed record
    /// gives. By default they are left out, counted, and the exit status is
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

/// Runs `sarx bundle`.
pub fn run(a: Args) -> anyhow::Result<ExitStatus> {
    let passphrase = if a.encrypt { Some(passphrase()?) } else { None };
    let source = match &a.case {
        Some(dir) => Source::Case(dir.clone()),
        None => Source::OneShot {
            files: CaseFiles {
                index: a.index.clone().context("--index (or --case) is required")?,
                subject: a.subject.clone().context("--subject is required")?,
                received: a.received.context("--received is required")?,
                org: a.org.clone(),
                staff: a.staff.clone(),
                reference: a.reference.clone(),
                rules_only: a.rules_only,
            },
            include_unconfirmed: a.include_unconfirmed,
        },
    };
    let job = Job {
        source,
        staff: a.staff.clone(),
        out: a.out.clone(),
        passphrase,
        today: today(),
    };
    let w = match sarx_request::bundle::write(&job) {
        Ok(w) => w,
        Err(sarx_request::Error::Bundle(sarx_bundle::Error::VerificationFailed(msg))) => {
            eprintln!("sarx: bundle NOT written: verification failed: {msg}");
            return Ok(ExitStatus::Attention);
        }
        Err(e) => return Err(e.into()),
    };
    if w.from_case && !w.signed_off {
        eprintln!("sarx: warning: this case has not been signed off by an approver");
    }
    let built = &w.built;
    for n in &built.notes {
        eprintln!("sarx: planning error: {n}");
    }
    for (file, why) in &built.fallbacks {
        eprintln!(
            "sarx: {file}: typeset afresh, not shown as its pages: {}",
            why.describe()
        );
    }
    println!(
        "Bundle {}: {} documents ({} as redacted page images), {} pages, {} redactions; verified: {}",
        a.out.display(),
        built.documents,
        built.page_images,
        built.pages,
        built.redactions,
        built.verification.summary()
    );
    if w.awaiting > 0 {
        println!(
            "{} hits await a caseworker's confirmation and were not included",
            w.awaiting
        );
        if !w.from_case {
            println!(
                "  only the subject's name or a linked case number connects them: confirm \
                 them in a case (`sarx case open`, `sarx review`) or rerun with \
                 --include-unconfirmed"
            );
            return Ok(ExitStatus::Attention);
        }
    }
    Ok(ExitStatus::Success)
}
