//! The caseworker review page: a local web app, served on 127.0.0.1 only,
//! where caseworkers confirm hits, check each proposed redaction, add what
//! the machine missed, apply exemptions, and an approver signs the case off.
//!
//! Every page renders on the server; JavaScript (served from `/static`, no
//! external scripts or fonts) only adds selection-to-redaction and keyboard
//! shortcuts. Decisions go to the case folder through
//! [`sarx_case::CaseDir::update`] (atomic writes, optimistic versioning with
//! retry, so concurrent caseworkers never lose a decision) and to a
//! hash-chained [`audit`] log.
//!
//! Security: argon2id password hashes ([`users`]), a random session cookie
//! (`HttpOnly; SameSite=Strict`), a CSRF token checked on every
//! state-changing request, a strict Content-Security-Policy, per-request
//! authorisation (only an approver signs off), and no route that maps a
//! request path to a file: documents are addressed by their position in the
//! case's hit list.
//!
//! ```no_run
//! # async fn run() -> Result<(), sarx_review::Error> {
//! let state = sarx_review::AppState::open(
//!     std::path::Path::new("case-0042"),
//!     &sarx_review::users::default_users_path(),
//! )?;
//! let app = sarx_review::router(state);
//! # let _ = app; Ok(()) }
//! ```
#![deny(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::extract::{Form, FromRef, FromRequestParts, Path as UrlPath, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use rand::RngCore;
use sarx_case::{
    Band, CaseDir, CaseState, Decision, Disposition, Hit, RecordMark, RecordPlan, Redaction,
};
use sarx_model::{Record, RecordId, Span, Unsearchable};
use serde::Deserialize;

pub mod audit;
mod pages;
pub mod users;

use users::{Role, Users};

/// Errors of the review server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    /// The users file is invalid, or a user could not be added.
    #[error("users: {0}")]
    Users(String),
    /// The audit log is damaged or could not be written.
    #[error("audit log: {0}")]
    Audit(String),
    /// The case folder could not be read or saved.
    #[error(transparent)]
    Case(#[from] sarx_case::Error),
    /// The PDF preview could not be rendered.
    #[error("preview: {0}")]
    Preview(String),
}

/// Renders one record with its redactions as a PDF (the bundle's renderer),
/// for the "preview final PDF" link.
pub type PdfPreview =
    Arc<dyn Fn(&CaseState, &Record, &[Redaction], &str) -> Result<Vec<u8>, String> + Send + Sync>;

/// A logged-in user's session.
#[derive(Debug, Clone)]
struct Session {
    user: String,
    role: Role,
    csrf: String,
}

/// What the case folder holds that does not change during review.
struct CaseData {
    hits: Vec<Hit>,
    records: HashMap<RecordId, Record>,
    plans: BTreeMap<RecordId, RecordPlan>,
    unsearchable: Vec<Unsearchable>,
    subject_name: String,
}

struct Inner {
    case: CaseDir,
    users_path: PathBuf,
    sessions: Mutex<HashMap<String, Session>>,
    audit: audit::AuditLog,
    data: CaseData,
    pdf: Option<PdfPreview>,
}

/// The server state: the case, its users, sessions and audit log.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    /// Opens the case at `case_dir` with users from `users_path`.
    pub fn open(case_dir: &Path, users_path: &Path) -> Result<AppState, Error> {
        Self::open_with_preview(case_dir, users_path, None)
    }

    /// As [`AppState::open`], with a PDF renderer for record previews.
    pub fn open_with_preview(
        case_dir: &Path,
        users_path: &Path,
        pdf: Option<PdfPreview>,
    ) -> Result<AppState, Error> {
        let case = CaseDir::open(case_dir)?;
        let state = case.load()?;
        let mut hits = case.hits()?;
        hits.sort_by(|a, b| {
            b.confidence
                .partial_cmp(&a.confidence)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.source.cmp(&b.source))
                .then_with(|| a.locator.cmp(&b.locator))
        });
        let records = case
            .records()?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let plans = case.plans()?;
        let unsearchable = case.unsearchable().unwrap_or_default();
        let subject_name = subject_name(&state.subject_toml);
        let audit = audit::AuditLog::open(case_dir)?;
        Ok(AppState(Arc::new(Inner {
            case,
            users_path: users_path.to_path_buf(),
            sessions: Mutex::new(HashMap::new()),
            audit,
            data: CaseData {
                hits,
                records,
                plans,
                unsearchable,
                subject_name,
            },
            pdf,
        })))
    }
}

