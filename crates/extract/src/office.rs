//! DOCX, ODT, PPTX, ODP and RTF.
// PLACEHOLDER: to be implemented by the documents helper.
use crate::{Ctx, Failure, Format, Node, Result};

pub(crate) fn extract(_ctx: &mut Ctx<'_>, _node: &Node<'_>, _format: Format) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}

/// Visible text of an RTF document.
pub(crate) fn rtf_to_text(rtf: &str) -> String {
    rtf.to_owned()
}
