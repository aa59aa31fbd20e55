//! Which redacted strings the bundle's consistency pass may spread to every
//! other place they appear, and the text sarx writes itself.
//!
//! A plan's redaction is always applied where it was planned. Spreading it
//! to every other occurrence in the response (other records, titles, file
//! names) multiplies a planning error as often as the string occurs, so a
//! string spreads only when it identifies someone wherever it appears:
//!
//! * a name of two or more words (`Janet Smith`) or a title and surname
//!   (`Mrs Okafor`);
//! * an identifier or contact (e-mail, phone, NI number, reference,
//!   postcode, address, bank details, vehicle): one with a digit or an `@`,
//!   or of two or more words;
//!
//! and never when it is
//!
//! * a single word (`Homes`, `Start`, `Damp`): as a name it is ambiguous out
//!   of context, and the planner decides each occurrence;
//! * (part of) the organisation's own name, address or contacts, or its
//!   DPO's ([`Local::Organisation`], reported as a planning error);
//! * text sarx writes itself: cover-letter wording, schedule and log
//!   headings, page furniture ([`Boilerplate`]);
//! * a staff member's name or work contact;
//! * an exemption or special-category data (decisions about one passage).
//!
//! ```
//! use sarx_bundle::spread::{classify, Boilerplate, Local, Scope, Staff};
//! use sarx_model::plan::Category;
//! let mut org = sarx_case::OrgProfile::default();
//! org.controller.name = "Fernbank Homes".into();
//! let b = Boilerplate::new(&org, &["Schedule of documents".to_owned()]);
//! let staff = Staff::new(&["Priya Patel".to_owned()]);
//! let s = |text: &str| classify(Category::ThirdPartyName, text, &b, &staff);
//! assert_eq!(s("Janet Smith"), Scope::Spread);
//! assert_eq!(s("Mrs Okafor"), Scope::Spread);
//! assert_eq!(s("Okafor"), Scope::Local(Local::SingleWord));
//! assert_eq!(s("Fernbank Homes"), Scope::Local(Local::Organisation));
//! assert_eq!(s("Schedule of"), Scope::Local(Local::OwnWording));
//! assert_eq!(s("Ms Patel"), Scope::Local(Local::Staff));
//! let contact = classify(Category::ThirdPartyContact, "07700 900123", &b, &staff);
//! assert_eq!(contact, Scope::Spread);
//! ```

use sarx_case::secrets::{tokens, MIN_CHARS};
use sarx_case::OrgProfile;
use sarx_model::plan::Category;

/// Whether a redaction spreads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Redact every occurrence in the response, and verify that none survives anywhere.
    Spread,
    /// Redact only where it was planned (and verify it there).
    Local(Local),
}

/// Why a redaction stays where it was planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Local {
    /// Fewer than [`MIN_CHARS`] alphanumeric characters.
    Short,
    /// An exemption: a decision about one passage.
    Exemption,
    /// Part of the organisation's own name, address or contacts, or its
    /// DPO's: almost certainly a planning error.
    Organisation,
    /// Text sarx itself writes (cover letter, schedule, page furniture).
    OwnWording,
    /// A staff member's name or work contact.
    Staff,
    /// The data subject's own name or identifier (a namesake's redaction).
    Subject,
    /// A single word that is not an identifier.
    SingleWord,
    /// Special-category data or another category that depends on context.
    Contextual,
}

/// True when `word` (lowercase) is a title that makes `Title Surname` a
/// name: the titles of `sarx_model::vocab::TITLES` that are not other
/// spellings, for children or police ranks.
fn is_title(word: &str) -> bool {
    sarx_model::vocab::title(word).is_some_and(|t| {
        t.variant_of.is_none()
            && !t.for_children
            && t.kind != sarx_model::vocab::TitleKind::PoliceRank
    })
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Token lines joined so that `contains(" a b ")` finds a contiguous run of
/// tokens within one line.
fn corpus<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let mut c = String::from("\n");
    for l in lines {
        let t = tokens(l);
        if t.is_empty() {
            continue;
        }
        c.push(' ');
        c.push_str(&t.join(" "));
        c.push_str(" \n");
    }
    c
}

fn corpus_contains(corpus: &str, toks: &[String]) -> bool {
    !toks.is_empty() && corpus.contains(&format!(" {} ", toks.join(" ")))
}

/// The text sarx writes itself: the organisation's profile and the fixed
/// wording of the cover letter, schedule, log, manifest and page furniture.
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    org: String,
    wording: String,
    org_phones: Vec<String>,
    phrases: Vec<Vec<String>>,
}

