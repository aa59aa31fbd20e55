//! References that link records: a case, complaint or account number
//! written beside the subject's name in a confirmed record finds the
//! records that give only that number (an ASB case's evidence log, a
//! panel's notes on a complaint), although the number is not in the
//! profile.
//!
//! One hop only, and only from records that name the subject and are
//! confident hits: a record found through an identifier alone links
//! nothing, so one wrong link never spreads. A record found this way is a
//! hit that needs review ([`CONFIDENCE_LINKED`]): the link says the
//! record belongs to a matter the subject is part of, not that it is about
//! them.
//!
//! **Which numbers link**: a reference-like token (see
//! [`crate::recognisers::reference`]) written as the value of a reference
//! label on its line — a reference noun, perhaps with a number word
//! (`Case ASB/2024/0117`, `Complaint CMP-…`, `Re: …`, `Our ref: …`,
//! `Case no. …`) — in the subject's block: within [`NEAR`] bytes of a
//! mention of the subject and of another of the subject's identifiers
//! (address, postcode, date of birth, …), with nobody else's postcode, NI
//! or NHS number among them; and of the labelled numbers, the nearest to
//! that mention (in minutes or a mail-merge of letters every matter gives
//! its own number, and the one beside the subject is theirs). Not the
//! subject's own identifiers (already searched, though they compete for
//! nearest) nor any other identifier the recognisers know (phones, NI
//! numbers, postcodes, …). A number found in more than [`MAX_LINKED_RECORDS`] records is a
//! template's or a scheme's, not one matter's: it links nothing.
//!
//! | confirmed record says | links |
//! |---|---|
//! | `Case number: ASB/2024/0117` | `ASB/2024/0117` |
//! | `Our ref: HM/2291/B` | `HM/2291/B` |
//! | `Item 1. CMP-2025-0042 (stage 2)` | no (no label) |
//! | `Vehicle: AB12CDE` | no (not a reference label) |
//! | `registered society (no. 30417R)` | no (not a reference label) |

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use sarx_model::Span;

use crate::entity::{Entity, EntityKind};
use crate::recognisers::reference::{is_reference_like, normalise_reference, reference_forms};
use crate::recognisers::{reference::reference_tokens, Recognisers};
use crate::text::{alnum_bounded, fold};

/// Confidence of a record found only through a linked reference: below
/// [`crate::HIGH`], so it needs review and a one-shot bundle leaves it out.
pub const CONFIDENCE_LINKED: f32 = 0.5;

/// A number found in more records than this links none of them.
pub const MAX_LINKED_RECORDS: usize = 25;

/// How near (bytes) a number must be to a mention of the subject and to
/// another of their identifiers to link: a case summary's or a letter's
/// heading, not the footer's registration number.
pub const NEAR: usize = 300;

/// Words that name a reference on their own (`Case ASB/2024/0117`).
const REFERENCE_NOUNS: &[&str] = &[
    "account",
    "acct",
    "application",
    "booking",
    "case",
    "claim",
    "complaint",
    "crime",
    "customer",
    "enquiry",
    "file",
    "incident",
    "job",
    "log",
    "matter",
    "order",
    "re",
    "ref",
    "reference",
    "referral",
    "tenancy",
    "ticket",
];

/// Words that may follow a reference noun (`Case no.`, `Tenancy number`).
const NUMBER_WORDS: &[&str] = &["id", "no", "nr", "num", "number"];

