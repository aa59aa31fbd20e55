//! Outlook PST/OST via `outlook-pst`, read through the file (never loaded
//! whole: the crate seeks to the pages and blocks it needs).
//!
//! The store becomes one [`Kind::Archive`] record (the file) with every item
//! of every folder below the IPM subtree as a child: e-mails, contacts,
//! appointments and notes/tasks (see [`crate::msg`] for the item model and
//! record layout). Locators are `<folder path>/<word> <n>`, e.g.
//! `Inbox/Repairs/message 14`, `Contacts/contact 2`,
//! `Calendar/appointment 1`, `Notes/note 1` (n counts items of that word
//! in that folder, 1-based, in the folder's contents-table order);
//! attachments add `/attachment <name>`. A `/` inside a folder name becomes
//! `_` so it cannot be mistaken for a level.
//!
//! Formats:
//! - Unicode PST (version 23) and ANSI PST (version 14/15);
//! - OST (Exchange offline store) of the same generation: it differs from a
//!   Unicode PST only in its header's client magic (`SO`) and client
//!   version. The reader presents the crate a header patched to the PST
//!   values with both header CRCs recomputed; every other byte is read
//!   unchanged. OST 2013+ (version 36, 4 KiB pages, compressed blocks) is
//!   reported Unsupported with that reason;
//! - a PST "password" is only a property (a CRC of the password) checked
//!   by Outlook's user interface: the data is not encrypted by it, so the
//!   store is read and the record says `meta.pst_password = set`.
//!
//! outlook-pst is vendored (`crates/extract/vendor/outlook-pst`) with two
//! small patches: upstream 1.2.0 cannot read a message that has no
//! sub-node tree (contacts and notes without recipients or attachments),
//! and hands out embedded messages only as `Rc<dyn Message>`, whose own
//! attachments then cannot be opened. With the patches, embedded messages
//! are read to any depth (bounded by the depth limit).

use sarx_model::metakey;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use outlook_pst::ltp::prop_context::PropertyValue;
use outlook_pst::ltp::table_context::TableContext;
use outlook_pst::messaging::attachment::{
    AnsiAttachment, Attachment as PstAttachment, AttachmentData, UnicodeAttachment,
};
use outlook_pst::messaging::folder::Folder;
use outlook_pst::messaging::message::{AnsiMessage, Message, UnicodeMessage};
use outlook_pst::messaging::store::{AnsiStore, EntryId, Store, UnicodeStore};
use outlook_pst::ndb::node_id::{NodeId, NodeIdType, NID_ROOT_FOLDER};
use outlook_pst::{AnsiPstFile, PstReader, UnicodePstFile};
use sarx_model::{Kind, Limit, Reason, Record};

use crate::msg::{self, AttachData, Attachment, Item, Place, Props, Recipient, Value};
use crate::{Ctx, Failure, Node, Result};

/// Folders nested deeper than this are not followed (a loop guard).
const MAX_FOLDER_DEPTH: usize = 64;

/// The NDB header's magic (`dwMagic`), shared by PST and OST files.
const PST_MAGIC: &[u8; 4] = b"!BDN";

/// True when `head`, a file's first bytes, starts with the PST/OST magic:
/// the one test of "is this a PST" (sniffing, opening on disk, the header
/// check before reading).
pub(crate) fn is_pst(head: &[u8]) -> bool {
    head.starts_with(PST_MAGIC)
}

/// True when the file at `path` starts with the PST/OST magic `!BDN`.
pub(crate) fn is_pst_path(path: &Path) -> bool {
    let mut head = [0u8; 4];
    match File::open(path) {
        Ok(mut f) => f.read_exact(&mut head).is_ok() && is_pst(&head),
        Err(_) => false,
    }
}

