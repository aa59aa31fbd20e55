//! `sarx verify bundle.zip --case CASE_DIR`: proves no redacted string
//! survives in a bundle. Every file is re-extracted independently of the
//! renderer (PDF text via `sarx_extract` and lopdf, HTML, CSV, JSON) and
//! checked against the case's salted hashes of redacted strings
//! (`redacted-hashes.json`, written by `sarx bundle --case`); the manifest's
//! hashes must match. Exit 1 on any finding, with how to resolve each one
//! in the case (redaction id, record, files; never the text).

use std::path::PathBuf;

use anyhow::Context;
use sarx_case::CaseDir;

use crate::ExitStatus;

/// Arguments of `sarx verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle zip.
    #[arg(value_name = "BUNDLE")]
    pub bundle: PathBuf,
    /// The case folder holding `redacted-hashes.json`.
    #[arg(long, value_name = "CASE_DIR")]
    pub case: PathBuf,
}

/// Runs `sarx verify`.
pub fn run(a: Args) -> anyhow::Result<ExitStatus> {
    let case = CaseDir::open(&a.case)?;
    // The hashes written for this very bundle; else the latest bundle's,
    // and the bundle is reported as not one this case built.
    let sha = sarx_bundle::verify::file_sha256(&a.bundle)?;
    let keyed = sarx_bundle::verify::hashes_file_name(&sha);
    let (secrets, ours): (sarx_bundle::Secrets, bool) = if case.path().join(&keyed).is_file() {
        (case.read_json(&keyed)?, true)
    } else {
        let s: sarx_bundle::Secrets = case.read_json("redacted-hashes.json").context(
                "the case has no redaction hashes yet: build its bundle with `sarx bundle --case` first",
            )?;
        // Hashes from before bundles were keyed carry no bundle hash.
        let ours = s.bundle_sha256.is_empty() || s.bundle_sha256 == sha;
        (s, ours)
    };
    let passphrase = if sarx_bundle::verify::is_encrypted(&a.bundle)? {
        Some(crate::commands::bundle::passphrase()?)
    } else {
        None
    };
    let v = sarx_bundle::verify(&a.bundle, &secrets, passphrase.as_deref())?;
    if !ours {
        println!(
            "FAILED: this bundle is not one this case built: its SHA-256 matches none of the \
             case's bundles (it was changed after it was written, or belongs to another case); \
             checked against the case's latest bundle's hashes: {}",
            v.summary()
        );
        for a in v.advice() {
            println!("  {a}");
        }
        return Ok(ExitStatus::Attention);
    }
    if v.is_clean() {
        println!("OK: {}", v.summary());
        Ok(ExitStatus::Success)
    } else {
        println!("FAILED: {}", v.summary());
        for a in v.advice() {
            println!("  {a}");
        }
        Ok(ExitStatus::Attention)
    }
}
