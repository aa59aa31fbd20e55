//! UK vehicle registration marks.
//!
//! **Finds** marks in the current format anywhere, and marks in the older
//! formats only after a vehicle word.
//!
//! **Why**: a third party's vehicle identifies its keeper as surely as a name
//! does, so a mark in a disclosed record is withheld.
//!
//! **Format** (DVLA):
//! - Current format (2001–): two letters, two digits, space, three letters:
//!   `AB12 CDE`. Distinctive enough to stand alone (upper case only).
//! - Prefix (1983–2001) `A123 BCD`, suffix (1963–1983) `ABC 123D` and
//!   dateless `ABC 123` formats collide with references and postcodes, so
//!   they need a context word within 40 bytes before: `reg`, `registration`,
//!   `vehicle`, `car`, `van`, `number plate`, `VRM`, `parked`, `driving`.
//!
//! **True:** `a silver Ford, AB12 CDE`; `car reg P123 ABC`.
//! **False:** `LS8 4HS` (a postcode); `ref A123 BCD` without a vehicle word;
//! `ab12 cde` (lower case). The table of cases is in the tests.

use regex::Regex;
use sarx_model::Span;

use sarx_detect::Recogniser;

use super::{before_window, word_bounded, Entity, EntityKind};

/// Recogniser name.
pub const NAME: &str = "vehicle_registration";

const CUES: &[&str] = &[
    "reg",
    "registration",
    "vehicle",
    "car",
    "van",
    "lorry",
    "motorbike",
    "number plate",
    "numberplate",
    "plate",
    "vrm",
    "parked",
    "parking",
    "driving",
    "drove",
    "dvla",
    "taxi",
];

/// The vehicle-registration recogniser.
#[derive(Debug, Clone)]
pub struct VehicleRegistrations {
    current: Regex,
    older: Regex,
}

impl VehicleRegistrations {
    /// Compiles the patterns.
    pub fn new() -> Result<Self, regex::Error> {
        Ok(VehicleRegistrations {
            current: Regex::new(r"[A-HJ-PR-Y][A-HJ-PR-Y][0-9]{2} ?[A-HJ-PR-Z]{3}")?,
            older: Regex::new(
                r"[A-HJ-NP-Y][0-9]{1,3} ?[A-HJ-PR-Y]{3}|[A-HJ-PR-Y]{3} ?[0-9]{1,3}[A-HJ-NP-Y]|[A-HJ-PR-Y]{1,3} ?[0-9]{1,4}",
            )?,
        })
    }
}

impl VehicleRegistrations {
    /// Every vehicle registration in `text`.
    fn found(&self, text: &str) -> Vec<Entity> {
        let mut out = Vec::new();
        let push = |s: usize, e: usize, conf: f32, out: &mut Vec<Entity>| {
            let norm: String = text
                .get(s..e)
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            out.push(Entity {
                kind: EntityKind::VehicleRegistration,
                span: Span::new(s, e),
                normalised: norm,
                confidence: conf,
                recogniser: NAME,
            });
        };
        for m in self.current.find_iter(text) {
            if word_bounded(text, m.start(), m.end()) {
                push(m.start(), m.end(), 0.85, &mut out);
            }
        }
        for m in self.older.find_iter(text) {
            if !word_bounded(text, m.start(), m.end())
                || out
                    .iter()
                    .any(|f| f.span.overlaps(&Span::new(m.start(), m.end())))
            {
                continue;
            }
            let ctx = before_window(text, m.start(), 40).to_lowercase();
            let has_cue = CUES.iter().any(|c| {
                ctx.match_indices(c).any(|(i, _)| {
                    let before_ok = ctx
                        .get(..i)
                        .and_then(|s| s.chars().next_back())
                        .is_none_or(|ch| !ch.is_alphanumeric());
                    let after_ok = ctx
                        .get(i + c.len()..)
                        .and_then(|s| s.chars().next())
                        .is_none_or(|ch| !ch.is_alphanumeric());
                    before_ok && after_ok
                })
            });
            if has_cue {
                push(m.start(), m.end(), 0.75, &mut out);
            }
        }
        out
    }
}

impl Recogniser for VehicleRegistrations {
    fn name(&self) -> &'static str {
        NAME
    }

    /// Every vehicle registration in `text`.
    fn find(&self, text: &str, out: &mut Vec<Entity>) {
        let mut found = self.found(text);
        out.append(&mut found);
    }
}

#[cfg(test)]
mod tests {
    use sarx_detect::testing::check;

    use super::*;

    #[test]
    fn table() {
        let r = VehicleRegistrations::new().unwrap();
        let cases: &[&str] = &[
            "a silver Ford, «AB12 CDE», parked",
            "car reg «P123 ABC» outside",
            "his van «ABC 123D» again",
            "Leeds LS8 4HS",
            "ref A123 BCD",
            "ab12 cde",
        ];
        for text in cases {
            check(&r, text);
        }
    }
}
