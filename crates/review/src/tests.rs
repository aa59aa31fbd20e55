//! Handler tests: the app is driven with `oneshot`, no socket.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use sarx_case::{CaseDir, CaseState, Decision, Evidence, Hit, OrgProfile, RecordPlan, Redaction};
use sarx_model::plan::Category;
use sarx_model::{Kind, Record, Span};
use tower::ServiceExt;

use super::*;
use crate::auth::{LOGIN_COOKIE, SESSION_COOKIE};
use crate::users::Users;

const TEXT: &str = "Dear Margaret Okafor, your neighbour Janet Smith (07700 900123) complained.";

struct Fixture {
    _dir: tempfile::TempDir,
    app: AppState,
    case: PathBuf,
    users: PathBuf,
}

/// A planned third-party redaction of bytes `s..e`.
fn red(id: &str, s: usize, e: usize, category: Category) -> Redaction {
    Redaction {
        id: id.into(),
        span: Span::new(s, e),
        category,
        reason_code: "third-party".into(),
        legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
        confidence: 0.9,
        recogniser: "test".into(),
        party: String::new(),
    }
}

/// A users file in `dir` with casey (caseworker) and april (approver).
fn users_file(dir: &Path) -> PathBuf {
    let users_path = dir.join("users.json");
    let mut users = Users::load(&users_path).unwrap();
    users
        .add("casey", Role::Caseworker, "caseworker-password")
        .unwrap();
    users
        .add("april", Role::Approver, "approver-password")
        .unwrap();
    users.save().unwrap();
    users_path
}

fn fixture() -> Fixture {
    fixture_with(Limits::default())
}

fn fixture_with(limits: Limits) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let users_path = users_file(dir.path());

    let mut record = Record::new("share/asb/letter.txt", "", Kind::Text);
    record.title = "ASB letter".into();
    record.text = TEXT.into();
    let start = TEXT.find("Janet Smith").unwrap();
    let pstart = TEXT.find("07700").unwrap();
    let hit = Hit {
        record: record.id.clone(),
        source: record.source.clone(),
        locator: String::new(),
        kind: Kind::Text,
        confidence: 0.6,
        evidence: vec![Evidence {
            kind: "name".into(),
            span: Span::new(5, 20),
        }],
    };
    let mut plans = BTreeMap::new();
    plans.insert(
        record.id.clone(),
        RecordPlan {
            record_id: record.id.clone(),
            redactions: vec![
                red(
                    "r1",
                    start,
                    start + "Janet Smith".len(),
                    Category::ThirdPartyName,
                ),
                red(
                    "r2",
                    pstart,
                    pstart + "07700 900123".len(),
                    Category::ThirdPartyContact,
                ),
            ],
            ..RecordPlan::default()
        },
    );
    let org: OrgProfile = toml::from_str("[controller]\nname = \"Example Homes\"\n").unwrap();
    let received = jiff::civil::date(2026, 11, 2);
    let state = CaseState::new("T1", received, "name = \"Margaret Okafor\"\n", org);
    CaseDir::create(&case, &state, &[hit], &plans, &[record], &[]).unwrap();
    let options = OpenOptions {
        limits,
        ..OpenOptions::default()
    };
    let app = AppState::open_with(&case, &users_path, options).unwrap();
    Fixture {
        _dir: dir,
        app,
        case,
        users: users_path,
    }
}

async fn send(app: &AppState, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = router(app.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::get(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

fn post(uri: &str, cookie: Option<&str>, form: &str) -> Request<Body> {
    let mut b =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(form.to_owned())).unwrap()
}

fn set_cookie_value(h: &axum::http::HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))
                .map(|r| r.split(';').next().unwrap_or("").to_owned())
        })
}

/// Logs in; returns the session cookie header value and the CSRF token.
/// The attribute value that follows the first `prefix` in `body`, up to
/// its closing quote.
fn quoted_after(body: &str, prefix: &str) -> String {
    body.split(prefix)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {prefix} in the page"))
        .to_owned()
}

