//! EML, mbox and EMLX via mail-parser.
// PLACEHOLDER: to be implemented by the mail helper.
use crate::{Ctx, Failure, Format, Node, Result};

pub(crate) fn extract(_ctx: &mut Ctx<'_>, _node: &Node<'_>, _format: Format) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}
