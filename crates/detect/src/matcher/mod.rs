//! The subject matcher: from a profile to index query terms, and from a
//! candidate record to a verdict with evidence.

use sarx_model::metakey;
use std::collections::HashSet;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use sarx_model::vocab::{self, TitleKind};
use sarx_model::{Kind, Record, Span};
use serde::Serialize;

use crate::entity::{Entity, EntityKind};
use crate::profile::SubjectProfile;
use crate::recognisers::date::{is_birth_context, normalise_date};
use crate::recognisers::email::normalise_email;
use crate::recognisers::name::{
    forename_gender, forename_variants, parse_person_name, Gender, NameMatcher, NameMention,
    Strength,
};
use crate::recognisers::nhs::normalise_nhs;
use crate::recognisers::nino::normalise_nino;
use crate::recognisers::phone::normalise_phone;
use crate::recognisers::postcode::{normalise_postcode, postcode_in};
use crate::recognisers::reference::{normalise_reference, reference_forms};
use crate::recognisers::Recognisers;
use crate::text::{alnum_bounded, fold};

/// Confidence of a record carrying a strong identifier of the subject.
pub const CONFIDENCE_STRONG: f32 = 0.95;
/// Name and date of birth.
pub const CONFIDENCE_NAME_DOB: f32 = 0.9;
/// Name and the subject's address or postcode.
pub const CONFIDENCE_NAME_ADDRESS: f32 = 0.85;
/// Title and surname with the subject's date of birth, address or postcode.
pub const CONFIDENCE_TITLE_CORROBORATED: f32 = 0.8;
/// Forename and surname alone (needs review).
pub const CONFIDENCE_NAME: f32 = 0.6;
/// Initials and surname alone (needs review).
pub const CONFIDENCE_INITIALS: f32 = 0.5;
/// Title and surname alone (needs review).
pub const CONFIDENCE_TITLE: f32 = 0.4;
/// The subject's address without a name: the full address (street line and
/// postcode) of a house, or flat, number and street of a flat.
pub const CONFIDENCE_ADDRESS: f32 = 0.8;
/// The subject's street line alone, or with someone else named on it
/// (needs review: the building's other flats, a previous tenant).
pub const CONFIDENCE_ADDRESS_WEAK: f32 = 0.5;
/// Hits at or above this are "high"; below need review.
pub const HIGH: f32 = 0.8;

/// How far (bytes) either side of a name mention a conflicting identifier
/// counts as "next to the name" in running text.
const CONFLICT_WINDOW: usize = 160;

/// What verifying one record concluded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// The record is about the subject.
    Hit {
        /// 0.0–1.0; see the `CONFIDENCE_*` constants.
        confidence: f32,
        /// Every mention of the subject, with byte offsets into `text`.
        evidence: Vec<Entity>,
    },
    /// The record names the subject but is probably about somebody else.
    Excluded {
        /// Why, for the caseworker (no personal data).
        reason: String,
    },
    /// The record is not about the subject.
    NoMatch,
}

/// Matches one subject. Built once per search from the profile; immutable
/// and `Send + Sync`.
pub struct SubjectMatcher {
    names: NameMatcher,
    emails: HashSet<String>,
    phones: HashSet<String>,
    ninos: HashSet<String>,
    nhs: HashSet<String>,
    postcodes: HashSet<String>,
    dob: Option<String>,
    refs: Option<AhoCorasick>,
    /// The profile's street lines, any run of white space (a line break
    /// where the text wraps, OCR's double spaces) between their words.
    addresses: Option<regex::Regex>,
    /// `(street line, flat number)` of each profile address with a flat,
    /// folded.
    flats: Vec<(String, String)>,
    /// The profile's addresses, lowercased: a town written in one of them
    /// is the subject's own.
    localities: Vec<String>,
    phrases: Vec<String>,
    keys: Vec<String>,
    /// Matches wherever one of the subject's strong identifiers could be
    /// written (a superset of what the recognisers accept): with the name
    /// matcher, the cheap first pass of [`SubjectMatcher::verify`].
    strong: Option<regex::bytes::Regex>,
    /// `strong` or a surname anchor of the name matcher: on ASCII text, no
    /// match means no hit, in one pass.
    first_ascii: Option<regex_automata::meta::Regex>,
}

