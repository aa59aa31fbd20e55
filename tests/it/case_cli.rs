//! `sarx case open|status|clock` and `sarx bundle --case` + `sarx verify`
//! end to end on the fixture corpus.

use crate::common;

use common::{run, sarx};

use std::path::Path;
use std::process::Command;

#[test]
fn case_status_clock_bundle_and_verify() {
    if !common::needs_model("case_status_clock_bundle_and_verify") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let common::Indexed { fx, idx, truth } = common::indexed_fixtures(t.path());
    let subject = truth.subjects.first().unwrap();
    let case = t.path().join("case");
    let org = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/org/flagship.toml");
    let (code, out) = run(sarx()
        .args(["case", "open"])
        .arg(&case)
        .arg("--index")
        .arg(&idx)
        .arg("--subject")
        .arg(fx.join(&subject.profile))
        .args(["--received", "2025-03-31", "--ref", "2025-0042"])
        .arg("--org")
        .arg(&org)
        .arg("--staff")
        .arg(fx.join("staff.csv")));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SAR-2025-0042"), "{out}");

    // Received 31 March 2025 -> 30 April 2025; as of 10 April: 20 days left.
    let (code, out) = run(sarx()
        .args(["case", "status"])
        .arg(&case)
        .args(["--as-of", "2025-04-10"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Deadline:     2025-04-30"), "{out}");
    assert!(out.contains("Days left:    20 (as of 2025-04-10)"), "{out}");
    assert!(out.contains("Hits:"), "{out}");

    // Stop the clock for clarification for 5 days: 5 May 2025 is a bank holiday -> 6 May.
    let (code, out) = run(sarx().args(["case", "clock"]).arg(&case).args([
        "pause",
        "--reason",
        "clarification",
        "--on",
        "2025-04-02",
    ]));
    assert_eq!(code, 0, "{out}");
    let (code, out) =
        run(sarx()
            .args(["case", "clock"])
            .arg(&case)
            .args(["resume", "--on", "2025-04-07"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2025-05-06"), "{out}");
    // Resuming twice is refused.
    let (code, out) =
        run(sarx()
            .args(["case", "clock"])
            .arg(&case)
            .args(["resume", "--on", "2025-04-08"]));
    assert_eq!(code, 2, "{out}");
    let (code, out) = run(sarx()
        .args(["case", "status"])
        .arg(&case)
        .args(["--as-of", "2025-05-07"]));
    assert_eq!(code, 0);
    assert!(out.contains("OVERDUE by 1 days"), "{out}");

    // Bundle from the case, then verify it independently.
    let zip = t.path().join("b.zip");
    let (code, out) = run(sarx()
        .arg("bundle")
        .arg("--case")
        .arg(&case)
        .arg("--out")
        .arg(&zip));
    assert_eq!(code, 0, "{out}");
    assert!(case.join("redacted-hashes.json").is_file());
    let (code, out) = run(sarx().arg("verify").arg(&zip).arg("--case").arg(&case));
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("OK"), "{out}");
    // The internal log (with text) stays in the case; the bundle's log has no text column.
    assert!(case.join("redaction-log.internal.json").is_file());

    // Encrypted bundle: passphrase from the environment only.
    let enc = t.path().join("enc.zip");
    let (code, out) = run(sarx()
        .arg("bundle")
        .arg("--case")
        .arg(&case)
        .arg("--out")
        .arg(&enc)
        .arg("--encrypt")
        .env("SARX_BUNDLE_PASSPHRASE", "correct horse battery"));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(sarx()
        .arg("verify")
        .arg(&enc)
        .arg("--case")
        .arg(&case)
        .env("SARX_BUNDLE_PASSPHRASE", "correct horse battery"));
    assert_eq!(code, 0, "{out}");
    // Each bundle keeps its own hashes, stored before it was put in place:
    // the first still verifies after a later build replaced the latest
    // hashes (as it would after a kill between the two steps).
    let (code, out) = run(sarx().arg("verify").arg(&zip).arg("--case").arg(&case));
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("OK"), "{out}");
    // A bundle changed after it was written matches none of the case's.
    let changed = t.path().join("changed.zip");
    let mut bytes = std::fs::read(&zip).unwrap();
    bytes.push(b'\n');
    std::fs::write(&changed, bytes).unwrap();
    let (code, out) = run(sarx().arg("verify").arg(&changed).arg("--case").arg(&case));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not one this case built"), "{out}");
    // Plain unzip cannot read it without the passphrase.
    let o = Command::new("unzip")
        .arg("-p")
        .arg("-P")
        .arg("wrong")
        .arg(&enc)
        .arg("manifest.json")
        .output();
    if let Ok(o) = o {
        assert!(!String::from_utf8_lossy(&o.stdout).contains("case_ref"));
    }
}
