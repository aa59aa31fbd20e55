//! [`IndexSet`]: every shard of an index, searched together.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use sarx_crawl::Fingerprint;
use sarx_model::{Kind, Record, RecordId, Unsearchable, ALL_KINDS};

use crate::analyzer::{query_variants, text_analyzer, PhraseTerms};
use crate::schema::{
    id_prefix, open_index, Fields, DOC_FILE, DOC_RECORD, DOC_ROWS, DOC_UNSEARCHABLE,
};
use crate::{dir_size, shards_dir, Error, Result, ShardStats, Stats};

/// One opened shard.
pub(crate) struct Shard {
    pub name: String,
    pub dir: PathBuf,
    pub fields: Fields,
    _reader: IndexReader,
    pub searcher: Searcher,
}

/// The commit payload a shard writer leaves in `meta.json`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Payload {
    pub roots: Vec<String>,
    pub updated_unix: u64,
    pub complete: bool,
}

impl Shard {
    pub(crate) fn open(name: &str, dir: &Path) -> Result<Shard> {
        let index = open_index(dir, false)?;
        Self::from_index(name, dir, &index)
    }

    pub(crate) fn from_index(name: &str, dir: &Path, index: &Index) -> Result<Shard> {
        let fields = Fields::new(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::engine(dir, e))?;
        let searcher = reader.searcher();
        Ok(Shard {
            name: name.to_owned(),
            dir: dir.to_path_buf(),
            fields,
            _reader: reader,
            searcher,
        })
    }

    fn engine(&self, e: tantivy::TantivyError) -> Error {
        Error::engine(&self.dir, e)
    }

    fn doc(&self, addr: DocAddress) -> Result<TantivyDocument> {
        self.searcher.doc(addr).map_err(|e| self.engine(e))
    }

    /// Addresses matching `q`, in index order (so the doc store is read
    /// sequentially).
    fn addresses(&self, q: &dyn Query) -> Result<Vec<DocAddress>> {
        let set = self
            .searcher
            .search(q, &DocSetCollector)
            .map_err(|e| self.engine(e))?;
        let mut v: Vec<DocAddress> = set.into_iter().collect();
        v.sort();
        Ok(v)
    }

    fn count(&self, q: &dyn Query) -> Result<u64> {
        self.searcher
            .search(q, &Count)
            .map(|n| n as u64)
            .map_err(|e| self.engine(e))
    }

    fn term_query(&self, term: Term) -> TermQuery {
        TermQuery::new(term, IndexRecordOption::Basic)
    }

    /// Fingerprints of every committed file, read from fast columns: an
    /// unchanged re-index must not pay for the doc store.
    pub(crate) fn fingerprints(&self) -> Result<HashMap<String, (Fingerprint, u64)>> {
        let q = self.term_query(self.fields.type_term(DOC_FILE));
        let mut out = HashMap::new();
        let mut columns: Option<(u32, FileColumns)> = None;
        for addr in self.addresses(&q)? {
            let cols = match &columns {
                Some((seg, c)) if *seg == addr.segment_ord => c,
                _ => {
                    let c = FileColumns::open(self.searcher.segment_reader(addr.segment_ord))
                        .map_err(|e| self.engine(e))?;
                    &columns.insert((addr.segment_ord, c)).1
                }
            };
            if let Some((source, fp, n)) = cols.get(addr.doc_id) {
                out.insert(source, (fp, n));
            }
        }
        Ok(out)
    }

    fn unsearchable(&self) -> Result<Vec<Unsearchable>> {
        let q = self.term_query(self.fields.type_term(DOC_UNSEARCHABLE));
        let mut out = Vec::new();
        for addr in self.addresses(&q)? {
            if let Some(u) = self.fields.unsearchable_of(&self.doc(addr)?) {
                out.push(u);
            }
        }
        Ok(out)
    }