/// Between two characters of an identifier written with separators
/// (`JM 48 27 61 C`, `(07700) 900-461`): wider than any recogniser allows,
/// so the prefilter never misses what the recognisers would find.
const ANY_SEPARATOR: &str = "[^0-9A-Za-z]{0,4}";

/// One regex matching every written form of the subject's strong
/// identifiers that the recognisers could accept: e-mail addresses and
/// references as literals (ASCII case-insensitive), NI and NHS numbers and
/// the national significant number of each phone with any separators
/// between characters. `None` when the profile has none.
fn strong_alternatives(
    emails: &HashSet<String>,
    phones: &HashSet<String>,
    ninos: &HashSet<String>,
    nhs: &HashSet<String>,
    refs: &[String],
) -> Vec<String> {
    let spaced = |s: &str| {
        s.chars()
            .map(|c| regex::escape(&c.to_string()))
            .collect::<Vec<_>>()
            .join(ANY_SEPARATOR)
    };
    let mut alts: Vec<String> = Vec::new();
    alts.extend(emails.iter().map(|e| regex::escape(e)));
    alts.extend(
        refs.iter()
            .filter(|r| !r.is_empty())
            .map(|r| regex::escape(r)),
    );
    alts.extend(ninos.iter().map(|n| spaced(n)));
    alts.extend(nhs.iter().map(|n| spaced(n)));
    // `+447700900461`: any national, international or bracketed form ends
    // with the national significant number.
    alts.extend(
        phones
            .iter()
            .filter_map(|p| p.strip_prefix("+44"))
            .map(spaced),
    );
    alts
}

/// One ASCII case-insensitive regex of `alts`, or `None` when empty (or,
/// which cannot happen with escaped literals, too big to compile).
fn any_of(alts: &[String]) -> Option<regex::bytes::Regex> {
    if alts.is_empty() {
        return None;
    }
    regex::bytes::RegexBuilder::new(&format!("(?i-u)(?:{})", alts.join("|")))
        .size_limit(1 << 24)
        .build()
        .ok()
}

/// [`any_of`] for the first pass over ASCII text, built without a literal
/// prefilter. The alternation's literals (surnames, identifiers, all
/// ASCII case-insensitive) expand into hundreds of short case variants,
/// and candidates such as the `07700 9…` of every drama-range phone in a
/// rent sheet fire constantly: a prefilter then costs more than it saves
/// (measured: the lazy DFA alone is ~1.45× faster on rent-ledger text).
fn first_pass_regex(alts: &[String]) -> Option<regex_automata::meta::Regex> {
    use regex_automata::{meta, util::syntax};
    if alts.is_empty() {
        return None;
    }
    meta::Regex::builder()
        .syntax(
            syntax::Config::new()
                .utf8(false)
                .unicode(false)
                .case_insensitive(true),
        )
        .configure(
            meta::Config::new()
                .auto_prefilter(false)
                .utf8_empty(false)
                .nfa_size_limit(Some(1 << 24)),
        )
        .build(&format!("(?:{})", alts.join("|")))
        .ok()
}

/// One case-insensitive pattern for the street lines, longest first, with
/// `\s+` between their words.
fn street_regex(streets: &[String]) -> Option<regex::Regex> {
    let mut pats: Vec<String> = streets
        .iter()
        .map(|a| {
            a.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        })
        .filter(|p| !p.is_empty())
        .collect();
    pats.sort_by_key(|p| std::cmp::Reverse(p.len()));
    pats.dedup();
    (!pats.is_empty())
        .then(|| regex::Regex::new(&format!("(?i:{})", pats.join("|"))).ok())
        .flatten()
}

/// The street line of an address (`18 Roundhay Road`): the first
/// comma-separated part that starts with a house number and has a word.
fn street_line(address: &str) -> Option<String> {
    address
        .split(',')
        .map(str::trim)
        .find(|p| {
            let mut w = p.split_whitespace();
            let first = w.next().unwrap_or("");
            first.chars().next().is_some_and(|c| c.is_ascii_digit())
                && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && w.next().is_some_and(|s| s.chars().any(char::is_alphabetic))
                && normalise_postcode(p).is_none()
        })
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The titles an index query writes before the subject's surname: the
/// courtesy titles of `sarx_model::vocab::TITLES` (not `Master`) of the
/// subject's gender or of none (any, when the gender is unknown), and `Dr`.
fn titles_for(g: Option<Gender>) -> impl Iterator<Item = &'static str> {
    vocab::TITLES
        .iter()
        .filter(move |t| {
            (t.kind == TitleKind::Courtesy
                && !t.for_children
                && (g.is_none() || t.gender.is_none() || t.gender == g))
                || t.word == "dr"
        })
        .map(|t| t.word)
}

