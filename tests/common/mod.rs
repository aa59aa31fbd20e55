//! Helpers shared by the root integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

/// The `sarx` binary under test.
pub fn sarx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sarx"))
}

/// Runs `c`; exit code and stdout + stderr.
pub fn run(c: &mut Command) -> (i32, String) {
    let o = c.output().unwrap();
    let mut s = String::from_utf8_lossy(&o.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), s)
}

/// True when running under CI (`CI=true`), where a missing dependency is a
/// failure rather than a skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// True when the person-name model is installed. When it is not: under CI
/// the test fails (setup must have installed it); elsewhere it prints
/// "skipped" and the caller returns.
pub fn needs_model(test: &str) -> bool {
    let inst = sarx_ner::check(&sarx_ner::default_dir());
    if inst.is_complete() {
        return true;
    }
    let msg = format!(
        "{test}: the person-name model is not installed in {} (missing {}); run `{}`",
        inst.dir.display(),
        inst.missing.join(", "),
        sarx_ner::SETUP_COMMAND
    );
    if under_ci() {
        panic!("{msg}");
    }
    eprintln!("skipped: {msg}");
    false
}

/// The loaded person-name model (call [`needs_model`] first).
pub fn model() -> Arc<sarx_ner::Ner> {
    Arc::new(sarx_ner::Ner::load(&sarx_ner::default_dir(), 2).unwrap())
}

/// `../shared` beside the project root, when present; under CI its absence
/// fails the test, elsewhere the test prints "skipped" and the caller
/// returns.
pub fn shared(test: &str, sub: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(sub);
    if p.exists() {
        return Some(p);
    }
    let msg = format!("{test}: ../shared/{sub} is absent");
    if under_ci() {
        panic!("{msg}");
    }
    eprintln!("skipped: {msg}");
    None
}
