//! Identifier recognisers, one per file, and the engine that runs them.
//!
//! Each file documents what it finds, why, its format reference and a table
//! of true and false examples, and exposes its normaliser. [`Recognisers`]
//! compiles every pattern once (ASCII classes) and is shared across
//! threads. A text runs only the patterns its bytes allow: the e-mail one
//! needs an `@`, every other one an ASCII digit. (One `RegexSet` pass to
//! pick the patterns first was measured slower: its overlapping search
//! cannot use a prefilter.)
//!
//! **Digit windows.** An NI, phone or NHS number is a run of ASCII digits
//! whose neighbours are separated by at most one or two bytes of a few
//! separators (a `DigitRule`: `-` or a space for NI and NHS numbers; also
//! a tab and brackets, up to two, for phones), with at most
//! `WINDOW_BEFORE` bytes before its first digit (`JM `, `+ `, `(`) and
//! `WINDOW_AFTER` after its last (` C`). Those patterns therefore run only
//! over windows around *digit clusters* that follow their rule and have
//! enough digits, not over the whole text: in prose, or in a rent row full
//! of dates and amounts, a small fraction of the bytes. A property test
//! holds the findings equal to scanning the whole text.

pub mod date;
pub mod email;
pub mod name;
pub mod nhs;
pub mod nino;
pub mod phone;
pub mod postcode;
pub mod reference;

use std::sync::LazyLock;

use regex::Regex;
use sarx_model::Span;

use crate::entity::{Entity, EntityKind};
use crate::error::BuildError;
use crate::recogniser::Recogniser;

type Check = fn(&str, usize, usize) -> Option<(usize, usize, String)>;

struct Pattern {
    kind: EntityKind,
    recogniser: &'static str,
    confidence: f32,
    pattern: String,
    check: Check,
    /// Every match is a digit cluster of this rule (see the module doc):
    /// search only windows around such clusters. `None`: search the whole
    /// text.
    digits: Option<DigitRule>,
}

/// What every match of a pattern holds: at least `min` ASCII digits in one
/// cluster of `gaps`.
#[derive(Clone, Copy)]
struct DigitRule {
    min: usize,
    gaps: Gaps,
    /// Every match has two ASCII letters, then at most one gap byte, just
    /// before its first digit (NI numbers). Such a digit starts a cluster
    /// (a letter is no gap), so a cluster without a letter there holds
    /// no match.
    letters_before: bool,
}

impl DigitRule {
    /// True when the cluster `(s, _, n)` of `bytes` may hold a match.
    fn admits(self, bytes: &[u8], (s, _, n): Cluster) -> bool {
        if n < self.min {
            return false;
        }
        if !self.letters_before {
            return true;
        }
        let at = |i: Option<usize>| i.and_then(|i| bytes.get(i)).copied();
        match at(s.checked_sub(1)) {
            Some(b) if b.is_ascii_alphabetic() => true,
            Some(b) if self.gaps.allows(b) => {
                at(s.checked_sub(2)).is_some_and(|b| b.is_ascii_alphabetic())
            }
            _ => false,
        }
    }
}

/// Which bytes may separate neighbouring digits of a number, and how many.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gaps {
    /// NI and NHS numbers: `[ \-]?` between digit groups.
    SpaceOrHyphen,
    /// Phones: `[ \t\-\(\)\.]{0,2}` between digits, and `+44 (0) 7…`.
    Phone,
}

impl Gaps {
    const ALL: [Gaps; 2] = [Gaps::SpaceOrHyphen, Gaps::Phone];

    fn index(self) -> usize {
        self as usize
    }

    fn max(self) -> usize {
        match self {
            Gaps::SpaceOrHyphen => 1,
            Gaps::Phone => 2,
        }
    }

    fn allows(self, b: u8) -> bool {
        match self {
            Gaps::SpaceOrHyphen => b == b' ' || b == b'-',
            Gaps::Phone => matches!(b, b' ' | b'\t' | b'-' | b'(' | b')' | b'.'),
        }
    }
}

