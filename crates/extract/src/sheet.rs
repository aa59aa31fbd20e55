//! CSV/TSV and workbooks (XLSX, XLSB, XLS, ODS via calamine): one record per row.
// PLACEHOLDER: to be implemented by the documents helper.
use crate::{Ctx, Failure, Format, Node, Result};

pub(crate) fn extract_delimited(_ctx: &mut Ctx<'_>, _node: &Node<'_>, _format: Format) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}

pub(crate) fn extract_workbook(_ctx: &mut Ctx<'_>, _node: &Node<'_>, _format: Format) -> Result<()> {
    Err(Failure::unsupported("not built yet"))
}
