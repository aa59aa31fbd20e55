//! The subject profile: who a subject access request is about.
//!
//! A public contract (TOML; IG teams' scripts write it). All keys are
//! optional except `name`:
//!
//! ```toml
//! name = "Margaret Anne Okafor"
//! aliases = ["Maggie Okafor", "Margaret Bell"]
//! date_of_birth = "1979-06-14"
//! ni_number = "JM482761C"
//! nhs_number = "4857773457"
//! emails = ["m.okafor79@example.net"]
//! phones = ["07700 900461"]
//! addresses = ["Flat 3, 18 Roundhay Road, Leeds, LS8 4HS"]
//! references = ["TEN-0045127"]
//! ```
//!
//! Unknown keys and malformed values are rejected with a message naming the
//! key and line (never the value: it is personal data).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::ProfileError;
use crate::recognisers::{
    date::normalise_date, email::normalise_email, name::parse_person_name, nhs::normalise_nhs,
    nino::normalise_nino, phone::normalise_phone,
};

/// Who a subject access request is about. Values are kept as written;
/// [`SubjectProfile::from_toml_str`] has checked each of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectProfile {
    /// Full name as given on the request.
    pub name: String,
    /// Other names: former or maiden names, known-as.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// National Insurance number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ni_number: Option<String>,
    /// NHS number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nhs_number: Option<String>,
    /// E-mail addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    /// UK phone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    /// Postal addresses, one per string, postcode last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Customer, tenancy, rent account or case references.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    date_of_birth: Option<Spanned<toml::Value>>,
    ni_number: Option<Spanned<String>>,
    nhs_number: Option<Spanned<toml::Value>>,
    #[serde(default)]
    emails: Vec<Spanned<String>>,
    #[serde(default)]
    phones: Vec<Spanned<String>>,
    #[serde(default)]
    addresses: Vec<Spanned<String>>,
    #[serde(default)]
    references: Vec<Spanned<String>>,
}

fn line_of(src: &str, offset: usize) -> usize {
    src.get(..offset).map_or(1, |s| s.matches('\n').count() + 1)
}