/// Normalised references (uppercase) that a confirmed record links: see the
/// module documentation. `evidence` is the subject's evidence in `text`
/// (the matcher's verdict); callers pass only confident hits that name the
/// subject ([`links_from`] says which).
pub fn linking_references(text: &str, evidence: &[Entity]) -> Vec<String> {
    let identifiers = Recognisers::shared().find(text);
    let is_name = |e: &Entity| matches!(e.kind, EntityKind::Name | EntityKind::Alias);
    let mentions: Vec<Span> = evidence
        .iter()
        .filter(|e| is_name(e))
        .map(|e| e.span)
        .collect();
    let corroborations: Vec<Span> = evidence
        .iter()
        .filter(|e| !is_name(e))
        .map(|e| e.span)
        .collect();
    // Somebody else's postcode, NI or NHS number: where it is, the text is
    // about them.
    let foreign: Vec<Span> = identifiers
        .iter()
        .filter(|x| {
            matches!(
                x.kind,
                EntityKind::Postcode | EntityKind::NiNumber | EntityKind::NhsNumber
            )
        })
        .filter(|x| !evidence.iter().any(|e| overlap(e.span, x.span)))
        .map(|x| x.span)
        .collect();
    // The subject's block: the number, a mention and a corroborating
    // identifier of the subject within `NEAR` bytes of it, and nobody
    // else's identifier among them.
    let in_block = |r: Span| {
        let near = |x: &&Span| gap(**x, r) <= NEAR;
        mentions.iter().filter(near).any(|m| {
            corroborations.iter().filter(near).any(|c| {
                let lo = r.start.min(m.start).min(c.start);
                let hi = r.end.max(m.end).max(c.end);
                !foreign.iter().any(|f| f.start >= lo && f.end <= hi)
            })
        })
    };
    // Labelled numbers: (span, normalised, the subject's own).
    let mut found: Vec<(Span, String, bool)> = Vec::new();
    for (s, e) in reference_tokens(text) {
        let span = Span::new(s, e);
        if identifiers.iter().any(|x| overlap(x.span, span)) || !labelled(text, s) {
            continue;
        }
        let own = evidence.iter().any(|x| overlap(x.span, span));
        if !own && !in_block(span) {
            continue;
        }
        if let Some(tok) = text.get(s..e) {
            found.push((span, normalise_reference(tok), own));
        }
    }
    // Each mention's nearest number, the subject's own ones competing too:
    // in minutes or a mail-merge of letters every matter gives its own
    // number, and the one beside the subject is theirs.
    let keep: Vec<&(Span, String, bool)> = mentions
        .iter()
        .filter_map(|m| found.iter().min_by_key(|(span, _, _)| gap(*m, *span)))
        .collect();
    let out: BTreeSet<String> = keep
        .into_iter()
        .filter(|(_, _, own)| !own)
        .map(|(_, r, _)| r.clone())
        .collect();
    out.into_iter().collect()
}

fn overlap(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

/// Bytes between two spans (0 when they overlap or touch).
fn gap(a: Span, b: Span) -> usize {
    if a.end <= b.start {
        b.start - a.end
    } else {
        a.start.saturating_sub(b.end)
    }
}

/// True when a verdict with this confidence and evidence may link other
/// records: a confident hit that names the subject.
pub fn links_from(confidence: f32, evidence: &[Entity]) -> bool {
    confidence >= crate::HIGH
        && evidence
            .iter()
            .any(|e| matches!(e.kind, EntityKind::Name | EntityKind::Alias))
}

/// True when the token at `start` is the value of a reference label on its
/// line.
fn labelled(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    let words: Vec<String> = line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .map(fold)
        .collect();
    // Only separators between the label and the token.
    let tail = line.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '#' | '.' | '-' | '–' | '(' | '=')
    });
    let Some(last) = words.first() else {
        return false;
    };
    if !fold(tail).ends_with(last.as_str()) {
        return false;
    }
    REFERENCE_NOUNS.contains(&last.as_str())
        || (NUMBER_WORDS.contains(&last.as_str())
            && words
                .get(1)
                .is_some_and(|w| REFERENCE_NOUNS.contains(&w.as_str())))
}

/// Finds the records that give linked references: the index query for
/// them and, for each record, where they are.
pub struct LinkedReferences {
    /// Every written form that keeps the letters, uppercase, with the
    /// reference it is a form of.
    forms: Vec<(String, usize)>,
    refs: Vec<String>,
    ac: Option<AhoCorasick>,
}

