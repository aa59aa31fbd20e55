//! The MAPI item model that MSG, TNEF and PST readers fill: property tags
//! and values, the property bag with its code page, recipients,
//! attachments and the item itself, plus the text decoding (8-bit code
//! pages, UTF-16LE, FILETIME) every reader needs. Kept apart from the
//! readers so that the three formats share one notion of an item.

use std::collections::BTreeMap;

use sarx_model::Kind;

use crate::Failure;

/// MAPI property ids used here.
pub(crate) mod tag {
    pub const MESSAGE_CLASS: u16 = 0x001A;
    pub const SUBJECT: u16 = 0x0037;
    pub const CLIENT_SUBMIT_TIME: u16 = 0x0039;
    pub const SENT_REPRESENTING_NAME: u16 = 0x0042;
    pub const SENT_REPRESENTING_EMAIL: u16 = 0x0065;
    pub const START_DATE: u16 = 0x0060;
    pub const END_DATE: u16 = 0x0061;
    pub const CONVERSATION_INDEX: u16 = 0x0071;
    pub const SENDER_NAME: u16 = 0x0C1A;
    pub const SENDER_EMAIL: u16 = 0x0C1F;
    pub const RECIPIENT_TYPE: u16 = 0x0C15;
    pub const DISPLAY_BCC: u16 = 0x0E02;
    pub const DISPLAY_CC: u16 = 0x0E03;
    pub const DISPLAY_TO: u16 = 0x0E04;
    pub const DELIVERY_TIME: u16 = 0x0E06;
    pub const MESSAGE_SIZE: u16 = 0x0E08;
    pub const BODY: u16 = 0x1000;
    pub const RTF_COMPRESSED: u16 = 0x1009;
    pub const BODY_HTML: u16 = 0x1013;
    pub const INTERNET_MESSAGE_ID: u16 = 0x1035;
    pub const INTERNET_REFERENCES: u16 = 0x1039;
    pub const IN_REPLY_TO: u16 = 0x1042;
    pub const DISPLAY_NAME: u16 = 0x3001;
    pub const EMAIL_ADDRESS: u16 = 0x3003;
    pub const CREATION_TIME: u16 = 0x3007;
    pub const LAST_MODIFICATION_TIME: u16 = 0x3008;
    pub const ATTACH_DATA: u16 = 0x3701;
    pub const ATTACH_FILENAME: u16 = 0x3704;
    pub const ATTACH_METHOD: u16 = 0x3705;
    pub const ATTACH_LONG_FILENAME: u16 = 0x3707;
    pub const SMTP_ADDRESS: u16 = 0x39FE;
    pub const INTERNET_CPID: u16 = 0x3FDE;
    pub const MESSAGE_CODEPAGE: u16 = 0x3FFD;
    pub const SENDER_SMTP: u16 = 0x5D01;
    pub const SENT_REPRESENTING_SMTP: u16 = 0x5D02;
    pub const PST_PASSWORD: u16 = 0x67FF;
}

/// One property value, as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `PT_STRING8`: bytes in the item's code page.
    Str8(Vec<u8>),
    /// `PT_UNICODE`.
    Text(String),
    /// `PT_BINARY`.
    Binary(Vec<u8>),
    /// Integers and booleans.
    Int(i64),
    /// `PT_SYSTIME`: 100 ns ticks since 1601-01-01 UTC.
    Time(i64),
}

/// A property bag with the code page its 8-bit strings are in.
#[derive(Debug, Clone, Default)]
pub(crate) struct Props {
    pub map: BTreeMap<u16, Value>,
    pub codepage: Option<u16>,
}

impl Props {
    pub fn insert(&mut self, id: u16, v: Value) {
        self.map.insert(id, v);
    }

    /// Sets the code page from the item's own properties, else `inherited`.
    pub fn settle_codepage(&mut self, inherited: Option<u16>) {
        let own = [tag::MESSAGE_CODEPAGE, tag::INTERNET_CPID]
            .iter()
            .filter_map(|t| self.int(*t))
            .filter_map(|v| u16::try_from(v).ok())
            .find(|cp| *cp != 0 && *cp != 1200)
            .map(ansi_codepage);
        self.codepage = own.or(inherited);
    }

