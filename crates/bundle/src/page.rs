//! Redacted copies that look like the originals: PDFs and images as page
//! images with solid boxes.
//!
//! [`PageRenderer`] renders each page of a PDF (poppler's `pdftoppm`, run
//! as a process) or decodes each page of an image, paints a box over every
//! word a redaction touches, and hands the pixels to the PDF writer, which
//! makes a new page of the image with an invisible text layer built only
//! from the kept words. Nothing of the original file's content stream,
//! metadata, annotations, attachments, scripts or form values is carried
//! over: the page is pixels and sarx's own text.
//!
//! Where the words are:
//! - pages with a text layer: the glyph boxes of `pdftotext -bbox`, matched
//!   to the record's text word by word (a diff of the two word sequences);
//! - scanned pages and images: the OCR word boxes the record carries
//!   ([`sarx_model::Record::words`]), each with its span in the text.
//!
//! The record falls back to the fresh (typeset) rendering, with the reason,
//! whenever a page image could leak: the file is gone or changed since it
//! was indexed (its words no longer match the record), a redacted word has
//! no box, a page cannot be rendered or decoded. The fresh rendering never
//! shows what it redacts, so the fallback is safe; it only looks less like
//! the original.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use image::{GrayImage, Luma};
use sarx_case::Redaction;
use sarx_model::{Kind, Record, Span, OCR_DPI};

use crate::layout::{marker_text, FreshRenderer, Layout, Renderer};
use crate::Error;

/// Resolution of the rendered pages (dots per inch).
pub const PAGE_DPI: u32 = 150;
/// The value every pixel of a redaction box has.
pub const FILL: u8 = 0;
/// Pixels a box extends beyond its word's box on every side.
const PAD: u32 = 2;
/// Time limit for one `pdftoppm` or `pdftotext` run.
const TOOL_TIMEOUT: Duration = Duration::from_secs(120);
/// Share of the record's words that must be found on the pages: fewer, and
/// the file is not the one indexed.
const MIN_MATCHED: f64 = 0.9;

/// A box on a page image, pixels from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PxRect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

impl PxRect {
    /// The right edge (saturating: boxes are read from case files).
    pub fn right(self) -> u32 {
        self.x.saturating_add(self.w)
    }

    /// The bottom edge (saturating).
    pub fn bottom(self) -> u32 {
        self.y.saturating_add(self.h)
    }

    fn padded(self, pad: u32, max_w: u32, max_h: u32) -> PxRect {
        let x = self.x.saturating_sub(pad);
        let y = self.y.saturating_sub(pad);
        let r = self.right().saturating_add(pad).min(max_w);
        let b = self.bottom().saturating_add(pad).min(max_h);
        PxRect {
            x,
            y,
            w: r.saturating_sub(x),
            h: b.saturating_sub(y),
        }
    }

    fn union(self, o: PxRect) -> PxRect {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        let r = self.right().max(o.right());
        let b = self.bottom().max(o.bottom());
        PxRect {
            x,
            y,
            w: r - x,
            h: b - y,
        }
    }
}

/// One page of a redacted page-image document.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePage {
    /// The page, greyscale, redaction boxes painted in [`FILL`].
    pub image: GrayImage,
    /// Its resolution.
    pub dpi: u32,
    /// The invisible text layer: each kept word (and each redaction's
    /// marker) with its box.
    pub text: Vec<(PxRect, String)>,
    /// The painted boxes.
    pub boxes: Vec<PxRect>,
}

/// Why a record was rendered fresh instead of as page images (no text of
/// the record: safe to log and report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Not a PDF or image.
    NotAPageDocument,
    /// The source file (or the part inside it) cannot be read where it
    /// was indexed.
    SourceMissing,
    /// The file's words no longer match the record (changed since indexing).
    SourceChanged,
    /// A redacted word has no box on any page.
    UnplacedRedaction,
    /// A page could not be rendered or decoded.
    Unrenderable,
}

