//! Checks of a bundle PDF that trust no renderer: what its bytes hold
//! beyond the text extractors' view, its structure, and its redaction
//! boxes' pixels.
//!
//! - [`hidden_text`]: the string operands of every stream decompressed
//!   (content streams, ToUnicode maps, anything not an image or a font
//!   program; literal strings with escapes resolved, hex strings decoded)
//!   and every string object, each read as UTF-8 and as UTF-16BE (both
//!   byte alignments): a redacted string drawn in white, clipped away or
//!   kept in a dictionary is found here even where the extractors skip it.
//! - [`structure`]: one revision only (one `startxref`), and none of what
//!   sarx never writes: scripts, embedded files, actions, forms,
//!   annotations, XMP metadata.
//! - [`box_problems`]: each recorded redaction box of a page image is
//!   solid [`crate::page::FILL`] in the image the PDF holds.
//! - [`ocr_text`]: each page image read again by Tesseract, whole (what
//!   a reader of the page sees, whatever the text layer says) and box by
//!   box (a box must read as nothing).

use lopdf::{Document, Object};

use crate::page::{unfilled, PxRect};

/// What a bundle PDF must not hold (dictionary keys).
const FORBIDDEN: &[&[u8]] = &[
    b"JavaScript",
    b"JS",
    b"EmbeddedFiles",
    b"EmbeddedFile",
    b"Launch",
    b"OpenAction",
    b"AA",
    b"AcroForm",
    b"Annots",
    b"RichMedia",
    b"XFA",
    b"Metadata",
    b"URI",
];

/// The text hidden in the PDF's bytes (see the module documentation).
pub fn hidden_text(doc: &Document) -> String {
    let mut out = String::new();
    for obj in doc.objects.values() {
        collect_strings(obj, &mut out);
        if let Object::Stream(s) = obj {
            let d = &s.dict;
            let is = |k: &[u8], v: &[u8]| d.get(k).and_then(Object::as_name).is_ok_and(|n| n == v);
            let font_program = d.has(b"Length1")
                || d.has(b"Length2")
                || d.has(b"Length3")
                || is(b"Subtype", b"OpenType");
            if is(b"Subtype", b"Image") || font_program {
                continue;
            }
            let bytes = s
                .decompressed_content()
                .unwrap_or_else(|_| s.content.clone());
            for string in string_operands(&bytes) {
                plain(&string, &mut out);
            }
        }
    }
    out
}

fn collect_strings(obj: &Object, out: &mut String) {
    match obj {
        Object::String(b, _) => plain(b, out),
        Object::Array(a) => a.iter().for_each(|o| collect_strings(o, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| collect_strings(o, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| collect_strings(o, out)),
        _ => {}
    }
}

/// `bytes` as UTF-8 and, where one byte in four or more is zero (text in
/// UTF-16 is mostly ASCII: every other byte zero), as UTF-16BE at both
/// alignments.
fn plain(bytes: &[u8], out: &mut String) {
    out.push_str(&String::from_utf8_lossy(bytes));
    out.push('\n');
    let zeros = bytes.iter().filter(|&&b| b == 0).count();
    if bytes.len() < 4 || zeros * 4 < bytes.len() && !bytes.starts_with(&[0xFE, 0xFF]) {
        return;
    }
    for skip in 0..2 {
        let units: Vec<u16> = bytes
            .get(skip..)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or(' ')));
        out.push('\n');
    }
}

