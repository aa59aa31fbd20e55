//! The sarx vocabulary, shared by every stage of the pipeline.
//!
//! A [`Record`] is the unit of disclosure in a subject access request: a plain
//! file, one e-mail message, one attachment, one spreadsheet row, one archive
//! member. Records form a tree (`parent`), and every record names the top-level
//! file it came from (`source`) and where inside that file it sits (`locator`).
//!
//! A file or part that cannot be searched is not an error that stops a run: it
//! becomes an [`Unsearchable`] entry with a specific [`Reason`].
//!
//! This crate does no I/O, except [`private_fs`]: the helpers with which
//! every crate writes what sarx stores, private to its user.
//!
//! ```
//! use sarx_model::{Kind, Record, RecordId};
//! let r = Record::new("share/tenancy/letter.txt", "", Kind::Text);
//! assert_eq!(r.id, RecordId::new("share/tenancy/letter.txt", ""));
//! assert!(r.locator.is_empty());
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod vocab;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

pub mod metakey;
pub mod plan;
pub mod private_fs;

/// A JSON error as its kind, line and column, never the text it quotes:
/// serde_json's own message quotes the value it could not read, which in a
/// case file or a stored record is personal data.
///
/// ```
/// let e = serde_json::from_str::<u32>("\"Margaret Okafor\"").unwrap_err();
/// let m = sarx_model::json_error(&e);
/// assert_eq!(m, "unexpected value at line 1 column 17");
/// assert!(!m.contains("Okafor"));
/// ```
pub fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected value",
        Category::Eof => "unexpected end of file",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

/// A serde error message with the values it quotes taken out: serde's
/// messages quote what they could not read (`invalid type: string "Janet
/// Smith", expected a sequence`; `unknown variant `Janet`…`), which in a
/// profile or a case file is personal data. What is left names the kind
/// of value and what was expected; keys (`unknown field `nmae``, `missing
/// field `name``) stay, as they are the file's structure.
///
/// ```
/// let m = sarx_model::serde_message(
///     "invalid type: string \"Margaret Okafor\", expected a sequence",
/// );
/// assert_eq!(m, "invalid type: string, expected a sequence");
/// let m = sarx_model::serde_message("unknown variant `Okafor`, expected `wales`");
/// assert_eq!(m, "unknown variant, expected `wales`");
/// ```
pub fn serde_message(message: &str) -> String {
    // Each introduces a quoted value: `string "…"` or `integer `5``.
    const VALUES: [&str; 8] = [
        "string ",
        "character ",
        "integer ",
        "floating point ",
        "boolean ",
        "variant ",
        "value ",
        "date ",
    ];
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    'scan: while !rest.is_empty() {
        for (i, _) in rest.char_indices() {
            let Some(tail) = rest.get(i..) else { break };
            for v in VALUES {
                let Some(after) = tail.strip_prefix(v) else {
                    continue;
                };
                let close = match after.chars().next() {
                    Some('"') => '"',
                    Some('`') => '`',
                    Some('\'') => '\'',
                    _ => continue,
                };
                // Skip to the closing quote (a `\"` inside does not close).
                let mut end = None;
                let mut escaped = false;
                for (j, c) in after.char_indices().skip(1) {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == close {
                        end = Some(j + c.len_utf8());
                        break;
                    }
                }
                out.push_str(rest.get(..i).unwrap_or(""));
                out.push_str(v.trim_end());
                rest = end.and_then(|e| after.get(e..)).unwrap_or("");
                continue 'scan;
            }
        }
        out.push_str(rest);
        break;
    }
    out
}

/// A stable record identifier: a hash of `source` and `locator`.
///
/// The same file crawled at the same path always yields the same ids, so an
/// index can be rebuilt and case decisions keep pointing at the right record.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordId(pub String);

impl RecordId {
    /// The id of the record at `locator` inside the top-level file `source`.
    pub fn new(source: &str, locator: &str) -> Self {
        let hex = Self::digest(source, locator).to_hex();
        let hex = hex.as_str();
        RecordId(hex.get(..32).unwrap_or(hex).to_owned())
    }

