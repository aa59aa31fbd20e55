//! [`Indexer`]: crawl → extract → write one shard, incrementally and
//! crash-safely.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::indexer::UserOperation;
use tantivy::{IndexWriter, TantivyDocument, Term};

use sarx_crawl::{slash_path, CrawlerBuilder, Event, FileResult, Fingerprint, Outcome};
use sarx_extract::{Limits, OcrMode, Tesseract};
use sarx_model::{Kind, RecordId, Unsearchable};

use crate::reader::{kind_counts, Payload, Shard};
use crate::schema::{open_index, Fields, RowBlock};
use crate::{shards_dir, Error, Result, ShardStats};

/// Live progress, passed to the progress callback.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    /// Files found by the walk so far.
    pub files_found: u64,
    /// Their total size.
    pub bytes_found: u64,
    /// True once the walk has listed everything (the totals are final).
    pub walk_done: bool,
    /// Files processed (written, or skipped as unchanged).
    pub files_done: u64,
    /// Their total size.
    pub bytes_done: u64,
    /// Records written so far.
    pub records: u64,
    /// Unsearchable entries written so far.
    pub unsearchable: u64,
    /// Pages (images, TIFF and PDF pages) OCR'd so far.
    pub ocr_pages: u64,
    /// Time spent in OCR so far, summed over workers.
    pub ocr_secs: f64,
}

/// Busy time of each stage, summed over threads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// Reading and hashing files (worker threads).
    pub read_secs: f64,
    /// Extracting records (worker threads).
    pub extract_secs: f64,
    /// Building documents and handing them to the index writer (writer thread).
    pub write_secs: f64,
    /// Waiting for commits (writer thread; includes tantivy's indexing of the
    /// last batch).
    pub commit_secs: f64,
    /// Waiting for background merges at the end.
    pub merge_secs: f64,
    /// Loading the stored fingerprints at the start.
    pub load_secs: f64,
    /// OCR: rendering PDF pages and recognising images (worker threads;
    /// part of `extract_secs`).
    #[serde(default)]
    pub ocr_secs: f64,
    /// Number of commits.
    pub commits: u64,
}

/// What one `Indexer::run` did, and what the shard holds afterwards.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Shard name.
    pub shard: String,
    /// Shard directory.
    pub shard_dir: String,
    /// Roots, as given.
    pub roots: Vec<String>,
    /// Wall-clock time of the run.
    pub elapsed_secs: f64,
    /// True when the run was stopped (Ctrl-C) before the end: what was
    /// complete is committed; re-run to finish.
    pub interrupted: bool,
    /// Regular files seen by the walk.
    pub files_seen: u64,
    /// Files read and extracted (new or changed).
    pub files_extracted: u64,
    /// Files skipped because size and mtime were unchanged (not read).
    pub files_unchanged: u64,
    /// Files whose size or mtime changed but whose content did not (read
    /// and hashed, not extracted).
    pub files_same_content: u64,
    /// Files in the shard that are no longer under the roots: removed.
    pub files_deleted: u64,
    /// Symbolic links skipped (never followed).
    pub symlinks_skipped: u64,
    /// FIFOs, sockets and devices skipped.
    pub special_skipped: u64,
    /// Folders that could not be listed.
    pub walk_errors: u64,
    /// Total size of the files seen.
    pub bytes_seen: u64,
    /// Bytes read from disk.
    pub bytes_read: u64,
    /// Records written in this run.
    pub records_added: u64,
    /// Records written in this run, by kind.
    pub records_added_by_kind: BTreeMap<String, u64>,
    /// Unsearchable entries written in this run.
    pub unsearchable_added: u64,
    /// Pages OCR'd in this run (images, TIFF pages, PDF pages): 0 on a
    /// re-run over unchanged files.
    #[serde(default)]
    pub ocr_pages: u64,
    /// The OCR mode and engine (`auto:tesseract-5.3.0`, `auto:none`,
    /// `off`).
    #[serde(default)]
    pub ocr: String,
    /// Stage timings.
    pub timing: Timing,
    /// The shard after the run.
    pub totals: ShardStats,
    /// The shard's unsearchable entries after the run.
    pub unsearchable: Vec<Unsearchable>,
}

