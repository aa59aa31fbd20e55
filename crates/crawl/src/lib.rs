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
//! * `source` = the root as given joined with the path below it, with `/`
//!   separators.
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

/// Bytes of extracted records waiting for the consumer, bounded: a worker
/// waits in [`Budget::acquire`] until its file's records fit.
struct Budget {
    used: Mutex<usize>,
    freed: Condvar,
    cap: usize,
}

impl Budget {
    fn new(cap: usize) -> Budget {
        Budget {
            used: Mutex::new(0),
            freed: Condvar::new(),
            cap,
        }
    }

    /// Waits until `n` more bytes fit (or nothing is queued: a file bigger
    /// than the whole budget goes alone), then counts them.
    fn acquire(&self, n: usize) {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used > 0 && used.saturating_add(n) > self.cap {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *used = used.saturating_add(n);
    }

    /// Uncounts `n` bytes the consumer is done with.
    fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        *used = used.saturating_sub(n);
        drop(used);
        self.freed.notify_all();
    }
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

    fn walk(
        &self,
        roots: &[PathBuf],
        known: &HashMap<String, Fingerprint>,
        job_tx: Sender<Job>,
        res_tx: Sender<Event>,
        same_tx: Sender<Event>,
    ) {
        let Some((first, rest)) = roots.split_first() else {
            self.counters.walk_done.store(true, Ordering::Relaxed);
            return;
        };
        let mut builder = WalkBuilder::new(first);
        for r in rest {
            builder.add(r);
        }
        builder
            .standard_filters(false)
            .hidden(false)
            .parents(false)
            .ignore(false)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            .follow_links(false)
            .skip_stdout(false)
            .threads(self.threads.clamp(1, 4));
        let force = self.force;
        let config = self.config.as_str();
        builder.build_parallel().run(|| {
            let job_tx = job_tx.clone();
            let res_tx = res_tx.clone();
            let same_tx = same_tx.clone();
            Box::new(move |entry| {
                if self.stopped() {
                    return WalkState::Quit;
                }
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        let path = error_path(&err).map(|p| slash_path(&p));
                        let kind = err
                            .io_error()
                            .map(|e| format!("{:?}", e.kind()))
                            .unwrap_or_else(|| "walk error".into());
                        let unsearchable = Unsearchable {
                            source: path.clone().unwrap_or_default(),
                            locator: String::new(),
                            reason: Reason::Unreadable,
                            detail: format!("could not list the folder: {kind}"),
                        };
                        if res_tx
                            .send(Event::WalkError { path, unsearchable })
                            .is_err()
                        {
                            return WalkState::Quit;
                        }
                        return WalkState::Continue;
                    }
                };
                let Some(ft) = entry.file_type() else {
                    return WalkState::Continue;
                };
                if ft.is_dir() {
                    return WalkState::Continue;
                }
                if ft.is_symlink() {
                    self.counters
                        .symlinks_skipped
                        .fetch_add(1, Ordering::Relaxed);
                    return WalkState::Continue;
                }
                if !ft.is_file() {
                    self.counters
                        .special_skipped
                        .fetch_add(1, Ordering::Relaxed);
                    return WalkState::Continue;
                }
                let source = slash_path(entry.path());
                let (size, mtime_ns) = match entry.metadata() {
                    Ok(m) => (m.len(), mtime_ns(&m)),
                    Err(_) => (0, 0),
                };
                self.counters.files_found.fetch_add(1, Ordering::Relaxed);
                self.counters.bytes_found.fetch_add(size, Ordering::Relaxed);
                let known = known.get(&source).cloned();
                if let Some(k) = &known {
                    if !force && k.size == size && k.mtime_ns == mtime_ns && k.config == config {
                        let event = Event::File(FileResult {
                            source,
                            fingerprint: k.clone(),
                            outcome: Outcome::Unchanged,
                            bytes_read: 0,
                            read_time: Duration::ZERO,
                            extract_time: Duration::ZERO,
                        });
                        return if same_tx.send(event).is_ok() {
                            WalkState::Continue
                        } else {
                            WalkState::Quit
                        };
                    }
                }
                let job = Job {
                    source,
                    path: entry.into_path(),
                    size,
                    mtime_ns,
                    known,
                };
                if job_tx.send(job).is_err() {
                    return WalkState::Quit;
                }
                WalkState::Continue
            })
        });
        self.counters.walk_done.store(true, Ordering::Relaxed);
    }

    fn work(&self, job_rx: Receiver<Job>, res_tx: Sender<Event>, budget: &Budget) {
        for job in job_rx.iter() {
            if self.stopped() {
                continue;
            }
            let source = job.source.clone();
            let result = catch_unwind(AssertUnwindSafe(|| self.process(job)));
            let result = match result {
                Ok(r) => r,
                Err(_) => FileResult {
                    source: source.clone(),
                    fingerprint: Fingerprint {
                        size: 0,
                        mtime_ns: 0,
                        hash: None,
                        config: self.config.clone(),
                    },
                    outcome: Outcome::Extracted {
                        records: Vec::new(),
                        unsearchable: vec![Unsearchable {
                            source,
                            locator: String::new(),
                            reason: Reason::ExtractorFailed,
                            detail: "the extraction worker failed unexpectedly".into(),
                        }],
                    },
                    bytes_read: 0,
                    read_time: Duration::ZERO,
                    extract_time: Duration::ZERO,
                },
            };
            budget.acquire(result.weight());
            if res_tx.send(Event::File(result)).is_err() {
                return;
            }
        }
    }

    /// Reads, hashes and extracts one file.
    fn process(&self, job: Job) -> FileResult {
        let mut fingerprint = Fingerprint {
            size: job.size,
            mtime_ns: job.mtime_ns,
            hash: None,
            config: self.config.clone(),
        };
        let same_config = job.known.as_ref().is_some_and(|k| k.config == self.config);
        let known_hash = job.known.as_ref().and_then(|k| k.hash.clone());
        let mut out = Collected::default();
        let name = job
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read_start = Instant::now();
        if job.size > self.extractor.limits().max_file_size {
            // The extractor reports the limit from the metadata, without reading.
            self.extractor
                .extract_path(&job.source, &job.path, &mut out);
            return extracted(
                job.source,
                fingerprint,
                out,
                0,
                read_start.elapsed(),
                Duration::ZERO,
            );
        }
        if is_mail_store(&job.path) {
            let hash = match hash_file(&job.path) {
                Ok(h) => h,
                Err(e) => {
                    out.unsearchable.push(unreadable(&job.source, &e));
                    return extracted(
                        job.source,
                        fingerprint,
                        out,
                        0,
                        read_start.elapsed(),
                        Duration::ZERO,
                    );
                }
            };
            let read_time = read_start.elapsed();
            if !self.force && same_config && known_hash.as_deref() == Some(hash.as_str()) {
                fingerprint.hash = Some(hash);
                return same(job.source, fingerprint, job.size, read_time);
            }
            fingerprint.hash = Some(hash);
            let t = Instant::now();
            self.extractor
                .extract_path(&job.source, &job.path, &mut out);
            return extracted(
                job.source,
                fingerprint,
                out,
                job.size,
                read_time,
                t.elapsed(),
            );
        }
        let bytes = match std::fs::read(&job.path) {
            Ok(b) => b,
            Err(e) => {
                out.unsearchable.push(unreadable(&job.source, &e));
                return extracted(
                    job.source,
                    fingerprint,
                    out,
                    0,
                    read_start.elapsed(),
                    Duration::ZERO,
                );
            }
        };
        let hash = blake3::hash(&bytes).to_hex().to_string();
        let read_time = read_start.elapsed();
        let n = bytes.len() as u64;
        // The size may have changed since the walk looked at it.
        fingerprint.size = n;
        if !self.force && same_config && known_hash.as_deref() == Some(hash.as_str()) {
            fingerprint.hash = Some(hash);
            return same(job.source, fingerprint, n, read_time);
        }
        let t = Instant::now();
        self.extractor
            .extract_bytes_hashed(&job.source, &name, &bytes, &hash, &mut out);
        fingerprint.hash = Some(hash);
        drop(bytes);
        extracted(job.source, fingerprint, out, n, read_time, t.elapsed())
    }
}

