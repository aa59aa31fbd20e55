//! The text analyzer of the `text`, `title` and `parties` fields.
//!
//! Words are runs of alphanumeric characters; they are lowercased and folded
//! to ASCII (`Zoë` → `zoe`, `Straße` → `strasse`).
//!
//! **Apostrophes and hyphens.** A word written with an apostrophe or a
//! hyphen between letters or digits (`O'Neill`, `O’Neill`, `Smith-Jones`,
//! `07700-900461`) is indexed three ways at once: its parts at consecutive
//! positions (`o` `neill`) **and** the parts joined (`oneill`) at the
//! position of the first part. So the document `O'Neill` is found by the
//! phrases `o'neill`, `o neill` and `oneill`, and `Smith-Jones` by
//! `smith jones`, `smithjones` and `jones`.
//!
//! A query phrase is turned into (at most) two phrase queries by
//! [`query_variants`]: one with the parts (matches documents that wrote
//! `O'Neill` or `O Neill`) and one with the joined forms (matches documents
//! that wrote `ONeill`). En and em dashes are separators, not joiners
//! (`Leeds – Bradford` is two words).

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The name under which the analyzer is registered on every shard.
pub(crate) const TEXT_ANALYZER: &str = "sarx_text";

/// Longest token kept (bytes); longer runs are blobs, not words.
const MAX_TOKEN_LEN: usize = 64;

/// At most this many parts are joined into one token.
const MAX_JOIN_PARTS: usize = 6;

fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BC}'
            | '\u{2032}'
            | '`'
            | '-'
            | '\u{2010}'
            | '\u{2011}'
    )
}

/// The analyzer: [`JoiningTokenizer`], which also drops tokens of
/// [`MAX_TOKEN_LEN`] bytes or more, lowercases and folds to ASCII — what
/// tantivy's `RemoveLongFilter`, `LowerCaser` and `AsciiFoldingFilter` do, in
/// the tokenizer's own pass (property-tested against that chain below).
pub(crate) fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(JoiningTokenizer::default())
}

/// Splits on non-alphanumeric characters and adds joined forms of
/// apostrophe/hyphen compounds (`position_length` = number of parts > 1);
/// drops tokens of [`MAX_TOKEN_LEN`] bytes or more (positions still count
/// them); lowercases and folds to ASCII.
#[derive(Clone, Default)]
pub(crate) struct JoiningTokenizer {
    tokens: Tokens,
}

/// Lowercases and folds `text` to ASCII in place: what tantivy's
/// `LowerCaser` then `AsciiFoldingFilter` make of a token. ASCII text (most
/// tokens) is lowercased directly; other text goes through those filters.
fn normalise(text: &mut String, folder: &mut Option<TextAnalyzer>) {
    if text.is_ascii() {
        text.make_ascii_lowercase();
        return;
    }
    let folder = folder.get_or_insert_with(|| {
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    });
    let mut stream = folder.token_stream(text);
    if stream.advance() {
        let folded = std::mem::take(&mut stream.token_mut().text);
        drop(stream);
        *text = folded;
    }
}

/// What a word needs to become a term.
#[derive(Clone, Copy)]
enum Case {
    /// ASCII lowercase letters and digits: nothing.
    AsIs,
    /// ASCII with an uppercase letter: lowercasing.
    Lower,
    /// Not only ASCII: lowercasing and folding ([`normalise`]).
    Fold,
}

/// A reusable token buffer: the first `len` tokens are the current
/// stream; the rest keep their string buffers for the next text, so that
/// indexing a million small records does not allocate a string per token.
#[derive(Clone, Default)]
pub(crate) struct Tokens {
    buf: Vec<Token>,
    len: usize,
    scratch: Token,
    /// Lowercase + ASCII folding for non-ASCII tokens, made on first use.
    folder: Option<TextAnalyzer>,
    /// The parts of the compound being read (reused).
    parts: Vec<(usize, usize)>,
}

impl Tokens {
    fn clear(&mut self) {
        self.len = 0;
    }

    fn len(&self) -> usize {
        self.len
    }

    fn get(&self, i: usize) -> Option<&Token> {
        self.buf.get(..self.len).and_then(|b| b.get(i))
    }

