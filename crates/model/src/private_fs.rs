//! What sarx stores is private to its user: folders 0700 and files 0600,
//! whatever the process umask. An index holds the text of a whole file
//! share; a case folder and a bundle hold a subject's records and third
//! parties' data.
//!
//! The only I/O in this crate: every crate that writes an index, a case or
//! a bundle goes through these, so the rule is kept in one place. (The
//! `sarx` binary also sets its umask to 077, which covers files that
//! dependencies create, like tantivy's segments.)

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Mode of folders sarx creates.
pub const DIR_MODE: u32 = 0o700;
/// Mode of files sarx creates.
pub const FILE_MODE: u32 = 0o600;

/// Creates `path` and any missing parents, each new folder 0700 (existing
/// ones are left as they are, except `path` itself, which is made 0700).
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(path)?;
    restrict(path, DIR_MODE)
}

/// Creates (or truncates) the file at `path` for writing, 0600.
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    let f = o.open(path)?;
    // An existing file keeps its mode through `open`: set it.
    restrict(path, FILE_MODE)?;
    Ok(f)
}

/// Opens `path` with `options` (which must create it), the new file 0600.
fn open_private(path: &Path, o: &mut OpenOptions) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o.open(path)
}

/// Creates the file at `path`, 0600, failing when it exists (lock files).
pub fn create_new(path: &Path) -> io::Result<File> {
    open_private(path, OpenOptions::new().write(true).create_new(true))
}

/// Opens the file at `path` for appending, creating it 0600 (logs).
pub fn open_append(path: &Path) -> io::Result<File> {
    open_private(path, OpenOptions::new().create(true).append(true))
}

/// Writes `bytes` to `path` atomically, 0600: a temporary file beside it,
/// fsync, rename over the target, fsync of the folder. A crash leaves the
/// old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = create_file(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Sets `mode` on `path` (no-op off Unix).
pub fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Makes every folder under `root` (itself included) 0700 and every file
/// 0600. Symbolic links are not followed.
pub fn restrict_tree(root: &Path) -> io::Result<()> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(p) = stack.pop() {
        // Below the root, an entry may vanish while the tree is walked (a
        // merge replacing segment files): not an error.
        let gone = |e: &io::Error| p != root && e.kind() == io::ErrorKind::NotFound;
        let meta = match std::fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if gone(&e) => continue,
            Err(e) => return Err(e),
        };
        let step = if meta.is_dir() {
            restrict(&p, DIR_MODE).and_then(|()| {
                for e in std::fs::read_dir(&p)? {
                    stack.push(e?.path());
                }
                Ok(())
            })
        } else if meta.is_file() {
            restrict(&p, FILE_MODE)
        } else {
            Ok(())
        };
        match step {
            Err(e) if !gone(&e) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Entries under `root` (itself included) that other accounts can read,
/// write or enter: (path, mode). Symbolic links are not followed. Empty off
/// Unix.
pub fn loose(root: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut stack = vec![root.to_path_buf()];
        while let Some(p) = stack.pop() {
            let Ok(meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                continue;
            }
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                out.push((p.clone(), mode));
            }
            if meta.is_dir() {
                if let Ok(rd) = std::fs::read_dir(&p) {
                    stack.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
                }
            }
        }
        out.sort();
    }
    #[cfg(not(unix))]
    let _ = root;
    out
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_whatever_was_there() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("a/b");
        create_dir_all(&d).unwrap();
        assert_eq!(mode(&d), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        let f = d.join("x.json");
        std::fs::write(&f, "old").unwrap();
        restrict(&f, 0o644).unwrap();
        write_atomic(&f, b"new").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"new");
        assert_eq!(mode(&f), 0o600);
        std::fs::write(d.join("y"), "y").unwrap();
        restrict(&d.join("y"), 0o666).unwrap();
        restrict(&tmp.path().join("a"), 0o755).unwrap();
        let found = loose(&tmp.path().join("a"));
        assert_eq!(
            found,
            vec![(tmp.path().join("a"), 0o755), (d.join("y"), 0o666)]
        );
        restrict_tree(&tmp.path().join("a")).unwrap();
        assert!(loose(&tmp.path().join("a")).is_empty());
        assert_eq!(mode(&d.join("y")), 0o600);
    }
}
