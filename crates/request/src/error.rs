//! Errors of the request workflow. Messages name paths and stages, never
//! record contents.

/// What can go wrong in a request's workflow.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The index could not be read.
    #[error("{stage}: {source}")]
    Index {
        /// What the workflow was doing.
        stage: &'static str,
        /// The cause.
        source: sarx_index::Error,
    },
    /// The redaction engine could not be built.
    #[error("redaction planning: {0}")]
    Redact(sarx_redact::Error),
    /// The person-name model could not be loaded.
    #[error(
        "redaction planning needs the person-name model (or --rules-only to plan with the \
         rules alone): {0}"
    )]
    Model(sarx_ner::Error),
    /// An input file could not be read.
    #[error("reading {}: {}", path.display(), source.kind())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The subject profile is not usable.
    #[error(transparent)]
    Profile(sarx_detect::ProfileError),
    /// The organisation profile or the case folder is not usable.
    #[error(transparent)]
    Case(sarx_case::Error),
    /// The bundle could not be built, failed its verification, or could
    /// not be written.
    #[error(transparent)]
    Bundle(sarx_bundle::Error),
    /// A report could not be written (a closed pipe, a full disk).
    #[error("writing the report: {}", .0.kind())]
    Write(#[from] std::io::Error),
    /// A value could not be encoded for the case (a defect).
    #[error("encoding the locations of a de-duplicated record")]
    Encode,
}

impl Error {
    pub(crate) fn read(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn index(stage: &'static str) -> impl FnOnce(sarx_index::Error) -> Error {
        move |source| Error::Index { stage, source }
    }
}
