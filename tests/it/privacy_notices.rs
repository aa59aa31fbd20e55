//! Five real UK housing privacy notices (../shared/privacy-notices; nobody
//! here wrote them), each with a subject line naming the requester
//! prepended, through `sarx index` and `sarx case open` with no
//! organisation profile or staff directory (nothing tells sarx which
//! capitalised phrases are the organisation's own): at most three
//! third-party name redactions in all five, the case-consistency pass
//! included. The notices name one real person (a data protection officer)
//! and are otherwise full of Title Case headings, services and
//! organisation names (`Shared Ownership`, `Live Chat`, `Survey Monkey`,
//! `Connect Housing`) that the rules alone took for people.

use crate::common;

use common::{needs_model, run, sarx, shared};
use sarx_case::RecordPlan;
use sarx_model::RecordId;
use std::collections::BTreeMap;

#[test]
fn privacy_notices_plan_at_most_three_name_redactions() {
    let Some(dir) = shared("privacy_notices", "privacy-notices") else {
        return;
    };
    if !needs_model("privacy_notices") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let corpus = t.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            let text = std::fs::read_to_string(&p).unwrap();
            let with_subject = format!(
                "Subject: Subject access request from Margaret Okafor - our privacy notice\n\n{text}"
            );
            std::fs::write(corpus.join(p.file_name().unwrap()), with_subject).unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 5);
    let idx = t.path().join("idx");
    let (code, out) = run(sarx()
        .args(["index", "-q", "--index"])
        .arg(&idx)
        .arg(&corpus));
    assert_eq!(code, 0, "{out}");
    let subject = t.path().join("subject.toml");
    std::fs::write(&subject, "name = \"Margaret Okafor\"\n").unwrap();
    let case = t.path().join("case");
    let (code, out) = run(sarx()
        .args(["case", "open"])
        .arg(&case)
        .arg("--index")
        .arg(&idx)
        .arg("--subject")
        .arg(&subject)
        .args(["--received", "2026-11-02"]));
    assert_eq!(code, 0, "{out}");
    let plans: BTreeMap<RecordId, RecordPlan> =
        serde_json::from_slice(&std::fs::read(case.join("plans.json")).unwrap()).unwrap();
    assert_eq!(
        plans.len(),
        5,
        "every notice is a hit (the subject line names her)"
    );
    let names: usize = plans
        .values()
        .flat_map(|p| &p.redactions)
        .filter(|r| r.category == sarx_model::plan::Category::ThirdPartyName)
        .count();
    let spread = plans
        .values()
        .flat_map(|p| &p.redactions)
        .filter(|r| {
            r.category == sarx_model::plan::Category::ThirdPartyName
                && r.recogniser == "case_consistency"
        })
        .count();
    eprintln!("privacy notices: {names} third-party name redactions ({spread} by consistency)");
    assert!(names <= 3, "{names} third-party name redactions planned");
}
