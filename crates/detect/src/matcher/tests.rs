//! The subject matcher's tests: verdicts, evidence and the first pass.

use super::*;
use sarx_model::metakey;

#[test]
fn query_titles_are_the_old_lists() {
    let of = |g| titles_for(g).collect::<Vec<_>>();
    assert_eq!(of(Some(Gender::Female)), ["mrs", "ms", "miss", "mx", "dr"]);
    assert_eq!(of(Some(Gender::Male)), ["mr", "mx", "dr"]);
    assert_eq!(of(None), ["mr", "mrs", "ms", "miss", "mx", "dr"]);
}

fn profile() -> SubjectProfile {
    SubjectProfile::from_toml_str(
        r#"name = "Margaret Anne Okafor"
aliases = ["Maggie Okafor", "Margaret Bell"]
date_of_birth = "1979-06-14"
ni_number = "JM482761C"
nhs_number = "4857773457"
emails = ["m.okafor79@example.net"]
phones = ["07700 900461"]
addresses = ["Flat 3, 18 Roundhay Road, Leeds, LS8 4HS"]
references = ["TEN-0045127"]"#,
    )
    .unwrap()
}

fn rec(kind: Kind, text: &str) -> Record {
    let mut r = Record::new("x", "", kind);
    r.text = text.to_owned();
    r
}

fn verdict(text: &str) -> Verdict {
    SubjectMatcher::new(&profile()).verify(&rec(Kind::Text, text))
}

fn conf(text: &str) -> Option<f32> {
    match verdict(text) {
        Verdict::Hit { confidence, .. } => Some(confidence),
        _ => None,
    }
}

#[test]
fn confidence_table() {
    let cases: &[(&str, Option<f32>)] = &[
        ("NI number JM 48 27 61 C on file", Some(CONFIDENCE_STRONG)),
        ("call 07700900461", Some(CONFIDENCE_STRONG)),
        ("NHS no. 485 777 3457", Some(CONFIDENCE_STRONG)),
        ("From: M.Okafor79@example.NET", Some(CONFIDENCE_STRONG)),
        ("tenancy ten-0045127", Some(CONFIDENCE_STRONG)),
        ("paid 400.00 ref TEN0045127", Some(CONFIDENCE_STRONG)),
        ("TEN 0045127\t400.00", Some(CONFIDENCE_STRONG)),
        ("ten/0045127", Some(CONFIDENCE_STRONG)),
        ("BACS 0045127 rent", Some(CONFIDENCE_STRONG)),
        ("SMS from 447700900461", Some(CONFIDENCE_STRONG)),
        ("BACS 00451270 rent", None),
        ("Subject: Margaret Okafor - BD9", None),
        ("Margaret Okafor ls84hs", Some(CONFIDENCE_NAME_ADDRESS)),
        ("ni: jm482761c", Some(CONFIDENCE_STRONG)),
        ("<mailto:M.OKAFOR79@EXAMPLE.NET>", Some(CONFIDENCE_STRONG)),
        ("tel 0044 (0)7700 900461", Some(CONFIDENCE_STRONG)),
        (
            "Margaret Okafor, D.O.B. 14.06.1979",
            Some(CONFIDENCE_NAME_DOB),
        ),
        (
            "Margaret Okafor born 14th June 1979",
            Some(CONFIDENCE_NAME_DOB),
        ),
        (
            "Damp reported at Flat 3, 18 Roundhay Road.",
            Some(CONFIDENCE_ADDRESS),
        ),
        (
            "Repairs: 3/18 Roundhay Road - leak",
            Some(CONFIDENCE_ADDRESS),
        ),
        (
            "Bins at 18 Roundhay Road, LS8 4HS",
            Some(CONFIDENCE_ADDRESS_WEAK),
        ),
        ("Flat 5, 18 Roundhay Road", Some(CONFIDENCE_ADDRESS_WEAK)),
        (
            "Mr J Smith, Flat 3, 18 Roundhay Road",
            Some(CONFIDENCE_ADDRESS_WEAK),
        ),
        ("Leeds LS8 4HS", None),
        ("Margaret Okafor, 3 Oak Lane, Keighley BD9", None),
        ("Transfer list: Margaret Okafor - Keighley", None),
        ("Margaret Okafor moved from Bradford last year", None),
        ("Margaret Okafor met us in Leeds", Some(CONFIDENCE_NAME)),
        (
            "Margaret Okafor lives on Bradford Road",
            Some(CONFIDENCE_NAME),
        ),
        ("Callback - Margaret Okafor B11", None),
        (
            "Margaret Okafor asked about vitamin B12",
            Some(CONFIDENCE_NAME),
        ),
        ("Margaret Okafor (LS8) called", Some(CONFIDENCE_NAME)),
        (
            "Margaret Okafor called. The M62 was closed.",
            Some(CONFIDENCE_NAME),
        ),
        ("ref TEN-00451271", None),
        (
            "Margaret Okafor, born 14 June 1979",
            Some(CONFIDENCE_NAME_DOB),
        ),
        (
            "Maggie Okafor of 18 Roundhay Road",
            Some(CONFIDENCE_NAME_ADDRESS),
        ),
        ("Margaret Bell, LS8 4HS", Some(CONFIDENCE_NAME_ADDRESS)),
        // A former name at a former address: needs review, not a namesake.
        (
            "Tenant: Miss Margaret Bell, 4 Oak Lane, Keighley, BD9 4HS",
            Some(CONFIDENCE_NAME),
        ),
        (
            "Complaint from Margaret Okafor about noise",
            Some(CONFIDENCE_NAME),
        ),
        ("Dear M. A. Okafor", Some(CONFIDENCE_INITIALS)),
        ("Dear Mrs Okafor", Some(CONFIDENCE_TITLE)),
        ("Dear Mr Okafor", None),
        ("David Okafor called", None),
        ("born 14/06/1979 at LS8 4HS", None),
        ("nothing here", None),
    ];
    for (text, want) in cases {
        assert_eq!(conf(text), *want, "{text}");
    }
}