    /// True when this is the id [`RecordId::new`] gives `locator` inside
    /// `source` (so a store may keep the two and derive the id).
    pub fn is_of(&self, source: &str, locator: &str) -> bool {
        let hex = Self::digest(source, locator).to_hex();
        let hex = hex.as_str();
        hex.get(..32).unwrap_or(hex) == self.0
    }

    fn digest(source: &str, locator: &str) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(source.as_bytes());
        h.update(&[0]);
        h.update(locator.as_bytes());
        h.finalize()
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of thing a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Plain text in any charset.
    Text,
    /// An HTML page (visible text only).
    Html,
    /// A CSV or TSV file as a whole (its rows are [`Kind::SheetRow`] children).
    Csv,
    /// A word-processing document (DOCX, ODT, DOC, RTF).
    Word,
    /// A presentation (PPTX, ODP).
    Presentation,
    /// A workbook as a whole (its rows are [`Kind::SheetRow`] children).
    Spreadsheet,
    /// One row of a sheet; `meta` keeps `sheet`, `row`, `header`, `sheet_state`.
    SheetRow,
    /// A PDF document; `pages` keeps the page boundaries.
    Pdf,
    /// An e-mail message (EML, mbox member, MSG, PST item).
    Email,
    /// A contact card (PST/MSG contact, vCard).
    Contact,
    /// A calendar item.
    Calendar,
    /// A note, task or journal entry.
    Note,
    /// A container: zip, tar, mbox, PST (members are children).
    Archive,
    /// An image (scan, photo): its text is what OCR read, with
    /// [`Record::words`]; without OCR it is reported as needing review.
    Image,
    /// Audio: needs manual review.
    Audio,
    /// Video: needs manual review.
    Video,
    /// Anything else.
    Other,
}

impl Kind {
    /// The snake_case name used in JSON and the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Html => "html",
            Kind::Csv => "csv",
            Kind::Word => "word",
            Kind::Presentation => "presentation",
            Kind::Spreadsheet => "spreadsheet",
            Kind::SheetRow => "sheet_row",
            Kind::Pdf => "pdf",
            Kind::Email => "email",
            Kind::Contact => "contact",
            Kind::Calendar => "calendar",
            Kind::Note => "note",
            Kind::Archive => "archive",
            Kind::Image => "image",
            Kind::Audio => "audio",
            Kind::Video => "video",
            Kind::Other => "other",
        }
    }

    /// Parses the name produced by [`Kind::as_str`].
    pub fn parse(s: &str) -> Option<Kind> {
        ALL_KINDS.iter().copied().find(|k| k.as_str() == s)
    }
}

/// Every kind, in declaration order.
pub const ALL_KINDS: [Kind; 17] = [
    Kind::Text,
    Kind::Html,
    Kind::Csv,
    Kind::Word,
    Kind::Presentation,
    Kind::Spreadsheet,
    Kind::SheetRow,
    Kind::Pdf,
    Kind::Email,
    Kind::Contact,
    Kind::Calendar,
    Kind::Note,
    Kind::Archive,
    Kind::Image,
    Kind::Audio,
    Kind::Video,
    Kind::Other,
];

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// People named in a record's envelope: author, sender and recipients.
///
/// Addresses are kept as written (`"Jo Bloggs" <jo@example.org>`), so that
/// search can match display names and redaction can remove them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parties {
    /// Document author or last editor (document properties).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub author: Vec<String>,
    /// Sender (From, Sender).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
    /// To recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    /// Cc recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// Bcc recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<String>,
}

impl Parties {
    /// True when no party is known.
    pub fn is_empty(&self) -> bool {
        self.author.is_empty()
            && self.from.is_empty()
            && self.to.is_empty()
            && self.cc.is_empty()
            && self.bcc.is_empty()
    }
}

/// Dates a record carries, as RFC 3339 strings in UTC (`2025-03-14T09:30:00Z`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dates {
    /// Created (document properties, file system).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Last modified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Sent or received (e-mail `Date`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<String>,
}