    /// The records of the documents matching `q`, with their extraction
    /// order (a block of rows gives each row its own).
    fn records_for(&self, q: &dyn Query) -> Result<Vec<(u64, Record)>> {
        let mut out = Vec::new();
        for addr in self.addresses(q)? {
            let d = self.doc(addr)?;
            let ord = self.fields.ord_of(&d);
            for (i, r) in self.fields.records_of(&d)?.into_iter().enumerate() {
                out.push((ord + i as u64, r));
            }
        }
        Ok(out)
    }

    /// Records of `kind`: one per document, plus the extra rows of blocks.
    fn count_kind(&self, kind: Kind) -> Result<u64> {
        let f = &self.fields;
        let of_kind = |doc_type: &str| {
            BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(self.term_query(f.type_term(doc_type))) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(self.term_query(f.term(f.kind, kind.as_str()))),
                ),
            ])
        };
        let mut n = self.count(&of_kind(DOC_RECORD))?;
        let blocks = of_kind(DOC_ROWS);
        if self.count(&blocks)? > 0 {
            for addr in self.addresses(&blocks)? {
                let column = self
                    .searcher
                    .segment_reader(addr.segment_ord)
                    .fast_fields()
                    .u64("nrec")
                    .map_err(|e| self.engine(e))?;
                n += column.first(addr.doc_id).unwrap_or(1).saturating_sub(1);
            }
        }
        Ok(n)
    }

    fn payload(&self) -> Payload {
        self.searcher
            .index()
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default()
    }

    pub(crate) fn stats(&self) -> Result<ShardStats> {
        let mut s = Stats::default();
        for kind in ALL_KINDS {
            let n = self.count_kind(kind)?;
            if n > 0 {
                s.records_by_kind.insert(kind.as_str().to_owned(), n);
                s.records += n;
            }
        }
        for u in self.unsearchable()? {
            *s.unsearchable_by_reason.entry(u.reason.code()).or_default() += 1;
            s.unsearchable += 1;
        }
        // From the `size` fast field: reading every file document from the
        // doc store would cost an unchanged re-index a third of its time.
        let files = self.term_query(self.fields.type_term(DOC_FILE));
        for addr in self.addresses(&files)? {
            let column = self
                .searcher
                .segment_reader(addr.segment_ord)
                .fast_fields()
                .u64("size")
                .map_err(|e| self.engine(e))?;
            s.files += 1;
            s.input_bytes += column.first(addr.doc_id).unwrap_or(0);
        }
        s.index_bytes = dir_size(&self.dir);
        let p = self.payload();
        Ok(ShardStats {
            name: self.name.clone(),
            roots: p.roots,
            updated_unix: p.updated_unix,
            complete: p.complete,
            stats: s,
        })
    }
}

/// All shards of an index directory, searched together. Cheap to share
/// between threads (`Send + Sync`); it sees the shards as they were
/// committed when it was opened.
pub struct IndexSet {
    dir: PathBuf,
    shards: Vec<Shard>,
}

impl std::fmt::Debug for IndexSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexSet")
            .field("dir", &self.dir)
            .field("shards", &self.shard_names())
            .finish()
    }
}