impl Fallback {
    /// A sentence for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Fallback::NotAPageDocument => "not a PDF or image",
            Fallback::SourceMissing => "the source file cannot be read",
            Fallback::SourceChanged => "the source file changed since it was indexed",
            Fallback::UnplacedRedaction => "a redacted word could not be placed on its page",
            Fallback::Unrenderable => "a page could not be rendered",
        }
    }
}

/// The renderer of the bundle: page images for PDFs and images, the fresh
/// rendering for everything else.
///
/// A PDF or image that is a part of another file (attached to an e-mail,
/// a member of a zip, an attachment in a PST) is read again from its
/// container ([`sarx_extract::Extractor::part_bytes`]) and must have the
/// content hash it was indexed with. [`PageRenderer::for_records`] names
/// the records up front, so that each container is read once for all of
/// its parts.
#[derive(Debug, Default)]
pub struct PageRenderer {
    parts: Parts,
}

impl PageRenderer {
    /// A renderer that reads each container of `records`' parts once.
    pub fn for_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut by_source: HashMap<String, PartsOf> = HashMap::new();
        for r in records {
            if is_page_part(r) {
                by_source
                    .entry(r.source.clone())
                    .or_default()
                    .0
                    .insert(r.locator.clone());
            }
        }
        PageRenderer {
            parts: Parts { by_source },
        }
    }
}

/// A container's wanted parts and, once read, their bytes.
type PartsOf = (HashSet<String>, OnceLock<Mutex<HashMap<String, Vec<u8>>>>);

/// The bytes of records that are parts of a container.
#[derive(Debug, Default)]
struct Parts {
    by_source: HashMap<String, PartsOf>,
}

impl Parts {
    /// The part's bytes: from the container read once for every named
    /// part, or (a record not named up front) from a read for it alone.
    fn take(&self, record: &Record) -> Option<Vec<u8>> {
        let path = Path::new(&record.source);
        match self.by_source.get(&record.source) {
            Some((wanted, cell)) if wanted.contains(&record.locator) => {
                let got = cell.get_or_init(|| {
                    Mutex::new(sarx_extract::Extractor::default().part_bytes(path, wanted))
                });
                got.lock().ok()?.remove(&record.locator)
            }
            _ => {
                let one = HashSet::from([record.locator.clone()]);
                sarx_extract::Extractor::default()
                    .part_bytes(path, &one)
                    .remove(&record.locator)
            }
        }
    }
}

/// A PDF or image inside another file.
fn is_page_part(r: &Record) -> bool {
    !r.locator.is_empty() && matches!(r.kind, Kind::Pdf | Kind::Image)
}

impl Renderer for PageRenderer {
    fn layout(
        &self,
        record: &Record,
        redactions: &[Redaction],
        title: &str,
    ) -> Result<Layout, Error> {
        match load_pages(record, &self.parts)
            .and_then(|(pages, placed)| build_pages(record, redactions, pages, &placed))
        {
            Ok(images) => Ok(Layout {
                markers: markers(&images, redactions),
                images,
                ..Layout::default()
            }),
            Err(why) => {
                let mut l = FreshRenderer.layout(record, redactions, title)?;
                l.fallback = Some(why);
                Ok(l)
            }
        }
    }
}

fn markers(images: &[ImagePage], redactions: &[Redaction]) -> Vec<(usize, String)> {
    // One marker per redaction, on the page of its first box: the
    // schedule counts them like the fresh rendering's.
    let mut out = Vec::new();
    for r in redactions {
        let code = marker_text(&r.reason_code);
        if let Some(p) = images
            .iter()
            .position(|p| p.text.iter().any(|(_, t)| *t == code))
        {
            out.push((p, r.reason_code.clone()));
        }
    }
    out
}

/// A document's pages (each with its resolution) and its placed words.
type Pages = (Vec<(GrayImage, u32)>, Vec<Placed>);

/// A word of a page document with its box on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordBox {
    /// The word's bytes in the record's text.
    pub span: Span,
    /// 0-based page.
    pub page: usize,
    /// The word's box, in that page's pixels.
    pub rect: PxRect,
}

type Placed = WordBox;

