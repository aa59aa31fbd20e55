//! Outlook MSG (compound file), TNEF (winmail.dat) and the MAPI item model
//! shared with the PST reader.
//!
//! All three formats hold the same thing: a MAPI item — a property bag, a
//! recipient table and attachments, where an attachment is a file or another
//! item (an embedded message) to any depth. Each reader builds an [`Item`];
//! [`emit_item`] turns it into records:
//!
//! - the item itself, of a kind chosen by its message class (`IPM.Note` →
//!   Email, `IPM.Contact`/`IPM.DistList` → Contact, `IPM.Appointment` →
//!   Calendar, `IPM.StickyNote`/`IPM.Task`/`IPM.Activity` → Note);
//!   e-mail text starts with the envelope (`From:`, `To:`, `Cc:`, `Bcc:`,
//!   `Date:`, `Subject:`, blank line, body); other kinds list their fields
//!   (`Label: value`) then the body, and keep every other text property too,
//!   because a contact's or meeting's personal data often sits in named
//!   properties with no fixed id;
//! - file attachments, through [`Ctx::extract_child`] (any format, sniffed);
//! - embedded messages, as child records of the same model, recursively.
//!
//! The body is the plain-text body when there is one, else the HTML body
//! reduced to visible text, else the compressed RTF body decompressed
//! (`compressed-rtf`) and reduced to text. 8-bit strings (`PT_STRING8`) are
//! decoded with the item's code page (`PR_MESSAGE_CODEPAGE`, else
//! `PR_INTERNET_CPID`, else Windows-1252) via `codepage` + `encoding_rs`.
//!
//! TNEF is parsed here attribute by attribute with bounds checks: the
//! `tnef` crate (0.1) only unpacks attachments that carry every optional
//! attribute, rejects unknown attribute ids, and does not read the MAPI
//! property blocks that hold the body, sender and embedded messages.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use sarx_model::{Kind, Limit, Reason, Record, RecordId};

use crate::{thread, Ctx, Failure, Node, Result};

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

/// The body as text: plain, else HTML, else compressed RTF.
pub(crate) fn body_text(props: &Props) -> String {
    if let Some(b) = props.text(tag::BODY) {
        return normalise_newlines(&b);
    }
    let html = match props.map.get(&tag::BODY_HTML) {
        Some(Value::Binary(b)) => {
            let cp = props
                .int(tag::INTERNET_CPID)
                .and_then(|v| u16::try_from(v).ok())
                .and_then(codepage::to_encoding_no_replacement);
            Some(match cp {
                Some(enc) => crate::text::decode_with_label(b, enc.name()),
                None => crate::text::decode(b),
            })
        }
        Some(_) => props.text(tag::BODY_HTML),
        None => None,
    };
    if let Some(h) = html {
        let t = crate::html::to_text(&h);
        if !t.trim().is_empty() {
            return normalise_newlines(t.trim());
        }
    }
    if let Some(rtf) = props.binary(tag::RTF_COMPRESSED).and_then(decompress_rtf) {
        let t = crate::office::rtf_to_text(&rtf);
        return normalise_newlines(t.trim());
    }
    String::new()
}

fn normalise_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Decompresses `PR_RTF_COMPRESSED`, guarding the sizes the crate trusts.
fn decompress_rtf(data: &[u8]) -> Option<String> {
    let head = data.get(..16)?;
    let comp = u32::from_le_bytes(head.get(0..4)?.try_into().ok()?) as usize;
    let raw = u32::from_le_bytes(head.get(4..8)?.try_into().ok()?) as usize;
    // The crate pre-allocates `raw` bytes: refuse absurd sizes (LZFu
    // expands at most ~16x over 8 tokens per flag byte).
    if raw > 64 << 20 || raw > comp.saturating_mul(20).saturating_add(4096) {
        return None;
    }
    // Some writers pad the property; the crate wants the exact length.
    let exact = data.get(..comp.checked_add(4)?)?;
    compressed_rtf::decompress_rtf(exact).ok()
}

fn address(name: Option<String>, email: Option<String>) -> Option<String> {
    let email = email.filter(|e| !e.is_empty());
    match (name, email) {
        (Some(n), Some(e)) if n.eq_ignore_ascii_case(&e) => Some(e),
        (Some(n), Some(e)) => Some(format!("\"{}\" <{e}>", n.replace('"', "'"))),
        (Some(n), None) => Some(n),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    }
}

/// Picks an SMTP address over an Exchange DN (`/O=ORG/OU=...`).
fn best_email(smtp: Option<String>, other: Option<String>) -> Option<String> {
    smtp.or_else(|| other.filter(|e| !e.starts_with('/')))
}

/// Sender as written (`"Name" <addr>`).
pub(crate) fn sender(props: &Props) -> Option<String> {
    let name = props
        .text(tag::SENT_REPRESENTING_NAME)
        .or_else(|| props.text(tag::SENDER_NAME));
    let email = best_email(
        props
            .text(tag::SENT_REPRESENTING_SMTP)
            .or_else(|| props.text(tag::SENDER_SMTP)),
        props
            .text(tag::SENT_REPRESENTING_EMAIL)
            .or_else(|| props.text(tag::SENDER_EMAIL)),
    );
    address(name, email)
}

fn recipient_lists(item: &Item) -> [Vec<String>; 3] {
    let mut out: [Vec<String>; 3] = Default::default();
    for r in &item.recipients {
        let slot = match r.kind {
            2 => 1,
            3 => 2,
            _ => 0,
        };
        let name = Some(r.name.clone()).filter(|s| !s.is_empty());
        let email = Some(r.email.clone()).filter(|s| !s.is_empty() && !s.starts_with('/'));
        if let (Some(a), Some(list)) = (address(name, email), out.get_mut(slot)) {
            list.push(a);
        }
    }
    // No recipient table (some MSG and PST items): the display strings.
    if item.recipients.is_empty() {
        for (slot, t) in [tag::DISPLAY_TO, tag::DISPLAY_CC, tag::DISPLAY_BCC]
            .into_iter()
            .enumerate()
        {
            if let (Some(v), Some(list)) = (item.props.text(t), out.get_mut(slot)) {
                list.extend(
                    v.split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned),
                );
            }
        }
    }
    out
}

