//! Calendar dates (dates of birth among them).
//!
//! **Finds** dates written the ways UK records write them — ISO
//! `1979-06-14`, `14/06/1979`, `14-06-1979`, `14.6.79`, `14 June 1979`,
//! `14th June 1979`, `14th of June 1979`, `June 14th 1979`, `Jun 14, 1979` —
//! and normalises them to `YYYY-MM-DD`. Numeric dates are read day first (UK
//! order); month first is tried only when day first is impossible
//! (`06/14/1979`). Two-digit years pivot at 30: `79` → 1979, `05` → 2005.
//!
//! **Why**: name + date of birth is a strong match, and a *different* date
//! of birth next to the subject's name marks a namesake.
//! [`is_birth_context`] says whether a date is introduced as a date of birth.
//!
//! **Format**: ISO 8601 calendar dates and the common UK written forms
//! (Office for National Statistics style guide: "14 June 1979").
//!
//! | text | found | normalised |
//! |---|---|---|
//! | `1979-06-14` | yes | `1979-06-14` |
//! | `14/06/1979` | yes | `1979-06-14` |
//! | `14.6.79` | yes | `1979-06-14` |
//! | `14th of June 1979` | yes | `1979-06-14` |
//! | `June 14th, 1979` | yes | `1979-06-14` |
//! | `31/02/1979` | no (no such day) | |
//! | `14/13/1979` | no (no month 13, nor day 13 of month 14) | |
//! | `1979-06-14T10` | yes (the date part) | `1979-06-14` |

use sarx_model::vocab::{month_number, MONTHS};

/// A month written in full or cut to three letters (`sept` too), from
/// `sarx_model::vocab::MONTHS`: `(?:jan(?:uary)?|feb(?:ruary)?|…)`.
fn month_pattern() -> String {
    let alternatives: Vec<String> = MONTHS
        .iter()
        .map(|m| match (m.get(..3), m.get(3..)) {
            (Some(_), Some("tember")) => "sep(?:t(?:ember)?)?".to_owned(),
            (Some(short), Some("")) => short.to_owned(),
            (Some(short), Some(rest)) => format!("{short}(?:{rest})?"),
            _ => (*m).to_owned(),
        })
        .collect();
    format!("(?:{})", alternatives.join("|"))
}

/// The pattern.
pub(crate) fn pattern() -> String {
    let month = month_pattern();
    let month = month.as_str();
    format!(
        r"(?i)[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}|[0-9]{{1,2}}[/.\-][0-9]{{1,2}}[/.\-](?:[0-9]{{4}}|[0-9]{{2}})|[0-9]{{1,2}}(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+{month}\.?,?[ \t]+[0-9]{{4}}|{month}\.?[ \t]+[0-9]{{1,2}}(?:st|nd|rd|th)?,?[ \t]+[0-9]{{4}}"
    )
}

/// Recogniser name.
pub(crate) const NAME: &str = "date";

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

fn ymd(year: u32, month: u32, day: u32) -> Option<String> {
    ((1900..=2100).contains(&year) && (1..=12).contains(&month) && day >= 1)
        .then_some(())
        .filter(|()| day <= days_in(year, month))
        .map(|()| format!("{year:04}-{month:02}-{day:02}"))
}

fn year_of(s: &str) -> Option<u32> {
    let y: u32 = s.parse().ok()?;
    Some(match s.len() {
        2 if y <= 30 => 2000 + y,
        2 => 1900 + y,
        4 => y,
        _ => return None,
    })
}

fn day_of(s: &str) -> Option<u32> {
    let d = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if d.is_empty() || d.len() > 2 {
        return None;
    }
    d.parse().ok()
}

