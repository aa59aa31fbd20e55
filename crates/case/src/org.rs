//! The organisation profile (TOML): who the controller is and the Article 15
//! supplementary information a SAR response must give.
//!
//! ```
//! let org: sarx_case::org::OrgProfile = toml::from_str(r#"
//! bank_holidays = "scotland"
//! [controller]
//! name = "Example Homes"
//! "#).unwrap();
//! assert_eq!(org.controller.name, "Example Homes");
//! assert_eq!(org.ico.phone, "0303 123 1113");
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::holidays::Nation;
use crate::Error;

/// A named party with contact details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name (organisation or role, e.g. "Data Protection Officer").
    #[serde(default)]
    pub name: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// E-mail address.
    #[serde(default)]
    pub email: String,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// Web page.
    #[serde(default)]
    pub website: String,
}

/// A purpose of processing and its lawful basis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// What the data is used for.
    pub purpose: String,
    /// The lawful basis (Art. 6, and Art. 9 for special categories).
    #[serde(default)]
    pub lawful_basis: String,
}

/// How long a kind of record is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// The records concerned.
    pub records: String,
    /// The period or the criteria used to decide it.
    pub period: String,
}

/// The organisation profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgProfile {
    /// The controller.
    pub controller: Contact,
    /// The Data Protection Officer (or the privacy contact).
    #[serde(default)]
    pub dpo: Contact,
    /// Purposes of processing with their lawful bases.
    #[serde(default)]
    pub purposes: Vec<Purpose>,
    /// Lawful bases relied on, stated generally.
    #[serde(default)]
    pub lawful_bases: Vec<String>,
    /// Categories of personal data processed.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Recipients or categories of recipients.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// Retention periods.
    #[serde(default)]
    pub retention: Vec<Retention>,
    /// Where the data comes from when not from the requester.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Automated decision-making, including profiling.
    #[serde(default)]
    pub automated_decision_making: String,
    /// Transfers outside the UK and their safeguards.
    #[serde(default)]
    pub international_transfers: String,
    /// The data subject's rights as the notice states them.
    #[serde(default)]
    pub rights: Vec<String>,
    /// The supervisory authority for complaints.
    #[serde(default = "ico_default")]
    pub ico: Contact,
    /// Whose bank holidays govern the deadline.
    #[serde(default)]
    pub bank_holidays: Nation,
    /// Where the facts come from (e.g. the privacy notice's address).
    #[serde(default)]
    pub provenance: String,
}

fn ico_default() -> Contact {
    Contact {
        name: "Information Commissioner's Office".into(),
        address: "Wycliffe House, Water Lane, Wilmslow, Cheshire, SK9 5AF".into(),
        email: String::new(),
        phone: "0303 123 1113".into(),
        website: "https://ico.org.uk/make-a-complaint/".into(),
    }
}

impl Default for OrgProfile {
    fn default() -> Self {
        OrgProfile {
            controller: Contact {
                name: "The data controller".into(),
                ..Contact::default()
            },
            dpo: Contact::default(),
            purposes: Vec::new(),
            lawful_bases: Vec::new(),
            categories: Vec::new(),
            recipients: Vec::new(),
            retention: Vec::new(),
            sources: Vec::new(),
            automated_decision_making: String::new(),
            international_transfers: String::new(),
            rights: Vec::new(),
            ico: ico_default(),
            bank_holidays: Nation::EnglandAndWales,
            provenance: String::new(),
        }
    }
}

impl OrgProfile {
    /// Parses a profile from TOML text; unknown keys are rejected.
    pub fn from_toml(text: &str) -> Result<OrgProfile, Error> {
        // The line and the message without the values it quotes (toml's
        // own text also shows the line itself).
        toml::from_str(text).map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| {
                text.get(..s.start)
                    .map_or(1, |t| t.matches('\n').count() + 1)
            });
            let message = sarx_model::serde_message(e.message());
            Error::Profile(match line {
                Some(l) => format!("line {l}: {message}"),
                None => message,
            })
        })
    }

    /// Reads and parses a profile file.
    pub fn load(path: &Path) -> Result<OrgProfile, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        OrgProfile::from_toml(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected() {
        let e = OrgProfile::from_toml("[controller]\nname='x'\nnmae='y'\n");
        assert!(matches!(e, Err(Error::Profile(m)) if m.contains("nmae")));
    }

    #[test]
    fn fixture_profiles_parse() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/org");
        let mut n = 0;
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                let o = OrgProfile::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                assert!(!o.controller.name.is_empty());
                assert!(!o.rights.is_empty(), "{}", p.display());
                n += 1;
            }
        }
        assert_eq!(n, 6);
    }
}