type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Builder of an [`Indexer`].
#[derive(Clone)]
pub struct IndexerBuilder {
    threads: usize,
    limits: Limits,
    ocr: OcrMode,
    engine: Option<Tesseract>,
    commit_files: u64,
    commit_interval: Duration,
    progress: Option<ProgressFn>,
    stop: Arc<AtomicBool>,
    force: bool,
    writer_memory: usize,
    writer_threads: Option<usize>,
    row_blocks: bool,
    lock_wait: Duration,
}

impl std::fmt::Debug for IndexerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexerBuilder")
            .field("threads", &self.threads)
            .field("commit_files", &self.commit_files)
            .field("commit_interval", &self.commit_interval)
            .finish_non_exhaustive()
    }
}

impl Default for IndexerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// How long a run waits for a shard that another process holds.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(60);

/// How often a held shard is tried again.
const LOCK_RETRY: Duration = Duration::from_millis(250);

/// The shard's writer, waiting up to `wait` while another process holds
/// it (said once in the log); then [`Error::Locked`].
fn open_writer(
    index: &tantivy::Index,
    dir: &std::path::Path,
    threads: usize,
    memory: usize,
    wait: Duration,
) -> Result<IndexWriter> {
    let started = Instant::now();
    let mut said = false;
    loop {
        match index.writer_with_num_threads(threads, memory) {
            Ok(w) => return Ok(w),
            Err(tantivy::TantivyError::LockFailure(..)) if started.elapsed() < wait => {
                if !said {
                    tracing::warn!(
                        shard = %dir.display(),
                        seconds = wait.as_secs(),
                        "another process holds this shard; waiting for it"
                    );
                    said = true;
                }
                std::thread::sleep(LOCK_RETRY);
            }
            Err(e) => return Err(Error::engine(dir, e)),
        }
    }
}

impl IndexerBuilder {
    /// Defaults: threads = available parallelism, default limits, a commit
    /// every 100 000 files or 30 s (a crash loses at most that much work;
    /// each commit waits for tantivy to write its segments, so more often
    /// costs throughput), 256 MiB of indexing memory shared by the tantivy
    /// indexing threads.
    pub fn new() -> Self {
        IndexerBuilder {
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            limits: Limits::default(),
            ocr: OcrMode::Off,
            engine: None,
            commit_files: 100_000,
            commit_interval: Duration::from_secs(30),
            progress: None,
            stop: Arc::new(AtomicBool::new(false)),
            force: false,
            writer_memory: 256 << 20,
            writer_threads: None,
            row_blocks: true,
            lock_wait: DEFAULT_LOCK_WAIT,
        }
    }
    /// Extraction threads (at least 1).
    pub fn threads(mut self, n: usize) -> Self {
        self.threads = n.max(1);
        self
    }
    /// Extraction safety limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// OCR of images and scans in `mode` by `engine`
    /// ([`sarx_extract::find_engine`]); off by default. See
    /// [`sarx_crawl::CrawlerBuilder::ocr`].
    pub fn ocr(mut self, mode: OcrMode, engine: Option<Tesseract>) -> Self {
        self.ocr = mode;
        self.engine = engine;
        self
    }
    /// Commit after this many files or this much time, whichever first.
    pub fn commit_every(mut self, files: u64, interval: Duration) -> Self {
        self.commit_files = files.max(1);
        self.commit_interval = interval;
        self
    }
    /// Called on the writer thread after files are written (at most every
    /// 100 ms) and once at the end.
    pub fn progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }
    /// Setting this flag stops the run: complete files are committed, the
    /// rest is left for the next run.
    pub fn stop_flag(mut self, stop: Arc<AtomicBool>) -> Self {
        self.stop = stop;
        self
    }
    /// Re-extract every file, even unchanged ones.
    pub fn force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }
    /// Memory for tantivy's indexing buffers (bytes, at least 32 MiB).
    pub fn writer_memory(mut self, bytes: usize) -> Self {
        self.writer_memory = bytes.max(32 << 20);
        self
    }
    /// tantivy indexing threads [default: 2 with 2 or more extraction
    /// threads, else 1: a segment per thread, written in parallel at each
    /// commit].
    /// The memory of [`writer_memory`](Self::writer_memory) is shared
    /// between them.
    pub fn writer_threads(mut self, n: usize) -> Self {
        self.writer_threads = Some(n.clamp(1, 8));
        self
    }
    /// Store consecutive sheet rows as blocks of rows, one tantivy document
    /// each (the default). Off, every row is its own document; searches
    /// return the same records either way (tests compare the two).
    pub fn row_blocks(mut self, yes: bool) -> Self {
        self.row_blocks = yes;
        self
    }
    /// How long to wait for a shard another process holds (default
    /// `DEFAULT_LOCK_WAIT`): a process killed a moment ago still holds
    /// the lock while the system tears it down.
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }
    /// The indexer.
    pub fn build(self) -> Indexer {
        Indexer { b: self }
    }
}