    /// Appends the word `text[start..end]`, lowercased and folded as
    /// `case` says; nothing when it has [`MAX_TOKEN_LEN`] bytes or more.
    fn push_word(&mut self, text: &str, start: usize, end: usize, case: Case, position: usize) {
        if end - start >= MAX_TOKEN_LEN {
            return;
        }
        let Some(word) = text.get(start..end) else {
            return;
        };
        let Some(t) = next_slot(&mut self.buf, &mut self.len) else {
            return;
        };
        t.text.clear();
        t.text.push_str(word);
        t.offset_from = start;
        t.offset_to = end;
        t.position = position;
        t.position_length = 1;
        match case {
            Case::AsIs => {}
            Case::Lower => t.text.make_ascii_lowercase(),
            Case::Fold => normalise(&mut t.text, &mut self.folder),
        }
    }

    /// Appends a token whose text is the concatenation of `parts` of
    /// `text`, lowercased and folded; nothing when the parts come to
    /// [`MAX_TOKEN_LEN`] bytes or more.
    fn push(&mut self, text: &str, parts: &[(usize, usize)], position: usize) {
        if parts.iter().map(|&(s, e)| e - s).sum::<usize>() >= MAX_TOKEN_LEN {
            return;
        }
        let Some(t) = next_slot(&mut self.buf, &mut self.len) else {
            return;
        };
        t.text.clear();
        for &(s, e) in parts {
            t.text.push_str(text.get(s..e).unwrap_or_default());
        }
        t.offset_from = parts.first().map_or(0, |p| p.0);
        t.offset_to = parts.last().map_or(0, |p| p.1);
        t.position = position;
        t.position_length = parts.len().max(1);
        normalise(&mut t.text, &mut self.folder);
    }
}

/// The next free token of a buffer whose first `len` tokens are in use
/// (made when the buffer is full), counted in.
fn next_slot<'a>(buf: &'a mut Vec<Token>, len: &mut usize) -> Option<&'a mut Token> {
    if *len == buf.len() {
        buf.push(Token::default());
    }
    let t = buf.get_mut(*len)?;
    *len += 1;
    Some(t)
}

impl Tokenizer for JoiningTokenizer {
    type TokenStream<'a> = OwnedTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        tokenize_into(text, &mut self.tokens);
        OwnedTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// A token stream over the tokenizer's reusable buffer.
pub(crate) struct OwnedTokenStream<'a> {
    tokens: &'a mut Tokens,
    next: usize,
}

impl TokenStream for OwnedTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }
    fn token(&self) -> &Token {
        let i = self.next.saturating_sub(1);
        match self.tokens.get(i) {
            Some(t) => t,
            None => &EMPTY_TOKEN,
        }
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.saturating_sub(1);
        if self.tokens.len == 0 {
            self.tokens.push("", &[], 0);
        }
        let i = i.min(self.tokens.len - 1);
        match self.tokens.buf.get_mut(i) {
            Some(t) => t,
            // Unreachable: `i < len <= buf.len()`.
            None => &mut self.tokens.scratch,
        }
    }
}

static EMPTY_TOKEN: Token = Token {
    offset_from: 0,
    offset_to: 0,
    position: 0,
    text: String::new(),
    position_length: 1,
};

/// The character at byte `i` of `text` and its length in bytes (ASCII
/// without decoding).
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => Some((b as char, 1)),
        Some(_) => text
            .get(i..)
            .and_then(|t| t.chars().next())
            .map(|c| (c, c.len_utf8())),
        None => None,
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// [`CLASS`] of an ASCII lowercase letter or digit.
const LOWER: u8 = 1;
/// [`CLASS`] of an ASCII uppercase letter.
const UPPER: u8 = 2;
/// [`CLASS`] of a byte of a non-ASCII character.
const NON_ASCII: u8 = 4;
/// [`CLASS`]es of the ASCII word bytes.
const WORD: u8 = LOWER | UPPER;

/// The class of each byte: [`LOWER`], [`UPPER`], [`NON_ASCII`], or 0 for
/// the ASCII bytes that are not letters or digits (separators).
static CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if !c.is_ascii() {
            NON_ASCII
        } else if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_alphanumeric() {
            LOWER
        } else {
            0
        };
        b += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> u8 {
    CLASS[usize::from(b)]
}

