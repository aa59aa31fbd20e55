//! Internet mail: single messages (`.eml`), Unix mailboxes (mbox) and Apple
//! Mail `.emlx`, parsed with `mail-parser`.
//!
//! Each message becomes one [`Kind::Email`] record whose text starts with the
//! envelope (`From:`, `To:`, `Cc:`, `Bcc:`, `Date:`, `Subject:`; absent
//! headers left out), then a blank line, then the body: the text/plain parts,
//! or the visible text of the HTML parts when there is no plain text, plus
//! any HTML alternative whose words the plain text lacks (a recipient could
//! read either). Attachments, inline images and attached messages become
//! child records through [`Ctx::extract_child`], so a zip in a mail in an
//! mbox is searched too.
//!
//! An mbox is an [`Kind::Archive`] record with one child per message
//! (`message 1`, `message 2`, ...), split on `From ` lines without copying
//! the mailbox; `>From ` quoting (mboxo and mboxrd) is undone per message.
//!
//! Nothing here panics on input: mail-parser is asked for what it can read,
//! a message it cannot read at all still becomes a record with its decoded
//! bytes as text, and MIME nesting deeper than [`crate::Limits::max_mime_depth`]
//! is cut off and reported.

use sarx_model::metakey;
use std::borrow::Cow;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mail_parser::{
    Address, Encoding, HeaderName, Message, MessageParser, MessagePart, MimeHeaders, PartType,
};
use sarx_model::{Kind, Limit, Record};

use crate::{Ctx, Failure, Format, Node, Result};

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    match format {
        Format::Mbox => extract_mbox(ctx, node),
        Format::Emlx => extract_message(ctx, node, emlx_message(node.bytes), Format::Emlx),
        _ => extract_message(ctx, node, node.bytes, Format::Eml),
    }
}

/// Parses `raw` (the message inside `node`: the whole node, or the RFC 822
/// part of an `.emlx`) and emits its record, then its attachments.
fn extract_message(ctx: &mut Ctx<'_>, node: &Node<'_>, raw: &[u8], format: Format) -> Result<()> {
    let raw: &[u8] = &utf8_headers(raw);
    // mail-parser promises not to panic; it is still third-party code fed
    // hostile bytes, and a message it chokes on must still become a record.
    let parsed = catch_unwind(AssertUnwindSafe(|| MessageParser::default().parse(raw)))
        .ok()
        .flatten();
    // Text with no header mail-parser knows (a "header" that is really a
    // line of prose) is not a message: keep all of it as text instead.
    let parsed = parsed.filter(|m| {
        m.parts.first().is_some_and(|root| {
            root.headers
                .iter()
                .any(|h| !matches!(h.name, HeaderName::Other(_)))
        })
    });
    let Some(message) = parsed else {
        ctx.emit(unparsed_record(ctx, node, raw, format));
        return Ok(());
    };

    let mut record = ctx.record_for(node, Kind::Email);
    record
        .meta
        .insert(metakey::FORMAT.into(), format.name().to_owned());
    let reachable = mime_depths(&message, ctx.limits().max_mime_depth);
    let envelope = envelope(&message, raw, &mut record);
    let body = body_text(&message, raw, &reachable.allowed);
    fill_thread_meta(&message, &mut record, &body);
    record.text = match (envelope.is_empty(), body.is_empty()) {
        (_, true) => envelope,
        (true, false) => body,
        (false, false) => format!("{envelope}\n{body}"),
    };
    let record_id = record.id.clone();
    ctx.emit(record);

    if reachable.cut {
        ctx.unsearchable(
            node.locator,
            Failure::limit(
                Limit::MimeDepth,
                format!(
                    "MIME parts nested deeper than {}; the deeper parts were not searched",
                    ctx.limits().max_mime_depth
                ),
            ),
        );
    }

    for (n, &id) in message.attachments.iter().enumerate() {
        if !reachable.allowed.get(id as usize).copied().unwrap_or(false) {
            continue;
        }
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        let Some(attachment) = attachment_of(part, raw, n + 1) else {
            continue;
        };
        ctx.extract_child_as(
            node,
            &record_id,
            &format!("attachment {}", attachment.name),
            &attachment.sniff_name,
            &attachment.bytes,
            attachment.is_message.then_some(Format::Eml),
        );
    }
    Ok(())
}

