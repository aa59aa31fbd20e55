//! `sarx index`: crawl roots into an index shard, incrementally.
//!
//! Progress goes to stderr (hidden when stderr is not a terminal or with
//! `--quiet`); the summary goes to stdout, as text or, with `--json`, as one
//! JSON object. Ctrl-C (SIGINT) or SIGTERM stops the run after the files in
//! progress: everything complete is committed, and re-running the same
//! command finishes the work. A second Ctrl-C quits at once (the shard still
//! opens at its last commit).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sarx_index::{default_shard_name, IndexerBuilder};

use crate::ExitStatus;

/// Arguments of `sarx index`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory (shards live in IDX/shards/NAME).
    #[arg(long, value_name = "IDX")]
    pub index: PathBuf,
    /// Shard name [default: a slug of the first root + a short hash of the roots].
    #[arg(long, value_name = "NAME")]
    pub shard: Option<String>,
    /// Extraction threads [default: number of CPUs].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summary as one JSON object on stdout.
    #[arg(long)]
    pub json: bool,
    /// Re-extract every file, even unchanged ones.
    #[arg(long)]
    pub force: bool,
    /// OCR of images and scanned PDF pages: `auto` when Tesseract is
    /// installed, `off`, or `force` (every PDF page too, even with a text
    /// layer). Changing it extracts every file again.
    #[arg(long, value_name = "MODE", default_value = "auto", value_parser = ["auto", "off", "force"])]
    pub ocr: String,
    /// Largest file read, in MiB (larger files are listed as unsearchable).
    #[arg(long, value_name = "MIB")]
    pub max_file_mib: Option<u64>,
    /// Commit after this many files (tuning and tests).
    #[arg(long, hide = true, default_value_t = 100_000)]
    pub commit_files: u64,
    /// Commit after this many seconds (tuning and tests).
    #[arg(long, hide = true, default_value_t = 30.0)]
    pub commit_secs: f64,
    /// tantivy indexing memory in MiB (tuning).
    #[arg(long, hide = true, default_value_t = 256)]
    pub writer_mib: usize,
    /// tantivy indexing threads (tuning) [default: 2, 1 with --threads 1].
    #[arg(long, hide = true)]
    pub writer_threads: Option<usize>,
    /// Folders or files to crawl.
    #[arg(required = true, value_name = "ROOT")]
    pub roots: Vec<PathBuf>,
}

/// Runs `sarx index`.
pub fn run(args: Args) -> anyhow::Result<ExitStatus> {
    let shard = args
        .shard
        .clone()
        .unwrap_or_else(|| default_shard_name(&args.roots));
    let stop = Arc::new(AtomicBool::new(false));
    install_stop_handler(Arc::clone(&stop));

    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.enable_steady_tick(Duration::from_millis(200));
        b
    };
    let progress_bar = bar.clone();

    let mode = sarx_extract::OcrMode::parse(&args.ocr).unwrap_or_default();
    let engine = sarx_extract::find_engine(mode).context("--ocr force")?;
    if mode == sarx_extract::OcrMode::Auto && engine.is_none() {
        eprintln!(
            "sarx: tesseract is not installed: images and scans are listed as needing review (scripts/setup.sh installs it)"
        );
    }
    let mut limits = sarx_extract::Limits::default();
    if let Some(mib) = args.max_file_mib {
        limits.max_file_size = mib.saturating_mul(1 << 20);
    }
    let mut builder = IndexerBuilder::new()
        .limits(limits)
        .ocr(mode, engine)
        .force(args.force)
        .stop_flag(Arc::clone(&stop))
        .commit_every(
            args.commit_files,
            Duration::from_secs_f64(args.commit_secs.max(0.0)),
        )
        .progress(move |p| {
            progress_bar.set_length(p.bytes_found.max(p.bytes_done));
            progress_bar.set_position(p.bytes_done);
            let more = if p.walk_done { "" } else { "+" };
            let ocr = if p.ocr_pages > 0 {
                format!(", {} pages OCR'd in {:.0} s", p.ocr_pages, p.ocr_secs)
            } else {
                String::new()
            };
            progress_bar.set_message(format!(
                "{}/{}{more} files, {} records, {} unsearchable{ocr}",
                p.files_done, p.files_found, p.records, p.unsearchable
            ));
        });
    if let Some(n) = args.threads {
        builder = builder.threads(n);
    }
    if let Some(n) = args.writer_threads {
        builder = builder.writer_threads(n);
    }
    builder = builder.writer_memory(args.writer_mib.saturating_mul(1 << 20));
    let summary = builder
        .build()
        .run(&args.index, &shard, &args.roots)
        .with_context(|| format!("indexing into {}", args.index.display()))?;
    bar.finish_and_clear();

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        sarx_request::report::index_summary(&mut out, &summary, &args.index)?;
    }
    out.flush()?;
    if summary.interrupted {
        eprintln!(
            "sarx: interrupted: complete files are committed; run the same command again to finish"
        );
        return Ok(ExitStatus::Error);
    }
    Ok(if summary.totals.stats.unsearchable > 0 {
        ExitStatus::Attention
    } else {
        ExitStatus::Success
    })
}

/// Sets `stop` on the first SIGINT/SIGTERM; exits at once on the second.
fn install_stop_handler(stop: Arc<AtomicBool>) {
    let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
            return;
        };
        rt.block_on(async move {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                let (Ok(mut term), Ok(mut int)) =
                    (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
                else {
                    return;
                };
                loop {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                    if stop.swap(true, Ordering::SeqCst) {
                        std::process::exit(130);
                    }
                    eprintln!("sarx: stopping after the files in progress (Ctrl-C again to quit at once)");
                }
            }
            #[cfg(not(unix))]
            {
                loop {
                    if tokio::signal::ctrl_c().await.is_err() {
                        return;
                    }
                    if stop.swap(true, Ordering::SeqCst) {
                        std::process::exit(130);
                    }
                }
            }
        });
    });
    if spawned.is_err() {
        tracing::warn!("could not install the Ctrl-C handler");
    }
}
