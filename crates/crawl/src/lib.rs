//! File-share connector: a parallel walk of one or more roots, file
//! fingerprints, and a bounded extraction pipeline.
//!
//! ```text
//!  walker threads ──jobs (bounded)──▶ N extraction workers ──results (bounded)──▶ consumer
//!        └──────────── unchanged files (no read; a channel of their own) ──────▶
//! ```
//!
//! * Every regular file under a root counts: hidden files too, no
//!   `.gitignore` semantics. Symbolic links are never followed (so the walk
//!   never leaves a root); they and special files (FIFOs, sockets, devices)
//!   are counted as skipped.
//! * A file whose size and modification time equal its known
//!   [`Fingerprint`] is [`Outcome::Unchanged`] and is **not read**. When they
//!   differ, the file is read and hashed with blake3; if the content hash is
//!   the known one the outcome is [`Outcome::SameContent`] (a touched file is
//!   not extracted again), otherwise it is extracted.
//! * Files over the extractor's size limit are reported as
//!   `LimitExceeded(FileSize)` without being read.
//! * Channels are bounded, so memory stays flat whatever the corpus size: at
//!   most [`JOB_QUEUE`] files wait for a worker, and at most
//!   [`RESULT_QUEUE`] extracted files holding at most
//!   [`RESULT_QUEUE_BYTES`] of records (or one bigger file alone) wait for
//!   the consumer. Unchanged files (a path and a fingerprint each) have a
//!   channel of their own with room for [`UNCHANGED_QUEUE`], so an
//!   unchanged re-index does not hand each file from thread to thread.
//!   The queues are long so that the stages rarely wait on each other:
//!   with a queue of a few files, the walk, the workers and the consumer
//!   take turns on two cores (measured in BENCHMARKS.md, "long queues in
//!   the crawl pipeline").
//! * `source` = the root as given (sarx-index gives it absolute) joined with
//!   the path below it, with `/` separators.
//!
//! ```no_run
//! use std::collections::HashMap;
//! use std::sync::Arc;
//! use sarx_crawl::{CrawlerBuilder, Event};
//! let crawler = CrawlerBuilder::new().threads(2).build();
//! let mut records = 0;
//! crawler.run(&["share".into()], Arc::new(HashMap::new()), |event| {
//!     if let Event::File(f) = event {
//!         if let sarx_crawl::Outcome::Extracted { records: r, .. } = &f.outcome {
//!             records += r.len();
//!         }
//!     }
//!     true
//! });
//! ```
//!
//! One job per file: this file holds the types and the pipeline
//! ([`Crawler::run`]); `walk` lists the roots, `process` reads, hashes and
//! extracts one file in a worker, `budget` bounds what waits for the
//! consumer.
#![deny(missing_docs)]

use std::collections::HashMap;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, UNIX_EPOCH};

use crossbeam_channel::{bounded, Receiver, Sender};
use ignore::{WalkBuilder, WalkState};
use serde::{Deserialize, Serialize};

use sarx_extract::{Collected, Extractor, Limits, OcrMode, OcrStats, Tesseract};
use sarx_model::{Reason, Record, Unsearchable};

/// Unchanged files that may wait for the consumer (a path and a fingerprint
/// each: about 200 bytes).
pub const UNCHANGED_QUEUE: usize = 4096;

/// Files the walk may list ahead of the workers (a path and a fingerprint
/// each).
pub const JOB_QUEUE: usize = 1024;

/// Extracted files that may wait for the consumer.
pub const RESULT_QUEUE: usize = 256;

/// Records (as [`FileResult::weight`] counts them) that may wait for the
/// consumer; a file whose records weigh more waits until the queue is
/// empty and then goes alone.
pub const RESULT_QUEUE_BYTES: usize = 48 << 20;

/// What identifies a file's state without reading it (size, mtime), plus
/// its content hash once it has been read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// blake3 of the content (hex), when the file was read.
    pub hash: Option<String>,
    /// Tag of the extractor configuration that produced the stored records
    /// (see [`CrawlerBuilder::config_tag`]); a different tag forces
    /// re-extraction.
    pub config: String,
}

/// What happened to one file.
#[derive(Debug)]
pub enum Outcome {
    /// Size and mtime match the known fingerprint: not read.
    Unchanged,
    /// Size or mtime changed but the content hash is the known one: read and
    /// hashed, not extracted.
    SameContent,
    /// Extracted (or reported unsearchable as a whole).
    Extracted {
        /// Records, parents before children.
        records: Vec<Record>,
        /// Parts (or the whole file) that could not be searched.
        unsearchable: Vec<Unsearchable>,
    },
}

