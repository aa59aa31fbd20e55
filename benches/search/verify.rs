//! Verification throughput (issue [2], acceptance 3b): the subject verifier
//! alone, on one thread, over synthetic extracted text (rent-ledger rows,
//! letters and e-mails, ~64 MB by default), in MB/s. The same text is dumped
//! to files and `benches/search/run.sh` times ripgrep (`rg -j1`) on it with
//! the same identifiers as fixed strings and as one regex.
//!
//! Run: `benches/search/run.sh`, or
//! `cargo bench -p sarx-detect --bench search_verify` (prints one JSON line).
//! Environment: `SARX_BENCH_VERIFY_MB` (default 64), `SARX_BENCH_DIR`
//! (default `$CARGO_TARGET_DIR/bench-search` or `target/bench-search`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use sarx_detect::{SubjectMatcher, SubjectProfile, Verdict};
use sarx_model::{Kind, Record};

const PROFILE: &str = r#"name = "Margaret Anne Okafor"
aliases = ["Maggie Okafor", "Margaret Bell"]
date_of_birth = "1979-06-14"
ni_number = "JM482761C"
emails = ["m.okafor79@example.net"]
phones = ["07700 900461"]
references = ["TEN-0045127"]
"#;

const FORENAMES: [&str; 20] = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Susan", "William", "Karen", "Richard", "Nancy", "Joseph", "Lisa", "Thomas", "Betty", "Daniel",
    "Sandra",
];
const SURNAMES: [&str; 20] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Wright", "Robinson", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Thomas", "Clarke",
];
const POSTCODES: [&str; 6] = [
    "LS6 2AB", "BD1 3PQ", "M14 5RT", "B12 9XY", "S10 2GH", "NE1 4ST",
];
const FILLER: &str = "We have arranged for a surveyor to inspect the damp in the bathroom and will write again \
once the report is back. Please keep the extractor fan running and let us know if anything changes. ";

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn records(target_bytes: usize) -> Vec<Record> {
    let mut rng = Rng(0x1234_5678_9ABC_DEF1);
    let header = "Tenancy Ref\tSurname\tForename\tAddress\tPostcode\tDate of Birth\tPhone\tWeekly Rent\tArrears\tNotes";
    let mut out = Vec::new();
    let mut bytes = 0;
    let mut i = 0u64;
    while bytes < target_bytes {
        i += 1;
        let mut r = match i % 10 {
            // 1 in 10 records is a letter, 1 in 10 an e-mail, the rest rows.
            0 => {
                let mut r = Record::new("letters.zip", &format!("letter-{i}.docx"), Kind::Word);
                let mut t = format!(
                    "Dear {} {},\n\nThank you for your call on {}/03/2024 about {} {}, {}.\n\n",
                    rng.pick(&["Mr", "Mrs", "Ms"]),
                    rng.pick(&SURNAMES),
                    1 + rng.below(28),
                    1 + rng.below(200),
                    "Station Road",
                    rng.pick(&POSTCODES)
                );
                for _ in 0..(2 + rng.below(6)) {
                    t.push_str(FILLER);
                }
                let _ = write!(
                    t,
                    "\n\nYours sincerely,\n{} {}\nHousing Officer\n",
                    rng.pick(&FORENAMES),
                    rng.pick(&SURNAMES)
                );
                r.text = t;
                r
            }
            5 => {
                let mut r = Record::new("officers.mbox", &format!("message {i}"), Kind::Email);
                let (f, s) = (rng.pick(&FORENAMES), rng.pick(&SURNAMES));
                let mut t = format!(
                    "From: \"{f} {s}\" <{}.{}@example.org>\nTo: repairs@example.org\nDate: Mon, 3 Mar 2025 09:{:02}:00 +0000\nSubject: Repair {}\n\n",
                    f.to_lowercase(),
                    s.to_lowercase(),
                    rng.below(60),
                    rng.below(100_000)
                );
                for _ in 0..(1 + rng.below(3)) {
                    t.push_str(FILLER);
                }
                let _ = write!(t, "\nCall me on 0113 496 0{:03}.\n", rng.below(1000));
                r.text = t;
                r
            }
            _ => {
                let mut r =
                    Record::new("rent.xlsx", &format!("Rent 2025!A{i}:J{i}"), Kind::SheetRow);
                r.meta.insert("header".into(), header.into());
                r.text = format!(
                    "RA-{:07}\t{}\t{}\t{} Station Road\t{}\t{:02}/{:02}/{}\t07700 9{:02}{:03}\t{}.{:02}\t{}.{:02}\t{}",
                    rng.below(10_000_000),
                    rng.pick(&SURNAMES),
                    rng.pick(&FORENAMES),
                    1 + rng.below(200),
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
                r
            }
        };
        // Every 5,000th record is about the subject, in a different form each time.
        if i % 5_000 == 1 {
            let forms = [
                "Okafor\tMargaret\t14/06/1979",
                "Mrs Maggie Okafor, NI JM 48 27 61 C",
                "tel +44 7700 900461 re TEN-0045127",
                "OKAFOR, Margaret (born 14 June 1979)",
            ];
            r.text.push('\t');
            r.text.push_str(forms[(i / 5_000 % 4) as usize]);
        }
        bytes += r.text.len();
        out.push(r);
    }
    out
}

fn main() {
    let mb: usize = std::env::var("SARX_BENCH_VERIFY_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let base: PathBuf = std::env::var_os("SARX_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target"))
                .join("bench-search")
        });
    let sample = records(mb << 20);
    let bytes: usize = sample.iter().map(|r| r.text.len()).sum();
    let profile = SubjectProfile::from_toml_str(PROFILE).unwrap();
    let matcher = SubjectMatcher::new(&profile);
    let expected = sample.len().div_ceil(5_000);
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let hits = sample
            .iter()
            .filter(|r| matches!(matcher.verify(r), Verdict::Hit { .. }))
            .count();
        best = best.min(t.elapsed());
        assert_eq!(hits, expected, "verifier found the planted records");
    }

    let dir = base.join("verify");
    let dump = dir.join("text-dump");
    let _ = std::fs::remove_dir_all(&dump);
    std::fs::create_dir_all(&dump).unwrap();
    let per = sample.len().div_ceil(64).max(1);
    for (i, chunk) in sample.chunks(per).enumerate() {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(dump.join(format!("part-{i:03}.txt"))).unwrap(),
        );
        for r in chunk {
            f.write_all(r.text.as_bytes()).unwrap();
            f.write_all(b"\n").unwrap();
        }
    }
    // Fixed strings for `rg -F -f`: every name phrase the index is queried
    // with, plus the identifiers in their common written forms.
    let (mut pats, _) = matcher.candidate_query();
    pats.extend(
        [
            "JM482761C",
            "JM 48 27 61 C",
            "m.okafor79@example.net",
            "07700 900461",
            "07700900461",
            "+44 7700 900461",
            "TEN-0045127",
            "14/06/1979",
            "1979-06-14",
            "14 June 1979",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let patterns = dir.join("patterns.txt");
    std::fs::write(&patterns, pats.join("\n") + "\n").unwrap();
    println!(
        "{}",
        serde_json::json!({
            "records": sample.len(),
            "bytes": bytes,
            "hits": expected,
            "verify_seconds_1_thread": best.as_secs_f64(),
            "verify_mb_per_s_1_thread": bytes as f64 / 1e6 / best.as_secs_f64(),
            "dump_dir": dump.display().to_string(),
            "patterns_file": patterns.display().to_string(),
        })
    );
}