/// A page document as it is, nothing painted: its pages and where its
/// words are. The review page shows this with the boxes the bundle will
/// paint drawn over it.
#[derive(Debug, Clone)]
pub struct PageView {
    /// The pages, greyscale, each at its resolution (dots per inch).
    pub pages: Vec<(GrayImage, u32)>,
    /// The pages' sizes and the words' boxes.
    pub layout: PageLayout,
}

/// Where a page document's words are: each page's size in pixels and
/// every placed word's box.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageLayout {
    /// Width and height of each page, in pixels.
    pub sizes: Vec<(u32, u32)>,
    /// Every placed word of the record, in the order of the text.
    pub words: Vec<WordBox>,
}

impl PageLayout {
    /// The boxes the bundle paints for a redaction of `span`: one per
    /// word it touches, padded as painted.
    pub fn boxes(&self, span: Span) -> Vec<WordBox> {
        self.words
            .iter()
            .filter(|w| w.span.start < span.end && span.start < w.span.end)
            .filter_map(|w| {
                let &(pw, ph) = self.sizes.get(w.page)?;
                Some(WordBox {
                    rect: w.rect.padded(PAD, pw, ph),
                    ..*w
                })
            })
            .collect()
    }

    /// Whether the bundle can make page images of the record with
    /// `redactions` (every redacted word placed on a page), or why not.
    pub fn check(&self, record: &Record, redactions: &[Redaction]) -> Result<(), Fallback> {
        check_placed(record, redactions, self.sizes.len(), &self.words)
    }
}

/// The record's pages unpainted, with its words' boxes, or why the record
/// has no page images (not a PDF or image file, the file is missing or
/// changed since it was indexed, a page cannot be rendered).
pub fn page_view(record: &Record) -> Result<PageView, Fallback> {
    let (pages, mut words) = load_pages(record, &Parts::default())?;
    check_placed(record, &[], pages.len(), &words)?;
    words.sort_by_key(|w| (w.span.start, w.span.end));
    let sizes = pages.iter().map(|(img, _)| img.dimensions()).collect();
    Ok(PageView {
        pages,
        layout: PageLayout { sizes, words },
    })
}

fn load_pages(record: &Record, parts: &Parts) -> Result<Pages, Fallback> {
    if !matches!(record.kind, Kind::Pdf | Kind::Image) {
        return Err(Fallback::NotAPageDocument);
    }
    if record.locator.is_empty() {
        let path = Path::new(&record.source);
        let bytes = std::fs::read(path).map_err(|_| Fallback::SourceMissing)?;
        return if record.kind == Kind::Pdf {
            pdf_pages(path, record)
        } else {
            image_pages(&bytes, record)
        };
    }
    // A part: its bytes from the container, exactly those indexed.
    let bytes = parts.take(record).ok_or(Fallback::SourceMissing)?;
    if !record.content_hash.is_empty()
        && blake3::hash(&bytes).to_hex().as_str() != record.content_hash
    {
        return Err(Fallback::SourceChanged);
    }
    if record.kind == Kind::Image {
        return image_pages(&bytes, record);
    }
    // poppler reads a file: a private temporary one (0600), deleted on drop.
    let mut tmp = tempfile::Builder::new()
        .prefix("sarx-part-")
        .suffix(".pdf")
        .tempfile()
        .map_err(|_| Fallback::Unrenderable)?;
    std::io::Write::write_all(&mut tmp, &bytes).map_err(|_| Fallback::Unrenderable)?;
    pdf_pages(tmp.path(), record)
}

/// The record's pages as redacted images, or why not.
pub fn page_images(record: &Record, redactions: &[Redaction]) -> Result<Vec<ImagePage>, Fallback> {
    let (pages, placed) = load_pages(record, &Parts::default())?;
    build_pages(record, redactions, pages, &placed)
}

