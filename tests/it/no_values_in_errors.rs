//! Malformed inputs whose values look like personal data: no error message
//! or log line below trace level quotes them (issue 23, acceptance 3).
//! Every bad value holds the made-up name `Quarrington`, which nothing
//! else in the fixtures holds.

use std::path::Path;

use crate::common::{run, sarx};

const SECRET: &str = "Quarrington";

/// Runs `args` at default verbosity and with `-vv` (debug); asserts the
/// run failed and that neither output quotes the secret.
fn assert_quiet(what: &str, args: &[&std::ffi::OsStr]) {
    check_quiet(what, args, true);
}

/// As [`assert_quiet`]; `must_fail` false for an input read leniently.
fn check_quiet(what: &str, args: &[&std::ffi::OsStr], must_fail: bool) {
    for verbose in [false, true] {
        let mut c = sarx();
        if verbose {
            c.arg("-vv");
        }
        let (code, out) = run(c.args(args));
        if must_fail {
            assert_ne!(code, 0, "{what}: a malformed input was accepted: {out}");
        }
        assert!(
            !out.contains(SECRET),
            "{what} (verbose: {verbose}): the message quotes a value:\n{out}"
        );
    }
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[test]
fn malformed_profiles_case_files_and_staff_lists_are_named_without_their_values() {
    let t = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let idx = t.path().join("idx");
    let (code, out) = run(sarx()
        .args(["index", "-q", "--index"])
        .arg(&idx)
        .arg(root.join("fixtures/sample/corpus")));
    assert!(code <= 1, "{out}");
    let good_subject = root.join("fixtures/sample/subjects/okafor.toml");

    // Subject profiles: a value of the wrong kind, an unterminated string,
    // a value that is not a date, an unknown key beside a name.
    let profiles = [
        (
            "wrong type",
            format!("name = \"Margaret {SECRET}\"\naliases = \"{SECRET} Alias\"\n"),
        ),
        ("unterminated", format!("name = \"Margaret {SECRET}\n")),
        (
            "bad date",
            format!("name = \"Ann Smith\"\ndate_of_birth = \"{SECRET}-10-17\"\n"),
        ),
        (
            "bad NI",
            format!("name = \"Ann Smith\"\nni_number = \"{SECRET}\"\n"),
        ),
        (
            "unknown key",
            format!("name = \"Ann {SECRET}\"\nnmae = \"x\"\n"),
        ),
    ];
    for (what, body) in &profiles {
        let p = t.path().join("subject.toml");
        std::fs::write(&p, body).unwrap();
        assert_quiet(
            &format!("subject profile, {what}"),
            &[
                os("search"),
                os("--index"),
                idx.as_os_str(),
                os("--subject"),
                p.as_os_str(),
            ],
        );
    }

    // Keys are the file's structure, not its values: an unknown one is named.
    let p = t.path().join("subject.toml");
    std::fs::write(&p, "name = \"Ann Smith\"\nnmae = \"x\"\n").unwrap();
    let (_, out) = run(sarx()
        .args(["search", "--index"])
        .arg(&idx)
        .arg("--subject")
        .arg(&p));
    assert!(out.contains("nmae") && out.contains("line 2"), "{out}");

    // An organisation profile and a staff list, through `case open`.
    let org = t.path().join("org.toml");
    std::fs::write(
        &org,
        format!("[controller]\nname = 42\naddress = \"{SECRET} House\"\n"),
    )
    .unwrap();
    let case = t.path().join("case-org");
    assert_quiet(
        "organisation profile",
        &[
            os("case"),
            os("open"),
            case.as_os_str(),
            os("--index"),
            idx.as_os_str(),
            os("--subject"),
            good_subject.as_os_str(),
            os("--received"),
            os("2025-03-31"),
            os("--rules-only"),
            os("--org"),
            org.as_os_str(),
        ],
    );
    let staff = t.path().join("staff.csv");
    std::fs::write(
        &staff,
        format!("name,job_title,organisation,email,phone\n\"Zed {SECRET}\",Officer\n\"unclosed {SECRET}\n"),
    )
    .unwrap();
    // Short rows are read leniently (the columns there are used).
    let case = t.path().join("case-staff");
    check_quiet(
        "staff directory",
        &[
            os("case"),
            os("open"),
            case.as_os_str(),
            os("--index"),
            idx.as_os_str(),
            os("--subject"),
            good_subject.as_os_str(),
            os("--received"),
            os("2025-03-31"),
            os("--rules-only"),
            os("--staff"),
            staff.as_os_str(),
        ],
        false,
    );

    // A case folder whose files were damaged by hand.
    let case = t.path().join("case");
    let (code, out) = run(sarx()
        .args(["case", "open"])
        .arg(&case)
        .arg("--index")
        .arg(&idx)
        .arg("--subject")
        .arg(&good_subject)
        .args(["--received", "2025-03-31", "--rules-only"]));
    assert_eq!(code, 0, "{out}");
    for (file, body) in [
        (
            "hits.json",
            format!("[{{\"record\": 7, \"source\": \"{SECRET}.docx\"}}]"),
        ),
        (
            "plans.json",
            format!("{{\"a\": {{\"redactions\": \"{SECRET}\"}}}}"),
        ),
        ("state.json", format!("{{\"reference\": [\"{SECRET}\"]}}")),
    ] {
        let p = case.join(file);
        let good = std::fs::read(&p).unwrap();
        std::fs::write(&p, body).unwrap();
        assert_quiet(
            &format!("case file {file}"),
            &[os("case"), os("status"), case.as_os_str()],
        );
        std::fs::write(&p, good).unwrap();
    }
    let out = t.path().join("b.zip");
    std::fs::write(
        case.join("records.json"),
        format!("[{{\"id\": \"{SECRET}\", \"text\": 5}}]"),
    )
    .unwrap();
    assert_quiet(
        "case file records.json",
        &[
            os("bundle"),
            os("--case"),
            case.as_os_str(),
            os("--out"),
            out.as_os_str(),
        ],
    );
}
