//! Search benchmarks (issue [2], acceptance 3). Run with
//! `benches/search/run.sh` (or `cargo bench --bench search_latency`).
//!
//! (a) **Latency**: a subject with 5 identifiers (date of birth, NI number,
//!     e-mail, phone, reference) plus name and aliases, searched on an index
//!     of ≥ 1,000,000 records with `sarx_request::search` (what the CLI
//!     runs): candidates from the index, parallel verification, linked
//!     references, report assembly and threads — p50 / p95 over repeated
//!     runs, with the index opened once ("warm") and opened per search
//!     ("open+search", what the CLI does).
//! (Verification throughput against ripgrep is `verify.rs`.)
//!
//! The synthetic corpus (CSV rent ledgers: one record per row, plus letters)
//! and its index are cached under `$SARX_BENCH_DIR` (default
//! `target/bench-search`), so reruns skip the build.
//!
//! Environment: `SARX_BENCH_RECORDS` (default 1,000,000),
//! `SARX_BENCH_RUNS` (default 40), `SARX_BENCH_DIR`.
//! Prints one JSON line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sarx_detect::{SubjectMatcher, SubjectProfile};
use sarx_index::{IndexSet, IndexerBuilder};
use sarx_request::SearchOptions;

const ROWS_PER_FILE: usize = 10_000;

const PROFILE: &str = r#"name = "Margaret Anne Okafor"
aliases = ["Maggie Okafor", "Margaret Bell"]
date_of_birth = "1979-06-14"
ni_number = "JM482761C"
emails = ["m.okafor79@example.net"]
phones = ["07700 900461"]
references = ["TEN-0045127"]
"#;

const FORENAMES: [&str; 40] = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Susan", "William", "Karen", "Richard", "Nancy", "Joseph", "Lisa", "Thomas", "Betty", "Daniel",
    "Sandra", "Paul", "Ashley", "Mark", "Kimberly", "Steven", "Donna", "Andrew", "Carol", "Kevin",
    "Michelle", "Brian", "Emily", "George", "Amanda", "Edward", "Helen", "Ronald", "Sharon",
    "Anthony", "Laura",
];
const SURNAMES: [&str; 40] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Wright", "Robinson", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Thomas", "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper",
    "Hill", "Ward", "Hughes", "Moore", "Clark", "Harrison", "Scott", "Young", "Morris", "Hussain",
    "King", "Baker", "Khan",
];
const STREETS: [&str; 12] = [
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Avenue",
    "Victoria Road",
    "Green Lane",
    "Manor Road",
    "Kings Road",
    "Queens Road",
    "Mill Lane",
    "York Road",
    "New Street",
];
const POSTCODES: [&str; 10] = [
    "LS8 4HS", "LS6 2AB", "BD1 3PQ", "M14 5RT", "B12 9XY", "S10 2GH", "NE1 4ST", "L8 7UW",
    "HU5 3LN", "YO1 6DA",
];