/// A byte range `[start, end)` into a record's extracted UTF-8 `text`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The text under the span, or `None` when it is out of range or not on
    /// character boundaries.
    pub fn slice<'a>(&self, text: &'a str) -> Option<&'a str> {
        text.get(self.start..self.end)
    }
}

/// One word read by OCR: where it is in the record's text and where it is
/// on the page.
///
/// The box is in pixels, from the top-left corner, of the image OCR read:
/// the image file itself (its own pixels), or for a PDF page the page
/// rendered at [`OCR_DPI`] (a pixel is `72 / OCR_DPI` PDF points, so a box
/// maps onto the page at `x * 72 / 300` points from the left edge and
/// `y * 72 / 300` points from the top).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordBox {
    /// The word's bytes in [`Record::text`].
    pub span: Span,
    /// 1-based page (of the PDF, of the TIFF; 1 for a single image).
    pub page: u32,
    /// Left edge, pixels.
    pub x: u32,
    /// Top edge, pixels.
    pub y: u32,
    /// Width, pixels.
    pub w: u32,
    /// Height, pixels.
    pub h: u32,
    /// OCR confidence, 0–100.
    pub conf: u8,
}

/// The resolution PDF pages are rendered at for OCR (dots per inch): the
/// unit of a PDF page's [`WordBox`].
pub const OCR_DPI: u32 = 300;

/// One searchable unit: a file, a message, an attachment, a row, a member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Stable id, `RecordId::new(source, locator)`.
    pub id: RecordId,
    /// The record this one sits inside (message of an attachment, workbook of a row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordId>,
    /// The top-level file path as crawled.
    pub source: String,
    /// Where inside `source`, human-readable; empty for the whole file.
    /// Examples: `Rent 2025!A14:H14`, `message 12`,
    /// `message 12/attachment letter.pdf`, `archive.zip/inner.zip/note.docx`,
    /// `Inbox/Repairs/message 14/attachment quote.pdf`.
    pub locator: String,
    /// What it is.
    pub kind: Kind,
    /// Title: subject line, document title or file name.
    #[serde(default)]
    pub title: String,
    /// Dates.
    #[serde(default)]
    pub dates: Dates,
    /// Author, sender and recipients.
    #[serde(default)]
    pub parties: Parties,
    /// Extracted text (UTF-8). For e-mails this begins with the envelope
    /// headers (`From:`, `To:`, `Cc:`, `Bcc:`, `Date:`, `Subject:`) so that
    /// search and redaction see them. Every [`Span`] indexes into this.
    #[serde(default)]
    pub text: String,
    /// Byte offsets into `text` where each page starts (PDF, multi-page
    /// TIFF); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<usize>,
    /// Every word OCR read, in text order, with its page, box and
    /// confidence, so redaction can place a box on the page image; empty
    /// for records with no OCR'd text (records stored before OCR read the
    /// same).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordBox>,
    /// blake3 of the raw bytes this record was extracted from (hex).
    #[serde(default)]
    pub content_hash: String,
    /// Size of the raw bytes.
    #[serde(default)]
    pub size: u64,
    /// Format-specific context. Known keys: `sheet`, `row`, `header`
    /// (tab-separated header cells), `sheet_state` (`visible`, `hidden`,
    /// `very_hidden`), `folder`, `message_id`, `in_reply_to`, `references`,
    /// `thread`, `mime_type`, `format`, `hidden_text` (`true` when the text
    /// includes content a reader would not see by default: tracked deletions,
    /// hidden sheets, comments).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

impl Record {
    /// An empty record of `kind` at `locator` inside `source`.
    pub fn new(source: &str, locator: &str, kind: Kind) -> Self {
        Record {
            id: RecordId::new(source, locator),
            parent: None,
            source: source.to_owned(),
            locator: locator.to_owned(),
            kind,
            title: String::new(),
            dates: Dates::default(),
            parties: Parties::default(),
            text: String::new(),
            pages: Vec::new(),
            words: Vec::new(),
            content_hash: String::new(),
            size: 0,
            meta: BTreeMap::new(),
        }
    }

