//! Format detection from magic bytes first, the file name second.

/// A file format sarx knows about (read or deliberately refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text in any charset.
    Text,
    /// Rich Text Format.
    Rtf,
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// HTML.
    Html,
    /// Word 2007+ (also .docm, .dotx).
    Docx,
    /// OpenDocument text.
    Odt,
    /// PowerPoint 2007+.
    Pptx,
    /// OpenDocument presentation.
    Odp,
    /// Excel 2007+ (.xlsx, .xlsm).
    Xlsx,
    /// Excel binary workbook.
    Xlsb,
    /// Excel 97-2003.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// PDF.
    Pdf,
    /// One RFC 5322 message.
    Eml,
    /// A Unix mbox.
    Mbox,
    /// Apple Mail .emlx.
    Emlx,
    /// Outlook .msg / .oft (compound file).
    Msg,
    /// TNEF (winmail.dat).
    Tnef,
    /// Outlook PST / OST.
    Pst,
    /// Zip archive.
    Zip,
    /// Tar archive.
    Tar,
    /// Gzip stream.
    Gzip,
    /// 7-Zip archive.
    SevenZ,
    /// RAR archive.
    Rar,
    /// Word 97-2003 binary.
    LegacyDoc,
    /// PowerPoint 97-2003 binary.
    LegacyPpt,
    /// Outlook for Mac archive.
    Olm,
    /// An image.
    Image,
    /// Audio.
    Audio,
    /// Video.
    Video,
    /// Not recognised.
    Unknown,
}

impl Format {
    /// A short human name used in reasons.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Rtf => "RTF",
            Format::Csv => "CSV",
            Format::Tsv => "TSV",
            Format::Html => "HTML",
            Format::Docx => "DOCX",
            Format::Odt => "ODT",
            Format::Pptx => "PPTX",
            Format::Odp => "ODP",
            Format::Xlsx => "XLSX",
            Format::Xlsb => "XLSB",
            Format::Xls => "XLS",
            Format::Ods => "ODS",
            Format::Pdf => "PDF",
            Format::Eml => "EML",
            Format::Mbox => "mbox",
            Format::Emlx => "EMLX",
            Format::Msg => "MSG",
            Format::Tnef => "TNEF",
            Format::Pst => "PST/OST",
            Format::Zip => "zip",
            Format::Tar => "tar",
            Format::Gzip => "gzip",
            Format::SevenZ => "7z",
            Format::Rar => "RAR",
            Format::LegacyDoc => "Word 97-2003 (.doc)",
            Format::LegacyPpt => "PowerPoint 97-2003 (.ppt)",
            Format::Olm => "Outlook for Mac (.olm)",
            Format::Image => "image",
            Format::Audio => "audio",
            Format::Video => "video",
            Format::Unknown => "unrecognised binary",
        }
    }
}

pub(crate) fn ext_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match base.rsplit_once('.') {
        Some((_, e)) => e.to_ascii_lowercase(),
        None => String::new(),
    }
}