const SPACE_OR_HYPHEN: DigitRule = DigitRule {
    min: 6,
    gaps: Gaps::SpaceOrHyphen,
    letters_before: false,
};
const PHONE_GAPS: DigitRule = DigitRule {
    min: 9,
    gaps: Gaps::Phone,
    letters_before: false,
};

/// Most bytes of such a number before its first digit (`JM-`, `+ `).
const WINDOW_BEFORE: usize = 3;
/// Most bytes of such a number after its last digit (`-C` of an NI number).
const WINDOW_AFTER: usize = 2;

/// A digit cluster: (first digit, end of last digit, number of digits).
type Cluster = (usize, usize, usize);

/// Runs of ASCII digits joined by each kind of [`Gaps`], in one pass:
/// `out[g.index()]` for `g` in [`Gaps::ALL`]. Consecutive digits are taken
/// a run at a time (a run joins a cluster as its first digit would).
fn digit_clusters(bytes: &[u8]) -> [Vec<Cluster>; 2] {
    let mut out: [Vec<Cluster>; 2] = [Vec::new(), Vec::new()];
    let mut current: [Option<Cluster>; 2] = [None, None];
    let mut from = 0;
    while let Some(i) = bytes
        .get(from..)
        .and_then(crate::text::next_digit)
        .map(|d| from + d)
    {
        let run = bytes
            .get(i..)
            .map_or(1, |r| r.iter().take_while(|b| b.is_ascii_digit()).count());
        let j = i + run;
        from = j;
        for g in Gaps::ALL {
            let k = g.index();
            let (Some(cur), Some(list)) = (current.get_mut(k), out.get_mut(k)) else {
                continue;
            };
            *cur = match *cur {
                Some((s, e, n))
                    if i - e <= g.max()
                        && bytes
                            .get(e..i)
                            .is_some_and(|gap| gap.iter().all(|&c| g.allows(c))) =>
                {
                    Some((s, j, n + run))
                }
                Some(done) => {
                    list.push(done);
                    Some((i, j, run))
                }
                None => Some((i, j, run)),
            };
        }
    }
    for (list, cur) in out.iter_mut().zip(current) {
        list.extend(cur);
    }
    out
}

/// The byte ranges of `text` to search for a pattern of `rule`: each
/// cluster that [`DigitRule::admits`] widened by the bytes a match may have
/// around its digits, on char boundaries, merged where they touch.
fn digit_windows(text: &str, clusters: &[Cluster], rule: DigitRule) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &(s, e, n) in clusters {
        if !rule.admits(text.as_bytes(), (s, e, n)) {
            continue;
        }
        let mut ws = s.saturating_sub(WINDOW_BEFORE);
        while !text.is_char_boundary(ws) {
            ws -= 1;
        }
        let mut we = (e + WINDOW_AFTER).min(text.len());
        while !text.is_char_boundary(we) {
            we += 1;
        }
        match out.last_mut() {
            Some(last) if ws <= last.1 => last.1 = last.1.max(we),
            _ => out.push((ws, we)),
        }
    }
    out
}