/// Renders the PDF's pages at [`PAGE_DPI`] and places the record's words:
/// the text layer's by matching, the OCR'd pages' from the record.
fn pdf_pages(path: &Path, record: &Record) -> Result<Pages, Fallback> {
    let layer = sarx_ocr::pdf_words(path, TOOL_TIMEOUT).map_err(|_| Fallback::Unrenderable)?;
    let mut pages = Vec::with_capacity(layer.len());
    for n in 1..=layer.len() {
        let png = sarx_ocr::render_pdf_page(path, n as u32, PAGE_DPI, TOOL_TIMEOUT)
            .map_err(|_| Fallback::Unrenderable)?;
        let img = image::load_from_memory(&png)
            .map_err(|_| Fallback::Unrenderable)?
            .to_luma8();
        pages.push((img, PAGE_DPI));
    }
    let scale = PAGE_DPI as f32 / 72.0;
    let mut words: Vec<(usize, String, PxRect)> = Vec::new();
    for (p, page) in layer.iter().enumerate() {
        for w in &page.words {
            let x = (w.x_min * scale).floor().max(0.0) as u32;
            let y = (w.y_min * scale).floor().max(0.0) as u32;
            let r = (w.x_max * scale).ceil().max(0.0) as u32;
            let b = (w.y_max * scale).ceil().max(0.0) as u32;
            words.push((
                p,
                w.text.clone(),
                PxRect {
                    x,
                    y,
                    w: r.saturating_sub(x).max(1),
                    h: b.saturating_sub(y).max(1),
                },
            ));
        }
    }
    let mut placed = match_words(&record.text, &words);
    placed.extend(ocr_placed(record, PAGE_DPI as f32 / OCR_DPI as f32));
    Ok((pages, placed))
}

/// Decodes every page of an image file at its own pixels; the OCR word
/// boxes are in those pixels.
fn image_pages(bytes: &[u8], record: &Record) -> Result<Pages, Fallback> {
    let mut pages = Vec::new();
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        let mut dec = tiff::decoder::Decoder::new(std::io::Cursor::new(bytes))
            .map_err(|_| Fallback::Unrenderable)?;
        loop {
            pages.push(tiff_page(&mut dec).ok_or(Fallback::Unrenderable)?);
            if !dec.more_images() {
                break;
            }
            dec.next_image().map_err(|_| Fallback::Unrenderable)?;
        }
    } else {
        let img = image::load_from_memory(bytes)
            .map_err(|_| Fallback::Unrenderable)?
            .to_luma8();
        pages.push(img);
    }
    let with_dpi = pages
        .into_iter()
        .map(|img| {
            // An image has no page size: shown an A4 width wide (or at
            // 72 dpi when smaller).
            let dpi = ((img.width() as f32 / 8.27).round() as u32).max(72);
            (img, dpi)
        })
        .collect();
    Ok((with_dpi, ocr_placed(record, 1.0)))
}

fn tiff_page<R: std::io::Read + std::io::Seek>(
    dec: &mut tiff::decoder::Decoder<R>,
) -> Option<GrayImage> {
    use tiff::decoder::DecodingResult;
    use tiff::ColorType;
    let (w, h) = dec.dimensions().ok()?;
    let colour = dec.colortype().ok()?;
    let DecodingResult::U8(data) = dec.read_image().ok()? else {
        return None;
    };
    let channels = match colour {
        ColorType::Gray(8) => 1,
        ColorType::GrayA(8) => 2,
        ColorType::RGB(8) => 3,
        ColorType::RGBA(8) => 4,
        _ => return None,
    };
    let n = (w as usize).checked_mul(h as usize)?;
    if data.len() < n.checked_mul(channels)? {
        return None;
    }
    let grey: Vec<u8> = data
        .chunks_exact(channels)
        .take(n)
        .map(|px| match channels {
            1 | 2 => px[0],
            _ => {
                let l =
                    0.299 * f32::from(px[0]) + 0.587 * f32::from(px[1]) + 0.114 * f32::from(px[2]);
                l.round().clamp(0.0, 255.0) as u8
            }
        })
        .collect();
    GrayImage::from_raw(w, h, grey)
}

