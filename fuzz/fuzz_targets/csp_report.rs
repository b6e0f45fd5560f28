//! The CSP violation report parser (every body format) on arbitrary bytes.
//! Seeds: crates/offsite_collect/tests/corpus/ (replayed by that crate's tests).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    offsite_collect::fuzz_report(data);
});
