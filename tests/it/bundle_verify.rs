//! A deliberately broken renderer (it leaves one redacted span in place)
//! must make verification fail: both inside `sarx_bundle::build` (which
//! refuses to report success and deletes the zip) and from the command
//! line, `sarx verify` exits 1 on a bundle written without that check and
//! names the redaction (id, record, document) that survives.

use crate::common;
use std::collections::BTreeMap;

use jiff::civil::date;
use sarx_bundle::{build, BundleSpec, Disclosure, FreshRenderer, Layout, Options, Renderer};
use sarx_case::{CaseDir, CaseState, OrgProfile, Redaction};
use sarx_model::{Kind, Record, Span};

/// Drops the first redaction of every record before laying it out.
struct LeavesOneSpan;

impl Renderer for LeavesOneSpan {
    fn layout(
        &self,
        record: &Record,
        redactions: &[Redaction],
        title: &str,
    ) -> Result<Layout, sarx_bundle::Error> {
        FreshRenderer.layout(record, redactions.get(1..).unwrap_or(&[]), title)
    }
}

fn red(text: &str, needle: &str) -> Redaction {
    let s = text.find(needle).unwrap();
    Redaction {
        id: format!("r{s}"),
        span: Span::new(s, s + needle.len()),
        category: sarx_model::plan::Category::ThirdPartyName,
        reason_code: "third-party".into(),
        legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
        confidence: 0.9,
        recogniser: "test".into(),
        party: String::new(),
    }
}

fn spec() -> BundleSpec {
    let mut r = Record::new("share/asb/log.txt", "", Kind::Text);
    r.text = "Mrs Okafor says her neighbour Janet Smith (07700 900123) played loud music. Zoë Ünal witnessed it.".into();
    r.title = "ASB log".into();
    let reds = vec![
        red(&r.text, "Janet Smith"),
        red(&r.text, "07700 900123"),
        red(&r.text, "Zoë Ünal"),
    ];
    let state = CaseState::new(
        "T-1",
        date(2025, 3, 31),
        "name = \"Margaret Okafor\"",
        OrgProfile::default(),
    );
    BundleSpec {
        reference: "T-1".into(),
        clock: state.clock_status(date(2025, 4, 1)).unwrap(),
        org: OrgProfile::default(),
        disclosures: vec![Disclosure {
            record: r,
            redactions: reds,
        }],
        categories_found: vec!["your name".into()],
        unsearchable: vec![],
        withheld: vec![],
        source_root: "share/".into(),
        staff: vec![],
        subject: Vec::new(),
    }
}

#[test]
fn the_fresh_renderer_passes() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("ok.zip");
    let b = build(&spec(), &FreshRenderer, &out, &Options::default()).unwrap();
    assert!(b.verification.is_clean());
    assert_eq!(b.verification.pdfs, 2);
    assert!(out.is_file());
}

#[test]
fn a_renderer_that_leaves_a_span_is_caught() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("leak.zip");
    let e = build(&spec(), &LeavesOneSpan, &out, &Options::default()).unwrap_err();
    assert!(
        matches!(e, sarx_bundle::Error::VerificationFailed(_)),
        "{e}"
    );
    assert!(
        !e.to_string().contains("Janet"),
        "the error must not print the leaked text"
    );
    assert!(!out.exists(), "a leaking bundle is deleted");

    // Written anyway (test-only switch): `sarx verify` must exit 1.
    let built = build(
        &spec(),
        &LeavesOneSpan,
        &out,
        &Options {
            skip_verification: true,
            ..Options::default()
        },
    )
    .unwrap();
    let case_dir = t.path().join("case");
    let state = CaseState::new(
        "T-1",
        date(2025, 3, 31),
        "name = \"Margaret Okafor\"",
        OrgProfile::default(),
    );
    let case = CaseDir::create(&case_dir, &state, &[], &BTreeMap::new(), &[], &[]).unwrap();
    case.write_json("redacted-hashes.json", &built.secrets)
        .unwrap();
    let o = common::sarx()
        .arg("verify")
        .arg(&out)
        .arg("--case")
        .arg(&case_dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("FAILED") && stdout.contains("documents/"),
        "{stdout}"
    );
    assert!(!stdout.contains("Janet"), "{stdout}");
    // It says which redaction survives where, and how to resolve it.
    let s = spec();
    let d = &s.disclosures[0];
    let janet = &d.redactions[0];
    assert!(
        stdout.contains(&format!(
            "redaction {} of record {} (documents/0001-asb-log.pdf) was not removed from its own document",
            janet.id, d.record.id
        )),
        "{stdout}"
    );
}
