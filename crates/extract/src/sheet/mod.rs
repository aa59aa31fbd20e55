//! CSV/TSV and workbooks (XLSX, XLSM, XLSB, XLS, ODS via calamine): one
//! record for the file and one [`Kind::SheetRow`] child per non-empty data row.
//!
//! Locators follow the shared convention: `Sheet!A14:H14` for a workbook row
//! (1-based sheet row; the last column is the last non-empty cell of the
//! row), `A14:H14` for a CSV row. The header row (the first non-empty row) is
//! not a record of its own; every row keeps it in `meta["header"]`.
//!
//! Every sheet is read, hidden and very hidden ones included: their rows carry
//! `meta["sheet_state"]` and the workbook record gets `hidden_text = true`.
//!
//! Safety: calamine materialises XLS and ODS sheets as dense ranges when the
//! workbook is opened, so those formats are pre-scanned (BIFF records, ODS
//! repeat attributes) and refused when their declared size exceeds
//! [`crate::Limits::max_cells`] (see [`precheck`]); XLSX and XLSB cells are
//! streamed and counted.

use sarx_model::metakey;
use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Data, Reader, SheetType, SheetVisible};
use sarx_model::{Kind, Limit, Record, RecordId};

use crate::{office, Ctx, Failure, Format, Node, Result};

mod precheck;
mod xlsb;

use precheck::{precheck_ods, precheck_xls, without_formulas};

/// One non-empty cell: 0-based row and column, and its text.
type CellText = (u32, u32, String);

/// Where the rows of one sheet or file go.
struct RowSink<'s> {
    parent: RecordId,
    title: String,
    sheet: Option<&'s str>,
    state: &'static str,
    format: &'static str,
}

pub(crate) fn extract_delimited(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    let text = crate::text::decode(node.bytes);
    let delimiter = if format == Format::Tsv {
        b'\t'
    } else {
        guess_delimiter(&text)
    };
    let mut record = ctx.record_for(node, Kind::Csv);
    record
        .meta
        .insert(metakey::FORMAT.into(), format.name().to_owned());
    let parent = record.id.clone();
    let title = record.title.clone();
    ctx.emit(record);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let sink = RowSink {
        parent,
        title,
        sheet: None,
        state: "visible",
        format: format.name(),
    };
    let mut header: Option<String> = None;
    let mut cells: u64 = 0;
    let mut row = csv::StringRecord::new();
    let mut index: u32 = 0;
    loop {
        match reader.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => {
                return Err(Failure::corrupt(format!(
                    "{} row {} could not be parsed",
                    format.name(),
                    index + 1
                )))
            }
        }
        index = index.saturating_add(1);
        if index.is_multiple_of(10_000) {
            ctx.check_time()?;
        }
        cells = cells.saturating_add(row.len() as u64);
        if cells > ctx.limits().max_cells {
            return Err(cell_limit(ctx));
        }
        // Borrowed from the parsed row: the cells are copied once, into
        // the row's text.
        let values: Vec<(u32, &str)> = row
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(c, v)| (c as u32, v))
            .collect();
        emit_row(ctx, node, &sink, &mut header, index, &values);
    }
    Ok(())
}

/// A comma, unless the first line has clearly more semicolons (European
/// exports) or tabs.
fn guess_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (commas, semis, tabs) = (count(','), count(';'), count('\t'));
    if semis > commas && semis >= tabs {
        b';'
    } else if tabs > commas && tabs > semis {
        b'\t'
    } else {
        b','
    }
}