/// Normalises a date written in any supported style to `YYYY-MM-DD`;
/// `None` when it is not a real calendar date.
///
/// ```
/// use sarx_detect::normalise_date;
/// assert_eq!(normalise_date("14th of June 1979").as_deref(), Some("1979-06-14"));
/// assert_eq!(normalise_date("14.6.79").as_deref(), Some("1979-06-14"));
/// assert_eq!(normalise_date("31/02/1979"), None);
/// ```
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.bytes().any(|b| b.is_ascii_alphabetic()) {
        // Written month.
        let words: Vec<&str> = s
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty() && !w.eq_ignore_ascii_case("of"))
            .collect();
        let [a, b, c] = words.as_slice() else {
            return None;
        };
        let year = if c.len() == 4 {
            year_of(c)?
        } else {
            return None;
        };
        if let Some(m) = month_number(b) {
            return ymd(year, m, day_of(a)?);
        }
        let m = month_number(a)?;
        return ymd(year, m, day_of(b)?);
    }
    let parts: Vec<&str> = s.split(['/', '.', '-']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|x| x.is_ascii_digit()))
    {
        return None;
    }
    if a.len() == 4 {
        return ymd(a.parse().ok()?, b.parse().ok()?, c.parse().ok()?);
    }
    if a.len() > 2 || b.len() > 2 {
        return None;
    }
    let year = year_of(c)?;
    let (x, y): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    ymd(year, y, x).or_else(|| ymd(year, x, y))
}

/// True when the text just before byte `start` introduces a date of birth
/// (`born`, `DOB`, `D.O.B.`, `date of birth`, `birth date`).
pub fn is_birth_context(text: &str, start: usize) -> bool {
    let mut from = start.saturating_sub(32);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = text.get(from..start).unwrap_or("").to_ascii_lowercase();
    // The label is on the date's own line, or alone on the line above it
    // (`Date of birth:` / `12/03/1961`), never in an earlier table row.
    let label = match before.rsplit_once('\n') {
        Some((above, line)) if line.trim().is_empty() => above.rsplit('\n').next().unwrap_or(""),
        Some((_, line)) => line,
        None => before.as_str(),
    };
    birth_word(label) || under_birth_header(text, start)
}

/// Words that introduce a date of birth, lower case.
const BIRTH_WORDS: [&str; 4] = ["born", "dob", "d.o.b", "birth"];

fn birth_word(s: &str) -> bool {
    BIRTH_WORDS.iter().any(|w| s.contains(w))
}

/// True when a line is laid out in columns: two or more gaps of at least
/// two spaces between its words.
fn fixed_width(line: &str) -> bool {
    line.trim().matches("  ").count() >= 2
        && line
            .trim()
            .split("  ")
            .filter(|c| !c.trim().is_empty())
            .count()
            >= 3
}

/// How many lines above a table cell its header may be.
const HEADER_LINES: usize = 100;

/// True when the date at `start` sits in a table column headed as a date of
/// birth: in a fixed-width listing the header line has a birth word starting
/// within a few characters of the date's column; in a tab-separated one,
/// the header's cell at the same tab position is one.
fn under_birth_header(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = before.get(line_start..).unwrap_or("");
    let tabbed = prefix.contains('\t');
    let line_end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i);
    if !tabbed && !fixed_width(text.get(line_start..line_end).unwrap_or("")) {
        return false;
    }
    let column = prefix.chars().count();
    let tab = prefix.matches('\t').count();
    let mut rest = before.get(..line_start.saturating_sub(1)).unwrap_or("");
    for _ in 0..HEADER_LINES {
        if rest.is_empty() {
            break;
        }
        let from = rest.rfind('\n').map_or(0, |i| i + 1);
        let line = rest.get(from..).unwrap_or("").to_ascii_lowercase();
        rest = rest.get(..from.saturating_sub(1)).unwrap_or("");
        if tabbed {
            if line.contains('\t') && line.split('\t').nth(tab).is_some_and(birth_word) {
                return true;
            }
            continue;
        }
        if !fixed_width(&line) {
            continue;
        }
        for word in BIRTH_WORDS {
            for (i, _) in line.match_indices(word) {
                let at = line.get(..i).map_or(0, |p| p.chars().count());
                // `DOB` over `12/03/1961`, or `Date of birth` ending above it.
                let header_start = line
                    .get(..i)
                    .and_then(|p| p.rfind("  "))
                    .map_or(at, |k| line.get(..k + 2).map_or(at, |q| q.chars().count()));
                if header_start.abs_diff(column) <= 3 || at.abs_diff(column) <= 3 {
                    return true;
                }
            }
        }
    }
    false
}

