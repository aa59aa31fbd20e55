//! Office Open XML documents: DOCX (WordprocessingML: body, headers and
//! footers, foot- and endnotes, comments with authors, tracked changes,
//! hidden text, embedded files) and PPTX (DrawingML slides in order, with
//! their notes), found through the package's relationships, plus the
//! document properties in `docProps/`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use quick_xml::events::BytesStart;

use super::container::{is_cfb, read_part, Zip};
use super::xml::{attr, drive, Handler, Layout, PropCollector};
use super::{section, Doc, Props};
use crate::{Ctx, Failure, Result};

/// WordprocessingML (document, headers, footers, notes, comments) and
/// DrawingML (slides) in one walker: the element names they share mean the
/// same thing.
#[derive(Default)]
struct OoxmlText {
    lay: Layout,
    depth: usize,
    skip_below: Option<usize>,
    in_t: bool,
    in_run: bool,
    hidden: bool,
    authors: BTreeSet<String>,
    comment_authors: BTreeMap<String, String>,
}

impl Handler for OoxmlText {
    fn start(&mut self, e: &BytesStart<'_>) {
        self.depth += 1;
        if self.skip_below.is_some() {
            return;
        }
        let name = e.local_name();
        match name.as_ref().as_bytes() {
            b"Fallback" => self.skip_below = Some(self.depth),
            b"t" | b"delText" | b"text" => self.in_t = true,
            b"r" => self.in_run = true,
            b"tab" if self.in_run => self.lay.out.push('\t'),
            b"br" | b"cr" => self.lay.out.push('\n'),
            b"noBreakHyphen" => self.lay.out.push('-'),
            b"tc" => self.lay.cell_start(),
            b"del" | b"moveFrom" => {
                self.hidden = true;
                self.author(e);
            }
            b"ins" | b"moveTo" => self.author(e),
            b"vanish" | b"specVanish"
                if attr(e, b"val").is_none_or(|v| v != "0" && v != "false") =>
            {
                self.hidden = true;
            }
            b"comment" => {
                self.hidden = true;
                self.author(e);
                let who = attr(e, b"author").unwrap_or_default();
                let when = attr(e, b"date").unwrap_or_default();
                self.lay.out.push_str("\nComment");
                if !who.is_empty() {
                    self.lay.out.push_str(" by ");
                    self.lay.out.push_str(&who);
                }
                if !when.is_empty() {
                    self.lay.out.push_str(&format!(" ({when})"));
                }
                self.lay.out.push_str(": ");
            }
            b"cm" => {
                // PowerPoint comment: author by id.
                self.hidden = true;
                let who =
                    attr(e, b"authorId").and_then(|id| self.comment_authors.get(&id).cloned());
                self.lay.out.push_str("\nComment");
                if let Some(w) = who {
                    self.lay.out.push_str(" by ");
                    self.lay.out.push_str(&w);
                    self.authors.insert(w);
                }
                self.lay.out.push_str(": ");
            }
            b"sld" if attr(e, b"show").is_some_and(|v| v == "0" || v == "false") => {
                self.hidden = true
            }
            _ => {}
        }
    }

