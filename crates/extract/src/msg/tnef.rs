//! TNEF streams (`winmail.dat`, `application/ms-tnef`): a magic number,
//! then attributes (level, id, length, data, checksum). The message's MAPI
//! properties, recipient table and per-attachment properties sit in
//! property blocks, all read by one parser ([`property_block`]); legacy
//! attributes (subject, body, dates) fill what the blocks lack. Read here
//! into an [`Item`] and emitted by [`super::emit`].
//!
//! TNEF is parsed here attribute by attribute with bounds checks: the
//! `tnef` crate (0.1) only unpacks attachments that carry every optional
//! attribute, rejects unknown attribute ids, and does not read the MAPI
//! property blocks that hold the body, sender and embedded messages.

use sarx_model::{Limit, Reason};

use super::emit::{emit_item, Place};
use super::mapi::{
    attachment_name, decode_utf16le, missing_data, tag, AttachData, Attachment, Item, Props,
    Recipient, Value,
};
use super::MAX_MSG_NESTING;
use crate::{Ctx, Failure, Node, Result};

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

/// Parses a TNEF MAPI property block that fills its attribute
/// (`attMsgProps`, `attAttachment`).
fn mapi_props(data: &[u8]) -> Result<Props> {
    property_block(data, "TNEF property block is malformed").map(|(props, _)| props)
}

