//! PDF via lopdf: text per page, document-info metadata.
// PLACEHOLDER: to be implemented by the documents helper.
use crate::{Ctx, Failure, Node, Result};

pub(crate) fn extract(_ctx: &mut Ctx<'_>, _node: &Node<'_>) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}
