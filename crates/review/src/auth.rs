//! Sessions and login: the session cookie, the `Auth` extractor that
//! every page and form takes, the CSRF check of state-changing forms, and
//! the login and logout handlers (login CSRF by a cookie set with the form).

use axum::extract::{Form, FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use std::time::Instant;

use rand::RngCore;
use serde::Deserialize;

use crate::error::AppError;
use crate::users::Users;
use crate::{pages, AppState, Failures, Session};

pub(crate) const SESSION_COOKIE: &str = "sarx_session";
pub(crate) const LOGIN_COOKIE: &str = "sarx_login";

pub(crate) fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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
pub(crate) struct Auth(pub(crate) Session);

impl<S> FromRequestParts<S> for Auth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
        let mut sessions = app
            .0
            .sessions
            .lock()
            .map_err(|_| AppError::Internal("session lock poisoned".into()))?;
        let limits = app.0.limits;
        let now = Instant::now();
        let session = sessions.get_mut(&token).ok_or(AppError::Unauthenticated)?;
        if now.duration_since(session.seen) > limits.idle
            || now.duration_since(session.started) > limits.absolute
        {
            let user = session.user.clone();
            sessions.remove(&token);
            drop(sessions);
            tracing::info!("a session expired");
            let _ = app.0.audit.append(&user, "session.expired", "", "", "");
            return Err(AppError::Unauthenticated);
        }
        session.seen = now;
        Ok(Auth(session.clone()))
    }
}

pub(crate) fn check_csrf(session: &Session, given: &str) -> Result<(), AppError> {
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

pub(crate) async fn login_page() -> Response {
    let token = random_token();
    let mut res = Html(pages::login(&token, None)).into_response();
    set_cookie(&mut res, LOGIN_COOKIE, &token, 600);
    res
}

pub(crate) fn set_cookie(res: &mut Response, name: &str, value: &str, max_age: u64) {
    let v = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}");
    if let Ok(hv) = HeaderValue::from_str(&v) {
        res.headers_mut().append(header::SET_COOKIE, hv);
    }
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    pub(crate) user: String,
    pub(crate) password: String,
    #[serde(default)]
    pub(crate) csrf: String,
}

pub(crate) async fn login(
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
    let name = f.user.trim().to_lowercase();
    if let Some(wait) = locked_out(&app, &name)? {
        tracing::info!("login refused: too many failed logins");
        let token = random_token();
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let mut res = (
            StatusCode::TOO_MANY_REQUESTS,
            Html(pages::login(
                &token,
                Some(&format!(
                    "Too many failed logins for this user name: try again in {minutes} minutes"
                )),
            )),
        )
            .into_response();
        set_cookie(&mut res, LOGIN_COOKIE, &token, 600);
        return Ok(res);
    }
    let users = Users::load(&app.0.users_path)?;
    let user = f.user.trim().to_owned();
    let password = f.password;
    let role = tokio::task::spawn_blocking(move || users.authenticate(&user, &password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(role) = role else {
        tracing::info!("failed login");
        count_failure(&app, &name)?;
        let token = random_token();
        let mut res = (
            StatusCode::UNAUTHORIZED,
            Html(pages::login(&token, Some("Wrong user name or password"))),
        )
            .into_response();
        set_cookie(&mut res, LOGIN_COOKIE, &token, 600);
        return Ok(res);
    };
    if let Ok(mut failures) = app.0.failures.lock() {
        failures.remove(&name);
    }
    let token = random_token();
    let now = Instant::now();
    let session = Session {
        user: f.user.trim().to_owned(),
        role,
        csrf: random_token(),
        started: now,
        seen: now,
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
    set_cookie(
        &mut res,
        SESSION_COOKIE,
        &token,
        app.0.limits.absolute.as_secs(),
    );
    set_cookie(&mut res, LOGIN_COOKIE, "", 0);
    Ok(res)
}

/// How long `name` is still refused, when it has failed too often.
fn locked_out(app: &AppState, name: &str) -> Result<Option<std::time::Duration>, AppError> {
    let limits = app.0.limits;
    let mut failures = app
        .0
        .failures
        .lock()
        .map_err(|_| AppError::Internal("login throttle lock poisoned".into()))?;
    let Some(f) = failures.get(name).copied() else {
        return Ok(None);
    };
    let since = f.first.elapsed();
    if since > limits.lockout {
        failures.remove(name);
        return Ok(None);
    }
    Ok((f.count >= limits.max_failures).then(|| limits.lockout - since))
}

/// Counts a failed login for `name`; the failure that reaches the limit is
/// audited.
fn count_failure(app: &AppState, name: &str) -> Result<(), AppError> {
    let limits = app.0.limits;
    let count = {
        let mut failures = app
            .0
            .failures
            .lock()
            .map_err(|_| AppError::Internal("login throttle lock poisoned".into()))?;
        let now = Instant::now();
        let f = failures.entry(name.to_owned()).or_insert(Failures {
            count: 0,
            first: now,
        });
        if now.duration_since(f.first) > limits.lockout {
            *f = Failures {
                count: 0,
                first: now,
            };
        }
        f.count += 1;
        f.count
    };
    if count == limits.max_failures {
        app.0
            .audit
            .append("", "session.locked", "", "too many failed logins", "")?;
    }
    Ok(())
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub(crate) csrf: String,
}

pub(crate) async fn logout(
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
