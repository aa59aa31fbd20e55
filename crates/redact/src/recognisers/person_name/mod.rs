//! Person names: a gazetteer of UK forenames and surnames combined with
//! titles, capitalisation, initials and context cues.
//!
//! **Finds** third parties' names as written in letters, notes, e-mails
//! and listings. **Why**: a third party's name is the commonest personal
//! data to withhold from a subject access response (DPA 2018 Sch 2 Pt 3
//! para 16). Titles are `sarx_model::vocab::TITLES` (all but `Master`); the
//! word lists are in `lists.rs`.
//!
//! **Format (how).** The text is cut into words; runs of capitalised words, initials
//! and ALL-CAPS words on one line separated by single spaces form a
//! *chain*. Leading and trailing words that are never names (`The`, `Dear`,
//! days, months, …) are trimmed off and a chain is split at them. A chain is
//! a name when there is evidence:
//!
//! - a title before it: `Mr`, `Mrs`, `Ms`, `Miss`, `Mx`, `Dr`, `Rev`, `Sir`,
//!   `Cllr` (also `Mr and Mrs Okafor`);
//! - a context cue before it (`Dear`, `Hi`, `my name is`, `my neighbour`,
//!   `witness`, `her son`, `the tenant`, `said`, `From:`) or after it
//!   (`said`, `told`, `reported`, an e-mail address in `<…>`), or it stands
//!   alone on the line after a sign-off (`Kind regards`, `Yours sincerely`);
//! - two or more words where the first is a known forename or an initial
//!   (`Teresa Kreutzmann`, `J. Smith`), or the last is a known surname;
//! - a single known forename that is not also a common word or place
//!   (`Catherine` yes, `Will`, `May`, `Florence` no), or a single known
//!   surname that is not a common word, away from the start of a sentence.
//!
//! A chain whose last word makes it a place or an organisation (`Victoria
//! Road`, `Leeds City Council`, `St James Hospital`) or that follows `the`
//! without a title is not a name.
//!
//! **True:** `Dear Mrs Okafor,` → `Okafor`; `my neighbour Janet Smith` →
//! `Janet Smith`; `spoke to J. A. Kowalski` → `J. A. Kowalski`; `Regards,\nPriya`
//! → `Priya`; `From: "Jo Bloggs" <jo@example.org>` → `Jo Bloggs`.
//! **False:** `Will you call?`; `Leeds City Council`; `Victoria Road`;
//! `The Princess Royal`; `Monday 3 March`.
//!
//! Forenames: ONS and NISRA baby-name files (Open Government Licence v3.0);
//! surnames: a hand-compiled list; see `data/PROVENANCE.md`.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use sarx_model::vocab;
use sarx_model::Span;

use sarx_detect::Recogniser;

use super::{Entity, EntityKind};

mod lists;

use lists::{
    AMBIGUOUS, CUES_AFTER, CUES_BEFORE, ORG_SUFFIX, PLACES, SIGN_OFFS, STOP, STREET_PREFIX,
    WEAK_CUES,
};

/// Recogniser name.
pub const NAME: &str = "person_name";

/// The recogniser of `SURNAME, FORENAME` in capitals: the model keeps such a
/// name whole, as the form itself is the evidence.
pub(crate) const LISTING_RECOGNISER: &str = "person_listing";
const FORENAMES: &str = include_str!("../../../data/forenames.txt");
const SURNAMES: &str = include_str!("../../../data/surnames.txt");

/// True when `word` (lowercase, without the dot) is a title that
/// introduces a third party's name: every title of
/// `sarx_model::vocab::TITLES` but those for children (`Master`).
fn title_word(word: &str) -> bool {
    vocab::title(word).is_some_and(|t| !t.for_children)
}

/// FNV-1a: gazetteer keys are short words; SipHash is needlessly slow here
/// and the keys are not attacker-chosen table sizes.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Set<T> = HashSet<T, BuildHasherDefault<Fnv>>;