/// Checks one regex match.
pub(crate) fn check(text: &str, start: usize, end: usize) -> Option<(usize, usize, String)> {
    if !crate::text::alnum_bounded(text, start, end) {
        // `1979-06-14T10:00` is still a date: allow a `T` right after ISO.
        let iso_t = crate::text::char_at(text, end) == Some('T')
            && text
                .get(start..end)
                .is_some_and(|m| m.len() >= 8 && m.as_bytes().get(4) == Some(&b'-'));
        if !iso_t || crate::text::char_before(text, start).is_some_and(char::is_alphanumeric) {
            return None;
        }
    }
    normalise_date(text.get(start..end)?).map(|n| (start, end, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_pattern_is_the_old_one() {
        const OLD: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
        let old = regex::Regex::new(&format!("^{OLD}$")).unwrap();
        let new = regex::Regex::new(&format!("^{}$", month_pattern())).unwrap();
        for m in MONTHS
            .iter()
            .chain(&["sept", "septem", "junee", "ma", "mayy"])
        {
            for end in 0..=m.len() {
                let w = &m[..end];
                assert_eq!(old.is_match(w), new.is_match(w), "{w}");
            }
        }
    }
    use crate::testing::{check_normalised, Only};

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            ("DOB «1979-06-14»", &["1979-06-14"]),
            ("born «14/06/1979».", &["1979-06-14"]),
            ("«14-06-1979»", &["1979-06-14"]),
            ("«14.6.79»", &["1979-06-14"]),
            ("«14 June 1979»", &["1979-06-14"]),
            ("«14th June 1979»", &["1979-06-14"]),
            ("«14th of June 1979»", &["1979-06-14"]),
            ("«June 14th 1979»", &["1979-06-14"]),
            ("«Jun 14, 1979»", &["1979-06-14"]),
            ("«06/14/1979»", &["1979-06-14"]),
            ("«1979-06-14»T10:00:00Z", &["1979-06-14"]),
            ("31/02/1979", &[]),
            ("14/13/1979", &[]),
            ("Junebug 14 1979", &[]),
        ];
        for (text, want) in cases {
            check_normalised(&Only(crate::EntityKind::Date), text, want);
        }
    }

    #[test]
    fn birth_context() {
        let t = "Date of birth: 14/06/1979";
        assert!(is_birth_context(t, t.find('1').unwrap()));
        let t = "Letter dated 14/06/1979";
        assert!(!is_birth_context(t, t.find('1').unwrap()));
    }

    #[test]
    fn a_date_under_a_birth_column_is_a_date_of_birth() {
        let fixed = "REF   NAME            DOB         MOVED IN\n\
                     T-41  ADEYEMI, GRACE  12/03/1961  01/04/2010\n";
        let dob = fixed.find("12/03/1961").unwrap();
        let moved = fixed.find("01/04/2010").unwrap();
        assert!(is_birth_context(fixed, dob));
        assert!(!is_birth_context(fixed, moved));
        let tabbed = "Name\tDate of birth\tStart\nGrace\t1961-03-12\t2010-04-01\n";
        assert!(is_birth_context(tabbed, tabbed.find("1961").unwrap()));
        assert!(!is_birth_context(tabbed, tabbed.find("2010-04").unwrap()));
        let prose = "Grace moved in on 01/04/2010.";
        assert!(!is_birth_context(prose, prose.find("01/04").unwrap()));
        let form = "Date of birth: 8 March 1951 Contact: 07700 900493\nCreated: 2025-03-10T10:00\n";
        assert!(!is_birth_context(form, form.find("2025").unwrap()));
    }
}
