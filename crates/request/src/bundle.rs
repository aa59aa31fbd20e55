//! Writing a request's response bundle: from a reviewed case folder or in
//! one shot from an index, through the disclosure policy, page images or
//! the fresh rendering, verification, and (for a case) the case's record of
//! the bundle.
//!
//! For a case, the bundle's hashes and internal log are stored in the case
//! folder keyed by the bundle's SHA-256 while the verified bundle is still
//! staged, and only then is it renamed into place: a kill between the two
//! leaves the previous bundle beside its own hashes. The latest copies
//! under the names readers know are written last.

use std::path::PathBuf;

use jiff::civil::Date;
use sarx_bundle::{Built, Options, PageRenderer};
use sarx_case::CaseDir;

use crate::case::{prepare_files, read_staff, CaseFiles, Prepared};
use crate::disclose::{self, BundleInputs, Mode};
use crate::Error;

/// Where the bundle's records come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A case folder, with its caseworkers' decisions.
    Case(PathBuf),
    /// An index, searched and planned now, without review.
    OneShot {
        /// The inputs of the search and plans.
        files: CaseFiles,
        /// Also disclose hits nobody confirmed (name-only, linked only).
        include_unconfirmed: bool,
    },
}

/// A bundle to write.
#[derive(Debug, Clone)]
pub struct Job {
    /// Where the records come from.
    pub source: Source,
    /// Staff directory CSV: staff contacts are not third parties.
    pub staff: Option<PathBuf>,
    /// The zip to write.
    pub out: PathBuf,
    /// Encrypt the zip (AES-256) with this passphrase.
    pub passphrase: Option<String>,
    /// The day the clock is read on.
    pub today: Date,
}

/// A bundle written.
#[derive(Debug)]
pub struct Written {
    /// What was built and verified.
    pub built: Built,
    /// Hits left out for want of a caseworker's confirmation.
    pub awaiting: usize,
    /// Whether the bundle came from a case folder.
    pub from_case: bool,
    /// For a case: whether an approver signed it off.
    pub signed_off: bool,
}

/// Builds, verifies and writes the bundle of `job`. A bundle that fails
/// verification is not written: the error is
/// `Error::Bundle(sarx_bundle::Error::VerificationFailed(..))`.
pub fn write(job: &Job) -> Result<Written, Error> {
    let (parts, case) = match &job.source {
        Source::Case(dir) => {
            let c = CaseDir::open(dir).map_err(Error::Case)?;
            (Prepared::load(&c)?, Some(c))
        }
        Source::OneShot { files, .. } => (prepare_files(files)?, None),
    };
    let Prepared {
        state,
        hits,
        plans,
        records,
        unsearchable,
    } = parts;
    let mode = match &job.source {
        Source::Case(_) => Mode::Reviewed,
        Source::OneShot {
            include_unconfirmed,
            ..
        } => Mode::OneShot {
            include_unconfirmed: *include_unconfirmed,
        },
    };
    let staff = match &job.staff {
        Some(p) => disclose::staff_contacts(&read_staff(p)?),
        None => Vec::new(),
    };
    let (spec, awaiting) = disclose::bundle_spec(BundleInputs {
        state: &state,
        hits: &hits,
        plans: &plans,
        records: &records,
        unsearchable,
        clock: state.clock_status(job.today).map_err(Error::Case)?,
        staff,
        mode,
    });
    let opts = Options {
        passphrase: job.passphrase.clone(),
        salt: None,
        skip_verification: false,
    };
    let renderer = PageRenderer::for_records(spec.disclosures.iter().map(|d| &d.record));
    let staged =
        sarx_bundle::build_staged(&spec, &renderer, &job.out, &opts).map_err(Error::Bundle)?;
    if let Some(c) = &case {
        let b = staged.built();
        let sha = &b.secrets.bundle_sha256;
        store(c, &sarx_bundle::verify::hashes_file_name(sha), &b.secrets)?;
        store(
            c,
            &sarx_bundle::verify::internal_log_file_name(sha),
            &b.internal_log,
        )?;
    }
    let built = staged.commit().map_err(Error::Bundle)?;
    if let Some(c) = &case {
        store(c, "redacted-hashes.json", &built.secrets)?;
        store(c, "redaction-log.internal.json", &built.internal_log)?;
    }
    Ok(Written {
        built,
        awaiting,
        from_case: case.is_some(),
        signed_off: state.sign_off.is_some(),
    })
}

fn store(case: &CaseDir, name: &str, value: &impl serde::Serialize) -> Result<(), Error> {
    case.write_json(name, value).map_err(Error::Case)
}