/// Words and joined compounds of `text`. Bytes are classified by a table
/// ([`CLASS`]), ASCII ones without decoding; other characters are decoded.
/// A word that is not part of a compound (most words) goes to
/// [`Tokens::push_word`] without a list of parts.
fn tokenize_into(text: &str, out: &mut Tokens) {
    let bytes = text.as_bytes();
    let mut parts = std::mem::take(&mut out.parts);
    let mut position = 0usize;
    let mut i = 0usize;
    'text: loop {
        // Skip to the next word character.
        loop {
            let Some(&b) = bytes.get(i) else {
                break 'text;
            };
            match class(b) {
                0 => i += 1,
                NON_ASCII => match char_at(text, i) {
                    Some((c, _)) if c.is_alphanumeric() => break,
                    Some((_, w)) => i += w,
                    None => break 'text,
                },
                _ => break,
            }
        }
        // A word, or a compound of words joined by apostrophes or hyphens.
        parts.clear();
        // The classes of the word's bytes, or-ed: is there an uppercase
        // letter to lowercase, or a non-ASCII character to fold?
        let mut classes = 0;
        let mut start = i;
        loop {
            let mut end = start;
            while let Some(&b) = bytes.get(end) {
                let c = class(b);
                if c & WORD != 0 {
                    classes |= c;
                    end += 1;
                    continue;
                }
                match char_at(text, end) {
                    Some((ch, w)) if c == NON_ASCII && ch.is_alphanumeric() => {
                        classes |= NON_ASCII;
                        end += w;
                    }
                    _ => break,
                }
            }
            if let Some((c, w)) = char_at(text, end) {
                if is_joiner(c) && char_at(text, end + w).is_some_and(|(n, _)| is_word_char(n)) {
                    parts.push((start, end));
                    start = end + w;
                    continue;
                }
            }
            if parts.is_empty() {
                let case = if classes & NON_ASCII != 0 {
                    Case::Fold
                } else if classes & UPPER != 0 {
                    Case::Lower
                } else {
                    Case::AsIs
                };
                out.push_word(text, start, end, case, position);
                position += 1;
            } else {
                parts.push((start, end));
                let first_pos = position;
                for part in &parts {
                    out.push(text, std::slice::from_ref(part), position);
                    position += 1;
                }
                if parts.len() <= MAX_JOIN_PARTS {
                    out.push(text, &parts, first_pos);
                }
            }
            // The character at `end` is not a word character.
            i = end;
            break;
        }
    }
    out.parts = parts;
}

/// One term of a query phrase and its offset in the phrase.
pub(crate) type PhraseTerms = Vec<(usize, String)>;

/// The phrase variants to search for `phrase` (see the module doc): the
/// parts form, and — when the phrase has apostrophe/hyphen compounds — the
/// joined form with contiguous positions. Each variant is a list of
/// (offset, analyzed term). Empty when the phrase has no word.
pub(crate) fn query_variants(analyzer: &mut TextAnalyzer, phrase: &str) -> Vec<PhraseTerms> {
    let mut toks: Vec<(usize, String, usize)> = Vec::new();
    let mut stream = analyzer.token_stream(phrase);
    while stream.advance() {
        let t = stream.token();
        toks.push((t.position, t.text.clone(), t.position_length));
    }
    let parts: PhraseTerms = toks
        .iter()
        .filter(|t| t.2 <= 1)
        .map(|t| (t.0, t.1.clone()))
        .collect();
    let has_joined = toks.iter().any(|t| t.2 > 1);
    let mut out = Vec::new();
    if !parts.is_empty() {
        out.push(renumber(parts));
    }
    if has_joined {
        // Walk the parts; where a joined token starts, take it and skip
        // its parts.
        let mut joined: PhraseTerms = Vec::new();
        let mut skip_until = 0usize;
        let mut by_pos: Vec<&(usize, String, usize)> = toks.iter().collect();
        by_pos.sort_by_key(|t| (t.0, std::cmp::Reverse(t.2)));
        for t in by_pos {
            if t.0 < skip_until {
                continue;
            }
            joined.push((t.0, t.1.clone()));
            skip_until = t.0 + t.2.max(1);
        }
        let joined = renumber(joined);
        if !out.contains(&joined) {
            out.push(joined);
        }
    }
    out
}

