//! Property tests: normalisers are idempotent; every valid identifier
//! written in any supported style is found; 10-digit strings failing the
//! NHS mod-11 check are never reported as NHS numbers.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use sarx_detect::{
    fold, nhs_check_digit_ok, normalise_date, normalise_email, normalise_nhs, normalise_nino,
    normalise_phone, normalise_postcode, normalise_reference, EntityKind, Recognisers,
};

fn found(text: &str, kind: EntityKind) -> Vec<String> {
    Recognisers::shared()
        .find(text)
        .into_iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.normalised)
        .collect()
}

/// A valid NI number: allowed letters, not a banned prefix, suffix A–D.
fn nino() -> impl Strategy<Value = String> {
    let first = "[ABCEGHJKLMNOPRSTWXYZ]";
    let second = "[ABCEGHJKLMNPRSTWXYZ]";
    (first, second, 0u32..1_000_000, "[ABCD]")
        .prop_filter("banned prefix", |(a, b, _, _)| {
            !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&format!("{a}{b}").as_str())
        })
        .prop_map(|(a, b, n, s)| format!("{a}{b}{n:06}{s}"))
}

/// A valid NHS number (random 9 digits with their check digit).
fn nhs() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u8..10, 9).prop_filter_map("check digit 10", |d| {
        let sum: u32 = d
            .iter()
            .zip((2..=10u32).rev())
            .map(|(x, w)| u32::from(*x) * w)
            .sum();
        let c = match 11 - sum % 11 {
            11 => 0,
            10 => return None,
            c => c,
        };
        Some(d.iter().map(|x| char::from(b'0' + x)).collect::<String>() + &c.to_string())
    })
}

/// A UK mobile NSN (10 digits starting 7).
fn mobile() -> impl Strategy<Value = String> {
    (0u64..1_000_000_000).prop_map(|n| format!("7{n:09}"))
}

