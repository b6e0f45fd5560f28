//! The MediaWiki XML dump reader on arbitrary bytes (any compression).
//! Seeds: crates/offsite_dump/tests/corpus/ (replayed by that crate's tests).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "stack.rs"]
mod stack;

fuzz_target!(|data: &[u8]| stack::run(data, body));

fn body(data: &[u8]) {
    offsite_dump::fuzz_one(data);
}
