//! DOCX, ODT, PPTX, ODP (zip + streaming XML) and RTF.
//!
//! Everything a recipient could see goes into the record text, because
//! redaction can only hide what extraction found: body paragraphs and tables
//! (cells separated by TAB, rows by newline), text boxes, headers and footers,
//! footnotes and endnotes, comments with their authors, tracked insertions
//! **and deletions** (moves too), hidden text, slide notes and the document
//! properties. `meta["hidden_text"] = "true"` marks a record whose text holds
//! content a reader would not see by default.
//!
//! Encrypted OOXML (a compound file holding `EncryptedPackage`) and encrypted
//! ODF (`encryption-data` in the manifest) are reported as
//! [`Reason::Encrypted`](sarx_model::Reason::Encrypted).
//!
//! One job per file: [`container`] opens the zip (and recognises the
//! compound files that stand in for it), [`xml`] walks XML parts and lays
//! out their text, [`ooxml`] reads DOCX and PPTX, [`odf`] reads ODT and
//! ODP, [`rtf`] reduces RTF to its visible text. This file dispatches on
//! the format and turns what a reader found into the record.

use sarx_model::metakey;
use std::collections::BTreeSet;

use sarx_model::{Kind, Record};

use crate::{Ctx, Failure, Format, Node, Result};

mod container;
mod odf;
mod ooxml;
mod rtf;
mod xml;

pub(crate) use container::{cfb_failure, check_zip, is_cfb, read_member};
pub(crate) use odf::odf_encrypted;
pub(crate) use rtf::rtf_to_text;

use container::open_zip;

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    if is_cfb(node.bytes) {
        return Err(cfb_failure(node.bytes, format));
    }
    check_zip(ctx, node.bytes)?;
    let mut zip = open_zip(node.bytes)?;
    let doc = match format {
        Format::Docx => ooxml::docx(ctx, &mut zip)?,
        Format::Pptx => ooxml::pptx(ctx, &mut zip)?,
        Format::Odt | Format::Odp => odf::odf(ctx, &mut zip, format)?,
        other => {
            return Err(Failure::unsupported(format!(
                "{} is not an office document",
                other.name()
            )))
        }
    };
    let kind = if matches!(format, Format::Pptx | Format::Odp) {
        Kind::Presentation
    } else {
        Kind::Word
    };
    let mut record = ctx.record_for(node, kind);
    record
        .meta
        .insert(metakey::FORMAT.into(), format.name().to_owned());
    if doc.hidden {
        record
            .meta
            .insert(metakey::HIDDEN_TEXT.into(), "true".into());
    }
    let mut text = doc.text;
    if !doc.revision_authors.is_empty() {
        let names: Vec<&str> = doc.revision_authors.iter().map(String::as_str).collect();
        text.push_str("\n\n--- Revision and comment authors ---\n");
        text.push_str(&names.join("\n"));
    }
    doc.props.apply(&mut record, &mut text);
    record.text = tidy(&text);
    let id = record.id.clone();
    ctx.emit(record);
    for (name, bytes) in doc.embedded {
        let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
        ctx.extract_child(node, &id, &name, &base, &bytes);
    }
    for (name, bytes) in doc.images {
        let base = name.rsplit('/').next().unwrap_or(&name).to_owned();
        ctx.extract_embedded_image(node, &id, &name, &base, &bytes);
    }
    Ok(())
}

/// Collapses runs of blank lines and trailing spaces.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end_matches([' ', '\u{a0}']);
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
            out.push('\n');
        } else {
            blank = 0;
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_owned()
}

/// What a document yields before it becomes a record.
#[derive(Default)]
struct Doc {
    text: String,
    hidden: bool,
    revision_authors: BTreeSet<String>,
    props: Props,
    embedded: Vec<(String, Vec<u8>)>,
    /// Pictures, for OCR (read only when OCR runs).
    images: Vec<(String, Vec<u8>)>,
}

/// Document properties from docProps/*.xml or ODF meta.xml.
#[derive(Default)]
struct Props {
    fields: Vec<(String, String)>,
}

impl Props {
    fn get(&self, label: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == label)
            .map(|(_, v)| v.as_str())
    }

    fn push(&mut self, label: &str, value: &str) {
        let v = value.trim();
        if v.is_empty() || self.fields.iter().any(|(k, x)| k == label && x == v) {
            return;
        }
        self.fields.push((label.to_owned(), v.to_owned()));
    }

    fn apply(&self, record: &mut Record, text: &mut String) {
        if let Some(t) = self.get("Title") {
            record.title = t.to_owned();
        }
        for (k, v) in &self.fields {
            if matches!(k.as_str(), "Author" | "Last modified by" | "Initial author")
                && !record.parties.author.contains(v)
            {
                record.parties.author.push(v.clone());
            }
        }
        record.dates.created = self.get("Created").map(utc);
        record.dates.modified = self.get("Modified").map(utc);
        if !self.fields.is_empty() {
            text.push_str("\n\n--- Document properties ---\n");
            for (k, v) in &self.fields {
                text.push_str(k);
                text.push_str(": ");
                text.push_str(v);
                text.push('\n');
            }
        }
    }
}

/// RFC 3339 in UTC where the source gave no zone.
fn utc(s: &str) -> String {
    let s = s.trim();
    let has_zone = s.ends_with('Z')
        || s.get(19..)
            .is_some_and(|t| t.contains('+') || t.contains('-'));
    if s.len() >= 19 && s.contains('T') && !has_zone {
        format!("{s}Z")
    } else {
        s.to_owned()
    }
}

/// Appends `body` under a `--- heading ---` line, when it has any text.
fn section(doc: &mut Doc, heading: &str, body: &str) {
    if body.trim().is_empty() {
        return;
    }
    doc.text.push_str("\n\n--- ");
    doc.text.push_str(heading);
    doc.text.push_str(" ---\n");
    doc.text.push_str(body.trim());
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
