//! The shard schema and the conversion of records to documents and back.
//!
//! Three document types share one schema (`doc_type`):
//! * `record`: one [`Record`]; its text is the stored value of `text` and
//!   the rest of it is stored as JSON in `record_json` (so the text, most of
//!   a record, is neither escaped into JSON when written nor parsed out of it
//!   when read). A run of sheet rows (consecutive rows of one sheet or CSV
//!   file, see [`RowBlock`]) is one `record` document holding several
//!   records: a prefix of every row's id is a term of `id_prefix`, their
//!   texts are the values of `text` in row order, the rest of the rows is
//!   stored in `block_json` (the first row whole, each later row as what
//!   differs from it: see [`StoredBlock`]), their number in `nrec`, and the
//!   document also carries `doc_type:rows`. A spreadsheet's million rows
//!   then cost tantivy thousands of documents, not a million; the reader
//!   gives every row back as its own record (the unit of disclosure stays
//!   the row).
//! * `file`: one crawled file's fingerprint (`file_key` = source, size,
//!   mtime, content hash, record count, extractor configuration tag).
//! * `unsearchable`: one [`Unsearchable`] entry.
//!
//! Every document carries `source`, so `delete_term(source)` removes all a
//! file left in the shard.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::{Index, IndexSettings, TantivyDocument, Term};

use sarx_crawl::Fingerprint;
use sarx_model::{Reason, Record, RecordId, Unsearchable};

use crate::analyzer::{text_analyzer, TEXT_ANALYZER};
use crate::{Error, Result};

pub(crate) const DOC_RECORD: &str = "record";
pub(crate) const DOC_FILE: &str = "file";
pub(crate) const DOC_UNSEARCHABLE: &str = "unsearchable";
/// Second `doc_type` of a document that holds a block of sheet rows.
pub(crate) const DOC_ROWS: &str = "rows";

/// Most rows in one block document.
pub(crate) const ROW_BLOCK_ROWS: usize = 128;
/// A block is closed once its rows' texts reach this many bytes.
pub(crate) const ROW_BLOCK_BYTES: usize = 32 << 10;

/// Field handles of the shard schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub doc_type: Field,
    pub id: Field,
    pub id_prefix: Field,
    pub parent: Field,
    pub source: Field,
    pub file_key: Field,
    pub locator: Field,
    pub kind: Field,
    pub title: Field,
    pub parties: Field,
    pub text: Field,
    pub ident: Field,
    pub record: Field,
    pub block: Field,
    pub nrec: Field,
    pub ord: Field,
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    pub records: Field,
    pub config: Field,
    pub reason: Field,
    pub detail: Field,
}

pub(crate) fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let analyzed = TextFieldIndexing::default()
        .set_tokenizer(TEXT_ANALYZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    // Records are stored as JSON (`record_json`, `block_json`) with their
    // texts apart, as the stored values of `text`; the other fields are
    // stored only where a document type has no JSON (files and unsearchable
    // entries), so nothing is stored twice. The JSON is a stored text field:
    // tantivy writes and reads a text value in one copy, a bytes value byte
    // by byte.
    let text_only = TextOptions::default().set_indexing_options(analyzed);
    let text_stored = text_only.clone().set_stored();
    let stored_only = TextOptions::default().set_stored();
    b.add_text_field("doc_type", STRING);
    b.add_text_field("id", STRING);
    b.add_text_field("id_prefix", STRING);
    b.add_text_field("parent", STRING);
    b.add_text_field("source", STRING | STORED);
    b.add_text_field("file_key", STRING | FAST);
    b.add_text_field("locator", stored_only.clone());
    b.add_text_field("kind", STRING);
    b.add_text_field("title", text_only.clone());
    b.add_text_field("parties", text_only.clone());
    b.add_text_field("text", text_stored);
    b.add_text_field("ident", STRING);
    b.add_text_field("record_json", stored_only.clone());
    b.add_text_field("block_json", stored_only.clone());
    b.add_u64_field("nrec", FAST);
    b.add_u64_field("ord", STORED);
    // A file's fingerprint lives in fast columns only (see
    // `Shard::fingerprints`).
    b.add_u64_field("size", FAST);
    b.add_i64_field("mtime", FAST);
    b.add_text_field("hash", TextOptions::default().set_fast("raw"));
    b.add_u64_field("records", INDEXED | FAST);
    b.add_text_field("config", TextOptions::default().set_fast("raw"));
    b.add_text_field("reason", STRING | STORED);
    b.add_text_field("detail", stored_only);
    b.build()
}

