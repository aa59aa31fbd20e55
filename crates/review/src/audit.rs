//! The audit log: who decided what, when and why, appended as JSON lines to
//! `CASE_DIR/audit.jsonl` and chained by SHA-256 hashes so that editing,
//! removing or reordering any entry is detectable.
//!
//! Each entry's `hash` is `sha256(prev_hash || canonical JSON of the entry
//! without its hash)`; the first entry's `prev_hash` is 64 zeros.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// The file name of the audit log inside a case folder.
pub const AUDIT_FILE: &str = "audit.jsonl";

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log, from 1.
    pub seq: u64,
    /// RFC 3339 UTC time.
    pub time: String,
    /// Who.
    pub user: String,
    /// What (e.g. `redaction.reject`, `case.sign_off`).
    pub action: String,
    /// Which record, if any.
    #[serde(default)]
    pub record: String,
    /// Details of the decision (ids, span offsets, reason codes — no redacted text).
    #[serde(default)]
    pub detail: String,
    /// Why, as the user gave it.
    #[serde(default)]
    pub why: String,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// Hash of this entry.
    pub hash: String,
}

#[derive(Serialize)]
struct Unhashed<'a> {
    seq: u64,
    time: &'a str,
    user: &'a str,
    action: &'a str,
    record: &'a str,
    detail: &'a str,
    why: &'a str,
    prev_hash: &'a str,
}

fn hash_of(e: &Entry) -> String {
    let body = Unhashed {
        seq: e.seq,
        time: &e.time,
        user: &e.user,
        action: &e.action,
        record: &e.record,
        detail: &e.detail,
        why: &e.why,
        prev_hash: &e.prev_hash,
    };
    let json = serde_json::to_vec(&body).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(e.prev_hash.as_bytes());
    h.update(&json);
    hex::encode(h.finalize())
}

/// An append-only audit log for one case.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    // (last seq, last hash); the lock also serialises appends.
    tail: Mutex<(u64, String)>,
}

/// The result of verifying a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every entry links to the one before it; `entries` counted.
    Intact {
        /// Number of entries.
        entries: u64,
    },
    /// The chain breaks at line `line` (1-based), for `reason`.
    Broken {
        /// The first bad line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
}

impl AuditLog {
    /// Opens (or starts) the audit log of the case at `case_dir`.
    pub fn open(case_dir: &Path) -> Result<AuditLog, Error> {
        let path = case_dir.join(AUDIT_FILE);
        let tail = match verify_file(&path)? {
            (Verification::Intact { .. }, tail) => tail,
            (Verification::Broken { line, reason }, _) => {
                return Err(Error::Audit(format!(
                    "the audit log is damaged at line {line}: {reason}"
                )))
            }
        };
        Ok(AuditLog {
            path,
            tail: Mutex::new(tail),
        })
    }

    /// Opens the log of the case at `case_dir` even when its chain is
    /// broken: new entries follow the last entry that can be read, so the
    /// break stays where it is for `verify` to report.
    pub fn open_accepting_breaks(case_dir: &Path) -> Result<AuditLog, Error> {
        let path = case_dir.join(AUDIT_FILE);
        let tail = match verify_file(&path)? {
            (Verification::Intact { .. }, tail) => tail,
            (Verification::Broken { .. }, tail) => {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| Error::Io(path.to_path_buf(), e))?;
                text.lines()
                    .rev()
                    .find_map(|l| serde_json::from_str::<Entry>(l).ok())
                    .map(|e| (e.seq, e.hash))
                    .unwrap_or(tail)
            }
        };
        Ok(AuditLog {
            path,
            tail: Mutex::new(tail),
        })
    }

    /// Appends an entry and flushes it to disk before returning.
    pub fn append(
        &self,
        user: &str,
        action: &str,
        record: &str,
        detail: &str,
        why: &str,
    ) -> Result<Entry, Error> {
        let mut tail = self
            .tail
            .lock()
            .map_err(|_| Error::Audit("audit lock poisoned".into()))?;
        let mut entry = Entry {
            seq: tail.0 + 1,
            time: now_rfc3339(),
            user: user.to_owned(),
            action: action.to_owned(),
            record: record.to_owned(),
            detail: detail.to_owned(),
            why: why.to_owned(),
            prev_hash: tail.1.clone(),
            hash: String::new(),
        };
        entry.hash = hash_of(&entry);
        let mut line = serde_json::to_vec(&entry).map_err(|e| Error::Audit(e.to_string()))?;
        line.push(b'\n');
        let mut f = sarx_model::private_fs::open_append(&self.path)
            .map_err(|e| Error::Io(self.path.clone(), e))?;
        f.write_all(&line)
            .map_err(|e| Error::Io(self.path.clone(), e))?;
        f.sync_data().map_err(|e| Error::Io(self.path.clone(), e))?;
        *tail = (entry.seq, entry.hash.clone());
        Ok(entry)
    }

    /// All entries, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, Error> {
        read_entries(&self.path)
    }
}

