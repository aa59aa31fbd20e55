//! PDF extraction throughput (pages/s) over the corpus-real PDFs that have a
//! text layer. Run with `cargo bench -p sarx-extract --bench pdf`; compare
//! with `pdftotext` on the same files (see BENCHMARKS.md).
//!
//! Skips (benchmarks nothing) when `../shared/corpus-real` is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches may panic

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sarx_extract::{Collected, Extractor};

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus-real/pdf");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    let ex = Extractor::default();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            let mut out = Collected::default();
            ex.extract_bytes(&name, &name, &bytes, &mut out);
            // Only PDFs that open and have a text layer.
            let ok = out.unsearchable.is_empty()
                && out.records.first().is_some_and(|r| !r.pages.is_empty());
            ok.then_some((name, bytes))
        })
        .collect()
}

fn pages(files: &[(String, Vec<u8>)], ex: &Extractor) -> usize {
    let mut total = 0;
    for (name, bytes) in files {
        let mut out = Collected::default();
        ex.extract_bytes(name, name, bytes, &mut out);
        total += out.records.first().map_or(0, |r| r.pages.len());
    }
    total
}

fn bench(c: &mut Criterion) {
    let files = corpus();
    if files.is_empty() {
        eprintln!("corpus-real/pdf absent: nothing to benchmark");
        return;
    }
    let ex = Extractor::default();
    let n = pages(&files, &ex);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    eprintln!("{} PDFs with text, {n} pages, {bytes} bytes", files.len());
    let mut g = c.benchmark_group("pdf");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(10);
    g.bench_function("corpus_real_pages", |b| {
        b.iter(|| {
            let got = pages(&files, &ex);
            assert_eq!(got, n);
            got
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
