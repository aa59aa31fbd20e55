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
//! followed (with a depth limit and a cycle guard). The `ToUnicode` CMaps
//! are parsed in [`cmap`].
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

/// Share of a page that an image must cover for a page with a text layer
/// to be OCR'd as well (for the lines the text layer lacks).
const SCANNED_REGION: f32 = 0.2;

/// What OCR made of a PDF's pages.
#[derive(Default)]
struct OcrPass {
    /// Pages tried.
    tried: usize,
    /// Pages read, with their 0-based index in the document.
    pages: Vec<sarx_ocr::OcrPage>,
    /// Why some pages were not read (the first failure, with a count).
    failure: Option<Failure>,
}

/// OCRs the pages that need it: in `auto` the pages without a text layer
/// (the whole page) and pages with one and a scanned region (the lines
/// the text layer lacks); in `force` every page. The PDF is written to a
/// private temporary file for `pdftoppm`. A page's `page` is its 1-based
/// number.
fn ocr_pages(
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
fn write_private_temp(bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
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
fn splice(
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
fn page_area(doc: &Document, page: ObjectId) -> f32 {
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

/// Document information dictionary → record fields, and text.
fn info(doc: &Document, record: &mut sarx_model::Record, text: &mut String) {
    let Some(dict) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
    else {
        return;
    };
    let get = |k: &[u8]| -> Option<String> {
        let o = dict.get(k).ok()?;
        let (_, o) = doc.dereference(o).ok()?;
        let s = match lopdf::decode_text_string(o) {
            Ok(s) => s,
            Err(_) => o
                .as_str()
                .ok()
                .map(|b| b.iter().map(|&c| char::from(c)).collect())?,
        };
        let s = s
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .to_owned();
        (!s.is_empty()).then_some(s)
    };
    let mut lines = Vec::new();
    for (key, label) in [
        (&b"Title"[..], "Title"),
        (b"Author", "Author"),
        (b"Subject", "Subject"),
        (b"Keywords", "Keywords"),
        (b"Creator", "Creator"),
        (b"Producer", "Producer"),
        (b"CreationDate", "Created"),
        (b"ModDate", "Modified"),
    ] {
        if let Some(v) = get(key) {
            match label {
                "Title" => record.title = v.clone(),
                "Author" => record.parties.author.push(v.clone()),
                "Created" => record.dates.created = pdf_date(&v),
                "Modified" => record.dates.modified = pdf_date(&v),
                _ => {}
            }
            lines.push(format!("{label}: {v}"));
        }
    }
    if !lines.is_empty() {
        text.push_str("\n\n--- Document properties ---\n");
        text.push_str(&lines.join("\n"));
    }
}

/// `D:YYYYMMDDHHmmSS+HH'mm'` → RFC 3339 in UTC.
pub(crate) fn pdf_date(s: &str) -> Option<String> {
    let s = s.trim().strip_prefix("D:").unwrap_or(s.trim());
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let num = |a: usize, b: usize, d: i64| {
        digits
            .get(a..b)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(d)
    };
    if digits.len() < 4 {
        return None;
    }
    let (y, mo, d, h, mi, se) = (
        num(0, 4, 1),
        num(4, 6, 1),
        num(6, 8, 1),
        num(8, 10, 0),
        num(10, 12, 0),
        num(12, 14, 0),
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let rest = s.get(digits.len()..).unwrap_or("");
    let mut offset_min = 0i64;
    if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
        let tz: String = rest.chars().skip(1).filter(char::is_ascii_digit).collect();
        let oh = tz
            .get(0..2)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(0);
        let om = tz
            .get(2..4)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(0);
        offset_min = (oh * 60 + om) * if sign == '-' { -1 } else { 1 };
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    ))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Comments and form-field values on a page.
fn annotations(doc: &Document, page: ObjectId, text: &mut String) {
    let Ok(annots) = doc.get_page_annotations(page) else {
        return;
    };
    let s = |d: &Dictionary, k: &[u8]| -> Option<String> {
        let o = d.get(k).ok()?;
        let (_, o) = doc.dereference(o).ok()?;
        let v = lopdf::decode_text_string(o).ok()?;
        let v = v.trim().to_owned();
        (!v.is_empty()).then_some(v)
    };
    for a in annots {
        let sub = a.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        match sub {
            b"Popup" | b"Link" => continue,
            b"Widget" => {
                let parent = a
                    .get(b"Parent")
                    .ok()
                    .and_then(|p| doc.dereference(p).ok())
                    .and_then(|(_, p)| p.as_dict().ok());
                let name = s(a, b"T").or_else(|| parent.and_then(|p| s(p, b"T")));
                let value = s(a, b"V").or_else(|| parent.and_then(|p| s(p, b"V")));
                if let Some(v) = value {
                    text.push_str("\n[Form field");
                    if let Some(n) = name {
                        text.push(' ');
                        text.push_str(&n);
                    }
                    text.push_str(": ");
                    text.push_str(&v);
                    text.push(']');
                }
            }
            _ => {
                if let Some(c) = s(a, b"Contents") {
                    text.push_str("\n[Annotation");
                    if let Some(t) = s(a, b"T") {
                        text.push_str(" by ");
                        text.push_str(&t);
                    }
                    text.push_str(": ");
                    text.push_str(&c);
                    text.push(']');
                }
            }
        }
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn matrix_of(ops: &[Object]) -> Option<Matrix> {
    let v: Vec<f32> = ops.iter().filter_map(num).collect();
    match v.as_slice() {
        [a, b, c, d, e, f] => Some([*a, *b, *c, *d, *e, *f]),
        _ => None,
    }
}

/// How to turn a font's codes into text and widths.
struct Decoder<'d> {
    to_unicode: Option<ToUnicode>,
    encoding: Option<lopdf::Encoding<'d>>,
    /// Composite font: two-byte codes unless the CMap says otherwise.
    composite: bool,
    /// Codes are UCS-2 / UTF-16 (predefined Uni*-UCS2 / UTF16 CMaps).
    ucs2: bool,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space → text space (1/1000, or a Type 3 font matrix).
    scale: f32,
}

impl<'d> Decoder<'d> {
    fn new(doc: &'d Document, font: &'d Dictionary, max_stream: usize) -> Self {
        let deref = |o: &'d Object| doc.dereference(o).ok().map(|(_, o)| o);
        let subtype = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let composite = subtype == b"Type0";
        let to_unicode = font
            .get(b"ToUnicode")
            .ok()
            .and_then(deref)
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| s.get_plain_content_with_limit(max_stream).ok())
            .map(|data| ToUnicode::parse(&data))
            .filter(|t| !t.map.is_empty());
        let enc_name = font
            .get(b"Encoding")
            .ok()
            .and_then(deref)
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let ucs2 = composite
            && enc_name.starts_with(b"Uni")
            && (enc_name.windows(4).any(|w| w == b"UCS2")
                || enc_name.windows(5).any(|w| w == b"UTF16"));
        let encoding = if composite || to_unicode.is_some() && font.get(b"Encoding").is_err() {
            None
        } else {
            font.get_font_encoding_with_limit(doc, max_stream).ok()
        };
        let mut widths = HashMap::new();
        let mut default_width = if composite { 1000.0 } else { 500.0 };
        let mut scale = 0.001;
        if composite {
            let desc = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(deref)
                .and_then(|o| o.as_dict().ok());
            if let Some(desc) = desc {
                if let Some(dw) = desc.get(b"DW").ok().and_then(num) {
                    default_width = dw;
                }
                if let Some(w) = desc
                    .get(b"W")
                    .ok()
                    .and_then(deref)
                    .and_then(|o| o.as_array().ok())
                {
                    let mut i = 0;
                    while i < w.len() {
                        let first = w.get(i).and_then(num).unwrap_or(0.0) as u32;
                        match w.get(i + 1).and_then(deref) {
                            Some(Object::Array(list)) => {
                                for (k, v) in list.iter().enumerate().take(65_536) {
                                    if let Some(v) = deref(v).and_then(num) {
                                        widths.insert(first + k as u32, v);
                                    }
                                }
                                i += 2;
                            }
                            Some(o) => {
                                let last = num(o).unwrap_or(0.0) as u32;
                                let v = w
                                    .get(i + 2)
                                    .and_then(deref)
                                    .and_then(num)
                                    .unwrap_or(default_width);
                                for c in first..=last.min(first.saturating_add(65_535)) {
                                    widths.insert(c, v);
                                }
                                i += 3;
                            }
                            None => break,
                        }
                    }
                }
            }
        } else {
            let first = font.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0) as u32;
            if let Some(w) = font
                .get(b"Widths")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok())
            {
                for (k, v) in w.iter().enumerate().take(65_536) {
                    if let Some(v) = deref(v).and_then(num) {
                        widths.insert(first + k as u32, v);
                    }
                }
            }
            if subtype == b"Type3" {
                if let Some(m) = font
                    .get(b"FontMatrix")
                    .ok()
                    .and_then(deref)
                    .and_then(|o| o.as_array().ok())
                    .and_then(|a| matrix_of(a))
                {
                    scale = m[0].abs();
                }
            }
            if widths.is_empty() {
                let base = font
                    .get(b"BaseFont")
                    .and_then(Object::as_name)
                    .unwrap_or(b"");
                if base.windows(7).any(|w| w == b"Courier") {
                    default_width = 600.0;
                }
            }
        }
        Decoder {
            to_unicode,
            encoding,
            composite,
            ucs2,
            widths,
            default_width,
            scale,
        }
    }

    /// Decodes `bytes`, appending text to `out`; returns (total glyph
    /// advance in text space per unit font size, number of single-byte spaces).
    fn show(&self, bytes: &[u8], out: &mut String) -> (f32, usize) {
        let default_len = if self.composite { 2 } else { 1 };
        let mut i = 0;
        let mut advance = 0.0f32;
        let mut spaces = 0;
        while i < bytes.len() {
            let len = match &self.to_unicode {
                Some(t) => t.code_len(&bytes[i..], default_len),
                None => default_len,
            } as usize;
            let Some(code_bytes) = bytes.get(i..(i + len).min(bytes.len())) else {
                break;
            };
            let code = be(code_bytes);
            i += len.max(1);
            let w = self
                .widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width);
            advance += w * self.scale;
            if len == 1 && code == 32 {
                spaces += 1;
            }
            if let Some(t) = self
                .to_unicode
                .as_ref()
                .and_then(|t| t.map.get(&(len as u8, code)))
            {
                out.push_str(t);
            } else if self.ucs2 {
                out.push_str(&utf16be(code_bytes));
            } else if let Some(enc) = &self.encoding {
                let _ = enc.write_to_string(code_bytes, out);
            } else if !self.composite && self.to_unicode.is_none() {
                out.push(char::from(code_bytes.first().copied().unwrap_or(b' ')));
            }
        }
        (advance, spaces)
    }
}

#[derive(Default)]
struct FontCache<'d> {
    by_key: HashMap<usize, Rc<Decoder<'d>>>,
}

