//! From a record and its redactions to laid-out pages.
//!
//! Redaction happens here, on text, before anything is drawn: the text under
//! a redaction is replaced by a visible marker (`[REDACTED: third-party]`),
//! so the PDF writer never sees it. [`Renderer`] is the seam: the bundle
//! builder takes any renderer, and verification catches one that leaks.

use sarx_case::Redaction;
use sarx_model::metakey;
use sarx_model::{Kind, Record};

use crate::font::metrics;
use crate::Error;

/// A4 width in points.
pub const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub const PAGE_H: f32 = 841.89;
/// Left/right margin.
pub const MARGIN_X: f32 = 50.0;
/// Top margin (below the running header).
pub const MARGIN_TOP: f32 = 70.0;
/// Bottom margin (above the footer).
pub const MARGIN_BOTTOM: f32 = 60.0;
/// Body font size.
pub const BODY: f32 = 10.0;

/// A piece of redacted text: kept text or a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text that is disclosed.
    Text(String),
    /// A redaction marker; carries the reason code only.
    Marker(String),
}

/// The marker text shown for `reason_code`.
pub fn marker_text(reason_code: &str) -> String {
    format!("[REDACTED: {reason_code}]")
}

/// Replaces every redacted span of `text` with a marker. Spans are clamped to
/// the text and widened to character boundaries (never narrowed);
/// overlapping spans merge (the first one's reason code is shown).
pub fn apply(text: &str, redactions: &[Redaction]) -> Vec<Piece> {
    let mut spans: Vec<(usize, usize, &str)> = redactions
        .iter()
        .filter(|r| !r.span.is_empty())
        .map(|r| {
            let mut s = r.span.start.min(text.len());
            let mut e = r.span.end.min(text.len());
            while s > 0 && !text.is_char_boundary(s) {
                s -= 1;
            }
            while e < text.len() && !text.is_char_boundary(e) {
                e += 1;
            }
            (s, e, r.reason_code.as_str())
        })
        .filter(|(s, e, _)| e > s)
        .collect();
    spans.sort_by_key(|&(s, e, _)| (s, std::cmp::Reverse(e)));
    let mut merged: Vec<(usize, usize, &str)> = Vec::new();
    for sp in spans {
        match merged.last_mut() {
            Some(last) if sp.0 < last.1 => last.1 = last.1.max(sp.1),
            _ => merged.push(sp),
        }
    }
    let mut out = Vec::new();
    let mut pos = 0;
    for (s, e, code) in merged {
        if let Some(t) = text.get(pos..s) {
            if !t.is_empty() {
                out.push(Piece::Text(t.to_owned()));
            }
        }
        out.push(Piece::Marker(code.to_owned()));
        pos = e;
    }
    if let Some(t) = text.get(pos..) {
        if !t.is_empty() {
            out.push(Piece::Text(t.to_owned()));
        }
    }
    out
}

/// Splits pieces into lines at `sep` (markers never contain it).
pub fn split_pieces(pieces: &[Piece], sep: char) -> Vec<Vec<Piece>> {
    let mut lines = vec![Vec::new()];
    for p in pieces {
        match p {
            Piece::Marker(_) => {
                if let Some(l) = lines.last_mut() {
                    l.push(p.clone());
                }
            }
            Piece::Text(t) => {
                let mut first = true;
                for part in t.split(sep) {
                    if !first {
                        lines.push(Vec::new());
                    }
                    first = false;
                    if !part.is_empty() {
                        if let Some(l) = lines.last_mut() {
                            l.push(Piece::Text(part.to_owned()));
                        }
                    }
                }
            }
        }
    }
    lines
}

/// One run of text placed on a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// X offset from the left margin, points.
    pub x: f32,
    /// The text (for a marker: the marker text).
    pub text: String,
    /// Font size.
    pub size: f32,
    /// True for a redaction marker (drawn on a grey box).
    pub marker: bool,
}

