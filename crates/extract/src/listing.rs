//! Fixed-width listings inside plain text (`TENREF  NAME  ADDRESS  PCODE
//! DOB`): legacy reports that list many people, one a line.
//!
//! A listing is a header line laid out in columns (three or more cells,
//! mostly words, separated by tabs, by `|`, or by runs of two or more
//! spaces) followed by at least [`MIN_ROWS`] lines that fit its columns:
//! as many cells for a delimited listing; for a fixed-width one, cut at the
//! header's column starts, no cell running across a boundary (the character
//! before each column start is a space). At least two cells hold text. Each such line
//! becomes a row, like a spreadsheet row, with the header as its context;
//! the text around the listings (titles, footers, page headers) stays the
//! file's own text. A hit then discloses the subject's rows, not everyone
//! else's.

/// Rows a listing needs (fewer is a table in prose, not a listing).
pub(crate) const MIN_ROWS: usize = 3;

/// A listing found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// Header cells.
    pub header: Vec<String>,
    /// Rows: (1-based line number, cells).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// How many cells the rows of `tables` hold.
pub(crate) fn cells(tables: &[Table]) -> u64 {
    tables
        .iter()
        .flat_map(|t| &t.rows)
        .map(|(_, c)| c.len() as u64)
        .sum()
}

/// The listings in `text` and the text without their rows (their header
/// lines stay, as context). `None` when there is none.
pub(crate) fn split(text: &str) -> Option<(Vec<Table>, String)> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut tables = Vec::new();
    let mut in_table = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let head = lines.get(i).copied().unwrap_or("");
        let layout = match delimiter(head) {
            Some(d) => Layout::Delimited(d, cells_of(head, d).len()),
            None => match header_columns(head) {
                Some(starts) => Layout::Fixed(starts),
                None => {
                    i += 1;
                    continue;
                }
            },
        };
        let mut rows = Vec::new();
        let mut j = i + 1;
        while let Some(line) = lines.get(j) {
            match layout.cut(line) {
                Some(cells) => rows.push((j + 1, cells)),
                None => break,
            }
            j += 1;
        }
        // A rule line (`|---|---|`, `----  ----`) is part of the listing
        // but no row of it.
        let rule =
            |cells: &Vec<String>| !cells.iter().any(|c| c.chars().any(char::is_alphanumeric));
        let spanned: Vec<usize> = rows.iter().map(|(n, _)| *n).collect();
        rows.retain(|(_, cells)| !rule(cells));
        if rows.len() >= MIN_ROWS {
            let header = layout.header(head);
            for n in &spanned {
                if let Some(f) = in_table.get_mut(n - 1) {
                    *f = true;
                }
            }
            tables.push(Table { header, rows });
            i = j;
        } else {
            i += 1;
        }
    }
    if tables.is_empty() {
        return None;
    }
    let rest: Vec<&str> = lines
        .iter()
        .zip(&in_table)
        .filter(|(_, t)| !**t)
        .map(|(l, _)| *l)
        .collect();
    Some((tables, rest.join("\n")))
}

/// How a listing's lines are cut into cells.
enum Layout {
    /// Cells start at these character columns.
    Fixed(Vec<usize>),
    /// Cells are separated by this character; the header has this many.
    Delimited(char, usize),
}

impl Layout {
    fn header(&self, line: &str) -> Vec<String> {
        match self {
            Layout::Fixed(starts) => cut_any(line, starts),
            Layout::Delimited(d, _) => cells_of(line, *d),
        }
    }

    fn cut(&self, line: &str) -> Option<Vec<String>> {
        match self {
            Layout::Fixed(starts) => cut(line, starts),
            Layout::Delimited(d, n) => {
                let cells = cells_of(line, *d);
                (cells.len() == *n && cells.iter().filter(|c| !c.is_empty()).count() >= 2)
                    .then_some(cells)
            }
        }
    }
}

/// The delimiter of a header line of a tab- or pipe-separated listing:
/// three or more cells, most of them words.
fn delimiter(line: &str) -> Option<char> {
    ['\t', '|'].into_iter().find(|&d| {
        if !line.contains(d) {
            return false;
        }
        let cells = cells_of(line, d);
        cells.len() >= 3 && wordy(cells.iter().map(String::as_str))
    })
}

/// The cells of a delimited line, trimmed, without the empty cells an outer
/// delimiter makes (`| a | b |`).
fn cells_of(line: &str, d: char) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix(d).unwrap_or(line);
    let line = line.strip_suffix(d).unwrap_or(line);
    line.split(d).map(|c| c.trim().to_owned()).collect()
}

/// True when at least three quarters of the cells are words (letters, no
/// digits): a header, not a row.
fn wordy<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let (mut words, mut all) = (0usize, 0usize);
    for c in cells {
        all += 1;
        if c.chars().any(char::is_alphabetic) && !c.chars().any(|x| x.is_ascii_digit()) {
            words += 1;
        }
    }
    words * 4 >= all * 3
}

