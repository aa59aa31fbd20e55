//! The forms that change the case: a decision on one document (confirm,
//! reject, redact, restore, exempt), bulk decisions, and the approver's
//! sign-off. Each is CSRF-checked, authorised, written through
//! `CaseDir::update` and audited.

use axum::extract::{Form, Path as UrlPath, State};
use axum::response::{IntoResponse, Redirect, Response};
use sarx_case::{Decision, RecordMark};
use sarx_model::plan::{Category, BASIS_THIRD_PARTY, REASON_THIRD_PARTY};
use sarx_model::{Record, Span};
use serde::Deserialize;

use crate::auth::{check_csrf, Auth, CsrfForm};
use crate::error::AppError;
use crate::users::Role;
use crate::views::hit_at;
use crate::{audit, AppState, Session};

#[derive(Debug, Deserialize)]
pub(crate) struct DecideForm {
    #[serde(default)]
    pub(crate) csrf: String,
    pub(crate) action: String,
    #[serde(default)]
    pub(crate) redaction: String,
    /// Byte offsets of a text selection (empty when the selection is a
    /// list of `spans`).
    #[serde(default)]
    pub(crate) start: String,
    #[serde(default)]
    pub(crate) end: String,
    #[serde(default)]
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) note: String,
    /// Spans as `start-end,start-end` (a drag over a page's words); used
    /// when `start` and `end` are absent.
    #[serde(default)]
    pub(crate) spans: String,
    /// `1`: redact every occurrence of the selected text in the case.
    #[serde(default)]
    pub(crate) every: String,
}

/// At most this many spans in one request.
const MAX_SPANS: usize = 500;

/// The spans of a decision: `start`/`end`, or the `spans` list.
pub(crate) fn form_spans(record: &Record, f: &DecideForm) -> Result<Vec<Span>, AppError> {
    let num = |v: &str| v.trim().parse::<usize>().ok();
    if !f.start.is_empty() || !f.end.is_empty() || f.spans.is_empty() {
        return Ok(vec![checked_span(record, num(&f.start), num(&f.end))?]);
    }
    let mut out = Vec::new();
    for part in f.spans.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part
            .split_once('-')
            .ok_or_else(|| AppError::BadRequest("Malformed selection".into()))?;
        out.push(checked_span(record, num(a), num(b))?);
        if out.len() > MAX_SPANS {
            return Err(AppError::BadRequest("The selection is too large".into()));
        }
    }
    if out.is_empty() {
        return Err(AppError::BadRequest("Select some text first".into()));
    }
    Ok(out)
}

/// Words of `text` with their spans, punctuation at their edges trimmed.
fn words(text: &str) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let mut push = |s: usize, e: usize| {
        let w = &text[s..e];
        let lead = w.len() - w.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
        let core = w.trim_matches(|c: char| !c.is_alphanumeric());
        if !core.is_empty() {
            out.push((
                Span::new(s + lead, s + lead + core.len()),
                core.to_lowercase(),
            ));
        }
    };
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                push(s, i);
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len());
    }
    out
}

/// Every occurrence of the words of `key` (a [`party_key`]) in `text`, as
/// whole words.
pub(crate) fn occurrences(text: &str, key: &str) -> Vec<Span> {
    let want: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    if want.is_empty() {
        return Vec::new();
    }
    let have = words(text);
    have.windows(want.len())
        .filter(|win| win.iter().zip(&want).all(|((_, w), k)| w == k))
        .filter_map(|win| Some(Span::new(win.first()?.0.start, win.last()?.0.end)))
        .collect()
}

/// The legal basis of the exemption a caseworker chose by its reason code
/// (`sarx_model::vocab::EXEMPTIONS`, the table redaction's flags use too).
pub(crate) fn legal_basis_of(code: &str) -> Option<&'static str> {
    sarx_model::vocab::exemption_by_reason(code).map(|e| e.provision)
}

pub(crate) fn checked_span(
    record: &Record,
    start: Option<usize>,
    end: Option<usize>,
) -> Result<Span, AppError> {
    let (Some(s), Some(e)) = (start, end) else {
        return Err(AppError::BadRequest("Select some text first".into()));
    };
    if s >= e
        || e > record.text.len()
        || !record.text.is_char_boundary(s)
        || !record.text.is_char_boundary(e)
    {
        return Err(AppError::BadRequest(
            "The selection does not match the document's text".into(),
        ));
    }
    Ok(Span::new(s, e))
}

