//! The sheet list of an XLSB workbook, checked (and for Excel 2007 beta
//! files rewritten) before calamine reads it.
//!
//! calamine finds each sheet's part by the relationship id of its
//! `BrtBundleSh` record in `xl/workbook.bin` (MS-XLSB 2.4.720: `hsState`, 4
//! bytes; `iTabID`, 4 bytes; `strRelID`; `strName`) and indexes the
//! relationships map with it, which panics when the id is not there. Files
//! written by the Excel 2007 beta (Apache Tika's and POI's `testEXCEL.xlsb`
//! among them) have 8 bytes before `iTabID`, not 4; Apache POI reads them
//! the same way (`XSSFBReader`, "tryOldFormat"). Such a record is rewritten
//! to the standard layout (the 4 undocumented bytes dropped) in a copy of
//! the package; a sheet record whose id resolves in neither layout makes
//! the workbook [`Reason::Unsupported`](sarx_model::Reason) by the XLSB
//! reader, before calamine can panic on it.

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};

use quick_xml::events::Event;

use crate::{Failure, Result};

const WORKBOOK: &str = "xl/workbook.bin";
const RELS: &str = "xl/_rels/workbook.bin.rels";
/// `BrtBundleSh`.
const BUNDLE_SH: u32 = 0x9C;

/// The package calamine should read: `None` when `bytes` is fine as it is,
/// a rewritten copy for an Excel 2007 beta sheet list.
pub(super) fn prepare(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // calamine reports a broken package itself.
        return Ok(None);
    };
    let Some(workbook) = read_part(&mut zip, WORKBOOK) else {
        return Ok(None);
    };
    let ids = match read_part(&mut zip, RELS) {
        Some(xml) => relationship_ids(&xml),
        None => HashSet::new(),
    };
    let mut out = Vec::with_capacity(workbook.len());
    let mut rewritten = false;
    let mut pos = 0;
    while pos < workbook.len() {
        let Some((typ, len, header)) = record_header(&workbook, pos) else {
            // A truncated stream: calamine stops there as well.
            return Ok(None);
        };
        let body_at = pos + header;
        let Some(body) = workbook.get(body_at..body_at + len) else {
            return Ok(None);
        };
        if typ == BUNDLE_SH {
            match sheet_layout(body, &ids) {
                Layout::Standard => push_record(&mut out, typ, body),
                Layout::Beta => {
                    let mut fixed = Vec::with_capacity(body.len() - 4);
                    fixed.extend_from_slice(&body[..4]);
                    fixed.extend_from_slice(&body[8..]);
                    push_record(&mut out, typ, &fixed);
                    rewritten = true;
                }
                Layout::Unresolved => {
                    return Err(Failure::unsupported(
                        "a sheet of this XLSB workbook names a part that is not in the package; \
                         this sheet list is unsupported by the XLSB reader",
                    ))
                }
            }
        } else if let Some(raw) = workbook.get(pos..body_at + len) {
            out.extend_from_slice(raw);
        }
        pos = body_at + len;
    }
    if !rewritten {
        return Ok(None);
    }
    repack(&mut zip, &out).map(Some).ok_or_else(|| {
        Failure::unsupported("this Excel 2007 beta sheet list is unsupported by the XLSB reader")
    })
}

enum Layout {
    Standard,
    Beta,
    Unresolved,
}

/// Which layout of `BrtBundleSh` gives a relationship id in `ids` (a null
/// id, `0xFFFFFFFF`, names no part and calamine skips it).
fn sheet_layout(body: &[u8], ids: &HashSet<String>) -> Layout {
    let resolves = |at: usize| -> Option<bool> {
        let n = u32::from_le_bytes(body.get(at..at + 4)?.try_into().ok()?);
        if n == u32::MAX {
            return Some(true);
        }
        let units = body.get(at + 4..at + 4 + (n as usize).checked_mul(2)?)?;
        let id: Vec<u16> = units
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(ids.contains(&String::from_utf16_lossy(&id)))
    };
    if resolves(8) == Some(true) {
        Layout::Standard
    } else if resolves(12) == Some(true) {
        Layout::Beta
    } else {
        Layout::Unresolved
    }
}

fn read_part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Option<Vec<u8>> {
    let f = zip.by_name(name).ok()?;
    // The sheet list and its relationships are small; a part claiming more
    // than 16 MiB is left to calamine (and the package checks before it).
    if f.size() > 16 << 20 {
        return None;
    }
    let mut out = Vec::new();
    f.take(16 << 20).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The `Id` of every `Relationship` in a relationships part.
fn relationship_ids(xml: &[u8]) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref().as_bytes() == b"Relationship" =>
            {
                for a in e.attributes().flatten() {
                    if a.key.as_ref().as_bytes() == b"Id" {
                        ids.insert(a.value.as_ref().to_owned());
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    ids
}

/// A record's type, body length and header length at `pos` (MS-XLSB 2.1.4:
/// the type in one or two 7-bit groups, the size in up to four).
fn record_header(data: &[u8], pos: usize) -> Option<(u32, usize, usize)> {
    let mut at = pos;
    let mut varint = |max: usize| -> Option<u32> {
        let mut v = 0u32;
        for i in 0..max {
            let b = *data.get(at)?;
            at += 1;
            v |= u32::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        Some(v)
    };
    let typ = varint(2)?;
    let len = varint(4)? as usize;
    Some((typ, len, at - pos))
}

fn push_record(out: &mut Vec<u8>, typ: u32, body: &[u8]) {
    let mut put = |mut v: u32, max: usize| {
        for _ in 0..max {
            let b = (v & 0x7F) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    };
    put(typ, 2);
    put(body.len() as u32, 4);
    out.extend_from_slice(body);
}

/// A copy of the package with `workbook` as its sheet list, every other
/// part copied as stored.
fn repack(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, workbook: &[u8]) -> Option<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).ok()?;
        if f.name().ok().as_deref() == Some(WORKBOOK) {
            drop(f);
            w.start_file(
                WORKBOOK,
                zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored),
            )
            .ok()?;
            w.write_all(workbook).ok()?;
        } else {
            w.raw_copy_file(f).ok()?;
        }
    }
    Some(w.finish().ok()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_headers_round_trip() {
        for (typ, len) in [
            (0x9C, 40),
            (0x01, 0),
            (0x3FFF, 200_000),
            (0x83, 127),
            (0x83, 128),
        ] {
            let body = vec![7u8; len];
            let mut out = Vec::new();
            push_record(&mut out, typ, &body);
            let (t, l, h) = record_header(&out, 0).unwrap();
            assert_eq!((t, l, h + l), (typ, len, out.len()));
        }
    }

    #[test]
    fn a_beta_sheet_record_is_found_by_its_relationship_id() {
        let ids: HashSet<String> = ["rId1".to_owned()].into();
        let mut standard = vec![0, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0];
        standard.extend("rId1".encode_utf16().flat_map(u16::to_le_bytes));
        let mut beta = standard.clone();
        beta.splice(4..4, [0, 0, 0, 0]);
        assert!(matches!(sheet_layout(&standard, &ids), Layout::Standard));
        assert!(matches!(sheet_layout(&beta, &ids), Layout::Beta));
        assert!(matches!(
            sheet_layout(&beta[..10], &ids),
            Layout::Unresolved
        ));
    }
}
