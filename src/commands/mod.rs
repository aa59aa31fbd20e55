//! One module per subcommand: glue that wires the crates together.

pub mod bundle;
pub mod case;
pub mod index;
pub mod review;
pub mod search;
pub mod status;
pub mod user;
pub mod verify;
