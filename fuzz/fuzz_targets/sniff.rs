//! The format sniffer, with every name the crawler could give it: the
//! answer is any `Format`, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 16] = [
    "x", "x.pdf", "x.docx", "x.xlsx", "x.xls", "x.ods", "x.odt", "x.msg", "x.eml", "x.mbox",
    "x.pst", "x.zip", "x.rtf", "x.html", "x.csv", "winmail.dat",
];

fuzz_target!(|data: &[u8]| {
    for name in NAMES {
        let _ = sarx_extract::sniff(name, data);
    }
});
