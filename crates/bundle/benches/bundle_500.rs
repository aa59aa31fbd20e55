//! Library-level bundle bench: lay out, render, zip and verify 500
//! synthetic disclosed records (letters, e-mails, spreadsheet rows) with
//! third-party redactions. Prints wall time per run.
//!
//! Run: `cargo bench -p sarx-bundle --bench bundle_500`
//! (the end-to-end CLI bench is `benches/bundle/run.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and benches may panic

use std::time::Instant;

use jiff::civil::date;
use sarx_bundle::{build, BundleSpec, Disclosure, FreshRenderer, Options};
use sarx_case::{CaseState, OrgProfile, Redaction};
use sarx_model::{Kind, Record, Span};

const NAMES: [&str; 8] = [
    "Janet Smith",
    "Peter Kowalski",
    "Aisha Patel",
    "Owen Hughes",
    "Zoë Ünal",
    "Liam Brennan",
    "Priya Osei",
    "Grace Walsh",
];

fn disclosures(n: usize) -> Vec<Disclosure> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let kind = [Kind::Text, Kind::Email, Kind::SheetRow][i % 3];
        let mut r = Record::new(&format!("share/case/{i:04}.txt"), "", kind);
        let mut text = String::new();
        if kind == Kind::Email {
            text.push_str(&format!(
                "From: \"{0}\" <n{i}@example.org>\nTo: m.okafor79@example.net\nSubject: Complaint {i}\n\n",
                NAMES[i % 8]
            ));
        }
        if kind == Kind::SheetRow {
            r.meta
                .insert("header".into(), "reference\ttenant\twitness\tamount".into());
            text.push_str(&format!(
                "TEN-0045127\tMargaret Okafor\t{}\t{}.00",
                NAMES[i % 8],
                300 + i
            ));
        } else {
            for p in 0..(3 + i % 6) {
                text.push_str(&format!(
                    "Mrs Okafor (TEN-0045127) reported that her neighbour {} at number {p} played loud music. \
                     The officer logged the complaint and arranged a visit; mediation was offered.\n\n",
                    NAMES[(i + p) % 8]
                ));
            }
        }
        let mut reds = Vec::new();
        for name in NAMES {
            let mut from = 0;
            while let Some(pos) = text.get(from..).and_then(|t| t.find(name)) {
                let s = from + pos;
                reds.push(Redaction {
                    id: format!("r{}", reds.len() + 1),
                    span: Span::new(s, s + name.len()),
                    category: sarx_model::plan::Category::ThirdPartyName,
                    reason_code: "third-party".into(),
                    legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
                    confidence: 0.9,
                    recogniser: "bench".into(),
                    party: String::new(),
                });
                from = s + name.len();
            }
        }
        r.text = text;
        r.title = format!("Record {i}");
        out.push(Disclosure {
            record: r,
            redactions: reds,
        });
    }
    out
}

fn main() {
    let state = CaseState::new(
        "BENCH",
        date(2025, 3, 31),
        "name = \"Margaret Okafor\"",
        OrgProfile::default(),
    );
    let spec = BundleSpec {
        reference: "BENCH".into(),
        clock: state
            .clock_status(date(2025, 4, 1))
            .unwrap_or_else(|e| panic!("{e}")),
        org: OrgProfile::default(),
        disclosures: disclosures(500),
        categories_found: vec!["your name".into()],
        unsearchable: vec![],
        withheld: vec![],
        source_root: "share/".into(),
        staff: vec![],
        subject: Vec::new(),
    };
    let dir = std::env::temp_dir().join(format!("sarx-bundle-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for run in 1..=3 {
        let out = dir.join(format!("b{run}.zip"));
        let t = Instant::now();
        let b = build(&spec, &FreshRenderer, &out, &Options::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(b.documents, 500);
        assert!(b.verification.is_clean());
        println!(
            "run {run}: 500 records, {} pages, {} redactions, {} bytes: {secs:.2} s (build + verify)",
            b.pages,
            b.redactions,
            std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