/// One line of a page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    /// Runs, left to right.
    pub runs: Vec<Run>,
    /// Line height, points.
    pub height: f32,
    /// Draw a rule under the line.
    pub rule: bool,
}

/// A laid-out document: pages of typeset lines, or page images.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    /// Pages of lines (empty when the document is page images).
    pub pages: Vec<Vec<Line>>,
    /// The pages as redacted images ([`crate::PageRenderer`]); when
    /// present, they are the document.
    pub images: Vec<crate::page::ImagePage>,
    /// For each redaction marker: (page index from 0, reason code).
    pub markers: Vec<(usize, String)>,
    /// Why a PDF or image was typeset afresh instead of shown as its pages.
    pub fallback: Option<crate::page::Fallback>,
}

impl Layout {
    /// Pages the document will have.
    pub fn page_count(&self) -> usize {
        if self.images.is_empty() {
            self.pages.len().max(1)
        } else {
            self.images.len()
        }
    }
}

/// Turns a record and its redactions into pages.
pub trait Renderer: Sync {
    /// Lays out `record` with `redactions` applied; `title` is the already
    /// redacted title shown at the top.
    fn layout(
        &self,
        record: &Record,
        redactions: &[Redaction],
        title: &str,
    ) -> Result<Layout, Error>;
}

/// The production renderer: applies every redaction, then lays out the
/// remaining text by kind (e-mail headers, spreadsheet row tables, prose).
#[derive(Debug, Clone, Copy, Default)]
pub struct FreshRenderer;

impl Renderer for FreshRenderer {
    fn layout(
        &self,
        record: &Record,
        redactions: &[Redaction],
        title: &str,
    ) -> Result<Layout, Error> {
        let pieces = apply(&record.text, redactions);
        let mut b = Builder::new()?;
        b.heading(title);
        b.meta_line(&format!("Type: {}", describe_kind(record.kind)));
        match record.kind {
            Kind::SheetRow => {
                let header: Vec<String> = record
                    .meta
                    .get(metakey::HEADER)
                    .map(|h| h.split('\t').map(str::to_owned).collect())
                    .unwrap_or_default();
                if let Some(sheet) = record.meta.get(metakey::SHEET) {
                    b.meta_line(&format!("Sheet: {}", clean(sheet)));
                }
                b.rule();
                let cells = split_pieces(&pieces, '\t');
                for (i, cell) in cells.iter().enumerate() {
                    let name = header
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("Column {}", i + 1));
                    b.table_row(&name, cell);
                }
            }
            Kind::Email => {
                // The header block as a table of fields, then the body.
                let lines = split_pieces(&pieces, '\n');
                let split = lines.iter().position(Vec::is_empty).unwrap_or(lines.len());
                let (head, body) = lines.split_at(split);
                for l in head {
                    match header_field(l) {
                        Some((name, value)) => b.field_row(&name, &value),
                        None => b.paragraph(l),
                    }
                }
                b.rule();
                b.body(body.get(1..).unwrap_or_default());
            }
            _ => {
                b.rule();
                b.body(&split_pieces(&pieces, '\n'));
            }
        }
        Ok(b.finish())
    }
}

/// Lays out plain paragraphs (cover letter): `#` lines are headings.
pub fn layout_plain(text: &str) -> Result<Layout, Error> {
    let mut b = Builder::new()?;
    for line in text.split('\n') {
        if let Some(h) = line.strip_prefix("# ") {
            b.heading(h);
        } else {
            b.paragraph(&[Piece::Text(line.to_owned())]);
        }
    }
    Ok(b.finish())
}

pub(crate) fn describe_kind(k: Kind) -> &'static str {
    match k {
        Kind::Email => "e-mail",
        Kind::SheetRow => "spreadsheet row",
        Kind::Spreadsheet => "spreadsheet",
        Kind::Csv => "CSV file",
        Kind::Word => "document",
        Kind::Pdf => "PDF document",
        Kind::Text => "text file",
        Kind::Html => "web page",
        Kind::Presentation => "presentation",
        Kind::Contact => "contact card",
        Kind::Calendar => "calendar item",
        Kind::Note => "note",
        _ => "file",
    }
}

