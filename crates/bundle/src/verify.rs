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
//! What is looked for ([`Secrets`]):
//!
//! * strings the consistency pass spread (full names, identifiers): in
//!   every file, whole and as distinctive single words. In the files sarx
//!   generates (cover letter, schedule, log, manifest) the text sarx writes
//!   itself — the organisation's name, address and contacts, fixed wording —
//!   is masked first: it can never be the collision. Disclosed documents
//!   are searched unmasked.
//! * every planned redaction, in its own document, as the redacted words
//!   with their neighbouring words: a renderer that left it in place is
//!   caught. This is the only check of a redaction that was not spread (a
//!   single word, part of the organisation's name, a staff member…): the
//!   same word elsewhere is not a leak.
//!
//! Reports name the file, the redaction (its id, record and document) and
//! how to resolve it in the case, never the text.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

use rayon::prelude::*;
use sarx_case::secrets::tokens;
use sarx_case::SecretSet;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::docs::Manifest;
use crate::Error;

/// Where a tracked string was redacted (ids and file names, never the text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Origin {
    /// The redaction's id in its record's plan (`r3`, `d12`).
    pub redaction: String,
    /// The record's id.
    pub record: String,
    /// The record's document file in the bundle.
    pub document: String,
}

/// The case's salted hashes of redacted strings (`redacted-hashes.json`)
/// and what verification needs to explain a finding. A file with only the
/// [`SecretSet`] fields (an older bundle) still reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secrets {
    /// SHA-256 of the bundle file these hashes were written for (empty in
    /// hashes written before bundles were keyed).
    #[serde(default)]
    pub bundle_sha256: String,
    /// Strings spread through the whole response: looked for everywhere.
    #[serde(flatten)]
    pub set: SecretSet,
    /// Hash of a tracked string or partial → where it was redacted.
    #[serde(default)]
    pub origins: BTreeMap<String, Vec<Origin>>,
    /// Document file → record id.
    #[serde(default)]
    pub documents: BTreeMap<String, String>,
    /// Document file → hashes of its planned redactions with their
    /// neighbouring words (found only if the redaction was not applied) →
    /// the redaction.
    #[serde(default)]
    pub local: BTreeMap<String, BTreeMap<String, Origin>>,
    /// Window lengths in `local`.
    #[serde(default)]
    pub local_lengths: BTreeSet<usize>,
    /// Hashes of the first word of each phrase sarx writes itself → the
    /// phrase lengths starting with it.
    #[serde(default)]
    pub boilerplate_starts: BTreeMap<String, BTreeSet<usize>>,
    /// Hashes of the phrases sarx writes itself (masked in generated files).
    #[serde(default)]
    pub boilerplate: BTreeSet<String>,
    /// Document file → its page images' redaction boxes (1-based page,
    /// pixels): each must be solid fill in the PDF. Positions only.
    #[serde(default)]
    pub boxes: BTreeMap<String, Vec<(u32, crate::page::PxRect)>>,
}

impl Secrets {
    /// Adds a phrase sarx writes itself.
    pub fn add_boilerplate(&mut self, phrase: &[String]) {
        let (Some(first), Some(h)) = (phrase.first(), self.set.key(phrase)) else {
            return;
        };
        if let Some(f) = self.set.key(std::slice::from_ref(first)) {
            self.boilerplate_starts
                .entry(f)
                .or_default()
                .insert(phrase.len());
            self.boilerplate.insert(h);
        }
    }

    /// For each token of `toks`, whether it lies inside a phrase sarx writes itself.
    fn mask(&self, toks: &[String]) -> Vec<bool> {
        let mut masked = vec![false; toks.len()];
        if self.boilerplate.is_empty() {
            return masked;
        }
        for i in 0..toks.len() {
            let Some(lens) = toks
                .get(i..=i)
                .and_then(|t| self.set.key(t))
                .and_then(|h| self.boilerplate_starts.get(&h))
            else {
                continue;
            };
            for &n in lens.iter().rev() {
                let Some(w) = toks.get(i..i + n) else {
                    continue;
                };
                if self
                    .set
                    .key(w)
                    .is_some_and(|h| self.boilerplate.contains(&h))
                {
                    for m in masked.iter_mut().skip(i).take(n) {
                        *m = true;
                    }
                    break;
                }
            }
        }
        masked
    }
}

/// One surviving string in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// Where the string was redacted (empty when the hashes file has no
    /// origins, e.g. from an older bundle).
    pub origins: Vec<Origin>,
    /// A whole redacted string (false: a distinctive word of one).
    pub whole: bool,
    /// A planned redaction found in place in its own document: it was not applied.
    pub unapplied: bool,
}

