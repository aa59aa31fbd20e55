//! The case folder: what a case holds on disk and how it changes.
//!
//! Files (all JSON, each written atomically: temp file, fsync, rename, fsync
//! of the directory):
//!
//! * `state.json` — the mutable [`CaseState`]: reference, receipt date,
//!   subject and org profiles, clock events, decisions, sign-off, and a
//!   `version` counter. [`CaseDir::save`] refuses a state whose version is not
//!   the one on disk ([`Error::StaleVersion`]), so two caseworkers never
//!   overwrite each other's decisions: reload, re-apply, save again.
//! * `hits.json`, `plans.json`, `records.json`, `unsearchable.json` — written
//!   once by `sarx case open` (the search and planning results).
//! * `redaction-log.internal.json` — the internal log with the redacted
//!   text (never copied into a bundle).
//! * `redacted-hashes.json` — salted hashes for `sarx verify` (the latest
//!   bundle's; `redacted-hashes.<key>.json` keyed by each bundle's SHA-256).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use jiff::civil::Date;
use sarx_model::plan::Category;
pub use sarx_model::plan::{RecordPlan, Redaction};
use sarx_model::{Kind, Record, RecordId, Span, Unsearchable};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::deadline::{self, ClockEvent, ClockStatus};
use crate::holidays::Holidays;
use crate::org::OrgProfile;
use crate::Error;

/// How sure search is that a record is about the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// A strong identifier, or name plus a corroborating one.
    High,
    /// Name alone: needs a caseworker's confirmation.
    Medium,
    /// Weak evidence.
    Low,
}

impl Band {
    /// The band of a confidence score (≥ 0.8 high, ≥ 0.5 medium).
    pub fn of(confidence: f32) -> Band {
        if confidence >= 0.8 {
            Band::High
        } else if confidence >= 0.5 {
            Band::Medium
        } else {
            Band::Low
        }
    }
    /// `high`, `medium` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::High => "high",
            Band::Medium => "medium",
            Band::Low => "low",
        }
    }
}

/// Why a record is a hit: one located mention of the subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// `name`, `alias`, `email`, `ni_number`, ...
    pub kind: String,
    /// Where in the record's text.
    pub span: Span,
}

/// A record found by search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The record.
    pub record: RecordId,
    /// Top-level file as crawled.
    pub source: String,
    /// Where inside it.
    pub locator: String,
    /// What it is.
    pub kind: Kind,
    /// Confidence 0..1.
    pub confidence: f32,
    /// The mentions that made it a hit.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

impl Hit {
    /// The confidence band.
    pub fn band(&self) -> Band {
        Band::of(self.confidence)
    }
}

/// Where review of a case stands ([`CaseState::progress`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Hits of high confidence.
    pub high: usize,
    /// Hits of medium confidence.
    pub medium: usize,
    /// Hits of low confidence.
    pub low: usize,
    /// Hits to disclose.
    pub disclose: usize,
    /// Hits awaiting a caseworker's confirmation.
    pub awaiting: usize,
    /// Hits withheld (not about the subject, or exempt).
    pub withheld: usize,
    /// Redactions in force over the hits.
    pub redactions: usize,
    /// Records whose plan flags a possible exemption or a third party who
    /// may still be identifiable.
    pub flagged: usize,
    /// Records with at least one decision.
    pub records_decided: usize,
    /// Decisions in all.
    pub decisions: usize,
}

/// A caseworker's mark on a whole record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mark", rename_all = "snake_case")]
pub enum RecordMark {
    /// The record is not about the subject: do not disclose.
    NotAboutSubject,
    /// The whole record is withheld under an exemption.
    Exempt {
        /// Reason code, e.g. `legal-privilege`.
        code: String,
        /// Legal basis.
        legal_basis: String,
    },
}

