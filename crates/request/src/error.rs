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
}

impl Error {
    pub(crate) fn index(stage: &'static str) -> impl FnOnce(sarx_index::Error) -> Error {
        move |source| Error::Index { stage, source }
    }
}
