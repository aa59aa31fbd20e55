//! Plain text in any charset: UTF-8, UTF-16 with a byte-order mark, and
//! legacy charsets (Windows-1252, ISO-8859-x, Shift_JIS, ...) detected with
//! `chardetng`. RTF is reduced to its visible text. A fixed-width listing
//! inside the text (see `listing`) gives one row record a line.

use sarx_model::metakey;
use sarx_model::{Kind, Record};

use crate::{Ctx, Format, Node, Result};

/// Decodes bytes of unknown charset to UTF-8.
///
/// A BOM wins; then valid UTF-8; otherwise the charset `chardetng` guesses.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

/// Decodes bytes declared as `charset` (a label such as `iso-8859-1`),
/// falling back to [`decode`] when the label is unknown.
pub fn decode_with_label(bytes: &[u8], charset: &str) -> String {
    match encoding_rs::Encoding::for_label(charset.trim().as_bytes()) {
        Some(enc) => enc.decode(bytes).0.into_owned(),
        None => decode(bytes),
    }
}

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    let mut record = ctx.record_for(
        node,
        if format == Format::Rtf {
            Kind::Word
        } else {
            Kind::Text
        },
    );
    let text = decode(node.bytes);
    let mut tables = Vec::new();
    record.text = if format == Format::Rtf {
        crate::office::rtf_to_text(&text)
    } else if let Some((found, rest)) = crate::listing::split(&text)
        .filter(|(found, _)| crate::listing::cells(found) <= ctx.limits().max_cells)
    {
        // A listing: its lines are rows of their own. One with more cells
        // than a workbook may hold stays one text record, searchable as
        // before, rather than millions of rows.
        tables = found;
        rest
    } else {
        text
    };
    record
        .meta
        .insert(metakey::FORMAT.into(), format.name().to_owned());
    let parent = record.id.clone();
    let title = record.title.clone();
    ctx.emit(record);
    for table in &tables {
        let header = table.header.join("\t");
        for (line, cells) in &table.rows {
            let locator = ctx.child_locator(node.locator, &format!("line {line}"));
            let mut r = Record::new(ctx.source(), &locator, Kind::SheetRow);
            r.parent = Some(parent.clone());
            r.title = title.clone();
            r.text = cells.join("\t");
            r.size = r.text.len() as u64;
            r.content_hash = blake3::hash(r.text.as_bytes()).to_hex().to_string();
            r.meta.insert(metakey::ROW.into(), line.to_string());
            r.meta.insert(metakey::HEADER.into(), header.clone());
            r.meta.insert(metakey::SHEET_STATE.into(), "visible".into());
            r.meta.insert(metakey::FORMAT.into(), "fixed-width".into());
            ctx.emit(r);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_boms_and_legacy_charsets() {
        assert_eq!(decode(b"plain"), "plain");
        assert_eq!(decode(&[0xEF, 0xBB, 0xBF, b'h', b'i']), "hi");
        assert_eq!(decode(&[0xFF, 0xFE, b'h', 0, b'i', 0]), "hi");
        assert_eq!(decode(&[0xFE, 0xFF, 0, b'h', 0, b'i']), "hi");
        // "café" in Windows-1252.
        let s = decode(b"Caf\xe9 in Leeds, the caf\xe9 was shut");
        assert!(s.contains("Café"), "{s}");
        assert_eq!(decode_with_label(b"caf\xe9", "iso-8859-1"), "café");
    }

    #[test]
    fn a_listing_is_rows_within_the_cell_limit() {
        let report = "Ref\tName\tAmount\nT1\tGrace\t400\nT2\tMargaret\t380\nT3\tPeter\t410\n";
        let run = |max_cells: u64| {
            let ex = crate::Extractor::new(crate::Limits {
                max_cells,
                ..crate::Limits::default()
            });
            let mut out = crate::Collected::default();
            ex.extract_bytes("payments.txt", "payments.txt", report.as_bytes(), &mut out);
            out.records
        };
        let rows = run(100);
        assert_eq!(rows.len(), 4);
        assert!(rows[1..].iter().all(|r| r.kind == Kind::SheetRow));
        assert_eq!(rows[2].text, "T2\tMargaret\t380");
        assert!(!rows[0].text.contains("Margaret"));
        // Over the limit: one text record, nothing lost.
        let whole = run(8);
        assert_eq!(whole.len(), 1);
        assert!(whole[0].text.contains("Margaret"));
    }
}
