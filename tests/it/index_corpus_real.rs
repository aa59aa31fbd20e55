//! `sarx index` over every file of ../shared/corpus-real (real-world files
//! published by other projects, including zip bombs and traps): every file
//! is indexed with records or listed as unsearchable with a specific reason,
//! no extractor fails, no panic is caught, bombs are rejected by a limit.
//! Without the corpus it fails under CI and prints "skipped" elsewhere. Run with `--nocapture` to see the time and per-reason counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::common;

/// What the binary's panic hook (src/main.rs) prints for every panic, caught
/// or not, in place of the default "thread ... panicked" message.
const PANIC_HOOK_TEXT: &str = "sarx index: an internal component failed";

/// The detail of the one deliberate catch: calamine panics on some damaged
/// workbooks and the sheet extractor reports the file as corrupt with this
/// detail (crates/extract/src/sheet.rs). Every other panic is a failure.
const WORKBOOK_PANIC_DETAIL: &str = "reader could not parse this workbook's structure";

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_dir() {
            files_under(&e.path(), out);
        } else if t.is_file() {
            out.push(e.path());
        }
    }
}

#[test]
fn every_real_world_file_is_indexed_or_listed_with_a_reason() {
    let Some(root) = common::shared(
        "every_real_world_file_is_indexed_or_listed_with_a_reason",
        "corpus-real",
    ) else {
        return;
    };
    let idx = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let out = common::sarx()
        .args([
            "index",
            "--json",
            "--quiet",
            "--threads",
            "2",
            "--shard",
            "real",
            "--index",
        ])
        .arg(idx.path())
        .arg(&root)
        .output()
        .unwrap();
    let elapsed = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The hook replaces the default panic message, so a panic that was
    // caught shows only as the hook's line (counted below).
    let panics = stderr.matches(PANIC_HOOK_TEXT).count();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        out.status
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let mut files = Vec::new();
    files_under(&root, &mut files);
    let root_s = root.to_string_lossy().replace('\\', "/");
    let sources: BTreeSet<String> = files
        .iter()
        .map(|f| f.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(summary["files_seen"].as_u64(), Some(sources.len() as u64));

    let set = sarx_index::IndexSet::open(idx.path()).unwrap();
    let mut with_records = BTreeSet::new();
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    set.for_each_record(|r| -> Result<(), ()> {
        *by_kind.entry(r.kind.as_str().to_owned()).or_default() += 1;
        with_records.insert(r.source);
        Ok(())
    })
    .unwrap()
    .unwrap();
    let unsearchable = set.unsearchable().unwrap();
    let whole_file: BTreeMap<&str, &sarx_model::Unsearchable> = unsearchable
        .iter()
        .filter(|u| u.locator.is_empty())
        .map(|u| (u.source.as_str(), u))
        .collect();

    // Every file accounted for.
    let unaccounted: Vec<&String> = sources
        .iter()
        .filter(|s| !with_records.contains(*s) && !whole_file.contains_key(s.as_str()))
        .collect();
    assert!(
        unaccounted.is_empty(),
        "files neither indexed nor listed: {unaccounted:#?}"
    );
    // Nothing outside the corpus, nothing unknown.
    assert!(with_records.iter().all(|s| sources.contains(s)));

    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    let mut whole_by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for u in &unsearchable {
        *by_reason.entry(u.reason.code()).or_default() += 1;
        if u.locator.is_empty() {
            *whole_by_reason.entry(u.reason.code()).or_default() += 1;
        }
        assert!(!u.detail.is_empty(), "no detail for {}", u.source);
    }
    let failed: Vec<_> = unsearchable
        .iter()
        .filter(|u| u.reason == sarx_model::Reason::ExtractorFailed)
        .map(|u| {
            format!(
                "{} [{}] {}",
                u.source.trim_start_matches(&root_s),
                u.locator,
                u.detail
            )
        })
        .collect();

    // Bombs and quines are stopped by a limit.
    for bomb in [
        "ZIPBOMB-kd2fw-zbsm.zip",
        "ZIPBOMB-kd2fw-zipbomb_1G.zip",
        "droste.zip",
        "tika-quine.gz",
    ] {
        let source = format!("{root_s}/archives/bombs/{bomb}");
        let limited = unsearchable
            .iter()
            .any(|u| u.source == source && u.reason.code().starts_with("limit_exceeded"));
        assert!(limited, "{bomb} was not stopped by a limit");
    }

    eprintln!(
        "corpus-real: {} files indexed in {:.1} s (sarx's own figure {:.1} s)",
        sources.len(),
        elapsed.as_secs_f64(),
        summary["elapsed_secs"].as_f64().unwrap_or(0.0)
    );
    eprintln!(
        "  files with records: {}, whole-file unsearchable: {}",
        with_records.len(),
        whole_file.len()
    );
    eprintln!("  records by kind: {by_kind:?}");
    eprintln!("  unsearchable entries by reason (all): {by_reason:?}");
    eprintln!("  whole files unsearchable by reason: {whole_by_reason:?}");
    for u in &unsearchable {
        if u.locator.is_empty() {
            eprintln!(
                "    {} : {} : {}",
                u.source.trim_start_matches(&root_s),
                u.reason.code(),
                u.detail
            );
        }
    }
    assert!(failed.is_empty(), "extractor_failed: {failed:#?}");
    // Every panic the hook reported is a workbook calamine could not parse;
    // any other (caught by the dispatcher or elsewhere) fails the test.
    let workbook_panics: Vec<&str> = unsearchable
        .iter()
        .filter(|u| u.detail.contains(WORKBOOK_PANIC_DETAIL))
        .map(|u| u.source.trim_start_matches(&root_s))
        .collect();
    eprintln!("  panics caught: {panics} (unparsable workbooks: {workbook_panics:?})");
    assert!(
        panics <= workbook_panics.len(),
        "{panics} panic(s) caught, {} workbook(s) reported unparsable ({workbook_panics:?}): {stderr}",
        workbook_panics.len()
    );
}
