//! Inputs the fuzz targets (`fuzz/`, FUZZING.md) found crashing, each in
//! `tests/regressions/` named after the target and what it broke: each is
//! extracted with the sniffer choosing the format, as the crawler does, and
//! must end as records or an unsearchable entry with a reason — never a
//! panic, caught or not (the dispatcher's `ExtractorFailed`, or the
//! workbook reader's own catch, "could not parse this workbook's
//! structure"), and within the time and memory a test has.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use sarx_extract::{Collected, Extractor};
use sarx_model::Reason;

#[test]
fn every_fuzz_regression_input_is_data_not_a_crash() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let mut out = Collected::default();
        Extractor::default().extract_bytes(&name, &name, &bytes, &mut out);
        for u in &out.unsearchable {
            assert_ne!(u.reason, Reason::ExtractorFailed, "{name}: {}", u.detail);
            assert!(
                !u.detail
                    .contains("could not parse this workbook's structure"),
                "{name}: the workbook reader panicked: {}",
                u.detail
            );
        }
        assert!(
            !out.records.is_empty() || !out.unsearchable.is_empty(),
            "{name}: neither records nor a reason"
        );
        eprintln!(
            "{name}: {} records, {:?}",
            out.records.len(),
            out.unsearchable
                .iter()
                .map(|u| format!("{}: {}", u.reason.code(), u.detail))
                .collect::<Vec<_>>()
        );
        n += 1;
    }
    assert!(n > 0);
}

/// A BIFF record: type, length, body.
fn biff(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(body.len() as u16).to_le_bytes());
    out.extend_from_slice(body);
}

/// The class of `xls` fuzz finds that aborted or ran out of memory (four
/// inputs of 870 KiB, mutations of a corpus-real workbook): a sheet offset
/// (BoundSheet8) pointing inside another record, where the cell-limit
/// precheck, reading the records one after another, never looked, and
/// calamine read two cells 65,535 rows and columns apart and allocated the
/// dense range between them (4.3 billion cells). The sheet is now also
/// scanned from its offset and refused for the cell limit.
#[test]
fn a_sheet_hidden_inside_another_record_is_held_to_the_cell_limit() {
    use std::io::Write;
    let mut sheet = Vec::new();
    biff(
        &mut sheet,
        0x0809,
        &[0, 6, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    for (row, col) in [(0u16, 0u16), (0xFFFF, 0xFFFF)] {
        let mut number = Vec::new();
        number.extend_from_slice(&row.to_le_bytes());
        number.extend_from_slice(&col.to_le_bytes());
        number.extend_from_slice(&[0, 0]);
        number.extend_from_slice(&1.0f64.to_le_bytes());
        biff(&mut sheet, 0x0203, &number);
    }
    biff(&mut sheet, 0x000A, &[]);

    let mut globals = Vec::new();
    biff(
        &mut globals,
        0x0809,
        &[0, 6, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    // BoundSheet8: the offset (filled in below), visible, worksheet, "S".
    let bound_at = globals.len() + 4;
    biff(&mut globals, 0x0085, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']);
    biff(&mut globals, 0x000A, &[]);
    // The sheet travels inside the body of a record type nobody reads.
    let sheet_at = globals.len() + 4;
    biff(&mut globals, 0x1234, &sheet);
    globals[bound_at..bound_at + 4].copy_from_slice(&(sheet_at as u32).to_le_bytes());

    let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/Workbook")
        .unwrap()
        .write_all(&globals)
        .unwrap();
    cf.flush().unwrap();
    let bytes = cf.into_inner().into_inner();

    let mut out = Collected::default();
    Extractor::default().extract_bytes("x.xls", "x.xls", &bytes, &mut out);
    assert_eq!(
        out.unsearchable.first().map(|u| u.reason),
        Some(Reason::LimitExceeded(sarx_model::Limit::CellCount)),
        "{:?}",
        out.unsearchable
    );
}