/// The resource dictionaries in force, nearest first.
#[derive(Clone)]
struct Res<'d> {
    dicts: Vec<&'d Dictionary>,
}

impl<'d> Res<'d> {
    fn lookup(
        &self,
        doc: &'d Document,
        category: &[u8],
        name: &[u8],
    ) -> Option<(&'d Object, Option<ObjectId>)> {
        for d in &self.dicts {
            let Some(cat) = d
                .get(category)
                .ok()
                .and_then(|o| doc.dereference(o).ok())
                .and_then(|(_, o)| o.as_dict().ok())
            else {
                continue;
            };
            if let Ok(o) = cat.get(name) {
                let id = o.as_reference().ok();
                if let Ok((_, obj)) = doc.dereference(o) {
                    return Some((obj, id));
                }
            }
        }
        None
    }
}

/// Graphics state saved by `q`: CTM, font, size, Tc, Tw, Tz, TL.
type Saved<'d> = (Matrix, Option<Rc<Decoder<'d>>>, f32, f32, f32, f32, f32);

struct TextState<'d> {
    ctm: Matrix,
    stack: Vec<Saved<'d>>,
    tm: Matrix,
    tlm: Matrix,
    font: Option<Rc<Decoder<'d>>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    /// End of the last run shown (device space) and its direction/size.
    last: Option<([f32; 2], [f32; 2], f32)>,
    /// Area the page's images cover (user space units, overlaps counted
    /// twice).
    image_area: f32,
}

