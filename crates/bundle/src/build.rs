//! Building a bundle, stage by stage: which redacted strings spread
//! (`spread_redactions`), each document prepared and laid out
//! (`prepare_documents`), continuous page numbers and the PDFs
//! (`paginate`), the schedule, logs and cover letter (`papers`), the
//! manifest (`package`), the salted hashes verification looks for
//! (`secrets`); then the zip is written and verified.

use sarx_model::metakey;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sarx_case::{Redaction, SecretSet};
use sarx_model::{Record, Span};
use serde::Deserialize;

use crate::layout::Layout;
use crate::spread::{self, Local, Scope};
use crate::verify::{self, Secrets, Verification};
use crate::{
    describe_reason, docs, layout, order, pdf, plural_type, record_date, scrub, sha256_hex, slug,
    source_type, Built, BundleSpec, Disclosure, Error, InternalLogEntry, Options, PlanningNote,
    Renderer, LOCATIONS_META,
};

/// Every place the record was held: [`LOCATIONS_META`] when it is set and
/// valid, else the record's own source and locator.
fn held_at(r: &Record) -> Vec<(String, String)> {
    #[derive(Deserialize)]
    struct Place {
        source: String,
        #[serde(default)]
        locator: String,
    }
    r.meta
        .get(LOCATIONS_META)
        .and_then(|j| serde_json::from_str::<Vec<Place>>(j).ok())
        .filter(|v| !v.is_empty())
        .map(|v| v.into_iter().map(|p| (p.source, p.locator)).collect())
        .unwrap_or_else(|| vec![(r.source.clone(), r.locator.clone())])
}

/// Widens `span` to character boundaries within `text` and returns the text under it.
fn span_text(text: &str, span: Span) -> String {
    let mut s = span.start.min(text.len());
    let mut e = span.end.min(text.len());
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    text.get(s..e).unwrap_or_default().to_owned()
}

struct Prepared {
    record: Record,
    conversation: Option<u32>,
    held_at: String,
    redactions: Vec<Redaction>,
    title: String,
    file: String,
    source: String,
    locator: String,
    layout: Layout,
    /// The running header of its pages.
    header: String,
    /// The text its document must show, from the record and its redactions
    /// alone (independent of the renderer).
    expected: String,
    /// Its planned redactions as windows of words to look for in its document.
    local: Vec<(Vec<String>, String)>,
    notes: Vec<PlanningNote>,
}

/// Builds the bundle at `out` and verifies it; fails with
/// [`Error::VerificationFailed`] (after deleting the zip) if any redacted
/// string survives.
pub fn build(
    spec: &BundleSpec,
    renderer: &dyn Renderer,
    out: &Path,
    opts: &Options,
) -> Result<Built, Error> {
    build_staged(spec, renderer, out, opts)?.commit()
}

/// A built and verified bundle not yet in place: it sits beside `out` until
/// [`Staged::commit`] renames it there, so what describes it (the case's
/// hashes, keyed by [`Secrets::bundle_sha256`]) can be stored first and a
/// kill at any point leaves no bundle without its hashes. Dropped
/// uncommitted, the staged file is deleted.
#[derive(Debug)]
pub struct Staged {
    built: Built,
    partial: PartialFile,
}

/// The staged zip, deleted when dropped unless renamed into place.
#[derive(Debug)]
struct PartialFile(Option<PathBuf>);

impl Drop for PartialFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Staged {
    /// What was built (its `path` is where [`Staged::commit`] puts it).
    pub fn built(&self) -> &Built {
        &self.built
    }

    /// Renames the verified bundle into place.
    pub fn commit(self) -> Result<Built, Error> {
        let Staged { built, mut partial } = self;
        if let Some(p) = partial.0.take() {
            if let Err(e) = std::fs::rename(&p, &built.path) {
                partial.0 = Some(p);
                return Err(Error::io(&built.path, e));
            }
            sarx_model::private_fs::sync_dir(&built.path);
        }
        Ok(built)
    }
}

