//! Runs the document extractors (office, PDF, sheets) over every file in
//! ../shared/corpus-real/{office,pdf,sheets}: no extractor failure, every file
//! yields searchable text or a specific reason, and known content is found.
//! Without the corpus: a failure under CI, "skipped" elsewhere. `--nocapture` prints a summary.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sarx_extract::{Collected, Extractor};
use sarx_model::{Kind, Reason};

mod common;

fn corpus(test: &str) -> Option<PathBuf> {
    common::corpus(test, "")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn run(path: &Path) -> Collected {
    let mut out = Collected::default();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    Extractor::default().extract_path(&name, path, &mut out);
    out
}

fn all_text(c: &Collected) -> String {
    c.records
        .iter()
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn top_reason(c: &Collected) -> Option<Reason> {
    c.unsearchable
        .iter()
        .find(|u| u.locator.is_empty())
        .map(|u| u.reason)
}

#[test]
fn every_document_yields_text_or_a_reason() {
    let Some(root) = corpus("every_document_yields_text_or_a_reason") else {
        return;
    };
    let started = Instant::now();
    let mut summary: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for sub in ["office", "pdf", "sheets"] {
        for path in files(&root.join(sub)) {
            let t = Instant::now();
            let out = run(&path);
            let rel = path.strip_prefix(&root).unwrap().display().to_string();
            let elapsed = t.elapsed();
            assert!(elapsed.as_secs() < 30, "{rel} took {elapsed:?}");
            for u in &out.unsearchable {
                if u.reason == Reason::ExtractorFailed {
                    failures.push(format!("{rel} {}: {}", u.locator, u.detail));
                }
            }
            let has_text = out.records.iter().any(|r| !r.text.trim().is_empty());
            let key = match top_reason(&out) {
                Some(r) => r.code(),
                None if has_text => "text".to_owned(),
                None => {
                    // A file with records but no text at all must say why.
                    failures.push(format!("{rel}: no text and no reason"));
                    "EMPTY".to_owned()
                }
            };
            eprintln!(
                "{:<28} {:>7.1} ms  {rel}",
                key,
                elapsed.as_secs_f64() * 1000.0
            );
            *summary.entry(format!("{sub}:{key}")).or_default() += 1;
        }
    }
    eprintln!("\nper-reason summary (top-level outcome per file):");
    for (k, n) in &summary {
        eprintln!("  {k:<40} {n}");
    }
    eprintln!("total time {:?}", started.elapsed());
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn tracked_deletions_and_comments_are_extracted() {
    let Some(root) = corpus("tracked_deletions_and_comments_are_extracted") else {
        return;
    };
    let out = run(&root.join("office/pandoc-track_changes_deletion.docx"));
    let r = &out.records[0];
    assert_eq!(r.meta.get("hidden_text").map(String::as_str), Some("true"));
    // The tracked deletion (w:delText "n excessively modified") must be seen.
    assert!(r.text.contains("excessively modified"), "{}", r.text);
    let out = run(&root.join("office/mammoth-comments.docx"));
    assert!(
        out.records[0].text.contains("Comment"),
        "{}",
        out.records[0].text
    );
    let out = run(&root.join("office/pandoc-trackedChanges.odt"));
    assert!(
        out.records[0].text.contains("[Tracked changes"),
        "{}",
        out.records[0].text
    );
    let out = run(&root.join("office/mammoth-text-box.docx"));
    assert!(!out.records[0].text.trim().is_empty());
}

#[test]
fn encrypted_documents_are_reported_encrypted() {
    let Some(root) = corpus("encrypted_documents_are_reported_encrypted") else {
        return;
    };
    for rel in [
        "office/tika-testWORD_protected_passtika.docx",
        "office/tika-testODTEncrypted.odt",
        "sheets/calamine-pass_protected.xlsx",
        "sheets/calamine-pass_protected.xlsb",
        "sheets/calamine-pass_protected.ods",
        "sheets/tika-testEXCEL_protected_passtika.xlsx",
        "sheets/tika-testEXCEL_protected_passtika.xls",
        "pdf/pdfminer-aes-128.pdf",
        "pdf/pdfminer-rc4-40.pdf",
        "pdf/pypdf-samples-libreoffice-writer-password.pdf",
        "pdf/tika-testPassword4Spaces.pdf",
    ] {
        let out = run(&root.join(rel));
        assert_eq!(
            top_reason(&out),
            Some(Reason::Encrypted),
            "{rel}: {:?}",
            out.unsearchable
        );
    }
    // Empty user password: opened and read.
    for rel in [
        "pdf/tika-testPDF_protected.pdf",
        "pdf/qpdf-V4-aes.pdf",
        "pdf/lopdf-encrypted.pdf",
    ] {
        let out = run(&root.join(rel));
        assert_eq!(top_reason(&out), None, "{rel}: {:?}", out.unsearchable);
        assert!(!out.records[0].text.trim().is_empty(), "{rel}");
    }
}

#[test]
fn hidden_sheets_are_marked() {
    let Some(root) = corpus("hidden_sheets_are_marked") else {
        return;
    };
    for rel in [
        "sheets/calamine-any_sheets.xlsx",
        "sheets/calamine-any_sheets.xls",
        "sheets/calamine-any_sheets.xlsb",
        "sheets/calamine-any_sheets.ods",
    ] {
        let out = run(&root.join(rel));
        let wb = &out.records[0];
        assert_eq!(wb.kind, Kind::Spreadsheet, "{rel}");
        assert_eq!(
            wb.meta.get("hidden_text").map(String::as_str),
            Some("true"),
            "{rel}"
        );
        // Sheet names and states are listed on the workbook record; rows of
        // hidden sheets (if any) carry their state.
        assert!(wb.text.contains("(hidden)"), "{rel}: {}", wb.text);
        for r in &out.records[1..] {
            let state = r.meta.get("sheet_state").map(String::as_str);
            let sheet = r.meta.get("sheet").map(String::as_str).unwrap_or("");
            if sheet.starts_with("Hidden") {
                assert_eq!(state, Some("hidden"), "{rel}");
            }
        }
        if !rel.ends_with(".ods") {
            assert!(wb.text.contains("(very hidden)"), "{rel}: {}", wb.text);
        }
    }
}

#[test]
fn dos_workbooks_are_refused_quickly() {
    let Some(root) = corpus("dos_workbooks_are_refused_quickly") else {
        return;
    };
    for rel in [
        "sheets/calamine-issue_594_dos.ods",
        "sheets/calamine-OOM_alloc3.xls",
    ] {
        let t = Instant::now();
        let out = run(&root.join(rel));
        let r = top_reason(&out);
        assert!(
            matches!(r, Some(Reason::LimitExceeded(_)) | Some(Reason::Corrupt)),
            "{rel}: {r:?}"
        );
        assert!(t.elapsed().as_secs() < 5, "{rel} took {:?}", t.elapsed());
    }
}

#[test]
fn pdfs_keep_pages_and_flag_scans() {
    let Some(root) = corpus("pdfs_keep_pages_and_flag_scans") else {
        return;
    };
    let out = run(&root.join("pdf/pypdf-samples-pdflatex-4-pages.pdf"));
    let r = &out.records[0];
    assert_eq!(r.pages.len(), 4);
    assert_eq!(r.text.matches('\u{c}').count(), 3);
    let out = run(&root.join("pdf/tika-testOCR.pdf"));
    assert_eq!(out.records.len(), 1);
    assert_eq!(top_reason(&out), Some(Reason::NeedsManualReview));
    let out = run(&root.join("pdf/tika-testPDF_protected.pdf"));
    assert_eq!(out.records[0].pages.len(), 41);
    let words = all_text(&out);
    assert!(words.split_whitespace().count() > 5000, "{}", words.len());
}

/// Issue 23: an Excel 2007 beta XLSB (8 bytes before each sheet's tab id)
/// made calamine panic on a relationship id it misread, and the valid file
/// was reported corrupt. Its sheet list is rewritten and it is read.
#[test]
fn a_beta_xlsb_is_read() {
    let Some(root) = corpus("a_beta_xlsb_is_read") else {
        return;
    };
    let out = run(&root.join("sheets/tika-testEXCEL.xlsb"));
    assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
    let wb = &out.records[0];
    assert_eq!(wb.kind, Kind::Spreadsheet);
    assert_eq!(wb.meta.get("sheets").map(String::as_str), Some("3"));
    // The one cell of Sheet1, a row record of its own.
    assert!(
        out.records[1..]
            .iter()
            .any(|r| r.text.contains("created with Microsoft Excel 2007 Beta 2")),
        "{}",
        all_text(&out)
    );
}
