//! Special-category context: health, ethnicity, religion, sexuality and
//! criminal allegations (UK GDPR Art. 9 and 10).
//!
//! **Why**: special-category data about a third party needs more than the
//! balancing test to disclose (DPA 2018 Sch 2 Pt 3 para 16 with Art. 9),
//! so such detail is withheld when it is about someone else.
//!
//! **Finds** (and **Format**): the recogniser finds cue words and phrases
//! (aho-corasick, ASCII case-insensitive, whole words) and reports the span from the cue to the
//! end of its clause (`,` `;` `.` `!` `?` or a line break). Whether the
//! detail is about a third party is decided by the planner: it is redacted
//! only when the nearest person mentioned before it in the same sentence is
//! a third party, never when it is the data subject's own information.
//!
//! **True:** `was arrested for assault` → `arrested for assault`;
//! `who has schizophrenia,` → `schizophrenia`; `attends the mosque`.
//! **False:** `arrears` (not `arrest`); `the Church Lane address` is a cue
//! only as the whole word `church`, which the planner drops when no third
//! party is named nearby.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use sarx_model::Span;

use sarx_detect::Recogniser;

use super::{word_bounded, Entity, EntityKind};

/// Recogniser name.
pub const NAME: &str = "special_category";

/// Which special category a cue belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Physical or mental health, disability, pregnancy, substance use.
    Health,
    /// Racial or ethnic origin.
    Ethnicity,
    /// Religious or philosophical beliefs.
    Religion,
    /// Sex life or sexual orientation, gender identity.
    Sexuality,
    /// Criminal offences and allegations (Art. 10).
    Criminal,
}

impl Class {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Health => "health",
            Class::Ethnicity => "ethnicity",
            Class::Religion => "religion",
            Class::Sexuality => "sexuality",
            Class::Criminal => "criminal",
        }
    }
}

const HEALTH: &[&str] = &[
    "diagnosed",
    "diagnosis",
    "depression",
    "depressed",
    "anxiety",
    "cancer",
    "chemotherapy",
    "hiv",
    "aids",
    "mental health",
    "mental illness",
    "schizophrenia",
    "schizophrenic",
    "bipolar",
    "psychosis",
    "psychotic",
    "dementia",
    "alzheimer's",
    "alzheimers",
    "autism",
    "autistic",
    "adhd",
    "epilepsy",
    "epileptic",
    "diabetes",
    "diabetic",
    "stroke",
    "heart attack",
    "medication",
    "prescribed",
    "antidepressants",
    "overdose",
    "self-harm",
    "self harm",
    "suicidal",
    "suicide",
    "sectioned",
    "mental health act",
    "pregnant",
    "pregnancy",
    "miscarriage",
    "termination",
    "disability",
    "disabled",
    "wheelchair",
    "learning disability",
    "alcoholic",
    "alcoholism",
    "drug addict",
    "addiction",
    "rehab",
    "methadone",
    "hepatitis",
    "terminally ill",
    "terminal illness",
    "hospitalised",
    "admitted to hospital",
    "in hospital",
    "ptsd",
    "ocd",
    "eating disorder",
    "anorexia",
    "bulimia",
    "counselling",
    "therapy",
    "psychiatrist",
    "psychiatric",
    "cpn",
    "care plan",
];
const ETHNICITY: &[&str] = &[
    "ethnicity",
    "ethnic origin",
    "black british",
    "white british",
    "asian british",
    "mixed race",
    "gypsy",
    "traveller",
    "roma",
    "romany",
    "irish traveller",
    "refugee",
    "asylum seeker",
    "immigration status",
    "racial",
    "race",
];
const RELIGION: &[&str] = &[
    "muslim",
    "christian",
    "jewish",
    "hindu",
    "sikh",
    "buddhist",
    "catholic",
    "protestant",
    "atheist",
    "jehovah's witness",
    "mosque",
    "synagogue",
    "gurdwara",
    "mandir",
    "church",
    "religion",
    "religious",
    "faith",
    "ramadan",
];
const SEXUALITY: &[&str] = &[
    "gay",
    "lesbian",
    "bisexual",
    "homosexual",
    "transgender",
    "trans woman",
    "trans man",
    "non-binary",
    "sexual orientation",
    "sexuality",
    "sex life",
    "sexual relationship",
    "affair",
    "gender reassignment",
    "transitioning",
];
const CRIMINAL: &[&str] = &[
    "arrested",
    "arrest",
    "convicted",
    "conviction",
    "convictions",
    "charged with",
    "criminal record",
    "prison",
    "prisoner",
    "jail",
    "custody",
    "remanded",
    "probation",
    "offender",
    "sex offender",
    "cautioned",
    "police caution",
    "court order",
    "injunction",
    "restraining order",
    "tagged",
    "drug dealing",
    "dealing drugs",
    "assault",
    "assaulted",
    "burglary",
    "theft",
    "stole",
    "stolen",
    "domestic abuse",
    "domestic violence",
    "harassment",
    "criminal damage",
    "prosecuted",
    "prosecution",
    "sentenced",
    "offence",
    "offences",
];

/// The special-category cue recogniser.
#[derive(Debug, Clone)]
pub struct SpecialCategory {
    ac: AhoCorasick,
    classes: Vec<Class>,
}

impl SpecialCategory {
    /// Builds the automaton.
    pub fn new() -> Result<Self, aho_corasick::BuildError> {
        let mut pats = Vec::new();
        let mut classes = Vec::new();
        for (list, class) in [
            (HEALTH, Class::Health),
            (ETHNICITY, Class::Ethnicity),
            (RELIGION, Class::Religion),
            (SEXUALITY, Class::Sexuality),
            (CRIMINAL, Class::Criminal),
        ] {
            for p in list {
                pats.push(*p);
                classes.push(class);
            }
        }
        let ac = AhoCorasickBuilder::new()
            // A few hundred short patterns: a full DFA is small and about
            // twice as fast as the default NFA without a prefilter.
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)?;
        Ok(SpecialCategory { ac, classes })
    }
}

impl Recogniser for SpecialCategory {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every cue, with the span from the cue to the end of its clause.
    /// `normalised` is `<class>:<cue>` from the fixed list, never the text.
    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        let mut covered_to = 0;
        for m in self.ac.find_iter(text) {
            if m.start() < covered_to || !word_bounded(text, m.start(), m.end()) {
                continue;
            }
            let class = self
                .classes
                .get(m.pattern().as_usize())
                .copied()
                .unwrap_or(Class::Health);
            let tail = text.get(m.end()..).unwrap_or("");
            let clause_end = m.end()
                + tail
                    .find([',', ';', '.', '!', '?', '\n', '(', ')'])
                    .unwrap_or(tail.len());
            covered_to = clause_end;
            let cue = text.get(m.start()..m.end()).unwrap_or("").to_lowercase();
            out.push(Entity {
                kind: EntityKind::SpecialCategory,
                span: Span::new(m.start(), clause_end),
                normalised: format!("{}:{cue}", class.as_str()),
                confidence: 0.6,
                recogniser: NAME,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use sarx_detect::testing::check;

    use super::*;

    #[test]
    fn table() {
        let r = SpecialCategory::new().unwrap();
        let cases: &[&str] = &[
            "He was «arrested for assault». Then",
            "Janet, who has «schizophrenia», shouted",
            "She attends the «mosque on Fridays»",
            "rent arrears of £200",
            "the grace period",
        ];
        for text in cases {
            check(&r, text);
        }
    }
}
