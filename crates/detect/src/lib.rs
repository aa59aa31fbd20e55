//! Subject discovery: profiles, identifier recognisers and normalisers, and
//! the subject matcher (being built).
#![deny(missing_docs)]

/// Normalised identifier keys found in `text`, for the index's identifier
/// field. The same normalisation applied to a subject profile yields the
/// query terms, so `07700 900461`, `+44 7700 900461` and `(07700) 900 461`
/// all meet at one key.
///
/// Key forms (stable contract with `sarx-index`):
/// `email:<lowercase address>`, `phone:<E.164>`, `nino:<AB123456C>`,
/// `nhs:<10 digits>`, `postcode:<SW1A1AA>`, `date:<YYYY-MM-DD>`,
/// `ref:<UPPERCASE TOKEN>` (tokens mixing letters and digits).
pub fn index_keys(text: &str) -> Vec<String> {
    // Interim implementation: e-mail addresses and reference-like tokens.
    // The full recogniser set replaces this.
    let mut keys = Vec::new();
    for tok in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '(' | ')' | '"' | '\'')) {
        let tok = tok.trim_matches(|c: char| matches!(c, '.' | ':' | '[' | ']'));
        if tok.contains('@') && tok.contains('.') {
            keys.push(format!("email:{}", tok.to_lowercase()));
        } else if tok.len() >= 5
            && tok.chars().any(|c| c.is_ascii_digit())
            && tok.chars().any(|c| c.is_ascii_alphabetic())
            && tok.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        {
            keys.push(format!("ref:{}", tok.to_uppercase()));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}
