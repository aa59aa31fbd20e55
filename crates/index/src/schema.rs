//! The shard schema and the conversion of records to documents and back.
//!
//! Three document types share one schema (`doc_type`):
//! * `record`: one [`Record`]; the whole record is stored as JSON in `record`.
//! * `file`: one crawled file's fingerprint (`file_key` = source, size,
//!   mtime, content hash, record count, extractor configuration tag).
//! * `unsearchable`: one [`Unsearchable`] entry.
//!
//! Every document carries `source`, so `delete_term(source)` removes all a
//! file left in the shard.

use std::path::Path;

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::{Index, IndexSettings, TantivyDocument, Term};

use sarx_crawl::Fingerprint;
use sarx_model::{Reason, Record, Unsearchable};

use crate::analyzer::{text_analyzer, TEXT_ANALYZER};
use crate::{Error, Result};

pub(crate) const DOC_RECORD: &str = "record";
pub(crate) const DOC_FILE: &str = "file";
pub(crate) const DOC_UNSEARCHABLE: &str = "unsearchable";

/// Field handles of the shard schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub doc_type: Field,
    pub id: Field,
    pub parent: Field,
    pub source: Field,
    pub file_key: Field,
    pub locator: Field,
    pub kind: Field,
    pub title: Field,
    pub dates: Field,
    pub parties: Field,
    pub text: Field,
    pub ident: Field,
    pub record: Field,
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
    let text_stored = TextOptions::default()
        .set_indexing_options(analyzed.clone())
        .set_stored();
    let text_only = TextOptions::default().set_indexing_options(analyzed);
    let stored_only = TextOptions::default().set_stored();
    b.add_text_field("doc_type", STRING | STORED);
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("parent", STRING);
    b.add_text_field("source", STRING | STORED);
    b.add_text_field("file_key", STRING);
    b.add_text_field("locator", text_stored.clone());
    b.add_text_field("kind", STRING | STORED);
    b.add_text_field("title", text_stored.clone());
    b.add_text_field("dates", text_stored.clone());
    b.add_text_field("parties", text_stored);
    b.add_text_field("text", text_only);
    b.add_text_field("ident", STRING);
    b.add_bytes_field("record", STORED);
    b.add_u64_field("ord", STORED);
    b.add_u64_field("size", STORED | FAST);
    b.add_i64_field("mtime", STORED);
    b.add_text_field("hash", stored_only.clone());
    b.add_u64_field("records", STORED | INDEXED);
    b.add_text_field("config", stored_only.clone());
    b.add_text_field("reason", STRING | STORED);
    b.add_text_field("detail", stored_only);
    b.build()
}

impl Fields {
    pub(crate) fn new(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| Error::Schema(format!("field `{name}` is missing")))
        };
        Ok(Fields {
            doc_type: f("doc_type")?,
            id: f("id")?,
            parent: f("parent")?,
            source: f("source")?,
            file_key: f("file_key")?,
            locator: f("locator")?,
            kind: f("kind")?,
            title: f("title")?,
            dates: f("dates")?,
            parties: f("parties")?,
            text: f("text")?,
            ident: f("ident")?,
            record: f("record")?,
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
    pub(crate) fn record_doc(&self, r: &Record, ord: u64) -> Result<TantivyDocument> {
        let mut d = TantivyDocument::new();
        d.add_text(self.doc_type, DOC_RECORD);
        d.add_text(self.id, r.id.as_str());
        if let Some(p) = &r.parent {
            d.add_text(self.parent, p.as_str());
        }
        d.add_text(self.source, &r.source);
        d.add_text(self.locator, &r.locator);
        d.add_text(self.kind, r.kind.as_str());
        d.add_text(self.title, &r.title);
        for date in [&r.dates.created, &r.dates.modified, &r.dates.sent]
            .into_iter()
            .flatten()
        {
            d.add_text(self.dates, date);
        }
        let p = &r.parties;
        for party in p
            .author
            .iter()
            .chain(&p.from)
            .chain(&p.to)
            .chain(&p.cc)
            .chain(&p.bcc)
        {
            d.add_text(self.parties, party);
        }
        d.add_text(self.text, &r.text);
        let mut keys = sarx_detect::index_keys(&r.text);
        keys.extend(sarx_detect::index_keys(&r.title));
        for party in p
            .author
            .iter()
            .chain(&p.from)
            .chain(&p.to)
            .chain(&p.cc)
            .chain(&p.bcc)
        {
            keys.extend(sarx_detect::index_keys(party));
        }
        keys.sort_unstable();
        keys.dedup();
        for k in &keys {
            d.add_text(self.ident, k);
        }
        let json = serde_json::to_vec(r).map_err(|e| Error::Json(e.to_string()))?;
        d.add_bytes(self.record, &json);
        d.add_u64(self.ord, ord);
        Ok(d)
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

    pub(crate) fn record_of(&self, d: &TantivyDocument) -> Result<Record> {
        let bytes = d
            .get_first(self.record)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| Error::Schema("a record document has no stored record".into()))?;
        serde_json::from_slice(bytes).map_err(|e| Error::Json(e.to_string()))
    }

    pub(crate) fn fingerprint_of(&self, d: &TantivyDocument) -> Option<(String, Fingerprint, u64)> {
        let source = str_of(d, self.source)?;
        let fp = Fingerprint {
            size: d.get_first(self.size).and_then(|v| v.as_u64())?,
            mtime_ns: d.get_first(self.mtime).and_then(|v| v.as_i64())?,
            hash: str_of(d, self.hash),
            config: str_of(d, self.config).unwrap_or_default(),
        };
        let records = d
            .get_first(self.records)
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        Some((source, fp, records))
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
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let settings = IndexSettings {
            docstore_compression: tantivy::store::Compressor::Lz4,
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
