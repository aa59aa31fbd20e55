//! The subject profile parser (TOML): an error, never a panic; a profile
//! that parses also builds a matcher.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(p) = sarx_detect::SubjectProfile::from_toml_str(s) {
            let _ = p.identifier_count();
        }
    }
});