impl SubjectMatcher {
    /// Builds the matcher for a (checked) profile.
    pub fn new(profile: &SubjectProfile) -> SubjectMatcher {
        let mut names: Vec<&str> = vec![profile.name.as_str()];
        names.extend(profile.aliases.iter().map(String::as_str));
        let emails: HashSet<String> = profile
            .emails
            .iter()
            .filter_map(|e| normalise_email(e))
            .collect();
        let phones: HashSet<String> = profile
            .phones
            .iter()
            .filter_map(|p| normalise_phone(p))
            .collect();
        let ninos: HashSet<String> = profile
            .ni_number
            .iter()
            .filter_map(|n| normalise_nino(n))
            .collect();
        let nhs: HashSet<String> = profile
            .nhs_number
            .iter()
            .filter_map(|n| normalise_nhs(n))
            .collect();
        let postcodes: HashSet<String> = profile
            .addresses
            .iter()
            .filter_map(|a| postcode_in(a))
            .collect();
        let dob = profile.date_of_birth.as_deref().and_then(normalise_date);
        // Every written form of each reference (`TEN-0045290`, `TEN 0045290`,
        // `TEN0045290`, `0045290`): one literal each.
        let mut refs: Vec<String> = profile
            .references
            .iter()
            .flat_map(|r| reference_forms(r))
            .collect();
        refs.sort();
        refs.dedup();
        let streets: Vec<String> = profile
            .addresses
            .iter()
            .filter_map(|a| street_line(a))
            .collect();
        let flats: Vec<(String, String)> = profile
            .addresses
            .iter()
            .filter_map(|a| Some((fold(&street_line(a)?), flat_of(a)?)))
            .collect();
        let build = |pats: &[String]| {
            (!pats.is_empty())
                .then(|| {
                    AhoCorasickBuilder::new()
                        .ascii_case_insensitive(true)
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(pats)
                        .ok()
                })
                .flatten()
        };

        let mut phrases = Vec::new();
        for raw in &names {
            let Some(p) = parse_person_name(raw) else {
                continue;
            };
            let surname = p.surname.replace(['-', '\''], " ");
            let surname_forms = if p.surname.contains('\'') {
                vec![surname.clone(), p.surname.replace('\'', "")]
            } else {
                vec![surname.clone()]
            };
            let mut given: Vec<String> = Vec::new();
            for g in &p.given {
                if g.chars().count() > 1 {
                    given.extend(forename_variants(g));
                }
            }
            given.sort();
            given.dedup();
            let mut initials: Vec<char> = p.given.iter().filter_map(|g| g.chars().next()).collect();
            initials.dedup();
            let gender = p.given.first().and_then(|g| forename_gender(g));
            for s in &surname_forms {
                for g in &given {
                    phrases.push(format!("{g} {s}"));
                    phrases.push(format!("{s} {g}"));
                }
                if p.given.len() > 1 {
                    phrases.push(format!("{} {s}", p.given.join(" ")));
                    let inits: Vec<String> = initials.iter().map(char::to_string).collect();
                    phrases.push(format!("{} {s}", inits.join(" ")));
                    if let Some(first) = p.given.first() {
                        for i in initials.iter().skip(1) {
                            phrases.push(format!("{first} {i} {s}"));
                        }
                    }
                }
                for i in &initials {
                    phrases.push(format!("{i} {s}"));
                }
                for t in titles_for(gender) {
                    phrases.push(format!("{t} {s}"));
                }
            }
        }
        phrases.extend(refs.iter().map(|r| fold(r)));
        // A record may name the subject's home and not the subject.
        phrases.extend(streets.iter().map(|a| fold(a)));
        phrases.sort();
        phrases.dedup();

        let mut keys: Vec<String> = Vec::new();
        keys.extend(emails.iter().map(|e| format!("email:{e}")));
        keys.extend(phones.iter().map(|e| format!("phone:{e}")));
        keys.extend(ninos.iter().map(|e| format!("nino:{e}")));
        keys.extend(nhs.iter().map(|e| format!("nhs:{e}")));
        // The index keys only tokens that mix letters and digits.
        keys.extend(
            refs.iter()
                .filter(|e| {
                    !e.contains(' ')
                        && e.chars().any(|c| c.is_ascii_digit())
                        && e.chars().any(char::is_alphabetic)
                })
                .map(|e| format!("ref:{e}")),
        );
        keys.sort();
        keys.dedup();
        let strong_alts = strong_alternatives(&emails, &phones, &ninos, &nhs, &refs);
        let names = NameMatcher::new(&names);
        let mut first_alts: Vec<String> =
            names.anchors().iter().map(|a| regex::escape(a)).collect();
        first_alts.extend(strong_alts.iter().cloned());
        // The street line alone is evidence too (`address_only`).
        first_alts.extend(streets.iter().map(|a| {
            a.split_whitespace()
                .map(regex::escape)
                .collect::<Vec<_>>()
                .join(r"\s+")
        }));

        SubjectMatcher {
            strong: any_of(&strong_alts),
            first_ascii: first_pass_regex(&first_alts),
            names,
            emails,
            phones,
            ninos,
            nhs,
            postcodes,
            dob,
            refs: build(&refs),
            addresses: street_regex(&streets),
            flats,
            localities: profile.addresses.iter().map(|a| a.to_lowercase()).collect(),
            phrases,
            keys,
        }
    }

