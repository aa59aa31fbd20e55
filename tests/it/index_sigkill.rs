//! SIGKILL during `sarx index` leaves a shard that opens, holds no record
//! twice, and the next run completes it: the final shard holds exactly the
//! records (and unsearchable entries) of a clean single run.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common;

pub(crate) fn sarx_index(idx: &Path, root: &Path) -> Command {
    let mut c = common::sarx();
    c.args([
        "index",
        "--quiet",
        "--json",
        "--threads",
        "2",
        "--shard",
        "k",
        "--commit-files",
        "40",
        "--index",
    ])
    .arg(idx)
    .arg(root)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    c
}

/// A corpus of many small files written by the test: letters, rent sheets
/// (one record per row) and e-mails; with Tesseract, scans too, so that
/// runs are killed with OCR running (issue 21).
pub(crate) fn write_corpus(root: &Path) {
    if common::needs_tools("sigkill_mid_run (scans)", &["tesseract", "pdftoppm"]) {
        let scans = sarx_fixtures::scans::scans(11).unwrap();
        for d in 0..6 {
            let dir = root.join(format!("team-{d:02}"));
            std::fs::create_dir_all(&dir).unwrap();
            let s = &scans[d % scans.len()];
            let name = s.source.rsplit('/').next().unwrap();
            std::fs::write(dir.join(format!("scan-{d}-{name}")), &s.bytes).unwrap();
        }
    }
    for d in 0..20 {
        let dir = root.join(format!("team-{d:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..60 {
            let n = d * 1000 + i;
            std::fs::write(
                dir.join(format!("note-{i:03}.txt")),
                format!(
                    "File note {n}\nTenant called about repair REP-{n:06}. Officer to visit.\n"
                )
                .repeat(20),
            )
            .unwrap();
        }
        for i in 0..15 {
            let mut csv = String::from("name,reference,balance\n");
            for row in 0..25 {
                csv.push_str(&format!(
                    "Tenant {d} {i} {row},TEN-{d:02}{i:02}{row:03},{row}.50\n"
                ));
            }
            std::fs::write(dir.join(format!("rent-{i:02}.csv")), csv).unwrap();
        }
        for i in 0..15 {
            std::fs::write(
                dir.join(format!("mail-{i:02}.eml")),
                format!(
                    "From: Officer {d} <officer{d}@example.gov.uk>\r\nTo: tenant{i}@example.org\r\nSubject: Visit {d}-{i}\r\nDate: Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nWe will visit on Tuesday about case CASE-{d:02}{i:02}.\r\n"
                ),
            )
            .unwrap();
        }
    }
}

/// (record ids with their multiplicity, unsearchable entries with theirs).
fn contents(idx: &Path) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let set = sarx_index::IndexSet::open(idx).unwrap();
    let mut ids = BTreeMap::new();
    for id in set.record_ids().unwrap() {
        *ids.entry(id.0).or_insert(0) += 1;
    }
    let mut uns = BTreeMap::new();
    for u in set.unsearchable().unwrap() {
        *uns.entry(format!("{}|{}|{}", u.source, u.locator, u.reason.code()))
            .or_insert(0) += 1;
    }
    (ids, uns)
}

fn assert_no_repeats(what: &str, m: &BTreeMap<String, usize>) {
    let repeated: Vec<_> = m.iter().filter(|(_, &n)| n > 1).take(5).collect();
    assert!(
        repeated.is_empty(),
        "{what} stored more than once: {repeated:?}"
    );
}

#[test]
fn sigkill_mid_run_then_rerun_gives_every_record_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write_corpus(&root);

    // Clean single run: the reference, and its duration sets the kill points.
    let reference = dir.path().join("ref");
    let t = Instant::now();
    let status = sarx_index(&reference, &root).status().unwrap();
    let clean = t.elapsed();
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    let (ref_ids, ref_uns) = contents(&reference);
    assert_no_repeats("record", &ref_ids);
    assert!(ref_ids.len() >= 1200, "only {} records", ref_ids.len());
    eprintln!(
        "clean run: {:.2} s, {} records, {} unsearchable",
        clean.as_secs_f64(),
        ref_ids.len(),
        ref_uns.len()
    );

    // Kill a series of runs on the same index at growing points.
    let idx = dir.path().join("killed");
    let mut killed = 0;
    // Each run resumes the last one, so later runs have less left to do:
    // the kill points stay in the first part of a clean run.
    for fraction in [0.05, 0.1, 0.15, 0.2, 0.3, 0.4] {
        let delay = clean.mul_f64(fraction).max(Duration::from_millis(50));
        let mut child = sarx_index(&idx, &root).spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL on Unix
            killed += 1;
        }
        child.wait().unwrap();
        if idx.join("shards/k/meta.json").exists() {
            // The shard opens, and nothing is stored twice.
            let (ids, uns) = contents(&idx);
            assert_no_repeats("record", &ids);
            assert_no_repeats("unsearchable entry", &uns);
            assert!(ids.keys().all(|id| ref_ids.contains_key(id)));
        }
    }
    eprintln!("{killed} runs killed mid-way");
    assert!(
        killed >= 3,
        "the runs finished before they could be killed; make the corpus bigger"
    );

    // The next run completes the work.
    let status = sarx_index(&idx, &root).status().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)));
    let (ids, uns) = contents(&idx);
    assert_no_repeats("record", &ids);
    assert_no_repeats("unsearchable entry", &uns);
    let missing: Vec<_> = ref_ids
        .keys()
        .filter(|id| !ids.contains_key(*id))
        .take(5)
        .collect();
    assert!(
        missing.is_empty(),
        "records missing after the re-run: {missing:?}"
    );
    assert_eq!(ids, ref_ids);
    // Unsearchable entries carry the source path; both runs crawled the same root.
    assert_eq!(uns, ref_uns);

    // And a further run has nothing left to do.
    let out = sarx_index(&idx, &root)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files_extracted"].as_u64(), Some(0), "{v}");
    let files: HashSet<_> = ids.keys().collect();
    assert_eq!(files.len(), ref_ids.len());
}
