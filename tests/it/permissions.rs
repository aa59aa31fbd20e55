//! What sarx stores is private to its user whatever the umask (issue 23):
//! an index, a case folder and a bundle written under `umask 000` have no
//! entry other accounts can read, and `sarx status` / `sarx case status`
//! warn about looser permissions they find.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// `sarx args` under `umask 000`: exit code and stdout + stderr.
fn sarx_umask_000(args: &[&str]) -> (i32, String) {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_sarx"))
        .args(args);
    common::run(&mut c)
}

fn assert_private(what: &str, p: &Path) {
    let loose = sarx_model::private_fs::loose(p);
    assert!(loose.is_empty(), "{what}: {loose:?}");
}

#[test]
fn index_case_and_bundle_are_private_under_umask_000() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir_all(corpus.join("letters")).unwrap();
    std::fs::write(
        corpus.join("letters/a.txt"),
        "Dear Mrs Margaret Okafor, NI JM482761C. Your neighbour Janet Smith complained.",
    )
    .unwrap();
    std::fs::write(corpus.join("b.txt"), "Nothing about anyone.").unwrap();
    let subject = tmp.path().join("subject.toml");
    std::fs::write(
        &subject,
        "name = \"Margaret Okafor\"\nni_number = \"JM482761C\"\n",
    )
    .unwrap();
    let p = |x: &Path| x.to_str().unwrap().to_owned();
    let idx = tmp.path().join("idx");
    let (code, out) = sarx_umask_000(&["index", "--quiet", "--index", &p(&idx), &p(&corpus)]);
    assert_eq!(code, 0, "{out}");
    assert_private("index", &idx);

    let case = tmp.path().join("case");
    let (code, out) = sarx_umask_000(&[
        "case",
        "open",
        &p(&case),
        "--index",
        &p(&idx),
        "--subject",
        &p(&subject),
        "--received",
        "2026-11-02",
        "--rules-only",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("can be read by other accounts"), "{out}");
    assert_private("case folder", &case);

    let zip = tmp.path().join("bundle.zip");
    let (code, out) = sarx_umask_000(&["bundle", "--case", &p(&case), "--out", &p(&zip)]);
    assert!(code == 0 || code == 1, "{out}");
    assert!(zip.exists(), "{out}");
    assert_private("bundle", &zip);
    assert_private("case folder after the bundle", &case);

    // Looser permissions found later are reported, without file contents.
    std::fs::set_permissions(
        case.join("state.json"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let (_, out) = common::run(common::sarx().args(["case", "status", &p(&case)]));
    assert!(out.contains("can be read by other accounts"), "{out}");
    assert!(out.contains("state.json mode 644"), "{out}");
    std::fs::set_permissions(&idx, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (_, out) = common::run(common::sarx().args(["status", "--index", &p(&idx)]));
    assert!(out.contains("can be read by other accounts"), "{out}");
}
