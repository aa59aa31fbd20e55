//! The second stage of a subject search: verify candidate records in
//! parallel and assemble the report (`sarx search --json` prints
//! [`SearchReport`]).
//!
//! Pure: the caller fetches candidates (and the children of hit e-mails)
//! from the index; this module decides, de-duplicates and orders.

use sarx_model::metakey;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use sarx_model::{Kind, Record, RecordId, Unsearchable};
use serde::Serialize;

use crate::entity::Entity;
use crate::matcher::{SubjectMatcher, Verdict};

/// The outcome of a subject search: `{"hits":[…],"excluded":[…],"unsearchable":[…]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchReport {
    /// Records about the subject, by source and locator.
    pub hits: Vec<Hit>,
    /// Records that name the subject but are probably about somebody else.
    pub excluded: Vec<Excluded>,
    /// Files and parts that could not be searched (always reported).
    pub unsearchable: Vec<UnsearchableEntry>,
}

/// One record about the subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Top-level file as crawled.
    pub source: String,
    /// Where inside it (`""` for the whole file).
    pub locator: String,
    /// 0.0–1.0; at or above [`crate::HIGH`] is high, below needs review.
    pub confidence: f32,
    /// The subject's own data found in the record, with byte offsets.
    pub evidence: Vec<Evidence>,
    /// Record id.
    pub id: RecordId,
    /// Record kind.
    pub kind: Kind,
    /// Record title.
    pub title: String,
    /// Attachments of a hit e-mail (each verified as its own record).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// Every copy of this record (same `meta.dedup_key`), this one first.
    /// An attachment of a de-duplicated message is de-duplicated with it
    /// (same place under each copy) and lists the same number of locations;
    /// an identical attachment of a *different* message stays its own hit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<Location>,
    /// Conversation key of an e-mail hit, shared by every message of its
    /// thread (`sarx search` fills it with `sarx_extract::conversations`
    /// over the hits); `None` for other records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
}

/// One piece of evidence: a kind and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// `name`, `alias`, `ni_number`, `nhs_number`, `email`, `phone`,
    /// `postcode`, `address`, `date_of_birth`, `reference` or
    /// `linked_reference` (a case number a confident hit gives beside the
    /// subject's name: [`crate::linked`]).
    pub kind: &'static str,
    /// The text as written.
    pub text: String,
    /// First byte in the record's text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A record related to a hit (an attachment of a hit e-mail).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    /// Record id.
    pub id: RecordId,
    /// Top-level file.
    pub source: String,
    /// Locator.
    pub locator: String,
    /// Whether it is a hit itself.
    pub hit: bool,
}

/// Where one copy of a de-duplicated record sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// Top-level file.
    pub source: String,
    /// Locator.
    pub locator: String,
}

/// A record excluded as a probable different person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    /// Top-level file.
    pub source: String,
    /// Locator.
    pub locator: String,
    /// Why (no personal data).
    pub reason: String,
    /// Record id.
    pub id: RecordId,
}

/// A file or part that could not be searched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnsearchableEntry {
    /// Top-level file.
    pub source: String,
    /// Where inside it.
    pub locator: String,
    /// Reason code (`encrypted`, `limit_exceeded:compression_ratio`, …).
    pub reason: String,
    /// Human-readable detail.
    pub detail: String,
}

impl From<&Unsearchable> for UnsearchableEntry {
    fn from(u: &Unsearchable) -> Self {
        UnsearchableEntry {
            source: u.source.clone(),
            locator: u.locator.clone(),
            reason: u.reason.code(),
            detail: u.detail.clone(),
        }
    }
}

/// Adds `copy` to `kept`'s locations (starting them with `kept` itself).
fn add_location(kept: &mut Hit, copy: Location, confidence: f32) {
    if kept.locations.is_empty() {
        kept.locations.push(Location {
            source: kept.source.clone(),
            locator: kept.locator.clone(),
        });
    }
    kept.locations.push(copy);
    kept.confidence = kept.confidence.max(confidence);
}