    /// A text property, decoded, with trailing NULs and outer white space
    /// removed; `None` when absent or empty.
    pub fn text(&self, id: u16) -> Option<String> {
        let s = match self.map.get(&id)? {
            Value::Str8(b) => decode_8bit(b, self.codepage),
            Value::Text(s) => s.clone(),
            _ => return None,
        };
        // PST subjects may start with SOH + one character giving the length
        // of the "RE: "-style prefix.
        let s = match (id, s.strip_prefix('\u{1}')) {
            (tag::SUBJECT, Some(rest)) => rest.chars().skip(1).collect(),
            _ => s,
        };
        let t = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
        if t.is_empty() {
            None
        } else {
            Some(t.to_owned())
        }
    }

    pub fn binary(&self, id: u16) -> Option<&[u8]> {
        match self.map.get(&id)? {
            Value::Binary(b) => Some(b),
            _ => None,
        }
    }

    pub fn int(&self, id: u16) -> Option<i64> {
        match self.map.get(&id)? {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    pub fn time(&self, id: u16) -> Option<jiff::Timestamp> {
        match self.map.get(&id)? {
            Value::Time(t) => filetime(*t),
            _ => None,
        }
    }
}

/// The 8-bit code page that stored strings use for an Internet code page:
/// the 7-bit transfer encodings (ISO-2022-*, HZ, US-ASCII) are only used on
/// the wire; Outlook keeps such messages' strings in the matching Windows
/// code page (e.g. `PR_INTERNET_CPID` 50220 with Shift_JIS/CP932 strings).
fn ansi_codepage(cp: u16) -> u16 {
    match cp {
        50220..=50222 => 932,
        50225 => 949,
        52936 => 936,
        20127 => 1252,
        other => other,
    }
}

/// Windows FILETIME (100 ns since 1601) to a timestamp; `None` for the
/// zero/"never" sentinels and out-of-range values.
pub(crate) fn filetime(ticks: i64) -> Option<jiff::Timestamp> {
    const EPOCH_DIFF_SECS: i64 = 11_644_473_600;
    if ticks <= 0 {
        return None;
    }
    let secs = ticks / 10_000_000 - EPOCH_DIFF_SECS;
    // 4500-08-31 is Outlook's "none" date; anything past 3000 is junk.
    if !(-2_000_000_000..=32_503_680_000).contains(&secs) {
        return None;
    }
    jiff::Timestamp::from_second(secs).ok()
}

/// Decodes 8-bit text in Windows code page `cp` (Windows-1252 by default).
pub(crate) fn decode_8bit(bytes: &[u8], cp: Option<u16>) -> String {
    let enc = cp
        .and_then(codepage::to_encoding_no_replacement)
        .unwrap_or(encoding_rs::WINDOWS_1252);
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or(bytes);
    let text = crate::text::decode_with_label(bytes, enc.name());
    // A wrong or missing code page shows as replacement characters: then
    // let the charset detector try, and keep whichever decodes cleaner.
    if text.contains('\u{FFFD}') {
        let guessed = crate::text::decode(bytes);
        if guessed.matches('\u{FFFD}').count() < text.matches('\u{FFFD}').count() {
            return guessed;
        }
    }
    text
}

/// UTF-16LE bytes to a string (odd trailing byte dropped, NULs trimmed).
pub(crate) fn decode_utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_le_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches('\0')
        .to_owned()
}

/// A row of the recipient table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Recipient {
    /// 1 To, 2 Cc, 3 Bcc (0 = originator in some stores).
    pub kind: i64,
    pub name: String,
    pub email: String,
}

impl Recipient {
    /// A recipient from its row's properties (`PR_RECIPIENT_TYPE`,
    /// `PR_DISPLAY_NAME`, the SMTP address over an Exchange DN).
    pub fn from_props(props: &Props) -> Self {
        Recipient {
            kind: props.int(tag::RECIPIENT_TYPE).unwrap_or(1),
            name: props.text(tag::DISPLAY_NAME).unwrap_or_default(),
            email: best_email(
                props.text(tag::SMTP_ADDRESS),
                props.text(tag::EMAIL_ADDRESS),
            )
            .unwrap_or_default(),
        }
    }
}