/// What a caseworker decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Decision {
    /// Keep a planned redaction.
    AcceptRedaction {
        /// The record.
        record: RecordId,
        /// The redaction's id.
        redaction: String,
    },
    /// Drop a planned redaction (the text is disclosed).
    RejectRedaction {
        /// The record.
        record: RecordId,
        /// The redaction's id.
        redaction: String,
    },
    /// Add a redaction the machine missed.
    AddRedaction {
        /// The record.
        record: RecordId,
        /// Byte range into the text.
        span: Span,
        /// What the data is.
        category: Category,
        /// Reason code.
        reason_code: String,
        /// Legal basis.
        legal_basis: String,
    },
    /// Apply an exemption to a span.
    ExemptSpan {
        /// The record.
        record: RecordId,
        /// Byte range into the text.
        span: Span,
        /// Reason code.
        code: String,
        /// Legal basis.
        legal_basis: String,
    },
    /// Mark a whole record (not about the subject, or exempt); `None` clears.
    MarkRecord {
        /// The record.
        record: RecordId,
        /// The mark.
        mark: Option<RecordMark>,
    },
    /// Confirm a medium-confidence hit is about the subject.
    ConfirmHit {
        /// The record.
        record: RecordId,
    },
}

impl Decision {
    /// The record this decision is about.
    pub fn record(&self) -> &RecordId {
        match self {
            Decision::AcceptRedaction { record, .. }
            | Decision::RejectRedaction { record, .. }
            | Decision::AddRedaction { record, .. }
            | Decision::ExemptSpan { record, .. }
            | Decision::MarkRecord { record, .. }
            | Decision::ConfirmHit { record } => record,
        }
    }
}

/// A decision with who made it, when and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionEntry {
    /// Sequence number, unique in the case.
    pub seq: u64,
    /// Who decided.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Why (optional note).
    #[serde(default)]
    pub note: String,
    /// What.
    pub decision: Decision,
}

/// An approver's sign-off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// Who signed off.
    pub by: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The state version that was signed off.
    pub version: u64,
}

/// The mutable state of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseState {
    /// Optimistic-concurrency counter: incremented on each save.
    pub version: u64,
    /// Case reference (appears in page footers: `SAR-<ref>-000001`).
    pub reference: String,
    /// Date the request was received.
    pub received: Date,
    /// The subject profile as given (TOML text).
    pub subject_toml: String,
    /// The organisation profile.
    pub org: OrgProfile,
    /// Clock events in date order.
    #[serde(default)]
    pub clock: Vec<ClockEvent>,
    /// Decisions in the order they were made.
    #[serde(default)]
    pub decisions: Vec<DecisionEntry>,
    /// The approver's sign-off, if any.
    #[serde(default)]
    pub sign_off: Option<SignOff>,
    /// The index the case was opened on (informational).
    #[serde(default)]
    pub index: String,
    /// How third-party names were found when the case was planned: the
    /// rules judged by the person-name model, or the rules alone (chosen
    /// explicitly with `--rules-only`). Empty in cases opened before this
    /// was recorded.
    #[serde(default)]
    pub name_detection: String,
}

/// What a record's fate is after decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Disclose (with its effective redactions).
    Disclose,
    /// A medium/low hit nobody has confirmed yet.
    NeedsReview,
    /// Withheld: not about the subject.
    NotAboutSubject,
    /// Withheld entirely under an exemption.
    Exempt {
        /// Reason code.
        code: String,
        /// Legal basis.
        legal_basis: String,
    },
}

impl CaseState {
    /// A fresh state at version 0.
    pub fn new(reference: &str, received: Date, subject_toml: &str, org: OrgProfile) -> Self {
        CaseState {
            version: 0,
            reference: reference.to_owned(),
            received,
            subject_toml: subject_toml.to_owned(),
            org,
            clock: Vec::new(),
            decisions: Vec::new(),
            sign_off: None,
            index: String::new(),
            name_detection: String::new(),
        }
    }

    /// The clock on `as_of`.
    pub fn clock_status(&self, as_of: Date) -> Result<ClockStatus, Error> {
        let h = Holidays::for_nation(self.org.bank_holidays)?;
        deadline::compute(self.received, &self.clock, &h, as_of)
    }

    /// Adds a clock event after checking the sequence stays valid.
    pub fn add_clock_event(&mut self, ev: ClockEvent) -> Result<(), Error> {
        let mut events = self.clock.clone();
        events.push(ev);
        let h = Holidays::for_nation(self.org.bank_holidays)?;
        let last = events.last().map(ClockEvent::on).unwrap_or(self.received);
        deadline::compute(self.received, &events, &h, last)?;
        self.clock = events;
        Ok(())
    }

    /// Records a decision by `by` at `at` (RFC 3339) and returns its sequence number.
    pub fn decide(&mut self, by: &str, at: &str, note: &str, decision: Decision) -> u64 {
        let seq = self.decisions.iter().map(|d| d.seq).max().unwrap_or(0) + 1;
        self.decisions.push(DecisionEntry {
            seq,
            by: by.to_owned(),
            at: at.to_owned(),
            note: note.to_owned(),
            decision,
        });
        // A decision after sign-off invalidates it.
        self.sign_off = None;
        seq
    }

