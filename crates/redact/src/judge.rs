//! The model's judgement of the rules' name candidates.
//!
//! The person-name rules ([`crate::recognisers::person_name`]) find nearly
//! every name but also many capitalised phrases that are not people
//! (`Shared Ownership`, `Leeds LS`, `Records Management`). The model
//! (`sarx_ner`, a token classifier that reads the words around a name) tells
//! them apart from context. [`judge`] runs it over a window of
//! [`WINDOW`] bytes (and at most [`WINDOW_TOKENS`] estimated tokens) either
//! side of each candidate — windows that touch are merged; on the real-text
//! development set ±100 bytes scored as well as ±150 (F1 0.960 / 0.941 on
//! its two halves against 0.957 / 0.938) for two thirds of the model's
//! time — and then, for each candidate:
//!
//! - keeps it when some word of it is a given name or surname to the model,
//!   trimming leading and trailing words the model gives no person weight
//!   (`Shared Ownership Janet Smith` → `Janet Smith`; titles and initials
//!   stay);
//! - a sure candidate (a known given name with a surname, a display name,
//!   a sign-off) needs less person weight (`STRONG_WORD`) and keeps its
//!   edge words unless the model gives them almost none, and is kept when
//!   the model reads it as a place, since either reading is a third
//!   party's data (a name, or an address);
//! - drops it otherwise, or when the model reads it as a place;
//! - on a title-case heading line (`Records Management Policy`), keeps it
//!   only on stronger evidence.
//!
//! Words the model is sure are names but that no rule proposed (a name in
//! lower case or in capitals inside a window) are added as findings of
//! their own (`person_model`).

use sarx_model::Span;
use sarx_ner::{Tagger, Word};

use crate::recognisers::person_name::{normalise_name, LISTING_RECOGNISER};
use crate::recognisers::{Entity, EntityKind};

/// Bytes of context either side of a candidate.
pub const WINDOW: usize = 100;
/// A text this short (bytes) is read whole, candidates or not: one model
/// call of a few dozen tokens, and names no rule saw (lower case, foreign)
/// are found in it.
const SHORT: usize = 600;
/// A candidate word is a name word from this person probability on.
const NAME_WORD: f32 = 0.5;
/// The rules' confidence in a name after a title (`Mr JG Cook`).
const TITLED: f32 = 0.95;
/// The rules' confidence in a known forename with a surname, a display
/// name or a sign-off.
const STRONG: f32 = 0.9;
/// What a titled candidate needs: the title is evidence of its own.
const TITLED_WORD: f32 = 0.2;
/// What a sure candidate needs (a known given name with a surname, a
/// display name, a sign-off): the gazetteers are evidence of their own.
const STRONG_WORD: f32 = 0.35;
/// A sure candidate's edge words are trimmed only below this weight.
const STRONG_EDGE: f32 = 0.1;
/// On a heading line a candidate without gazetteer evidence needs this much.
const HEADING_WORD: f32 = 0.8;
/// A word no rule proposed is a name from this probability on.
const MODEL_ONLY: f32 = 0.9;

/// The model's context either side of a candidate, in (estimated) tokens:
/// [`WINDOW`] bytes of prose is about this many, and the model's cost is per
/// token, so a table of numbers, hashes or URLs (five tokens a word) gets a
/// narrower window in bytes, not a dearer one.
pub const WINDOW_TOKENS: f32 = 26.0;

/// Rough token cost of one character to the model's WordPiece tokenizer:
/// words cost about one token in four or five letters, digits more, and
/// every punctuation mark is a token of its own.
fn token_cost(c: char) -> f32 {
    if c.is_whitespace() {
        0.0
    } else if c.is_alphabetic() {
        0.22
    } else if c.is_numeric() {
        0.5
    } else {
        1.0
    }
}

