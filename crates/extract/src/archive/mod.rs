//! Zip, tar and gzip containers, recursively, within the safety limits.
//!
//! A container becomes one [`Kind::Archive`] record (empty text: member
//! names can be personal data, and they are in the members' locators
//! anyway), and every member is handed to [`Ctx::extract_child`] with its
//! path as the locator part (`inner.zip/docs/note.txt`). A `.tar.gz` is one
//! archive: its tar members sit directly under the gzip file.
//!
//! Nothing is written to disk, so hostile names cannot escape anywhere; they
//! are still shown in a safe form (`../../etc/x` → `etc/x`, `\` → `/`) and
//! the archive record is marked `path_traversal = true`. Name decoding and
//! the safe form are in [`names`].
//!
//! Bombs are stopped before and during expansion:
//! - a member whose declared size is beyond the per-file expansion budget or
//!   whose declared compression ratio is beyond the limit is refused unread;
//! - members are read in chunks through a reader capped at the declared
//!   size, every chunk is [charged](Ctx::charge) to the per-file budget and
//!   the running ratio is checked, so a header that lies gains nothing;
//! - quines (an archive that contains itself) end at the depth limit.

use sarx_model::metakey;
use std::io::{Cursor, Read};

use sarx_model::{Kind, Limit, RecordId};

use crate::{Ctx, Failure, Format, Node, Result};

mod names;

use names::{decode_name, guess_legacy_charset, safe_path};

/// Bytes read per step while expanding a member.
const CHUNK: usize = 64 * 1024;

pub(crate) fn extract(ctx: &mut Ctx<'_>, node: &Node<'_>, format: Format) -> Result<()> {
    match format {
        Format::Zip => extract_zip(ctx, node),
        Format::Tar => {
            let members = tar_members(node.bytes, ctx.limits().max_entries)?;
            let id = emit_archive(ctx, node, "tar", &members.entries, members.broken);
            tar_children(ctx, node, &id, node.bytes, &members);
            Ok(())
        }
        Format::Gzip => extract_gzip(ctx, node),
        other => Err(Failure::unsupported(format!(
            "{} is not an archive format",
            other.name()
        ))),
    }
}

/// A member as listed by its container, before it is read.
struct Member {
    /// Safe display path (the locator part).
    path: String,
    /// The written name tried to leave the archive's root.
    traversal: bool,
}

/// Emits the container's own record; returns its id.
fn emit_archive(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    format: &str,
    members: &[(Member, impl Sized)],
    truncated: bool,
) -> RecordId {
    let mut record = ctx.record_for(node, Kind::Archive);
    record
        .meta
        .insert(metakey::FORMAT.into(), format.to_owned());
    record
        .meta
        .insert(metakey::ENTRIES.into(), members.len().to_string());
    let traversals = members.iter().filter(|(m, _)| m.traversal).count();
    if traversals > 0 {
        record
            .meta
            .insert(metakey::PATH_TRAVERSAL.into(), "true".into());
        record.meta.insert(
            metakey::PATH_TRAVERSAL_ENTRIES.into(),
            traversals.to_string(),
        );
    }
    if truncated {
        record.meta.insert(metakey::TRUNCATED.into(), "true".into());
    }
    let id = record.id.clone();
    ctx.emit(record);
    id
}

// --------------------------------------------------------------------- zip

struct ZipEntry {
    source: ZipSource,
    encrypted: bool,
    size: u64,
    compressed: u64,
}

/// Where a member's data is read from.
enum ZipSource {
    /// Through the zip crate, by index.
    Index(usize),
    /// From its local header at this offset: a member the zip crate cannot
    /// reach because an earlier or later member has the same name.
    Local(u64),
}