impl TextState<'_> {
    fn new() -> Self {
        TextState {
            ctm: IDENTITY,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            last: None,
            image_area: 0.0,
        }
    }
}

/// Appends the text of one page; returns the content bytes read and the
/// area its images cover.
fn page_text<'d>(
    doc: &'d Document,
    page: ObjectId,
    fonts: &mut FontCache<'d>,
    max_stream: usize,
    out: &mut String,
) -> lopdf::Result<(usize, f32)> {
    let content = doc.get_page_content_with_limit(page, max_stream)?;
    let (direct, ids) = doc.get_page_resources(page)?;
    let mut dicts = Vec::new();
    if let Some(d) = direct {
        dicts.push(d);
    }
    for id in ids {
        if let Ok(d) = doc.get_dictionary(id) {
            dicts.push(d);
        }
    }
    let res = Res { dicts };
    let mut st = TextState::new();
    let mut visiting = Vec::new();
    let mut read = content.len();
    run(
        doc,
        &content,
        &res,
        fonts,
        max_stream,
        &mut st,
        out,
        &mut visiting,
        &mut read,
    );
    Ok((read, st.image_area))
}

#[allow(clippy::too_many_arguments)]
fn run<'d>(
    doc: &'d Document,
    content: &[u8],
    res: &Res<'d>,
    fonts: &mut FontCache<'d>,
    max_stream: usize,
    st: &mut TextState<'d>,
    out: &mut String,
    visiting: &mut Vec<ObjectId>,
    read: &mut usize,
) {
    for op in lopdf::content::Content::decode_iter(content) {
        let Ok(op) = op else { break };
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => st.stack.push((
                st.ctm,
                st.font.clone(),
                st.size,
                st.char_spacing,
                st.word_spacing,
                st.hscale,
                st.leading,
            )),
            "Q" => {
                if let Some((ctm, font, size, cs, ws, hs, l)) = st.stack.pop() {
                    st.ctm = ctm;
                    st.font = font;
                    st.size = size;
                    st.char_spacing = cs;
                    st.word_spacing = ws;
                    st.hscale = hs;
                    st.leading = l;
                }
            }
            "cm" => {
                if let Some(m) = matrix_of(o) {
                    st.ctm = mul(&m, &st.ctm);
                }
            }
            "BT" => {
                st.tm = IDENTITY;
                st.tlm = IDENTITY;
            }
            "Tf" => {
                st.size = o.get(1).and_then(num).unwrap_or(st.size);
                let name = o.first().and_then(|n| n.as_name().ok()).unwrap_or(b"");
                st.font = res.lookup(doc, b"Font", name).and_then(|(obj, id)| {
                    let dict = obj.as_dict().ok()?;
                    let key = match id {
                        Some((n, g)) => ((n as usize) << 16) ^ g as usize ^ (1 << 62),
                        None => dict as *const Dictionary as usize,
                    };
                    Some(
                        fonts
                            .by_key
                            .entry(key)
                            .or_insert_with(|| Rc::new(Decoder::new(doc, dict, max_stream)))
                            .clone(),
                    )
                });
            }
            "Tc" => st.char_spacing = o.first().and_then(num).unwrap_or(0.0),
            "Tw" => st.word_spacing = o.first().and_then(num).unwrap_or(0.0),
            "Tz" => st.hscale = o.first().and_then(num).unwrap_or(100.0) / 100.0,
            "TL" => st.leading = o.first().and_then(num).unwrap_or(0.0),
            "Td" | "TD" => {
                let tx = o.first().and_then(num).unwrap_or(0.0);
                let ty = o.get(1).and_then(num).unwrap_or(0.0);
                if op.operator == "TD" {
                    st.leading = -ty;
                }
                st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &st.tlm);
                st.tm = st.tlm;
            }
            "Tm" => {
                if let Some(m) = matrix_of(o) {
                    st.tm = m;
                    st.tlm = m;
                }
            }
            "T*" => next_line(st),
            "Tj" => {
                if let Some(Object::String(s, _)) = o.first() {
                    show(st, s, out);
                }
            }
            "'" => {
                next_line(st);
                if let Some(Object::String(s, _)) = o.first() {
                    show(st, s, out);
                }
            }
            "\"" => {
                st.word_spacing = o.first().and_then(num).unwrap_or(st.word_spacing);
                st.char_spacing = o.get(1).and_then(num).unwrap_or(st.char_spacing);
                next_line(st);
                if let Some(Object::String(s, _)) = o.get(2) {
                    show(st, s, out);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = o.first() {
                    for item in items {
                        match item {
                            Object::String(s, _) => show(st, s, out),
                            other => {
                                if let Some(n) = num(other) {
                                    let tx = -n / 1000.0 * st.size * st.hscale;
                                    st.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &st.tm);
                                }
                            }
                        }
                    }
                }
            }
            "Do" => {
                let name = o.first().and_then(|n| n.as_name().ok()).unwrap_or(b"");
                let Some((obj, id)) = res.lookup(doc, b"XObject", name) else {
                    continue;
                };
                let Ok(stream) = obj.as_stream() else {
                    continue;
                };
                match stream.dict.get(b"Subtype").and_then(Object::as_name).ok() {
                    Some(b"Form") => {}
                    Some(b"Image") => {
                        // An image fills the unit square of the CTM.
                        let m = st.ctm;
                        let area = (m[0] * m[3] - m[1] * m[2]).abs();
                        if area.is_finite() {
                            st.image_area += area;
                        }
                        continue;
                    }
                    _ => continue,
                }
                let Some(id) = id else { continue };
                if visiting.len() >= MAX_FORM_DEPTH || visiting.contains(&id) {
                    continue;
                }
                form(
                    doc, stream, id, res, fonts, max_stream, st, out, visiting, read,
                );
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn form<'d>(
    doc: &'d Document,
    stream: &'d Stream,
    id: ObjectId,
    parent: &Res<'d>,
    fonts: &mut FontCache<'d>,
    max_stream: usize,
    st: &mut TextState<'d>,
    out: &mut String,
    visiting: &mut Vec<ObjectId>,
    read: &mut usize,
) {
    // A form's content costs its size every time it is drawn: cap the total.
    if *read > max_stream {
        return;
    }
    let Ok(data) = stream.get_plain_content_with_limit(max_stream) else {
        return;
    };
    *read = read.saturating_add(data.len());
    let mut res = parent.clone();
    if let Some(d) = stream
        .dict
        .get(b"Resources")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
    {
        res.dicts.insert(0, d);
    }
    let saved = (st.ctm, st.tm, st.tlm);
    if let Some(m) = stream
        .dict
        .get(b"Matrix")
        .ok()
        .and_then(|o| o.as_array().ok())
        .and_then(|a| matrix_of(a))
    {
        st.ctm = mul(&m, &st.ctm);
    }
    visiting.push(id);
    run(doc, &data, &res, fonts, max_stream, st, out, visiting, read);
    visiting.pop();
    (st.ctm, st.tm, st.tlm) = saved;
}

fn next_line(st: &mut TextState<'_>) {
    st.tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -st.leading], &st.tlm);
    st.tm = st.tlm;
}