    /// The index query: phrases (every name and alias in every written form
    /// — forename variants, surname-first, initials, titles — plus the
    /// references; lowercased, the index tokenizes them) and identifier keys
    /// (`email:…`, `phone:…`, `nino:…`, `nhs:…`, `ref:…`). Postcodes and
    /// dates of birth are not queried on their own: they only count next to
    /// a name, which the phrases already find.
    pub fn candidate_query(&self) -> (Vec<String>, Vec<String>) {
        (self.phrases.clone(), self.keys.clone())
    }

    /// True when `e` (from [`Recognisers::find`] or this matcher) is the
    /// subject's own identifier.
    pub fn is_subjects(&self, e: &Entity) -> bool {
        match e.kind {
            EntityKind::Email => self.emails.contains(&e.normalised),
            EntityKind::Phone => self.phones.contains(&e.normalised),
            EntityKind::NiNumber => self.ninos.contains(&e.normalised),
            EntityKind::NhsNumber => self.nhs.contains(&e.normalised),
            EntityKind::Postcode => self.postcodes.contains(&e.normalised),
            EntityKind::Date | EntityKind::DateOfBirth => {
                self.dob.as_deref() == Some(e.normalised.as_str())
            }
            EntityKind::Name
            | EntityKind::Alias
            | EntityKind::Address
            | EntityKind::Reference
            | EntityKind::LinkedReference => e.recogniser == SUBJECT,
            // Redaction's kinds: never an identifier of the subject.
            EntityKind::PersonName
            | EntityKind::SortCode
            | EntityKind::AccountNumber
            | EntityKind::VehicleRegistration
            | EntityKind::SpecialCategory => false,
        }
    }

    /// True when `name` (a person's name as written, e.g. a span a name
    /// recogniser found) is one of the subject's names.
    pub fn is_subject_name(&self, name: &str) -> bool {
        let m = self.names.find(name.trim());
        m.first()
            .is_some_and(|m| m.span.len() >= name.trim().len().saturating_sub(3))
    }

    /// Every span of `text` that is the subject's own data: names and
    /// aliases in any written form, and their identifiers. Redaction must
    /// keep these.
    pub fn subject_spans(&self, text: &str) -> Vec<Entity> {
        self.scan(text, None, self.names.find(text)).own
    }

