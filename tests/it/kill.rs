//! Kills at any point leave what sarx stores usable (issue 23): `sarx
//! index` started at once after a SIGKILL succeeds; a killed `sarx case
//! open` leaves no case or a whole one; a killed `sarx bundle` leaves no
//! bundle or a whole one that verifies.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sarx_case::CaseDir;

use crate::common::{self, run, sarx};
use crate::index_sigkill::{sarx_index, write_corpus};

/// Starts `c`, kills it (SIGKILL) after `delay` if it is still running;
/// true when it was killed.
fn kill_after(c: &mut Command, delay: Duration) -> bool {
    let mut child = c
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    killed
}

#[test]
fn index_runs_at_once_after_a_sigkill_twenty_times() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    write_corpus(&root);
    let idx = dir.path().join("idx");
    let t = Instant::now();
    let status = sarx_index(&idx, &root).status().unwrap();
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    let clean = t.elapsed();
    let mut killed = 0;
    for i in 0..20u32 {
        // Re-extract everything, so that there is work to kill.
        let mut c = sarx_index(&idx, &root);
        c.arg("--force");
        let delay = clean.mul_f64(0.1 + 0.03 * f64::from(i % 10));
        if kill_after(&mut c, delay.max(Duration::from_millis(30))) {
            killed += 1;
        }
        // At once: the killed process may still hold the shard's lock.
        let status = sarx_index(&idx, &root).status().unwrap();
        assert!(
            matches!(status.code(), Some(0 | 1)),
            "try {i}: the run right after a SIGKILL failed: {status:?}"
        );
    }
    assert!(killed >= 10, "only {killed} of 20 runs were killed mid-way");
}

#[test]
fn a_killed_case_open_or_bundle_leaves_nothing_or_a_whole_one() {
    let t = tempfile::tempdir().unwrap();
    let common::Indexed { fx, idx, truth } = common::indexed_fixtures(t.path());
    let subject = truth.subjects.first().unwrap();
    let org = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/org/flagship.toml");
    let open = |case: &Path| {
        let mut c = sarx();
        c.args(["case", "open"])
            .arg(case)
            .arg("--index")
            .arg(&idx)
            .arg("--subject")
            .arg(fx.join(&subject.profile))
            .args(["--received", "2025-03-31", "--rules-only", "--org"])
            .arg(&org);
        c
    };

    // A clean run sets the kill points.
    let reference = t.path().join("case-ref");
    let t0 = Instant::now();
    let (code, out) = run(&mut open(&reference));
    assert_eq!(code, 0, "{out}");
    let clean = t0.elapsed();
    for (i, f) in [0.05, 0.2, 0.4, 0.6, 0.8, 0.95].into_iter().enumerate() {
        let case = t.path().join(format!("case-{i}"));
        kill_after(&mut open(&case), clean.mul_f64(f));
        if case.join("state.json").exists() {
            // A case is there: all of it loads.
            let c = CaseDir::open(&case).unwrap();
            c.load().unwrap();
            c.hits().unwrap();
            c.plans().unwrap();
            c.records().unwrap();
            c.unsearchable().unwrap();
        } else {
            // No case yet: opening it again works.
            assert!(CaseDir::open(&case).is_err());
            let (code, out) = run(&mut open(&case));
            assert_eq!(code, 0, "kill point {f}: reopening failed: {out}");
        }
    }

    let bundle = |out: &Path| {
        let mut c = sarx();
        c.args(["bundle", "--case"])
            .arg(&reference)
            .arg("--out")
            .arg(out);
        c
    };
    let whole = t.path().join("whole.zip");
    let t0 = Instant::now();
    let (code, out) = run(&mut bundle(&whole));
    assert!(code <= 1, "{out}");
    let clean = t0.elapsed();
    let mut seen_none = false;
    for (i, f) in [0.1, 0.3, 0.5, 0.7, 0.9, 0.98].into_iter().enumerate() {
        let zip = t.path().join(format!("b-{i}.zip"));
        kill_after(&mut bundle(&zip), clean.mul_f64(f));
        if zip.exists() {
            let (code, out) = run(sarx().arg("verify").arg(&zip).arg("--case").arg(&reference));
            assert_eq!(
                code, 0,
                "kill point {f}: the bundle left does not verify: {out}"
            );
        } else {
            seen_none = true;
        }
    }
    assert!(seen_none, "no bundle run was killed before it finished");
}

