//! The staff directory: people acting in a professional capacity.
//!
//! CSV with the header `name,job_title,organisation,email,phone` (extra
//! columns ignored, order free). Names are matched by their normalised form
//! (and by surname with a title, `Ms Patel`), e-mails case-insensitively,
//! phones by their digits.

use std::collections::HashSet;
use std::io::Read;

use crate::recognisers::person_name::normalise_name;
use crate::Error;

/// What to do with staff names and work contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffPolicy {
    /// Disclose (the ICO's usual expectation for staff acting officially).
    #[default]
    Keep,
    /// Redact as third-party data.
    Redact,
}

/// One member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Name as written.
    pub name: String,
    /// Job title.
    pub job_title: String,
    /// Organisation.
    pub organisation: String,
    /// Work e-mail.
    pub email: String,
    /// Work phone.
    pub phone: String,
}

/// The staff directory, indexed for lookups.
#[derive(Debug, Clone, Default)]
pub struct StaffDirectory {
    members: Vec<StaffMember>,
    names: HashSet<String>,
    surnames: HashSet<String>,
    emails: HashSet<String>,
    phones: HashSet<String>,
}

fn digits(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    // +44 7700 → 07700: compare national significant numbers.
    match d.strip_prefix("44") {
        Some(rest) if s.trim_start().starts_with('+') => {
            format!("0{}", rest.trim_start_matches('0'))
        }
        _ => d,
    }
}

impl StaffDirectory {
    /// Reads a staff CSV.
    pub fn from_reader(r: impl Read) -> Result<Self, Error> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(r);
        let headers = rdr
            .headers()
            .map_err(|e| Error::Staff(e.to_string()))?
            .clone();
        let col = |want: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(want));
        let name_col = col("name").ok_or_else(|| Error::Staff("no `name` column".into()))?;
        let (jt, org, em, ph) = (
            col("job_title"),
            col("organisation"),
            col("email"),
            col("phone"),
        );
        let mut members = Vec::new();
        for (i, row) in rdr.records().enumerate() {
            let row = row.map_err(|_| Error::Staff(format!("row {} is not valid CSV", i + 2)))?;
            let get = |c: Option<usize>| c.and_then(|c| row.get(c)).unwrap_or("").to_owned();
            members.push(StaffMember {
                name: get(Some(name_col)),
                job_title: get(jt),
                organisation: get(org),
                email: get(em),
                phone: get(ph),
            });
        }
        Ok(Self::from_members(members))
    }

    /// A directory of these members.
    pub fn from_members(members: Vec<StaffMember>) -> Self {
        let mut d = StaffDirectory::default();
        for m in &members {
            let n = normalise_name(&m.name);
            if let Some(last) = n.split(' ').next_back() {
                d.surnames.insert(last.to_owned());
            }
            if !n.is_empty() {
                d.names.insert(n);
            }
            if !m.email.is_empty() {
                d.emails.insert(m.email.to_lowercase());
            }
            let p = digits(&m.phone);
            if p.len() >= 7 {
                d.phones.insert(p);
            }
        }
        d.members = members;
        d
    }

    /// The members.
    pub fn members(&self) -> &[StaffMember] {
        &self.members
    }

    /// True when `name` (as written) is a member of staff: the full name, or
    /// forename-initial + surname (`J Smith` for `Jo Smith`), or the surname
    /// alone after a title (the caller passes `titled`).
    pub fn is_staff_name(&self, name: &str, titled: bool) -> bool {
        let n = normalise_name(name);
        if self.names.contains(&n) {
            return true;
        }
        let words: Vec<&str> = n.split(' ').collect();
        match words.as_slice() {
            [single] => titled && self.surnames.contains(*single),
            [first, .., last] => self.names.iter().any(|s| {
                let sw: Vec<&str> = s.split(' ').collect();
                sw.last() == Some(last)
                    && sw
                        .first()
                        .is_some_and(|f| f.starts_with(first) || first.starts_with(f))
            }),
            [] => false,
        }
    }

    /// True when `word` (one word as written, no title) is the forename of
    /// a member of staff whom `text` also names in full or by work e-mail:
    /// `Helen,` opening a reply to `h.marsh@…`, `Priya` signing off a
    /// message from Priya Chaudhry. The caller decides where a lone
    /// forename may be read this way (a greeting or a sign-off line).
    pub fn is_forename_of_member_in(&self, word: &str, text: &str) -> bool {
        let w = normalise_name(word);
        if w.is_empty() || w.contains(' ') {
            return false;
        }
        let mut lower: Option<String> = None;
        self.members.iter().any(|m| {
            let n = normalise_name(&m.name);
            let mut parts = n.split(' ');
            if parts.next() != Some(w.as_str()) || parts.next().is_none() {
                return false;
            }
            let lower = lower.get_or_insert_with(|| text.to_lowercase());
            lower.contains(&n) || (!m.email.is_empty() && lower.contains(&m.email.to_lowercase()))
        })
    }

    /// True when the e-mail address is a staff work address.
    pub fn is_staff_email(&self, email: &str) -> bool {
        self.emails.contains(&email.to_lowercase())
    }

    /// True when the phone number is a staff work number.
    pub fn is_staff_phone(&self, phone: &str) -> bool {
        self.phones.contains(&digits(phone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forename_of_a_member_named_in_the_text() {
        let d = StaffDirectory::from_reader(
            "name,job_title,organisation,email,phone\nHelen Marsh,ASB Officer,NHA,h.marsh@example.org,\n"
                .as_bytes(),
        )
        .unwrap();
        let mail = "From: \"Priya Chaudhry\" <p.chaudhry@example.org>\nTo: h.marsh@example.org\n\nHelen,\n";
        assert!(d.is_forename_of_member_in("Helen", mail));
        assert!(d.is_forename_of_member_in("Helen", "Helen,\nthanks. Helen Marsh"));
        // Not named in the text, another forename, or more than one word.
        assert!(!d.is_forename_of_member_in("Helen", "Helen,\nthe neighbour called."));
        assert!(!d.is_forename_of_member_in("Harry", mail));
        assert!(!d.is_forename_of_member_in("Helen Smith", mail));
    }

    #[test]
    fn reads_and_matches() {
        let csv = "name,job_title,organisation,email,phone\nPriya Shah,Housing Officer,Leeds City Council,priya.shah@leeds.gov.uk,0113 222 4444\n\"Jones, Dr Alan\",GP,Roundhay Surgery,,\n";
        let d = StaffDirectory::from_reader(csv.as_bytes()).unwrap();
        assert_eq!(d.members().len(), 2);
        assert!(d.is_staff_name("Priya Shah", false));
        assert!(d.is_staff_name("P Shah", false));
        assert!(d.is_staff_name("Shah", true));
        assert!(!d.is_staff_name("Shah", false));
        assert!(!d.is_staff_name("Janet Smith", false));
        assert!(d.is_staff_email("Priya.Shah@leeds.gov.uk"));
        assert!(d.is_staff_phone("+44 113 222 4444"));
        assert!(StaffDirectory::from_reader("who,what\n".as_bytes()).is_err());
    }
}
