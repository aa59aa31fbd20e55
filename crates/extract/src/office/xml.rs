//! Streaming XML for the zip-based formats: a visitor ([`Handler`]) driven
//! over a part with entities and character references resolved, attribute
//! lookup by local name, the text layout (paragraphs, table cells, rows)
//! that the WordprocessingML, DrawingML and ODF walkers share, and the
//! collector for document-property parts (`docProps/*.xml`, `meta.xml`).

use quick_xml::events::{BytesStart, Event};

use crate::{Failure, Result};

/// A streaming XML visitor.
pub(crate) trait Handler {
    fn start(&mut self, e: &BytesStart<'_>);
    fn end(&mut self, local: &[u8]);
    fn text(&mut self, t: &str);
}

pub(crate) fn drive(xml: &[u8], h: &mut impl Handler) -> Result<()> {
    let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => h.start(&e),
            Ok(Event::Empty(e)) => {
                h.start(&e);
                h.end(e.local_name().as_ref().as_bytes());
            }
            Ok(Event::End(e)) => h.end(e.local_name().as_ref().as_bytes()),
            Ok(Event::Text(t)) => h.text(&t.xml10_content()),
            Ok(Event::CData(t)) => h.text(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    h.text(c.encode_utf8(&mut [0; 4]));
                } else if let Some(s) =
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                {
                    h.text(s);
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err(Failure::corrupt("an XML part is not well-formed")),
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

pub(crate) fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref().as_bytes() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Text layout shared by the WordprocessingML, DrawingML and ODF walkers:
/// paragraphs end lines; inside table cells they become spaces, cells end
/// with TAB and rows with a newline.
#[derive(Default)]
pub(crate) struct Layout {
    pub out: String,
    pub cells: usize,
}

impl Layout {
    pub fn para_end(&mut self) {
        if self.cells > 0 {
            if !self.out.ends_with([' ', '\t']) {
                self.out.push(' ');
            }
        } else {
            self.out.push('\n');
        }
    }
    pub fn cell_start(&mut self) {
        self.cells += 1;
    }
    pub fn cell_end(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        self.out.push('\t');
        self.cells = self.cells.saturating_sub(1);
    }
    pub fn row_end(&mut self) {
        if self.out.ends_with('\t') {
            self.out.pop();
        }
        if self.cells > 0 {
            self.out.push(' ');
        } else {
            self.out.push('\n');
        }
    }
}

/// Collects leaf elements as (local name, text) pairs; custom properties
/// (`property name="..."`, `meta:user-defined meta:name="..."`) as `custom:<name>`.
#[derive(Default)]
pub(crate) struct PropCollector {
    pub pairs: Vec<(String, String)>,
    current: Option<String>,
    custom: Option<String>,
    buf: String,
}

impl Handler for PropCollector {
    fn start(&mut self, e: &BytesStart<'_>) {
        let local = String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned();
        if local == "property" || local == "user-defined" {
            self.custom = attr(e, b"name");
            self.current = Some(local);
        } else if self.custom.is_none() {
            self.current = Some(local);
        }
        self.buf.clear();
    }
    fn end(&mut self, local: &[u8]) {
        let text = std::mem::take(&mut self.buf);
        if let Some(name) = &self.custom {
            if local == b"property" || local == b"user-defined" {
                if !text.trim().is_empty() {
                    self.pairs.push((format!("custom:{name}"), text));
                }
                self.custom = None;
            } else if !text.trim().is_empty() {
                self.pairs.push((format!("custom:{name}"), text));
                self.custom = None;
            }
            return;
        }
        if let Some(cur) = self.current.take() {
            if cur.as_bytes() == local && !text.trim().is_empty() {
                self.pairs.push((cur, text));
            }
        }
    }
    fn text(&mut self, t: &str) {
        self.buf.push_str(t);
    }
}
