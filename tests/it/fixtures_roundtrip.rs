//! The locator contract, checked end to end: every record of the fixture
//! ground truth must come out of `sarx_extract` at exactly its
//! `(source, locator)`, and every third-party and subject string listed for
//! it must occur in that record's extracted `text`.
//!
//! On failure the test prints a table per format (top-level extension, and
//! `outer>inner` for attachments and archive members) so that the extractor
//! at fault is obvious.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sarx_extract::{Collected, Extractor, Limits};
use sarx_fixtures::{generate, Config, Truth, TruthRecord};

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn ext(name: &str) -> String {
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_else(|| "-".into())
}

/// `docx`, `eml>pdf`, `zip>zip>txt`, `xlsx>row`, `mbox>msg>docx`.
fn format_key(r: &TruthRecord) -> String {
    let mut key = ext(&r.source);
    if r.locator.is_empty() {
        return key;
    }
    if matches!(key.as_str(), "xlsx" | "csv") {
        return format!("{key}>row");
    }
    for part in r.locator.split('/') {
        let part = part.strip_prefix("attachment ").unwrap_or(part);
        if part.starts_with("message ") {
            key.push_str(">msg");
        } else if part.contains('.') {
            key.push('>');
            key.push_str(&ext(part));
        }
    }
    key
}

#[derive(Default)]
struct Tally {
    records: usize,
    ok: usize,
    missing: usize,
    strings: usize,
    strings_missing: usize,
}

#[test]
fn every_truth_record_is_extracted_at_its_locator_with_its_strings() {
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        &Config {
            seed: 7,
            size_mb: None,
        },
    )
    .unwrap();
    let truth: Truth =
        serde_json::from_slice(&std::fs::read(dir.path().join("truth.json")).unwrap()).unwrap();
    let corpus = dir.path().join("corpus");

    let ex = Extractor::new(Limits::default());
    let mut out = Collected::default();
    for path in files(&corpus) {
        let rel = path
            .strip_prefix(&corpus)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        ex.extract_path(&rel, &path, &mut out);
    }
    let mut by_key: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for r in &out.records {
        by_key.insert((r.source.as_str(), r.locator.as_str()), r.text.as_str());
    }
    let unsearchable: BTreeMap<(&str, &str), String> = out
        .unsearchable
        .iter()
        .map(|u| {
            (
                (u.source.as_str(), u.locator.as_str()),
                format!("{}: {}", u.reason.code(), u.detail),
            )
        })
        .collect();

    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    let mut scans = 0;
    for t in &truth.records {
        // Scans are read by OCR, which this extractor (without OCR) leaves
        // out; they must still be listed, with the reason. Their text is
        // judged by word accuracy in `ocr_scans`, not string by string.
        if t.classes.iter().any(|c| c == "scan") {
            scans += 1;
            assert!(
                unsearchable.contains_key(&(t.source.as_str(), ""))
                    || by_key.contains_key(&(t.source.as_str(), t.locator.as_str())),
                "scan {} neither extracted nor listed as unsearchable",
                t.source
            );
            continue;
        }
        let key = format_key(t);
        let row = tally.entry(key.clone()).or_default();
        row.records += 1;
        let Some(text) = by_key.get(&(t.source.as_str(), t.locator.as_str())) else {
            row.missing += 1;
            let why = unsearchable
                .get(&(t.source.as_str(), ""))
                .or_else(|| unsearchable.get(&(t.source.as_str(), t.locator.as_str())))
                .cloned()
                .unwrap_or_else(|| {
                    let have: Vec<&str> = out
                        .records
                        .iter()
                        .filter(|r| r.source == t.source)
                        .map(|r| r.locator.as_str())
                        .take(8)
                        .collect();
                    format!("extracted locators here: {have:?}")
                });
            problems.push(format!(
                "[{key}] missing {} @ {:?} ({why})",
                t.source, t.locator
            ));
            continue;
        };
        let mut all_found = true;
        for s in t
            .third_party
            .iter()
            .chain(t.subject_strings.values().flatten())
        {
            row.strings += 1;
            if !text.contains(s.as_str()) {
                row.strings_missing += 1;
                all_found = false;
                problems.push(format!(
                    "[{key}] {} @ {:?}: {s:?} not in the extracted text",
                    t.source, t.locator
                ));
            }
        }
        if all_found {
            row.ok += 1;
        }
    }

    eprintln!(
        "{:<16} {:>7} {:>5} {:>8} {:>8} {:>8}",
        "format", "records", "ok", "missing", "strings", "absent"
    );
    for (k, t) in &tally {
        eprintln!(
            "{:<16} {:>7} {:>5} {:>8} {:>8} {:>8}{}",
            k,
            t.records,
            t.ok,
            t.missing,
            t.strings,
            t.strings_missing,
            if t.ok == t.records { "" } else { "   FAIL" }
        );
    }
    eprintln!("scans: {scans} (listed; their text is checked in ocr_scans)");
    assert!(scans > 0, "the sample has scans");
    for p in problems.iter().take(60) {
        eprintln!("{p}");
    }
    let failing: Vec<&String> = tally
        .iter()
        .filter(|(_, t)| t.ok != t.records)
        .map(|(k, _)| k)
        .collect();
    assert!(
        failing.is_empty(),
        "{} of {} truth records fail; formats failing: {failing:?}",
        problems
            .len()
            .min(tally.values().map(|t| t.records - t.ok).sum()),
        truth.records.len()
    );
}
