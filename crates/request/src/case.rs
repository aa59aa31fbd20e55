//! Preparing a case: search, snapshots of the hit records in bundle order,
//! and redaction plans, ready for a case folder (`sarx case open`) or a
//! one-shot bundle.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;
use sarx_case::{CaseState, Evidence, Hit, OrgProfile, RecordPlan};
use sarx_detect::{SubjectMatcher, SubjectProfile};
use sarx_index::IndexSet;
use sarx_model::{Record, RecordId, Span, Unsearchable};
use sarx_redact::StaffDirectory;

use crate::search::{search, SearchOptions};
use crate::Error;

/// What a case is prepared from. The caller has read and checked the files.
pub struct CaseInputs<'a> {
    /// The index to search.
    pub index: &'a IndexSet,
    /// Where it is (recorded in the case).
    pub index_path: &'a Path,
    /// The subject profile as written (kept in the case).
    pub subject_toml: &'a str,
    /// The subject profile, parsed.
    pub profile: &'a SubjectProfile,
    /// The organisation's profile.
    pub org: OrgProfile,
    /// The staff directory, if any: staff acting in their role are kept.
    pub staff: Option<StaffDirectory>,
    /// The person-name model; `None` plans with the rules alone.
    pub model: Option<Arc<sarx_ner::Ner>>,
    /// The case reference (default: from the receipt date and subject).
    pub reference: Option<String>,
    /// Day one of the statutory clock.
    pub received: Date,
}

/// The files a case is prepared from, as a user names them.
#[derive(Debug, Clone)]
pub struct CaseFiles {
    /// Index directory.
    pub index: std::path::PathBuf,
    /// Subject profile (TOML).
    pub subject: std::path::PathBuf,
    /// Day one of the statutory clock.
    pub received: Date,
    /// Organisation profile (TOML); `None`: an empty one.
    pub org: Option<std::path::PathBuf>,
    /// Staff directory CSV.
    pub staff: Option<std::path::PathBuf>,
    /// Case reference (default: from the receipt date and subject).
    pub reference: Option<String>,
    /// Plan with the rules alone, without the person-name model.
    pub rules_only: bool,
}

/// Reads and checks the files, opens the index and the name model, and
/// prepares the case ([`prepare`]).
pub fn prepare_files(files: &CaseFiles) -> Result<Prepared, Error> {
    let subject_toml =
        std::fs::read_to_string(&files.subject).map_err(Error::read(&files.subject))?;
    let profile = SubjectProfile::from_path(&files.subject).map_err(Error::Profile)?;
    let org = match &files.org {
        Some(p) => OrgProfile::load(p).map_err(Error::Case)?,
        None => OrgProfile::default(),
    };
    let staff = files.staff.as_deref().map(read_staff).transpose()?;
    let set = IndexSet::open(&files.index).map_err(Error::index("opening the index"))?;
    prepare(CaseInputs {
        index: &set,
        index_path: &files.index,
        subject_toml: &subject_toml,
        profile: &profile,
        org,
        staff,
        model: name_model(files.rules_only)?,
        reference: files.reference.clone(),
        received: files.received,
    })
}

/// Reads a staff directory CSV.
pub fn read_staff(path: &Path) -> Result<StaffDirectory, Error> {
    let f = std::fs::File::open(path).map_err(Error::read(path))?;
    StaffDirectory::from_reader(f).map_err(Error::Redact)
}

/// The search and planning results of a case.
pub struct Prepared {
    /// The initial case state.
    pub state: CaseState,
    /// Hits in bundle order.
    pub hits: Vec<Hit>,
    /// Plans by record.
    pub plans: BTreeMap<RecordId, RecordPlan>,
    /// Snapshots of the hit records, in bundle order.
    pub records: Vec<Record>,
    /// What could not be searched.
    pub unsearchable: Vec<Unsearchable>,
}

impl Prepared {
    /// What a case folder holds: the state with the caseworkers' decisions,
    /// hits, plans, record snapshots and unsearchable items.
    pub fn load(case: &sarx_case::CaseDir) -> Result<Prepared, Error> {
        Ok(Prepared {
            state: case.load().map_err(Error::Case)?,
            hits: case.hits().map_err(Error::Case)?,
            plans: case.plans().map_err(Error::Case)?,
            records: case.records().map_err(Error::Case)?,
            unsearchable: case.unsearchable().map_err(Error::Case)?,
        })
    }
}

