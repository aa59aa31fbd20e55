//! Rich Text Format to visible text: a small tokenizer over control words,
//! groups and destinations that keeps what a reader of the document would
//! see (and the document information and annotations), decoding `\'hh` in
//! the declared code page and `\uN` escapes. Used for `.rtf` files, RTF
//! text inside other formats, and Outlook's compressed RTF bodies.

use super::tidy;

/// Visible text of an RTF document: control words and skipped destinations
/// (font and colour tables, stylesheet, pictures, objects, field
/// instructions) removed, `\'hh` decoded in the declared `\ansicpg`, `\uN`
/// decoded. Comments (annotations) and document information are kept, since
/// a recipient could see them.
pub(crate) fn rtf_to_text(rtf: &str) -> String {
    Rtf::new(rtf).run()
}

struct Group {
    skip: bool,
    uc: usize,
    info_field: Option<&'static str>,
}

struct Rtf<'a> {
    src: &'a [u8],
    pos: usize,
    out: String,
    stack: Vec<Group>,
    cur: Group,
    pending: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
    skip_chars: usize,
    info: Vec<(&'static str, String)>,
}

const SKIP_DESTINATIONS: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "listtable",
    "listoverridetable",
    "pict",
    "objdata",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "generator",
    "xmlnstbl",
    "rsidtbl",
    "mmathPr",
    "fldinst",
    "filetbl",
    "revtbl",
    "pgdsctbl",
    "bkmkstart",
    "bkmkend",
    "xe",
    "tc",
    "private",
    "userprops",
    "nonshppict",
    "shpinst",
    "blipuid",
    "atnid",
    "atnref",
    "atndate",
    "template",
    "wgrffmtfilter",
    "operator",
];

