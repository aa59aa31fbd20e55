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
        let model = sarx_ner::check(&sarx_ner::default_dir());
        sarx_request::report::index_status(&mut out, &args.index, &stats, &unsearchable, &model)?;
    }
    out.flush()?;
    Ok(if unsearchable.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Attention
    })
}