fn extracted(
    source: String,
    fingerprint: Fingerprint,
    out: Collected,
    bytes_read: u64,
    read_time: Duration,
    extract_time: Duration,
) -> FileResult {
    FileResult {
        source,
        fingerprint,
        outcome: Outcome::Extracted {
            records: out.records,
            unsearchable: out.unsearchable,
        },
        bytes_read,
        read_time,
        extract_time,
    }
}

fn same(
    source: String,
    fingerprint: Fingerprint,
    bytes_read: u64,
    read_time: Duration,
) -> FileResult {
    FileResult {
        source,
        fingerprint,
        outcome: Outcome::SameContent,
        bytes_read,
        read_time,
        extract_time: Duration::ZERO,
    }
}

fn unreadable(source: &str, e: &std::io::Error) -> Unsearchable {
    Unsearchable {
        source: source.to_owned(),
        locator: String::new(),
        reason: Reason::Unreadable,
        detail: format!("could not read the file: {}", e.kind()),
    }
}

/// Outlook stores are streamed by the extractor rather than loaded whole.
fn is_mail_store(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pst") || e.eq_ignore_ascii_case("ost"))
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(h.finalize().to_hex().to_string())
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

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_holds_a_worker_back_until_the_consumer_releases() {
        let budget = Budget::new(10);
        budget.acquire(6);
        let got = AtomicBool::new(false);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                budget.acquire(6);
                got.store(true, Ordering::SeqCst);
            });
            std::thread::sleep(Duration::from_millis(50));
            assert!(!got.load(Ordering::SeqCst), "6 + 6 bytes went over 10");
            budget.release(6);
            assert!(waiter.join().is_ok());
        });
        assert!(got.load(Ordering::SeqCst));
        budget.release(6);
        assert_eq!(
            *budget.used.lock().unwrap_or_else(PoisonError::into_inner),
            0
        );
    }

    #[test]
    fn budget_lets_a_file_bigger_than_itself_through_alone() {
        let budget = Budget::new(10);
        budget.acquire(1000);
        budget.release(1000);
        budget.acquire(3);
        budget.acquire(4);
        assert_eq!(
            *budget.used.lock().unwrap_or_else(PoisonError::into_inner),
            7
        );
    }

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
