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

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use sarx_model::{Kind, Limit, Record};

use crate::{Ctx, Failure, Format, Node, Result};

type Zip<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// True for an OLE compound file (legacy Office, encrypted OOXML, MSG).
pub(crate) fn is_cfb(bytes: &[u8]) -> bool {
    bytes.starts_with(&CFB_MAGIC)
}

/// Why a compound file handed to an OOXML reader cannot be read: encrypted
/// when it holds an `EncryptedPackage`, otherwise a legacy binary format.
pub(crate) fn cfb_failure(bytes: &[u8], format: Format) -> Failure {
    let encrypted = cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|c| c.is_stream("/EncryptedPackage"))
        .unwrap_or(false);
    if encrypted {
        Failure::encrypted(format!("{} is encrypted with a password", format.name()))
    } else {
        Failure::unsupported(format!(
            "a legacy binary Office file named as {}; convert it to read it",
            format.name()
        ))
    }
}

fn open_zip(bytes: &[u8]) -> Result<Zip<'_>> {
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        let tail = &bytes[bytes.len().saturating_sub(66_000)..];
        if bytes.starts_with(b"PK\x03\x04") && !tail.windows(4).any(|w| w == b"PK\x05\x06") {
            Failure::new(
                sarx_model::Reason::Truncated,
                "the zip package ends before its central directory",
            )
        } else {
            Failure::corrupt("the zip package could not be read")
        }
    })
}

/// Checks a zip package's entry count and declared compression ratios
/// before anything is expanded.
pub(crate) fn check_zip(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Result<()> {
    let mut zip = open_zip(bytes)?;
    if zip.len() > ctx.limits().max_entries {
        return Err(Failure::limit(
            Limit::EntryCount,
            format!(
                "more than {} parts in the package",
                ctx.limits().max_entries
            ),
        ));
    }
    let mut xml_total = 0u64;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            return Err(Failure::corrupt(
                "a part of the zip package could not be read",
            ));
        };
        ctx.check_ratio(f.compressed_size(), f.size())?;
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if name.ends_with(".xml") || name.ends_with(".bin") {
            xml_total = xml_total.saturating_add(f.size());
        }
    }
    ctx.charge(xml_total)
}

/// Reads one zip member, at most `max` bytes (the declared size is not trusted).
pub(crate) fn read_member(zip: &mut Zip<'_>, name: &str, max: u64) -> Result<Option<Vec<u8>>> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let f = zip.by_index_raw(index).map_err(|e| member_failure(&e))?;
    if f.encrypted() {
        return Err(Failure::encrypted("a part of the package is encrypted"));
    }
    if f.compression() == zip::CompressionMethod::Deflated {
        return inflate_member(f, max).map(Some);
    }
    drop(f);
    let mut f = zip.by_index(index).map_err(|e| member_failure(&e))?;
    let mut out = Vec::with_capacity(f.size().min(1 << 24) as usize);
    match f.by_ref().take(max.saturating_add(1)).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > max => Err(part_limit(max)),
        Ok(_) => Ok(Some(out)),
        Err(_) => Err(damaged_part()),
    }
}

fn member_failure(e: &zip::result::ZipError) -> Failure {
    match e {
        zip::result::ZipError::UnsupportedArchive(_) => {
            Failure::encrypted("a part of the package is encrypted")
        }
        _ => Failure::corrupt("a part of the zip package could not be read"),
    }
}

fn part_limit(max: u64) -> Failure {
    Failure::limit(
        Limit::ExpandedBytes,
        format!("a part expands to more than {} MiB", max >> 20),
    )
}

fn damaged_part() -> Failure {
    Failure::corrupt("a part of the zip package is damaged")
}

thread_local! {
    /// One raw-deflate decompressor per thread, reset for each part: a
    /// package is a dozen small parts, and setting up a decompressor (its
    /// state and 32 KiB window, zeroed) cost as much as inflating a small
    /// part.
    static INFLATER: std::cell::RefCell<Option<flate2::Decompress>> =
        const { std::cell::RefCell::new(None) };
}