/// Removes characters that cannot be drawn (controls) and expands tabs.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\r' | '\u{c}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

struct Builder {
    m: &'static crate::font::Metrics,
    pages: Vec<Vec<Line>>,
    used: f32,
    markers: Vec<(usize, String)>,
}

const WIDTH: f32 = PAGE_W - 2.0 * MARGIN_X;
const BODY_H: f32 = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM;
const TABLE_COL: f32 = 160.0;
/// Width of the field names of an e-mail's header block.
const FIELD_COL: f32 = 70.0;
/// Columns a table is drawn with; cells past them join the last.
const MAX_COLS: usize = 12;

/// The heading of an extractor's `--- Section ---` line.
fn section_heading(line: &[Piece]) -> Option<String> {
    let [Piece::Text(t)] = line else {
        return None;
    };
    let h = t.trim().strip_prefix("--- ")?.strip_suffix(" ---")?.trim();
    (!h.is_empty() && h.len() <= 80).then(|| h.to_owned())
}

/// Whether a line holds a TAB (cells of a table row).
fn has_tab(line: &[Piece]) -> bool {
    line.iter()
        .any(|p| matches!(p, Piece::Text(t) if t.contains('\t')))
}

/// A header line `Name: value` as its name and value (the name never
/// redacted, at most 30 characters, no space in it).
fn header_field(line: &[Piece]) -> Option<(String, Vec<Piece>)> {
    let Some(Piece::Text(first)) = line.first() else {
        return None;
    };
    let (name, rest) = first.split_once(": ")?;
    if name.is_empty() || name.len() > 30 || name.contains(char::is_whitespace) {
        return None;
    }
    let mut value = Vec::with_capacity(line.len());
    if !rest.is_empty() {
        value.push(Piece::Text(rest.to_owned()));
    }
    value.extend(line.iter().skip(1).cloned());
    Some((format!("{name}:"), value))
}

enum Tok {
    Word(String),
    Space(String),
    Marker(String),
}

impl Builder {
    fn new() -> Result<Builder, Error> {
        let m = metrics().ok_or(Error::Font)?;
        Ok(Builder {
            m,
            pages: vec![Vec::new()],
            used: 0.0,
            markers: Vec::new(),
        })
    }

    fn push(&mut self, line: Line) {
        if self.used + line.height > BODY_H && self.used > 0.0 {
            self.page_break();
        }
        self.used += line.height;
        let page = self.pages.len().saturating_sub(1);
        for r in &line.runs {
            if r.marker {
                if let Some(code) = r
                    .text
                    .strip_prefix("[REDACTED: ")
                    .and_then(|t| t.strip_suffix(']'))
                {
                    self.markers.push((page, code.to_owned()));
                }
            }
        }
        if let Some(p) = self.pages.last_mut() {
            p.push(line);
        }
    }

    fn page_break(&mut self) {
        self.pages.push(Vec::new());
        self.used = 0.0;
    }

    fn heading(&mut self, text: &str) {
        for l in self.wrap(&[Piece::Text(text.to_owned())], 0.0, WIDTH, 13.0) {
            self.push(l);
        }
    }

    fn meta_line(&mut self, text: &str) {
        for l in self.wrap(&[Piece::Text(text.to_owned())], 0.0, WIDTH, 8.5) {
            self.push(l);
        }
    }

    fn rule(&mut self) {
        self.push(Line {
            runs: Vec::new(),
            height: 8.0,
            rule: true,
        });
    }

    fn paragraph(&mut self, pieces: &[Piece]) {
        for l in self.wrap(pieces, 0.0, WIDTH, BODY) {
            self.push(l);
        }
    }

