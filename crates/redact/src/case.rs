//! Consistency across a case: the same third party gets the same treatment
//! in every record — headers, quoted reply chains, duplicate copies,
//! attachments, spreadsheet rows.
//!
//! [`CasePlanner::plan_case`] plans every record on its own, then gathers
//! every third-party string that was redacted anywhere (names, contacts,
//! identifiers, addresses) and redacts every other occurrence of it in every
//! record. Once a third party is known by full name, bare mentions of the
//! surname or forename elsewhere in the case (`Smith said…`) are redacted
//! too — unless that word is one of the data subject's own names, a member
//! of staff's, or a common word.

use std::collections::{BTreeMap, HashSet};

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use sarx_detect::SubjectMatcher;
use sarx_model::{Record, Span};

use crate::engine::Engine;
use crate::plan::{
    Category, KeepReason, RecordPlan, Redaction, BASIS_THIRD_PARTY, REASON_THIRD_PARTY,
};
use crate::recognisers::word_bounded;

/// Plans a whole case consistently.
pub struct CasePlanner<'a> {
    engine: &'a Engine,
    subject: Option<&'a SubjectMatcher>,
}

#[derive(Debug, Clone)]
struct Known {
    category: Category,
    party: String,
    /// Bare name words need a capital letter where they are found.
    needs_capital: bool,
}

impl<'a> CasePlanner<'a> {
    /// A planner for one subject's case.
    pub fn new(engine: &'a Engine, subject: Option<&'a SubjectMatcher>) -> Self {
        CasePlanner { engine, subject }
    }

    /// Plans every record; the result is in the same order as `records`.
    pub fn plan_case(&self, records: &[Record]) -> Vec<RecordPlan> {
        let mut plans: Vec<RecordPlan> = records
            .iter()
            .map(|r| self.engine.plan(r, self.subject))
            .collect();
        // 1. Every third-party string redacted anywhere, by lowercase form.
        let mut known: BTreeMap<String, Known> = BTreeMap::new();
        let mut kept_words: HashSet<String> = HashSet::new();
        for (r, p) in records.iter().zip(&plans) {
            for k in &p.kept {
                if let Some(s) = r.text.get(k.start..k.end) {
                    if matches!(
                        k.reason,
                        KeepReason::Subject
                            | KeepReason::Staff
                            | KeepReason::Professional
                            | KeepReason::Public
                    ) {
                        for w in s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-') {
                            if !w.is_empty() {
                                kept_words.insert(w.to_lowercase());
                            }
                        }
                    }
                }
            }
        }
        for (r, p) in records.iter().zip(&plans) {
            for red in &p.redactions {
                if red.category == Category::SpecialCategory {
                    continue;
                }
                let Some(s) = r.text.get(red.start..red.end) else {
                    continue;
                };
                let s = s.trim();
                if s.chars().count() < 3 {
                    continue;
                }
                known.entry(s.to_lowercase()).or_insert(Known {
                    category: red.category,
                    party: red.party.clone(),
                    needs_capital: false,
                });
                if red.category == Category::ThirdPartyName {
                    let words: Vec<&str> = s
                        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
                        .filter(|w| w.chars().count() >= 3)
                        .collect();
                    if words.len() < 2 {
                        continue;
                    }
                    for w in words {
                        let lw = w.to_lowercase();
                        let bare_ok = !kept_words.contains(&lw)
                            && !self.subject.is_some_and(|m| m.is_subject_name(w))
                            && !self.engine.staff().is_staff_name(w, true)
                            && self.engine.person_names().is_usable_bare(&lw);
                        if bare_ok {
                            known.entry(lw).or_insert(Known {
                                category: Category::ThirdPartyName,
                                party: red.party.clone(),
                                needs_capital: true,
                            });
                        }
                    }
                }
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
                if k.needs_capital
                    && !text
                        .get(span.start..span.end)
                        .and_then(|s| s.chars().next())
                        .is_some_and(char::is_uppercase)
                {
                    continue;
                }
                let covered = p
                    .redactions
                    .iter()
                    .any(|x| x.start <= span.start && span.end <= x.end);
                let kept = p
                    .kept
                    .iter()
                    .any(|x| Span::new(x.start, x.end).overlaps(&span));
                if covered || kept {
                    continue;
                }
                added.push(Redaction {
                    start: span.start,
                    end: span.end,
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