/// Crawls roots into one shard. See the crate documentation.
#[derive(Debug)]
pub struct Indexer {
    b: IndexerBuilder,
}

/// A default shard name for `roots`: a slug of the first root's last
/// component and a short hash of all roots made absolute, e.g.
/// `housing-share-1a2b3c4d` (the same folder named from anywhere gets the
/// same shard).
pub fn default_shard_name(roots: &[PathBuf]) -> String {
    let roots: Vec<PathBuf> = roots.iter().map(|r| absolute(r)).collect();
    let first = roots.first().map(|r| {
        let s = slash_path(r);
        let trimmed = s.trim_end_matches('/');
        trimmed.rsplit('/').next().unwrap_or("").to_owned()
    });
    let mut slug = String::new();
    for c in first.unwrap_or_default().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    let mut h = blake3::Hasher::new();
    for r in &roots {
        h.update(slash_path(r).as_bytes());
        h.update(&[0]);
    }
    let hash: String = h.finalize().to_hex().as_str().chars().take(8).collect();
    if slug.is_empty() {
        format!("shard-{hash}")
    } else {
        format!("{slug}-{hash}")
    }
}

/// `path` made absolute against the current directory (not resolving
/// symbolic links: a share reached through a link keeps its name); as
/// given if the current directory is unknown.
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn valid_shard_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

struct Run<'a> {
    fields: Fields,
    writer: IndexWriter,
    dir: &'a Path,
    fresh: bool,
    known: HashMap<String, (Fingerprint, u64)>,
    seen: HashSet<String>,
    error_dirs: Vec<String>,
    unknown_walk_error: bool,
    summary: Summary,
    progress: Progress,
    since_commit: u64,
    last_commit: Instant,
    last_progress: Instant,
    roots: Vec<String>,
    row_blocks: bool,
    /// Operations not yet handed to the writer: sent as one batch (one
    /// hand-over to tantivy's indexing threads rather than one per
    /// document) by [`Run::send`].
    ops: Vec<UserOperation>,
}

/// Operations gathered before they are sent to the writer in one batch.
const OPS_BATCH: usize = 64;