    /// The lines of a document's text: tables (runs of lines with TABs
    /// between cells) as tables, the extractors' `--- Section ---` marks
    /// (headers and footers, comments, tracked changes, notes, properties)
    /// as headed sections, a PDF's page breaks as page breaks, the rest as
    /// paragraphs.
    fn body(&mut self, lines: &[Vec<Piece>]) {
        let mut i = 0;
        while let Some(l) = lines.get(i) {
            if let Some(h) = section_heading(l) {
                self.section(&h);
                i += 1;
                continue;
            }
            if has_tab(l) {
                let run = lines[i..].iter().take_while(|l| has_tab(l)).count();
                let rows: Vec<Vec<Vec<Piece>>> = lines[i..i + run]
                    .iter()
                    .map(|l| split_pieces(l, '\t'))
                    .collect();
                self.table(&rows);
                i += run;
                continue;
            }
            if l.iter()
                .any(|p| matches!(p, Piece::Text(t) if t.contains('\u{c}')))
            {
                // A PDF page break in the source text: start a new page.
                for (k, part) in split_pieces(l, '\u{c}').iter().enumerate() {
                    if k > 0 {
                        self.page_break();
                    }
                    self.paragraph(part);
                }
            } else {
                self.paragraph(l);
            }
            i += 1;
        }
    }

    /// A section's heading, set off by a rule.
    fn section(&mut self, heading: &str) {
        self.push(Line {
            runs: Vec::new(),
            height: 6.0,
            rule: false,
        });
        self.rule();
        for l in self.wrap(&[Piece::Text(heading.to_owned())], 0.0, WIDTH, 11.0) {
            self.push(l);
        }
    }

    /// Rows of cells as a table: columns as wide as their content allows
    /// (each at least half an even share), cells wrapped within them, a
    /// rule under each row.
    fn table(&mut self, rows: &[Vec<Vec<Piece>>]) {
        const SIZE: f32 = 9.0;
        const GAP: f32 = 6.0;
        let ncols = rows
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(1)
            .clamp(1, MAX_COLS);
        let text_width = |cell: &[Piece]| -> f32 {
            cell.iter()
                .map(|p| match p {
                    Piece::Text(t) => self.m.width(&clean(t), SIZE),
                    Piece::Marker(c) => self.m.width(&marker_text(c), SIZE),
                })
                .sum()
        };
        let mut natural = vec![0.0f32; ncols];
        for row in rows {
            for (c, cell) in row.iter().enumerate() {
                let c = c.min(ncols - 1);
                natural[c] = natural[c].max(text_width(cell) + GAP);
            }
        }
        let even = WIDTH / ncols as f32;
        let want: Vec<f32> = natural.iter().map(|w| w.max(even / 2.0)).collect();
        let total: f32 = want.iter().sum();
        let widths: Vec<f32> = want.iter().map(|w| w * WIDTH / total.max(1.0)).collect();
        let mut xs = vec![0.0f32; ncols];
        for c in 1..ncols {
            xs[c] = xs[c - 1] + widths[c - 1];
        }
        self.rule();
        for row in rows {
            // Cells past the last column join it.
            let mut cells: Vec<Vec<Piece>> = row.iter().take(ncols).cloned().collect();
            for extra in row.iter().skip(ncols) {
                if let Some(last) = cells.last_mut() {
                    last.push(Piece::Text(" ".into()));
                    last.extend(extra.iter().cloned());
                }
            }
            let wrapped: Vec<Vec<Line>> = cells
                .iter()
                .enumerate()
                .map(|(c, cell)| self.wrap(cell, xs[c], (widths[c] - GAP).max(12.0), SIZE))
                .collect();
            let n = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for i in 0..n {
                let mut runs = Vec::new();
                let mut height = SIZE * 1.3;
                for lines in &wrapped {
                    if let Some(l) = lines.get(i) {
                        runs.extend(l.runs.iter().cloned());
                        height = height.max(l.height);
                    }
                }
                self.push(Line {
                    runs,
                    height,
                    rule: false,
                });
            }
            self.push(Line {
                runs: Vec::new(),
                height: 4.0,
                rule: true,
            });
        }
    }

