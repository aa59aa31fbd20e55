//! Outlook MSG (compound file) and TNEF.
// PLACEHOLDER: to be implemented by the mailbox helper.
use crate::{Ctx, Failure, Node, Result};

pub(crate) fn extract(_ctx: &mut Ctx<'_>, _node: &Node<'_>) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}

pub(crate) fn extract_tnef(_ctx: &mut Ctx<'_>, _node: &Node<'_>) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}