/// True when `needle` occurs in `hay`.
fn has(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

fn starts(bytes: &[u8], magic: &[u8]) -> bool {
    bytes.len() >= magic.len() && &bytes[..magic.len()] == magic
}

/// Guesses the format of `bytes` named `name`.
pub fn sniff(name: &str, bytes: &[u8]) -> Format {
    let ext = ext_of(name);
    if starts(bytes, b"%PDF")
        || (bytes.len() > 8 && ext == "pdf" && has(&bytes[..bytes.len().min(1024)], b"%PDF-"))
    {
        return Format::Pdf;
    }
    if starts(bytes, b"PK\x03\x04") || starts(bytes, b"PK\x05\x06") || starts(bytes, b"PK\x07\x08")
    {
        return sniff_zip(&ext, bytes);
    }
    if starts(bytes, &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext.as_str() {
            "msg" | "oft" => Format::Msg,
            "xls" | "xlt" => Format::Xls,
            "doc" | "dot" => Format::LegacyDoc,
            "ppt" | "pps" | "pot" => Format::LegacyPpt,
            // Encrypted OOXML is a compound file holding `EncryptedPackage`.
            "docx" | "docm" | "dotx" => Format::Docx,
            "xlsx" | "xlsm" => Format::Xlsx,
            "xlsb" => Format::Xlsb,
            "pptx" | "pptm" => Format::Pptx,
            _ => sniff_cfb_by_content(bytes),
        };
    }
    if crate::pst::is_pst(bytes) {
        return Format::Pst;
    }
    if starts(bytes, &[0x78, 0x9F, 0x3E, 0x22]) {
        return Format::Tnef;
    }
    if starts(bytes, &[0x1F, 0x8B]) {
        return Format::Gzip;
    }
    if bytes.len() > 262 && &bytes[257..262] == b"ustar" {
        return Format::Tar;
    }
    if starts(bytes, b"7z\xBC\xAF\x27\x1C") {
        return Format::SevenZ;
    }
    if starts(bytes, b"Rar!\x1A\x07") {
        return Format::Rar;
    }
    if starts(bytes, b"{\\rtf") {
        return Format::Rtf;
    }
    if starts(bytes, b"\x89PNG")
        || starts(bytes, &[0xFF, 0xD8, 0xFF])
        || starts(bytes, b"GIF8")
        || starts(bytes, b"II*\0")
        || starts(bytes, b"MM\0*")
        || starts(bytes, b"BM") && matches!(ext.as_str(), "bmp")
        || (starts(bytes, b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || matches!(
            ext.as_str(),
            "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "tif"
                | "tiff"
                | "bmp"
                | "webp"
                | "heic"
                | "emf"
                | "wmf"
        ) && !looks_textual(bytes)
    {
        return Format::Image;
    }
    if starts(bytes, b"ID3")
        || starts(bytes, b"OggS")
        || starts(bytes, b"fLaC")
        || (starts(bytes, b"RIFF") && bytes.get(8..12) == Some(b"WAVE"))
        || matches!(
            ext.as_str(),
            "mp3" | "wav" | "m4a" | "ogg" | "flac" | "wma" | "amr"
        )
    {
        return Format::Audio;
    }
    if (bytes.len() > 12 && &bytes[4..8] == b"ftyp")
        || (starts(bytes, b"RIFF") && bytes.get(8..12) == Some(b"AVI "))
        || starts(bytes, &[0x1A, 0x45, 0xDF, 0xA3])
        || matches!(ext.as_str(), "mp4" | "mov" | "avi" | "mkv" | "wmv" | "webm")
    {
        return Format::Video;
    }
    if ext == "zip" && has_zip_end_record(bytes) {
        // The last volume of a split zip starts mid-member; its end record
        // says what it is.
        return Format::Zip;
    }
    if !looks_textual(bytes) {
        // Mail with a binary part (Content-Transfer-Encoding: binary) still
        // starts with text headers.
        let head = head_lower(bytes, 2048);
        return match ext.as_str() {
            "eml" if looks_like_message(&head) => Format::Eml,
            "mbox" | "mbx" if head.starts_with("from ") => Format::Mbox,
            "emlx" if head.bytes().next().is_some_and(|b| b.is_ascii_digit()) => Format::Emlx,
            _ => Format::Unknown,
        };
    }
    match ext.as_str() {
        "eml" | "mht" | "mhtml" => return Format::Eml,
        "mbox" | "mbx" => return Format::Mbox,
        "emlx" => return Format::Emlx,
        "csv" => return Format::Csv,
        "tsv" | "tab" => return Format::Tsv,
        "htm" | "html" | "xhtml" => return Format::Html,
        "rtf" => return Format::Rtf,
        _ => {}
    }
    let head = head_lower(bytes, 2048);
    if head.starts_with("from ") && (ext.is_empty() || ext == "txt") {
        return Format::Mbox;
    }
    if looks_like_message(&head) {
        return Format::Eml;
    }
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with("<!doctype html") || trimmed.starts_with("<html") {
        return Format::Html;
    }
    Format::Text
}

fn head_lower(bytes: &[u8], n: usize) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(n)]).to_ascii_lowercase()
}

