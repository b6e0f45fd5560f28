//! Arbitrary bytes straight into the tree-sitter fallback, which the `js`
//! target only reaches when oxc gives up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offsite_detect::Options;
use offsite_detect::js::fallback;

#[path = "invariants.rs"]
mod invariants;

#[path = "stack.rs"]
mod stack;

fuzz_target!(|data: &[u8]| stack::run(data, body));

fn body(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let loads = fallback::detect(&text, &Options::default());
    invariants::check(&text, &loads);
}
