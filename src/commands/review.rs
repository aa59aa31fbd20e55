//! `sarx review` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Arguments of `sarx review`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `sarx review`.
pub fn run(_args: Args) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("sarx review is not built yet")
}