/// Emits one row record, or keeps the row as the header when it is the first
/// non-empty row. `row` is 1-based; `cells` are (0-based column, text), sorted.
fn emit_row<S: AsRef<str>>(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    sink: &RowSink<'_>,
    header: &mut Option<String>,
    row: u32,
    cells: &[(u32, S)],
) {
    let Some(last) = cells.last().map(|(c, _)| *c) else {
        return;
    };
    let text = join_cells(cells, last);
    let Some(header_text) = header.as_ref() else {
        *header = Some(text);
        return;
    };
    let mut part = String::with_capacity(sink.sheet.map_or(0, str::len) + 24);
    if let Some(sheet) = sink.sheet {
        part.push_str(sheet);
        part.push('!');
    }
    let _ = write!(part, "A{row}:");
    push_column_name(&mut part, last);
    let _ = write!(part, "{row}");
    let locator = ctx.child_locator(node.locator, &part);
    let mut r = Record::new(ctx.source(), &locator, Kind::SheetRow);
    r.parent = Some(sink.parent.clone());
    r.title = sink.title.clone();
    r.size = text.len() as u64;
    r.content_hash = blake3::hash(text.as_bytes()).to_hex().to_string();
    r.text = text;
    if let Some(sheet) = sink.sheet {
        r.meta.insert(metakey::SHEET.into(), sheet.to_owned());
    }
    r.meta.insert(metakey::ROW.into(), row.to_string());
    r.meta.insert(metakey::HEADER.into(), header_text.clone());
    r.meta
        .insert(metakey::SHEET_STATE.into(), sink.state.to_owned());
    r.meta
        .insert(metakey::FORMAT.into(), sink.format.to_owned());
    if sink.state != "visible" {
        r.meta.insert(metakey::HIDDEN_TEXT.into(), "true".into());
    }
    ctx.emit(r);
}

/// Cells from column A to `last`, joined by TAB (empty cells stay empty).
fn join_cells<S: AsRef<str>>(cells: &[(u32, S)], last: u32) -> String {
    let mut out = String::with_capacity(
        cells.iter().map(|(_, v)| v.as_ref().len()).sum::<usize>() + last as usize + 1,
    );
    let mut next = 0u32;
    for (col, value) in cells {
        while next < *col {
            out.push('\t');
            next += 1;
        }
        push_clean_cell(&mut out, value.as_ref());
        if *col < last {
            out.push('\t');
        }
        next = col + 1;
    }
    out
}

/// Appends `v` trimmed, with tabs and line breaks as spaces (they would
/// break the row layout) and Excel's `_x000D_` escapes removed.
fn push_clean_cell(out: &mut String, v: &str) {
    let trimmed = v.trim();
    // One pass over the bytes for the common case (no tab, line break or
    // `_`); the exact test only when one is there.
    let plain = !trimmed
        .bytes()
        .any(|b| matches!(b, b'\t' | b'\r' | b'\n' | b'_'))
        || (!trimmed.contains(['\t', '\r', '\n']) && !trimmed.contains("_x000D_"));
    if plain {
        out.push_str(trimmed);
    } else {
        out.push_str(&clean_cell(v));
    }
}

/// Tabs and line breaks inside a cell would break the row layout.
fn clean_cell(v: &str) -> String {
    v.replace("_x000D_", "")
        .chars()
        .map(|c| {
            if c == '\t' || c == '\r' || c == '\n' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
#[cfg(test)]
fn column_name(col: u32) -> String {
    let mut out = String::new();
    push_column_name(&mut out, col);
    out
}

/// Appends the letters of column `col` (0-based: `A`, ..., `Z`, `AA`, ...).
fn push_column_name(out: &mut String, col: u32) {
    let mut n = u64::from(col) + 1;
    let mut letters = [0u8; 16];
    let mut len = 0;
    while n > 0 && len < letters.len() {
        if let Some(l) = letters.get_mut(len) {
            *l = b'A' + ((n - 1) % 26) as u8;
        }
        len += 1;
        n = (n - 1) / 26;
    }
    for &l in letters.get(..len).unwrap_or_default().iter().rev() {
        out.push(char::from(l));
    }
}

fn cell_limit(ctx: &Ctx<'_>) -> Failure {
    Failure::limit(
        Limit::CellCount,
        format!("more than {} cells in one workbook", ctx.limits().max_cells),
    )
}

/// The text of a cell value: dates as ISO dates, whole numbers without `.0`.
pub(crate) fn cell_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                let secs = (dt.as_f64() * 86_400.0).round();
                if !secs.is_finite() {
                    return format_number(dt.as_f64());
                }
                let secs = secs as i64;
                let sign = if secs < 0 { "-" } else { "" };
                let secs = secs.abs();
                return format!(
                    "{sign}{}:{:02}:{:02}",
                    secs / 3600,
                    (secs / 60) % 60,
                    secs % 60
                );
            }
            let v = dt.as_f64();
            if !v.is_finite() {
                return format_number(v);
            }
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if v.abs() < 1.0 && v != 0.0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if h == 0 && mi == 0 && s == 0 {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn format_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn state_name(v: SheetVisible) -> &'static str {
    match v {
        SheetVisible::Visible => "visible",
        SheetVisible::Hidden => "hidden",
        SheetVisible::VeryHidden => "very_hidden",
    }
}

pub(crate) fn extract_workbook(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    // calamine indexes into its own tables on some damaged files; such a
    // panic means the workbook structure is broken, not that sarx is.
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| workbook(ctx, node, format)));
    outcome.unwrap_or_else(|_| {
        Err(Failure::corrupt(format!(
            "the {} reader could not parse this workbook's structure",
            format.name()
        )))
    })
}