/// Where the record at (`source`, `locator`) sits under the kept copy when
/// it is inside a message copy that was merged away (the deepest such copy).
/// `merged` maps (source, locator) of each copy merged away to the kept one;
/// only the locator's own prefixes are looked up, so this is cheap however
/// many copies were merged.
fn twin_under_kept_copy(
    merged: &HashMap<(String, String), Location>,
    source: &str,
    locator: &str,
) -> Option<Location> {
    let mut cuts: Vec<usize> = locator.match_indices('/').map(|(i, _)| i).collect();
    cuts.reverse();
    let prefixes = cuts
        .into_iter()
        .filter_map(|i| Some((locator.get(..i)?, locator.get(i + 1..)?)))
        .chain(std::iter::once(("", locator)));
    for (prefix, rest) in prefixes {
        if rest.is_empty() {
            continue;
        }
        if let Some(kept) = merged.get(&(source.to_owned(), prefix.to_owned())) {
            let twin = if kept.locator.is_empty() {
                rest.to_owned()
            } else {
                format!("{}/{rest}", kept.locator)
            };
            return Some(Location {
                source: kept.source.clone(),
                locator: twin,
            });
        }
    }
    None
}

fn evidence_of(text: &str, e: &Entity) -> Evidence {
    Evidence {
        kind: e.kind.as_str(),
        text: e.span.slice(text).unwrap_or("").to_owned(),
        start: e.span.start,
        end: e.span.end,
    }
}

/// Verifies every candidate, in parallel on the current rayon pool; the
/// verdicts come back in candidate order.
pub fn verify_all(matcher: &SubjectMatcher, candidates: &[Record]) -> Vec<Verdict> {
    candidates.par_iter().map(|r| matcher.verify(r)).collect()
}

/// Verifies every candidate on a pool of `threads` threads (default: one
/// per core); verdicts come back in candidate order.
pub fn verify_parallel(
    matcher: &SubjectMatcher,
    candidates: &[Record],
    threads: Option<usize>,
) -> Vec<Verdict> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads.filter(|&n| n > 0) {
        b = b.num_threads(n);
    }
    match b.build() {
        Ok(pool) => pool.install(|| verify_all(matcher, candidates)),
        Err(_) => verify_all(matcher, candidates),
    }
}