/// Labels for the fields of contacts, appointments and notes.
const FIELDS: &[(u16, &str)] = &[
    (0x3001, "Name"),
    (0x3A45, "Title"),
    (0x3A06, "Given name"),
    (0x3A44, "Middle name"),
    (0x3A11, "Surname"),
    (0x3A05, "Generation"),
    (0x3A4F, "Nickname"),
    (0x3A16, "Company"),
    (0x3A17, "Job title"),
    (0x3A18, "Department"),
    (0x3A4E, "Manager"),
    (0x3A30, "Assistant"),
    (0x3A48, "Spouse"),
    (0x3A08, "Business phone"),
    (0x3A1B, "Business phone 2"),
    (0x3A09, "Home phone"),
    (0x3A2F, "Home phone 2"),
    (0x3A1C, "Mobile phone"),
    (0x3A1A, "Primary phone"),
    (0x3A1E, "Car phone"),
    (0x3A1F, "Other phone"),
    (0x3A21, "Pager"),
    (0x3A24, "Business fax"),
    (0x3A25, "Home fax"),
    (0x3A15, "Postal address"),
    (0x3A29, "Street"),
    (0x3A27, "City"),
    (0x3A28, "County"),
    (0x3A2A, "Postcode"),
    (0x3A26, "Country"),
    (0x3A5D, "Home street"),
    (0x3A59, "Home city"),
    (0x3A5C, "Home county"),
    (0x3A5B, "Home postcode"),
    (0x3A5A, "Home country"),
    (0x3A63, "Other street"),
    (0x3A5F, "Other city"),
    (0x3A61, "Other postcode"),
    (0x3A50, "Personal web page"),
    (0x3A51, "Business web page"),
    (0x3003, "E-mail"),
    (0x39FE, "E-mail"),
];

/// Text properties that are structure, not content.
fn is_noise(id: u16) -> bool {
    matches!(
        id,
        tag::MESSAGE_CLASS
            | tag::BODY
            | tag::BODY_HTML
            | tag::SUBJECT
            | 0x0E1D // normalized subject
            | 0x003D // subject prefix
            | 0x0070 // conversation topic
            | 0x3002 // address type
            | 0x001F // PR_CONVERSATION_KEY etc (binary anyway)
            | 0x007D // transport headers: kept out of non-mail items
    )
}

/// Placement of an item inside the top-level file.
pub(crate) struct Place<'a> {
    pub locator: &'a str,
    pub parent: Option<&'a RecordId>,
    pub depth: usize,
    /// PST folder path, when the item came from a store.
    pub folder: Option<&'a str>,
    /// `MSG`, `PST/OST`, `TNEF`.
    pub format: &'static str,
    /// Raw bytes of the item when it has its own (a top-level .msg), for
    /// the content hash; empty when it lives inside a store.
    pub raw: &'a [u8],
    /// Attachment name the item came in as (title fallback).
    pub name: &'a str,
}