impl Indexer {
    /// Crawls `roots` into shard `shard` of index `index_dir` (created if
    /// needed), incrementally. Returns the summary; `interrupted` is set when
    /// the stop flag ended the run early.
    pub fn run(&self, index_dir: &Path, shard: &str, roots: &[PathBuf]) -> Result<Summary> {
        let started = Instant::now();
        if !valid_shard_name(shard) {
            return Err(Error::BadShardName(shard.to_owned()));
        }
        for r in roots {
            std::fs::symlink_metadata(r).map_err(|e| Error::Root {
                path: r.clone(),
                source: e,
            })?;
        }
        // Records name their files by absolute path, so that the bundle,
        // the review page and `sarx verify` find them from any directory.
        let roots: Vec<PathBuf> = roots.iter().map(|r| absolute(r)).collect();
        let roots = roots.as_slice();
        let dir = shards_dir(index_dir).join(shard);
        let index = open_index(&dir, true)?;
        let fields = Fields::new(&index.schema())?;

        let t = Instant::now();
        let before = Shard::from_index(shard, &dir, &index)?;
        let known = before.fingerprints()?;
        let fresh = before.searcher.num_docs() == 0;
        drop(before);
        let load_secs = t.elapsed().as_secs_f64();

        let writer_threads = self.b.writer_threads.unwrap_or(self.b.threads.min(2));
        let writer = open_writer(
            &index,
            &dir,
            writer_threads,
            self.b.writer_memory,
            self.b.lock_wait,
        )?;

        let crawler = CrawlerBuilder::new()
            .threads(self.b.threads)
            .limits(self.b.limits.clone())
            .ocr(self.b.ocr, self.b.engine.clone())
            .force(self.b.force)
            .stop_flag(Arc::clone(&self.b.stop))
            .build();
        let counters = crawler.counters();
        let ocr_stats = crawler.ocr_stats();
        let known_fps: HashMap<String, Fingerprint> = known
            .iter()
            .map(|(s, (fp, _))| (s.clone(), fp.clone()))
            .collect();

        let root_strings: Vec<String> = roots.iter().map(|r| slash_path(r)).collect();
        let mut run = Run {
            fields,
            writer,
            dir: &dir,
            fresh,
            known,
            seen: HashSet::new(),
            error_dirs: Vec::new(),
            unknown_walk_error: false,
            summary: Summary {
                shard: shard.to_owned(),
                shard_dir: slash_path(&dir),
                roots: root_strings.clone(),
                ..Summary::default()
            },
            progress: Progress::default(),
            since_commit: 0,
            last_commit: Instant::now(),
            last_progress: Instant::now()
                .checked_sub(Duration::from_secs(1))
                .unwrap_or_else(Instant::now),
            roots: root_strings,
            row_blocks: self.b.row_blocks,
            ops: Vec::with_capacity(OPS_BATCH),
        };
        run.summary.timing.load_secs = load_secs;

        let mut failure: Option<Error> = None;
        crawler.run(roots, Arc::new(known_fps), |event| {
            let r = run.event(event).and_then(|()| run.maybe_commit(&self.b));
            run.progress.files_found = counters.files_found.load(Ordering::Relaxed);
            run.progress.bytes_found = counters.bytes_found.load(Ordering::Relaxed);
            run.progress.walk_done = counters.walk_done.load(Ordering::Relaxed);
            run.progress.ocr_pages = ocr_stats.pages();
            run.progress.ocr_secs = ocr_stats.time().as_secs_f64();
            if let Some(p) = &self.b.progress {
                if run.last_progress.elapsed() >= Duration::from_millis(100) {
                    run.last_progress = Instant::now();
                    p(&run.progress);
                }
            }
            match r {
                Ok(()) => true,
                Err(e) => {
                    failure = Some(e);
                    false
                }
            }
        });
        if let Some(e) = failure {
            // Nothing of the current batch is committed; the shard stays at
            // its last commit.
            return Err(e);
        }
        let interrupted = self.b.stop.load(Ordering::Relaxed);
        run.summary.interrupted = interrupted;
        run.summary.symlinks_skipped = counters.symlinks_skipped.load(Ordering::Relaxed);
        run.summary.special_skipped = counters.special_skipped.load(Ordering::Relaxed);
        if !interrupted {
            run.delete_vanished();
        }
        run.commit(!interrupted)?;
        let Run {
            writer,
            mut summary,
            ..
        } = run;
        let t = Instant::now();
        if !interrupted {
            writer
                .wait_merging_threads()
                .map_err(|e| Error::engine(&dir, e))?;
        } else {
            drop(writer);
        }
        summary.timing.merge_secs = t.elapsed().as_secs_f64();
        summary.ocr_pages = ocr_stats.pages();
        summary.timing.ocr_secs = ocr_stats.time().as_secs_f64();
        summary.ocr = sarx_extract::Extractor::default()
            .with_ocr(self.b.ocr, self.b.engine.clone())
            .ocr_tag();
        // tantivy creates its files with the process umask: the shard is
        // made private to the user whatever that was.
        sarx_model::private_fs::restrict_tree(&dir).map_err(|e| Error::io(&dir, e))?;

        let after = Shard::from_index(shard, &dir, &index)?;
        summary.totals = after.stats()?;
        let mut unsearchable = Vec::new();
        {
            // The same list `IndexSet::unsearchable` gives, for this shard.
            let set = crate::IndexSet::from_shards(index_dir, vec![after]);
            unsearchable.extend(set.unsearchable()?);
        }
        summary.unsearchable = unsearchable;
        summary.elapsed_secs = started.elapsed().as_secs_f64();
        if let Some(p) = &self.b.progress {
            let mut last = Progress {
                files_found: summary.files_seen,
                bytes_found: summary.bytes_seen,
                walk_done: true,
                files_done: summary.files_seen,
                bytes_done: summary.bytes_seen,
                records: summary.records_added,
                unsearchable: summary.unsearchable_added,
                ocr_pages: summary.ocr_pages,
                ocr_secs: summary.timing.ocr_secs,
            };
            if interrupted {
                last.walk_done = false;
            }
            p(&last);
        }
        Ok(summary)
    }
}

