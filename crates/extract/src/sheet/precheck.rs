//! Pre-flight checks for the workbooks calamine materialises densely (XLS
//! and ODS): the sheet dimensions and cell positions are scanned from the
//! raw records (BIFF records in the compound file, the repeat attributes
//! of `content.xml`)
//! and a workbook whose dense size is over the cell limit is refused
//! before calamine allocates it.

use std::io::{Cursor, Read};

use sarx_model::Limit;

use crate::{office, Ctx, Failure, Result};

/// What [`precheck_xls`] found that calamine should not read as it is.
pub(super) struct XlsPatch {
    /// The workbook stream (`/Workbook` or `/Book`).
    pub(super) stream: &'static str,
    /// Offsets in that stream of each FORMULA record's parsed-expression
    /// length (`cce`).
    pub(super) formula_cce: Vec<u64>,
}

/// Scans the BIFF records of an XLS workbook stream for sheet dimensions and
/// cell positions, and refuses a workbook whose dense size (what calamine
/// allocates) is over the cell limit.
///
/// Also lists where every FORMULA record's expression length sits: calamine
/// parses every formula while it opens a workbook and slices the expression
/// unchecked (a declared length past the record, a token's operands past
/// its end, found by the `xls` fuzz target), and sarx reads a formula
/// cell's cached value, never its formula. A record too short to hold the
/// length is corrupt.
pub(super) fn precheck_xls(ctx: &Ctx<'_>, bytes: &[u8]) -> Result<XlsPatch> {
    if !office::is_cfb(bytes) {
        return Err(Failure::corrupt("not an OLE compound file"));
    }
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| Failure::corrupt("XLS compound file could not be read"))?;
    let name = if cf.is_stream("/Workbook") {
        "/Workbook"
    } else if cf.is_stream("/Book") {
        "/Book"
    } else if cf.is_stream("/EncryptedPackage") {
        return Err(Failure::encrypted("workbook is password protected"));
    } else {
        return Err(Failure::corrupt("XLS file has no workbook stream"));
    };
    let mut data = Vec::new();
    let mut stream = cf
        .open_stream(name)
        .map_err(|_| Failure::corrupt("XLS workbook stream could not be read"))?;
    let len = stream.len();
    if len > bytes.len() as u64 * 2 + 4096 {
        return Err(Failure::corrupt(
            "XLS workbook stream is larger than the file",
        ));
    }
    stream
        .by_ref()
        .take(len)
        .read_to_end(&mut data)
        .map_err(|_| Failure::corrupt("XLS workbook stream could not be read"))?;
    let max = ctx.limits().max_cells;
    let too_many = || {
        Failure::limit(
            Limit::CellCount,
            format!("a sheet declares more than {max} cells"),
        )
    };
    let u16_at = |d: &[u8], i: usize| -> Option<u32> {
        d.get(i..i + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |d: &[u8], i: usize| -> Option<u32> {
        d.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut formula_cce = Vec::new();
    // The stream is scanned once from the start, as its records follow one
    // another, and once from each sheet's offset (BoundSheet8), which is
    // where calamine starts reading the sheet: a damaged offset lands mid
    // record and calamine then reads other records than the first pass.
    let mut sheets: Vec<usize> = Vec::new();
    let mut scan = |from: usize, sheet: bool, sheets: &mut Vec<usize>| -> Result<()> {
        let mut pos = from;
        // Substream nesting (BOF..EOF) in a sheet pass: cells of an
        // embedded chart are skipped, as calamine skips them.
        let mut depth = 0u32;
        // (min_row, max_row, min_col, max_col) of the current substream.
        let mut ext: Option<(u32, u32, u32, u32)> = None;
        let check = |ext: &Option<(u32, u32, u32, u32)>| -> Result<()> {
            if let Some((r0, r1, c0, c1)) = ext {
                let n =
                    u64::from(r1.saturating_sub(*r0) + 1) * u64::from(c1.saturating_sub(*c0) + 1);
                if n > max {
                    return Err(too_many());
                }
            }
            Ok(())
        };
        while let (Some(typ), Some(rlen)) = (u16_at(&data, pos), u16_at(&data, pos + 2)) {
            let start = pos + 4;
            let end = start + rlen as usize;
            let Some(rec) = data.get(start..end) else {
                break;
            };
            let nested = sheet && depth > 1;
            let mut add = |r: u32, c: u32| {
                if nested {
                    return;
                }
                ext = Some(match ext {
                    None => (r, r, c, c),
                    Some((a, b, x, y)) => (a.min(r), b.max(r), x.min(c), y.max(c)),
                });
            };
            match typ {
                // FILEPASS: the rest of the stream is encrypted.
                0x002F => return Err(Failure::encrypted("workbook is password protected")),
                0x0085 if !sheet => {
                    if let Some(at) = u32_at(rec, 0) {
                        sheets.push(at as usize);
                    }
                }
                0x0809 if sheet => depth += 1,
                0x000A if sheet => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                0x0809 | 0x000A => {
                    check(&ext)?;
                    ext = None;
                }
                0x0200 if !nested => {
                    let dims = match rec.len() {
                        10 => (
                            u16_at(rec, 0),
                            u16_at(rec, 2),
                            u16_at(rec, 4),
                            u16_at(rec, 6),
                        ),
                        14 | 16 => (
                            u32_at(rec, 0),
                            u32_at(rec, 4),
                            u16_at(rec, 8),
                            u16_at(rec, 10),
                        ),
                        _ => (None, None, None, None),
                    };
                    if let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = dims {
                        if cf > 0xFF || cl < cf {
                            cf = 0;
                        }
                        let rows = u64::from(rl.saturating_sub(rf)) + 1;
                        let cols = u64::from(cl.saturating_sub(cf)) + 1;
                        if rows.saturating_mul(cols) > max {
                            return Err(too_many());
                        }
                    }
                }
                0x0203 | 0x0204 | 0x00FD | 0x027E | 0x0205 | 0x0006 | 0x00D6 => {
                    if let (Some(r), Some(c)) = (u16_at(rec, 0), u16_at(rec, 2)) {
                        add(r, c);
                    }
                    if typ == 0x0006 {
                        // FORMULA: row, col, ixfe, the cached value (8),
                        // flags, chn (4), then the expression: cce (2) and
                        // its tokens.
                        if rec.len() < 22 {
                            return Err(Failure::corrupt("XLS formula record is truncated"));
                        }
                        formula_cce.push((start + 20) as u64);
                    }
                }
                0x00BD => {
                    if let (Some(r), Some(c), Some(cl)) = (
                        u16_at(rec, 0),
                        u16_at(rec, 2),
                        u16_at(rec, rec.len().saturating_sub(2)),
                    ) {
                        add(r, c);
                        add(r, cl.max(c));
                    }
                }
                _ => {}
            }
            pos = end;
        }
        check(&ext)
    };
    scan(0, false, &mut sheets)?;
    for at in std::mem::take(&mut sheets) {
        if at >= data.len() {
            return Err(Failure::corrupt(
                "an XLS sheet offset is past the workbook stream",
            ));
        }
        scan(at, true, &mut Vec::new())?;
    }
    formula_cce.sort_unstable();
    formula_cce.dedup();
    Ok(XlsPatch {
        stream: name,
        formula_cce,
    })
}

/// A copy of the compound file `bytes` with every formula's expression
/// emptied (`cce` 0): the record lengths, the cached values and the rest of
/// the file stay as they are.
pub(super) fn without_formulas(bytes: &[u8], patch: &XlsPatch) -> Result<Vec<u8>> {
    use std::io::{Seek, SeekFrom, Write};
    let fail = |_| Failure::corrupt("XLS compound file could not be read");
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes.to_vec())).map_err(fail)?;
    {
        let mut stream = cf.open_stream(patch.stream).map_err(fail)?;
        for &at in &patch.formula_cce {
            stream.seek(SeekFrom::Start(at)).map_err(fail)?;
            stream.write_all(&[0, 0]).map_err(fail)?;
        }
        stream.flush().map_err(fail)?;
    }
    cf.flush().map_err(fail)?;
    Ok(cf.into_inner().into_inner())
}

