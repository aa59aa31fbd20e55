//! `sarx search` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Arguments of `sarx search`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `sarx search`.
pub fn run(_args: Args) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("sarx search is not built yet")
}
