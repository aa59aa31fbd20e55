//! Page-image redaction throughput (issue 22, acceptance 3): pages per
//! second of `PageRenderer` + the PDF writer (render with pdftoppm at
//! 150 dpi, words from pdftotext -bbox or the OCR boxes, boxes painted,
//! page PDF written) against `pdftoppm -r 150` alone on the same pages, in
//! the same run, both two at a time (the bundle lays documents out on a
//! two-thread pool).
//!
//! Run: `cargo bench -p sarx-bundle --bench page_images` (COPIES=N sets
//! how many copies of the generated letter and scan; default 10).
//! Prints a Markdown block for BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)] // benches may panic

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rayon::prelude::*;
use sarx_bundle::pdf::{write, Furniture};
use sarx_bundle::{PageRenderer, Renderer};
use sarx_case::Redaction;
use sarx_extract::{find_engine, Collected, Extractor, Limits, OcrMode};
use sarx_model::{Record, Span};

fn redactions(text: &str, strings: &[&str]) -> Vec<Redaction> {
    let mut out = Vec::new();
    for s in strings {
        for (at, _) in text.match_indices(s) {
            out.push(Redaction {
                id: format!("r{}", out.len() + 1),
                span: Span::new(at, at + s.len()),
                category: sarx_model::plan::Category::ThirdPartyName,
                reason_code: "third-party".into(),
                legal_basis: String::new(),
                confidence: 0.9,
                recogniser: "bench".into(),
                party: String::new(),
            });
        }
    }
    out
}

fn main() {
    let copies: usize = std::env::var("COPIES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(10);
    let dir = std::env::temp_dir().join("sarx-bench-page-images");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let letter = sarx_fixtures::letters::two_page_letter().unwrap();
    let scan = sarx_fixtures::scans::scans(7)
        .unwrap()
        .into_iter()
        .find(|s| s.source.ends_with(".pdf"))
        .unwrap();
    let scan_third: Vec<&str> = scan.truth.third_party.iter().map(String::as_str).collect();
    // Index-time work (extraction, OCR of the scan) is done once, untimed.
    let engine = find_engine(OcrMode::Auto).unwrap();
    let ex = Extractor::new(Limits::default()).with_ocr(OcrMode::Auto, engine);
    let record = |path: &Path| -> Record {
        let mut out = Collected::default();
        ex.extract_path(&path.to_string_lossy(), path, &mut out);
        out.records
            .into_iter()
            .find(|r| r.locator.is_empty())
            .unwrap()
    };
    let letter_path = dir.join("letter.pdf");
    std::fs::write(&letter_path, &letter.bytes).unwrap();
    let scan_path = dir.join("scan.pdf");
    std::fs::write(&scan_path, &scan.bytes).unwrap();
    let letter_rec = record(&letter_path);
    let scan_rec = record(&scan_path);
    let mut docs: Vec<(PathBuf, Record, Vec<Redaction>)> = Vec::new();
    for i in 0..copies {
        for (src, rec, third) in [
            (&letter_path, &letter_rec, &letter.third_party),
            (&scan_path, &scan_rec, &scan_third),
        ] {
            let p = dir.join(format!(
                "{i:03}-{}",
                src.file_name().unwrap().to_string_lossy()
            ));
            std::fs::copy(src, &p).unwrap();
            let mut r = rec.clone();
            r.source = p.to_string_lossy().into_owned();
            let reds = redactions(&r.text, third);
            docs.push((p, r, reds));
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let furniture = Furniture {
        header: "SAR-B-1 · Document".into(),
        reference: "B-1".into(),
        first_page: 1,
    };
    let mut rows = Vec::new();
    for round in 1..=3 {
        let t = Instant::now();
        let pages: usize = pool.install(|| {
            docs.par_iter()
                .map(|(_, r, reds)| {
                    let l = PageRenderer::default().layout(r, reds, "Letter").unwrap();
                    assert!(l.fallback.is_none() && !l.images.is_empty());
                    let pdf = write(&l, &furniture).unwrap();
                    assert!(!pdf.is_empty());
                    l.images.len()
                })
                .sum()
        });
        let sarx = t.elapsed().as_secs_f64();
        let out = dir.join("ppm");
        std::fs::create_dir_all(&out).unwrap();
        let t = Instant::now();
        pool.install(|| {
            docs.par_iter().enumerate().for_each(|(k, (p, _, _))| {
                let st = Command::new("pdftoppm")
                    .args(["-png", "-hide-annotations", "-r", "150"])
                    .arg(p)
                    .arg(out.join(format!("{k}")))
                    .status()
                    .unwrap();
                assert!(st.success());
            })
        });
        let ppm = t.elapsed().as_secs_f64();
        let _ = std::fs::remove_dir_all(&out);
        rows.push((round, pages, sarx, ppm));
    }
    println!(
        "| round | pages | sarx page images s | pages/s | pdftoppm alone s | pages/s | ratio |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (round, pages, sarx, ppm) in &rows {
        println!(
            "| {round} | {pages} | {sarx:.2} | {:.2} | {ppm:.2} | {:.2} | {:.2}× |",
            *pages as f64 / sarx,
            *pages as f64 / ppm,
            ppm / sarx
        );
    }
}
