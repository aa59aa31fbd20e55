//! Words every stage reads the same way: titles, month and weekday names,
//! street types, exemption codes, and the one folding of text for
//! comparison ([`fold`]).
//!
//! Each table carries the attributes its consumers choose by, so a consumer
//! takes the subset it needs (`TITLES.iter().filter(…)`) instead of keeping
//! its own list. No I/O.
//!
//! ```
//! use sarx_model::vocab::{fold, month_number, title, Gender, TitleKind};
//! assert_eq!(fold("Zoë O\u{2019}NEILL"), "zoe o'neill");
//! assert_eq!(month_number("Sept."), Some(9));
//! let mrs = title("mrs").map(|t| (t.gender, t.kind));
//! assert_eq!(mrs, Some((Some(Gender::Female), TitleKind::Courtesy)));
//! ```

use unicode_normalization::UnicodeNormalization;

/// A person's gender as hinted by a forename or a title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    /// Female forenames; Mrs, Ms, Miss, Dame, Lady.
    Female,
    /// Male forenames; Mr, Sir, Lord, Master.
    Male,
}

/// What sort of title a [`Title`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TitleKind {
    /// `Mr`, `Mrs`, `Ms`, `Miss`, `Mx`, `Master`.
    Courtesy,
    /// Honours and peerage: `Sir`, `Dame`, `Lady`, `Lord`.
    Honour,
    /// Academic and medical: `Dr`, `Prof`.
    Professional,
    /// Clergy: `Rev`, `Revd`.
    Clergy,
    /// Elected office: `Cllr`, `Councillor`.
    Civic,
    /// Police ranks: `PC`, `DS`, `DC`, `Sgt`, `Insp`.
    PoliceRank,
}

/// A title written before a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Title {
    /// Lowercase, without a dot (`mrs`).
    pub word: &'static str,
    /// The gender the title implies, if any.
    pub gender: Option<Gender>,
    /// What sort of title it is.
    pub kind: TitleKind,
    /// Another spelling of a title also in the table (`revd` of `rev`,
    /// `professor` of `prof`, `councillor` of `cllr`).
    pub variant_of: Option<&'static str>,
    /// Used for boys only (`Master`): rare in adult correspondence.
    pub for_children: bool,
}

const fn t(word: &'static str, gender: Option<Gender>, kind: TitleKind) -> Title {
    Title {
        word,
        gender,
        kind,
        variant_of: None,
        for_children: false,
    }
}

const fn variant(word: &'static str, of: &'static str, kind: TitleKind) -> Title {
    Title {
        word,
        gender: None,
        kind,
        variant_of: Some(of),
        for_children: false,
    }
}

const F: Option<Gender> = Some(Gender::Female);
const M: Option<Gender> = Some(Gender::Male);

/// Every title sarx knows.
///
/// Consumers: `sarx-detect` (subject names) takes the courtesy, honour,
/// professional and clergy titles that are not variants; `sarx-redact`
/// (third-party names) takes all but those for children; `sarx-bundle`
/// (redaction spread) takes those that are neither variants, for children
/// nor police ranks.
pub const TITLES: &[Title] = &[
    t("mr", M, TitleKind::Courtesy),
    t("mrs", F, TitleKind::Courtesy),
    t("ms", F, TitleKind::Courtesy),
    t("miss", F, TitleKind::Courtesy),
    t("mx", None, TitleKind::Courtesy),
    Title {
        for_children: true,
        ..t("master", M, TitleKind::Courtesy)
    },
    t("sir", M, TitleKind::Honour),
    t("dame", F, TitleKind::Honour),
    t("lady", F, TitleKind::Honour),
    t("lord", M, TitleKind::Honour),
    t("dr", None, TitleKind::Professional),
    t("prof", None, TitleKind::Professional),
    variant("professor", "prof", TitleKind::Professional),
    t("rev", None, TitleKind::Clergy),
    variant("revd", "rev", TitleKind::Clergy),
    t("cllr", None, TitleKind::Civic),
    variant("councillor", "cllr", TitleKind::Civic),
    t("pc", None, TitleKind::PoliceRank),
    t("ds", None, TitleKind::PoliceRank),
    t("dc", None, TitleKind::PoliceRank),
    t("sgt", None, TitleKind::PoliceRank),
    t("insp", None, TitleKind::PoliceRank),
];

/// The title `word` (lowercase, no dot) is, if any.
pub fn title(word: &str) -> Option<&'static Title> {
    TITLES.iter().find(|t| t.word == word)
}

