//! The OCR pass over a PDF's pages: which pages need it, rendering them
//! from a private temporary copy, and splicing the text read into the
//! record at each page's place.

use super::*;

/// Share of a page that an image must cover for a page with a text layer
/// to be OCR'd as well (for the lines the text layer lacks).
pub(super) const SCANNED_REGION: f32 = 0.2;

/// What OCR made of a PDF's pages.
#[derive(Default)]
pub(super) struct OcrPass {
    /// Pages tried.
    pub(super) tried: usize,
    /// Pages read, with their 0-based index in the document.
    pub(super) pages: Vec<sarx_ocr::OcrPage>,
    /// Why some pages were not read (the first failure, with a count).
    pub(super) failure: Option<Failure>,
}

/// OCRs the pages that need it: in `auto` the pages without a text layer
/// (the whole page) and pages with one and a scanned region (the lines
/// the text layer lacks); in `force` every page. The PDF is written to a
/// private temporary file for `pdftoppm`. A page's `page` is its 1-based
/// number.
pub(super) fn ocr_pages(
    ctx: &Ctx<'_>,
    node: &Node<'_>,
    layout: &[(bool, f32)],
    text: &str,
    starts: &[usize],
) -> Result<OcrPass> {
    let ocr = ctx.ocr();
    let mut pass = OcrPass::default();
    let Some(engine) = ocr.engine() else {
        return Ok(pass);
    };
    let force = ocr.mode == crate::OcrMode::Force;
    let wanted: Vec<(usize, bool)> = layout
        .iter()
        .enumerate()
        .filter_map(|(i, &(has_text, image_share))| {
            if force || !has_text {
                Some((i, true))
            } else if image_share >= SCANNED_REGION {
                Some((i, false))
            } else {
                None
            }
        })
        .collect();
    if wanted.is_empty() {
        return Ok(pass);
    }
    let file = match write_private_temp(node.bytes) {
        Ok(f) => f,
        Err(e) => {
            pass.failure = Some(Failure::new(
                Reason::ExtractorFailed,
                format!(
                    "the PDF could not be written to a temporary file for OCR: {}",
                    e.kind()
                ),
            ));
            return Ok(pass);
        }
    };
    let mut failed = 0usize;
    for (n, &(i, whole)) in wanted.iter().enumerate() {
        if let Err(f) = ctx.check_time() {
            pass.failure = Some(Failure::new(
                f.reason,
                format!(
                    "OCR stopped before page {} ({} of {} pages to OCR read): {}; the rest need manual review",
                    i + 1,
                    n,
                    wanted.len(),
                    f.detail
                ),
            ));
            break;
        }
        pass.tried += 1;
        let page_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let remaining = ctx
            .limits()
            .max_time
            .saturating_sub(ctx.started.elapsed())
            .max(std::time::Duration::from_secs(1));
        match ocr.pdf_page(engine, file.path(), page_no, remaining) {
            Ok(p) if whole => pass.pages.push(p),
            Ok(p) => {
                let start = starts.get(i).copied().unwrap_or(0);
                let end = starts.get(i + 1).copied().unwrap_or(text.len());
                let layer = text.get(start..end).unwrap_or("");
                pass.pages.push(crate::ocr::lines_lacking(&p, layer));
            }
            Err(f) => {
                failed += 1;
                if pass.failure.is_none() {
                    pass.failure = Some(f);
                }
            }
        }
    }
    if failed > 0 {
        if let Some(f) = pass.failure.as_mut() {
            f.detail = format!("OCR of {failed} page(s) failed, first: {}", f.detail);
        }
    }
    Ok(pass)
}

/// The PDF's bytes in a temporary file only this user can read (0600),
/// removed when dropped.
pub(super) fn write_private_temp(bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut f = tempfile::Builder::new()
        .prefix("sarx-ocr-")
        .suffix(".pdf")
        .tempfile()?;
    f.write_all(bytes)?;
    f.flush()?;
    Ok(f)
}

/// The text with each OCR'd page's text after that page's text layer;
/// the new page starts; the words' spans point into the new text.
pub(super) fn splice(
    text: &str,
    starts: &[usize],
    ocr: &[sarx_ocr::OcrPage],
    words: &mut Vec<sarx_model::WordBox>,
) -> (String, Vec<usize>) {
    let mut out =
        String::with_capacity(text.len() + ocr.iter().map(|p| p.text.len() + 2).sum::<usize>());
    let mut new_starts = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts
            .get(i + 1)
            .map(|s| s.saturating_sub(1))
            .unwrap_or(text.len());
        if i > 0 {
            out.push('\u{c}');
        }
        new_starts.push(out.len());
        let seg = text.get(start..end).unwrap_or("");
        out.push_str(seg);
        let page_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if let Some(p) = ocr.iter().find(|p| p.page == page_no && !p.text.is_empty()) {
            if !seg.trim().is_empty() {
                out.push_str("\n\n");
            }
            crate::ocr::append_page(&mut out, words, p);
        }
    }
    (out, new_starts)
}

/// The page's area in default user space units (its MediaBox, inherited
/// from the page tree; A4 when there is none).
pub(super) fn page_area(doc: &Document, page: ObjectId) -> f32 {
    let mut id = Some(page);
    for _ in 0..32 {
        let Some(dict) = id.and_then(|i| doc.get_dictionary(i).ok()) else {
            break;
        };
        if let Some(b) = dict
            .get(b"MediaBox")
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_array().ok())
        {
            let v: Vec<f32> = b.iter().filter_map(num).collect();
            if let [x0, y0, x1, y1] = v.as_slice() {
                let a = ((x1 - x0) * (y1 - y0)).abs();
                if a > 1.0 {
                    return a;
                }
            }
        }
        id = dict.get(b"Parent").and_then(Object::as_reference).ok();
    }
    595.0 * 842.0
}