fn all_patterns() -> Vec<Pattern> {
    vec![
        Pattern {
            kind: EntityKind::Email,
            recogniser: email::NAME,
            confidence: 0.99,
            pattern: email::PATTERN.to_owned(),
            check: email::check,
            digits: None,
        },
        Pattern {
            kind: EntityKind::NiNumber,
            recogniser: nino::NAME,
            confidence: 0.95,
            pattern: nino::PATTERN.to_owned(),
            check: nino::check,
            digits: Some(DigitRule {
                letters_before: true,
                ..SPACE_OR_HYPHEN
            }),
        },
        Pattern {
            kind: EntityKind::Phone,
            recogniser: phone::NAME,
            confidence: 0.9,
            pattern: phone::PATTERN.to_owned(),
            check: phone::check,
            digits: Some(PHONE_GAPS),
        },
        Pattern {
            kind: EntityKind::NhsNumber,
            recogniser: nhs::NAME,
            confidence: 0.9,
            pattern: nhs::PATTERN.to_owned(),
            check: nhs::check,
            digits: Some(DigitRule {
                min: 10,
                ..SPACE_OR_HYPHEN
            }),
        },
        Pattern {
            kind: EntityKind::Postcode,
            recogniser: postcode::NAME,
            confidence: 0.9,
            pattern: postcode::PATTERN.to_owned(),
            check: postcode::check,
            digits: None,
        },
        Pattern {
            kind: EntityKind::Date,
            recogniser: date::NAME,
            confidence: 0.85,
            pattern: date::pattern(),
            check: date::check,
            digits: None,
        },
    ]
}

/// Chooses which recognisers an engine runs.
#[derive(Debug, Clone, Default)]
pub struct RecognisersBuilder {
    only: Option<Vec<EntityKind>>,
}

impl RecognisersBuilder {
    /// Runs only recognisers of these kinds (default: all).
    pub fn only(mut self, kinds: &[EntityKind]) -> Self {
        self.only = Some(kinds.to_vec());
        self
    }

    /// Compiles the engine.
    pub fn build(self) -> Result<Recognisers, BuildError> {
        let patterns: Vec<Pattern> = all_patterns()
            .into_iter()
            .filter(|p| self.only.as_ref().is_none_or(|k| k.contains(&p.kind)))
            .collect();
        // ASCII-only classes and case folding: faster, and identifiers are ASCII.
        let sources: Vec<String> = patterns
            .iter()
            .map(|p| format!("(?-u){}", p.pattern))
            .collect();
        let regexes = sources
            .iter()
            .map(|s| Regex::new(s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Recognisers { regexes, patterns })
    }
}

/// The identifier recognisers (e-mail, UK phone, NI number, NHS number,
/// postcode, date), compiled once. Immutable, `Send + Sync`: share one
/// engine across threads ([`Recognisers::shared`]).
pub struct Recognisers {
    regexes: Vec<Regex>,
    patterns: Vec<Pattern>,
}

#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` tests them
static SHARED: LazyLock<Recognisers> = LazyLock::new(|| {
    RecognisersBuilder::default()
        .build()
        .expect("recogniser patterns compile")
});

/// The kinds a subject search looks up in the index by key
/// ([`crate::SubjectMatcher::candidate_query`]): e-mail, NI number, phone,
/// NHS number. Postcodes and dates only count next to a name, so they are
/// never candidate keys.
pub(crate) const QUERY_KEY_KINDS: [EntityKind; 4] = [
    EntityKind::Email,
    EntityKind::NiNumber,
    EntityKind::Phone,
    EntityKind::NhsNumber,
];

#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` tests them
static QUERY_KEYED: LazyLock<Recognisers> = LazyLock::new(|| {
    RecognisersBuilder::default()
        .only(&QUERY_KEY_KINDS)
        .build()
        .expect("recogniser patterns compile")
});

impl Recognisers {
    /// The process-wide engine with only the recognisers whose keys a
    /// search queries ([`QUERY_KEY_KINDS`]). Postcode and date come last in
    /// the order of precedence, so leaving them out changes none of the
    /// other findings (property-tested).
    pub(crate) fn query_keyed() -> &'static Recognisers {
        &QUERY_KEYED
    }

    /// A builder.
    pub fn builder() -> RecognisersBuilder {
        RecognisersBuilder::default()
    }

