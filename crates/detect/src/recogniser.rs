//! The one recogniser seam: a [`Recogniser`] reports [`Found`] items.
//!
//! Subject discovery's identifiers (`crate::Recognisers`, whose kind is
//! [`crate::EntityKind`]) and redaction's third-party recognisers
//! (`sarx-redact`, whose kind is its `FindingKind`) implement the same
//! trait and report the same type; only the kind enum differs
//! ([`crate::Entity`] is `Found<EntityKind>`).

use sarx_model::Span;
use serde::{Deserialize, Serialize};

/// One thing a recogniser found in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found<K> {
    /// What it is.
    pub kind: K,
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

/// Something that finds things of one family of kinds in a text. Built
/// once (patterns compiled), immutable and shared across threads.
pub trait Recogniser: Send + Sync {
    /// The kind enum of what it finds.
    type Kind;

    /// Its name, as in [`Found::recogniser`] (a combined engine names
    /// itself; each of its findings names the pattern that found it).
    fn name(&self) -> &'static str;

    /// Appends what it finds in `text` to `out`, in its own order.
    fn find(&self, text: &str, out: &mut Vec<Found<Self::Kind>>);

    /// What it finds in `text`, as a new vector.
    fn find_all(&self, text: &str) -> Vec<Found<Self::Kind>> {
        let mut out = Vec::new();
        self.find(text, &mut out);
        out
    }
}