/// The person-name recogniser. Build once, share across threads.
#[derive(Debug, Clone)]
pub struct PersonNames {
    forenames: Set<String>,
    surnames: Set<String>,
    stop: Set<&'static str>,
    ambiguous: Set<&'static str>,
    org_suffix: Set<&'static str>,
    titles: Set<&'static str>,
    cues_before: Set<String>,
    weak_cues: Set<&'static str>,
    cues_after: Set<&'static str>,
}

impl Default for PersonNames {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `Smith`, `McDonald`, `O'Neill`, `Anne-Marie`.
    Title,
    /// `SMITH`.
    Caps,
    /// `J` or `J.` (the dot is outside the word).
    Initial,
    /// Anything else (lower case, digits).
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    shape: Shape,
}

fn lines_of(list: &str) -> impl Iterator<Item = &str> {
    list.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Cuts `text` into words: letters, with inner apostrophes and hyphens.
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if !c.is_alphabetic() {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let mut upper = usize::from(c.is_uppercase());
        let mut lower = usize::from(c.is_lowercase());
        let first_upper = c.is_uppercase();
        let mut letters = 1usize;
        while let Some(&(j, d)) = it.peek() {
            if d.is_alphabetic() {
                upper += usize::from(d.is_uppercase());
                lower += usize::from(d.is_lowercase());
                letters += 1;
                end = j + d.len_utf8();
                it.next();
            } else if (is_apostrophe(d) || d == '-')
                && text
                    .get(j + d.len_utf8()..)
                    .and_then(|r| r.chars().next())
                    .is_some_and(char::is_alphabetic)
            {
                end = j + d.len_utf8();
                it.next();
            } else {
                break;
            }
        }
        // Letters glued to digits (`LS7`, `B12`, `3JL`, `Flat4`) are a code,
        // a postcode or a reference, never a name word.
        let glued_digit = text[end..].starts_with(|d: char| d.is_ascii_digit())
            || text[..start].ends_with(|d: char| d.is_ascii_digit());
        let shape = if !first_upper || glued_digit {
            Shape::Other
        } else if letters == 1 {
            Shape::Initial
        } else if lower == 0 && upper >= 2 {
            Shape::Caps
        } else {
            Shape::Title
        };
        out.push(Word { start, end, shape });
    }
    out
}

impl PersonNames {
    /// Builds the recogniser from the compiled-in gazetteers.
    pub fn new() -> Self {
        let stop: Set<&'static str> = STOP
            .iter()
            .copied()
            .chain(vocab::MONTHS)
            .chain(vocab::WEEKDAYS)
            .collect();
        let forenames = lines_of(FORENAMES)
            .map(fold_str)
            .filter(|n| !stop.contains(n.as_str()))
            .collect();
        let surnames = lines_of(SURNAMES)
            .map(fold_str)
            .filter(|n| !stop.contains(n.as_str()))
            .collect();
        PersonNames {
            forenames,
            surnames,
            stop,
            ambiguous: AMBIGUOUS.iter().chain(PLACES).copied().collect(),
            org_suffix: ORG_SUFFIX.iter().copied().collect(),
            titles: vocab::TITLES
                .iter()
                .filter(|t| !t.for_children)
                .map(|t| t.word)
                .collect(),
            cues_before: CUES_BEFORE
                .iter()
                .map(|c| (*c).to_owned())
                .chain(vocab::RELATIONSHIPS.iter().map(|r| format!("{} ", r.word)))
                .collect(),
            weak_cues: WEAK_CUES.iter().copied().collect(),
            cues_after: CUES_AFTER.iter().copied().collect(),
        }
    }

    /// Number of forenames and surnames in the gazetteers.
    pub fn gazetteer_sizes(&self) -> (usize, usize) {
        (self.forenames.len(), self.surnames.len())
    }

    /// True when `word` (any case) is a known forename.
    pub fn is_forename(&self, word: &str) -> bool {
        self.forenames.contains(&fold_str(word))
    }

    /// True when `word` (any case) is a known surname.
    pub fn is_surname(&self, word: &str) -> bool {
        self.surnames.contains(&fold_str(word))
    }