    /// A field of a header block: its name in a narrow column, its value
    /// beside it.
    fn field_row(&mut self, name: &str, value: &[Piece]) {
        self.two_columns(name, value, FIELD_COL);
    }

    /// A spreadsheet cell: its column's name, its value beside it, a rule
    /// under.
    fn table_row(&mut self, name: &str, value: &[Piece]) {
        self.two_columns(name, value, TABLE_COL);
        self.push(Line {
            runs: Vec::new(),
            height: 4.0,
            rule: true,
        });
    }

    /// A name (small, in a column `col` points wide) and its value beside
    /// it, both wrapped, line by line.
    fn two_columns(&mut self, name: &str, value: &[Piece], col: f32) {
        let left = self.wrap(&[Piece::Text(name.to_owned())], 0.0, col - 8.0, 9.0);
        let right = self.wrap(value, col, WIDTH - col, BODY);
        let n = left.len().max(right.len());
        for i in 0..n {
            let mut runs = Vec::new();
            let mut height: f32 = 0.0;
            for side in [left.get(i), right.get(i)].into_iter().flatten() {
                runs.extend(side.runs.iter().cloned());
                height = height.max(side.height);
            }
            self.push(Line {
                runs,
                height,
                rule: false,
            });
        }
    }

    fn tokens(pieces: &[Piece]) -> Vec<Tok> {
        let mut toks = Vec::new();
        for p in pieces {
            match p {
                Piece::Marker(code) => toks.push(Tok::Marker(marker_text(code))),
                Piece::Text(t) => {
                    let t = clean(t);
                    let mut cur = String::new();
                    let mut space = false;
                    for c in t.chars() {
                        let is_space = c == ' ';
                        if is_space != space && !cur.is_empty() {
                            let w = std::mem::take(&mut cur);
                            toks.push(if space { Tok::Space(w) } else { Tok::Word(w) });
                        }
                        space = is_space;
                        cur.push(c);
                    }
                    if !cur.is_empty() {
                        toks.push(if space {
                            Tok::Space(cur)
                        } else {
                            Tok::Word(cur)
                        });
                    }
                }
            }
        }
        toks
    }

    /// Word-wraps pieces into lines of at most `width` points starting at `x0`.
    fn wrap(&self, pieces: &[Piece], x0: f32, width: f32, size: f32) -> Vec<Line> {
        let height = size * 1.3;
        let mut lines = Vec::new();
        let mut runs: Vec<Run> = Vec::new();
        let mut x = 0.0f32;
        let mut cur = String::new();
        let mut cur_x = 0.0f32;
        let flush_text = |runs: &mut Vec<Run>, cur: &mut String, cur_x: f32| {
            if !cur.is_empty() {
                runs.push(Run {
                    x: x0 + cur_x,
                    text: std::mem::take(cur),
                    size,
                    marker: false,
                });
            }
        };
        for tok in Self::tokens(pieces) {
            match tok {
                Tok::Space(s) => {
                    if x > 0.0 {
                        let w = self.m.width(&s, size);
                        if cur.is_empty() {
                            cur_x = x;
                        }
                        cur.push_str(&s);
                        x += w;
                    }
                }
                Tok::Word(wd) => {
                    let w = self.m.width(&wd, size);
                    if x + w > width && x > 0.0 {
                        // Trailing spaces are dropped at a line break.
                        let trimmed = cur.trim_end().len();
                        cur.truncate(trimmed);
                        flush_text(&mut runs, &mut cur, cur_x);
                        lines.push(Line {
                            runs: std::mem::take(&mut runs),
                            height,
                            rule: false,
                        });
                        x = 0.0;
                    }
                    if w > width {
                        // A word wider than the line: break it by characters.
                        for c in wd.chars() {
                            let cw = self.m.width(c.encode_utf8(&mut [0; 4]), size);
                            if x + cw > width && x > 0.0 {
                                flush_text(&mut runs, &mut cur, cur_x);
                                lines.push(Line {
                                    runs: std::mem::take(&mut runs),
                                    height,
                                    rule: false,
                                });
                                x = 0.0;
                            }
                            if cur.is_empty() {
                                cur_x = x;
                            }
                            cur.push(c);
                            x += cw;
                        }
                    } else {
                        if cur.is_empty() {
                            cur_x = x;
                        }
                        cur.push_str(&wd);
                        x += w;
                    }
                }
                Tok::Marker(mt) => {
                    let w = self.m.width(&mt, size);
                    flush_text(&mut runs, &mut cur, cur_x);
                    if x + w > width && x > 0.0 {
                        lines.push(Line {
                            runs: std::mem::take(&mut runs),
                            height,
                            rule: false,
                        });
                        x = 0.0;
                    }
                    runs.push(Run {
                        x: x0 + x,
                        text: mt,
                        size,
                        marker: true,
                    });
                    x += w;
                }
            }
        }
        flush_text(&mut runs, &mut cur, cur_x);
        lines.push(Line {
            runs,
            height,
            rule: false,
        });
        lines
    }