impl Fields {
    pub(crate) fn new(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                Error::Schema(format!(
                    "field `{name}` is missing (a shard written by an older sarx: \
                         delete the shard folder and index again)"
                ))
            })
        };
        // Records' texts are the stored values of `text`.
        if !schema.get_field_entry(f("text")?).is_stored() {
            return Err(Error::Schema(
                "field `text` is not stored (a shard written by an older sarx: \
                     delete the shard folder and index again)"
                    .into(),
            ));
        }
        // An unchanged re-index reads the fingerprints from these columns.
        for name in ["file_key", "size", "mtime", "hash", "records", "config"] {
            if !schema.get_field_entry(f(name)?).is_fast() {
                return Err(Error::Schema(format!(
                    "field `{name}` has no fast column (a shard written by an older sarx: \
                         delete the shard folder and index again)"
                )));
            }
        }
        Ok(Fields {
            doc_type: f("doc_type")?,
            id: f("id")?,
            id_prefix: f("id_prefix")?,
            parent: f("parent")?,
            source: f("source")?,
            file_key: f("file_key")?,
            locator: f("locator")?,
            kind: f("kind")?,
            title: f("title")?,
            parties: f("parties")?,
            text: f("text")?,
            ident: f("ident")?,
            record: f("record_json")?,
            block: f("block_json")?,
            nrec: f("nrec")?,
            ord: f("ord")?,
            size: f("size")?,
            mtime: f("mtime")?,
            hash: f("hash")?,
            records: f("records")?,
            config: f("config")?,
            reason: f("reason")?,
            detail: f("detail")?,
        })
    }

    pub(crate) fn term(&self, field: Field, value: &str) -> Term {
        Term::from_field_text(field, value)
    }

    pub(crate) fn type_term(&self, doc_type: &str) -> Term {
        Term::from_field_text(self.doc_type, doc_type)
    }

    /// A record as a document. `ord` keeps the extraction order.
    pub(crate) fn record_doc(&self, mut r: Record, ord: u64) -> Result<TantivyDocument> {
        let mut d = TantivyDocument::new();
        d.add_text(self.doc_type, DOC_RECORD);
        d.add_text(self.id, r.id.as_str());
        self.add_common(&mut d, &r);
        let mut keys = Vec::new();
        record_keys(&r, true, &mut keys);
        self.add_keys(&mut d, keys);
        d.add_text(self.text, std::mem::take(&mut r.text));
        let json = serde_json::to_string(&r).map_err(json_err)?;
        d.add_text(self.record, json);
        d.add_u64(self.ord, ord);
        Ok(d)
    }

    /// A block of sheet rows (see [`RowBlock`]) as one document. `ord` is
    /// the first row's; row `i` has `ord + i`.
    pub(crate) fn rows_doc(&self, mut rows: Vec<Record>, ord: u64) -> Result<TantivyDocument> {
        let Some(first) = rows.first() else {
            return Err(Error::Schema("an empty block of rows".into()));
        };
        let mut d = TantivyDocument::new();
        d.add_text(self.doc_type, DOC_RECORD);
        d.add_text(self.doc_type, DOC_ROWS);
        self.add_common(&mut d, first);
        let mut keys = Vec::new();
        record_keys(first, false, &mut keys);
        // The block's JSON first, while the rows still hold their texts (a
        // row's size is stored only when it is not its text's length).
        let (first, rest) = rows
            .split_first()
            .ok_or_else(|| Error::Schema("an empty block of rows".into()))?;
        let json = serde_json::to_string(&StoredBlock::of(first, rest)).map_err(json_err)?;
        // One pass over the rows joined by line breaks: no identifier
        // pattern crosses a line break, so this finds each row's keys
        // (property-tested in tests/row_blocks.rs) without a call per row.
        let mut joined = String::with_capacity(rows.iter().map(|r| r.text.len() + 1).sum());
        for r in &mut rows {
            d.add_text(self.id_prefix, id_prefix(&r.id));
            joined.push_str(&r.text);
            joined.push('\n');
            d.add_text(self.text, std::mem::take(&mut r.text));
        }
        keys.extend(sarx_detect::index_keys(&joined));
        self.add_keys(&mut d, keys);
        d.add_text(self.block, json);
        d.add_u64(self.nrec, rows.len() as u64);
        d.add_u64(self.ord, ord);
        Ok(d)
    }

    /// The terms every record document has, whatever its text.
    fn add_common(&self, d: &mut TantivyDocument, r: &Record) {
        if let Some(p) = &r.parent {
            d.add_text(self.parent, p.as_str());
        }
        d.add_text(self.source, &r.source);
        d.add_text(self.kind, r.kind.as_str());
        d.add_text(self.title, &r.title);
        for party in parties(r) {
            d.add_text(self.parties, party);
        }
    }

    fn add_keys(&self, d: &mut TantivyDocument, mut keys: Vec<String>) {
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            d.add_text(self.ident, k);
        }
    }

    pub(crate) fn file_doc(&self, source: &str, fp: &Fingerprint, records: u64) -> TantivyDocument {
        let mut d = TantivyDocument::new();
        d.add_text(self.doc_type, DOC_FILE);
        d.add_text(self.source, source);
        d.add_text(self.file_key, source);
        d.add_u64(self.size, fp.size);
        d.add_i64(self.mtime, fp.mtime_ns);
        if let Some(h) = &fp.hash {
            d.add_text(self.hash, h);
        }
        d.add_u64(self.records, records);
        d.add_text(self.config, &fp.config);
        d
    }

    pub(crate) fn unsearchable_doc(&self, u: &Unsearchable) -> TantivyDocument {
        let mut d = TantivyDocument::new();
        d.add_text(self.doc_type, DOC_UNSEARCHABLE);
        d.add_text(self.source, &u.source);
        d.add_text(self.locator, &u.locator);
        d.add_text(self.reason, u.reason.code());
        d.add_text(self.detail, &u.detail);
        d
    }

    /// The records a record document holds: one, or a block of rows.
    pub(crate) fn records_of(&self, d: &TantivyDocument) -> Result<Vec<Record>> {
        self.matching_records(d, |_| true, |_| true)
    }

    /// The stored texts of a document, in order.
    fn texts<'d>(&self, d: &'d TantivyDocument) -> Vec<&'d str> {
        d.get_all(self.text).filter_map(|v| v.as_str()).collect()
    }

    /// The records of a document that a candidate query matched: a single
    /// record as it is; of a block of rows, every row when `header` accepts
    /// the rows' shared title and parties, else the rows whose text `text`
    /// accepts. Rows are decoded in full only when kept (a block is mostly
    /// rows that do not match).
    pub(crate) fn matching_records(
        &self,
        d: &TantivyDocument,
        mut header: impl FnMut(&Record) -> bool,
        mut text: impl FnMut(&str) -> bool,
    ) -> Result<Vec<Record>> {
        let texts = self.texts(d);
        let Some(json) = d.get_first(self.block).and_then(|v| v.as_str()) else {
            let json = d
                .get_first(self.record)
                .and_then(|v| v.as_str())
                .ok_or_else(|| Error::Schema("a record document has no stored record".into()))?;
            let mut r: Record = serde_json::from_str(json).map_err(json_err)?;
            r.text = texts.first().map(|t| (*t).to_owned()).unwrap_or_default();
            return Ok(vec![r]);
        };
        let block: StoredBlock<'_> = serde_json::from_str(json).map_err(json_err)?;
        if texts.len() != block.rest.len() + 1 {
            return Err(Error::Schema(
                "a block of rows does not hold one text per row".into(),
            ));
        }
        let all = header(&block.first);
        // Later rows are deltas borrowed from the stored JSON: only the
        // kept ones become records.
        let mut out = Vec::new();
        for (i, t) in texts.into_iter().enumerate() {
            if !(all || text(t)) {
                continue;
            }
            out.push(match i.checked_sub(1).and_then(|j| block.rest.get(j)) {
                Some(delta) => delta.apply(&block.first, t),
                None => {
                    let mut r = block.first.clone().into_owned();
                    r.text = t.to_owned();
                    r
                }
            });
        }
        Ok(out)
    }

    pub(crate) fn unsearchable_of(&self, d: &TantivyDocument) -> Option<Unsearchable> {
        Some(Unsearchable {
            source: str_of(d, self.source)?,
            locator: str_of(d, self.locator).unwrap_or_default(),
            reason: Reason::from_code(&str_of(d, self.reason)?)?,
            detail: str_of(d, self.detail).unwrap_or_default(),
        })
    }

    pub(crate) fn ord_of(&self, d: &TantivyDocument) -> u64 {
        d.get_first(self.ord).and_then(|v| v.as_u64()).unwrap_or(0)
    }
}

