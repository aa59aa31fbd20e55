//! The staff CSV parser, and the look-ups its directory answers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = sarx_redact::StaffDirectory::from_reader(data) {
        let probe = String::from_utf8_lossy(data);
        let _ = d.is_staff_name(&probe, false);
        let _ = d.is_staff_name(&probe, true);
        let _ = d.is_staff_email(&probe);
        let _ = d.is_staff_phone(&probe);
        for w in probe.split_whitespace().take(8) {
            let _ = d.is_forename_of_member_in(w, &probe);
        }
    }
});