/// Window `[start, end)` around `span`: up to [`WINDOW`] bytes and
/// [`WINDOW_TOKENS`] estimated tokens either side, widened to whitespace and
/// char boundaries.
fn window(text: &str, span: Span) -> Span {
    let mut s = span.start;
    let mut cost = 0.0f32;
    for (i, c) in text.get(..span.start).unwrap_or("").char_indices().rev() {
        cost += token_cost(c);
        if span.start - i > WINDOW || cost > WINDOW_TOKENS {
            break;
        }
        s = i;
    }
    if s > 0 && s < span.start {
        // Start after the first whitespace so no word is cut.
        if let Some(i) = text
            .get(s..span.start)
            .and_then(|t| t.find(char::is_whitespace))
        {
            s += i;
        }
    }
    let mut e = span.end;
    let mut cost = 0.0f32;
    for (i, c) in text.get(span.end..).unwrap_or("").char_indices() {
        cost += token_cost(c);
        if i >= WINDOW || cost > WINDOW_TOKENS {
            break;
        }
        e = span.end + i + c.len_utf8();
    }
    if e < text.len() && e > span.end {
        if let Some(i) = text
            .get(span.end..e)
            .and_then(|t| t.rfind(char::is_whitespace))
        {
            e = span.end + i;
        }
    }
    Span::new(s, e.max(span.end))
}

