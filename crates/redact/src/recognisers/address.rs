//! Street addresses: a house number (or flat/apartment) followed by a street
//! name ending in a street word, optionally followed by a town and a UK
//! postcode; also the continental "street-word number" order
//! (`Koskikatu 25`, `Rue de Piétrain 371`, `ul. Więckowskiego 28`).
//!
//! **True:** `Flat 3, 18 Roundhay Road, Leeds, LS8 4HS`; `14 Church Lane`;
//! `27a High Street`; `Apartment 12, 5 Victoria Mews`; `Harjukuja 54`.
//! **False:** `3 days later`; `page 14 of the Act`; `2 Road traffic
//! incidents` (lowercase continuation is allowed only for `the`/`de`/`of`).
//!
//! A postcode alone is found by `sarx-detect`; here a postcode directly after
//! an address joins the address span.

use regex::Regex;
use sarx_model::Span;

use super::{Finding, FindingKind};

/// English street words (a street name ends in one of these).
const STREET_WORDS: &str = "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Cl|Court|Ct|Crescent|Cres|Place|Pl|Way|Gardens|Gdns|Grove|Gr|Terrace|Terr|Walk|Row|Hill|Park|Square|Sq|Mews|Rise|View|Green|Parade|Boulevard|Blvd|Vale|Wharf|Wynd|Gate|Yard|Fold|Croft|Meadow|Meadows|Chase|Approach|Heights|Causeway|Broadway|Circus|Embankment|Esplanade|Promenade|Quay|Brow|Bank|End|Field|Fields|Garth|Hollow|Lea|Mount|Nook|Orchard|Passage|Path|Ridge|Side|Spur|Vale|Villas|Wood|Walks|Highway|Street South|Street North";

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
        let street_words = format!("{STREET_WORDS}|{}", STREET_WORDS.to_uppercase());
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

    /// Every street address in `text`.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for (re, conf) in [(&self.uk, 0.85f32), (&self.continental, 0.7)] {
            for m in re.find_iter(text) {
                let s = m.as_str();
                // A trailing town that is just "The"/"On" etc. is trimmed by
                // the pattern's capital rule; drop trailing punctuation.
                let trimmed = s.trim_end_matches([',', ' ', '.']);
                let end = m.start() + trimmed.len();
                out.push(Finding {
                    kind: FindingKind::Address,
                    span: Span::new(m.start(), end),
                    normalised: normalise_address(trimmed),
                    confidence: conf,
                    recogniser: "street_address",
                });
            }
        }
        out
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
    use super::*;

    fn found(text: &str) -> Vec<String> {
        Addresses::new()
            .unwrap()
            .find(text)
            .into_iter()
            .map(|f| text[f.span.start..f.span.end].to_owned())
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "She lives at Flat 3, 18 Roundhay Road, Leeds, LS8 4HS now",
                &["Flat 3, 18 Roundhay Road, Leeds, LS8 4HS"],
            ),
            (
                "the tenant at 14 Church Lane complained",
                &["14 Church Lane"],
            ),
            ("27a High Street, Otley", &["27a High Street, Otley"]),
            ("address: 5049 Harjukuja 54, SEINÄJOKI", &["Harjukuja 54"]),
            (
                "at Rue de Piétrain 371, Noorderwijk",
                &["Rue de Piétrain 371"],
            ),
            ("3 days later", &[]),
            (
                "TEN-0041  14 MILL LANE, LEEDS   LS6 2AB",
                &["14 MILL LANE, LEEDS   LS6 2AB"],
            ),
            ("ROOM 3 WAS EMPTY", &[]),
            ("page 14 of the Act", &[]),
            ("2 road traffic incidents", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(&found(text), want, "{text}");
        }
    }
}
