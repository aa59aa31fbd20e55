//! Plain-text reports of a request's stages, as the `sarx` commands print
//! them: the summary of an index run, the status of an index, the table
//! of a search, the status of a case. They write to any `Write`, so tests read what users read. None
//! prints a record's text; sources, locators and counts only.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use jiff::civil::Date;
use sarx_case::{CaseState, Hit, RecordPlan};
use sarx_detect::search::{Hit as SearchHit, SearchReport};
use sarx_detect::HIGH;
use sarx_index::Summary;
use sarx_model::{RecordId, Unsearchable};

use crate::Error;

/// Bytes as MiB.
pub fn mib(b: u64) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

/// `kind n, kind n, …`, or `none`.
pub fn join_counts(m: &BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many unsearchable entries the text summary lists.
pub const LIST_MAX: usize = 50;

/// The text status of an index: its totals, each shard with its roots
/// and counts, whether the person-name model is installed, and every
/// unsearchable entry (source, locator, reason, detail).
pub fn index_status(
    out: &mut impl Write,
    index: &Path,
    stats: &sarx_index::Stats,
    unsearchable: &[Unsearchable],
    model: &sarx_ner::Installation,
) -> std::io::Result<()> {
    writeln!(
        out,
        "index {}: {} shards, {} files ({:.1} MiB), {} records, {} unsearchable, index {:.1} MiB",
        index.display(),
        stats.shards.len(),
        stats.files,
        mib(stats.input_bytes),
        stats.records,
        stats.unsearchable,
        mib(stats.index_bytes)
    )?;
    for s in &stats.shards {
        let st = &s.stats;
        writeln!(
            out,
            "shard {}{}: roots {}; {} files, {} records ({}); {} unsearchable ({})",
            s.name,
            if s.complete {
                ""
            } else {
                " (last run interrupted)"
            },
            s.roots.join(", "),
            st.files,
            st.records,
            join_counts(&st.records_by_kind),
            st.unsearchable,
            join_counts(&st.unsearchable_by_reason)
        )?;
    }
    if model.is_complete() {
        writeln!(
            out,
            "person-name model: installed in {}",
            model.dir.display()
        )?;
    } else {
        writeln!(
            out,
            "person-name model: NOT installed in {} (missing {}): run `{}` or set SARX_MODEL_DIR",
            model.dir.display(),
            model.missing.join(", "),
            sarx_ner::SETUP_COMMAND
        )?;
    }
    if !unsearchable.is_empty() {
        writeln!(out, "unsearchable (source, locator, reason, detail):")?;
        for u in unsearchable {
            writeln!(
                out,
                "  {}\t{}\t{}\t{}",
                u.source,
                u.locator,
                u.reason.code(),
                u.detail
            )?;
        }
    }
    Ok(())
}

/// The text summary of an index run: files, time, OCR, records, the
/// shard's totals and (the first [`LIST_MAX`]) unsearchable entries.
pub fn index_summary(out: &mut impl Write, s: &Summary, index: &Path) -> std::io::Result<()> {
    let t = &s.timing;
    let rate = if s.elapsed_secs > 0.0 {
        mib(s.bytes_read) / s.elapsed_secs
    } else {
        0.0
    };
    writeln!(
        out,
        "shard {} ({}) from {}",
        s.shard,
        s.shard_dir,
        s.roots.join(", ")
    )?;
    writeln!(
        out,
        "files: {} seen, {} extracted, {} unchanged, {} touched but same content, {} deleted; {} symlinks and {} special files skipped; {} unlistable folders",
        s.files_seen, s.files_extracted, s.files_unchanged, s.files_same_content, s.files_deleted,
        s.symlinks_skipped, s.special_skipped, s.walk_errors
    )?;
    writeln!(
        out,
        "read {:.1} MiB in {:.1} s ({rate:.1} MiB/s); busy: read {:.1} s, extract {:.1} s, write {:.1} s, commit {:.1} s ({} commits), merge {:.1} s",
        mib(s.bytes_read), s.elapsed_secs, t.read_secs, t.extract_secs, t.write_secs, t.commit_secs, t.commits, t.merge_secs
    )?;
    let ocr_rate = if t.ocr_secs > 0.0 {
        format!(
            ", {:.2} pages/s per worker",
            s.ocr_pages as f64 / t.ocr_secs
        )
    } else {
        String::new()
    };
    writeln!(
        out,
        "OCR ({}): {} pages in {:.1} s{ocr_rate}",
        s.ocr, s.ocr_pages, t.ocr_secs
    )?;
    writeln!(
        out,
        "records added: {} ({})",
        s.records_added,
        join_counts(&s.records_added_by_kind)
    )?;
    let tot = &s.totals.stats;
    writeln!(
        out,
        "shard holds {} files ({:.1} MiB), {} records ({}), index {:.1} MiB",
        tot.files,
        mib(tot.input_bytes),
        tot.records,
        join_counts(&tot.records_by_kind),
        mib(tot.index_bytes)
    )?;
    writeln!(
        out,
        "unsearchable: {} ({})",
        tot.unsearchable,
        join_counts(&tot.unsearchable_by_reason)
    )?;
    for u in s.unsearchable.iter().take(LIST_MAX) {
        let loc = if u.locator.is_empty() {
            String::new()
        } else {
            format!(" [{}]", u.locator)
        };
        writeln!(
            out,
            "  {}{loc}: {}: {}",
            u.source,
            u.reason.code(),
            u.detail
        )?;
    }
    if s.unsearchable.len() > LIST_MAX {
        writeln!(
            out,
            "  ... and {} more: sarx status --index {}",
            s.unsearchable.len() - LIST_MAX,
            index.display()
        )?;
    }
    Ok(())
}

/// The text table of a search: counts, the hits with their confidence,
/// level and evidence kinds (and where else each was held, and related
/// records), what was excluded as a probable namesake, and what could not
/// be searched.
pub fn search_table(out: &mut impl Write, r: &SearchReport, secs: f64) -> std::io::Result<()> {
    let high = r.hits.iter().filter(|h| h.confidence >= HIGH).count();
    writeln!(
        out,
        "{} hit(s): {} high, {} need review; {} excluded as probable different people; {} unsearchable ({:.2} s)",
        r.hits.len(),
        high,
        r.hits.len() - high,
        r.excluded.len(),
        r.unsearchable.len(),
        secs
    )?;
    if !r.hits.is_empty() {
        writeln!(out, "\nHITS")?;
        // Columns as wide as their longest entry, so paths never push the
        // next column out of line.
        let widest = |field: fn(&SearchHit) -> &str, heading: &str| {
            r.hits
                .iter()
                .map(|h| field(h).chars().count())
                .chain([heading.len()])
                .max()
                .unwrap_or(0)
        };
        let sw = widest(|h| &h.source, "SOURCE");
        let lw = widest(|h| &h.locator, "LOCATOR");
        writeln!(
            out,
            "{:<6} {:<8} {:<sw$} {:<lw$} EVIDENCE",
            "CONF", "LEVEL", "SOURCE", "LOCATOR"
        )?;
        for h in &r.hits {
            let mut kinds: Vec<&str> = h.evidence.iter().map(|e| e.kind).collect();
            kinds.sort_unstable();
            kinds.dedup();
            let level = if h.confidence >= HIGH {
                "high"
            } else {
                "review"
            };
            writeln!(
                out,
                "{:<6.2} {:<8} {:<sw$} {:<lw$} {}",
                h.confidence,
                level,
                h.source,
                h.locator,
                kinds.join(", ")
            )?;
            if h.locations.len() > 1 {
                writeln!(
                    out,
                    "{:<16}also at: {}",
                    "",
                    h.locations
                        .iter()
                        .skip(1)
                        .map(|l| if l.locator.is_empty() {
                            l.source.clone()
                        } else {
                            format!("{} :: {}", l.source, l.locator)
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                )?;
            }
            for rel in &h.related {
                writeln!(
                    out,
                    "{:<16}related: {} ({})",
                    "",
                    rel.locator,
                    if rel.hit {
                        "also a hit"
                    } else {
                        "not about the subject"
                    }
                )?;
            }
        }
    }
    if !r.excluded.is_empty() {
        writeln!(
            out,
            "\nEXCLUDED (probable different person with the same name)"
        )?;
        for e in &r.excluded {
            writeln!(out, "  {} {}  {}", e.source, e.locator, e.reason)?;
        }
    }
    if !r.unsearchable.is_empty() {
        writeln!(
            out,
            "\nUNSEARCHABLE (could not be searched: list these in the response)"
        )?;
        for u in &r.unsearchable {
            let loc = if u.locator.is_empty() {
                String::new()
            } else {
                format!(" {}", u.locator)
            };
            writeln!(out, "  {}{}  {}: {}", u.source, loc, u.reason, u.detail)?;
        }
    }
    Ok(())
}

/// The text status of a case as of `as_of`: reference, controller,
/// received, deadline (extended or not, and by when to tell the requester),
/// a stopped clock, days left, hits by confidence, review progress,
/// redactions in force, unsearchable files and the sign-off.
pub fn case_status(
    out: &mut impl Write,
    s: &CaseState,
    hits: &[Hit],
    plans: &BTreeMap<RecordId, RecordPlan>,
    unsearchable: &[Unsearchable],
    as_of: Date,
) -> Result<(), Error> {
    let c = s.clock_status(as_of).map_err(Error::Case)?;
    writeln!(out, "Case:         SAR-{}", s.reference)?;
    writeln!(out, "Controller:   {}", s.org.controller.name)?;
    writeln!(out, "Received:     {}", c.received)?;
    match c.extended_deadline {
        Some(d) => writeln!(
            out,
            "Deadline:     {d} (extended: {}; one-month deadline was {})",
            c.extension_reason.as_deref().unwrap_or(""),
            c.one_month_deadline
        )?,
        None => writeln!(
            out,
            "Deadline:     {} (if extending, tell the requester by {})",
            c.deadline, c.tell_extension_by
        )?,
    }
    if c.extension_notice_late {
        writeln!(
            out,
            "WARNING:      the extension was decided after the first month"
        )?;
    }
    if let Some((since, why)) = c.paused_since {
        writeln!(
            out,
            "Clock:        STOPPED since {since} (waiting for {})",
            why.as_str()
        )?;
    }
    if c.paused_days > 0 {
        writeln!(out, "Paused:       {} days in total", c.paused_days)?;
    }
    if c.days_left >= 0 {
        writeln!(out, "Days left:    {} (as of {})", c.days_left, c.as_of)?;
    } else {
        writeln!(
            out,
            "Days left:    OVERDUE by {} days (as of {})",
            -c.days_left, c.as_of
        )?;
    }
    if c.outside_holiday_table {
        writeln!(
        out,
        "WARNING:      dates outside the 2020-2030 bank-holiday table: weekends only were considered")?;
    }
    let p = s.progress(hits, plans);
    writeln!(
        out,
        "Hits:         {} ({} high, {} medium, {} low)",
        hits.len(),
        p.high,
        p.medium,
        p.low
    )?;
    writeln!(
        out,
        "Review:       {} to disclose, {} awaiting confirmation, {} withheld; {} records with decisions; {} decisions",
        p.disclose, p.awaiting, p.withheld, p.records_decided, p.decisions
    )?;
    writeln!(
        out,
        "Redactions:   {} in force; {} records flagged for exemptions or identifiability",
        p.redactions, p.flagged
    )?;
    writeln!(out, "Unsearchable: {}", unsearchable.len())?;
    match &s.sign_off {
        Some(so) => writeln!(
            out,
            "Signed off:   by {} at {} (version {})",
            so.by, so.at, so.version
        )?,
        None => writeln!(out, "Signed off:   no")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_status_reads_as_users_read_it() {
        let org: sarx_case::OrgProfile =
            toml::from_str("[controller]\nname = \"Example Homes\"\n").unwrap();
        let state = CaseState::new(
            "2025-0042",
            jiff::civil::date(2025, 3, 31),
            "name = \"Margaret Okafor\"\n",
            org,
        );
        let mut out = Vec::new();
        case_status(
            &mut out,
            &state,
            &[],
            &BTreeMap::new(),
            &[],
            jiff::civil::date(2025, 4, 10),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("Case:         SAR-2025-0042\n"), "{text}");
        assert!(text.contains("Controller:   Example Homes\n"), "{text}");
        assert!(text.contains("Deadline:     2025-04-30"), "{text}");
        assert!(
            text.contains("Days left:    20 (as of 2025-04-10)"),
            "{text}"
        );
        assert!(
            text.contains("Hits:         0 (0 high, 0 medium, 0 low)"),
            "{text}"
        );
        assert!(text.ends_with("Signed off:   no\n"), "{text}");
        assert!(!text.contains("Okafor"), "no personal data in the status");
    }

    #[test]
    fn counts_and_an_empty_search() {
        let mut m = BTreeMap::new();
        assert_eq!(join_counts(&m), "none");
        m.insert("pdf".to_owned(), 2);
        m.insert("email".to_owned(), 1);
        assert_eq!(join_counts(&m), "email 1, pdf 2");
        let mut out = Vec::new();
        search_table(&mut out, &SearchReport::default(), 0.5).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "0 hit(s): 0 high, 0 need review; 0 excluded as probable different people; 0 unsearchable (0.50 s)\n"
        );
    }
}
