//! `sarx index` is incremental: an unchanged corpus is not read again, a
//! modified file is re-extracted, a deleted file's records vanish; exit
//! codes follow the unsearchable state of the shard.

use std::path::Path;

use serde_json::Value;

use crate::common;

use common::sarx;

/// Runs `sarx index --json` and returns (exit code, summary).
fn index(idx: &Path, root: &Path) -> (i32, Value) {
    let out = sarx()
        .args([
            "index",
            "--json",
            "--quiet",
            "--threads",
            "2",
            "--shard",
            "t",
            "--index",
        ])
        .arg(idx)
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "not one JSON object ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn n(v: &Value, k: &str) -> u64 {
    v[k].as_u64().unwrap_or_else(|| panic!("no {k} in {v}"))
}

fn write_corpus(root: &Path) {
    std::fs::create_dir_all(root.join("letters")).unwrap();
    for i in 0..30 {
        std::fs::write(
            root.join(format!("letters/letter-{i:02}.txt")),
            format!("Dear tenant {i},\nYour repair reference is REP-{i:05}.\n"),
        )
        .unwrap();
    }
    std::fs::write(
        root.join("rent.csv"),
        "name,ref,balance\nJo Bloggs,TEN-0045127,10.00\nAnn Lee,TEN-0045128,0.00\n",
    )
    .unwrap();
    std::fs::write(
        root.join("mail.eml"),
        "From: Jo Bloggs <jo@example.org>\r\nTo: housing@example.gov.uk\r\nSubject: Boiler\r\n\r\nThe boiler is broken again.\r\n",
    )
    .unwrap();
}