    /// True when a lowercase name word is distinctive enough to redact on
    /// its own wherever it appears in a case (not a common word, not a
    /// place, at least three letters).
    pub fn is_usable_bare(&self, lower: &str) -> bool {
        lower.chars().count() >= 3 && !self.stop.contains(lower) && !self.ambiguous.contains(lower)
    }

    /// Names in a list with a found name are names too: `Eklund, Michael and
    /// Hodge`, `Usamov and Bowers`. Only single capitalised words that are
    /// not stop words, places or organisation words are added.
    fn propagate_lists(&self, text: &str, ws: &[Word], out: &mut Vec<Entity>, buf: &mut String) {
        let mut k = 0;
        while k < out.len() && out.len() < 4096 {
            let Some(f) = out.get(k) else { break };
            let (fs, fe) = (f.span.start, f.span.end);
            k += 1;
            let first = ws.partition_point(|w| w.start < fs);
            let last = ws.partition_point(|w| w.end <= fe);
            let mut cands = Vec::new();
            // Right: ", W" or " and W".
            if let Some(next) = ws.get(last) {
                let gap = text.get(fe..next.start).unwrap_or("x");
                if gap == ", " {
                    cands.push(last);
                } else if gap == " " && self.is_joiner(text, next) {
                    if let Some(w) = ws.get(last + 1) {
                        if text.get(next.end..w.start) == Some(" ") {
                            cands.push(last + 1);
                        }
                    }
                }
            }
            // Left: "W, " or "W and ".
            if first > 0 {
                if let Some(prev) = ws.get(first - 1) {
                    let gap = text.get(prev.end..fs).unwrap_or("x");
                    if gap == ", " {
                        cands.push(first - 1);
                    } else if gap == " " && self.is_joiner(text, prev) && first >= 2 {
                        if let Some(w) = ws.get(first - 2) {
                            if text.get(w.end..prev.start) == Some(" ") {
                                cands.push(first - 2);
                            }
                        }
                    }
                }
            }
            for c in cands {
                let Some(w) = ws.get(c) else { continue };
                if w.shape != Shape::Title
                    || out
                        .iter()
                        .any(|f| f.span.start <= w.start && w.end <= f.span.end)
                {
                    continue;
                }
                // A single word: not glued to another capitalised word.
                let glued = |o: Option<&Word>, left: bool| {
                    o.is_some_and(|x| {
                        x.shape != Shape::Other
                            && if left {
                                text.get(x.end..w.start) == Some(" ")
                            } else {
                                text.get(w.end..x.start) == Some(" ")
                            }
                    })
                };
                if glued(c.checked_sub(1).and_then(|i| ws.get(i)), true)
                    || glued(ws.get(c + 1), false)
                {
                    continue;
                }
                lower_into(text, w, buf);
                if self.stop.contains(buf.as_str())
                    || self.org_suffix.contains(buf.as_str())
                    || self.ambiguous.contains(buf.as_str())
                {
                    continue;
                }
                let Some(surface) = text.get(w.start..w.end) else {
                    continue;
                };
                out.push(Entity {
                    kind: EntityKind::PersonName,
                    span: Span::new(w.start, w.end),
                    normalised: normalise_name(surface),
                    confidence: 0.6,
                    recogniser: NAME,
                });
            }
        }
        out.sort_by_key(|f| (f.span.start, f.span.end));
    }

    /// (strong, weak): whether the lowercase line before a chain ends with
    /// a context cue. Looks up the suffixes that start at the last few word
    /// boundaries in a set rather than trying every cue.
    fn cue_before(&self, line_start: &str) -> (bool, bool) {
        let b = line_start.as_bytes();
        let mut seen = 0;
        let mut strong = false;
        let mut weak = false;
        for p in (0..b.len()).rev() {
            if p != 0 && b.get(p - 1) != Some(&b' ') {
                continue;
            }
            seen += 1;
            if let Some(suffix) = line_start.get(p..) {
                if self.cues_before.contains(suffix) {
                    if self.weak_cues.contains(suffix) {
                        weak = true;
                    } else {
                        strong = true;
                    }
                }
            }
            if seen >= 5 {
                break;
            }
        }
        (strong, weak)
    }

