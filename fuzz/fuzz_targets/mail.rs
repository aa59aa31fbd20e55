//! Mail: one RFC 5322 message (EML), a Unix mbox, Apple EMLX; the first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.eml", Format::Eml), ("x.mbox", Format::Mbox), ("x.emlx", Format::Emlx)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