fn date() -> impl Strategy<Value = (u32, u32, u32)> {
    (1931u32..2030, 1u32..13, 1u32..29)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn ordinal(d: u32) -> String {
    let suf = match (d % 10, d % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{d}{suf}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn normalisers_are_idempotent(s in "\\PC{0,24}", n in nino(), h in nhs(), m in mobile()) {
        for input in [s.as_str(), n.as_str(), h.as_str(), m.as_str()] {
            if let Some(x) = normalise_nino(input) { prop_assert_eq!(normalise_nino(&x), Some(x.clone())); }
            if let Some(x) = normalise_nhs(input) { prop_assert_eq!(normalise_nhs(&x), Some(x.clone())); }
            if let Some(x) = normalise_phone(input) { prop_assert_eq!(normalise_phone(&x), Some(x.clone())); }
            if let Some(x) = normalise_email(input) { prop_assert_eq!(normalise_email(&x), Some(x.clone())); }
            if let Some(x) = normalise_postcode(input) { prop_assert_eq!(normalise_postcode(&x), Some(x.clone())); }
            if let Some(x) = normalise_date(input) { prop_assert_eq!(normalise_date(&x), Some(x.clone())); }
            let r = normalise_reference(input);
            prop_assert_eq!(normalise_reference(&r), r.clone());
            let f = fold(input);
            prop_assert_eq!(fold(&f), f.clone());
        }
        let p = format!("0{m}");
        let e164 = normalise_phone(&p).unwrap();
        prop_assert_eq!(normalise_phone(&e164), Some(e164.clone()));
    }

    #[test]
    fn every_nino_style_is_found(n in nino(), style in 0usize..4, lower in any::<bool>()) {
        let (a, rest) = n.split_at(2);
        let (d1, rest) = rest.split_at(2);
        let (d2, rest) = rest.split_at(2);
        let (d3, s) = rest.split_at(2);
        let written = match style {
            0 => n.clone(),
            1 => format!("{a} {d1} {d2} {d3} {s}"),
            2 => format!("{a}-{d1}-{d2}-{d3}-{s}"),
            _ => format!("{a}{d1}{d2}{d3} {s}"),
        };
        let written = if lower { written.to_lowercase() } else { written };
        let text = format!("NI number: {written}, thanks");
        prop_assert_eq!(found(&text, EntityKind::NiNumber), vec![n]);
    }

    #[test]
    fn every_nhs_style_is_found(h in nhs(), style in 0usize..3) {
        let (a, rest) = h.split_at(3);
        let (b, c) = rest.split_at(3);
        let written = match style { 0 => h.clone(), 1 => format!("{a} {b} {c}"), _ => format!("{a}-{b}-{c}") };
        let text = format!("NHS no {written}.");
        prop_assert_eq!(found(&text, EntityKind::NhsNumber), vec![h]);
    }

    #[test]
    fn failing_check_digits_are_not_nhs_numbers(digits in "[0-9]{10}") {
        prop_assume!(!nhs_check_digit_ok(digits.as_bytes()));
        let text = format!("number {digits} here");
        prop_assert!(found(&text, EntityKind::NhsNumber).is_empty());
        let spaced = format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..]);
        prop_assert!(found(&spaced, EntityKind::NhsNumber).is_empty());
    }

    #[test]
    fn every_phone_style_is_found(m in mobile(), style in 0usize..14) {
        let (a, b) = m.split_at(4);
        let written = match style {
            0 => format!("0{m}"),
            1 => format!("0{a} {b}"),
            2 => format!("+44 {a} {b}"),
            3 => format!("+44 (0){a} {b}"),
            4 => format!("0044 {a} {b}"),
            5 => format!("(0{a}) {}-{}", &b[..3], &b[3..]),
            6 => format!("44{m}"),
            7 => format!("44 (0){a} {b}"),
            8 => format!("0044 (0){a} {b}"),
            9 => format!("0{a}-{}-{}", &b[..3], &b[3..]),
            10 => format!("0{a} {b} ext. 214"),
            11 => format!("0{a}.{}.{}", &b[..3], &b[3..]),
            12 => format!("+44 {a}.{b}"),
            _ => format!("+44{m}"),
        };
        let text = format!("tel: {written}; call after 5");
        prop_assert_eq!(found(&text, EntityKind::Phone), vec![format!("+44{m}")]);
    }

    #[test]
    fn every_email_style_is_found(local in "[a-z][a-z0-9.]{0,10}[a-z0-9]", dom in "[a-z]{2,10}", upper in any::<bool>(), display in 0usize..4) {
        let addr = format!("{local}@{dom}.example.org");
        let written = if upper { addr.to_uppercase() } else { addr.clone() };
        let text = match display {
            0 => format!("From: \"Jo Bloggs\" <{written}>"),
            1 => format!("<a href=\"mailto:{written}\">write to us</a>"),
            2 => format!("mailto:{written}"),
            _ => format!("email {written}."),
        };
        prop_assert_eq!(found(&text, EntityKind::Email), vec![addr]);
    }

    #[test]
    fn every_postcode_style_is_found(area in "[A-PR-UWYZ][A-HK-Y]?", district in 1u32..10, sector in 0u32..10, unit in "[ABD-HJLNP-UW-Z]{2}", space in any::<bool>(), lower in any::<bool>()) {
        let pc = format!("{area}{district}{}{sector}{unit}", if space { " " } else { "" });
        let written = if lower { pc.to_lowercase() } else { pc.clone() };
        let text = format!("Address: 1 High Street, Town {written}");
        prop_assert_eq!(found(&text, EntityKind::Postcode), vec![pc.replace(' ', "")]);
    }

    #[test]
    fn every_date_style_is_found((y, m, d) in date(), style in 0usize..8) {
        let month = MONTHS[(m - 1) as usize];
        let written = match style {
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{d:02}/{m:02}/{y}"),
            2 => format!("{d}.{m}.{:02}", y % 100),
            3 => format!("{d} {month} {y}"),
            4 => format!("{} {month} {y}", ordinal(d)),
            5 => format!("{} of {month} {y}", ordinal(d)),
            6 => format!("{month} {}, {y}", ordinal(d)),
            _ => format!("{d}-{m}-{y}"),
        };
        // Two-digit years pivot at 30.
        let year = if style == 2 { let yy = y % 100; if yy <= 30 { 2000 + yy } else { 1900 + yy } } else { y };
        let text = format!("born {written} in Leeds");
        prop_assert_eq!(found(&text, EntityKind::Date), vec![format!("{year:04}-{m:02}-{d:02}")]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A reference in the profile is found however the record writes it:
    /// another separator or none, lower case, or its digits without the
    /// letter prefix (5 digits or more).
    #[test]
    fn every_reference_form_is_found(
        prefix in "[A-Z]{2,4}",
        digits in "[0-9]{5,8}",
        sep in 0usize..4,
        style in 0usize..5,
    ) {
        let profile_ref = format!("{prefix}-{digits}");
        let profile = sarx_detect::SubjectProfile::from_toml_str(&format!(
            "name = \"Jo Example\"\nreferences = [\"{profile_ref}\"]"
        ))
        .unwrap();
        let s = ["-", "/", " ", ""][sep];
        let written = match style {
            0 => format!("{prefix}{s}{digits}"),
            1 => format!("{prefix}{s}{digits}").to_lowercase(),
            2 => digits.clone(),
            3 => format!("{prefix}{digits}"),
            _ => format!("{prefix} {digits}"),
        };
        let mut record = sarx_model::Record::new("x.txt", "", sarx_model::Kind::Text);
        record.text = format!("Payment received, account {written}, thank you.");
        let m = sarx_detect::SubjectMatcher::new(&profile);
        let verdict = m.verify(&record);
        let found = matches!(
            &verdict,
            sarx_detect::Verdict::Hit { evidence, .. }
                if evidence.iter().any(|e| e.kind == EntityKind::Reference)
        );
        prop_assert!(found, "{} not found: {:?}", written, verdict);
    }
}
