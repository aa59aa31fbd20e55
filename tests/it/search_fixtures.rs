//! `sarx search` on both freshly generated fixture organisations: for every
//! fixture subject, recall ≥ 0.98 of the records about them, zero records of
//! their namesake returned as hits, precision ≥ 0.95, and every hard case of
//! discovery present and found (issues 2 and 19, acceptance 1). The first
//! organisation's scans (class `scan`) are found only through OCR (issue
//! 21): they need Tesseract, and without it the test fails under CI and
//! leaves them out elsewhere, saying so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use sarx_fixtures::{generate, generate_org2, Config, Truth, HARD_CLASSES};
use serde_json::Value;

use crate::common;

use common::sarx_text;

/// (source relative to the corpus root, locator) of every hit location.
fn hit_locations(report: &Value, root: &str) -> BTreeSet<(String, String)> {
    let strip = |s: &str| {
        s.strip_prefix(root)
            .map(|r| r.trim_start_matches('/').to_owned())
            .unwrap_or_else(|| s.to_owned())
    };
    let mut out = BTreeSet::new();
    for h in report["hits"].as_array().expect("hits array") {
        let locs = h["locations"].as_array().filter(|l| !l.is_empty());
        match locs {
            Some(locs) => {
                for l in locs {
                    out.insert((
                        strip(l["source"].as_str().unwrap()),
                        l["locator"].as_str().unwrap().to_owned(),
                    ));
                }
            }
            None => {
                out.insert((
                    strip(h["source"].as_str().unwrap()),
                    h["locator"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    out
}

fn check_shape(report: &Value) {
    for h in report["hits"].as_array().unwrap() {
        let c = h["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
        assert!(h["source"].is_string() && h["locator"].is_string());
        for e in h["evidence"].as_array().unwrap() {
            let kind = e["kind"].as_str().unwrap();
            assert!(
                [
                    "name",
                    "alias",
                    "ni_number",
                    "nhs_number",
                    "email",
                    "phone",
                    "postcode",
                    "address",
                    "date_of_birth",
                    "reference",
                    "linked_reference"
                ]
                .contains(&kind),
                "{kind}"
            );
            assert!(e["start"].as_u64().unwrap() <= e["end"].as_u64().unwrap());
            assert!(e["text"].is_string());
        }
    }
    for e in report["excluded"].as_array().unwrap() {
        assert!(e["source"].is_string() && e["locator"].is_string() && e["reason"].is_string());
    }
    for u in report["unsearchable"].as_array().unwrap() {
        assert!(u["source"].is_string() && u["reason"].is_string());
    }
}

/// Indexes one generated organisation and searches for each of its
/// subjects; returns the failures (recall, namesakes, precision, classes).
fn search_org(
    name: &str,
    generate: fn(&Path, &Config) -> Result<sarx_fixtures::Summary, sarx_fixtures::Error>,
    known_gaps: &[(&str, &str)],
) -> Vec<String> {
    let gap = |c: &str| {
        known_gaps
            .iter()
            .find(|(k, _)| *k == c)
            .map(|(_, why)| *why)
    };
    let tmp = tempfile::tempdir().unwrap();
    let fx = tmp.path().join("fx");
    generate(
        &fx,
        &Config {
            seed: 11,
            size_mb: None,
        },
    )
    .unwrap();
    let corpus = fx.join("corpus");
    let idx = tmp.path().join("idx");
    let (code, _, err) = sarx_text(&[
        "index",
        "--quiet",
        "--index",
        idx.to_str().unwrap(),
        corpus.to_str().unwrap(),
    ]);
    assert!(code == 0 || code == 1, "sarx index failed ({code}): {err}");

    let truth: Truth =
        serde_json::from_slice(&std::fs::read(fx.join("truth.json")).unwrap()).unwrap();
    let root = corpus.to_str().unwrap().replace('\\', "/");
    let mut failures = Vec::new();
    // Per hard class: (records, found) for records about a subject, or
    // (records, returned as hits) for a namesake's records.
    let mut classes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in &truth.subjects {
        let profile = fx.join(&s.profile);
        let (code, out, err) = sarx_text(&[
            "search",
            "--json",
            "--index",
            idx.to_str().unwrap(),
            "--subject",
            profile.to_str().unwrap(),
        ]);
        assert!(code == 0 || code == 1, "sarx search failed ({code}): {err}");
        let report: Value = serde_json::from_str(&out).unwrap();
        check_shape(&report);
        let hits = hit_locations(&report, &root);
        let about: BTreeSet<(String, String)> = truth
            .records
            .iter()
            .filter(|r| r.about.contains(&s.id))
            .filter(|r| !r.classes.iter().any(|c| gap(c).is_some()))
            .map(|r| (r.source.clone(), r.locator.clone()))
            .collect();
        let namesake: BTreeSet<(String, String)> = truth
            .records
            .iter()
            .filter(|r| r.namesake_of.contains(&s.id))
            .map(|r| (r.source.clone(), r.locator.clone()))
            .collect();
        for r in &truth.records {
            let key = (r.source.clone(), r.locator.clone());
            for c in r.classes.iter().filter(|c| {
                if c.starts_with("namesake-") {
                    r.namesake_of.contains(&s.id)
                } else {
                    r.about.contains(&s.id)
                }
            }) {
                let e = classes.entry(c.as_str()).or_default();
                e.0 += 1;
                if hits.contains(&key) {
                    e.1 += 1;
                }
            }
        }
        let found = hits.intersection(&about).count();
        let recall = found as f64 / about.len().max(1) as f64;
        let precision = if hits.is_empty() {
            1.0
        } else {
            found as f64 / hits.len() as f64
        };
        let namesake_hits: Vec<_> = hits.intersection(&namesake).collect();
        eprintln!(
            "{name} subject {}: about {} hits {} found {} recall {:.3} precision {:.3} namesake records {} namesake hits {}",
            s.id,
            about.len(),
            hits.len(),
            found,
            recall,
            precision,
            namesake.len(),
            namesake_hits.len()
        );
        for missed in about.difference(&hits) {
            eprintln!("  missed: {} :: {}", missed.0, missed.1);
        }
        for extra in hits.difference(&about) {
            eprintln!("  not about: {} :: {}", extra.0, extra.1);
        }
        assert!(
            !about.is_empty(),
            "subject {} has no records in the truth",
            s.id
        );
        if recall < 0.98 {
            failures.push(format!("{name} {}: recall {recall:.3}", s.id));
        }
        if !namesake_hits.is_empty() {
            failures.push(format!(
                "{name} {}: {} namesake record(s) returned as hits",
                s.id,
                namesake_hits.len()
            ));
        }
        if precision < 0.95 {
            failures.push(format!("{name} {}: precision {precision:.3}", s.id));
        }
    }
    for class in HARD_CLASSES {
        let (records, hit) = classes.get(class).copied().unwrap_or_default();
        eprintln!("{name} class {class}: {records} records, {hit} returned as hits");
        if let Some(why) = gap(class) {
            eprintln!("{name} class {class}: not asserted ({why})");
        } else if records == 0 {
            failures.push(format!("{name}: no record of class {class}"));
        } else if class.starts_with("namesake-") {
            if hit > 0 {
                failures.push(format!("{name} {class}: {hit} of {records} returned"));
            }
        } else if hit < records {
            failures.push(format!("{name} {class}: {hit} of {records} found"));
        }
    }
    failures
}

/// The first organisation (the generator the detector was written beside).
#[test]
fn search_finds_every_subject_and_no_namesake() {
    let gaps: &[(&str, &str)] = if common::needs_tools(
        "search_finds_every_subject_and_no_namesake (scans)",
        &["tesseract", "pdftoppm"],
    ) {
        &[]
    } else {
        &[(
            "scan",
            "skipped: tesseract is not installed, scans are not OCR'd",
        )]
    };
    let failures = search_org("first", generate, gaps);
    assert!(failures.is_empty(), "{failures:?}");
}

/// The second organisation, written by another hand in other styles,
/// region and reference schemes: recall, namesakes and every hard class.
#[test]
fn search_on_another_organisation() {
    let failures = search_org(
        "second",
        generate_org2,
        &[("scan", "the second organisation has no scans")],
    );
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn bad_profile_is_rejected_with_key_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("s.toml");
    std::fs::write(&p, "name = \"Margaret Okafor\"\nshoe_size = 5\n").unwrap();
    let idx = tmp.path().join("idx");
    let (code, out, err) = sarx_text(&[
        "search",
        "--index",
        idx.to_str().unwrap(),
        "--subject",
        p.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("shoe_size") && err.contains("line 2"), "{err}");
}

#[test]
fn table_output_lists_hits_and_unsearchable() {
    let tmp = tempfile::tempdir().unwrap();
    let share = tmp.path().join("share");
    std::fs::create_dir_all(&share).unwrap();
    std::fs::write(
        share.join("note.txt"),
        "Call from Mrs Maggie Okafor about the boiler. NI JM 48 27 61 C.",
    )
    .unwrap();
    std::fs::write(
        share.join("other.txt"),
        "Margaret Okafor, DOB 02/03/1985, moved to Bradford.",
    )
    .unwrap();
    std::fs::write(share.join("photo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let idx = tmp.path().join("idx");
    let (code, _, err) = sarx_text(&[
        "index",
        "--quiet",
        "--index",
        idx.to_str().unwrap(),
        share.to_str().unwrap(),
    ]);
    assert!(code == 0 || code == 1, "{err}");
    let p = tmp.path().join("s.toml");
    std::fs::write(
        &p,
        "name = \"Margaret Okafor\"\ndate_of_birth = \"1979-06-14\"\nni_number = \"JM482761C\"\n",
    )
    .unwrap();
    let (code, out, err) = sarx_text(&[
        "search",
        "--index",
        idx.to_str().unwrap(),
        "--subject",
        p.to_str().unwrap(),
    ]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(out.contains("note.txt"), "{out}");
    assert!(
        out.contains("EXCLUDED") && out.contains("other.txt"),
        "{out}"
    );
    assert!(!out.contains("Bradford"), "third-party text leaked: {out}");
    let (_, json, _) = sarx_text(&[
        "search",
        "--json",
        "--index",
        idx.to_str().unwrap(),
        "--subject",
        p.to_str().unwrap(),
    ]);
    let v: Value = serde_json::from_str(&json).unwrap();
    check_shape(&v);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert_eq!(v["excluded"].as_array().unwrap().len(), 1);
    let unsearchable = v["unsearchable"].as_array().unwrap();
    if !unsearchable.is_empty() {
        assert_eq!(code, 1);
        assert!(Path::new(unsearchable[0]["source"].as_str().unwrap()).ends_with("photo.png"));
    }
}
