//! `sarx review CASE_DIR`: serves the caseworker review page on 127.0.0.1.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use crate::ExitStatus;

/// Arguments of `sarx review`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The case folder (made by `sarx case open`).
    pub case_dir: PathBuf,
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8631)]
    pub port: u16,
    /// The users file (default: $SARX_USERS, else ~/.config/sarx/users.json).
    #[arg(long)]
    pub users: Option<PathBuf>,
    /// Serve the case even when its audit log's hash chain is broken (see
    /// `sarx case audit CASE_DIR --verify`); the start is audited.
    #[arg(long)]
    pub allow_broken_audit: bool,
}

/// Runs `sarx review`.
pub fn run(args: Args) -> anyhow::Result<ExitStatus> {
    let users = args
        .users
        .unwrap_or_else(sarx_review::users::default_users_path);
    if !users.exists() {
        anyhow::bail!(
            "no users yet: add one with `sarx user add NAME --role caseworker|approver --users {}`",
            users.display()
        );
    }
    // The preview is laid out and written by the bundle's own renderer, so
    // what the caseworker sees is what the bundle will hold.
    let preview: sarx_review::PdfPreview = Arc::new(|state, record, redactions, label| {
        use sarx_bundle::Renderer;
        let layout = sarx_bundle::PageRenderer::default()
            .layout(record, redactions, label)
            .map_err(|e| e.to_string())?;
        let furniture = sarx_bundle::pdf::Furniture {
            header: label.to_owned(),
            reference: state.reference.clone(),
            first_page: 1,
        };
        sarx_bundle::pdf::write(&layout, &furniture).map_err(|e| e.to_string())
    });
    let options = sarx_review::OpenOptions {
        pdf: Some(preview),
        allow_broken_audit: args.allow_broken_audit,
        ..sarx_review::OpenOptions::default()
    };
    let state = sarx_review::AppState::open_with(&args.case_dir, &users, options)
        .with_context(|| format!("opening the case at {}", args.case_dir.display()))?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(sarx_review::serve(state, args.port, |addr| {
        println!("sarx review: serving http://{addr}/ (Ctrl-C to stop)");
    }))?;
    Ok(ExitStatus::Success)
}