/// Assembles the report from candidates and their verdicts (same order).
/// `children` returns the children of a hit e-mail (its attachments), for
/// `related`. Hits sharing `meta.dedup_key` become one hit with every
/// location. Output is sorted by source and locator.
pub fn assemble(
    candidates: &[Record],
    verdicts: Vec<Verdict>,
    unsearchable: &[Unsearchable],
    mut children: impl FnMut(&RecordId) -> Vec<(RecordId, String, String)>,
) -> SearchReport {
    let mut hits: Vec<(Hit, Option<String>)> = Vec::new();
    let mut excluded = Vec::new();
    for (r, v) in candidates.iter().zip(verdicts) {
        match v {
            Verdict::Hit {
                confidence,
                evidence,
            } => {
                let evidence = evidence.iter().map(|e| evidence_of(&r.text, e)).collect();
                hits.push((
                    Hit {
                        source: r.source.clone(),
                        locator: r.locator.clone(),
                        confidence,
                        evidence,
                        id: r.id.clone(),
                        kind: r.kind,
                        title: r.title.clone(),
                        related: Vec::new(),
                        locations: Vec::new(),
                        thread: None,
                    },
                    r.meta
                        .get(metakey::DEDUP_KEY)
                        .filter(|k| !k.is_empty())
                        .cloned(),
                ));
            }
            Verdict::Excluded { reason } => excluded.push(Excluded {
                source: r.source.clone(),
                locator: r.locator.clone(),
                reason,
                id: r.id.clone(),
            }),
            Verdict::NoMatch => {}
        }
    }
    hits.sort_by(|a, b| (&a.0.source, &a.0.locator).cmp(&(&b.0.source, &b.0.locator)));
    let hit_ids: std::collections::HashSet<RecordId> =
        hits.iter().map(|(h, _)| h.id.clone()).collect();

    // De-duplicate: the first copy (by source, locator) carries the others.
    let mut out: Vec<Hit> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    // (source, locator) of a copy merged away → (source, locator) of the kept one.
    let mut merged: HashMap<(String, String), Location> = HashMap::new();
    for (hit, key) in hits {
        if let Some(k) = key {
            if let Some(&i) = by_key.get(&k) {
                if let Some(first) = out.get_mut(i) {
                    let copy = Location {
                        source: hit.source,
                        locator: hit.locator,
                    };
                    merged.insert(
                        (copy.source.clone(), copy.locator.clone()),
                        Location {
                            source: first.source.clone(),
                            locator: first.locator.clone(),
                        },
                    );
                    add_location(first, copy, hit.confidence);
                    continue;
                }
            }
            by_key.insert(k, out.len());
        }
        out.push(hit);
    }
    // Attachments of a copy merged away: merged into the attachment at the
    // same place under the kept copy, so they stay with their parent.
    if !merged.is_empty() {
        let index: BTreeMap<(String, String), usize> = out
            .iter()
            .enumerate()
            .map(|(i, h)| ((h.source.clone(), h.locator.clone()), i))
            .collect();
        let mut gone = vec![false; out.len()];
        for i in 0..out.len() {
            let Some(h) = out.get(i) else { continue };
            let Some(twin) = twin_under_kept_copy(&merged, &h.source, &h.locator) else {
                continue;
            };
            let Some(&t) = index.get(&(twin.source, twin.locator)) else {
                continue;
            };
            if t == i {
                continue;
            }
            let copy = Location {
                source: h.source.clone(),
                locator: h.locator.clone(),
            };
            let confidence = h.confidence;
            if let Some(kept) = out.get_mut(t) {
                add_location(kept, copy, confidence);
                if let Some(g) = gone.get_mut(i) {
                    *g = true;
                }
            }
        }
        let mut flags = gone.into_iter();
        out.retain(|_| !flags.next().unwrap_or(false));
    }
    for hit in &mut out {
        if hit.kind == Kind::Email {
            hit.related = children(&hit.id)
                .into_iter()
                .map(|(id, source, locator)| Related {
                    hit: hit_ids.contains(&id),
                    id,
                    source,
                    locator,
                })
                .collect();
        }
    }
    excluded.sort_by(|a, b| (&a.source, &a.locator).cmp(&(&b.source, &b.locator)));
    SearchReport {
        hits: out,
        excluded,
        unsearchable: unsearchable.iter().map(UnsearchableEntry::from).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SubjectProfile;

    fn rec(source: &str, locator: &str, kind: Kind, text: &str) -> Record {
        let mut r = Record::new(source, locator, kind);
        r.text = text.to_owned();
        r
    }

    #[test]
    fn dedups_relates_and_sorts() {
        let p =
            SubjectProfile::from_toml_str("name = \"Margaret Okafor\"\nni_number = \"JM482761C\"")
                .unwrap();
        let m = SubjectMatcher::new(&p);
        let mut a = rec(
            "b.mbox",
            "message 1",
            Kind::Email,
            "From: x@example.org\n\nNI JM482761C",
        );
        a.meta.insert("dedup_key".into(), "k1".into());
        let mut b = rec(
            "a.pst",
            "Inbox/message 3",
            Kind::Email,
            "From: x@example.org\n\nNI JM482761C",
        );
        b.meta.insert("dedup_key".into(), "k1".into());
        let c = rec("c.txt", "", Kind::Text, "Margaret Okafor, NI AB123456C");
        let d = rec("d.txt", "", Kind::Text, "nothing");
        let att = rec("a.pst", "Inbox/message 3/attachment x.pdf", Kind::Pdf, "");
        let cands = vec![a, b.clone(), c, d];
        let verdicts = pool(|| verify_all(&m, &cands));
        let report = assemble(&cands, verdicts, &[], |id| {
            if *id == b.id {
                vec![(att.id.clone(), att.source.clone(), att.locator.clone())]
            } else {
                vec![]
            }
        });
        assert_eq!(report.hits.len(), 1);
        let h = &report.hits[0];
        assert_eq!(
            (h.source.as_str(), h.locator.as_str()),
            ("a.pst", "Inbox/message 3")
        );
        assert_eq!(h.locations.len(), 2);
        assert_eq!(h.related.len(), 1);
        assert!(!h.related[0].hit);
        assert_eq!(h.evidence[0].kind, "ni_number");
        assert_eq!(h.evidence[0].text, "JM482761C");
        assert_eq!(report.excluded.len(), 1);
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["hits"][0]["confidence"].is_number());
        assert!(json["unsearchable"].is_array());
    }

    #[test]
    fn attachments_follow_their_deduplicated_message() {
        let p =
            SubjectProfile::from_toml_str("name = \"Margaret Okafor\"\nni_number = \"JM482761C\"")
                .unwrap();
        let m = SubjectMatcher::new(&p);
        let body = "From: x@example.org\n\nNI JM482761C";
        let survey = "Survey for Margaret Okafor, NI JM482761C";
        // The same message in an mbox and as a top-level .eml, each with its
        // attachment; the same attachment also sent in another message.
        let mut a = rec("a/export.mbox", "message 3", Kind::Email, body);
        a.meta.insert("dedup_key".into(), "k1".into());
        let a_att = rec(
            "a/export.mbox",
            "message 3/attachment s.txt",
            Kind::Text,
            survey,
        );
        let mut b = rec("b/inbox/fw.eml", "", Kind::Email, body);
        b.meta.insert("dedup_key".into(), "k1".into());
        let b_att = rec("b/inbox/fw.eml", "attachment s.txt", Kind::Text, survey);
        let mut other = rec("a/export.mbox", "message 2", Kind::Email, body);
        other.meta.insert("dedup_key".into(), "k2".into());
        let other_att = rec(
            "a/export.mbox",
            "message 2/attachment s.txt",
            Kind::Text,
            survey,
        );
        let cands = vec![b_att, b, a_att, a, other_att, other];
        let verdicts = pool(|| verify_all(&m, &cands));
        let report = assemble(&cands, verdicts, &[], |_| vec![]);
        type Row<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
        let got: Vec<Row<'_>> = report
            .hits
            .iter()
            .map(|h| {
                (
                    h.source.as_str(),
                    h.locator.as_str(),
                    h.locations
                        .iter()
                        .map(|l| (l.source.as_str(), l.locator.as_str()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a/export.mbox", "message 2", vec![]),
                ("a/export.mbox", "message 2/attachment s.txt", vec![]),
                (
                    "a/export.mbox",
                    "message 3",
                    vec![("a/export.mbox", "message 3"), ("b/inbox/fw.eml", "")]
                ),
                (
                    "a/export.mbox",
                    "message 3/attachment s.txt",
                    vec![
                        ("a/export.mbox", "message 3/attachment s.txt"),
                        ("b/inbox/fw.eml", "attachment s.txt")
                    ]
                ),
            ]
        );
        assert!(report.hits.iter().all(|h| h.thread.is_none()));
    }

    #[test]
    fn twins_are_found_by_locator_prefix() {
        let loc = |s: &str, l: &str| Location {
            source: s.into(),
            locator: l.into(),
        };
        let mut merged = HashMap::new();
        merged.insert(
            ("a.pst".to_owned(), "Inbox/Repairs/message 14".to_owned()),
            loc("b.mbox", "message 2"),
        );
        merged.insert(
            ("c.eml".to_owned(), String::new()),
            loc("b.mbox", "message 2"),
        );
        let twin = |s: &str, l: &str| twin_under_kept_copy(&merged, s, l);
        assert_eq!(
            twin(
                "a.pst",
                "Inbox/Repairs/message 14/attachment pack.zip/x.docx"
            ),
            Some(loc("b.mbox", "message 2/attachment pack.zip/x.docx"))
        );
        assert_eq!(
            twin("a.pst", "Inbox/Repairs/message 140/attachment y"),
            None
        );
        assert_eq!(twin("a.pst", "Inbox/Repairs/message 14"), None);
        assert_eq!(twin("b.pst", "Inbox/Repairs/message 14/attachment y"), None);
        assert_eq!(
            twin("c.eml", "attachment y"),
            Some(loc("b.mbox", "message 2/attachment y"))
        );
        assert_eq!(twin("c.eml", ""), None);
    }

    fn pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(f)
    }
}
