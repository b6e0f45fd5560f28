//! The CSP violation report parser (every body format) on arbitrary bytes.
//! Seeds: crates/offsite_collect/tests/corpus/ (replayed by that crate's tests).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "stack.rs"]
mod stack;

fuzz_target!(|data: &[u8]| stack::run(data, body));

fn body(data: &[u8]) {
    offsite_collect::fuzz_report(data);
}
