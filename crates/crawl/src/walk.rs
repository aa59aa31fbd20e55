//! The parallel walk of the roots: regular files become jobs (or, when
//! their fingerprint is unchanged, unchanged events); links and special
//! files are counted as skipped.

use super::*;

impl Crawler {
    pub(super) fn walk(
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
}

pub(super) fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}