#[test]
fn another_persons_address_line_is_not_a_conflict() {
    let m = SubjectMatcher::new(&profile());
    let text = "WITNESS STATEMENT\nName: Sheila Grant   Address: Flat 9, 70 Beeston Road, Leeds, LS6 1FN\nI have known Margaret Okafor for about six years.";
    assert!(matches!(
        m.verify(&rec(Kind::Word, text)),
        Verdict::Hit { .. }
    ));
    // The same postcode on the subject's own line still conflicts.
    let text = "Tenant: Margaret Okafor, 70 Beeston Road, Leeds, LS6 1FN";
    assert!(matches!(
        m.verify(&rec(Kind::Word, text)),
        Verdict::Excluded { .. }
    ));
}

#[test]
fn conflicting_identifiers_exclude() {
    for text in [
        "Margaret Okafor (DOB 03/02/1985) reported a repair",
        "Margaret Okafor, NI number AB123456C",
        "Margaret Okafor, 22 Elm Street, Bradford BD1 2AB",
    ] {
        assert!(matches!(verdict(text), Verdict::Excluded { .. }), "{text}");
    }
    // The subject's own corroborating identifier wins over a nearby other date.
    assert!(matches!(
        verdict("Margaret Okafor DOB 14/06/1979; her son DOB 01/02/2005"),
        Verdict::Hit { .. }
    ));
    // A letter date is not a date of birth.
    assert!(matches!(
        verdict("Margaret Okafor, 03/02/2025"),
        Verdict::Hit { .. }
    ));
}

#[test]
fn sheet_rows_use_the_header() {
    let m = SubjectMatcher::new(&profile());
    let mut r = rec(Kind::SheetRow, "Okafor\tMargaret\t03/02/1985\t£400");
    r.meta.insert(
        metakey::HEADER.into(),
        "Surname\tForename\tDOB\tArrears".into(),
    );
    assert!(matches!(m.verify(&r), Verdict::Excluded { .. }));
    r.text = "Okafor\tMargaret\t14/06/1979\t£400".into();
    assert!(
        matches!(m.verify(&r), Verdict::Hit { confidence, .. } if confidence == CONFIDENCE_NAME_DOB)
    );
    let whole = rec(Kind::Spreadsheet, "Margaret Okafor");
    assert_eq!(m.verify(&whole), Verdict::NoMatch);
}

#[test]
fn evidence_offsets_point_at_the_text() {
    let t = "To: \"Okafor, Margaret\" <m.okafor79@example.net>\n\nDear Maggie, your NI JM482761C.";
    let Verdict::Hit { evidence, .. } = verdict(t) else {
        panic!()
    };
    let got: Vec<(&str, &str)> = evidence
        .iter()
        .map(|e| (e.kind.as_str(), e.span.slice(t).unwrap()))
        .collect();
    assert!(got.contains(&("name", "Okafor, Margaret")), "{got:?}");
    assert!(
        got.contains(&("email", "m.okafor79@example.net")),
        "{got:?}"
    );
    assert!(got.contains(&("ni_number", "JM482761C")), "{got:?}");
}