/// The message with its top-level header block in UTF-8.
///
/// Old mailers put raw 8-bit names in headers (`To: J\xfcrgen`), which
/// mail-parser reads as UTF-8 and turns into replacement characters: a name
/// lost to search. Such a header block is decoded with the charset the
/// message declares (`charset=` in its Content-Type), else the one
/// `chardetng` guesses, and put back in front of the untouched body.
fn utf8_headers(raw: &[u8]) -> Cow<'_, [u8]> {
    // The header block ends at the first empty line (LF or CRLF).
    let end = raw
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .find(|&i| matches!(raw.get(i..), Some([b'\n', ..]) | Some([b'\r', b'\n', ..])))
        .unwrap_or(raw.len());
    let (head, rest) = raw.split_at(end.min(raw.len()));
    if std::str::from_utf8(head).is_ok() {
        return Cow::Borrowed(raw);
    }
    let lower = head.to_ascii_lowercase();
    let declared = lower
        .windows(8)
        .position(|w| w == b"charset=")
        .and_then(|p| lower.get(p + 8..))
        .map(|v| {
            v.iter()
                .copied()
                .skip_while(|&b| b == b'"')
                .take_while(|&b| {
                    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b':' || b == b'.'
                })
                .collect::<Vec<u8>>()
        })
        .and_then(|label| encoding_rs::Encoding::for_label(&label))
        .filter(|e| *e != encoding_rs::UTF_8);
    let text = match declared {
        Some(enc) => enc.decode_without_bom_handling(head).0.into_owned(),
        None => crate::text::decode(head),
    };
    let mut out = Vec::with_capacity(text.len() + rest.len());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(rest);
    Cow::Owned(out)
}

/// A record for bytes mail-parser found no header in: the decoded bytes are
/// still searchable, so they are kept as the body.
fn unparsed_record(ctx: &Ctx<'_>, node: &Node<'_>, raw: &[u8], format: Format) -> Record {
    let mut record = ctx.record_for(node, Kind::Email);
    record
        .meta
        .insert(metakey::FORMAT.into(), format.name().to_owned());
    record
        .meta
        .insert(metakey::PARSE.into(), "no_headers".into());
    let text = crate::text::decode(raw);
    // An mbox member without headers starts with the blank line that ends
    // its (empty) header block.
    record.text = text.trim_start_matches(['\r', '\n']).to_owned();
    record
}

// ---------------------------------------------------------------- envelope

/// Writes the envelope lines and fills title, parties and dates.
fn envelope(message: &Message<'_>, raw: &[u8], record: &mut Record) -> String {
    let mut text = String::new();
    let from: Vec<String> = message.from().map(addresses).unwrap_or_default();
    let to: Vec<String> = message.all_to().flat_map(addresses).collect();
    let cc: Vec<String> = message.all_cc().flat_map(addresses).collect();
    let bcc: Vec<String> = message.all_bcc().flat_map(addresses).collect();
    for (label, list) in [("From", &from), ("To", &to), ("Cc", &cc), ("Bcc", &bcc)] {
        if !list.is_empty() {
            text.push_str(label);
            text.push_str(": ");
            text.push_str(&list.join(", "));
            text.push('\n');
        }
    }
    if let Some(date) = date_line(message, raw) {
        text.push_str("Date: ");
        text.push_str(&date);
        text.push('\n');
    }
    let subject = message.subject().map(one_line).unwrap_or_default();
    if !subject.is_empty() {
        text.push_str("Subject: ");
        text.push_str(&subject);
        text.push('\n');
        record.title = subject;
    }
    if let Some(dt) = message.date().filter(|d| d.is_valid()) {
        let utc = mail_parser::DateTime::from_timestamp(dt.to_timestamp());
        record.dates.sent = Some(utc.to_rfc3339());
    }
    record.parties.from = from;
    record.parties.to = to;
    record.parties.cc = cc;
    record.parties.bcc = bcc;
    text
}