/// Extracts a PST/OST on disk, reading it through the file.
pub(crate) fn extract_path(ctx: &mut Ctx<'_>, path: &Path, size: u64) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let open = || -> Result<Box<dyn PstReader>> {
        let f = File::open(path).map_err(|e| {
            Failure::new(
                Reason::Unreadable,
                format!("could not read the file: {}", e.kind()),
            )
        })?;
        Ok(Box::new(BufReader::with_capacity(4 << 10, f)))
    };
    let node = Node {
        locator: "",
        name: &name,
        bytes: &[],
        parent: None,
        depth: 0,
    };
    extract_store(ctx, &node, size, &open)
}

/// Extracts a PST/OST held in memory (found inside an archive or attached
/// to a message). outlook-pst reads from any `Read + Seek`, so the bytes
/// are read through an in-memory cursor (the crate wants an owned,
/// `'static` reader, hence one copy).
pub(crate) fn extract_bytes(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let owned: Rc<[u8]> = Rc::from(node.bytes);
    let open =
        || -> Result<Box<dyn PstReader>> { Ok(Box::new(Cursor::new(RcBytes(owned.clone())))) };
    extract_store(ctx, node, node.bytes.len() as u64, &open)
}

/// Shared bytes usable as a `'static` cursor buffer.
struct RcBytes(Rc<[u8]>);

impl AsRef<[u8]> for RcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Which header the store has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Unicode,
    Ansi,
}

/// Reads and checks the NDB header; returns the flavour, whether it is an
/// OST, and (for an OST) the patched header bytes.
fn sniff_header(reader: &mut dyn PstReader) -> Result<(Flavour, bool, Option<Vec<u8>>)> {
    let mut head = vec![0u8; 564];
    reader.seek(SeekFrom::Start(0)).map_err(io_failure)?;
    let n = read_up_to(reader, &mut head).map_err(io_failure)?;
    head.truncate(n);
    if !is_pst(&head) {
        return Err(Failure::corrupt("not a PST/OST file"));
    }
    let client = head.get(8..10).ok_or_else(truncated)?;
    let version = head
        .get(10..12)
        .and_then(|b| b.try_into().ok())
        .map(u16::from_le_bytes)
        .ok_or_else(truncated)?;
    let ost = match client {
        b"SM" => false,
        b"SO" => true,
        b"AB" => {
            return Err(Failure::unsupported(
                "personal address books (.pab) are not supported",
            ))
        }
        _ => {
            return Err(Failure::corrupt(
                "PST header has an unknown client signature",
            ))
        }
    };
    let flavour = match version {
        14 | 15 => Flavour::Ansi,
        23 => Flavour::Unicode,
        36 => {
            return Err(Failure::unsupported(
                "OST files of Outlook 2013 and later (4 KiB pages, format version 36) are not supported by outlook-pst",
            ))
        }
        _ => return Err(Failure::unsupported("this PST/OST format version is not supported")),
    };
    if !ost {
        return Ok((flavour, false, None));
    }
    if flavour != Flavour::Unicode || head.len() < 528 {
        return Err(Failure::unsupported("ANSI OST files are not supported"));
    }
    Ok((flavour, true, Some(patch_ost_header(head))))
}

/// Rewrites an OST header as a PST header (client magic `SM`, client
/// version 19) and recomputes the partial and full header CRCs.
fn patch_ost_header(mut head: Vec<u8>) -> Vec<u8> {
    if let Some(m) = head.get_mut(8..10) {
        m.copy_from_slice(b"SM");
    }
    if let Some(v) = head.get_mut(12..14) {
        v.copy_from_slice(&19u16.to_le_bytes());
    }
    let partial = head.get(8..8 + 471).map(pst_crc).unwrap_or(0);
    let full = head.get(8..8 + 516).map(pst_crc).unwrap_or(0);
    if let Some(p) = head.get_mut(4..8) {
        p.copy_from_slice(&partial.to_le_bytes());
    }
    if let Some(p) = head.get_mut(524..528) {
        p.copy_from_slice(&full.to_le_bytes());
    }
    head
}

/// The MS-PST CRC: the reflected CRC-32 table with a zero start value and
/// no final inversion, i.e. the complement of a standard CRC-32 started
/// from all ones.
fn pst_crc(data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new_with_initial(0xFFFF_FFFF);
    h.update(data);
    !h.finalize()
}

