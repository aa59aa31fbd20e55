//! Small text helpers shared by the recognisers: folding and boundaries.

pub use sarx_model::vocab::fold;

/// The character ending just before byte `at` of `text`, if any.
pub fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

/// The character starting at byte `at` of `text`, if any.
pub fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|s| s.chars().next())
}

/// True when the match `[start, end)` is not glued to letters or digits on
/// either side (so `AB123456C` inside `XAB123456C9` is not a match).
pub fn alnum_bounded(text: &str, start: usize, end: usize) -> bool {
    !char_before(text, start).is_some_and(char::is_alphanumeric)
        && !char_at(text, end).is_some_and(char::is_alphanumeric)
}

/// True when the match `[start, end)` is not glued to digits on either side
/// (used for numbers written with separators, like phone numbers).
pub fn digit_bounded(text: &str, start: usize, end: usize) -> bool {
    !char_before(text, start).is_some_and(|c| c.is_ascii_digit())
        && !char_at(text, end).is_some_and(|c| c.is_ascii_digit())
}

/// Offset of the first ASCII digit of `b`: 32 bytes at a time, for text
/// that has few digits.
pub(crate) fn next_digit(b: &[u8]) -> Option<usize> {
    let mut offset = 0;
    for chunk in b.chunks(32) {
        // No early exit inside a chunk, so this compiles to vector code.
        let any = chunk
            .iter()
            .fold(false, |acc, &x| acc | (x.wrapping_sub(b'0') < 10));
        if any {
            return chunk
                .iter()
                .position(u8::is_ascii_digit)
                .map(|p| offset + p);
        }
        offset += chunk.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn next_digit_is_the_first_digit(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            proptest::prop_assert_eq!(next_digit(&b), b.iter().position(u8::is_ascii_digit));
        }
    }

    #[test]
    fn boundaries() {
        assert!(alnum_bounded("x AB1 y", 2, 5));
        assert!(!alnum_bounded("xAB1 y", 1, 4));
        assert!(digit_bounded("tel:0770", 4, 8));
        assert!(!digit_bounded("10770", 1, 5));
    }
}
