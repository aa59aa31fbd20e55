//! Office documents: DOCX and PPTX (OOXML), ODT and ODP (OpenDocument); the first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.docx", Format::Docx), ("x.pptx", Format::Pptx), ("x.odt", Format::Odt), ("x.odp", Format::Odp)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