impl LinkedReferences {
    /// Compiles the references (normalised, as [`linking_references`]
    /// returns them). Written forms without the letter prefix are left out:
    /// for a number nobody confirmed, `2024/0117` alone is too weak.
    pub fn new(refs: &[String]) -> Self {
        let mut forms = Vec::new();
        for (i, r) in refs.iter().enumerate() {
            for f in reference_forms(r) {
                if f.chars().any(char::is_alphabetic) {
                    forms.push((f, i));
                }
            }
        }
        let ac = (!forms.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(forms.iter().map(|(f, _)| f))
                    .ok()
            })
            .flatten();
        LinkedReferences {
            forms,
            refs: refs.to_vec(),
            ac,
        }
    }

    /// The index query: phrases (forms written with spaces) and `ref:` keys
    /// (the other forms), as [`crate::SubjectMatcher::candidate_query`].
    pub fn candidate_query(&self) -> (Vec<String>, Vec<String>) {
        let mut phrases = Vec::new();
        let mut keys = Vec::new();
        for (f, _) in &self.forms {
            if f.contains(' ') {
                phrases.push(fold(f));
            } else if is_reference_like(f) {
                keys.push(format!("ref:{f}"));
            }
        }
        phrases.sort();
        phrases.dedup();
        keys.sort();
        keys.dedup();
        (phrases, keys)
    }

    /// Every linked reference in `text`, as evidence
    /// ([`EntityKind::LinkedReference`]), in text order.
    pub fn find(&self, text: &str) -> Vec<Entity> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        ac.find_iter(text)
            .filter(|m| alnum_bounded(text, m.start(), m.end()))
            .filter_map(|m| {
                let (_, i) = self.forms.get(m.pattern().as_usize())?;
                Some(Entity {
                    kind: EntityKind::LinkedReference,
                    span: Span::new(m.start(), m.end()),
                    normalised: self.refs.get(*i)?.clone(),
                    confidence: CONFIDENCE_LINKED,
                    recogniser: "linked_reference",
                })
            })
            .collect()
    }

    /// The references found in more than [`MAX_LINKED_RECORDS`] of
    /// `texts`: a template's or a scheme's numbers.
    pub fn too_common<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for t in texts {
            let seen: BTreeSet<String> = self.find(t).into_iter().map(|e| e.normalised).collect();
            for r in seen {
                *counts.entry(r).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .filter(|&(_, n)| n > MAX_LINKED_RECORDS)
            .map(|(r, _)| r)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_at(text: &str, name: &str) -> Entity {
        let start = text.find(name).unwrap();
        Entity {
            kind: EntityKind::Name,
            span: Span::new(start, start + name.len()),
            normalised: fold(name),
            confidence: 0.9,
            recogniser: "subject",
        }
    }

    fn own_postcode(text: &str) -> Entity {
        Entity {
            kind: EntityKind::Postcode,
            normalised: "LS62AB".into(),
            ..name_at(text, "LS6 2AB")
        }
    }

    /// The numbers linked by `text`, where the subject (Kevin O'Neill) is
    /// named once and their postcode follows the name.
    fn links(text: &str) -> Vec<String> {
        let text = text.replacen("Kevin O'Neill", "Kevin O'Neill, LS6 2AB", 1);
        linking_references(
            &text,
            &[name_at(&text, "Kevin O'Neill"), own_postcode(&text)],
        )
    }

    #[test]
    fn labelled_numbers_link() {
        for (text, want) in [
            (
                "ASB CASE SUMMARY\nCase number: ASB/2024/0117\nComplainant: Kevin O'Neill",
                vec!["ASB/2024/0117"],
            ),
            ("Kevin O'Neill\nOur ref: HM/2291/B", vec!["HM/2291/B"]),
            ("Re: asb-25-0117 - Kevin O'Neill", vec!["ASB-25-0117"]),
            (
                "Kevin O'Neill, complaint CMP-2025-0042.",
                vec!["CMP-2025-0042"],
            ),
            ("Kevin O'Neill. Booking ref # BK77120", vec!["BK77120"]),
            (
                "Kevin O'Neill\nCase no. ASB/2024/0117",
                vec!["ASB/2024/0117"],
            ),
            ("Kevin O'Neill. A registered society (no. 30417R).", vec![]),
            ("Item 1. CMP-2025-0042 (stage 2) Kevin O'Neill", vec![]),
            ("Kevin O'Neill. Vehicle: AB12CDE", vec![]),
            ("Kevin O'Neill. Case 12345", vec![]),
            // Another identifier the recognisers know is not a case number.
            ("Kevin O'Neill. Ref: JM482761C", vec![]),
        ] {
            assert_eq!(links(text), want, "{text}");
        }
    }

    #[test]
    fn the_subjects_own_reference_is_not_harvested() {
        let text = "Kevin O'Neill, tenancy ref TEN-0045127";
        let start = text.find("TEN").unwrap();
        let own = Entity {
            kind: EntityKind::Reference,
            span: Span::new(start, text.len()),
            normalised: "TEN-0045127".into(),
            confidence: 0.95,
            recogniser: "subject",
        };
        assert!(linking_references(text, &[name_at(text, "Kevin O'Neill"), own]).is_empty());
    }

    #[test]
    fn a_number_outside_the_subjects_block_does_not_link() {
        // No other identifier of the subject: a name alone confirms nothing.
        let text = "Case ASB/2024/0117\nKevin O'Neill";
        assert!(linking_references(text, &[name_at(text, "Kevin O'Neill")]).is_empty());
        // Somebody else's postcode between the number and the subject.
        let text = "Kevin O'Neill, LS6 2AB\nJohn Smith, LS7 3QR\nCase ASB/2024/0120";
        let evidence = [name_at(text, "Kevin O'Neill"), own_postcode(text)];
        assert!(linking_references(text, &evidence).is_empty());
    }

    #[test]
    fn a_number_far_from_the_subject_does_not_link() {
        let text = format!(
            "Case ASB/2024/0117\nKevin O'Neill{}Complaint CMP-2025-0042",
            " word".repeat(NEAR / 5 + 1)
        );
        assert_eq!(links(&text), vec!["ASB/2024/0117"]);
    }

    #[test]
    fn a_record_of_many_matters_links_the_nearest_to_the_subject() {
        let text = "PANEL\n\nCase ASB/2024/0101 - noise.\n\n\
                    Case ASB/2024/0117 - Kevin O'Neill, graffiti.\n\n\
                    Case ASB/2024/0120 - parking.\n\nCase ASB/2024/0133 - dogs.";
        assert_eq!(links(text), vec!["ASB/2024/0117"]);
        let two = "Case ASB/2024/0117 - Kevin O'Neill.\nCase ASB/2024/0120 - parking.";
        assert_eq!(links(two), vec!["ASB/2024/0117"]);
        // A mail-merge: the subject's own reference is the nearest, so the
        // letters before and after link nothing.
        let merge = "Mr A Charlton\nTenancy ref: T040764/03\nDear Mr Charlton\n\n\
                     Mr K O'Neill\nTenancy ref: T040054/04\nDear Mr O'Neill\n\n\
                     Ms K Milburn\nTenancy ref: T040798/03\nDear Ms Milburn\n\n\
                     Mr J Scott\nTenancy ref: T081704/04\nDear Mr Scott";
        let own_at = merge.find("T040054/04").unwrap();
        let own = Entity {
            kind: EntityKind::Reference,
            span: Span::new(own_at, own_at + 10),
            normalised: "T040054/04".into(),
            confidence: 0.95,
            recogniser: "subject",
        };
        let name = |n: &str| {
            let at = merge.find(n).unwrap();
            Entity {
                span: Span::new(at, at + n.len()),
                ..name_at(merge, n)
            }
        };
        let evidence = [name("K O'Neill"), own, name("Mr O'Neill")];
        assert!(linking_references(merge, &evidence).is_empty());
    }

    #[test]
    fn only_confident_named_hits_link() {
        let text = "Kevin O'Neill";
        let name = name_at(text, text);
        assert!(links_from(0.9, std::slice::from_ref(&name)));
        assert!(!links_from(0.6, std::slice::from_ref(&name)));
        let nino = Entity {
            kind: EntityKind::NiNumber,
            ..name
        };
        assert!(!links_from(0.95, &[nino]));
    }

    #[test]
    fn linked_references_are_found_in_their_written_forms_and_counted() {
        let l = LinkedReferences::new(&["ASB/2024/0117".to_owned()]);
        let (phrases, keys) = l.candidate_query();
        assert!(keys.contains(&"ref:ASB/2024/0117".to_owned()));
        assert!(keys.contains(&"ref:ASB20240117".to_owned()));
        assert!(phrases.contains(&"asb 2024 0117".to_owned()));
        // No form without the prefix.
        assert!(!keys.iter().any(|k| k.starts_with("ref:2024")));
        let text = "Case: asb 2024 0117. Not ASB/2024/01170, not 2024/0117.";
        let found = l.find(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span.slice(text), Some("asb 2024 0117"));
        assert_eq!(found[0].kind, EntityKind::LinkedReference);
        let texts: Vec<String> = (0..=MAX_LINKED_RECORDS)
            .map(|i| format!("{i}: ASB/2024/0117"))
            .collect();
        assert_eq!(
            l.too_common(texts.iter().map(String::as_str)).len(),
            1,
            "a number in {} records",
            MAX_LINKED_RECORDS + 1
        );
        assert!(l
            .too_common(texts.iter().skip(1).map(String::as_str))
            .is_empty());
    }
}