    /// Whether the lowercase text right after a chain is a context cue
    /// (`said`, `told`, `(neighbour`, `'s`, an e-mail address in `<…>`).
    fn cue_after(&self, after_line: &str) -> bool {
        if after_line.starts_with("'s ")
            || after_line.starts_with("’s ")
            || after_line.starts_with("\" <")
        {
            return true;
        }
        if after_line.starts_with(" <") && after_line.contains('@') {
            return true;
        }
        let Some(rest) = after_line.strip_prefix(' ') else {
            return false;
        };
        let rest = rest.strip_prefix('(').unwrap_or(rest);
        let word = rest
            .split(|c: char| !c.is_alphabetic() && c != '-')
            .next()
            .unwrap_or("");
        if self.cues_after.contains(word) {
            return true;
        }
        (word == "is" || word == "was")
            && rest.get(word.len()..).is_some_and(|r| r.starts_with(" a "))
    }

    fn is_joiner(&self, text: &str, w: &Word) -> bool {
        matches!(text.get(w.start..w.end), Some("and" | "&" | "or"))
    }

    /// `SMITH, John` / `Smith, John A` / `SMITH, JOHN A`: a surname, a comma
    /// and a known forename (with optional initials). Returns the next word
    /// index.
    fn surname_comma_forename(
        &self,
        text: &str,
        ws: &[Word],
        i: usize,
        out: &mut Vec<Entity>,
        buf: &mut String,
    ) -> Option<usize> {
        let sur = ws.get(i)?;
        let fore = ws.get(i + 1)?;
        // `Smith, John`, `SMITH, John`, and the listing form `SMITH, JOHN`.
        let listing = sur.shape == Shape::Caps && fore.shape == Shape::Caps;
        if text.get(sur.end..fore.start)? != ", " || !(fore.shape == Shape::Title || listing) {
            return None;
        }
        lower_into(text, sur, buf);
        let sur_known = self.surnames.contains(buf.as_str());
        if self.stop.contains(buf.as_str()) || !(sur.shape == Shape::Caps || sur_known) {
            return None;
        }
        lower_into(text, fore, buf);
        // In a listing a forename that is also a word (`GRACE`, `MAY`) is
        // still a forename: nothing else is written `SURNAME, WORD`.
        if !self.forenames.contains(buf.as_str())
            || (self.ambiguous.contains(buf.as_str()) && !listing)
        {
            return None;
        }
        let mut end = fore.end;
        let mut k = i + 2;
        while let Some(w) = ws.get(k) {
            let gap = text.get(end..w.start).unwrap_or("x");
            if w.shape == Shape::Initial && (gap == " " || gap == ". ") {
                end = w.end;
                k += 1;
            } else {
                break;
            }
        }
        let surface = text.get(sur.start..end)?;
        out.push(Entity {
            kind: EntityKind::PersonName,
            span: Span::new(sur.start, end),
            normalised: normalise_name(surface),
            // In capitals on both sides the words say little to the model
            // (it is uncased and reads listings poorly): the form itself is
            // the evidence, as a title is.
            confidence: if listing { 0.95 } else { 0.85 },
            recogniser: if listing {
                LISTING_RECOGNISER
            } else {
                "person_name"
            },
        });
        Some(k)
    }

    /// A surname of the gazetteer, or a name that is also a common word or
    /// place (`green`, `lane`: [`AMBIGUOUS`], which needs other evidence).
    fn name_word(&self, folded: &str) -> bool {
        self.surnames.contains(folded) || self.ambiguous.contains(folded)
    }

    /// A given name of the gazetteer that is not also a common word.
    fn known_forename(&self, text: &str, w: &Word) -> bool {
        let mut buf = String::new();
        lower_into(text, w, &mut buf);
        w.shape == Shape::Title
            && self.forenames.contains(buf.as_str())
            && !self.ambiguous.contains(buf.as_str())
    }

