//! HTML: visible text only (no scripts, styles or comments).
// PLACEHOLDER: to be implemented by the documents helper.
use crate::{Ctx, Failure, Node, Result};

pub(crate) fn extract(_ctx: &mut Ctx<'_>, _node: &Node<'_>) -> Result<()> {
    Err(Failure::unsupported("HTML extraction is not built yet"))
}

/// Visible text of an HTML document.
pub(crate) fn to_text(html: &str) -> String {
    html.to_owned()
}
