//! Writes a [`Layout`] as a fresh PDF: one embedded, subsetted TrueType font
//! (Type0 / CIDFontType2, Identity-H, with a ToUnicode map so the text can be
//! extracted), a running header, and a footer with the continuous page
//! number `SAR-<ref>-000123`. Nothing from the source file is carried over:
//! no metadata, no hidden layers, only the laid-out (already redacted) text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use lopdf::{dictionary, Document, Object, Stream, StringFormat};

use crate::font::{metrics, FONT, FONT_NAME};
use crate::layout::{Layout, Line, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, PAGE_W};
use crate::page::ImagePage;
use crate::Error;

/// Page furniture.
#[derive(Debug, Clone)]
pub struct Furniture {
    /// Shown top left on every page (e.g. `Document 0007`).
    pub header: String,
    /// Case reference for the footer: `SAR-<ref>-<page>`.
    pub reference: String,
    /// The bundle-wide number of this document's first page (1-based).
    pub first_page: u32,
}

/// The footer page label: `SAR-<ref>-000123`.
pub fn page_label(reference: &str, page: u32) -> String {
    format!("SAR-{reference}-{page:06}")
}

struct Glyphs {
    // original gid -> (char for ToUnicode)
    used: BTreeMap<u16, char>,
}

impl Glyphs {
    fn add(&mut self, m: &crate::font::Metrics, s: &str) {
        for c in s.chars() {
            let g = m.glyph(c);
            self.used
                .entry(g)
                .or_insert(if g == 0 { '\u{FFFD}' } else { c });
        }
    }
}

fn hex_cids(m: &crate::font::Metrics, map: &subsetter::GlyphRemapper, s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 4 + 2);
    out.push('<');
    for c in s.chars() {
        let cid = map.get(m.glyph(c)).unwrap_or(0);
        let _ = write!(out, "{cid:04X}");
    }
    out.push('>');
    out
}

fn fmt(v: f32) -> String {
    format!("{v:.2}")
}