/// The result for one crawled file.
#[derive(Debug)]
pub struct FileResult {
    /// The file's source path (root as given + relative path, `/` separators).
    pub source: String,
    /// The file's new fingerprint.
    pub fingerprint: Fingerprint,
    /// What happened.
    pub outcome: Outcome,
    /// Bytes read from disk for this file (0 when unchanged).
    pub bytes_read: u64,
    /// Time spent reading and hashing.
    pub read_time: Duration,
    /// Time spent extracting.
    pub extract_time: Duration,
}

/// Something the consumer receives.
#[derive(Debug)]
pub enum Event {
    /// A regular file was processed.
    File(FileResult),
    /// A folder (or root) could not be listed. Files below `path` were not
    /// seen, so their absence must not be taken as deletion.
    WalkError {
        /// The folder, when known (`/` separators).
        path: Option<String>,
        /// The entry to report.
        unsearchable: Unsearchable,
    },
}

/// Counters shared with the consumer (e.g. for a progress bar).
#[derive(Debug, Default)]
pub struct Counters {
    /// Regular files found by the walk so far.
    pub files_found: AtomicU64,
    /// Their total size.
    pub bytes_found: AtomicU64,
    /// Symbolic links skipped (never followed).
    pub symlinks_skipped: AtomicU64,
    /// FIFOs, sockets and devices skipped.
    pub special_skipped: AtomicU64,
    /// Set when the walk has finished listing every root.
    pub walk_done: AtomicBool,
}

/// Builder for a [`Crawler`].
#[derive(Debug, Clone)]
pub struct CrawlerBuilder {
    threads: usize,
    limits: Limits,
    ocr: OcrMode,
    engine: Option<Tesseract>,
    force: bool,
    stop: Arc<AtomicBool>,
}

impl Default for CrawlerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl CrawlerBuilder {
    /// Defaults: threads = available parallelism, default limits.
    pub fn new() -> Self {
        CrawlerBuilder {
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            limits: Limits::default(),
            ocr: OcrMode::Off,
            engine: None,
            force: false,
            stop: Arc::new(AtomicBool::new(false)),
        }
    }
    /// OCR of images and scans in `mode` by `engine`
    /// ([`sarx_extract::find_engine`]); off by default. OCR runs on the
    /// extraction workers, and the mode and Tesseract's version are part
    /// of the [`config_tag`](Self::config_tag): changing either extracts
    /// every file again, and an unchanged file is never OCR'd twice.
    pub fn ocr(mut self, mode: OcrMode, engine: Option<Tesseract>) -> Self {
        self.ocr = mode;
        self.engine = engine;
        self
    }
    /// Number of extraction workers (at least 1).
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n.max(1);
        self
    }
    /// Extraction safety limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Extract every file even when its fingerprint is unchanged.
    pub fn force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }
    /// A flag that stops the crawl when set (Ctrl-C): the walk ends, queued
    /// files are dropped, files already extracted are still delivered.
    pub fn stop_flag(mut self, stop: Arc<AtomicBool>) -> Self {
        self.stop = stop;
        self
    }
    /// A short tag of the extraction configuration (crate version, limits
    /// and, unless OCR is off, the OCR mode and Tesseract's version, or
    /// its absence): stored records made under another tag are
    /// re-extracted.
    pub fn config_tag(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(format!("{:?}", self.limits).as_bytes());
        let ocr = self.extractor().ocr_tag();
        if ocr != "off" {
            // Off hashes as before OCR existed: an index made then stays.
            h.update(b"\0ocr=");
            h.update(ocr.as_bytes());
        }
        h.finalize().to_hex().as_str().chars().take(12).collect()
    }
    fn extractor(&self) -> Extractor {
        Extractor::new(self.limits.clone()).with_ocr(self.ocr, self.engine.clone())
    }
    /// The crawler.
    pub fn build(self) -> Crawler {
        let config = self.config_tag();
        Crawler {
            threads: self.threads,
            extractor: self.extractor(),
            force: self.force,
            stop: self.stop,
            config,
            counters: Arc::new(Counters::default()),
        }
    }
}

/// The crawl engine. See the crate documentation.
#[derive(Debug)]
pub struct Crawler {
    threads: usize,
    extractor: Extractor,
    force: bool,
    stop: Arc<AtomicBool>,
    config: String,
    counters: Arc<Counters>,
}

struct Job {
    source: String,
    path: PathBuf,
    size: u64,
    mtime_ns: i64,
    known: Option<Fingerprint>,
}

/// Bytes a record is counted for beyond its strings: the struct (about
/// 450 bytes), its id, source and hash strings and its map's nodes.
const RECORD_OVERHEAD: usize = 1024;

