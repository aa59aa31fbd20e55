//! `sarx verify`: re-extracts every file of a bundle independently of the
//! renderer and fails if any redacted string survives.
//!
//! * PDFs: text through `sarx_extract` (the same extractor that indexes
//!   source files) and through lopdf's own text extraction; both are read
//!   from the PDF bytes, never from the renderer's data.
//! * HTML: the raw markup and the text with entities decoded.
//! * CSV, JSON and anything else: the raw UTF-8 text.
//! * `manifest.json`: every listed hash must match its file, and every file
//!   must be listed.
//!
//! Reports name the file and the number of matches, never the text.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use sarx_case::SecretSet;
use sha2::{Digest, Sha256};

use crate::docs::Manifest;
use crate::Error;

/// A file where a redacted string survived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakReport {
    /// File inside the bundle.
    pub file: String,
    /// Matches of whole redacted strings.
    pub whole: usize,
    /// Matches of distinctive parts of redacted strings.
    pub partial: usize,
}

/// The outcome of a verification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Files examined.
    pub files: usize,
    /// PDFs whose text was re-extracted.
    pub pdfs: usize,
    /// Files with surviving redacted strings.
    pub leaks: Vec<LeakReport>,
    /// Manifest problems (missing file, hash mismatch, unlisted file).
    pub manifest_errors: Vec<String>,
    /// Files whose text could not be extracted (a failure: unverifiable).
    pub unreadable: Vec<String>,
    /// Redacted strings tracked.
    pub tracked: usize,
}

impl Verification {
    /// True when nothing leaked and everything was checked.
    pub fn is_clean(&self) -> bool {
        self.leaks.is_empty() && self.manifest_errors.is_empty() && self.unreadable.is_empty()
    }

    /// A one-paragraph summary without personal data.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for l in &self.leaks {
            parts.push(format!(
                "{}: {} redacted strings and {} partial matches survive",
                l.file, l.whole, l.partial
            ));
        }
        parts.extend(self.manifest_errors.iter().cloned());
        for u in &self.unreadable {
            parts.push(format!(
                "{u}: text could not be extracted, so it cannot be verified"
            ));
        }
        if parts.is_empty() {
            format!(
                "{} files checked ({} PDFs re-extracted), {} redacted strings tracked: none survives",
                self.files, self.pdfs, self.tracked
            )
        } else {
            parts.join("; ")
        }
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of a PDF as two independent extractors see it.
pub fn pdf_text(name: &str, bytes: &[u8]) -> Option<String> {
    let mut text = String::new();
    let ex = sarx_extract::Extractor::new(sarx_extract::Limits::default());
    let mut sink = sarx_extract::Collected::default();
    ex.extract_bytes(name, name, bytes, &mut sink);
    for r in &sink.records {
        text.push_str(&r.text);
        text.push('\n');
    }
    if let Ok(doc) = lopdf::Document::load_mem(bytes) {
        let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
        if let Ok(t) = doc.extract_text(&pages) {
            text.push_str(&t);
        }
    }
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// True when any entry of the zip at `path` is encrypted.
pub fn is_encrypted(path: &Path) -> Result<bool, Error> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut z = zip::ZipArchive::new(f).map_err(|e| Error::Zip(e.to_string()))?;
    for i in 0..z.len() {
        match z.by_index_raw(i) {
            Ok(e) if e.encrypted() => return Ok(true),
            Ok(_) => {}
            Err(e) => return Err(Error::Zip(e.to_string())),
        }
    }
    Ok(false)
}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// Verifies the bundle at `path` against the case's redaction hashes.
pub fn verify(
    path: &Path,
    secrets: &SecretSet,
    passphrase: Option<&str>,
) -> Result<Verification, Error> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut z = zip::ZipArchive::new(f).map_err(|e| Error::Zip(e.to_string()))?;
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..z.len() {
        let mut entry = match passphrase {
            Some(p) => z.by_index_decrypt(i, p.as_bytes()),
            None => z.by_index(i),
        }
        .map_err(|e| Error::Zip(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| Error::Zip(e.to_string()))?
            .into_owned();
        let mut buf = Vec::new();
        entry
            .read_to_end(&mut buf)
            .map_err(|e| Error::Zip(format!("{name}: {e}")))?;
        contents.insert(name, buf);
    }
    let mut v = Verification {
        files: contents.len(),
        tracked: secrets.len(),
        ..Verification::default()
    };
    for (name, bytes) in &contents {
        let text = if name.ends_with(".pdf") {
            v.pdfs += 1;
            match pdf_text(name, bytes) {
                Some(t) => t,
                None => {
                    v.unreadable.push(name.clone());
                    continue;
                }
            }
        } else {
            let raw = String::from_utf8_lossy(bytes).into_owned();
            if name.ends_with(".html") {
                format!("{raw}\n{}", decode_entities(&raw))
            } else {
                raw
            }
        };
        let found = secrets.find(&text);
        if !found.is_empty() {
            v.leaks.push(LeakReport {
                file: name.clone(),
                whole: found.iter().filter(|l| l.whole).count(),
                partial: found.iter().filter(|l| !l.whole).count(),
            });
        }
    }
    match contents.get("manifest.json") {
        None => v.manifest_errors.push("manifest.json is missing".into()),
        Some(m) => match serde_json::from_slice::<Manifest>(m) {
            Err(e) => v
                .manifest_errors
                .push(format!("manifest.json is invalid: {e}")),
            Ok(m) => {
                let mut listed: BTreeMap<&str, &str> = BTreeMap::new();
                for d in &m.documents {
                    listed.insert(d.file.as_str(), d.sha256.as_str());
                }
                for (f, h) in &m.files {
                    listed.insert(f.as_str(), h.as_str());
                }
                for (f, h) in &listed {
                    match contents.get(*f) {
                        None => v
                            .manifest_errors
                            .push(format!("{f}: listed in the manifest but missing")),
                        Some(b) if sha256_hex(b) != *h => v
                            .manifest_errors
                            .push(format!("{f}: SHA-256 does not match the manifest")),
                        Some(_) => {}
                    }
                }
                for f in contents.keys() {
                    if f != "manifest.json" && !listed.contains_key(f.as_str()) {
                        v.manifest_errors
                            .push(format!("{f}: not listed in the manifest"));
                    }
                }
            }
        },
    }
    Ok(v)
}
