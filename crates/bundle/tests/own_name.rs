//! Issue 18, acceptance 3: an organisation whose name holds a word that is
//! also a surname or a heading word ("Fernbank Homes"), and a plan that
//! wrongly redacts that word as a third party's name in one record. The
//! bundle must still be written and verify: the false redaction stays where
//! it was planned, is reported as a planning error, and is not spread to
//! the organisation's name in other records, the cover letter or the page
//! furniture. A real third party's full name that survives is still a leak,
//! and the report says which redaction, record and file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use jiff::civil::date;
use std::io::Read;

use sarx_bundle::{build, BundleSpec, Disclosure, FreshRenderer, Layout, Options, Renderer};
use sarx_case::{CaseState, OrgProfile, Redaction};
use sarx_model::{Kind, Record, Span};

fn org() -> OrgProfile {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/org/fernbank-homes.toml");
    OrgProfile::load(&p).unwrap()
}

fn red(id: &str, text: &str, needle: &str, category: &str) -> Redaction {
    let s = text.find(needle).unwrap();
    Redaction {
        id: id.into(),
        span: Span::new(s, s + needle.len()),
        category: sarx_model::plan::Category::from_code(category).unwrap(),
        reason_code: "third-party".into(),
        legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
        confidence: 0.6,
        recogniser: "person_name".into(),
        party: String::new(),
    }
}

fn record(source: &str, title: &str, text: &str) -> Record {
    let mut r = Record::new(source, "", Kind::Text);
    r.text = text.into();
    r.title = title.into();
    r
}

/// Record 1 has "Fernbank" (and, elsewhere, "Homes") planned as names; the
/// organisation's name is in records 2 and 3; record 3 also names a real
/// third party, "Janet Smith", redacted there and mentioned again in record 2.
fn spec() -> BundleSpec {
    let a = record(
        "share/repairs/damp.txt",
        "Damp report",
        "Report from Fernbank\nDocument\nDamp found in the bathroom. Mrs Okafor asked for a visit.\nHomes\nRepairs team",
    );
    let b = record(
        "share/letters/visit.txt",
        "Visit letter",
        "Fernbank Homes will visit on Monday. Our officer spoke to Janet Smith next door.",
    );
    let c = record(
        "share/asb/log.txt",
        "ASB log",
        "Fernbank Homes received a complaint from Janet Smith (07700 900123) about noise.",
    );
    let reds_a = vec![
        red("r1", &a.text, "Fernbank", "third_party_name"),
        red("r2", &a.text, "Homes", "third_party_name"),
        red("r3", &a.text, "Document", "third_party_name"),
    ];
    let reds_c = vec![
        red("r1", &c.text, "Janet Smith", "third_party_name"),
        red("r2", &c.text, "07700 900123", "third_party_contact"),
    ];
    let org = org();
    let state = CaseState::new(
        "FH-1",
        date(2025, 3, 31),
        "name = \"Margaret Okafor\"",
        org.clone(),
    );
    BundleSpec {
        reference: "FH-1".into(),
        clock: state.clock_status(date(2025, 4, 1)).unwrap(),
        org,
        disclosures: vec![
            Disclosure {
                record: a,
                redactions: reds_a,
            },
            Disclosure {
                record: b,
                redactions: vec![],
            },
            Disclosure {
                record: c,
                redactions: reds_c,
            },
        ],
        categories_found: vec!["your name".into()],
        unsearchable: vec![],
        withheld: vec![],
        source_root: "share/".into(),
        staff: vec![],
        subject: Vec::new(),
    }
}

fn unzip(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn a_false_name_sharing_a_word_of_the_organisations_name_does_not_stop_the_bundle() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("fh.zip");
    let b = build(&spec(), &FreshRenderer, &out, &Options::default()).unwrap();
    assert!(b.verification.is_clean(), "{}", b.verification.summary());
    assert!(out.is_file());

    // The planned redactions stay; only "Janet Smith" spread (to record 2).
    let log: Vec<_> = b
        .internal_log
        .iter()
        .map(|e| (e.text.as_str(), e.recogniser.as_str()))
        .collect();
    for w in [
        "Fernbank",
        "Homes",
        "Document",
        "Janet Smith",
        "07700 900123",
    ] {
        assert!(
            log.iter().any(|(t, r)| *t == w && *r == "person_name"),
            "{w}: {log:?}"
        );
    }
    let spread: Vec<&str> = log
        .iter()
        .filter(|(_, r)| *r == "bundle-consistency")
        .map(|(t, _)| *t)
        .collect();
    assert_eq!(spread, ["Janet Smith"]);

    // The organisation's name is intact in the letter and in the other records.
    let letter = unzip(&out, "cover-letter.html");
    assert!(
        letter.contains("This is Fernbank Homes&#39;s response"),
        "{letter}"
    );
    assert!(!letter.contains("REDACTED"), "{letter}");
    assert!(unzip(&out, "schedule.html").contains("Schedule of documents"));

    // The two redactions of the organisation's own name are planning errors.
    let notes: Vec<String> = b.notes.iter().map(ToString::to_string).collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes.iter().all(|n| n.contains("organisation's own name")));
    assert!(
        notes[0].contains("redaction r1 of record") && notes[1].contains("redaction r2 of record")
    );
    assert!(
        notes
            .iter()
            .all(|n| !n.contains("Fernbank") && !n.contains("Homes")),
        "{notes:?}"
    );
}

/// Leaves the redactions with the given id in place.
struct Skips(&'static str);

impl Renderer for Skips {
    fn layout(
        &self,
        record: &Record,
        redactions: &[Redaction],
        title: &str,
    ) -> Result<Layout, sarx_bundle::Error> {
        let kept: Vec<Redaction> = redactions
            .iter()
            .filter(|r| r.id != self.0)
            .cloned()
            .collect();
        FreshRenderer.layout(record, &kept, title)
    }
}

#[test]
fn a_real_third_partys_full_name_that_survives_still_fails_and_says_where() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("leak.zip");
    // The consistency copy of "Janet Smith" in record 2 is `c1`.
    let e = build(&spec(), &Skips("c1"), &out, &Options::default()).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(e, sarx_bundle::Error::VerificationFailed(_)),
        "{msg}"
    );
    assert!(!out.exists());
    assert!(!msg.contains("Janet") && !msg.contains("Smith"), "{msg}");
    let spec = spec();
    let origin = spec.disclosures[2].record.id.to_string();
    let other = spec.disclosures[1].record.id.to_string();
    assert!(
        msg.contains(&format!("redaction r1 of record {origin}"))
            && msg.contains(&format!("reject r1 of record {origin} in `sarx review`"))
            && msg.contains(&format!("redact its other occurrence in record {other}")),
        "{msg}"
    );
    assert!(msg.contains("documents/0002-visit-letter.pdf"), "{msg}");
}

#[test]
fn a_local_redaction_the_renderer_left_in_place_fails_in_its_own_document() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("local.zip");
    // r3 of record 1 is the single word "Document": not spread, checked in place.
    let e = build(&spec(), &Skips("r3"), &out, &Options::default()).unwrap_err();
    let msg = e.to_string();
    let id = spec().disclosures[0].record.id.to_string();
    assert!(
        msg.contains(&format!("redaction r3 of record {id}"))
            && msg.contains("not removed from its own document"),
        "{msg}"
    );
}
