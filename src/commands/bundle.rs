//! `sarx bundle` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Arguments of `sarx bundle`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `sarx bundle`.
pub fn run(_args: Args) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("sarx bundle is not built yet")
}