/// Builds the record for `item` (without children).
pub(crate) fn item_record(ctx: &Ctx<'_>, item: &Item, place: &Place<'_>) -> Record {
    let kind = item.kind();
    let p = &item.props;
    let mut r = Record::new(ctx.source(), place.locator, kind);
    r.parent = place.parent.cloned();
    let subject = p.text(tag::SUBJECT);
    let body = body_text(p);
    let from = sender(p);
    let [to, cc, bcc] = recipient_lists(item);
    let sent = p
        .time(tag::CLIENT_SUBMIT_TIME)
        .or_else(|| p.time(tag::DELIVERY_TIME));
    r.dates.sent = sent.map(|t| t.to_string());
    r.dates.created = p.time(tag::CREATION_TIME).map(|t| t.to_string());
    r.dates.modified = p.time(tag::LAST_MODIFICATION_TIME).map(|t| t.to_string());

    let mut text = String::new();
    let mut line = |k: &str, v: &str| {
        text.push_str(k);
        text.push_str(": ");
        text.push_str(&v.replace(['\r', '\n'], " "));
        text.push('\n');
    };
    match kind {
        Kind::Email => {
            if let Some(f) = &from {
                line("From", f);
            }
            for (k, list) in [("To", &to), ("Cc", &cc), ("Bcc", &bcc)] {
                if !list.is_empty() {
                    line(k, &list.join(", "));
                }
            }
            if let Some(t) = sent {
                line(
                    "Date",
                    &t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
                );
            }
            if let Some(s) = &subject {
                line("Subject", s);
            }
        }
        _ => {
            if let Some(s) = &subject {
                line("Subject", s);
            }
            if let Some(f) = &from {
                line(
                    if kind == Kind::Calendar {
                        "Organiser"
                    } else {
                        "From"
                    },
                    f,
                );
            }
            let attendees: Vec<String> = to.iter().chain(&cc).chain(&bcc).cloned().collect();
            if !attendees.is_empty() {
                line(
                    if kind == Kind::Calendar {
                        "Attendees"
                    } else {
                        "To"
                    },
                    &attendees.join(", "),
                );
            }
            for (t, label) in [
                (tag::START_DATE, "Start"),
                (tag::END_DATE, "End"),
                (0x3A42, "Birthday"),
            ] {
                if let Some(ts) = p.time(t) {
                    line(label, &ts.to_string());
                }
            }
            let mut seen: Vec<String> = subject.iter().cloned().collect();
            for (id, label) in FIELDS {
                if let Some(v) = p.text(*id) {
                    if !seen.contains(&v) {
                        line(label, &v);
                        seen.push(v);
                    }
                }
            }
            // Every other text property (named properties hold e-mail
            // addresses, locations, categories ...).
            for id in p.map.keys() {
                if FIELDS.iter().any(|(f, _)| f == id) || is_noise(*id) {
                    continue;
                }
                if let Some(v) = p.text(*id) {
                    if !seen.contains(&v) && v.chars().any(char::is_alphanumeric) {
                        line("Field", &v);
                        seen.push(v);
                    }
                }
            }
        }
    }
    text.push('\n');
    text.push_str(&body);
    r.text = text;

    r.title = subject
        .clone()
        .or_else(|| p.text(tag::DISPLAY_NAME))
        .unwrap_or_else(|| {
            place
                .name
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or("")
                .to_owned()
        });
    r.parties.from = from.into_iter().collect();
    r.parties.to = to;
    r.parties.cc = cc;
    r.parties.bcc = bcc;

    if place.raw.is_empty() {
        r.content_hash = blake3::hash(r.text.as_bytes()).to_hex().to_string();
        r.size = p
            .int(tag::MESSAGE_SIZE)
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(r.text.len() as u64);
    } else {
        r.content_hash = blake3::hash(place.raw).to_hex().to_string();
        r.size = place.raw.len() as u64;
    }

    let mid = p.text(tag::INTERNET_MESSAGE_ID);
    let irt = p.text(tag::IN_REPLY_TO);
    let refs = p.text(tag::INTERNET_REFERENCES);
    let meta = &mut r.meta;
    meta.insert("format".into(), place.format.to_owned());
    meta.insert("message_class".into(), item.class());
    if let Some(f) = place.folder {
        meta.insert("folder".into(), f.to_owned());
    }
    if kind == Kind::Email {
        let thread = thread::thread_key(
            mid.as_deref(),
            irt.as_deref(),
            refs.as_deref(),
            p.binary(tag::CONVERSATION_INDEX),
            subject.as_deref(),
        );
        if !thread.is_empty() {
            meta.insert("thread".into(), thread);
        }
        meta.insert(
            "dedup_key".into(),
            thread::dedup_key(mid.as_deref(), subject.as_deref().unwrap_or(""), &body),
        );
    }
    for (k, v) in [
        ("message_id", mid),
        ("in_reply_to", irt),
        ("references", refs),
    ] {
        if let Some(v) = v {
            meta.insert(k.into(), v);
        }
    }
    r
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

/// Emits `item` and, recursively, its attachments. Returns the record id.
pub(crate) fn emit_item(ctx: &mut Ctx<'_>, item: &Item, place: &Place<'_>) -> RecordId {
    let record = item_record(ctx, item, place);
    let id = record.id.clone();
    ctx.emit(record);
    emit_attachments(ctx, item, place, &id);
    id
}

fn emit_attachments(ctx: &mut Ctx<'_>, item: &Item, place: &Place<'_>, id: &RecordId) {
    let parent_node = Node {
        locator: place.locator,
        name: place.name,
        bytes: place.raw,
        parent: place.parent,
        depth: place.depth,
    };
    for att in &item.attachments {
        let part = format!("attachment {}", att.name);
        match &att.data {
            AttachData::File(bytes) => {
                ctx.extract_child(&parent_node, id, &part, &att.name, bytes);
            }
            AttachData::Message(inner) => {
                let locator = ctx.child_locator(place.locator, &part);
                if place.depth + 1 > ctx.limits().max_depth {
                    ctx.unsearchable(
                        &locator,
                        Failure::limit(
                            Limit::Depth,
                            format!("nested deeper than {} containers", ctx.limits().max_depth),
                        ),
                    );
                    continue;
                }
                let child = Place {
                    locator: &locator,
                    parent: Some(id),
                    depth: place.depth + 1,
                    folder: place.folder,
                    format: place.format,
                    raw: &[],
                    name: &att.name,
                };
                emit_item(ctx, inner, &child);
            }
            AttachData::Missing(f) => {
                let locator = ctx.child_locator(place.locator, &part);
                ctx.unsearchable(&locator, f.clone());
            }
        }
    }
}

// ---------------------------------------------------------------- MSG ---

/// Most nested messages read from one .msg (each level is a storage).
const MAX_MSG_NESTING: usize = 32;

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let item = read_msg(node.bytes, ctx.limits().max_depth.min(MAX_MSG_NESTING))?;
    let place = Place {
        locator: node.locator,
        parent: node.parent,
        depth: node.depth,
        folder: None,
        format: if node.name.to_ascii_lowercase().ends_with(".oft") {
            "OFT"
        } else {
            "MSG"
        },
        raw: node.bytes,
        name: node.name,
    };
    emit_item(ctx, &item, &place);
    Ok(())
}

/// Parses a .msg compound file into an [`Item`].
pub(crate) fn read_msg(bytes: &[u8], max_nesting: usize) -> Result<Item> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| Failure::corrupt("MSG compound file structure could not be read"))?;
    if !cf.is_stream("/__properties_version1.0") {
        return Err(Failure::corrupt("compound file has no MSG property stream"));
    }
    read_msg_item(&mut cf, "", 32, None, 0, max_nesting)
}

type Cfb<'b> = cfb::CompoundFile<Cursor<&'b [u8]>>;

struct EntryInfo {
    name: String,
    stream: bool,
}

fn list(cf: &Cfb<'_>, path: &str) -> Result<Vec<EntryInfo>> {
    let p = if path.is_empty() { "/" } else { path };
    let entries = cf
        .read_storage(p)
        .map_err(|_| Failure::corrupt("MSG storage could not be listed"))?;
    Ok(entries
        .map(|e| EntryInfo {
            name: e.name().to_owned(),
            stream: e.is_stream(),
        })
        .collect())
}