impl Boilerplate {
    /// `org`'s own name, address and contacts and its DPO's, plus `wording`
    /// (lines sarx writes: the cover letter as generated for this case,
    /// headings, furniture). The org's other profile text (purposes,
    /// recipients, ICO contact…) reaches the letter and belongs in `wording`.
    pub fn new(org: &OrgProfile, wording: &[String]) -> Boilerplate {
        let own: Vec<&str> = [&org.controller, &org.dpo]
            .iter()
            .flat_map(|c| [&c.name, &c.address, &c.email, &c.phone, &c.website])
            .map(String::as_str)
            .filter(|s| !s.trim().is_empty())
            .collect();
        let ico = &org.ico;
        let profile: Vec<&str> = [
            &ico.name,
            &ico.address,
            &ico.email,
            &ico.phone,
            &ico.website,
        ]
        .into_iter()
        .chain(
            org.purposes
                .iter()
                .flat_map(|p| [&p.purpose, &p.lawful_basis]),
        )
        .chain(org.retention.iter().flat_map(|r| [&r.records, &r.period]))
        .chain(&org.lawful_bases)
        .chain(&org.categories)
        .chain(&org.recipients)
        .chain(&org.sources)
        .chain(&org.rights)
        .chain([&org.automated_decision_making, &org.international_transfers])
        .map(String::as_str)
        .collect();
        let org_phones = [&org.controller.phone, &org.dpo.phone]
            .iter()
            .map(|p| digits(p))
            .filter(|d| d.len() >= 7)
            .collect();
        // Masking phrases: the org's own strings whole, and every other line
        // cut at tokens with digits (counts and dates differ between files).
        let mut phrases: Vec<Vec<String>> = own.iter().map(|s| tokens(s)).collect();
        for l in profile
            .iter()
            .copied()
            .chain(wording.iter().map(String::as_str))
        {
            let mut run = Vec::new();
            for t in tokens(l) {
                if t.chars().any(|c| c.is_ascii_digit()) {
                    phrases.push(std::mem::take(&mut run));
                } else {
                    run.push(t);
                }
            }
            phrases.push(run);
        }
        phrases.retain(|p| !p.is_empty());
        phrases.sort();
        phrases.dedup();
        Boilerplate {
            org: corpus(own.iter().copied()),
            wording: corpus(
                own.iter()
                    .copied()
                    .chain(profile.iter().copied())
                    .chain(wording.iter().map(String::as_str)),
            ),
            org_phones,
            phrases,
        }
    }

    /// True when `toks` is (part of) the org's or its DPO's name, address or contacts.
    pub fn is_organisation(&self, toks: &[String], text: &str) -> bool {
        let d = digits(text);
        corpus_contains(&self.org, toks) || (d.len() >= 7 && self.org_phones.contains(&d))
    }

    /// True when `toks` occurs within a line of text sarx writes itself.
    pub fn is_own_wording(&self, toks: &[String]) -> bool {
        corpus_contains(&self.wording, toks)
    }

    /// Token phrases to mask in the files sarx generates before looking for
    /// redacted strings there.
    pub fn phrases(&self) -> &[Vec<String>] {
        &self.phrases
    }
}

/// Staff names and work contacts (never spread).
#[derive(Debug, Clone, Default)]
pub struct Staff {
    entries: Vec<String>,
    phones: Vec<String>,
}

impl Staff {
    /// From names, e-mails and phones of staff acting in an official capacity.
    pub fn new(staff: &[String]) -> Staff {
        Staff {
            entries: staff
                .iter()
                .map(|s| corpus(std::iter::once(s.as_str())))
                .collect(),
            phones: staff
                .iter()
                .map(|s| digits(s))
                .filter(|d| d.len() >= 7)
                .collect(),
        }
    }

    /// True when `toks` (without a leading title) is part of a staff entry.
    pub fn contains(&self, toks: &[String], text: &str) -> bool {
        let bare = match toks.split_first() {
            Some((t, rest)) if !rest.is_empty() && is_title(t) => rest,
            _ => toks,
        };
        let d = digits(text);
        self.entries.iter().any(|e| corpus_contains(e, bare))
            || (d.len() >= 7 && self.phones.contains(&d))
    }
}

