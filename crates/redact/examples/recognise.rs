//! The recogniser pass over a set of texts, for the Presidio comparison in
//! `benches/presidio/run.sh`.
//!
//! Run with:
//! ```text
//! cargo run --release -p sarx-redact --example recognise -- texts.json out.jsonl [min_seconds]
//! ```
//! `texts.json` is a JSON array of strings. `out.jsonl` gets one line per
//! text: `{"i":N,"spans":[{"start":S,"end":E,"kind":"person_name"}]}` with
//! **character** offsets (as Python counts them). Then the whole pass is
//! repeated until at least `min_seconds` (default 3) of CPU time have been
//! spent, and one JSON line with the throughput is printed on stdout: per
//! CPU second (from `/proc/thread-self/schedstat`, so that a busy shared
//! machine does not distort it) and per wall-clock second.

use std::io::Write;
use std::time::Instant;

use sarx_redact::Engine;

/// CPU time of this thread in seconds (Linux), or `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args
        .next()
        .ok_or("usage: recognise texts.json out.jsonl [min_seconds]")?;
    let output = args
        .next()
        .ok_or("usage: recognise texts.json out.jsonl [min_seconds]")?;
    let min_secs: f64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(3.0);
    let texts: Vec<String> = serde_json::from_slice(&std::fs::read(input)?)?;
    let t0 = Instant::now();
    let engine = Engine::builder().build()?;
    let build_secs = t0.elapsed().as_secs_f64();
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    for (i, text) in texts.iter().enumerate() {
        let spans: Vec<serde_json::Value> = engine
            .findings(text)
            .into_iter()
            .map(|f| {
                let cs = text.get(..f.span.start).map_or(0, |s| s.chars().count());
                let ce = text.get(..f.span.end).map_or(0, |s| s.chars().count());
                serde_json::json!({"start": cs, "end": ce, "kind": f.kind.as_str()})
            })
            .collect();
        writeln!(out, "{}", serde_json::json!({"i": i, "spans": spans}))?;
    }
    out.flush()?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut passes = 0u64;
    let mut found = 0usize;
    let t = Instant::now();
    let c0 = cpu_seconds();
    let cpu_elapsed = || match (c0, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => t.elapsed().as_secs_f64(),
    };
    while passes == 0 || cpu_elapsed() < min_secs {
        for text in &texts {
            found += engine.findings(text).len();
        }
        passes += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_elapsed();
    let total = bytes as f64 * passes as f64;
    println!(
        "{}",
        serde_json::json!({
            "texts": texts.len(), "bytes": bytes, "passes": passes, "seconds": secs,
            "cpu_seconds": cpu, "bytes_per_cpu_sec": total / cpu, "bytes_per_sec": total / secs, "findings_per_pass": found as u64 / passes,
            "build_seconds": build_secs,
        })
    );
    Ok(())
}
