//! Exemption flags: cues that a DPA 2018 exemption *may* apply. A flag is
//! raised for a caseworker to decide; nothing is withheld because of it.
//!
//! | code | cues (examples) | provision |
//! |---|---|---|
//! | `legal_professional_privilege` | legal advice, legally privileged, counsel's opinion | DPA 2018 Sch 2 Pt 4 para 19 |
//! | `crime_and_taxation` | police investigation, fraud investigation, prosecution, HMRC | DPA 2018 Sch 2 Pt 1 para 2 |
//! | `confidential_reference` | confidential reference, reference request | DPA 2018 Sch 2 Pt 4 para 24 |
//! | `management_forecast` | management forecast, restructure, business plan | DPA 2018 Sch 2 Pt 4 para 22 |
//! | `negotiations_with_requester` | without prejudice, settlement offer, our negotiating position | DPA 2018 Sch 2 Pt 4 para 23 |
//! | `health_serious_harm` | serious harm, would harm the patient, clinician's opinion | DPA 2018 Sch 3 Pt 2 para 5 |
//! | `social_work_serious_harm` | safeguarding, child protection, risk of serious harm | DPA 2018 Sch 3 Pt 3 para 10 |

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use sarx_model::{vocab, Span};

use crate::plan::ExemptionFlag;
use crate::recognisers::word_bounded;

/// The cues of each exemption, by its code in `sarx_model::vocab::EXEMPTIONS`
/// (which gives its provision).
const TABLE: &[(&str, &[&str])] = &[
    (
        "legal_professional_privilege",
        &[
            "legal advice",
            "legally privileged",
            "legal professional privilege",
            "privileged and confidential",
            "privileged & confidential",
            "subject to legal privilege",
            "counsel's opinion",
            "advice from our solicitor",
            "advice from legal",
            "legal services advised",
            "solicitor's advice",
            "litigation privilege",
            "in contemplation of litigation",
        ],
    ),
    (
        "crime_and_taxation",
        &[
            "police investigation",
            "criminal investigation",
            "fraud investigation",
            "tenancy fraud",
            "prosecution",
            "prosecute",
            "hmrc",
            "tax evasion",
            "benefit fraud",
            "under caution",
            "police request",
            "schedule 2 request",
            "section 29",
            "crime number",
            "crime reference",
        ],
    ),
    (
        "confidential_reference",
        &[
            "confidential reference",
            "reference request",
            "employment reference",
            "provide a reference",
            "in confidence reference",
        ],
    ),
    (
        "management_forecast",
        &[
            "management forecast",
            "management planning",
            "restructure",
            "restructuring",
            "business plan",
            "redundancy proposal",
            "workforce planning",
        ],
    ),
    (
        "negotiations_with_requester",
        &[
            "without prejudice",
            "settlement offer",
            "negotiating position",
            "our position in negotiations",
            "offer to settle",
            "compensation offer",
        ],
    ),
    (
        "health_serious_harm",
        &[
            "serious harm to the patient",
            "harm to the physical or mental health",
            "clinician's opinion",
            "not to be disclosed to the patient",
            "health professional's opinion",
            "would cause serious harm",
        ],
    ),
    (
        "social_work_serious_harm",
        &[
            "safeguarding",
            "child protection",
            "risk of serious harm",
            "serious harm",
            "section 47",
            "mash referral",
            "adult protection",
        ],
    ),
];

/// The exemption-cue matcher.
#[derive(Debug, Clone)]
pub struct Exemptions {
    ac: AhoCorasick,
    /// (code, provision, cue) per pattern.
    meta: Vec<(&'static str, &'static str, &'static str)>,
}

impl Exemptions {
    /// Builds the automaton.
    pub fn new() -> Result<Self, aho_corasick::BuildError> {
        let mut pats = Vec::new();
        let mut meta = Vec::new();
        for (code, cues) in TABLE {
            // Every code is in the vocabulary (`codes_are_in_the_vocabulary`).
            let provision = vocab::exemption(code).map_or("", |e| e.provision);
            for cue in *cues {
                pats.push(*cue);
                meta.push((*code, provision, *cue));
            }
        }
        let ac = AhoCorasickBuilder::new()
            // A few hundred short patterns: a full DFA is small and about
            // twice as fast as the default NFA without a prefilter.
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)?;
        Ok(Exemptions { ac, meta })
    }

    /// Every exemption cue in `text`.
    pub fn flags(&self, text: &str) -> Vec<ExemptionFlag> {
        let mut out = Vec::new();
        for m in self.ac.find_iter(text) {
            if !word_bounded(text, m.start(), m.end()) {
                continue;
            }
            let Some(&(code, provision, cue)) = self.meta.get(m.pattern().as_usize()) else {
                continue;
            };
            out.push(ExemptionFlag {
                exemption: code.to_owned(),
                cue: cue.to_owned(),
                span: Span::new(m.start(), m.end()),
                provision: provision.to_owned(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_the_vocabulary() {
        let codes: Vec<&str> = TABLE.iter().map(|(c, _)| *c).collect();
        let vocab: Vec<&str> = vocab::EXEMPTIONS.iter().map(|e| e.code).collect();
        assert_eq!(codes, vocab);
        let e = Exemptions::new().unwrap();
        let f = e.flags("would cause serious harm");
        assert_eq!(f[0].provision, "DPA 2018 Sch 3 Pt 2 para 5");
    }

    #[test]
    fn table() {
        let e = Exemptions::new().unwrap();
        let cases: &[(&str, &[&str])] = &[
            (
                "PRIVILEGED AND CONFIDENTIAL: legal advice on the claim",
                &[
                    "legal_professional_privilege",
                    "legal_professional_privilege",
                ],
            ),
            (
                "Referred to the police investigation team",
                &["crime_and_taxation"],
            ),
            (
                "This is sent without prejudice.",
                &["negotiations_with_requester"],
            ),
            ("Safeguarding concern raised", &["social_work_serious_harm"]),
            ("The repair was completed.", &[]),
            ("unsafeguarding", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<String> = e.flags(text).into_iter().map(|f| f.exemption).collect();
            assert_eq!(&got, want, "{text}");
        }
    }
}