/// Merged windows around the spans (sorted by start).
fn windows(text: &str, spans: &[Span]) -> Vec<Span> {
    let mut ws: Vec<Span> = spans.iter().map(|s| window(text, *s)).collect();
    ws.sort_by_key(|w| w.start);
    let mut out: Vec<Span> = Vec::with_capacity(ws.len());
    for w in ws {
        match out.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

/// Text words of a span (letters, with inner apostrophes, hyphens and dots
/// of initials), as byte ranges.
fn text_words(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let Some(s) = span.slice(text) else {
        return out;
    };
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        let inner = c.is_alphanumeric() || matches!(c, '\'' | '’' | '-');
        match (inner, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                out.push(Span::new(span.start + b, span.start + i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(b) = start {
        out.push(Span::new(span.start + b, span.end));
    }
    out
}

/// Highest person and place probability of the model's words inside `w`.
fn weight(words: &[(Span, Word)], w: Span) -> (f32, f32) {
    let (mut person, mut place) = (0.0f32, 0.0f32);
    for (s, mw) in words {
        if s.start >= w.end {
            break;
        }
        if s.overlaps(&w) {
            person = person.max(mw.person());
            place = place.max(mw.place);
        }
    }
    (person, place)
}

/// True when the line holding `span` reads as a heading: two to ten words,
/// every word of four letters or more capitalised, no sentence punctuation.
fn heading_line(text: &str, span: Span) -> bool {
    let start = text
        .get(..span.start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(span.end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| span.end + i);
    let Some(line) = text.get(start..end) else {
        return false;
    };
    let line = line.trim();
    if line.ends_with(['.', ',', ';', '?', '!']) || line.contains(". ") {
        return false;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=10).contains(&words.len())
        && words.iter().all(|w| {
            let letters: String = w.chars().filter(|c| c.is_alphabetic()).collect();
            letters.chars().count() < 4 || letters.chars().next().is_some_and(char::is_uppercase)
        })
}

fn is_title_word(w: &str) -> bool {
    crate::recognisers::person_name::is_title(w)
}

/// The model's words over `text`, in text order, with absolute spans.
fn tagged(
    tagger: &dyn Tagger,
    text: &str,
    spans: &[Span],
) -> Result<Vec<(Span, Word)>, sarx_ner::Error> {
    let mut ws = windows(text, spans);
    let covered: usize = ws.iter().map(|w| w.end - w.start).sum();
    if text.len() <= SHORT || covered * 10 >= text.len() * 6 {
        // As dear as the windows, or nearly: the whole text, for the names
        // no rule proposed.
        ws = vec![Span::new(0, text.len())];
    }
    let slices: Vec<&str> = ws.iter().map(|w| w.slice(text).unwrap_or("")).collect();
    let tags = tagger.tag(&slices)?;
    let mut out = Vec::new();
    for (w, words) in ws.iter().zip(tags) {
        for mw in words {
            out.push((Span::new(w.start + mw.start, w.start + mw.end), mw));
        }
    }
    Ok(out)
}

/// The candidates the model confirms (trimmed to their name words), plus
/// the names only the model saw.
pub fn judge(
    tagger: &dyn Tagger,
    text: &str,
    candidates: Vec<Entity>,
) -> Result<Vec<Entity>, sarx_ner::Error> {
    judge_in_context(tagger, text, candidates, &[])
}

/// [`judge`], with the model's windows laid over `context` too (names
/// settled without the model, e.g. confirmed earlier in the case): a
/// candidate is read in the same words whichever names were settled, so a
/// record is judged the same in any case.
pub fn judge_in_context(
    tagger: &dyn Tagger,
    text: &str,
    candidates: Vec<Entity>,
    context: &[Span],
) -> Result<Vec<Entity>, sarx_ner::Error> {
    if candidates.is_empty() && text.len() > SHORT {
        return Ok(candidates);
    }
    let mut spans: Vec<Span> = candidates.iter().map(|c| c.span).collect();
    spans.extend_from_slice(context);
    spans.sort_by_key(|s| (s.start, s.end));
    let words = tagged(tagger, text, &spans)?;
    let mut out = Vec::with_capacity(candidates.len());
    for mut c in candidates {
        let tw = text_words(text, c.span);
        let weights: Vec<(f32, f32)> = tw.iter().map(|w| weight(&words, *w)).collect();
        let best = weights.iter().map(|x| x.0).fold(0.0f32, f32::max);
        let place = weights.iter().map(|x| x.1).fold(0.0f32, f32::max);
        // The person weight a candidate needs, and below which its edge
        // words are trimmed.
        let (need, edge) = if c.confidence >= TITLED {
            (TITLED_WORD, TITLED_WORD)
        } else if c.confidence >= STRONG {
            (STRONG_WORD, STRONG_EDGE)
        } else if c.confidence < 0.85 && heading_line(text, c.span) {
            (HEADING_WORD, 0.3)
        } else {
            (NAME_WORD, 0.3)
        };
        // The model learnt that streets are named after people. A
        // name-shaped phrase the rules are sure of (a known forename and a
        // surname, or a title), of two words or more that are not initials,
        // that the model reads as a place with no person weight at all, and
        // whose place reading stops at its last word (`my neighbour Darren
        // Pike at number 100`, not `Nelson Mandela Street` or `P.O. Box 12`)
        // is kept whole: either reading is about a third party (their name
        // or their address), and dropping it would disclose.
        let full_words = tw
            .iter()
            .filter(|w| w.slice(text).is_some_and(|s| s.chars().count() >= 2))
            .count();
        // The same holds when the model gives the name some person weight
        // but reads its last word as a place more strongly (`her neighbour
        // Jane Green at number 56`: a surname that is also a place word).
        let sure_either_way =
            c.confidence >= STRONG && full_words >= 2 && !place_follows(&words, c.span);
        if sure_either_way && best < need && place >= NAME_WORD {
            out.push(c);
            continue;
        }
        if c.recogniser == LISTING_RECOGNISER && place <= best {
            // `ADEYEMI, GRACE`: the form is the evidence; the model reads
            // listings poorly and would trim the forename.
            out.push(c);
            continue;
        }
        // A sure candidate's edge words are the gazetteer's name words: one
        // the model is unsure of (`Green` after `Jane`) stays, or the
        // surname would be disclosed beside the box.
        let first = weights.iter().position(|x| x.0 >= edge);
        let last = weights.iter().rposition(|x| x.0 >= edge);
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        if best < need || (place > best && !sure_either_way) {
            continue;
        }
        // Trim to the name words, keeping titles and initials at the front.
        let mut start_word = first;
        while start_word > 0 {
            let Some(prev) = tw.get(start_word - 1) else {
                break;
            };
            let s = prev.slice(text).unwrap_or("");
            let joined_title = (s == "and" || s == "&")
                && start_word >= 2
                && tw
                    .get(start_word - 2)
                    .and_then(|w| w.slice(text))
                    .is_some_and(is_title_word);
            if is_title_word(s) || s.chars().count() == 1 {
                start_word -= 1;
            } else if joined_title {
                // `Mr and Mrs Ackroyd`: both titles belong to the name.
                start_word -= 2;
            } else {
                break;
            }
        }
        let (Some(a), Some(b)) = (tw.get(start_word), tw.get(last)) else {
            continue;
        };
        let end = extend_name(text, &words, b.end);
        let end = strip_possessive_end(text, Span::new(a.start, end));
        if a.start != c.span.start || end != c.span.end {
            c.span = Span::new(a.start, end);
            c.normalised = normalise_name(c.span.slice(text).unwrap_or(""));
        }
        if honorific(text, c.span) {
            continue;
        }
        c.confidence = c.confidence.max(best.min(0.99));
        out.push(c);
    }
    // Names only the model saw.
    let mut k = 0;
    while let Some((s, w)) = words.get(k) {
        if w.person() < MODEL_ONLY || !w.begins {
            k += 1;
            continue;
        }
        let mut end = s.end;
        let mut j = k + 1;
        while let Some((s2, w2)) = words.get(j) {
            let gap = text.get(end..s2.start).unwrap_or("x");
            let joined = gap.is_empty() || gap == " " || gap == "'" || gap == "’" || gap == "-";
            if !joined || w2.person() < NAME_WORD || (w2.begins && w2.kind == w.kind) {
                break;
            }
            end = s2.end;
            j += 1;
        }
        let span = Span::new(s.start, end);
        let surface = span.slice(text).unwrap_or("");
        let letters = surface.chars().filter(|c| c.is_alphabetic()).count();
        // A lone word in capitals is an acronym to the rules (`BEIS`); the
        // model, being uncased, cannot tell.
        let acronym = !surface.contains(' ') && !surface.chars().any(char::is_lowercase);
        if letters >= 2
            && !acronym
            && !honorific(text, span)
            && surface
                .chars()
                .all(|c| c.is_alphabetic() || " '’-".contains(c))
            && !out.iter().any(|f| f.span.overlaps(&span))
            && !spans.iter().any(|c| c.overlaps(&span))
        {
            out.push(Entity {
                kind: EntityKind::PersonName,
                span,
                normalised: normalise_name(surface),
                confidence: w.person().min(0.99),
                recogniser: "person_model",
            });
        }
        k = j;
    }
    out.sort_by_key(|f| (f.span.start, f.span.end));
    Ok(out)
}

/// Where a name ending at `end` really ends: the model's name words right
/// after it, one space apart, continue it (`MRS JANET BROWN`, where the
/// rules stopped at a word in capitals).
fn extend_name(text: &str, words: &[(Span, Word)], end: usize) -> usize {
    let (mut at, mut name_end) = (end, end);
    for (s, w) in words.iter().filter(|(s, _)| s.start >= end) {
        let Some(token) = s.slice(text) else {
            break;
        };
        let letters = token.chars().any(char::is_alphabetic)
            && token
                .chars()
                .all(|c| c.is_alphabetic() || "'’-".contains(c));
        let joiner = matches!(token, "'" | "’" | "-");
        let gap_ok = match text.get(at..s.start) {
            Some(" ") => letters && at == name_end,
            Some("") => letters || joiner,
            _ => false,
        };
        if !gap_ok || w.person() < NAME_WORD || w.place > w.person() {
            break;
        }
        at = s.end;
        if letters {
            name_end = at;
        }
    }
    name_end
}

/// True when the model's first word after `span` is part of a place.
fn place_follows(words: &[(Span, Word)], span: Span) -> bool {
    words
        .iter()
        .find(|(s, _)| s.start >= span.end)
        .is_some_and(|(_, w)| w.place >= NAME_WORD)
}

/// True when a one-word `span` follows a capitalised possessive (`Her
/// Majesty`, `His Honour`, `Your Worship`): a form of address, not a name.
fn honorific(text: &str, span: Span) -> bool {
    let one_word = span
        .slice(text)
        .is_some_and(|s| !s.trim().contains(char::is_whitespace));
    let before = text.get(..span.start).unwrap_or("");
    let Some(lead) = before.strip_suffix(|c: char| c.is_whitespace() && c != '\n') else {
        return false;
    };
    let prev = lead
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    one_word && matches!(prev, "Her" | "His" | "Your" | "Their")
}

/// `span`'s end without a trailing possessive `'s`.
fn strip_possessive_end(text: &str, span: Span) -> usize {
    let s = span.slice(text).unwrap_or("");
    for suffix in ["'s", "’s", "'S"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            return span.start + stem.len();
        }
    }
    span.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use sarx_ner::Kind;

    /// A stand-in model: words listed in `names` are given names with
    /// probability 0.95, words in `places` are cities.
    #[derive(Debug)]
    struct Fake {
        names: Vec<&'static str>,
        places: Vec<&'static str>,
    }

    impl Tagger for Fake {
        fn tag(&self, texts: &[&str]) -> Result<Vec<Vec<Word>>, sarx_ner::Error> {
            let names = self.names.iter().map(|w| (*w, 0.95, 0.0));
            let places = self.places.iter().map(|w| (*w, 0.0, 0.95));
            Weights(names.chain(places).collect()).tag(texts)
        }
    }

    /// A tagger that gives each listed word a given-name weight and a
    /// place weight (the first entry for a word counts).
    #[derive(Debug)]
    struct Weights(Vec<(&'static str, f32, f32)>);

    impl Tagger for Weights {
        fn tag(&self, texts: &[&str]) -> Result<Vec<Vec<Word>>, sarx_ner::Error> {
            Ok(texts
                .iter()
                .map(|t| {
                    text_words(t, Span::new(0, t.len()))
                        .into_iter()
                        .map(|s| {
                            let w = s.slice(t).unwrap_or("");
                            let (given, place) = self
                                .0
                                .iter()
                                .find(|(x, _, _)| *x == w)
                                .map_or((0.0, 0.0), |(_, g, p)| (*g, *p));
                            Word {
                                start: s.start,
                                end: s.end,
                                kind: if given > 0.0 {
                                    Kind::GivenName
                                } else if place > 0.0 {
                                    Kind::City
                                } else {
                                    Kind::Outside
                                },
                                begins: given > 0.0 || place > 0.0,
                                given,
                                surname: 0.0,
                                place,
                            }
                        })
                        .collect()
                })
                .collect())
        }
    }

    fn cand(text: &str, s: &str) -> Entity {
        let start = text.find(s).unwrap();
        Entity {
            kind: EntityKind::PersonName,
            span: Span::new(start, start + s.len()),
            normalised: normalise_name(s),
            confidence: 0.5,
            recogniser: "person_name",
        }
    }

    fn judged(fake: &Fake, text: &str, cands: &[&str]) -> Vec<String> {
        let c = cands.iter().map(|s| cand(text, s)).collect();
        judge(fake, text, c)
            .unwrap()
            .iter()
            .map(|f| text[f.span.start..f.span.end].to_owned())
            .collect()
    }

    #[test]
    fn keeps_trims_and_drops() {
        let fake = Fake {
            names: vec!["Janet", "Smith", "kevin"],
            places: vec!["Leeds"],
        };
        let text = "We offer Shared Ownership. Mrs Janet Smith of Leeds LS called; kevin too.";
        assert_eq!(
            judged(
                &fake,
                text,
                &["Shared Ownership", "Mrs Janet Smith", "Leeds LS"]
            ),
            vec!["Mrs Janet Smith", "kevin"]
        );
        let text = "Mr and Mrs Smith called.";
        assert_eq!(
            judged(&fake, text, &["Mr and Mrs Smith"]),
            vec!["Mr and Mrs Smith"]
        );
        let text = "Please see Records Management Janet Smith said.";
        assert_eq!(
            judged(&fake, text, &["Records Management Janet Smith"]),
            vec!["Janet Smith"]
        );
    }

    #[test]
    fn a_sure_name_the_model_is_unsure_of_is_kept_whole() {
        // "her neighbour Jane Green at number 56": a known given name and
        // a surname that is also a place word; the model gives the name
        // some weight, the surname little.
        let tagger = Weights(vec![("Jane", 0.44, 0.08), ("Green", 0.20, 0.04)]);
        let text = "Her neighbour Jane Green at number 56 plays music late.";
        let mut sure = cand(text, "Jane Green");
        sure.confidence = STRONG;
        let kept: Vec<&str> = judge(&tagger, text, vec![sure.clone()])
            .unwrap()
            .iter()
            .map(|f| &text[f.span.start..f.span.end])
            .collect();
        assert_eq!(kept, vec!["Jane Green"], "kept whole, surname included");
        // The same words proposed with less certainty need more weight.
        sure.confidence = 0.7;
        assert!(judge(&tagger, text, vec![sure]).unwrap().is_empty());
        // A sure name whose last word the model reads as a place more
        // than as a name is kept too: either reading is a third party's.
        let tagger = Weights(vec![("Peter", 0.6, 0.5), ("Lane", 0.0, 0.9)]);
        let text = "Peter Lane, a witness, saw it.";
        let mut sure = cand(text, "Peter Lane");
        sure.confidence = STRONG;
        assert_eq!(judge(&tagger, text, vec![sure]).unwrap().len(), 1);
    }

    #[test]
    fn a_sure_name_read_as_a_street_is_kept() {
        // "my neighbour Darren Pike at number 100": the model reads a street.
        let fake = Fake {
            names: vec![],
            places: vec!["Darren", "Pike", "Leeds"],
        };
        let text = "My neighbour Darren Pike at number 100 in Leeds Park shouted \
                    from Pike Leeds.";
        let mut sure = cand(text, "Darren Pike");
        sure.confidence = STRONG;
        let unsure = cand(text, "Leeds Park");
        let mut street = cand(text, "Pike Leeds");
        street.span.end -= 6;
        street.confidence = STRONG;
        let kept: Vec<&str> = judge(&fake, text, vec![sure, unsure, street])
            .unwrap()
            .iter()
            .map(|f| &text[f.span.start..f.span.end])
            .collect();
        assert_eq!(kept, vec!["Darren Pike"]);
    }

    #[test]
    fn the_models_name_words_continue_a_name() {
        let fake = Fake {
            names: vec!["JANET", "BROWN", "O'HARA", "KEVIN"],
            places: vec![],
        };
        let text = "From MRS JANET BROWN. And KEVIN O'HARA.";
        let mut c = cand(text, "MRS JANET");
        c.confidence = TITLED;
        let k = cand(text, "KEVIN");
        let kept: Vec<&str> = judge(&fake, text, vec![c, k])
            .unwrap()
            .iter()
            .map(|f| &text[f.span.start..f.span.end])
            .collect();
        assert_eq!(kept, vec!["MRS JANET BROWN", "KEVIN O'HARA"]);
    }

    #[test]
    fn honorifics_and_acronyms_are_not_names() {
        let fake = Fake {
            names: vec!["Majesty", "BEIS", "Janet"],
            places: vec![],
        };
        let text = "Shared with BEIS and Her Majesty's Revenue; Janet agreed.";
        assert_eq!(judged(&fake, text, &["Majesty"]), vec!["Janet"]);
    }

    #[test]
    fn headings_need_more() {
        let fake = Fake {
            names: vec![],
            places: vec![],
        };
        let text = "Records Management Policy\nThis policy says how.";
        assert!(judged(&fake, text, &["Records Management"]).is_empty());
        assert!(heading_line(text, Span::new(0, 7)));
        assert!(!heading_line(text, Span::new(27, 31)));
    }

    #[test]
    fn windows_merge_and_respect_char_boundaries() {
        let text = "é".repeat(200) + " Janet Smith and Janet Jones " + &"ü".repeat(200);
        let a = text.find("Janet Smith").unwrap();
        let b = text.find("Janet Jones").unwrap();
        let ws = windows(&text, &[Span::new(a, a + 11), Span::new(b, b + 11)]);
        assert_eq!(ws.len(), 1);
        assert!(text.is_char_boundary(ws[0].start) && text.is_char_boundary(ws[0].end));
    }
}
