//! Tesseract and pdftoppm run for real: a generated letter rendered at
//! 300 dpi is read back with its words, boxes and confidences. Needs both
//! programs (scripts/setup.sh installs them): fails under CI without them,
//! says "skipped" elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use sarx_ocr::{render_pdf_page, Error, Tesseract};

fn tesseract(test: &str) -> Option<Tesseract> {
    match Tesseract::find() {
        Ok(t) => Some(t),
        Err(e) => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(!ci, "{test}: {e}");
            eprintln!("skipped: {test}: {e}");
            None
        }
    }
}

const LINES: &[&str] = &[
    "Coble Quay Housing Association",
    "Flat 4, 60 Split Crow Road, Gateshead NE10 6NB",
    "Tenancy reference: T040764/03",
    "Dear Mr Charlton,",
    "We are writing to give you at least one month's notice of a change to your rent.",
    "Your weekly rent will change from GBP 86.70 to GBP 89.04.",
];

/// Share of the ground truth's words found in order in the OCR text
/// (longest common subsequence of words over the truth's word count).
fn word_accuracy(truth: &str, ocr: &str) -> f64 {
    let t: Vec<&str> = truth.split_whitespace().collect();
    let o: Vec<&str> = ocr.split_whitespace().collect();
    let mut dp = vec![vec![0usize; o.len() + 1]; t.len() + 1];
    for i in 1..=t.len() {
        for j in 1..=o.len() {
            dp[i][j] = if t[i - 1] == o[j - 1] {
                dp[i - 1][j - 1] + 1
            } else {
                dp[i - 1][j].max(dp[i][j - 1])
            };
        }
    }
    dp[t.len()][o.len()] as f64 / t.len().max(1) as f64
}

#[test]
fn a_rendered_letter_is_read_with_word_boxes() {
    let Some(t) = tesseract("a_rendered_letter_is_read_with_word_boxes") else {
        return;
    };
    let lines: Vec<String> = LINES.iter().map(|s| (*s).to_owned()).collect();
    let pdf = sarx_fixtures::formats::pdf("Letter", "Coble Quay", &[lines]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).unwrap();
    let png = render_pdf_page(&path, 1, 300, Duration::from_secs(60)).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    let pages = t.recognise(&png).unwrap();
    assert_eq!(pages.len(), 1);
    let p = &pages[0];
    // A4 at 300 dpi.
    assert_eq!(
        (p.width, p.height),
        (2480, 3508).max((p.width, p.height)).min((2481, 3509))
    );
    let accuracy = word_accuracy(&LINES.join("\n"), &p.text);
    assert!(accuracy >= 0.95, "word accuracy {accuracy:.3}");
    assert!(!p.low_confidence(), "mean confidence {:?}", p.mean_conf());
    // Every word has a box on the page, and the reference is one word.
    let w = p
        .words
        .iter()
        .find(|w| w.span.slice(&p.text) == Some("T040764/03"))
        .expect("the reference as one word");
    assert!(w.bbox.left + w.bbox.width <= p.width && w.bbox.top + w.bbox.height <= p.height);
    assert!(w.conf > 80.0);
}

#[test]
fn an_unreadable_image_is_an_error_not_a_panic() {
    let Some(t) = tesseract("an_unreadable_image_is_an_error_not_a_panic") else {
        return;
    };
    let e = t
        .recognise(b"\x89PNG\r\n\x1a\nnot really a png")
        .unwrap_err();
    assert!(matches!(e, Error::Failed { .. }), "{e}");
}