    fn finish(self) -> Layout {
        let mut pages = self.pages;
        if pages.last().is_some_and(|p| p.is_empty()) && pages.len() > 1 {
            pages.pop();
        }
        Layout {
            pages,
            markers: self.markers,
            ..Layout::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sarx_model::Span;

    fn red(s: usize, e: usize) -> Redaction {
        Redaction {
            id: format!("r{s}"),
            span: Span::new(s, e),
            category: sarx_model::plan::Category::ThirdPartyName,
            reason_code: "third-party".into(),
            legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
            confidence: 1.0,
            recogniser: "t".into(),
            party: String::new(),
        }
    }

    fn joined(p: &[Piece]) -> String {
        p.iter()
            .map(|x| match x {
                Piece::Text(t) => t.clone(),
                Piece::Marker(c) => marker_text(c),
            })
            .collect()
    }

    #[test]
    fn apply_replaces_and_merges() {
        let t = "Janet Smith phoned about José's flat";
        let p = apply(t, &[red(0, 5), red(3, 11), red(25, 30)]);
        assert_eq!(
            joined(&p),
            "[REDACTED: third-party] phoned about [REDACTED: third-party]'s flat"
        );
    }

    #[test]
    fn apply_widens_to_char_boundaries() {
        let t = "née Ünal";
        // 1..2 is inside 'é' (bytes 1..3): widened to the whole character.
        let p = apply(t, &[red(2, 3)]);
        assert_eq!(joined(&p), "n[REDACTED: third-party]e Ünal");
    }

    #[test]
    fn layout_keeps_text_and_markers() {
        let mut r = Record::new("a.txt", "", Kind::Text);
        r.text = "Hello Janet Smith, line two\nUnicode: Łódź 日本 ☃".into();
        let l = FreshRenderer.layout(&r, &[red(6, 17)], "Title").unwrap();
        let all: String = l
            .pages
            .iter()
            .flatten()
            .flat_map(|ln| ln.runs.iter().map(|r| r.text.clone()))
            .collect();
        assert!(!all.contains("Janet"));
        assert!(all.contains("[REDACTED: third-party]"));
        assert!(all.contains("Łódź"));
        assert_eq!(l.markers.len(), 1);
    }

    /// The runs of every line, as (x, text, size).
    fn runs(l: &Layout) -> Vec<Vec<(f32, String, f32)>> {
        l.pages
            .iter()
            .flatten()
            .map(|ln| {
                ln.runs
                    .iter()
                    .map(|r| (r.x, r.text.clone(), r.size))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn tables_sections_and_header_blocks_keep_their_structure() {
        let mut r = Record::new("a.docx", "", Kind::Word);
        r.text = "Witnesses:\nName\tAddress\tPhone\nJanet Smith\t4 Elm Row\t07700 900123\nBob Lee\t9 Oak Way\t07700 900456\nAfter the table.\n\n--- Comments ---\nCheck this (Sam Officer)".into();
        let at = r.text.find("Janet Smith").unwrap();
        let l = FreshRenderer.layout(&r, &[red(at, at + 11)], "T").unwrap();
        let lines = runs(&l);
        // Each row is one line with its cells in columns, left to right,
        // at the same x in every row.
        let row = |first: &str| {
            lines
                .iter()
                .find(|ln| ln.first().is_some_and(|(_, t, _)| t == first))
                .unwrap_or_else(|| panic!("{first}: {lines:?}"))
                .clone()
        };
        let head = row("Name");
        let bob = row("Bob Lee");
        assert_eq!(head.len(), 3, "{head:?}");
        assert_eq!(bob.len(), 3, "{bob:?}");
        for c in 0..3 {
            assert_eq!(head[c].0, bob[c].0, "column {c} lines up");
        }
        assert!(head[0].0 < head[1].0 && head[1].0 < head[2].0);
        // The redacted cell keeps its column; the marker replaces the name.
        let janet = lines
            .iter()
            .find(|ln| ln.iter().any(|(_, t, _)| t == "4 Elm Row"))
            .unwrap();
        assert_eq!(janet[0].1, "[REDACTED: third-party]");
        assert!(!lines.iter().flatten().any(|(_, t, _)| t.contains("Janet")));
        // The comments are a section of their own, under a heading.
        let heading = lines
            .iter()
            .position(|ln| ln.len() == 1 && ln[0].1 == "Comments")
            .expect("a Comments heading");
        assert!(lines[heading][0].2 > BODY);
        assert!(l.pages.iter().flatten().any(|ln| ln.rule));
        assert!(!lines.iter().flatten().any(|(_, t, _)| t.contains("---")));

        // An e-mail's header block: field names in one column, values in
        // the next.
        let mut e = Record::new("m.eml", "", Kind::Email);
        e.text = "From: Sam Officer <sam@example.org>\nSubject: Visit\n\nDear Ms Okafor,\nSee you Tuesday.".into();
        let l = FreshRenderer.layout(&e, &[], "Visit").unwrap();
        let lines = runs(&l);
        let from = lines
            .iter()
            .find(|ln| ln.first().is_some_and(|(_, t, _)| t == "From:"))
            .expect("a From field");
        assert_eq!(from[1].0, FIELD_COL);
        assert!(from[1].1.starts_with("Sam Officer"));
        assert!(lines
            .iter()
            .any(|ln| ln.first().is_some_and(|(_, t, _)| t == "Dear Ms Okafor,")));
    }

    #[test]
    fn long_text_paginates() {
        let mut r = Record::new("a.txt", "", Kind::Text);
        r.text = "word ".repeat(20_000);
        let l = FreshRenderer.layout(&r, &[], "T").unwrap();
        assert!(l.pages.len() > 5);
    }

    proptest! {
        #[test]
        fn no_byte_of_a_span_survives(text in "[a-zé日 ]{0,40}", a in 0usize..60, b in 0usize..60) {
            let (s, e) = (a.min(b), a.max(b));
            let p = apply(&text, &[red(s, e)]);
            // Every kept piece is a substring of text outside the (widened) span.
            let s2 = s.min(text.len());
            let e2 = e.min(text.len());
            let kept: String = p.iter().filter_map(|x| match x { Piece::Text(t) => Some(t.as_str()), _ => None }).collect();
            if e2 > s2 {
                let mut ws = s2; while ws > 0 && !text.is_char_boundary(ws) { ws -= 1; }
                let mut we = e2; while we < text.len() && !text.is_char_boundary(we) { we += 1; }
                let expect = format!("{}{}", &text[..ws], &text[we..]);
                prop_assert_eq!(kept, expect);
            } else {
                prop_assert_eq!(kept, text);
            }
        }
    }
}
