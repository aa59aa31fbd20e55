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

/// Parses `pdftotext -bbox` output (see the module documentation) with
/// quick-xml; what it cannot read is skipped, and the pages read before a
/// malformed part are kept.
pub fn parse_bbox(xhtml: &str) -> Vec<PdfPageWords> {
    use quick_xml::events::{BytesStart, Event};
    let num = |e: &BytesStart<'_>, name: &str| -> Option<f32> {
        let a = e.try_get_attribute(name).ok()??;
        a.value.trim().parse().ok()
    };
    let mut pages: Vec<PdfPageWords> = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xhtml);
    // An open <word>: its box (when all four edges parse) and its text.
    let mut word: Option<(Option<[f32; 4]>, String)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "page" => {
                pages.push(PdfPageWords {
                    width: num(&e, "width").unwrap_or(0.0),
                    height: num(&e, "height").unwrap_or(0.0),
                    words: Vec::new(),
                });
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "word" => {
                let edges = ["xMin", "yMin", "xMax", "yMax"].map(|n| num(&e, n));
                let all = match edges {
                    [Some(a), Some(b), Some(c), Some(d)] => Some([a, b, c, d]),
                    _ => None,
                };
                word = Some((all, String::new()));
            }
            Ok(Event::Text(t)) => {
                if let Some((_, text)) = word.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, text)) = word.as_mut() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        text.push(c);
                    } else if let Some(c) =
                        quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                    {
                        text.push_str(c);
                    }
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "word" => {
                if let (Some((Some([x_min, y_min, x_max, y_max]), text)), Some(p)) =
                    (word.take(), pages.last_mut())
                {
                    p.words.push(PdfWord {
                        text,
                        x_min,
                        y_min,
                        x_max,
                        y_max,
                    });
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    pages
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
        let p = parse_bbox(
            r#"<page width="1" height="1"><word xMin="1" yMin="1" xMax="2" yMax="2">Zo&#235;&apos;s</word></page>"#,
        );
        assert_eq!(p[0].words[0].text, "Zoë's");
    }
}
