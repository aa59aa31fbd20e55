//! The organisation profile parser (TOML, unknown keys refused).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = sarx_case::OrgProfile::from_toml(s);
    }
});
