//! PDF via lopdf: text per page in page order, form feed between pages,
//! `Record::pages` = byte offsets where each page starts; annotations and
//! form-field values; document-info metadata (title, author, dates ...)
//! appended, since it is disclosed with the file.
//!
//! Text comes from our own walk over each page's content stream (lopdf
//! tokenises it) rather than `Document::extract_text`: fonts are decoded
//! through their `ToUnicode` CMaps first, then their simple encodings; glyph
//! widths give the end of each run, so a gap becomes a space and a move
//! across the text direction becomes a line break. Form XObjects are
//! followed (with a depth limit and a cycle guard).
//!
//! One job per file: this file loads the document and assembles the
//! record; [`content`] reads a page's content stream, [`cmap`] parses the
//! `ToUnicode` CMaps, [`meta`] the document information and the
//! annotations and form fields, [`ocr`] the OCR pass.
//!
//! Encrypted PDFs open when the empty user password works (lopdf tries it
//! while loading); otherwise they are [`Reason::Encrypted`].
//!
//! OCR (when the extractor has it): a page without a text layer is rendered
//! at 300 dpi (`pdftoppm`, from a private temporary copy of the file) and
//! read by Tesseract; its text goes at that page's place in the record and
//! its words into `Record::words` (boxes in pixels at 300 dpi). A page
//! with a text layer and images covering a fifth of it or more (a scanned
//! region) is OCR'd too, and only the lines the text layer lacks are kept.
//! `--ocr force` OCRs every page, after its text layer. A PDF with no text
//! at all is emitted and also reported: [`Reason::NoTextFound`] when OCR
//! read nothing, [`Reason::NeedsManualReview`] without OCR ("no text layer
//! (scanned?): OCR is off"); pages read with low confidence add
//! [`Reason::OcrLowConfidence`].

use sarx_model::metakey;
use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use sarx_model::{Kind, Limit, Reason};

use crate::{Ctx, Failure, Node, Result};

mod cmap;

use cmap::{be, utf16be, ToUnicode};

/// Deepest Form XObject nesting followed.
const MAX_FORM_DEPTH: usize = 12;

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let max_stream = ctx.limits().max_expanded_bytes.min(256 << 20) as usize;
    let opts = lopdf::LoadOptions {
        max_decompressed_size: Some(max_stream),
        ..lopdf::LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(node.bytes, opts)
        .map_err(|e| load_failure(&e, node.bytes))?;
    if doc.is_encrypted() || doc.trailer.has(b"Encrypt") {
        return Err(Failure::encrypted("PDF is encrypted with a user password"));
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(Failure::corrupt("PDF has no readable pages"));
    }
    let mut text = String::new();
    let mut starts = Vec::with_capacity(pages.len());
    let mut fonts = FontCache::default();
    let mut any_text = false;
    let mut bad_pages = 0usize;
    // Per page: has a text layer, and the share of the page images cover.
    let mut layout: Vec<(bool, f32)> = Vec::with_capacity(pages.len());
    for (i, (page_no, page_id)) in pages.iter().enumerate() {
        ctx.check_time()?;
        if i > 0 {
            text.push('\u{c}');
        }
        starts.push(text.len());
        let before = text.len();
        let mut image_share = 0.0;
        match page_text(&doc, *page_id, &mut fonts, max_stream, &mut text) {
            Ok((n, area)) => {
                ctx.charge(n as u64)?;
                image_share = area / page_area(&doc, *page_id);
            }
            Err(_) => bad_pages += 1,
        }
        let has_text = |t: &String| {
            t.get(before..)
                .is_some_and(|t| t.chars().any(|c| !c.is_whitespace()))
        };
        if !has_text(&text) {
            // Fonts our walker cannot map (some CID fonts): lopdf's own
            // extraction is the fallback for that page.
            if let Ok(t) = doc.extract_text_with_limit(&[*page_no], max_stream) {
                text.push_str(t.trim());
            }
        }
        let page_has_text = has_text(&text);
        any_text |= page_has_text;
        layout.push((page_has_text, image_share));
        annotations(&doc, *page_id, &mut text);
        trim_end_in_place(&mut text, before);
    }
    let mut record = ctx.record_for(node, Kind::Pdf);
    let ocr = ocr_pages(ctx, node, &layout, &text, &starts)?;
    let ocr_found_text = ocr.pages.iter().any(|p| !p.words.is_empty());
    if !ocr.pages.is_empty() {
        (text, starts) = splice(&text, &starts, &ocr.pages, &mut record.words);
    }
    record.meta.insert(metakey::FORMAT.into(), "PDF".into());
    record
        .meta
        .insert(metakey::PAGE_COUNT.into(), pages.len().to_string());
    if bad_pages > 0 {
        record
            .meta
            .insert(metakey::UNREADABLE_PAGES.into(), bad_pages.to_string());
    }
    info(&doc, &mut record, &mut text);
    record.text = text;
    record.pages = starts;
    let mut entries = Vec::new();
    if let Some(engine) = ctx.ocr().engine().filter(|_| ocr.tried > 0) {
        let low: Vec<u32> = ocr
            .pages
            .iter()
            .filter(|p| p.low_confidence())
            .map(|p| p.page)
            .collect();
        entries.extend(crate::ocr::mark(&mut record, engine, ocr.pages.len(), &low));
    }
    if !any_text && !ocr_found_text {
        entries.push(if ocr.tried > 0 {
            Failure::new(
                Reason::NoTextFound,
                format!(
                    "no text layer, and no text found by OCR on {} page{}: needs manual review",
                    ocr.pages.len(),
                    if ocr.pages.len() == 1 { "" } else { "s" }
                ),
            )
        } else {
            Failure::new(
                Reason::NeedsManualReview,
                format!("no text layer (scanned?): {}", ctx.ocr().why_not()),
            )
        });
    }
    entries.extend(ocr.failure);
    ctx.emit(record);
    for e in entries {
        ctx.unsearchable(node.locator, e);
    }
    Ok(())
}

