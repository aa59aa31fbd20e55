//! Towns of the United Kingdom, for telling namesakes apart: a mention of
//! the subject's name with another town beside it (`Margaret Okafor -
//! Keighley`, `… added to the transfer list for Sunderland`) is probably a
//! different person.
//!
//! The gazetteer is GeoNames' list of UK settlements of 5,000 or more people
//! (CC BY 4.0; `data/gb-places.txt`, written by `scripts/gb-places.py`). A
//! name counts as a town only where a place is written — after `in`, `at`,
//! `from`, `near`, `for` or `of`, after a dash, comma or bracket — and not
//! when a street word follows it (`Bradford Road`) or it is a month or a
//! weekday (`in March`).

use std::collections::HashSet;
use std::sync::OnceLock;

use sarx_model::vocab::{month_number, STREET_TYPES, WEEKDAYS};

const GAZETTEER: &str = include_str!("../data/gb-places.txt");

/// Longest place name in words.
const MAX_WORDS: usize = 4;

/// Words other than street types (`sarx_model::vocab::STREET_TYPES`) that,
/// after a place name, make it part of a building, organisation or club
/// name.
const NOT_A_TOWN_AFTER: &[&str] = &[
    "house",
    "centre",
    "office",
    "team",
    "council",
    "college",
    "university",
    "hospital",
    "station",
    "city",
    "united",
    "rovers",
    "athletic",
];

/// True when `word` (lowercase) after a place name makes it part of a
/// street or building name: a common street type or a building word.
fn street_word(word: &str) -> bool {
    STREET_TYPES
        .iter()
        .any(|s| s.common && s.word.eq_ignore_ascii_case(word))
        || NOT_A_TOWN_AFTER.contains(&word)
}

fn gazetteer() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        GAZETTEER
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !WEEKDAYS.contains(&l.as_str()) && month_number(l).is_none())
            .collect()
    })
}

/// True when `before` ends where a place is written.
fn slot(before: &str) -> bool {
    let t = before.trim_end_matches(' ');
    if t.len() == before.len() {
        return before.ends_with('(');
    }
    if t.ends_with(['-', '–', '—', ',', '(']) {
        return true;
    }
    let last = t.rsplit([' ', '\t', '\n']).next().unwrap_or("");
    matches!(
        last.to_ascii_lowercase().as_str(),
        "in" | "at" | "from" | "near" | "for" | "of"
    )
}

/// The towns written in `s` in a place's slot, lowercased.
pub(crate) fn towns_in(s: &str) -> Vec<String> {
    let words: Vec<(usize, &str)> = s
        .split_inclusive([' ', '\t', '\n'])
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len();
            Some((start, w.trim_end_matches([' ', '\t', '\n'])))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    let clean = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
            .to_owned()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (start, w) = words.get(i).copied().unwrap_or((0, ""));
        let lead = w.trim_start_matches(['(', '"', '\'']);
        let capital = lead.chars().next().is_some_and(char::is_uppercase);
        let before = s.get(..start + (w.len() - lead.len())).unwrap_or("");
        if !capital || !slot(before) {
            i += 1;
            continue;
        }
        let mut found = None;
        for n in (1..=MAX_WORDS.min(words.len() - i)).rev() {
            let parts: Vec<String> = words
                .get(i..i + n)
                .unwrap_or(&[])
                .iter()
                .map(|(_, w)| clean(w))
                .collect();
            let name = parts.join(" ").to_lowercase();
            // A word ending in punctuation ends the name.
            let inner_punct = words
                .get(i..i + n - 1)
                .unwrap_or(&[])
                .iter()
                .any(|(_, w)| w.ends_with([',', '.', ';', ':', ')']));
            if inner_punct || !gazetteer().contains(&name) {
                continue;
            }
            let last = words.get(i + n - 1).map(|(_, w)| *w).unwrap_or("");
            let next = words.get(i + n).map(|(_, w)| clean(w).to_lowercase());
            let street_follows =
                !last.ends_with([',', '.', ';', ':', ')']) && next.is_some_and(|n| street_word(&n));
            if !street_follows {
                found = Some((name, n));
            }
            break;
        }
        match found {
            Some((name, n)) => {
                out.push(name);
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_words_are_the_old_list() {
        let old = [
            "road",
            "street",
            "lane",
            "avenue",
            "drive",
            "close",
            "way",
            "terrace",
            "crescent",
            "place",
            "grove",
            "court",
            "gardens",
            "square",
            "walk",
            "rise",
            "hill",
            "view",
            "park",
            "house",
            "centre",
            "office",
            "team",
            "council",
            "college",
            "university",
            "hospital",
            "station",
            "city",
            "united",
            "rovers",
            "athletic",
        ];
        let mut now: Vec<String> = STREET_TYPES
            .iter()
            .filter(|s| s.common)
            .map(|s| s.word.to_lowercase())
            .chain(NOT_A_TOWN_AFTER.iter().map(|w| (*w).to_owned()))
            .collect();
        now.sort();
        let mut old: Vec<String> = old.iter().map(|w| (*w).to_owned()).collect();
        old.sort();
        assert_eq!(now, old);
        assert!(street_word("road") && street_word("united") && !street_word("mews"));
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("Margaret Okafor - Keighley", &["keighley"]),
            (
                "added to the transfer list for Sunderland.",
                &["sunderland"],
            ),
            (
                "she moved to 3 Oak Lane, Whitley Bay, NE26",
                &["whitley bay"],
            ),
            ("lives on Bradford Road", &[]),
            ("in March she rang", &[]),
            ("Leeds City Council wrote", &[]),
            ("met in Leeds on Monday", &["leeds"]),
            ("Keighley was mentioned", &[]),
            ("from the Leeds office", &[]),
            ("(Gateshead) tenant", &["gateshead"]),
        ];
        for (text, want) in cases {
            assert_eq!(towns_in(text), *want, "{text}");
        }
    }
}