proptest::proptest! {
    /// The first pass of `verify` is a pure shortcut: on text built
    /// from the subject's identifiers written in every style, other
    /// people's identifiers, names and filler, the verdict is the same
    /// with and without it.
    #[test]
    fn first_pass_never_changes_a_verdict(
        parts in proptest::collection::vec(0usize..PIECES.len(), 0..12),
        seps in proptest::collection::vec(0usize..SEPS.len(), 0..12),
    ) {
        let m = SubjectMatcher::new(&profile());
        let mut text = String::new();
        for (i, p) in parts.iter().enumerate() {
            text.push_str(PIECES[*p]);
            text.push_str(SEPS[seps.get(i).copied().unwrap_or(0) % SEPS.len()]);
        }
        for kind in [Kind::Text, Kind::SheetRow, Kind::Email] {
            let r = rec(kind, &text);
            proptest::prop_assert_eq!(m.verify_with(&r, true), m.verify_with(&r, false), "{}", text);
        }
    }
}

const SEPS: &[&str] = &[" ", "\t", "\n", ", ", " (", ") ", "-", "; "];
const PIECES: &[&str] = &[
    "JM482761C",
    "jm 48 27 61 c",
    "JM-48-27-61-C",
    "JM 482761 C",
    "485 777 3457",
    "485-777-3457",
    "4857773457",
    "07700 900461",
    "07700900461",
    "+44 7700 900461",
    "+44 (0)7700 900 461",
    "(07700) 900461",
    "0044 7700 900461",
    "447700900461",
    "44 (0)7700 900461",
    "07700-900-461",
    "M.Okafor79@Example.NET",
    "mailto:m.okafor79@example.net",
    "ten-0045127",
    "TEN-0045127",
    "TEN-00451270",
    "Margaret",
    "Okafor",
    "Maggie",
    "Mrs",
    "Mr",
    "M.",
    "A.",
    "Bell",
    "OKAFOR,",
    "14/06/1979",
    "born",
    "DOB",
    "03/02/1985",
    "LS8 4HS",
    "LS6 1FN",
    "18 Roundhay Road",
    "AB123456C",
    "07700 900123",
    "jo@example.org",
    "Sheila Grant",
    "Name:",
    "Zoë",
    "O'Neill",
    "é",
    "the tenant",
    "Ókafor",
    "Mrs Okafor\u{2019}s",
];

#[test]
fn candidate_query_covers_forms() {
    let (phrases, keys) = SubjectMatcher::new(&profile()).candidate_query();
    for p in [
        "margaret okafor",
        "okafor margaret",
        "maggie okafor",
        "peggy okafor",
        "m okafor",
        "mrs okafor",
        "margaret bell",
        "margaret anne okafor",
        "m a okafor",
    ] {
        assert!(phrases.contains(&p.to_owned()), "{p}");
    }
    assert!(!phrases.contains(&"mr okafor".to_owned()));
    for k in [
        "email:m.okafor79@example.net",
        "phone:+447700900461",
        "nino:JM482761C",
        "nhs:4857773457",
        "ref:TEN-0045127",
    ] {
        assert!(keys.contains(&k.to_owned()), "{k}");
    }
}

#[test]
fn subject_spans_and_is_subjects() {
    let m = SubjectMatcher::new(&profile());
    let t = "Maggie Okafor 07700 900461 and Jo Smith 07700 900123";
    let spans = m.subject_spans(t);
    assert!(spans
        .iter()
        .any(|e| e.span.slice(t) == Some("07700 900461")));
    assert!(!spans
        .iter()
        .any(|e| e.span.slice(t) == Some("07700 900123")));
    let all = Recognisers::shared().find(t);
    let mine: Vec<bool> = all.iter().map(|e| m.is_subjects(e)).collect();
    assert_eq!(mine, vec![true, false]);
    assert!(m.is_subject_name("Mrs Maggie Okafor"));
    assert!(!m.is_subject_name("Jo Smith"));
}

/// The subject's street line is theirs where the text wraps it over two
/// lines or OCR doubles a space (found on a generated scan's body text).
#[test]
fn the_street_line_wrapped_or_spaced_is_the_subjects() {
    let m = SubjectMatcher::new(&profile());
    let t = "the damp at my home at Flat 3, 18\nRoundhay  Road. Also 18 Roundhay Lane.";
    let spans = m.subject_spans(t);
    let streets: Vec<(&str, &str)> = spans
        .iter()
        .filter(|e| e.kind == EntityKind::Address)
        .map(|e| (e.span.slice(t).unwrap_or(""), e.normalised.as_str()))
        .collect();
    assert_eq!(streets, [("18\nRoundhay  Road", "18 roundhay road")]);
}
