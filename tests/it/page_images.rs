//! Redacted copies that look like the originals (issue 22, acceptance 1).
//!
//! A generated two-page PDF letter (a table, a logo image, a drawn
//! signature, metadata, a link and an open-action script) and a generated
//! image-only scan go through `PageRenderer` and the PDF writer:
//!
//! - the output has the input's page count, and outside the boxes its
//!   pages, rendered again by `pdftoppm`, agree with a render of the
//!   original at the same resolution (mean pixel agreement ≥ 0.98);
//! - every check of verification holds: the third parties' text is in no
//!   extractor's view and in no byte of the file, the boxes are solid, OCR
//!   reads nothing in a box and none of the third parties' data on the
//!   page while it still reads the subject's name, one revision, nothing
//!   carried over (the original fails the same structure check);
//! - renderers broken on purpose, through the `Renderer` seam, make
//!   `sarx_bundle::build` refuse the bundle: boxes left unpainted, boxes
//!   painted beside the words, a hidden text layer with the redacted text.

use crate::common;

use std::path::Path;

use jiff::civil::date;
use sarx_bundle::page::{ImagePage, PxRect, FILL, PAGE_DPI};
use sarx_bundle::pdf::{write, Furniture, LABEL_BAND};
use sarx_bundle::pdf_checks::{box_problems, hidden_text, ocr_text, page_image, structure};
use sarx_bundle::{build, BundleSpec, Disclosure, Layout, Options, PageRenderer, Renderer};
use sarx_case::{CaseState, OrgProfile, Redaction};
use sarx_extract::{find_engine, Collected, Extractor, Limits, OcrMode};
use sarx_model::{Record, Span};

fn redactions(text: &str, strings: &[&str]) -> Vec<Redaction> {
    let mut out = Vec::new();
    for s in strings {
        for (at, _) in text.match_indices(s) {
            out.push(Redaction {
                id: format!("r{}", out.len() + 1),
                span: Span::new(at, at + s.len()),
                category: sarx_model::plan::Category::ThirdPartyName,
                reason_code: "third-party".into(),
                legal_basis: "DPA 2018 Sch 2 Pt 3 para 16".into(),
                confidence: 0.9,
                recogniser: "test".into(),
                party: String::new(),
            });
        }
    }
    out.sort_by_key(|r| r.span.start);
    out
}

/// The record sarx indexes for the file at `path` (OCR on).
fn record(path: &Path) -> Record {
    let engine = find_engine(OcrMode::Auto).unwrap();
    let ex = Extractor::new(Limits::default()).with_ocr(OcrMode::Auto, engine);
    let mut out = Collected::default();
    let source = path.to_string_lossy().into_owned();
    ex.extract_path(&source, path, &mut out);
    out.records
        .into_iter()
        .find(|r| r.locator.is_empty())
        .unwrap()
}

/// Every painted box of a layout with its 1-based page.
fn boxes_of(layout: &Layout) -> Vec<(u32, PxRect)> {
    layout
        .images
        .iter()
        .zip(1u32..)
        .flat_map(|(p, n)| p.boxes.iter().map(move |b| (n, *b)))
        .collect()
}

fn furniture() -> Furniture {
    Furniture {
        header: "SAR-T-1 · Document 0001 · Letter".into(),
        reference: "T-1".into(),
        first_page: 1,
    }
}

fn render(pdf: &Path, page: u32) -> image::GrayImage {
    let png =
        sarx_ocr::render_pdf_page(pdf, page, PAGE_DPI, std::time::Duration::from_secs(60)).unwrap();
    image::load_from_memory(&png).unwrap().to_luma8()
}

/// Share of pixels outside `boxes` (each grown by 3 px) within 24 grey
/// levels of the original's at the same place or one pixel beside it (the
/// page image is drawn at its own size and resampled once more).
fn agreement(original: &image::GrayImage, output: &image::GrayImage, boxes: &[PxRect]) -> f64 {
    let (w, h) = original.dimensions();
    let (mut same, mut all) = (0u64, 0u64);
    for y in 0..h.min(output.height()) {
        for x in 0..w.min(output.width()) {
            let inside = boxes
                .iter()
                .any(|b| x + 3 >= b.x && x < b.x + b.w + 3 && y + 3 >= b.y && y < b.y + b.h + 3);
            if inside {
                continue;
            }
            all += 1;
            let b = output.get_pixel(x, y).0[0];
            let near = (y.saturating_sub(1)..=(y + 1).min(h - 1)).any(|yy| {
                (x.saturating_sub(1)..=(x + 1).min(w - 1))
                    .any(|xx| original.get_pixel(xx, yy).0[0].abs_diff(b) <= 24)
            });
            if near {
                same += 1;
            }
        }
    }
    same as f64 / all.max(1) as f64
}

