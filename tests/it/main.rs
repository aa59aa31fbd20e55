//! The integration tests of the `sarx` binary, as one test binary (one
//! link instead of one per file): each module runs the real binary
//! (`common::sarx`) or the library crates on the fixtures.
//!
//! Run one module with `cargo test --test it <module>::`, e.g.
//! `cargo test --test it search_fixtures:: -- --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may panic

mod common;

mod bundle_fixtures;
mod bundle_verify;
mod case_cli;
mod fixtures_roundtrip;
mod index_corpus_real;
mod index_incremental;
mod index_quiet_dependencies;
mod index_sigkill;
#[cfg(unix)]
mod kill;
mod listing_redaction;
mod listing_rows;
mod mailbox_dedup_thread;
mod no_values_in_errors;
mod ocr_scans;
mod one_shot_unconfirmed;
mod page_images;
#[cfg(unix)]
mod permissions;
mod privacy_notices;
mod pst_readpst_peer;
mod redact_fixtures;
mod review_e2e;
mod search_fixtures;
mod snapshots;
