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
    #[serde(default)]
    pub(crate) start: Option<usize>,
    #[serde(default)]
    pub(crate) end: Option<usize>,
    #[serde(default)]
    pub(crate) category: String,
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) note: String,
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
    let decision = match f.action.as_str() {
        "accept" | "reject" => {
            if !planned(&f.redaction) {
                return Err(AppError::BadRequest("No such planned redaction".into()));
            }
            if f.action == "accept" {
                Decision::AcceptRedaction {
                    record: id.clone(),
                    redaction: f.redaction.clone(),
                }
            } else {
                Decision::RejectRedaction {
                    record: id.clone(),
                    redaction: f.redaction.clone(),
                }
            }
        }
        "add" => {
            let span = checked_span(record, f.start, f.end)?;
            let category = if f.category.is_empty() {
                Category::ThirdParty
            } else {
                Category::from_code(&f.category)
                    .filter(|c| *c != Category::Exemption)
                    .ok_or_else(|| AppError::BadRequest("Unknown category".into()))?
            };
            Decision::AddRedaction {
                record: id.clone(),
                span,
                category,
                reason_code: REASON_THIRD_PARTY.into(),
                legal_basis: BASIS_THIRD_PARTY.into(),
            }
        }
        "exempt_span" => {
            let span = checked_span(record, f.start, f.end)?;
            let basis = legal_basis_of(&f.code)
                .ok_or_else(|| AppError::BadRequest("Unknown exemption".into()))?;
            Decision::ExemptSpan {
                record: id.clone(),
                span,
                code: f.code.clone(),
                legal_basis: basis.into(),
            }
        }
        "exempt_record" => {
            let basis = legal_basis_of(&f.code)
                .ok_or_else(|| AppError::BadRequest("Unknown exemption".into()))?;
            Decision::MarkRecord {
                record: id.clone(),
                mark: Some(RecordMark::Exempt {
                    code: f.code.clone(),
                    legal_basis: basis.into(),
                }),
            }
        }
        "not_about" => Decision::MarkRecord {
            record: id.clone(),
            mark: Some(RecordMark::NotAboutSubject),
        },
        "clear_mark" => Decision::MarkRecord {
            record: id.clone(),
            mark: None,
        },
        "confirm" => Decision::ConfirmHit { record: id.clone() },
        _ => return Err(AppError::BadRequest("Unknown action".into())),
    };
    let detail = describe(&decision);
    record_decision(&app, &s, &f.note, decision).await?;
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

pub(crate) async fn record_decision(
    app: &AppState,
    s: &Session,
    note: &str,
    decision: Decision,
) -> Result<(), AppError> {
    let case = app.0.case.clone();
    let user = s.user.clone();
    let note = note.to_owned();
    tokio::task::spawn_blocking(move || {
        let at = audit::now_rfc3339();
        case.update(|st| {
            st.decide(&user, &at, &note, decision.clone());
            Ok(())
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
    Ok(())
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
    let case = app.0.case.clone();
    let user = s.user.clone();
    tokio::task::spawn_blocking(move || {
        let at = audit::now_rfc3339();
        case.update(|st| {
            for d in &decisions {
                st.decide(&user, &at, "bulk", d.clone());
            }
            Ok(())
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))??;
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
