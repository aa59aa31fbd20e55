//! What a PDF says about itself: the document information dictionary
//! (with PDF dates), and annotations and form-field values.

use super::*;

/// Document information dictionary → record fields, and text.
pub(super) fn info(doc: &Document, record: &mut sarx_model::Record, text: &mut String) {
    let Some(dict) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
    else {
        return;
    };
    let get = |k: &[u8]| -> Option<String> {
        let o = dict.get(k).ok()?;
        let (_, o) = doc.dereference(o).ok()?;
        let s = match lopdf::decode_text_string(o) {
            Ok(s) => s,
            Err(_) => o
                .as_str()
                .ok()
                .map(|b| b.iter().map(|&c| char::from(c)).collect())?,
        };
        let s = s
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .to_owned();
        (!s.is_empty()).then_some(s)
    };
    let mut lines = Vec::new();
    for (key, label) in [
        (&b"Title"[..], "Title"),
        (b"Author", "Author"),
        (b"Subject", "Subject"),
        (b"Keywords", "Keywords"),
        (b"Creator", "Creator"),
        (b"Producer", "Producer"),
        (b"CreationDate", "Created"),
        (b"ModDate", "Modified"),
    ] {
        if let Some(v) = get(key) {
            match label {
                "Title" => record.title = v.clone(),
                "Author" => record.parties.author.push(v.clone()),
                "Created" => record.dates.created = pdf_date(&v),
                "Modified" => record.dates.modified = pdf_date(&v),
                _ => {}
            }
            lines.push(format!("{label}: {v}"));
        }
    }
    if !lines.is_empty() {
        text.push_str("\n\n--- Document properties ---\n");
        text.push_str(&lines.join("\n"));
    }
}

/// `D:YYYYMMDDHHmmSS+HH'mm'` → RFC 3339 in UTC.
pub(crate) fn pdf_date(s: &str) -> Option<String> {
    let s = s.trim().strip_prefix("D:").unwrap_or(s.trim());
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let num = |a: usize, b: usize, d: i64| {
        digits
            .get(a..b)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(d)
    };
    if digits.len() < 4 {
        return None;
    }
    let (y, mo, d, h, mi, se) = (
        num(0, 4, 1),
        num(4, 6, 1),
        num(6, 8, 1),
        num(8, 10, 0),
        num(10, 12, 0),
        num(12, 14, 0),
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let rest = s.get(digits.len()..).unwrap_or("");
    let mut offset_min = 0i64;
    if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
        let tz: String = rest.chars().skip(1).filter(char::is_ascii_digit).collect();
        let oh = tz
            .get(0..2)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(0);
        let om = tz
            .get(2..4)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(0);
        offset_min = (oh * 60 + om) * if sign == '-' { -1 } else { 1 };
    }
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    ))
}

pub(super) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Comments and form-field values on a page.
pub(super) fn annotations(doc: &Document, page: ObjectId, text: &mut String) {
    let Ok(annots) = doc.get_page_annotations(page) else {
        return;
    };
    let s = |d: &Dictionary, k: &[u8]| -> Option<String> {
        let o = d.get(k).ok()?;
        let (_, o) = doc.dereference(o).ok()?;
        let v = lopdf::decode_text_string(o).ok()?;
        let v = v.trim().to_owned();
        (!v.is_empty()).then_some(v)
    };
    for a in annots {
        let sub = a.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        match sub {
            b"Popup" | b"Link" => continue,
            b"Widget" => {
                let parent = a
                    .get(b"Parent")
                    .ok()
                    .and_then(|p| doc.dereference(p).ok())
                    .and_then(|(_, p)| p.as_dict().ok());
                let name = s(a, b"T").or_else(|| parent.and_then(|p| s(p, b"T")));
                let value = s(a, b"V").or_else(|| parent.and_then(|p| s(p, b"V")));
                if let Some(v) = value {
                    text.push_str("\n[Form field");
                    if let Some(n) = name {
                        text.push(' ');
                        text.push_str(&n);
                    }
                    text.push_str(": ");
                    text.push_str(&v);
                    text.push(']');
                }
            }
            _ => {
                if let Some(c) = s(a, b"Contents") {
                    text.push_str("\n[Annotation");
                    if let Some(t) = s(a, b"T") {
                        text.push_str(" by ");
                        text.push_str(&t);
                    }
                    text.push_str(": ");
                    text.push_str(&c);
                    text.push(']');
                }
            }
        }
    }
}