    /// The page number (1-based) that holds byte `offset` of `text`, for PDFs.
    pub fn page_of(&self, offset: usize) -> Option<usize> {
        if self.pages.is_empty() {
            return None;
        }
        Some(self.pages.partition_point(|&p| p <= offset).max(1))
    }
}

/// Which safety limit a file or part exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// The file is larger than the per-file size limit.
    FileSize,
    /// Containers nested deeper than allowed.
    Depth,
    /// Total bytes expanded from one top-level file exceed the limit.
    ExpandedBytes,
    /// A member's compression ratio is beyond the limit (zip bomb).
    CompressionRatio,
    /// A container has more entries than allowed.
    EntryCount,
    /// A workbook has more cells than allowed.
    CellCount,
    /// MIME parts nested deeper than allowed.
    MimeDepth,
    /// Extraction took longer than allowed.
    Time,
}

impl Limit {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::FileSize => "file_size",
            Limit::Depth => "depth",
            Limit::ExpandedBytes => "expanded_bytes",
            Limit::CompressionRatio => "compression_ratio",
            Limit::EntryCount => "entry_count",
            Limit::CellCount => "cell_count",
            Limit::MimeDepth => "mime_depth",
            Limit::Time => "time",
        }
    }
}

/// Why a file or part could not be searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "limit")]
pub enum Reason {
    /// Password-protected or encrypted (and no empty password opens it).
    Encrypted,
    /// Damaged: the format's structure could not be parsed.
    Corrupt,
    /// The file ends before its structure does.
    Truncated,
    /// A format sarx does not read (legacy binary formats, RAR, ...).
    Unsupported,
    /// Image, audio or video: no text to search; a person must look at it
    /// (`detail` says why: OCR off, Tesseract not installed, audio).
    NeedsManualReview,
    /// OCR ran on a scan or image and found no words: a person must look
    /// at it (a photo, a drawing, a blank page).
    NoTextFound,
    /// OCR read the scan or image, but with a low mean confidence: the
    /// record is indexed, and a person must check it (a missed mention is
    /// likely).
    OcrLowConfidence,
    /// A safety limit was exceeded.
    LimitExceeded(Limit),
    /// The file could not be read from disk (permissions, vanished, I/O).
    Unreadable,
    /// The extractor failed unexpectedly (a bug, caught and reported).
    ExtractorFailed,
}

impl Reason {
    /// A short stable code, e.g. `encrypted`, `limit_exceeded:compression_ratio`.
    pub fn code(&self) -> String {
        match self {
            Reason::Encrypted => "encrypted".into(),
            Reason::Corrupt => "corrupt".into(),
            Reason::Truncated => "truncated".into(),
            Reason::Unsupported => "unsupported".into(),
            Reason::NeedsManualReview => "needs_manual_review".into(),
            Reason::NoTextFound => "no_text_found".into(),
            Reason::OcrLowConfidence => "ocr_low_confidence".into(),
            Reason::LimitExceeded(l) => format!("limit_exceeded:{}", l.as_str()),
            Reason::Unreadable => "unreadable".into(),
            Reason::ExtractorFailed => "extractor_failed".into(),
        }
    }

