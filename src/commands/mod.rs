//! One module per subcommand: it reads the inputs, calls the workflow in
//! the library crates and prints the outcome.

pub mod bundle;
pub mod case;
pub mod index;
pub mod print;
pub mod review;
pub mod search;
pub mod status;
pub mod user;
pub mod verify;