/// [`build`] without the final rename: the verified bundle is returned
/// staged beside `out`.
pub fn build_staged(
    spec: &BundleSpec,
    renderer: &dyn Renderer,
    out: &Path,
    opts: &Options,
) -> Result<Staged, Error> {
    let spread = spread_redactions(spec);
    let mut prepared = prepare_documents(spec, renderer, &spread)?;
    let Paginated {
        pdfs,
        first_pages,
        total_pages,
    } = paginate(spec, &prepared)?;
    let mut papers = papers(spec, &prepared, &first_pages, &spread)?;
    let letter_text = papers.letter_text.clone();
    let redaction_total = papers.redactions;
    let internal = std::mem::take(&mut papers.internal);
    let files = package(spec, &prepared, pdfs, papers)?;
    let (mut secrets, notes) = secrets(&mut prepared, &spread, &letter_text, &files, opts);
    let n = prepared.len();
    let page_images = prepared
        .iter()
        .filter(|p| !p.layout.images.is_empty())
        .count();
    let fallbacks = prepared
        .iter()
        .filter_map(|p| match p.layout.fallback {
            Some(crate::page::Fallback::NotAPageDocument) | None => None,
            Some(f) => Some((p.file.clone(), f)),
        })
        .collect();
    // Written beside `out` and verified there; only a verified bundle is
    // renamed into place (`Staged::commit`), so a kill at any point leaves
    // the old `out` or the new one, never a partial or unverified bundle.
    let partial = out.with_extension("zip.partial");
    write_zip(&partial, &files, opts.passphrase.as_deref())?;
    secrets.bundle_sha256 = match std::fs::read(&partial) {
        Ok(bytes) => sha256_hex(&bytes),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::io(&partial, e));
        }
    };
    let verification = if opts.skip_verification {
        Verification::default()
    } else {
        match verify::verify(&partial, &secrets, opts.passphrase.as_deref()) {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        }
    };
    if !(opts.skip_verification || verification.is_clean()) {
        let _ = std::fs::remove_file(&partial);
        let mut msg = verification.summary();
        for a in verification.advice() {
            msg.push_str("\n  ");
            msg.push_str(&a);
        }
        return Err(Error::VerificationFailed(msg));
    }
    let built = Built {
        path: out.to_path_buf(),
        documents: n,
        pages: total_pages,
        page_images,
        fallbacks,
        redactions: redaction_total,
        secrets,
        internal_log: internal,
        verification,
        notes,
    };
    Ok(Staged {
        built,
        partial: PartialFile(Some(partial)),
    })
}

/// Stage 1: every redacted string in the case, and whether it spreads:
/// the spread ones make the consistency scrubber and the strings
/// verification looks for everywhere; the others stay in their record.
struct Spread {
    boilerplate: spread::Boilerplate,
    scrubber: scrub::Scrubber,
    /// The spread strings.
    strings: Vec<String>,
    /// Each disclosure's redactions' scopes, in order.
    scopes: Vec<Vec<Scope>>,
}

fn spread_redactions(spec: &BundleSpec) -> Spread {
    let wording = own_wording(spec);
    let boilerplate = spread::Boilerplate::new(&spec.org, &wording);
    let staff = spread::Staff::new(&spec.staff);
    let subject = spread::Staff::new(&spec.subject);
    let mut scrubber = scrub::Scrubber::default();
    let mut redacted_strings: Vec<String> = Vec::new();
    let scopes: Vec<Vec<Scope>> = spec
        .disclosures
        .iter()
        .map(|d| {
            d.redactions
                .iter()
                .map(|r| {
                    let t = span_text(&d.record.text, r.span);
                    let scope = if subject.contains(&sarx_case::secrets::tokens(&t), &t) {
                        Scope::Local(Local::Subject)
                    } else {
                        spread::classify(r.category, &t, &boilerplate, &staff)
                    };
                    if scope == Scope::Spread {
                        scrubber.add(&t, r.category, &r.reason_code);
                        redacted_strings.push(t);
                    }
                    scope
                })
                .collect()
        })
        .collect();
    Spread {
        boilerplate,
        scrubber,
        strings: redacted_strings,
        scopes,
    }
}

