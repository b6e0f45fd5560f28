//! The CSP header parser, serialiser, matcher and evaluator on arbitrary bytes.
//! Seeds: crates/offsite_csp/tests/corpus/ (replayed by that crate's tests).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "stack.rs"]
mod stack;

fuzz_target!(|data: &[u8]| stack::run(data, body));

fn body(data: &[u8]) {
    offsite_csp::fuzz_header(data);
}
