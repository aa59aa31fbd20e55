//! Every MSG, PST and OST in ../shared/corpus-real/mail, and the TNEF
//! sample, is extracted into records or reported unsearchable with a
//! specific reason; nothing panics (no `extractor_failed`). Spot checks on
//! the files whose specialities are documented in corpus-real/PROVENANCE.md.
//!
//! Without the corpus: a failure under CI, "skipped" elsewhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use sarx_extract::{Collected, Extractor, Limits};
use sarx_model::{Kind, Reason};

mod common;

fn corpus(test: &str) -> Option<PathBuf> {
    common::corpus(test, "mail")
}

fn extract(path: &Path) -> Collected {
    let ex = Extractor::new(Limits::default());
    let mut out = Collected::default();
    let source = format!("mail/{}", path.file_name().unwrap().to_string_lossy());
    ex.extract_path(&source, path, &mut out);
    out
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_outlook_file_is_records_or_a_specific_reason() {
    let Some(root) = corpus("every_outlook_file_is_records_or_a_specific_reason") else {
        return;
    };
    let mut all = files(&root.join("msg"));
    all.extend(files(&root.join("pst")));
    all.push(root.join("other/tika-testWINMAIL.dat"));
    assert!(all.len() >= 45, "corpus looks incomplete: {}", all.len());
    for f in &all {
        let out = extract(f);
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        for u in &out.unsearchable {
            assert_ne!(u.reason, Reason::ExtractorFailed, "{name}: {u:?}");
            assert!(!u.detail.is_empty(), "{name}: {u:?}");
        }
        let top_failed = out.unsearchable.iter().any(|u| u.locator.is_empty());
        assert!(
            top_failed || out.records.iter().any(|r| r.locator.is_empty()),
            "{name}: no top-level record and no reason"
        );
        // The PST/MSG top-level file itself must be readable here.
        assert!(!top_failed, "{name}: {:?}", out.unsearchable);
        // Parents come before children and every parent exists.
        let mut seen = std::collections::HashSet::new();
        for r in &out.records {
            if let Some(p) = &r.parent {
                assert!(
                    seen.contains(p),
                    "{name}: {} emitted before its parent",
                    r.locator
                );
            }
            assert!(
                seen.insert(r.id.clone()),
                "{name}: duplicate record {}",
                r.locator
            );
        }
        // Every e-mail has the envelope layout and a dedup key.
        for r in out.records.iter().filter(|r| r.kind == Kind::Email) {
            assert!(
                r.text.contains("\n\n") || r.text.starts_with('\n'),
                "{name} {}: no envelope break",
                r.locator
            );
            assert!(r.meta.contains_key("dedup_key"), "{name} {}", r.locator);
        }
        eprintln!(
            "{name}: {} records ({} email), {} unsearchable",
            out.records.len(),
            out.records.iter().filter(|r| r.kind == Kind::Email).count(),
            out.unsearchable.len()
        );
    }
}

#[test]
fn msg_in_msg_in_msg_gives_three_nested_emails() {
    let Some(root) = corpus("msg_in_msg_in_msg_gives_three_nested_emails") else {
        return;
    };
    let out = extract(&root.join("msg/msgreader-msgInMsgInMsg.msg"));
    let emails: Vec<_> = out
        .records
        .iter()
        .filter(|r| r.kind == Kind::Email)
        .collect();
    assert!(
        emails.len() >= 3,
        "{:?}",
        emails.iter().map(|r| &r.locator).collect::<Vec<_>>()
    );
    // A chain of three: top → child → grandchild.
    let top = emails.iter().find(|r| r.locator.is_empty()).unwrap();
    let child = emails
        .iter()
        .find(|r| r.parent.as_ref() == Some(&top.id))
        .unwrap();
    let grandchild = emails
        .iter()
        .find(|r| r.parent.as_ref() == Some(&child.id))
        .unwrap();
    assert!(child.locator.starts_with("attachment "));
    assert!(grandchild
        .locator
        .starts_with(&format!("{}/attachment ", child.locator)));
}

#[test]
fn non_unicode_cp932_decodes_japanese() {
    let Some(root) = corpus("non_unicode_cp932_decodes_japanese") else {
        return;
    };
    let out = extract(&root.join("msg/msgreader-nonUnicodeCP932.msg"));
    let top = &out.records[0];
    // 日本語 ("Japanese") in the subject, decoded from Shift_JIS/CP932.
    assert!(top.title.contains("日本語"), "{}", top.title);
    assert!(top.text.contains("Subject: 日本語"), "{}", top.text);
}

#[test]
fn contacts_and_appointments_get_their_kinds() {
    let Some(root) = corpus("contacts_and_appointments_get_their_kinds") else {
        return;
    };
    for (file, kind) in [
        ("msg/aspose-Contact.msg", Kind::Contact),
        ("msg/tika-testMSG_Contact.msg", Kind::Contact),
        ("msg/msgreader-contactUnicode.msg", Kind::Contact),
        ("msg/tika-testMSG_Appointment.msg", Kind::Calendar),
        ("msg/aspose-Test Meeting.msg", Kind::Calendar),
        ("msg/aspose-sample.oft", Kind::Calendar),
        ("msg/msgreader-A memo.msg", Kind::Note),
    ] {
        let out = extract(&root.join(file));
        assert_eq!(out.records[0].kind, kind, "{file}");
    }
    let out = extract(&root.join("msg/tika-testMSG_Contact.msg"));
    assert!(
        out.records[0].text.contains("Quick Brown Fox"),
        "{}",
        out.records[0].text
    );
}

#[test]
fn rtf_only_and_html_bodies_have_text() {
    let Some(root) = corpus("rtf_only_and_html_bodies_have_text") else {
        return;
    };
    for file in [
        "msg/MSGReader-RtfSampleEmail.msg",
        "msg/MSGReader-EmailWithAttachments.msg",
        "msg/MSGReader-TxtSampleEmail.msg",
    ] {
        let out = extract(&root.join(file));
        let t = &out.records[0].text;
        let body = t.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
        assert!(body.trim().len() > 10, "{file}: empty body");
    }
}

#[test]
fn msg_attachments_become_children() {
    let Some(root) = corpus("msg_attachments_become_children") else {
        return;
    };
    let out = extract(&root.join("msg/tika-test-outlook2003.msg"));
    let top = &out.records[0];
    let children = out
        .records
        .iter()
        .filter(|r| r.parent.as_ref() == Some(&top.id))
        .count()
        + out
            .unsearchable
            .iter()
            .filter(|u| u.locator.starts_with("attachment "))
            .count();
    assert_eq!(
        children, 11,
        "Outlook 2003 welcome message has 11 attachments"
    );
}

#[test]
fn winmail_dat_unpacks_attachments() {
    let Some(root) = corpus("winmail_dat_unpacks_attachments") else {
        return;
    };
    let out = extract(&root.join("other/tika-testWINMAIL.dat"));
    let top = &out.records[0];
    assert_eq!(top.kind, Kind::Email);
    let kids = out
        .records
        .iter()
        .filter(|r| r.parent.as_ref() == Some(&top.id))
        .count()
        + out
            .unsearchable
            .iter()
            .filter(|u| u.locator.starts_with("attachment "))
            .count();
    assert!(
        kids >= 1,
        "{:?} {:?}",
        out.records.iter().map(|r| &r.locator).collect::<Vec<_>>(),
        out.unsearchable
    );
}

#[test]
fn pst_items_have_folder_locators() {
    let Some(root) = corpus("pst_items_have_folder_locators") else {
        return;
    };
    let out = extract(&root.join("pst/aspose-Outlook.pst"));
    assert_eq!(out.records[0].kind, Kind::Archive);
    let inbox: Vec<_> = out
        .records
        .iter()
        .filter(|r| r.locator.starts_with("Inbox/message "))
        .collect();
    assert!(!inbox.is_empty());
    assert_eq!(
        inbox[0].meta.get("folder").map(String::as_str),
        Some("Inbox")
    );
    assert!(out
        .records
        .iter()
        .any(|r| r.kind == Kind::Contact && r.locator.starts_with("Contacts/contact ")));
    assert!(out
        .records
        .iter()
        .any(|r| r.kind == Kind::Calendar && r.locator.starts_with("Calendar/appointment ")));
    assert!(out
        .records
        .iter()
        .any(|r| r.locator.contains("/attachment ")));

    let contacts = extract(&root.join("pst/aspose-SampleContacts.pst"));
    assert_eq!(
        contacts
            .records
            .iter()
            .filter(|r| r.kind == Kind::Contact)
            .count(),
        6
    );

    let pw = extract(&root.join("pst/aspose-passwordprotectedPST.pst"));
    assert_eq!(
        pw.records[0].meta.get("pst_password").map(String::as_str),
        Some("set")
    );
    assert!(pw.records.len() > 10);

    // Detected by magic, not by extension.
    let ost = extract(&root.join("pst/aspose-test-PST-with-ost-extension.ost"));
    assert_eq!(
        ost.records[0].meta.get("format").map(String::as_str),
        Some("PST")
    );
    let real_ost = extract(&root.join("pst/aspose-SampleOstFile.ost"));
    assert_eq!(
        real_ost.records[0].meta.get("format").map(String::as_str),
        Some("OST")
    );
    assert!(
        real_ost
            .records
            .iter()
            .filter(|r| r.kind == Kind::Email)
            .count()
            > 10
    );
}

#[test]
fn a_pst_inside_an_archive_is_read_from_memory() {
    let Some(root) = corpus("a_pst_inside_an_archive_is_read_from_memory") else {
        return;
    };
    let bytes = std::fs::read(root.join("pst/tika-testPST_variousBodyTypes.pst")).unwrap();
    let ex = Extractor::new(Limits::default());
    let mut from_mem = Collected::default();
    ex.extract_bytes("x/store.pst", "store.pst", &bytes, &mut from_mem);
    let from_disk = extract(&root.join("pst/tika-testPST_variousBodyTypes.pst"));
    assert_eq!(from_mem.records.len(), from_disk.records.len());
    assert!(from_mem.records.len() > 1);
    let texts = |c: &Collected| c.records.iter().map(|r| r.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&from_mem), texts(&from_disk));
}