/// Renders `layout` to PDF bytes.
pub fn write(layout: &Layout, furniture: &Furniture) -> Result<Vec<u8>, Error> {
    let m = metrics().ok_or(Error::Font)?;
    let total = layout.page_count();
    let footers: Vec<(String, String)> = (0..total)
        .map(|i| {
            let n =
                furniture.first_page + u32::try_from(i).unwrap_or(u32::MAX - furniture.first_page);
            (
                page_label(&furniture.reference, n),
                format!("Page {} of {}", i + 1, total),
            )
        })
        .collect();

    // Glyphs used anywhere.
    let mut g = Glyphs {
        used: BTreeMap::new(),
    };
    g.used.insert(0, '\u{FFFD}');
    g.add(m, &furniture.header);
    for (a, b) in &footers {
        g.add(m, a);
        g.add(m, b);
    }
    for line in layout.pages.iter().flatten() {
        for r in &line.runs {
            g.add(m, &r.text);
        }
    }
    for (_, t) in layout.images.iter().flat_map(|p| &p.text) {
        g.add(m, t);
    }
    let mut remap = subsetter::GlyphRemapper::new();
    for gid in g.used.keys() {
        remap.remap(*gid);
    }
    let subset = subsetter::subset(FONT, 0, &remap)
        .map_err(|e| Error::Pdf(format!("font subset: {e:?}")))?;

    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();

    // Font objects.
    let mut font_file = Stream::new(dictionary! { "Length1" => subset.len() as i64 }, subset);
    let _ = font_file.compress();
    let font_file_id = doc.add_object(font_file);
    let bbox = m.bbox();
    let descriptor_id = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(format!("SARXAA+{FONT_NAME}").into_bytes()),
        "Flags" => 32,
        "FontBBox" => bbox.iter().map(|v| Object::Real(*v)).collect::<Vec<_>>(),
        "ItalicAngle" => 0,
        "Ascent" => Object::Real(m.ascent()),
        "Descent" => Object::Real(m.descent()),
        "CapHeight" => Object::Real(m.cap_height()),
        "StemV" => 80,
        "FontFile2" => font_file_id,
    });
    let mut widths = Vec::new();
    for gid in g.used.keys() {
        if let Some(cid) = remap.get(*gid) {
            widths.push(Object::Integer(i64::from(cid)));
            widths.push(Object::Array(vec![Object::Real(m.advance_1000(*gid))]));
        }
    }
    let cid_font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(format!("SARXAA+{FONT_NAME}").into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
            "Ordering" => Object::String(b"Identity".to_vec(), StringFormat::Literal),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor_id,
        "DW" => 600,
        "W" => widths,
        "CIDToGIDMap" => "Identity",
    });
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(u16, char)> = g
        .used
        .iter()
        .filter_map(|(gid, c)| remap.get(*gid).map(|cid| (cid, *c)))
        .collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (cid, c) in chunk {
            let mut u = [0u16; 2];
            let units = c.encode_utf16(&mut u);
            let hex: String = units.iter().map(|x| format!("{x:04X}")).collect();
            let _ = writeln!(cmap, "<{cid:04X}> <{hex}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let mut cmap_stream = Stream::new(dictionary! {}, cmap.into_bytes());
    let _ = cmap_stream.compress();
    let cmap_id = doc.add_object(cmap_stream);
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(format!("SARXAA+{FONT_NAME}").into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font_id)],
        "ToUnicode" => cmap_id,
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });

    let empty: Vec<Line> = Vec::new();
    let mut kids = Vec::new();
    for (i, page) in layout.images.iter().enumerate() {
        let content = image_page_content(m, &remap, page, furniture, footers.get(i));
        let (iw, ih) = page.image.dimensions();
        let mut pixels = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => i64::from(iw),
                "Height" => i64::from(ih),
                "ColorSpace" => "DeviceGray",
                "BitsPerComponent" => 8,
            },
            page.image.as_raw().clone(),
        );
        let _ = pixels.compress();
        let image_id = doc.add_object(pixels);
        let resources = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
            "XObject" => dictionary! { "Im0" => image_id },
        });
        let mut content = Stream::new(dictionary! {}, content.into_bytes());
        let _ = content.compress();
        let content_id = doc.add_object(content);
        let (w, h) = image_page_size(page);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(w), Object::Real(h)],
            "Resources" => resources,
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let typeset = if layout.images.is_empty() { total } else { 0 };
    for i in 0..typeset {
        let lines = layout.pages.get(i).unwrap_or(&empty);
        let mut c = String::new();
        let text = |c: &mut String, x: f32, y: f32, size: f32, s: &str| {
            let _ = writeln!(
                c,
                "BT /F1 {} Tf 1 0 0 1 {} {} Tm {} Tj ET",
                fmt(size),
                fmt(x),
                fmt(y),
                hex_cids(m, &remap, s)
            );
        };
        // Running header and footer.
        c.push_str("0.35 g\n");
        text(&mut c, MARGIN_X, PAGE_H - 35.0, 8.0, &furniture.header);
        if let Some((label, of)) = footers.get(i) {
            text(&mut c, MARGIN_X, 30.0, 8.0, of);
            let w = m.width(label, 9.0);
            text(&mut c, PAGE_W - MARGIN_X - w, 30.0, 9.0, label);
        }
        let _ = writeln!(
            c,
            "0.6 G 0.5 w {} {} m {} {} l S",
            fmt(MARGIN_X),
            fmt(42.0),
            fmt(PAGE_W - MARGIN_X),
            fmt(42.0)
        );
        c.push_str("0 g\n");
        let mut y = PAGE_H - MARGIN_TOP;
        for line in lines {
            y -= line.height;
            if line.rule {
                let ry = y + line.height / 2.0;
                let _ = writeln!(
                    c,
                    "0.7 G 0.5 w {} {} m {} {} l S",
                    fmt(MARGIN_X),
                    fmt(ry),
                    fmt(PAGE_W - MARGIN_X),
                    fmt(ry)
                );
            }
            for r in &line.runs {
                let x = MARGIN_X + r.x;
                if r.marker {
                    let w = m.width(&r.text, r.size);
                    let _ = writeln!(
                        c,
                        "q 0.82 g {} {} {} {} re f Q",
                        fmt(x - 1.0),
                        fmt(y - r.size * 0.25),
                        fmt(w + 2.0),
                        fmt(r.size * 1.15)
                    );
                }
                text(&mut c, x, y, r.size, &r.text);
            }
        }
        debug_assert!(y >= MARGIN_BOTTOM - 20.0);
        let mut content = Stream::new(dictionary! {}, c.into_bytes());
        let _ = content.compress();
        let content_id = doc.add_object(content);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(PAGE_W), Object::Real(PAGE_H)],
            "Resources" => resources_id,
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info_id = doc.add_object(dictionary! {
        "Producer" => Object::String(b"sarx".to_vec(), StringFormat::Literal),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| Error::Pdf(e.to_string()))?;
    Ok(out)
}