fn subject_name(toml_text: &str) -> String {
    #[derive(Deserialize)]
    struct OnlyName {
        name: Option<String>,
    }
    toml::from_str::<OnlyName>(toml_text)
        .ok()
        .and_then(|n| n.name)
        .unwrap_or_else(|| "(unnamed subject)".into())
}

/// The app: every route, the security headers, the state.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(overview))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/documents", get(documents))
        .route("/documents/{n}", get(document))
        .route("/documents/{n}/preview.pdf", get(document_pdf))
        .route("/documents/{n}/decide", post(decide))
        .route("/bulk", post(bulk))
        .route("/signoff", post(sign_off))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .fallback(not_found)
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves the app on `127.0.0.1:port` (0 picks a free port) until Ctrl-C.
/// `on_ready` receives the bound address.
pub async fn serve(
    state: AppState,
    port: u16,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), Error> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| Error::Io(PathBuf::from(format!("127.0.0.1:{port}")), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Io(PathBuf::from("listener"), e))?;
    on_ready(addr);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Io(PathBuf::from("server"), e))
}

async fn security_headers(req: axum::extract::Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             frame-src 'self'; object-src 'self'; connect-src 'self'; form-action 'self'; \
             frame-ancestors 'self'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    res
}

// ---------------------------------------------------------------- errors

/// An error shown to the browser: a status and a generic message; the
/// detail goes to the log only.
#[derive(Debug)]
enum AppError {
    Unauthenticated,
    Forbidden(&'static str),
    BadRequest(String),
    NotFound,
    Conflict(String),
    Internal(String),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, msg) = match self {
            AppError::Unauthenticated => return Redirect::to("/login").into_response(),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, m.to_owned()),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            AppError::NotFound => (StatusCode::NOT_FOUND, "Not found".to_owned()),
            AppError::Conflict(m) => (StatusCode::CONFLICT, m),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "review request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong; see the server log".to_owned(),
                )
            }
        };
        (status, Html(pages::message_page(status.as_u16(), &msg))).into_response()
    }
}

impl From<sarx_case::Error> for AppError {
    fn from(e: sarx_case::Error) -> Self {
        match e {
            sarx_case::Error::StaleVersion { .. } => AppError::Conflict(
                "Someone else changed the case at the same moment; reload and try again".into(),
            ),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

async fn not_found() -> AppError {
    AppError::NotFound
}

// ---------------------------------------------------------------- sessions

const SESSION_COOKIE: &str = "sarx_session";
const LOGIN_COOKIE: &str = "sarx_login";

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The logged-in user of a request; rejects with a redirect to the login page.
struct Auth(Session);

impl<S> FromRequestParts<S> for Auth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
        let sessions = app
            .0
            .sessions
            .lock()
            .map_err(|_| AppError::Internal("session lock poisoned".into()))?;
        sessions
            .get(&token)
            .cloned()
            .map(Auth)
            .ok_or(AppError::Unauthenticated)
    }
}

fn check_csrf(session: &Session, given: &str) -> Result<(), AppError> {
    // Constant-time comparison of equal-length hex tokens.
    let a = session.csrf.as_bytes();
    let b = given.as_bytes();
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "The form has expired or did not come from this page (CSRF check failed)",
        ))
    }
}

// ---------------------------------------------------------------- login

async fn login_page() -> Response {
    let token = random_token();
    let mut res = Html(pages::login(&token, None)).into_response();
    set_cookie(&mut res, LOGIN_COOKIE, &token, 600);
    res
}

fn set_cookie(res: &mut Response, name: &str, value: &str, max_age: u64) {
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}");
    if let Ok(hv) = HeaderValue::from_str(&v) {
        res.headers_mut().append(header::SET_COOKIE, hv);
    }
}