/// The person-name model from its default folder, or `None` when
/// `rules_only`. A missing model is an error naming the setup step: sarx
/// never falls back to the rules silently.
pub fn name_model(rules_only: bool) -> Result<Option<Arc<sarx_ner::Ner>>, Error> {
    if rules_only {
        return Ok(None);
    }
    let dir = sarx_ner::default_dir();
    let ner = sarx_ner::Ner::load(&dir, rayon::current_num_threads()).map_err(Error::Model)?;
    Ok(Some(Arc::new(ner)))
}

/// What `CaseState::name_detection` records.
pub fn name_detection(model: bool) -> String {
    if model {
        format!(
            "rules judged by the person-name model ({})",
            sarx_ner::MODEL_FOLDER
        )
    } else {
        "rules only (--rules-only)".to_owned()
    }
}

/// Searches, takes snapshots of the hits in bundle order (by date, then
/// source and locator) and plans their redactions.
pub fn prepare(inputs: CaseInputs<'_>) -> Result<Prepared, Error> {
    let set = inputs.index;
    let profile = inputs.profile;
    let report = search(set, profile, &SearchOptions::default())?;

    let mut records = Vec::with_capacity(report.hits.len());
    let mut hits = Vec::with_capacity(report.hits.len());
    for h in &report.hits {
        let Some(mut r) = set
            .get(&h.id)
            .map_err(Error::index("reading a hit record"))?
        else {
            continue;
        };
        // Every copy of a de-duplicated record, for the bundle's schedule
        // (`sarx_bundle::LOCATIONS_META`).
        if h.locations.len() > 1 {
            let copies = serde_json::to_string(&h.locations).map_err(|_| Error::Encode)?;
            r.meta
                .insert(sarx_bundle::LOCATIONS_META.to_owned(), copies);
        }
        hits.push(Hit {
            record: h.id.clone(),
            source: h.source.clone(),
            locator: h.locator.clone(),
            kind: h.kind,
            confidence: h.confidence,
            evidence: h
                .evidence
                .iter()
                .map(|e| Evidence {
                    kind: e.kind.to_owned(),
                    span: Span::new(e.start, e.end),
                })
                .collect(),
        });
        records.push(r);
    }
    let (hits, records) = bundle_order(hits, records);

    let org = inputs.org;
    let mut builder = sarx_redact::Engine::builder()
        .public_names(
            [
                org.controller.name.clone(),
                org.dpo.name.clone(),
                org.ico.name.clone(),
            ]
            .into_iter()
            .filter(|s| !s.trim().is_empty()),
        )
        .public_contacts(
            [
                org.controller.email.clone(),
                org.controller.phone.clone(),
                org.dpo.email.clone(),
                org.dpo.phone.clone(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty()),
        );
    if let Some(staff) = inputs.staff {
        builder = builder.staff(staff);
    }
    let has_model = inputs.model.is_some();
    if let Some(m) = inputs.model {
        builder = builder.model(m);
    }
    let engine = builder.build().map_err(Error::Redact)?;
    let matcher = SubjectMatcher::new(profile);
    let planner = sarx_redact::CasePlanner::new(&engine, Some(&matcher));
    let planned = planner.plan_case(&records);
    let plans = records
        .iter()
        .zip(planned)
        .map(|(r, p)| (r.id.clone(), p))
        .collect();
    let reference = inputs
        .reference
        .unwrap_or_else(|| default_reference(inputs.received, &profile.name));
    let mut state = CaseState::new(&reference, inputs.received, inputs.subject_toml, org);
    state.index = inputs.index_path.display().to_string();
    state.name_detection = name_detection(has_model);
    Ok(Prepared {
        state,
        hits,
        plans,
        records,
        unsearchable: set
            .unsearchable()
            .map_err(Error::index("listing unsearchable files"))?,
    })
}

/// Hits and their records sorted together for the bundle: by date (sent,
/// else modified, else created), then source and locator.
fn bundle_order(hits: Vec<Hit>, records: Vec<Record>) -> (Vec<Hit>, Vec<Record>) {
    let mut pairs: Vec<(Hit, Record)> = hits.into_iter().zip(records).collect();
    pairs.sort_by_cached_key(|(_, r)| {
        (
            r.dates
                .sent
                .clone()
                .or(r.dates.modified.clone())
                .or(r.dates.created.clone()),
            r.source.clone(),
            r.locator.clone(),
        )
    });
    pairs.into_iter().unzip()
}

/// `YYYYMMDD-xxxx` where `xxxx` is derived from the subject's name (not reversible).
fn default_reference(received: Date, name: &str) -> String {
    let h = RecordId::new(&name.trim().to_lowercase(), "case-ref").0;
    format!(
        "{}{:02}{:02}-{}",
        received.year(),
        received.month(),
        received.day(),
        h.get(..4).unwrap_or("0000").to_uppercase()
    )
}