fn read_stream(cf: &mut Cfb<'_>, path: &str) -> Option<Vec<u8>> {
    let mut s = cf.open_stream(path).ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// Reads the properties of the storage at `path`: variable-length values
/// from `__substg1.0_IIIITTTT` streams, fixed ones from
/// `__properties_version1.0` (entries of 16 bytes after a `header`-byte
/// header: 32 for the top message, 24 for embedded ones, 8 for recipients
/// and attachments).
fn read_props(cf: &mut Cfb<'_>, path: &str, entries: &[EntryInfo], header: usize) -> Props {
    let mut props = Props::default();
    for e in entries.iter().filter(|e| e.stream) {
        let Some(hex) = e.name.strip_prefix("__substg1.0_") else {
            continue;
        };
        if hex.len() != 8 {
            continue; // multi-valued parts "...-00000001"
        }
        let (Some(id), Some(ty)) = (
            hex.get(0..4).and_then(|h| u16::from_str_radix(h, 16).ok()),
            hex.get(4..8).and_then(|h| u16::from_str_radix(h, 16).ok()),
        ) else {
            continue;
        };
        let Some(data) = read_stream(cf, &format!("{path}/{}", e.name)) else {
            continue;
        };
        let v = match ty {
            0x001E => Value::Str8(data),
            0x001F => Value::Text(decode_utf16le(&data)),
            0x0102 => Value::Binary(data),
            _ => continue,
        };
        props.insert(id, v);
    }
    if let Some(data) = read_stream(cf, &format!("{path}/__properties_version1.0")) {
        for chunk in data.get(header..).unwrap_or(&[]).chunks_exact(16) {
            let word = |r: std::ops::Range<usize>| -> u64 {
                let mut b = [0u8; 8];
                if let Some(s) = chunk.get(r.clone()) {
                    for (d, v) in b.iter_mut().zip(s) {
                        *d = *v;
                    }
                }
                u64::from_le_bytes(b)
            };
            let tag_word = word(0..4);
            let ty = (tag_word & 0xFFFF) as u16;
            let id = (tag_word >> 16) as u16;
            let raw = word(8..16);
            let v = match ty {
                0x0002 => Value::Int(i64::from(raw as u16 as i16)),
                0x0003 => Value::Int(i64::from(raw as u32 as i32)),
                0x000B => Value::Int(i64::from(raw & 0xFF != 0)),
                0x0014 => Value::Int(raw as i64),
                0x0040 => Value::Time(raw as i64),
                _ => continue,
            };
            props.map.entry(id).or_insert(v);
        }
    }
    props
}

fn read_msg_item(
    cf: &mut Cfb<'_>,
    path: &str,
    header: usize,
    inherited_cp: Option<u16>,
    nesting: usize,
    max_nesting: usize,
) -> Result<Item> {
    let entries = list(cf, path)?;
    let mut props = read_props(cf, path, &entries, header);
    props.settle_codepage(inherited_cp);
    let cp = props.codepage;
    let mut item = Item {
        props,
        ..Item::default()
    };
    let mut recips: Vec<&EntryInfo> = entries
        .iter()
        .filter(|e| !e.stream && e.name.starts_with("__recip_version1.0_#"))
        .collect();
    recips.sort_by(|a, b| a.name.cmp(&b.name));
    for e in recips {
        let p = format!("{path}/{}", e.name);
        let sub = list(cf, &p)?;
        let mut rp = read_props(cf, &p, &sub, 8);
        rp.settle_codepage(cp);
        item.recipients.push(Recipient {
            kind: rp.int(tag::RECIPIENT_TYPE).unwrap_or(1),
            name: rp.text(tag::DISPLAY_NAME).unwrap_or_default(),
            email: best_email(rp.text(tag::SMTP_ADDRESS), rp.text(tag::EMAIL_ADDRESS))
                .unwrap_or_default(),
        });
    }
    let mut atts: Vec<&EntryInfo> = entries
        .iter()
        .filter(|e| !e.stream && e.name.starts_with("__attach_version1.0_#"))
        .collect();
    atts.sort_by(|a, b| a.name.cmp(&b.name));
    for (i, e) in atts.into_iter().enumerate() {
        let p = format!("{path}/{}", e.name);
        let sub = list(cf, &p)?;
        let mut ap = read_props(cf, &p, &sub, 8);
        ap.settle_codepage(cp);
        let method = ap.int(tag::ATTACH_METHOD).unwrap_or(1);
        let has_obj = sub
            .iter()
            .any(|s| !s.stream && s.name == "__substg1.0_3701000D");
        let embedded = has_obj && method == 5;
        let name = attachment_name(&ap, embedded, i);
        let data = if embedded {
            if nesting + 1 > max_nesting {
                AttachData::Missing(Failure::limit(
                    Limit::Depth,
                    format!("messages nested deeper than {max_nesting} levels"),
                ))
            } else {
                match read_msg_item(
                    cf,
                    &format!("{p}/__substg1.0_3701000D"),
                    24,
                    cp,
                    nesting + 1,
                    max_nesting,
                ) {
                    Ok(inner) => AttachData::Message(Box::new(inner)),
                    Err(f) => AttachData::Missing(f),
                }
            }
        } else if let Some(b) = ap.binary(tag::ATTACH_DATA) {
            AttachData::File(b.to_vec())
        } else if has_obj {
            AttachData::Missing(Failure::unsupported(
                "embedded OLE object attachments are not supported",
            ))
        } else {
            missing_data(method)
        };
        item.attachments.push(Attachment { name, data });
    }
    Ok(item)
}

/// Why an attachment without data has none.
pub(crate) fn missing_data(method: i64) -> AttachData {
    AttachData::Missing(match method {
        2 | 4 | 7 => Failure::unsupported("attachment is a link to a file outside the message"),
        _ => Failure::corrupt("attachment has no data"),
    })
}

// --------------------------------------------------------------- TNEF ---

const TNEF_MAGIC: u32 = 0x223E_9F78;

pub(crate) fn extract_tnef(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let item = read_tnef(node.bytes, 0, ctx.limits().max_depth.min(MAX_MSG_NESTING))?;
    let place = Place {
        locator: node.locator,
        parent: node.parent,
        depth: node.depth,
        folder: None,
        format: "TNEF",
        raw: node.bytes,
        name: node.name,
    };
    emit_item(ctx, &item, &place);
    Ok(())
}

/// A bounds-checked little-endian reader.
struct Rd<'b> {
    buf: &'b [u8],
    pos: usize,
}

