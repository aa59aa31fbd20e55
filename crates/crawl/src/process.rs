//! One file through a worker: read, hash, compare with the known
//! fingerprint, extract; a panic is caught and the file reported.

use super::*;

impl Crawler {
    pub(super) fn work(&self, job_rx: Receiver<Job>, res_tx: Sender<Event>, budget: &Budget) {
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
    pub(super) fn process(&self, job: Job) -> FileResult {
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
        // A file that was not read: what the extractor or the read error
        // reported, nothing extracted.
        let unread = |source: String, fingerprint: Fingerprint, out: Collected| {
            extracted(
                source,
                fingerprint,
                out,
                0,
                read_start.elapsed(),
                Duration::ZERO,
            )
        };
        if job.size > self.extractor.limits().max_file_size {
            // The extractor reports the limit from the metadata, without reading.
            self.extractor
                .extract_path(&job.source, &job.path, &mut out);
            return unread(job.source, fingerprint, out);
        }
        if is_mail_store(&job.path) {
            let hash = match hash_file(&job.path) {
                Ok(h) => h,
                Err(e) => {
                    out.unsearchable.push(unreadable(&job.source, &e));
                    return unread(job.source, fingerprint, out);
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
                return unread(job.source, fingerprint, out);
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

pub(super) fn extracted(
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

pub(super) fn same(
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

pub(super) fn unreadable(source: &str, e: &std::io::Error) -> Unsearchable {
    Unsearchable {
        source: source.to_owned(),
        locator: String::new(),
        reason: Reason::Unreadable,
        detail: format!("could not read the file: {}", e.kind()),
    }
}

/// Outlook stores are streamed by the extractor rather than loaded whole.
pub(super) fn is_mail_store(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pst") || e.eq_ignore_ascii_case("ost"))
}

pub(super) fn hash_file(path: &Path) -> std::io::Result<String> {
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
