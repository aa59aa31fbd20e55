//! The containers office documents come in: the zip package (opened,
//! checked against the entry-count and ratio limits before anything is
//! expanded, and read member by member with a bounded, CRC-checked
//! inflate), and the OLE compound file that stands in for it when an OOXML
//! document is encrypted or is really a legacy binary file. Shared by the
//! document readers here and by the spreadsheet reader.

use std::io::{Cursor, Read};

use sarx_model::Limit;

use crate::{Ctx, Failure, Format, Result};

pub(crate) type Zip<'b> = zip::ZipArchive<Cursor<&'b [u8]>>;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// True for an OLE compound file (legacy Office, encrypted OOXML, MSG).
pub(crate) fn is_cfb(bytes: &[u8]) -> bool {
    bytes.starts_with(&CFB_MAGIC)
}

/// Why a compound file handed to an OOXML reader cannot be read: encrypted
/// when it holds an `EncryptedPackage`, otherwise a legacy binary format.
pub(crate) fn cfb_failure(bytes: &[u8], format: Format) -> Failure {
    let encrypted = cfb::CompoundFile::open(Cursor::new(bytes))
        .map(|c| c.is_stream("/EncryptedPackage"))
        .unwrap_or(false);
    if encrypted {
        Failure::encrypted(format!("{} is encrypted with a password", format.name()))
    } else {
        Failure::unsupported(format!(
            "a legacy binary Office file named as {}; convert it to read it",
            format.name()
        ))
    }
}

pub(crate) fn open_zip(bytes: &[u8]) -> Result<Zip<'_>> {
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        let tail = &bytes[bytes.len().saturating_sub(66_000)..];
        if bytes.starts_with(b"PK\x03\x04") && !tail.windows(4).any(|w| w == b"PK\x05\x06") {
            Failure::new(
                sarx_model::Reason::Truncated,
                "the zip package ends before its central directory",
            )
        } else {
            Failure::corrupt("the zip package could not be read")
        }
    })
}

/// Checks a zip package's entry count and declared compression ratios
/// before anything is expanded.
pub(crate) fn check_zip(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Result<()> {
    let mut zip = open_zip(bytes)?;
    if zip.len() > ctx.limits().max_entries {
        return Err(Failure::limit(
            Limit::EntryCount,
            format!(
                "more than {} parts in the package",
                ctx.limits().max_entries
            ),
        ));
    }
    let mut xml_total = 0u64;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            return Err(Failure::corrupt(
                "a part of the zip package could not be read",
            ));
        };
        ctx.check_ratio(f.compressed_size(), f.size())?;
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if name.ends_with(".xml") || name.ends_with(".bin") {
            xml_total = xml_total.saturating_add(f.size());
        }
    }
    ctx.charge(xml_total)
}

/// Reads one zip member, at most `max` bytes (the declared size is not trusted).
pub(crate) fn read_member(zip: &mut Zip<'_>, name: &str, max: u64) -> Result<Option<Vec<u8>>> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let f = zip.by_index_raw(index).map_err(|e| member_failure(&e))?;
    if f.encrypted() {
        return Err(Failure::encrypted("a part of the package is encrypted"));
    }
    if f.compression() == zip::CompressionMethod::Deflated {
        return inflate_member(f, max).map(Some);
    }
    drop(f);
    let mut f = zip.by_index(index).map_err(|e| member_failure(&e))?;
    let mut out = Vec::with_capacity(f.size().min(1 << 24) as usize);
    match f.by_ref().take(max.saturating_add(1)).read_to_end(&mut out) {
        Ok(_) if out.len() as u64 > max => Err(part_limit(max)),
        Ok(_) => Ok(Some(out)),
        Err(_) => Err(damaged_part()),
    }
}

fn member_failure(e: &zip::result::ZipError) -> Failure {
    match e {
        zip::result::ZipError::UnsupportedArchive(_) => {
            Failure::encrypted("a part of the package is encrypted")
        }
        _ => Failure::corrupt("a part of the zip package could not be read"),
    }
}

fn part_limit(max: u64) -> Failure {
    Failure::limit(
        Limit::ExpandedBytes,
        format!("a part expands to more than {} MiB", max >> 20),
    )
}

fn damaged_part() -> Failure {
    Failure::corrupt("a part of the zip package is damaged")
}

