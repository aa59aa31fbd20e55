//! Helpers shared by the root integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

/// The `sarx` binary under test.
pub fn sarx() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sarx"))
}

/// Runs `sarx ARGS` to completion.
pub fn sarx_output(args: &[&str]) -> std::process::Output {
    sarx().args(args).output().expect("run sarx")
}

/// Runs `sarx ARGS`; exit code, stdout and stderr.
pub fn sarx_text(args: &[&str]) -> (i32, String, String) {
    let out = sarx_output(args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `c`; exit code and stdout + stderr.
pub fn run(c: &mut Command) -> (i32, String) {
    let o = c.output().unwrap();
    let mut s = String::from_utf8_lossy(&o.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), s)
}

/// The first generated organisation (seed 7) and its index, in `dir`.
pub struct Indexed {
    /// The generated fixtures (`corpus/`, `truth.json`, `staff.csv`,
    /// subject profiles).
    pub fx: PathBuf,
    /// The index of `fx/corpus`.
    pub idx: PathBuf,
    /// The ground truth.
    pub truth: sarx_fixtures::Truth,
}

/// Generates the first fixture organisation with seed 7 in `dir/fx` and
/// indexes it into `dir/idx` (exit 0 or 1: the corpus holds files that
/// cannot be searched on purpose).
pub fn indexed_fixtures(dir: &std::path::Path) -> Indexed {
    let fx = dir.join("fx");
    sarx_fixtures::generate(
        &fx,
        &sarx_fixtures::Config {
            seed: 7,
            size_mb: None,
        },
    )
    .unwrap();
    let truth = serde_json::from_slice(&std::fs::read(fx.join("truth.json")).unwrap()).unwrap();
    let idx = dir.join("idx");
    let (code, out) = run(sarx()
        .args(["index", "-q", "--index"])
        .arg(&idx)
        .arg(fx.join("corpus")));
    assert!(code <= 1, "index: {out}");
    Indexed { fx, idx, truth }
}

/// True when running under CI (`CI=true`), where a missing dependency is a
/// failure rather than a skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reports that `test` cannot run because `what` is missing: under CI it
/// fails (setup must have provided it); elsewhere it prints
/// "skipped: <test>: <what>" and the caller returns.
pub fn missing(test: &str, what: &str) {
    let msg = format!("{test}: {what}");
    if under_ci() {
        panic!("{msg}");
    }
    eprintln!("skipped: {msg}");
}

/// True when every program of `tools` is on PATH. When one is not: under CI
/// the test fails, elsewhere it prints "skipped" and the caller returns.
/// Tests never install anything: `scripts/setup.sh` does.
pub fn needs_tools(test: &str, tools: &[&str]) -> bool {
    let absent: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            !Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {t}"))
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if absent.is_empty() {
        return true;
    }
    missing(
        test,
        &format!(
            "{} not on PATH (scripts/setup.sh installs it)",
            absent.join(", ")
        ),
    );
    false
}

/// True when the person-name model is installed. When it is not: under CI
/// the test fails (setup must have installed it); elsewhere it prints
/// "skipped" and the caller returns.
pub fn needs_model(test: &str) -> bool {
    let inst = sarx_ner::check(&sarx_ner::default_dir());
    if inst.is_complete() {
        return true;
    }
    missing(
        test,
        &format!(
            "the person-name model is not installed in {} (missing {}); run `{}`",
            inst.dir.display(),
            inst.missing.join(", "),
            sarx_ner::SETUP_COMMAND
        ),
    );
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
    missing(test, &format!("../shared/{sub} is absent"));
    None
}