    fn scan(&self, text: &str, header: Option<&str>, mentions: Vec<NameMention>) -> Scan {
        let mut own = Vec::new();
        let mut foreign = Vec::new();
        for e in Recognisers::shared().find(text) {
            let birth =
                e.kind == EntityKind::Date && self.birth_date_at(text, header, e.span.start);
            if self.is_subjects(&e) {
                let kind = if e.kind == EntityKind::Date {
                    EntityKind::DateOfBirth
                } else {
                    e.kind
                };
                own.push(Entity {
                    kind,
                    recogniser: SUBJECT,
                    ..e
                });
            } else if e.kind != EntityKind::Date || birth {
                foreign.push((e, birth));
            }
        }
        for m in &mentions {
            own.push(Entity {
                kind: if m.target == 0 {
                    EntityKind::Name
                } else {
                    EntityKind::Alias
                },
                span: m.span,
                normalised: fold(m.span.slice(text).unwrap_or("")),
                confidence: match m.strength {
                    Strength::Full => 0.9,
                    Strength::Initials => 0.7,
                    Strength::Title => 0.5,
                },
                recogniser: SUBJECT,
            });
        }
        let refs = self
            .refs
            .iter()
            .flat_map(|ac| ac.find_iter(text).map(|m| (m.start(), m.end())))
            .map(|m| (m, EntityKind::Reference));
        let streets = self
            .addresses
            .iter()
            .flat_map(|re| re.find_iter(text).map(|m| (m.start(), m.end())))
            .map(|m| (m, EntityKind::Address));
        for ((start, end), kind) in refs.chain(streets) {
            if alnum_bounded(text, start, end) {
                let t = text.get(start..end).unwrap_or("");
                own.push(Entity {
                    kind,
                    span: Span::new(start, end),
                    normalised: if kind == EntityKind::Reference {
                        normalise_reference(t)
                    } else {
                        fold(&t.split_whitespace().collect::<Vec<_>>().join(" "))
                    },
                    confidence: 0.95,
                    recogniser: SUBJECT,
                });
            }
        }
        own.sort_by_key(|e| (e.span.start, e.span.end));
        let strengths = mentions.iter().map(|m| (m.span, m.strength)).collect();
        let alias_only = !mentions.is_empty() && mentions.iter().all(|m| m.target > 0);
        Scan {
            own,
            foreign,
            mentions: strengths,
            alias_only,
        }
    }