fn trim_end_in_place(text: &mut String, floor: usize) {
    while text.len() > floor && text.ends_with([' ', '\n', '\t']) {
        text.pop();
    }
}

fn load_failure(e: &lopdf::Error, bytes: &[u8]) -> Failure {
    use lopdf::Error as E;
    match e {
        E::Decryption(_)
        | E::InvalidPassword
        | E::UnsupportedSecurityHandler(_)
        | E::AlreadyEncrypted => {
            Failure::encrypted("PDF is encrypted and could not be opened without a password")
        }
        E::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => Failure::limit(
            Limit::ExpandedBytes,
            "a PDF stream expands beyond the size limit",
        ),
        _ => {
            let tail = &bytes[bytes.len().saturating_sub(2048)..];
            if !bytes.starts_with(b"%PDF") && !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
                Failure::corrupt("not a PDF file (no header)")
            } else if bytes.windows(8).any(|w| w == b"/Encrypt") {
                Failure::encrypted("PDF is encrypted and could not be opened without a password")
            } else if !tail.windows(5).any(|w| w == b"%%EOF") {
                Failure::new(Reason::Truncated, "PDF ends before its trailer")
            } else {
                Failure::corrupt("PDF structure could not be parsed")
            }
        }
    }
}

mod content;
mod meta;
mod ocr;

use content::*;
use meta::*;
use ocr::*;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor};
    use lopdf::content::{Content, Operation};
    use lopdf::dictionary;

    /// A two-page PDF with Helvetica text, built with lopdf.
    pub(crate) fn two_page_pdf(title: &str) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
        });
        let resources_id =
            doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
        let mut kids = Vec::new();
        for lines in [
            &["Tenant Margaret Okafor", "Phone 07700 900461"][..],
            &["Second page text"][..],
        ] {
            let mut ops = vec![
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("TL", vec![14.into()]),
                Operation::new("Td", vec![72.into(), 700.into()]),
            ];
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    ops.push(Operation::new("T*", vec![]));
                }
                // Words placed with a kerning gap in TJ, as many producers do.
                let words: Vec<&str> = l.split(' ').collect();
                let mut arr = Vec::new();
                for (k, w) in words.iter().enumerate() {
                    if k > 0 {
                        arr.push(Object::Integer(-300));
                    }
                    arr.push(Object::string_literal(*w));
                }
                ops.push(Operation::new("TJ", vec![Object::Array(arr)]));
            }
            ops.push(Operation::new("ET", vec![]));
            let content = Content { operations: ops };
            let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
            let page_id = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
                "Resources" => resources_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            });
            kids.push(page_id.into());
        }
        let pages = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 };
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let info_id = doc.add_object(dictionary! {
            "Title" => Object::string_literal(title), "Author" => Object::string_literal("Sam Officer"),
            "CreationDate" => Object::string_literal("D:20250314093000+01'00'"),
        });
        doc.trailer.set("Info", info_id);
        let mut buf = Vec::new();
        doc.save_to(&mut buf).unwrap();
        buf
    }

    #[test]
    fn two_pages_with_boundaries_and_metadata() {
        let bytes = two_page_pdf("Case file");
        let mut out = Collected::default();
        Extractor::default().extract_bytes("a.pdf", "a.pdf", &bytes, &mut out);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let r = &out.records[0];
        assert_eq!(r.kind, Kind::Pdf);
        assert_eq!(r.pages.len(), 2);
        assert_eq!(r.pages[0], 0);
        let p1 = &r.text[..r.pages[1]];
        assert_eq!(p1, "Tenant Margaret Okafor\nPhone 07700 900461\u{c}");
        assert!(r.text[r.pages[1]..].starts_with("Second page text"));
        assert_eq!(r.page_of(r.text.find("Second").unwrap()), Some(2));
        assert_eq!(r.title, "Case file");
        assert_eq!(r.parties.author, vec!["Sam Officer".to_owned()]);
        assert_eq!(r.dates.created.as_deref(), Some("2025-03-14T08:30:00Z"));
        assert!(r.text.contains("Author: Sam Officer"));
    }

    #[test]
    fn pdf_dates() {
        assert_eq!(
            pdf_date("D:20250101003000+01'00'").as_deref(),
            Some("2024-12-31T23:30:00Z")
        );
        assert_eq!(pdf_date("D:2025").as_deref(), Some("2025-01-01T00:00:00Z"));
        assert_eq!(pdf_date("garbage"), None);
    }

    #[test]
    fn broken_pdfs() {
        let mut out = Collected::default();
        Extractor::default().extract_bytes("x.pdf", "x.pdf", b"%PDF-1.4\n%%EOF", &mut out);
        assert_eq!(out.unsearchable[0].reason, Reason::Corrupt);
        let bytes = two_page_pdf("t");
        let mut out = Collected::default();
        Extractor::default().extract_bytes("y.pdf", "y.pdf", &bytes[..bytes.len() / 2], &mut out);
        assert!(out.records.len() + out.unsearchable.len() >= 1);
        assert!(out
            .unsearchable
            .iter()
            .all(|u| u.reason != Reason::ExtractorFailed));
    }
}
