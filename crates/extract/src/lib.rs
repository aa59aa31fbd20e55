//! Bytes → text and structure, one module per format.
//!
//! [`Extractor::extract_bytes`] sniffs the format of one top-level file,
//! runs the matching module and recurses into children (attachments, archive
//! members, embedded messages, sheet rows). Every result goes to a [`Sink`]:
//! a [`Record`] for each searchable unit, an [`Unsearchable`] for each file
//! or part that could not be read, with a specific [`Reason`].
//!
//! Extraction never panics on input: modules return a [`Failure`], and the
//! dispatcher catches any panic that slips through as a last line of defence
//! and reports it as [`Reason::ExtractorFailed`].
//!
//! ```
//! use sarx_extract::{Collected, Extractor, Limits};
//! let ex = Extractor::new(Limits::default());
//! let mut out = Collected::default();
//! ex.extract_bytes("notes/call.txt", "call.txt", b"Spoke to tenant about repairs.", &mut out);
//! assert_eq!(out.records.len(), 1);
//! assert!(out.records[0].text.contains("repairs"));
//! ```
#![deny(missing_docs)]

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use sarx_model::{Kind, Limit, Reason, Record, RecordId, Unsearchable};

mod sniff;
pub use sniff::{sniff, Format};

pub mod text;

mod archive;
mod html;
mod listing;
mod mail;
mod media;
mod msg;
mod ocr;
pub use ocr::{find_engine, OcrMode, OcrStats, Tesseract};
mod office;
mod pdf;
mod pst;
mod sheet;
mod thread;
pub use thread::conversations;

/// Safety limits. Every one has a sane default and can be changed.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest top-level file read (bytes).
    pub max_file_size: u64,
    /// Deepest nesting of containers (zip in mail in zip ...).
    pub max_depth: usize,
    /// Most bytes expanded out of one top-level file, all members together.
    pub max_expanded_bytes: u64,
    /// Highest compression ratio accepted for a member larger than
    /// `ratio_floor` bytes (zip bombs have ratios in the thousands).
    pub max_compression_ratio: u64,
    /// Members smaller than this are never refused for their ratio.
    pub ratio_floor: u64,
    /// Most entries in one container.
    pub max_entries: usize,
    /// Most cells in one workbook.
    pub max_cells: u64,
    /// Deepest MIME nesting.
    pub max_mime_depth: usize,
    /// Longest time spent on one top-level file.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 1 << 30,
            max_depth: 10,
            max_expanded_bytes: 512 << 20,
            max_compression_ratio: 200,
            ratio_floor: 1 << 20,
            max_entries: 20_000,
            max_cells: 5_000_000,
            max_mime_depth: 40,
            max_time: Duration::from_secs(120),
        }
    }
}

/// Where extraction results go.
pub trait Sink {
    /// A searchable record (parents are always sent before their children).
    fn record(&mut self, record: Record);
    /// A file or part that could not be searched.
    fn unsearchable(&mut self, entry: Unsearchable);
}

/// A [`Sink`] that keeps everything in memory.
#[derive(Debug, Default)]
pub struct Collected {
    /// Records in emission order.
    pub records: Vec<Record>,
    /// Unsearchable entries in emission order.
    pub unsearchable: Vec<Unsearchable>,
}

impl Sink for Collected {
    fn record(&mut self, record: Record) {
        self.records.push(record);
    }
    fn unsearchable(&mut self, entry: Unsearchable) {
        self.unsearchable.push(entry);
    }
}

/// Why one file or part could not be extracted. Never holds text from the
/// file itself: `detail` is for people and may be logged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {detail}")]
pub struct Failure {
    /// The reason.
    pub reason: Reason,
    /// A human-readable detail, free of personal data.
    pub detail: String,
}

impl Failure {
    /// A failure with `reason` and `detail`.
    pub fn new(reason: Reason, detail: impl Into<String>) -> Self {
        Failure {
            reason,
            detail: detail.into(),
        }
    }
    /// The structure could not be parsed.
    pub fn corrupt(detail: impl Into<String>) -> Self {
        Self::new(Reason::Corrupt, detail)
    }
    /// Password-protected.
    pub fn encrypted(detail: impl Into<String>) -> Self {
        Self::new(Reason::Encrypted, detail)
    }
    /// A format sarx does not read.
    pub fn unsupported(detail: impl Into<String>) -> Self {
        Self::new(Reason::Unsupported, detail)
    }
    /// A safety limit.
    pub fn limit(limit: Limit, detail: impl Into<String>) -> Self {
        Self::new(Reason::LimitExceeded(limit), detail)
    }
}