/// Stage 2: bundle order (conversations together, attachments after their
/// message) and, per record, consistency redactions (the same string
/// elsewhere in the record), redacted title, source, locator and header,
/// and the layout.
fn prepare_documents(
    spec: &BundleSpec,
    renderer: &dyn Renderer,
    spread: &Spread,
) -> Result<Vec<Prepared>, Error> {
    let records: Vec<&Record> = spec.disclosures.iter().map(|d| &d.record).collect();
    let arranged = order::arrange(&records);
    let ordered: Vec<(&Disclosure, &[Scope], Option<u32>)> = arranged
        .order
        .iter()
        .filter_map(|&k| {
            let conversation = arranged.conversation.get(k).copied().flatten();
            let scope = spread.scopes.get(k).map(Vec::as_slice).unwrap_or_default();
            spec.disclosures.get(k).map(|d| (d, scope, conversation))
        })
        .collect();
    let n = ordered.len();
    let width = 4.max(n.to_string().len());
    let shown_source = |own: &scrub::Scrubber, s: &str| {
        spread.scrubber.scrub_with(
            own,
            s.strip_prefix(&spec.source_root)
                .unwrap_or(s)
                .trim_start_matches('/'),
        )
    };
    ordered
        .par_iter()
        .enumerate()
        .map(|(i, &(d, scope, conversation))| {
            // The record's own title, paths and headers also lose what its
            // plan redacts in its text, unless that is the organisation's,
            // sarx's or a staff member's own text.
            let mut own = scrub::Scrubber::default();
            for (r, s) in d.redactions.iter().zip(scope) {
                if matches!(s, Scope::Local(Local::SingleWord | Local::Contextual)) {
                    own.add(
                        &span_text(&d.record.text, r.span),
                        r.category,
                        &r.reason_code,
                    );
                }
            }
            let mut reds = d.redactions.clone();
            for (span, t) in spread.scrubber.find(&d.record.text) {
                if !reds
                    .iter()
                    .any(|r| r.span.start <= span.start && r.span.end >= span.end)
                {
                    reds.push(Redaction {
                        id: format!("c{}", reds.len() + 1),
                        span,
                        category: t.category,
                        reason_code: t.reason_code,
                        legal_basis: "same data redacted elsewhere in this response".into(),
                        confidence: 1.0,
                        recogniser: CONSISTENCY.into(),
                        party: String::new(),
                    });
                }
            }
            reds.sort_by_key(|r| (r.span.start, r.span.end));
            let mut record = d.record.clone();
            if let Some(h) = record.meta.get(metakey::HEADER).cloned() {
                record
                    .meta
                    .insert(metakey::HEADER.into(), spread.scrubber.scrub_with(&own, &h));
            }
            if let Some(h) = record.meta.get(metakey::SHEET).cloned() {
                record
                    .meta
                    .insert(metakey::SHEET.into(), spread.scrubber.scrub_with(&own, &h));
            }
            let raw_title = if record.title.trim().is_empty() {
                record
                    .source
                    .rsplit('/')
                    .next()
                    .unwrap_or("record")
                    .to_owned()
            } else {
                record.title.clone()
            };
            let title = spread.scrubber.scrub_with(&own, &raw_title);
            let file = format!(
                "documents/{:0width$}-{}.pdf",
                i + 1,
                slug(&title),
                width = width
            );
            let source = shown_source(&own, &record.source);
            let locator = spread.scrubber.scrub_with(&own, &record.locator);
            let held_at = held_at(&record)
                .iter()
                .map(|(s, l)| {
                    let s = shown_source(&own, s);
                    if l.is_empty() {
                        s
                    } else {
                        format!("{s} ({})", spread.scrubber.scrub_with(&own, l))
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            let layout = renderer.layout(&record, &reds, &title)?;
            let header = format!("SAR-{} · Document {:04} · {title}", spec.reference, i + 1);
            let expected = expected_text(&record, &reds, &title, &header);
            // Every planned redaction, spread or not, is also looked for in
            // place: found there, it was not applied (a renderer defect).
            let planned: Vec<&Redaction> = d.redactions.iter().collect();
            let local = local_windows(&record.text, &reds, &planned, &expected);
            let notes = d
                .redactions
                .iter()
                .zip(scope)
                .filter_map(|(r, s)| match s {
                    Scope::Local(why @ Local::Organisation) => Some(PlanningNote {
                        origin: verify::Origin {
                            redaction: r.id.clone(),
                            record: record.id.to_string(),
                            document: file.clone(),
                        },
                        why: *why,
                    }),
                    _ => None,
                })
                .collect();
            Ok(Prepared {
                record,
                conversation,
                held_at,
                redactions: reds,
                title,
                file,
                source,
                locator,
                layout,
                header,
                expected,
                local,
                notes,
            })
        })
        .collect()
}

/// The documents' PDFs with continuous page numbers.
struct Paginated {
    pdfs: Vec<Vec<u8>>,
    /// The first page number of each document.
    first_pages: Vec<u32>,
    total_pages: u32,
}

/// Stage 3: continuous page numbers and each document's PDF.
fn paginate(spec: &BundleSpec, prepared: &[Prepared]) -> Result<Paginated, Error> {
    let mut first_pages = Vec::with_capacity(prepared.len());
    let mut next = 1u32;
    for p in prepared {
        first_pages.push(next);
        next = next.saturating_add(u32::try_from(p.layout.page_count()).unwrap_or(u32::MAX));
    }
    let total_pages = next.saturating_sub(1);

    let pdfs: Vec<Vec<u8>> = prepared
        .par_iter()
        .zip(first_pages.par_iter())
        .map(|(p, fp)| {
            pdf::write(
                &p.layout,
                &pdf::Furniture {
                    header: p.header.clone(),
                    reference: spec.reference.clone(),
                    first_page: *fp,
                },
            )
        })
        .collect::<Result<_, Error>>()?;
    Ok(Paginated {
        pdfs,
        first_pages,
        total_pages,
    })
}

/// The companion files of a bundle.
struct Papers {
    schedule_csv: Vec<u8>,
    schedule_html: String,
    log_csv: Vec<u8>,
    letter_text: String,
    letter_html: String,
    letter_pdf: Vec<u8>,
    internal: Vec<InternalLogEntry>,
    /// Redactions in force over every document.
    redactions: usize,
}

/// Stage 4: the schedule, the redaction logs (the requester's and the
/// internal one) and the cover letter.
fn papers(
    spec: &BundleSpec,
    prepared: &[Prepared],
    first_pages: &[u32],
    spread: &Spread,
) -> Result<Papers, Error> {
    let mut schedule = Vec::new();
    let mut log = Vec::new();
    let mut internal = Vec::new();
    let mut facts = docs::LetterFacts {
        reference: spec.reference.clone(),
        documents: prepared.len(),
        categories_found: spec.categories_found.clone(),
        withheld_records: spec.withheld.len(),
        ..Default::default()
    };
    let mut redaction_total = 0;
    for (i, p) in prepared.iter().enumerate() {
        let ex = p.redactions.iter().filter(|r| r.is_exemption()).count();
        let tp = p.redactions.len() - ex;
        redaction_total += p.redactions.len();
        facts.third_party_redactions += tp;
        *facts
            .record_types
            .entry(plural_type(p.record.kind).to_owned())
            .or_default() += 1;
        schedule.push(docs::ScheduleRow {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            file: p.file.clone(),
            title: p.title.clone(),
            date: record_date(&p.record),
            source_type: source_type(p.record.kind).to_owned(),
            pages: u32::try_from(p.layout.page_count()).unwrap_or(u32::MAX),
            redactions: tp,
            exemptions: ex,
            conversation: p.conversation.map(|c| c.to_string()).unwrap_or_default(),
            held_at: p.held_at.clone(),
        });
        // Markers appear in layout order, which is span order.
        let mut pages_of_markers = p.layout.markers.iter().map(|(pg, _)| *pg);
        let fp = first_pages.get(i).copied().unwrap_or(1);
        let merged = merged_in_order(&p.record.text, &p.redactions);
        for r in &merged {
            let page = pages_of_markers.next().unwrap_or(0);
            let label = pdf::page_label(&spec.reference, fp + u32::try_from(page).unwrap_or(0));
            log.push(docs::LogRow {
                document: p.file.clone(),
                location: format!("page {} ({label})", page + 1),
                category: r.category,
                reason_code: r.reason_code.clone(),
                legal_basis: r.legal_basis.clone(),
            });
            if r.is_exemption() {
                *facts
                    .exemptions
                    .entry((r.reason_code.clone(), r.legal_basis.clone()))
                    .or_default() += 1;
            }
        }
        for r in &p.redactions {
            internal.push(InternalLogEntry {
                document: p.file.clone(),
                record: p.record.id.to_string(),
                source: p.record.source.clone(),
                locator: p.record.locator.clone(),
                span: r.span,
                category: r.category,
                reason_code: r.reason_code.clone(),
                legal_basis: r.legal_basis.clone(),
                recogniser: r.recogniser.clone(),
                text: span_text(&p.record.text, r.span),
            });
        }
    }
    for (code, basis) in &spec.withheld {
        *facts
            .exemptions
            .entry((code.clone(), basis.clone()))
            .or_default() += 0;
    }
    for u in &spec.unsearchable {
        *facts.unsearchable.entry(describe_reason(u)).or_default() += 1;
    }
    let sections = docs::letter_sections(&spec.org, &spec.clock, &facts);
    // The letter carries no record text, and no spread string is sarx's own
    // wording or the organisation's, so this changes nothing unless a
    // caseworker's own text (an extension reason) holds a redacted name.
    let letter_text = spread.scrubber.scrub(&docs::letter_text(&sections));
    let letter_html = spread
        .scrubber
        .scrub(&docs::letter_html(&spec.reference, &sections));
    let letter_pdf = pdf::write(
        &layout::layout_plain(&letter_text)?,
        &pdf::Furniture {
            header: format!("SAR-{} · Cover letter", spec.reference),
            reference: format!("{}-L", spec.reference),
            first_page: 1,
        },
    )?;
    let schedule_csv = docs::schedule_csv(&schedule)?;
    let schedule_html = docs::schedule_html(&spec.reference, &schedule);
    let log_csv = docs::log_csv(&log)?;
    Ok(Papers {
        schedule_csv,
        schedule_html,
        log_csv,
        letter_text,
        letter_html,
        letter_pdf,
        internal,
        redactions: redaction_total,
    })
}

/// Stage 5: the files of the zip, with the manifest of their hashes.
fn package(
    spec: &BundleSpec,
    prepared: &[Prepared],
    pdfs: Vec<Vec<u8>>,
    papers: Papers,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut manifest = docs::Manifest {
        case_ref: spec.reference.clone(),
        received: spec.clock.received.to_string(),
        deadline: spec.clock.deadline.to_string(),
        generator: format!("sarx {}", env!("CARGO_PKG_VERSION")),
        documents: Vec::new(),
        files: BTreeMap::new(),
    };
    for (p, bytes) in prepared.iter().zip(pdfs) {
        manifest.documents.push(docs::ManifestDoc {
            file: p.file.clone(),
            source: p.source.clone(),
            locator: p.locator.clone(),
            sha256: sha256_hex(&bytes),
            pages: u32::try_from(p.layout.page_count()).unwrap_or(u32::MAX),
        });
        files.push((p.file.clone(), bytes));
    }
    for (name, bytes) in [
        ("schedule.csv", papers.schedule_csv),
        ("schedule.html", papers.schedule_html.into_bytes()),
        ("redaction-log.csv", papers.log_csv),
        ("cover-letter.pdf", papers.letter_pdf),
        ("cover-letter.html", papers.letter_html.into_bytes()),
    ] {
        manifest.files.insert(name.to_owned(), sha256_hex(&bytes));
        files.push((name.to_owned(), bytes));
    }
    let manifest_bytes =
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Json(e.to_string()))?;
    files.push(("manifest.json".into(), manifest_bytes));
    Ok(files)
}

/// Stage 6: hashes of spread strings (partials exclude tokens the bundle
/// legitimately discloses: the documents as their redactions alone make
/// them, not as the renderer drew them), where each was redacted, each
/// document's local redactions, and sarx's own phrases to mask in the
/// files it generates; and the planning notes.
fn secrets(
    prepared: &mut [Prepared],
    spread: &Spread,
    letter_text: &str,
    files: &[(String, Vec<u8>)],
    opts: &Options,
) -> (Secrets, Vec<PlanningNote>) {
    let mut disclosed: Vec<String> = prepared.iter().map(|p| p.expected.clone()).collect();
    disclosed.push(letter_text.to_owned());
    for (name, bytes) in files {
        if !name.ends_with(".pdf") {
            disclosed.push(String::from_utf8_lossy(bytes).into_owned());
        }
    }
    let salt = opts.salt.unwrap_or_else(sarx_case::secrets::random_salt);
    let mut secrets = Secrets {
        set: SecretSet::build(&spread.strings, &disclosed, salt),
        ..Secrets::default()
    };
    let mut notes = Vec::new();
    for p in prepared.iter_mut() {
        let record = p.record.id.to_string();
        secrets.documents.insert(p.file.clone(), record.clone());
        let boxes: Vec<(u32, crate::page::PxRect)> = p
            .layout
            .images
            .iter()
            .zip(1u32..)
            .flat_map(|(page, n)| page.boxes.iter().map(move |b| (n, *b)))
            .collect();
        if !boxes.is_empty() {
            secrets.boxes.insert(p.file.clone(), boxes);
        }
        // The planned redactions only (consistency copies point back to them).
        for r in p.redactions.iter().filter(|r| r.recogniser != CONSISTENCY) {
            let toks = sarx_case::secrets::tokens(&span_text(&p.record.text, r.span));
            let origin = verify::Origin {
                redaction: r.id.clone(),
                record: record.clone(),
                document: p.file.clone(),
            };
            let mut keys: Vec<String> = secrets
                .set
                .key(&toks)
                .filter(|k| secrets.set.full.contains(k))
                .into_iter()
                .collect();
            keys.extend(
                toks.iter()
                    .filter_map(|t| secrets.set.key(std::slice::from_ref(t)))
                    .filter(|k| secrets.set.partial.contains(k)),
            );
            for k in keys {
                let o = secrets.origins.entry(k).or_default();
                if !o.contains(&origin) {
                    o.push(origin.clone());
                }
            }
        }
        for (window, id) in std::mem::take(&mut p.local) {
            if let Some(h) = secrets.set.key(&window) {
                secrets.local_lengths.insert(window.len());
                secrets.local.entry(p.file.clone()).or_default().insert(
                    h,
                    verify::Origin {
                        redaction: id,
                        record: record.clone(),
                        document: p.file.clone(),
                    },
                );
            }
        }
        notes.append(&mut p.notes);
    }
    for phrase in spread.boilerplate.phrases() {
        secrets.add_boilerplate(phrase);
    }
    (secrets, notes)
}

/// Recogniser name of the redactions the consistency pass adds.
const CONSISTENCY: &str = "bundle-consistency";

/// Lines sarx writes itself for this case: the cover letter (as it would be
/// with every section present), schedule and log headings, the manifest's
/// keys, page furniture and the vocabulary of markers and the log.
fn own_wording(spec: &BundleSpec) -> Vec<String> {
    let mut facts = docs::LetterFacts {
        reference: spec.reference.clone(),
        documents: spec.disclosures.len(),
        categories_found: spec.categories_found.clone(),
        third_party_redactions: 1,
        withheld_records: spec.withheld.len().max(1),
        ..Default::default()
    };
    let mut w: Vec<String> = Vec::new();
    for d in &spec.disclosures {
        let k = d.record.kind;
        *facts
            .record_types
            .entry(plural_type(k).to_owned())
            .or_default() += 1;
        w.push(format!("Type: {}", layout::describe_kind(k)));
        w.push(source_type(k).to_owned());
        for r in &d.redactions {
            w.push(r.category.as_str().to_owned());
            w.push(r.legal_basis.clone());
            w.push(layout::marker_text(&r.reason_code));
            if r.is_exemption() {
                facts
                    .exemptions
                    .insert((r.reason_code.clone(), r.legal_basis.clone()), 1);
            }
        }
    }
    for (code, basis) in &spec.withheld {
        facts.exemptions.insert((code.clone(), basis.clone()), 1);
    }
    for u in &spec.unsearchable {
        facts.unsearchable.insert(describe_reason(u), 1);
    }
    let sections = docs::letter_sections(&spec.org, &spec.clock, &facts);
    w.extend(docs::letter_text(&sections).lines().map(str::to_owned));
    w.extend(
        docs::schedule_html(&spec.reference, &[])
            .lines()
            .map(str::to_owned),
    );
    for csv in [docs::schedule_csv(&[]), docs::log_csv(&[])]
        .into_iter()
        .flatten()
    {
        w.push(String::from_utf8_lossy(&csv).into_owned());
    }
    w.extend(
        [
            "case_ref received deadline generator documents files file source locator sha256 pages",
            "same data redacted elsewhere in this response",
            "consistency",
            CONSISTENCY,
            "Column",
            "Sheet:",
            "Page of",
            "Cover letter",
            "record",
        ]
        .map(str::to_owned),
    );
    w.push(format!("SAR-{} · Document 0001 ·", spec.reference));
    w.push(format!("SAR-{} · Cover letter", spec.reference));
    w.push(pdf::page_label(&spec.reference, 1));
    w.push(format!("sarx {}", env!("CARGO_PKG_VERSION")));
    w
}

/// What a record's document must show, made from the record and its
/// redactions alone: heading, metadata lines, text with markers, header.
fn expected_text(record: &Record, reds: &[Redaction], title: &str, header: &str) -> String {
    let mut t = format!(
        "{header}\n{title}\nType: {}\n",
        layout::describe_kind(record.kind)
    );
    for key in ["sheet", "header"] {
        if let Some(v) = record.meta.get(key) {
            t.push_str(v);
            t.push('\n');
        }
    }
    for p in layout::apply(&record.text, reds) {
        match p {
            layout::Piece::Text(s) => t.push_str(&s),
            layout::Piece::Marker(c) => {
                t.push(' ');
                t.push_str(&layout::marker_text(&c));
                t.push(' ');
            }
        }
    }
    t
}

/// Each planned redaction as its words with the nearest unredacted word on
/// either side: found in the document only if the redaction was not
/// applied. Windows the expected document shows anyway (the same phrase
/// disclosed elsewhere in it) cannot tell and are left out.
fn local_windows(
    text: &str,
    reds: &[Redaction],
    planned: &[&Redaction],
    expected: &str,
) -> Vec<(Vec<String>, String)> {
    if planned.is_empty() {
        return Vec::new();
    }
    let toks = scrub::token_spans(text);
    let shown = sarx_case::secrets::tokens(expected);
    let redacted = |&(s, e, _): &(usize, usize, String)| {
        reds.iter().any(|r| s < r.span.end && e > r.span.start)
    };
    let mut out = Vec::new();
    for r in planned {
        let inside: Vec<usize> = toks
            .iter()
            .enumerate()
            .filter(|(_, (s, e, _))| *s < r.span.end && *e > r.span.start)
            .map(|(i, _)| i)
            .collect();
        let (Some(&first), Some(&last)) = (inside.first(), inside.last()) else {
            continue;
        };
        let before = first
            .checked_sub(1)
            .and_then(|i| toks.get(i))
            .filter(|t| !redacted(t));
        let after = toks.get(last + 1).filter(|t| !redacted(t));
        let window: Vec<String> = before
            .into_iter()
            .chain(toks.get(first..=last).unwrap_or_default())
            .chain(after)
            .map(|t| t.2.clone())
            .collect();
        if window.is_empty() || shown.windows(window.len()).any(|w| w == window.as_slice()) {
            continue;
        }
        out.push((window, r.id.clone()));
    }
    out
}

/// The redactions as [`layout::apply`] merges them (one per marker), in order.
fn merged_in_order(text: &str, reds: &[Redaction]) -> Vec<Redaction> {
    let mut v: Vec<Redaction> = reds
        .iter()
        .filter(|r| !r.span.is_empty() && r.span.start.min(text.len()) < r.span.end.min(text.len()))
        .cloned()
        .collect();
    v.sort_by_key(|r| (r.span.start, std::cmp::Reverse(r.span.end)));
    let mut out: Vec<Redaction> = Vec::new();
    for r in v {
        match out.last_mut() {
            Some(last) if r.span.start < last.span.end => {
                last.span.end = last.span.end.max(r.span.end)
            }
            _ => out.push(r),
        }
    }
    out
}

/// Writes the zip at `tmp` and syncs it to disk.
fn write_zip(
    tmp: &Path,
    files: &[(String, Vec<u8>)],
    passphrase: Option<&str>,
) -> Result<(), Error> {
    use zip::write::SimpleFileOptions;
    let tmp = tmp.to_path_buf();
    let f = sarx_model::private_fs::create_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut z = zip::ZipWriter::new(f);
    let base = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        let o = match passphrase {
            Some(p) => base.with_aes_encryption(zip::AesMode::Aes256, p),
            None => base,
        };
        z.start_file(name.as_str(), o)
            .map_err(|e| Error::Zip(e.to_string()))?;
        z.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
    }
    let f = z.finish().map_err(|e| Error::Zip(e.to_string()))?;
    f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    Ok(())
}
