//! The sarx index: tantivy **shards** written by batch jobs, searched
//! together.
//!
//! An index directory `IDX` holds `IDX/shards/<name>/`, each a
//! self-contained tantivy index built by one batch job
//! (`sarx index --index IDX --shard NAME ROOT...`). Shards can be built on
//! different machines and copied side by side; [`IndexSet::open`] searches
//! them all. tantivy types never leave this crate.
//!
//! **Writer** ([`IndexerBuilder`] → [`Indexer::run`]): crawls the roots with
//! `sarx-crawl`, writes each file's records, unsearchable entries and
//! fingerprint in the **same commit**, so a crash (even SIGKILL) leaves a
//! shard that opens and is consistent; the next run skips files whose
//! fingerprint is committed and redoes the rest. A re-extracted file's old
//! documents are deleted by `source` first; files that disappeared from the
//! roots are deleted at the end of a complete walk. Every record is present
//! exactly once.
//!
//! **Reader** ([`IndexSet`]): candidate records for a subject (phrases in
//! `text`/`title`/`parties`, or identifier keys in `ident`), records by id,
//! children, the unsearchable list, statistics, and a visitor over every
//! record. Records come back whole (the extracted text is stored), so later
//! stages never re-read the originals.
//!
//! Text analysis (see `analyzer.rs`): lowercased, folded to ASCII, and
//! apostrophe/hyphen compounds indexed both split and joined, so `O'Neill`
//! is found by `o'neill`, `o neill` and `oneill`, and `Zoë` by `zoe`.
//!
//! ```
//! use sarx_index::{IndexSet, IndexerBuilder};
//! let share = tempfile::tempdir().unwrap();
//! std::fs::write(share.path().join("note.txt"), "Call from Mrs Zoë O'Neill about repairs").unwrap();
//! let idx = tempfile::tempdir().unwrap();
//! let summary = IndexerBuilder::new().threads(1).build()
//!     .run(idx.path(), "share", &[share.path().to_path_buf()]).unwrap();
//! assert_eq!(summary.records_added, 1);
//! let set = IndexSet::open(idx.path()).unwrap();
//! let hits = set.candidates(&["zoe oneill".to_string()], &[], 10).unwrap();
//! assert_eq!(hits.len(), 1);
//! ```
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod analyzer;
mod reader;
mod schema;
mod writer;

pub use reader::IndexSet;
pub use writer::{default_shard_name, Indexer, IndexerBuilder, Progress, Summary, Timing};

/// Errors of the index. Messages name paths, never file contents.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file-system operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The search engine reported an error.
    #[error("index {path}: {message}")]
    Engine {
        /// The shard directory.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Another process is writing this shard.
    #[error("index {0}: another `sarx index` is writing this shard")]
    Locked(PathBuf),
    /// The directory is not a shard.
    #[error("{0} is not an index shard")]
    NotAShard(PathBuf),
    /// The directory holds no shard.
    #[error("{0} holds no index shard (run `sarx index --index {0} ROOT...` first)")]
    NoShards(PathBuf),
    /// A root to crawl does not exist or cannot be read.
    #[error("root {path}: {source}")]
    Root {
        /// The root as given.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A shard name that is not a plain folder name.
    #[error("invalid shard name {0:?}: use letters, digits, '.', '_' and '-'")]
    BadShardName(String),
    /// The shard's schema is not the one this version writes.
    #[error("unexpected index schema: {0}")]
    Schema(String),
    /// A stored record could not be decoded.
    #[error("stored record: {0}")]
    Json(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
    pub(crate) fn engine(path: &Path, e: tantivy::TantivyError) -> Error {
        if matches!(e, tantivy::TantivyError::LockFailure(..)) {
            return Error::Locked(path.to_path_buf());
        }
        Error::Engine {
            path: path.to_path_buf(),
            message: e.to_string(),
        }
    }
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What an index (or one shard) holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Crawled files with a committed fingerprint.
    pub files: u64,
    /// Records.
    pub records: u64,
    /// Records by kind (`Kind::as_str`).
    pub records_by_kind: BTreeMap<String, u64>,
    /// Unsearchable entries.
    pub unsearchable: u64,
    /// Unsearchable entries by reason code (`Reason::code`).
    pub unsearchable_by_reason: BTreeMap<String, u64>,
    /// Total size of the crawled files.
    pub input_bytes: u64,
    /// Size of the index on disk.
    pub index_bytes: u64,
    /// Per shard (empty inside a [`ShardStats`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<ShardStats>,
}

/// One shard's statistics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardStats {
    /// Shard name (its folder under `shards/`).
    pub name: String,
    /// Roots of the last run, as given.
    pub roots: Vec<String>,
    /// Unix time of the last commit.
    pub updated_unix: u64,
    /// False when the last run was interrupted (Ctrl-C) before it finished.
    pub complete: bool,
    /// Counts.
    #[serde(flatten)]
    pub stats: Stats,
}

/// Size of the files under `dir`, recursively.
pub(crate) fn dir_size(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}

/// The folder holding the shards of index `dir`.
pub(crate) fn shards_dir(dir: &Path) -> PathBuf {
    dir.join("shards")
}
