//! Every real-world EML, mbox, EMLX, OLM and winmail.dat file under
//! `../shared/corpus-real/mail/{eml,mbox,other}` is extracted without an
//! extractor failure, and becomes a record or an unsearchable entry with a
//! specific reason. Spot checks come from the corpus' PROVENANCE.md.
//! (MSG and PST files belong to the Outlook tests.) Without the corpus: a
//! failure under CI, "skipped" elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sarx_extract::Collected;
use sarx_model::{Kind, Reason, Record};

mod common;
use common::{extract, files};

fn corpus(test: &str) -> Option<PathBuf> {
    common::corpus(test, "mail")
}

#[test]
fn every_mail_file_is_a_record_or_has_a_reason() {
    let Some(root) = corpus("every_mail_file_is_a_record_or_has_a_reason") else {
        return;
    };
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut records_by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut n = 0;
    for sub in ["eml", "mbox", "other"] {
        for path in files(&root.join(sub)) {
            n += 1;
            let out = extract(&path);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            for u in &out.unsearchable {
                assert_ne!(
                    u.reason,
                    Reason::ExtractorFailed,
                    "{name} {}: {}",
                    u.locator,
                    u.detail
                );
                assert!(!u.detail.is_empty(), "{name}: empty detail");
                *by_reason.entry(u.reason.code()).or_default() += 1;
            }
            for r in &out.records {
                *records_by_kind.entry(r.kind.as_str()).or_default() += 1;
            }
            let top_record = out.records.iter().find(|r| r.locator.is_empty());
            let top_reason = out.unsearchable.iter().find(|u| u.locator.is_empty());
            assert!(
                top_record.is_some() || top_reason.is_some(),
                "{name}: neither record nor reason"
            );
            if let Some(r) = top_record {
                // A message may be only a wrapper around attached messages.
                let has_children = out.records.iter().any(|c| c.parent.as_ref() == Some(&r.id));
                if r.kind == Kind::Email {
                    assert!(
                        !r.text.trim().is_empty() || has_children,
                        "{name}: email record without text or children"
                    );
                }
            }
        }
    }
    eprintln!("mail files: {n}; records by kind: {records_by_kind:?}; unsearchable by reason: {by_reason:?}");
    assert!(n >= 60, "expected the mail corpus, found {n} files");
}

fn eml(root: &Path, name: &str) -> Collected {
    extract(&root.join("eml").join(name))
}

fn top(out: &Collected) -> &Record {
    out.records
        .iter()
        .find(|r| r.locator.is_empty())
        .expect("top-level record")
}

#[test]
fn iso_8859_1_display_name_is_decoded() {
    let Some(root) = corpus("iso_8859_1_display_name_is_decoded") else {
        return;
    };
    let out = eml(&root, "MSGReader-EmailWithISO_8859_1_From.eml");
    let m = top(&out);
    assert!(
        m.parties
            .from
            .iter()
            .any(|f| f.contains("Some ßtring") && f.contains("some@example.com")),
        "{:?}",
        m.parties.from
    );
    assert!(
        m.text
            .starts_with("From: \"Some ßtring\" <some@example.com>\n"),
        "{}",
        m.text
    );
}

#[test]
fn cc_and_bcc_land_in_parties() {
    let Some(root) = corpus("cc_and_bcc_land_in_parties") else {
        return;
    };
    let out = eml(&root, "tika-testRFC822-CC-BCC.eml");
    let m = top(&out);
    assert!(
        m.parties.to.iter().any(|a| a == "shona.wilson@enron.com"),
        "{:?}",
        m.parties.to
    );
    assert_eq!(m.parties.cc.len(), 7, "{:?}", m.parties.cc);
    assert_eq!(m.parties.bcc.len(), 7, "{:?}", m.parties.bcc);
    assert!(m.parties.bcc.iter().any(|a| a == "brent.price@enron.com"));
    assert!(
        m.text.contains("\nBcc: sally.beck@enron.com, "),
        "{}",
        m.text
    );
}

#[test]
fn attached_rfc822_message_becomes_a_child_email() {
    let Some(root) = corpus("attached_rfc822_message_becomes_a_child_email") else {
        return;
    };
    let out = eml(&root, "mikel-mail-attachment_message_rfc822.eml");
    let parent = top(&out);
    let child = out
        .records
        .iter()
        .find(|r| r.locator == "attachment ForwardedMessage.eml")
        .unwrap_or_else(|| {
            panic!(
                "{:?}",
                out.records.iter().map(|r| &r.locator).collect::<Vec<_>>()
            )
        });
    assert_eq!(child.kind, Kind::Email);
    assert_eq!(child.parent.as_ref(), Some(&parent.id));
    assert!(child.text.starts_with("From: "), "{}", child.text);
}

#[test]
fn rfc2231_filename_is_decoded() {
    let Some(root) = corpus("rfc2231_filename_is_decoded") else {
        return;
    };
    let out = eml(&root, "stalwart-legacy-045.eml");
    assert!(
        out.records
            .iter()
            .any(|r| r.locator == "attachment HasenundFrösche.txt"),
        "{:?}",
        out.records.iter().map(|r| &r.locator).collect::<Vec<_>>()
    );
}

#[test]
fn legacy_charsets_decode() {
    let Some(root) = corpus("legacy_charsets_decode") else {
        return;
    };
    assert_eq!(
        top(&eml(&root, "thunderbird-sample04-koi8r.eml"))
            .title
            .trim(),
        "Алфавит"
    );
    assert_eq!(
        top(&eml(&root, "thunderbird-sample05-cp1251.eml"))
            .title
            .trim(),
        "Алфавит"
    );
}

#[test]
fn garbage_subject_still_a_record() {
    let Some(root) = corpus("garbage_subject_still_a_record") else {
        return;
    };
    let out = eml(&root, "mikel-mail-bad_encoded_subject.eml");
    assert_eq!(out.records.len(), 1);
    assert!(out.unsearchable.is_empty());
}

#[test]
fn mboxes_split_into_messages() {
    let Some(root) = corpus("mboxes_split_into_messages") else {
        return;
    };
    let count = |name: &str| -> usize {
        let out = extract(&root.join("mbox").join(name));
        assert_eq!(top(&out).kind, Kind::Archive);
        out.records
            .iter()
            .filter(|r| r.locator.starts_with("message ") && !r.locator.contains('/'))
            .count()
    };
    assert_eq!(count("tika-complex.mbox"), 3);
    assert_eq!(count("tika-simple.mbox"), 2);
    assert_eq!(count("tika-quoted.mbox"), 1);
    let out = extract(&root.join("mbox/tika-simple.mbox"));
    let second = out
        .records
        .iter()
        .find(|r| r.locator == "message 2")
        .unwrap();
    assert!(second.text.contains("Test content 2"), "{}", second.text);
}

#[test]
fn emlx_message_is_read() {
    let Some(root) = corpus("emlx_message_is_read") else {
        return;
    };
    let out = extract(&root.join("other/tika-testEMLX.emlx"));
    let m = top(&out);
    assert_eq!(m.kind, Kind::Email);
    assert!(m.title.contains("TIKA-461"), "{}", m.title);
    assert!(m.parties.from.iter().any(|f| f.contains("jira@apache.org")));
    assert!(
        !m.text.contains("<plist"),
        "plist trailer leaked into the text"
    );
}
