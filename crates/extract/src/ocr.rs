//! OCR during extraction: the engine handle an [`crate::Extractor`] holds,
//! the mode it runs in, its counters, and the one place Tesseract's
//! results become record text, word boxes and unsearchable entries.
//!
//! Tesseract and `pdftoppm` run as processes (`sarx-ocr`); a PDF whose
//! pages need OCR is written to a private temporary file (0600, removed
//! when dropped) for `pdftoppm` to render, the only file extraction
//! writes. Messages and details never quote what OCR read.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sarx_model::{metakey, Limit, Reason, Record, Span, WordBox, OCR_DPI};
pub use sarx_ocr::Tesseract;
use sarx_ocr::{Error as OcrError, OcrPage};

use crate::Failure;

/// When extraction runs OCR (`sarx index --ocr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OcrMode {
    /// OCR images and PDF pages without usable text when Tesseract is
    /// installed; without it they are reported as needing review.
    #[default]
    Auto,
    /// Never OCR: images and scans are reported as needing review.
    Off,
    /// OCR images and every PDF page, even pages with a text layer (whose
    /// text is kept, the OCR'd text after it).
    Force,
}

impl OcrMode {
    /// `auto`, `off` or `force`.
    pub fn as_str(self) -> &'static str {
        match self {
            OcrMode::Auto => "auto",
            OcrMode::Off => "off",
            OcrMode::Force => "force",
        }
    }

    /// Parses [`OcrMode::as_str`]'s names.
    pub fn parse(s: &str) -> Option<OcrMode> {
        [OcrMode::Auto, OcrMode::Off, OcrMode::Force]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// The engine for `mode`: `None` when OCR is off; for `auto`, `None` when
/// Tesseract (or its English data) is missing; for `force`, the error.
pub fn find_engine(mode: OcrMode) -> Result<Option<Tesseract>, OcrError> {
    match mode {
        OcrMode::Off => Ok(None),
        OcrMode::Auto => Ok(Tesseract::find().ok()),
        OcrMode::Force => Tesseract::find().map(Some),
    }
}

/// Pages OCR'd and the time spent, over every file an extractor (and its
/// clones) read: live, for progress bars and summaries.
#[derive(Debug, Default)]
pub struct OcrStats {
    pages: AtomicU64,
    nanos: AtomicU64,
}

impl OcrStats {
    /// Pages (images, TIFF pages, PDF pages) OCR'd so far.
    pub fn pages(&self) -> u64 {
        self.pages.load(Ordering::Relaxed)
    }

    /// Time spent in OCR so far (rendering and recognition, summed over
    /// threads).
    pub fn time(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }

    fn add(&self, pages: u64, time: Duration) {
        self.pages.fetch_add(pages, Ordering::Relaxed);
        let n = u64::try_from(time.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(n, Ordering::Relaxed);
    }
}

/// The OCR part of an extractor's configuration.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ocr {
    pub(crate) mode: OcrMode,
    pub(crate) engine: Option<Tesseract>,
    pub(crate) stats: Arc<OcrStats>,
}

impl Ocr {
    /// Off: what [`crate::Extractor::new`] starts with.
    pub(crate) fn off() -> Ocr {
        Ocr {
            mode: OcrMode::Off,
            engine: None,
            stats: Arc::default(),
        }
    }

    /// The engine, when OCR runs.
    pub(crate) fn engine(&self) -> Option<&Tesseract> {
        match self.mode {
            OcrMode::Off => None,
            OcrMode::Auto | OcrMode::Force => self.engine.as_ref(),
        }
    }

    /// Why OCR does not run, for the entry reporting a scan or image.
    pub(crate) fn why_not(&self) -> &'static str {
        match (self.mode, &self.engine) {
            (OcrMode::Off, _) => "OCR is off",
            (_, None) => "tesseract is not installed (scripts/setup.sh installs it)",
            (_, Some(_)) => "OCR is on",
        }
    }

    /// Recognises an image (every page of a TIFF).
    pub(crate) fn image(&self, t: &Tesseract, bytes: &[u8]) -> Result<Vec<OcrPage>, Failure> {
        let started = Instant::now();
        let out = t.recognise(bytes);
        let pages = out.as_ref().map(|p| p.len() as u64).unwrap_or(0);
        self.stats.add(pages, started.elapsed());
        out.map_err(|e| failure(&e))
    }

    /// Renders page `page` of the PDF at `pdf` at [`OCR_DPI`] and
    /// recognises it.
    pub(crate) fn pdf_page(
        &self,
        t: &Tesseract,
        pdf: &Path,
        page: u32,
        timeout: Duration,
    ) -> Result<OcrPage, Failure> {
        let started = Instant::now();
        let out = sarx_ocr::render_pdf_page(pdf, page, OCR_DPI, timeout)
            .and_then(|png| t.recognise(&png));
        let ok = out.is_ok();
        self.stats.add(u64::from(ok), started.elapsed());
        let mut pages = out.map_err(|e| failure(&e))?;
        let mut p = if pages.is_empty() {
            OcrPage::default()
        } else {
            pages.swap_remove(0)
        };
        p.page = page;
        Ok(p)
    }
}