/// A message starts with header fields, and has From/Date/Subject/Received
/// among its first lines.
fn looks_like_message(head: &str) -> bool {
    let first = head.lines().next().unwrap_or("");
    let first_is_header = first
        .split_once(':')
        .map(|(k, _)| !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or(false);
    if !first_is_header {
        return false;
    }
    let keys = [
        "from:",
        "date:",
        "subject:",
        "received:",
        "message-id:",
        "mime-version:",
        "return-path:",
        "to:",
    ];
    let hits = head
        .lines()
        .take(40)
        .filter(|l| keys.iter().any(|k| l.starts_with(k)))
        .count();
    hits >= 2
}

/// Text if it has no NUL bytes in its head, or a UTF-16 byte-order mark.
fn looks_textual(bytes: &[u8]) -> bool {
    if starts(bytes, &[0xFF, 0xFE]) || starts(bytes, &[0xFE, 0xFF]) {
        return true;
    }
    // `contains` on bytes is a memchr.
    !bytes[..bytes.len().min(8192)].contains(&0)
}

/// An end-of-central-directory record in the last 64 KiB (its comment can
/// be up to 65,535 bytes long).
fn has_zip_end_record(bytes: &[u8]) -> bool {
    has(&bytes[bytes.len().saturating_sub(65_557)..], b"PK\x05\x06")
}

fn sniff_zip(ext: &str, bytes: &[u8]) -> Format {
    // The OPC / ODF markers sit in the first local file names; scanning the
    // head and the central directory for them avoids parsing the archive twice.
    let find = |needle: &[u8]| has(bytes, needle);
    if has(&bytes[..bytes.len().min(4096)], b"mimetype") {
        if find(b"application/vnd.oasis.opendocument.text") {
            return Format::Odt;
        }
        if find(b"application/vnd.oasis.opendocument.spreadsheet") {
            return Format::Ods;
        }
        if find(b"application/vnd.oasis.opendocument.presentation") {
            return Format::Odp;
        }
    }
    match ext {
        "docx" | "docm" | "dotx" | "dotm" => return Format::Docx,
        "xlsx" | "xlsm" | "xltx" | "xltm" => return Format::Xlsx,
        "xlsb" => return Format::Xlsb,
        "pptx" | "pptm" | "ppsx" => return Format::Pptx,
        "odt" | "ott" => return Format::Odt,
        "ods" | "ots" => return Format::Ods,
        "odp" => return Format::Odp,
        "olm" => return Format::Olm,
        _ => {}
    }
    if find(b"word/document.xml") {
        Format::Docx
    } else if find(b"xl/workbook.bin") {
        Format::Xlsb
    } else if find(b"xl/workbook.xml") {
        Format::Xlsx
    } else if find(b"ppt/presentation.xml") {
        Format::Pptx
    } else {
        Format::Zip
    }
}

fn sniff_cfb_by_content(bytes: &[u8]) -> Format {
    // Stream names are UTF-16LE in the directory sectors.
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect::<Vec<u8>>()
    };
    let find = |needle: &[u8]| has(bytes, needle);
    if find(&utf16("__substg1.0_")) {
        Format::Msg
    } else if find(&utf16("Workbook")) || find(&utf16("Book")) {
        Format::Xls
    } else if find(&utf16("WordDocument")) {
        Format::LegacyDoc
    } else if find(&utf16("PowerPoint Document")) {
        Format::LegacyPpt
    } else {
        Format::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_common_formats() {
        assert_eq!(sniff("a.pdf", b"%PDF-1.7\n"), Format::Pdf);
        assert_eq!(sniff("a.txt", b"hello"), Format::Text);
        assert_eq!(sniff("a.csv", b"a,b\n1,2"), Format::Csv);
        assert_eq!(
            sniff("x", b"From: a@b\nTo: c@d\nSubject: hi\n\nbody"),
            Format::Eml
        );
        assert_eq!(
            sniff("x.mbox", b"From a@b Mon Jan 1 00:00:00 2024\nFrom: a@b\n"),
            Format::Mbox
        );
        assert_eq!(sniff("x.bin", &[0, 1, 2, 3]), Format::Unknown);
        assert_eq!(sniff("p.png", b"\x89PNG\r\n\x1a\n\0\0"), Format::Image);
        assert_eq!(sniff("a.html", b"<p>hi</p>"), Format::Html);
        assert_eq!(sniff("a", b"<!DOCTYPE html><html>"), Format::Html);
    }
}
