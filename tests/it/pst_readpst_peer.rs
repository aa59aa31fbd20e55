//! Peer check for issue [5]: for every PST/OST in ../shared/corpus-real/mail/pst,
//! the number of items (messages, contacts, appointments, notes) and of
//! their attachments that sarx extracts equals what Debian's `readpst`
//! (package pst-utils, libpst) writes out for the same file.
//!
//! readpst is run as `readpst -S -D -b -q -j 0 -o DIR FILE` (`-j 0`: no
//! forked children, which can still be writing files after readpst exits and
//! made counts flaky): `-S` writes every item
//! to its own file named `N` and every attachment next to it as `N-<name>`,
//! `-D` includes deleted items (sarx extracts them too: a SAR covers them),
//! `-b` stops readpst saving a copy of the RTF body as an extra attachment.
//! Items = files named by a number alone; attachments = `N-...` files.
//!
//! sarx counts: items = records that are direct children of the store
//! record; attachments = the direct attachments of those items (records or
//! unsearchable entries at `<item>/attachment <name>`), whatever their
//! format — an image attachment is counted although its record is an
//! "needs manual review" entry.
//!
//! Setup: `scripts/setup.sh` installs pst-utils; the test installs nothing.
//! Without `readpst` or the corpus it fails under CI and prints "skipped"
//! elsewhere.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sarx_extract::{Collected, Extractor, Limits};

use crate::common;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    items: usize,
    /// File attachments of items (direct).
    attachments: usize,
    /// Embedded messages at any depth (readpst writes them inline into the
    /// item's file as `message/rfc822` parts, not as `N-name` files).
    embedded: usize,
}

fn readpst_counts(file: &Path) -> Counts {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new("readpst")
        .args(["-S", "-D", "-b", "-q", "-j", "0", "-o"])
        .arg(out.path())
        .arg(file)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "readpst failed on {}",
        file.display()
    );
    let mut c = Counts::default();
    let mut stack = vec![out.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
                continue;
            }
            let name = e.file_name().to_string_lossy().to_string();
            let digits = name.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                continue;
            }
            if digits == name.len() {
                c.items += 1;
                let body = std::fs::read(e.path()).unwrap();
                let needle = b"Content-Type: message/rfc822";
                c.embedded += body
                    .windows(needle.len())
                    .filter(|w| w.eq_ignore_ascii_case(needle))
                    .count();
            } else if name.as_bytes().get(digits) == Some(&b'-') {
                c.attachments += 1;
            }
        }
    }
    c
}

/// What sarx extracts, counted as readpst counts, and the parts readpst
/// does not export (subtracted before comparing, and printed):
/// - `IPM.DistList` items: readpst -S writes contacts but not distribution
///   lists (sarx makes each a Contact record: its members are personal data);
/// - attachments of calendar items: readpst -S writes the appointment
///   without its attachments (sarx extracts them, e.g. an invitation PDF).
fn sarx_counts(file: &Path) -> (Counts, Counts) {
    let ex = Extractor::new(Limits::default());
    let mut out = Collected::default();
    ex.extract_path("store", file, &mut out);
    let store = out
        .records
        .iter()
        .find(|r| r.locator.is_empty())
        .expect("store record");
    let items: Vec<(&str, Option<&sarx_model::Record>)> = out
        .records
        .iter()
        .filter(|r| r.parent.as_ref() == Some(&store.id))
        .map(|r| (r.locator.as_str(), Some(r)))
        .chain(
            // Items that could not be read still count as items.
            out.unsearchable
                .iter()
                .filter(|u| !u.locator.contains("/attachment ") && !u.locator.is_empty())
                .map(|u| (u.locator.as_str(), None)),
        )
        .collect();
    let class = |r: Option<&sarx_model::Record>| {
        r.and_then(|r| r.meta.get("message_class"))
            .map(|c| c.to_ascii_lowercase())
            .unwrap_or_default()
    };
    // Embedded messages are records of the store's own format (PST/OST);
    // file attachments went through the format sniffer.
    let is_embedded = |loc: &str| {
        out.records.iter().any(|r| {
            r.locator == loc
                && matches!(
                    r.meta.get("format").map(String::as_str),
                    Some("PST" | "OST")
                )
        })
    };
    let mut all = Counts::default();
    let mut not_exported = Counts::default();
    let entries: BTreeSet<&str> = out
        .records
        .iter()
        .map(|r| r.locator.as_str())
        .chain(out.unsearchable.iter().map(|u| u.locator.as_str()))
        .collect();
    for (item, rec) in &items {
        all.items += 1;
        let c = class(*rec);
        if c.starts_with("ipm.distlist") {
            not_exported.items += 1;
        }
        let prefix = format!("{item}/attachment ");
        for loc in entries.iter().filter(|l| {
            l.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.contains('/'))
        }) {
            let slot = if is_embedded(loc) {
                &mut all.embedded
            } else {
                &mut all.attachments
            };
            *slot += 1;
            if c.starts_with("ipm.appointment") {
                if is_embedded(loc) {
                    not_exported.embedded += 1;
                } else {
                    not_exported.attachments += 1;
                }
            }
        }
    }
    (all, not_exported)
}

#[test]
fn sarx_extracts_what_readpst_extracts() {
    let test = "sarx_extracts_what_readpst_extracts";
    let Some(dir) = common::shared(test, "corpus-real/mail/pst") else {
        return;
    };
    if !common::needs_tools(test, &["readpst"]) {
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut mismatches = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let peer = readpst_counts(f);
        let (all, not_exported) = sarx_counts(f);
        eprintln!("{name}: sarx {all:?} (of which readpst does not export {not_exported:?}) | readpst {peer:?}");
        let items = all.items - not_exported.items;
        // An attachment that outlook-pst returns without data is still an
        // entry for sarx (unsearchable, with its reason) but it cannot tell
        // whether it was a file or a message; readpst writes embedded
        // messages inline. So compare files + messages together.
        let ours =
            all.attachments + all.embedded - not_exported.attachments - not_exported.embedded;
        let theirs = peer.attachments + peer.embedded;
        if items != peer.items || ours != theirs {
            mismatches.push(format!("{name}: sarx items={items} attachments={ours}, readpst items={} attachments={theirs}", peer.items));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}