fn read_entries(path: &Path) -> Result<Vec<Entry>, Error> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::Io(path.to_path_buf(), e)),
    };
    let mut out = Vec::new();
    for line in std::io::BufReader::new(f).lines() {
        let line = line.map_err(|e| Error::Io(path.to_path_buf(), e))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(&line).map_err(|e| {
            Error::Audit(format!("unreadable entry: {}", sarx_model::json_error(&e)))
        })?);
    }
    Ok(out)
}

/// Verifies the chain of the audit log in `case_dir`.
pub fn verify(case_dir: &Path) -> Result<Verification, Error> {
    Ok(verify_file(&case_dir.join(AUDIT_FILE))?.0)
}

fn verify_file(path: &Path) -> Result<(Verification, (u64, String)), Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Verification::Intact { entries: 0 }, (0, GENESIS.to_owned())))
        }
        Err(e) => return Err(Error::Io(path.to_path_buf(), e)),
    };
    let mut prev = GENESIS.to_owned();
    let mut seq = 0u64;
    for (i, line) in text.lines().enumerate() {
        let n = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let e: Entry = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(_) => {
                return Ok((
                    Verification::Broken {
                        line: n,
                        reason: "not a valid entry".into(),
                    },
                    (seq, prev),
                ))
            }
        };
        if e.seq != seq + 1 {
            return Ok((
                Verification::Broken {
                    line: n,
                    reason: format!("expected entry {} but found {}", seq + 1, e.seq),
                },
                (seq, prev),
            ));
        }
        if e.prev_hash != prev {
            return Ok((
                Verification::Broken {
                    line: n,
                    reason: "does not link to the previous entry".into(),
                },
                (seq, prev),
            ));
        }
        if hash_of(&e) != e.hash {
            return Ok((
                Verification::Broken {
                    line: n,
                    reason: "entry was altered (hash mismatch)".into(),
                },
                (seq, prev),
            ));
        }
        seq = e.seq;
        prev = e.hash;
    }
    Ok((Verification::Intact { entries: seq }, (seq, prev)))
}

/// The current UTC time as RFC 3339 (second precision).
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_verifies_and_detects_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::open(dir.path()).unwrap();
        log.append(
            "alice",
            "redaction.reject",
            "r1",
            "span 10..20",
            "subject's own address",
        )
        .unwrap();
        log.append("bob", "redaction.add", "r1", "span 30..42", "")
            .unwrap();
        log.append("alice", "case.sign_off", "", "", "checked")
            .unwrap();
        assert_eq!(
            verify(dir.path()).unwrap(),
            Verification::Intact { entries: 3 }
        );

        // Reopening continues the chain.
        let log = AuditLog::open(dir.path()).unwrap();
        log.append("alice", "note", "", "", "").unwrap();
        assert_eq!(
            verify(dir.path()).unwrap(),
            Verification::Intact { entries: 4 }
        );

        let path = dir.path().join(AUDIT_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        // Alter one entry's reason.
        std::fs::write(&path, text.replacen("subject's own address", "changed", 1)).unwrap();
        assert!(matches!(
            verify(dir.path()).unwrap(),
            Verification::Broken { line: 1, .. }
        ));
        // Drop an entry.
        let lines: Vec<&str> = text.lines().collect();
        let dropped = format!("{}\n{}\n{}\n", lines[0], lines[2], lines[3]);
        std::fs::write(&path, dropped).unwrap();
        assert!(matches!(
            verify(dir.path()).unwrap(),
            Verification::Broken { line: 2, .. }
        ));
        assert!(AuditLog::open(dir.path()).is_err());
    }
}