/// Renders `path` with `reds` as page images and checks everything; returns
/// the output PDF.
fn check_document(dir: &Path, name: &str, path: &Path, third: &[&str], subject: &str) {
    let rec = record(path);
    let reds = redactions(&rec.text, third);
    assert!(
        !reds.is_empty(),
        "{name}: the third parties are in the text"
    );
    let layout = PageRenderer::default()
        .layout(&rec, &reds, "Letter")
        .unwrap();
    assert_eq!(layout.fallback, None, "{name}");
    let original = lopdf::Document::load(path).unwrap();
    assert_eq!(
        layout.images.len(),
        original.get_pages().len(),
        "{name}: page count"
    );
    let bytes = write(&layout, &furniture()).unwrap();
    let out_path = dir.join(format!("{name}-out.pdf"));
    std::fs::write(&out_path, &bytes).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), original.get_pages().len(), "{name}");

    // The look: the output page (without its label band) against the
    // original, both rendered by pdftoppm at the same resolution.
    let band = (LABEL_BAND * PAGE_DPI as f32 / 72.0).round() as u32;
    for (i, page) in layout.images.iter().enumerate() {
        let n = i as u32 + 1;
        let orig = render(path, n);
        let out = render(&out_path, n);
        assert!(out.height() >= orig.height() + band - 2, "{name} p{n}");
        let a = agreement(&orig, &out, &page.boxes);
        eprintln!(
            "{name} page {n}: agreement outside the boxes {a:.4}, {} boxes",
            page.boxes.len()
        );
        assert!(a >= 0.98, "{name} page {n}: {a}");
    }

    // Text: no extractor and no byte of the file holds a third party's data.
    let text = sarx_bundle::verify::pdf_text(name, &bytes).unwrap();
    for t in third {
        assert!(!text.contains(t), "{name}: {t:?} in the text");
        let utf16: Vec<u8> = t.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(!bytes.windows(t.len()).any(|w| w == t.as_bytes()), "{name}");
        assert!(
            !bytes.windows(utf16.len()).any(|w| w == utf16.as_slice()),
            "{name}"
        );
        assert!(!hidden_text(&doc).contains(t), "{name}");
    }
    let surname = subject.rsplit(' ').next().unwrap();
    assert!(
        text.contains(surname),
        "{name}: the subject's own name stays searchable"
    );

    // Structure and pixels.
    assert_eq!(structure(&bytes, &doc), Vec::<String>::new(), "{name}");
    let boxes = boxes_of(&layout);
    assert_eq!(box_problems(&doc, &boxes), Vec::<String>::new(), "{name}");
    for (n, b) in &boxes {
        let img = page_image(&doc, doc.get_pages()[n]).unwrap();
        assert!(
            (b.y..b.y + b.h).all(|y| (b.x..b.x + b.w).all(|x| img.get_pixel(x, y).0[0] == FILL)),
            "{name}"
        );
    }
    // OCR of the output: nothing in the boxes, no third party on the page,
    // the subject still there.
    let engine = sarx_ocr::Tesseract::find().unwrap();
    let (ocr, readable) = ocr_text(&doc, &boxes, &engine).unwrap();
    assert_eq!(readable, 0, "{name}: a box reads as text");
    for t in third {
        assert!(!ocr.contains(t), "{name}: OCR reads {t:?}");
    }
    assert!(ocr.contains(surname), "{name}: OCR reads the subject");
}

