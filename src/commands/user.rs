//! `sarx user add NAME --role caseworker|approver`: manages review users.
//!
//! The password is read from `SARX_PASSWORD` or, without it, from the first
//! line of standard input: never from the command line.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context;
use sarx_review::users::{default_users_path, Role, Users};

use crate::ExitStatus;

/// Subcommands of `sarx user`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Adds a user (or replaces their role and password).
    Add {
        /// User name.
        name: String,
        /// `caseworker` or `approver` (approvers sign cases off).
        #[arg(long, value_parser = ["caseworker", "approver"])]
        role: String,
        /// The users file (default: $SARX_USERS, else ~/.config/sarx/users.json).
        #[arg(long)]
        users: Option<PathBuf>,
    },
    /// Lists users and roles.
    List {
        /// The users file.
        #[arg(long)]
        users: Option<PathBuf>,
    },
}

impl Command {
    /// The subcommand as typed, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Add { .. } => "user add",
            Command::List { .. } => "user list",
        }
    }
}

/// Runs `sarx user`.
pub fn run(command: Command) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Add { name, role, users } => {
            let path = users.unwrap_or_else(default_users_path);
            let role = Role::parse(&role).context("role must be caseworker or approver")?;
            let password = match std::env::var("SARX_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {name} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .context("reading the password")?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let mut store = Users::load(&path)?;
            store.add(&name, role, &password)?;
            store.save()?;
            println!("added {name} ({}) to {}", role.as_str(), path.display());
            Ok(ExitStatus::Success)
        }
        Command::List { users } => {
            let path = users.unwrap_or_else(default_users_path);
            let store = Users::load(&path)?;
            for (name, u) in &store.users {
                println!("{name}\t{}", u.role.as_str());
            }
            Ok(ExitStatus::Success)
        }
    }
}