/// The result type of format modules.
pub type Result<T> = std::result::Result<T, Failure>;

/// One thing to extract: a top-level file or a part inside one.
#[derive(Debug, Clone, Copy)]
pub struct Node<'b> {
    /// Locator of this node inside the top-level file ('' for the file itself).
    pub locator: &'b str,
    /// File name (for the format sniffer and titles): the member or attachment name.
    pub name: &'b str,
    /// The raw bytes.
    pub bytes: &'b [u8],
    /// The record this node sits inside.
    pub parent: Option<&'b RecordId>,
    /// Container depth: 0 for a top-level file.
    pub depth: usize,
}

/// The per-file extraction state passed to format modules.
pub struct Ctx<'a> {
    limits: &'a Limits,
    ocr: &'a ocr::Ocr,
    /// Set while an image embedded in a document is extracted: one in which
    /// OCR finds nothing is decoration (a logo, a rule), not reported.
    quiet_empty_images: bool,
    source: &'a str,
    sink: &'a mut dyn Sink,
    expanded: u64,
    locators: HashSet<String>,
    started: Instant,
    /// The top-level file's bytes and their blake3 (hex), when the caller
    /// has hashed them.
    root_hash: Option<(&'a [u8], &'a str)>,
    /// Parts whose bytes the caller wants back ([`Extractor::part_bytes`]).
    capture: Option<Capture>,
}

/// The parts [`Extractor::part_bytes`] is looking for, and those found.
#[derive(Debug, Default)]
struct Capture {
    wanted: HashSet<String>,
    got: std::collections::HashMap<String, Vec<u8>>,
}

impl Capture {
    fn done(&self) -> bool {
        self.got.len() >= self.wanted.len()
    }
}

/// A sink that keeps nothing (the re-read of [`Extractor::part_bytes`]).
struct Discard;

impl Sink for Discard {
    fn record(&mut self, _: Record) {}
    fn unsearchable(&mut self, _: Unsearchable) {}
}

impl<'a> Ctx<'a> {
    fn new(limits: &'a Limits, ocr: &'a ocr::Ocr, source: &'a str, sink: &'a mut dyn Sink) -> Self {
        Ctx {
            limits,
            ocr,
            quiet_empty_images: false,
            source,
            sink,
            expanded: 0,
            locators: HashSet::new(),
            started: Instant::now(),
            root_hash: None,
            capture: None,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        self.limits
    }

    /// The OCR configuration in force.
    pub(crate) fn ocr(&self) -> &'a ocr::Ocr {
        self.ocr
    }

    /// True when OCR runs: documents then hand their embedded images over.
    pub fn ocr_on(&self) -> bool {
        self.ocr.engine().is_some()
    }

    /// Extracts an image embedded in a document (a DOCX's `word/media`, an
    /// ODT's `Pictures`) as a child: OCR'd like any image, but one with no
    /// text in it is decoration and is not reported.
    pub fn extract_embedded_image(
        &mut self,
        parent: &Node<'_>,
        parent_id: &RecordId,
        part: &str,
        name: &str,
        bytes: &[u8],
    ) {
        let was = std::mem::replace(&mut self.quiet_empty_images, true);
        self.extract_child_as(parent, parent_id, part, name, bytes, Some(Format::Image));
        self.quiet_empty_images = was;
    }

    /// The top-level source path.
    pub fn source(&self) -> &str {
        self.source
    }