async fn login_as(app: &AppState, user: &str, password: &str) -> (String, String) {
    let (_, h, _) = send(app, get("/login", None)).await;
    let token = set_cookie_value(&h, LOGIN_COOKIE).unwrap();
    let form = format!("user={user}&password={password}&csrf={token}");
    let (status, h, _) = send(
        app,
        post("/login", Some(&format!("{LOGIN_COOKIE}={token}")), &form),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "login failed");
    let sid = set_cookie_value(&h, SESSION_COOKIE).unwrap();
    let cookie = format!("{SESSION_COOKIE}={sid}");
    let (_, _, body) = send(app, get("/", Some(&cookie))).await;
    (cookie, quoted_after(&body, "name=\"csrf\" value=\""))
}

#[tokio::test]
async fn auth_is_required_everywhere() {
    let f = fixture();
    for uri in [
        "/",
        "/documents",
        "/documents/0",
        "/documents/0/preview.pdf",
    ] {
        let (status, h, _) = send(&f.app, get(uri, None)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(h.get(header::LOCATION).unwrap(), "/login");
        let (status, _, _) = send(&f.app, get(uri, Some("sarx_session=forged"))).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri} with a forged cookie");
    }
    for uri in ["/documents/0/decide", "/bulk", "/signoff", "/logout"] {
        let (status, _, _) = send(
            &f.app,
            post(uri, None, "csrf=x&action=confirm&n=0&redaction=r1"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{uri}");
    }
    // Nothing was decided.
    assert!(CaseDir::open(&f.case)
        .unwrap()
        .load()
        .unwrap()
        .decisions
        .is_empty());
}

#[tokio::test]
async fn wrong_password_is_refused_and_headers_are_strict() {
    let f = fixture();
    let (_, h, body) = send(&f.app, get("/login", None)).await;
    let csp = h
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"));
    assert!(!body.contains("<script>"), "no inline scripts");
    let token = set_cookie_value(&h, LOGIN_COOKIE).unwrap();
    let form = format!("user=casey&password=nope-nope-nope&csrf={token}");
    let (status, h, _) = send(
        &f.app,
        post("/login", Some(&format!("{LOGIN_COOKIE}={token}")), &form),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(set_cookie_value(&h, SESSION_COOKIE).is_none());
    // Login without the login-form token is refused.
    let (status, _, _) = send(
        &f.app,
        post(
            "/login",
            None,
            "user=casey&password=caseworker-password&csrf=",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn session_cookie_is_httponly_and_strict() {
    let f = fixture();
    let (_, h, _) = send(&f.app, get("/login", None)).await;
    let token = set_cookie_value(&h, LOGIN_COOKIE).unwrap();
    let form = format!("user=casey&password=caseworker-password&csrf={token}");
    let (_, h, _) = send(
        &f.app,
        post("/login", Some(&format!("{LOGIN_COOKIE}={token}")), &form),
    )
    .await;
    let raw = h
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(SESSION_COOKIE))
        .unwrap();
    assert!(
        raw.contains("HttpOnly") && raw.contains("SameSite=Strict"),
        "{raw}"
    );
}

#[tokio::test]
async fn csrf_is_enforced() {
    let f = fixture();
    let (cookie, csrf) = login_as(&f.app, "casey", "caseworker-password").await;
    let (status, _, _) = send(
        &f.app,
        post(
            "/documents/0/decide",
            Some(&cookie),
            "action=reject&redaction=r1",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(
        &f.app,
        post(
            "/documents/0/decide",
            Some(&cookie),
            "csrf=0000&action=reject&redaction=r1",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(CaseDir::open(&f.case)
        .unwrap()
        .load()
        .unwrap()
        .decisions
        .is_empty());
    let form = format!("csrf={csrf}&action=reject&redaction=r1");
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let st = CaseDir::open(&f.case).unwrap().load().unwrap();
    assert_eq!(st.decisions.len(), 1);
    assert_eq!(st.decisions[0].by, "casey");
    // The audit chain holds the login and the decision, and verifies.
    assert_eq!(
        audit::verify(&f.case).unwrap(),
        audit::Verification::Intact { entries: 2 }
    );
}

#[tokio::test]
async fn path_traversal_is_refused() {
    let f = fixture();
    let (cookie, _) = login_as(&f.app, "casey", "caseworker-password").await;
    for uri in [
        "/static/../state.json",
        "/static/..%2Fstate.json",
        "/documents/..%2F..%2Fstate.json",
        "/documents/%2e%2e/state.json",
        "/state.json",
        "/audit.jsonl",
        "/documents/99",
        "/documents/-1",
    ] {
        let (status, _, body) = send(&f.app, get(uri, Some(&cookie))).await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{uri}: {status}"
        );
        assert!(
            !body.contains("subject_toml"),
            "{uri} leaked the case state"
        );
    }
}

#[tokio::test]
async fn caseworker_cannot_sign_off_but_approver_can() {
    let f = fixture();
    let (cookie, csrf) = login_as(&f.app, "casey", "caseworker-password").await;
    let (status, _, _) = send(
        &f.app,
        post("/signoff", Some(&cookie), &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(CaseDir::open(&f.case)
        .unwrap()
        .load()
        .unwrap()
        .sign_off
        .is_none());

    let (cookie, csrf) = login_as(&f.app, "april", "approver-password").await;
    let (status, _, _) = send(
        &f.app,
        post("/signoff", Some(&cookie), &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let so = CaseDir::open(&f.case)
        .unwrap()
        .load()
        .unwrap()
        .sign_off
        .unwrap();
    assert_eq!(so.by, "april");
}

#[tokio::test]
async fn document_page_shows_plan_and_adds_a_selection() {
    let f = fixture();
    let (cookie, csrf) = login_as(&f.app, "casey", "caseworker-password").await;
    let (status, _, body) = send(&f.app, get("/documents/0", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Janet Smith") && body.contains("[REDACTED: third-party]"));
    // Add a redaction over "complained" (byte offsets), then the preview hides it.
    let s = TEXT.find("complained").unwrap();
    let form = format!(
        "csrf={csrf}&action=add&start={s}&end={}&category=third_party",
        s + 10
    );
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, body) = send(&f.app, get("/documents/0", Some(&cookie))).await;
    let preview = body
        .split("id=\"preview\">")
        .nth(1)
        .unwrap()
        .split("</pre>")
        .next()
        .unwrap();
    assert!(!preview.contains("complained"), "{preview}");
    // A selection off a character boundary or past the end is refused.
    let form = format!("csrf={csrf}&action=add&start=0&end={}", TEXT.len() + 5);
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn concurrent_decisions_are_not_lost() {
    let f = fixture();
    let (c1, t1) = login_as(&f.app, "casey", "caseworker-password").await;
    let (c2, t2) = login_as(&f.app, "april", "approver-password").await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (c, t) = if i % 2 == 0 {
            (c1.clone(), t1.clone())
        } else {
            (c2.clone(), t2.clone())
        };
        let app = f.app.clone();
        let action = if i % 3 == 0 { "reject" } else { "accept" };
        let rid = if i % 2 == 0 { "r1" } else { "r2" };
        tasks.push(tokio::spawn(async move {
            let form = format!("csrf={t}&action={action}&redaction={rid}");
            send(&app, post("/documents/0/decide", Some(&c), &form))
                .await
                .0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let st = CaseDir::open(&f.case).unwrap().load().unwrap();
    assert_eq!(st.decisions.len(), 10, "a decision was lost");
    let mut seqs: Vec<u64> = st.decisions.iter().map(|d| d.seq).collect();
    seqs.sort_unstable();
    seqs.dedup();
    assert_eq!(seqs.len(), 10);
}

#[tokio::test]
async fn bulk_accepts_every_redaction_of_one_party() {
    let f = fixture();
    let (cookie, csrf) = login_as(&f.app, "casey", "caseworker-password").await;
    let form = format!("csrf={csrf}&action=accept_party&n=0&redaction=r1");
    let (status, _, _) = send(&f.app, post("/bulk", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let st = CaseDir::open(&f.case).unwrap().load().unwrap();
    assert_eq!(st.decisions.len(), 1);
    assert!(
        matches!(&st.decisions[0].decision, Decision::AcceptRedaction { redaction, .. } if redaction == "r1")
    );
}

/// Posts a login form (with a fresh login token); returns the status.
async fn try_login(app: &AppState, user: &str, password: &str) -> StatusCode {
    let (_, h, _) = send(app, get("/login", None)).await;
    let token = set_cookie_value(&h, LOGIN_COOKIE).unwrap();
    let form = format!("user={user}&password={password}&csrf={token}");
    let (status, _, _) = send(
        app,
        post("/login", Some(&format!("{LOGIN_COOKIE}={token}")), &form),
    )
    .await;
    status
}

#[tokio::test]
async fn a_session_ends_when_idle_and_at_its_age_limit() {
    let f = fixture_with(Limits {
        idle: Duration::from_millis(300),
        ..Limits::default()
    });
    let (cookie, _) = login_as(&f.app, "casey", "caseworker-password").await;
    let (status, _, _) = send(&f.app, get("/documents", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK, "a busy session lives");
    std::thread::sleep(Duration::from_millis(400));
    let (status, h, _) = send(&f.app, get("/documents", Some(&cookie))).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "an idle session ends");
    assert_eq!(h.get(header::LOCATION).unwrap(), "/login");

    let f = fixture_with(Limits {
        absolute: Duration::from_millis(300),
        ..Limits::default()
    });
    let (cookie, _) = login_as(&f.app, "casey", "caseworker-password").await;
    for _ in 0..4 {
        std::thread::sleep(Duration::from_millis(100));
        let _ = send(&f.app, get("/documents", Some(&cookie))).await;
    }
    let (status, _, _) = send(&f.app, get("/documents", Some(&cookie))).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a session ends at its age limit"
    );
    let log = std::fs::read_to_string(f.case.join(audit::AUDIT_FILE)).unwrap();
    assert!(log.contains("session.expired"));
}

#[tokio::test]
async fn failed_logins_lock_the_name_out() {
    let f = fixture_with(Limits {
        max_failures: 3,
        ..Limits::default()
    });
    for _ in 0..3 {
        assert_eq!(
            try_login(&f.app, "casey", "wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The right password no longer opens the name…
    assert_eq!(
        try_login(&f.app, "casey", "caseworker-password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // …whatever its case, but another name still logs in.
    assert_eq!(
        try_login(&f.app, "CASEY", "caseworker-password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        try_login(&f.app, "april", "approver-password").await,
        StatusCode::SEE_OTHER
    );
    let log = std::fs::read_to_string(f.case.join(audit::AUDIT_FILE)).unwrap();
    assert!(log.contains("session.locked"));

    // Failures older than the lockout window no longer count.
    let f = fixture_with(Limits {
        max_failures: 2,
        lockout: Duration::from_millis(300),
        ..Limits::default()
    });
    for _ in 0..2 {
        try_login(&f.app, "casey", "wrong").await;
    }
    assert_eq!(
        try_login(&f.app, "casey", "caseworker-password").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        try_login(&f.app, "casey", "caseworker-password").await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_broken_audit_chain_is_refused_at_start() {
    let f = fixture();
    login_as(&f.app, "casey", "caseworker-password").await;
    login_as(&f.app, "april", "approver-password").await;
    let path = f.case.join(audit::AUDIT_FILE);
    let log = std::fs::read_to_string(&path).unwrap();
    assert!(log.lines().count() >= 2);
    // Remove the first entry: the chain no longer starts where it should.
    let rest: String = log.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, rest).unwrap();
    let refused = AppState::open(&f.case, &f.users);
    let Err(Error::Audit(msg)) = refused else {
        panic!("a broken chain was served");
    };
    assert!(msg.contains("--allow-broken-audit"), "{msg}");
    let allowed = OpenOptions {
        allow_broken_audit: true,
        ..OpenOptions::default()
    };
    assert!(AppState::open_with(&f.case, &f.users, allowed).is_ok());
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let f = fixture();
    let (cookie, _) = login_as(&f.app, "casey", "caseworker-password").await;
    for (uri, cookie) in [
        ("/login", None),
        ("/", Some(cookie.as_str())),
        ("/documents/0", Some(cookie.as_str())),
        ("/static/app.js", None),
        ("/no-such-page", None),
    ] {
        let (_, h, _) = send(&f.app, get(uri, cookie)).await;
        for (name, want) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-store"),
            ("x-frame-options", "SAMEORIGIN"),
            ("cross-origin-opener-policy", "same-origin"),
            ("cross-origin-resource-policy", "same-origin"),
        ] {
            assert_eq!(
                h.get(name).and_then(|v| v.to_str().ok()),
                Some(want),
                "{uri}: {name}"
            );
        }
        let csp = h
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for part in ["default-src 'none'", "script-src 'self'", "base-uri 'none'"] {
            assert!(csp.contains(part), "{uri}: CSP lacks {part}");
        }
        assert!(h.get("permissions-policy").is_some(), "{uri}");
    }
}

/// A case with a scanned page (an image with OCR word boxes, one planned
/// redaction over "Jo Smith") and a text record that also says "today".
fn page_fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("case");
    let users_path = users_file(dir.path());
    let png = dir.path().join("scan.png");
    image::GrayImage::from_pixel(400, 60, image::Luma([250]))
        .save(&png)
        .unwrap();
    let mut scan = Record::new(png.to_str().unwrap(), "", Kind::Image);
    scan.title = "Scan".into();
    scan.text = "Call Jo Smith today".into();
    for (i, (s, e)) in [(0, 4), (5, 7), (8, 13), (14, 19)].into_iter().enumerate() {
        scan.words.push(sarx_model::WordBox {
            span: Span::new(s, e),
            page: 1,
            x: 10 + 90 * i as u32,
            y: 20,
            w: 70,
            h: 20,
            conf: 95,
        });
    }
    let mut note = Record::new("share/note.txt", "", Kind::Text);
    note.title = "Note".into();
    note.text = "We spoke today, and again TODAY.".into();
    let hit = |r: &Record| Hit {
        record: r.id.clone(),
        source: r.source.clone(),
        locator: String::new(),
        kind: r.kind,
        confidence: 0.95,
        evidence: Vec::new(),
    };
    let mut plans = BTreeMap::new();
    plans.insert(
        scan.id.clone(),
        RecordPlan {
            record_id: scan.id.clone(),
            redactions: vec![red("r1", 5, 13, Category::ThirdPartyName)],
            ..RecordPlan::default()
        },
    );
    let org: OrgProfile = toml::from_str("[controller]\nname = \"Example Homes\"\n").unwrap();
    let state = CaseState::new(
        "T2",
        jiff::civil::date(2026, 11, 2),
        "name = \"Margaret Okafor\"\n",
        org,
    );
    let hits = [hit(&scan), hit(&note)];
    CaseDir::create(&case, &state, &hits, &plans, &[scan, note], &[]).unwrap();
    let app = AppState::open(&case, &users_path).unwrap();
    Fixture {
        _dir: dir,
        app,
        case,
        users: users_path,
    }
}

/// The rects of the box group of `rid` in a page view.
fn box_rects(body: &str, rid: &str) -> usize {
    body.split(&format!("data-rid=\"{rid}\""))
        .nth(1)
        .map(|g| {
            g.split("</g>")
                .next()
                .unwrap_or("")
                .matches("<rect")
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_scan_is_reviewed_on_its_page_image() {
    let f = page_fixture();
    let (cookie, csrf) = login_as(&f.app, "casey", "caseworker-password").await;
    let doc = |app: &AppState, q: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move { send(&app, get(&format!("/documents/0{q}"), Some(&cookie))).await }
    };
    let (status, _, body) = doc(&f.app, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<svg class=\"page\""), "no page view");
    assert!(body.contains("viewBox=\"0 0 400 60\""));
    assert_eq!(body.matches("class=\"w\"").count(), 4, "one rect per word");
    assert!(body.contains("class=\"box red proposed\" data-rid=\"r1\""));
    assert_eq!(box_rects(&body, "r1"), 2, "one box per redacted word");
    assert!(!body.contains("id=\"unplaced\""));
    // The page image is served as PNG; a page past the end is not found.
    let (status, h, _) = send(&f.app, get("/documents/0/pages/0", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.get(header::CONTENT_TYPE).unwrap(), "image/png");
    let (status, _, _) = send(&f.app, get("/documents/0/pages/1", Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&f.app, get("/documents/1/pages/0", Some(&cookie))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a text record has no pages");
    let (status, _, _) = send(&f.app, get("/documents/0/pages/0", None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "pages need a login");
    // The text view stays.
    let (_, _, text) = doc(&f.app, "?view=text").await;
    assert!(text.contains("id=\"text\"") && !text.contains("<svg class=\"page\""));

    // A click on the box rejects it; the box is then drawn as rejected.
    let form = format!("csrf={csrf}&action=reject&redaction=r1");
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, body) = doc(&f.app, "").await;
    assert!(body.contains("class=\"box red rejected\" data-rid=\"r1\""));

    // A drag over "Call" and "today" (two runs) adds two redactions, and
    // "every occurrence" adds the note's "today" and "TODAY" too.
    let form =
        format!("csrf={csrf}&action=add&start=&end=&spans=0-4,14-19&every=1&category=third_party");
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let state = CaseDir::open(&f.case).unwrap().load().unwrap();
    let added: Vec<(usize, usize, String)> = state
        .decisions
        .iter()
        .filter_map(|d| match &d.decision {
            Decision::AddRedaction { record, span, .. } => {
                Some((span.start, span.end, record.as_str().to_owned()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(added.len(), 4, "{added:?}");
    let note_spans: Vec<(usize, usize)> = added
        .iter()
        .filter(|(_, _, r)| *r != f.app.0.data.hits[0].record.as_str())
        .map(|(s, e, _)| (*s, *e))
        .collect();
    assert_eq!(note_spans, [(9, 14), (26, 31)], "whole words, case ignored");
    let (_, _, body) = doc(&f.app, "").await;
    assert_eq!(body.matches("class=\"box red added\"").count(), 2);
    let audit = std::fs::read_to_string(f.case.join("audit.jsonl")).unwrap();
    assert!(audit.contains("4 redactions in 2 records (every occurrence)"));
    assert!(!audit.contains("today"), "the audit log holds no text");

    // An added box can be removed by its id; an unknown id is refused.
    let d = quoted_after(&body, "class=\"box red added\" data-rid=\"");
    let form = format!("csrf={csrf}&action=reject&redaction={d}");
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, body) = doc(&f.app, "").await;
    assert_eq!(body.matches("class=\"box red added\"").count(), 1);
    let form = format!("csrf={csrf}&action=reject&redaction=d999");
    let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Malformed span lists are refused without a panic.
    for spans in ["4-0", "a-b", "0-400", "0-4,x", "-"] {
        let form = format!("csrf={csrf}&action=add&spans={spans}");
        let (status, _, _) = send(&f.app, post("/documents/0/decide", Some(&cookie), &form)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{spans}");
    }
}

#[tokio::test]
async fn a_page_document_whose_file_is_gone_falls_back_to_the_text_view() {
    let f = page_fixture();
    let png = f.app.0.data.hits[0].source.clone();
    // The page view is made on first view: remove the file before.
    std::fs::remove_file(&png).unwrap();
    let (cookie, _) = login_as(&f.app, "casey", "caseworker-password").await;
    let (status, _, body) = send(&f.app, get("/documents/0", Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("id=\"no-pages\"") && body.contains("the source file cannot be read"));
    assert!(body.contains("id=\"text\""));
}