/// Month names, January first, lowercase.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekday names, Monday first, lowercase.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The month (1–12) `word` names, in full or cut to at least three letters
/// (`Jan`, `Sept`, `Febr.`), any ASCII case, trailing dots and commas
/// allowed.
pub fn month_number(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches(['.', ',']);
    if w.len() < 3 {
        return None;
    }
    let pos = MONTHS
        .iter()
        .position(|m| m.get(..3).is_some_and(|p| w.starts_with(p)))?;
    let full = MONTHS.get(pos)?;
    (full.starts_with(w) || w == "sept").then_some(pos as u32 + 1)
}

/// An English street type (`Road`), the last word of a street name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreetType {
    /// As written in a street name (`Road`).
    pub word: &'static str,
    /// Abbreviations as written (`Rd`), without the dot.
    pub abbreviations: &'static [&'static str],
    /// One of the commonest types in towns (road, street, lane, …): a word
    /// that, after a town's name, makes it a street (`Bradford Road`).
    pub common: bool,
}

const fn st(word: &'static str, abbreviations: &'static [&'static str]) -> StreetType {
    StreetType {
        word,
        abbreviations,
        common: false,
    }
}

const fn common(word: &'static str, abbreviations: &'static [&'static str]) -> StreetType {
    StreetType {
        word,
        abbreviations,
        common: true,
    }
}

/// English street types, in the order a pattern tries them.
pub const STREET_TYPES: &[StreetType] = &[
    common("Road", &["Rd"]),
    common("Street", &["St"]),
    common("Avenue", &["Ave"]),
    common("Lane", &["Ln"]),
    common("Drive", &["Dr"]),
    common("Close", &["Cl"]),
    common("Court", &["Ct"]),
    common("Crescent", &["Cres"]),
    common("Place", &["Pl"]),
    common("Way", &[]),
    common("Gardens", &["Gdns"]),
    common("Grove", &["Gr"]),
    common("Terrace", &["Terr"]),
    common("Walk", &[]),
    st("Row", &[]),
    common("Hill", &[]),
    common("Park", &[]),
    common("Square", &["Sq"]),
    st("Mews", &[]),
    common("Rise", &[]),
    common("View", &[]),
    st("Green", &[]),
    st("Parade", &[]),
    st("Boulevard", &["Blvd"]),
    st("Vale", &[]),
    st("Wharf", &[]),
    st("Wynd", &[]),
    st("Gate", &[]),
    st("Yard", &[]),
    st("Fold", &[]),
    st("Croft", &[]),
    st("Meadow", &[]),
    st("Meadows", &[]),
    st("Chase", &[]),
    st("Approach", &[]),
    st("Heights", &[]),
    st("Causeway", &[]),
    st("Broadway", &[]),
    st("Circus", &[]),
    st("Embankment", &[]),
    st("Esplanade", &[]),
    st("Promenade", &[]),
    st("Quay", &[]),
    st("Brow", &[]),
    st("Bank", &[]),
    st("End", &[]),
    st("Field", &[]),
    st("Fields", &[]),
    st("Garth", &[]),
    st("Hollow", &[]),
    st("Lea", &[]),
    st("Mount", &[]),
    st("Nook", &[]),
    st("Orchard", &[]),
    st("Passage", &[]),
    st("Path", &[]),
    st("Ridge", &[]),
    st("Side", &[]),
    st("Spur", &[]),
    st("Villas", &[]),
    st("Wood", &[]),
    st("Walks", &[]),
    st("Highway", &[]),
];

/// A DPA 2018 exemption a caseworker may apply, with the codes each side
/// writes it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exemption {
    /// The code of an exemption flag raised by `sarx-redact`
    /// (`health_serious_harm`).
    pub code: &'static str,
    /// The reason code a caseworker picks in review and the bundle's marker
    /// shows (`serious-harm-health`).
    pub reason_code: &'static str,
    /// The legal provision (`DPA 2018 Sch 3 Pt 2 para 5`).
    pub provision: &'static str,
}

/// The exemptions, in the order they are offered.
pub const EXEMPTIONS: &[Exemption] = &[
    Exemption {
        code: "legal_professional_privilege",
        reason_code: "legal-privilege",
        provision: "DPA 2018 Sch 2 Pt 4 para 19",
    },
    Exemption {
        code: "crime_and_taxation",
        reason_code: "crime-taxation",
        provision: "DPA 2018 Sch 2 Pt 1 para 2",
    },
    Exemption {
        code: "confidential_reference",
        reason_code: "confidential-reference",
        provision: "DPA 2018 Sch 2 Pt 4 para 24",
    },
    Exemption {
        code: "management_forecast",
        reason_code: "management-forecast",
        provision: "DPA 2018 Sch 2 Pt 4 para 22",
    },
    Exemption {
        code: "negotiations_with_requester",
        reason_code: "negotiations",
        provision: "DPA 2018 Sch 2 Pt 4 para 23",
    },
    Exemption {
        code: "health_serious_harm",
        reason_code: "serious-harm-health",
        provision: "DPA 2018 Sch 3 Pt 2 para 5",
    },
    Exemption {
        code: "social_work_serious_harm",
        reason_code: "serious-harm-social-work",
        provision: "DPA 2018 Sch 3 Pt 3 para 10",
    },
];

/// The exemption with flag code `code`, if any.
pub fn exemption(code: &str) -> Option<&'static Exemption> {
    EXEMPTIONS.iter().find(|e| e.code == code)
}

