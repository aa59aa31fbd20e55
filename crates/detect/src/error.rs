//! Errors of sarx-detect.

use thiserror::Error;

/// A subject profile that cannot be used. Messages name the key and line,
/// never the value (it is personal data).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// The TOML does not parse, has an unknown key, or a value of the wrong type.
    #[error("subject profile{}: {message}", line_suffix(*.line))]
    Syntax {
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong (names the key for unknown or missing keys).
        message: String,
    },
    /// A value is present but not valid for its key.
    #[error("subject profile, line {line}: `{key}` {problem}")]
    Invalid {
        /// The key (`ni_number`, `phones[1]`, …).
        key: String,
        /// 1-based line of the value.
        line: usize,
        /// What is wrong with it.
        problem: String,
    },
}

fn line_suffix(line: Option<usize>) -> String {
    line.map(|l| format!(", line {l}")).unwrap_or_default()
}

/// An engine that could not be built (a recogniser pattern failed to compile).
#[derive(Debug, Error)]
#[error("recogniser patterns do not compile: {0}")]
pub struct BuildError(#[from] pub(crate) regex::Error);
