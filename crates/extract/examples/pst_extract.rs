//! Extracts one PST/OST (or any file) `N` times and prints throughput, for
//! `benches/pst_vs_readpst.sh`.
//!
//! Run with: `cargo run --release -p sarx-extract --example pst_extract -- FILE [N]`
//!
//! Prints one line: `items=<direct children of the store> records=<all>
//! unsearchable=<n> bytes=<file size> runs=<N> seconds=<total>`.

use std::path::Path;
use std::time::Instant;

use sarx_extract::{Extractor, Limits, Sink};
use sarx_model::{Record, Unsearchable};

#[derive(Default)]
struct Count {
    store: Option<sarx_model::RecordId>,
    items: usize,
    records: usize,
    unsearchable: usize,
    text_bytes: usize,
}

impl Sink for Count {
    fn record(&mut self, r: Record) {
        if r.locator.is_empty() {
            self.store = Some(r.id.clone());
        } else if r.parent.is_some() && r.parent == self.store {
            self.items += 1;
        }
        self.records += 1;
        self.text_bytes += r.text.len();
    }
    fn unsearchable(&mut self, _: Unsearchable) {
        self.unsearchable += 1;
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(file) = args.next() else {
        eprintln!("usage: pst_extract FILE [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let path = Path::new(&file);
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let ex = Extractor::new(Limits::default());
    let mut last = Count::default();
    let start = Instant::now();
    for _ in 0..runs {
        let mut c = Count::default();
        ex.extract_path("bench", path, &mut c);
        last = c;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "items={} records={} unsearchable={} text_bytes={} bytes={bytes} runs={runs} seconds={secs:.4}",
        last.items, last.records, last.unsearchable, last.text_bytes
    );
}