    /// A locator for `part` inside `parent_locator`, unique within this file
    /// (a repeated name gets ` (2)`, ` (3)` ...).
    pub fn child_locator(&mut self, parent_locator: &str, part: &str) -> String {
        let base = if parent_locator.is_empty() {
            part.to_owned()
        } else {
            format!("{parent_locator}/{part}")
        };
        // Mostly `base` is new: one lookup and one copy.
        if self.locators.insert(base.clone()) {
            return base;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{base} ({n})");
            if self.locators.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// A fresh record of `kind` for `node`, with id, parent, size and content hash set.
    pub fn record_for(&self, node: &Node<'_>, kind: Kind) -> Record {
        let mut r = Record::new(self.source, node.locator, kind);
        r.parent = node.parent.cloned();
        r.size = node.bytes.len() as u64;
        r.content_hash = match self.root_hash {
            // The very bytes the caller hashed (same address and length).
            Some((bytes, h)) if std::ptr::eq(node.bytes, bytes) => h.to_owned(),
            _ => blake3::hash(node.bytes).to_hex().to_string(),
        };
        if r.title.is_empty() {
            r.title = node
                .name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .to_owned();
        }
        r
    }

    /// Sends a record to the sink.
    pub fn emit(&mut self, record: Record) {
        self.sink.record(record);
    }

    /// Reports a part as unsearchable.
    pub fn unsearchable(&mut self, locator: &str, failure: Failure) {
        self.sink.unsearchable(Unsearchable {
            source: self.source.to_owned(),
            locator: locator.to_owned(),
            reason: failure.reason,
            detail: failure.detail,
        });
    }

    /// Counts `n` more expanded bytes against the per-file budget.
    pub fn charge(&mut self, n: u64) -> Result<()> {
        self.expanded = self.expanded.saturating_add(n);
        if self.expanded > self.limits.max_expanded_bytes {
            return Err(Failure::limit(
                Limit::ExpandedBytes,
                format!(
                    "more than {} MiB expanded from one file",
                    self.limits.max_expanded_bytes >> 20
                ),
            ));
        }
        Ok(())
    }

    /// Fails once the per-file time budget is spent.
    pub fn check_time(&self) -> Result<()> {
        if self.started.elapsed() > self.limits.max_time {
            return Err(Failure::limit(
                Limit::Time,
                format!("extraction took over {} s", self.limits.max_time.as_secs()),
            ));
        }
        Ok(())
    }

    /// Checks a compressed member's declared sizes against the ratio limit
    /// before it is expanded.
    pub fn check_ratio(&self, compressed: u64, uncompressed: u64) -> Result<()> {
        if uncompressed > self.limits.ratio_floor
            && uncompressed / compressed.max(1) > self.limits.max_compression_ratio
        {
            return Err(Failure::limit(
                Limit::CompressionRatio,
                format!(
                    "compression ratio {}:1 exceeds {}:1",
                    uncompressed / compressed.max(1),
                    self.limits.max_compression_ratio
                ),
            ));
        }
        Ok(())
    }

    /// Extracts a child part (attachment, member, embedded message): sniffs
    /// its format, runs the module, and reports any failure against the
    /// child's own locator. Never fails the parent.
    pub fn extract_child(
        &mut self,
        parent: &Node<'_>,
        parent_id: &RecordId,
        part: &str,
        name: &str,
        bytes: &[u8],
    ) {
        self.extract_child_as(parent, parent_id, part, name, bytes, None);
    }

    /// Like [`Ctx::extract_child`], with the format already known from the
    /// container (an attached `message/rfc822` part, an mbox member) rather
    /// than sniffed; `None` sniffs as usual.
    pub fn extract_child_as(
        &mut self,
        parent: &Node<'_>,
        parent_id: &RecordId,
        part: &str,
        name: &str,
        bytes: &[u8],
        format: Option<Format>,
    ) {
        let locator = self.child_locator(parent.locator, part);
        if let Some(c) = &mut self.capture {
            if c.wanted.contains(&locator) {
                c.got.insert(locator.clone(), bytes.to_vec());
            }
        }
        let child = Node {
            locator: &locator,
            name,
            bytes,
            parent: Some(parent_id),
            depth: parent.depth + 1,
        };
        if child.depth > self.limits.max_depth {
            self.unsearchable(
                &locator,
                Failure::limit(
                    Limit::Depth,
                    format!("nested deeper than {} containers", self.limits.max_depth),
                ),
            );
            return;
        }
        dispatch_as(self, &child, format);
    }
}

thread_local! {
    /// How many format modules this thread is inside (nested containers).
    static EXTRACTING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// True while the calling thread runs a format module under the
/// dispatcher's `catch_unwind`: a panic there is caught and the file or part
/// reported as [`Reason::ExtractorFailed`] (or a module's own reason). The
/// binary's panic hook, which runs before the panic unwinds, reads it to say
/// whether the affected file is reported or the command stops.
pub fn extracting() -> bool {
    EXTRACTING.with(|d| d.get() > 0)
}

/// Marks the thread as extracting until dropped (also while unwinding).
struct ExtractingGuard;

impl ExtractingGuard {
    fn enter() -> Self {
        EXTRACTING.with(|d| d.set(d.get().saturating_add(1)));
        ExtractingGuard
    }
}

impl Drop for ExtractingGuard {
    fn drop(&mut self) {
        EXTRACTING.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Runs the module for `node`'s format, catching failures and panics.
fn dispatch(ctx: &mut Ctx<'_>, node: &Node<'_>) {
    dispatch_as(ctx, node, None);
}

/// [`dispatch`] with the format given (`None`: sniff it).
fn dispatch_as(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Option<Format>) {
    if ctx.capture.as_ref().is_some_and(Capture::done) {
        return;
    }
    if let Err(f) = ctx.check_time() {
        ctx.unsearchable(node.locator, f);
        return;
    }
    let format = format.unwrap_or_else(|| sniff(node.name, node.bytes));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let _guard = ExtractingGuard::enter();
        run_format(ctx, node, format)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(failure)) => ctx.unsearchable(node.locator, failure),
        Err(_) => ctx.unsearchable(
            node.locator,
            Failure::new(
                Reason::ExtractorFailed,
                format!("the {} extractor failed unexpectedly", format.name()),
            ),
        ),
    }
}

fn run_format(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    match format {
        Format::Text | Format::Rtf => text::extract(ctx, node, format),
        Format::Csv | Format::Tsv => sheet::extract_delimited(ctx, node, format),
        Format::Html => html::extract(ctx, node),
        Format::Docx | Format::Odt | Format::Pptx | Format::Odp => {
            office::extract(ctx, node, format)
        }
        Format::Xlsx | Format::Xlsb | Format::Xls | Format::Ods => {
            sheet::extract_workbook(ctx, node, format)
        }
        Format::Pdf => pdf::extract(ctx, node),
        Format::Eml | Format::Mbox | Format::Emlx => mail::extract(ctx, node, format),
        Format::Msg => msg::extract(ctx, node),
        Format::Tnef => msg::extract_tnef(ctx, node),
        Format::Pst => pst::extract_bytes(ctx, node),
        Format::Zip | Format::Tar | Format::Gzip => archive::extract(ctx, node, format),
        Format::Image | Format::Audio | Format::Video => media::extract(ctx, node, format),
        Format::Unknown => Err(unknown_content(node.name, node.bytes)),
        Format::SevenZ | Format::Rar | Format::LegacyDoc | Format::LegacyPpt | Format::Olm => Err(
            Failure::unsupported(format!("{} files are not supported", format.name())),
        ),
    }
}

/// Why content the sniffer does not recognise is unsearchable: a file named
/// as a format sarx reads (`.pdf`, `.docx`, `.eml`…) whose bytes are not that
/// format is damaged, not an unsupported kind of file.
fn unknown_content(name: &str, bytes: &[u8]) -> Failure {
    const READ: [&str; 24] = [
        "pdf", "docx", "docm", "odt", "pptx", "odp", "xlsx", "xlsm", "xlsb", "xls", "ods", "eml",
        "mbox", "emlx", "msg", "pst", "ost", "zip", "tar", "gz", "tgz", "rtf", "html", "htm",
    ];
    let ext = sniff::ext_of(name);
    if ext == "xls" && matches!(bytes, [0x09, 0x00 | 0x02 | 0x04, ..]) {
        // A BIFF2–4 BOF record: a real spreadsheet, in a format older than
        // the Excel 97 compound file the reader handles.
        return Failure::unsupported("Excel 2.x–4.0 (BIFF2–4) worksheets are not supported");
    }
    if READ.contains(&ext.as_str()) {
        Failure::corrupt(format!(
            "named .{ext}, but the content is not in that format (no recognisable header)"
        ))
    } else {
        Failure::unsupported(format!(
            "{} files are not supported",
            Format::Unknown.name()
        ))
    }
}

/// The extraction engine: immutable, `Send + Sync`, shared across threads.
/// Clones share the OCR counters.
#[derive(Debug, Clone)]
pub struct Extractor {
    limits: Limits,
    ocr: ocr::Ocr,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor::new(Limits::default())
    }
}

impl Extractor {
    /// An extractor with `limits`, OCR off.
    pub fn new(limits: Limits) -> Self {
        Extractor {
            limits,
            ocr: ocr::Ocr::off(),
        }
    }

    /// The same, with OCR in `mode` by `engine` ([`find_engine`]); without
    /// an engine, images and scans are reported as needing review with the
    /// reason ("OCR is off", "tesseract is not installed").
    pub fn with_ocr(mut self, mode: OcrMode, engine: Option<Tesseract>) -> Self {
        self.ocr = ocr::Ocr {
            mode,
            engine,
            stats: self.ocr.stats,
        };
        self
    }

    /// The OCR mode.
    pub fn ocr_mode(&self) -> OcrMode {
        self.ocr.mode
    }

    /// What decides the OCR'd text, for a configuration tag: the mode, and
    /// the Tesseract version when it runs (`auto:tesseract-5.3.0`,
    /// `auto:none`, `off`).
    pub fn ocr_tag(&self) -> String {
        match (self.ocr.mode, self.ocr.engine()) {
            (OcrMode::Off, _) => "off".into(),
            (m, Some(t)) => format!("{}:tesseract-{}", m.as_str(), t.version()),
            (m, None) => format!("{}:none", m.as_str()),
        }
    }

    /// Pages OCR'd and time spent, over every file read by this extractor
    /// and its clones.
    pub fn ocr_stats(&self) -> std::sync::Arc<OcrStats> {
        std::sync::Arc::clone(&self.ocr.stats)
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Extracts one top-level file held in memory. `source` is the path as
    /// crawled (it becomes every record's `source`); `name` is the file name.
    pub fn extract_bytes(&self, source: &str, name: &str, bytes: &[u8], sink: &mut dyn Sink) {
        self.extract_bytes_inner(source, name, bytes, None, sink);
    }

    /// [`Extractor::extract_bytes`] with the top-level format given instead
    /// of sniffed (children are still sniffed). For callers that already know
    /// the format, and for the fuzz targets (`fuzz/`): mutated bytes soon
    /// lose the magic the sniffer routes by, and a target must keep reaching
    /// its own module.
    pub fn extract_bytes_as(
        &self,
        source: &str,
        name: &str,
        bytes: &[u8],
        format: Format,
        sink: &mut dyn Sink,
    ) {
        let mut ctx = Ctx::new(&self.limits, &self.ocr, source, sink);
        let node = Node {
            locator: "",
            name,
            bytes,
            parent: None,
            depth: 0,
        };
        if bytes.len() as u64 > self.limits.max_file_size {
            ctx.unsearchable("", too_large(bytes.len() as u64, &self.limits));
            return;
        }
        dispatch_as(&mut ctx, &node, Some(format));
    }

    /// [`Extractor::extract_bytes`] for bytes whose blake3 hash (hex) the
    /// caller has computed already (the crawler fingerprints every file it
    /// reads): the file's record takes it instead of hashing the bytes again.
    pub fn extract_bytes_hashed(
        &self,
        source: &str,
        name: &str,
        bytes: &[u8],
        hash: &str,
        sink: &mut dyn Sink,
    ) {
        self.extract_bytes_inner(source, name, bytes, Some(hash), sink);
    }

    fn extract_bytes_inner(
        &self,
        source: &str,
        name: &str,
        bytes: &[u8],
        hash: Option<&str>,
        sink: &mut dyn Sink,
    ) {
        let mut ctx = Ctx::new(&self.limits, &self.ocr, source, sink);
        ctx.root_hash = hash.map(|h| (bytes, h));
        let node = Node {
            locator: "",
            name,
            bytes,
            parent: None,
            depth: 0,
        };
        if bytes.len() as u64 > self.limits.max_file_size {
            ctx.unsearchable("", too_large(bytes.len() as u64, &self.limits));
            return;
        }
        dispatch(&mut ctx, &node);
    }

    /// Extracts one top-level file from disk. Large mailbox stores (PST/OST)
    /// are read through the file, not loaded whole; other formats are read
    /// into memory after the size check.
    pub fn extract_path(&self, source: &str, path: &Path, sink: &mut dyn Sink) {
        self.extract_path_capturing(source, path, sink, None);
    }

    /// The bytes of the parts at `locators` inside the file at `path` (an
    /// attachment of an e-mail, a member of an archive, a message's
    /// attachment in a PST), found by reading the file again as extraction
    /// does: the same locators name the same parts. Parts not found (the
    /// file changed or cannot be read) are missing from the result; the
    /// caller checks what it gets against the record's content hash.
    pub fn part_bytes(
        &self,
        path: &Path,
        locators: &HashSet<String>,
    ) -> std::collections::HashMap<String, Vec<u8>> {
        if locators.is_empty() {
            return std::collections::HashMap::new();
        }
        let capture = Capture {
            wanted: locators.clone(),
            got: std::collections::HashMap::new(),
        };
        let source = path.to_string_lossy();
        self.extract_path_capturing(&source, path, &mut Discard, Some(capture))
            .map(|c| c.got)
            .unwrap_or_default()
    }

    fn extract_path_capturing(
        &self,
        source: &str,
        path: &Path,
        sink: &mut dyn Sink,
        capture: Option<Capture>,
    ) -> Option<Capture> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let size = match std::fs::metadata(path) {
            Ok(m) => m.len(),
            Err(e) => {
                sink.unsearchable(unreadable(source, &e));
                return capture;
            }
        };
        if size > self.limits.max_file_size {
            sink.unsearchable(Unsearchable {
                source: source.to_owned(),
                locator: String::new(),
                reason: Reason::LimitExceeded(Limit::FileSize),
                detail: too_large(size, &self.limits).detail,
            });
            return capture;
        }
        let mut ctx = Ctx::new(&self.limits, &self.ocr, source, sink);
        ctx.capture = capture;
        if pst::is_pst_path(path) {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let _guard = ExtractingGuard::enter();
                pst::extract_path(&mut ctx, path, size)
            }));
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(f)) => ctx.unsearchable("", f),
                Err(_) => ctx.unsearchable(
                    "",
                    Failure::new(
                        Reason::ExtractorFailed,
                        "the PST extractor failed unexpectedly",
                    ),
                ),
            }
            return ctx.capture;
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                let node = Node {
                    locator: "",
                    name: &name,
                    bytes: &bytes,
                    parent: None,
                    depth: 0,
                };
                dispatch(&mut ctx, &node);
            }
            Err(e) => ctx.sink.unsearchable(unreadable(source, &e)),
        }
        ctx.capture
    }
}

