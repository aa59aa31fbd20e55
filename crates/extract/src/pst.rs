//! Outlook PST/OST via outlook-pst, streamed from the file.
// PLACEHOLDER: to be implemented by the mailbox helper.
use std::path::Path;

use crate::{Ctx, Failure, Node, Result};

/// True when the file at `path` starts with the PST/OST magic.
pub(crate) fn is_pst_path(_path: &Path) -> bool {
    false
}

pub(crate) fn extract_path(_ctx: &mut Ctx<'_>, _path: &Path, _size: u64) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}

pub(crate) fn extract_bytes(_ctx: &mut Ctx<'_>, _node: &Node<'_>) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}