    /// True when the date at `start` is introduced as a date of birth, by
    /// the words before it or (spreadsheet rows) by its column header.
    fn birth_date_at(&self, text: &str, header: Option<&str>, start: usize) -> bool {
        if is_birth_context(text, start) {
            return true;
        }
        let Some(header) = header else { return false };
        let col = text.get(..start).map_or(0, |b| b.matches('\t').count());
        header.split('\t').nth(col).is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h.contains("birth") || h.contains("dob") || h.contains("d.o.b") || h == "born"
        })
    }

    /// Decides whether `record` is about the subject.
    pub fn verify(&self, record: &Record) -> Verdict {
        self.verify_with(record, true)
    }

    /// [`SubjectMatcher::verify`], with or without the first pass (the
    /// property tests check that the first pass never changes a verdict).
    fn verify_with(&self, record: &Record, first_pass: bool) -> Verdict {
        if matches!(record.kind, Kind::Spreadsheet | Kind::Csv | Kind::Archive) {
            // Never the whole sheet: its rows are records of their own.
            return Verdict::NoMatch;
        }
        let text = record.text.as_str();
        // First pass: without a name mention or a strong identifier the
        // record cannot be a hit (dates of birth and addresses only count
        // next to a name), so most records stop here after one scan: surname
        // anchors and strong identifiers in one ASCII case-insensitive
        // regex, one DFA pass. A match sends the record to the full pass.
        // No match is final only for ASCII text (the ASCII check runs after
        // the scan, on bytes already in cache); other text may name the
        // subject in forms the ASCII regex cannot see (diacritics, Unicode
        // case), so it gets the name matcher. Without a first-pass regex (it
        // could not be built) every record gets the full pass.
        let mut mentions = None;
        if first_pass {
            let maybe = match &self.first_ascii {
                None => true,
                Some(re) if re.is_match(text.as_bytes()) => true,
                Some(_) if text.is_ascii() => false,
                Some(_) => {
                    let m = self.names.find(text);
                    let maybe = !m.is_empty()
                        || self
                            .strong
                            .as_ref()
                            .is_some_and(|re| re.is_match(text.as_bytes()));
                    mentions = Some(m);
                    maybe
                }
            };
            if !maybe {
                return Verdict::NoMatch;
            }
        }
        let mentions = mentions.unwrap_or_else(|| self.names.find(text));
        let is_row = record.kind == Kind::SheetRow;
        let header = if is_row {
            record.meta.get(metakey::HEADER).map(String::as_str)
        } else {
            None
        };
        let scan = self.scan(text, header, mentions);
        let has = |k: EntityKind| scan.own.iter().any(|e| e.kind == k);
        let strong = [
            EntityKind::NiNumber,
            EntityKind::NhsNumber,
            EntityKind::Email,
            EntityKind::Phone,
            EntityKind::Reference,
        ]
        .into_iter()
        .any(has);
        if strong {
            return Verdict::Hit {
                confidence: CONFIDENCE_STRONG,
                evidence: scan.own,
            };
        }
        let Some(best) = scan.mentions.iter().map(|(_, s)| *s).max() else {
            return match self.address_only(text, &scan) {
                Some(confidence) => Verdict::Hit {
                    confidence,
                    evidence: scan.own,
                },
                None => Verdict::NoMatch,
            };
        };
        let dob = has(EntityKind::DateOfBirth);
        let address = has(EntityKind::Postcode) || has(EntityKind::Address);
        if !dob && !address {
            if let Some(reason) = self.conflict(text, is_row, &scan) {
                return Verdict::Excluded { reason };
            }
        }
        let confidence = match (best, dob, address) {
            (Strength::Title, true, _) | (Strength::Title, _, true) => {
                CONFIDENCE_TITLE_CORROBORATED
            }
            (_, true, _) => CONFIDENCE_NAME_DOB,
            (_, _, true) => CONFIDENCE_NAME_ADDRESS,
            (Strength::Full, _, _) => CONFIDENCE_NAME,
            (Strength::Initials, _, _) => CONFIDENCE_INITIALS,
            (Strength::Title, _, _) => CONFIDENCE_TITLE,
        };
        Verdict::Hit {
            confidence,
            evidence: scan.own,
        }
    }

    /// The confidence of a record that names the subject's address but not
    /// the subject: [`CONFIDENCE_ADDRESS`] for a flat's flat, number and
    /// street or a house's street line and postcode, with nobody else named
    /// on the address's line; [`CONFIDENCE_ADDRESS_WEAK`] otherwise. `None`
    /// without the street line (a postcode alone is no evidence).
    fn address_only(&self, text: &str, scan: &Scan) -> Option<f32> {
        let streets: Vec<&Entity> = scan
            .own
            .iter()
            .filter(|e| e.kind == EntityKind::Address)
            .collect();
        if streets.is_empty() {
            return None;
        }
        let postcode = scan.own.iter().any(|e| e.kind == EntityKind::Postcode);
        let strong = streets.iter().any(|e| {
            let line = line_of(text, e.span);
            if names_someone(line) {
                return false;
            }
            let flats: Vec<&String> = self
                .flats
                .iter()
                .filter(|(street, _)| *street == e.normalised)
                .map(|(_, n)| n)
                .collect();
            if flats.is_empty() {
                return postcode;
            }
            let before = text
                .get(e.span.start.saturating_sub(32)..e.span.start)
                .or_else(|| text.get(..e.span.start))
                .unwrap_or("");
            flats.iter().any(|n| flat_before(before, n))
        });
        Some(if strong {
            CONFIDENCE_ADDRESS
        } else {
            CONFIDENCE_ADDRESS_WEAK
        })
    }

    /// A conflicting identifier next to a name mention, as a reason.
    fn conflict(&self, text: &str, is_row: bool, scan: &Scan) -> Option<String> {
        for (span, _) in &scan.mentions {
            let lo = if is_row {
                0
            } else {
                span.start.saturating_sub(CONFLICT_WINDOW)
            };
            let hi = if is_row {
                text.len()
            } else {
                span.end + CONFLICT_WINDOW
            };
            for (e, birth) in &scan.foreign {
                if e.span.end < lo || e.span.start > hi {
                    continue;
                }
                if !is_row && belongs_to_someone_else(text, e.span, *span) {
                    continue;
                }
                let what = match e.kind {
                    EntityKind::NiNumber if !self.ninos.is_empty() => {
                        "a different National Insurance number"
                    }
                    EntityKind::NhsNumber if !self.nhs.is_empty() => "a different NHS number",
                    EntityKind::Date if *birth && self.dob.is_some() => "a different date of birth",
                    EntityKind::Postcode if !self.postcodes.is_empty() && !scan.alias_only => {
                        "a different postcode"
                    }
                    _ => continue,
                };
                return Some(format!(
                    "probable different person: the subject's name appears with {what} next to it"
                ));
            }
        }
        // Another postcode district in the mention's own sentence
        // (`Margaret Okafor - BD9`, a subject line naming another area).
        if !self.postcodes.is_empty() && !scan.alias_only {
            let mine: HashSet<&str> = self
                .postcodes
                .iter()
                .filter_map(|p| p.get(..p.len().saturating_sub(3)))
                .collect();
            for (span, _) in &scan.mentions {
                let (lo, hi) = sentence_around(text, *span, DISTRICT_WINDOW);
                let Some(around) = text.get(lo..hi) else {
                    continue;
                };
                if outward_codes(around).any(|d| !mine.contains(d)) {
                    return Some(
                        "probable different person: the subject's name appears with a different \
                         postcode district next to it"
                            .to_owned(),
                    );
                }
            }
        }
        // Another town in the mention's own sentence or line (`Margaret
        // Okafor - Keighley`, `… on the transfer list for Sunderland`).
        if !self.localities.is_empty() && !scan.alias_only {
            for (span, _) in &scan.mentions {
                let (lo, hi) = sentence_around(text, *span, DISTRICT_WINDOW);
                let Some(around) = text.get(lo..hi) else {
                    continue;
                };
                let other = crate::places::towns_in(around)
                    .into_iter()
                    .any(|t| !self.localities.iter().any(|l| l.contains(&t)));
                if other {
                    return Some(
                        "probable different person: the subject's name appears with a different \
                         town next to it"
                            .to_owned(),
                    );
                }
            }
        }
        None
    }
}