#[test]
fn tnef_wrapping_an_msg_yields_the_inner_message() {
    let Some(root) = corpus("tnef_wrapping_an_msg_yields_the_inner_message") else {
        return;
    };
    // A top-level application/ms-tnef message (binary transfer encoding):
    // the TNEF stream starts at its signature, after the MIME header.
    let eml = std::fs::read(root.join("eml/aspose-tnefWithMsgInside.eml")).unwrap();
    let at = eml
        .windows(4)
        .position(|w| w == [0x78, 0x9F, 0x3E, 0x22])
        .unwrap();
    let ex = Extractor::new(Limits::default());
    let mut out = Collected::default();
    ex.extract_bytes("mail/winmail.dat", "winmail.dat", &eml[at..], &mut out);
    assert!(
        out.unsearchable
            .iter()
            .all(|u| u.reason != Reason::ExtractorFailed),
        "{:?}",
        out.unsearchable
    );
    assert!(!out.records.is_empty(), "{:?}", out.unsearchable);
    let top = &out.records[0];
    assert_eq!(top.kind, Kind::Email);
    // The wrapped MSG becomes a child e-mail record (embedded message or
    // .msg attachment), not an opaque blob.
    assert!(
        out.records
            .iter()
            .any(|r| r.kind == Kind::Email && r.parent.as_ref() == Some(&top.id)),
        "{:?} {:?}",
        out.records
            .iter()
            .map(|r| (&r.locator, r.kind))
            .collect::<Vec<_>>(),
        out.unsearchable
    );
}