fn workbook(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    let bytes = node.bytes;
    if office::is_cfb(bytes) && format != Format::Xls {
        return Err(office::cfb_failure(bytes, format));
    }
    if matches!(format, Format::Xlsx | Format::Xlsb | Format::Ods) {
        office::check_zip(ctx, bytes)?;
    }
    match format {
        Format::Xlsx => {
            let wb: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| xlsx_err(&e))?;
            streamed(ctx, node, format, Streamed::Xlsx(wb))
        }
        Format::Xlsb => {
            // An Excel 2007 beta sheet list is read from a rewritten copy.
            let fixed = xlsb::prepare(bytes)?;
            if let Some(fixed) = fixed {
                ctx.charge(fixed.len() as u64)?;
                let wb: calamine::Xlsb<_> =
                    calamine::open_workbook_from_rs(Cursor::new(fixed.as_slice()))
                        .map_err(|e| xlsb_err(&e))?;
                return streamed(ctx, node, format, Streamed::Xlsb(wb));
            }
            let wb: calamine::Xlsb<_> =
                calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| xlsb_err(&e))?;
            streamed(ctx, node, format, Streamed::Xlsb(wb))
        }
        Format::Xls => {
            let patch = precheck_xls(ctx, bytes)?;
            if patch.formula_cce.is_empty() {
                let wb: calamine::Xls<_> =
                    calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| xls_err(&e))?;
                return materialised(ctx, node, format, calamine::Sheets::Xls(wb));
            }
            // calamine reads the formulas' cached values only.
            ctx.charge(bytes.len() as u64)?;
            let fixed = without_formulas(bytes, &patch)?;
            let wb: calamine::Xls<_> =
                calamine::open_workbook_from_rs(Cursor::new(fixed.as_slice()))
                    .map_err(|e| xls_err(&e))?;
            materialised(ctx, node, format, calamine::Sheets::Xls(wb))
        }
        Format::Ods => {
            precheck_ods(ctx, bytes)?;
            let wb: calamine::Ods<_> =
                calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| ods_err(&e))?;
            materialised(ctx, node, format, calamine::Sheets::Ods(wb))
        }
        other => Err(Failure::unsupported(format!(
            "{} is not a workbook",
            other.name()
        ))),
    }
}

fn xlsx_err(e: &calamine::XlsxError) -> Failure {
    match e {
        calamine::XlsxError::Password => Failure::encrypted("workbook is password protected"),
        calamine::XlsxError::Zip(_) => Failure::corrupt("XLSX package (zip) could not be read"),
        _ => Failure::corrupt("XLSX workbook could not be parsed"),
    }
}

fn xlsb_err(e: &calamine::XlsbError) -> Failure {
    match e {
        calamine::XlsbError::Password => Failure::encrypted("workbook is password protected"),
        calamine::XlsbError::Zip(_) => Failure::corrupt("XLSB package (zip) could not be read"),
        _ => Failure::corrupt("XLSB workbook could not be parsed"),
    }
}

