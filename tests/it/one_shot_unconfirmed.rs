//! The one-shot bundle never discloses an unconfirmed hit by default
//! (issue 19, acceptance 3): a hit that matches only the subject's name is
//! left out, counted without personal data, and the exit status is 1;
//! `--include-unconfirmed` discloses it.

use crate::common;

use std::path::Path;

use common::{run, sarx};

fn documents(zip: &Path) -> usize {
    let f = std::fs::File::open(zip).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let m: serde_json::Value =
        serde_json::from_reader(z.by_name("manifest.json").unwrap()).unwrap();
    m["documents"].as_array().unwrap().len()
}

#[test]
fn name_only_hits_are_left_out_unless_asked_for() {
    if !common::needs_model("name_only_hits_are_left_out_unless_asked_for") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let t = tempfile::tempdir().unwrap();
    let idx = t.path().join("idx");
    let (code, out) = run(sarx()
        .args(["index", "-q", "--index"])
        .arg(&idx)
        .arg(root.join("fixtures/sample/corpus")));
    assert!(code <= 1, "index: {out}");
    let subject = root.join("fixtures/sample/subjects/okafor.toml");

    // How many hits need review, from the search summary line.
    let (code, out) = run(sarx()
        .args(["search", "--index"])
        .arg(&idx)
        .arg("--subject")
        .arg(&subject));
    assert_eq!(code, 0, "search: {out}");
    let count = |what: &str| -> usize {
        let line = out.lines().find(|l| l.contains("hit(s):")).unwrap();
        let at = line.find(what).unwrap();
        line[..at]
            .trim_end()
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let review = count(" need review");
    let high = count(" high");
    assert!(
        review > 0,
        "the fixture subject has no name-only hit: {out}"
    );

    let bundle = |zip: &Path, extra: &[&str]| {
        run(sarx()
            .args(["bundle", "--index"])
            .arg(&idx)
            .arg("--subject")
            .arg(&subject)
            .args(["--received", "2025-03-31", "--ref", "T-1", "--org"])
            .arg(root.join("fixtures/org/connect-housing.toml"))
            .arg("--staff")
            .arg(root.join("fixtures/sample/staff.csv"))
            .args(extra)
            .arg("--out")
            .arg(zip))
    };
    let safe = t.path().join("default.zip");
    let (code, out) = bundle(&safe, &[]);
    assert_eq!(code, 1, "default one-shot bundle: {out}");
    assert!(
        out.contains(&format!("{review} hits await a caseworker's confirmation")),
        "{out}"
    );
    assert!(out.contains("--include-unconfirmed"), "{out}");
    assert!(
        !out.contains("Okafor"),
        "personal data in the output: {out}"
    );
    assert_eq!(documents(&safe), high);

    let all = t.path().join("all.zip");
    let (code, out) = bundle(&all, &["--include-unconfirmed"]);
    assert_eq!(code, 0, "with --include-unconfirmed: {out}");
    assert_eq!(documents(&all), high + review);
}
