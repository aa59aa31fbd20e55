//! OpenDocument text and presentations (ODT, ODP): `content.xml` with
//! paragraphs, tables, notes, annotations and tracked changes, the master
//! pages' headers and footers in `styles.xml`, and the properties in
//! `meta.xml`; an encrypted package (declared in its manifest) is refused
//! as encrypted.

use std::collections::BTreeSet;

use quick_xml::events::BytesStart;

use super::container::{read_member, read_part, Zip};
use super::xml::{attr, drive, Handler, Layout, PropCollector};
use super::{section, Doc};
use crate::{Ctx, Failure, Format, Result};

/// True when an ODF package's manifest declares encrypted members.
pub(crate) fn odf_encrypted(zip: &mut Zip<'_>) -> bool {
    match read_member(zip, "META-INF/manifest.xml", 16 << 20) {
        Ok(Some(m)) => m.windows(15).any(|w| w == b"encryption-data"),
        _ => false,
    }
}

/// ODF text (content.xml, styles.xml master pages): paragraphs, tables,
/// notes, annotations with their authors, tracked changes, hidden text.
#[derive(Default)]
struct OdfText {
    lay: Layout,
    paras: usize,
    hidden: bool,
    authors: BTreeSet<String>,
    masters_only: bool,
    master: usize,
    /// Inside an annotation or a change record: dc:creator / dc:date.
    meta_el: Option<&'static str>,
    meta_ctx: usize,
    skip: usize,
    slides: usize,
}

impl OdfText {
    fn live(&self) -> bool {
        self.skip == 0 && (!self.masters_only || self.master > 0)
    }
}

impl Handler for OdfText {
    fn start(&mut self, e: &BytesStart<'_>) {
        let name = e.local_name();
        let n = name.as_ref().as_bytes();
        if n == b"master-page" {
            self.master += 1;
        }
        if self.skip > 0 {
            self.skip += 1;
            return;
        }
        match n {
            b"p" | b"h" => self.paras += 1,
            b"s" if self.live() => {
                let c = attr(e, b"c")
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(1)
                    .min(64);
                self.lay.out.extend(std::iter::repeat_n(' ', c));
            }
            b"tab" if self.live() && self.paras > 0 => self.lay.out.push('\t'),
            b"line-break" if self.live() => self.lay.out.push('\n'),
            b"table-cell" | b"covered-table-cell" => self.lay.cell_start(),
            b"annotation" => {
                self.hidden = true;
                self.meta_ctx += 1;
                if self.live() {
                    self.lay.out.push_str(" [Comment: ");
                }
            }
            b"tracked-changes" => {
                self.hidden = true;
                self.meta_ctx += 1;
                if self.live() {
                    self.lay.out.push_str("[Tracked changes: ");
                }
            }
            b"deletion" => self.hidden = true,
            b"creator" if self.meta_ctx > 0 => self.meta_el = Some("creator"),
            b"date" if self.meta_ctx > 0 => self.meta_el = Some("date"),
            b"note-citation" | b"sequence-decls" | b"variable-decls" | b"user-field-decls" => {
                self.skip = 1
            }
            b"note-body" if self.live() => self.lay.out.push_str(" [Note: "),
            b"hidden-text" | b"hidden-paragraph" | b"conditional-text" => {
                self.hidden = true;
                for key in [
                    &b"string-value"[..],
                    b"string-value-if-true",
                    b"string-value-if-false",
                ] {
                    if let Some(v) = attr(e, key) {
                        if self.live() && !v.is_empty() {
                            self.lay.out.push(' ');
                            self.lay.out.push_str(&v);
                            self.lay.out.push(' ');
                        }
                    }
                }
            }
            b"text-properties" if attr(e, b"display").is_some_and(|d| d == "none") => {
                self.hidden = true
            }
            b"page" if !self.masters_only && e.name().as_ref() == "draw:page" => {
                self.slides += 1;
                self.lay
                    .out
                    .push_str(&format!("\n--- Slide {} ---\n", self.slides));
            }
            b"notes" if !self.masters_only => self.lay.out.push_str("\nNotes: "),
            _ => {}
        }
    }

