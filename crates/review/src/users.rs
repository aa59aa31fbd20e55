//! Review users: names, roles and argon2 password hashes in a JSON file that
//! only its owner can read (mode 0600).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::{Deserialize, Serialize};

use crate::Error;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reviews hits and redactions.
    Caseworker,
    /// Everything a caseworker does, and signs a case off for bundling.
    Approver,
}

impl Role {
    /// Parses `caseworker` or `approver`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "caseworker" => Some(Role::Caseworker),
            "approver" => Some(Role::Approver),
            _ => None,
        }
    }

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Caseworker => "caseworker",
            Role::Approver => "approver",
        }
    }
}

/// One user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    /// Role.
    pub role: Role,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
}

/// The users file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Users {
    /// Users by name.
    pub users: BTreeMap<String, User>,
    #[serde(skip)]
    path: PathBuf,
}

/// The default users file: `$SARX_USERS`, else `$XDG_CONFIG_HOME/sarx/users.json`,
/// else `~/.config/sarx/users.json`.
pub fn default_users_path() -> PathBuf {
    if let Some(p) = std::env::var_os("SARX_USERS") {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("sarx").join("users.json")
}

impl Users {
    /// Loads the users file, or an empty set when it does not exist yet.
    pub fn load(path: &Path) -> Result<Users, Error> {
        let mut users = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<Users>(&bytes).map_err(|e| {
                Error::Users(format!(
                    "{} is not a valid users file: {}",
                    path.display(),
                    sarx_model::json_error(&e)
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Users::default(),
            Err(e) => return Err(Error::Io(path.to_path_buf(), e)),
        };
        users.path = path.to_path_buf();
        Ok(users)
    }

    /// Adds or replaces a user, hashing the password with argon2id.
    pub fn add(&mut self, name: &str, role: Role, password: &str) -> Result<(), Error> {
        if name.trim().is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
            return Err(Error::Users(
                "a user name must be 1-64 printable characters".into(),
            ));
        }
        if password.chars().count() < 10 {
            return Err(Error::Users(
                "a password must be at least 10 characters".into(),
            ));
        }
        let mut raw = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut raw);
        let salt = SaltString::encode_b64(&raw)
            .map_err(|e| Error::Users(format!("could not make a salt: {e}")))?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| Error::Users(format!("could not hash the password: {e}")))?
            .to_string();
        self.users.insert(
            name.to_owned(),
            User {
                role,
                password_hash: hash,
            },
        );
        Ok(())
    }

    /// Checks a name and password; the user's role when they match.
    pub fn authenticate(&self, name: &str, password: &str) -> Option<Role> {
        let user = self.users.get(name)?;
        let parsed = PasswordHash::new(&user.password_hash).ok()?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .ok()
            .map(|_| user.role)
    }

    /// Writes the file atomically with mode 0600.
    pub fn save(&self) -> Result<(), Error> {
        let path = &self.path;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|e| Error::Users(e.to_string()))?;
        let tmp = path.with_extension("json.tmp");
        {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp).map_err(|e| Error::Io(tmp.clone(), e))?;
            f.write_all(&json).map_err(|e| Error::Io(tmp.clone(), e))?;
            f.sync_all().map_err(|e| Error::Io(tmp.clone(), e))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| Error::Io(tmp.clone(), e))?;
        }
        std::fs::rename(&tmp, path).map_err(|e| Error::Io(path.clone(), e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_authenticate_save_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users.json");
        let mut users = Users::load(&path).unwrap();
        users
            .add("alice", Role::Approver, "correct horse battery")
            .unwrap();
        users
            .add("bob", Role::Caseworker, "staple staple staple")
            .unwrap();
        assert!(users.add("carol", Role::Caseworker, "short").is_err());
        users.save().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("correct horse"), "plain password stored");
        let users = Users::load(&path).unwrap();
        assert_eq!(
            users.authenticate("alice", "correct horse battery"),
            Some(Role::Approver)
        );
        assert_eq!(users.authenticate("alice", "wrong password!"), None);
        assert_eq!(users.authenticate("nobody", "correct horse battery"), None);
        assert_eq!(
            users.authenticate("bob", "staple staple staple"),
            Some(Role::Caseworker)
        );
    }
}
