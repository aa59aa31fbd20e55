//! Planning speed: the redaction plan of one case of disclosed records, as
//! `sarx case open` makes it (rules judged by the person-name model, then
//! the case consistency pass), for the planning benchmark
//! (`benches/plan/run.sh`).
//!
//! Run with:
//! ```text
//! cargo run --release -p sarx-redact --example plan_case -- ROOT OUT.jsonl \
//!     [--records 1000] [--min-bytes 5000000] [--threads 2] [--rules-only]
//! ```
//! Every file under `ROOT` is crawled and extracted with `sarx-crawl`, as
//! `sarx index` does; records with at
//! least 200 bytes of text are taken in path order, long ones cut at line
//! breaks, and joined, in order, into `--records` case records of at least
//! `--min-bytes / --records` bytes each
//! (the corpus is read again from the start when it runs out, so a small
//! corpus still gives a case of the asked size). The case's texts go to
//! `OUT.jsonl` (`{"id", "text"}` a line) so that another engine can be timed
//! on exactly the same text. The plan is made on `--threads` threads (the
//! model gets one session per thread). One JSON line goes to stdout: records,
//! bytes, words, load and planning seconds, redactions planned.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use sarx_crawl::{CrawlerBuilder, Event, Outcome};
use sarx_model::{Kind, Record};
use sarx_redact::{CasePlanner, Engine};

fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rules_only = args.iter().any(|a| a == "--rules-only");
    let n: usize = flag(&args, "--records", 1000);
    let min_bytes: usize = flag(&args, "--min-bytes", 5_000_000);
    let threads: usize = flag(&args, "--threads", 2);
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--records" | "--min-bytes" | "--threads" => {
                it.next();
            }
            "--rules-only" => {}
            _ => files.push(a),
        }
    }
    let (Some(root), Some(output)) = (files.first(), files.get(1)) else {
        return Err("usage: plan_case ROOT OUT.jsonl [--records N] [--min-bytes B] [--threads T] [--rules-only]".into());
    };
    let root = PathBuf::from(root);

    // The corpus' texts, crawled and extracted as `sarx index` does, in
    // path order.
    let mut files: Vec<(PathBuf, Vec<String>)> = Vec::new();
    CrawlerBuilder::new().threads(threads).build().run(
        &[root],
        Arc::new(HashMap::new()),
        |event| {
            if let Event::File(f) = event {
                if let Outcome::Extracted { records, .. } = f.outcome {
                    let texts = records.into_iter().map(|r| r.text);
                    files.push((PathBuf::from(f.source), texts.collect()));
                }
            }
            true
        },
    );
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let texts: Vec<String> = files
        .into_iter()
        .flat_map(|(_, t)| t)
        .filter(|t| t.len() >= 200)
        .collect();
    if texts.is_empty() {
        return Err("no record under ROOT has 200 bytes of text".into());
    }

    // The case: n records of at least min_bytes / n bytes each.
    let per = min_bytes.div_ceil(n.max(1));
    // A long text (a whole mailbox export, a 200-page PDF) is cut at line
    // breaks into pieces of about one record's size.
    let mut pieces: Vec<&str> = Vec::new();
    for t in &texts {
        let mut rest = t.as_str();
        while rest.len() > per {
            let mut cut = per;
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let at = rest
                .get(cut..)
                .and_then(|r| r.find('\n'))
                .map_or(rest.len(), |k| cut + k);
            let (head, tail) = rest.split_at(at);
            pieces.push(head);
            rest = tail;
        }
        if !rest.trim().is_empty() {
            pieces.push(rest);
        }
    }
    let mut records = Vec::with_capacity(n);
    let mut next = pieces.iter().cycle();
    for i in 0..n {
        let mut text = String::with_capacity(per + 4096);
        while text.len() < per {
            let Some(t) = next.next() else { break };
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(t.trim_start_matches('\n'));
        }
        let mut r = Record::new(&format!("case/record-{i:04}.txt"), "", Kind::Text);
        r.text = text;
        records.push(r);
    }
    let bytes: usize = records.iter().map(|r| r.text.len()).sum();
    let words: usize = records
        .iter()
        .map(|r| r.text.split_whitespace().count())
        .sum();
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    for r in &records {
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({"id": r.source, "text": r.text}),
        )?;
        out.write_all(b"\n")?;
    }
    out.flush()?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let t0 = Instant::now();
    let mut builder = Engine::builder();
    if !rules_only {
        let ner = sarx_ner::Ner::load(&sarx_ner::default_dir(), threads)?;
        builder = builder.model(Arc::new(ner));
    }
    let engine = builder.build()?;
    let load = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let plans = pool.install(|| CasePlanner::new(&engine, None).plan_case(&records));
    let secs = t1.elapsed().as_secs_f64();
    let redactions: usize = plans.iter().map(|p| p.redactions.len()).sum();
    println!(
        "{}",
        serde_json::json!({
            "engine": if rules_only { "sarx rules only" } else { "sarx rules + model" },
            "threads": threads,
            "records": records.len(),
            "bytes": bytes,
            "words": words,
            "corpus_texts": texts.len(),
            "corpus_bytes": texts.iter().map(String::len).sum::<usize>(),
            "load_seconds": load,
            "seconds": secs,
            "redactions": redactions,
        })
    );
    Ok(())
}