impl FileResult {
    /// About how much memory the result holds: its records' strings plus a
    /// fixed overhead per record and unsearchable entry.
    pub fn weight(&self) -> usize {
        match &self.outcome {
            Outcome::Extracted {
                records,
                unsearchable,
            } => records
                .iter()
                .map(|r| {
                    r.text.len()
                        + r.title.len()
                        + r.locator.len()
                        + r.meta.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
                        + RECORD_OVERHEAD
                })
                .sum::<usize>()
                .saturating_add(unsearchable.len() * RECORD_OVERHEAD),
            Outcome::Unchanged | Outcome::SameContent => 0,
        }
    }
}

impl Event {
    /// [`FileResult::weight`] of a file's event; 0 for a walk error.
    pub fn weight(&self) -> usize {
        match self {
            Event::File(f) => f.weight(),
            Event::WalkError { .. } => 0,
        }
    }
}

impl Crawler {
    /// Live counters of the walk.
    pub fn counters(&self) -> Arc<Counters> {
        Arc::clone(&self.counters)
    }

    /// The configuration tag written into new fingerprints.
    pub fn config_tag(&self) -> &str {
        &self.config
    }

    /// Pages OCR'd so far and the time spent (live).
    pub fn ocr_stats(&self) -> Arc<OcrStats> {
        self.extractor.ocr_stats()
    }

    /// True once the stop flag is set.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Walks `roots` and delivers one [`Event`] per file (and per walk
    /// error) to `consume`, on the calling thread. `known` maps sources to
    /// their stored fingerprints. Return `false` from `consume` to stop.
    pub fn run<F>(
        &self,
        roots: &[PathBuf],
        known: Arc<HashMap<String, Fingerprint>>,
        mut consume: F,
    ) where
        F: FnMut(Event) -> bool,
    {
        let (job_tx, job_rx) = bounded::<Job>(JOB_QUEUE);
        let (res_tx, res_rx) = bounded::<Event>(RESULT_QUEUE);
        let (same_tx, same_rx) = bounded::<Event>(UNCHANGED_QUEUE);
        let budget = Budget::new(RESULT_QUEUE_BYTES);
        std::thread::scope(|scope| {
            {
                let res_tx = res_tx.clone();
                let known = Arc::clone(&known);
                scope.spawn(move || self.walk(roots, &known, job_tx, res_tx, same_tx));
            }
            for _ in 0..self.threads {
                let job_rx = job_rx.clone();
                let res_tx = res_tx.clone();
                let budget = &budget;
                scope.spawn(move || self.work(job_rx, res_tx, budget));
            }
            drop(job_rx);
            drop(res_tx);
            let mut consuming = true;
            let (mut res_rx, mut same_rx) = (res_rx, same_rx);
            let (mut res_open, mut same_open) = (true, true);
            while res_open || same_open {
                let event = crossbeam_channel::select! {
                    recv(res_rx) -> e => e.map_err(|_| {
                        res_open = false;
                        res_rx = crossbeam_channel::never();
                    }),
                    recv(same_rx) -> e => e.map_err(|_| {
                        same_open = false;
                        same_rx = crossbeam_channel::never();
                    }),
                };
                if let Ok(event) = event {
                    // Released once the consumer is done with the event, so
                    // what it holds counts until then.
                    let weight = event.weight();
                    if consuming && !consume(event) {
                        consuming = false;
                        self.stop.store(true, Ordering::Relaxed);
                    }
                    budget.release(weight);
                }
            }
        });
    }
}

/// Modification time in nanoseconds since the Unix epoch (negative before).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    match meta.modified() {
        Ok(t) => match t.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_nanos())
                .map(|n| -n)
                .unwrap_or(i64::MIN),
        },
        Err(_) => 0,
    }
}

/// A path as a string with `/` separators.
pub fn slash_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

mod budget;
mod process;
mod walk;

