//! `sarx verify` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Arguments of `sarx verify`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `sarx verify`.
pub fn run(_args: Args) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("sarx verify is not built yet")
}
