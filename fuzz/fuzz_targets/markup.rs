//! RTF, HTML and plain text (charset detection, listings); the first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.rtf", Format::Rtf), ("x.html", Format::Html), ("x.txt", Format::Text)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
