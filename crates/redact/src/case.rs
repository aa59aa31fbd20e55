//! Consistency across a case: the same third party gets the same treatment
//! in every record — headers, quoted reply chains, duplicate copies,
//! attachments, spreadsheet rows.
//!
//! [`CasePlanner::plan_case`] plans every record on its own (in parallel),
//! then spreads what is safe to spread to every other occurrence in every
//! record: a third party's full name (two or more name words, or a title
//! and a surname) and identifiers, contacts and addresses. It never spreads
//! a single word (a lone surname is found, or not, by each record's own
//! pass, where the model reads its context), a string that is the subject's
//! own name or identifier (a namesake's name stays visible where it is the
//! subject's), a member of staff's name, the organisation's own or public
//! names, or special-category cues. An occurrence the record's own plan
//! keeps (the subject, staff, public) is never overridden.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use sarx_detect::SubjectMatcher;
use sarx_model::{Record, Span};

use crate::engine::{ConfirmedNames, Engine};
use crate::plan::{Category, RecordPlan, Redaction, BASIS_THIRD_PARTY, REASON_THIRD_PARTY};
use crate::recognisers::{person_name, word_bounded};

/// Plans a whole case consistently.
pub struct CasePlanner<'a> {
    engine: &'a Engine,
    subject: Option<&'a SubjectMatcher>,
}

#[derive(Debug, Clone)]
struct Known {
    category: Category,
    party: String,
}

impl<'a> CasePlanner<'a> {
    /// A planner for one subject's case.
    pub fn new(engine: &'a Engine, subject: Option<&'a SubjectMatcher>) -> Self {
        CasePlanner { engine, subject }
    }