/// A reader that serves a patched copy of the file's first bytes.
struct Patched {
    inner: Box<dyn PstReader>,
    head: Vec<u8>,
    pos: u64,
    synced: bool,
}

impl Read for Patched {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(rest) = usize::try_from(self.pos)
            .ok()
            .and_then(|p| self.head.get(p..))
        {
            if !rest.is_empty() {
                let n = rest.len().min(buf.len());
                buf.get_mut(..n)
                    .ok_or_else(|| io::Error::other("buffer"))?
                    .copy_from_slice(rest.get(..n).unwrap_or(&[]));
                self.pos += n as u64;
                self.synced = false;
                return Ok(n);
            }
        }
        if !self.synced {
            self.inner.seek(SeekFrom::Start(self.pos))?;
            self.synced = true;
        }
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Patched {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(p) => p,
            SeekFrom::Current(d) => self
                .pos
                .checked_add_signed(d)
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before start"))?,
            SeekFrom::End(d) => {
                let end = self.inner.seek(SeekFrom::End(0))?;
                self.synced = false;
                end.checked_add_signed(d).ok_or_else(|| {
                    io::Error::new(io::ErrorKind::InvalidInput, "seek before start")
                })?
            }
        };
        if new != self.pos {
            self.synced = false;
        }
        self.pos = new;
        Ok(new)
    }
}