    /// The process-wide engine with every recogniser.
    pub fn shared() -> &'static Recognisers {
        &SHARED
    }

    /// Every identifier in `text`, in order of position. Where two
    /// recognisers claim overlapping bytes the more specific wins (e-mail,
    /// NI number, phone, NHS number, postcode, date, in that order; a phone
    /// number with a 9-digit national number yields to an NHS number).
    pub fn find(&self, text: &str) -> Vec<Entity> {
        self.find_with(text, true)
    }

    /// [`Recognisers::find`]; `windowed` false scans the whole text with
    /// every pattern (the reference the digit windows are tested against).
    fn find_with(&self, text: &str, windowed: bool) -> Vec<Entity> {
        // Every pattern but the e-mail one needs an ASCII digit, and that
        // one needs an `@` (property-tested below): most prose lines stop
        // here, and the rest run only the patterns that can match.
        let bytes = text.as_bytes();
        let has_at = bytes.contains(&b'@');
        let has_digit = crate::text::next_digit(bytes).is_some();
        let mut clusters: Option<[Vec<Cluster>; 2]> = None;
        if !has_at && !has_digit {
            return Vec::new();
        }
        let mut found: Vec<(usize, Entity)> = Vec::new();
        for (i, (re, p)) in self.regexes.iter().zip(&self.patterns).enumerate() {
            if !(if p.kind == EntityKind::Email {
                has_at
            } else {
                has_digit
            }) {
                continue;
            }
            match p.digits {
                Some(rule) if windowed => {
                    let clusters = clusters.get_or_insert_with(|| digit_clusters(bytes));
                    let of_rule = clusters
                        .get(rule.gaps.index())
                        .map_or(&[][..], Vec::as_slice);
                    for (ws, we) in digit_windows(text, of_rule, rule) {
                        scan(re, p, i, text, ws, we, &mut found);
                    }
                }
                _ => scan(re, p, i, text, 0, text.len(), &mut found),
            }
        }
        if found.len() > 1 {
            resolve_overlaps(found)
        } else {
            found.into_iter().map(|(_, e)| e).collect()
        }
    }
}

/// The combined first pass as one [`Recogniser`]: one engine, every
/// pattern it was built with ([`RecognisersBuilder::only`] builds one per
/// kind, for a file's table of cases).
impl Recogniser for Recognisers {
    /// The pattern's recogniser name when the engine runs one pattern,
    /// else `identifiers`.
    fn name(&self) -> &'static str {
        match self.patterns.as_slice() {
            [one] => one.recogniser,
            _ => "identifiers",
        }
    }

    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        out.extend(self.find_with(text, true));
    }
}

/// The findings (tagged with their pattern's rank) that win where
/// findings overlap, in order of position: the lower rank wins (×2), a
/// phone with a 9-digit national number yields to an NHS number with a
/// valid check digit, then the earlier start.
fn resolve_overlaps(mut found: Vec<(usize, Entity)>) -> Vec<Entity> {
    // Rank by pattern order (×2); a phone with a 9-digit national
    // number yields to an NHS number with a valid check digit.
    let rank = |i: usize, e: &Entity| {
        if e.kind == EntityKind::Phone && e.normalised.len() == 12 {
            2 * i + 3
        } else {
            2 * i
        }
    };
    found.sort_by_key(|(i, e)| (rank(*i, e), e.span.start));
    let mut kept: Vec<Entity> = Vec::with_capacity(found.len());
    if found.iter().any(|(_, e)| e.span.is_empty()) {
        // An empty span overlaps the spans around it (see `Span::overlaps`):
        // check every kept finding.
        for (_, e) in found {
            if !kept.iter().any(|k| k.span.overlaps(&e.span)) {
                kept.push(e);
            }
        }
        kept.sort_by_key(|e| (e.span.start, e.span.end));
        return kept;
    }
    // Kept spans are disjoint and sorted by start, so a span overlaps one
    // of them only if it overlaps the last one starting at or before it,
    // or the first one starting after it.
    for (_, e) in found {
        let at = kept.partition_point(|k| k.span.start <= e.span.start);
        let clash = |k: Option<&Entity>| k.is_some_and(|k| k.span.overlaps(&e.span));
        if !clash(at.checked_sub(1).and_then(|p| kept.get(p))) && !clash(kept.get(at)) {
            kept.insert(at, e);
        }
    }
    kept
}