fn extract_zip(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    if node.bytes.starts_with(b"PK\x07\x08") {
        return Err(Failure::unsupported(
            "first volume of a split (multi-volume) zip archive; split archives are not supported",
        ));
    }
    if end_record(node.bytes).is_some_and(|e| e.disk != 0 || e.cd_disk != 0) {
        return Err(Failure::unsupported(
            "one volume of a split (multi-volume) zip archive; split archives are not supported",
        ));
    }
    let mut archive = match zip::ZipArchive::new(Cursor::new(node.bytes)) {
        Ok(a) => a,
        // No readable central directory (a truncated download, a damaged
        // end): the members can still be read one by one from the start.
        Err(zip::result::ZipError::InvalidArchive(_) | zip::result::ZipError::Io(_))
            if node.bytes.starts_with(b"PK\x03\x04") =>
        {
            return extract_zip_local(ctx, node);
        }
        Err(e) => return Err(zip_failure(&e)),
    };
    // A central directory whose offsets miss the local headers (some
    // writers get them wrong) is no guide either.
    let misplaced = (0..archive.len()).any(|i| {
        archive.by_index_data(i).is_ok_and(|e| {
            let at = usize::try_from(e.header_start()).unwrap_or(usize::MAX);
            node.bytes.get(at..at.saturating_add(4)) != Some(b"PK\x03\x04".as_slice())
        })
    });
    if misplaced && node.bytes.starts_with(b"PK\x03\x04") {
        return extract_zip_local(ctx, node);
    }
    // The zip crate keys members by name, so of two members with the same
    // name it shows one. The central directory, read directly, shows both.
    let shadowed = central_directory(node.bytes).filter(|cd| cd.len() > archive.len());
    let count = shadowed.as_ref().map_or(archive.len(), Vec::len);
    if count > ctx.limits().max_entries {
        return Err(Failure::limit(
            Limit::EntryCount,
            format!(
                "zip archive has {count} entries, over the limit of {}",
                ctx.limits().max_entries
            ),
        ));
    }

    let mut listed: Vec<(Vec<u8>, ZipEntry)> = Vec::new();
    let mut by_offset = std::collections::HashMap::new();
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            continue;
        };
        by_offset.insert(entry.header_start(), index);
        if shadowed.is_some() || entry.is_dir() || entry.is_symlink() {
            continue;
        }
        listed.push((
            entry.name_raw().to_vec(),
            ZipEntry {
                source: ZipSource::Index(index),
                encrypted: entry.encrypted(),
                size: entry.size(),
                compressed: entry.compressed_size(),
            },
        ));
    }
    for rec in shadowed.unwrap_or_default() {
        if rec.is_dir_or_link {
            continue;
        }
        let source = match by_offset.get(&rec.local_offset) {
            Some(&index) => ZipSource::Index(index),
            None => ZipSource::Local(rec.local_offset),
        };
        listed.push((
            rec.name,
            ZipEntry {
                source,
                encrypted: rec.encrypted,
                size: rec.size,
                compressed: rec.compressed,
            },
        ));
    }

    // Names without the UTF-8 flag are in the writer's code page; guess it
    // once for the whole archive from all such names together.
    let legacy = guess_legacy_charset(listed.iter().map(|(n, _)| n.as_slice()));
    let members: Vec<(Member, ZipEntry)> = listed
        .into_iter()
        .map(|(raw, entry)| {
            let (path, traversal) = safe_path(&decode_name(&raw, legacy, true));
            (Member { path, traversal }, entry)
        })
        .collect();
    let id = emit_archive(ctx, node, "zip", &members, false);

    for (member, entry) in &members {
        ctx.check_time()?;
        match read_zip_member(ctx, node.bytes, &mut archive, entry) {
            Ok(bytes) => ctx.extract_child(node, &id, &member.path, &member.path, &bytes),
            Err(f) => {
                let locator = ctx.child_locator(node.locator, &member.path);
                ctx.unsearchable(&locator, f);
            }
        }
    }
    Ok(())
}

