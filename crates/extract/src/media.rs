//! Images, audio and video: no text to search, so each is reported as
//! needing manual review (a person must look at or listen to it).

use sarx_model::Reason;

use crate::{Ctx, Failure, Format, Node, Result};

pub(crate) fn extract(_ctx: &mut Ctx<'_>, _node: &Node<'_>, format: Format) -> Result<()> {
    Err(Failure::new(
        Reason::NeedsManualReview,
        format!("{} file: no text layer, needs manual review", format.name()),
    ))
}