/// A file where a redacted string survived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeakReport {
    /// File inside the bundle.
    pub file: String,
    /// The record shown in `file` when it is a disclosed document.
    pub record: Option<String>,
    /// Matches of whole redacted strings.
    pub whole: usize,
    /// Matches of distinctive parts of redacted strings.
    pub partial: usize,
    /// Each distinct surviving string, with where it was redacted.
    pub collisions: Vec<Collision>,
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
    /// PDFs that hold what a bundle PDF never has (more than one revision,
    /// scripts, attachments…) or whose redaction boxes are not solid.
    pub unsound: Vec<String>,
    /// PDFs with page images not read again by OCR (Tesseract missing).
    pub not_ocr_checked: usize,
    /// Redacted strings tracked.
    pub tracked: usize,
}

impl Verification {
    /// True when nothing leaked and everything was checked.
    pub fn is_clean(&self) -> bool {
        self.leaks.is_empty()
            && self.manifest_errors.is_empty()
            && self.unreadable.is_empty()
            && self.unsound.is_empty()
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
        parts.extend(self.unsound.iter().cloned());
        for u in &self.unreadable {
            parts.push(format!(
                "{u}: text could not be extracted, so it cannot be verified"
            ));
        }
        if parts.is_empty() {
            let ocr = if self.not_ocr_checked > 0 {
                format!(
                    " ({} PDFs of page images not read again by OCR: Tesseract is not installed)",
                    self.not_ocr_checked
                )
            } else {
                String::new()
            };
            format!(
                "{} files checked ({} PDFs re-extracted), {} redacted strings tracked: none survives{ocr}",
                self.files, self.pdfs, self.tracked
            )
        } else {
            parts.join("; ")
        }
    }

    /// How to resolve each finding in the case, one line each (ids and
    /// file names only, never the text).
    pub fn advice(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in &self.leaks {
            let here = match &l.record {
                Some(r) => format!("{} (record {r})", l.file),
                None => l.file.clone(),
            };
            for c in &l.collisions {
                if c.origins.is_empty() {
                    let line = format!(
                        "{here}: a redacted string survives; build the bundle again with `sarx bundle --case` to see which redaction it is"
                    );
                    if !out.contains(&line) {
                        out.push(line);
                    }
                    continue;
                }
                for o in &c.origins {
                    let which = format!(
                        "redaction {} of record {} ({})",
                        o.redaction, o.record, o.document
                    );
                    let line = if c.unapplied {
                        format!(
                            "{here}: {which} was not removed from its own document; this is a defect in the renderer, do not send the bundle"
                        )
                    } else {
                        let what = if c.whole {
                            "is also written"
                        } else {
                            "has a distinctive word also written"
                        };
                        let other = match &l.record {
                            Some(r) if *r != o.record => format!("in record {r}"),
                            Some(_) => "elsewhere in the same record".to_owned(),
                            None => format!("in {} (a title, source or locator)", l.file),
                        };
                        format!(
                            "{which} {what} in {here}: if it is not a third party's data, reject {} of record {} in `sarx review`; otherwise redact its other occurrence {other}",
                            o.redaction, o.record
                        )
                    };
                    if !out.contains(&line) {
                        out.push(line);
                    }
                }
            }
        }
        out
    }
}

/// The text of sarx's own HTML with its character references decoded
/// (quick-xml); sarx's writer escapes every `&`, so its files decode.
fn decode_entities(s: &str) -> String {
    quick_xml::escape::unescape(s)
        .map(|c| c.into_owned())
        .unwrap_or_else(|_| s.to_owned())
}

/// The text of a PDF as three independent extractors see it (sarx's
/// own, lopdf's and poppler's `pdftotext` where installed), and what its
/// bytes hide ([`crate::pdf_checks::hidden_text`]).
pub fn pdf_text(name: &str, bytes: &[u8]) -> Option<String> {
    let mut text = extracted_text(name, bytes)?;
    if let Some(t) = pdftotext(bytes) {
        text.push('\n');
        text.push_str(&t);
    }
    if let Ok(doc) = lopdf::Document::load_mem(bytes) {
        text.push('\n');
        text.push_str(&crate::pdf_checks::hidden_text(&doc));
    }
    Some(text)
}

/// Poppler's reading of the PDF (`None` when `pdftotext` is missing).
fn pdftotext(bytes: &[u8]) -> Option<String> {
    use std::io::Write;
    let mut f = tempfile::Builder::new()
        .prefix("sarx-verify-")
        .suffix(".pdf")
        .tempfile()
        .ok()?;
    f.write_all(bytes).ok()?;
    f.flush().ok()?;
    let pages = sarx_ocr::pdf_words(f.path(), std::time::Duration::from_secs(120)).ok()?;
    let mut out = String::new();
    for p in pages {
        for w in p.words {
            out.push_str(&w.text);
            out.push(' ');
        }
        out.push('\n');
    }
    Some(out)
}