impl IndexSet {
    /// Opens every shard under `dir/shards/`. Fails when there is none.
    pub fn open(dir: &Path) -> Result<IndexSet> {
        let sd = shards_dir(dir);
        let rd = std::fs::read_dir(&sd).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::NoShards(dir.to_path_buf())
            } else {
                Error::io(&sd, e)
            }
        })?;
        let mut names: Vec<(String, PathBuf)> = rd
            .flatten()
            .filter(|e| e.path().join("meta.json").is_file())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        names.sort();
        if names.is_empty() {
            return Err(Error::NoShards(dir.to_path_buf()));
        }
        let shards = names
            .iter()
            .map(|(n, p)| Shard::open(n, p))
            .collect::<Result<Vec<_>>>()?;
        Ok(IndexSet {
            dir: dir.to_path_buf(),
            shards,
        })
    }

    pub(crate) fn from_shards(dir: &Path, shards: Vec<Shard>) -> IndexSet {
        IndexSet {
            dir: dir.to_path_buf(),
            shards,
        }
    }

    /// Names of the shards, sorted.
    pub fn shard_names(&self) -> Vec<String> {
        self.shards.iter().map(|s| s.name.clone()).collect()
    }

    /// Records whose `text`, `title` or `parties` contain any of `phrases`
    /// (each a phrase of words, analyzed like the index: case, accents,
    /// apostrophes and hyphens do not matter) OR whose identifier field holds
    /// any of `keys` (`sarx_detect::index_keys` forms, e.g.
    /// `nino:JM482761C`). At most `limit` records, best scores first
    /// (records matching more phrases and keys rank higher).
    pub fn candidates(
        &self,
        phrases: &[String],
        keys: &[String],
        limit: usize,
    ) -> Result<Vec<Record>> {
        let mut scored: Vec<(f32, Record)> = Vec::new();
        let mut analyzer = text_analyzer();
        let variants: Vec<PhraseTerms> = phrases
            .iter()
            .flat_map(|p| query_variants(&mut analyzer, p))
            .collect();
        let mut row_filter = RowFilter::new(analyzer, &variants, keys);
        for shard in &self.shards {
            let Some(q) = candidate_query(&shard.fields, &variants, keys) else {
                return Ok(Vec::new());
            };
            let n = shard.count(&q)?;
            let want = limit.min(usize::try_from(n).unwrap_or(usize::MAX));
            if want == 0 {
                continue;
            }
            let top = shard
                .searcher
                .search(&q, &TopDocs::with_limit(want).order_by_score())
                .map_err(|e| shard.engine(e))?;
            for (score, addr) in top {
                // A block of rows matched: keep the rows that match on
                // their own, as they would as separate documents.
                let filter = std::cell::RefCell::new(&mut row_filter);
                let records = shard.fields.matching_records(
                    &shard.doc(addr)?,
                    |r| filter.borrow_mut().header_matches(r),
                    |t| filter.borrow_mut().text_matches(t),
                )?;
                scored.extend(records.into_iter().map(|r| (score, r)));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        scored.truncate(limit);
        Ok(scored.into_iter().map(|(_, r)| r).collect())
    }

    /// The record with `id`, if any shard holds it.
    pub fn get(&self, id: &RecordId) -> Result<Option<Record>> {
        for shard in &self.shards {
            let f = &shard.fields;
            // A record document with this id, or a block of rows holding a
            // row whose id has this prefix.
            let block = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(shard.term_query(f.type_term(DOC_ROWS))) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(shard.term_query(f.term(f.id_prefix, id_prefix(id)))),
                ),
            ]);
            let q = BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(shard.term_query(f.term(f.id, id.as_str()))) as Box<dyn Query>,
                ),
                (Occur::Should, Box::new(block)),
            ]);
            for addr in shard.addresses(&q)? {
                let found = f
                    .records_of(&shard.doc(addr)?)?
                    .into_iter()
                    .find(|r| &r.id == id);
                if found.is_some() {
                    return Ok(found);
                }
            }
        }
        Ok(None)
    }

    /// The records whose parent is `id`, in extraction order.
    pub fn children(&self, id: &RecordId) -> Result<Vec<Record>> {
        let mut out = Vec::new();
        for shard in &self.shards {
            let f = &shard.fields;
            let q = BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(shard.term_query(f.type_term(DOC_RECORD))) as Box<dyn Query>,
                ),
                (
                    Occur::Must,
                    Box::new(shard.term_query(f.term(f.parent, id.as_str()))),
                ),
            ]);
            out.extend(shard.records_for(&q)?);
        }
        out.sort_by_key(|(ord, _)| *ord);
        Ok(out.into_iter().map(|(_, r)| r).collect())
    }

    /// Every unsearchable entry, sorted by source and locator.
    pub fn unsearchable(&self) -> Result<Vec<Unsearchable>> {
        let mut out = Vec::new();
        for shard in &self.shards {
            out.extend(shard.unsearchable()?);
        }
        out.sort_by(|a, b| (&a.source, &a.locator).cmp(&(&b.source, &b.locator)));
        Ok(out)
    }

    /// Counts over all shards, with one entry per shard in `shards`.
    pub fn stats(&self) -> Result<Stats> {
        let mut total = Stats::default();
        for shard in &self.shards {
            let s = shard.stats()?;
            total.files += s.stats.files;
            total.records += s.stats.records;
            total.unsearchable += s.stats.unsearchable;
            total.input_bytes += s.stats.input_bytes;
            total.index_bytes += s.stats.index_bytes;
            for (k, n) in &s.stats.records_by_kind {
                *total.records_by_kind.entry(k.clone()).or_default() += n;
            }
            for (k, n) in &s.stats.unsearchable_by_reason {
                *total.unsearchable_by_reason.entry(k.clone()).or_default() += n;
            }
            total.shards.push(s);
        }
        Ok(total)
    }

    /// Calls `visit` with every record of every shard (shard by shard, in
    /// index order). Stops at the first error `visit` returns.
    pub fn for_each_record<E>(
        &self,
        mut visit: impl FnMut(Record) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        for shard in &self.shards {
            let q = shard.term_query(shard.fields.type_term(DOC_RECORD));
            for addr in shard.addresses(&q)? {
                for r in shard.fields.records_of(&shard.doc(addr)?)? {
                    if let Err(e) = visit(r) {
                        return Ok(Err(e));
                    }
                }
            }
        }
        Ok(Ok(()))
    }

    /// The ids of every record (with repeats, if a bug ever stored one
    /// twice).
    pub fn record_ids(&self) -> Result<Vec<RecordId>> {
        let mut out = Vec::new();
        self.for_each_record(|r| -> std::result::Result<(), ()> {
            out.push(r.id);
            Ok(())
        })?
        .ok();
        Ok(out)
    }

    /// Number of records of `kind`.
    pub fn count_kind(&self, kind: Kind) -> Result<u64> {
        let mut n = 0;
        for shard in &self.shards {
            n += shard.count_kind(kind)?;
        }
        Ok(n)
    }
}

