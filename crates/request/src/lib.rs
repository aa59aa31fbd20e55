//! The workflow of one subject access request, shared by the `sarx` binary,
//! the benches and the tests.
//!
//! - [`search()`]: every record about the subject in an index: candidates
//!   from the index, the subject matcher on every core, records linked by a
//!   case or account number a confident hit gives
//!   ([`sarx_detect::linked`]), de-duplication and e-mail threads.
//! - [`case::prepare`]: a case from a search: record snapshots in bundle
//!   order and their redaction plans.
//! - [`disclose`]: the disclosure policy (what a bundle discloses, withholds
//!   and leaves for review) and the bundle's specification.
//! - [`bundle::write`]: the bundle of a case folder or of a one-shot
//!   request, verified, with the case's record of it.
//! - [`report`]: the plain-text reports the commands print (an index run's
//!   summary, a search's table, a case's status), written to any `Write`.
//!
//! The index is read only; nothing here writes to the terminal itself.
//! The caller gives the input files and writes the case folder;
//! [`bundle::write`] writes the bundle and its record in the case folder.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod bundle;
pub mod case;
pub mod disclose;
mod error;
pub mod report;
pub mod search;

pub use error::Error;
pub use search::{search, SearchOptions};