/// Height of the band under a page image that carries the page label
/// (points): the label never covers the original page.
pub const LABEL_BAND: f32 = 22.0;

/// A page image's page size in points (the image at its resolution, and
/// the label band under it).
pub fn image_page_size(page: &ImagePage) -> (f32, f32) {
    let (w, h) = page.image.dimensions();
    let k = 72.0 / page.dpi.max(1) as f32;
    (w as f32 * k, h as f32 * k + LABEL_BAND)
}

/// A page image's content: the image, its invisible text layer (render
/// mode 3: found by search and copy, never drawn) and the label band.
fn image_page_content(
    m: &crate::font::Metrics,
    remap: &subsetter::GlyphRemapper,
    page: &ImagePage,
    furniture: &Furniture,
    footer: Option<&(String, String)>,
) -> String {
    let (w, _) = image_page_size(page);
    let (_, ih) = page.image.dimensions();
    let k = 72.0 / page.dpi.max(1) as f32;
    let img_h = ih as f32 * k;
    let mut c = String::new();
    let _ = writeln!(
        c,
        "q {} 0 0 {} 0 {} cm /Im0 Do Q",
        fmt(w),
        fmt(img_h),
        fmt(LABEL_BAND)
    );
    c.push_str("BT 3 Tr\n");
    for (r, t) in &page.text {
        let size = (r.h as f32 * k * 0.9).max(1.0);
        let natural = m.width(t, size).max(0.01);
        let scale = (100.0 * r.w as f32 * k / natural).clamp(1.0, 1000.0);
        let x = r.x as f32 * k;
        let y = LABEL_BAND + img_h - r.bottom() as f32 * k + r.h as f32 * k * 0.2;
        let _ = writeln!(
            c,
            "/F1 {} Tf {} Tz 1 0 0 1 {} {} Tm {} Tj",
            fmt(size),
            fmt(scale),
            fmt(x),
            fmt(y),
            hex_cids(m, remap, t)
        );
    }
    c.push_str("ET\n");
    // The label band: white, the document header left, the page label right.
    let _ = writeln!(c, "q 1 g 0 0 {} {} re f Q", fmt(w), fmt(LABEL_BAND));
    let text = |c: &mut String, x: f32, size: f32, s: &str| {
        let _ = writeln!(
            c,
            "BT 0.35 g /F1 {} Tf 1 0 0 1 {} {} Tm {} Tj ET",
            fmt(size),
            fmt(x),
            fmt(7.0),
            hex_cids(m, remap, s)
        );
    };
    if let Some((label, _)) = footer {
        let lw = m.width(label, 8.0);
        text(&mut c, (w - 6.0 - lw).max(0.0), 8.0, label);
        let room = (w - lw - 18.0).max(0.0);
        let mut header = furniture.header.clone();
        while !header.is_empty() && m.width(&header, 7.0) > room {
            header.pop();
        }
        text(&mut c, 6.0, 7.0, &header);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{FreshRenderer, Renderer};
    use sarx_model::{Kind, Record};

    #[test]
    fn pdf_round_trips_text_through_lopdf() {
        let mut r = Record::new("a.txt", "", Kind::Text);
        r.text = "Dear Margaret Okafor,\nyour rent account TEN-0045127 — Łódź café 日本".into();
        let l = FreshRenderer.layout(&r, &[], "Letter").unwrap();
        let bytes = write(
            &l,
            &Furniture {
                header: "Document 0001".into(),
                reference: "2025-7".into(),
                first_page: 12,
            },
        )
        .unwrap();
        let doc = Document::load_mem(&bytes).unwrap();
        let text = doc.extract_text(&[1]).unwrap();
        assert!(text.contains("Margaret Okafor"), "{text}");
        assert!(text.contains("TEN-0045127"), "{text}");
        assert!(text.contains("Łódź"), "{text}");
        assert!(text.contains("SAR-2025-7-000012"), "{text}");
        assert!(
            bytes.len() < 60_000,
            "subset font keeps files small: {}",
            bytes.len()
        );
    }
}