/// The record's OCR words, their boxes scaled by `scale`.
fn ocr_placed(record: &Record, scale: f32) -> Vec<Placed> {
    let s = |v: u32| (v as f32 * scale).round() as u32;
    record
        .words
        .iter()
        .map(|w| Placed {
            span: w.span,
            page: (w.page.max(1) - 1) as usize,
            rect: PxRect {
                x: s(w.x),
                y: s(w.y),
                w: s(w.w).max(1),
                h: s(w.h).max(1),
            },
        })
        .collect()
}

/// The record's words (runs without white space) with their spans.
fn tokens(text: &str) -> Vec<(Span, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((Span::new(s, i), &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((Span::new(s, text.len()), &text[s..]));
    }
    out
}

/// How two extractions' words compare: ligatures expanded, case and
/// surrounding quotes ignored.
fn norm(w: &str) -> String {
    w.replace('\u{FB01}', "fi")
        .replace('\u{FB02}', "fl")
        .replace('\u{FB00}', "ff")
        .replace('\u{2019}', "'")
        .to_lowercase()
}

/// Matches the record's words to the text layer's words (a diff of the
/// two sequences); each matched record word gets its box. Runs that differ
/// but have the same number of words on both sides (a ligature, a dash)
/// match word for word.
fn match_words(text: &str, words: &[(usize, String, PxRect)]) -> Vec<Placed> {
    let toks = tokens(text);
    let a: Vec<String> = toks.iter().map(|(_, t)| norm(t)).collect();
    let b: Vec<String> = words.iter().map(|(_, t, _)| norm(t)).collect();
    // Blocks the two extractions read in another order (a table before
    // or after the paragraph beside it) are left over by one diff: the
    // words still unmatched on both sides are diffed again, a few rounds.
    let mut left: Vec<usize> = (0..a.len()).collect();
    let mut right: Vec<usize> = (0..b.len()).collect();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for _round in 0..4 {
        let la: Vec<&String> = left.iter().map(|&i| &a[i]).collect();
        let lb: Vec<&String> = right.iter().map(|&j| &b[j]).collect();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &la, &lb) {
            match op {
                similar::DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => found.extend((0..len).map(|k| (old_index + k, new_index + k))),
                similar::DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } if old_len == new_len => {
                    found.extend((0..old_len).map(|k| (old_index + k, new_index + k)))
                }
                _ => {}
            }
        }
        // Single common words matched across the whole text are noise
        // after the first round: later rounds keep runs of 3 or more.
        if !pairs.is_empty() {
            found = runs_of(&found, 3);
        }
        if found.is_empty() {
            break;
        }
        let (fa, fb): (Vec<usize>, Vec<usize>) =
            found.iter().map(|&(i, j)| (left[i], right[j])).unzip();
        pairs.extend(fa.iter().copied().zip(fb.iter().copied()));
        left.retain(|i| !fa.contains(i));
        right.retain(|j| !fb.contains(j));
    }
    pairs
        .into_iter()
        .filter_map(|(i, j)| {
            let (span, _) = toks.get(i)?;
            let (page, _, rect) = words.get(j)?;
            Some(Placed {
                span: *span,
                page: *page,
                rect: *rect,
            })
        })
        .collect()
}

/// The pairs that belong to runs of at least `n` consecutive pairs on
/// both sides.
fn runs_of(pairs: &[(usize, usize)], n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut run: Vec<(usize, usize)> = Vec::new();
    for &p in pairs {
        if let Some(&(i, j)) = run.last() {
            if p != (i + 1, j + 1) {
                if run.len() >= n {
                    out.append(&mut run);
                }
                run.clear();
            }
        }
        run.push(p);
    }
    if run.len() >= n {
        out.append(&mut run);
    }
    out
}

/// Byte ranges of the record's text that no page shows: the annotation
/// and form-field lines and the document properties the extractor adds
/// (a page image carries none of them).
fn off_page(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for marker in ["\n[Annotation", "\n[Form field"] {
        for (at, _) in text.match_indices(marker) {
            let end = text[at + 1..].find('\n').map_or(text.len(), |e| at + 1 + e);
            out.push((at, end));
        }
    }
    if let Some(at) = text.rfind("\n\n--- Document properties ---\n") {
        out.push((at, text.len()));
    }
    out
}