/// One HTTP/1.1 request over a fresh connection: status, `Set-Cookie`
/// values (`name=value`) and body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: &str,
) -> std::io::Result<(u16, Vec<String>, String)> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            form.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(form);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let cookies = head
        .lines()
        .filter_map(|l| l.strip_prefix("set-cookie: "))
        .filter_map(|c| c.split(';').next())
        .map(str::to_owned)
        .collect();
    Ok((status, cookies, body.to_owned()))
}

/// Logs `user` in; the session cookie and the CSRF token of document 0.
fn log_in(addr: &str, user: &str, password: &str) -> (String, String) {
    let (_, cookies, _) = http(addr, "GET", "/login", "", "").unwrap();
    let login = cookies
        .into_iter()
        .find(|c| c.starts_with("sarx_login="))
        .unwrap();
    let token = login.trim_start_matches("sarx_login=").to_owned();
    let form = format!("user={user}&password={password}&csrf={token}");
    let (status, cookies, _) = http(addr, "POST", "/login", &login, &form).unwrap();
    assert_eq!(status, 303, "login failed");
    let session = cookies
        .into_iter()
        .find(|c| c.starts_with("sarx_session=") && c.len() > "sarx_session=".len())
        .unwrap();
    let (_, _, body) = http(addr, "GET", "/documents/0", &session, "").unwrap();
    let csrf = body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    (session, csrf)
}

#[test]
fn a_review_server_killed_while_deciding_leaves_a_case_that_loads() {
    use std::io::{BufRead, BufReader};
    let t = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sample = root.join("fixtures/sample");
    let idx = t.path().join("idx");
    let case = t.path().join("case");
    let users = t.path().join("users.json");
    let (code, out) = run(sarx()
        .args(["index", "-q", "--index"])
        .arg(&idx)
        .arg(sample.join("corpus")));
    assert!(code <= 1, "{out}");
    let (code, out) = run(sarx()
        .args(["case", "open"])
        .arg(&case)
        .arg("--index")
        .arg(&idx)
        .arg("--subject")
        .arg(sample.join("subjects/okafor.toml"))
        .args(["--received", "2026-11-02", "--rules-only"]));
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(sarx()
        .args(["user", "add", "casey", "--role", "caseworker", "--users"])
        .arg(&users)
        .env("SARX_PASSWORD", "caseworker-pass-1"));
    assert_eq!(code, 0, "{out}");

    let mut decided = 0;
    for (round, delay_ms) in [150u64, 400, 90, 700, 250].into_iter().enumerate() {
        let mut child = sarx()
            .arg("review")
            .arg(&case)
            .args(["--port", "0", "--users"])
            .arg(&users)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Some(addr) = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .map(|a| a.trim_end_matches('/').to_owned())
        else {
            let _ = child.kill();
            panic!("round {round}: the server did not start: {line:?}");
        };
        let (session, csrf) = log_in(&addr, "casey", "caseworker-pass-1");
        // Decide as fast as the server answers, until it is killed.
        let poster = std::thread::spawn(move || {
            let mut n = 0u32;
            let form = format!("csrf={csrf}&action=not_about");
            while let Ok((303, _, _)) = http(&addr, "POST", "/documents/0/decide", &session, &form)
            {
                n += 1;
            }
            n
        });
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let answered = poster.join().unwrap();
        // The case loads, with every decision the server answered for.
        let c = CaseDir::open(&case).unwrap();
        let state = c.load().unwrap();
        assert!(
            state.decisions.len() >= decided + answered as usize,
            "round {round}: {} decisions saved, {} before and {answered} answered",
            state.decisions.len(),
            decided
        );
        decided = state.decisions.len();
    }
    assert!(decided > 0, "no decision was made");
    // The audit log is whole: the next `sarx review` will serve the case.
    let (code, out) = run(sarx().args(["case", "audit"]).arg(&case).arg("--verify"));
    assert_eq!(code, 0, "{out}");
}