#[test]
fn a_letter_and_a_scan_keep_their_pages_and_look_and_lose_only_the_boxes() {
    let test = "a_letter_and_a_scan_keep_their_pages_and_look_and_lose_only_the_boxes";
    if !common::needs_tools(test, &["pdftoppm", "pdftotext", "tesseract"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let letter = sarx_fixtures::letters::two_page_letter().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, &letter.bytes).unwrap();
    // What the original carries and a bundle PDF must not.
    let original = lopdf::Document::load_mem(&letter.bytes).unwrap();
    let problems = structure(&letter.bytes, &original);
    for k in ["OpenAction", "Annots", "JS"] {
        assert!(problems.iter().any(|p| p.contains(k)), "{k}: {problems:?}");
    }
    assert!(hidden_text(&original).contains("Brenda Lockwood"));
    check_document(
        dir.path(),
        "letter",
        &path,
        &letter.third_party,
        letter.subject,
    );

    let scan = sarx_fixtures::scans::scans(7)
        .unwrap()
        .into_iter()
        .find(|s| s.source.ends_with(".pdf"))
        .unwrap();
    let path = dir.path().join("scan.pdf");
    std::fs::write(&path, &scan.bytes).unwrap();
    let subject = scan
        .truth
        .subject_strings
        .values()
        .flatten()
        .next()
        .unwrap()
        .clone();
    let third: Vec<&str> = scan
        .truth
        .third_party
        .iter()
        .map(String::as_str)
        .filter(|t| t.contains(' '))
        .collect();
    check_document(dir.path(), "scan", &path, &third, &subject);
}

/// A structure check that sees an incremental update and text hidden as
/// UTF-16 in a string object.
#[test]
fn structure_and_hidden_text_checks_see_revisions_and_utf16() {
    let mut r = Record::new("a.txt", "", sarx_model::Kind::Text);
    r.text = "A short letter.".into();
    let layout = sarx_bundle::FreshRenderer.layout(&r, &[], "T").unwrap();
    let bytes = write(&layout, &furniture()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert!(structure(&bytes, &doc).is_empty());
    let mut updated = bytes.clone();
    updated.extend_from_slice(
        b"\n1 0 obj\n(x)\nendobj\nxref\n0 0\ntrailer\n<< >>\nstartxref\n0\n%%EOF\n",
    );
    assert!(structure(&updated, &doc)
        .iter()
        .any(|p| p.contains("2 revisions")));
    let mut doc2 = doc.clone();
    let mut utf16 = vec![0xFE, 0xFF];
    utf16.extend("Brenda Lockwood".encode_utf16().flat_map(u16::to_be_bytes));
    doc2.add_object(lopdf::Object::String(
        utf16,
        lopdf::StringFormat::Hexadecimal,
    ));
    assert!(hidden_text(&doc2).contains("Brenda Lockwood"));
}

/// Page images broken on purpose after `PageRenderer` made them.
struct Broken(fn(&mut ImagePage, &Record));

impl Renderer for Broken {
    fn layout(
        &self,
        record: &Record,
        redactions: &[Redaction],
        title: &str,
    ) -> Result<Layout, sarx_bundle::Error> {
        let mut l = PageRenderer::default().layout(record, redactions, title)?;
        assert!(!l.images.is_empty());
        for p in &mut l.images {
            (self.0)(p, record);
        }
        Ok(l)
    }
}

fn unpainted(p: &mut ImagePage, r: &Record) {
    // The original pixels back under the boxes.
    let orig = render(Path::new(&r.source), 1);
    for b in &p.boxes {
        for y in b.y..b.y + b.h {
            for x in b.x..b.x + b.w {
                if x < orig.width() && y < orig.height() {
                    p.image.put_pixel(x, y, *orig.get_pixel(x, y));
                }
            }
        }
    }
}

fn beside(p: &mut ImagePage, r: &Record) {
    // Boxes painted 60 px to the right of their words; the record says so.
    unpainted(p, r);
    for b in &mut p.boxes {
        b.x += 60;
        for y in b.y..b.y + b.h {
            for x in b.x..(b.x + b.w).min(p.image.width()) {
                p.image.put_pixel(x, y, image::Luma([FILL]));
            }
        }
        b.w = b.w.min(p.image.width().saturating_sub(b.x));
    }
}

fn hidden_layer(p: &mut ImagePage, _: &Record) {
    if let Some(b) = p.boxes.first().copied() {
        p.text.push((b, "Brenda Lockwood".into()));
    }
}

#[test]
fn broken_page_renderers_are_caught() {
    let test = "broken_page_renderers_are_caught";
    if !common::needs_tools(test, &["pdftoppm", "pdftotext", "tesseract"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let letter = sarx_fixtures::letters::two_page_letter().unwrap();
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, &letter.bytes).unwrap();
    let rec = record(&path);
    let reds = redactions(&rec.text, &letter.third_party);
    let state = CaseState::new(
        "T-1",
        date(2025, 3, 31),
        "name = \"Margaret Okafor\"",
        OrgProfile::default(),
    );
    let spec = BundleSpec {
        reference: "T-1".into(),
        clock: state.clock_status(date(2025, 4, 1)).unwrap(),
        org: OrgProfile::default(),
        disclosures: vec![Disclosure {
            record: rec,
            redactions: reds,
        }],
        categories_found: vec!["your name".into()],
        unsearchable: vec![],
        withheld: vec![],
        source_root: dir.path().to_string_lossy().into_owned(),
        staff: vec![],
        subject: vec!["Margaret Okafor".into()],
    };
    let ok = build(
        &spec,
        &PageRenderer::default(),
        &dir.path().join("ok.zip"),
        &Options::default(),
    )
    .unwrap();
    assert!(ok.verification.is_clean(), "{}", ok.verification.summary());
    assert_eq!(ok.page_images, 1);
    assert_eq!(ok.verification.not_ocr_checked, 0);
    for (name, broken) in [
        ("unpainted", Broken(unpainted)),
        ("beside", Broken(beside)),
        ("hidden layer", Broken(hidden_layer)),
    ] {
        let out = dir.path().join(format!("{name}.zip"));
        match build(&spec, &broken, &out, &Options::default()) {
            Err(sarx_bundle::Error::VerificationFailed(msg)) => {
                eprintln!("{name}: {msg}");
                assert!(!msg.contains("Lockwood"), "no personal data in the message");
            }
            Err(e) => panic!("{name}: {e}"),
            Ok(_) => panic!("{name}: a broken renderer's bundle passed verification"),
        }
        assert!(!out.exists(), "{name}");
    }
}

/// A PDF attached to an e-mail and a scan inside a zip are read again from
/// their containers and copied as page images, like files of their own;
/// a part whose bytes changed since indexing falls back to the fresh
/// rendering.
#[test]
fn parts_of_containers_keep_their_pages() {
    let test = "parts_of_containers_keep_their_pages";
    if !common::needs_tools(test, &["pdftoppm", "pdftotext", "tesseract"]) {
        return;
    }
    let parts = |path: &Path| {
        let mut out = Collected::default();
        Extractor::default().extract_path(&path.to_string_lossy(), path, &mut out);
        out.records
            .into_iter()
            .filter(|r| {
                !r.locator.is_empty()
                    && matches!(r.kind, sarx_model::Kind::Pdf | sarx_model::Kind::Image)
            })
            .collect::<Vec<_>>()
    };
    // The sample corpus's e-mail with a letter attached.
    let eml = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sample/corpus/mail/officers/2025-03-14-asb-0012.eml");
    let found = parts(&eml);
    let letter = found
        .iter()
        .find(|r| r.kind == sarx_model::Kind::Pdf)
        .expect("the attached letter is a PDF record");
    let bytes = Extractor::default()
        .part_bytes(
            &eml,
            &std::collections::HashSet::from([letter.locator.clone()]),
        )
        .remove(&letter.locator)
        .expect("the attachment is found again by its locator");
    let pages = lopdf::Document::load_mem(&bytes).unwrap().get_pages().len();
    let word = letter
        .text
        .split_whitespace()
        .find(|w| w.len() > 5 && w.chars().all(char::is_alphabetic))
        .unwrap();
    let reds = redactions(&letter.text, &[word]);
    let renderer = PageRenderer::for_records(found.iter());
    let layout = renderer.layout(letter, &reds, "Letter").unwrap();
    assert_eq!(layout.fallback, None);
    assert_eq!(layout.images.len(), pages, "the attachment's page count");
    assert!(layout.images.iter().all(|p| p
        .boxes
        .iter()
        .all(|b| sarx_bundle::page::unfilled(&p.image, *b) == 0)));
    assert_eq!(
        layout.images.iter().map(|p| p.boxes.len()).sum::<usize>(),
        reds.len()
    );
    // Not named up front, the part is read for itself.
    let alone = PageRenderer::default()
        .layout(letter, &reds, "Letter")
        .unwrap();
    assert_eq!(alone.fallback, None);
    assert_eq!(alone.images.len(), pages);

    // A scan inside a zip.
    let dir = tempfile::tempdir().unwrap();
    let scan = sarx_fixtures::scans::scans(7)
        .unwrap()
        .into_iter()
        .find(|s| s.source.ends_with(".png"))
        .unwrap();
    let zip_path = dir.path().join("scans.zip");
    let write_zip = |png: &[u8]| {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        z.start_file("post/scan.png", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, png).unwrap();
        z.finish().unwrap();
    };
    write_zip(&scan.bytes);
    let engine = find_engine(OcrMode::Auto).unwrap();
    let ex = Extractor::new(Limits::default()).with_ocr(OcrMode::Auto, engine);
    let mut out = Collected::default();
    ex.extract_path(&zip_path.to_string_lossy(), &zip_path, &mut out);
    let rec = out
        .records
        .into_iter()
        .find(|r| r.kind == sarx_model::Kind::Image)
        .expect("the scan in the zip is an image record");
    assert!(!rec.words.is_empty(), "OCR placed its words");
    let word = rec.text.split_whitespace().find(|w| w.len() > 4).unwrap();
    let reds = redactions(&rec.text, &[word]);
    let layout = PageRenderer::for_records([&rec])
        .layout(&rec, &reds, "Scan")
        .unwrap();
    assert_eq!(layout.fallback, None);
    assert_eq!(layout.images.len(), 1);
    // The zip rewritten with other bytes for the scan: not the part that
    // was indexed, so it is typeset fresh, never boxed by stale positions.
    let mut changed = scan.bytes.clone();
    changed.extend_from_slice(b"trailing");
    write_zip(&changed);
    let layout = PageRenderer::for_records([&rec])
        .layout(&rec, &reds, "Scan")
        .unwrap();
    assert_eq!(layout.fallback, Some(sarx_bundle::Fallback::SourceChanged));
    assert!(layout.images.is_empty());
}

/// A scan turned on its side: Tesseract reads it the right way up (`--psm
/// 1`), its word boxes are in the image's own pixels, and the boxes cover
/// the third parties' words: OCR of the output reads none of them, and
/// still reads the subject.
#[test]
fn a_scan_on_its_side_is_boxed_where_its_words_are() {
    let test = "a_scan_on_its_side_is_boxed_where_its_words_are";
    if !common::needs_tools(test, &["tesseract"]) {
        return;
    }
    let scan = sarx_fixtures::scans::scans(7)
        .unwrap()
        .into_iter()
        .find(|s| s.source.ends_with(".png"))
        .unwrap();
    let img = image::load_from_memory(&scan.bytes).unwrap().to_luma8();
    let turned = image::imageops::rotate90(&img);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("turned.png");
    turned.save(&path).unwrap();
    let rec = record(&path);
    let third: Vec<&str> = scan
        .truth
        .third_party
        .iter()
        .map(String::as_str)
        .filter(|t| t.contains(' ') && rec.text.contains(*t))
        .collect();
    assert!(
        !third.is_empty(),
        "OCR reads the turned scan: {:?}",
        rec.text
    );
    let subject = scan
        .truth
        .subject_strings
        .values()
        .flatten()
        .find(|s| s.contains(' '))
        .unwrap()
        .clone();
    let surname = subject.rsplit(' ').next().unwrap().to_owned();
    let reds = redactions(&rec.text, &third);
    let layout = PageRenderer::default().layout(&rec, &reds, "Scan").unwrap();
    assert_eq!(layout.fallback, None);
    let bytes = write(&layout, &furniture()).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let boxes = boxes_of(&layout);
    assert_eq!(box_problems(&doc, &boxes), Vec::<String>::new());
    let engine = sarx_ocr::Tesseract::find().unwrap();
    let (ocr, readable) = ocr_text(&doc, &boxes, &engine).unwrap();
    assert_eq!(readable, 0, "a box reads as text");
    for t in &third {
        assert!(!ocr.contains(t), "OCR of the output reads {t:?}");
    }
    assert!(
        ocr.contains(&surname),
        "OCR of the output reads the subject"
    );
}