    /// True when a redacted string may be redacted wherever else it occurs.
    fn spreads(&self, category: Category, s: &str) -> bool {
        if s.chars().count() < 3 || self.engine.is_public_name(s) {
            return false;
        }
        if self.subject.is_some_and(|m| {
            m.is_subject_name(s)
                || m.subject_spans(s)
                    .iter()
                    .any(|e| e.span.end - e.span.start == s.len())
        }) {
            return false;
        }
        match category {
            Category::SpecialCategory => false,
            Category::ThirdPartyName => {
                let words: Vec<&str> = s
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| w.chars().any(char::is_alphabetic))
                    .collect();
                let titled = words.first().is_some_and(|w| person_name::is_title(w));
                let name_words = words.len() - usize::from(titled);
                (name_words >= 2 || (titled && name_words == 1))
                    && !self.engine.staff().is_staff_name(s, titled)
            }
            // Identifiers, contacts, addresses: distinctive by their form.
            _ => s.chars().any(|c| c.is_ascii_digit() || c == '@') || s.contains(' '),
        }
    }

    /// Plans every record; the result is in the same order as `records`.
    pub fn plan_case(&self, records: &[Record]) -> Vec<RecordPlan> {
        let confirmed = ConfirmedNames::default();
        let mut plans: Vec<RecordPlan> = records
            .par_iter()
            .map(|r| {
                self.engine
                    .plan_in_case(&r.id, &r.text, self.subject, Some(&confirmed))
            })
            .collect();
        // 1. Every third-party string safe to spread, by lowercase form.
        let mut known: BTreeMap<String, Known> = BTreeMap::new();
        for (r, p) in records.iter().zip(&plans) {
            for red in &p.redactions {
                let Some(s) = r.text.get(red.span.start..red.span.end) else {
                    continue;
                };
                let s = s.trim();
                if !self.spreads(red.category, s) {
                    continue;
                }
                known.entry(s.to_lowercase()).or_insert(Known {
                    category: red.category,
                    party: red.party.clone(),
                });
            }
        }
        if known.is_empty() {
            return plans;
        }
        let pats: Vec<&String> = known.keys().collect();
        let metas: Vec<&Known> = known.values().collect();
        let Ok(ac) = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
        else {
            return plans;
        };
        // 2. Redact every occurrence not already covered or kept.
        for (r, p) in records.iter().zip(plans.iter_mut()) {
            let text = &r.text;
            let mut added = Vec::new();
            for m in ac.find_iter(text) {
                let span = Span::new(m.start(), m.end());
                if !word_bounded(text, span.start, span.end) {
                    continue;
                }
                let Some(k) = metas.get(m.pattern().as_usize()) else {
                    continue;
                };
                let covered = p
                    .redactions
                    .iter()
                    .any(|x| x.span.start <= span.start && span.end <= x.span.end);
                let kept = p
                    .kept
                    .iter()
                    .any(|x| Span::new(x.span.start, x.span.end).overlaps(&span));
                if covered || kept {
                    continue;
                }
                added.push(Redaction {
                    id: String::new(),
                    span: Span::new(span.start, span.end),
                    category: k.category,
                    reason_code: REASON_THIRD_PARTY.to_owned(),
                    legal_basis: BASIS_THIRD_PARTY.to_owned(),
                    confidence: 0.8,
                    recogniser: "case_consistency".to_owned(),
                    party: k.party.clone(),
                });
            }
            if !added.is_empty() {
                p.redactions.extend(added);
                p.warnings = crate::engine::identifiability_warnings(text, &p.redactions);
                p.normalise();
            }
        }
        plans
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StaffDirectory;
    use sarx_detect::SubjectProfile;
    use sarx_model::Kind;

    fn engine() -> Engine {
        let staff = StaffDirectory::from_reader(
            "name,job_title,organisation,email,phone\n\
             Priya Chaudhry,Housing Officer,Fernbank Homes,p.chaudhry@example.org,0113 496 0500\n"
                .as_bytes(),
        )
        .unwrap();
        Engine::builder()
            .staff(staff)
            .public_names(["Fernbank Homes"])
            .build()
            .unwrap()
    }

    fn subject() -> SubjectMatcher {
        SubjectMatcher::new(
            &SubjectProfile::from_toml_str(
                "name = \"Grace Adeyemi\"\nreferences = [\"TEN-0045290\"]\n",
            )
            .unwrap(),
        )
    }

    fn record(i: usize, text: &str) -> Record {
        let mut r = Record::new(&format!("r{i}.txt"), "", Kind::Text);
        r.text = text.to_owned();
        r
    }

    #[test]
    fn what_spreads() {
        let e = engine();
        let m = subject();
        let p = CasePlanner::new(&e, Some(&m));
        let name = Category::ThirdPartyName;
        assert!(p.spreads(name, "Janet Smith"));
        assert!(p.spreads(name, "Mrs Smith"));
        assert!(!p.spreads(name, "Smith"), "a single word");
        assert!(!p.spreads(name, "Grace Adeyemi"), "the subject's own name");
        assert!(!p.spreads(name, "Priya Chaudhry"), "staff");
        assert!(!p.spreads(name, "Fernbank Homes"), "the organisation");
        let id = Category::ThirdPartyIdentifier;
        assert!(!p.spreads(id, "TEN-0045290"), "the subject's own reference");
        assert!(p.spreads(id, "TEN-0099999"));
        assert!(!p.spreads(Category::SpecialCategory, "hearing impaired"));
    }

    #[test]
    fn a_full_name_spreads_a_word_does_not_and_the_subject_stays() {
        let e = engine();
        let m = subject();
        let records = [
            record(
                0,
                "Grace Adeyemi says her neighbour Janet Smith shouted. Kevin too.",
            ),
            record(1, "Note: janet smith called again; grace adeyemi was out."),
            record(2, "The kevin of the estate, per Grace Adeyemi."),
        ];
        let plans = CasePlanner::new(&e, Some(&m)).plan_case(&records);
        let redacted = |k: usize| -> Vec<&str> {
            plans[k]
                .redactions
                .iter()
                .filter_map(|x| records[k].text.get(x.span.start..x.span.end))
                .collect()
        };
        assert!(redacted(0).contains(&"Janet Smith"), "{:?}", redacted(0));
        assert!(redacted(1).contains(&"janet smith"), "{:?}", redacted(1));
        for k in 0..3 {
            assert!(
                !redacted(k)
                    .iter()
                    .any(|s| s.to_lowercase().contains("adeyemi")),
                "record {k}: the subject's name is redacted: {:?}",
                redacted(k)
            );
        }
        assert!(
            !redacted(2).iter().any(|s| s.eq_ignore_ascii_case("kevin")),
            "a single word spread: {:?}",
            redacted(2)
        );
    }
}
