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
//! (`HttpOnly; SameSite=Strict`) whose session ends after 30 idle minutes
//! and 12 hours in all ([`Limits`]), login throttling (after 5 failed
//! logins for a user name within 15 minutes, that name is refused for 15
//! minutes), a CSRF token checked on every state-changing request, a strict
//! Content-Security-Policy and the other security headers, per-request
//! authorisation (only an approver signs off), the audit log's hash chain
//! verified before the page is served (a broken chain is refused unless
//! [`OpenOptions::allow_broken_audit`]), and no route that maps a request
//! path to a file: documents are addressed by their position in the case's
//! hit list.
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
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use sarx_case::{CaseDir, CaseState, Hit, RecordPlan, Redaction};
use sarx_model::{Record, RecordId, Unsearchable};
use serde::Deserialize;

pub mod audit;
mod auth;
mod decisions;
mod error;
#[doc(hidden)]
pub mod fuzz;
mod pages;
mod pageview;
pub mod users;
mod views;

use auth::{login, login_page, logout};
use decisions::{bulk, decide, sign_off};
use error::not_found;
use views::{
    css, document, document_page, document_pdf, documents, js, overview, progress, ListQuery,
};

use users::Role;

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
    /// When the user logged in.
    started: Instant,
    /// The last request of the session.
    seen: Instant,
}

/// How long a session lasts and how failed logins are throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after login, however busy.
    pub absolute: Duration,
    /// Failed logins for one user name, within `lockout`, before the name
    /// is refused.
    pub max_failures: u32,
    /// How long failures count, and how long a name is then refused.
    pub lockout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
        }
    }
}

/// How the review server opens a case.
#[derive(Clone, Default)]
pub struct OpenOptions {
    /// Renders a record's PDF preview (the bundle's renderer).
    pub pdf: Option<PdfPreview>,
    /// Session and login limits.
    pub limits: Limits,
    /// Serve even when the audit log's hash chain is broken (the breach is
    /// then for the case owner to investigate; every new entry still
    /// links to the last one).
    pub allow_broken_audit: bool,
}

/// Failed logins of one user name.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    first: Instant,
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
    failures: Mutex<HashMap<String, Failures>>,
    limits: Limits,
    audit: audit::AuditLog,
    data: CaseData,
    pdf: Option<PdfPreview>,
    views: pageview::Cache,
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
        Self::open_with(
            case_dir,
            users_path,
            OpenOptions {
                pdf,
                ..OpenOptions::default()
            },
        )
    }

    /// Opens the case with `options`. The audit log's hash chain is
    /// verified first: a broken chain is an error unless
    /// `options.allow_broken_audit`.
    pub fn open_with(
        case_dir: &Path,
        users_path: &Path,
        options: OpenOptions,
    ) -> Result<AppState, Error> {
        if let audit::Verification::Broken { line, reason } = audit::verify(case_dir)? {
            if options.allow_broken_audit {
                tracing::warn!(line, "serving a case whose audit log is broken");
            } else {
                return Err(Error::Audit(format!(
                    "the hash chain is broken at line {line} ({reason}); \
                     `sarx case audit --verify` shows it; serve anyway only with \
                     --allow-broken-audit"
                )));
            }
        }
        let pdf = options.pdf;
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
        let audit = if options.allow_broken_audit {
            let log = audit::AuditLog::open_accepting_breaks(case_dir)?;
            log.append("", "audit.served_broken", "", "", "")?;
            log
        } else {
            audit::AuditLog::open(case_dir)?
        };
        Ok(AppState(Arc::new(Inner {
            case,
            users_path: users_path.to_path_buf(),
            sessions: Mutex::new(HashMap::new()),
            failures: Mutex::new(HashMap::new()),
            limits: options.limits,
            audit,
            data: CaseData {
                hits,
                records,
                plans,
                unsearchable,
                subject_name,
            },
            pdf,
            views: pageview::Cache::default(),
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
        .route("/documents/{n}/pages/{p}", get(document_page))
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
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    res
}

#[cfg(test)]
mod tests;
