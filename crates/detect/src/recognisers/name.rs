//! The data subject's own names.
//!
//! **Finds** mentions of a given person's name (the profile's name and each
//! alias) however it is written: any case, with or without diacritics
//! (`Zoë`/`Zoe`), apostrophes (`O'Neill`, `O’Neill`), hyphenated or spaced
//! double-barrelled surnames (`Smith-Jones`, `Smith Jones`), `SURNAME,
//! Forename` and `Surname Forename` (lists, spreadsheet columns), initials
//! (`M. Okafor`, `M A Okafor`), titles (`Mrs Okafor`), possessives
//! (`Okafor's`), a name broken across a line, middle names, and the forename
//! variants of [`forename_variants`] both ways (`Maggie` ↔ `Margaret`).
//!
//! **Why**: most records name their subject rather than quote an identifier;
//! names are also what namesakes share, so every mention carries its
//! [`Strength`] and the matcher weighs it against the other evidence.
//!
//! **How**: one aho-corasick automaton over every written form of every
//! surname finds anchors; the words around each anchor decide the strength.
//! A bare surname, or a surname after a *different* forename (`David
//! Okafor`), is not a mention.
//!
//! | name | text | strength |
//! |---|---|---|
//! | Margaret Anne Okafor | `Margaret Okafor` | full |
//! | Margaret Anne Okafor | `OKAFOR, Maggie` | full |
//! | Margaret Anne Okafor | `Mrs M. A. Okafor's` | initials |
//! | Margaret Anne Okafor | `Mrs Okafor` | title |
//! | Margaret Anne Okafor | `Mr Okafor` | none (title of the other gender) |
//! | Margaret Anne Okafor | `David Okafor` | none (different forename) |
//! | Margaret Anne Okafor | `Okafor` | none (bare surname) |
//! | Siobhan O'Neill | `SIOBHAN O’NEILL` | full |

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use sarx_model::vocab::{self, fold_with_offsets, Title, TitleKind};
use sarx_model::Span;

use crate::text::{char_at, char_before, fold};

/// The forename variant table (see `data/forename_variants.txt`).
static VARIANTS: LazyLock<Variants> =
    LazyLock::new(|| Variants::parse(include_str!("../../data/forename_variants.txt")));

pub use sarx_model::vocab::Gender;

struct Variants {
    groups: Vec<(Option<Gender>, Vec<String>)>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Variants {
    fn parse(data: &str) -> Variants {
        let mut groups = Vec::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split_whitespace();
            let gender = match words.next() {
                Some("F") => Some(Gender::Female),
                Some("M") => Some(Gender::Male),
                _ => None,
            };
            let names: Vec<String> = words.map(fold).collect();
            for n in &names {
                by_name.entry(n.clone()).or_default().push(groups.len());
            }
            groups.push((gender, names));
        }
        Variants { groups, by_name }
    }
}