    fn is_title(&self, text: &str, w: &Word, buf: &mut String) -> bool {
        lower_into(text, w, buf);
        self.titles.contains(buf.as_str())
    }

    /// Splits a chain at stop words and titles, then judges each piece.
    fn judge_chain(&self, text: &str, chain: &[Word], out: &mut Vec<Entity>, buf: &mut String) {
        let mut piece_start = 0;
        let mut titled = false;
        for (k, w) in chain.iter().enumerate() {
            lower_into(text, w, buf);
            let is_title = self.titles.contains(buf.as_str());
            // A common word that is also a surname (`Green`, `Lane`, `Hill`)
            // goes on a name right after a title or a known given name
            // (`Mrs Green`, `Jane Green`); elsewhere it stops the chain.
            let surname_here = !is_title
                && w.shape == Shape::Title
                && self.name_word(buf.as_str())
                && ((titled && k == piece_start)
                    || (k == piece_start + 1
                        && k.checked_sub(1)
                            .and_then(|p| chain.get(p))
                            .is_some_and(|prev| self.known_forename(text, prev))));
            let is_stop = is_title
                || (self.stop.contains(buf.as_str()) && w.shape != Shape::Initial && !surname_here);
            if is_stop {
                // A single word right before an organisation or place word
                // is part of that name ("Leeds City Council").
                let org_next = self.org_suffix.contains(buf.as_str()) && k == piece_start + 1;
                if let Some(piece) = chain.get(piece_start..k) {
                    if !piece.is_empty() && !org_next {
                        self.judge_piece(text, piece, titled, out, buf);
                    }
                }
                piece_start = k + 1;
                titled = is_title;
            }
        }
        if let Some(piece) = chain.get(piece_start..) {
            if !piece.is_empty() {
                self.judge_piece(text, piece, titled, out, buf);
            }
        }
    }

