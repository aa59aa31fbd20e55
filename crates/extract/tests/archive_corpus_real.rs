//! Every real-world archive under `../shared/corpus-real/archives`,
//! including the bombs and the malicious ones, is extracted without an
//! extractor failure: bombs end with a limit reason inside the limits,
//! path-traversal names get safe locators, encrypted members are reported
//! as encrypted. Without the corpus: a failure under CI, "skipped" elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use sarx_extract::{Collected, Limits};
use sarx_model::{Kind, Limit, Reason};

mod common;
use common::{extract, files};

fn corpus(test: &str) -> Option<PathBuf> {
    common::corpus(test, "archives")
}

fn locators(out: &Collected) -> Vec<&str> {
    out.records.iter().map(|r| r.locator.as_str()).collect()
}

fn is_limit(r: Reason) -> bool {
    matches!(r, Reason::LimitExceeded(_))
}

#[test]
fn every_archive_is_a_record_or_has_a_reason() {
    let Some(root) = corpus("every_archive_is_a_record_or_has_a_reason") else {
        return;
    };
    let limits = Limits::default();
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut n = 0;
    for dir in [root.clone(), root.join("bombs"), root.join("malicious")] {
        for path in files(&dir) {
            n += 1;
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let out = extract(&path);
            for u in &out.unsearchable {
                assert_ne!(
                    u.reason,
                    Reason::ExtractorFailed,
                    "{name} {}: {}",
                    u.locator,
                    u.detail
                );
                *by_reason.entry(u.reason.code()).or_default() += 1;
            }
            assert!(
                out.records.iter().any(|r| r.locator.is_empty())
                    || out.unsearchable.iter().any(|u| u.locator.is_empty()),
                "{name}: neither record nor reason"
            );
            let expanded: u64 = out
                .records
                .iter()
                .filter(|r| !r.locator.is_empty())
                .map(|r| r.size)
                .sum();
            assert!(
                expanded <= limits.max_expanded_bytes,
                "{name}: {expanded} bytes expanded"
            );
        }
    }
    eprintln!("archive files: {n}; unsearchable by reason: {by_reason:?}");
    assert!(n >= 25, "expected the archives corpus, found {n} files");
}

#[test]
fn bombs_are_stopped_by_limits() {
    let Some(root) = corpus("bombs_are_stopped_by_limits") else {
        return;
    };
    for name in [
        "ZIPBOMB-kd2fw-zbsm.zip",
        "ZIPBOMB-kd2fw-zipbomb_1G.zip",
        "droste.zip",
        "tika-quine.gz",
    ] {
        let out = extract(&root.join("bombs").join(name));
        assert!(
            out.unsearchable.iter().any(|u| is_limit(u.reason)),
            "{name}: no limit reason in {:?}",
            out.unsearchable
        );
        // (droste.zip also holds a picture: that one needs manual review.)
        assert!(
            out.unsearchable
                .iter()
                .all(|u| is_limit(u.reason) || u.reason == Reason::NeedsManualReview),
            "{name}: another reason in {:?}",
            out.unsearchable
        );
    }
    // The quines recurse until the depth limit.
    for name in ["droste.zip", "tika-quine.gz"] {
        let out = extract(&root.join("bombs").join(name));
        assert!(
            out.unsearchable
                .iter()
                .any(|u| u.reason == Reason::LimitExceeded(Limit::Depth)),
            "{name}: {:?}",
            out.unsearchable
        );
    }
    // The 1 GiB member is refused from its declared sizes, before expansion.
    let out = extract(&root.join("bombs/ZIPBOMB-kd2fw-zipbomb_1G.zip"));
    assert!(out
        .unsearchable
        .iter()
        .any(|u| u.reason == Reason::LimitExceeded(Limit::CompressionRatio)));
    // zbsm's 250 overlapping members are each refused for their ratio.
    let out = extract(&root.join("bombs/ZIPBOMB-kd2fw-zbsm.zip"));
    assert!(out.unsearchable.len() >= 250, "{}", out.unsearchable.len());
}

#[test]
fn traversal_names_get_safe_locators() {
    let Some(root) = corpus("traversal_names_get_safe_locators") else {
        return;
    };
    for name in [
        "snyk-zip-slip.tar",
        "zt-zip-zip-malicious-traversal.zip",
        "zt-zip-zip-malicious-traversal-root.zip",
        "zt-zip-zip-malicious-traversal-backslashes.zip",
    ] {
        let out = extract(&root.join("malicious").join(name));
        let top = out
            .records
            .iter()
            .find(|r| r.locator.is_empty())
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(top.kind, Kind::Archive);
        assert_eq!(
            top.meta.get("path_traversal").map(String::as_str),
            Some("true"),
            "{name}"
        );
        assert!(
            out.records.len() >= 2,
            "{name}: members missing: {:?}",
            out.unsearchable
        );
        for loc in locators(&out) {
            assert!(!loc.contains(".."), "{name}: {loc}");
            assert!(!loc.starts_with('/'), "{name}: {loc}");
            assert!(!loc.contains('\\'), "{name}: {loc}");
        }
    }
}

