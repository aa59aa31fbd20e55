//! What the bundle discloses: the disclosure policy (which hits go in,
//! which are withheld, which await review), the categories of the
//! subject's data named in the cover letter, and the strings the bundle
//! must never spread (the subject's own, staff contacts).

use std::collections::{BTreeMap, BTreeSet};

use sarx_bundle::{BundleSpec, Disclosure};
use sarx_case::{CaseState, ClockStatus, Disposition, Hit, RecordPlan};
use sarx_model::{Record, RecordId, Unsearchable};
use sarx_redact::StaffDirectory;

/// What goes into a bundle and what stays out.
#[derive(Debug)]
pub struct Selection {
    /// Records to disclose with their redactions in force.
    pub disclosures: Vec<Disclosure>,
    /// Records withheld whole: (reason code, legal basis).
    pub withheld: Vec<(String, String)>,
    /// Hits awaiting a caseworker's confirmation, left out.
    pub awaiting: usize,
}

/// How the hits of a case are disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From a reviewed case folder: a hit nobody confirmed stays out.
    Reviewed,
    /// One shot, without review: unconfirmed hits (a name alone, a linked
    /// case number) go in only when `include_unconfirmed`.
    OneShot {
        /// Disclose unconfirmed hits too.
        include_unconfirmed: bool,
    },
}

/// Applies the disclosure policy to a case's hits.
pub fn select(
    state: &CaseState,
    hits: &[Hit],
    plans: &BTreeMap<RecordId, RecordPlan>,
    records: &[Record],
    mode: Mode,
) -> Selection {
    let by_id: BTreeMap<&RecordId, &Record> = records.iter().map(|r| (&r.id, r)).collect();
    let mut sel = Selection {
        disclosures: Vec::new(),
        withheld: Vec::new(),
        awaiting: 0,
    };
    for h in hits {
        let Some(r) = by_id.get(&h.record) else {
            continue;
        };
        let include = match state.disposition(h) {
            Disposition::Disclose => true,
            Disposition::NeedsReview => {
                let include = matches!(
                    mode,
                    Mode::OneShot {
                        include_unconfirmed: true
                    }
                );
                if !include {
                    sel.awaiting += 1;
                }
                include
            }
            Disposition::NotAboutSubject => false,
            Disposition::Exempt { code, legal_basis } => {
                sel.withheld.push((code, legal_basis));
                false
            }
        };
        if include {
            sel.disclosures.push(Disclosure {
                record: (*r).clone(),
                redactions: state.effective_redactions(&h.record, plans.get(&h.record)),
            });
        }
    }
    sel
}

/// Categories of the subject's own data found, from the evidence kinds
/// (for the cover letter).
pub fn categories(hits: &[Hit]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for h in hits {
        for e in &h.evidence {
            let c = match e.kind.as_str() {
                "name" | "alias" => "your name",
                "email" => "your e-mail address",
                "phone" => "your telephone number",
                "postcode" | "address" => "your address",
                "date_of_birth" => "your date of birth",
                "ni_number" => "your National Insurance number",
                "nhs_number" => "your NHS number",
                "reference" | "linked_reference" => "your tenancy, account or case references",
                _ => continue,
            };
            out.insert(c.to_owned());
        }
    }
    out.into_iter().collect()
}

/// Names and work contacts in the staff directory: the bundle never
/// spreads them.
pub fn staff_contacts(dir: &StaffDirectory) -> Vec<String> {
    dir.members()
        .iter()
        .flat_map(|m| [m.name.clone(), m.email.clone(), m.phone.clone()])
        .filter(|s| !s.trim().is_empty())
        .collect()
}

