//! Snapshot tests (insta) of two reports on the committed sample corpus
//! (`fixtures/sample`):
//!
//! - the `sarx search --json` report for one fixture subject, run from
//!   `fixtures/sample` on the relative path `corpus`, so that sources (and
//!   the record ids made from them) do not depend on where the checkout is;
//! - the redaction plan of one fixture record by the rules-only engine
//!   (`Engine::builder().build()`, no model), keeping the subject's data.
//!
//! Both are deterministic: one verification thread, no clock in the output.
//! Review a change with `cargo insta review` (or set `INSTA_UPDATE=always`
//! and read the diff of `tests/it/snapshots/*.snap`).

use crate::common;

use std::path::{Path, PathBuf};

use sarx_detect::{SubjectMatcher, SubjectProfile};
use sarx_extract::{Collected, Extractor, Limits};
use sarx_redact::Engine;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample")
}

#[test]
fn search_json_of_a_fixture_subject() {
    let tmp = tempfile::tempdir().unwrap();
    let idx = tmp.path().join("index");
    let out = common::sarx()
        .current_dir(sample())
        .args(["index", "--quiet", "--threads", "1", "--index"])
        .arg(&idx)
        .arg("corpus")
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "index: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = common::sarx()
        .current_dir(sample())
        .args(["search", "--json", "--threads", "1", "--index"])
        .arg(&idx)
        .args(["--subject", "subjects/kowalski.toml"])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "search: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    // Nothing of the temporary directory may reach the report.
    assert!(
        !text.contains(&tmp.path().to_string_lossy().into_owned()),
        "{text}"
    );
    // Records name their files by absolute path, and their ids derive from
    // it: both are masked (the checkout's place differs between machines).
    let text = text.replace(&format!("{}/", sample().display()), "");
    let mut report: serde_json::Value = serde_json::from_str(&text).unwrap();
    for hit in report["hits"].as_array_mut().unwrap() {
        let id = &mut hit["id"];
        assert!(id.as_str().is_some_and(|s| s.len() == 32), "{id}");
        *id = serde_json::Value::String("[record id]".into());
    }
    assert!(
        !report["hits"].as_array().unwrap().is_empty(),
        "no hits: {text}"
    );
    insta::assert_json_snapshot!("search_json_kowalski", report);
}

#[test]
fn redaction_plan_of_a_fixture_record_rules_only() {
    let root = sample();
    let source = "housing/tenancy/okafor/case-notes-2024.txt";
    let mut c = Collected::default();
    Extractor::new(Limits::default()).extract_path(
        source,
        &root.join("corpus").join(source),
        &mut c,
    );
    assert_eq!(c.records.len(), 1, "{:?}", c.unsearchable);
    let record = &c.records[0];
    let profile = SubjectProfile::from_path(&root.join("subjects/okafor.toml")).unwrap();
    let matcher = SubjectMatcher::new(&profile);
    let engine = Engine::builder().build().unwrap();
    assert!(!engine.has_model());
    let plan = engine.plan(record, Some(&matcher));
    assert!(!plan.redactions.is_empty(), "{plan:?}");
    insta::assert_json_snapshot!("plan_okafor_case_notes_rules_only", plan);
}