/// The exemption with review reason code `reason_code`, if any.
pub fn exemption_by_reason(reason_code: &str) -> Option<&'static Exemption> {
    EXEMPTIONS.iter().find(|e| e.reason_code == reason_code)
}

/// A word for how one person stands to another: kin, household,
/// neighbours, and the roles a housing record names people by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Relationship {
    /// The word, lowercase.
    pub word: &'static str,
    /// Whether, next to a redacted name, the word can still tell the
    /// requester who it was (`my son [REDACTED]`): kin, household and
    /// neighbours, not a role such as `witness`.
    pub identifies: bool,
}

const fn kin(word: &'static str) -> Relationship {
    Relationship {
        word,
        identifies: true,
    }
}

const fn role(word: &'static str) -> Relationship {
    Relationship {
        word,
        identifies: false,
    }
}

/// Relationship words. Each is a cue that a name follows (`neighbour Darren
/// Pike`); those that identify raise a warning beside a redacted name.
pub const RELATIONSHIPS: &[Relationship] = &[
    kin("son"),
    kin("daughter"),
    kin("wife"),
    kin("husband"),
    kin("partner"),
    kin("ex-partner"),
    kin("brother"),
    kin("sister"),
    kin("mother"),
    kin("father"),
    kin("mum"),
    kin("dad"),
    kin("neighbour"),
    kin("neighbor"),
    kin("neighbours"),
    kin("child"),
    kin("children"),
    kin("grandson"),
    kin("granddaughter"),
    kin("grandmother"),
    kin("grandfather"),
    kin("nan"),
    kin("nephew"),
    kin("niece"),
    kin("uncle"),
    kin("aunt"),
    kin("auntie"),
    kin("cousin"),
    kin("stepson"),
    kin("stepdaughter"),
    kin("lodger"),
    kin("carer"),
    kin("boyfriend"),
    kin("girlfriend"),
    kin("fiancé"),
    kin("fiance"),
    role("ex"),
    role("friend"),
    role("tenant"),
    role("witness"),
    role("witnesses"),
];

/// Appends `c` folded to `out`: lowercased, diacritics stripped (`ë` →
/// `e`; the Latin letters with a stroke, which do not decompose, to their
/// base letter: `ø` → `o`, `ł` → `l`, `đ` → `d`, as ASCII folding in the
/// index does), typographic apostrophes and hyphens mapped to ASCII ones.
/// Folding a string is folding each of its characters ([`fold`]).
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(match c {
            '`' => '\'',
            c => c.to_ascii_lowercase(),
        });
        return;
    }
    for d in std::iter::once(c)
        .nfd()
        .filter(|d| !unicode_normalization::char::is_combining_mark(*d))
    {
        let d = match d {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => '-',
            other => other,
        };
        for l in d.to_lowercase() {
            out.push(match l {
                'ø' => 'o',
                'ł' => 'l',
                'đ' => 'd',
                'ħ' => 'h',
                'ŧ' => 't',
                'ı' => 'i',
                other => other,
            });
        }
    }
}