/// The subject's own names and identifiers, as the profile gives them (the
/// bundle never spreads a redaction of one of them).
pub fn subject_strings(subject_toml: &str) -> Vec<String> {
    let Ok(p) = sarx_detect::SubjectProfile::from_toml_str(subject_toml) else {
        return Vec::new();
    };
    let mut out = vec![p.name.clone()];
    // Forename and surname without middle names ("Margaret Okafor").
    let words: Vec<&str> = p.name.split_whitespace().collect();
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        if words.len() > 2 {
            out.push(format!("{first} {last}"));
        }
    }
    out.extend(p.aliases.iter().cloned());
    out.extend(p.ni_number.iter().cloned());
    out.extend(p.nhs_number.iter().cloned());
    out.extend(p.date_of_birth.iter().cloned());
    out.extend(p.emails.iter().cloned());
    out.extend(p.phones.iter().cloned());
    out.extend(p.addresses.iter().cloned());
    out.extend(p.references.iter().cloned());
    out.retain(|s| !s.trim().is_empty());
    out
}

/// The longest folder prefix shared by every record's source and by every
/// other place a de-duplicated record was held (`sarx_bundle::LOCATIONS_META`).
pub fn common_root(records: &[Record]) -> String {
    let copies: Vec<String> = records
        .iter()
        .filter_map(|r| r.meta.get(sarx_bundle::LOCATIONS_META))
        .filter_map(|j| serde_json::from_str::<Vec<serde_json::Value>>(j).ok())
        .flatten()
        .filter_map(|l| l.get("source").and_then(|s| s.as_str()).map(str::to_owned))
        .collect();
    let mut it = records
        .iter()
        .map(|r| r.source.as_str())
        .chain(copies.iter().map(String::as_str));
    let Some(first) = it.next() else {
        return String::new();
    };
    let mut prefix = first
        .rsplit_once('/')
        .map(|(d, _)| format!("{d}/"))
        .unwrap_or_default();
    for s in it {
        while !prefix.is_empty() && !s.starts_with(&prefix) {
            prefix = prefix
                .trim_end_matches('/')
                .rsplit_once('/')
                .map(|(d, _)| format!("{d}/"))
                .unwrap_or_default();
        }
    }
    prefix
}

/// What a bundle is built from.
pub struct BundleInputs<'a> {
    /// The case state.
    pub state: &'a CaseState,
    /// The hits, in bundle order.
    pub hits: &'a [Hit],
    /// Their plans.
    pub plans: &'a BTreeMap<RecordId, RecordPlan>,
    /// Their record snapshots.
    pub records: &'a [Record],
    /// What could not be searched.
    pub unsearchable: Vec<Unsearchable>,
    /// The clock as of the bundle's date.
    pub clock: ClockStatus,
    /// Staff contacts the bundle must not spread ([`staff_contacts`]).
    pub staff: Vec<String>,
    /// Reviewed or one-shot.
    pub mode: Mode,
}

/// The bundle's specification and how many hits await review (left out).
pub fn bundle_spec(inputs: BundleInputs<'_>) -> (BundleSpec, usize) {
    let state = inputs.state;
    let sel = select(
        state,
        inputs.hits,
        inputs.plans,
        inputs.records,
        inputs.mode,
    );
    let spec = BundleSpec {
        reference: state.reference.clone(),
        clock: inputs.clock,
        org: state.org.clone(),
        source_root: common_root(inputs.records),
        categories_found: categories(inputs.hits),
        disclosures: sel.disclosures,
        unsearchable: inputs.unsearchable,
        withheld: sel.withheld,
        staff: inputs.staff,
        subject: subject_strings(&state.subject_toml),
    };
    (spec, sel.awaiting)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_root_covers_every_copy_of_a_record() {
        let a = Record::new(
            "/srv/exports/a/x.mbox",
            "message 1",
            sarx_model::Kind::Email,
        );
        let mut b = Record::new(
            "/srv/exports/a/x.mbox",
            "message 3",
            sarx_model::Kind::Email,
        );
        assert_eq!(common_root(&[a.clone(), b.clone()]), "/srv/exports/a/");
        b.meta.insert(
            sarx_bundle::LOCATIONS_META.into(),
            r#"[{"source":"/srv/exports/a/x.mbox","locator":"message 3"},{"source":"/srv/exports/b/in/fw.eml","locator":""}]"#.into(),
        );
        assert_eq!(common_root(&[a, b]), "/srv/exports/");
        assert_eq!(common_root(&[]), "");
    }
}
