//! `sarx case open|status|clock`: the case folder and its statutory clock.
//!
//! `open` prepares the case (`sarx_request::case::prepare`: search and
//! redaction planning) and stores hits, plans,
//! record snapshots and unsearchable items in CASE_DIR with an empty list of
//! decisions. `status` shows the deadline, days left, hits by confidence and
//! review progress. `clock` stops, restarts or extends the time limit.

use std::path::{Path, PathBuf};

use anyhow::Context;
use jiff::civil::Date;
use sarx_case::{CaseDir, ClockEvent, StopReason};
use sarx_request::case::{prepare_files, CaseFiles};

use crate::ExitStatus;

/// Subcommands of `sarx case`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Search, plan redactions and create the case folder.
    Open(OpenArgs),
    /// Deadline, days left, hits by confidence and review progress.
    Status(StatusArgs),
    /// Stop, restart or extend the statutory clock.
    Clock(ClockArgs),
    /// Show the review audit log; `--verify` checks its hash chain.
    Audit(AuditArgs),
}

impl Command {
    /// The subcommand as typed, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Open(_) => "case open",
            Command::Status(_) => "case status",
            Command::Clock(_) => "case clock",
            Command::Audit(_) => "case audit",
        }
    }
}

/// Arguments of `sarx case audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The case folder.
    #[arg(value_name = "CASE_DIR")]
    pub dir: PathBuf,
    /// Check the hash chain; exit 1 when any entry was altered, removed or reordered.
    #[arg(long)]
    pub verify: bool,
}

fn audit(a: AuditArgs) -> anyhow::Result<ExitStatus> {
    use sarx_review::audit;
    if a.verify {
        return Ok(match audit::verify(&a.dir)? {
            audit::Verification::Intact { entries } => {
                println!("audit log intact: {entries} entries, every one linked to the one before");
                ExitStatus::Success
            }
            audit::Verification::Broken { line, reason } => {
                println!("audit log BROKEN at line {line}: {reason}");
                ExitStatus::Attention
            }
        });
    }
    let log = audit::AuditLog::open(&a.dir)?;
    for e in log.entries()? {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            e.seq, e.time, e.user, e.action, e.record, e.detail
        );
    }
    Ok(ExitStatus::Success)
}

/// Inputs shared by `case open` and the one-shot `bundle`.
#[derive(Debug, Clone, clap::Args)]
pub struct Inputs {
    /// Index directory.
    #[arg(long, value_name = "IDX")]
    pub index: PathBuf,
    /// Subject profile (TOML).
    #[arg(long, value_name = "FILE")]
    pub subject: PathBuf,
    /// Date the request was received (YYYY-MM-DD), day one of the clock.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub received: Date,
    /// Organisation profile (TOML): Article 15 information, bank-holiday nation.
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Staff directory CSV (`name,job_title,organisation,email,phone`).
    #[arg(long, value_name = "FILE")]
    pub staff: Option<PathBuf>,
    /// Case reference (default: from the receipt date and subject).
    #[arg(long = "ref", value_name = "REF")]
    pub reference: Option<String>,
    /// Find third-party names with the rules alone, without the person-name
    /// model (more false names to review; recorded in the case).
    #[arg(long)]
    pub rules_only: bool,
}

/// Arguments of `sarx case open`.
#[derive(Debug, clap::Args)]
pub struct OpenArgs {
    /// Case folder to create.
    #[arg(value_name = "CASE_DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub inputs: Inputs,
}

/// Arguments of `sarx case status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Case folder.
    #[arg(value_name = "CASE_DIR")]
    pub dir: PathBuf,
    /// Compute days left as of this date (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<Date>,
}

/// Arguments of `sarx case clock`.
#[derive(Debug, clap::Args)]
pub struct ClockArgs {
    /// Case folder.
    #[arg(value_name = "CASE_DIR")]
    pub dir: PathBuf,
    #[command(subcommand)]
    pub action: ClockAction,
}

/// What to do to the clock.
#[derive(Debug, clap::Subcommand)]
pub enum ClockAction {
    /// Stop the clock while waiting for ID, clarification or a fee.
    Pause {
        /// `id`, `clarification` or `fee`.
        #[arg(long, value_parser = ["id", "clarification", "fee"])]
        reason: String,
        /// Date the information was requested (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// Restart the clock: the information arrived.
    Resume {
        /// Date it arrived (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
    /// Extend the time limit by two further months.
    Extend {
        /// Why (complexity, number of requests).
        #[arg(long)]
        reason: String,
        /// Date of the decision (default: today).
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<Date>,
    },
}

/// Today's date (UTC).
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// Runs `sarx case`.
pub fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Open(a) => open(a),
        Command::Status(a) => status(&a.dir, a.as_of.unwrap_or_else(today)),
        Command::Clock(a) => clock(a),
        Command::Audit(a) => audit(a),
    }
}

impl Inputs {
    /// The files a case is prepared from.
    pub fn files(&self) -> CaseFiles {
        CaseFiles {
            index: self.index.clone(),
            subject: self.subject.clone(),
            received: self.received,
            org: self.org.clone(),
            staff: self.staff.clone(),
            reference: self.reference.clone(),
            rules_only: self.rules_only,
        }
    }
}

fn open(a: OpenArgs) -> anyhow::Result<ExitStatus> {
    let p = prepare_files(&a.inputs.files())?;
    CaseDir::create(
        &a.dir,
        &p.state,
        &p.hits,
        &p.plans,
        &p.records,
        &p.unsearchable,
    )?;
    println!("Case {} opened in {}", p.state.reference, a.dir.display());
    status(&a.dir, today())
}

fn status(dir: &Path, as_of: Date) -> anyhow::Result<ExitStatus> {
    let case = CaseDir::open(dir)?;
    crate::commands::print::warn_loose_permissions("case folder", dir);
    let mut out = std::io::stdout().lock();
    sarx_request::report::case_status(
        &mut out,
        &case.load()?,
        &case.hits()?,
        &case.plans()?,
        &case.unsearchable()?,
        as_of,
    )?;
    Ok(ExitStatus::Success)
}

fn clock(a: ClockArgs) -> anyhow::Result<ExitStatus> {
    let case = CaseDir::open(&a.dir)?;
    let ev = match a.action {
        ClockAction::Pause { reason, on } => ClockEvent::Pause {
            on: on.unwrap_or_else(today),
            reason: StopReason::parse(&reason)
                .context("reason must be id, clarification or fee")?,
        },
        ClockAction::Resume { on } => ClockEvent::Resume {
            on: on.unwrap_or_else(today),
        },
        ClockAction::Extend { reason, on } => ClockEvent::Extend {
            on: on.unwrap_or_else(today),
            reason,
        },
    };
    let on = ev.on();
    let (state, ()) = case.update(|s| s.add_clock_event(ev.clone()))?;
    let c = state.clock_status(on)?;
    println!(
        "Deadline is now {} ({} days paused in total)",
        c.deadline, c.paused_days
    );
    Ok(ExitStatus::Success)
}
