//! `sarx search --index IDX --subject subject.toml [--json] [--threads N]`:
//! finds every record about a data subject.
//!
//! The search itself is `sarx_request::search` (candidates from the index,
//! verification on every core, records linked by case numbers, threads);
//! this command prints its report. Unsearchable files are always reported.
//!
//! Exit code 1 when the index lists unsearchable files (the response must
//! say what could not be searched), 0 otherwise.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use sarx_detect::SubjectProfile;
use sarx_index::IndexSet;
use sarx_request::SearchOptions;

use crate::ExitStatus;

/// Arguments of `sarx search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory.
    #[arg(long, value_name = "IDX")]
    pub index: PathBuf,
    /// Subject profile (TOML).
    #[arg(long, value_name = "FILE")]
    pub subject: PathBuf,
    /// Print one JSON object on stdout:
    /// `{"hits":[…],"excluded":[…],"unsearchable":[…]}`.
    #[arg(long)]
    pub json: bool,
    /// Verification threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `sarx search`.
pub fn run(args: Args) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    let profile = SubjectProfile::from_path(&args.subject)?;
    let set =
        IndexSet::open(&args.index).with_context(|| format!("opening {}", args.index.display()))?;
    let options = SearchOptions {
        threads: args.threads,
        ..SearchOptions::default()
    };
    let report = sarx_request::search(&set, &profile, &options)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        sarx_request::report::search_table(&mut out, &report, started.elapsed().as_secs_f64())?;
    }
    Ok(if report.unsearchable.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Attention
    })
}