/// The `id_prefix` term of a row in a block: 16 bits of its id, so at most
/// 65,536 terms whatever the number of rows.
pub(crate) fn id_prefix(id: &RecordId) -> &str {
    id.as_str().get(..4).unwrap_or(id.as_str())
}

/// Author, sender and recipients of `r`.
fn parties(r: &Record) -> impl Iterator<Item = &String> {
    let p = &r.parties;
    p.author
        .iter()
        .chain(&p.from)
        .chain(&p.to)
        .chain(&p.cc)
        .chain(&p.bcc)
}

/// Adds the identifier keys of `r`'s text (with `text`), title and parties.
fn record_keys(r: &Record, text: bool, keys: &mut Vec<String>) {
    if text {
        keys.extend(sarx_detect::index_keys(&r.text));
    }
    keys.extend(sarx_detect::index_keys(&r.title));
    for party in parties(r) {
        keys.extend(sarx_detect::index_keys(party));
    }
}

/// Groups a file's sheet rows into blocks for [`Fields::rows_doc`]: rows of
/// the same parent, title and parties, consecutive in extraction order, at
/// most [`ROW_BLOCK_ROWS`] rows and about [`ROW_BLOCK_BYTES`] of text.
#[derive(Default)]
pub(crate) struct RowBlock {
    rows: Vec<Record>,
    first_ord: u64,
    bytes: usize,
}