/// `s` folded for comparison (see [`fold_char`]): names and references
/// compare equal however they were typed (`Zoë O’NEILL` → `zoe o'neill`).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // The common case; as the old ASCII path did, a backquote stays.
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// `text` folded as [`fold`] folds it, and for each byte of the folded
/// copy (and one past its end) the byte of `text` where its character
/// starts.
pub fn fold_with_offsets(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len() + 1);
    let ascii = text.is_ascii();
    for (i, c) in text.char_indices() {
        let before = folded.len();
        if ascii || c == '`' {
            folded.push(c.to_ascii_lowercase());
        } else {
            fold_char(c, &mut folded);
        }
        starts.extend(std::iter::repeat_n(i, folded.len() - before));
    }
    starts.push(text.len());
    (folded, starts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_subsets() {
        let police = TITLES
            .iter()
            .filter(|t| t.kind == TitleKind::PoliceRank)
            .count();
        assert_eq!(police, 5);
        assert!(TITLES
            .iter()
            .filter_map(|t| t.variant_of)
            .all(|of| title(of).is_some()));
    }

    #[test]
    fn months() {
        assert_eq!(month_number("Jan"), Some(1));
        assert_eq!(month_number("sept"), Some(9));
        assert_eq!(month_number("SEPTEMBER,"), Some(9));
        assert_eq!(month_number("ju"), None);
        assert_eq!(month_number("marc"), Some(3));
        assert_eq!(month_number("mayday"), None);
    }

    #[test]
    fn folds() {
        assert_eq!(fold("Zoë O\u{2019}NEILL"), "zoe o'neill");
        assert_eq!(fold("Ærøskøbing"), "æroskobing");
        assert_eq!(fold("Łukasz Søren"), "lukasz soren");
        assert_eq!(fold("ASCII `only`"), "ascii `only`");
        let (f, o) = fold_with_offsets("Zoë");
        assert_eq!(f, "zoe");
        assert_eq!(o, vec![0, 1, 2, 4]);
    }

    #[test]
    fn exemption_codes_are_unique() {
        for e in EXEMPTIONS {
            assert_eq!(exemption(e.code), Some(e));
            assert_eq!(exemption_by_reason(e.reason_code), Some(e));
        }
    }

    /// The fold before it moved here (sarx-detect's `text::fold`).
    fn old_fold(s: &str) -> String {
        if s.is_ascii() {
            return s.to_ascii_lowercase();
        }
        s.nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .map(|c| match c {
                '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' => '\'',
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' => '-',
                other => other,
            })
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// sarx-detect's `fold_with_offsets` before it moved here.
    fn old_fold_with_offsets(text: &str) -> (String, Vec<usize>) {
        let mut folded = String::with_capacity(text.len());
        let mut starts = Vec::with_capacity(text.len() + 1);
        let mut buf = [0u8; 4];
        for (i, c) in text.char_indices() {
            let piece = if c.is_ascii() {
                c.to_ascii_lowercase().encode_utf8(&mut buf).to_owned()
            } else {
                old_fold(c.encode_utf8(&mut buf))
            };
            starts.extend(std::iter::repeat_n(i, piece.len()));
            folded.push_str(&piece);
        }
        starts.push(text.len());
        (folded, starts)
    }

    /// sarx-detect's `month_number` before it moved here.
    fn old_month_number(word: &str) -> Option<u32> {
        let w = word.to_ascii_lowercase();
        let w = w.trim_end_matches(['.', ',']);
        const NAMES: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        if w.len() < 3 {
            return None;
        }
        let pos = NAMES.iter().position(|m| w.starts_with(m))?;
        let f = MONTHS.get(pos)?;
        (f.starts_with(w) || w == "sept").then_some(pos as u32 + 1)
    }

    proptest::proptest! {
        #[test]
        /// The fold that moved here from sarx-detect, with one deliberate
        /// change: the letters with a stroke fold to their base letter.
        fn fold_equals_the_old_fold_but_strokes(s in "\\PC{0,24}", t in "[a-zA-Z`'’‘ʼ‐–ëÉøØłÆçČß İ́]{0,24}") {
            for s in [&s, &t] {
                let strokes = |f: String| -> String {
                    f.chars()
                        .map(|c| match c {
                            'ø' => 'o',
                            'ł' => 'l',
                            'đ' => 'd',
                            'ħ' => 'h',
                            'ŧ' => 't',
                            'ı' => 'i',
                            c => c,
                        })
                        .collect()
                };
                proptest::prop_assert_eq!(fold(s), strokes(old_fold(s)));
                let (folded, starts) = fold_with_offsets(s);
                proptest::prop_assert_eq!(&folded, &strokes(old_fold_with_offsets(s).0));
                proptest::prop_assert_eq!(starts.len(), folded.len() + 1);
                proptest::prop_assert!(starts.windows(2).all(|w| w[0] <= w[1]));
                if !s.chars().any(|c| "øØłŁđĐħĦŧŦı".contains(c)) {
                    proptest::prop_assert_eq!(fold_with_offsets(s), old_fold_with_offsets(s));
                }
            }
        }

        #[test]
        fn month_number_equals_the_old_one(s in "[a-zA-Z.,]{0,12}") {
            proptest::prop_assert_eq!(month_number(&s), old_month_number(&s));
        }
    }
}