/// Structure and box problems of one bundle PDF; its page images' OCR
/// text goes to `ocr` (searched like the extracted text).
fn soundness(
    name: &str,
    bytes: &[u8],
    secrets: &Secrets,
    engine: Option<&sarx_ocr::Tesseract>,
    ocr: &mut String,
    not_ocr_checked: &mut usize,
) -> Vec<String> {
    let Ok(doc) = lopdf::Document::load_mem(bytes) else {
        return vec![format!("{name}: not a readable PDF")];
    };
    let has_images = doc
        .get_pages()
        .values()
        .any(|id| crate::pdf_checks::page_image(&doc, *id).is_some());
    let boxes = secrets
        .boxes
        .get(name)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut ocr_problems = Vec::new();
    if has_images {
        match engine {
            None => *not_ocr_checked += 1,
            Some(e) => match crate::pdf_checks::ocr_text(&doc, boxes, e) {
                Ok((text, readable)) => {
                    ocr.push_str(&text);
                    if readable > 0 {
                        ocr_problems.push(format!(
                            "{name}: {readable} redaction boxes read as text on OCR"
                        ));
                    }
                }
                Err(_) => {
                    ocr_problems.push(format!("{name}: its page images could not be read by OCR"))
                }
            },
        }
    }
    let mut out: Vec<String> = crate::pdf_checks::structure(bytes, &doc)
        .into_iter()
        .map(|p| format!("{name}: {p}"))
        .collect();
    out.extend(
        crate::pdf_checks::box_problems(&doc, boxes)
            .into_iter()
            .map(|p| format!("{name}: {p}")),
    );
    out.extend(ocr_problems);
    out
}