/// The string operands of a content stream (or any PDF syntax): literal
/// strings with their escapes resolved, and hex strings decoded. Text is
/// drawn only from strings, so operators and numbers (which would match
/// redacted numbers by chance) are left out.
fn string_operands(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'%' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                    i += 1;
                }
            }
            b'(' => {
                let (s, next) = literal(bytes, i + 1);
                out.push(s);
                i = next;
                continue;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => i += 1,
            b'<' => {
                let start = i + 1;
                let len = bytes[start..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit() || c.is_ascii_whitespace())
                    .count();
                if bytes.get(start + len) == Some(&b'>') {
                    let hex: Vec<u8> = bytes[start..start + len]
                        .iter()
                        .copied()
                        .filter(u8::is_ascii_hexdigit)
                        .collect();
                    out.push(
                        hex.chunks(2)
                            .filter_map(|p| {
                                let p = if p.len() == 1 {
                                    [p[0], b'0']
                                } else {
                                    [p[0], p[1]]
                                };
                                u8::from_str_radix(std::str::from_utf8(&p).ok()?, 16).ok()
                            })
                            .collect(),
                    );
                }
                i = start + len;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A literal string from just after its `(`: its bytes and where it ends.
fn literal(bytes: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut s = Vec::new();
    let mut depth = 1;
    while let Some(&c) = bytes.get(i) {
        i += 1;
        match c {
            b'\\' => {
                let Some(&e) = bytes.get(i) else { break };
                i += 1;
                match e {
                    b'n' => s.push(b'\n'),
                    b'r' => s.push(b'\r'),
                    b't' => s.push(b'\t'),
                    b'b' => s.push(8),
                    b'f' => s.push(12),
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match bytes.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        s.push((v & 0xFF) as u8);
                    }
                    b'\n' | b'\r' => {}
                    other => s.push(other),
                }
            }
            b'(' => {
                depth += 1;
                s.push(c);
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                s.push(c);
            }
            _ => s.push(c),
        }
    }
    (s, i)
}

/// Structural problems (none for a sound bundle PDF).
pub fn structure(bytes: &[u8], doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    let revisions = bytes.windows(9).filter(|w| *w == b"startxref").count();
    if revisions != 1 {
        out.push(format!(
            "has {revisions} revisions (an incremental update can keep what was redacted)"
        ));
    }
    let mut found: Vec<String> = Vec::new();
    let mut look = |d: &lopdf::Dictionary| {
        for (k, _) in d.iter() {
            if FORBIDDEN.contains(&k.as_slice()) {
                let k = String::from_utf8_lossy(k).into_owned();
                if !found.contains(&k) {
                    found.push(k);
                }
            }
        }
    };
    for obj in doc.objects.values() {
        match obj {
            Object::Dictionary(d) => look(d),
            Object::Stream(s) => look(&s.dict),
            _ => {}
        }
    }
    look(&doc.trailer);
    for k in found {
        out.push(format!("holds /{k}, which a bundle PDF never has"));
    }
    out
}

/// Pages (1-based) whose recorded boxes are not solid in the page's image.
pub fn box_problems(doc: &Document, boxes: &[(u32, PxRect)]) -> Vec<String> {
    let pages = doc.get_pages();
    let mut out = Vec::new();
    for (page, rects) in group(boxes) {
        let Some(image) = pages.get(&page).and_then(|id| page_image(doc, *id)) else {
            out.push(format!("page {page}: its image is missing"));
            continue;
        };
        let bad = rects.iter().filter(|r| unfilled(&image, **r) > 0).count();
        if bad > 0 {
            out.push(format!("page {page}: {bad} redaction boxes are not solid"));
        }
    }
    out
}

fn group(boxes: &[(u32, PxRect)]) -> Vec<(u32, Vec<PxRect>)> {
    let mut out: Vec<(u32, Vec<PxRect>)> = Vec::new();
    for (p, r) in boxes {
        match out.iter_mut().find(|(q, _)| q == p) {
            Some((_, v)) => v.push(*r),
            None => out.push((*p, vec![*r])),
        }
    }
    out
}

/// The page's image (`/Im0`, 8-bit greyscale) as sarx writes it.
pub fn page_image(doc: &Document, page: lopdf::ObjectId) -> Option<image::GrayImage> {
    let page = doc.get_dictionary(page).ok()?;
    let res = match page.get(b"Resources").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let xo = match res.get(b"XObject").ok()? {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let id = xo.get(b"Im0").ok()?.as_reference().ok()?;
    let s = doc.get_object(id).ok()?.as_stream().ok()?;
    let w = u32::try_from(s.dict.get(b"Width").ok()?.as_i64().ok()?).ok()?;
    let h = u32::try_from(s.dict.get(b"Height").ok()?.as_i64().ok()?).ok()?;
    let px = s.decompressed_content().ok()?;
    image::GrayImage::from_raw(w, h, px)
}

/// What Tesseract reads on the PDF's page images: every page whole, then
/// every recorded box on its own (with a white margin): the text, and how
/// many boxes read as anything (0 for a sound bundle).
pub fn ocr_text(
    doc: &Document,
    boxes: &[(u32, PxRect)],
    engine: &sarx_ocr::Tesseract,
) -> Result<(String, usize), String> {
    let mut whole = String::new();
    let mut readable_boxes = 0;
    for (n, id) in doc.get_pages() {
        let Some(image) = page_image(doc, id) else {
            continue;
        };
        whole.push_str(&read(engine, &image)?);
        whole.push('\n');
        for (_, r) in boxes.iter().filter(|(p, _)| *p == n) {
            let crop = image::imageops::crop_imm(&image, r.x, r.y, r.w, r.h).to_image();
            let margin = 16;
            let mut framed = image::GrayImage::from_pixel(
                crop.width() + 2 * margin,
                crop.height() + 2 * margin,
                image::Luma([255]),
            );
            image::imageops::overlay(&mut framed, &crop, i64::from(margin), i64::from(margin));
            if read(engine, &framed)?.chars().any(char::is_alphanumeric) {
                readable_boxes += 1;
            }
        }
    }
    Ok((whole, readable_boxes))
}

fn read(engine: &sarx_ocr::Tesseract, image: &image::GrayImage) -> Result<String, String> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::L8,
        )
        .map_err(|e| e.to_string())?;
    let pages = engine.recognise(&png).map_err(|e| e.to_string())?;
    Ok(pages
        .into_iter()
        .map(|p| p.text)
        .collect::<Vec<_>>()
        .join("\n"))
}
