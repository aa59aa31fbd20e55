//! Running a program with input on stdin, its output collected, and a time
//! limit after which it is killed.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

/// How often a running program is checked.
const POLL: Duration = Duration::from_millis(20);

/// Runs `program args`, writing `input` to its stdin; its stdout, or an
/// error when it fails, cannot be started or outlives `timeout`. Stderr is
/// discarded (tesseract writes warnings about the image there, which can
/// quote nothing of its text).
pub(crate) fn run(
    program: &Path,
    args: &[&str],
    input: &[u8],
    timeout: Duration,
    name: &'static str,
) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        program: name,
        source,
    };
    let mut child = Command::new(program)
        .args(args)
        // One thread per process: sarx runs one on each extraction worker,
        // and Tesseract's OpenMP threads on top would oversubscribe the
        // cores (Tesseract's documentation advises this for parallel runs).
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotInstalled { program: name },
            _ => io(e),
        })?;
    // Writer and reader on their own threads, so neither pipe fills up
    // while the other is waited on.
    let stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin {
            // A program that exits early closes the pipe: not an error here,
            // its exit status says what happened.
            let _ = s.write_all(&input);
        }
    });
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(mut s) = stdout {
            let _ = s.read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(io)? {
            Some(status) => break status,
            None if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                // The pipe threads end when the pipes close (a grandchild
                // may hold them open): not waited for.
                drop((writer, reader));
                return Err(Error::Timeout {
                    program: name,
                    seconds: timeout.as_secs(),
                });
            }
            None => std::thread::sleep(POLL),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(Error::Failed {
            program: name,
            status: status.code().unwrap_or(-1),
        });
    }
    Ok(out)
}

/// Runs `program args` without input and returns stdout and stderr as text
/// (`--version` and `--list-langs` write to either, by version).
pub(crate) fn output(program: &Path, args: &[&str], name: &'static str) -> Result<String, Error> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::NotInstalled { program: name },
            _ => Error::Io {
                program: name,
                source: e,
            },
        })?;
    let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
    s.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_timeout_and_failure() {
        let sh = Path::new("sh");
        let out = run(sh, &["-c", "cat"], b"hello", Duration::from_secs(10), "sh").unwrap();
        assert_eq!(out, b"hello");
        let e = run(
            sh,
            &["-c", "sleep 5"],
            b"",
            Duration::from_millis(100),
            "sh",
        )
        .unwrap_err();
        assert!(matches!(e, Error::Timeout { .. }), "{e}");
        let e = run(sh, &["-c", "exit 3"], b"", Duration::from_secs(10), "sh").unwrap_err();
        assert!(matches!(e, Error::Failed { status: 3, .. }), "{e}");
        let e = run(
            Path::new("/nonexistent/sarx-no-such-program"),
            &[],
            b"",
            Duration::from_secs(1),
            "x",
        )
        .unwrap_err();
        assert!(matches!(e, Error::NotInstalled { .. }), "{e}");
    }
}