impl Run<'_> {
    fn engine(&self, e: tantivy::TantivyError) -> Error {
        Error::engine(self.dir, e)
    }

    /// Queues `doc` for the writer.
    fn add(&mut self, doc: TantivyDocument) -> Result<()> {
        self.ops.push(UserOperation::Add(doc));
        Ok(())
    }

    /// Queues the deletion of every document with `term`; it applies to
    /// the documents added before it, not after.
    fn delete(&mut self, term: Term) {
        self.ops.push(UserOperation::Delete(term));
    }

    /// Hands the queued operations to the writer, in order, as one batch.
    fn send(&mut self) -> Result<()> {
        if self.ops.is_empty() {
            return Ok(());
        }
        let ops = std::mem::replace(&mut self.ops, Vec::with_capacity(OPS_BATCH));
        self.writer.run(ops).map(|_| ()).map_err(|e| self.engine(e))
    }

    fn event(&mut self, event: Event) -> Result<()> {
        let t = Instant::now();
        match event {
            Event::File(f) => self.file(f)?,
            Event::WalkError { path, unsearchable } => {
                self.summary.walk_errors += 1;
                match path {
                    Some(p) => {
                        // Recorded like a file so that it vanishes once the
                        // folder can be listed again.
                        self.delete(self.fields.term(self.fields.source, &p));
                        self.add(self.fields.unsearchable_doc(&unsearchable))?;
                        let fp = Fingerprint {
                            size: 0,
                            mtime_ns: 0,
                            hash: None,
                            config: "walk-error".into(),
                        };
                        self.add(self.fields.file_doc(&p, &fp, 0))?;
                        self.summary.unsearchable_added += 1;
                        self.error_dirs
                            .push(format!("{}/", p.trim_end_matches('/')));
                        self.seen.insert(p);
                    }
                    None => self.unknown_walk_error = true,
                }
            }
        }
        if self.ops.len() >= OPS_BATCH {
            self.send()?;
        }
        self.summary.timing.write_secs += t.elapsed().as_secs_f64();
        Ok(())
    }

    fn file(&mut self, f: FileResult) -> Result<()> {
        if !self.seen.insert(f.source.clone()) {
            // The same source reached through two overlapping roots.
            return Ok(());
        }
        let s = &mut self.summary;
        s.files_seen += 1;
        s.bytes_seen += f.fingerprint.size;
        s.bytes_read += f.bytes_read;
        s.timing.read_secs += f.read_time.as_secs_f64();
        s.timing.extract_secs += f.extract_time.as_secs_f64();
        self.progress.files_done += 1;
        self.progress.bytes_done += f.fingerprint.size;
        let fields = self.fields;
        match f.outcome {
            Outcome::Unchanged => {
                self.summary.files_unchanged += 1;
            }
            Outcome::SameContent => {
                self.summary.files_same_content += 1;
                let n = self.known.get(&f.source).map(|k| k.1).unwrap_or(0);
                self.delete(fields.term(fields.file_key, &f.source));
                self.add(fields.file_doc(&f.source, &f.fingerprint, n))?;
                self.since_commit += 1;
            }
            Outcome::Extracted {
                records,
                unsearchable,
            } => {
                self.summary.files_extracted += 1;
                if !self.fresh || self.known.contains_key(&f.source) {
                    // Old records, entries and fingerprint of this file.
                    self.delete(fields.term(fields.source, &f.source));
                }
                let mut kinds = std::mem::take(&mut self.summary.records_added_by_kind);
                kind_counts(&records, &mut kinds);
                self.summary.records_added_by_kind = kinds;
                let mut ids: HashSet<RecordId> = HashSet::with_capacity(records.len());
                let mut written = 0u64;
                let mut block = RowBlock::default();
                for (ord, r) in records.into_iter().enumerate() {
                    let ord = ord as u64;
                    if r.source != f.source {
                        // Every record of a file carries the file's source;
                        // anything else could not be deleted with it.
                        tracing::warn!("a record with a foreign source was dropped");
                        continue;
                    }
                    if !ids.insert(r.id.clone()) {
                        continue;
                    }
                    written += 1;
                    if !block.fits(&r, ord) {
                        self.flush_rows(&mut block)?;
                    }
                    if r.kind == Kind::SheetRow && self.row_blocks {
                        block.push(r, ord);
                    } else {
                        self.flush_rows(&mut block)?;
                        self.add(fields.record_doc(r, ord)?)?;
                    }
                }
                self.flush_rows(&mut block)?;
                for u in &unsearchable {
                    self.add(fields.unsearchable_doc(&Unsearchable {
                        source: f.source.clone(),
                        ..u.clone()
                    }))?;
                }
                self.add(fields.file_doc(&f.source, &f.fingerprint, written))?;
                self.summary.records_added += written;
                self.summary.unsearchable_added += unsearchable.len() as u64;
                self.progress.records += written;
                self.progress.unsearchable += unsearchable.len() as u64;
                self.since_commit += 1;
            }
        }
        Ok(())
    }

    /// Writes the rows gathered in `block`, if any.
    fn flush_rows(&mut self, block: &mut RowBlock) -> Result<()> {
        if let Some((rows, ord)) = block.take() {
            let doc = self.fields.rows_doc(rows, ord)?;
            self.add(doc)?;
        }
        Ok(())
    }

    fn maybe_commit(&mut self, b: &IndexerBuilder) -> Result<()> {
        if self.since_commit >= b.commit_files
            || (self.since_commit > 0 && self.last_commit.elapsed() >= b.commit_interval)
        {
            self.commit(false)?;
        }
        Ok(())
    }

    fn commit(&mut self, complete: bool) -> Result<()> {
        self.send()?;
        let t = Instant::now();
        let payload = Payload {
            roots: self.roots.clone(),
            updated_unix: unix_now(),
            complete,
        };
        let payload = serde_json::to_string(&payload).map_err(|e| Error::Json(e.to_string()))?;
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(|e| Error::engine(self.dir, e))?;
        prepared.set_payload(&payload);
        prepared.commit().map_err(|e| Error::engine(self.dir, e))?;
        // What a killed run leaves is private too.
        sarx_model::private_fs::restrict_tree(self.dir).map_err(|e| Error::io(self.dir, e))?;
        self.since_commit = 0;
        self.last_commit = Instant::now();
        self.summary.timing.commit_secs += t.elapsed().as_secs_f64();
        self.summary.timing.commits += 1;
        Ok(())
    }

    /// Deletes the documents of files that are no longer under the roots.
    /// Skipped when a folder could not be listed without a known path;
    /// files below a folder that could not be listed are kept.
    fn delete_vanished(&mut self) {
        if self.unknown_walk_error {
            tracing::warn!("a folder could not be listed: files missing from this run are kept");
            return;
        }
        let vanished: Vec<String> = self
            .known
            .keys()
            .filter(|s| !self.seen.contains(*s))
            .filter(|s| !self.error_dirs.iter().any(|d| s.starts_with(d.as_str())))
            .cloned()
            .collect();
        for s in vanished {
            self.delete(self.fields.term(self.fields.source, &s));
            self.summary.files_deleted += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IndexSet;

    #[test]
    fn a_held_shard_is_waited_for_then_refused() {
        let share = tempfile::tempdir().unwrap();
        std::fs::write(share.path().join("n.txt"), "a note").unwrap();
        let idx = tempfile::tempdir().unwrap();
        let run = |wait: Duration| {
            IndexerBuilder::new()
                .threads(1)
                .lock_wait(wait)
                .build()
                .run(idx.path(), "s", &[share.path().to_path_buf()])
        };
        run(Duration::from_secs(1)).unwrap();
        let dir = shards_dir(idx.path()).join("s");
        let index = open_index(&dir, false).unwrap();
        // Held throughout: refused after the wait, with the typed error.
        let held: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let t = Instant::now();
        let e = run(Duration::from_millis(600)).unwrap_err();
        assert!(matches!(e, Error::Locked(_)), "{e}");
        assert!(t.elapsed() >= Duration::from_millis(600));
        // Released during the wait (a killed process torn down): the run goes on.
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(400));
            drop(held);
        });
        run(Duration::from_secs(20)).unwrap();
        release.join().unwrap();
    }

    #[test]
    fn shard_names() {
        assert_eq!(
            default_shard_name(&[PathBuf::from("/data/Housing Share/")])
                .split_at(14)
                .0,
            "housing-share-"
        );
        assert!(default_shard_name(&[PathBuf::from("/")]).starts_with("shard-"));
        assert_ne!(
            default_shard_name(&[PathBuf::from("a")]),
            default_shard_name(&[PathBuf::from("a"), PathBuf::from("b")])
        );
        assert!(valid_shard_name(&default_shard_name(&[PathBuf::from(
            "../x y/Zoë"
        )])));
        assert!(!valid_shard_name("../etc"));
        assert!(!valid_shard_name(""));
    }

    fn index(idx: &Path, root: &Path) -> Summary {
        IndexerBuilder::new()
            .threads(2)
            .build()
            .run(idx, "s", &[root.to_path_buf()])
            .unwrap()
    }

    #[test]
    fn incremental_runs() {
        let share = tempfile::tempdir().unwrap();
        let idx = tempfile::tempdir().unwrap();
        for i in 0..20 {
            std::fs::write(
                share.path().join(format!("n{i}.txt")),
                format!("note {i} about Zoë O'Neill"),
            )
            .unwrap();
        }
        std::fs::write(
            share.path().join("rent.csv"),
            "name,ref\nJo Bloggs,TEN-0045127\nAnn Lee,TEN-0045128\n",
        )
        .unwrap();
        let s1 = index(idx.path(), share.path());
        assert_eq!(s1.files_extracted, 21);
        let set = IndexSet::open(idx.path()).unwrap();
        let total = set.stats().unwrap().records;
        assert_eq!(total, s1.records_added);
        assert_eq!(set.record_ids().unwrap().len() as u64, total);

        let s2 = index(idx.path(), share.path());
        assert_eq!(
            (s2.files_extracted, s2.files_unchanged, s2.bytes_read),
            (0, 21, 0)
        );
        assert_eq!(s2.totals.stats.records, total);

        std::fs::write(share.path().join("n3.txt"), "note 3 changed, about Ann Lee").unwrap();
        std::fs::remove_file(share.path().join("n4.txt")).unwrap();
        let s3 = index(idx.path(), share.path());
        assert_eq!((s3.files_extracted, s3.files_deleted), (1, 1));
        assert_eq!(s3.totals.stats.records, total - 1);
        let set = IndexSet::open(idx.path()).unwrap();
        let ids = set.record_ids().unwrap();
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        assert_eq!(
            set.candidates(&["ann lee".into()], &[], 100).unwrap().len(),
            2
        );
        assert_eq!(
            set.candidates(&["zoe oneill".into()], &[], 100)
                .unwrap()
                .len(),
            18
        );
        assert_eq!(
            set.candidates(&["o neill".into()], &[], 5).unwrap().len(),
            5
        );
    }

    #[test]
    fn reader_api() {
        let share = tempfile::tempdir().unwrap();
        let idx = tempfile::tempdir().unwrap();
        std::fs::write(
            share.path().join("rent.csv"),
            "name,ref\nJo Smith-Jones,TEN-0045127\nAnn Lee,TEN-0045128\n",
        )
        .unwrap();
        std::fs::write(
            share.path().join("photo.png"),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        )
        .unwrap();
        index(idx.path(), share.path());
        let set = IndexSet::open(idx.path()).unwrap();
        let hits = set
            .candidates(&[], &["ref:TEN-0045127".into()], 10)
            .unwrap();
        assert_eq!(hits.len(), 1, "{hits:?}");
        let row = &hits[0];
        assert!(row.text.contains("Smith-Jones"));
        assert_eq!(set.get(&row.id).unwrap().as_ref(), Some(row));
        for p in ["smithjones", "jo smith jones", "Jo Smith-Jones", "JONES"] {
            assert_eq!(
                set.candidates(&[p.into()], &[], 10).unwrap().len(),
                1,
                "{p}"
            );
        }
        let parent = row.parent.clone().unwrap();
        let kids = set.children(&parent).unwrap();
        assert_eq!(kids.len(), 2);
        assert!(kids[0].text.contains("Jo"));
        assert!(set.get(&RecordId("nope".into())).unwrap().is_none());
        let stats = set.stats().unwrap();
        assert_eq!(stats.files, 2);
        assert_eq!(stats.shards.len(), 1);
        assert!(stats.shards[0].complete);
        let mut n = 0;
        set.for_each_record(|_| -> std::result::Result<(), ()> {
            n += 1;
            Ok(())
        })
        .unwrap()
        .unwrap();
        assert_eq!(n, stats.records);
    }

    #[test]
    fn stop_flag_commits_complete_files_and_next_run_finishes() {
        let share = tempfile::tempdir().unwrap();
        let idx = tempfile::tempdir().unwrap();
        for i in 0..300 {
            std::fs::write(share.path().join(format!("n{i}.txt")), format!("note {i}")).unwrap();
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let s1 = IndexerBuilder::new()
            .threads(1)
            .commit_every(10, Duration::from_secs(60))
            .stop_flag(Arc::clone(&stop))
            .progress(move |p| {
                if p.files_done > 0 {
                    flag.store(true, Ordering::Relaxed);
                }
            })
            .build()
            .run(idx.path(), "s", &[share.path().to_path_buf()])
            .unwrap();
        assert!(s1.interrupted);
        assert!(s1.files_seen < 300);
        let s2 = index(idx.path(), share.path());
        assert_eq!(s2.files_unchanged + s2.files_extracted, 300);
        assert_eq!(s2.totals.stats.records, 300);
        let ids = IndexSet::open(idx.path()).unwrap().record_ids().unwrap();
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 300);
    }
}