/// Whether every redacted word is placed on one of `n_pages` pages and
/// enough of the record's words are placed for the file to be the one
/// indexed.
fn check_placed(
    record: &Record,
    redactions: &[Redaction],
    n_pages: usize,
    placed: &[Placed],
) -> Result<(), Fallback> {
    // Words in what no page shows need no box, unless a page shows them
    // after all (then they are matched to a box like any other word).
    let hidden = off_page(&record.text);
    let shown = |s: &Span| {
        !hidden.iter().any(|&(a, b)| a <= s.start && s.end <= b)
            || placed
                .iter()
                .any(|p| p.span.start < s.end && s.start < p.span.end)
    };
    let toks: Vec<(Span, &str)> = tokens(&record.text)
        .into_iter()
        .filter(|(s, _)| shown(s))
        .collect();
    // Every redacted character that is not white space lies in a placed
    // word on an existing page: otherwise a box would be missing.
    for r in redactions {
        for (s, _) in toks
            .iter()
            .filter(|(s, _)| r.span.start < s.end && s.start < r.span.end)
        {
            let covered = |i: usize| {
                placed
                    .iter()
                    .any(|p| p.page < n_pages && p.span.start <= i && i < p.span.end)
            };
            let lo = s.start.max(r.span.start);
            let hi = s.end.min(r.span.end);
            if !(lo..hi)
                .filter(|i| record.text.is_char_boundary(*i))
                .all(covered)
            {
                return Err(Fallback::UnplacedRedaction);
            }
        }
    }
    if !toks.is_empty() {
        let matched = toks
            .iter()
            .filter(|(s, _)| {
                placed
                    .iter()
                    .any(|p| p.span.start < s.end && s.start < p.span.end)
            })
            .count();
        if (matched as f64) < MIN_MATCHED * toks.len() as f64 {
            return Err(Fallback::SourceChanged);
        }
    }
    Ok(())
}

/// Paints the boxes and builds each page's text layer.
fn build_pages(
    record: &Record,
    redactions: &[Redaction],
    pages: Vec<(GrayImage, u32)>,
    placed: &[Placed],
) -> Result<Vec<ImagePage>, Fallback> {
    check_placed(record, redactions, pages.len(), placed)?;
    let redacted = |s: Span| {
        redactions
            .iter()
            .any(|r| r.span.start < s.end && s.start < r.span.end)
    };
    let mut out: Vec<ImagePage> = pages
        .into_iter()
        .map(|(image, dpi)| ImagePage {
            image,
            dpi,
            text: Vec::new(),
            boxes: Vec::new(),
        })
        .collect();
    for p in placed {
        let Some(page) = out.get_mut(p.page) else {
            continue;
        };
        let (w, h) = page.image.dimensions();
        if redacted(p.span) {
            page.boxes.push(p.rect.padded(PAD, w, h));
        } else if let Some(t) = record.text.get(p.span.start..p.span.end) {
            page.text.push((p.rect, t.to_owned()));
        }
    }
    // Each redaction's marker, invisible, over its first box.
    for r in redactions {
        let first = placed
            .iter()
            .filter(|p| p.span.start < r.span.end && r.span.start < p.span.end)
            .min_by_key(|p| (p.page, p.span.start));
        if let Some(f) = first {
            let all = placed
                .iter()
                .filter(|p| {
                    p.page == f.page && p.span.start < r.span.end && r.span.start < p.span.end
                })
                .fold(f.rect, |u, p| u.union(p.rect));
            if let Some(page) = out.get_mut(f.page) {
                page.text.push((all, marker_text(&r.reason_code)));
            }
        }
    }
    for page in &mut out {
        // Kept words never sit under a box (a word box that overlaps a
        // redaction's box would put its text beside the box).
        let boxes = page.boxes.clone();
        page.text.retain(|(rect, t)| {
            t.starts_with("[REDACTED") || !boxes.iter().any(|b| overlaps(*b, *rect))
        });
        for b in &boxes {
            paint(&mut page.image, *b);
        }
    }
    Ok(out)
}

fn overlaps(a: PxRect, b: PxRect) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

