//! Finds every record about a data subject in an index.
//!
//! 1. **Candidates**: the index returns every record with any written form
//!    of the subject's names and aliases or any of their identifier keys.
//! 2. **Verification**: the subject matcher reads each candidate on every
//!    core, locates every mention with byte offsets, scores confidence and
//!    excludes probable namesakes.
//! 3. **Linked records**: the case and account numbers that confident hits
//!    give beside the subject's name ([`sarx_detect::linked`]) are looked up
//!    in turn; records that give only such a number are hits that need
//!    review.
//! 4. **Assembly**: copies are merged, hit e-mails list their attachments,
//!    e-mail hits get their conversation, unsearchable files are listed.

use std::collections::{HashMap, HashSet};

use sarx_detect::linked::{linking_references, links_from, LinkedReferences, CONFIDENCE_LINKED};
use sarx_detect::search::{assemble, verify_parallel, SearchReport};
use sarx_detect::{SubjectMatcher, SubjectProfile, Verdict};
use sarx_index::IndexSet;
use sarx_model::{Kind, Record, RecordId};

use crate::Error;

/// Most candidates one search considers. A subject with more records than
/// this in one index is not plausible; the limit only bounds memory.
const CANDIDATE_LIMIT: usize = 5_000_000;

/// Most linked references one search looks up: a subject whose confident
/// records give more case numbers than this is part of a long history the
/// caseworker reviews anyway; the bound keeps the second query small.
const MAX_LINKED_REFERENCES: usize = 256;

/// How a search runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchOptions {
    /// Verification threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Look up the records linked by case numbers (stage 3).
    pub linked: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            threads: None,
            linked: true,
        }
    }
}

/// Searches `set` for the subject of `profile`.
pub fn search(
    set: &IndexSet,
    profile: &SubjectProfile,
    options: &SearchOptions,
) -> Result<SearchReport, Error> {
    let matcher = SubjectMatcher::new(profile);
    let (phrases, keys) = matcher.candidate_query();
    let mut candidates = set
        .candidates(&phrases, &keys, CANDIDATE_LIMIT)
        .map_err(Error::index("querying the index"))?;
    tracing::info!(candidates = candidates.len(), "candidates from the index");
    let mut verdicts = verify_parallel(&matcher, &candidates, options.threads);
    if options.linked {
        add_linked(set, &mut candidates, &mut verdicts)?;
    }
    let unsearchable = set
        .unsearchable()
        .map_err(Error::index("listing unsearchable files"))?;
    let mut child_error = None;
    let mut report = assemble(&candidates, verdicts, &unsearchable, |id| {
        match set.children(id) {
            Ok(c) => c.into_iter().map(|r| (r.id, r.source, r.locator)).collect(),
            Err(e) => {
                child_error.get_or_insert(e);
                Vec::new()
            }
        }
    });
    if let Some(e) = child_error {
        return Err(Error::index("reading attachments of hit e-mails")(e));
    }
    fill_threads(&mut report, &candidates);
    Ok(report)
}

/// Stage 3: looks up the references that confident hits link and turns
/// the records giving only those into hits that need review (appended to
/// `candidates` and `verdicts`, or replacing a candidate's "no match").
fn add_linked(
    set: &IndexSet,
    candidates: &mut Vec<Record>,
    verdicts: &mut Vec<Verdict>,
) -> Result<(), Error> {
    let mut refs: Vec<String> = Vec::new();
    for (r, v) in candidates.iter().zip(verdicts.iter()) {
        if let Verdict::Hit {
            confidence,
            evidence,
        } = v
        {
            if links_from(*confidence, evidence) {
                refs.extend(linking_references(&r.text, evidence));
            }
        }
    }
    refs.sort();
    refs.dedup();
    refs.truncate(MAX_LINKED_REFERENCES);
    if refs.is_empty() {
        return Ok(());
    }
    let links = LinkedReferences::new(&refs);
    let (phrases, keys) = links.candidate_query();
    let found = set
        .candidates(&phrases, &keys, CANDIDATE_LIMIT)
        .map_err(Error::index("querying linked references"))?;
    let common = links.too_common(found.iter().map(|r| r.text.as_str()));
    tracing::info!(
        references = refs.len(),
        too_common = common.len(),
        records = found.len(),
        "linked references"
    );
    let at: HashMap<RecordId, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut added: HashSet<RecordId> = HashSet::new();
    let mut extra = Vec::new();
    for record in found {
        if matches!(record.kind, Kind::Spreadsheet | Kind::Csv | Kind::Archive) {
            // Never the whole sheet: its rows are records of their own.
            continue;
        }
        let evidence: Vec<_> = links
            .find(&record.text)
            .into_iter()
            .filter(|e| !common.contains(&e.normalised))
            .collect();
        if evidence.is_empty() {
            continue;
        }
        let verdict = Verdict::Hit {
            confidence: CONFIDENCE_LINKED,
            evidence,
        };
        match at.get(&record.id).and_then(|&i| verdicts.get_mut(i)) {
            // A hit or an exclusion of stage 2 stands.
            Some(v) if matches!(v, Verdict::NoMatch) => *v = verdict,
            Some(_) => {}
            None => {
                if added.insert(record.id.clone()) {
                    extra.push((record, verdict));
                }
            }
        }
    }
    for (record, verdict) in extra {
        candidates.push(record);
        verdicts.push(verdict);
    }
    Ok(())
}

/// Sets each e-mail hit's `thread`: its conversation among the hits, so a
/// reply whose client dropped its References still joins its thread.
fn fill_threads(report: &mut SearchReport, candidates: &[Record]) {
    let by_id: HashMap<&RecordId, &Record> = candidates.iter().map(|r| (&r.id, r)).collect();
    let (at, records): (Vec<usize>, Vec<&Record>) = report
        .hits
        .iter()
        .enumerate()
        .filter_map(|(i, h)| by_id.get(&h.id).map(|r| (i, *r)))
        .unzip();
    for (i, thread) in at.into_iter().zip(sarx_extract::conversations(&records)) {
        if let Some(hit) = report.hits.get_mut(i) {
            hit.thread = thread;
        }
    }
}