thread_local! {
    /// One raw-deflate decompressor per thread, reset for each part: a
    /// package is a dozen small parts, and setting up a decompressor (its
    /// state and 32 KiB window, zeroed) cost as much as inflating a small
    /// part.
    static INFLATER: std::cell::RefCell<Option<flate2::Decompress>> =
        const { std::cell::RefCell::new(None) };
}

/// Inflates a deflated member read raw (`f` from `by_index_raw`): at most
/// `max` bytes, CRC-32 checked as zip's own reader does.
fn inflate_member(mut f: zip::read::ZipFile<'_, Cursor<&[u8]>>, max: u64) -> Result<Vec<u8>> {
    let (size, crc) = (f.size(), f.crc32());
    let mut raw = Vec::with_capacity(f.compressed_size().min(1 << 24) as usize);
    f.read_to_end(&mut raw).map_err(|_| damaged_part())?;
    drop(f);
    let out = INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            let d = slot.get_or_insert_with(|| flate2::Decompress::new(false));
            d.reset(false);
            inflate_raw(d, &raw, size, max)
        }
        Err(_) => inflate_raw(&mut flate2::Decompress::new(false), &raw, size, max),
    })?;
    if crc32fast::hash(&out) != crc {
        return Err(damaged_part());
    }
    Ok(out)
}

/// Inflates `raw` (a whole raw-deflate stream) with a fresh or reset
/// decompressor; more than `max` bytes out is a limit failure, a stream
/// that ends early or is malformed a damaged part.
fn inflate_raw(d: &mut flate2::Decompress, raw: &[u8], size: u64, max: u64) -> Result<Vec<u8>> {
    let cap = max.saturating_add(1);
    let first = size.min(cap).clamp(64, 1 << 24);
    let mut out = Vec::with_capacity(usize::try_from(first).unwrap_or(1 << 24));
    let (in0, out0) = (d.total_in(), d.total_out());
    loop {
        if out.len() == out.capacity() {
            if out.len() as u64 >= cap {
                return Err(part_limit(max));
            }
            let room = (out.len() as u64)
                .clamp(32 << 10, 1 << 24)
                .min(cap - out.len() as u64);
            out.reserve_exact(usize::try_from(room).unwrap_or(32 << 10));
        }
        let consumed = usize::try_from(d.total_in() - in0).unwrap_or(usize::MAX);
        let input = raw.get(consumed..).unwrap_or_default();
        let (before_in, before_out) = (d.total_in(), d.total_out());
        match d.decompress_vec(input, &mut out, flate2::FlushDecompress::Finish) {
            Ok(flate2::Status::StreamEnd) => break,
            Ok(_) if d.total_in() == before_in && d.total_out() == before_out => {
                // No progress with room to write: the stream is cut short.
                return Err(damaged_part());
            }
            Ok(_) => {}
            Err(_) => return Err(damaged_part()),
        }
    }
    debug_assert_eq!(d.total_out() - out0, out.len() as u64);
    if out.len() as u64 > max {
        return Err(part_limit(max));
    }
    Ok(out)
}

