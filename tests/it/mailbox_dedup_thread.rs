//! Mailbox de-duplication and threading (issue [5] #6, acceptance 4), on the
//! committed fixture `fixtures/mail/` (see its README): two custodians'
//! exports — Dev Malhotra's mbox and Carys Lloyd's folder of .eml files —
//! each indexed into its own shard in its own index directory (as two batch
//! jobs on two machines would), then searched and bundled together.
//!
//! - The message Dev forwarded to Carys is held in both exports (different
//!   transport headers: `Received`, `Return-Path`, `X-Folder`): it is ONE
//!   hit with TWO locations, and its attachment is one hit with two
//!   locations under the same two parents; the identical attachment of
//!   another message stays a hit of its own.
//! - The five messages of the "Damp and mould in bedroom, Flat 7" thread
//!   (one a reply whose client dropped In-Reply-To and References) share one
//!   `thread` key; "Damp and mould in bathroom, Flat 7" does not.
//! - `sarx bundle`'s schedule (one shot, and from a `sarx case open`
//!   folder) lists the thread's messages together, by date, each attachment
//!   right after its message, the look-alike after the thread although it
//!   is dated inside it, and the duplicate once with both places it was
//!   held.

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::sarx_output;

use serde_json::Value;

const MBOX: &str = "custodian-a/dmalhotra-2025.mbox";
const FORWARDED_EML: &str = "custodian-b/inbox/fw-damp-and-mould-flat-7.eml";
const REPLY_EML: &str = "custodian-b/sent/re-fw-damp-and-mould-flat-7.eml";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail")
}

