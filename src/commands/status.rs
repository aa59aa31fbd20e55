//! `sarx status`: what an index holds, shard by shard, and the list of
//! everything that could not be searched (source, locator, reason, detail).
//!
//! Exit code 1 when the index lists unsearchable files (someone must look at
//! them), 0 otherwise.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use sarx_index::IndexSet;
use sarx_model::Unsearchable;

use crate::commands::print::warn_loose_permissions;
use crate::ExitStatus;
use sarx_request::report::{join_counts, mib};

/// Arguments of `sarx status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory.
    #[arg(long, value_name = "IDX")]
    pub index: PathBuf,
    /// Print one JSON object on stdout: `{"index", "stats", "unsearchable"}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Serialize)]
struct Report<'a> {
    index: String,
    stats: &'a sarx_index::Stats,
    unsearchable: &'a [Unsearchable],
    model: ModelReport,
}

/// What `sarx status` says of the person-name model.
#[derive(serde::Serialize)]
struct ModelReport {
    dir: String,
    installed: bool,
    missing: Vec<String>,
}

fn model_report() -> ModelReport {
    let inst = sarx_ner::check(&sarx_ner::default_dir());
    ModelReport {
        dir: inst.dir.display().to_string(),
        installed: inst.is_complete(),
        missing: inst.missing,
    }
}

/// Runs `sarx status`.
pub fn run(args: Args) -> anyhow::Result<ExitStatus> {
    let set =
        IndexSet::open(&args.index).with_context(|| format!("opening {}", args.index.display()))?;
    let stats = set.stats()?;
    let unsearchable = set.unsearchable()?;
    let mut out = std::io::stdout().lock();
    warn_loose_permissions("index", &args.index);
    if args.json {
        let report = Report {
            index: args.index.display().to_string(),
            stats: &stats,
            unsearchable: &unsearchable,
            model: model_report(),
        };
        serde_json::to_writer(&mut out, &report)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "index {}: {} shards, {} files ({:.1} MiB), {} records, {} unsearchable, index {:.1} MiB",
            args.index.display(),
            stats.shards.len(),
            stats.files,
            mib(stats.input_bytes),
            stats.records,
            stats.unsearchable,
            mib(stats.index_bytes)
        )?;
        for s in &stats.shards {
            let st = &s.stats;
            writeln!(
                out,
                "shard {}{}: roots {}; {} files, {} records ({}); {} unsearchable ({})",
                s.name,
                if s.complete {
                    ""
                } else {
                    " (last run interrupted)"
                },
                s.roots.join(", "),
                st.files,
                st.records,
                join_counts(&st.records_by_kind),
                st.unsearchable,
                join_counts(&st.unsearchable_by_reason)
            )?;
        }
        let m = model_report();
        if m.installed {
            writeln!(out, "person-name model: installed in {}", m.dir)?;
        } else {
            writeln!(
                out,
                "person-name model: NOT installed in {} (missing {}): run `{}` or set SARX_MODEL_DIR",
                m.dir,
                m.missing.join(", "),
                sarx_ner::SETUP_COMMAND
            )?;
        }
        if !unsearchable.is_empty() {
            writeln!(out, "unsearchable (source, locator, reason, detail):")?;
            for u in &unsearchable {
                writeln!(
                    out,
                    "  {}\t{}\t{}\t{}",
                    u.source,
                    u.locator,
                    u.reason.code(),
                    u.detail
                )?;
            }
        }
    }
    out.flush()?;
    Ok(if unsearchable.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Attention
    })
}