/// Decides whether a redaction of `text` (of `category`) may spread.
pub fn classify(category: Category, text: &str, boilerplate: &Boilerplate, staff: &Staff) -> Scope {
    let toks = tokens(text);
    let chars: usize = toks.iter().map(|t| t.chars().count()).sum();
    if toks.is_empty() || chars < MIN_CHARS {
        return Scope::Local(Local::Short);
    }
    if category == Category::Exemption {
        return Scope::Local(Local::Exemption);
    }
    if boilerplate.is_organisation(&toks, text) {
        return Scope::Local(Local::Organisation);
    }
    if boilerplate.is_own_wording(&toks) {
        return Scope::Local(Local::OwnWording);
    }
    if staff.contains(&toks, text) {
        return Scope::Local(Local::Staff);
    }
    if category.is_contextual() {
        return Scope::Local(Local::Contextual);
    }
    let words = toks.len();
    if category.is_identifier() {
        if words >= 2 || text.contains('@') || text.chars().any(|c| c.is_ascii_digit()) {
            return Scope::Spread;
        }
        return Scope::Local(Local::SingleWord);
    }
    // Names (planned, case-consistency, or a caseworker's own): two or more
    // words, which includes a title and surname.
    if words >= 2 {
        Scope::Spread
    } else {
        Scope::Local(Local::SingleWord)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_old_list() {
        let old = [
            "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "cllr", "lord",
            "lady",
        ];
        let now = sarx_model::vocab::TITLES
            .iter()
            .filter(|t| is_title(t.word))
            .count();
        assert_eq!(now, old.len());
        assert!(old.iter().all(|w| is_title(w)));
    }

    fn org() -> OrgProfile {
        let mut o = OrgProfile::default();
        o.controller.name = "Start Housing Trust".into();
        o.controller.address = "Fernbank House, 12 Mill Lane, Leeds, LS6 2AB".into();
        o.controller.phone = "0113 496 0500".into();
        o.dpo.name = "Alex Rowe, Data Protection Officer".into();
        o.dpo.email = "dpo@start.example".into();
        o
    }

    fn check(category: &str, text: &str) -> Scope {
        let b = Boilerplate::new(
            &org(),
            &[
                "# What we found".to_owned(),
                "SAR-T-1 · Document 0001 ·".to_owned(),
            ],
        );
        let staff = Staff::new(&["Priya Patel".to_owned(), "0113 496 0777".to_owned()]);
        let Some(category) = Category::from_code(category) else {
            panic!("no category {category}");
        };
        classify(category, text, &b, &staff)
    }

    #[test]
    fn full_names_titled_surnames_and_identifiers_spread() {
        assert_eq!(check("third_party_name", "Janet Smith"), Scope::Spread);
        assert_eq!(check("third_party_name", "MRS OKAFOR"), Scope::Spread);
        assert_eq!(check("person_name", "Zoë Ünal"), Scope::Spread);
        assert_eq!(check("third_party_contact", "07700 900123"), Scope::Spread);
        assert_eq!(
            check("third_party_contact", "jo@example.org"),
            Scope::Spread
        );
        assert_eq!(check("third_party_identifier", "QQ123456C"), Scope::Spread);
        assert_eq!(check("third_party_address", "LS8 4HS"), Scope::Spread);
        assert_eq!(check("third_party_address", "3 Oak Road"), Scope::Spread);
    }

    #[test]
    fn single_words_do_not_spread() {
        for w in ["Homes", "Safe", "Damp", "Okafor"] {
            assert_eq!(
                check("third_party_name", w),
                Scope::Local(Local::SingleWord),
                "{w}"
            );
        }
        assert_eq!(
            check("third_party_address", "Harehills"),
            Scope::Local(Local::SingleWord)
        );
        assert_eq!(check("third_party_name", "Jo"), Scope::Local(Local::Short));
    }

    #[test]
    fn the_organisations_own_name_address_and_dpo_do_not_spread() {
        let o = Scope::Local(Local::Organisation);
        assert_eq!(check("third_party_name", "Start"), o);
        assert_eq!(check("third_party_name", "Housing Trust"), o);
        assert_eq!(check("third_party_name", "start housing trust"), o);
        assert_eq!(check("third_party_address", "12 Mill Lane"), o);
        assert_eq!(check("third_party_address", "LS6 2AB"), o);
        assert_eq!(check("third_party_contact", "01134960500"), o);
        assert_eq!(check("third_party_name", "Alex Rowe"), o);
        assert_eq!(check("third_party_contact", "DPO@start.example"), o);
        // Not a contiguous part of it.
        assert_eq!(check("third_party_name", "Trust Start"), Scope::Spread);
    }

    #[test]
    fn sarx_wording_staff_and_context_do_not_spread() {
        assert_eq!(
            check("third_party_name", "What We Found"),
            Scope::Local(Local::OwnWording)
        );
        assert_eq!(
            check("third_party_name", "Ms Patel"),
            Scope::Local(Local::Staff)
        );
        assert_eq!(
            check("third_party_name", "Priya Patel"),
            Scope::Local(Local::Staff)
        );
        assert_eq!(
            check("third_party_contact", "0113 4960777"),
            Scope::Local(Local::Staff)
        );
        assert_eq!(
            check("special_category", "severe depression"),
            Scope::Local(Local::Contextual)
        );
        let b = Boilerplate::new(&org(), &[]);
        assert_eq!(
            classify(Category::Exemption, "Janet Smith", &b, &Staff::default()),
            Scope::Local(Local::Exemption)
        );
    }

    #[test]
    fn masking_phrases_cut_wording_at_numbers_and_keep_org_strings_whole() {
        let b = Boilerplate::new(
            &org(),
            &["We enclose 12 documents, listed below".to_owned()],
        );
        let p = b.phrases();
        let has = |s: &str| p.contains(&tokens(s));
        assert!(has("we enclose"));
        assert!(has("documents listed below"));
        assert!(has("Fernbank House, 12 Mill Lane, Leeds, LS6 2AB"));
        assert!(has("0113 496 0500"));
        assert!(!has("we enclose 12 documents listed below"));
    }
}
