//! `sarx`: answers UK GDPR subject access requests.
//!
//! The binary is thin: it parses arguments, sets up logging and progress,
//! runs one subcommand and maps the outcome to an exit code. All logic lives
//! in the `crates/` libraries.
//!
//! Exit codes: 0 success; 1 finished, but with something the user must act
//! on (unsearchable files, a failed verification); 2 error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: indexing allocates and frees millions of small strings (tokens,
/// records, keys); glibc's allocator spent a tenth of the CPU time on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;

/// Answers UK GDPR subject access requests: index, find, redact, review, bundle.
#[derive(Debug, Parser)]
#[command(name = "sarx", version, about, propagate_version = true)]
struct Cli {
    /// More log output (-v: sarx at info and dependencies' warnings; -vv:
    /// debug). Personal data is only ever logged at trace level.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Crawl roots and build or update an index shard.
    Index(commands::index::Args),
    /// Show what an index holds, and what could not be searched.
    Status(commands::status::Args),
    /// Find every record about a data subject.
    Search(commands::search::Args),
    /// Open a case, show its status and deadline, stop or extend its clock.
    #[command(subcommand)]
    Case(commands::case::Command),
    /// Build the response bundle.
    Bundle(commands::bundle::Args),
    /// Check a bundle leaks nothing that was redacted.
    Verify(commands::verify::Args),
    /// Serve the caseworker review page on 127.0.0.1.
    Review(commands::review::Args),
    /// Manage review users.
    #[command(subcommand)]
    User(commands::user::Command),
}

impl Command {
    /// The subcommand as typed (`index`, `case open`), for messages.
    fn name(&self) -> &'static str {
        match self {
            Command::Index(_) => "index",
            Command::Status(_) => "status",
            Command::Search(_) => "search",
            Command::Case(c) => c.name(),
            Command::Bundle(_) => "bundle",
            Command::Verify(_) => "verify",
            Command::Review(_) => "review",
            Command::User(c) => c.name(),
        }
    }
}

/// What the panic hook prints: the command, and what becomes of the work.
/// A panic inside a format module (`extracting`) is caught by the extractor
/// and the file is reported; any other is a bug in sarx. Never the panic's
/// own message, which may quote an input file.
fn panic_message(command: &str, extracting: bool) -> String {
    if !extracting {
        return format!(
            "sarx {command}: an internal component failed (a bug in sarx; the location with -vv)"
        );
    }
    let outcome = if command == "index" {
        "the affected file is reported as unsearchable and indexing goes on"
    } else {
        "the affected file is treated as unreadable and the command goes on"
    };
    format!("sarx {command}: an internal component failed reading a file (the location with -vv); {outcome}")
}

/// The outcome of a subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked.
    Success,
    /// Finished, with something to act on (unsearchable files, failed verification).
    Attention,
    /// An error stopped the command.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        match s {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Attention => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

fn main() -> ExitCode {
    // Transparent huge pages cost more than they give here: the allocator
    // returns freed memory to the kernel and each fault back in zeroed a
    // whole 2 MiB page (a tenth of the system time of `sarx index`).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    // What sarx stores is private to its user whatever the umask: this
    // covers files that dependencies create (tantivy's segments); sarx's own
    // writes set 0700/0600 themselves (`sarx_model::private_fs`).
    #[cfg(target_os = "linux")]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let cli = Cli::parse();
    init_logging(cli.verbose);
    // A panic message can quote data from an input file, so it is kept out
    // of default output: the hook names the command and says what happens
    // next; the panic's location is logged at debug level (-vv), its
    // message (which may quote a file) at trace level only.
    let command = cli.command.name();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(at) = info.location() {
            tracing::debug!(file = at.file(), line = at.line(), "panic");
        }
        tracing::trace!(detail = %info, "panic");
        eprintln!("{}", panic_message(command, sarx_extract::extracting()));
    }));
    let result = match cli.command {
        Command::Index(a) => commands::index::run(a),
        Command::Status(a) => commands::status::run(a),
        Command::Search(a) => commands::search::run(a),
        Command::Case(c) => commands::case::run(c),
        Command::Bundle(a) => commands::bundle::run(a),
        Command::Verify(a) => commands::verify::run(a),
        Command::Review(a) => commands::review::run(a),
        Command::User(c) => commands::user::run(c),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitStatus::Success.into();
            }
            eprintln!("sarx: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitStatus::Error.into()
        }
    }
}

fn log_directives(verbose: u8) -> &'static str {
    match verbose {
        0 => "off,sarx=warn",
        1 => "warn,sarx=info",
        _ => "debug",
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Logging to stderr. At default verbosity only sarx's own crates log (at
/// `warn`; every target starting `sarx`): dependencies' log lines (lopdf's
/// notes on damaged PDFs, through the `log` bridge) are for `-v`, which
/// shows sarx at `info` and dependencies at `warn`; `-vv` is `debug` for all.
/// `SARX_LOG` (an `EnvFilter` directive) overrides.
fn init_logging(verbose: u8) {
    let default = log_directives(verbose);
    let filter = tracing_subscriber::EnvFilter::try_from_env("SARX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::panic_message;

    #[test]
    fn the_panic_message_names_the_command_and_the_file_only_inside_extraction() {
        let m = panic_message("index", true);
        assert!(
            m.starts_with("sarx index: an internal component failed"),
            "{m}"
        );
        assert!(m.contains("reported as unsearchable"), "{m}");
        for cmd in ["bundle", "review", "case open", "index"] {
            let m = panic_message(cmd, false);
            assert!(m.starts_with(&format!("sarx {cmd}: ")), "{m}");
            assert!(!m.contains("file"), "{m}");
        }
        let m = panic_message("verify", true);
        assert!(
            m.contains("treated as unreadable") && !m.contains("unsearchable"),
            "{m}"
        );
    }
}
