//! `ToUnicode` CMaps: the tables in a PDF font that map its character codes
//! to Unicode (`codespacerange` for how many bytes a code takes, `bfchar`
//! and `bfrange` for the text). Tokenised and parsed here, bounded in size,
//! so that the page-text walk can decode a font's codes before trying its
//! simple encoding.

use std::collections::HashMap;

/// A parsed `ToUnicode` CMap.
#[derive(Default)]
pub(super) struct ToUnicode {
    /// (code length in bytes, low, high) from `codespacerange`.
    pub spaces: Vec<(u8, u32, u32)>,
    pub map: HashMap<(u8, u32), String>,
}

enum Tok<'a> {
    Hex(Vec<u8>),
    Word(&'a [u8]),
    Open,
    Close,
}

fn cmap_tokens(data: &[u8]) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'<' => {
                let start = i + 1;
                let mut j = start;
                while data.get(j).is_some_and(|c| *c != b'>') {
                    j += 1;
                }
                let hex: Vec<u8> = data
                    .get(start..j)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let mut bytes = Vec::with_capacity(hex.len() / 2 + 1);
                for pair in hex.chunks(2) {
                    let s = std::str::from_utf8(pair).unwrap_or("0");
                    let v = u8::from_str_radix(s, 16).unwrap_or(0);
                    bytes.push(if pair.len() == 1 { v << 4 } else { v });
                }
                out.push(Tok::Hex(bytes));
                i = j + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'%' => {
                while data.get(i).is_some_and(|c| *c != b'\n' && *c != b'\r') {
                    i += 1;
                }
            }
            b'(' => {
                // Literal strings (CMap names) are skipped.
                let mut depth = 0;
                while let Some(&c) = data.get(i) {
                    i += 1;
                    match c {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while data
                    .get(i)
                    .is_some_and(|c| !c.is_ascii_whitespace() && !b"<>[]()%".contains(c))
                {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                out.push(Tok::Word(data.get(start..i).unwrap_or_default()));
            }
        }
    }
    out
}

pub(super) fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |a, b| (a << 8) | u32::from(*b))
}

pub(super) fn utf16be(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

impl ToUnicode {
    pub fn parse(data: &[u8]) -> ToUnicode {
        let toks = cmap_tokens(data);
        let mut cm = ToUnicode::default();
        let mut i = 0;
        let mut mode = 0u8; // 1 codespace, 2 bfchar, 3 bfrange
        const MAX_ENTRIES: usize = 1 << 20;
        while i < toks.len() {
            match &toks[i] {
                Tok::Word(w) => {
                    mode = match *w {
                        b"begincodespacerange" => 1,
                        b"beginbfchar" => 2,
                        b"beginbfrange" => 3,
                        _ => 0,
                    };
                    i += 1;
                }
                Tok::Hex(a) if mode == 1 => {
                    if let Some(Tok::Hex(b)) = toks.get(i + 1) {
                        cm.spaces.push((a.len().clamp(1, 4) as u8, be(a), be(b)));
                    }
                    i += 2;
                }
                Tok::Hex(src) if mode == 2 => {
                    if let Some(Tok::Hex(dst)) = toks.get(i + 1) {
                        cm.map
                            .insert((src.len().clamp(1, 4) as u8, be(src)), utf16be(dst));
                    }
                    i += 2;
                }
                Tok::Hex(lo) if mode == 3 => {
                    let len = lo.len().clamp(1, 4) as u8;
                    let (lo_v, hi_v) = match toks.get(i + 1) {
                        Some(Tok::Hex(hi)) => (be(lo), be(hi)),
                        _ => {
                            i += 1;
                            continue;
                        }
                    };
                    let count = hi_v.saturating_sub(lo_v).min(65_535);
                    match toks.get(i + 2) {
                        Some(Tok::Hex(dst)) => {
                            let mut units: Vec<u16> = dst
                                .chunks(2)
                                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                                .collect();
                            if units.is_empty() {
                                units.push(0);
                            }
                            for k in 0..=count {
                                if cm.map.len() >= MAX_ENTRIES {
                                    break;
                                }
                                let mut u = units.clone();
                                if let Some(last) = u.last_mut() {
                                    *last = last.wrapping_add(k as u16);
                                }
                                cm.map.insert((len, lo_v + k), String::from_utf16_lossy(&u));
                            }
                            i += 3;
                        }
                        Some(Tok::Open) => {
                            let mut j = i + 3;
                            let mut k = 0u32;
                            while let Some(Tok::Hex(dst)) = toks.get(j) {
                                if k <= count && cm.map.len() < MAX_ENTRIES {
                                    cm.map.insert((len, lo_v + k), utf16be(dst));
                                }
                                k += 1;
                                j += 1;
                            }
                            i = j + 1;
                        }
                        _ => i += 2,
                    }
                }
                _ => i += 1,
            }
        }
        cm
    }

    /// Length of the code starting at `bytes`.
    pub fn code_len(&self, bytes: &[u8], default: u8) -> u8 {
        if self.spaces.is_empty() {
            return default;
        }
        for len in 1..=4u8 {
            if let Some(code) = bytes.get(..len as usize) {
                let c = be(code);
                if self
                    .spaces
                    .iter()
                    .any(|(l, lo, hi)| *l == len && c >= *lo && c <= *hi)
                {
                    return len;
                }
            }
        }
        default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_parsing() {
        let cm = ToUnicode::parse(b"1 begincodespacerange <0000> <FFFF> endcodespacerange 2 beginbfchar <0003> <0020> <0011> <00410042> endbfchar 1 beginbfrange <0020> <0022> <0061> endbfrange 1 beginbfrange <0030> <0031> [<0058> <0059>] endbfrange");
        assert_eq!(cm.map.get(&(2, 3)).map(String::as_str), Some(" "));
        assert_eq!(cm.map.get(&(2, 0x11)).map(String::as_str), Some("AB"));
        assert_eq!(cm.map.get(&(2, 0x22)).map(String::as_str), Some("c"));
        assert_eq!(cm.map.get(&(2, 0x31)).map(String::as_str), Some("Y"));
        assert_eq!(cm.code_len(&[0, 3], 1), 2);
    }
}