fn show(st: &mut TextState<'_>, s: &[u8], out: &mut String) {
    let Some(font) = st.font.clone() else { return };
    let m = mul(&st.tm, &st.ctm);
    let pos = [m[4], m[5]];
    let xlen = (m[0] * m[0] + m[1] * m[1]).sqrt().max(1e-6);
    let dir = [m[0] / xlen, m[1] / xlen];
    let size = (st.size.abs() * (m[2] * m[2] + m[3] * m[3]).sqrt()).max(0.1);
    if let Some((end, ldir, lsize)) = st.last {
        let d = [pos[0] - end[0], pos[1] - end[1]];
        let along = d[0] * ldir[0] + d[1] * ldir[1];
        let across = -d[0] * ldir[1] + d[1] * ldir[0];
        let em = lsize.max(size);
        if across.abs() > 0.6 * em || (dir[0] - ldir[0]).abs() + (dir[1] - ldir[1]).abs() > 0.1 {
            if !out.ends_with('\n') && !out.is_empty() {
                // Back to the same line's start region is still a new line.
                out.push('\n');
            }
        } else if (along > 0.15 * em || along < -0.5 * em)
            && !out.ends_with([' ', '\n', '\t', '\u{c}'])
            && !out.is_empty()
        {
            out.push(' ');
        }
    }
    let (advance, spaces) = font.show(s, out);
    let glyphs = s.len() / if font.composite { 2 } else { 1 };
    let tx =
        (advance * st.size + st.char_spacing * glyphs as f32 + st.word_spacing * spaces as f32)
            * st.hscale;
    st.tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &st.tm);
    let m2 = mul(&st.tm, &st.ctm);
    st.last = Some(([m2[4], m2[5]], dir, size));
}

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