/// Reads a member and charges it against the per-file expansion budget.
pub(crate) fn read_part(
    ctx: &mut Ctx<'_>,
    zip: &mut Zip<'_>,
    name: &str,
) -> Result<Option<Vec<u8>>> {
    let max = ctx.limits().max_expanded_bytes;
    let data = read_member(zip, name, max)?;
    if let Some(d) = &data {
        ctx.charge(d.len() as u64)?;
    }
    Ok(data)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use sarx_model::Reason;
    use std::io::Write;

    /// Each member as zip's own reader gives it.
    fn zip_reader_member(bytes: &[u8], name: &str) -> Vec<u8> {
        let mut zip = open_zip(bytes).unwrap();
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    fn zip_with(files: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, body, method) in files {
            let opts = zip::write::SimpleFileOptions::default().compression_method(*method);
            w.start_file(*name, opts).unwrap();
            w.write_all(body).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    proptest::proptest! {
        #[test]
        fn read_member_gives_what_zips_reader_gives(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4000),
            repeat in 1usize..40,
        ) {
            // Repeated bodies compress well (deflate's back-references,
            // and parts larger than the first guess of the output size).
            let body = body.repeat(repeat);
            let bytes = zip_with(&[
                ("a.xml", &body, zip::CompressionMethod::Deflated),
                ("b.xml", &body, zip::CompressionMethod::Stored),
            ]);
            let mut zip = open_zip(&bytes).unwrap();
            for name in ["a.xml", "b.xml"] {
                let got = read_member(&mut zip, name, u64::MAX).unwrap().unwrap();
                proptest::prop_assert_eq!(&got, &zip_reader_member(&bytes, name));
                proptest::prop_assert_eq!(&got, &body);
            }
        }
    }

    #[test]
    fn read_member_reuses_its_decompressor_across_parts_and_sizes() {
        let big = "<w:t>rent arrears</w:t>".repeat(200_000);
        let bytes = zip_with(&[
            ("big.xml", big.as_bytes(), zip::CompressionMethod::Deflated),
            ("small.xml", b"<a/>", zip::CompressionMethod::Deflated),
            ("empty.xml", b"", zip::CompressionMethod::Deflated),
        ]);
        let mut zip = open_zip(&bytes).unwrap();
        for _ in 0..3 {
            for name in ["big.xml", "small.xml", "empty.xml"] {
                let got = read_member(&mut zip, name, u64::MAX).unwrap().unwrap();
                assert_eq!(got, zip_reader_member(&bytes, name), "{name}");
            }
        }
        assert!(read_member(&mut zip, "missing.xml", u64::MAX)
            .unwrap()
            .is_none());
    }

    #[test]
    fn read_member_limits_the_expanded_size() {
        let body = "x".repeat(100_000);
        for method in [
            zip::CompressionMethod::Deflated,
            zip::CompressionMethod::Stored,
        ] {
            let bytes = zip_with(&[("a.xml", body.as_bytes(), method)]);
            let mut zip = open_zip(&bytes).unwrap();
            let err = read_member(&mut zip, "a.xml", 99_999).unwrap_err();
            assert!(
                matches!(err.reason, Reason::LimitExceeded(Limit::ExpandedBytes)),
                "{method:?}"
            );
            let ok = read_member(&mut zip, "a.xml", 100_000).unwrap().unwrap();
            assert_eq!(ok.len(), 100_000);
        }
    }

    #[test]
    fn a_member_whose_checksum_differs_is_damaged() {
        let body = b"<w:t>Tenant: Margaret Okafor</w:t>".repeat(50);
        let mut bytes = zip_with(&[("a.xml", &body, zip::CompressionMethod::Deflated)]);
        let crc = crc32fast::hash(&body).to_le_bytes();
        let wrong = crc32fast::hash(b"something else").to_le_bytes();
        // The CRC sits in the local header and the central directory.
        let mut at = 0;
        let mut replaced = 0;
        while let Some(i) = bytes[at..].windows(4).position(|w| w == crc) {
            bytes[at + i..at + i + 4].copy_from_slice(&wrong);
            at += i + 4;
            replaced += 1;
        }
        assert_eq!(replaced, 2);
        let mut zip = open_zip(&bytes).unwrap();
        let err = read_member(&mut zip, "a.xml", u64::MAX).unwrap_err();
        assert_eq!(err.reason, Reason::Corrupt);
    }

    #[test]
    fn a_cut_or_garbled_deflate_stream_is_damaged_not_a_panic() {
        let body = b"Flat 4, 12 Mill Lane, LS6 2AB ".repeat(400);
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&body).unwrap();
        let raw = e.finish().unwrap();
        let mut d = flate2::Decompress::new(false);
        assert_eq!(
            inflate_raw(&mut d, &raw, body.len() as u64, u64::MAX).unwrap(),
            body
        );
        for cut in [0, 1, raw.len() / 2, raw.len() - 1] {
            d.reset(false);
            let err = inflate_raw(&mut d, &raw[..cut], body.len() as u64, u64::MAX).unwrap_err();
            assert_eq!(err.reason, Reason::Corrupt, "cut at {cut}");
        }
        d.reset(false);
        let garbled: Vec<u8> = raw.iter().map(|b| b ^ 0xA5).collect();
        assert!(inflate_raw(&mut d, &garbled, body.len() as u64, u64::MAX).is_err());
        // A lying declared size changes nothing but the first allocation.
        d.reset(false);
        assert_eq!(inflate_raw(&mut d, &raw, 1, u64::MAX).unwrap(), body);
        d.reset(false);
        assert_eq!(inflate_raw(&mut d, &raw, u64::MAX, u64::MAX).unwrap(), body);
    }
}