/// Addresses as `"Display Name" <local@domain>`, the name kept as written
/// (decoded from RFC 2047), or the bare address or name when only one is
/// known. Group names are dropped; their members are kept.
fn addresses(address: &Address<'_>) -> Vec<String> {
    address
        .iter()
        .filter_map(|a| {
            let name = a.name().map(one_line).filter(|n| !n.is_empty());
            let addr = a.address().map(str::trim).filter(|s| !s.is_empty());
            match (name, addr) {
                (Some(n), Some(a)) if n != a => Some(format!("\"{n}\" <{a}>")),
                (_, Some(a)) => Some(a.to_owned()),
                (Some(n), None) => Some(format!("\"{n}\"")),
                (None, None) => None,
            }
        })
        .collect()
}

/// The Date header as written (unfolded), or rebuilt from the parsed date.
fn date_line(message: &Message<'_>, raw: &[u8]) -> Option<String> {
    let root = message.parts.first()?;
    let header = root.headers.iter().find(|h| h.name == HeaderName::Date)?;
    let written = raw
        .get(header.offset_start as usize..header.offset_end as usize)
        .map(|b| one_line(&String::from_utf8_lossy(b)))
        .filter(|s| !s.is_empty());
    written.or_else(|| header.value.as_datetime().map(|d| d.to_rfc822()))
}

/// White space (including folding) collapsed to single spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fill_thread_meta(message: &Message<'_>, record: &mut Record, body: &str) {
    let message_id = message.message_id().map(|id| format!("<{}>", id.trim()));
    let ids = |v: &mail_parser::HeaderValue<'_>| -> Option<String> {
        let list: Vec<String> = match v {
            mail_parser::HeaderValue::Text(t) => vec![format!("<{}>", t.trim())],
            mail_parser::HeaderValue::TextList(l) => {
                l.iter().map(|t| format!("<{}>", t.trim())).collect()
            }
            _ => Vec::new(),
        };
        (!list.is_empty()).then(|| list.join(" "))
    };
    let in_reply_to = ids(message.in_reply_to());
    let references = ids(message.references());
    let subject = message.subject();
    let thread = crate::thread::thread_key(
        message_id.as_deref(),
        in_reply_to.as_deref(),
        references.as_deref(),
        None,
        subject,
    );
    let dedup = crate::thread::dedup_key(message_id.as_deref(), subject.unwrap_or(""), body);
    for (key, value) in [
        (metakey::MESSAGE_ID, message_id),
        (metakey::IN_REPLY_TO, in_reply_to),
        (metakey::REFERENCES, references),
        (metakey::THREAD, (!thread.is_empty()).then_some(thread)),
        (metakey::DEDUP_KEY, Some(dedup)),
    ] {
        if let Some(v) = value {
            record.meta.insert(key.to_owned(), v);
        }
    }
}

// -------------------------------------------------------------------- body

/// Which parts may be used, and whether some were cut off for depth.
struct Reachable {
    allowed: Vec<bool>,
    cut: bool,
}