/// Reads a zip from its local headers, first to last, when its central
/// directory cannot be used. Every member is expanded (within the limits)
/// before the archive record is emitted, since its list is only known at
/// the end; a listing that breaks off is reported as truncated.
fn extract_zip_local(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let budget = ctx.limits().max_expanded_bytes;
    let max_entries = ctx.limits().max_entries;
    let mut rest: &[u8] = node.bytes;
    let mut read: Vec<(Vec<u8>, Result<Vec<u8>>)> = Vec::new();
    let mut broken = false;
    let mut seen = 0usize;
    loop {
        ctx.check_time()?;
        let left = rest.len() as u64;
        let file = match zip::read::read_zipfile_from_stream(&mut rest) {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                broken = true;
                break;
            }
        };
        seen += 1;
        if seen > max_entries {
            return Err(Failure::limit(
                Limit::EntryCount,
                format!("zip archive has more than {max_entries} entries"),
            ));
        }
        if file.is_dir() || file.is_symlink() {
            continue;
        }
        let raw = file.name_raw().to_vec();
        // A member written with a data descriptor declares its sizes only
        // after its data: the budget and the bytes left are the bounds then.
        let size = if file.size() > 0 { file.size() } else { budget };
        let compressed = if file.compressed_size() > 0 {
            file.compressed_size()
        } else {
            left
        };
        let outcome = if file.encrypted() {
            Err(Failure::encrypted("zip member is password-protected"))
        } else {
            check_declared(ctx, compressed, size).and_then(|()| expand(ctx, file, size, compressed))
        };
        read.push((raw, outcome));
    }
    if read.is_empty() && broken {
        return Err(Failure::corrupt("zip structure is damaged"));
    }
    let legacy = guess_legacy_charset(read.iter().map(|(n, _)| n.as_slice()));
    let members: Vec<(Member, Result<Vec<u8>>)> = read
        .into_iter()
        .map(|(raw, outcome)| {
            let (path, traversal) = safe_path(&decode_name(&raw, legacy, true));
            (Member { path, traversal }, outcome)
        })
        .collect();
    let mut record = ctx.record_for(node, Kind::Archive);
    record.meta.insert(metakey::FORMAT.into(), "zip".into());
    record
        .meta
        .insert(metakey::READ_FROM.into(), "local_headers".into());
    record
        .meta
        .insert(metakey::ENTRIES.into(), members.len().to_string());
    let traversals = members.iter().filter(|(m, _)| m.traversal).count();
    if traversals > 0 {
        record
            .meta
            .insert(metakey::PATH_TRAVERSAL.into(), "true".into());
        record.meta.insert(
            metakey::PATH_TRAVERSAL_ENTRIES.into(),
            traversals.to_string(),
        );
    }
    let id = record.id.clone();
    ctx.emit(record);
    if broken {
        ctx.unsearchable(
            node.locator,
            Failure::new(
                sarx_model::Reason::Truncated,
                "zip archive is damaged or ends early; members after the damage were not read",
            ),
        );
    }
    for (member, outcome) in members {
        match outcome {
            Ok(bytes) => ctx.extract_child(node, &id, &member.path, &member.path, &bytes),
            Err(f) => {
                let locator = ctx.child_locator(node.locator, &member.path);
                ctx.unsearchable(&locator, f);
            }
        }
    }
    Ok(())
}

fn read_zip_member(
    ctx: &mut Ctx<'_>,
    bytes: &[u8],
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    entry: &ZipEntry,
) -> Result<Vec<u8>> {
    if entry.encrypted {
        return Err(Failure::encrypted("zip member is password-protected"));
    }
    check_declared(ctx, entry.compressed, entry.size)?;
    match entry.source {
        ZipSource::Index(index) => {
            let file = archive.by_index(index).map_err(|e| zip_failure(&e))?;
            expand(ctx, file, entry.size, entry.compressed)
        }
        ZipSource::Local(offset) => {
            let mut at: &[u8] = usize::try_from(offset)
                .ok()
                .and_then(|o| bytes.get(o..))
                .ok_or_else(|| Failure::corrupt("zip member offset is outside the file"))?;
            let file =
                zip::read::read_zipfile_from_stream_with_compressed_size(&mut at, entry.compressed)
                    .map_err(|e| zip_failure(&e))?
                    .ok_or_else(|| Failure::corrupt("zip member header is missing"))?;
            expand(ctx, file, entry.size, entry.compressed)
        }
    }
}

fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    bytes
        .get(at..at.checked_add(2)?)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_le_bytes)
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at.checked_add(4)?)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
}

/// The fields of a zip's end-of-central-directory record that matter here.
struct EndRecord {
    disk: u16,
    cd_disk: u16,
    total: usize,
    cd_offset: u32,
}

/// The last end-of-central-directory record in the file's final 64 KiB.
fn end_record(bytes: &[u8]) -> Option<EndRecord> {
    let tail_start = bytes.len().saturating_sub(65_557);
    let at = bytes
        .get(tail_start..)?
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")?
        + tail_start;
    Some(EndRecord {
        disk: le16(bytes, at + 4)?,
        cd_disk: le16(bytes, at + 6)?,
        total: usize::from(le16(bytes, at + 10)?),
        cd_offset: le32(bytes, at + 16)?,
    })
}

/// One central-directory record.
struct CdRecord {
    name: Vec<u8>,
    local_offset: u64,
    compressed: u64,
    size: u64,
    encrypted: bool,
    is_dir_or_link: bool,
}