fn too_large(size: u64, limits: &Limits) -> Failure {
    Failure::limit(
        Limit::FileSize,
        format!(
            "file is {} MiB, over the {} MiB limit",
            size >> 20,
            limits.max_file_size >> 20
        ),
    )
}

fn unreadable(source: &str, e: &std::io::Error) -> Unsearchable {
    Unsearchable {
        source: source.to_owned(),
        locator: String::new(),
        reason: Reason::Unreadable,
        detail: format!("could not read the file: {}", e.kind()),
    }
}

#[cfg(test)]
mod hashed_tests {
    use super::*;

    /// The flag the binary's panic hook reads is set inside a module only.
    #[test]
    fn extracting_is_true_inside_a_module_only() {
        assert!(!extracting());
        {
            let _g = ExtractingGuard::enter();
            assert!(extracting());
            let inner = std::panic::catch_unwind(|| {
                let _g = ExtractingGuard::enter();
                panic!("unwinds through the guard");
            });
            assert!(inner.is_err());
            assert!(extracting());
        }
        assert!(!extracting());
    }

    #[test]
    fn a_given_hash_gives_the_same_records() {
        let bytes = b"Case note: tenant called about the boiler.\n".as_slice();
        let ex = Extractor::default();
        let mut plain = Collected::default();
        ex.extract_bytes("share/note.txt", "note.txt", bytes, &mut plain);
        let hash = blake3::hash(bytes).to_hex().to_string();
        let mut hashed = Collected::default();
        ex.extract_bytes_hashed("share/note.txt", "note.txt", bytes, &hash, &mut hashed);
        assert_eq!(plain.records, hashed.records);
        assert_eq!(
            plain.records.first().map(|r| r.content_hash.as_str()),
            Some(hash.as_str())
        );
    }

    /// Only the top-level file takes the given hash; a member keeps its own.
    #[test]
    fn a_given_hash_is_the_top_level_files_only() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("note.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"Case note inside an archive.\n").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let ex = Extractor::default();
        let mut plain = Collected::default();
        ex.extract_bytes("share/a.zip", "a.zip", &bytes, &mut plain);
        let hash = blake3::hash(&bytes).to_hex().to_string();
        let mut hashed = Collected::default();
        ex.extract_bytes_hashed("share/a.zip", "a.zip", &bytes, &hash, &mut hashed);
        assert_eq!(plain.records.len(), 2);
        assert_eq!(plain.records, hashed.records);
        assert_ne!(plain.records[1].content_hash, hash);
    }
}
