//! What a failed request shows the browser: a status and a generic
//! message; the detail goes to the server log only.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::{pages, Error};

/// An error shown to the browser: a status and a generic message; the
/// detail goes to the log only.
#[derive(Debug)]
pub(crate) enum AppError {
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

pub(crate) async fn not_found() -> AppError {
    AppError::NotFound
}