#[derive(Deserialize)]
struct LoginForm {
    user: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn login(
    State(app): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    // Login CSRF: the form's token must match the cookie set with the form.
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || expected != f.csrf {
        return Err(AppError::Forbidden(
            "The login form has expired; reload the page",
        ));
    }
    let users = Users::load(&app.0.users_path)?;
    let user = f.user.trim().to_owned();
    let password = f.password;
    let role = tokio::task::spawn_blocking(move || users.authenticate(&user, &password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(role) = role else {
        tracing::info!("failed login");
        let token = random_token();
        let mut res = (
            StatusCode::UNAUTHORIZED,
            Html(pages::login(&token, Some("Wrong user name or password"))),
        )
            .into_response();
        set_cookie(&mut res, LOGIN_COOKIE, &token, 600);
        return Ok(res);
    };
    let token = random_token();
    let session = Session {
        user: f.user.trim().to_owned(),
        role,
        csrf: random_token(),
    };
    app.0
        .audit
        .append(&session.user, "session.login", "", role.as_str(), "")?;
    app.0
        .sessions
        .lock()
        .map_err(|_| AppError::Internal("session lock poisoned".into()))?
        .insert(token.clone(), session);
    let mut res = Redirect::to("/").into_response();
    set_cookie(&mut res, SESSION_COOKIE, &token, 12 * 3600);
    set_cookie(&mut res, LOGIN_COOKIE, "", 0);
    Ok(res)
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(app): State<AppState>,
    Auth(s): Auth,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Result<Response, AppError> {
    check_csrf(&s, &f.csrf)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        if let Ok(mut sessions) = app.0.sessions.lock() {
            sessions.remove(&token);
        }
    }
    let mut res = Redirect::to("/login").into_response();
    set_cookie(&mut res, SESSION_COOKIE, "", 0);
    Ok(res)
}

// ---------------------------------------------------------------- pages

fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

async fn overview(State(app): State<AppState>, Auth(s): Auth) -> Result<Html<String>, AppError> {
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
struct ListQuery {
    #[serde(default)]
    band: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    q: String,
}

async fn documents(
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

fn hit_at(app: &AppState, n: usize) -> Result<(&Hit, &Record), AppError> {
    let hit = app.0.data.hits.get(n).ok_or(AppError::NotFound)?;
    let record = app
        .0
        .data
        .records
        .get(&hit.record)
        .ok_or(AppError::NotFound)?;
    Ok((hit, record))
}

async fn document(
    State(app): State<AppState>,
    Auth(s): Auth,
    UrlPath(n): UrlPath<usize>,
) -> Result<Html<String>, AppError> {
    let (hit, record) = hit_at(&app, n)?;
    let state = app.0.case.load()?;
    Ok(Html(pages::document(
        &pages::Ctx::new(&app, &s),
        &state,
        n,
        hit,
        record,
    )))
}

async fn document_pdf(
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

// ---------------------------------------------------------------- decisions

#[derive(Debug, Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    action: String,
    #[serde(default)]
    redaction: String,
    #[serde(default)]
    start: Option<usize>,
    #[serde(default)]
    end: Option<usize>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    note: String,
}

/// An exemption reason code and its legal basis.
pub const EXEMPTIONS: &[(&str, &str)] = &[
    ("legal-privilege", "DPA 2018 Sch 2 Pt 4 para 19"),
    ("crime-taxation", "DPA 2018 Sch 2 Pt 1 para 2"),
    ("confidential-reference", "DPA 2018 Sch 2 Pt 4 para 24"),
    ("management-forecast", "DPA 2018 Sch 2 Pt 4 para 22"),
    ("negotiations", "DPA 2018 Sch 2 Pt 4 para 23"),
    ("serious-harm-health", "DPA 2018 Sch 3 Pt 2 para 5"),
    ("serious-harm-social-work", "DPA 2018 Sch 3 Pt 3 para 10"),
];

fn legal_basis_of(code: &str) -> Option<&'static str> {
    EXEMPTIONS.iter().find(|(c, _)| *c == code).map(|(_, b)| *b)
}

fn checked_span(
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

async fn decide(
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
                "third_party".to_owned()
            } else {
                f.category.clone()
            };
            Decision::AddRedaction {
                record: id.clone(),
                span,
                category,
                reason_code: "third-party".into(),
                legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
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
fn describe(d: &Decision) -> String {
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

async fn record_decision(
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
struct BulkForm {
    #[serde(default)]
    csrf: String,
    action: String,
    n: usize,
    redaction: String,
}

/// The normalised text of a redaction (its "party" for bulk actions).
fn party_key(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn bulk(
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

async fn sign_off(
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

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/app.js"),
    )
}

/// Review progress: (records decided or high-confidence, total, needing review).
fn progress(app: &AppState, state: &CaseState) -> (usize, usize, usize) {
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

#[cfg(test)]
mod tests;