    /// Records an approver's sign-off of the current version.
    pub fn sign_off(&mut self, by: &str, at: &str) {
        self.sign_off = Some(SignOff {
            by: by.to_owned(),
            at: at.to_owned(),
            version: self.version,
        });
    }

    /// The redactions in force for `record`: the plan, minus rejected ones,
    /// plus added redactions and span exemptions (later decisions win).
    pub fn effective_redactions(
        &self,
        record: &RecordId,
        plan: Option<&RecordPlan>,
    ) -> Vec<Redaction> {
        let mut out: BTreeMap<String, Redaction> = BTreeMap::new();
        if let Some(p) = plan {
            for r in &p.redactions {
                out.insert(r.id.clone(), r.clone());
            }
        }
        let planned: BTreeMap<&str, &Redaction> = plan
            .map(|p| p.redactions.iter().map(|r| (r.id.as_str(), r)).collect())
            .unwrap_or_default();
        for d in self
            .decisions
            .iter()
            .filter(|d| d.decision.record() == record)
        {
            match &d.decision {
                Decision::AcceptRedaction { redaction, .. } => {
                    if let Some(r) = planned.get(redaction.as_str()) {
                        out.insert(redaction.clone(), (*r).clone());
                    }
                }
                Decision::RejectRedaction { redaction, .. } => {
                    out.remove(redaction);
                }
                Decision::AddRedaction {
                    span,
                    category,
                    reason_code,
                    legal_basis,
                    ..
                } => {
                    let id = format!("d{}", d.seq);
                    out.insert(
                        id.clone(),
                        Redaction {
                            id,
                            span: *span,
                            category: *category,
                            reason_code: reason_code.clone(),
                            legal_basis: legal_basis.clone(),
                            confidence: 1.0,
                            recogniser: format!("caseworker:{}", d.by),
                            party: String::new(),
                        },
                    );
                }
                Decision::ExemptSpan {
                    span,
                    code,
                    legal_basis,
                    ..
                } => {
                    let id = format!("d{}", d.seq);
                    out.insert(
                        id.clone(),
                        Redaction {
                            id,
                            span: *span,
                            category: Category::Exemption,
                            reason_code: code.clone(),
                            legal_basis: legal_basis.clone(),
                            confidence: 1.0,
                            recogniser: format!("caseworker:{}", d.by),
                            party: String::new(),
                        },
                    );
                }
                Decision::MarkRecord { .. } | Decision::ConfirmHit { .. } => {}
            }
        }
        let mut v: Vec<Redaction> = out.into_values().collect();
        v.sort_by_key(|r| (r.span.start, r.span.end));
        v
    }

    /// Where review stands over `hits` with their `plans`.
    pub fn progress(&self, hits: &[Hit], plans: &BTreeMap<RecordId, RecordPlan>) -> Progress {
        let mut p = Progress {
            decisions: self.decisions.len(),
            ..Progress::default()
        };
        for h in hits {
            match h.band() {
                Band::High => p.high += 1,
                Band::Medium => p.medium += 1,
                Band::Low => p.low += 1,
            }
            match self.disposition(h) {
                Disposition::Disclose => p.disclose += 1,
                Disposition::NeedsReview => p.awaiting += 1,
                _ => p.withheld += 1,
            }
            p.redactions += self
                .effective_redactions(&h.record, plans.get(&h.record))
                .len();
        }
        p.flagged = plans.values().filter(|p| p.needs_review()).count();
        let decided: std::collections::BTreeSet<&RecordId> =
            self.decisions.iter().map(|d| d.decision.record()).collect();
        p.records_decided = decided.len();
        p
    }

    /// Whether `hit`'s record is disclosed, after decisions.
    pub fn disposition(&self, hit: &Hit) -> Disposition {
        let mut confirmed = hit.band() == Band::High;
        let mut mark: Option<RecordMark> = None;
        for d in self
            .decisions
            .iter()
            .filter(|d| d.decision.record() == &hit.record)
        {
            match &d.decision {
                Decision::ConfirmHit { .. } => confirmed = true,
                Decision::MarkRecord { mark: m, .. } => mark = m.clone(),
                _ => {}
            }
        }
        match mark {
            Some(RecordMark::NotAboutSubject) => Disposition::NotAboutSubject,
            Some(RecordMark::Exempt { code, legal_basis }) => {
                Disposition::Exempt { code, legal_basis }
            }
            None if confirmed => Disposition::Disclose,
            None => Disposition::NeedsReview,
        }
    }
}