fn xls_err(e: &calamine::XlsError) -> Failure {
    match e {
        calamine::XlsError::Password => Failure::encrypted("workbook is password protected"),
        calamine::XlsError::Cfb(_) => Failure::corrupt("XLS compound file could not be read"),
        _ => Failure::corrupt("XLS workbook could not be parsed"),
    }
}

fn ods_err(e: &calamine::OdsError) -> Failure {
    match e {
        calamine::OdsError::Password => Failure::encrypted("spreadsheet is password protected"),
        calamine::OdsError::Zip(_) => Failure::corrupt("ODS package (zip) could not be read"),
        _ => Failure::corrupt("ODS spreadsheet could not be parsed"),
    }
}

enum Streamed<'b> {
    Xlsx(calamine::Xlsx<Cursor<&'b [u8]>>),
    Xlsb(calamine::Xlsb<Cursor<&'b [u8]>>),
}

/// Emits the workbook record; returns its id and title.
fn workbook_record(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    format: Format,
    sheets: &[calamine::Sheet],
    props: Option<calamine::WorkbookProperties>,
) -> (RecordId, String) {
    let mut record = ctx.record_for(node, Kind::Spreadsheet);
    record
        .meta
        .insert(metakey::FORMAT.into(), format.name().to_owned());
    record
        .meta
        .insert(metakey::SHEETS.into(), sheets.len().to_string());
    if sheets.iter().any(|s| s.visible != SheetVisible::Visible) {
        record
            .meta
            .insert(metakey::HIDDEN_TEXT.into(), "true".into());
    }
    let names: Vec<String> = sheets
        .iter()
        .map(|s| match s.visible {
            SheetVisible::Visible => s.name.clone(),
            v => format!("{} ({})", s.name, state_name(v).replace('_', " ")),
        })
        .collect();
    let mut lines = vec![format!("Sheets: {}", names.join(", "))];
    if let Some(p) = props {
        let mut add = |label: &str, v: &Option<String>| {
            if let Some(v) = v.as_ref().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                lines.push(format!("{label}: {v}"));
            }
        };
        add("Title", &p.title);
        add("Subject", &p.subject);
        add("Author", &p.creator);
        add("Last modified by", &p.last_modified_by);
        add("Keywords", &p.keywords);
        add("Description", &p.description);
        add("Category", &p.category);
        add("Company", &p.company);
        add("Manager", &p.manager);
        add("Created", &p.created);
        add("Modified", &p.modified);
        let mut custom: Vec<_> = p.custom_properties.iter().collect();
        custom.sort();
        for (k, v) in custom {
            if !v.trim().is_empty() {
                lines.push(format!("{k}: {}", v.trim()));
            }
        }
        for a in [&p.creator, &p.last_modified_by].into_iter().flatten() {
            let a = a.trim();
            if !a.is_empty() && !record.parties.author.iter().any(|x| x == a) {
                record.parties.author.push(a.to_owned());
            }
        }
        record.dates.created = p.created.filter(|s| !s.trim().is_empty());
        record.dates.modified = p.modified.filter(|s| !s.trim().is_empty());
    }
    record.text = lines.join("\n");
    let id = record.id.clone();
    let title = record.title.clone();
    ctx.emit(record);
    (id, title)
}

