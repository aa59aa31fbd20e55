//! The pages: overview, document list, one document, its PDF preview,
//! and the static CSS and JavaScript.

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use sarx_case::{Band, CaseState, Disposition, Hit};
use sarx_model::Record;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::AppError;
use crate::{pages, pageview, AppState};

pub(crate) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

pub(crate) async fn overview(
    State(app): State<AppState>,
    Auth(s): Auth,
) -> Result<Html<String>, AppError> {
    let state = app.0.case.load()?;
    let clock = state.clock_status(today())?;
    Ok(Html(pages::overview(
        &pages::Ctx::new(&app, &s),
        &state,
        &clock,
    )))
}

/// Filters of the document list.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    pub(crate) band: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) state: String,
    #[serde(default)]
    pub(crate) q: String,
}

pub(crate) async fn documents(
    State(app): State<AppState>,
    Auth(s): Auth,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let state = app.0.case.load()?;
    Ok(Html(pages::documents(
        &pages::Ctx::new(&app, &s),
        &state,
        &q,
    )))
}

pub(crate) fn hit_at(app: &AppState, n: usize) -> Result<(&Hit, &Record), AppError> {
    let hit = app.0.data.hits.get(n).ok_or(AppError::NotFound)?;
    let record = app
        .0
        .data
        .records
        .get(&hit.record)
        .ok_or(AppError::NotFound)?;
    Ok((hit, record))
}

/// How a document is shown: `?view=text` for the text view; page images
/// otherwise, where the record has pages.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DocQuery {
    #[serde(default)]
    pub(crate) view: String,
}

pub(crate) async fn document(
    State(app): State<AppState>,
    Auth(s): Auth,
    UrlPath(n): UrlPath<usize>,
    Query(q): Query<DocQuery>,
) -> Result<Html<String>, AppError> {
    let (hit, record) = hit_at(&app, n)?;
    let view = if q.view != "text" && pageview::has_pages(record) {
        Some(app.0.views.get(record).await)
    } else {
        None
    };
    let state = app.0.case.load()?;
    Ok(Html(pages::document(
        &pages::Ctx::new(&app, &s),
        &state,
        n,
        hit,
        record,
        view.as_deref(),
    )))
}

/// One page of a document's page view, as PNG.
pub(crate) async fn document_page(
    State(app): State<AppState>,
    Auth(_s): Auth,
    UrlPath((n, p)): UrlPath<(usize, usize)>,
) -> Result<Response, AppError> {
    let (_, record) = hit_at(&app, n)?;
    if !pageview::has_pages(record) {
        return Err(AppError::NotFound);
    }
    let view = app.0.views.get(record).await;
    let png = match view.as_ref() {
        Ok(r) => r.png.get(p).cloned().ok_or(AppError::NotFound)?,
        Err(_) => return Err(AppError::NotFound),
    };
    Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
}

pub(crate) async fn document_pdf(
    State(app): State<AppState>,
    Auth(_s): Auth,
    UrlPath(n): UrlPath<usize>,
) -> Result<Response, AppError> {
    let (hit, record) = hit_at(&app, n)?;
    let Some(render) = app.0.pdf.clone() else {
        return Err(AppError::NotFound);
    };
    let state = app.0.case.load()?;
    let redactions = state.effective_redactions(&hit.record, app.0.data.plans.get(&hit.record));
    let record = record.clone();
    let label = format!("Preview {}", n + 1);
    let bytes = tokio::task::spawn_blocking(move || render(&state, &record, &redactions, &label))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::Internal)?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

pub(crate) async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
}

pub(crate) async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/app.js"),
    )
}

/// Review progress: (records decided or high-confidence, total, needing review).
pub(crate) fn progress(app: &AppState, state: &CaseState) -> (usize, usize, usize) {
    let mut done = 0;
    let mut pending = 0;
    for h in &app.0.data.hits {
        let touched = state
            .decisions
            .iter()
            .any(|d| d.decision.record() == &h.record);
        match state.disposition(h) {
            Disposition::NeedsReview => pending += 1,
            _ if touched || h.band() == Band::High => done += 1,
            _ => {}
        }
    }
    (done, app.0.data.hits.len(), pending)
}