/// Every match of `re` starting in `text[start..end]`, checked, into
/// `found` (tagged with the pattern's rank `i`).
fn scan(
    re: &Regex,
    p: &Pattern,
    i: usize,
    text: &str,
    start: usize,
    end: usize,
    found: &mut Vec<(usize, Entity)>,
) {
    let hay = text.get(..end).unwrap_or(text);
    let mut pos = start;
    while pos <= hay.len() {
        let Some(m) = re.find_at(hay, pos) else {
            break;
        };
        if let Some((s, e, normalised)) = (p.check)(text, m.start(), m.end()) {
            found.push((
                i,
                Entity {
                    kind: p.kind,
                    span: Span::new(s, e),
                    normalised,
                    confidence: p.confidence,
                    recogniser: p.recogniser,
                },
            ));
            pos = e.max(m.start() + 1);
        } else {
            pos = m.start() + 1;
        }
        while pos < hay.len() && !hay.is_char_boundary(pos) {
            pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        assert!(Recognisers::builder().build().is_ok());
        let only = Recognisers::builder()
            .only(&[EntityKind::Email])
            .build()
            .unwrap();
        let found = only.find("jo@example.org 07700 900461");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn overlaps_resolve_by_specificity() {
        let t = "NI JM482761C tel 07700 900461 NHS 485 777 3457 on 14/06/1979 at LS8 4HS";
        let kinds: Vec<EntityKind> = Recognisers::shared()
            .find(t)
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            vec![
                EntityKind::NiNumber,
                EntityKind::Phone,
                EntityKind::NhsNumber,
                EntityKind::Date,
                EntityKind::Postcode
            ]
        );
    }

    proptest::proptest! {
        /// No pattern matches text without an ASCII digit or an `@`, so
        /// the early return in `find` loses nothing.
        #[test]
        fn digit_and_at_gate_is_exact(t in "[^0-9@]{0,60}", u in "[A-Za-z ,./()+'-]{0,60}") {
            for p in all_patterns() {
                let re = Regex::new(&format!("(?-u){}", p.pattern)).unwrap();
                proptest::prop_assert!(!re.is_match(&t), "{} matched {:?}", p.recogniser, t);
                proptest::prop_assert!(!re.is_match(&u), "{} matched {:?}", p.recogniser, u);
            }
        }
    }

    /// Pieces that make every recogniser fire and overlap: identifiers,
    /// dates and postcodes in several written forms, digits and separators.
    fn piece() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just("JM482761C".to_owned()),
            Just("jm 48 27 61 c".to_owned()),
            Just("07700 900461".to_owned()),
            Just("+44 (0)7700 900461".to_owned()),
            Just("485 777 3457".to_owned()),
            Just("4857773457".to_owned()),
            Just("485-777-3457".to_owned()),
            Just("JM-48-27-61-C".to_owned()),
            Just("07700\t900461".to_owned()),
            Just("0044-(0)113 496 0000".to_owned()),
            Just("14/06/1979".to_owned()),
            Just("1979-06-14".to_owned()),
            Just("14 June 1979".to_owned()),
            Just("LS8 4HS".to_owned()),
            Just("m.okafor79@example.net".to_owned()),
            "[0-9]{1,12}",
            "[A-Z]{1,3}[0-9]{1,2}",
            "[ /.,()+-]{1,3}",
            "[a-z]{1,6}",
        ]
    }

    proptest::proptest! {
        /// Searching only the digit windows finds exactly what scanning the
        /// whole text finds, in every engine.
        #[test]
        fn digit_windows_find_what_the_whole_text_scan_finds(
            parts in proptest::collection::vec(
                proptest::prop_oneof![piece(), "[ é–\t(0)+/,.-]{1,4}", "[0-9 ()+/\t-]{1,16}"],
                0..24,
            ),
        ) {
            let t = parts.concat();
            for engine in [Recognisers::shared(), Recognisers::query_keyed()] {
                proptest::prop_assert_eq!(
                    engine.find_with(&t, true),
                    engine.find_with(&t, false),
                    "{:?}",
                    t
                );
            }
        }
    }

    proptest::proptest! {
        /// `resolve_overlaps` keeps what checking every kept finding
        /// (the first version) keeps.
        #[test]
        fn resolve_overlaps_equals_the_quadratic_check(
            spans in proptest::collection::vec((0usize..4, 0usize..60, 0usize..14, proptest::bool::ANY), 0..40),
        ) {
            let found: Vec<(usize, Entity)> = spans
                .iter()
                .map(|&(i, start, len, long)| {
                    let kind = [EntityKind::Email, EntityKind::NiNumber, EntityKind::Phone, EntityKind::NhsNumber][i];
                    (i, Entity {
                        kind,
                        span: Span::new(start, start + len),
                        normalised: if long { "+44770090046".into() } else { "x".into() },
                        confidence: 0.9,
                        recogniser: "test",
                    })
                })
                .collect();
            let mut slow = found.clone();
            let rank = |i: usize, e: &Entity| {
                if e.kind == EntityKind::Phone && e.normalised.len() == 12 { 2 * i + 3 } else { 2 * i }
            };
            slow.sort_by_key(|(i, e)| (rank(*i, e), e.span.start));
            let mut kept: Vec<Entity> = Vec::new();
            for (_, e) in slow {
                if !kept.iter().any(|k| k.span.overlaps(&e.span)) {
                    kept.push(e);
                }
            }
            kept.sort_by_key(|e| (e.span.start, e.span.end));
            proptest::prop_assert_eq!(resolve_overlaps(found), kept);
        }
    }

    #[test]
    fn digit_clusters_and_windows() {
        let t = "tel (0113) 496 0000, ref 12 and 1-2-3-4-5-6 on 13/04/2025";
        let [nhs, phone] = digit_clusters(t.as_bytes());
        let counts: Vec<usize> = phone.iter().map(|x| x.2).collect();
        assert_eq!(counts, vec![11, 2, 6, 2, 2, 4]);
        let w = digit_windows(
            t,
            &phone,
            DigitRule {
                min: 6,
                ..PHONE_GAPS
            },
        );
        assert_eq!(w.len(), 2);
        assert_eq!(&t[w[0].0..w[0].1], "l (0113) 496 0000, ");
        // Brackets are not NI/NHS separators.
        assert_eq!(nhs.first().map(|x| x.2), Some(4));
        // Non-ASCII next to a window: boundaries stay on char boundaries.
        let t = "é9876543210é";
        let [nhs, _] = digit_clusters(t.as_bytes());
        assert_eq!(digit_windows(t, &nhs, SPACE_OR_HYPHEN), vec![(0, t.len())]);
    }

    proptest::proptest! {
        /// `index_keys` runs only the query-keyed recognisers: their
        /// findings are exactly what the full engine finds of those kinds
        /// (postcode and date lose every overlap, so leaving them out moves
        /// nothing).
        #[test]
        fn query_keyed_finds_what_the_full_engine_finds_of_its_kinds(
            parts in proptest::collection::vec(piece(), 0..16),
        ) {
            let t = parts.join(" ");
            let full: Vec<Entity> = Recognisers::shared()
                .find(&t)
                .into_iter()
                .filter(|e| QUERY_KEY_KINDS.contains(&e.kind))
                .collect();
            let keyed = Recognisers::query_keyed().find(&t);
            proptest::prop_assert_eq!(keyed, full, "{:?}", t);
        }
    }

    #[test]
    fn engine_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Recognisers>();
    }
}