impl SubjectProfile {
    /// Parses and checks a profile.
    ///
    /// ```
    /// use sarx_detect::SubjectProfile;
    /// let p = SubjectProfile::from_toml_str("name = \"Margaret Okafor\"\nni_number = \"JM 48 27 61 C\"").unwrap();
    /// assert_eq!(p.ni_number.as_deref(), Some("JM 48 27 61 C"));
    /// let e = SubjectProfile::from_toml_str("name = \"M O\"\nni_number = \"XX\"").unwrap_err();
    /// assert!(e.to_string().contains("line 2"));
    /// assert!(e.to_string().contains("ni_number"));
    /// ```
    pub fn from_toml_str(src: &str) -> Result<SubjectProfile, ProfileError> {
        let raw: Raw = toml::from_str(src).map_err(|e| ProfileError::Syntax {
            line: e.span().map(|s| line_of(src, s.start)),
            message: sarx_model::serde_message(e.message()),
        })?;
        let invalid =
            |key: String, span: std::ops::Range<usize>, problem: &str| ProfileError::Invalid {
                key,
                line: line_of(src, span.start),
                problem: problem.to_owned(),
            };
        let name = raw.name.get_ref().trim().to_owned();
        if parse_person_name(&name).is_none_or(|p| p.given.is_empty()) {
            return Err(invalid(
                "name".into(),
                raw.name.span(),
                "must hold at least a forename and a surname",
            ));
        }
        let mut aliases = Vec::new();
        for (i, a) in raw.aliases.iter().enumerate() {
            if parse_person_name(a.get_ref()).is_none() {
                return Err(invalid(format!("aliases[{i}]"), a.span(), "is not a name"));
            }
            aliases.push(a.get_ref().trim().to_owned());
        }
        let date_of_birth = match &raw.date_of_birth {
            None => None,
            Some(v) => {
                let text = match v.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Datetime(d) => d.to_string(),
                    _ => String::new(),
                };
                Some(normalise_date(&text).ok_or_else(|| {
                    invalid(
                        "date_of_birth".into(),
                        v.span(),
                        "is not a date (write it as \"YYYY-MM-DD\")",
                    )
                })?)
            }
        };
        if let Some(n) = &raw.ni_number {
            if normalise_nino(n.get_ref()).is_none() {
                return Err(invalid(
                    "ni_number".into(),
                    n.span(),
                    "is not a valid National Insurance number (two letters, six digits, A-D; HMRC prefix rules)",
                ));
            }
        }
        let nhs_number = match &raw.nhs_number {
            None => None,
            Some(v) => {
                let text = match v.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    _ => String::new(),
                };
                if normalise_nhs(&text).is_none() {
                    return Err(invalid(
                        "nhs_number".into(),
                        v.span(),
                        "is not a valid NHS number (10 digits with a mod-11 check digit)",
                    ));
                }
                Some(text)
            }
        };
        for (i, e) in raw.emails.iter().enumerate() {
            if normalise_email(e.get_ref()).is_none() {
                return Err(invalid(
                    format!("emails[{i}]"),
                    e.span(),
                    "is not an e-mail address",
                ));
            }
        }
        for (i, p) in raw.phones.iter().enumerate() {
            if normalise_phone(p.get_ref()).is_none() {
                return Err(invalid(
                    format!("phones[{i}]"),
                    p.span(),
                    "is not a UK phone number",
                ));
            }
        }
        for (i, a) in raw.addresses.iter().enumerate() {
            if a.get_ref().trim().is_empty() {
                return Err(invalid(format!("addresses[{i}]"), a.span(), "is empty"));
            }
        }
        for (i, r) in raw.references.iter().enumerate() {
            let t = r.get_ref().trim();
            if t.is_empty() || t.chars().any(|c| c.is_whitespace() && c != ' ') {
                return Err(invalid(
                    format!("references[{i}]"),
                    r.span(),
                    "must be one line (spaces between its parts are fine)",
                ));
            }
        }
        let strings =
            |v: &[Spanned<String>]| v.iter().map(|s| s.get_ref().trim().to_owned()).collect();
        Ok(SubjectProfile {
            name,
            aliases,
            date_of_birth,
            ni_number: raw.ni_number.map(|n| n.into_inner().trim().to_owned()),
            nhs_number,
            emails: strings(&raw.emails),
            phones: strings(&raw.phones),
            addresses: strings(&raw.addresses),
            references: strings(&raw.references),
        })
    }

    /// Reads and parses a profile file.
    pub fn from_path(path: &std::path::Path) -> Result<SubjectProfile, ProfileError> {
        let src = std::fs::read_to_string(path).map_err(|e| ProfileError::Syntax {
            line: None,
            message: format!("cannot read {}: {e}", path.display()),
        })?;
        SubjectProfile::from_toml_str(&src)
    }

    /// How many identifiers besides the name the profile carries.
    pub fn identifier_count(&self) -> usize {
        usize::from(self.date_of_birth.is_some())
            + usize::from(self.ni_number.is_some())
            + usize::from(self.nhs_number.is_some())
            + self.emails.len()
            + self.phones.len()
            + self.addresses.len()
            + self.references.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"name = "Margaret Anne Okafor"
aliases = ["Maggie Okafor", "Margaret Bell"]
date_of_birth = "1979-06-14"
ni_number = "JM482761C"
nhs_number = "4857773457"
emails = ["m.okafor79@example.net"]
phones = ["07700 900461"]
addresses = ["Flat 3, 18 Roundhay Road, Leeds, LS8 4HS"]
references = ["TEN-0045127"]
"#;

    #[test]
    fn parses_the_documented_example() {
        let p = SubjectProfile::from_toml_str(FULL).unwrap();
        assert_eq!(p.name, "Margaret Anne Okafor");
        assert_eq!(p.aliases.len(), 2);
        assert_eq!(p.date_of_birth.as_deref(), Some("1979-06-14"));
        assert_eq!(p.identifier_count(), 7);
    }

    #[test]
    fn toml_date_and_integer_forms() {
        let p = SubjectProfile::from_toml_str(
            "name = \"A B\"\ndate_of_birth = 1979-06-14\nnhs_number = 4857773457",
        )
        .unwrap();
        assert_eq!(p.date_of_birth.as_deref(), Some("1979-06-14"));
        assert_eq!(p.nhs_number.as_deref(), Some("4857773457"));
    }

    fn err(src: &str) -> String {
        SubjectProfile::from_toml_str(src).unwrap_err().to_string()
    }

    #[test]
    fn rejects_with_key_and_line() {
        let e = err("name = \"A B\"\n\nfavourite_colour = \"red\"");
        assert!(
            e.contains("favourite_colour") && e.contains("line 3"),
            "{e}"
        );
        let e = err("name = \"A B\"\nnhs_number = \"4857773456\"");
        assert!(e.contains("nhs_number") && e.contains("line 2"), "{e}");
        let e = err("name = \"A B\"\nphones = [\"07700 900461\",\n  \"12\"]");
        assert!(e.contains("phones[1]") && e.contains("line 3"), "{e}");
        let e = err("name = \"A B\"\nemails = [\"nope\"]");
        assert!(e.contains("emails[0]"), "{e}");
        let e = err("name = \"A B\"\ndate_of_birth = \"1979-02-30\"");
        assert!(e.contains("date_of_birth"), "{e}");
        assert!(!e.contains("1979"), "value leaked: {e}");
        let e = err("aliases = []");
        assert!(e.contains("name"), "{e}");
        let e = err("name = \"Okafor\"");
        assert!(e.contains("forename"), "{e}");
        let e = err("name = 5");
        assert!(e.contains("line 1"), "{e}");
        let e = err("name = \"A B\"\nreferences = [\"TEN\t1\"]");
        assert!(e.contains("references[0]"), "{e}");
    }
}
