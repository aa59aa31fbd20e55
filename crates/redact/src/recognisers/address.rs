//! Street addresses.
//!
//! **Finds** a house number (or flat/apartment) followed by a street name
//! ending in a street word, optionally followed by a town and a UK postcode;
//! also the continental "street-word number" order (`Koskikatu 25`, `Rue de
//! Piétrain 371`, `ul. Więckowskiego 28`).
//!
//! **Why**: a third party's home address identifies them and where they can
//! be found; it is withheld whole, with the postcode that ends it.
//!
//! **Format**: English street types are `sarx_model::vocab::STREET_TYPES`
//! (with their abbreviations, and in capitals as legacy listings write them);
//! lowercase continuation words are allowed only for `the`/`de`/`of` and a
//! few other joiners. A postcode alone is found by `sarx-detect`; here a
//! postcode directly after an address joins the address span.
//!
//! **True:** `Flat 3, 18 Roundhay Road, Leeds, LS8 4HS`; `14 Church Lane`;
//! `27a High Street`; `Apartment 12, 5 Victoria Mews`; `Harjukuja 54`.
//! **False:** `3 days later`; `page 14 of the Act`; `2 Road traffic
//! incidents`. The table of cases is in the tests.

use regex::Regex;
use sarx_model::vocab::STREET_TYPES;
use sarx_model::Span;

use sarx_detect::Recogniser;

use super::{Entity, EntityKind};

/// Recogniser name.
pub const NAME: &str = "street_address";

/// English street words, a regex alternation (a street name ends in one
/// of these): each type of `sarx_model::vocab::STREET_TYPES`, then its
/// abbreviations.
fn street_words() -> String {
    let mut out = Vec::new();
    for t in STREET_TYPES {
        out.push(t.word);
        out.extend(t.abbreviations);
    }
    out.join("|")
}

/// Continental street words that come first or as a suffix of one word.
const PREFIX_WORDS: &str = "Rue|Avenue|Boulevard|Chemin|Allée|Via|Viale|Piazza|Calle|Avenida|Plaza|Paseo|Rua|Travessa|Largo|Praça|Ul\\.|ul\\.|Ulica|Aleja|al\\.|Al\\.|Plac|Straße|Strasse|Gasse|Weg|Platz|Calea|Strada|Bulevardul|Utca|Út|Ulice|Náměstí";
const SUFFIX_WORDS: &str = "katu|kuja|polku|kaari|rinne|laan|straat|weg|gracht|plein|dreef|kade|singel|straße|strasse|gasse|weg|allee|platz|vej|gade|vägen|väg|gatan|gata|veien|vei|gaten|utca|tér|útca|ulica|iela|gatvė|tänav";

/// The street-address recogniser.
#[derive(Debug, Clone)]
pub struct Addresses {
    uk: Regex,
    continental: Regex,
}

impl Addresses {
    /// Compiles the patterns.
    pub fn new() -> Result<Self, regex::Error> {
        // Capitalised word (Unicode letters), or a lowercase joiner.
        let word = r"(?:\p{Lu}[\p{L}'’\-]*|of|the|de|la|le|du|upon|on|in)";
        let postcode = r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][A-Z]{2})";
        // Street words as written in prose (`Road`) and in capitals, as
        // legacy listings and envelopes write them (`ROAD`).
        let street_words = street_words();
        let street_words = format!("{street_words}|{}", street_words.to_uppercase());
        let uk = format!(
            r"(?:(?:Flat|Apartment|Apt\.?|Unit|Suite|Room|Maisonette|Studio)\s+\d+[A-Za-z]?,?\s+(?:\p{{Lu}}[\p{{L}}'’\-]*\s+(?:House|Court|Lodge|Mansions|Building|Tower|Point|Heights)\s*,?\s+)?)?(?-u:\b)\d{{1,4}}[A-Za-z]?(?:-\d{{1,4}}[A-Za-z]?)?,?\s+(?:{word}\s+){{0,3}}(?:{street_words})\.?(?-u:\b)(?:,?\s+{postcode}|,?\s+\p{{Lu}}[\p{{L}}\-]+(?:,?\s+{postcode}|\s+\p{{Lu}}[\p{{L}}\-]+(?:,?\s+{postcode})?)?)?"
        );
        let continental = format!(
            r"(?:(?:(?:{PREFIX_WORDS})\s+(?:{word}\s+){{0,3}}\p{{Lu}}[\p{{L}}'’\-]*)|(?:\p{{Lu}}[\p{{L}}\-]*(?:{SUFFIX_WORDS})))\s+\d{{1,4}}[A-Za-z]?(?-u:\b)(?:\s+(?:Apt\.?|Suite|App\.?|lgh)\s+\d+)?"
        );
        Ok(Addresses {
            uk: Regex::new(&uk)?,
            continental: Regex::new(&continental)?,
        })
    }
}

impl Recogniser for Addresses {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every street address in `text`.
    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        for (re, conf) in [(&self.uk, 0.85f32), (&self.continental, 0.7)] {
            for m in re.find_iter(text) {
                let s = m.as_str();
                // A trailing town that is just "The"/"On" etc. is trimmed by
                // the pattern's capital rule; drop trailing punctuation.
                let trimmed = s.trim_end_matches([',', ' ', '.']);
                let end = m.start() + trimmed.len();
                out.push(Entity {
                    kind: EntityKind::Address,
                    span: Span::new(m.start(), end),
                    normalised: normalise_address(trimmed),
                    confidence: conf,
                    recogniser: NAME,
                });
            }
        }
    }
}

/// Lowercase, commas dropped, single spaces.
pub fn normalise_address(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use sarx_detect::testing::check;

    use super::*;

    #[test]
    fn table() {
        let cases: &[&str] = &[
            "She lives at «Flat 3, 18 Roundhay Road, Leeds, LS8 4HS» now",
            "the tenant at «14 Church Lane» complained",
            "«27a High Street, Otley»",
            "address: 5049 «Harjukuja 54», SEINÄJOKI",
            "at «Rue de Piétrain 371», Noorderwijk",
            "3 days later",
            "TEN-0041  «14 MILL LANE, LEEDS   LS6 2AB»",
            "ROOM 3 WAS EMPTY",
            "page 14 of the Act",
            "2 road traffic incidents",
        ];
        for text in cases {
            check(&Addresses::new().unwrap(), text);
        }
    }
}