/// Every variant of a forename, itself included, folded to lowercase:
/// `forename_variants("Maggie")` contains `margaret`, `peggy`, `meg`.
pub fn forename_variants(name: &str) -> Vec<String> {
    let name = fold(name);
    let mut out = vec![name.clone()];
    if let Some(groups) = VARIANTS.by_name.get(&name) {
        for &g in groups {
            if let Some((_, names)) = VARIANTS.groups.get(g) {
                out.extend(names.iter().cloned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The gender a forename suggests, when the variant table is unanimous.
pub fn forename_gender(name: &str) -> Option<Gender> {
    let groups = VARIANTS.by_name.get(&fold(name))?;
    let mut g = None;
    for &i in groups {
        let gi = VARIANTS.groups.get(i)?.0?;
        if g.is_some_and(|x| x != gi) {
            return None;
        }
        g = Some(gi);
    }
    g
}

/// The titles a subject's name is written with: courtesy, honours,
/// professional and clergy titles, not other spellings (`revd`,
/// `professor`), civic titles or police ranks (`sarx_model::vocab::TITLES`).
fn subject_title(word: &str) -> Option<&'static Title> {
    vocab::title(word).filter(|t| {
        t.variant_of.is_none()
            && matches!(
                t.kind,
                TitleKind::Courtesy
                    | TitleKind::Honour
                    | TitleKind::Professional
                    | TitleKind::Clergy
            )
    })
}

fn title_gender(t: &str) -> Option<Gender> {
    subject_title(t).and_then(|t| t.gender)
}

/// True when `word` (folded, without a trailing dot) is a title.
pub fn is_title(word: &str) -> bool {
    subject_title(word).is_some()
}

const PARTICLES: [&str; 10] = [
    "van", "von", "de", "der", "den", "da", "di", "du", "le", "la",
];

/// A personal name split into its parts, folded to lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// Given names in order (forename first).
    pub given: Vec<String>,
    /// The surname, particles included (`van der berg`), hyphens kept.
    pub surname: String,
}

/// Parses `Margaret Anne Okafor`, `Mrs Margaret Okafor`, `OKAFOR, Margaret
/// Anne` or `Siobhan O'Neill` into given names and surname. `None` when
/// there is no surname.
pub fn parse_person_name(s: &str) -> Option<PersonName> {
    let folded = fold(s);
    let clean = |w: &str| w.trim_matches(|c: char| c == '.' || c == ',').to_owned();
    let (mut given, surname): (Vec<String>, String) =
        if let Some((sur, rest)) = folded.split_once(',') {
            (
                rest.split_whitespace().map(clean).collect(),
                sur.split_whitespace()
                    .map(clean)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        } else {
            let mut words: Vec<String> = folded.split_whitespace().map(clean).collect();
            while words.first().is_some_and(|w| is_title(w)) && words.len() > 1 {
                words.remove(0);
            }
            let mut surname = vec![words.pop()?];
            while words.len() > 1
                && words
                    .last()
                    .is_some_and(|w| PARTICLES.contains(&w.as_str()))
            {
                if let Some(p) = words.pop() {
                    surname.insert(0, p);
                }
            }
            (words, surname.join(" "))
        };
    given.retain(|g| !g.is_empty() && !is_title(g));
    (!surname.is_empty()).then_some(PersonName { given, surname })
}

/// Written forms of a folded surname for the automaton: hyphen or space
/// between barrels, apostrophe straight, curly or dropped.
fn surname_forms(surname: &str) -> Vec<String> {
    let mut forms = vec![surname.to_owned()];
    let push = |f: String, forms: &mut Vec<String>| {
        if !forms.contains(&f) {
            forms.push(f);
        }
    };
    if surname.contains('-') {
        push(surname.replace('-', " "), &mut forms);
    }
    if surname.contains(' ') {
        push(surname.replace(' ', "-"), &mut forms);
    }
    for f in forms.clone() {
        if f.contains('\'') {
            push(f.replace('\'', "\u{2019}"), &mut forms);
            push(f.replace('\'', ""), &mut forms);
            push(f.replace('\'', " "), &mut forms);
        }
    }
    forms
}

/// How strongly a mention names the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Strength {
    /// Title and surname only (`Mrs Okafor`).
    Title,
    /// Initials and surname (`M. Okafor`, `M A Okafor`).
    Initials,
    /// A forename (or one of its variants) and surname.
    Full,
}

/// One mention of a target name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMention {
    /// The bytes of the mention (title and forenames included).
    pub span: Span,
    /// Index of the target (0 = the profile's name, then aliases in order).
    pub target: usize,
    /// How strongly it names the person.
    pub strength: Strength,
}

struct Target {
    given_variants: HashSet<String>,
    initials: HashSet<char>,
    gender: Option<Gender>,
}

/// Finds mentions of a set of names (a subject's name and aliases).
/// Immutable once built; `Send + Sync`.
pub struct NameMatcher {
    ac: Option<AhoCorasick>,
    anchors: Vec<String>,
    /// The targets each pattern anchors: a surname shared by the name and
    /// an alias (`Karen Milburn`, `Kaz Milburn`) is one pattern for both.
    pattern_target: Vec<Vec<usize>>,
    targets: Vec<Target>,
}

impl NameMatcher {
    /// Builds a matcher for `names` (each as written in a profile).
    /// Names without a surname are skipped.
    pub fn new(names: &[&str]) -> NameMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_target: Vec<Vec<usize>> = Vec::new();
        let mut targets = Vec::new();
        for (i, raw) in names.iter().enumerate() {
            let Some(p) = parse_person_name(raw) else {
                targets.push(Target {
                    given_variants: HashSet::new(),
                    initials: HashSet::new(),
                    gender: None,
                });
                continue;
            };
            let mut given_variants = HashSet::new();
            for g in &p.given {
                if g.chars().count() > 1 {
                    given_variants.extend(forename_variants(g));
                }
            }
            let initials = p
                .given
                .iter()
                .chain(given_variants.iter())
                .filter_map(|g| g.chars().next())
                .collect();
            let gender = p.given.first().and_then(|g| forename_gender(g));
            targets.push(Target {
                given_variants,
                initials,
                gender,
            });
            for f in surname_forms(&p.surname) {
                match patterns.iter().position(|q| *q == f) {
                    Some(at) => {
                        if let Some(ts) = pattern_target.get_mut(at) {
                            ts.push(i);
                        }
                    }
                    None => {
                        patterns.push(f);
                        pattern_target.push(vec![i]);
                    }
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            // A few hundred short patterns: a full DFA is small and about
            // twice as fast as the default NFA without a prefilter.
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        NameMatcher {
            ac,
            anchors: patterns,
            pattern_target,
            targets,
        }
    }

    /// The surname forms every mention is anchored on: in ASCII text,
    /// [`NameMatcher::find`] finds nothing unless one of them occurs
    /// (ASCII case-insensitively).
    pub fn anchors(&self) -> &[String] {
        &self.anchors
    }

    /// Every mention in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<NameMention> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut anchors: Vec<(usize, usize, usize)> = Vec::new();
        if text.is_ascii() {
            for m in ac.find_iter(text) {
                anchors.push((m.start(), m.end(), m.pattern().as_usize()));
            }
        } else {
            // Diacritics and typographic apostrophes: search a folded copy and
            // map the offsets back.
            let (folded, starts) = fold_with_offsets(text);
            for m in ac.find_iter(&folded) {
                if let (Some(&s), Some(&e)) = (starts.get(m.start()), starts.get(m.end())) {
                    anchors.push((s, e, m.pattern().as_usize()));
                }
            }
        }
        let mut out = Vec::new();
        for (s, e, pat) in anchors {
            if char_before(text, s).is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '\'')
                || char_at(text, e).is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            // `Okafor-Smith` is a different surname.
            if char_at(text, e) == Some('-')
                && text
                    .get(e + 1..)
                    .and_then(|t| t.chars().next())
                    .is_some_and(char::is_alphabetic)
            {
                continue;
            }
            let Some(ts) = self.pattern_target.get(pat) else {
                continue;
            };
            // The strongest reading over every target with this surname
            // (the first target on a tie: the profile's name before its
            // aliases).
            let best = ts
                .iter()
                .filter_map(|&ti| self.classify(text, s, e, ti, self.targets.get(ti)?))
                .reduce(|a, b| if b.strength > a.strength { b } else { a });
            if let Some(mention) = best {
                out.push(mention);
            }
        }
        out
    }

    fn classify(
        &self,
        text: &str,
        s: usize,
        e: usize,
        ti: usize,
        t: &Target,
    ) -> Option<NameMention> {
        let mut start = s;
        let mut full = false;
        let mut initials = false;
        let mut title: Option<String> = None;
        let mut pos = s;
        for _ in 0..5 {
            let Some((ws, we)) = prev_word(text, pos) else {
                break;
            };
            let raw = text.get(ws..we).unwrap_or("");
            let w = fold(raw.trim_end_matches('.'));
            if t.given_variants.contains(&w) {
                full = true;
            } else if w.chars().count() == 1 && w.chars().all(char::is_alphabetic) {
                let c = w.chars().next()?;
                if !t.initials.contains(&c) {
                    break;
                }
                initials = true;
            } else if is_title(&w) {
                title = Some(w);
                start = ws;
                break;
            } else {
                break;
            }
            start = ws;
            pos = ws;
        }
        let mut end = e;
        if !full && !initials {
            // `OKAFOR, Margaret` / `Okafor Margaret` / `Okafor\tMargaret`.
            if let Some((ws, we)) = next_word(text, e) {
                let w = fold(text.get(ws..we).unwrap_or("").trim_end_matches('.'));
                if t.given_variants.contains(&w) {
                    full = true;
                    end = we;
                    if title.is_none() {
                        start = s;
                    }
                }
            }
        }
        let strength = if full {
            Strength::Full
        } else if initials {
            Strength::Initials
        } else if let Some(tt) = title {
            let g = title_gender(&tt);
            if g.is_some() && t.gender.is_some() && g != t.gender {
                return None;
            }
            Strength::Title
        } else {
            return None;
        };
        Some(NameMention {
            span: Span::new(start, end),
            target: ti,
            strength,
        })
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphabetic() || c == '.' || c == '\'' || c == '\u{2019}' || c == '-'
}

/// The word before byte `pos`, separated from it only by a little
/// whitespace (a line break counts: names get wrapped).
fn prev_word(text: &str, pos: usize) -> Option<(usize, usize)> {
    let before = text.get(..pos)?;
    let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n']);
    let gap = before.len() - trimmed.len();
    if gap == 0 || gap > 4 {
        return None;
    }
    let word_len: usize = trimmed
        .chars()
        .rev()
        .take_while(|&c| is_word_char(c))
        .map(char::len_utf8)
        .sum();
    if word_len == 0 {
        return None;
    }
    Some((trimmed.len() - word_len, trimmed.len()))
}

/// The word after byte `pos`, after an optional comma and a little whitespace.
fn next_word(text: &str, pos: usize) -> Option<(usize, usize)> {
    let after = text.get(pos..)?;
    let a1 = after.strip_prefix(',').unwrap_or(after);
    let a2 = a1.trim_start_matches([' ', '\t', '\r', '\n']);
    let gap = after.len() - a2.len();
    if gap == 0 || gap > 4 {
        return None;
    }
    let ws = pos + gap;
    let word_len: usize = a2
        .chars()
        .take_while(|&c| c.is_alphabetic() || c == '\'' || c == '-')
        .map(char::len_utf8)
        .sum();
    (word_len > 0).then_some((ws, ws + word_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_old_list() {
        let old = [
            "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "rev",
            "master",
        ];
        let now: Vec<&str> = vocab::TITLES
            .iter()
            .map(|t| t.word)
            .filter(|w| is_title(w))
            .collect();
        assert_eq!(now.len(), old.len());
        assert!(old.iter().all(|w| is_title(w)));
        assert_eq!(title_gender("master"), Some(Gender::Male));
        assert_eq!(title_gender("dame"), Some(Gender::Female));
        assert_eq!(title_gender("mx"), None);
        assert_eq!(title_gender("cllr"), None);
    }

    fn check(names: &[&str], text: &str) -> Vec<(String, Strength)> {
        NameMatcher::new(names)
            .find(text)
            .into_iter()
            .map(|m| (m.span.slice(text).unwrap().to_owned(), m.strength))
            .collect()
    }

    /// A nickname alias with the name's own surname is found as that
    /// alias (the surname anchors both).
    #[test]
    fn alias_sharing_the_surname() {
        use Strength::*;
        let n = &["Karen Elizabeth Milburn", "Kaz Milburn", "Karen Dodds"];
        assert_eq!(
            check(n, "Kaz Milburn came in"),
            [("Kaz Milburn".to_owned(), Full)]
        );
        let m = NameMatcher::new(n).find("Kaz Milburn and Karen Milburn");
        let targets: Vec<usize> = m.iter().map(|m| m.target).collect();
        assert_eq!(targets, [1, 0]);
        assert_eq!(
            check(n, "Miss K Dodds"),
            [("Miss K Dodds".to_owned(), Initials)]
        );
    }

    #[test]
    fn table() {
        use Strength::*;
        let n = &["Margaret Anne Okafor"];
        let cases: &[(&str, &[(&str, Strength)])] = &[
            ("Dear Margaret Okafor,", &[("Margaret Okafor", Full)]),
            ("MARGARET OKAFOR", &[("MARGARET OKAFOR", Full)]),
            ("OKAFOR, Maggie", &[("OKAFOR, Maggie", Full)]),
            ("Okafor\tMargaret\t1979", &[("Okafor\tMargaret", Full)]),
            ("Peggy Okafor's rent", &[("Peggy Okafor", Full)]),
            ("Margaret\nOkafor", &[("Margaret\nOkafor", Full)]),
            ("Margaret Anne Okafor", &[("Margaret Anne Okafor", Full)]),
            ("Mrs M. A. Okafor's", &[("Mrs M. A. Okafor", Initials)]),
            ("M Okafor", &[("M Okafor", Initials)]),
            ("Mrs Okafor", &[("Mrs Okafor", Title)]),
            ("Mr Okafor", &[]),
            ("David Okafor", &[]),
            ("J. Okafor", &[]),
            ("Okafor", &[]),
            ("Margaret Okafor-Smith", &[]),
            ("Margaret Nokafor", &[]),
        ];
        for (text, want) in cases {
            let want: Vec<(String, Strength)> =
                want.iter().map(|(a, b)| (a.to_string(), *b)).collect();
            assert_eq!(check(n, text), want, "{text}");
        }
    }

    #[test]
    fn apostrophes_hyphens_diacritics() {
        use Strength::*;
        assert_eq!(
            check(&["Siobhan O'Neill"], "SIOBHAN O\u{2019}NEILL"),
            vec![("SIOBHAN O\u{2019}NEILL".to_owned(), Full)]
        );
        assert_eq!(
            check(&["Siobhan O'Neill"], "Siobhan ONeill"),
            vec![("Siobhan ONeill".to_owned(), Full)]
        );
        assert_eq!(
            check(&["Ann Smith-Jones"], "Ann Smith Jones"),
            vec![("Ann Smith Jones".to_owned(), Full)]
        );
        assert_eq!(
            check(&["Zoë Brontë"], "Zoe Bronte"),
            vec![("Zoe Bronte".to_owned(), Full)]
        );
        assert_eq!(
            check(&["Zoe Bronte"], "Zoë Brontë"),
            vec![("Zoë Brontë".to_owned(), Full)]
        );
        assert_eq!(
            check(&["Zoë Brontë"], "ZOË BRONTË"),
            vec![("ZOË BRONTË".to_owned(), Full)]
        );
    }

    #[test]
    fn variants_both_ways() {
        assert!(forename_variants("Margaret").contains(&"maggie".to_owned()));
        assert!(forename_variants("Maggie").contains(&"margaret".to_owned()));
        assert!(forename_variants("Bob").contains(&"robert".to_owned()));
        assert!(forename_variants("William").contains(&"bill".to_owned()));
        assert!(forename_variants("Liz").contains(&"elizabeth".to_owned()));
        assert!(VARIANTS.groups.len() > 80);
        assert_eq!(forename_gender("Peggy"), Some(Gender::Female));
        assert_eq!(forename_gender("Chris"), None);
    }

    #[test]
    fn parses_names() {
        let p = parse_person_name("OKAFOR, Margaret Anne").unwrap();
        assert_eq!(p.surname, "okafor");
        assert_eq!(p.given, vec!["margaret", "anne"]);
        let p = parse_person_name("Mrs Anna van der Berg").unwrap();
        assert_eq!(p.surname, "van der berg");
        assert_eq!(p.given, vec!["anna"]);
    }
}