/// Marks the parts within `max_depth` levels of multipart nesting.
/// mail-parser itself walks MIME trees without recursion, so only our use of
/// the tree needs the limit.
fn mime_depths(message: &Message<'_>, max_depth: usize) -> Reachable {
    let n = message.parts.len();
    let mut allowed = vec![false; n];
    let mut seen = vec![false; n];
    let mut cut = false;
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    while let Some((id, depth)) = stack.pop() {
        match seen.get_mut(id) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        if depth > max_depth {
            // Still walked (iteratively), so that the parts below are known
            // to be nested rather than stray.
            cut = true;
        } else if let Some(a) = allowed.get_mut(id) {
            *a = true;
        }
        if let Some(PartType::Multipart(children)) = message.parts.get(id).map(|p| &p.body) {
            stack.extend(children.iter().map(|&c| (c as usize, depth + 1)));
        }
    }
    // Parts mail-parser lists but that hang off no multipart (recovered
    // fragments of a broken message) are kept: they are not nested at all.
    for (id, s) in seen.iter().enumerate() {
        if !s {
            if let Some(a) = allowed.get_mut(id) {
                *a = true;
            }
        }
    }
    Reachable { allowed, cut }
}

/// The body: plain-text parts in order, HTML parts as visible text where
/// they stand in for plain text, then HTML alternatives that say more than
/// the plain text does.
fn body_text(message: &Message<'_>, raw: &[u8], allowed: &[bool]) -> String {
    let usable = |id: u32| allowed.get(id as usize).copied().unwrap_or(false);
    let mut body = String::new();
    let mut used: HashSet<u32> = HashSet::new();
    for &id in message.text_body.iter().filter(|&&id| usable(id)) {
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        let piece = match &part.body {
            PartType::Text(t) => plain_text(part, t, raw),
            PartType::Html(h) => Cow::Owned(crate::html::to_text(h)),
            _ => continue,
        };
        used.insert(id);
        push_block(&mut body, piece.trim_end());
    }
    for &id in message
        .html_body
        .iter()
        .filter(|&&id| usable(id) && !used.contains(&id))
    {
        let Some(PartType::Html(h)) = message.parts.get(id as usize).map(|p| &p.body) else {
            continue;
        };
        let visible = crate::html::to_text(h);
        if says_more(&visible, &body) {
            push_block(&mut body, visible.trim_end());
        }
    }
    body
}

fn push_block(body: &mut String, piece: &str) {
    if piece.trim().is_empty() {
        return;
    }
    if !body.is_empty() {
        body.push_str("\n\n");
    }
    body.push_str(piece);
}

/// A text part's text. mail-parser decodes a part without a charset as
/// UTF-8 with replacement characters; raw 8-bit text in a legacy charset
/// (common in old mail) is decoded again with charset detection instead.
fn plain_text<'t>(part: &MessagePart<'_>, text: &'t str, raw: &[u8]) -> Cow<'t, str> {
    let declared = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .is_some();
    if declared || part.encoding != Encoding::None || !text.contains('\u{FFFD}') {
        return Cow::Borrowed(text);
    }
    match raw.get(part.offset_body as usize..part.offset_end as usize) {
        Some(bytes) => Cow::Owned(crate::text::decode(bytes)),
        None => Cow::Borrowed(text),
    }
}

/// True when `alternative` has a word that `body` lacks: the HTML version of
/// a message then shows a recipient something the plain version does not.
fn says_more(alternative: &str, body: &str) -> bool {
    let words = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let have = words(body);
    words(alternative).iter().any(|w| !have.contains(w))
}

// ------------------------------------------------------------- attachments

struct Attachment<'m> {
    /// Name for the locator (`attachment <name>`), free of `/`.
    name: String,
    /// Name given to the sniffer (an attached message always ends in `.eml`).
    sniff_name: String,
    bytes: Cow<'m, [u8]>,
    is_message: bool,
}