/// The central directory read directly, for archives whose members the zip
/// crate cannot all reach (duplicate names). `None` when it cannot be read
/// simply (Zip64, data before the archive, damage): the zip crate's view is
/// used then.
fn central_directory(bytes: &[u8]) -> Option<Vec<CdRecord>> {
    let u16_at = |at: usize| le16(bytes, at);
    let u32_at = |at: usize| le32(bytes, at);
    let end = end_record(bytes)?;
    if end.total == usize::from(u16::MAX) || end.cd_offset == u32::MAX {
        return None;
    }
    let total = end.total;
    let mut pos = usize::try_from(end.cd_offset).ok()?;
    let mut out = Vec::new();
    for _ in 0..total {
        if bytes.get(pos..pos.checked_add(4)?)? != b"PK\x01\x02" {
            return None;
        }
        let flags = u16_at(pos + 8)?;
        let compressed = u32_at(pos + 20)?;
        let size = u32_at(pos + 24)?;
        let name_len = usize::from(u16_at(pos + 28)?);
        let extra_len = usize::from(u16_at(pos + 30)?);
        let comment_len = usize::from(u16_at(pos + 32)?);
        let external = u32_at(pos + 38)?;
        let local = u32_at(pos + 42)?;
        if compressed == u32::MAX || size == u32::MAX || local == u32::MAX {
            return None;
        }
        let name = bytes
            .get(pos + 46..(pos + 46).checked_add(name_len)?)?
            .to_vec();
        let is_link = (external >> 16) & 0o170_000 == 0o120_000;
        out.push(CdRecord {
            is_dir_or_link: name.ends_with(b"/") || is_link,
            name,
            local_offset: u64::from(local),
            compressed: u64::from(compressed),
            size: u64::from(size),
            encrypted: flags & 1 == 1,
        });
        pos = pos.checked_add(46 + name_len + extra_len + comment_len)?;
    }
    Some(out)
}

/// Refuses a member from its declared sizes alone.
fn check_declared(ctx: &Ctx<'_>, compressed: u64, size: u64) -> Result<()> {
    ctx.check_ratio(compressed, size)?;
    let budget = ctx.limits().max_expanded_bytes;
    if size > budget {
        return Err(Failure::limit(
            Limit::ExpandedBytes,
            format!(
                "member declares {} MiB, over the {} MiB expansion limit",
                size >> 20,
                budget >> 20
            ),
        ));
    }
    Ok(())
}

/// Reads a member of declared size `declared` (compressed to `compressed`
/// bytes) in chunks, charging each chunk and checking the running ratio.
/// Reading stops one byte past the declared size: a member that is longer
/// than its header says is refused, whatever it would expand to.
fn expand(ctx: &mut Ctx<'_>, reader: impl Read, declared: u64, compressed: u64) -> Result<Vec<u8>> {
    let mut capped = reader.take(declared.saturating_add(1));
    let mut out = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match capped.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_failure(&e)),
        };
        ctx.charge(n as u64)?;
        out.extend_from_slice(buf.get(..n).unwrap_or_default());
        if out.len() as u64 > declared {
            return Err(Failure::corrupt(
                "member is larger than its header declares",
            ));
        }
        ctx.check_ratio(compressed, out.len() as u64)?;
    }
    Ok(out)
}

/// One read, retried when interrupted.
fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    loop {
        match reader.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_failure(&e)),
        }
    }
}

fn zip_failure(e: &zip::result::ZipError) -> Failure {
    use zip::result::ZipError as Z;
    match e {
        Z::Io(io) => io_failure(io),
        Z::InvalidArchive(_) => Failure::corrupt("zip structure is damaged"),
        Z::UnsupportedArchive(msg) if msg.contains("multi-disk") => {
            Failure::unsupported("split (multi-volume) zip archives are not supported")
        }
        Z::UnsupportedArchive(msg) if msg.to_ascii_lowercase().contains("password") => {
            Failure::encrypted("zip member is password-protected")
        }
        Z::InvalidPassword => Failure::encrypted("zip member is password-protected"),
        Z::UnsupportedArchive(msg) => {
            Failure::unsupported(format!("unsupported zip feature: {msg}"))
        }
        Z::CompressionMethodNotSupported(m) => {
            Failure::unsupported(format!("zip compression method {m} is not supported"))
        }
        Z::FileNotFound => Failure::corrupt("zip member listed but not found"),
        _ => Failure::corrupt("zip archive could not be read"),
    }
}

