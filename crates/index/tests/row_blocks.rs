//! Sheet rows are stored in blocks (several rows per tantivy document); the
//! reader must give back exactly what one document per row would: the same
//! records, counts, lookups by id, children in order and search candidates.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic

use std::collections::BTreeSet;
use std::path::Path;

use proptest::prelude::*;
use sarx_index::{IndexSet, IndexerBuilder};
use sarx_model::{Kind, Record};

fn index(share: &Path, blocks: bool) -> (tempfile::TempDir, IndexSet) {
    let idx = tempfile::tempdir().unwrap();
    IndexerBuilder::new()
        .threads(1)
        .row_blocks(blocks)
        .build()
        .run(idx.path(), "s", &[share.to_path_buf()])
        .unwrap();
    let set = IndexSet::open(idx.path()).unwrap();
    (idx, set)
}

fn all_records(set: &IndexSet) -> Vec<Record> {
    let mut out = Vec::new();
    set.for_each_record(|r| -> Result<(), ()> {
        out.push(r);
        Ok(())
    })
    .unwrap()
    .unwrap();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn candidate_ids(set: &IndexSet, phrases: &[String], keys: &[String]) -> BTreeSet<String> {
    set.candidates(phrases, keys, 1_000_000)
        .unwrap()
        .into_iter()
        .map(|r| r.id.0)
        .collect()
}

/// 700 CSV rows (several blocks), a phrase split across two rows, an
/// identifier in one row, and a second file.
#[test]
fn blocks_read_back_like_one_document_per_row() {
    let share = tempfile::tempdir().unwrap();
    let mut csv = String::from("name,ref,phone,note\n");
    for i in 0..700 {
        let note = match i {
            10 => "moved in with Ann".to_owned(),
            11 => "Lee said hello".to_owned(),
            400 => "complaint from Ann Lee".to_owned(),
            _ => format!("rent paid week {i}"),
        };
        let phone = if i == 555 { "07700 900461" } else { "" };
        csv.push_str(&format!("Tenant {i},TEN-{:07},{phone},{note}\n", 45000 + i));
    }
    std::fs::write(share.path().join("rent.csv"), &csv).unwrap();
    std::fs::write(
        share.path().join("other.csv"),
        "name,ref\nAnn Lee,TEN-0099999\nBob Ray,TEN-0099998\n",
    )
    .unwrap();
    let (_a, blocked) = index(share.path(), true);
    let (_b, plain) = index(share.path(), false);

    let records = all_records(&blocked);
    assert_eq!(records, all_records(&plain));
    assert_eq!(records.len(), 2 + 700 + 2);
    assert_eq!(blocked.stats().unwrap().records, 704);
    assert_eq!(
        blocked.stats().unwrap().records_by_kind,
        plain.stats().unwrap().records_by_kind
    );
    assert_eq!(blocked.count_kind(Kind::SheetRow).unwrap(), 702);
    let mut ids = blocked.record_ids().unwrap();
    ids.sort();
    assert_eq!(
        ids,
        records.iter().map(|r| r.id.clone()).collect::<Vec<_>>()
    );

    for r in &records {
        assert_eq!(blocked.get(&r.id).unwrap().as_ref(), Some(r));
    }
    for parent in records.iter().filter(|r| r.kind == Kind::Csv) {
        let kids = blocked.children(&parent.id).unwrap();
        assert_eq!(kids, plain.children(&parent.id).unwrap());
        let rows: Vec<u32> = kids
            .iter()
            .map(|k| k.meta["row"].parse().unwrap())
            .collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "rows in order");
    }

    for (phrases, keys, want) in [
        (vec!["ann lee".to_owned()], vec![], 2),
        (vec!["lee".to_owned()], vec![], 3),
        (vec!["tenant 123".to_owned()], vec![], 1),
        (vec!["rent paid".to_owned()], vec![], 697),
        (vec![], vec!["phone:+447700900461".to_owned()], 1),
        (vec![], vec!["ref:TEN-0045123".to_owned()], 1),
        (
            vec!["nobody".to_owned()],
            vec!["ref:TEN-0000000".to_owned()],
            0,
        ),
    ] {
        let got = candidate_ids(&blocked, &phrases, &keys);
        assert_eq!(
            got,
            candidate_ids(&plain, &phrases, &keys),
            "{phrases:?} {keys:?}"
        );
        assert_eq!(got.len(), want, "{phrases:?} {keys:?}");
    }
}

/// Pieces of rows: identifiers in several written forms, their parts,
/// digits and separators, so that rows end and begin with half a number.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("JM482761C".to_owned()),
        Just("jm 48 27 61 c".to_owned()),
        Just("07700 900461".to_owned()),
        Just("+44 (0)7700 900461".to_owned()),
        Just("485 777 3457".to_owned()),
        Just("m.okafor79@example.net".to_owned()),
        Just("TEN-0045127".to_owned()),
        Just("asb/2024/0012".to_owned()),
        Just("07700".to_owned()),
        Just("900461".to_owned()),
        Just("JM4827".to_owned()),
        Just("61C".to_owned()),
        Just("m.okafor79".to_owned()),
        Just("@example.net".to_owned()),
        "[0-9]{1,10}",
        "[A-Za-z]{1,4}[0-9]{1,4}",
        "[ \t/.,()+@-]{1,3}",
        "[a-zé]{1,6}",
    ]
}

proptest! {
    /// A block's identifier keys come from its rows joined by line breaks:
    /// exactly the union of each row's keys.
    #[test]
    fn joined_rows_have_the_union_of_row_keys(
        rows in prop::collection::vec(prop::collection::vec(piece(), 0..6), 1..8),
    ) {
        let rows: Vec<String> = rows.iter().map(|r| r.concat()).collect();
        let mut union: Vec<String> = rows.iter().flat_map(|r| sarx_detect::index_keys(r)).collect();
        union.sort();
        union.dedup();
        let joined: String = rows.iter().map(|r| format!("{r}\n")).collect();
        prop_assert_eq!(sarx_detect::index_keys(&joined), union, "{:?}", rows);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Random rows of a few words: every phrase finds the same rows with and
    /// without blocks.
    #[test]
    fn same_candidates_with_and_without_blocks(
        rows in prop::collection::vec(
            prop::collection::vec(prop::sample::select(vec![
                "ann", "lee", "o'neill", "smith-jones", "zoë", "rent", "07700", "900461",
            ]), 1..6),
            1..300,
        ),
        phrase in prop::collection::vec(prop::sample::select(vec![
            "ann", "lee", "oneill", "o neill", "smith", "jones", "smithjones", "zoe", "rent",
        ]), 1..3),
    ) {
        let share = tempfile::tempdir().unwrap();
        let mut csv = String::from("note\n");
        for r in &rows {
            csv.push_str(&r.join(" "));
            csv.push('\n');
        }
        std::fs::write(share.path().join("rows.csv"), &csv).unwrap();
        let (_a, blocked) = index(share.path(), true);
        let (_b, plain) = index(share.path(), false);
        let phrases = vec![phrase.join(" ")];
        prop_assert_eq!(
            candidate_ids(&blocked, &phrases, &[]),
            candidate_ids(&plain, &phrases, &[])
        );
        prop_assert_eq!(all_records(&blocked), all_records(&plain));
    }
}
