//! Warnings shared by the commands (the reports themselves are
//! `sarx_request::report`).

/// Warns on stderr when anything under `dir` is open to other accounts
/// (what sarx stores is private to its user: 0700 folders, 0600 files).
pub fn warn_loose_permissions(what: &str, dir: &std::path::Path) {
    let loose = sarx_model::private_fs::loose(dir);
    let Some((first, mode)) = loose.first() else {
        return;
    };
    let shown = first.strip_prefix(dir).unwrap_or(first);
    eprintln!(
        "sarx: warning: {} entries of this {what} can be read by other accounts \
         (first: {} mode {mode:o}); run `chmod -R go-rwx {}`",
        loose.len(),
        if shown.as_os_str().is_empty() {
            ".".into()
        } else {
            shown.display().to_string()
        },
        dir.display()
    );
}