fn io_failure(e: &std::io::Error) -> Failure {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            Failure::new(sarx_model::Reason::Truncated, "compressed data ends early")
        }
        _ => Failure::corrupt("compressed data is damaged"),
    }
}

// --------------------------------------------------------------------- tar

struct TarMembers {
    entries: Vec<(Member, std::ops::Range<usize>)>,
    /// The listing ended in an error after some members.
    broken: bool,
}

/// Lists the regular files of a tar held in `data` with their byte ranges.
/// Links, directories and device entries carry no content and are skipped.
fn tar_members(data: &[u8], max_entries: usize) -> Result<TarMembers> {
    let mut archive = tar::Archive::new(data);
    let entries = archive
        .entries()
        .map_err(|_| Failure::corrupt("tar structure is damaged"))?;
    let mut listed: Vec<(Vec<u8>, std::ops::Range<usize>)> = Vec::new();
    let mut broken = false;
    let mut seen = 0usize;
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(_) if seen > 0 => {
                broken = true;
                break;
            }
            Err(_) => return Err(Failure::corrupt("tar structure is damaged")),
        };
        seen += 1;
        if seen > max_entries {
            return Err(Failure::limit(
                Limit::EntryCount,
                format!("tar archive has more than {max_entries} entries"),
            ));
        }
        let kind = entry.header().entry_type();
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            continue;
        }
        let start = usize::try_from(entry.raw_file_position()).unwrap_or(usize::MAX);
        let len = usize::try_from(entry.size()).unwrap_or(usize::MAX);
        listed.push((
            entry.path_bytes().into_owned(),
            start..start.saturating_add(len),
        ));
    }
    let legacy = guess_legacy_charset(listed.iter().map(|(n, _)| n.as_slice()));
    let entries = listed
        .into_iter()
        .map(|(raw, range)| {
            let (path, traversal) = safe_path(&decode_name(&raw, legacy, false));
            (Member { path, traversal }, range)
        })
        .collect();
    Ok(TarMembers { entries, broken })
}

/// Hands each tar member in `data` to its module, under `node`.
fn tar_children(
    ctx: &mut Ctx<'_>,
    node: &Node<'_>,
    id: &RecordId,
    data: &[u8],
    members: &TarMembers,
) {
    if members.broken {
        ctx.unsearchable(
            node.locator,
            Failure::new(
                sarx_model::Reason::Truncated,
                "tar archive is damaged or ends early; members after the damage were not read",
            ),
        );
    }
    for (member, range) in &members.entries {
        if let Err(f) = ctx.check_time() {
            ctx.unsearchable(node.locator, f);
            return;
        }
        match data.get(range.clone()) {
            Some(bytes) => ctx.extract_child(node, id, &member.path, &member.path, bytes),
            None => {
                let locator = ctx.child_locator(node.locator, &member.path);
                ctx.unsearchable(
                    &locator,
                    Failure::new(
                        sarx_model::Reason::Truncated,
                        "tar archive ends inside this member",
                    ),
                );
            }
        }
    }
}

// -------------------------------------------------------------------- gzip

fn extract_gzip(ctx: &mut Ctx<'_>, node: &Node<'_>) -> Result<()> {
    let compressed = node.bytes.len() as u64;
    // The trailer's ISIZE is the expanded size modulo 2^32: no proof of
    // anything, but a bomb usually declares its real size there, so it is
    // refused before a byte is expanded.
    let mut decoder = flate2::read::MultiGzDecoder::new(node.bytes);
    // A first small read tells a damaged stream from a bomb.
    let mut first = vec![0u8; CHUNK.min(4096)];
    let got = read_some(&mut decoder, &mut first)?;
    first.truncate(got);
    let trailer = node
        .bytes
        .len()
        .checked_sub(4)
        .and_then(|at| node.bytes.get(at..));
    if let Some(isize) = trailer.and_then(|t| <[u8; 4]>::try_from(t).ok()) {
        ctx.check_ratio(compressed, u64::from(u32::from_le_bytes(isize)))?;
    }
    let budget = ctx.limits().max_expanded_bytes;
    let data = expand(
        ctx,
        first.as_slice().chain(&mut decoder),
        budget,
        compressed,
    )?;
    let inner = inner_name(node.name, decoder.header().and_then(|h| h.filename()));

    if crate::sniff(&inner, &data) == Format::Tar {
        let members = tar_members(&data, ctx.limits().max_entries)?;
        let id = emit_archive(ctx, node, "tar.gz", &members.entries, members.broken);
        tar_children(ctx, node, &id, &data, &members);
        return Ok(());
    }
    let mut record = ctx.record_for(node, Kind::Archive);
    record.meta.insert(metakey::FORMAT.into(), "gzip".into());
    record.meta.insert(metakey::ENTRIES.into(), "1".into());
    let id = record.id.clone();
    ctx.emit(record);
    ctx.extract_child(node, &id, &inner, &inner, &data);
    Ok(())
}

