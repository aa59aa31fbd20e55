//! Tesseract's TSV output → pages of text with word boxes.
//!
//! Columns (Tesseract 4 and later): `level page_num block_num par_num
//! line_num word_num left top width height conf text`. Level 5 rows are
//! words; the others give the page size and the layout. The page text is
//! rebuilt from the words: a space between words of a line, a newline
//! between lines, a blank line between paragraphs and blocks. Each word
//! keeps its byte span in that text, its box and its confidence.

use sarx_model::Span;

use crate::Error;

/// Mean word confidence (0–100) below which a page is marked "OCR
/// confidence low: review".
pub const LOW_CONFIDENCE: f32 = 60.0;

/// A box on the page image, in pixels from the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BBox {
    /// Left edge.
    pub left: u32,
    /// Top edge.
    pub top: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// One recognised word.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Where it is in [`OcrPage::text`].
    pub span: Span,
    /// Where it is on the image.
    pub bbox: BBox,
    /// Tesseract's confidence, 0–100.
    pub conf: f32,
}

/// One recognised page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OcrPage {
    /// 1-based page number (pages of a multi-page TIFF).
    pub page: u32,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// The text, as lines and paragraphs.
    pub text: String,
    /// Every word, in text order.
    pub words: Vec<Word>,
}

impl OcrPage {
    /// Mean word confidence (0–100), weighted by word length; `None`
    /// without words.
    pub fn mean_conf(&self) -> Option<f32> {
        let (mut sum, mut n) = (0.0f64, 0usize);
        for w in &self.words {
            let len = w.span.len();
            sum += f64::from(w.conf) * len as f64;
            n += len;
        }
        (n > 0).then(|| (sum / n as f64) as f32)
    }

    /// True when the page has words but their mean confidence is below
    /// [`LOW_CONFIDENCE`]: a reader must check it.
    pub fn low_confidence(&self) -> bool {
        self.mean_conf().is_some_and(|c| c < LOW_CONFIDENCE)
    }
}

/// Where the last word was written, to choose the separator before the next.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Place {
    block: u32,
    par: u32,
    line: u32,
}

/// Parses Tesseract's TSV output into pages (in page order).
pub fn parse_tsv(tsv: &str) -> Result<Vec<OcrPage>, Error> {
    let mut pages: Vec<OcrPage> = Vec::new();
    let mut last: Option<Place> = None;
    for (i, line) in tsv.lines().enumerate() {
        if i == 0 || line.is_empty() {
            // The header row.
            continue;
        }
        let bad = || Error::Output { line: i + 1 };
        let mut cols = line.splitn(12, '\t');
        let mut num = || -> Result<u32, Error> {
            cols.next()
                .and_then(|c| c.trim().parse::<u32>().ok())
                .ok_or_else(bad)
        };
        let level = num()?;
        let page = num()?;
        let block = num()?;
        let par = num()?;
        let line_no = num()?;
        let _word = num()?;
        let bbox = BBox {
            left: num()?,
            top: num()?,
            width: num()?,
            height: num()?,
        };
        let conf: f32 = cols
            .next()
            .and_then(|c| c.trim().parse().ok())
            .ok_or_else(bad)?;
        let text = cols.next().unwrap_or("").trim();
        if pages.last().is_none_or(|p| p.page != page) {
            pages.push(OcrPage {
                page,
                ..OcrPage::default()
            });
            last = None;
        }
        let Some(p) = pages.last_mut() else {
            continue;
        };
        match level {
            1 => {
                p.width = bbox.width;
                p.height = bbox.height;
            }
            5 if !text.is_empty() => {
                let here = Place {
                    block,
                    par,
                    line: line_no,
                };
                if let Some(prev) = last {
                    let sep = if prev.block != here.block || prev.par != here.par {
                        "\n\n"
                    } else if prev.line != here.line {
                        "\n"
                    } else {
                        " "
                    };
                    p.text.push_str(sep);
                }
                let start = p.text.len();
                p.text.push_str(text);
                p.words.push(Word {
                    span: Span::new(start, p.text.len()),
                    bbox,
                    conf: conf.clamp(0.0, 100.0),
                });
                last = Some(here);
            }
            _ => {}
        }
    }
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

    fn tsv(rows: &[&str]) -> String {
        let mut s = HEADER.to_owned();
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    #[test]
    fn words_lines_and_paragraphs() {
        let t = tsv(&[
            "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3509\t-1\t",
            "2\t1\t1\t0\t0\t0\t210\t184\t1251\t2025\t-1\t",
            "5\t1\t1\t1\t1\t1\t210\t184\t104\t33\t96.97\tDear",
            "5\t1\t1\t1\t1\t2\t330\t185\t97\t40\t95.5\tMr",
            "5\t1\t1\t1\t2\t1\t210\t230\t150\t40\t91\tO'Neill,",
            "5\t1\t1\t2\t1\t1\t210\t330\t150\t40\t40\tThanks",
            "5\t1\t2\t1\t1\t1\t210\t630\t150\t40\t-1\t ",
        ]);
        let pages = parse_tsv(&t).unwrap();
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!((p.width, p.height), (2480, 3509));
        assert_eq!(p.text, "Dear Mr\nO'Neill,\n\nThanks");
        let words: Vec<&str> = p
            .words
            .iter()
            .map(|w| w.span.slice(&p.text).unwrap())
            .collect();
        assert_eq!(words, ["Dear", "Mr", "O'Neill,", "Thanks"]);
        assert_eq!(
            p.words[1].bbox,
            BBox {
                left: 330,
                top: 185,
                width: 97,
                height: 40
            }
        );
        assert!(!p.low_confidence());
    }

    #[test]
    fn pages_of_a_tiff_and_low_confidence() {
        let t = tsv(&[
            "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
            "5\t1\t1\t1\t1\t1\t1\t1\t10\t10\t30\tblurred",
            "1\t2\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t",
            "5\t2\t1\t1\t1\t1\t1\t1\t10\t10\t95\tclear",
        ]);
        let pages = parse_tsv(&t).unwrap();
        assert_eq!(pages.len(), 2);
        assert!(pages[0].low_confidence());
        assert!(!pages[1].low_confidence());
        assert_eq!(pages[1].text, "clear");
        assert_eq!(pages[1].page, 2);
        // A page without words is not "low confidence": it says nothing.
        assert!(!OcrPage::default().low_confidence());
    }

    #[test]
    fn malformed_rows_are_an_error_with_the_line() {
        let t = tsv(&["5\t1\tx\t1\t1\t1\t1\t1\t10\t10\t30\tword"]);
        assert!(matches!(parse_tsv(&t), Err(Error::Output { line: 2 })));
    }

    proptest::proptest! {
        /// Any input is parsed or refused, never a panic, and every word's
        /// span lies in the text on character boundaries.
        #[test]
        fn spans_are_in_the_text(rows in proptest::collection::vec("[0-9]{1,2}(\t[0-9-]{1,3}){10}\t[^\t\n]{0,8}", 0..20)) {
            let t = tsv(&rows.iter().map(String::as_str).collect::<Vec<_>>());
            if let Ok(pages) = parse_tsv(&t) {
                for p in pages {
                    for w in &p.words {
                        proptest::prop_assert!(w.span.slice(&p.text).is_some());
                    }
                }
            }
        }
    }
}
