//! Outlook `.msg`/`.oft` files: a compound file (CFB) whose storages hold
//! the message's properties (`__substg1.0_IIIITTTT` streams and the
//! fixed-size `__properties_version1.0` table), its recipient rows and its
//! attachments, an embedded message being a nested storage. Read here into
//! an [`Item`] and emitted by [`super::emit`].

use std::io::{Cursor, Read};

use sarx_model::Limit;

use super::emit::{emit_item, Place};
use super::mapi::{
    attachment_name, decode_utf16le, missing_data, tag, AttachData, Attachment, Item, Props,
    Recipient, Value,
};
use super::MAX_MSG_NESTING;
use crate::{Ctx, Failure, Node, Result};

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
        item.recipients.push(Recipient::from_props(&rp));
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor, Limits};
    use proptest::prelude::*;
    use sarx_model::metakey;
    use sarx_model::Kind;
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
            top.meta.get(metakey::MESSAGE_ID).map(String::as_str),
            Some("<abc@example.org>")
        );
        assert_eq!(
            top.meta.get(metakey::THREAD).map(String::as_str),
            Some("id:abc@example.org")
        );
        assert!(top
            .meta
            .get(metakey::DEDUP_KEY)
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
    }
}