/// The name of what a gzip file holds: the name stored in its header, else
/// its own name without `.gz` (`.tgz` → `.tar`).
fn inner_name(outer: &str, stored: Option<&[u8]>) -> String {
    if let Some(raw) = stored.filter(|s| !s.is_empty()) {
        let (path, _) = safe_path(&decode_name(raw, None, false));
        if let Some(base) = path.rsplit('/').next().filter(|b| !b.is_empty()) {
            return base.to_owned();
        }
    }
    let base = outer.rsplit(['/', '\\']).next().unwrap_or(outer);
    let lower = base.to_ascii_lowercase();
    if lower.ends_with(".tgz") {
        if let Some(stem) = base.get(..base.len().saturating_sub(4)) {
            return format!("{stem}.tar");
        }
    }
    for suffix in [".gz", ".gzip", ".z"] {
        if lower.ends_with(suffix) {
            if let Some(stem) = base
                .get(..base.len() - suffix.len())
                .filter(|s| !s.is_empty())
            {
                return stem.to_owned();
            }
        }
    }
    "decompressed".to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{Collected, Extractor, Limits};
    use sarx_model::Reason;
    use std::io::Write;

    fn run(name: &str, bytes: &[u8]) -> Collected {
        run_with(Limits::default(), name, bytes)
    }

    fn run_with(limits: Limits, name: &str, bytes: &[u8]) -> Collected {
        let mut out = Collected::default();
        Extractor::new(limits).extract_bytes(name, name, bytes, &mut out);
        out
    }

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn zip_in_zip() {
        let inner = zip_of(&[("docs/note.txt", b"Tenant called about damp.")]);
        let outer = zip_of(&[("inner.zip", &inner), ("top.txt", b"hello")]);
        let out = run("outer.zip", &outer);
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let locs: Vec<(&str, Kind)> = out
            .records
            .iter()
            .map(|r| (r.locator.as_str(), r.kind))
            .collect();
        assert_eq!(
            locs,
            [
                ("", Kind::Archive),
                ("inner.zip", Kind::Archive),
                ("inner.zip/docs/note.txt", Kind::Text),
                ("top.txt", Kind::Text)
            ]
        );
        assert_eq!(out.records[2].text, "Tenant called about damp.");
        assert_eq!(out.records[2].parent.as_ref(), Some(&out.records[1].id));
        assert!(out.records[0].text.is_empty());
    }

    #[test]
    fn tar_gz_members_sit_under_the_gzip_file() {
        let t = tar_of(&[("a/one.txt", b"first file"), ("two.txt", b"second file")]);
        let out = run("bundle.tar.gz", &gzip(&t));
        assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
        let locs: Vec<&str> = out.records.iter().map(|r| r.locator.as_str()).collect();
        assert_eq!(locs, ["", "a/one.txt", "two.txt"]);
        assert_eq!(
            out.records[0].meta.get(metakey::FORMAT).map(String::as_str),
            Some("tar.gz")
        );
        assert_eq!(out.records[1].text, "first file");
    }

    #[test]
    fn plain_gzip_holds_one_file() {
        let out = run("notes.txt.gz", &gzip(b"call log"));
        let locs: Vec<&str> = out.records.iter().map(|r| r.locator.as_str()).collect();
        assert_eq!(locs, ["", "notes.txt"]);
        assert_eq!(out.records[1].text, "call log");
    }

    #[test]
    fn duplicate_and_traversal_names() {
        // (The zip writer refuses duplicate names; `a/../a.txt` and `a.txt`
        // collide once made safe.)
        let z = zip_of(&[
            ("../../evil.txt", b"x"),
            ("a.txt", b"1"),
            ("x/../a.txt", b"2"),
            ("C:\\win\\b.txt", b"3"),
        ]);
        let out = run("bad.zip", &z);
        let locs: Vec<&str> = out.records.iter().map(|r| r.locator.as_str()).collect();
        assert_eq!(locs, ["", "evil.txt", "a.txt", "a.txt (2)", "win/b.txt"]);
        assert_eq!(
            out.records[0]
                .meta
                .get(metakey::PATH_TRAVERSAL)
                .map(String::as_str),
            Some("true")
        );
    }

    #[test]
    fn high_ratio_member_is_refused_unread() {
        let zeros = vec![0u8; 4 << 20];
        let out = run("bomb.zip", &zip_of(&[("zeros.bin", &zeros)]));
        assert_eq!(out.records.len(), 1);
        assert_eq!(out.unsearchable.len(), 1);
        assert_eq!(
            out.unsearchable[0].reason,
            Reason::LimitExceeded(Limit::CompressionRatio)
        );
        assert_eq!(out.unsearchable[0].locator, "zeros.bin");
    }

    #[test]
    fn expansion_budget_is_enforced() {
        let limits = Limits {
            max_expanded_bytes: 1000,
            ..Limits::default()
        };
        let text = vec![b'a'; 800];
        let out = run_with(
            limits,
            "two.zip",
            &zip_of(&[("a.txt", &text), ("b.txt", &text)]),
        );
        assert_eq!(out.records.len(), 2, "archive + first member");
        assert_eq!(
            out.unsearchable[0].reason,
            Reason::LimitExceeded(Limit::ExpandedBytes)
        );
        assert_eq!(out.unsearchable[0].locator, "b.txt");
    }

    #[test]
    fn gzip_quine_like_nesting_stops_at_depth() {
        let mut data = b"core".to_vec();
        for _ in 0..15 {
            data = gzip(&data);
        }
        let out = run("deep.gz", &data);
        assert!(out
            .unsearchable
            .iter()
            .any(|u| u.reason == Reason::LimitExceeded(Limit::Depth)));
    }

    #[test]
    fn entry_count_limit() {
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        let z = zip_of(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let out = run_with(limits, "many.zip", &z);
        assert!(out.records.is_empty());
        assert_eq!(
            out.unsearchable[0].reason,
            Reason::LimitExceeded(Limit::EntryCount)
        );
    }

    #[test]
    fn truncated_zip_keeps_the_members_before_the_cut() {
        // Text that deflate cannot shrink much, so the cut lands inside it.
        let mut seed = 7u32;
        let noise: Vec<u8> = (0..5000)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                b'a' + (seed >> 16) as u8 % 26
            })
            .collect();
        let z = zip_of(&[("a.txt", b"first member text"), ("b.txt", &noise)]);
        // Cut inside the second member: no central directory any more.
        let cut = z.windows(5).position(|w| w == b"b.txt").unwrap() + 40;
        let out = run("cut.zip", &z[..cut]);
        let a = out
            .records
            .iter()
            .find(|r| r.locator == "a.txt")
            .expect("first member");
        assert_eq!(a.text, "first member text");
        assert_eq!(
            out.records[0]
                .meta
                .get(metakey::READ_FROM)
                .map(String::as_str),
            Some("local_headers")
        );
        assert!(out
            .unsearchable
            .iter()
            .all(|u| u.reason != Reason::ExtractorFailed));
        assert!(
            !out.unsearchable.is_empty(),
            "{:?} {:?}",
            out.records,
            out.unsearchable
        );
    }

    #[test]
    fn garbage_is_corrupt_not_a_panic() {
        let out = run("x.zip", b"PK\x03\x04garbage");
        assert!(out.records.is_empty());
        assert_eq!(out.unsearchable[0].reason, Reason::Corrupt);
        let out = run("x.gz", b"\x1f\x8b\x08\x00garbage");
        assert!(matches!(
            out.unsearchable[0].reason,
            Reason::Corrupt | Reason::Truncated
        ));
    }

    #[test]
    fn inner_names() {
        assert_eq!(inner_name("a/b.tgz", None), "b.tar");
        assert_eq!(inner_name("x.txt.gz", None), "x.txt");
        assert_eq!(inner_name("x", None), "decompressed");
        assert_eq!(inner_name("x.gz", Some(b"../y.txt")), "y.txt");
    }
}
