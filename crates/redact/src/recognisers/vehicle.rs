//! UK vehicle registration marks.
//!
//! - Current format (2001–): two letters, two digits, space, three letters:
//!   `AB12 CDE`. Distinctive enough to stand alone (upper case only).
//! - Prefix (1983–2001) `A123 BCD`, suffix (1963–1983) `ABC 123D` and
//!   dateless `ABC 123` formats collide with references and postcodes, so
//!   they need a context word within 40 bytes before: `reg`, `registration`,
//!   `vehicle`, `car`, `van`, `number plate`, `VRM`, `parked`, `driving`.
//!
//! **True:** `a silver Ford, AB12 CDE`; `car reg P123 ABC`.
//! **False:** `LS8 4HS` (a postcode); `ref A123 BCD` without a vehicle word;
//! `ab12 cde` (lower case).

use regex::Regex;
use sarx_model::Span;

use super::{before_window, word_bounded, Finding, FindingKind};

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

    /// Every vehicle registration in `text`.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let push = |s: usize, e: usize, conf: f32, out: &mut Vec<Finding>| {
            let norm: String = text
                .get(s..e)
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            out.push(Finding {
                kind: FindingKind::VehicleRegistration,
                span: Span::new(s, e),
                normalised: norm,
                confidence: conf,
                recogniser: "vehicle_registration",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let r = VehicleRegistrations::new().unwrap();
        let cases: &[(&str, &[&str])] = &[
            ("a silver Ford, AB12 CDE, parked", &["AB12 CDE"]),
            ("car reg P123 ABC outside", &["P123 ABC"]),
            ("his van ABC 123D again", &["ABC 123D"]),
            ("Leeds LS8 4HS", &[]),
            ("ref A123 BCD", &[]),
            ("ab12 cde", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<&str> = r
                .find(text)
                .iter()
                .map(|f| &text[f.span.start..f.span.end])
                .collect();
            assert_eq!(&got, want, "{text}");
        }
    }
}
