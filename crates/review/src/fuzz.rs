//! The request decoders of the review page, driven from raw bytes by the
//! fuzz target `review_forms` (`fuzz/`). Not part of the API.
//!
//! Each form goes through the same axum extractor its handler takes
//! (`Form<DecideForm>`, `Form<BulkForm>`, `Form<LoginForm>`,
//! `Form<CsrfForm>`, `Query<ListQuery>`), then through the checks the
//! handler runs on the decoded values before it touches the case
//! (`form_spans`, `occurrences`, `legal_basis_of`, `party_key`, the CSRF comparison), and
//! the same bytes as a `Cookie` header through the session-cookie lookup.

use axum::body::Body;
use axum::extract::{Form, FromRequest, Query};
use axum::http::{header, HeaderMap, HeaderValue, Request, Uri};
use sarx_model::{Kind, Record};
use serde::de::DeserializeOwned;

use crate::auth::{check_csrf, cookie, CsrfForm, LoginForm, SESSION_COOKIE};
use crate::decisions::{form_spans, legal_basis_of, occurrences, party_key, BulkForm, DecideForm};
use crate::users::Role;
use crate::views::ListQuery;
use crate::Session;

thread_local! {
    static RUNTIME: Option<tokio::runtime::Runtime> =
        tokio::runtime::Builder::new_current_thread().build().ok();
}

fn form<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let req = Request::post("/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_vec()))
        .ok()?;
    RUNTIME.with(|rt| {
        rt.as_ref()?
            .block_on(Form::<T>::from_request(req, &()))
            .ok()
            .map(|Form(f)| f)
    })
}

/// Decodes `bytes` as every form body, query string and cookie header the
/// review page reads, and runs the handlers' checks on what decodes.
/// Returns how many decoders accepted the input (for the fuzzer's use only).
#[doc(hidden)]
pub fn decode_all(bytes: &[u8]) -> usize {
    let mut accepted = 0;
    let mut record = Record::new("share/letter.txt", "", Kind::Text);
    record.text = "Dear Ms Ashworth, about flat 3 — £120 café rent.".to_owned();
    let session = Session {
        user: "caseworker".into(),
        role: Role::Caseworker,
        csrf: "00ff".repeat(16),
        started: std::time::Instant::now(),
        seen: std::time::Instant::now(),
    };
    if let Some(f) = form::<DecideForm>(bytes) {
        accepted += 1;
        let _ = check_csrf(&session, &f.csrf);
        let _ = form_spans(&record, &f);
        let _ = occurrences(&record.text, &party_key(&f.note));
        let _ = legal_basis_of(&f.code);
        let _ = (
            f.action.len(),
            f.redaction.len(),
            f.category.len(),
            f.note.len(),
        );
    }
    if let Some(f) = form::<BulkForm>(bytes) {
        accepted += 1;
        let _ = check_csrf(&session, &f.csrf);
        let _ = (party_key(&f.redaction), f.action.len(), f.n);
    }
    if let Some(f) = form::<LoginForm>(bytes) {
        accepted += 1;
        let _ = (f.user.trim().len(), f.password.len(), f.csrf.len());
    }
    if let Some(f) = form::<CsrfForm>(bytes) {
        accepted += 1;
        let _ = check_csrf(&session, &f.csrf);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        if let Ok(uri) = format!("/documents?{s}").parse::<Uri>() {
            if let Ok(Query(q)) = Query::<ListQuery>::try_from_uri(&uri) {
                accepted += 1;
                let _ = (q.band.len(), q.kind.len(), q.state.len(), q.q.len());
            }
        }
    }
    if let Ok(v) = HeaderValue::from_bytes(bytes) {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, v);
        if cookie(&headers, SESSION_COOKIE).is_some() {
            accepted += 1;
        }
    }
    accepted
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_decide_form_decodes_through_the_handlers_extractor() {
        // Decide, CSRF-only and the list query accept it; bulk and login
        // lack required fields.
        assert_eq!(super::decode_all(b"action=add&start=3&end=9&csrf=x"), 3);
        // Of noise, only the CSRF-only form (every field has a default);
        // it is not UTF-8, so no query or cookie.
        assert_eq!(super::decode_all(b"\xff\xfe"), 1);
    }
}
