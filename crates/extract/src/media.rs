//! Images, audio and video.
//!
//! With OCR on ([`crate::Extractor::with_ocr`]), an image Tesseract reads
//! (PNG, JPEG, TIFF — every page — BMP, GIF, WebP) becomes one
//! [`Kind::Image`] record: the OCR'd text (pages of a TIFF separated by a
//! form feed, `pages` their offsets), every word with its box and
//! confidence (`words`), and the OCR meta keys. An image in which OCR
//! finds no words is reported as [`Reason::NoTextFound`]; one read with a
//! low mean confidence is indexed and reported as
//! [`Reason::OcrLowConfidence`]. An image embedded in a document with no
//! words in it, or in a format OCR does not read (EMF, WMF drawings), is
//! decoration and is not reported.
//!
//! Without OCR, other image formats (HEIC, EMF, WMF), audio and video have
//! no text to search: each is reported as needing manual review (a person
//! must look at or listen to it), with why.

use sarx_model::{metakey, Kind, Reason};

use crate::ocr::{append_page, mark};
use crate::{Ctx, Failure, Format, Node, Result};

/// The image formats Tesseract (Leptonica) reads, by their magic bytes.
fn ocr_format(bytes: &[u8]) -> Option<&'static str> {
    let starts = |m: &[u8]| bytes.starts_with(m);
    if starts(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Some("JPEG")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Some("TIFF")
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Some("GIF")
    } else if starts(b"BM") && bytes.len() > 26 {
        Some("BMP")
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some("WebP")
    } else {
        None
    }
}

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    if format != Format::Image {
        return Err(Failure::new(
            Reason::NeedsManualReview,
            format!("{} file: no text layer, needs manual review", format.name()),
        ));
    }
    let ocr = ctx.ocr();
    let Some(engine) = ocr.engine() else {
        return Err(Failure::new(
            Reason::NeedsManualReview,
            format!("image file: {}, needs manual review", ocr.why_not()),
        ));
    };
    let Some(kind) = ocr_format(node.bytes) else {
        if ctx.quiet_empty_images {
            // A drawing in a document (EMF, WMF): as before OCR, not a
            // part of its own.
            return Ok(());
        }
        return Err(Failure::new(
            Reason::NeedsManualReview,
            "image in a format OCR does not read (not PNG, JPEG, TIFF, BMP, GIF or WebP), needs manual review",
        ));
    };
    ctx.check_time()?;
    let pages = ocr.image(engine, node.bytes)?;
    let mut record = ctx.record_for(node, Kind::Image);
    record.meta.insert(metakey::FORMAT.into(), kind.into());
    let mut text = String::new();
    let mut low = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        if i > 0 {
            text.push('\u{c}');
        }
        record.pages.push(text.len());
        append_page(&mut text, &mut record.words, p);
        if p.low_confidence() {
            low.push(p.page.max(1));
        }
    }
    if record.pages.len() < 2 {
        record.pages.clear();
    }
    if record.words.is_empty() {
        if ctx.quiet_empty_images {
            return Ok(());
        }
        return Err(Failure::new(
            Reason::NoTextFound,
            format!(
                "{kind} image: no text found by OCR ({} page{}), needs manual review",
                pages.len(),
                if pages.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    record.text = text;
    let warn = mark(&mut record, engine, pages.len(), &low);
    let locator = record.locator.clone();
    ctx.emit(record);
    if let Some(w) = warn {
        ctx.unsearchable(&locator, w);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor, OcrMode};

    #[test]
    fn without_ocr_an_image_says_why() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let mut out = Collected::default();
        Extractor::default().extract_bytes("a.png", "a.png", png, &mut out);
        assert_eq!(out.unsearchable[0].reason, Reason::NeedsManualReview);
        assert!(out.unsearchable[0].detail.contains("OCR is off"));
        let mut out = Collected::default();
        Extractor::default()
            .with_ocr(OcrMode::Auto, None)
            .extract_bytes("a.png", "a.png", png, &mut out);
        assert!(
            out.unsearchable[0]
                .detail
                .contains("tesseract is not installed"),
            "{:?}",
            out.unsearchable
        );
    }

    #[test]
    fn formats_by_magic() {
        assert_eq!(ocr_format(b"\x89PNG\r\n\x1a\n...."), Some("PNG"));
        assert_eq!(ocr_format(b"II*\0...."), Some("TIFF"));
        assert_eq!(ocr_format(b"RIFF\0\0\0\0WEBPVP8 "), Some("WebP"));
        assert_eq!(ocr_format(b"\0\0\0\x18ftypheic"), None);
    }
}