/// The text of a PDF as sarx's extractor and lopdf see it.
fn extracted_text(name: &str, bytes: &[u8]) -> Option<String> {
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

/// Searches the text of one bundle file.
fn examine(secrets: &Secrets, name: &str, text: &str) -> Option<LeakReport> {
    let document = name.starts_with("documents/");
    let toks = tokens(text);
    let masked = if document {
        vec![false; toks.len()]
    } else {
        secrets.mask(&toks)
    };
    let mut report = LeakReport {
        file: name.to_owned(),
        record: secrets.documents.get(name).cloned(),
        whole: 0,
        partial: 0,
        collisions: Vec::new(),
    };
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for l in secrets.set.find(text) {
        if masked.iter().skip(l.token).take(l.len).any(|m| *m) {
            continue;
        }
        if l.whole {
            report.whole += 1;
        } else {
            report.partial += 1;
        }
        let key = toks
            .get(l.token..l.token + l.len)
            .and_then(|w| secrets.set.key(w))
            .unwrap_or_default();
        if seen.insert(key.clone()) {
            report.collisions.push(Collision {
                origins: secrets.origins.get(&key).cloned().unwrap_or_default(),
                whole: l.whole,
                unapplied: false,
            });
        }
    }
    if let Some(local) = secrets.local.get(name) {
        for &n in &secrets.local_lengths {
            for w in toks.windows(n.max(1)) {
                let Some(o) = secrets.set.key(w).and_then(|h| local.get(&h)) else {
                    continue;
                };
                report.whole += 1;
                let c = Collision {
                    origins: vec![o.clone()],
                    whole: true,
                    unapplied: true,
                };
                if !report.collisions.contains(&c) {
                    report.collisions.push(c);
                }
            }
        }
    }
    report.collisions.sort_by_key(|c| !c.whole);
    (report.whole + report.partial > 0).then_some(report)
}

fn sha256_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// The case file holding the hashes of the bundle whose SHA-256 is
/// `bundle_sha256` (`redacted-hashes.<first 16 hex digits>.json`); the
/// case's `redacted-hashes.json` is a copy of its latest bundle's.
pub fn hashes_file_name(bundle_sha256: &str) -> String {
    let short = bundle_sha256.get(..16).unwrap_or(bundle_sha256);
    format!("redacted-hashes.{short}.json")
}

/// The case file holding the internal log (with the redacted text) of the
/// bundle whose SHA-256 is `bundle_sha256`, beside [`hashes_file_name`]'s.
pub fn internal_log_file_name(bundle_sha256: &str) -> String {
    let short = bundle_sha256.get(..16).unwrap_or(bundle_sha256);
    format!("redaction-log.internal.{short}.json")
}

/// SHA-256 (hex) of the file at `path`, to find its hashes in the case.
pub fn file_sha256(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(sha256_hex(&bytes))
}

/// Verifies the bundle at `path` against the case's redaction hashes.
pub fn verify(
    path: &Path,
    secrets: &Secrets,
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
    // Page images are read again by OCR where Tesseract is installed.
    let engine = sarx_ocr::Tesseract::find().ok();
    let mut v = Verification {
        files: contents.len(),
        tracked: secrets.set.len(),
        ..Verification::default()
    };
    // Files are examined in parallel (each PDF runs pdftotext and, for
    // page images, Tesseract); findings are gathered in file order.
    struct One {
        pdf: bool,
        unsound: Vec<String>,
        not_ocr_checked: usize,
        unreadable: bool,
        leak: Option<LeakReport>,
    }
    let entries: Vec<(&String, &Vec<u8>)> = contents.iter().collect();
    let results: Vec<One> = entries
        .par_iter()
        .map(|&(name, bytes)| {
            let mut one = One {
                pdf: false,
                unsound: Vec::new(),
                not_ocr_checked: 0,
                unreadable: false,
                leak: None,
            };
            let text = if name.ends_with(".pdf") {
                one.pdf = true;
                let mut ocr = String::new();
                one.unsound = soundness(
                    name,
                    bytes,
                    secrets,
                    engine.as_ref(),
                    &mut ocr,
                    &mut one.not_ocr_checked,
                );
                match pdf_text(name, bytes) {
                    Some(t) => format!("{t}\n{ocr}"),
                    None => {
                        one.unreadable = true;
                        return one;
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
            one.leak = examine(secrets, name, &text);
            one
        })
        .collect();
    for ((name, _), one) in entries.iter().zip(results) {
        v.pdfs += usize::from(one.pdf);
        v.unsound.extend(one.unsound);
        v.not_ocr_checked += one.not_ocr_checked;
        if one.unreadable {
            v.unreadable.push((*name).clone());
        }
        v.leaks.extend(one.leak);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> Secrets {
        // "Fernbank Homes" tracked as if a plan had spread it (the spread
        // rules never let that happen; masking is the second line).
        let mut s = Secrets {
            set: SecretSet::build(
                &["Fernbank Homes", "Janet Smith"],
                &["Fernbank Homes"],
                [9; 32],
            ),
            ..Secrets::default()
        };
        s.add_boilerplate(&tokens("Fernbank Homes"));
        s.add_boilerplate(&tokens("Schedule of documents"));
        let k = s.set.key(&tokens("Janet Smith")).unwrap();
        s.origins.insert(
            k,
            vec![Origin {
                redaction: "r4".into(),
                record: "abc".into(),
                document: "documents/0002-log.pdf".into(),
            }],
        );
        s.documents
            .insert("documents/0001-letter.pdf".into(), "def".into());
        s
    }

    #[test]
    fn sarx_wording_in_generated_files_is_never_the_collision() {
        let s = secrets();
        let letter = "This is Fernbank Homes's response. Schedule of documents.";
        assert_eq!(examine(&s, "cover-letter.html", letter), None);
        assert_eq!(examine(&s, "schedule.csv", letter), None);
        // A disclosed document is searched unmasked.
        assert!(examine(&s, "documents/0001-letter.pdf", letter).is_some());
        // And a real leak next to the boilerplate is still found.
        let r = examine(&s, "schedule.csv", "Fernbank Homes Janet Smith").unwrap();
        assert_eq!(r.whole, 1);
    }

    #[test]
    fn a_collision_names_the_redaction_record_and_files_never_the_text() {
        let s = secrets();
        let r = examine(&s, "documents/0001-letter.pdf", "we met janet  SMITH").unwrap();
        let v = Verification {
            leaks: vec![r],
            ..Verification::default()
        };
        let advice = v.advice();
        assert!(advice.iter().all(|a| !a.to_lowercase().contains("janet")));
        assert_eq!(
            advice[0],
            "redaction r4 of record abc (documents/0002-log.pdf) is also written in documents/0001-letter.pdf (record def): if it is not a third party's data, reject r4 of record abc in `sarx review`; otherwise redact its other occurrence in record def"
        );
        assert!(!v.summary().to_lowercase().contains("janet"));
    }

    #[test]
    fn hashes_written_before_origins_existed_still_read() {
        let old =
            serde_json::to_string(&SecretSet::build(&["Janet Smith"], &[""], [1; 32])).unwrap();
        let s: Secrets = serde_json::from_str(&old).unwrap();
        assert_eq!(s.set.len(), 1);
        let r = examine(&s, "documents/0001-x.pdf", "Janet Smith").unwrap();
        let v = Verification {
            leaks: vec![r],
            ..Verification::default()
        };
        assert!(
            v.advice()[0].contains("build the bundle again"),
            "{:?}",
            v.advice()
        );
    }
}