/// A case folder on disk.
#[derive(Debug, Clone)]
pub struct CaseDir {
    path: PathBuf,
}

const STATE: &str = "state.json";
const LOCK: &str = "state.lock";
/// File names of the search and planning results.
pub const HITS: &str = "hits.json";
/// Plans by record id.
pub const PLANS: &str = "plans.json";
/// Record snapshots (the text the plans index into).
pub const RECORDS: &str = "records.json";
/// What could not be searched.
pub const UNSEARCHABLE: &str = "unsearchable.json";

impl CaseDir {
    /// Creates a case folder (it must not hold a case already) with its
    /// initial state and the search and planning results.
    pub fn create(
        path: &Path,
        state: &CaseState,
        hits: &[Hit],
        plans: &BTreeMap<RecordId, RecordPlan>,
        records: &[Record],
        unsearchable: &[Unsearchable],
    ) -> Result<CaseDir, Error> {
        sarx_model::private_fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        if path.join(STATE).exists() {
            return Err(Error::AlreadyExists(path.to_path_buf()));
        }
        let dir = CaseDir {
            path: path.to_path_buf(),
        };
        dir.write_json(HITS, &hits)?;
        dir.write_json(PLANS, plans)?;
        dir.write_json(RECORDS, &records)?;
        dir.write_json(UNSEARCHABLE, &unsearchable)?;
        let mut s = state.clone();
        s.version = 1;
        dir.write_json(STATE, &s)?;
        Ok(dir)
    }