/// The name and bytes of attachment number `n` (1-based), or `None` for a
/// part with nothing in it.
fn attachment_of<'m>(part: &'m MessagePart<'m>, raw: &'m [u8], n: usize) -> Option<Attachment<'m>> {
    let ctype = part.content_type();
    let is_rfc822 = ctype.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct.subtype().is_some_and(|s| {
                s.eq_ignore_ascii_case("rfc822") || s.eq_ignore_ascii_case("global")
            })
    });
    let (bytes, is_message): (Cow<'m, [u8]>, bool) = match &part.body {
        PartType::Message(m) => {
            // An unencoded attached message lies in the parent's bytes (and
            // mail-parser's copy is the whole parent); an encoded one was
            // decoded into its own buffer.
            let own = if part.encoding == Encoding::None {
                raw.get(part.offset_body as usize..part.offset_end as usize)
                    .filter(|b| !b.is_empty())
            } else {
                None
            };
            (Cow::Borrowed(own.unwrap_or_else(|| m.raw_message())), true)
        }
        PartType::Text(t) | PartType::Html(t) => (Cow::Borrowed(t.as_bytes()), is_rfc822),
        PartType::Binary(b) | PartType::InlineBinary(b) => (Cow::Borrowed(b.as_ref()), is_rfc822),
        PartType::Multipart(_) => return None,
    };
    if bytes.is_empty() {
        return None;
    }
    let written = part.attachment_name().map(one_line).unwrap_or_default();
    let safe: String = written
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let safe = safe.trim().to_owned();
    let name = if !safe.is_empty() {
        safe
    } else if is_message {
        "message.eml".to_owned()
    } else {
        format!("part {n}.{}", extension_for(part))
    };
    let sniff_name = if is_message && !name.to_ascii_lowercase().ends_with(".eml") {
        format!("{name}.eml")
    } else {
        name.clone()
    };
    Some(Attachment {
        name,
        sniff_name,
        bytes,
        is_message,
    })
}

/// A file extension for an unnamed part, from its MIME type.
fn extension_for(part: &MessagePart<'_>) -> &'static str {
    let Some(ct) = part.content_type() else {
        return if part.is_text() { "txt" } else { "bin" };
    };
    let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
    match (ct.ctype().to_ascii_lowercase().as_str(), sub.as_str()) {
        ("text", "html") => "html",
        ("text", "csv") => "csv",
        ("text", "calendar") => "ics",
        ("text", "rtf") | ("application", "rtf") => "rtf",
        ("text", _) => "txt",
        ("image", "png") => "png",
        ("image", "jpeg") | ("image", "jpg") => "jpg",
        ("image", "gif") => "gif",
        ("image", _) => "img",
        ("application", "pdf") => "pdf",
        ("application", "zip") => "zip",
        ("application", "ms-tnef") | ("application", "vnd.ms-tnef") => "dat",
        _ => "bin",
    }
}

// -------------------------------------------------------------------- EMLX

/// The RFC 822 message inside an `.emlx`: a first line with its length in
/// bytes, the message, then an XML property list (ignored).
fn emlx_message(bytes: &[u8]) -> &[u8] {
    let Some(nl) = bytes.iter().position(|&b| b == b'\n') else {
        return bytes;
    };
    let count = bytes
        .get(..nl)
        .and_then(|l| std::str::from_utf8(l).ok())
        .and_then(|l| l.trim().parse::<usize>().ok());
    let rest = bytes.get(nl + 1..).unwrap_or_default();
    match count {
        Some(c) => rest.get(..c.min(rest.len())).unwrap_or(rest),
        None => bytes,
    }
}

// -------------------------------------------------------------------- mbox

fn extract_mbox(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let messages = split_mbox(node.bytes);
    let mut record = ctx.record_for(node, Kind::Archive);
    record
        .meta
        .insert(metakey::FORMAT.into(), Format::Mbox.name().to_owned());
    record
        .meta
        .insert("messages".into(), messages.len().to_string());
    let id = record.id.clone();
    ctx.emit(record);
    for (n, range) in messages.into_iter().enumerate() {
        ctx.check_time()?;
        let bytes = node.bytes.get(range).unwrap_or_default();
        let message = unquote_from(bytes);
        ctx.extract_child_as(
            node,
            &id,
            &format!("message {}", n + 1),
            "message.eml",
            &message,
            Some(Format::Eml),
        );
    }
    Ok(())
}

/// Byte ranges of the messages in an mbox, without their `From ` lines and
/// the blank line that precedes the next one. A `From ` line counts as a
/// separator at the start of the file, or when it carries the `hh:mm` time
/// of its asctime date (mboxo writers quote body lines that start with
/// `From `, but not every writer does, and body lines rarely carry a time).
/// A file with no separator is one message.
fn split_mbox(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut starts: Vec<(usize, usize)> = Vec::new(); // (line start, body start)
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr_nl(bytes, pos);
        let line = bytes.get(pos..end).unwrap_or_default();
        if line.starts_with(b"From ") && (pos == 0 || has_time(line)) {
            starts.push((pos, (end + 1).min(bytes.len())));
        }
        pos = end + 1;
    }
    if starts.is_empty() {
        let whole = 0..bytes.len();
        return if bytes.is_empty() {
            Vec::new()
        } else {
            vec![whole]
        };
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &(_, body)) in starts.iter().enumerate() {
        let mut end = starts.get(i + 1).map_or(bytes.len(), |&(line, _)| line);
        // The newline ending the last body line belongs to the message; the
        // blank line before the next `From ` is the separator's.
        if starts.get(i + 1).is_some() {
            if bytes.get(..end).is_some_and(|b| b.ends_with(b"\r\n\r\n")) {
                end -= 2;
            } else if bytes.get(..end).is_some_and(|b| b.ends_with(b"\n\n")) {
                end -= 1;
            }
        }
        out.push(body..end.max(body));
    }
    out
}