#[test]
fn unchanged_corpus_is_not_read_and_changes_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("share");
    let idx = dir.path().join("idx");
    write_corpus(&root);

    let (code, first) = index(&idx, &root);
    assert_eq!(code, 0, "{first}");
    assert_eq!(n(&first, "files_seen"), 32);
    assert_eq!(n(&first, "files_extracted"), 32);
    let records = n(&first["totals"], "records");
    assert!(records >= 32 + 2, "{first}");
    assert_eq!(n(&first, "records_added"), records);

    // Unchanged: nothing read, nothing extracted, nothing added.
    let (code, second) = index(&idx, &root);
    assert_eq!(code, 0);
    assert_eq!(n(&second, "files_extracted"), 0);
    assert_eq!(n(&second, "files_unchanged"), 32);
    assert_eq!(n(&second, "bytes_read"), 0);
    assert_eq!(n(&second, "records_added"), 0);
    assert_eq!(n(&second["totals"], "records"), records);

    // Modified, deleted, added.
    std::fs::write(
        root.join("letters/letter-03.txt"),
        "Dear tenant, changed letter REP-99999.\n",
    )
    .unwrap();
    std::fs::remove_file(root.join("letters/letter-04.txt")).unwrap();
    std::fs::write(root.join("letters/new.txt"), "A new note.\n").unwrap();
    let (code, third) = index(&idx, &root);
    assert_eq!(code, 0);
    assert_eq!(n(&third, "files_extracted"), 2);
    assert_eq!(n(&third, "files_unchanged"), 30);
    assert_eq!(n(&third, "files_deleted"), 1);
    assert_eq!(n(&third["totals"], "records"), records);

    let set = sarx_index::IndexSet::open(&idx).unwrap();
    let changed = set.candidates(&[], &["ref:REP-99999".into()], 10).unwrap();
    assert_eq!(changed.len(), 1);
    assert!(changed[0].source.ends_with("letters/letter-03.txt"));
    assert!(set
        .candidates(&[], &["ref:REP-00003".into()], 10)
        .unwrap()
        .is_empty());
    assert!(set
        .candidates(&[], &["ref:REP-00004".into()], 10)
        .unwrap()
        .is_empty());
    let ids = set.record_ids().unwrap();
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());

    // Touched but unchanged content: read and hashed, not extracted.
    let content = std::fs::read(root.join("rent.csv")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(root.join("rent.csv"), &content).unwrap();
    let (_, fourth) = index(&idx, &root);
    assert_eq!(n(&fourth, "files_same_content"), 1);
    assert_eq!(n(&fourth, "files_extracted"), 0);
    assert_eq!(n(&fourth["totals"], "records"), records);

    // An unsearchable file: exit code 1, listed by `sarx status`.
    std::fs::write(
        root.join("scan.png"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    )
    .unwrap();
    let (code, fifth) = index(&idx, &root);
    assert_eq!(code, 1, "{fifth}");
    let listed = fifth["unsearchable"].as_array().unwrap();
    assert!(
        listed
            .iter()
            .any(|u| u["source"].as_str().unwrap().ends_with("scan.png")),
        "{fifth}"
    );
    let status = sarx()
        .args(["status", "--json", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1));
    let s: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(n(&s["stats"], "records"), records);
    assert!(s["unsearchable"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["source"].as_str().unwrap().ends_with("scan.png")));

    // Deleting it clears the list: exit code 0 again.
    std::fs::remove_file(root.join("scan.png")).unwrap();
    let (code, _) = index(&idx, &root);
    assert_eq!(code, 0);
}

#[test]
fn errors_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = sarx()
        .args(["index", "--quiet", "--index"])
        .arg(dir.path().join("idx"))
        .arg(dir.path().join("no-such-root"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sarx()
        .args(["status", "--index"])
        .arg(dir.path().join("nothing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sarx()
        .args(["index", "--quiet", "--shard", "../x", "--index"])
        .arg(dir.path().join("idx"))
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `sarx index --json` with extra arguments.
fn index_with(idx: &Path, root: &Path, extra: &[&str]) -> (i32, Value) {
    let out = sarx()
        .args(["index", "--json", "--quiet", "--shard", "t"])
        .args(extra)
        .arg("--index")
        .arg(idx)
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "not one JSON object ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

/// Issue 21: a scan is OCR'd once; an unchanged (or only touched) scan is
/// not OCR'd again; changing the OCR mode extracts again.
#[test]
fn a_scan_is_ocred_once_and_again_only_when_the_ocr_mode_changes() {
    if !common::needs_tools(
        "a_scan_is_ocred_once_and_again_only_when_the_ocr_mode_changes",
        &["tesseract", "pdftoppm"],
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("share");
    std::fs::create_dir_all(&root).unwrap();
    let scans = sarx_fixtures::scans::scans(11).unwrap();
    let tiff = scans
        .iter()
        .find(|s| s.source.ends_with(".tif"))
        .expect("the TIFF form");
    std::fs::write(root.join("form.tif"), &tiff.bytes).unwrap();
    std::fs::write(root.join("note.txt"), "Tenant called about the boiler.\n").unwrap();
    let idx = tmp.path().join("idx");

    let (_, v) = index_with(&idx, &root, &[]);
    assert_eq!(n(&v, "ocr_pages"), 2, "{v}");
    assert_eq!(v["records_added_by_kind"]["image"].as_u64(), Some(1), "{v}");
    assert!(
        v["ocr"].as_str().unwrap().starts_with("auto:tesseract-"),
        "{v}"
    );

    let (_, v) = index_with(&idx, &root, &[]);
    assert_eq!(n(&v, "files_unchanged"), 2, "{v}");
    assert_eq!(n(&v, "ocr_pages"), 0, "{v}");

    // Touched, same content: read and hashed, not OCR'd.
    let f = std::fs::File::options()
        .write(true)
        .open(root.join("form.tif"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    drop(f);
    let (_, v) = index_with(&idx, &root, &[]);
    assert_eq!(n(&v, "files_same_content"), 1, "{v}");
    assert_eq!(n(&v, "ocr_pages"), 0, "{v}");

    // Another mode is another configuration: every file is extracted again.
    let (code, v) = index_with(&idx, &root, &["--ocr", "off"]);
    assert_eq!(n(&v, "files_extracted"), 2, "{v}");
    assert_eq!(n(&v, "ocr_pages"), 0, "{v}");
    assert_eq!(code, 1, "the scan needs review: {v}");
    let u = &v["unsearchable"][0];
    assert_eq!(
        u["reason"]["reason"].as_str(),
        Some("needs_manual_review"),
        "{v}"
    );
    assert!(u["detail"].as_str().unwrap().contains("OCR is off"), "{v}");
}
