//! The keys of [`crate::Record::meta`]: what each one holds, who writes it
//! and who reads it. Every crate names a key through these constants, so a
//! key is defined once and can be looked up.

/// The source format as the extractor names it (`DOCX`, `XLSX`, `HTML`,
/// `fixed-width`, …). Written by every extractor; shown by the bundle.
pub const FORMAT: &str = "format";
/// A row record's column header (tab-separated), its context. Written by
/// the sheet and listing extractors; read by the subject matcher (a date
/// under a "DOB" column), the index (row blocks) and the bundle (the
/// header is redacted as the row is).
pub const HEADER: &str = "header";
/// A row's sheet name. Written by the sheet extractor; read by the bundle.
pub const SHEET: &str = "sheet";
/// A row's sheet visibility (`visible`, `hidden`, `very_hidden`). Written
/// by the sheet and listing extractors; shown by the review page.
pub const SHEET_STATE: &str = "sheet_state";
/// A row's 1-based row (or line) number. Written by the sheet and listing
/// extractors.
pub const ROW: &str = "row";
/// `true` when the record holds text a reader does not see (hidden sheets,
/// hidden runs, white text). Written by the office and sheet extractors.
pub const HIDDEN_TEXT: &str = "hidden_text";
/// A message's content key: copies of one message share it. Written by the
/// mail, MSG and PST extractors; read by the search (one hit, every
/// location) and the index.
pub const DEDUP_KEY: &str = "dedup_key";
/// A message's conversation key (`conv:…` for an Outlook conversation).
/// Written by the mail extractors; read by `sarx_extract::conversations`.
pub const THREAD: &str = "thread";
/// A message's `Message-ID`. Written by the mail extractors.
pub const MESSAGE_ID: &str = "message_id";
/// A message's `In-Reply-To`. Written by the mail extractors.
pub const IN_REPLY_TO: &str = "in_reply_to";
/// A message's `References`. Written by the mail extractors.
pub const REFERENCES: &str = "references";
/// An Outlook item's message class (`IPM.Note`, …).
pub const MESSAGE_CLASS: &str = "message_class";
/// The mailbox folder an Outlook item was in.
pub const FOLDER: &str = "folder";
/// `set` when a PST has a password (it does not encrypt the data).
pub const PST_PASSWORD: &str = "pst_password";
/// `no_headers` when a message had no header block.
pub const PARSE: &str = "parse";
/// How many members an archive lists.
pub const ENTRIES: &str = "entries";
/// `true` when an archive's listing was cut at the entries limit.
pub const TRUNCATED: &str = "truncated";
/// `local_headers` when a damaged zip was read from its local headers.
pub const READ_FROM: &str = "read_from";
/// How many members of an archive had a path that climbs out of it.
pub const PATH_TRAVERSAL_ENTRIES: &str = "path_traversal_entries";
/// `true` on a member whose path climbed out of its archive.
pub const PATH_TRAVERSAL: &str = "path_traversal";
/// A PDF's page count.
pub const PAGE_COUNT: &str = "page_count";
/// How many pages of a PDF could not be read.
pub const UNREADABLE_PAGES: &str = "unreadable_pages";
/// Every place a de-duplicated record was held, as JSON
/// (`[{"source":…,"locator":…}]`). Written by case preparation; read by
/// the bundle's schedule.
pub const LOCATIONS: &str = "locations";
/// How many sheets a workbook has.
pub const SHEETS: &str = "sheets";
/// How many pages (images, TIFF pages, PDF pages) OCR read for the record.
/// Written by the media and PDF extractors.
pub const OCR_PAGES: &str = "ocr_pages";
/// The mean OCR confidence (0–100, rounded) of the record's OCR'd words.
/// Written by the media and PDF extractors.
pub const OCR_CONFIDENCE: &str = "ocr_confidence";
/// `true` when the mean OCR confidence of a page is low: the record is
/// indexed and also reported as "OCR confidence low: review"
/// (`Reason::OcrLowConfidence`). Written by the media and PDF extractors;
/// shown by the review page.
pub const OCR_LOW_CONFIDENCE: &str = "ocr_low_confidence";
/// The Tesseract version that read the record (`5.3.0`).
pub const OCR_ENGINE: &str = "ocr_engine";