impl<'a> Rtf<'a> {
    fn new(src: &'a str) -> Self {
        Rtf {
            src: src.as_bytes(),
            pos: 0,
            out: String::with_capacity(src.len() / 2),
            stack: Vec::new(),
            cur: Group {
                skip: false,
                uc: 1,
                info_field: None,
            },
            pending: Vec::new(),
            encoding: encoding_rs::WINDOWS_1252,
            skip_chars: 0,
            info: Vec::new(),
        }
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let (s, _, _) = self.encoding.decode(&self.pending);
            let s = s.into_owned();
            self.pending.clear();
            self.put_str(&s);
        }
    }

    fn put_str(&mut self, s: &str) {
        if self.cur.skip {
            return;
        }
        if let Some(field) = self.cur.info_field {
            match self.info.iter_mut().find(|(k, _)| *k == field) {
                Some((_, v)) => v.push_str(s),
                None => self.info.push((field, s.to_owned())),
            }
            return;
        }
        self.out.push_str(s);
    }

    fn put(&mut self, c: char) {
        self.flush();
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        self.put_str(c.encode_utf8(&mut [0; 4]));
    }

    fn run(mut self) -> String {
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b'{' => {
                    self.flush();
                    self.pos += 1;
                    let g = Group {
                        skip: self.cur.skip,
                        uc: self.cur.uc,
                        info_field: self.cur.info_field,
                    };
                    self.stack.push(std::mem::replace(&mut self.cur, g));
                    // `{\*\dest ...}`: an optional destination, skipped unless we know it.
                    if self.src.get(self.pos..self.pos + 2) == Some(b"\\*") {
                        self.pos += 2;
                        let word = self.peek_word();
                        if !matches!(word.as_str(), "annotation" | "atnauthor") {
                            self.cur.skip = true;
                        }
                    }
                }
                b'}' => {
                    self.flush();
                    self.pos += 1;
                    if let Some(g) = self.stack.pop() {
                        self.cur = g;
                    }
                    self.skip_chars = 0;
                }
                b'\\' => self.control(),
                b'\r' | b'\n' => self.pos += 1,
                _ => {
                    // Plain text up to the next special character.
                    let start = self.pos;
                    while self
                        .src
                        .get(self.pos)
                        .is_some_and(|c| !matches!(c, b'{' | b'}' | b'\\' | b'\r' | b'\n'))
                    {
                        self.pos += 1;
                    }
                    let chunk = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
                    for c in chunk.chars() {
                        self.put(c);
                    }
                }
            }
        }
        self.flush();
        let mut text = self.out;
        let info: Vec<(&str, String)> = self
            .info
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        if !info.is_empty() {
            text.push_str("\n\n--- Document properties ---\n");
            for (k, v) in info {
                text.push_str(k);
                text.push_str(": ");
                text.push_str(v.trim());
                text.push('\n');
            }
        }
        tidy(&text)
    }

    fn peek_word(&self) -> String {
        let mut p = self.pos;
        if self.src.get(p) == Some(&b'\\') {
            p += 1;
        }
        let start = p;
        while self.src.get(p).is_some_and(u8::is_ascii_alphabetic) {
            p += 1;
        }
        String::from_utf8_lossy(self.src.get(start..p).unwrap_or_default()).into_owned()
    }

    fn control(&mut self) {
        self.pos += 1; // the backslash
        let Some(&c) = self.src.get(self.pos) else {
            return;
        };
        if !c.is_ascii_alphabetic() {
            self.pos += 1;
            match c {
                b'\'' => {
                    let hex = self
                        .src
                        .get(self.pos..self.pos + 2)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok());
                    if let Some(v) = hex {
                        self.pos += 2;
                        if self.skip_chars > 0 {
                            self.skip_chars -= 1;
                        } else if !self.cur.skip {
                            self.pending.push(v);
                        }
                    }
                }
                b'~' => self.put('\u{a0}'),
                b'_' => self.put('-'),
                b'{' | b'}' | b'\\' => self.put(char::from(c)),
                b'\n' | b'\r' => self.put('\n'),
                b'*' => {}
                _ => {}
            }
            return;
        }
        let start = self.pos;
        while self.src.get(self.pos).is_some_and(u8::is_ascii_alphabetic) {
            self.pos += 1;
        }
        let word = String::from_utf8_lossy(&self.src[start..self.pos]).into_owned();
        let nstart = self.pos;
        if self.src.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        while self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        let param: Option<i64> = std::str::from_utf8(&self.src[nstart..self.pos])
            .ok()
            .and_then(|s| s.parse().ok());
        if self.src.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
        if word != "u" {
            // Bytes of one multi-byte character arrive as consecutive \'hh.
            self.flush();
        }
        match word.as_str() {
            "par" | "line" | "sect" | "page" => self.put('\n'),
            "tab" => self.put('\t'),
            "cell" | "nestcell" => self.put('\t'),
            "row" | "nestrow" => {
                if self.out.ends_with('\t') && !self.cur.skip && self.cur.info_field.is_none() {
                    self.out.pop();
                }
                self.put('\n');
            }
            "emdash" => self.put('—'),
            "endash" => self.put('–'),
            "bullet" => self.put('•'),
            "lquote" => self.put('‘'),
            "rquote" => self.put('’'),
            "ldblquote" => self.put('“'),
            "rdblquote" => self.put('”'),
            "emspace" | "enspace" | "qmspace" => self.put(' '),
            "uc" => self.cur.uc = param.unwrap_or(1).clamp(0, 10) as usize,
            "u" => {
                if let Some(n) = param {
                    let n = if n < 0 { n + 65_536 } else { n };
                    let c = u32::try_from(n)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}');
                    self.flush();
                    if !self.cur.skip {
                        self.put_str(c.encode_utf8(&mut [0; 4]));
                    }
                    self.skip_chars = self.cur.uc;
                }
            }
            "ansicpg" => {
                if let Some(enc) = param.and_then(codepage) {
                    self.encoding = enc;
                }
            }
            "bin" => {
                let n = param.unwrap_or(0).max(0) as usize;
                self.pos = self.pos.saturating_add(n).min(self.src.len());
            }
            "info" => {}
            "title" => self.cur.info_field = Some("Title"),
            "subject" => self.cur.info_field = Some("Subject"),
            "author" => self.cur.info_field = Some("Author"),
            "manager" => self.cur.info_field = Some("Manager"),
            "company" => self.cur.info_field = Some("Company"),
            "keywords" => self.cur.info_field = Some("Keywords"),
            "doccomm" => self.cur.info_field = Some("Comments"),
            "atnauthor" => {
                self.cur.info_field = None;
                self.put_str("\n[Comment by ");
            }
            "annotation" => self.put_str(": "),
            "chatn" => {}
            w if SKIP_DESTINATIONS.contains(&w) => self.cur.skip = true,
            _ => {}
        }
    }
}

fn codepage(cp: i64) -> Option<&'static encoding_rs::Encoding> {
    let label = match cp {
        437 | 850 | 1252 => "windows-1252",
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return encoding_rs::Encoding::for_label(format!("windows-{cp}").as_bytes()),
        10000 => "macintosh",
        65001 => "utf-8",
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtf_visible_text() {
        let rtf = r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}{\colortbl;\red0\green0\blue0;}{\*\generator Foo;}{\info{\author Sam Officer}{\title Case}}\pard Caf\'e9 in Leeds\par Tab\tab here \u8364?5\par{\*\fldinst HYPERLINK x}{\fldrslt link text}\par{\pict abcdef}\cell A\cell B\cell\row}";
        let t = rtf_to_text(rtf);
        assert!(t.contains("Café in Leeds"), "{t}");
        assert!(t.contains("Tab\there €5"), "{t:?}");
        assert!(t.contains("link text"));
        assert!(!t.contains("HYPERLINK"));
        assert!(!t.contains("Arial"));
        assert!(!t.contains("abcdef"));
        assert!(!t.contains("Foo"));
        assert!(
            t.contains("A\tB\n") || t.ends_with("A\tB") || t.contains("A\tB"),
            "{t:?}"
        );
        assert!(t.contains("Author: Sam Officer"), "{t}");
    }

    #[test]
    fn rtf_shift_jis_bytes() {
        // "日本" in Shift_JIS.
        let t = rtf_to_text(r"{\rtf1\ansi\ansicpg932 \'93\'fa\'96\'7b\par}");
        assert_eq!(t, "日本");
    }
}