/// Streams `content.xml` of an ODS and estimates the dense size of each
/// table from its repeat attributes; refuses it over the cell limit (the
/// 999,999,999-repeat denial-of-service files).
pub(super) fn precheck_ods(ctx: &Ctx<'_>, bytes: &[u8]) -> Result<()> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| Failure::corrupt("ODS package (zip) could not be read"))?;
    if office::odf_encrypted(&mut zip) {
        return Err(Failure::encrypted("spreadsheet is password protected"));
    }
    let content = office::read_member(&mut zip, "content.xml", ctx.limits().max_expanded_bytes)?
        .ok_or_else(|| Failure::corrupt("ODS has no content.xml"))?;
    let max = ctx.limits().max_cells;
    let mut reader = quick_xml::Reader::from_reader(content.as_slice());
    let mut buf = Vec::new();
    let repeat = |e: &quick_xml::events::BytesStart<'_>, key: &[u8]| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref().as_bytes() == key)
            .and_then(|a| a.value.trim().parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    // Per table: rows so far, widest content column.
    let (mut row, mut width) = (0u64, 0u64);
    // Per row: repeat count, column so far, content extent.
    let (mut row_rep, mut col, mut row_width) = (1u64, 0u64, 0u64);
    let over = |rows: u64, width: u64| rows.saturating_mul(width) > max;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if e.local_name().as_ref().as_bytes() == b"table" =>
            {
                row = 0;
                width = 0;
            }
            Ok(Event::Start(e)) if e.local_name().as_ref().as_bytes() == b"table-row" => {
                row_rep = repeat(&e, b"table:number-rows-repeated");
                col = 0;
                row_width = 0;
            }
            Ok(Event::Empty(e)) if e.local_name().as_ref().as_bytes() == b"table-row" => {
                row = row.saturating_add(repeat(&e, b"table:number-rows-repeated"));
            }
            Ok(Event::End(e)) if e.local_name().as_ref().as_bytes() == b"table-row" => {
                row = row.saturating_add(row_rep);
                if row_width > 0 {
                    width = width.max(row_width);
                    if over(row, width) {
                        return Err(Failure::limit(
                            Limit::CellCount,
                            format!("a sheet declares more than {max} cells"),
                        ));
                    }
                }
            }
            Ok(Event::Start(e))
                if matches!(
                    e.local_name().as_ref().as_bytes(),
                    b"table-cell" | b"covered-table-cell"
                ) =>
            {
                let n = repeat(&e, b"table:number-columns-repeated");
                col = col.saturating_add(n);
                row_width = col;
            }
            Ok(Event::Empty(e))
                if matches!(
                    e.local_name().as_ref().as_bytes(),
                    b"table-cell" | b"covered-table-cell"
                ) =>
            {
                let n = repeat(&e, b"table:number-columns-repeated");
                let has_value = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref().as_bytes() == b"value-type");
                col = col.saturating_add(n);
                if has_value {
                    row_width = col;
                }
            }
            Ok(Event::Eof) => break,
            Err(_) => return Err(Failure::corrupt("ODS content.xml is not well-formed")),
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}
