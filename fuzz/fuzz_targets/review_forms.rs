//! The review page's request decoders: every form body through the axum
//! extractor its handler takes and the handler's checks, the document-list
//! query string, and the session cookie lookup.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sarx_review::fuzz::decode_all(data);
});
