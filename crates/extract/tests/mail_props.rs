//! Property tests: the mail extractor never fails unexpectedly (no panic
//! caught as `ExtractorFailed`) on arbitrary bytes, on arbitrary message
//! bodies behind real headers, or on real messages cut short or with bytes
//! flipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sarx_extract::{Collected, Extractor, Limits};
use sarx_model::Reason;

mod common;

fn run(name: &str, bytes: &[u8]) -> Collected {
    let mut out = Collected::default();
    Extractor::new(Limits::default()).extract_bytes(name, name, bytes, &mut out);
    out
}

fn assert_no_failure(name: &str, out: &Collected) {
    for u in &out.unsearchable {
        assert_ne!(
            u.reason,
            Reason::ExtractorFailed,
            "{name} {}: {}",
            u.locator,
            u.detail
        );
    }
    assert!(
        !out.records.is_empty() || !out.unsearchable.is_empty(),
        "{name}: no outcome"
    );
}

fn real_mail(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for sub in ["eml", "mbox", "other"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        for p in paths {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".olm") {
                continue;
            }
            if let Ok(b) = std::fs::read(&p) {
                v.push((name, b));
            }
        }
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048),
                       ext in prop::sample::select(vec!["eml", "mbox", "emlx", "txt"])) {
        let name = format!("x.{ext}");
        assert_no_failure(&name, &run(&name, &bytes));
    }

    #[test]
    fn arbitrary_body_behind_headers(body in proptest::collection::vec(any::<u8>(), 0..2048),
                                     boundary in "[a-z0-9=_-]{1,12}") {
        let mut m = format!(
            "From: \"A\" <a@example.org>\r\nTo: b@example.org\r\nSubject: s\r\n\
             Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n--{boundary}\r\n"
        ).into_bytes();
        m.extend_from_slice(&body);
        assert_no_failure("m.eml", &run("m.eml", &m));
        let mut mbox = b"From a@example.org Mon Jun 01 10:00:00 2009\n".to_vec();
        mbox.extend_from_slice(&m);
        assert_no_failure("m.mbox", &run("m.mbox", &mbox));
    }

    #[test]
    fn mime_structure_soup(parts in proptest::collection::vec(
        prop::sample::select(vec![
            "--b\r\n", "--b--\r\n", "Content-Type: multipart/mixed; boundary=b\r\n",
            "Content-Type: message/rfc822\r\n", "Content-Transfer-Encoding: base64\r\n",
            "Content-Transfer-Encoding: quoted-printable\r\n", "Content-Type: text/html\r\n",
            "Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.txt\r\n",
            "\r\n", "Zm9vYmFy\r\n", "=E2=82=AC=\r\n", "From: x@y\r\n", "<p>hi</p>\r\n",
        ]), 0..80)) {
        let mut m = b"From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n".to_vec();
        for p in parts {
            m.extend_from_slice(p.as_bytes());
        }
        assert_no_failure("soup.eml", &run("soup.eml", &m));
    }
}

#[test]
fn real_mail_cut_and_flipped() {
    let Some(root) = common::corpus("real_mail_cut_and_flipped", "mail") else {
        return;
    };
    let files = real_mail(&root);
    assert!(!files.is_empty(), "no mail in {}", root.display());
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    });
    let strategy = (
        0..files.len(),
        0.0f64..1.0,
        proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
    );
    runner
        .run(&strategy, |(i, cut, flips)| {
            let (name, bytes) = &files[i];
            let mut b = bytes[..(bytes.len() as f64 * cut) as usize].to_vec();
            for (at, v) in flips {
                if !b.is_empty() {
                    let k = ((b.len() - 1) as f64 * at) as usize;
                    b[k] = v;
                }
            }
            let out = run(name, &b);
            for u in &out.unsearchable {
                prop_assert_ne!(
                    u.reason,
                    Reason::ExtractorFailed,
                    "{} {}: {}",
                    name,
                    u.locator,
                    u.detail
                );
            }
            Ok(())
        })
        .unwrap();
}