fn ok(o: &Output, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Indexes each custodian's export into its own index directory, then puts
/// both shards into one index (shards are self-contained).
fn index_two_exports(tmp: &Path) -> PathBuf {
    let fx = fixture();
    let idx = tmp.join("idx");
    for custodian in ["custodian-a", "custodian-b"] {
        let own = tmp.join(format!("built-{custodian}"));
        let o = sarx_output(&[
            "index",
            "--quiet",
            "--index",
            own.to_str().unwrap(),
            "--shard",
            custodian,
            fx.join(custodian).to_str().unwrap(),
        ]);
        ok(&o, custodian);
        copy_tree(
            &own.join("shards").join(custodian),
            &idx.join("shards").join(custodian),
        );
    }
    idx
}

/// Source relative to the fixture folder.
fn rel(source: &str) -> String {
    let root = fixture().to_str().unwrap().replace('\\', "/");
    source
        .strip_prefix(&root)
        .unwrap_or(source)
        .trim_start_matches('/')
        .to_owned()
}

fn place(v: &Value) -> (String, String) {
    (
        rel(v["source"].as_str().unwrap()),
        v["locator"].as_str().unwrap().to_owned(),
    )
}

fn pair(s: &str, l: &str) -> (String, String) {
    (s.to_owned(), l.to_owned())
}

#[test]
fn same_message_in_two_exports_is_one_hit_and_threads_group() {
    if !common::needs_model("same_message_in_two_exports_is_one_hit_and_threads_group") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let idx = index_two_exports(tmp.path());
    let subject = fixture().join("subject.toml");

    // ---- search
    let o = sarx_output(&[
        "search",
        "--index",
        idx.to_str().unwrap(),
        "--subject",
        subject.to_str().unwrap(),
        "--json",
    ]);
    ok(&o, "search");
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits = report["hits"].as_array().unwrap();
    let hit = |source: &str, locator: &str| -> &Value {
        let found: Vec<&Value> = hits
            .iter()
            .filter(|h| place(h) == pair(source, locator))
            .collect();
        assert_eq!(found.len(), 1, "hit {source} {locator:?}: {hits:#?}");
        found[0]
    };
    let locations = |h: &Value| -> Vec<(String, String)> {
        h["locations"]
            .as_array()
            .map(|l| l.iter().map(place).collect())
            .unwrap_or_default()
    };

    // Every hit: (source, locator) in order. The forwarded message and its
    // attachment appear once (under the mbox, the first copy by source);
    // nothing of the .eml copy is a hit of its own.
    let got: Vec<(String, String)> = hits.iter().map(place).collect();
    assert_eq!(
        got,
        vec![
            pair(MBOX, "message 1"),
            pair(MBOX, "message 2"),
            pair(MBOX, "message 2/attachment damp-survey.txt"),
            pair(MBOX, "message 3"),
            pair(MBOX, "message 3/attachment damp-survey.txt"),
            pair(MBOX, "message 4"),
            pair(MBOX, "message 5"),
            pair(REPLY_EML, ""),
        ]
    );

    // One hit, two locations: the mbox message and the whole .eml.
    let fw = hit(MBOX, "message 3");
    assert_eq!(
        locations(fw),
        vec![pair(MBOX, "message 3"), pair(FORWARDED_EML, "")]
    );
    // Its attachment stays with its parent in both places...
    let fw_att = hit(MBOX, "message 3/attachment damp-survey.txt");
    assert_eq!(
        locations(fw_att),
        vec![
            pair(MBOX, "message 3/attachment damp-survey.txt"),
            pair(FORWARDED_EML, "attachment damp-survey.txt"),
        ]
    );
    let related: Vec<(String, String)> = fw["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(place)
        .collect();
    assert_eq!(
        related,
        vec![pair(MBOX, "message 3/attachment damp-survey.txt")]
    );
    assert!(fw["related"][0]["hit"].as_bool().unwrap());
    // ...and the identical attachment of another message is not merged away.
    let re_att = hit(MBOX, "message 2/attachment damp-survey.txt");
    assert!(locations(re_att).is_empty());
    assert_eq!(
        hit(MBOX, "message 2")["related"][0]["locator"],
        "message 2/attachment damp-survey.txt"
    );
    for h in hits {
        if place(h) != pair(MBOX, "message 3") && place(h) != place(fw_att) {
            assert!(locations(h).is_empty(), "{h:#?}");
        }
    }

    // Threads: five messages share one key (message 5 of the mbox replies
    // with References, the .eml reply has none: subject "RE: FW: RE: …").
    let thread = |h: &Value| h["thread"].as_str().map(str::to_owned);
    let key = thread(hit(MBOX, "message 1")).expect("message 1 has a thread key");
    assert_eq!(key, "id:20250203091200.4471@mail.example.net");
    for (s, l) in [
        (MBOX, "message 2"),
        (MBOX, "message 3"),
        (MBOX, "message 5"),
        (REPLY_EML, ""),
    ] {
        assert_eq!(thread(hit(s, l)).as_deref(), Some(key.as_str()), "{s} {l}");
    }
    let lookalike = thread(hit(MBOX, "message 4")).expect("message 4 has a thread key");
    assert_ne!(lookalike, key);
    // Attachments are not e-mails: no thread of their own.
    assert_eq!(thread(fw_att), None);

    // ---- bundle (one shot from the index)
    let zip_path = tmp.path().join("bundle.zip");
    let o = sarx_output(&[
        "bundle",
        "--index",
        idx.to_str().unwrap(),
        "--subject",
        subject.to_str().unwrap(),
        "--received",
        "2025-03-31",
        "--ref",
        "MAIL-1",
        "--staff",
        fixture().join("staff.csv").to_str().unwrap(),
        "--out",
        zip_path.to_str().unwrap(),
    ]);
    ok(&o, "bundle");
    check_schedule(&zip_path);
}

/// The same schedule when the bundle is made from a case folder: the
/// places a de-duplicated message was held survive `sarx case open`.
#[test]
fn case_folder_bundle_says_where_the_duplicate_was_held() {
    if !common::needs_model("case_folder_bundle_says_where_the_duplicate_was_held") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let idx = index_two_exports(tmp.path());
    let case = tmp.path().join("case");
    let o = sarx_output(&[
        "case",
        "open",
        case.to_str().unwrap(),
        "--index",
        idx.to_str().unwrap(),
        "--subject",
        fixture().join("subject.toml").to_str().unwrap(),
        "--received",
        "2025-03-31",
        "--ref",
        "MAIL-2",
        "--staff",
        fixture().join("staff.csv").to_str().unwrap(),
    ]);
    ok(&o, "case open");
    let zip_path = tmp.path().join("case-bundle.zip");
    let o = sarx_output(&[
        "bundle",
        "--case",
        case.to_str().unwrap(),
        "--out",
        zip_path.to_str().unwrap(),
    ]);
    ok(&o, "bundle --case");
    check_schedule(&zip_path);
}

fn read_member(zip_path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The schedule: the thread together by date with each attachment after
/// its message, the look-alike after it, the duplicate once with both
/// places it was held; the manifest lists each document once.
fn check_schedule(zip_path: &Path) {
    let csv = read_member(zip_path, "schedule.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let cols = [
        col("title"),
        col("date"),
        col("conversation"),
        col("held_at"),
    ];
    let view: Vec<[String; 4]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            cols.map(|c| r.get(c).unwrap().to_owned())
        })
        .collect();
    let bedroom = "Damp and mould in bedroom, Flat 7";
    let held = |l: &str| format!("{MBOX} ({l})");
    let row = |title: &str, date: &str, conv: &str, held_at: &str| {
        [title, date, conv, held_at].map(str::to_owned)
    };
    assert_eq!(
        view,
        vec![
            row(bedroom, "2025-02-03", "1", &held("message 1")),
            row(&format!("RE: {bedroom}"), "2025-02-04", "1", &held("message 2")),
            row(
                "damp-survey.txt",
                "",
                "",
                &held("message 2/attachment damp-survey.txt")
            ),
            row(
                &format!("FW: RE: {bedroom}"),
                "2025-02-04",
                "1",
                &format!("{MBOX} (message 3); {FORWARDED_EML}")
            ),
            row(
                "damp-survey.txt",
                "",
                "",
                &format!(
                    "{MBOX} (message 3/attachment damp-survey.txt); {FORWARDED_EML} (attachment damp-survey.txt)"
                )
            ),
            row(&format!("RE: FW: RE: {bedroom}"), "2025-02-06", "1", REPLY_EML),
            row(&format!("Re: {bedroom}"), "2025-02-10", "1", &held("message 5")),
            // Dated 5 February, inside the thread, but not part of it.
            row(
                "Damp and mould in bathroom, Flat 7",
                "2025-02-05",
                "",
                &held("message 4")
            ),
        ]
    );
    // The manifest lists each document once (eight PDFs, not ten).
    let m: Value = serde_json::from_str(&read_member(zip_path, "manifest.json")).unwrap();
    assert_eq!(m["documents"].as_array().unwrap().len(), 8);
}