impl RowBlock {
    /// True when `r` (at `ord`) may join the current block: it follows the
    /// block's last row, the block has room, and `r` shares every field
    /// with the first row that a [`RowDelta`] does not carry.
    pub(crate) fn fits(&self, r: &Record, ord: u64) -> bool {
        let Some(first) = self.rows.first() else {
            return true;
        };
        ord == self.first_ord + self.rows.len() as u64
            && self.rows.len() < ROW_BLOCK_ROWS
            && self.bytes < ROW_BLOCK_BYTES
            && r.kind == first.kind
            && r.parent == first.parent
            && r.source == first.source
            && r.title == first.title
            && r.parties == first.parties
            && r.dates == first.dates
    }

    /// Adds `r`; call [`RowBlock::fits`] first.
    pub(crate) fn push(&mut self, r: Record, ord: u64) {
        if self.rows.is_empty() {
            self.first_ord = ord;
        }
        self.bytes += r.text.len();
        self.rows.push(r);
    }

    /// The block's rows and first ord, leaving it empty.
    pub(crate) fn take(&mut self) -> Option<(Vec<Record>, u64)> {
        if self.rows.is_empty() {
            return None;
        }
        self.bytes = 0;
        Some((std::mem::take(&mut self.rows), self.first_ord))
    }
}

fn json_err(e: serde_json::Error) -> Error {
    Error::Json(sarx_model::json_error(&e))
}

/// A block of rows as stored (their texts apart, as the values of `text`):
/// the first row whole and, for each later row, what differs from it. Rows of a block share kind, parent, source, title,
/// parties and dates ([`RowBlock::fits`]), and mostly their `meta` (sheet,
/// header, format): stored once instead of per row, the block's JSON is
/// about half the size.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredBlock<'a> {
    first: Cow<'a, Record>,
    #[serde(borrow)]
    rest: Vec<RowDelta<'a>>,
}