/// XLSX/XLSB: cells are streamed sheet by sheet and counted, never
/// materialised as a dense range.
fn streamed(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    format: Format,
    mut wb: Streamed<'_>,
) -> Result<()> {
    let (sheets, props) = match &mut wb {
        Streamed::Xlsx(w) => (w.sheets_metadata().to_vec(), w.workbook_properties().ok()),
        Streamed::Xlsb(w) => (w.sheets_metadata().to_vec(), w.workbook_properties().ok()),
    };
    let (parent, title) = workbook_record(ctx, node, format, &sheets, props);
    let mut total: u64 = 0;
    for sheet in &sheets {
        if matches!(sheet.typ, SheetType::ChartSheet | SheetType::Vba) {
            continue;
        }
        ctx.check_time()?;
        let max = ctx.limits().max_cells;
        let mut cells: Vec<CellText> = Vec::new();
        let read: std::result::Result<(), Failure> = (|| {
            macro_rules! drain {
                ($reader:expr) => {{
                    let mut reader = $reader;
                    loop {
                        match reader.next_cell() {
                            Ok(Some(cell)) => {
                                let (r, c) = cell.get_position();
                                let text = cell_text(&Data::from(cell.get_value().clone()));
                                if !text.trim().is_empty() {
                                    total += 1;
                                    if total > max {
                                        return Err(Failure::limit(
                                            Limit::CellCount,
                                            format!("more than {max} cells in one workbook"),
                                        ));
                                    }
                                    cells.push((r, c, text));
                                }
                            }
                            Ok(None) => break,
                            Err(_) => {
                                return Err(Failure::corrupt("a worksheet could not be parsed"))
                            }
                        }
                    }
                }};
            }
            match &mut wb {
                Streamed::Xlsx(w) => match w.worksheet_cells_reader(&sheet.name) {
                    Ok(r) => drain!(r),
                    Err(calamine::XlsxError::NotAWorksheet(_)) => {}
                    Err(_) => return Err(Failure::corrupt("a worksheet could not be opened")),
                },
                Streamed::Xlsb(w) => match w.worksheet_cells_reader(&sheet.name) {
                    Ok(r) => drain!(r),
                    Err(_) => return Err(Failure::corrupt("a worksheet could not be opened")),
                },
            }
            Ok(())
        })();
        if let Err(f) = read {
            if matches!(f.reason, sarx_model::Reason::LimitExceeded(_)) {
                return Err(f);
            }
            let loc = ctx.child_locator(node.locator, &sheet.name);
            ctx.unsearchable(&loc, f);
            continue;
        }
        emit_sheet(ctx, node, &parent, &title, format, sheet, cells)?;
    }
    Ok(())
}

/// XLS/ODS: calamine has built the ranges at open (after our pre-check).
fn materialised(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    format: Format,
    mut wb: calamine::Sheets<Cursor<&[u8]>>,
) -> Result<()> {
    let sheets = wb.sheets_metadata().to_vec();
    let props = wb.workbook_properties().ok();
    let (parent, title) = workbook_record(ctx, node, format, &sheets, props);
    let mut total: u64 = 0;
    for sheet in &sheets {
        if matches!(sheet.typ, SheetType::ChartSheet | SheetType::Vba) {
            continue;
        }
        ctx.check_time()?;
        let range = match wb.worksheet_range(&sheet.name) {
            Ok(r) => r,
            Err(_) => {
                let loc = ctx.child_locator(node.locator, &sheet.name);
                ctx.unsearchable(&loc, Failure::corrupt("a worksheet could not be parsed"));
                continue;
            }
        };
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut cells: Vec<CellText> = Vec::new();
        for (r, c, v) in range.used_cells() {
            let text = cell_text(v);
            if text.trim().is_empty() {
                continue;
            }
            total += 1;
            if total > ctx.limits().max_cells {
                return Err(cell_limit(ctx));
            }
            cells.push((
                r0.saturating_add(r as u32),
                c0.saturating_add(c as u32),
                text,
            ));
        }
        emit_sheet(ctx, node, &parent, &title, format, sheet, cells)?;
    }
    Ok(())
}