impl<'b> Rd<'b> {
    fn new(buf: &'b [u8]) -> Self {
        Rd { buf, pos: 0 }
    }
    fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1)?.first().copied()
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn pad4(&mut self, len: usize) -> Option<()> {
        let pad = (4 - len % 4) % 4;
        self.take(pad).map(|_| ())
    }
    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

// TNEF attribute ids (id | type << 16).
const ATT_FROM: u32 = 0x0000_8000;
const ATT_SUBJECT: u32 = 0x0001_8004;
const ATT_DATE_SENT: u32 = 0x0003_8005;
const ATT_DATE_RECD: u32 = 0x0003_8006;
const ATT_MESSAGE_ID: u32 = 0x0001_8009;
const ATT_BODY: u32 = 0x0002_800C;
const ATT_MSG_PROPS: u32 = 0x0006_9003;
const ATT_RECIP_TABLE: u32 = 0x0006_9004;
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;
const ATT_ATTACH_REND_DATA: u32 = 0x0006_9002;
const ATT_ATTACH_DATA: u32 = 0x0006_800F;
const ATT_ATTACH_TITLE: u32 = 0x0001_8010;
const ATT_ATTACHMENT: u32 = 0x0006_9005;

/// Parses a TNEF stream (`winmail.dat`) into an [`Item`].
pub(crate) fn read_tnef(bytes: &[u8], nesting: usize, max_nesting: usize) -> Result<Item> {
    let mut rd = Rd::new(bytes);
    if rd.u32() != Some(TNEF_MAGIC) {
        return Err(Failure::corrupt("not a TNEF stream"));
    }
    rd.u16()
        .ok_or_else(|| Failure::new(Reason::Truncated, "TNEF header is cut short"))?;
    let mut item = Item::default();
    let mut codepage: Option<u16> = None;
    // Legacy attributes, used when the MAPI property block lacks them.
    let mut legacy_subject: Option<Vec<u8>> = None;
    let mut legacy_body: Option<Vec<u8>> = None;
    let mut legacy_sent: Option<i64> = None;
    struct Pending {
        title: Option<Vec<u8>>,
        data: Option<Vec<u8>>,
        props: Option<Props>,
    }
    let mut pending: Option<Pending> = None;
    let flush = |p: Option<Pending>, item: &mut Item, cp: Option<u16>| {
        let Some(p) = p else { return };
        let mut props = p.props.unwrap_or_default();
        props.settle_codepage(cp);
        if props.text(tag::ATTACH_LONG_FILENAME).is_none()
            && props.text(tag::ATTACH_FILENAME).is_none()
        {
            if let Some(t) = &p.title {
                props.insert(tag::ATTACH_FILENAME, Value::Str8(t.clone()));
            }
        }
        let method = props.int(tag::ATTACH_METHOD).unwrap_or(1);
        let index = item.attachments.len();
        // An embedded message: PR_ATTACH_DATA_OBJ = IID (16 bytes) + TNEF.
        let obj = match props.map.get(&tag::ATTACH_DATA) {
            Some(Value::Binary(b)) if method == 5 => b.get(16..).map(<[u8]>::to_vec),
            _ => None,
        };
        let (name, data) = if let Some(obj) = obj {
            let name = attachment_name(&props, true, index);
            let data = if nesting + 1 > max_nesting {
                AttachData::Missing(Failure::limit(
                    Limit::Depth,
                    format!("messages nested deeper than {max_nesting} levels"),
                ))
            } else {
                match read_tnef(&obj, nesting + 1, max_nesting) {
                    Ok(inner) => AttachData::Message(Box::new(inner)),
                    Err(f) => AttachData::Missing(f),
                }
            };
            (name, data)
        } else {
            let name = attachment_name(&props, false, index);
            let data = match p
                .data
                .or_else(|| props.binary(tag::ATTACH_DATA).map(<[u8]>::to_vec))
            {
                Some(d) => AttachData::File(d),
                None => missing_data(method),
            };
            (name, data)
        };
        item.attachments.push(Attachment { name, data });
    };
    let mut parsed = 0usize;
    while !rd.done() {
        let level = rd.u8();
        let id = rd.u32();
        let len = rd.u32();
        let attr = match (level, id, len) {
            (Some(level), Some(id), Some(len)) => rd.take(len as usize).map(|d| (level, id, d)),
            _ => None,
        };
        // A stream cut short (or followed by transport padding such as a
        // trailing CRLF) keeps what was read before; nothing at all is an
        // error.
        let Some((level, id, data)) = attr.filter(|_| rd.u16().is_some()) else {
            if parsed == 0 {
                return Err(Failure::new(Reason::Truncated, "TNEF stream is cut short"));
            }
            break;
        };
        parsed += 1;
        match (level, id) {
            (1, ATT_OEM_CODEPAGE) => {
                codepage = data
                    .get(0..4)
                    .and_then(|b| b.try_into().ok())
                    .map(u32::from_le_bytes)
                    .and_then(|v| u16::try_from(v).ok());
            }
            (1, ATT_SUBJECT) => legacy_subject = Some(data.to_vec()),
            (1, ATT_BODY) => legacy_body = Some(data.to_vec()),
            (1, ATT_DATE_SENT) | (1, ATT_DATE_RECD) if legacy_sent.is_none() => {
                legacy_sent = dtr(data)
            }
            (1, ATT_MESSAGE_ID) | (1, ATT_FROM) => {}
            (1, ATT_MSG_PROPS) => {
                let props = mapi_props(data)?;
                for (k, v) in props.map {
                    item.props.map.insert(k, v);
                }
            }
            (1, ATT_RECIP_TABLE) => item.recipients = recip_table(data, codepage)?,
            (2, ATT_ATTACH_REND_DATA) => {
                flush(pending.take(), &mut item, codepage);
                pending = Some(Pending {
                    title: None,
                    data: None,
                    props: None,
                });
            }
            (2, ATT_ATTACH_TITLE) => {
                if let Some(p) = pending.as_mut() {
                    p.title = Some(data.to_vec());
                }
            }
            (2, ATT_ATTACH_DATA) => {
                if let Some(p) = pending.as_mut() {
                    p.data = Some(data.to_vec());
                }
            }
            (2, ATT_ATTACHMENT) => {
                let props = mapi_props(data)?;
                if let Some(p) = pending.as_mut() {
                    p.props = Some(props);
                }
            }
            _ => {}
        }
    }
    flush(pending.take(), &mut item, codepage);
    item.props.settle_codepage(codepage);
    if item.props.text(tag::SUBJECT).is_none() {
        if let Some(s) = legacy_subject {
            item.props.insert(tag::SUBJECT, Value::Str8(s));
        }
    }
    if item.props.text(tag::BODY).is_none()
        && !item.props.map.contains_key(&tag::BODY_HTML)
        && !item.props.map.contains_key(&tag::RTF_COMPRESSED)
    {
        if let Some(b) = legacy_body {
            item.props.insert(tag::BODY, Value::Str8(b));
        }
    }
    if item.props.time(tag::CLIENT_SUBMIT_TIME).is_none() {
        if let Some(t) = legacy_sent {
            item.props.insert(tag::CLIENT_SUBMIT_TIME, Value::Time(t));
        }
    }
    Ok(item)
}