/// Which rows of a matching block match the candidate query on their own:
/// the same phrase semantics as tantivy's (terms at the given offsets) and
/// the same identifier keys, applied to one row.
struct RowFilter<'a> {
    analyzer: TextAnalyzer,
    variants: &'a [PhraseTerms],
    keys: &'a [String],
    /// Every term of every variant, sorted: a row's other tokens are not
    /// looked at further.
    terms: Vec<&'a str>,
}

impl<'a> RowFilter<'a> {
    fn new(analyzer: TextAnalyzer, variants: &'a [PhraseTerms], keys: &'a [String]) -> Self {
        let mut terms: Vec<&str> = variants
            .iter()
            .flat_map(|v| v.iter().map(|(_, t)| t.as_str()))
            .collect();
        terms.sort_unstable();
        terms.dedup();
        RowFilter {
            analyzer,
            variants,
            keys,
            terms,
        }
    }

    /// The parts every row of a block shares: title and parties.
    fn header_matches(&mut self, r: &Record) -> bool {
        let p = &r.parties;
        std::iter::once(&r.title)
            .chain(&p.author)
            .chain(&p.from)
            .chain(&p.to)
            .chain(&p.cc)
            .chain(&p.bcc)
            .any(|t| self.text_matches(t))
    }

    fn text_matches(&mut self, text: &str) -> bool {
        if !self.variants.is_empty() {
            // Positions of the tokens that are some variant's terms.
            let mut at: HashMap<&str, Vec<usize>> = HashMap::new();
            let mut stream = self.analyzer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                if let Ok(i) = self.terms.binary_search(&t.text.as_str()) {
                    at.entry(self.terms[i]).or_default().push(t.position);
                }
            }
            let has = |term: &str, pos: usize| at.get(term).is_some_and(|v| v.contains(&pos));
            for variant in self.variants {
                let Some((off0, t0)) = variant.first() else {
                    continue;
                };
                let Some(starts) = at.get(t0.as_str()) else {
                    continue;
                };
                let hit = starts.iter().any(|&p0| {
                    variant.iter().all(|(off, t)| {
                        (p0 + off).checked_sub(*off0).is_some_and(|pos| has(t, pos))
                    })
                });
                if hit {
                    return true;
                }
            }
        }
        !self.keys.is_empty()
            && sarx_detect::index_keys(text)
                .iter()
                .any(|k| self.keys.contains(k))
    }
}