    fn judge_piece(
        &self,
        text: &str,
        piece: &[Word],
        titled_in_chain: bool,
        out: &mut Vec<Entity>,
        buf: &mut String,
    ) {
        let (Some(first), Some(last)) = (piece.first(), piece.last()) else {
            return;
        };
        // Possessive: "Kevin's" → "Kevin".
        let mut end = last.end;
        if let Some(stem) = text.get(last.start..last.end) {
            for suffix in ["'s", "’s", "'S"] {
                if let Some(s) = stem.strip_suffix(suffix) {
                    end = last.start + s.len();
                }
            }
        }
        let start = first.start;
        let n = piece.len();
        let caps = piece.iter().all(|w| w.shape != Shape::Title);
        let before = super::before_window(text, start, 40).to_lowercase();
        let after = super::after_window(text, end, 24).to_lowercase();
        let titled = titled_in_chain || self.title_before(&before);
        let line_start = before.rsplit('\n').next().unwrap_or("");
        let after_line = after.split('\n').next().unwrap_or("");
        let after_digit = line_start
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit());
        // Place / organisation suffix. A street or place word that is also
        // a surname (`Green`, `Hill`, `Lane`, `Park`) ends a person's name
        // instead when the words read as one: a title before them, or a
        // known given name and that word alone, with no house number
        // before (`Mrs Jane Green`, `Peter Lane saw it`, not `56 Green
        // Lane` or `Leeds City Council`). Such a name is judged like any
        // other: a place reading of it is a third party's address, and the
        // judge keeps a sure name the model reads as a place
        // (`judge::judge_in_context`); a given name that is also a common
        // word or place (`Victoria Park`) does not start one.
        lower_into(text, last, buf);
        let last_word = strip_possessive(buf);
        if self.org_suffix.contains(last_word) && (n >= 2 || !titled_in_chain) {
            let surname_too = self.name_word(last_word);
            let forename_first = n == 2 && {
                lower_into(text, first, buf);
                self.forenames.contains(buf.as_str()) && !self.ambiguous.contains(buf.as_str())
            };
            if !(surname_too && !after_digit && (titled || forename_first)) {
                return;
            }
        }
        // Evidence from the words themselves.
        let mut fore = 0usize;
        let mut fore_amb = 0usize;
        let mut sur = 0usize;
        let mut sur_amb = 0usize;
        let mut initials = 0usize;
        for w in piece {
            if w.shape == Shape::Initial {
                initials += 1;
                continue;
            }
            lower_into(text, w, buf);
            let key = strip_possessive(buf);
            let amb = self.ambiguous.contains(key);
            let f = self.forenames.contains(key)
                || key
                    .split('-')
                    .filter(|p| !p.is_empty())
                    .all(|p| self.forenames.contains(p));
            let s = self.surnames.contains(key);
            if f {
                if amb {
                    fore_amb += 1;
                } else {
                    fore += 1;
                }
            }
            if s {
                if amb {
                    sur_amb += 1;
                } else {
                    sur += 1;
                }
            }
        }
        let first_is_fore_or_initial = {
            lower_into(text, first, buf);
            first.shape == Shape::Initial || self.forenames.contains(buf.as_str())
        };
        let last_is_sur = {
            lower_into(text, last, buf);
            self.surnames.contains(strip_possessive(buf))
        };
        let known = fore + fore_amb + sur + sur_amb;
        // Context.
        let (strong_cue, weak_cue) = self.cue_before(line_start);
        let cue_after = self.cue_after(after_line);
        let sign_off = line_start.trim().is_empty()
            && after_line.trim().is_empty()
            && self.after_sign_off(text, start);
        let display_name = line_start.ends_with('"') && after_line.starts_with("\" <");
        let after_the = {
            let t = line_start.trim_end();
            t.ends_with(" the") || t == "the" || t.ends_with(" a") || t.ends_with(" an")
        };
        let sentence_start = {
            let t = line_start.trim_end();
            t.is_empty() || t.ends_with(['.', '!', '?', ':', '"', '“', '(', '>', '-'])
        };
        if caps && n == 1 && !titled && !strong_cue && !sign_off {
            // A lone ALL-CAPS word is usually an acronym.
            return;
        }
        if piece.iter().all(|w| w.shape == Shape::Initial) && !titled {
            return;
        }
        let first_is_street = {
            lower_into(text, first, buf);
            STREET_PREFIX.contains(&buf.as_str())
        };
        if first_is_street && !titled {
            return;
        }
        let confidence: f32 = if titled {
            0.95
        } else if display_name || sign_off {
            0.9
        } else if after_the && known < 2 {
            return;
        } else if n >= 2 && first_is_fore_or_initial && (fore > 0 || initials > 0 || last_is_sur) {
            if caps && known < 2 && !strong_cue {
                return;
            }
            0.9
        } else if strong_cue {
            0.85
        } else if (cue_after && (fore + sur > 0 || (n >= 2 && known > 0)))
            || (n >= 2 && fore_amb > 0 && (sur > 0 || last_is_sur))
        {
            0.8
        } else if (n >= 2 && last_is_sur && !sentence_start)
            || (weak_cue && fore + sur > 0)
            || (n == 1 && fore > 0)
        {
            0.7
        } else if n >= 2 && sur > 0 {
            0.65
        } else if (n == 1 && sur > 0 && !sentence_start) || (cue_after && n >= 2) {
            0.6
        } else if (2..=3).contains(&n) && !caps && !after_digit && initials < n {
            // Two or three capitalised words that are neither stop words nor
            // a place or organisation: an unknown (often foreign) name.
            0.5
        } else {
            return;
        };
        let Some(surface) = text.get(start..end) else {
            return;
        };
        out.push(Entity {
            kind: EntityKind::PersonName,
            span: Span::new(self.title_start(text, start), end),
            normalised: normalise_name(surface),
            confidence,
            recogniser: NAME,
        });
    }

    /// Where the titles right before a name begin (`Mr and Mrs Okafor`,
    /// `Dr. Patel`), so that a redaction hides them too; `start` if none.
    fn title_start(&self, text: &str, start: usize) -> usize {
        let mut at = start;
        let mut best = start;
        loop {
            let head = text.get(..at).unwrap_or("");
            let t = head.trim_end_matches(' ');
            if t.len() == head.len() {
                break;
            }
            let t2 = t.strip_suffix('.').unwrap_or(t);
            let wstart = t2
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphabetic())
                .last()
                .map_or(t2.len(), |(i, _)| i);
            let word = t2.get(wstart..).unwrap_or("").to_lowercase();
            if self.titles.contains(word.as_str()) {
                best = wstart;
                at = wstart;
                // "Mr and Mrs", "Mr & Mrs"
                let h = text.get(..at).unwrap_or("");
                for joiner in [" and ", " & "] {
                    if let Some(p) = h.strip_suffix(joiner) {
                        at = p.len() + 1;
                        break;
                    }
                }
                if at == best {
                    break;
                }
            } else {
                break;
            }
        }
        best
    }

    fn title_before(&self, before_lower: &str) -> bool {
        // "... mr ", "... mrs. ", "mr and mrs ", "dr. "
        let t = before_lower.trim_end_matches(' ');
        if t.len() == before_lower.len() {
            return false; // no space right before the chain
        }
        let t = t.trim_end_matches('.');
        let last = t.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or("");
        self.titles.contains(last)
    }

    fn after_sign_off(&self, text: &str, line_start_at: usize) -> bool {
        let head = text.get(..line_start_at).unwrap_or("");
        let mut lines = head.trim_end().rsplit('\n');
        // The chain's own line is empty before it; the previous non-empty
        // line must be a sign-off.
        let prev = lines
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .trim_end_matches([',', '.', '!'])
            .to_lowercase();
        SIGN_OFFS.contains(&prev.as_str())
    }
}

