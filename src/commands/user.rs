//! `sarx user` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Subcommands of `sarx user`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {}

/// Runs `sarx user`.
pub fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {}
}
