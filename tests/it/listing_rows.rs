//! A legacy fixed-width listing in a text file is one record per line
//! (issue 19): a search finds the subject's row, not the whole listing, so
//! a bundle discloses her line and nobody else's.

use crate::common;

use common::{run, sarx};

const REPORT: &str = "\
NORTHGATE HA - TENANT LISTING  (page 1)
TENREF      NAME                 ADDRESS                      PCODE     DOB
TEN-0041    ADEYEMI, GRACE       14 MILL LANE, LEEDS          LS6 2AB   12/03/1961
TEN-0042    OKAFOR, MARGARET     54 KIRKSTALL ROAD, LEEDS     LS7 3JL   08/03/1951
TEN-0043    WHITTAKER, SUSAN J   3 BECK ROAD, LEEDS           LS7 1QP   22/07/1980
TEN-0044    OKONJO, PETER        16 MILL LANE, LEEDS          LS6 2AB   01/11/1974

End of report. 4 tenants.
";

#[test]
fn the_subjects_row_is_the_hit() {
    let t = tempfile::tempdir().unwrap();
    let corpus = t.path().join("share");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(corpus.join("tenants-2019.txt"), REPORT).unwrap();
    let idx = t.path().join("idx");
    let (code, out) = run(sarx()
        .args(["index", "-q", "--index"])
        .arg(&idx)
        .arg(&corpus));
    assert!(code <= 1, "index: {out}");
    let subject = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sample/subjects/okafor.toml");
    let o = sarx()
        .args(["search", "--json", "--index"])
        .arg(&idx)
        .arg("--subject")
        .arg(&subject)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits = v["hits"].as_array().unwrap();
    let locators: Vec<&str> = hits
        .iter()
        .map(|h| h["locator"].as_str().unwrap())
        .collect();
    assert_eq!(locators, ["line 4"], "{hits:#?}");
    assert_eq!(hits[0]["kind"], "sheet_row");
}