fn renumber(terms: PhraseTerms) -> PhraseTerms {
    terms
        .into_iter()
        .enumerate()
        .map(|(i, (_, t))| (i, t))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyze(text: &str) -> Vec<(usize, String)> {
        let mut a = text_analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().position, s.token().text.clone()));
        }
        out
    }

    fn variants(p: &str) -> Vec<Vec<String>> {
        let mut a = text_analyzer();
        query_variants(&mut a, p)
            .into_iter()
            .map(|v| v.into_iter().map(|(_, t)| t).collect())
            .collect()
    }

    #[test]
    fn folds_and_lowercases() {
        assert_eq!(
            analyze("Zoë STRAßE café"),
            vec![(0, "zoe".into()), (1, "strasse".into()), (2, "cafe".into())]
        );
    }

    #[test]
    fn apostrophes_and_hyphens_give_parts_and_joined() {
        assert_eq!(
            analyze("Mrs O\u{2019}Neill-Smith called"),
            vec![
                (0, "mrs".into()),
                (1, "o".into()),
                (2, "neill".into()),
                (3, "smith".into()),
                (1, "oneillsmith".into()),
                (4, "called".into()),
            ]
        );
        // A hyphen between spaces, or an en dash, separates.
        assert_eq!(analyze("a - b").len(), 2);
        assert_eq!(analyze("Leeds\u{2013}Bradford").len(), 2);
        // Trailing apostrophe.
        assert_eq!(
            analyze("tenants' rights"),
            vec![(0, "tenants".into()), (1, "rights".into())]
        );
    }

    #[test]
    fn query_variants_cover_both_spellings() {
        assert_eq!(
            variants("Margaret O'Neill"),
            vec![vec!["margaret", "o", "neill"], vec!["margaret", "oneill"]]
        );
        assert_eq!(variants("oneill"), vec![vec!["oneill"]]);
        assert_eq!(variants("Zoë Smith"), vec![vec!["zoe", "smith"]]);
        assert!(variants(" -- ").is_empty());
    }

    /// The tokenizer as it was before lowercasing, folding and the length
    /// limit moved into it: `char_indices`, then tantivy's filters.
    #[derive(Clone, Default)]
    struct Reference {
        tokens: Vec<Token>,
    }

    struct RefStream<'a> {
        tokens: &'a mut [Token],
        next: usize,
    }

    impl TokenStream for RefStream<'_> {
        fn advance(&mut self) -> bool {
            self.next += 1;
            self.next <= self.tokens.len()
        }
        fn token(&self) -> &Token {
            &self.tokens[self.next - 1]
        }
        fn token_mut(&mut self) -> &mut Token {
            &mut self.tokens[self.next - 1]
        }
    }

    impl Tokenizer for Reference {
        type TokenStream<'a> = RefStream<'a>;
        fn token_stream<'a>(&'a mut self, text: &'a str) -> RefStream<'a> {
            self.tokens.clear();
            let mut position = 0usize;
            let mut parts: Vec<(usize, usize)> = Vec::new();
            let mut word_start: Option<usize> = None;
            let mut chars = text.char_indices().peekable();
            let mut flush = |parts: &mut Vec<(usize, usize)>, out: &mut Vec<Token>| {
                if parts.is_empty() {
                    return;
                }
                let first_pos = position;
                let tok = |ps: &[(usize, usize)], position: usize| Token {
                    offset_from: ps[0].0,
                    offset_to: ps[ps.len() - 1].1,
                    position,
                    text: ps.iter().map(|&(s, e)| &text[s..e]).collect(),
                    position_length: ps.len(),
                };
                for part in parts.iter() {
                    out.push(tok(std::slice::from_ref(part), position));
                    position += 1;
                }
                if parts.len() > 1 && parts.len() <= MAX_JOIN_PARTS {
                    out.push(tok(parts, first_pos));
                }
                parts.clear();
            };
            while let Some((i, c)) = chars.next() {
                if c.is_alphanumeric() {
                    word_start.get_or_insert(i);
                    continue;
                }
                if let Some(s) = word_start.take() {
                    parts.push((s, i));
                    let next_is_word = chars.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
                    if is_joiner(c) && next_is_word {
                        continue;
                    }
                }
                flush(&mut parts, &mut self.tokens);
            }
            if let Some(s) = word_start.take() {
                parts.push((s, text.len()));
            }
            flush(&mut parts, &mut self.tokens);
            RefStream {
                tokens: &mut self.tokens,
                next: 0,
            }
        }
    }

    fn all_tokens(a: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().clone());
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fused_analyzer_equals_tantivy_filter_chain(
            text in "([a-zA-Z0-9 '\\-’‐.,]|[ÀÉÎÕÜßæØœﬁİẞΣσ日本ǅ\u{300}\u{2013}]|[A-Z]{60,70}|\\PC){0,40}",
        ) {
            let mut reference = TextAnalyzer::builder(Reference::default())
                .filter(tantivy::tokenizer::RemoveLongFilter::limit(MAX_TOKEN_LEN))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build();
            let mut fused = text_analyzer();
            proptest::prop_assert_eq!(all_tokens(&mut fused, &text), all_tokens(&mut reference, &text));
        }
    }
}
