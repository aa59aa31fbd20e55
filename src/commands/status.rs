//! `sarx status` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Arguments of `sarx status`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `sarx status`.
pub fn run(_args: Args) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("sarx status is not built yet")
}
