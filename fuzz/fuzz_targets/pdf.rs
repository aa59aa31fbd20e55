//! PDF extraction (lopdf, the text-run and CMap code).
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.pdf", Format::Pdf)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
