//! The words of a PDF's text layer with their boxes, from poppler's
//! `pdftotext -bbox` (run as a process), so redaction can place boxes on a
//! page that has text: glyph positions, not OCR guesses.
//!
//! [`parse_bbox`] (pure) reads the XHTML `pdftotext -bbox` writes:
//!
//! ```text
//! <page width="595.276000" height="841.890000">
//!     <word xMin="56.800000" yMin="72.006000" xMax="84.292000" yMax="84.006000">Dear</word>
//! ```

use std::path::Path;
use std::time::Duration;

use crate::Error;

/// One word of a page's text layer; coordinates in PDF points from the
/// page's top-left corner (poppler's convention).
#[derive(Debug, Clone, PartialEq)]
pub struct PdfWord {
    /// The word as poppler reads it (entities decoded).
    pub text: String,
    /// Left edge.
    pub x_min: f32,
    /// Top edge.
    pub y_min: f32,
    /// Right edge.
    pub x_max: f32,
    /// Bottom edge.
    pub y_max: f32,
}

/// One page: its size in points and its words in reading order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PdfPageWords {
    /// Page width, points.
    pub width: f32,
    /// Page height, points.
    pub height: f32,
    /// The words.
    pub words: Vec<PdfWord>,
}

/// Every page of the PDF at `pdf` with its words (`pdftotext -bbox`); a
/// page without a text layer has none.
pub fn pdf_words(pdf: &Path, timeout: Duration) -> Result<Vec<PdfPageWords>, Error> {
    let path = pdf.to_string_lossy();
    let out = crate::process::run(
        Path::new("pdftotext"),
        &["-bbox", "-enc", "UTF-8", &path, "-"],
        &[],
        timeout,
        "pdftotext",
    )?;
    Ok(parse_bbox(&String::from_utf8_lossy(&out)))
}

/// Parses `pdftotext -bbox` output (see the module documentation); what
/// it cannot read is skipped.
pub fn parse_bbox(xhtml: &str) -> Vec<PdfPageWords> {
    let mut pages = Vec::new();
    let mut rest = xhtml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(attrs) = tag.strip_prefix("page ") {
            pages.push(PdfPageWords {
                width: attr(attrs, "width").unwrap_or(0.0),
                height: attr(attrs, "height").unwrap_or(0.0),
                words: Vec::new(),
            });
        } else if let Some(attrs) = tag.strip_prefix("word ") {
            let Some(close) = rest.find("</word>") else {
                break;
            };
            let text = decode(&rest[..close]);
            rest = &rest[close + "</word>".len()..];
            let (Some(x_min), Some(y_min), Some(x_max), Some(y_max)) = (
                attr(attrs, "xMin"),
                attr(attrs, "yMin"),
                attr(attrs, "xMax"),
                attr(attrs, "yMax"),
            ) else {
                continue;
            };
            if let Some(p) = pages.last_mut() {
                p.words.push(PdfWord {
                    text,
                    x_min,
                    y_min,
                    x_max,
                    y_max,
                });
            }
        }
    }
    pages
}

fn attr(attrs: &str, name: &str) -> Option<f32> {
    let key = format!("{name}=\"");
    let at = attrs.find(&key)? + key.len();
    let len = attrs[at..].find('"')?;
    attrs[at..at + len].parse().ok()
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pages_words_and_entities() {
        let x = r#"<!DOCTYPE html><html><head><title></title></head><body>
<doc>
  <page width="595.276000" height="841.890000">
    <word xMin="56.800000" yMin="72.006000" xMax="84.292000" yMax="84.006000">Dear</word>
    <word xMin="86.0" yMin="72.0" xMax="120.5" yMax="84.0">A&amp;B&lt;3</word>
  </page>
  <page width="612" height="792">
  </page>
</doc></body></html>"#;
        let p = parse_bbox(x);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].words.len(), 2);
        assert_eq!(p[0].words[1].text, "A&B<3");
        assert!((p[0].words[0].x_max - 84.292).abs() < 1e-3);
        assert!((p[1].width - 612.0).abs() < 1e-3);
        assert!(p[1].words.is_empty());
        assert!(parse_bbox("<page width=\"1\"><word xMin=\"x\">a</word").len() == 1);
    }
}
