//! Zip-based workbooks through calamine: XLSX, XLSB, ODS; the first byte picks the format.
#![no_main]
use libfuzzer_sys::fuzz_target;

include!("common.rs");

const FORMATS: &[(&str, Format)] = &[("x.xlsx", Format::Xlsx), ("x.xlsb", Format::Xlsb), ("x.ods", Format::Ods)];

fuzz_target!(|data: &[u8]| {
    if let Some((name, format, bytes)) = select(data, FORMATS) {
        extract_as(name, format, bytes);
    }
});
