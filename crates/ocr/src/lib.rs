//! OCR for scans and images: Tesseract (`tesseract`, Debian's
//! `tesseract-ocr` and `tesseract-ocr-eng`) and poppler's `pdftoppm` run
//! as processes, never linked (both stay outside sarx's licence).
//!
//! - [`Tesseract`]: finds the program and its English data, recognises one
//!   image (PNG, JPEG, TIFF — every page — BMP, GIF, WebP: whatever
//!   Leptonica reads) through its TSV output, with a time limit.
//! - [`OcrPage`]: the page's text as lines and paragraphs, and every word
//!   with its byte span in that text, its box on the image and its
//!   confidence, so redaction can place boxes on the page.
//!   [`OcrPage::low_confidence`] says when a reader must check it.
//! - [`render_pdf_page`]: one PDF page as a PNG at a given resolution
//!   (`pdftoppm`), for pages without a text layer and for page-image
//!   redaction.
//! - [`pdf_words`]: the words of a PDF's text layer with their boxes
//!   (`pdftotext -bbox`), so redaction can box words on text pages too.
//!
//! Pure parsing ([`parse_tsv`]) is separate from running processes, so it
//! is tested on recorded output; the process tests need the programs and
//! say "skipped" without them (fail under CI).
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod poppler;
mod process;
mod tsv;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use poppler::{parse_bbox, pdf_words, PdfPageWords, PdfWord};
pub use tsv::{parse_tsv, BBox, OcrPage, Word, LOW_CONFIDENCE};

/// What can go wrong running OCR. Messages name programs and paths, never
/// what an image says.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The program is not installed (or not on `PATH`).
    #[error("{program} is not installed (scripts/setup.sh installs it)")]
    NotInstalled {
        /// The program's name.
        program: &'static str,
    },
    /// The language data is missing.
    #[error("tesseract has no {lang} language data (Debian: tesseract-ocr-{lang})")]
    NoLanguage {
        /// The language code.
        lang: String,
    },
    /// The program could not be started or talked to.
    #[error("{program}: {source}")]
    Io {
        /// The program.
        program: &'static str,
        /// The cause.
        source: std::io::Error,
    },
    /// The program ran longer than the limit and was stopped.
    #[error("{program} took longer than {seconds} s and was stopped")]
    Timeout {
        /// The program.
        program: &'static str,
        /// The limit.
        seconds: u64,
    },
    /// The program failed (the image is unreadable, damaged or too big).
    #[error("{program} failed with status {status}")]
    Failed {
        /// The program.
        program: &'static str,
        /// Its exit status (-1: killed by a signal).
        status: i32,
    },
    /// Tesseract's TSV output is not what version 4 and later write.
    #[error("unexpected tesseract output at line {line}")]
    Output {
        /// 1-based line of the TSV.
        line: usize,
    },
}

/// Most time one image may take before tesseract is stopped.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The Tesseract program and how to run it.
#[derive(Debug, Clone)]
pub struct Tesseract {
    program: PathBuf,
    version: String,
    lang: String,
    timeout: Duration,
}

impl Tesseract {
    /// Finds `tesseract` on `PATH` (or `SARX_TESSERACT`) and checks that it
    /// has English data.
    pub fn find() -> Result<Tesseract, Error> {
        let program = std::env::var_os("SARX_TESSERACT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("tesseract"));
        Self::at(&program, "eng")
    }

    /// Tesseract at `program`, reading language `lang` (`eng`).
    pub fn at(program: &Path, lang: &str) -> Result<Tesseract, Error> {
        let version = process::output(program, &["--version"], "tesseract")?;
        let version = version
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .unwrap_or("")
            .to_owned();
        let langs = process::output(program, &["--list-langs"], "tesseract")?;
        if !langs.lines().skip(1).any(|l| l.trim() == lang) {
            return Err(Error::NoLanguage {
                lang: lang.to_owned(),
            });
        }
        Ok(Tesseract {
            program: program.to_path_buf(),
            version,
            lang: lang.to_owned(),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The same, stopping each image after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Tesseract's version (`5.3.0`): part of the extractor tag, so a new
    /// version re-reads scans.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Recognises the image in `bytes` (every page of a multi-page TIFF).
    /// Page segmentation with orientation and script detection (`--psm 1`),
    /// so a scan turned on its side is read the right way up.
    pub fn recognise(&self, bytes: &[u8]) -> Result<Vec<OcrPage>, Error> {
        let out = process::run(
            &self.program,
            &["stdin", "stdout", "-l", &self.lang, "--psm", "1", "tsv"],
            bytes,
            self.timeout,
            "tesseract",
        )?;
        let tsv = String::from_utf8_lossy(&out);
        parse_tsv(&tsv)
    }
}

/// Renders page `page` (1-based) of the PDF at `pdf` as a PNG at `dpi`
/// with poppler's `pdftoppm`, without annotations and form fields.
pub fn render_pdf_page(
    pdf: &Path,
    page: u32,
    dpi: u32,
    timeout: Duration,
) -> Result<Vec<u8>, Error> {
    let page = page.to_string();
    let dpi = dpi.to_string();
    let pdf = pdf.to_string_lossy();
    process::run(
        Path::new("pdftoppm"),
        // Without an output root, pdftoppm writes the image to stdout.
        // Annotations and form fields are not drawn: their text is
        // extracted on its own, and a page image carries none of them.
        &[
            "-png",
            "-hide-annotations",
            "-r",
            &dpi,
            "-f",
            &page,
            "-l",
            &page,
            "-singlefile",
            &pdf,
        ],
        &[],
        timeout,
        "pdftoppm",
    )
}