    fn end(&mut self, local: &[u8]) {
        if let Some(level) = self.skip_below {
            if self.depth <= level {
                self.skip_below = None;
            }
            self.depth = self.depth.saturating_sub(1);
            return;
        }
        self.depth = self.depth.saturating_sub(1);
        match local {
            b"t" | b"delText" | b"text" => self.in_t = false,
            b"r" => self.in_run = false,
            b"p" => self.lay.para_end(),
            b"tc" => self.lay.cell_end(),
            b"tr" => self.lay.row_end(),
            b"comment" | b"cm" | b"txbxContent" => self.lay.out.push('\n'),
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if self.in_t && self.skip_below.is_none() {
            self.lay.out.push_str(t);
        }
    }
}

impl OoxmlText {
    fn author(&mut self, e: &BytesStart<'_>) {
        if let Some(a) = attr(e, b"author").filter(|a| !a.trim().is_empty()) {
            self.authors.insert(a.trim().to_owned());
        }
    }
}

/// Relationship targets of an OPC part: id → target path (resolved against `base_dir`).
fn rels(
    ctx: &mut Ctx<'_>,
    zip: &mut Zip<'_>,
    rels_path: &str,
    base_dir: &str,
) -> Result<Vec<(String, String, String)>> {
    struct R(Vec<(String, String, String)>);
    impl Handler for R {
        fn start(&mut self, e: &BytesStart<'_>) {
            if e.local_name().as_ref().as_bytes() == b"Relationship"
                && attr(e, b"TargetMode").is_none_or(|m| m != "External")
            {
                if let (Some(id), Some(t), Some(ty)) =
                    (attr(e, b"Id"), attr(e, b"Target"), attr(e, b"Type"))
                {
                    self.0.push((id, t, ty));
                }
            }
        }
        fn end(&mut self, _: &[u8]) {}
        fn text(&mut self, _: &str) {}
    }
    let Some(xml) = read_part(ctx, zip, rels_path)? else {
        return Ok(Vec::new());
    };
    let mut r = R(Vec::new());
    drive(&xml, &mut r)?;
    Ok(r.0
        .into_iter()
        .map(|(id, t, ty)| (id, resolve(base_dir, &t), ty))
        .collect())
}

/// Resolves an OPC target against a directory (`word`, `ppt/slides`).
fn resolve(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn walk_part(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>, name: &str, w: &mut OoxmlText) -> Result<bool> {
    ctx.check_time()?;
    match read_part(ctx, zip, name)? {
        Some(xml) => {
            drive(&xml, w)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

pub(super) fn docx(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>) -> Result<Doc> {
    let root = rels(ctx, zip, "_rels/.rels", "")?;
    let main = root
        .iter()
        .find(|(_, _, ty)| ty.ends_with("/officeDocument"))
        .map(|(_, t, _)| t.clone())
        .unwrap_or_else(|| "word/document.xml".to_owned());
    let dir = main
        .rsplit_once('/')
        .map(|(d, _)| d.to_owned())
        .unwrap_or_default();
    let file = main.rsplit('/').next().unwrap_or(&main).to_owned();
    let part_rels = rels(ctx, zip, &format!("{dir}/_rels/{file}.rels"), &dir)?;

    let mut doc = Doc::default();
    let mut w = OoxmlText::default();
    if !walk_part(ctx, zip, &main, &mut w)? {
        return Err(Failure::corrupt("the package has no main document part"));
    }
    doc.text = std::mem::take(&mut w.lay.out);

    let mut sections: Vec<(&str, String)> = Vec::new();
    let kinds: [(&str, &str); 5] = [
        ("/header", "Headers and footers"),
        ("/footer", "Headers and footers"),
        ("/footnotes", "Footnotes"),
        ("/endnotes", "Endnotes"),
        ("/comments", "Comments"),
    ];
    let mut seen = BTreeSet::new();
    for (heading_key, heading) in kinds {
        let mut body = String::new();
        for (_, target, ty) in &part_rels {
            if !ty.ends_with(heading_key) || !seen.insert(target.clone()) {
                continue;
            }
            let mut pw = OoxmlText::default();
            if walk_part(ctx, zip, target, &mut pw)? {
                let t = pw.lay.out.trim().to_owned();
                if !t.is_empty() && !body.contains(&t) {
                    body.push_str(&t);
                    body.push('\n');
                }
                w.hidden |= pw.hidden;
                w.authors.extend(pw.authors);
            }
        }
        match sections.iter_mut().find(|(h, _)| *h == heading) {
            Some((_, b)) => b.push_str(&body),
            None => sections.push((heading, body)),
        }
    }
    for (h, b) in sections {
        section(&mut doc, h, &b);
    }
    doc.hidden = w.hidden;
    doc.revision_authors = w.authors;
    doc.props = ooxml_props(ctx, zip, &root)?;
    // Embedded packages (docx, xlsx, pdf ...) are documents of their own.
    for (_, target, ty) in &part_rels {
        if ty.ends_with("/package") || ty.ends_with("/oleObject") {
            embedded(ctx, zip, target, &mut doc)?;
        }
    }
    // Pictures (word/media/…) are OCR'd when OCR runs: a scan pasted
    // into a letter.
    if ctx.ocr_on() {
        let mut seen = BTreeSet::new();
        for (_, target, ty) in &part_rels {
            if ty.ends_with("/image") && seen.insert(target.clone()) {
                if let Some(data) = read_part(ctx, zip, target)? {
                    doc.images.push((target.clone(), data));
                }
            }
        }
    }
    Ok(doc)
}

/// An embedded object: a package as is, or the payload of an OLE wrapper.
fn embedded(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>, target: &str, doc: &mut Doc) -> Result<()> {
    let Some(data) = read_part(ctx, zip, target)? else {
        return Ok(());
    };
    if is_cfb(&data) {
        if let Ok(mut cf) = cfb::CompoundFile::open(Cursor::new(data.as_slice())) {
            for stream in ["/CONTENTS", "/Package", "/EmbeddedOdf"] {
                if cf.is_stream(stream) {
                    let mut inner = Vec::new();
                    if let Ok(mut s) = cf.open_stream(stream) {
                        if s.by_ref()
                            .take(data.len() as u64)
                            .read_to_end(&mut inner)
                            .is_ok()
                            && !inner.is_empty()
                        {
                            let name = format!("{target}{}", stream.replace('/', "#"));
                            doc.embedded.push((name, inner));
                            return Ok(());
                        }
                    }
                }
            }
        }
        // Other OLE payloads (Ole10Native, equations) are not documents we read.
        return Ok(());
    }
    doc.embedded.push((target.to_owned(), data));
    Ok(())
}

fn ooxml_props(
    ctx: &mut Ctx<'_>,
    zip: &mut Zip<'_>,
    root: &[(String, String, String)],
) -> Result<Props> {
    let mut props = Props::default();
    let find = |suffix: &str, default: &str| {
        root.iter()
            .find(|(_, _, ty)| ty.ends_with(suffix))
            .map(|(_, t, _)| t.clone())
            .unwrap_or_else(|| default.to_owned())
    };
    let parts = [
        find("/core-properties", "docProps/core.xml"),
        find("/extended-properties", "docProps/app.xml"),
        find("/custom-properties", "docProps/custom.xml"),
    ];
    for part in parts {
        if let Some(xml) = read_part(ctx, zip, &part)? {
            let mut c = PropCollector::default();
            // Damaged property parts do not make the document unreadable.
            if drive(&xml, &mut c).is_ok() {
                for (k, v) in c.pairs {
                    let label = match k.as_str() {
                        "title" => "Title",
                        "subject" => "Subject",
                        "creator" | "Author" => "Author",
                        "lastModifiedBy" => "Last modified by",
                        "keywords" => "Keywords",
                        "description" => "Description",
                        "category" => "Category",
                        "contentStatus" => "Status",
                        "created" => "Created",
                        "modified" => "Modified",
                        "Company" => "Company",
                        "Manager" => "Manager",
                        "HyperlinkBase" => "Hyperlink base",
                        _ if k.starts_with("custom:") => k.get(7..).unwrap_or(""),
                        _ => continue,
                    };
                    if !label.is_empty() {
                        props.push(label, &v);
                    }
                }
            }
        }
    }
    Ok(props)
}

fn numbered(zip: &Zip<'_>, dir: &str, prefix: &str) -> Vec<String> {
    let mut names: Vec<(u32, String)> = zip
        .file_names()
        .filter_map(|n| {
            let n = n.ok()?;
            let rest = n
                .strip_prefix(dir)?
                .strip_prefix(prefix)?
                .strip_suffix(".xml")?;
            rest.parse::<u32>().ok().map(|i| (i, n.to_string()))
        })
        .collect();
    names.sort();
    names.into_iter().map(|(_, n)| n).collect()
}

pub(super) fn pptx(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>) -> Result<Doc> {
    let root = rels(ctx, zip, "_rels/.rels", "")?;
    let mut doc = Doc::default();
    let mut authors_map = BTreeMap::new();
    if let Some(xml) = read_part(ctx, zip, "ppt/commentAuthors.xml")? {
        struct A(BTreeMap<String, String>);
        impl Handler for A {
            fn start(&mut self, e: &BytesStart<'_>) {
                if e.local_name().as_ref().as_bytes() == b"cmAuthor" {
                    if let (Some(id), Some(n)) = (attr(e, b"id"), attr(e, b"name")) {
                        self.0.insert(id, n);
                    }
                }
            }
            fn end(&mut self, _: &[u8]) {}
            fn text(&mut self, _: &str) {}
        }
        let mut a = A(BTreeMap::new());
        if drive(&xml, &mut a).is_ok() {
            authors_map = a.0;
        }
    }
    let slides = numbered(zip, "ppt/slides/", "slide");
    if slides.is_empty() && zip.by_name("ppt/presentation.xml").is_err() {
        return Err(Failure::corrupt("the package has no presentation part"));
    }
    let mut hidden = false;
    let mut authors = BTreeSet::new();
    for (i, slide) in slides.iter().enumerate() {
        let mut w = OoxmlText::default();
        walk_part(ctx, zip, slide, &mut w)?;
        doc.text.push_str(&format!("--- Slide {} ---\n", i + 1));
        doc.text.push_str(w.lay.out.trim());
        doc.text.push_str("\n\n");
        hidden |= w.hidden;
        authors.extend(w.authors);
        // Notes and comments hang off the slide's relationships.
        let file = slide.rsplit('/').next().unwrap_or(slide);
        let srels = rels(
            ctx,
            zip,
            &format!("ppt/slides/_rels/{file}.rels"),
            "ppt/slides",
        )?;
        for (_, target, ty) in &srels {
            let label = if ty.ends_with("/notesSlide") {
                "Notes"
            } else if ty.ends_with("/comments") || ty.contains("/comments") {
                "Comments"
            } else {
                continue;
            };
            let mut nw = OoxmlText {
                comment_authors: authors_map.clone(),
                ..OoxmlText::default()
            };
            if walk_part(ctx, zip, target, &mut nw)? {
                let t = nw.lay.out.trim();
                // Notes repeat the slide number placeholder; keep only real text.
                if !t.is_empty() && t.chars().any(|c| !c.is_ascii_digit()) {
                    doc.text.push_str(&format!("{label}: {t}\n\n"));
                }
                hidden |= nw.hidden;
                authors.extend(nw.authors);
            }
        }
    }
    doc.hidden = hidden;
    doc.revision_authors = authors;
    doc.props = ooxml_props(ctx, zip, &root)?;
    Ok(doc)
}