/// Inflates a deflated member read raw (`f` from `by_index_raw`): at most
/// `max` bytes, CRC-32 checked as zip's own reader does.
fn inflate_member(mut f: zip::read::ZipFile<'_, Cursor<&[u8]>>, max: u64) -> Result<Vec<u8>> {
    let (size, crc) = (f.size(), f.crc32());
    let mut raw = Vec::with_capacity(f.compressed_size().min(1 << 24) as usize);
    f.read_to_end(&mut raw).map_err(|_| damaged_part())?;
    drop(f);
    let out = INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let d = slot.get_or_insert_with(|| flate2::Decompress::new(false));
            d.reset(false);
            inflate_raw(d, &raw, size, max)
        }
        Err(_) => inflate_raw(&mut flate2::Decompress::new(false), &raw, size, max),
    })?;
    if crc32fast::hash(&out) != crc {
        return Err(damaged_part());
    }
    Ok(out)
}

/// Inflates `raw` (a whole raw-deflate stream) with a fresh or reset
/// decompressor; more than `max` bytes out is a limit failure, a stream
/// that ends early or is malformed a damaged part.
fn inflate_raw(d: &mut flate2::Decompress, raw: &[u8], size: u64, max: u64) -> Result<Vec<u8>> {
    let cap = max.saturating_add(1);
    let first = size.min(cap).clamp(64, 1 << 24);
    let mut out = Vec::with_capacity(usize::try_from(first).unwrap_or(1 << 24));
    let (in0, out0) = (d.total_in(), d.total_out());
    loop {
        if out.len() == out.capacity() {
            if out.len() as u64 >= cap {
                return Err(part_limit(max));
            }
            let room = (out.len() as u64)
                .clamp(32 << 10, 1 << 24)
                .min(cap - out.len() as u64);
            out.reserve_exact(usize::try_from(room).unwrap_or(32 << 10));
        }
        let consumed = usize::try_from(d.total_in() - in0).unwrap_or(usize::MAX);
        let input = raw.get(consumed..).unwrap_or_default();
        let (before_in, before_out) = (d.total_in(), d.total_out());
        match d.decompress_vec(input, &mut out, flate2::FlushDecompress::Finish) {
            Ok(flate2::Status::StreamEnd) => break,
            Ok(_) if d.total_in() == before_in && d.total_out() == before_out => {
                // No progress with room to write: the stream is cut short.
                return Err(damaged_part());
            }
            Ok(_) => {}
            Err(_) => return Err(damaged_part()),
        }
    }
    debug_assert_eq!(d.total_out() - out0, out.len() as u64);
    if out.len() as u64 > max {
        return Err(part_limit(max));
    }
    Ok(out)
}

/// Reads a member and charges it against the per-file expansion budget.
fn read_part(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>, name: &str) -> Result<Option<Vec<u8>>> {
    let max = ctx.limits().max_expanded_bytes;
    let data = read_member(zip, name, max)?;
    if let Some(d) = &data {
        ctx.charge(d.len() as u64)?;
    }
    Ok(data)
}