/// An OCR error as a failure: the program and what happened, never text.
pub(crate) fn failure(e: &OcrError) -> Failure {
    match e {
        OcrError::Timeout { .. } => Failure::limit(Limit::Time, e.to_string()),
        OcrError::Failed { program, .. } => Failure::corrupt(format!(
            "{program} could not read the image ({e}): damaged, or a variant it does not read"
        )),
        OcrError::NotInstalled { .. } | OcrError::NoLanguage { .. } => {
            Failure::new(Reason::NeedsManualReview, e.to_string())
        }
        _ => Failure::new(Reason::ExtractorFailed, format!("OCR failed: {e}")),
    }
}

/// Appends an OCR'd page's text to `text` and its words to `words`.
pub(crate) fn append_page(text: &mut String, words: &mut Vec<WordBox>, p: &OcrPage) {
    let base = text.len();
    text.push_str(&p.text);
    words.extend(p.words.iter().map(|w| WordBox {
        span: Span::new(base + w.span.start, base + w.span.end),
        page: p.page.max(1),
        x: w.bbox.left,
        y: w.bbox.top,
        w: w.bbox.width,
        h: w.bbox.height,
        conf: w.conf.round().clamp(0.0, 100.0) as u8,
    }));
}

/// The mean confidence of `words`, weighted by length, rounded.
pub(crate) fn mean_conf(words: &[WordBox]) -> Option<u8> {
    let (mut sum, mut n) = (0u64, 0u64);
    for w in words {
        let len = w.span.len() as u64;
        sum += u64::from(w.conf) * len;
        n += len;
    }
    (n > 0).then(|| (sum as f64 / n as f64).round() as u8)
}

/// Writes the OCR meta keys of `record`, and returns the low-confidence
/// entry when some OCR'd page was read with low confidence (`low`: the
/// 1-based pages, `of`: pages OCR'd).
pub(crate) fn mark(
    record: &mut Record,
    engine: &Tesseract,
    ocr_pages: usize,
    low: &[u32],
) -> Option<Failure> {
    record
        .meta
        .insert(metakey::OCR_PAGES.into(), ocr_pages.to_string());
    record.meta.insert(
        metakey::OCR_ENGINE.into(),
        format!("tesseract {}", engine.version()),
    );
    let mean = mean_conf(&record.words);
    if let Some(c) = mean {
        record
            .meta
            .insert(metakey::OCR_CONFIDENCE.into(), c.to_string());
    }
    if low.is_empty() {
        return None;
    }
    record
        .meta
        .insert(metakey::OCR_LOW_CONFIDENCE.into(), "true".into());
    let pages: Vec<String> = low.iter().map(u32::to_string).collect();
    let which = if ocr_pages <= 1 {
        String::new()
    } else {
        format!(
            " on page{} {} of {ocr_pages}",
            if low.len() == 1 { "" } else { "s" },
            pages.join(", ")
        )
    };
    Some(Failure::new(
        Reason::OcrLowConfidence,
        format!(
            "OCR confidence low: review (mean {}{which}; indexed as read)",
            mean.unwrap_or(0)
        ),
    ))
}