fn paint(img: &mut GrayImage, r: PxRect) {
    let (w, h) = img.dimensions();
    for y in r.y..r.bottom().min(h) {
        for x in r.x..r.right().min(w) {
            img.put_pixel(x, y, Luma([FILL]));
        }
    }
}

/// The pixels of `r` that are not [`FILL`] in `img` (0 for a sound box).
pub fn unfilled(img: &GrayImage, r: PxRect) -> u64 {
    let (w, h) = img.dimensions();
    let mut n = 0;
    for y in r.y..r.bottom().min(h) {
        for x in r.x..r.right().min(w) {
            if img.get_pixel(x, y).0[0] != FILL {
                n += 1;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_across_a_ligature_and_a_missing_word() {
        let text = "Dear Mr Jones,\nthe ofﬁce will call.";
        let r = |x| PxRect {
            x,
            y: 0,
            w: 5,
            h: 5,
        };
        let words: Vec<(usize, String, PxRect)> =
            ["Dear", "Mr", "Jones,", "the", "office", "call."]
                .iter()
                .enumerate()
                .map(|(i, w)| (0, (*w).to_owned(), r(i as u32 * 10)))
                .collect();
        let placed = match_words(text, &words);
        let got: Vec<(&str, u32)> = placed
            .iter()
            .map(|p| (&text[p.span.start..p.span.end], p.rect.x))
            .collect();
        assert_eq!(
            got,
            [
                ("Dear", 0),
                ("Mr", 10),
                ("Jones,", 20),
                ("the", 30),
                ("ofﬁce", 40),
                ("call.", 50)
            ]
        );
    }

    #[test]
    fn a_redacted_word_without_a_box_declines_the_page_image() {
        let mut rec = Record::new("x.png", "", Kind::Image);
        rec.text = "Call Jo Smith today".into();
        let img = GrayImage::from_pixel(100, 20, Luma([255]));
        let at = |s, e, x| Placed {
            span: Span::new(s, e),
            page: 0,
            rect: PxRect {
                x,
                y: 2,
                w: 10,
                h: 10,
            },
        };
        // "Smith" has no box.
        let placed = [at(0, 4, 0), at(5, 7, 20), at(14, 19, 60)];
        let red = Redaction {
            id: "r1".into(),
            span: Span::new(5, 13),
            category: sarx_model::plan::Category::ThirdPartyName,
            reason_code: "third-party".into(),
            legal_basis: String::new(),
            confidence: 1.0,
            recogniser: "test".into(),
            party: String::new(),
        };
        let got = build_pages(
            &rec,
            std::slice::from_ref(&red),
            vec![(img.clone(), 72)],
            &placed,
        );
        assert_eq!(got, Err(Fallback::UnplacedRedaction));
        // With its box, the page is painted and the kept words are its text.
        let placed = [at(0, 4, 0), at(5, 7, 20), at(8, 13, 40), at(14, 19, 60)];
        let pages = build_pages(&rec, &[red], vec![(img, 72)], &placed).unwrap();
        let p = &pages[0];
        assert_eq!(p.boxes.len(), 2);
        assert!(p.boxes.iter().all(|b| unfilled(&p.image, *b) == 0));
        let words: Vec<&str> = p.text.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(words, ["Call", "today", "[REDACTED: third-party]"]);
        assert_eq!(p.image.get_pixel(90, 10).0[0], 255);
    }

    /// A box read from a case file with edges past `u32::MAX` is clipped
    /// to the image, never an overflow.
    #[test]
    fn boxes_at_the_limits_do_not_overflow() {
        let mut img = GrayImage::from_pixel(4, 4, Luma([255]));
        let huge = PxRect {
            x: 2,
            y: 2,
            w: u32::MAX,
            h: u32::MAX,
        };
        paint(&mut img, huge);
        assert_eq!(unfilled(&img, huge), 0);
        assert_eq!(
            huge.padded(PAD, 4, 4),
            PxRect {
                x: 0,
                y: 0,
                w: 4,
                h: 4
            }
        );
        assert!(overlaps(huge, huge.union(huge)));
    }
}
