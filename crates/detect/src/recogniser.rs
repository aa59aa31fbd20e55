//! The one recogniser seam: a [`Recogniser`] reports [`Entity`] items.
//!
//! Subject discovery's identifiers (`crate::Recognisers`) and redaction's
//! third-party recognisers (`sarx-redact`: names, street addresses, bank
//! details, vehicles, special-category context) implement the same trait
//! and report the same type, with one kind enum ([`EntityKind`]).

use sarx_model::Span;
use serde::{Deserialize, Serialize};

use crate::EntityKind;

/// One thing a recogniser found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Where it is: a byte range into the text that was searched (on
    /// character boundaries).
    pub span: Span,
    /// The canonical form used to recognise the same thing elsewhere:
    /// e-mail lowercased, phone in E.164, NI number and postcode uppercase
    /// without spaces, NHS number as 10 digits, date as `YYYY-MM-DD`,
    /// reference uppercase, a name folded to lowercase with single spaces
    /// and no title.
    pub normalised: String,
    /// How sure the recogniser is that this is the kind it says (0.0–1.0).
    pub confidence: f32,
    /// Which recogniser found it (`email`, `uk_phone`, `person_name`, …).
    pub recogniser: &'static str,
}

/// Something that finds things in a text. Built once (patterns
/// compiled), immutable and shared across threads.
pub trait Recogniser: Send + Sync {
    /// Its name, as in [`Entity::recogniser`] (a combined engine names
    /// itself; each of its findings names the pattern that found it).
    fn name(&self) -> &'static str;

    /// Appends what it finds in `text` to `out`, in its own order.
    fn find(&self, text: &str, out: &mut Vec<Entity>);

    /// What it finds in `text`, as a new vector.
    fn find_all(&self, text: &str) -> Vec<Entity> {
        let mut out = Vec::new();
        self.find(text, &mut out);
        out
    }
}
