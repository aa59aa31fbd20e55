//! Turns a MAPI [`Item`] into records: the item's own record (e-mail
//! envelope or a contact's/meeting's labelled fields, then the body) and,
//! recursively, its attachments (files through [`Ctx::extract_child`],
//! embedded messages as child items). Shared by the MSG, TNEF and PST
//! readers so that one item gives the same record whatever held it.

use sarx_model::metakey;
use sarx_model::{Kind, Limit, Record, RecordId};

use super::mapi::{best_email, tag, AttachData, Item, Props, Value};
use crate::{thread, Ctx, Failure, Node};

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
    meta.insert(metakey::FORMAT.into(), place.format.to_owned());
    meta.insert(metakey::MESSAGE_CLASS.into(), item.class());
    if let Some(f) = place.folder {
        meta.insert(metakey::FOLDER.into(), f.to_owned());
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
            meta.insert(metakey::THREAD.into(), thread);
        }
        meta.insert(
            metakey::DEDUP_KEY.into(),
            thread::dedup_key(mid.as_deref(), subject.as_deref().unwrap_or(""), &body),
        );
    }
    for (k, v) in [
        (metakey::MESSAGE_ID, mid),
        (metakey::IN_REPLY_TO, irt),
        (metakey::REFERENCES, refs),
    ] {
        if let Some(v) = v {
            meta.insert(k.into(), v);
        }
    }
    r
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtf_guard_refuses_bad_headers() {
        assert_eq!(decompress_rtf(&[1, 2, 3]), None);
        let mut huge = vec![0u8; 16];
        huge[0..4].copy_from_slice(&12u32.to_le_bytes());
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decompress_rtf(&huge), None);
    }
}