pub(crate) async fn decide(
    State(app): State<AppState>,
    Auth(s): Auth,
    UrlPath(n): UrlPath<usize>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    check_csrf(&s, &f.csrf)?;
    let (hit, record) = hit_at(&app, n)?;
    let id = hit.record.clone();
    let plan = app.0.data.plans.get(&id);
    let planned = |rid: &str| plan.is_some_and(|p| p.redactions.iter().any(|r| r.id == rid));
    let single = |d: Decision| (describe(&d), vec![d]);
    let (detail, decisions) = match f.action.as_str() {
        "accept" | "reject" => {
            // Caseworkers' own redactions (`d…`) can be removed too.
            let added = f.action == "reject"
                && f.redaction.starts_with('d')
                && app
                    .0
                    .case
                    .load()?
                    .effective_redactions(&id, plan)
                    .iter()
                    .any(|r| r.id == f.redaction);
            if !planned(&f.redaction) && !added {
                return Err(AppError::BadRequest("No such planned redaction".into()));
            }
            single(if f.action == "accept" {
                Decision::AcceptRedaction {
                    record: id.clone(),
                    redaction: f.redaction.clone(),
                }
            } else {
                Decision::RejectRedaction {
                    record: id.clone(),
                    redaction: f.redaction.clone(),
                }
            })
        }
        "add" | "exempt_span" => {
            let spans = form_spans(record, &f)?;
            let make = |record: &sarx_model::RecordId, span: Span| -> Result<Decision, AppError> {
                if f.action == "add" {
                    let category = if f.category.is_empty() {
                        Category::ThirdParty
                    } else {
                        Category::from_code(&f.category)
                            .filter(|c| *c != Category::Exemption)
                            .ok_or_else(|| AppError::BadRequest("Unknown category".into()))?
                    };
                    Ok(Decision::AddRedaction {
                        record: record.clone(),
                        span,
                        category,
                        reason_code: REASON_THIRD_PARTY.into(),
                        legal_basis: BASIS_THIRD_PARTY.into(),
                    })
                } else {
                    let basis = legal_basis_of(&f.code)
                        .ok_or_else(|| AppError::BadRequest("Unknown exemption".into()))?;
                    Ok(Decision::ExemptSpan {
                        record: record.clone(),
                        span,
                        code: f.code.clone(),
                        legal_basis: basis.into(),
                    })
                }
            };
            let mut decisions = Vec::new();
            for span in &spans {
                decisions.push(make(&id, *span)?);
            }
            if f.every == "1" {
                decisions.extend(every_occurrence(&app, &id, record, &spans, &make)?);
            }
            let count = decisions.len();
            let records: std::collections::BTreeSet<&str> =
                decisions.iter().map(|d| d.record().as_str()).collect();
            let detail = match decisions.as_slice() {
                [one] => describe(one),
                _ => format!(
                    "{count} redactions in {} records ({})",
                    records.len(),
                    if f.every == "1" {
                        "every occurrence"
                    } else {
                        "one selection"
                    }
                ),
            };
            (detail, decisions)
        }
        "exempt_record" => {
            let basis = legal_basis_of(&f.code)
                .ok_or_else(|| AppError::BadRequest("Unknown exemption".into()))?;
            single(Decision::MarkRecord {
                record: id.clone(),
                mark: Some(RecordMark::Exempt {
                    code: f.code.clone(),
                    legal_basis: basis.into(),
                }),
            })
        }
        "not_about" => single(Decision::MarkRecord {
            record: id.clone(),
            mark: Some(RecordMark::NotAboutSubject),
        }),
        "clear_mark" => single(Decision::MarkRecord {
            record: id.clone(),
            mark: None,
        }),
        "confirm" => single(Decision::ConfirmHit { record: id.clone() }),
        _ => return Err(AppError::BadRequest("Unknown action".into())),
    };
    record_decisions(&app, &s, &f.note, decisions).await?;
    app.0.audit.append(
        &s.user,
        &format!("decision.{}", f.action),
        id.as_str(),
        &detail,
        &f.note,
    )?;
    Ok(Redirect::to(&format!("/documents/{n}")).into_response())
}

/// A short description of a decision for the audit log: ids, offsets and
/// codes, never the text under a span.
pub(crate) fn describe(d: &Decision) -> String {
    match d {
        Decision::AcceptRedaction { redaction, .. }
        | Decision::RejectRedaction { redaction, .. } => {
            format!("redaction {redaction}")
        }
        Decision::AddRedaction { span, category, .. } => {
            format!("span {}..{} {category}", span.start, span.end)
        }
        Decision::ExemptSpan { span, code, .. } => {
            format!("span {}..{} {code}", span.start, span.end)
        }
        Decision::MarkRecord { mark, .. } => match mark {
            Some(RecordMark::NotAboutSubject) => "not about subject".into(),
            Some(RecordMark::Exempt { code, .. }) => format!("exempt {code}"),
            None => "mark cleared".into(),
        },
        Decision::ConfirmHit { .. } => "hit confirmed".into(),
    }
}