/// A small deterministic generator (xorshift), so the corpus is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn write_corpus(dir: &Path, records: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Rng(0x5A5A_1234_9876_F00D);
    let files = records.div_ceil(ROWS_PER_FILE);
    for f in 0..files {
        let mut csv = String::from("Tenancy Ref,Surname,Forename,Address,Postcode,Date of Birth,Phone,Weekly Rent,Arrears,Notes\n");
        for r in 0..ROWS_PER_FILE {
            // Every 50,000th row is the subject (20 rows in 1M); every
            // 100,000th a namesake with another date of birth.
            let global = f * ROWS_PER_FILE + r;
            if global % 50_000 == 7 {
                let _ = writeln!(
                    csv,
                    "TEN-0045127,Okafor,Margaret,\"Flat 3, 18 Roundhay Road\",LS8 4HS,14/06/1979,07700 900461,95.50,0.00,"
                );
                continue;
            }
            if global % 100_000 == 11 {
                let _ = writeln!(
                    csv,
                    "RA-{:07},Okafor,Margaret,\"22 Elm Street\",BD1 2AB,03/02/1985,07700 900999,101.00,12.00,",
                    rng.below(10_000_000)
                );
                continue;
            }
            let _ =
                writeln!(
                csv,
                "RA-{:07},{},{},\"{} {}\",{},{:02}/{:02}/{},07700 9{:02}{:03},{}.{:02},{}.{:02},{}",
                rng.below(10_000_000),
                rng.pick(&SURNAMES),
                rng.pick(&FORENAMES),
                1 + rng.below(200),
                rng.pick(&STREETS),
                rng.pick(&POSTCODES),
                1 + rng.below(28),
                1 + rng.below(12),
                1940 + rng.below(65),
                10 + rng.below(90),
                rng.below(1000),
                80 + rng.below(100),
                rng.below(100),
                rng.below(2000),
                rng.below(100),
                if rng.below(5) == 0 { "Arrangement in place" } else { "" }
            );
        }
        std::fs::write(dir.join(format!("ledger-{f:04}.csv")), csv).unwrap();
    }
    // Some prose: letters naming the subject in other written forms.
    for i in 0..50 {
        let body = format!(
            "Dear Mrs Okafor,\n\nThank you for your call on {}/03/2024 about the repair at Flat 3, 18 Roundhay Road, \
             Leeds LS8 4HS. We will visit {} {}.\n\nYours sincerely,\n{} {}\nHousing Officer\n",
            1 + i % 28,
            rng.pick(&["on Monday", "next week", "soon"]),
            "",
            rng.pick(&FORENAMES),
            rng.pick(&SURNAMES)
        );
        std::fs::write(dir.join(format!("letter-{i:03}.txt")), body).unwrap();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let records = env_usize("SARX_BENCH_RECORDS", 1_000_000);
    let runs = env_usize("SARX_BENCH_RUNS", 40);
    let base: PathBuf = std::env::var_os("SARX_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target"));
            target.join("bench-search")
        });
    let dir = base.join(format!("r{records}"));
    let corpus = dir.join("corpus");
    let idx = dir.join("idx");
    let ready = dir.join("READY");
    // Rebuilt when missing, or when this version cannot open it (schema).
    if !ready.exists() || IndexSet::open(&idx).is_err() {
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        write_corpus(&corpus, records);
        eprintln!("corpus written in {:.1} s", t.elapsed().as_secs_f64());
        let t = Instant::now();
        let summary = IndexerBuilder::new()
            .threads(2)
            .build()
            .run(&idx, "bench", std::slice::from_ref(&corpus))
            .expect("index the bench corpus");
        eprintln!(
            "indexed {} records in {:.1} s",
            summary.records_added,
            t.elapsed().as_secs_f64()
        );
        std::fs::write(&ready, "").unwrap();
    }

    let set = IndexSet::open(&idx).unwrap();
    let stats = set.stats().unwrap();
    let profile = SubjectProfile::from_toml_str(PROFILE).unwrap();
    assert_eq!(profile.identifier_count(), 5);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);

    // What the CLI runs (`sarx_request::search`); the candidate count is
    // reported beside it.
    let search =
        |set: &IndexSet| sarx_request::search(set, &profile, &SearchOptions::default()).unwrap();
    let ncand = {
        let (phrases, keys) = SubjectMatcher::new(&profile).candidate_query();
        set.candidates(&phrases, &keys, 5_000_000).unwrap().len()
    };

    // Warm-up, and a check the search is doing its job.
    let report = search(&set);
    let expected_hits = records.div_ceil(50_000) + 50;
    assert_eq!(report.hits.len(), expected_hits, "hits");
    assert_eq!(
        report.excluded.len(),
        records.div_ceil(100_000),
        "excluded namesakes"
    );

    let mut warm = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let r = search(&set);
        warm.push(t.elapsed());
        assert_eq!(r.hits.len(), expected_hits);
    }
    warm.sort();
    let mut cold = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let s = IndexSet::open(&idx).unwrap();
        let r = search(&s);
        cold.push(t.elapsed());
        assert_eq!(r.hits.len(), expected_hits);
    }
    cold.sort();

    let json = serde_json::json!({
        "records": stats.records,
        "candidates": ncand,
        "hits": report.hits.len(),
        "excluded": report.excluded.len(),
        "threads": threads,
        "runs": runs,
        "warm_p50_ms": ms(percentile(&warm, 0.5)),
        "warm_p95_ms": ms(percentile(&warm, 0.95)),
        "open_search_p50_ms": ms(percentile(&cold, 0.5)),
        "open_search_p95_ms": ms(percentile(&cold, 0.95)),
    });
    println!("{json}");
}
