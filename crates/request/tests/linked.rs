//! A record that gives only a case number found through a confident hit
//! that gives the number beside the subject's name and address.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sarx_detect::linked::CONFIDENCE_LINKED;
use sarx_detect::SubjectProfile;
use sarx_index::{IndexSet, IndexerBuilder};
use sarx_request::{search, SearchOptions};

const PROFILE: &str =
    "name = \"Kevin O'Neill\"\naddresses = [\"Flat 3, 27 Moor Drive, Leeds, LS6 2AB\"]";

fn index(files: &[(&str, &str)]) -> (tempfile::TempDir, IndexSet) {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    for (name, text) in files {
        let p = corpus.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let idx = tmp.path().join("idx");
    IndexerBuilder::new()
        .threads(1)
        .build()
        .run(&idx, "t", std::slice::from_ref(&corpus))
        .unwrap();
    let set = IndexSet::open(&idx).unwrap();
    (tmp, set)
}

fn hit<'a>(
    r: &'a sarx_detect::search::SearchReport,
    file: &str,
) -> Option<&'a sarx_detect::search::Hit> {
    r.hits.iter().find(|h| h.source.ends_with(file))
}

#[test]
fn a_case_number_beside_the_subject_links_the_evidence_log() {
    let (_tmp, set) = index(&[
        (
            "summary.txt",
            "ASB CASE SUMMARY\nCase number: ASB/2024/0117\n\
             Complainant: Mr Kevin O'Neill (Flat 3, 27 Moor Drive, Leeds, LS6 2AB)\n\
             Graffiti on his door.\n",
        ),
        (
            "evidence/photo-log.txt",
            "PHOTO LOG\nCase: ASB/2024/0117\nPhoto 1: the door.\n",
        ),
        (
            "evidence/other-log.txt",
            "PHOTO LOG\nCase: ASB/2024/0120\nPhoto 1: a car.\n",
        ),
    ]);
    let profile = SubjectProfile::from_toml_str(PROFILE).unwrap();
    let report = search(&set, &profile, &SearchOptions::default()).unwrap();
    assert!(hit(&report, "summary.txt").unwrap().confidence >= sarx_detect::HIGH);
    let log = hit(&report, "photo-log.txt").expect("the linked evidence log");
    assert_eq!(log.confidence, CONFIDENCE_LINKED);
    assert_eq!(log.evidence.len(), 1);
    assert_eq!(log.evidence[0].kind, "linked_reference");
    assert_eq!(log.evidence[0].text, "ASB/2024/0117");
    assert!(hit(&report, "other-log.txt").is_none());

    let off = SearchOptions {
        linked: false,
        ..SearchOptions::default()
    };
    let report = search(&set, &profile, &off).unwrap();
    assert!(hit(&report, "photo-log.txt").is_none());
}

#[test]
fn a_number_given_by_a_record_without_the_subjects_name_links_nothing() {
    // The summary names the subject's address only: an address-only hit
    // confirms no name, so its case number links nothing.
    let (_tmp, set) = index(&[
        (
            "summary.txt",
            "Case number: ASB/2024/0117\nFlat 3, 27 Moor Drive, Leeds, LS6 2AB: graffiti.\n",
        ),
        ("photo-log.txt", "Case: ASB/2024/0117\nPhoto 1: the door.\n"),
    ]);
    let profile = SubjectProfile::from_toml_str(PROFILE).unwrap();
    let report = search(&set, &profile, &SearchOptions::default()).unwrap();
    assert!(hit(&report, "summary.txt").is_some(), "an address-only hit");
    assert!(hit(&report, "photo-log.txt").is_none());
}