#[test]
fn duplicate_names_get_numbered_locators() {
    let Some(root) = corpus("duplicate_names_get_numbered_locators") else {
        return;
    };
    let out = extract(&root.join("malicious/zt-zip-duplicate.zip"));
    let locs = locators(&out);
    assert!(
        locs.contains(&"foo.txt") && locs.contains(&"foo.txt (2)"),
        "{locs:?}"
    );
}

#[test]
fn oom_trap_is_refused_without_allocating() {
    let Some(root) = corpus("oom_trap_is_refused_without_allocating") else {
        return;
    };
    let out = extract(&root.join("malicious/tika-testZIP_corrupted_oom.zip"));
    assert!(!out.unsearchable.is_empty());
    assert!(out
        .unsearchable
        .iter()
        .all(|u| u.reason != Reason::ExtractorFailed));
}

#[test]
fn encrypted_member_is_reported_and_the_other_read() {
    let Some(root) = corpus("encrypted_member_is_reported_and_the_other_read") else {
        return;
    };
    let out = extract(&root.join("tika-testZipEncrypted.zip"));
    assert_eq!(
        out.unsearchable
            .iter()
            .filter(|u| u.reason == Reason::Encrypted)
            .count(),
        1,
        "{:?}",
        out.unsearchable
    );
    assert!(
        out.records
            .iter()
            .any(|r| !r.locator.is_empty() && !r.text.is_empty()),
        "{:?}",
        locators(&out)
    );
}

#[test]
fn nested_and_compressed_archives_are_walked() {
    let Some(root) = corpus("nested_and_compressed_archives_are_walked") else {
        return;
    };
    let out = extract(&root.join("tika-test-zip-of-zip.zip"));
    let inner = out
        .records
        .iter()
        .find(|r| r.locator == "html-within-zip.zip")
        .expect("inner zip record");
    assert_eq!(inner.kind, Kind::Archive);
    let below: Vec<&str> = out
        .records
        .iter()
        .map(|r| r.locator.as_str())
        .chain(out.unsearchable.iter().map(|u| u.locator.as_str()))
        .filter(|l| l.starts_with("html-within-zip.zip/"))
        .collect();
    assert!(!below.is_empty(), "{:?}", locators(&out));

    let tgz = extract(&root.join("tika-test-documents.tgz"));
    let zip = extract(&root.join("tika-test-documents.zip"));
    let members = |c: &Collected| {
        let mut v: Vec<String> = c
            .records
            .iter()
            .map(|r| r.locator.clone())
            .chain(c.unsearchable.iter().map(|u| u.locator.clone()))
            .filter(|l| !l.is_empty())
            // Archive members only: not the rows of a workbook member.
            .filter(|l| !l.contains('!'))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        tgz.records[0].meta.get("format").map(String::as_str),
        Some("tar.gz")
    );
    assert_eq!(members(&tgz).len(), 9, "{:?}", members(&tgz));
    assert_eq!(members(&zip).len(), 9, "{:?}", members(&zip));

    let nested = extract(&root.join("tika-test-nested-tarball.tar"));
    assert!(
        nested.records.len() >= 3,
        "{:?} {:?}",
        locators(&nested),
        nested.unsearchable
    );
}

#[test]
fn split_zip_is_unsupported_with_a_clear_detail() {
    let Some(root) = corpus("split_zip_is_unsupported_with_a_clear_detail") else {
        return;
    };
    for name in [
        "tika-test-documents-spanned.zip",
        "tika-test-documents-spanned.z01",
    ] {
        let out = extract(&root.join(name));
        let top = out
            .unsearchable
            .iter()
            .find(|u| u.locator.is_empty())
            .unwrap_or_else(|| panic!("{name}: {out:?}"));
        assert!(
            matches!(top.reason, Reason::Unsupported | Reason::Corrupt),
            "{name}: {top:?}"
        );
        assert!(top.detail.contains("split"), "{name}: {}", top.detail);
    }
}

#[test]
fn legacy_member_names_are_decoded() {
    let Some(root) = corpus("legacy_member_names_are_decoded") else {
        return;
    };
    let sjis = extract(&root.join("tika-testZipEntryNameCharsetShiftSJIS.zip"));
    let gbk = extract(&root.join("tika-gbk.zip"));
    for (name, out) in [("sjis", &sjis), ("gbk", &gbk)] {
        let locs = locators(out);
        assert!(
            locs.iter()
                .any(|l| l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)
                    || ('\u{3040}'..='\u{30ff}').contains(&c))),
            "{name}: {locs:?}"
        );
    }
}
