//! Member names as an archive stores them, made readable and safe: the
//! legacy charset of non-UTF-8 names guessed per archive (CP437 or an East
//! Asian code page for zip, Windows-1252 for tar), and the path reduced to
//! a safe relative form with a flag when it tried to climb out.

/// The legacy charset of the non-UTF-8 names in one archive, when it is a
/// multi-byte East Asian one `chardetng` recognises (Shift_JIS, GBK, Big5,
/// EUC-KR ...); `None` means "use the format's default" (CP437 for zip,
/// Windows-1252 for tar).
pub(super) fn guess_legacy_charset<'n>(
    names: impl Iterator<Item = &'n [u8]>,
) -> Option<&'static encoding_rs::Encoding> {
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let mut any = false;
    for name in names.filter(|n| std::str::from_utf8(n).is_err()) {
        det.feed(name, false);
        det.feed(b" ", false);
        any = true;
    }
    if !any {
        return None;
    }
    det.feed(b"", true);
    let enc = det.guess(None, chardetng::Utf8Detection::Deny);
    let cjk = [
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::GBK,
        encoding_rs::GB18030,
        encoding_rs::BIG5,
        encoding_rs::EUC_KR,
    ];
    cjk.contains(&enc).then_some(enc)
}

/// A member name as text: UTF-8 when it is valid UTF-8, else the archive's
/// guessed East Asian charset, else CP437 for zip (the format's default, and
/// what Windows' own zip tool writes in the West) or Windows-1252 for tar.
pub(super) fn decode_name(
    raw: &[u8],
    legacy: Option<&'static encoding_rs::Encoding>,
    zip: bool,
) -> String {
    if let Ok(s) = std::str::from_utf8(raw) {
        return s.to_owned();
    }
    match legacy {
        Some(enc) => enc.decode_without_bom_handling(raw).0.into_owned(),
        None if zip => raw.iter().map(|&b| cp437(b)).collect(),
        None => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

/// One CP437 byte as a char.
pub(super) fn cp437(b: u8) -> char {
    const HIGH: [char; 128] = [
        'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', 'É', 'æ',
        'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', 'á', 'í', 'ó', 'ú',
        'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', '░', '▒', '▓', '│', '┤', '╡',
        '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', '└', '┴', '┬', '├', '─', '┼', '╞', '╟',
        '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘',
        '┌', '█', '▄', '▌', '▐', '▀', 'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ',
        '∞', 'φ', 'ε', '∩', '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²',
        '■', '\u{a0}',
    ];
    if b < 0x80 {
        char::from(b)
    } else {
        HIGH.get(usize::from(b - 0x80))
            .copied()
            .unwrap_or('\u{FFFD}')
    }
}

/// A member path in a safe display form, and whether the written name tried
/// to leave the archive root (`..` above the root, an absolute path, a
/// drive letter). Backslashes count as separators; `a/../b` is `b`; `.` and
/// empty components are dropped; control characters become `_`.
pub(crate) fn safe_path(name: &str) -> (String, bool) {
    let unified = name.replace('\\', "/");
    let mut traversal = unified.starts_with('/');
    let mut parts: Vec<String> = Vec::new();
    for (i, comp) in unified.split('/').enumerate() {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    traversal = true;
                }
            }
            c if i == 0
                && c.len() == 2
                && c.ends_with(':')
                && c.starts_with(|ch: char| ch.is_ascii_alphabetic()) =>
            {
                traversal = true;
            }
            c => parts.push(
                c.chars()
                    .map(|ch| if ch.is_control() { '_' } else { ch })
                    .collect(),
            ),
        }
    }
    let path = if parts.is_empty() {
        "unnamed".to_owned()
    } else {
        parts.join("/")
    };
    (path, traversal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert_eq!(safe_path("../../etc/passwd"), ("etc/passwd".into(), true));
        assert_eq!(safe_path("/abs/x"), ("abs/x".into(), true));
        assert_eq!(
            safe_path("dir\\sub\\f.txt"),
            ("dir/sub/f.txt".into(), false)
        );
        assert_eq!(safe_path("./a//b"), ("a/b".into(), false));
        assert_eq!(safe_path("root/../../x"), ("x".into(), true));
        assert_eq!(safe_path("a/../b"), ("b".into(), false));
        assert_eq!(safe_path(".."), ("unnamed".into(), true));
        assert_eq!(safe_path("a\u{0}b"), ("a_b".into(), false));
    }
}