    /// Opens an existing case folder.
    pub fn open(path: &Path) -> Result<CaseDir, Error> {
        if !path.join(STATE).is_file() {
            return Err(Error::NotACase(path.to_path_buf()));
        }
        Ok(CaseDir {
            path: path.to_path_buf(),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads the current state.
    pub fn load(&self) -> Result<CaseState, Error> {
        self.read_json(STATE)
    }

    /// Saves `state` if nobody saved since it was loaded; on success the
    /// state's version is incremented. Fails with [`Error::StaleVersion`]
    /// otherwise (reload, re-apply the change, save again).
    pub fn save(&self, state: &mut CaseState) -> Result<(), Error> {
        let _lock = Lock::acquire(&self.path.join(LOCK))?;
        let current: CaseState = self.read_json(STATE)?;
        if current.version != state.version {
            return Err(Error::StaleVersion {
                expected: state.version,
                found: current.version,
            });
        }
        let mut next = state.clone();
        next.version += 1;
        self.write_json(STATE, &next)?;
        state.version = next.version;
        Ok(())
    }

    /// Loads, applies `change`, saves; retries up to 5 times when another
    /// writer saved in between (the change is re-applied to fresh state).
    pub fn update<T>(
        &self,
        mut change: impl FnMut(&mut CaseState) -> Result<T, Error>,
    ) -> Result<(CaseState, T), Error> {
        let mut last = None;
        for _ in 0..5 {
            let mut s = self.load()?;
            let out = change(&mut s)?;
            match self.save(&mut s) {
                Ok(()) => return Ok((s, out)),
                Err(e @ Error::StaleVersion { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or(Error::StaleVersion {
            expected: 0,
            found: 0,
        }))
    }

    /// The hits.
    pub fn hits(&self) -> Result<Vec<Hit>, Error> {
        self.read_json(HITS)
    }
    /// The plans by record. (A plan stored before plans named their record
    /// takes the id it is stored under.)
    pub fn plans(&self) -> Result<BTreeMap<RecordId, RecordPlan>, Error> {
        let mut plans: BTreeMap<RecordId, RecordPlan> = self.read_json(PLANS)?;
        for (id, p) in plans.iter_mut() {
            if p.record_id.0.is_empty() {
                p.record_id = id.clone();
            }
        }
        Ok(plans)
    }
    /// The record snapshots.
    pub fn records(&self) -> Result<Vec<Record>, Error> {
        self.read_json(RECORDS)
    }
    /// What could not be searched.
    pub fn unsearchable(&self) -> Result<Vec<Unsearchable>, Error> {
        self.read_json(UNSEARCHABLE)
    }

    /// Reads a JSON file of the case.
    pub fn read_json<T: DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        let p = self.path.join(name);
        let bytes = fs::read(&p).map_err(|e| Error::io(&p, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Json(p, sarx_model::json_error(&e)))
    }

    /// Writes a JSON file of the case atomically.
    pub fn write_json<T: Serialize + ?Sized>(&self, name: &str, value: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec_pretty(value)
            .map_err(|e| Error::Json(self.path.join(name), sarx_model::json_error(&e)))?;
        write_atomic(&self.path.join(name), &bytes)
    }
}

/// Writes `bytes` to `path` atomically and private to the user (0600): a
/// temporary file in the same folder, fsync, rename over the target, fsync
/// of the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    sarx_model::private_fs::write_atomic(path, bytes).map_err(|e| Error::io(path, e))
}

/// An exclusive lock file held while comparing and replacing the state.
struct Lock {
    path: PathBuf,
}

impl Lock {
    fn acquire(path: &Path) -> Result<Lock, Error> {
        for _ in 0..200 {
            match sarx_model::private_fs::create_new(path) {
                Ok(_) => {
                    return Ok(Lock {
                        path: path.to_path_buf(),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    // A lock older than 30 s belongs to a crashed writer.
                    let stale = fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| SystemTime::now().duration_since(t).ok())
                        .is_some_and(|age| age > Duration::from_secs(30));
                    if stale {
                        let _ = fs::remove_file(path);
                    } else {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        Err(Error::Locked(path.to_path_buf()))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn case() -> (tempfile::TempDir, CaseDir) {
        let t = tempfile::tempdir().unwrap();
        let s = CaseState::new(
            "2025-001",
            date(2025, 3, 31),
            "name = \"A B\"\n",
            OrgProfile::default(),
        );
        let d = CaseDir::create(t.path(), &s, &[], &BTreeMap::new(), &[], &[]).unwrap();
        (t, d)
    }

    #[test]
    fn save_increments_version_and_rejects_stale() {
        let (_t, d) = case();
        let mut a = d.load().unwrap();
        let mut b = d.load().unwrap();
        assert_eq!(a.version, 1);
        a.decide(
            "ann",
            "2025-04-01T10:00:00Z",
            "",
            Decision::ConfirmHit {
                record: RecordId("x".into()),
            },
        );
        d.save(&mut a).unwrap();
        assert_eq!(a.version, 2);
        b.decide(
            "bob",
            "2025-04-01T10:00:01Z",
            "",
            Decision::ConfirmHit {
                record: RecordId("y".into()),
            },
        );
        assert!(matches!(
            d.save(&mut b),
            Err(Error::StaleVersion {
                expected: 1,
                found: 2
            })
        ));
        // update() re-applies on fresh state: both decisions survive.
        d.update(|s| {
            s.decide(
                "bob",
                "2025-04-01T10:00:02Z",
                "",
                Decision::ConfirmHit {
                    record: RecordId("y".into()),
                },
            );
            Ok(())
        })
        .unwrap();
        let s = d.load().unwrap();
        assert_eq!(s.decisions.len(), 2);
        assert_eq!(s.version, 3);
        // No temp files or lock left behind.
        let names: Vec<String> = fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.ends_with(".tmp") && n != LOCK),
            "{names:?}"
        );
    }

    #[test]
    fn concurrent_updates_lose_nothing() {
        let (_t, d) = case();
        std::thread::scope(|sc| {
            for w in 0..4 {
                let d = d.clone();
                sc.spawn(move || {
                    for i in 0..5 {
                        let mut tries = 0;
                        loop {
                            let r = d.update(|s| {
                                s.decide(
                                    &format!("w{w}"),
                                    "t",
                                    "",
                                    Decision::ConfirmHit {
                                        record: RecordId(format!("{w}-{i}")),
                                    },
                                );
                                Ok(())
                            });
                            match r {
                                Ok(_) => break,
                                Err(Error::StaleVersion { .. }) if tries < 50 => tries += 1,
                                Err(e) => panic!("{e}"),
                            }
                        }
                    }
                });
            }
        });
        assert_eq!(d.load().unwrap().decisions.len(), 20);
    }

    #[test]
    fn a_damaged_case_file_is_named_without_its_values() {
        let (t, d) = case();
        std::fs::write(
            t.path().join(HITS),
            r#"[{"record":"r1","source":"Margaret Okafor.txt","locator":"","kind":"text","confidence":"Margaret Okafor","evidence":[]}]"#,
        )
        .unwrap();
        let e = d.hits().unwrap_err().to_string();
        assert!(e.contains("unexpected value at line 1 column"), "{e}");
        assert!(!e.contains("Okafor"), "{e}");
    }

    #[test]
    fn create_refuses_existing_case() {
        let (t, _d) = case();
        let s = CaseState::new("x", date(2025, 1, 1), "", OrgProfile::default());
        assert!(matches!(
            CaseDir::create(t.path(), &s, &[], &BTreeMap::new(), &[], &[]),
            Err(Error::AlreadyExists(_))
        ));
    }

    #[test]
    fn clock_events_are_validated_and_move_deadline() {
        let (_t, d) = case();
        let mut s = d.load().unwrap();
        assert_eq!(
            s.clock_status(date(2025, 4, 1)).unwrap().deadline,
            date(2025, 4, 30)
        );
        s.add_clock_event(ClockEvent::Pause {
            on: date(2025, 4, 2),
            reason: crate::deadline::StopReason::Id,
        })
        .unwrap();
        assert!(s
            .add_clock_event(ClockEvent::Resume {
                on: date(2025, 4, 1)
            })
            .is_err());
        s.add_clock_event(ClockEvent::Resume {
            on: date(2025, 4, 7),
        })
        .unwrap();
        d.save(&mut s).unwrap();
        let s = d.load().unwrap();
        // 30 April + 5 days = 5 May 2025 (Early May bank holiday) -> 6 May.
        assert_eq!(
            s.clock_status(date(2025, 4, 8)).unwrap().deadline,
            date(2025, 5, 6)
        );
    }

    #[test]
    fn decisions_shape_effective_plan() {
        let rid = RecordId("r".into());
        let red = |id: &str, s, e| Redaction {
            id: id.into(),
            span: Span::new(s, e),
            category: Category::ThirdPartyName,
            reason_code: "third-party".into(),
            legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
            confidence: 0.9,
            recogniser: "names".into(),
            party: String::new(),
        };
        let plan = RecordPlan {
            record_id: rid.clone(),
            redactions: vec![red("r1", 0, 4), red("r2", 10, 14)],
            ..RecordPlan::default()
        };
        let mut s = CaseState::new("x", date(2025, 1, 1), "", OrgProfile::default());
        s.decide(
            "a",
            "t",
            "staff member",
            Decision::RejectRedaction {
                record: rid.clone(),
                redaction: "r2".into(),
            },
        );
        s.decide(
            "a",
            "t",
            "",
            Decision::AddRedaction {
                record: rid.clone(),
                span: Span::new(5, 8),
                category: Category::ThirdPartyContact,
                reason_code: "third-party".into(),
                legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
            },
        );
        let eff = s.effective_redactions(&rid, Some(&plan));
        let spans: Vec<_> = eff.iter().map(|r| (r.span.start, r.span.end)).collect();
        assert_eq!(spans, vec![(0, 4), (5, 8)]);
        let hit = Hit {
            record: rid.clone(),
            source: "s".into(),
            locator: String::new(),
            kind: Kind::Text,
            confidence: 0.6,
            evidence: vec![],
        };
        assert_eq!(s.disposition(&hit), Disposition::NeedsReview);
        let plans = BTreeMap::from([(rid.clone(), plan.clone())]);
        let p = s.progress(std::slice::from_ref(&hit), &plans);
        assert_eq!(
            (
                p.medium,
                p.awaiting,
                p.redactions,
                p.records_decided,
                p.decisions
            ),
            (1, 1, 2, 1, 2)
        );
        s.decide(
            "a",
            "t",
            "",
            Decision::ConfirmHit {
                record: rid.clone(),
            },
        );
        assert_eq!(s.disposition(&hit), Disposition::Disclose);
        s.decide(
            "a",
            "t",
            "",
            Decision::MarkRecord {
                record: rid.clone(),
                mark: Some(RecordMark::NotAboutSubject),
            },
        );
        assert_eq!(s.disposition(&hit), Disposition::NotAboutSubject);
        let p = s.progress(std::slice::from_ref(&hit), &plans);
        assert_eq!((p.disclose, p.awaiting, p.withheld), (0, 0, 1));
    }
}