/// The words of `p` that the text layer `layer` lacks, for a page with
/// both a text layer and a scanned region: each OCR'd line is kept unless
/// most of its words are in the text layer already. The result keeps the
/// lines' boxes and confidences.
pub(crate) fn lines_lacking(p: &OcrPage, layer: &str) -> OcrPage {
    let fold = |w: &str| -> String {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let known: std::collections::HashSet<String> = layer
        .split_whitespace()
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = OcrPage {
        page: p.page,
        width: p.width,
        height: p.height,
        ..OcrPage::default()
    };
    let mut start = 0usize;
    for line in p.text.split_inclusive('\n') {
        let end = start + line.len();
        let line_span = Span::new(start, end);
        let ws: Vec<&sarx_ocr::Word> = p
            .words
            .iter()
            .filter(|w| w.span.start >= line_span.start && w.span.end <= line_span.end)
            .collect();
        let folded: Vec<String> = ws
            .iter()
            .filter_map(|w| w.span.slice(&p.text))
            .map(fold)
            .filter(|w| !w.is_empty())
            .collect();
        let new = folded.iter().filter(|w| !known.contains(*w)).count();
        if !folded.is_empty() && new * 2 > folded.len() {
            let base = out.text.len();
            out.text.push_str(line);
            for w in ws {
                let mut w = w.clone();
                w.span = Span::new(base + w.span.start - start, base + w.span.end - start);
                out.words.push(w);
            }
        }
        start = end;
    }
    while out.text.ends_with('\n') {
        out.text.pop();
    }
    out.words.retain(|w| w.span.end <= out.text.len());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip() {
        for m in [OcrMode::Auto, OcrMode::Off, OcrMode::Force] {
            assert_eq!(OcrMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(OcrMode::parse("on"), None);
    }

    fn page(text: &str) -> OcrPage {
        // One word per whitespace-separated token, boxes by position.
        let mut p = OcrPage {
            page: 1,
            text: text.to_owned(),
            ..OcrPage::default()
        };
        let mut i = 0;
        for tok in text.split_inclusive([' ', '\n']) {
            let w = tok.trim_end();
            p.words.push(sarx_ocr::Word {
                span: Span::new(i, i + w.len()),
                bbox: sarx_ocr::BBox {
                    left: i as u32,
                    top: 0,
                    width: 10,
                    height: 10,
                },
                conf: 90.0,
            });
            i += tok.len();
        }
        p
    }

    #[test]
    fn only_lines_the_text_layer_lacks_are_kept() {
        let p = page("Dear Mr Charlton,\nscanned note: call Mrs Imrie\nYours sincerely");
        let kept = lines_lacking(&p, "Dear Mr Charlton, ... Yours sincerely");
        assert_eq!(kept.text, "scanned note: call Mrs Imrie");
        let words: Vec<&str> = kept
            .words
            .iter()
            .map(|w| w.span.slice(&kept.text).unwrap())
            .collect();
        assert_eq!(words, ["scanned", "note:", "call", "Mrs", "Imrie"]);
        // Boxes travel with their words.
        assert_eq!(kept.words[0].bbox.left, 18);
    }

    #[test]
    fn appended_words_point_into_the_text() {
        let mut text = String::from("layer\u{c}");
        let mut words = Vec::new();
        let mut p = page("Flat 4 Split Crow Road");
        p.page = 2;
        append_page(&mut text, &mut words, &p);
        assert_eq!(words.len(), 5);
        for w in &words {
            assert!(w.span.slice(&text).is_some());
            assert_eq!(w.page, 2);
        }
        assert_eq!(words[1].span.slice(&text), Some("4"));
        assert_eq!(mean_conf(&words), Some(90));
    }
}
