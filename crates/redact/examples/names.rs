//! Person names found in a labelled set of texts, for the person-name
//! benchmark (`benches/names/run.sh`).
//!
//! Run with:
//! ```text
//! cargo run --release -p sarx-redact --example names -- IN.jsonl OUT.jsonl [--rules-only]
//! ```
//! `IN.jsonl` has one `{"id": …, "text": …}` object a line (other fields are
//! ignored). `OUT.jsonl` gets `{"id": …, "persons": [[start, end], …]}` with
//! **character** offsets (as Python counts them): every person-name finding
//! of the engine (rules judged by the model in `sarx_ner`'s default model
//! directory, or the rules alone with `--rules-only`), before classification
//! (a name is a name whether the subject's, staff's or a third party's).
//! One JSON line with the time taken goes to stdout.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Instant;

use sarx_redact::{Engine, EntityKind};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rules_only = args.iter().any(|a| a == "--rules-only");
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let (Some(input), Some(output)) = (files.first(), files.get(1)) else {
        return Err("usage: names IN.jsonl OUT.jsonl [--rules-only]".into());
    };
    let t0 = Instant::now();
    let mut builder = Engine::builder();
    if !rules_only {
        let ner = sarx_ner::Ner::load(&sarx_ner::default_dir(), 1)?;
        builder = builder.model(Arc::new(ner));
    }
    let engine = builder.build()?;
    let load_secs = t0.elapsed().as_secs_f64();
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(input)?).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line)?;
        let id = v.get("id").cloned().unwrap_or(serde_json::Value::Null);
        let text = v
            .get("text")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_owned();
        docs.push((id, text));
    }
    let t1 = Instant::now();
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    let mut words = 0usize;
    for (id, text) in &docs {
        words += text.split_whitespace().count();
        let persons: Vec<[usize; 2]> = engine
            .findings(text)
            .into_iter()
            .filter(|f| f.kind == EntityKind::PersonName)
            .map(|f| {
                let s = text.get(..f.span.start).map_or(0, |t| t.chars().count());
                let e = s + text
                    .get(f.span.start..f.span.end)
                    .map_or(0, |t| t.chars().count());
                [s, e]
            })
            .collect();
        serde_json::to_writer(&mut out, &serde_json::json!({"id": id, "persons": persons}))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let secs = t1.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "engine": if rules_only { "sarx rules only" } else { "sarx rules + model" },
            "texts": docs.len(),
            "words": words,
            "seconds": secs,
            "load_seconds": load_secs,
            "words_per_second": if secs > 0.0 { words as f64 / secs } else { 0.0 },
        })
    );
    Ok(())
}
