//! Outlook items: MSG (compound file) and TNEF (winmail.dat), one MAPI property model; the first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.msg", Format::Msg), ("winmail.dat", Format::Tnef)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
