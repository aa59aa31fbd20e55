//! End-to-end tests of the office readers through the extractor: each
//! format's visible and hidden text, properties, and broken packages.

use std::io::{Cursor, Write};

use sarx_model::Kind;

use crate::{Collected, Extractor};

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, body) in files {
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn run(name: &str, bytes: &[u8]) -> Collected {
    let mut out = Collected::default();
    Extractor::default().extract_bytes(name, name, bytes, &mut out);
    out
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn tiny_docx() -> Vec<u8> {
    let doc = format!(
        r#"<?xml version="1.0"?><w:document {W}><w:body>
<w:p><w:r><w:t>Tenant: Margaret Okafor</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Neighbour </w:t></w:r><w:del w:author="Officer A" w:date="2025-01-01T00:00:00Z"><w:r><w:delText>Janet Smith 07700 900123</w:delText></w:r></w:del><w:ins w:author="Officer B"><w:r><w:t>a neighbour</w:t></w:r></w:ins></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Name</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Phone</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Bob</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>07700 900456</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>secret note</w:t></w:r></w:p>
<w:p><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice><w:r><w:t>Box text</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>Box text</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>
</w:body></w:document>"#
    );
    let comments = format!(
        r#"<w:comments {W}><w:comment w:id="0" w:author="Jo Bloggs" w:date="2025-02-01T00:00:00Z"><w:p><w:r><w:t>Check her NI number</w:t></w:r></w:p></w:comment></w:comments>"#
    );
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;
    let doc_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>ASB case 12</dc:title><dc:creator>Sam Officer</dc:creator><dcterms:created>2025-03-14T09:30:00Z</dcterms:created></cp:coreProperties>"#;
    zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        ("_rels/.rels", rels),
        ("word/document.xml", &doc),
        ("word/_rels/document.xml.rels", doc_rels),
        ("word/comments.xml", &comments),
        ("docProps/core.xml", core),
    ])
}

#[test]
fn docx_sees_deletions_comments_tables_and_properties() {
    let out = run("case.docx", &tiny_docx());
    assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
    let r = &out.records[0];
    assert_eq!(r.kind, Kind::Word);
    assert!(r.text.contains("Tenant: Margaret Okafor"), "{}", r.text);
    assert!(r.text.contains("Janet Smith 07700 900123"), "{}", r.text);
    assert!(r.text.contains("a neighbour"));
    assert!(
        r.text.contains("Name\tPhone\nBob\t07700 900456\n"),
        "{:?}",
        r.text
    );
    assert!(r.text.contains("secret note"));
    assert_eq!(r.text.matches("Box text").count(), 1, "{}", r.text);
    assert!(
        r.text
            .contains("Comment by Jo Bloggs (2025-02-01T00:00:00Z): Check her NI number"),
        "{}",
        r.text
    );
    assert!(r.text.contains("Officer A"));
    assert_eq!(r.meta["hidden_text"], "true");
    assert_eq!(r.title, "ASB case 12");
    assert_eq!(r.parties.author, vec!["Sam Officer".to_owned()]);
    assert_eq!(r.dates.created.as_deref(), Some("2025-03-14T09:30:00Z"));
    assert!(r.text.contains("Author: Sam Officer"));
}

#[test]
fn odt_tracked_changes_annotations_and_encryption() {
    let content = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:text>
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>Ann Editor</dc:creator><dc:date>2025-01-01T10:00:00</dc:date></office:change-info><text:p>Removed witness Dave Jones</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:p>Visible<text:s text:c="2"/>text<text:tab/>here<office:annotation><dc:creator>Cara</dc:creator><text:p>Query this</text:p></office:annotation></text:p>
</office:text></office:body></office:document-content>"#;
    let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"/></manifest:manifest>"#;
    let meta = r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><meta:initial-creator>Pat Writer</meta:initial-creator><dc:title>Note</dc:title></office:meta></office:document-meta>"#;
    let bytes = zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content),
        ("meta.xml", meta),
    ]);
    let out = run("n.odt", &bytes);
    assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
    let r = &out.records[0];
    assert!(r.text.contains("Removed witness Dave Jones"), "{}", r.text);
    assert!(r.text.contains("Ann Editor"));
    assert!(r.text.contains("Visible  text\there"), "{:?}", r.text);
    assert!(r.text.contains("Cara"), "{}", r.text);
    assert!(r.text.contains("Query this"));
    assert_eq!(r.meta["hidden_text"], "true");
    assert_eq!(r.title, "Note");
    assert_eq!(r.parties.author, vec!["Pat Writer".to_owned()]);

    let enc_manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"#;
    let bytes = zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", enc_manifest),
        ("content.xml", "garbage"),
    ]);
    let out = run("e.odt", &bytes);
    assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Encrypted);
}

#[test]
fn pptx_slides_and_notes() {
    let slide = |t: &str| {
        format!(
            r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>{t}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"#
        )
    };
    let s1 = slide("First slide");
    let s2 = slide("Second slide");
    let notes = r#"<p:notes xmlns:p="p" xmlns:a="a"><a:p><a:r><a:t>Speaker note about Jo</a:t></a:r></a:p></p:notes>"#;
    let srels = r#"<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide" Target="../notesSlides/notesSlide1.xml"/></Relationships>"#;
    let bytes = zip_of(&[
        ("ppt/presentation.xml", "<p:presentation xmlns:p=\"p\"/>"),
        ("ppt/slides/slide2.xml", &s2),
        ("ppt/slides/slide1.xml", &s1),
        ("ppt/slides/_rels/slide1.xml.rels", srels),
        ("ppt/notesSlides/notesSlide1.xml", notes),
    ]);
    let out = run("deck.pptx", &bytes);
    assert!(out.unsearchable.is_empty(), "{:?}", out.unsearchable);
    let r = &out.records[0];
    assert_eq!(r.kind, Kind::Presentation);
    let a = r.text.find("First slide").unwrap();
    let b = r.text.find("Second slide").unwrap();
    assert!(a < b);
    assert!(
        r.text.contains("Notes: Speaker note about Jo"),
        "{}",
        r.text
    );
}

#[test]
fn broken_packages() {
    let out = run("t.docx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated");
    assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Truncated);
    let no_main = zip_of(&[("word/other.xml", "<x/>")]);
    let out = run("m.docx", &no_main);
    assert_eq!(out.unsearchable[0].reason, sarx_model::Reason::Corrupt);
}
