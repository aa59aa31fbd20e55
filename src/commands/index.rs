//! `sarx index` (PLACEHOLDER: being built).

use crate::ExitStatus;

/// Arguments of `sarx index`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `sarx index`.
pub fn run(_args: Args) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("sarx index is not built yet")
}