/// True when the identifier at `ident` sits on a line of its own that
/// introduces another person (`Name: Sheila Grant  Address: … LS6 1FN`,
/// `Mr Darren Pike, 12 Elm Road, LS6 2AB`) and the subject's `mention` is
/// not on that line: the identifier is that person's, not a sign that the
/// subject's name belongs to a different person.
/// The words that introduce a flat's number.
const FLAT_WORDS: &[&str] = &["flat", "apartment", "apt", "apt.", "unit", "maisonette"];

/// The flat number of an address (`Flat 3, 18 Roundhay Road` → `3`,
/// `Apartment 12B` → `12b`), folded.
fn flat_of(address: &str) -> Option<String> {
    let first = address.split(',').next()?.trim();
    let mut w = first.split_whitespace();
    let kind = w.next()?.to_ascii_lowercase();
    if !FLAT_WORDS.contains(&kind.as_str()) {
        return None;
    }
    let n = w.next()?;
    n.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
        .then(|| n.to_ascii_lowercase())
}

/// True when `before` (the text right before a street line) ends with that
/// flat: `Flat 3, `, `flat 3 `, `Apartment 3 - `, or `3/` / `3, ` alone.
fn flat_before(before: &str, flat: &str) -> bool {
    let b = before
        .trim_end_matches([' ', ',', '-', '\t', '/'])
        .to_ascii_lowercase();
    let Some(stem) = b.strip_suffix(flat) else {
        return false;
    };
    if stem
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return false;
    }
    let stem = stem.trim_end();
    FLAT_WORDS.iter().any(|w| stem.ends_with(w)) || before.trim_end().ends_with('/')
}