fn emit_sheet(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    parent: &RecordId,
    title: &str,
    format: Format,
    sheet: &calamine::Sheet,
    mut cells: Vec<CellText>,
) -> Result<()> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let sink = RowSink {
        parent: parent.clone(),
        title: title.to_owned(),
        sheet: Some(&sheet.name),
        state: state_name(sheet.visible),
        format: format.name(),
    };
    let mut header = None;
    // A sheet with a single row has no data rows: that row is emitted (as
    // its own header) so its text stays searchable.
    let single_row = matches!((cells.first(), cells.last()), (Some(a), Some(b)) if a.0 == b.0);
    // The cells are sorted by row: each row's cells are gathered in one
    // buffer, emitted when the next cell is on another row.
    let mut row: Vec<(u32, String)> = Vec::new();
    let mut cells = cells.into_iter().peekable();
    let mut n = 0usize;
    while let Some((r, c, t)) = cells.next() {
        row.push((c, t));
        if cells.peek().is_some_and(|next| next.0 == r) {
            continue;
        }
        if single_row {
            header = row.last().map(|(last, _)| join_cells(&row, *last));
        }
        if n % 10_000 == 9_999 {
            ctx.check_time()?;
        }
        n += 1;
        emit_row(ctx, node, &sink, &mut header, r.saturating_add(1), &row);
        row.clear();
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::field_reassign_with_default)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor};

    fn run(name: &str, bytes: &[u8]) -> Collected {
        let mut out = Collected::default();
        Extractor::default().extract_bytes(name, name, bytes, &mut out);
        out
    }

    proptest::proptest! {
        /// The fast path of a plain cell gives what the full clean-up gives.
        #[test]
        fn clean_cell_fast_path_is_exact(v in "[ a\t\r\n_x0D\u{a0}é]{0,12}") {
            let mut out = String::new();
            push_clean_cell(&mut out, &v);
            proptest::prop_assert_eq!(out, clean_cell(&v));
        }
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(7), "H");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn numbers_have_no_spurious_decimals() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
        assert_eq!(cell_text(&Data::Float(-0.1)), "-0.1");
        assert_eq!(cell_text(&Data::Int(42)), "42");
    }

    #[test]
    fn csv_rows_with_header_and_windows_1252() {
        let csv = b"Name,Address,Notes\r\nJos\xe9 Smith,\"1 High St, Leeds\",caf\xe9\r\n,,\r\nAnn Lee,,\r\n";
        let out = run("tenants.csv", csv);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        assert_eq!(out.records.len(), 3);
        assert_eq!(out.records[0].kind, Kind::Csv);
        let row = &out.records[1];
        assert_eq!(row.kind, Kind::SheetRow);
        assert_eq!(row.locator, "A2:C2");
        assert_eq!(row.text, "José Smith\t1 High St, Leeds\tcafé");
        assert_eq!(row.meta["header"], "Name\tAddress\tNotes");
        assert_eq!(row.meta["row"], "2");
        assert_eq!(row.parent.as_ref(), Some(&out.records[0].id));
        // The empty row 3 is skipped; row 4 ends at column A.
        assert_eq!(out.records[2].locator, "A4:A4");
        assert_eq!(out.records[2].text, "Ann Lee");
    }

    #[test]
    fn tsv_and_semicolons() {
        let out = run("a.tsv", b"h1\th2\nx\ty\n");
        assert_eq!(out.records[1].text, "x\ty");
        let out = run("b.csv", b"h1;h2;h3\n1;2;3\n");
        assert_eq!(out.records[1].text, "1\t2\t3");
        assert_eq!(out.records[1].locator, "A2:C2");
    }

    #[test]
    fn csv_cell_limit() {
        let mut lim = crate::Limits::default();
        lim.max_cells = 10;
        let mut out = Collected::default();
        let data = "a,b,c\n".repeat(10);
        Extractor::new(lim).extract_bytes("x.csv", "x.csv", data.as_bytes(), &mut out);
        assert_eq!(out.unsearchable.len(), 1);
        assert_eq!(
            out.unsearchable[0].reason,
            sarx_model::Reason::LimitExceeded(Limit::CellCount)
        );
    }

    #[test]
    fn xlsx_hidden_sheets_and_dates() {
        use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Workbook};
        let mut wb = Workbook::new();
        let date = XFormat::new().set_num_format("yyyy-mm-dd");
        let s1 = wb.add_worksheet().set_name("Rent 2025").unwrap();
        s1.write_string(0, 0, "Tenant").unwrap();
        s1.write_string(0, 1, "Due").unwrap();
        s1.write_string(0, 2, "Amount").unwrap();
        s1.write_string(13, 0, "Margaret Okafor").unwrap();
        let d = ExcelDateTime::from_ymd(2025, 3, 14).unwrap();
        s1.write_datetime_with_format(13, 1, &d, &date).unwrap();
        s1.write_number(13, 2, 450.0).unwrap();
        s1.write_number(13, 7, 12.5).unwrap();
        let s2 = wb.add_worksheet().set_name("Secret").unwrap();
        s2.write_string(0, 0, "Head").unwrap();
        s2.write_string(1, 0, "Hidden tenant").unwrap();
        s2.set_hidden(true);
        let bytes = wb.save_to_buffer().unwrap();
        let out = run("rent.xlsx", &bytes);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let wbrec = &out.records[0];
        assert_eq!(wbrec.kind, Kind::Spreadsheet);
        assert_eq!(wbrec.title, "rent.xlsx");
        assert_eq!(
            wbrec.meta.get(metakey::HIDDEN_TEXT).map(String::as_str),
            Some("true")
        );
        let row = out
            .records
            .iter()
            .find(|r| r.locator == "Rent 2025!A14:H14")
            .unwrap();
        assert_eq!(row.text, "Margaret Okafor\t2025-03-14\t450\t\t\t\t\t12.5");
        assert_eq!(row.meta["header"], "Tenant\tDue\tAmount");
        assert_eq!(row.meta["sheet"], "Rent 2025");
        assert_eq!(row.meta["sheet_state"], "visible");
        let hidden = out
            .records
            .iter()
            .find(|r| r.locator == "Secret!A2:A2")
            .unwrap();
        assert_eq!(hidden.meta["sheet_state"], "hidden");
        assert_eq!(hidden.text, "Hidden tenant");
    }

    #[test]
    fn xlsx_rows_grouped_and_a_single_row_sheet_kept() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Ledger").unwrap();
        ws.write_string(0, 0, "Tenant").unwrap();
        ws.write_string(0, 2, "Balance").unwrap();
        ws.write_string(1, 0, "Ann Lee").unwrap();
        ws.write_string(1, 2, "12").unwrap();
        ws.write_string(3, 1, "Bo Yu").unwrap();
        let one = wb.add_worksheet();
        one.set_name("Note").unwrap();
        one.write_string(4, 1, "Only row").unwrap();
        one.write_string(4, 3, "here").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let out = run("ledger.xlsx", &bytes);
        let rows: Vec<(&str, &str)> = out
            .records
            .iter()
            .filter(|r| r.kind == Kind::SheetRow)
            .map(|r| (r.locator.as_str(), r.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("Ledger!A2:C2", "Ann Lee\t\t12"),
                ("Ledger!A4:B4", "\tBo Yu"),
                ("Note!A5:D5", "\tOnly row\t\there"),
            ]
        );
        let note = out
            .records
            .iter()
            .find(|r| r.locator == "Note!A5:D5")
            .unwrap();
        assert_eq!(note.meta["header"], "\tOnly row\t\there");
    }

    #[test]
    fn xlsx_cell_limit() {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let s = wb.add_worksheet();
        for r in 0..20u32 {
            s.write_number(r, 0, f64::from(r)).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut lim = crate::Limits::default();
        lim.max_cells = 5;
        let mut out = Collected::default();
        Extractor::new(lim).extract_bytes("x.xlsx", "x.xlsx", &bytes, &mut out);
        assert_eq!(out.unsearchable.len(), 1);
        assert_eq!(
            out.unsearchable[0].reason,
            sarx_model::Reason::LimitExceeded(Limit::CellCount)
        );
    }

    #[test]
    fn garbage_workbooks_are_corrupt() {
        let out = run("x.xlsx", b"PK\x03\x04garbage");
        assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Truncated);
        let out = run("x.xlsx", b"PK\x03\x04garbagePK\x05\x06");
        assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Corrupt);
        let out = run(
            "x.xls",
            &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
        );
        assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Corrupt);
    }
}