/// What an attachment holds.
#[derive(Debug)]
pub(crate) enum AttachData {
    /// A file's bytes.
    File(Vec<u8>),
    /// An embedded message (or contact, appointment ...).
    Message(Box<Item>),
    /// Present but not readable, and why.
    Missing(Failure),
}

/// One attachment.
#[derive(Debug)]
pub(crate) struct Attachment {
    /// File name (or display name for embedded messages).
    pub name: String,
    pub data: AttachData,
}

/// A MAPI item: message, contact, appointment, note ...
#[derive(Debug, Default)]
pub(crate) struct Item {
    pub props: Props,
    pub recipients: Vec<Recipient>,
    pub attachments: Vec<Attachment>,
}

impl Item {
    /// The message class, `IPM.Note` when absent.
    pub fn class(&self) -> String {
        self.props
            .text(tag::MESSAGE_CLASS)
            .unwrap_or_else(|| "IPM.Note".to_owned())
    }

    /// The record kind for this item's message class.
    pub fn kind(&self) -> Kind {
        kind_of_class(&self.class())
    }
}

/// The record kind for a message class.
pub(crate) fn kind_of_class(class: &str) -> Kind {
    let c = class.to_ascii_lowercase();
    if c.starts_with("ipm.contact") || c.starts_with("ipm.distlist") {
        Kind::Contact
    } else if c.starts_with("ipm.appointment") {
        Kind::Calendar
    } else if c.starts_with("ipm.stickynote")
        || c.starts_with("ipm.task")
        || c.starts_with("ipm.activity")
    {
        Kind::Note
    } else {
        Kind::Email
    }
}

/// The word used in PST locators for a kind (`message 3`, `contact 2` ...).
pub(crate) fn locator_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Contact => "contact",
        Kind::Calendar => "appointment",
        Kind::Note => "note",
        _ => "message",
    }
}

/// Picks an SMTP address over an Exchange DN (`/O=ORG/OU=...`).
pub(super) fn best_email(smtp: Option<String>, other: Option<String>) -> Option<String> {
    smtp.or_else(|| other.filter(|e| !e.starts_with('/')))
}

/// A file-name-safe attachment name (no path separators), with a fallback.
pub(crate) fn attachment_name(props: &Props, embedded: bool, index: usize) -> String {
    let raw = props
        .text(tag::ATTACH_LONG_FILENAME)
        .or_else(|| props.text(tag::ATTACH_FILENAME))
        .or_else(|| props.text(tag::DISPLAY_NAME));
    let name = raw
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or("").trim().to_owned())
        .filter(|n| !n.is_empty());
    match name {
        Some(n) if embedded && !n.contains('.') => format!("{n}.msg"),
        Some(n) => n,
        None if embedded => "message.msg".to_owned(),
        None => format!("attachment-{}", index + 1),
    }
}

/// Why an attachment without data has none.
pub(crate) fn missing_data(method: i64) -> AttachData {
    AttachData::Missing(match method {
        2 | 4 | 7 => Failure::unsupported("attachment is a link to a file outside the message"),
        _ => Failure::corrupt("attachment has no data"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_message_class() {
        assert_eq!(kind_of_class("IPM.Note"), Kind::Email);
        assert_eq!(kind_of_class("IPM.Schedule.Meeting.Request"), Kind::Email);
        assert_eq!(kind_of_class("IPM.Contact"), Kind::Contact);
        assert_eq!(kind_of_class("IPM.DistList"), Kind::Contact);
        assert_eq!(kind_of_class("IPM.Appointment"), Kind::Calendar);
        assert_eq!(kind_of_class("IPM.StickyNote"), Kind::Note);
        assert_eq!(kind_of_class("IPM.Task"), Kind::Note);
    }

    #[test]
    fn filetime_converts_and_rejects_sentinels() {
        let ft = (1_710_408_600i64 + 11_644_473_600) * 10_000_000;
        assert_eq!(
            filetime(ft).map(|t| t.to_string()).as_deref(),
            Some("2024-03-14T09:30:00Z")
        );
        assert_eq!(filetime(0), None);
        assert_eq!(filetime(i64::MAX), None);
    }
}
