//! The fixture-coverage test of `tests/redact_fixtures.rs`, also run from
//! this crate so that `cargo test -p sarx-redact` checks it without building
//! the whole binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

include!("../../../tests/it/redact_fixtures.rs");
