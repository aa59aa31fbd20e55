//! Archives: zip, tar, gzip, with the safety limits; the first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.zip", Format::Zip), ("x.tar", Format::Tar), ("x.gz", Format::Gzip)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