/// What a row of a block does not share with the block's first row. The
/// fields a row's source, locator and text determine are not stored: the
/// id ([`RecordId::new`] of source and locator, as every record's id is)
/// and the content hash (blake3 of the text, as the sheet extractor sets
/// it, the only maker of rows); both are checked in debug builds, where
/// the tests run. Those were most of a row's stored bytes, and hex digests
/// barely compress. The size is stored only when it is not the text's
/// length. Blocks written with the id and hash (`Some`) still read back.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct RowDelta<'a> {
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    locator: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pages: Vec<usize>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    content_hash: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    size: Option<u64>,
    /// Entries of `meta` the first row lacks or holds with another value.
    #[serde(borrow, default, skip_serializing_if = "BTreeMap::is_empty")]
    meta: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    /// Keys of the first row's `meta` this row lacks.
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    unset: Vec<Cow<'a, str>>,
}

impl<'a> StoredBlock<'a> {
    /// The stored form of the block `first`, `rest` (see [`RowBlock::fits`]).
    fn of(first: &'a Record, rest: &'a [Record]) -> StoredBlock<'a> {
        StoredBlock {
            first: Cow::Borrowed(first),
            rest: rest.iter().map(|r| RowDelta::of(r, first)).collect(),
        }
    }
}

/// The hex blake3 digest of `text`: a row's content hash.
fn text_hash(text: &str) -> impl std::ops::Deref<Target = str> {
    blake3::hash(text.as_bytes()).to_hex()
}

impl<'a> RowDelta<'a> {
    /// `r`'s delta from `first`; `r.source` is `first.source`
    /// ([`RowBlock::fits`]).
    fn of(r: &'a Record, first: &'a Record) -> RowDelta<'a> {
        debug_assert!(
            r.id.is_of(&first.source, &r.locator),
            "a row's id is derived"
        );
        debug_assert_eq!(
            *text_hash(&r.text),
            *r.content_hash,
            "a row's hash is its text's"
        );
        let meta = r
            .meta
            .iter()
            .filter(|(k, v)| first.meta.get(*k) != Some(*v))
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str())))
            .collect();
        let unset = first
            .meta
            .keys()
            .filter(|k| !r.meta.contains_key(*k))
            .map(|k| Cow::Borrowed(k.as_str()))
            .collect();
        RowDelta {
            id: None,
            locator: Cow::Borrowed(&r.locator),
            pages: r.pages.clone(),
            content_hash: None,
            size: (r.size != r.text.len() as u64).then_some(r.size),
            meta,
            unset,
        }
    }

    /// The row of text `text`: `first` with this delta applied.
    fn apply(&self, first: &Record, text: &str) -> Record {
        let mut meta = first.meta.clone();
        for k in &self.unset {
            meta.remove(k.as_ref());
        }
        for (k, v) in &self.meta {
            meta.insert(k.to_string(), v.to_string());
        }
        Record {
            id: match &self.id {
                Some(id) => RecordId(id.to_string()),
                None => RecordId::new(&first.source, &self.locator),
            },
            parent: first.parent.clone(),
            source: first.source.clone(),
            locator: self.locator.to_string(),
            kind: first.kind,
            title: first.title.clone(),
            dates: first.dates.clone(),
            parties: first.parties.clone(),
            text: text.to_owned(),
            pages: self.pages.clone(),
            words: Vec::new(),
            content_hash: match &self.content_hash {
                Some(h) => h.to_string(),
                None => text_hash(text).to_string(),
            },
            size: self.size.unwrap_or(text.len() as u64),
            meta,
        }
    }
}

pub(crate) fn str_of(d: &TantivyDocument, f: Field) -> Option<String> {
    d.get_first(f).and_then(|v| v.as_str()).map(str::to_owned)
}