/// A TNEF `DTR` date (7 little-endian u16: y m d h m s dow) as FILETIME.
fn dtr(data: &[u8]) -> Option<i64> {
    let mut rd = Rd::new(data);
    let (y, mo, d, h, mi, s) = (
        rd.u16()?,
        rd.u16()?,
        rd.u16()?,
        rd.u16()?,
        rd.u16()?,
        rd.u16()?,
    );
    let dt = jiff::civil::DateTime::new(
        i16::try_from(y).ok()?,
        i8::try_from(mo).ok()?,
        i8::try_from(d).ok()?,
        i8::try_from(h).ok()?,
        i8::try_from(mi).ok()?,
        i8::try_from(s).ok()?,
        0,
    )
    .ok()?;
    let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some((ts.as_second() + 11_644_473_600) * 10_000_000)
}

/// Parses a TNEF MAPI property block (`attMsgProps`, `attAttachment`).
fn mapi_props(data: &[u8]) -> Result<Props> {
    let mut rd = Rd::new(data);
    let bad = || Failure::corrupt("TNEF property block is malformed");
    let count = rd.u32().ok_or_else(bad)?;
    let mut props = Props::default();
    for _ in 0..count {
        if rd.done() {
            break;
        }
        let (ty, id) = (rd.u16().ok_or_else(bad)?, rd.u16().ok_or_else(bad)?);
        if id >= 0x8000 {
            rd.take(16).ok_or_else(bad)?; // property set GUID
            let kind = rd.u32().ok_or_else(bad)?;
            if kind == 0 {
                rd.u32().ok_or_else(bad)?;
            } else {
                let n = rd.u32().ok_or_else(bad)? as usize;
                rd.take(n).ok_or_else(bad)?;
                rd.pad4(n).ok_or_else(bad)?;
            }
        }
        let multi = ty & 0x1000 != 0;
        let base = ty & 0x0FFF;
        let variable = matches!(base, 0x001E | 0x001F | 0x0102 | 0x000D);
        let n = if multi || variable {
            rd.u32().ok_or_else(bad)?
        } else {
            1
        };
        for _ in 0..n {
            let v = if variable {
                let len = rd.u32().ok_or_else(bad)? as usize;
                let b = rd.take(len).ok_or_else(bad)?;
                rd.pad4(len).ok_or_else(bad)?;
                match base {
                    0x001E => Some(Value::Str8(b.to_vec())),
                    0x001F => Some(Value::Text(decode_utf16le(b))),
                    _ => Some(Value::Binary(b.to_vec())),
                }
            } else {
                let size = match base {
                    0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => 4,
                    0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => 8,
                    0x0048 => 16,
                    0x0001 => 0,
                    _ => return Err(bad()),
                };
                let b = rd.take(size).ok_or_else(bad)?;
                let mut w = [0u8; 8];
                for (d, s) in w.iter_mut().zip(b) {
                    *d = *s;
                }
                let raw = u64::from_le_bytes(w);
                match base {
                    0x0002 => Some(Value::Int(i64::from(raw as u16 as i16))),
                    0x0003 => Some(Value::Int(i64::from(raw as u32 as i32))),
                    0x000B => Some(Value::Int(i64::from(raw & 0xFFFF != 0))),
                    0x0014 => Some(Value::Int(raw as i64)),
                    0x0040 => Some(Value::Time(raw as i64)),
                    _ => None,
                }
            };
            if let Some(v) = v {
                if !multi {
                    props.map.entry(id).or_insert(v);
                }
            }
        }
    }
    Ok(props)
}