/// The one TNEF MAPI property block parser, for every place a block
/// appears: an attribute holding one block (`attMsgProps`,
/// `attAttachment`) and the rows of `attRecipTable`, which are blocks laid
/// end to end with no length of their own (the caller advances by the
/// bytes used, returned with the properties).
///
/// A block is a `u32` count, then per property a type and an id (`u16`
/// each), for a named property (id ≥ 0x8000) its set GUID and numeric id or
/// padded UTF-16 name, then the value: for multi-valued and variable-length
/// types a `u32` count of values, each variable value a `u32` length and
/// bytes padded to 4. Values of multi-valued properties are walked over but
/// not kept; of a repeated property the first is kept.
///
/// A count larger than the properties present stops at the end of the
/// data with what was read; a property cut short, or a value of a type of
/// unknown size, fails with `what` as the detail.
fn property_block(data: &[u8], what: &'static str) -> Result<(Props, usize)> {
    let mut rd = Rd::new(data);
    let bad = || Failure::corrupt(what);
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
        // Bytes per fixed-size value; `None` for a type of unknown size,
        // an error only once a value of it has to be read.
        let size: Option<usize> = match base {
            0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => Some(4),
            0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => Some(8),
            0x0048 => Some(16),
            0x0001 => Some(0),
            _ => None,
        };
        let n = if multi || variable {
            rd.u32().ok_or_else(bad)?
        } else {
            1
        };
        if !variable && size == Some(0) {
            // PT_NULL values take no bytes and yield nothing: a count of
            // them (up to 2^32 - 1 from the data) is not walked one by one.
            continue;
        }
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
                let b = rd.take(size.ok_or_else(bad)?).ok_or_else(bad)?;
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
    Ok((props, rd.pos))
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
        let (mut props, used) = property_block(rest, "TNEF recipient row is malformed")?;
        rd.pos = rd.pos.saturating_add(used);
        props.settle_codepage(cp);
        out.push(Recipient::from_props(&props));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor, Limits};
    use proptest::prelude::*;

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

    /// A `PT_STRING8` property as it sits in a TNEF property block.
    fn str8_prop(id: u16, s: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&0x001Eu16.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
        v.extend_from_slice(&1u32.to_le_bytes());
        v.extend_from_slice(&(s.len() as u32).to_le_bytes());
        v.extend_from_slice(s);
        v.resize(v.len() + (4 - s.len() % 4) % 4, 0);
        v
    }

    /// A property block: the count it declares, then the properties.
    fn block(count: u32, props: &[Vec<u8>]) -> Vec<u8> {
        let mut v = count.to_le_bytes().to_vec();
        for p in props {
            v.extend_from_slice(p);
        }
        v
    }

    /// A TNEF stream holding just a recipient table with `rows`.
    fn tnef_with_recipients(declared_rows: u32, rows: &[Vec<u8>]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&TNEF_MAGIC.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes());
        let mut table = declared_rows.to_le_bytes().to_vec();
        for r in rows {
            table.extend_from_slice(r);
        }
        tnef_attr(&mut v, 1, ATT_RECIP_TABLE, &table);
        v
    }

    fn row(name: &str, smtp: &str) -> Vec<Vec<u8>> {
        vec![
            str8_prop(tag::DISPLAY_NAME, format!("{name}\0").as_bytes()),
            str8_prop(tag::SMTP_ADDRESS, format!("{smtp}\0").as_bytes()),
        ]
    }

    #[test]
    fn recipient_rows_laid_end_to_end_each_advance_by_what_they_used() {
        let rows = [
            block(2, &row("Sam Okoro", "sam@example.net")),
            block(2, &row("Ana Diaz", "ana@example.net")),
        ];
        let item = read_tnef(&tnef_with_recipients(2, &rows), 0, 4).unwrap();
        let got: Vec<(&str, &str)> = item
            .recipients
            .iter()
            .map(|r| (r.name.as_str(), r.email.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Sam Okoro", "sam@example.net"),
                ("Ana Diaz", "ana@example.net")
            ]
        );
    }

    /// The recipient-row walk used to fail the whole stream when a row
    /// declared more properties than the data held; the block parser for
    /// `attMsgProps` stopped at the end of the data. One parser now does
    /// the latter for both.
    #[test]
    fn a_last_recipient_row_declaring_too_many_properties_keeps_what_it_has() {
        let rows = [block(5, &row("Sam Okoro", "sam@example.net"))];
        let item = read_tnef(&tnef_with_recipients(1, &rows), 0, 4).unwrap();
        assert_eq!(item.recipients.len(), 1);
        assert_eq!(item.recipients[0].email, "sam@example.net");

        let msg_props = block(5, &[str8_prop(tag::SUBJECT, b"Rent\0")]);
        let props = mapi_props(&msg_props).unwrap();
        assert_eq!(props.text(tag::SUBJECT).as_deref(), Some("Rent"));
    }

    #[test]
    fn a_row_cut_inside_a_property_is_malformed_wherever_the_block_is() {
        let mut cut = block(2, &row("Sam Okoro", "sam@example.net"));
        cut.truncate(cut.len() - 6);
        let err = read_tnef(&tnef_with_recipients(1, &[cut.clone()]), 0, 4).unwrap_err();
        assert_eq!(err.reason, Reason::Corrupt);
        assert_eq!(err.detail, "TNEF recipient row is malformed");
        let err = mapi_props(&cut).unwrap_err();
        assert_eq!(err.detail, "TNEF property block is malformed");
    }

    #[test]
    fn unknown_types_fail_only_when_a_value_of_them_is_read() {
        // Multi-valued, unknown base type 0x0999, zero values: skipped.
        let mut empty_mv = Vec::new();
        empty_mv.extend_from_slice(&0x1999u16.to_le_bytes());
        empty_mv.extend_from_slice(&0x0E1Du16.to_le_bytes());
        empty_mv.extend_from_slice(&0u32.to_le_bytes());
        let ok = block(2, &[empty_mv, str8_prop(tag::SUBJECT, b"Rent\0")]);
        let (props, used) = property_block(&ok, "x").unwrap();
        assert_eq!(props.text(tag::SUBJECT).as_deref(), Some("Rent"));
        assert_eq!(used, ok.len());
        // Single-valued unknown type: malformed.
        let mut one = Vec::new();
        one.extend_from_slice(&0x0999u16.to_le_bytes());
        one.extend_from_slice(&0x0E1Du16.to_le_bytes());
        one.extend_from_slice(&[0; 8]);
        assert!(property_block(&block(1, &[one]), "x").is_err());
    }

    #[test]
    fn a_huge_count_of_null_values_is_not_walked_one_by_one() {
        let mut nulls = Vec::new();
        nulls.extend_from_slice(&0x1001u16.to_le_bytes());
        nulls.extend_from_slice(&0x0E1Du16.to_le_bytes());
        nulls.extend_from_slice(&u32::MAX.to_le_bytes());
        let data = block(2, &[nulls, str8_prop(tag::SUBJECT, b"Rent\0")]);
        let started = std::time::Instant::now();
        let (props, _) = property_block(&data, "x").unwrap();
        assert_eq!(props.text(tag::SUBJECT).as_deref(), Some("Rent"));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
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