use budget::Budget;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_counts_the_records_and_nothing_for_unchanged_files() {
        let fp = Fingerprint {
            size: 1,
            mtime_ns: 1,
            hash: None,
            config: String::new(),
        };
        let mut r = Record::new("a.txt", "", sarx_model::Kind::Text);
        r.text = "x".repeat(100);
        let extracted = FileResult {
            source: "a.txt".into(),
            fingerprint: fp.clone(),
            outcome: Outcome::Extracted {
                records: vec![r.clone(), r],
                unsearchable: Vec::new(),
            },
            bytes_read: 1,
            read_time: Duration::ZERO,
            extract_time: Duration::ZERO,
        };
        assert_eq!(extracted.weight(), 2 * (100 + RECORD_OVERHEAD));
        let unchanged = FileResult {
            outcome: Outcome::Unchanged,
            ..extracted
        };
        assert_eq!(Event::File(unchanged).weight(), 0);
    }

    fn crawl(
        crawler: &Crawler,
        root: &Path,
        known: HashMap<String, Fingerprint>,
    ) -> Vec<FileResult> {
        let mut out = Vec::new();
        crawler.run(&[root.to_path_buf()], Arc::new(known), |e| {
            if let Event::File(f) = e {
                out.push(f);
            }
            true
        });
        out.sort_by(|a, b| a.source.cmp(&b.source));
        out
    }

    #[test]
    fn walks_hidden_files_and_skips_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/.hidden")).unwrap();
        std::fs::write(dir.path().join("a/one.txt"), "one").unwrap();
        std::fs::write(dir.path().join("a/.hidden/two.txt"), "two").unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*.txt\n").unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "outside").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let crawler = CrawlerBuilder::new().threads(2).build();
        let files = crawl(&crawler, dir.path(), HashMap::new());
        let names: Vec<String> = files
            .iter()
            .map(|f| {
                f.source
                    .strip_prefix(&slash_path(dir.path()))
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(
            names,
            vec!["/.gitignore", "/a/.hidden/two.txt", "/a/one.txt"]
        );
        #[cfg(unix)]
        assert_eq!(
            crawler.counters().symlinks_skipped.load(Ordering::Relaxed),
            1
        );
        for f in &files {
            assert!(matches!(f.outcome, Outcome::Extracted { .. }));
            assert!(f.fingerprint.hash.is_some());
        }
    }

    #[test]
    fn fingerprints_skip_unchanged_and_same_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, "hello tenant").unwrap();
        let crawler = CrawlerBuilder::new().threads(1).build();
        let first = crawl(&crawler, dir.path(), HashMap::new());
        assert_eq!(first.len(), 1);
        let fp = first[0].fingerprint.clone();
        let known: HashMap<_, _> = [(first[0].source.clone(), fp.clone())].into();

        // Unchanged: not read.
        let again = crawl(&crawler, dir.path(), known.clone());
        assert!(matches!(again[0].outcome, Outcome::Unchanged));
        assert_eq!(again[0].bytes_read, 0);

        // Touched (mtime differs), same content: read, not extracted.
        let mut touched = known.clone();
        if let Some(k) = touched.values_mut().next() {
            k.mtime_ns -= 1_000_000_000;
        }
        let t = crawl(&crawler, dir.path(), touched);
        assert!(matches!(t[0].outcome, Outcome::SameContent));
        assert_eq!(t[0].fingerprint.mtime_ns, fp.mtime_ns);

        // Changed content: extracted.
        std::fs::write(&p, "hello tenant, again").unwrap();
        let c = crawl(&crawler, dir.path(), known.clone());
        assert!(matches!(c[0].outcome, Outcome::Extracted { .. }));
        assert_ne!(c[0].fingerprint.hash, fp.hash);

        // Another configuration re-extracts.
        let mut other = known;
        if let Some(k) = other.values_mut().next() {
            k.config = "other".into();
        }
        std::fs::write(&p, "hello tenant").unwrap();
        let o = crawl(&crawler, dir.path(), other);
        assert!(matches!(o[0].outcome, Outcome::Extracted { .. }));
    }

    #[test]
    fn oversize_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.txt"), vec![b'a'; 4096]).unwrap();
        let limits = Limits {
            max_file_size: 1000,
            ..Limits::default()
        };
        let crawler = CrawlerBuilder::new().limits(limits).build();
        let files = crawl(&crawler, dir.path(), HashMap::new());
        assert_eq!(files[0].bytes_read, 0);
        match &files[0].outcome {
            Outcome::Extracted {
                records,
                unsearchable,
            } => {
                assert!(records.is_empty());
                assert_eq!(
                    unsearchable[0].reason,
                    Reason::LimitExceeded(sarx_model::Limit::FileSize)
                );
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn stop_flag_ends_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        // More files than the queues hold: after the stop, only results
        // already queued (and the one file a worker is on) reach the
        // consumer.
        for i in 0..2000 {
            std::fs::write(dir.path().join(format!("f{i}.txt")), "x").unwrap();
        }
        let stop = Arc::new(AtomicBool::new(false));
        let crawler = CrawlerBuilder::new()
            .threads(1)
            .stop_flag(Arc::clone(&stop))
            .build();
        let mut seen = 0;
        crawler.run(
            &[dir.path().to_path_buf()],
            Arc::new(HashMap::new()),
            |_| {
                seen += 1;
                stop.store(true, Ordering::Relaxed);
                true
            },
        );
        assert!(seen <= RESULT_QUEUE + 2, "saw {seen}");
    }
}