/// `[start, end)` of the line of `text` holding `span`.
fn line_bounds(text: &str, span: Span) -> (usize, usize) {
    let lo = text
        .get(..span.start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let hi = text
        .get(span.end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| span.end + i);
    (lo, hi)
}

/// The line of `text` holding `span`.
fn line_of(text: &str, span: Span) -> &str {
    let (lo, hi) = line_bounds(text, span);
    text.get(lo..hi).unwrap_or("")
}

/// True when `line` names a person by title (`Mr J Smith`, `Mrs Patel`).
fn names_someone(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.windows(2).any(|w| match w {
        [t, n] => {
            matches!(
                t.trim_end_matches('.').to_ascii_lowercase().as_str(),
                "mr" | "mrs" | "ms" | "miss" | "mx" | "dr"
            ) && n.chars().next().is_some_and(char::is_uppercase)
        }
        _ => false,
    })
}

/// Bytes either side of a name mention in which another postcode district
/// conflicts with it.
const DISTRICT_WINDOW: usize = 80;

/// The two-letter UK postcode areas (Royal Mail); the one-letter ones are
/// [`ONE_LETTER_AREAS`].
const POSTCODE_AREAS: &[&str] = &[
    "AB", "AL", "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB", "CF", "CH", "CM",
    "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT", "DY", "EC", "EH",
    "EN", "EX", "FK", "FY", "GL", "GU", "GY", "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG",
    "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "LA", "LD", "LE", "LL", "LN", "LS", "LU", "ME",
    "MK", "ML", "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR",
    "RG", "RH", "RM", "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW",
    "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW", "UB", "WA", "WC", "WD", "WF", "WN", "WR",
    "WS", "WV", "YO", "ZE",
];

/// The one-letter UK postcode areas (Royal Mail).
const ONE_LETTER_AREAS: &[u8] = b"BEGLMNSW";

/// The outward codes (`BD9`, `LS10`, `EC1A`) written in `s`, in capitals,
/// standing alone or as the first half of a full postcode. A one-letter
/// area's code (`B11`, `M14`) counts only where a place is written: after
/// `in`, `at`, `from`, `near` or `of`, after a dash, comma or bracket, or
/// straight after a capitalised word (`O'Neill B11`); elsewhere `M62`,
/// `B12` and `E5` are as often roads, vitamins and grades.
fn outward_codes(s: &str) -> impl Iterator<Item = &str> + '_ {
    let base = s.as_ptr() as usize;
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(move |w| {
            // `w` is a slice of `s`: its offset is the pointer difference.
            let start = (w.as_ptr() as usize).saturating_sub(base);
            let b = w.as_bytes();
            let two = (3..=4).contains(&b.len())
                && b.iter().take(2).all(u8::is_ascii_uppercase)
                && b.get(2).is_some_and(u8::is_ascii_digit)
                && b.get(3)
                    .is_none_or(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
                && w.get(..2).is_some_and(|a| POSTCODE_AREAS.contains(&a));
            let one = (2..=3).contains(&b.len())
                && b.first().is_some_and(|c| ONE_LETTER_AREAS.contains(c))
                && b.iter().skip(1).all(u8::is_ascii_digit)
                && s.get(..start).is_some_and(place_slot_before);
            two || one
        })
}

/// True when `before` ends where a place is written: `in `, `- `, `, `,
/// `(` or a capitalised word and a space.
fn place_slot_before(before: &str) -> bool {
    let t = before.trim_end_matches(' ');
    if t.len() == before.len() && !before.ends_with('(') {
        return false;
    }
    if t.ends_with(['-', '–', ',', '(']) {
        return true;
    }
    let last = t.rsplit(' ').next().unwrap_or("");
    matches!(
        last.to_ascii_lowercase().as_str(),
        "in" | "at" | "from" | "near" | "of"
    ) || (last.len() > 1
        && last.chars().next().is_some_and(char::is_uppercase)
        && last.chars().skip(1).any(char::is_lowercase))
}

/// `[lo, hi)`: at most `window` bytes either side of `span`, within its
/// line and its sentence.
fn sentence_around(text: &str, span: Span, window: usize) -> (usize, usize) {
    let mut lo = span.start.saturating_sub(window);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let mut hi = (span.end + window).min(text.len());
    while !text.is_char_boundary(hi) {
        hi -= 1;
    }
    let before = text.get(lo..span.start).unwrap_or("");
    if let Some(i) = before.rfind(['\n', '.', '!', '?']) {
        lo += i + 1;
    }
    let after = text.get(span.end..hi).unwrap_or("");
    if let Some(i) = after.find(['\n', '.', '!', '?']) {
        hi = span.end + i;
    }
    (lo, hi.max(lo))
}

fn belongs_to_someone_else(text: &str, ident: Span, mention: Span) -> bool {
    let (line_start, line_end) = line_bounds(text, ident);
    if mention.start >= line_start && mention.start < line_end {
        return false;
    }
    let Some(line) = text.get(line_start..line_end) else {
        return false;
    };
    let lower = line.to_ascii_lowercase();
    if lower.contains("name:") || lower.contains("witness:") || lower.contains("complainant:") {
        return true;
    }
    // A title followed by a capitalised word: another named person.
    names_someone(line)
}

/// Recogniser name of the subject matcher's own evidence.
const SUBJECT: &str = "subject";

struct Scan {
    own: Vec<Entity>,
    foreign: Vec<(Entity, bool)>,
    mentions: Vec<(Span, Strength)>,
    /// Every mention is of an alias (a former name, a known-as name), none
    /// of the profile's name: another address beside it may be where the
    /// subject lived under that name, so it does not tell a namesake.
    alias_only: bool,
}

#[cfg(test)]
mod tests;