/// Parses `attRecipTable`: a row count, then per row a property block.
fn recip_table(data: &[u8], cp: Option<u16>) -> Result<Vec<Recipient>> {
    let mut rd = Rd::new(data);
    let rows = rd
        .u32()
        .ok_or_else(|| Failure::corrupt("TNEF recipient table is malformed"))?;
    let mut out = Vec::new();
    for _ in 0..rows {
        if rd.done() {
            break;
        }
        // Each row is a property block without its own length: parse it
        // from the remaining bytes and advance by what it used.
        let rest = rd.buf.get(rd.pos..).unwrap_or(&[]);
        let (mut props, used) = mapi_props_counted(rest)?;
        rd.pos = rd.pos.saturating_add(used);
        props.settle_codepage(cp);
        out.push(Recipient {
            kind: props.int(tag::RECIPIENT_TYPE).unwrap_or(1),
            name: props.text(tag::DISPLAY_NAME).unwrap_or_default(),
            email: best_email(
                props.text(tag::SMTP_ADDRESS),
                props.text(tag::EMAIL_ADDRESS),
            )
            .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Like [`mapi_props`] but also returns the bytes consumed.
fn mapi_props_counted(data: &[u8]) -> Result<(Props, usize)> {
    // Find the shortest prefix that parses completely: walk once with the
    // same grammar and report the position.
    let mut rd = Rd::new(data);
    let bad = || Failure::corrupt("TNEF recipient row is malformed");
    let count = rd.u32().ok_or_else(bad)?;
    for _ in 0..count {
        let (ty, id) = (rd.u16().ok_or_else(bad)?, rd.u16().ok_or_else(bad)?);
        if id >= 0x8000 {
            rd.take(16).ok_or_else(bad)?;
            if rd.u32().ok_or_else(bad)? == 0 {
                rd.u32().ok_or_else(bad)?;
            } else {
                let n = rd.u32().ok_or_else(bad)? as usize;
                rd.take(n).ok_or_else(bad)?;
                rd.pad4(n).ok_or_else(bad)?;
            }
        }
        let multi = ty & 0x1000 != 0;
        let base = ty & 0x0FFF;
        let variable = matches!(base, 0x001E | 0x001F | 0x0102 | 0x000D);
        let n = if multi || variable {
            rd.u32().ok_or_else(bad)?
        } else {
            1
        };
        for _ in 0..n {
            if variable {
                let len = rd.u32().ok_or_else(bad)? as usize;
                rd.take(len).ok_or_else(bad)?;
                rd.pad4(len).ok_or_else(bad)?;
            } else {
                let size = match base {
                    0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => 4,
                    0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => 8,
                    0x0048 => 16,
                    0x0001 => 0,
                    _ => return Err(bad()),
                };
                rd.take(size).ok_or_else(bad)?;
            }
        }
    }
    let used = rd.pos;
    let props = mapi_props(data.get(..used).unwrap_or(&[]))?;
    Ok((props, used))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor, Limits};
    use proptest::prelude::*;
    use std::io::Write;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn fixed_props(header: usize, entries: &[(u16, u16, u64)]) -> Vec<u8> {
        let mut v = vec![0u8; header];
        for (id, ty, val) in entries {
            v.extend_from_slice(&((u32::from(*id) << 16) | u32::from(*ty)).to_le_bytes());
            v.extend_from_slice(&6u32.to_le_bytes());
            v.extend_from_slice(&val.to_le_bytes());
        }
        v
    }

    fn put(cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str, data: &[u8]) {
        let mut s = cf.create_stream(path).unwrap();
        s.write_all(data).unwrap();
    }

    /// A small MSG: a Unicode message with two recipients, a file
    /// attachment and an embedded ANSI (code page 1252) message.
    fn build_msg() -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        // 2024-03-14T09:30:00Z as FILETIME.
        let ft: u64 = (1_710_408_600 + 11_644_473_600) * 10_000_000;
        put(
            &mut cf,
            "/__properties_version1.0",
            &fixed_props(32, &[(0x0039, 0x0040, ft)]),
        );
        put(&mut cf, "/__substg1.0_001A001F", &utf16("IPM.Note"));
        put(&mut cf, "/__substg1.0_0037001F", &utf16("Boiler repair"));
        put(&mut cf, "/__substg1.0_0C1A001F", &utf16("Jo Bloggs"));
        put(&mut cf, "/__substg1.0_5D01001F", &utf16("jo@example.org"));
        put(
            &mut cf,
            "/__substg1.0_1000001F",
            &utf16("The engineer calls on Friday.\r\n"),
        );
        put(
            &mut cf,
            "/__substg1.0_1035001F",
            &utf16("<abc@example.org>"),
        );
        for (i, (name, addr, kind)) in [
            ("Sam Okoro", "sam@example.net", 1u64),
            ("Ana Diaz", "ana@example.net", 2),
        ]
        .iter()
        .enumerate()
        {
            let dir = format!("/__recip_version1.0_#{i:08X}");
            cf.create_storage(&dir).unwrap();
            put(
                &mut cf,
                &format!("{dir}/__properties_version1.0"),
                &fixed_props(8, &[(0x0C15, 0x0003, *kind)]),
            );
            put(
                &mut cf,
                &format!("{dir}/__substg1.0_3001001F"),
                &utf16(name),
            );
            put(
                &mut cf,
                &format!("{dir}/__substg1.0_39FE001F"),
                &utf16(addr),
            );
        }
        let a0 = "/__attach_version1.0_#00000000";
        cf.create_storage(a0).unwrap();
        put(
            &mut cf,
            &format!("{a0}/__properties_version1.0"),
            &fixed_props(8, &[(0x3705, 0x0003, 1)]),
        );
        put(
            &mut cf,
            &format!("{a0}/__substg1.0_3707001F"),
            &utf16("note.txt"),
        );
        put(
            &mut cf,
            &format!("{a0}/__substg1.0_37010102"),
            b"Tenant reports damp in the bedroom.",
        );
        let a1 = "/__attach_version1.0_#00000001";
        cf.create_storage(a1).unwrap();
        put(
            &mut cf,
            &format!("{a1}/__properties_version1.0"),
            &fixed_props(8, &[(0x3705, 0x0003, 5)]),
        );
        put(
            &mut cf,
            &format!("{a1}/__substg1.0_3001001F"),
            &utf16("Earlier complaint"),
        );
        let inner = format!("{a1}/__substg1.0_3701000D");
        cf.create_storage(&inner).unwrap();
        put(
            &mut cf,
            &format!("{inner}/__properties_version1.0"),
            &fixed_props(24, &[(0x3FFD, 0x0003, 1252)]),
        );
        put(
            &mut cf,
            &format!("{inner}/__substg1.0_0037001E"),
            b"Caf\xe9 noise\0",
        );
        put(
            &mut cf,
            &format!("{inner}/__substg1.0_1000001E"),
            b"Music until 2am, na\xefve neighbours.\0",
        );
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    #[test]
    fn msg_built_in_test_extracts_everything() {
        let bytes = build_msg();
        let ex = Extractor::new(Limits::default());
        let mut out = Collected::default();
        ex.extract_bytes("mail/repair.msg", "repair.msg", &bytes, &mut out);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        assert_eq!(
            out.records.len(),
            3,
            "{:#?}",
            out.records.iter().map(|r| &r.locator).collect::<Vec<_>>()
        );
        let top = &out.records[0];
        assert_eq!(top.kind, Kind::Email);
        assert_eq!(top.locator, "");
        assert_eq!(
            top.text,
            "From: \"Jo Bloggs\" <jo@example.org>\nTo: \"Sam Okoro\" <sam@example.net>\nCc: \"Ana Diaz\" <ana@example.net>\nDate: Thu, 14 Mar 2024 09:30:00 +0000\nSubject: Boiler repair\n\nThe engineer calls on Friday."
        );
        assert_eq!(top.parties.to, vec!["\"Sam Okoro\" <sam@example.net>"]);
        assert_eq!(top.dates.sent.as_deref(), Some("2024-03-14T09:30:00Z"));
        assert_eq!(
            top.meta.get("message_id").map(String::as_str),
            Some("<abc@example.org>")
        );
        assert_eq!(
            top.meta.get("thread").map(String::as_str),
            Some("id:abc@example.org")
        );
        assert!(top
            .meta
            .get("dedup_key")
            .is_some_and(|k| k.starts_with("mid:abc@example.org#")));
        let att = &out.records[1];
        assert_eq!(att.locator, "attachment note.txt");
        assert_eq!(att.parent.as_ref(), Some(&top.id));
        assert!(att.text.contains("damp"));
        let emb = &out.records[2];
        assert_eq!(emb.locator, "attachment Earlier complaint.msg");
        assert_eq!(emb.kind, Kind::Email);
        assert_eq!(emb.parent.as_ref(), Some(&top.id));
        assert_eq!(emb.title, "Café noise");
        assert!(emb.text.contains("naïve neighbours"), "{}", emb.text);
    }

    fn tnef_attr(out: &mut Vec<u8>, level: u8, id: u32, data: &[u8]) {
        out.push(level);
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        let sum = data.iter().fold(0u16, |s, b| s.wrapping_add(u16::from(*b)));
        out.extend_from_slice(&sum.to_le_bytes());
    }

    fn build_tnef() -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&TNEF_MAGIC.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes());
        tnef_attr(&mut v, 1, 0x0008_9006, &[0, 0, 1, 0]);
        tnef_attr(&mut v, 1, ATT_OEM_CODEPAGE, &[0xE4, 0x04, 0, 0, 0, 0, 0, 0]);
        tnef_attr(&mut v, 1, ATT_SUBJECT, b"Rent statement\0");
        tnef_attr(&mut v, 1, ATT_BODY, b"Balance attached.\0");
        tnef_attr(
            &mut v,
            2,
            ATT_ATTACH_REND_DATA,
            &[1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0],
        );
        tnef_attr(&mut v, 2, ATT_ATTACH_TITLE, b"STATEM~1.TXT\0");
        tnef_attr(&mut v, 2, ATT_ATTACH_DATA, b"Arrears: 120.00");
        // attAttachment with PR_ATTACH_LONG_FILENAME (PT_STRING8).
        let mut props = Vec::new();
        props.extend_from_slice(&1u32.to_le_bytes());
        props.extend_from_slice(&0x001Eu16.to_le_bytes());
        props.extend_from_slice(&0x3707u16.to_le_bytes());
        props.extend_from_slice(&1u32.to_le_bytes());
        let name = b"statement.txt\0";
        props.extend_from_slice(&(name.len() as u32).to_le_bytes());
        props.extend_from_slice(name);
        props.extend_from_slice(&[0, 0]);
        tnef_attr(&mut v, 2, ATT_ATTACHMENT, &props);
        v
    }

    #[test]
    fn tnef_built_in_test_extracts_body_and_attachment() {
        let bytes = build_tnef();
        let ex = Extractor::new(Limits::default());
        let mut out = Collected::default();
        ex.extract_bytes("mail/winmail.dat", "winmail.dat", &bytes, &mut out);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.records[0].title, "Rent statement");
        assert!(
            out.records[0].text.ends_with("\n\nBalance attached."),
            "{}",
            out.records[0].text
        );
        assert_eq!(out.records[1].locator, "attachment statement.txt");
        assert!(out.records[1].text.contains("Arrears"));
    }

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

    #[test]
    fn rtf_guard_refuses_bad_headers() {
        assert_eq!(decompress_rtf(&[1, 2, 3]), None);
        let mut huge = vec![0u8; 16];
        huge[0..4].copy_from_slice(&12u32.to_le_bytes());
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decompress_rtf(&huge), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn mutated_msg_never_panics(cut in 0usize..20_000, flips in proptest::collection::vec((0usize..20_000, any::<u8>()), 0..8)) {
            let mut bytes = build_msg();
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            bytes.truncate(cut.max(8));
            let _ = read_msg(&bytes, 8);
        }

        #[test]
        fn mutated_tnef_never_panics(cut in 0usize..400, flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..8)) {
            let mut bytes = build_tnef();
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            bytes.truncate(cut);
            let _ = read_tnef(&bytes, 0, 4);
        }
    }
}