    /// Parses a code produced by [`Reason::code`].
    pub fn from_code(code: &str) -> Option<Reason> {
        Some(match code {
            "encrypted" => Reason::Encrypted,
            "corrupt" => Reason::Corrupt,
            "truncated" => Reason::Truncated,
            "unsupported" => Reason::Unsupported,
            "needs_manual_review" => Reason::NeedsManualReview,
            "no_text_found" => Reason::NoTextFound,
            "ocr_low_confidence" => Reason::OcrLowConfidence,
            "unreadable" => Reason::Unreadable,
            "extractor_failed" => Reason::ExtractorFailed,
            other => {
                let l = other.strip_prefix("limit_exceeded:")?;
                let limit = [
                    Limit::FileSize,
                    Limit::Depth,
                    Limit::ExpandedBytes,
                    Limit::CompressionRatio,
                    Limit::EntryCount,
                    Limit::CellCount,
                    Limit::MimeDepth,
                    Limit::Time,
                ]
                .into_iter()
                .find(|x| x.as_str() == l)?;
                Reason::LimitExceeded(limit)
            }
        })
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// A file or part that could not be searched, and why.
///
/// `detail` is written for a person (`"PDF is encrypted with a user
/// password"`, `"7z archives are not supported"`), and never contains text
/// taken from inside the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unsearchable {
    /// The top-level file as crawled.
    pub source: String,
    /// Where inside it (empty for the whole file).
    pub locator: String,
    /// The reason.
    pub reason: Reason,
    /// A human-readable detail, free of personal data.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn serde_messages_lose_their_values_and_keep_their_keys() {
        for (m, want) in [
            (
                "invalid type: string \"Zoë \\\"Jo\\\" Okafor\", expected a sequence",
                "invalid type: string, expected a sequence",
            ),
            (
                "invalid value: integer `7700900123`, expected u8",
                "invalid value: integer, expected u8",
            ),
            (
                "unknown field `nmae`, expected `name`",
                "unknown field `nmae`, expected `name`",
            ),
            ("missing field `name`", "missing field `name`"),
            (
                "invalid type: map, expected a string",
                "invalid type: map, expected a string",
            ),
            ("string \"unterminated", "string"),
        ] {
            assert_eq!(super::serde_message(m), want, "{m}");
        }
    }

    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = RecordId::new("a.pst", "Inbox/message 1");
        assert_eq!(a, RecordId::new("a.pst", "Inbox/message 1"));
        assert_ne!(a, RecordId::new("a.pst", "Inbox/message 2"));
        // The separator keeps ("ab","c") and ("a","bc") apart.
        assert_ne!(RecordId::new("ab", "c"), RecordId::new("a", "bc"));
        assert_eq!(a.as_str().len(), 32);
        assert!(a.is_of("a.pst", "Inbox/message 1"));
        assert!(!a.is_of("a.pst", "Inbox/message 2"));
        assert!(!RecordId("x".into()).is_of("a.pst", "Inbox/message 1"));
    }

    #[test]
    fn reason_codes_round_trip() {
        for r in [
            Reason::Encrypted,
            Reason::Corrupt,
            Reason::Truncated,
            Reason::Unsupported,
            Reason::NeedsManualReview,
            Reason::NoTextFound,
            Reason::OcrLowConfidence,
            Reason::LimitExceeded(Limit::CompressionRatio),
            Reason::LimitExceeded(Limit::Time),
            Reason::Unreadable,
            Reason::ExtractorFailed,
        ] {
            assert_eq!(Reason::from_code(&r.code()), Some(r));
        }
        assert_eq!(Reason::from_code("limit_exceeded:nope"), None);
    }

    #[test]
    fn kinds_round_trip() {
        for k in ALL_KINDS {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            let j = serde_json::to_string(&k).unwrap_or_default();
            assert_eq!(j, format!("\"{}\"", k.as_str()));
        }
    }

    #[test]
    fn page_of_finds_pages() {
        let mut r = Record::new("x.pdf", "", Kind::Pdf);
        r.text = "page one\u{c}page two\u{c}page three".into();
        r.pages = vec![0, 9, 18];
        assert_eq!(r.page_of(0), Some(1));
        assert_eq!(r.page_of(8), Some(1));
        assert_eq!(r.page_of(9), Some(2));
        assert_eq!(r.page_of(30), Some(3));
    }

    #[test]
    fn span_slice_respects_char_boundaries() {
        let t = "é1";
        assert_eq!(Span::new(0, 2).slice(t), Some("é"));
        assert_eq!(Span::new(1, 2).slice(t), None);
        assert!(Span::new(0, 2).overlaps(&Span::new(1, 3)));
        assert!(!Span::new(0, 2).overlaps(&Span::new(2, 3)));
    }
}