fn memchr_nl(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |p| from + p)
}

fn has_time(line: &[u8]) -> bool {
    line.windows(5).any(|w| {
        w.first().is_some_and(u8::is_ascii_digit)
            && w.get(1).is_some_and(u8::is_ascii_digit)
            && w.get(2) == Some(&b':')
            && w.get(3).is_some_and(u8::is_ascii_digit)
            && w.get(4).is_some_and(u8::is_ascii_digit)
    })
}

/// Undoes mbox `From ` quoting: a line `>From `, `>>From ` ... loses one `>`
/// (mboxrd; for mboxo it restores the only level there is). Copies only
/// when a quoted line is present.
fn unquote_from(message: &[u8]) -> Cow<'_, [u8]> {
    let quoted_at = |pos: usize| -> bool {
        let rest = message.get(pos..).unwrap_or_default();
        let gt = rest.iter().take_while(|&&b| b == b'>').count();
        gt > 0 && rest.get(gt..).is_some_and(|r| r.starts_with(b"From "))
    };
    let mut line_starts = std::iter::once(0).chain(
        message
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    if !line_starts.any(quoted_at) {
        return Cow::Borrowed(message);
    }
    let mut out = Vec::with_capacity(message.len());
    let mut pos = 0;
    while pos < message.len() {
        let end = (memchr_nl(message, pos) + 1).min(message.len());
        let line = message.get(pos..end).unwrap_or_default();
        if quoted_at(pos) {
            out.extend_from_slice(line.get(1..).unwrap_or_default());
        } else {
            out.extend_from_slice(line);
        }
        pos = end;
    }
    Cow::Owned(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor, Limits};
    use sarx_model::Reason;

    fn run(name: &str, bytes: &[u8]) -> Collected {
        let mut out = Collected::default();
        Extractor::new(Limits::default()).extract_bytes(name, name, bytes, &mut out);
        out
    }

    const WITH_ATTACHMENT: &str = "From: \"Jo Bloggs\" <jo@example.org>\r\n\
To: Sam Smith <sam@example.net>, pat@example.com\r\n\
Cc: =?ISO-8859-1?Q?Ren=E9e_Dupr=E9?= <renee@example.org>\r\n\
Date: Fri, 14 Mar 2025 09:30:00 +0100\r\n\
Subject: Repairs at =?UTF-8?Q?Flat_3?=\r\n\
Message-ID: <abc@example.org>\r\n\
In-Reply-To: <parent@example.org>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
The boiler was fixed.\r\n\
--b1\r\n\
Content-Type: text/plain; name=\"notes.txt\"\r\n\
Content-Disposition: attachment; filename*=iso-8859-1''caf%E9%20notes.txt\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
VGVuYW50IHJlcG9ydGVkIGRhbXAu\r\n\
--b1--\r\n";

    #[test]
    fn eml_envelope_body_and_attachment() {
        let out = run("a.eml", WITH_ATTACHMENT.as_bytes());
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        assert_eq!(out.records.len(), 2);
        let m = &out.records[0];
        assert_eq!(m.kind, Kind::Email);
        assert_eq!(m.title, "Repairs at Flat 3");
        assert!(
            m.text.starts_with(
                "From: \"Jo Bloggs\" <jo@example.org>\n\
                 To: \"Sam Smith\" <sam@example.net>, pat@example.com\n\
                 Cc: \"Renée Dupré\" <renee@example.org>\n\
                 Date: Fri, 14 Mar 2025 09:30:00 +0100\n\
                 Subject: Repairs at Flat 3\n\nThe boiler was fixed."
            ),
            "{}",
            m.text
        );
        assert_eq!(m.parties.from, vec!["\"Jo Bloggs\" <jo@example.org>"]);
        assert_eq!(m.parties.to.len(), 2);
        assert_eq!(m.parties.cc, vec!["\"Renée Dupré\" <renee@example.org>"]);
        assert_eq!(m.dates.sent.as_deref(), Some("2025-03-14T08:30:00Z"));
        assert_eq!(
            m.meta.get(metakey::MESSAGE_ID).map(String::as_str),
            Some("<abc@example.org>")
        );
        assert_eq!(
            m.meta.get(metakey::IN_REPLY_TO).map(String::as_str),
            Some("<parent@example.org>")
        );
        assert_eq!(
            m.meta.get(metakey::THREAD).map(String::as_str),
            Some("id:parent@example.org")
        );
        assert!(m
            .meta
            .get(metakey::DEDUP_KEY)
            .is_some_and(|k| k.starts_with("mid:abc@example.org#")));
        let a = &out.records[1];
        assert_eq!(a.locator, "attachment café notes.txt");
        assert_eq!(a.parent.as_ref(), Some(&m.id));
        assert_eq!(a.text, "Tenant reported damp.");
    }

    #[test]
    fn attached_message_is_a_child_email() {
        let inner = "From: a@example.org\r\nSubject: Inner\r\n\r\nInner body\r\n";
        let outer = format!(
            "From: b@example.org\r\nSubject: Outer\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n\
             --x\r\nContent-Type: text/plain\r\n\r\nSee below\r\n\
             --x\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--x--\r\n"
        );
        let out = run("o.eml", outer.as_bytes());
        assert_eq!(out.records.len(), 2, "{:?}", out.records);
        let child = &out.records[1];
        assert_eq!(child.locator, "attachment message.eml");
        assert_eq!(child.kind, Kind::Email);
        assert_eq!(child.title, "Inner");
        assert!(child.text.contains("Inner body"));
        assert!(!out.records[0].text.contains("Inner body"));
    }

    #[test]
    fn html_only_and_html_alternative() {
        let html_only =
            "From: a@example.org\r\nContent-Type: text/html\r\n\r\n<p>Hello <b>there</b></p>\r\n";
        let out = run("h.eml", html_only.as_bytes());
        assert!(out.records[0].text.contains("Hello"));

        let alt = "From: a@example.org\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n\
                   --q\r\nContent-Type: text/plain\r\n\r\nShort version\r\n\
                   --q\r\nContent-Type: text/html\r\n\r\n<p>Short version with Janet's phone 07700 900123</p>\r\n--q--\r\n";
        let out = run("alt.eml", alt.as_bytes());
        assert!(out.records[0].text.contains("Short version"));
        assert!(
            out.records[0].text.contains("07700 900123"),
            "{}",
            out.records[0].text
        );
        assert_eq!(out.records.len(), 1);
    }

    #[test]
    fn raw_latin1_headers_are_decoded() {
        let m = b"From: J\xfcrgen Schm\xfcrgen <j@example.org>\r\nSubject: Gr\xfc\xdfe\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\r\nK\xe4se\r\n";
        let out = run("l.eml", m);
        let r = &out.records[0];
        assert_eq!(r.parties.from, vec!["\"Jürgen Schmürgen\" <j@example.org>"]);
        assert_eq!(r.title, "Grüße");
        assert!(r.text.ends_with("Käse"), "{}", r.text);
    }

    #[test]
    fn says_more_compares_words() {
        assert!(!says_more("Hello,  there!", "hello there"));
        assert!(says_more("Hello there Janet", "hello there"));
    }

    #[test]
    fn garbage_still_becomes_a_record() {
        let out = run("bad.eml", b"Subject: =?none?Q?x?=\r\n\r\nhi\r\n");
        assert_eq!(out.records.len(), 1);
        let out = run("x.eml", b"garbage with no headers at all");
        assert_eq!(out.records.len(), 1, "{:?}", out.unsearchable);
        assert!(out.records[0].text.contains("garbage"));
    }

    #[test]
    fn mbox_splits_and_unquotes() {
        let mbox = b"From jo@example.org Mon Jun 01 10:00:00 2009\n\
From: jo@example.org\nSubject: one\n\nFirst\n>From the desk of Jo\n>>From here\n\n\
From sam@example.org Mon Jun 01 11:00:00 2009\n\
From: sam@example.org\nSubject: two\n\nSecond\nFrom what I hear, fine\n\n\
From pat@example.org Tue Jun 02 09:15:00 2009\n\
From: pat@example.org\nSubject: three\n\nThird\n";
        let out = run("box.mbox", mbox);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        assert_eq!(out.records.len(), 4);
        assert_eq!(out.records[0].kind, Kind::Archive);
        let locs: Vec<&str> = out.records.iter().map(|r| r.locator.as_str()).collect();
        assert_eq!(locs, ["", "message 1", "message 2", "message 3"]);
        assert!(
            out.records[1]
                .text
                .contains("\nFrom the desk of Jo\n>From here"),
            "{}",
            out.records[1].text
        );
        assert!(out.records[2].text.contains("From what I hear, fine"));
        assert_eq!(out.records[3].title, "three");
        assert!(out.records[1..]
            .iter()
            .all(|r| r.parent.as_ref() == Some(&out.records[0].id)));
    }

    #[test]
    fn emlx_reads_the_counted_message() {
        let msg = "From: a@example.org\nSubject: Apple\n\nBody here\n";
        let emlx = format!(
            "{}\n{msg}<?xml version=\"1.0\"?><plist><dict></dict></plist>",
            msg.len()
        );
        let out = run("1.emlx", emlx.as_bytes());
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.records[0].title, "Apple");
        assert!(!out.records[0].text.contains("plist"));
    }

    #[test]
    fn deep_mime_is_cut_and_reported() {
        let mut m = String::from(
            "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n",
        );
        let depth = 50;
        for i in 1..depth {
            m.push_str(&format!(
                "--b{}\r\nContent-Type: multipart/mixed; boundary=b{i}\r\n\r\n",
                i - 1
            ));
        }
        m.push_str(&format!(
            "--b{}\r\nContent-Type: text/plain\r\n\r\ndeep text\r\n",
            depth - 1
        ));
        for i in (0..depth).rev() {
            m.push_str(&format!("--b{i}--\r\n"));
        }
        let out = run("deep.eml", m.as_bytes());
        assert_eq!(out.records.len(), 1);
        assert!(!out.records[0].text.contains("deep text"));
        assert!(out
            .unsearchable
            .iter()
            .any(|u| u.reason == Reason::LimitExceeded(Limit::MimeDepth)));
    }
}
