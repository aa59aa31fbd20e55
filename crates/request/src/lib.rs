//! The workflow of one subject access request, shared by the `sarx` binary,
//! the benches and the tests.
//!
//! - [`search()`]: every record about the subject in an index: candidates
//!   from the index, the subject matcher on every core, records linked by a
//!   case or account number a confident hit gives
//!   ([`sarx_detect::linked`]), de-duplication and e-mail threads.
//!
//! The index is read only; nothing here writes or prints.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod error;
pub mod search;

pub use error::Error;
pub use search::{search, SearchOptions};
