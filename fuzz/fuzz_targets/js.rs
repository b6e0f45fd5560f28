//! Arbitrary bytes (read as lossy UTF-8) through the js front end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offsite_detect::{Options, detect};
use offsite_model::Language;

#[path = "invariants.rs"]
mod invariants;

#[path = "stack.rs"]
mod stack;

fuzz_target!(|data: &[u8]| stack::run(data, body));

fn body(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let detection = detect(&text, Language::JavaScript, &Options::default());
    invariants::check(&text, &detection.loads);
}