impl PersonNames {
    /// Every person name in `text`.
    fn found(&self, text: &str) -> Vec<Entity> {
        let ws = words(text);
        let mut out = Vec::new();
        let mut i = 0;
        let mut lower = String::new();
        while i < ws.len() {
            let Some(w) = ws.get(i) else { break };
            if !matches!(w.shape, Shape::Title | Shape::Caps | Shape::Initial) {
                i += 1;
                continue;
            }
            // Grow the chain: same line, single-space (or ". " after an
            // initial or title) gaps, up to 5 words.
            let mut j = i + 1;
            while j < ws.len() && j - i < 5 {
                let (Some(prev), Some(next)) = (ws.get(j - 1), ws.get(j)) else {
                    break;
                };
                if !matches!(next.shape, Shape::Title | Shape::Caps | Shape::Initial) {
                    break;
                }
                let gap = text.get(prev.end..next.start).unwrap_or("x");
                let ok = gap == " "
                    || (gap == ". "
                        && (prev.shape == Shape::Initial || self.is_title(text, prev, &mut lower)));
                if !ok {
                    break;
                }
                j += 1;
            }
            if j == i + 1 {
                if let Some(k) = self.surname_comma_forename(text, &ws, i, &mut out, &mut lower) {
                    i = k;
                    continue;
                }
            }
            self.judge_chain(text, ws.get(i..j).unwrap_or(&[]), &mut out, &mut lower);
            i = j;
        }
        self.propagate_lists(text, &ws, &mut out, &mut lower);
        out
    }
}

impl Recogniser for PersonNames {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every person name in `text`.
    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        let mut found = self.found(text);
        out.append(&mut found);
    }
}

/// True when `word` (any case, a trailing dot allowed) is a title such as
/// `Mr`, `Mrs.` or `Cllr`.
pub(crate) fn is_title(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_lowercase();
    title_word(&w)
}

/// Lowercases a word into `buf`, folding the Latin accents common in
/// Irish, Welsh and European names (`Seán` → `sean`, `Chloë` → `chloe`) so
/// that gazetteer lookups meet the plain spelling.
fn lower_into(text: &str, w: &Word, buf: &mut String) {
    buf.clear();
    let word = text.get(w.start..w.end).unwrap_or("");
    if word.is_ascii() {
        // The common case: no accents to fold, no Unicode case tables.
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        vocab::fold_char(c, buf);
    }
}