/// `doc_type:record AND (phrase in text/title/parties OR ident:key ...)`.
fn candidate_query(f: &Fields, variants: &[PhraseTerms], keys: &[String]) -> Option<BooleanQuery> {
    let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    {
        for variant in variants {
            for field in [f.text, f.title, f.parties] {
                let terms: Vec<(usize, Term)> = variant
                    .iter()
                    .map(|(pos, t)| (*pos, Term::from_field_text(field, t)))
                    .collect();
                let q: Box<dyn Query> = match terms.as_slice() {
                    [] => continue,
                    [(_, t)] => Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs)),
                    _ => Box::new(PhraseQuery::new_with_offset(terms)),
                };
                should.push((Occur::Should, q));
            }
        }
    }
    for key in keys {
        should.push((
            Occur::Should,
            Box::new(TermQuery::new(
                Term::from_field_text(f.ident, key),
                IndexRecordOption::WithFreqs,
            )),
        ));
    }
    if should.is_empty() {
        return None;
    }
    Some(BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                f.type_term(DOC_RECORD),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (Occur::Must, Box::new(BooleanQuery::new(should))),
    ]))
}

/// Per-kind record counts, for summaries.
pub(crate) fn kind_counts(records: &[Record], into: &mut BTreeMap<String, u64>) {
    for r in records {
        *into.entry(r.kind.as_str().to_owned()).or_default() += 1;
    }
}

/// A text fast column with its dictionary read in full: looking up each
/// document's ordinal one by one would decode a dictionary block per file.
struct TextColumn {
    column: StrColumn,
    terms: Vec<String>,
}

impl TextColumn {
    fn open(column: StrColumn) -> std::io::Result<TextColumn> {
        let mut terms = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            terms.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        Ok(TextColumn { column, terms })
    }

    fn get(&self, doc: DocId) -> Option<&str> {
        let ord = self.column.term_ords(doc).next()?;
        self.terms
            .get(usize::try_from(ord).ok()?)
            .map(String::as_str)
    }
}

/// The fast columns of a segment's file documents.
struct FileColumns {
    source: TextColumn,
    hash: Option<TextColumn>,
    config: Option<TextColumn>,
    size: Column<u64>,
    mtime: Column<i64>,
    records: Column<u64>,
}

impl FileColumns {
    fn open(segment: &tantivy::SegmentReader) -> tantivy::Result<FileColumns> {
        let ff = segment.fast_fields();
        let missing = || tantivy::TantivyError::SchemaError("`file_key` has no fast column".into());
        let text = |name: &str| -> tantivy::Result<Option<TextColumn>> {
            Ok(ff.str(name)?.map(TextColumn::open).transpose()?)
        };
        Ok(FileColumns {
            source: text("file_key")?.ok_or_else(missing)?,
            hash: text("hash")?,
            config: text("config")?,
            size: ff.u64("size")?,
            mtime: ff.i64("mtime")?,
            records: ff.u64("records")?,
        })
    }

    fn get(&self, doc: DocId) -> Option<(String, Fingerprint, u64)> {
        let text = |c: Option<&TextColumn>| c.and_then(|c| c.get(doc)).map(str::to_owned);
        let fp = Fingerprint {
            size: self.size.first(doc)?,
            mtime_ns: self.mtime.first(doc)?,
            hash: text(self.hash.as_ref()),
            config: text(self.config.as_ref()).unwrap_or_default(),
        };
        let records = self.records.first(doc).unwrap_or(0);
        Some((text(Some(&self.source))?, fp, records))
    }
}
