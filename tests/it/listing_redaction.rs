//! People in a legacy fixed-width listing, in capitals (issue 18, item 6):
//! every other tenant's `SURNAME, FORENAME`, address, postcode and date of
//! birth is withheld, with the model and with the rules alone, and the
//! subject's own row stays readable.

use crate::common;

use std::sync::Arc;

use sarx_detect::{SubjectMatcher, SubjectProfile};
use sarx_model::{Kind, Record};
use sarx_redact::{merge_spans, CasePlanner, Engine};

const LISTING: &str = "\
TENANT LISTING 2019 - MILL LANE ESTATE
REF       NAME                    ADDRESS                        POSTCODE  DOB
TEN-0041  ADEYEMI, GRACE          14 MILL LANE, LEEDS            LS6 2AB   12/03/1961
TEN-0042  OKAFOR, MARGARET        54 KIRKSTALL ROAD, LEEDS       LS7 3JL   08/03/1951
TEN-0043  WHITTAKER, SUSAN J      3 BECK ROAD, LEEDS             LS7 1QP   22/07/1980
TEN-0044  OKONJO, PETER           16 MILL LANE, LEEDS            LS6 2AB   01/11/1974
";

const SUBJECT: &str = r#"
name = "Margaret Anne Okafor"
date_of_birth = "1951-03-08"
addresses = ["54 Kirkstall Road, Leeds, LS7 3JL"]
"#;

fn check(engine: &Engine, label: &str) {
    let profile = SubjectProfile::from_toml_str(SUBJECT).unwrap();
    let matcher = SubjectMatcher::new(&profile);
    let mut r = Record::new("housing/listings/mill-lane-2019.txt", "", Kind::Text);
    r.text = LISTING.to_owned();
    let plans = CasePlanner::new(engine, Some(&matcher)).plan_case(std::slice::from_ref(&r));
    let merged = merge_spans(&r.text, &plans[0].redactions);
    let covered = |needle: &str| {
        let s = r.text.find(needle).unwrap();
        let e = s + needle.len();
        merged.iter().any(|m| m.span.start <= s && e <= m.span.end)
    };
    let touched = |needle: &str| {
        let s = r.text.find(needle).unwrap();
        let e = s + needle.len();
        merged.iter().any(|m| m.span.start < e && s < m.span.end)
    };
    for other in [
        "ADEYEMI, GRACE",
        "WHITTAKER, SUSAN",
        "OKONJO, PETER",
        "14 MILL LANE",
        "3 BECK ROAD",
        "LS6 2AB",
        "LS7 1QP",
        "12/03/1961",
        "22/07/1980",
        "01/11/1974",
    ] {
        assert!(
            covered(other),
            "{label}: a third party's {other:?} is visible"
        );
    }
    for own in [
        "OKAFOR, MARGARET",
        "54 KIRKSTALL ROAD",
        "LS7 3JL",
        "08/03/1951",
    ] {
        assert!(
            !touched(own),
            "{label}: the subject's own {own:?} is redacted"
        );
    }
}

#[test]
fn capitals_listing_with_the_model() {
    if !common::needs_model("capitals_listing_with_the_model") {
        return;
    }
    let model: Arc<sarx_ner::Ner> = common::model();
    let engine = Engine::builder().model(model).build().unwrap();
    check(&engine, "model");
}

#[test]
fn capitals_listing_rules_only() {
    let engine = Engine::builder().build().unwrap();
    check(&engine, "rules only");
}