/// True when an ODF package's manifest declares encrypted members.
pub(crate) fn odf_encrypted(zip: &mut Zip<'_>) -> bool {
    match read_member(zip, "META-INF/manifest.xml", 16 << 20) {
        Ok(Some(m)) => m.windows(15).any(|w| w == b"encryption-data"),
        _ => false,
    }
}

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    if is_cfb(node.bytes) {
        return Err(cfb_failure(node.bytes, format));
    }
    check_zip(ctx, node.bytes)?;
    let mut zip = open_zip(node.bytes)?;
    let doc = match format {
        Format::Docx => docx(ctx, &mut zip)?,
        Format::Pptx => pptx(ctx, &mut zip)?,
        Format::Odt | Format::Odp => odf(ctx, &mut zip, format)?,
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
        .insert("format".into(), format.name().to_owned());
    if doc.hidden {
        record.meta.insert("hidden_text".into(), "true".into());
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

/// A streaming XML visitor.
trait Handler {
    fn start(&mut self, e: &BytesStart<'_>);
    fn end(&mut self, local: &[u8]);
    fn text(&mut self, t: &str);
}

fn drive(xml: &[u8], h: &mut impl Handler) -> Result<()> {
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

fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
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
struct Layout {
    out: String,
    cells: usize,
}

impl Layout {
    fn para_end(&mut self) {
        if self.cells > 0 {
            if !self.out.ends_with([' ', '\t']) {
                self.out.push(' ');
            }
        } else {
            self.out.push('\n');
        }
    }
    fn cell_start(&mut self) {
        self.cells += 1;
    }
    fn cell_end(&mut self) {
        while self.out.ends_with(' ') {
            self.out.pop();
        }
        self.out.push('\t');
        self.cells = self.cells.saturating_sub(1);
    }
    fn row_end(&mut self) {
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

fn section(doc: &mut Doc, heading: &str, body: &str) {
    if body.trim().is_empty() {
        return;
    }
    doc.text.push_str("\n\n--- ");
    doc.text.push_str(heading);
    doc.text.push_str(" ---\n");
    doc.text.push_str(body.trim());
}

fn docx(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>) -> Result<Doc> {
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

/// Collects leaf elements as (local name, text) pairs; custom properties
/// (`property name="..."`, `meta:user-defined meta:name="..."`) as `custom:<name>`.
#[derive(Default)]
struct PropCollector {
    pairs: Vec<(String, String)>,
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

fn pptx(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>) -> Result<Doc> {
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

fn odf(ctx: &mut Ctx<'_>, zip: &mut Zip<'_>, format: Format) -> Result<Doc> {
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

/// Visible text of an RTF document: control words and skipped destinations
/// (font and colour tables, stylesheet, pictures, objects, field
/// instructions) removed, `\'hh` decoded in the declared `\ansicpg`, `\uN`
/// decoded. Comments (annotations) and document information are kept, since
/// a recipient could see them.
pub(crate) fn rtf_to_text(rtf: &str) -> String {
    Rtf::new(rtf).run()
}

struct Group {
    skip: bool,
    uc: usize,
    info_field: Option<&'static str>,
}

struct Rtf<'a> {
    src: &'a [u8],
    pos: usize,
    out: String,
    stack: Vec<Group>,
    cur: Group,
    pending: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
    skip_chars: usize,
    info: Vec<(&'static str, String)>,
}

const SKIP_DESTINATIONS: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "pict",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "generator",
    "xmlnstbl",
    "rsidtbl",
    "mmathPr",
    "fldinst",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "bkmkstart",
    "bkmkend",
    "xe",
    "tc",
    "private",
    "userprops",
    "nonshppict",
    "shpinst",
    "blipuid",
    "atnid",
    "atnref",
    "atndate",
    "template",
    "wgrffmtfilter",
    "operator",
];

impl<'a> Rtf<'a> {
    fn new(src: &'a str) -> Self {
        Rtf {
            src: src.as_bytes(),
            pos: 0,
            out: String::with_capacity(src.len() / 2),
            stack: Vec::new(),
            cur: Group {
                skip: false,
                uc: 1,
                info_field: None,
            },
            pending: Vec::new(),
            encoding: encoding_rs::WINDOWS_1252,
            skip_chars: 0,
            info: Vec::new(),
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let (s, _, _) = self.encoding.decode(&self.pending);
            let s = s.into_owned();
            self.pending.clear();
            self.put_str(&s);
        }
    }

    fn put_str(&mut self, s: &str) {
        if self.cur.skip {
            return;
        }
        if let Some(field) = self.cur.info_field {
            match self.info.iter_mut().find(|(k, _)| *k == field) {
                Some((_, v)) => v.push_str(s),
                None => self.info.push((field, s.to_owned())),
            }
            return;
        }
        self.out.push_str(s);
    }

    fn put(&mut self, c: char) {
        self.flush();
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        self.put_str(c.encode_utf8(&mut [0; 4]));
    }

    fn run(mut self) -> String {
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b'{' => {
                    self.flush();
                    self.pos += 1;
                    let g = Group {
                        skip: self.cur.skip,
                        uc: self.cur.uc,
                        info_field: self.cur.info_field,
                    };
                    self.stack.push(std::mem::replace(&mut self.cur, g));
                    // `{\*\dest ...}`: an optional destination, skipped unless we know it.
                    if self.src.get(self.pos..self.pos + 2) == Some(b"\\*") {
                        self.pos += 2;
                        let word = self.peek_word();
                        if !matches!(word.as_str(), "annotation" | "atnauthor") {
                            self.cur.skip = true;
                        }
                    }
                }
                b'}' => {
                    self.flush();
                    self.pos += 1;
                    if let Some(g) = self.stack.pop() {
                        self.cur = g;
                    }
                    self.skip_chars = 0;
                }
                b'\\' => self.control(),
                b'\r' | b'\n' => self.pos += 1,
                _ => {
                    // Plain text up to the next special character.
                    let start = self.pos;
                    while self
                        .src
                        .get(self.pos)
                        .is_some_and(|c| !matches!(c, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                    {
                        self.pos += 1;
                    }
                    let chunk = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
                    for c in chunk.chars() {
                        self.put(c);
                    }
                }
            }
        }
        self.flush();
        let mut text = self.out;
        let info: Vec<(&str, String)> = self
            .info
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        if !info.is_empty() {
            text.push_str("\n\n--- Document properties ---\n");
            for (k, v) in info {
                text.push_str(k);
                text.push_str(": ");
                text.push_str(v.trim());
                text.push('\n');
            }
        }
        tidy(&text)
    }

    fn peek_word(&self) -> String {
        let mut p = self.pos;
        if self.src.get(p) == Some(&b'\\') {
            p += 1;
        }
        let start = p;
        while self.src.get(p).is_some_and(u8::is_ascii_alphabetic) {
            p += 1;
        }
        String::from_utf8_lossy(self.src.get(start..p).unwrap_or_default()).into_owned()
    }

    fn control(&mut self) {
        self.pos += 1; // the backslash
        let Some(&c) = self.src.get(self.pos) else {
            return;
        };
        if !c.is_ascii_alphabetic() {
            self.pos += 1;
            match c {
                b'\'' => {
                    let hex = self
                        .src
                        .get(self.pos..self.pos + 2)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(v) = hex {
                        self.pos += 2;
                        if self.skip_chars > 0 {
                            self.skip_chars -= 1;
                        } else if !self.cur.skip {
                            self.pending.push(v);
                        }
                    }
                }
                b'~' => self.put('\u{a0}'),
                b'_' => self.put('-'),
                b'{' | b'}' | b'\\' => self.put(char::from(c)),
                b'\n' | b'\r' => self.put('\n'),
                b'*' => {}
                _ => {}
            }
            return;
        }
        let start = self.pos;
        while self.src.get(self.pos).is_some_and(u8::is_ascii_alphabetic) {
            self.pos += 1;
        }
        let word = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
        let nstart = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let param: Option<i64> = std::str::from_utf8(&self.src[nstart..self.pos])
            .ok()
            .and_then(|s| s.parse().ok());
        if self.src.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if word != "u" {
            // Bytes of one multi-byte character arrive as consecutive \'hh.
            self.flush();
        }
        match word.as_str() {
            "par" | "line" | "sect" | "page" => self.put('\n'),
            "tab" => self.put('\t'),
            "cell" | "nestcell" => self.put('\t'),
            "row" | "nestrow" => {
                if self.out.ends_with('\t') && !self.cur.skip && self.cur.info_field.is_none() {
                    self.out.pop();
                }
                self.put('\n');
            }
            "emdash" => self.put('—'),
            "endash" => self.put('–'),
            "bullet" => self.put('•'),
            "lquote" => self.put('‘'),
            "rquote" => self.put('’'),
            "ldblquote" => self.put('“'),
            "rdblquote" => self.put('”'),
            "emspace" | "enspace" | "qmspace" => self.put(' '),
            "uc" => self.cur.uc = param.unwrap_or(1).clamp(0, 10) as usize,
            "u" => {
                if let Some(n) = param {
                    let n = if n < 0 { n + 65_536 } else { n };
                    let c = u32::try_from(n)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}');
                    self.flush();
                    if !self.cur.skip {
                        self.put_str(c.encode_utf8(&mut [0; 4]));
                    }
                    self.skip_chars = self.cur.uc;
                }
            }
            "ansicpg" => {
                if let Some(enc) = param.and_then(codepage) {
                    self.encoding = enc;
                }
            }
            "bin" => {
                let n = param.unwrap_or(0).max(0) as usize;
                self.pos = self.pos.saturating_add(n).min(self.src.len());
            }
            "info" => {}
            "title" => self.cur.info_field = Some("Title"),
            "subject" => self.cur.info_field = Some("Subject"),
            "author" => self.cur.info_field = Some("Author"),
            "manager" => self.cur.info_field = Some("Manager"),
            "company" => self.cur.info_field = Some("Company"),
            "keywords" => self.cur.info_field = Some("Keywords"),
            "doccomm" => self.cur.info_field = Some("Comments"),
            "atnauthor" => {
                self.cur.info_field = None;
                self.put_str("\n[Comment by ");
            }
            "annotation" => self.put_str(": "),
            "chatn" => {}
            w if SKIP_DESTINATIONS.contains(&w) => self.cur.skip = true,
            _ => {}
        }
    }
}

fn codepage(cp: i64) -> Option<&'static encoding_rs::Encoding> {
    let label = match cp {
        437 | 850 | 1252 => "windows-1252",
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return encoding_rs::Encoding::for_label(format!("windows-{cp}").as_bytes()),
        10000 => "macintosh",
        65001 => "utf-8",
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor};
    use sarx_model::Reason;
    use std::io::Write;

    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, body) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Each member as zip's own reader gives it.
    fn zip_reader_member(bytes: &[u8], name: &str) -> Vec<u8> {
        let mut zip = open_zip(bytes).unwrap();
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    fn zip_with(files: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body, method) in files {
            let opts = zip::write::SimpleFileOptions::default().compression_method(*method);
            w.start_file(*name, opts).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    proptest::proptest! {
        #[test]
        fn read_member_gives_what_zips_reader_gives(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4000),
            repeat in 1usize..40,
        ) {
            // Repeated bodies compress well (deflate's back-references,
            // and parts larger than the first guess of the output size).
            let body = body.repeat(repeat);
            let bytes = zip_with(&[
                ("a.xml", &body, zip::CompressionMethod::Deflated),
                ("b.xml", &body, zip::CompressionMethod::Stored),
            ]);
            let mut zip = open_zip(&bytes).unwrap();
            for name in ["a.xml", "b.xml"] {
                let got = read_member(&mut zip, name, u64::MAX).unwrap().unwrap();
                proptest::prop_assert_eq!(&got, &zip_reader_member(&bytes, name));
                proptest::prop_assert_eq!(&got, &body);
            }
        }
    }

    #[test]
    fn read_member_reuses_its_decompressor_across_parts_and_sizes() {
        let big = "<w:t>rent arrears</w:t>".repeat(200_000);
        let bytes = zip_with(&[
            ("big.xml", big.as_bytes(), zip::CompressionMethod::Deflated),
            ("small.xml", b"<a/>", zip::CompressionMethod::Deflated),
            ("empty.xml", b"", zip::CompressionMethod::Deflated),
        ]);
        let mut zip = open_zip(&bytes).unwrap();
        for _ in 0..3 {
            for name in ["big.xml", "small.xml", "empty.xml"] {
                let got = read_member(&mut zip, name, u64::MAX).unwrap().unwrap();
                assert_eq!(got, zip_reader_member(&bytes, name), "{name}");
            }
        }
        assert!(read_member(&mut zip, "missing.xml", u64::MAX)
            .unwrap()
            .is_none());
    }

    #[test]
    fn read_member_limits_the_expanded_size() {
        let body = "x".repeat(100_000);
        for method in [
            zip::CompressionMethod::Deflated,
            zip::CompressionMethod::Stored,
        ] {
            let bytes = zip_with(&[("a.xml", body.as_bytes(), method)]);
            let mut zip = open_zip(&bytes).unwrap();
            let err = read_member(&mut zip, "a.xml", 99_999).unwrap_err();
            assert!(
                matches!(err.reason, Reason::LimitExceeded(Limit::ExpandedBytes)),
                "{method:?}"
            );
            let ok = read_member(&mut zip, "a.xml", 100_000).unwrap().unwrap();
            assert_eq!(ok.len(), 100_000);
        }
    }

    #[test]
    fn a_member_whose_checksum_differs_is_damaged() {
        let body = b"<w:t>Tenant: Margaret Okafor</w:t>".repeat(50);
        let mut bytes = zip_with(&[("a.xml", &body, zip::CompressionMethod::Deflated)]);
        let crc = crc32fast::hash(&body).to_le_bytes();
        let wrong = crc32fast::hash(b"something else").to_le_bytes();
        // The CRC sits in the local header and the central directory.
        let mut at = 0;
        let mut replaced = 0;
        while let Some(i) = bytes[at..].windows(4).position(|w| w == crc) {
            bytes[at + i..at + i + 4].copy_from_slice(&wrong);
            at += i + 4;
            replaced += 1;
        }
        assert_eq!(replaced, 2);
        let mut zip = open_zip(&bytes).unwrap();
        let err = read_member(&mut zip, "a.xml", u64::MAX).unwrap_err();
        assert_eq!(err.reason, Reason::Corrupt);
    }

    #[test]
    fn a_cut_or_garbled_deflate_stream_is_damaged_not_a_panic() {
        let body = b"Flat 4, 12 Mill Lane, LS6 2AB ".repeat(400);
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&body).unwrap();
        let raw = e.finish().unwrap();
        let mut d = flate2::Decompress::new(false);
        assert_eq!(
            inflate_raw(&mut d, &raw, body.len() as u64, u64::MAX).unwrap(),
            body
        );
        for cut in [0, 1, raw.len() / 2, raw.len() - 1] {
            d.reset(false);
            let err = inflate_raw(&mut d, &raw[..cut], body.len() as u64, u64::MAX).unwrap_err();
            assert_eq!(err.reason, Reason::Corrupt, "cut at {cut}");
        }
        d.reset(false);
        let garbled: Vec<u8> = raw.iter().map(|b| b ^ 0xA5).collect();
        assert!(inflate_raw(&mut d, &garbled, body.len() as u64, u64::MAX).is_err());
        // A lying declared size changes nothing but the first allocation.
        d.reset(false);
        assert_eq!(inflate_raw(&mut d, &raw, 1, u64::MAX).unwrap(), body);
        d.reset(false);
        assert_eq!(inflate_raw(&mut d, &raw, u64::MAX, u64::MAX).unwrap(), body);
    }

    fn run(name: &str, bytes: &[u8]) -> Collected {
        let mut out = Collected::default();
        Extractor::default().extract_bytes(name, name, bytes, &mut out);
        out
    }

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn tiny_docx() -> Vec<u8> {
        let doc = format!(
            r#"<?xml version="1.0"?><w:document {W}><w:body>
<w:p><w:r><w:t>Tenant: Margaret Okafor</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Neighbour </w:t></w:r><w:del w:author="Officer A" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>Janet Smith 07700 900123</w:delText></w:r></w:del><w:ins w:author="Officer B"><w:r><w:t>a neighbour</w:t></w:r></w:ins></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Phone</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Bob</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>07700 900456</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>secret note</w:t></w:r></w:p>
<w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice><w:r><w:t>Box text</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>Box text</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>
</w:body></w:document>"#
        );
        let comments = format!(
            r#"<w:comments {W}><w:comment w:id="0" w:author="Jo Bloggs" w:date="2025-02-01T00:00:00Z"><w:p><w:r><w:t>Check her NI number</w:t></w:r></w:p></w:comment></w:comments>"#
        );
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;
        let doc_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
        let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>ASB case 12</dc:title><dc:creator>Sam Officer</dc:creator><dcterms:created>2025-03-14T09:30:00Z</dcterms:created></cp:coreProperties>"#;
        zip_of(&[
            ("[Content_Types].xml", "<Types/>"),
            ("_rels/.rels", rels),
            ("word/document.xml", &doc),
            ("word/_rels/document.xml.rels", doc_rels),
            ("word/comments.xml", &comments),
            ("docProps/core.xml", core),
        ])
    }

    #[test]
    fn docx_sees_deletions_comments_tables_and_properties() {
        let out = run("case.docx", &tiny_docx());
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let r = &out.records[0];
        assert_eq!(r.kind, Kind::Word);
        assert!(r.text.contains("Tenant: Margaret Okafor"), "{}", r.text);
        assert!(r.text.contains("Janet Smith 07700 900123"), "{}", r.text);
        assert!(r.text.contains("a neighbour"));
        assert!(
            r.text.contains("Name\tPhone\nBob\t07700 900456\n"),
            "{:?}",
            r.text
        );
        assert!(r.text.contains("secret note"));
        assert_eq!(r.text.matches("Box text").count(), 1, "{}", r.text);
        assert!(
            r.text
                .contains("Comment by Jo Bloggs (2025-02-01T00:00:00Z): Check her NI number"),
            "{}",
            r.text
        );
        assert!(r.text.contains("Officer A"));
        assert_eq!(r.meta["hidden_text"], "true");
        assert_eq!(r.title, "ASB case 12");
        assert_eq!(r.parties.author, vec!["Sam Officer".to_owned()]);
        assert_eq!(r.dates.created.as_deref(), Some("2025-03-14T09:30:00Z"));
        assert!(r.text.contains("Author: Sam Officer"));
    }

    #[test]
    fn odt_tracked_changes_annotations_and_encryption() {
        let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>Ann Editor</dc:creator><dc:date>2025-01-01T10:00:00</dc:date></office:change-info><text:p>Removed witness Dave Jones</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:p>Visible<text:s text:c="2"/>text<text:tab/>here<office:annotation><dc:creator>Cara</dc:creator><text:p>Query this</text:p></office:annotation></text:p>
</office:text></office:body></office:document-content>"#;
        let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"/></manifest:manifest>"#;
        let meta = r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><meta:initial-creator>Pat Writer</meta:initial-creator><dc:title>Note</dc:title></office:meta></office:document-meta>"#;
        let bytes = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content),
            ("meta.xml", meta),
        ]);
        let out = run("n.odt", &bytes);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let r = &out.records[0];
        assert!(r.text.contains("Removed witness Dave Jones"), "{}", r.text);
        assert!(r.text.contains("Ann Editor"));
        assert!(r.text.contains("Visible  text\there"), "{:?}", r.text);
        assert!(r.text.contains("Cara"), "{}", r.text);
        assert!(r.text.contains("Query this"));
        assert_eq!(r.meta["hidden_text"], "true");
        assert_eq!(r.title, "Note");
        assert_eq!(r.parties.author, vec!["Pat Writer".to_owned()]);

        let enc_manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"#;
        let bytes = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", enc_manifest),
            ("content.xml", "garbage"),
        ]);
        let out = run("e.odt", &bytes);
        assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Encrypted);
    }

    #[test]
    fn pptx_slides_and_notes() {
        let slide = |t: &str| {
            format!(
                r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
            )
        };
        let s1 = slide("First slide");
        let s2 = slide("Second slide");
        let notes = r#"<p:notes xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>Speaker note about Jo</a:t></a:r></a:p></p:notes>"#;
        let srels = r#"<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>"#;
        let bytes = zip_of(&[
            ("ppt/presentation.xml", "<p:presentation xmlns:p=\"p\"/>"),
            ("ppt/slides/slide2.xml", &s2),
            ("ppt/slides/slide1.xml", &s1),
            ("ppt/slides/_rels/slide1.xml.rels", srels),
            ("ppt/notesSlides/notesSlide1.xml", notes),
        ]);
        let out = run("deck.pptx", &bytes);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let r = &out.records[0];
        assert_eq!(r.kind, Kind::Presentation);
        let a = r.text.find("First slide").unwrap();
        let b = r.text.find("Second slide").unwrap();
        assert!(a < b);
        assert!(
            r.text.contains("Notes: Speaker note about Jo"),
            "{}",
            r.text
        );
    }

    #[test]
    fn broken_packages() {
        let out = run("t.docx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated");
        assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Truncated);
        let no_main = zip_of(&[("word/other.xml", "<x/>")]);
        let out = run("m.docx", &no_main);
        assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Corrupt);
    }

    #[test]
    fn rtf_visible_text() {
        let rtf = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}{\*\generator Foo;}{\info{\author Sam Officer}{\title Case}}\pard Caf\'e9 in Leeds\par Tab\tab here \u8364?5\par{\*\fldinst HYPERLINK x}{\fldrslt link text}\par{\pict abcdef}\cell A\cell B\cell\row}";
        let t = rtf_to_text(rtf);
        assert!(t.contains("Café in Leeds"), "{t}");
        assert!(t.contains("Tab\there €5"), "{t:?}");
        assert!(t.contains("link text"));
        assert!(!t.contains("HYPERLINK"));
        assert!(!t.contains("Arial"));
        assert!(!t.contains("abcdef"));
        assert!(!t.contains("Foo"));
        assert!(
            t.contains("A\tB\n") || t.ends_with("A\tB") || t.contains("A\tB"),
            "{t:?}"
        );
        assert!(t.contains("Author: Sam Officer"), "{t}");
    }

    #[test]
    fn rtf_shift_jis_bytes() {
        // "日本" in Shift_JIS.
        let t = rtf_to_text(r"{\rtf1\ansi\ansicpg932 \'93\'fa\'96\'7b\par}");
        assert_eq!(t, "日本");
    }
}