fn read_up_to(r: &mut dyn PstReader, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        let Some(slot) = buf.get_mut(n..) else { break };
        match r.read(slot)? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn truncated() -> Failure {
    Failure::new(Reason::Truncated, "PST header is cut short")
}

fn io_failure(e: io::Error) -> Failure {
    match e.kind() {
        io::ErrorKind::UnexpectedEof => {
            Failure::new(Reason::Truncated, "PST file ends before its structure does")
        }
        _ => Failure::corrupt("PST structure could not be read"),
    }
}

fn extract_store(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    size: u64,
    open: &dyn Fn() -> Result<Box<dyn PstReader>>,
) -> Result<()> {
    let mut probe = open()?;
    let (flavour, ost, patched) = sniff_header(probe.as_mut())?;
    drop(probe);
    let reader = || -> Result<Box<dyn PstReader>> {
        let inner = open()?;
        Ok(match &patched {
            Some(head) => Box::new(Patched {
                inner,
                head: head.clone(),
                pos: 0,
                synced: false,
            }),
            None => inner,
        })
    };
    let format = if ost { "OST" } else { "PST" };
    match flavour {
        Flavour::Unicode => {
            let file = UnicodePstFile::read_from(reader()?).map_err(io_failure)?;
            let store = UnicodeStore::read(Rc::new(file)).map_err(io_failure)?;
            Walker::<UnicodeFlavour> {
                store,
                format,
                size,
                _f: Default::default(),
            }
            .run(ctx, node)
        }
        Flavour::Ansi => {
            let file = AnsiPstFile::read_from(reader()?).map_err(io_failure)?;
            let store = AnsiStore::read(Rc::new(file)).map_err(io_failure)?;
            Walker::<AnsiFlavour> {
                store,
                format,
                size,
                _f: Default::default(),
            }
            .run(ctx, node)
        }
    }
}

/// The concrete types of one store flavour (the crate's attachment reader
/// needs concrete message types).
trait StoreFlavour {
    type Store: Store + 'static;
    type Msg: Message + 'static;
    fn open_message(store: &Rc<Self::Store>, id: &EntryId) -> io::Result<Rc<Self::Msg>>;
    /// The attachment, and its embedded message with the concrete type.
    fn open_attachment(msg: &Rc<Self::Msg>, node: NodeId) -> io::Result<Opened<Self::Msg>>;
}

type Opened<M> = (Rc<dyn PstAttachment>, Option<Rc<M>>);

#[derive(Default)]
struct UnicodeFlavour;
#[derive(Default)]
struct AnsiFlavour;

impl StoreFlavour for UnicodeFlavour {
    type Store = UnicodeStore;
    type Msg = UnicodeMessage;
    fn open_message(store: &Rc<UnicodeStore>, id: &EntryId) -> io::Result<Rc<UnicodeMessage>> {
        UnicodeMessage::read(store.clone(), id, None)
    }
    fn open_attachment(
        msg: &Rc<UnicodeMessage>,
        node: NodeId,
    ) -> io::Result<Opened<UnicodeMessage>> {
        let a = UnicodeAttachment::read(msg.clone(), node, None)?;
        let embedded = a.embedded_message();
        Ok((a, embedded))
    }
}

impl StoreFlavour for AnsiFlavour {
    type Store = AnsiStore;
    type Msg = AnsiMessage;
    fn open_message(store: &Rc<AnsiStore>, id: &EntryId) -> io::Result<Rc<AnsiMessage>> {
        AnsiMessage::read(store.clone(), id, None)
    }
    fn open_attachment(msg: &Rc<AnsiMessage>, node: NodeId) -> io::Result<Opened<AnsiMessage>> {
        let a = AnsiAttachment::read(msg.clone(), node, None)?;
        let embedded = a.embedded_message();
        Ok((a, embedded))
    }
}

struct Walker<F: StoreFlavour> {
    store: Rc<F::Store>,
    format: &'static str,
    size: u64,
    _f: std::marker::PhantomData<F>,
}

impl<F: StoreFlavour> Walker<F> {
    fn run(&self, ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
        let mut rec: Record = Record::new(ctx.source(), node.locator, Kind::Archive);
        rec.parent = node.parent.cloned();
        rec.size = self.size;
        rec.title = node
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .to_owned();
        if !node.bytes.is_empty() {
            rec.content_hash = blake3::hash(node.bytes).to_hex().to_string();
        }
        rec.meta
            .insert(metakey::FORMAT.into(), self.format.to_owned());
        let props = self.store.properties();
        if let Some(PropertyValue::Integer32(v)) = props.get(msg::tag::PST_PASSWORD) {
            if *v != 0 && self.format == "PST" {
                // Not encryption: Outlook checks it in its UI only.
                rec.meta.insert(metakey::PST_PASSWORD.into(), "set".into());
            }
        }
        let id = rec.id.clone();
        ctx.emit(rec);

        // The IPM subtree ("Top of Personal Folders") holds the user's
        // folders. Some OSTs do not name it in the store properties: then
        // walk from the root folder (its "Top of ..." child is flattened).
        let root = match props.ipm_sub_tree_entry_id() {
            Ok(ipm) => self.store.open_folder(&ipm),
            Err(_) => props
                .make_entry_id(NID_ROOT_FOLDER)
                .and_then(|eid| self.store.open_folder(&eid))
                .map(|root| self.find_ipm_subtree(root.clone(), 0).unwrap_or(root)),
        }
        .map_err(io_failure)?;
        let parent_node = Node {
            locator: node.locator,
            name: node.name,
            bytes: &[],
            parent: Some(&id),
            depth: node.depth,
        };
        self.walk_folder(ctx, &parent_node, &id, root.as_ref(), "", 0)
    }

    /// The IPM subtree below `folder` (named `IPM_SUBTREE` in OSTs, `Top
    /// of ...` in PSTs), searched three levels deep.
    fn find_ipm_subtree(&self, folder: Rc<dyn Folder>, level: usize) -> Option<Rc<dyn Folder>> {
        let ids: Vec<u32> = folder
            .hierarchy_table()?
            .rows_matrix()
            .map(|r| u32::from(r.id()))
            .collect();
        let subs: Vec<Rc<dyn Folder>> = ids
            .into_iter()
            .filter(|raw| matches!(NodeId::from(*raw).id_type(), Ok(NodeIdType::NormalFolder)))
            .filter_map(|raw| {
                let eid = self
                    .store
                    .properties()
                    .make_entry_id(NodeId::from(raw))
                    .ok()?;
                self.store.open_folder(&eid).ok()
            })
            .collect();
        let has_folders = |f: &Rc<dyn Folder>| {
            f.hierarchy_table()
                .is_some_and(|h| h.rows_matrix().next().is_some())
        };
        let mut fallback = None;
        for sub in &subs {
            let name = sub.properties().display_name().unwrap_or_default();
            if name == "IPM_SUBTREE" || name.starts_with("Top of ") {
                // An OST also holds an (often empty) public-folder subtree.
                if has_folders(sub) {
                    return Some(sub.clone());
                }
                fallback = Some(sub.clone());
            }
        }
        if level < 2 {
            for sub in subs {
                match self.find_ipm_subtree(sub, level + 1) {
                    Some(found) if has_folders(&found) => return Some(found),
                    Some(found) => fallback = fallback.or(Some(found)),
                    None => {}
                }
            }
        }
        fallback
    }

    fn walk_folder(
        &self,
        ctx: &mut Ctx<'_>,
        base: &Node<'_>,
        store_id: &sarx_model::RecordId,
        folder: &dyn Folder,
        path: &str,
        level: usize,
    ) -> Result<()> {
        let mut counters: std::collections::HashMap<&'static str, usize> = Default::default();
        if let Some(table) = folder.contents_table() {
            let ids: Vec<u32> = table.rows_matrix().map(|r| u32::from(r.id())).collect();
            for raw in ids {
                ctx.check_time()?;
                let opened = self
                    .store
                    .properties()
                    .make_entry_id(NodeId::from(raw))
                    .and_then(|eid| F::open_message(&self.store, &eid));
                let (item, word) = match opened {
                    Ok(m) => {
                        let item = self.read_item(m, 0, ctx.limits().max_depth);
                        let word = msg::locator_word(item.kind());
                        (Some(item), word)
                    }
                    Err(_) => (None, "message"),
                };
                let n = counters.entry(word).or_insert(0);
                *n += 1;
                let part = if path.is_empty() {
                    format!("{word} {n}")
                } else {
                    format!("{path}/{word} {n}")
                };
                let locator = ctx.child_locator(base.locator, &part);
                match item {
                    Some(item) => {
                        let place = Place {
                            locator: &locator,
                            parent: Some(store_id),
                            depth: base.depth + 1,
                            folder: Some(path),
                            format: self.format,
                            raw: &[],
                            name: "",
                        };
                        msg::emit_item(ctx, &item, &place);
                    }
                    None => {
                        ctx.unsearchable(&locator, Failure::corrupt("PST item could not be read"))
                    }
                }
            }
        }
        let Some(hier) = folder.hierarchy_table() else {
            return Ok(());
        };
        if level >= MAX_FOLDER_DEPTH {
            ctx.unsearchable(
                base.locator,
                Failure::limit(
                    Limit::Depth,
                    format!("PST folders nested deeper than {MAX_FOLDER_DEPTH}"),
                ),
            );
            return Ok(());
        }
        let ids: Vec<u32> = hier.rows_matrix().map(|r| u32::from(r.id())).collect();
        for raw in ids {
            let nid = NodeId::from(raw);
            if matches!(nid.id_type(), Ok(NodeIdType::SearchFolder)) {
                continue; // search folders only point at items held elsewhere
            }
            let sub = self
                .store
                .properties()
                .make_entry_id(NodeId::from(raw))
                .and_then(|eid| self.store.open_folder(&eid));
            match sub {
                Ok(sub) => {
                    let name = sub
                        .properties()
                        .display_name()
                        .unwrap_or_else(|_| "folder".to_owned())
                        .replace('/', "_");
                    let sub_path = if path.is_empty() {
                        if level == 0 && name.starts_with("Top of ") {
                            String::new()
                        } else {
                            name
                        }
                    } else {
                        format!("{path}/{name}")
                    };
                    self.walk_folder(ctx, base, store_id, sub.as_ref(), &sub_path, level + 1)?;
                }
                Err(_) => {
                    let loc = if path.is_empty() {
                        "folder".to_owned()
                    } else {
                        format!("{path}/folder")
                    };
                    let loc = ctx.child_locator(base.locator, &loc);
                    ctx.unsearchable(&loc, Failure::corrupt("PST folder could not be read"));
                }
            }
        }
        Ok(())
    }

    /// Reads a message with its attachments; embedded messages are read
    /// recursively up to `max_nesting` levels.
    fn read_item(&self, m: Rc<F::Msg>, nesting: usize, max_nesting: usize) -> Item {
        let mut item = item_from_dyn(m.as_ref());
        let inherited = item.props.codepage;
        let ids: Vec<u32> = m
            .attachment_table()
            .map(|t| t.rows_matrix().map(|r| u32::from(r.id())).collect())
            .unwrap_or_default();
        for (i, raw) in ids.into_iter().enumerate() {
            let att = match F::open_attachment(&m, NodeId::from(raw)) {
                Ok((a, embedded)) => {
                    let props = attachment_props(a.as_ref(), inherited);
                    let method = props.int(msg::tag::ATTACH_METHOD).unwrap_or(1);
                    match (a.data(), embedded) {
                        (_, Some(inner)) => Attachment {
                            name: msg::attachment_name(&props, true, i),
                            data: if nesting + 1 > max_nesting {
                                AttachData::Missing(Failure::limit(
                                    Limit::Depth,
                                    format!("messages nested deeper than {max_nesting} levels"),
                                ))
                            } else {
                                AttachData::Message(Box::new(self.read_item(
                                    inner,
                                    nesting + 1,
                                    max_nesting,
                                )))
                            },
                        },
                        (Some(AttachmentData::Binary(b)), None) => Attachment {
                            name: msg::attachment_name(&props, false, i),
                            data: AttachData::File(b.buffer().to_vec()),
                        },
                        (Some(AttachmentData::Message(inner)), None) => Attachment {
                            name: msg::attachment_name(&props, true, i),
                            data: AttachData::Message(Box::new(item_from_dyn(inner.as_ref()))),
                        },
                        (None, None) => Attachment {
                            name: msg::attachment_name(&props, false, i),
                            data: msg::missing_data(method),
                        },
                    }
                }
                Err(_) => Attachment {
                    name: format!("attachment-{}", i + 1),
                    data: AttachData::Missing(Failure::corrupt("PST attachment could not be read")),
                },
            };
            item.attachments.push(att);
        }
        item
    }
}

fn convert(v: &PropertyValue) -> Option<Value> {
    Some(match v {
        PropertyValue::String8(s) => Value::Str8(s.buffer().to_vec()),
        PropertyValue::Unicode(s) => Value::Text(String::from_utf16_lossy(s.buffer())),
        PropertyValue::Binary(b) => Value::Binary(b.buffer().to_vec()),
        PropertyValue::Integer16(i) => Value::Int(i64::from(*i)),
        PropertyValue::Integer32(i) => Value::Int(i64::from(*i)),
        PropertyValue::Integer64(i) => Value::Int(*i),
        PropertyValue::Boolean(b) => Value::Int(i64::from(*b)),
        PropertyValue::Time(t) => Value::Time(*t),
        _ => return None,
    })
}

/// Properties and recipients of any message (attachments left empty).
fn item_from_dyn(m: &dyn Message) -> Item {
    let mut props = Props::default();
    for (id, v) in m.properties().iter() {
        if let Some(v) = convert(v) {
            props.insert(*id, v);
        }
    }
    props.settle_codepage(None);
    let recipients = m
        .recipient_table()
        .map(|t| recipients(t.as_ref(), props.codepage))
        .unwrap_or_default();
    Item {
        props,
        recipients,
        attachments: Vec::new(),
    }
}

fn recipients(table: &dyn TableContext, cp: Option<u16>) -> Vec<Recipient> {
    let context = table.context();
    let mut out = Vec::new();
    for row in table.rows_matrix() {
        let Ok(values) = row.columns(context) else {
            continue;
        };
        let mut props = Props::default();
        for (col, value) in context.columns().iter().zip(values) {
            let Some(value) = value else { continue };
            if let Some(v) = table
                .read_column(&value, col.prop_type())
                .ok()
                .as_ref()
                .and_then(convert)
            {
                props.insert(col.prop_id(), v);
            }
        }
        props.settle_codepage(cp);
        out.push(Recipient::from_props(&props));
    }
    out
}

fn attachment_props(a: &dyn PstAttachment, inherited: Option<u16>) -> Props {
    let mut props = Props::default();
    for (id, v) in a.properties().iter() {
        if *id == msg::tag::ATTACH_DATA {
            continue; // the bytes come through data()
        }
        if let Some(v) = convert(v) {
            props.insert(*id, v);
        }
    }
    props.settle_codepage(inherited);
    props
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pst_crc_matches_a_real_header() {
        // The header CRCs of a real PST must verify with our CRC, so that
        // the OST patch produces headers outlook-pst accepts.
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus-real/mail/pst/aspose-PersonalStorage.pst");
        let Ok(bytes) = std::fs::read(&path) else {
            // Absent corpus: a failure under CI, a printed skip elsewhere.
            let msg = format!(
                "pst_crc_matches_a_real_header: {} is absent",
                path.display()
            );
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!ci, "{msg}");
            eprintln!("skipped: {msg}");
            return;
        };
        let stored_partial = u32::from_le_bytes(bytes[4..8].try_into().unwrap());
        let stored_full = u32::from_le_bytes(bytes[524..528].try_into().unwrap());
        assert_eq!(pst_crc(&bytes[8..8 + 471]), stored_partial);
        assert_eq!(pst_crc(&bytes[8..8 + 516]), stored_full);
    }

    #[test]
    fn ost_header_patch_keeps_the_rest() {
        let mut head = vec![0u8; 564];
        head[..4].copy_from_slice(b"!BDN");
        head[8..10].copy_from_slice(b"SO");
        head[10..12].copy_from_slice(&23u16.to_le_bytes());
        head[12..14].copy_from_slice(&12u16.to_le_bytes());
        head[100] = 7;
        let p = patch_ost_header(head.clone());
        assert_eq!(&p[8..10], b"SM");
        assert_eq!(u16::from_le_bytes([p[12], p[13]]), 19);
        assert_eq!(p[100], 7);
        assert_eq!(
            u32::from_le_bytes(p[4..8].try_into().unwrap()),
            pst_crc(&p[8..479])
        );
    }

    #[test]
    fn patched_reader_serves_head_then_file() {
        let file: Vec<u8> = (0..100u8).collect();
        let mut r = Patched {
            inner: Box::new(Cursor::new(file)),
            head: vec![200, 201, 202],
            pos: 0,
            synced: false,
        };
        let mut buf = [0u8; 6];
        let mut got = Vec::new();
        while got.len() < 6 {
            let n = r.read(&mut buf[..6 - got.len()]).unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, vec![200, 201, 202, 3, 4, 5]);
        r.seek(SeekFrom::Start(1)).unwrap();
        let mut one = [0u8; 1];
        r.read_exact(&mut one).unwrap();
        assert_eq!(one[0], 201);
        assert_eq!(r.seek(SeekFrom::End(-1)).unwrap(), 99);
        r.read_exact(&mut one).unwrap();
        assert_eq!(one[0], 99);
    }

    #[test]
    fn not_a_pst_is_corrupt_and_short_is_truncated() {
        let mut c: Box<dyn PstReader> = Box::new(Cursor::new(b"hello world".to_vec()));
        assert_eq!(
            sniff_header(c.as_mut()).unwrap_err().reason,
            Reason::Corrupt
        );
        let mut c: Box<dyn PstReader> = Box::new(Cursor::new(b"!BDN\0\0".to_vec()));
        assert_eq!(
            sniff_header(c.as_mut()).unwrap_err().reason,
            Reason::Truncated
        );
    }
}