/// `kevin's` → `kevin` (any number of trailing possessives, straight or
/// typographic apostrophe).
fn strip_possessive(mut w: &str) -> &str {
    while let Some(s) = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")) {
        w = s;
    }
    w
}

/// A word folded for the gazetteers: the vocabulary's one fold.
fn fold_str(s: &str) -> String {
    vocab::fold(s)
}

/// The canonical form of a name: lowercase words separated by single
/// spaces, dots, commas and a possessive `'s` dropped, titles dropped.
pub fn normalise_name(s: &str) -> String {
    let mut words = Vec::new();
    for w in s.split(|c: char| c.is_whitespace() || c == ',' || c == '.') {
        let w = strip_possessive(w);
        if w.is_empty() {
            continue;
        }
        let lw = w.to_lowercase();
        if title_word(&lw) {
            continue;
        }
        words.push(lw);
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use sarx_detect::testing::check;

    use super::*;

    #[test]
    fn titles_are_the_old_list() {
        let old = [
            "mr",
            "mrs",
            "ms",
            "miss",
            "mx",
            "dr",
            "rev",
            "revd",
            "sir",
            "dame",
            "lady",
            "lord",
            "prof",
            "professor",
            "cllr",
            "councillor",
            "pc",
            "ds",
            "dc",
            "sgt",
            "insp",
        ];
        let now = vocab::TITLES.iter().filter(|t| title_word(t.word)).count();
        assert_eq!(now, old.len());
        assert!(old.iter().all(|w| title_word(w)));
    }

    #[test]
    fn table() {
        let r = PersonNames::new();
        let cases: &[&str] = &[
            "Dear «Mrs Okafor»,",
            "Notes: «Seán Lockwood» moved out",
            "«Chloë Ashworth» rang",
            "my neighbour «Janet Smith» keeps parking there",
            "I spoke to «J. A. Kowalski» today",
            "Kind regards,\n«Priya»\n",
            "From: \"«Jo Bloggs»\" <jo@example.org>",
            "«Mr and Mrs Okafor» attended.",
            "«Catherine» is a very sympathetic person.",
            "tennis player «Teresa Kreutzmann» over visa disputes",
            "correct it to «Mr. Ferko Takáts»?",
            "«Kevin» had given «Alma» his address",
            "her son «Tyler O'Neill» was there",
            "Will you call me back?",
            "Leeds City Council wrote on Monday 3 March.",
            "I live on Victoria Road.",
            "The Princess Royal arrived at Khandallah this morning.",
            "Please contact the NHS about ASB.",
            "May I ask about the repairs?",
            "«SMITH, John»",
            "TEN-0041  «ADEYEMI, GRACE»   14 MILL LANE\nTEN-0042  «WHITTAKER, SUSAN J»  3 BECK ROAD",
            "LEEDS, WEST YORKSHIRE",
            "our 3 founders: «Eklund», «Michael» and «Hodge».",
            "Follow up with «Satsita Umkhayev» in a month.",
            "at 20 Rue Hsine Eloued St. today",
            "«Okafor, Margaret A» was seen",
            "Leeds, Bradford and York",
            "her neighbour «Jane Green» at number 56 plays music",
            "«Peter Lane», a witness, saw it",
            "«Mrs Jane Green» and «Mr Tom Hill» attended",
            "She lives at 56 Green Lane.",
            "Hyde Park is closed.",
            "54 Kirkstall Road, Leeds LS7 3JL",
        ];
        for text in cases {
            check(&r, text);
        }
    }

    #[test]
    fn normalises() {
        assert_eq!(normalise_name("Mrs  Janet SMITH's"), "janet smith");
        assert_eq!(normalise_name("J. A. Kowalski"), "j a kowalski");
    }

    #[test]
    fn gazetteers_load() {
        let r = PersonNames::new();
        let (f, s) = r.gazetteer_sizes();
        assert!(f > 1000, "{f}");
        assert!(s > 500, "{s}");
        assert!(r.is_forename("Margaret") && r.is_surname("Okafor"));
        assert!(!r.is_forename("the"));
    }
}