/// Opens the shard at `dir`, or creates it when `create` is set and the
/// directory holds no index. Registers the analyzer.
pub(crate) fn open_index(dir: &Path, create: bool) -> Result<Index> {
    let exists = dir.join("meta.json").exists();
    let index = if exists {
        Index::open_in_dir(dir).map_err(|e| Error::engine(dir, e))?
    } else if create {
        sarx_model::private_fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let settings = IndexSettings {
            docstore_compression: tantivy::store::Compressor::Lz4,
            // Each indexing thread compresses its own blocks: a dedicated
            // thread is woken for every 16 KiB block otherwise (BENCHMARKS.md,
            // "compresses its doc store on the indexing threads").
            docstore_compress_dedicated_thread: false,
            ..IndexSettings::default()
        };
        Index::builder()
            .schema(build_schema())
            .settings(settings)
            .create_in_dir(dir)
            .map_err(|e| Error::engine(dir, e))?
    } else {
        return Err(Error::NotAShard(dir.to_path_buf()));
    };
    index.tokenizers().register(TEXT_ANALYZER, text_analyzer());
    Ok(index)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use sarx_model::Kind;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::AllQuery;

    fn row(n: usize, text: &str) -> Record {
        let mut r = Record::new("share/rent.csv", &format!("A{n}:B{n}"), Kind::SheetRow);
        r.text = text.to_owned();
        r.content_hash = blake3::hash(text.as_bytes()).to_hex().to_string();
        r.size = text.len() as u64;
        r.meta.insert("header".into(), "name\tnote".into());
        r.meta.insert("row".into(), n.to_string());
        if n == 3 {
            r.meta.remove("header");
            r.meta.insert("hidden_text".into(), "true".into());
        }
        r
    }

    /// A block (rows with an empty text and meta that differs from the first
    /// row's among them) and a single record come back exactly as written.
    #[test]
    fn stored_documents_read_back_whole() {
        let index = Index::create_in_ram(build_schema());
        index
            .tokenizers()
            .register(TEXT_ANALYZER, crate::analyzer::text_analyzer());
        let fields = Fields::new(&index.schema()).unwrap();
        // Row 5's size is not its text's length.
        let mut odd = row(5, "Cy Ng\towes");
        odd.size = 4096;
        let rows = vec![
            row(2, "Ann Lee\tpaid"),
            row(3, ""),
            row(4, "Bo Yu\tlate"),
            odd,
        ];
        let mut single = Record::new("share/note.txt", "", Kind::Text);
        single.text = "Case note \"quoted\"\n\ttabbed".into();
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.add_document(fields.rows_doc(rows.clone(), 0).unwrap())
            .unwrap();
        w.add_document(fields.record_doc(single.clone(), 3).unwrap())
            .unwrap();
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let mut got = Vec::new();
        for addr in searcher.search(&AllQuery, &DocSetCollector).unwrap() {
            let d: TantivyDocument = searcher.doc(addr).unwrap();
            got.extend(fields.records_of(&d).unwrap());
        }
        got.sort_by(|a, b| a.locator.cmp(&b.locator));
        let mut want = rows;
        want.push(single);
        want.sort_by(|a, b| a.locator.cmp(&b.locator));
        assert_eq!(got, want);
    }

    /// Rows a row's derivable fields are left out of, and a block stored
    /// with them in full (as before they were derived) reads back the same.
    #[test]
    fn row_deltas_leave_out_derivable_fields() {
        let first = row(2, "Ann Lee\tpaid");
        let rest = [row(4, "Bo Yu\tlate")];
        let json = serde_json::to_string(&StoredBlock::of(&first, &rest)).unwrap();
        let deltas = json.get(json.find(r#""rest""#).unwrap()..).unwrap();
        assert_eq!(
            deltas,
            r#""rest":[{"locator":"A4:B4","meta":{"row":"4"}}]}"#
        );
        let full = format!(
            r#"{{"first":{},"rest":[{{"id":"{}","locator":"A4:B4","content_hash":"{}","size":{},"meta":{{"row":"4"}}}}]}}"#,
            serde_json::to_string(&first).unwrap(),
            rest[0].id,
            rest[0].content_hash,
            rest[0].size,
        );
        for stored in [json, full] {
            let block: StoredBlock<'_> = serde_json::from_str(&stored).unwrap();
            let delta = block.rest.first().unwrap();
            assert_eq!(delta.apply(&block.first, &rest[0].text), rest[0]);
        }
    }
}