/// Records `decisions` in one update of the case.
pub(crate) async fn record_decisions(
    app: &AppState,
    s: &Session,
    note: &str,
    decisions: Vec<Decision>,
) -> Result<(), AppError> {
    let case = app.0.case.clone();
    let user = s.user.clone();
    let note = note.to_owned();
    tokio::task::spawn_blocking(move || {
        let at = audit::now_rfc3339();
        case.update(|st| {
            for d in &decisions {
                st.decide(&user, &at, &note, d.clone());
            }
            Ok(())
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(())
}

/// The same decision for every other occurrence, in any record of the
/// case, of the text under `spans` in `record`: whole words, case and
/// edge punctuation ignored; occurrences already redacted are left alone.
fn every_occurrence(
    app: &AppState,
    id: &sarx_model::RecordId,
    record: &Record,
    spans: &[Span],
    make: &dyn Fn(&sarx_model::RecordId, Span) -> Result<Decision, AppError>,
) -> Result<Vec<Decision>, AppError> {
    let keys: Vec<String> = spans
        .iter()
        .filter_map(|s| s.slice(&record.text))
        .map(party_key)
        .filter(|k| !k.is_empty())
        .collect();
    let state = app.0.case.load()?;
    let mut out = Vec::new();
    for (rid, rec) in &app.0.data.records {
        let in_force = state.effective_redactions(rid, app.0.data.plans.get(rid));
        for key in &keys {
            for at in occurrences(&rec.text, key) {
                let mine =
                    rid == id && spans.iter().any(|s| s.start <= at.start && at.end <= s.end);
                let covered = in_force
                    .iter()
                    .any(|r| r.span.start <= at.start && at.end <= r.span.end);
                if !mine && !covered {
                    out.push(make(rid, at)?);
                }
            }
        }
        if out.len() > 10 * MAX_SPANS {
            return Err(AppError::BadRequest(
                "That text occurs too often to redact everywhere at once".into(),
            ));
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
pub(crate) struct BulkForm {
    #[serde(default)]
    pub(crate) csrf: String,
    pub(crate) action: String,
    pub(crate) n: usize,
    pub(crate) redaction: String,
}

/// The normalised text of a redaction (its "party" for bulk actions).
pub(crate) fn party_key(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(crate) async fn bulk(
    State(app): State<AppState>,
    Auth(s): Auth,
    Form(f): Form<BulkForm>,
) -> Result<Response, AppError> {
    check_csrf(&s, &f.csrf)?;
    if f.action != "accept_party" && f.action != "reject_party" {
        return Err(AppError::BadRequest("Unknown bulk action".into()));
    }
    let (hit, record) = hit_at(&app, f.n)?;
    let plan = app
        .0
        .data
        .plans
        .get(&hit.record)
        .ok_or(AppError::NotFound)?;
    let red = plan
        .redactions
        .iter()
        .find(|r| r.id == f.redaction)
        .ok_or(AppError::NotFound)?;
    let key = party_key(red.span.slice(&record.text).unwrap_or(""));
    if key.is_empty() {
        return Err(AppError::BadRequest(
            "That redaction has no text to match".into(),
        ));
    }
    let mut decisions = Vec::new();
    for (rid, p) in &app.0.data.plans {
        let Some(rec) = app.0.data.records.get(rid) else {
            continue;
        };
        for r in &p.redactions {
            if party_key(r.span.slice(&rec.text).unwrap_or("")) == key {
                decisions.push(if f.action == "accept_party" {
                    Decision::AcceptRedaction {
                        record: rid.clone(),
                        redaction: r.id.clone(),
                    }
                } else {
                    Decision::RejectRedaction {
                        record: rid.clone(),
                        redaction: r.id.clone(),
                    }
                });
            }
        }
    }
    let count = decisions.len();
    record_decisions(&app, &s, "bulk", decisions).await?;
    app.0.audit.append(
        &s.user,
        &format!("decision.bulk.{}", f.action),
        hit.record.as_str(),
        &format!("like redaction {}: {count} redactions", f.redaction),
        "",
    )?;
    Ok(Redirect::to(&format!("/documents/{}", f.n)).into_response())
}

pub(crate) async fn sign_off(
    State(app): State<AppState>,
    Auth(s): Auth,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    check_csrf(&s, &f.csrf)?;
    if s.role != Role::Approver {
        return Err(AppError::Forbidden("Only an approver can sign a case off"));
    }
    let case = app.0.case.clone();
    let user = s.user.clone();
    let (state, ()) = tokio::task::spawn_blocking(move || {
        let at = audit::now_rfc3339();
        case.update(|st| {
            st.sign_off(&user, &at);
            Ok(())
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    app.0.audit.append(
        &s.user,
        "case.sign_off",
        "",
        &format!("version {}", state.version),
        "",
    )?;
    Ok(Redirect::to("/").into_response())
}
