//! Issue 23: at default verbosity `sarx index` over ../shared/corpus-real
//! prints its summary and unsearchable list (stdout) and, on stderr, only
//! sarx's own lines — no dependency's log lines (lopdf's notes on the
//! damaged PDFs of the corpus came through the `log` bridge). With `-v` the
//! dependencies' warnings are shown. Without the corpus it fails under CI and
//! prints "skipped" elsewhere.

use crate::common;

/// `s` without ANSI colour sequences (tracing colours its level names).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte (@ to ~).
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) && c != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The target of a tracing `fmt` line (`2026-01-01T00:00:00Z  WARN target: msg`).
fn tracing_target(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    let _time = words.next()?;
    let level = words.next()?;
    if !["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(&level) {
        return None;
    }
    words.next()?.strip_suffix(':')
}

/// A stderr line sarx writes itself: a message of the binary (`sarx: …`,
/// `sarx index: …`, the panic hook's) or a tracing line of a `sarx*` target.
/// Anything else — a tracing line of another target, or text a dependency
/// printed — is a dependency's line.
fn is_sarx_line(line: &str) -> bool {
    line.starts_with("sarx: ")
        || line.starts_with("sarx index: ")
        || tracing_target(line).is_some_and(|t| t.starts_with("sarx"))
}

fn index(root: &std::path::Path, verbose: bool) -> (String, String) {
    let idx = tempfile::tempdir().unwrap();
    let mut cmd = common::sarx();
    cmd.env_remove("SARX_LOG").arg("index");
    if verbose {
        cmd.arg("-v");
    }
    let out = cmd
        .args(["--threads", "2", "--shard", "real", "--index"])
        .arg(idx.path())
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = strip_ansi(&String::from_utf8_lossy(&out.stderr));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        out.status
    );
    (stdout, stderr)
}

#[test]
fn default_stderr_of_index_has_no_dependency_lines() {
    let test = "default_stderr_of_index_has_no_dependency_lines";
    let Some(root) = common::shared(test, "corpus-real") else {
        return;
    };
    let (stdout, stderr) = index(&root, false);
    // The summary and the unsearchable list.
    assert!(stdout.starts_with("shard real "), "{stdout}");
    assert!(stdout.contains("\nfiles: "), "{stdout}");
    assert!(stdout.contains("\nunsearchable: "), "{stdout}");
    let root_s = root.to_string_lossy();
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&format!("  {root_s}/"))),
        "no unsearchable entry listed: {stdout}"
    );
    let foreign: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !is_sarx_line(l))
        .collect();
    assert!(
        foreign.is_empty(),
        "{} stderr line(s) not from sarx, first: {:#?}",
        foreign.len(),
        &foreign[..foreign.len().min(10)]
    );
    // No panic either (the XLSB of the corpus used to make calamine panic).
    assert!(!stderr.contains("internal component failed"), "{stderr}");
}

/// `-v` shows the dependencies' warnings: the filter hides them at default
/// verbosity, they are not gone.
#[test]
fn verbose_index_shows_dependency_warnings() {
    let test = "verbose_index_shows_dependency_warnings";
    let Some(root) = common::shared(test, "corpus-real") else {
        return;
    };
    let (_, stderr) = index(&root, true);
    assert!(
        stderr
            .lines()
            .any(|l| tracing_target(l).is_some_and(|t| t.starts_with("lopdf"))),
        "no lopdf line with -v: {stderr}"
    );
}

#[test]
fn the_line_classifier() {
    assert!(is_sarx_line("sarx: warning: 3 entries of this index ..."));
    assert!(is_sarx_line(
        "2026-12-07T14:00:00.000000Z  WARN sarx_index::writer: shard held"
    ));
    assert!(!is_sarx_line(
        "2026-12-07T14:00:00.000000Z  WARN lopdf::object: font"
    ));
    assert!(!is_sarx_line("Error: xref recovery"));
    assert_eq!(strip_ansi("\u{1b}[33m WARN\u{1b}[0m x"), " WARN x");
}