/// Character columns where a header line's cells start, when it reads as
/// a header: three or more cells two spaces apart, most of them words.
fn header_columns(line: &str) -> Option<Vec<usize>> {
    // Most lines of most texts: prose, no column gap at all.
    line.trim().matches("  ").nth(1)?;
    let chars: Vec<char> = line.trim_end().chars().collect();
    let mut starts = Vec::new();
    let mut k = 0;
    let mut gap = usize::MAX;
    while let Some(&c) = chars.get(k) {
        if c == ' ' {
            gap = gap.saturating_add(1);
        } else {
            if gap >= 2 {
                starts.push(k);
            }
            gap = 0;
        }
        k += 1;
    }
    if starts.len() < 3 {
        return None;
    }
    let cells = cut_any(line, &starts);
    wordy(cells.iter().map(String::as_str)).then_some(starts)
}

/// The cells of `line` cut at `starts`, trimmed.
fn cut_any(line: &str, starts: &[usize]) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let e = starts
            .get(k + 1)
            .copied()
            .unwrap_or(chars.len())
            .min(chars.len());
        let cell: String = chars.get(s.min(e)..e).unwrap_or(&[]).iter().collect();
        out.push(cell.trim().to_owned());
    }
    out
}

/// The cells of a row when it fits the columns at `starts`.
fn cut(line: &str, starts: &[usize]) -> Option<Vec<String>> {
    if line.trim().is_empty() {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    // Text before the first column, or across a column boundary: not a row.
    let first = *starts.first()?;
    if chars.iter().take(first).any(|c| !c.is_whitespace()) {
        return None;
    }
    for &s in starts.iter().skip(1) {
        if s < chars.len() && chars.get(s - 1).is_some_and(|c| !c.is_whitespace()) {
            return None;
        }
    }
    let cells = cut_any(line, starts);
    (cells.iter().filter(|c| !c.is_empty()).count() >= 2).then_some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "\
NORTHGATE HA - TENANT LISTING  (page 1)
TENREF    NAME                 ADDRESS                      PCODE     DOB
T0041     ADEYEMI, GRACE       14 MILL LANE, LEEDS          LS6 2AB   12/03/1961
T0042     OKAFOR, MARGARET     54 KIRKSTALL ROAD, LEEDS     LS7 3JL   08/03/1951
T0043     WHITTAKER, SUSAN J   3 BECK ROAD, LEEDS           LS7 1QP   22/07/1980

End of report. 3 tenants.";

    #[test]
    fn a_listing_becomes_rows_and_the_rest_stays() {
        let (tables, rest) = split(REPORT).unwrap();
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        assert_eq!(t.header, ["TENREF", "NAME", "ADDRESS", "PCODE", "DOB"]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1].0, 4);
        assert_eq!(
            t.rows[1].1,
            [
                "T0042",
                "OKAFOR, MARGARET",
                "54 KIRKSTALL ROAD, LEEDS",
                "LS7 3JL",
                "08/03/1951"
            ]
        );
        assert!(rest.contains("TENREF") && rest.contains("End of report"));
        assert!(!rest.contains("OKAFOR") && !rest.contains("ADEYEMI"));
    }

    #[test]
    fn tab_and_pipe_listings_are_rows() {
        let tabbed = "Payments March\nRef\tName\tAmount\nT1\tGrace Adeyemi\t400.00\nT2\tMargaret Okafor\t380.00\nT3\tPeter Okonjo\t410.00\n";
        let (t, rest) = split(tabbed).unwrap();
        assert_eq!(t[0].header, ["Ref", "Name", "Amount"]);
        assert_eq!(
            t[0].rows[1],
            (
                4,
                vec!["T2".into(), "Margaret Okafor".into(), "380.00".into()]
            )
        );
        assert_eq!(rest, "Payments March\nRef\tName\tAmount\n");
        let piped = "| Ref | Name | Amount |\n|---|---|---|\n| T1 | Grace | 400 |\n| T2 | Margaret | 380 |\n| T3 | Peter | 410 |";
        let (t, _) = split(piped).unwrap();
        assert_eq!(t[0].rows.len(), 3);
        assert!(t[0].rows[1].1.contains(&"Margaret".to_owned()));
    }

    #[test]
    fn prose_and_short_tables_are_not_listings() {
        assert!(split("Dear Mrs Okafor,\n\nThank you for your letter.\n").is_none());
        let two = "NAME    ROLE    TEAM\nJo      Lead    A\nSam     Dev     B\n";
        assert!(split(two).is_none());
        // Text across the column boundaries: not rows.
        let ragged = "NAME    ROLE    TEAM\nJo was here and then left\nSam said no to it all\nA long sentence runs on\n";
        assert!(split(ragged).is_none());
    }
}
