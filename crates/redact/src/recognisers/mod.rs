//! Recognisers for what redaction alone needs, one per file.
//!
//! Identifiers shared with subject discovery (e-mail, UK phone, NI, NHS,
//! postcode, dates) come from `sarx-detect`'s recognisers; these add person
//! names, street addresses, bank details, vehicle registrations, non-UK phone
//! numbers and special-category context. Each is built once (patterns and
//! dictionaries compiled), is `Send + Sync`, and implements
//! [`sarx_detect::Recogniser`], the seam `sarx-detect`'s identifiers use.

pub mod address;
pub mod bank;
pub mod person_name;
pub mod phone_any;
pub mod special_category;
pub mod vehicle;

pub(crate) use sarx_detect::{Entity, EntityKind};

/// True when `[start, end)` is not glued to a letter or digit on either
/// side: `sarx-detect`'s boundary rule.
pub(crate) use sarx_detect::alnum_bounded as word_bounded;

/// Lowercased text within `window` bytes before `at` (char-boundary safe).
pub(crate) fn before_window(text: &str, at: usize, window: usize) -> &str {
    let mut s = at.saturating_sub(window);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    text.get(s..at).unwrap_or("")
}

/// Text within `window` bytes after `at` (char-boundary safe).
pub(crate) fn after_window(text: &str, at: usize, window: usize) -> &str {
    let mut e = (at + window).min(text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    text.get(at..e).unwrap_or("")
}
