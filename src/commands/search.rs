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
use sarx_detect::search::{Hit, SearchReport};
use sarx_detect::{SubjectProfile, HIGH};
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
        print_table(&mut out, &report, started.elapsed().as_secs_f64())?;
    }
    Ok(if report.unsearchable.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Attention
    })
}

fn print_table(out: &mut impl Write, r: &SearchReport, secs: f64) -> std::io::Result<()> {
    let high = r.hits.iter().filter(|h| h.confidence >= HIGH).count();
    writeln!(
        out,
        "{} hit(s): {} high, {} need review; {} excluded as probable different people; {} unsearchable ({:.2} s)",
        r.hits.len(),
        high,
        r.hits.len() - high,
        r.excluded.len(),
        r.unsearchable.len(),
        secs
    )?;
    if !r.hits.is_empty() {
        writeln!(out, "\nHITS")?;
        // Columns as wide as their longest entry, so paths never push the
        // next column out of line.
        let widest = |field: fn(&Hit) -> &str, heading: &str| {
            r.hits
                .iter()
                .map(|h| field(h).chars().count())
                .chain([heading.len()])
                .max()
                .unwrap_or(0)
        };
        let sw = widest(|h| &h.source, "SOURCE");
        let lw = widest(|h| &h.locator, "LOCATOR");
        writeln!(
            out,
            "{:<6} {:<8} {:<sw$} {:<lw$} EVIDENCE",
            "CONF", "LEVEL", "SOURCE", "LOCATOR"
        )?;
        for h in &r.hits {
            let mut kinds: Vec<&str> = h.evidence.iter().map(|e| e.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            let level = if h.confidence >= HIGH {
                "high"
            } else {
                "review"
            };
            writeln!(
                out,
                "{:<6.2} {:<8} {:<sw$} {:<lw$} {}",
                h.confidence,
                level,
                h.source,
                h.locator,
                kinds.join(", ")
            )?;
            if h.locations.len() > 1 {
                writeln!(
                    out,
                    "{:<16}also at: {}",
                    "",
                    h.locations
                        .iter()
                        .skip(1)
                        .map(|l| if l.locator.is_empty() {
                            l.source.clone()
                        } else {
                            format!("{} :: {}", l.source, l.locator)
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                )?;
            }
            for rel in &h.related {
                writeln!(
                    out,
                    "{:<16}related: {} ({})",
                    "",
                    rel.locator,
                    if rel.hit {
                        "also a hit"
                    } else {
                        "not about the subject"
                    }
                )?;
            }
        }
    }
    if !r.excluded.is_empty() {
        writeln!(
            out,
            "\nEXCLUDED (probable different person with the same name)"
        )?;
        for e in &r.excluded {
            writeln!(out, "  {} {}  {}", e.source, e.locator, e.reason)?;
        }
    }
    if !r.unsearchable.is_empty() {
        writeln!(
            out,
            "\nUNSEARCHABLE (could not be searched: list these in the response)"
        )?;
        for u in &r.unsearchable {
            let loc = if u.locator.is_empty() {
                String::new()
            } else {
                format!(" {}", u.locator)
            };
            writeln!(out, "  {}{}  {}: {}", u.source, loc, u.reason, u.detail)?;
        }
    }
    Ok(())
}
