//! `sarx case` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Subcommands of `sarx case`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs `sarx case`.
pub fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {}
}