    fn end(&mut self, local: &[u8]) {
        if local == b"master-page" {
            self.master = self.master.saturating_sub(1);
        }
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match local {
            b"p" | b"h" => {
                self.paras = self.paras.saturating_sub(1);
                if self.live() {
                    self.lay.para_end();
                }
            }
            b"table-cell" | b"covered-table-cell" => {
                if self.live() {
                    self.lay.cell_end();
                } else {
                    self.lay.cells = self.lay.cells.saturating_sub(1);
                }
            }
            b"table-row" if self.live() => self.lay.row_end(),
            b"annotation" => {
                self.meta_ctx = self.meta_ctx.saturating_sub(1);
                if self.live() {
                    while self.lay.out.ends_with(['\n', ' ']) {
                        self.lay.out.pop();
                    }
                    self.lay.out.push_str("] ");
                }
            }
            b"tracked-changes" => {
                self.meta_ctx = self.meta_ctx.saturating_sub(1);
                if self.live() {
                    self.lay.out.push_str("]\n");
                }
            }
            b"creator" | b"date" if self.meta_el.is_some() => {
                self.meta_el = None;
                if self.live() {
                    self.lay.out.push_str(", ");
                }
            }
            b"note-body" if self.live() => {
                while self.lay.out.ends_with(['\n', ' ']) {
                    self.lay.out.pop();
                }
                self.lay.out.push_str("] ");
            }
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if !self.live() {
            return;
        }
        if let Some(el) = self.meta_el {
            if el == "creator" && !t.trim().is_empty() {
                self.authors.insert(t.trim().to_owned());
            }
            self.lay.out.push_str(t);
        } else if self.paras > 0 {
            self.lay.out.push_str(t);
        }
    }
}

pub(super) fn odf(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>, format: Format) -> Result<Doc> {
    if odf_encrypted(zip) {
        return Err(Failure::encrypted(format!(
            "{} is encrypted with a password",
            format.name()
        )));
    }
    let mut doc = Doc::default();
    let Some(content) = read_part(ctx, zip, "content.xml")? else {
        return Err(Failure::corrupt("the package has no content.xml"));
    };
    ctx.check_time()?;
    let mut w = OdfText::default();
    drive(&content, &mut w)?;
    doc.text = std::mem::take(&mut w.lay.out);
    if let Some(styles) = read_part(ctx, zip, "styles.xml")? {
        let mut s = OdfText {
            masters_only: true,
            ..OdfText::default()
        };
        if drive(&styles, &mut s).is_ok() {
            section(&mut doc, "Headers and footers", &s.lay.out);
            w.hidden |= s.hidden;
        }
    }
    doc.hidden = w.hidden;
    doc.revision_authors = w.authors;
    // A text document's pictures are OCR'd when OCR runs.
    if ctx.ocr_on() && format == Format::Odt {
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok())
            .filter(|n| n.starts_with("Pictures/") && !n.ends_with('/'))
            .map(|n| n.to_string())
            .collect();
        for name in names {
            if let Some(data) = read_part(ctx, zip, &name)? {
                doc.images.push((name, data));
            }
        }
    }
    if let Some(meta) = read_part(ctx, zip, "meta.xml")? {
        let mut c = PropCollector::default();
        if drive(&meta, &mut c).is_ok() {
            for (k, v) in c.pairs {
                let label = match k.as_str() {
                    "title" => "Title",
                    "subject" => "Subject",
                    "description" => "Description",
                    "keyword" => "Keywords",
                    "initial-creator" => "Initial author",
                    "creator" => "Author",
                    "printed-by" => "Printed by",
                    "creation-date" => "Created",
                    "date" => "Modified",
                    _ if k.starts_with("custom:") => k.get(7..).unwrap_or(""),
                    _ => continue,
                };
                if !label.is_empty() {
                    doc.props.push(label, &v);
                }
            }
        }
    }
    Ok(doc)
}
