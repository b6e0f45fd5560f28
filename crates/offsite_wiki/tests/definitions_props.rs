//! Properties of the definition parsers, and the fuzz seed corpus replayed.

use std::path::Path;

use offsite_wiki::{fuzz_definitions, parse_legacy};
use proptest::prelude::*;

/// Lines in the shapes a Gadgets-definition page has, plus near misses.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        "[*]{1,2} ?[a-zA-Z][a-zA-Z0-9 _.:-]{0,12}(\\[[a-zA-Z=, |.-]{0,30}\\])? ?(\\|[a-zA-Z0-9 ._-]{0,12}){1,3}",
        "={1,3} ?[a-z -]{0,10} ?={1,3}",
        "[*=|\\[\\] a-z0-9,.:!-]{0,30}",
        "\\PC{0,20}",
        Just(String::new()),
        Just("   ".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Every non-blank line (no comments here, so lines keep their numbers)
    /// is a gadget, a section header the extension accepts, or an error.
    #[test]
    fn every_line_is_accounted_for(lines in proptest::collection::vec(line(), 0..16)) {
        let text = lines.join("\n");
        let parsed = parse_legacy(&text);
        for (i, l) in lines.iter().enumerate() {
            let n = i + 1;
            if l.trim().is_empty() || l.contains(['\r', '\n']) {
                continue;
            }
            let is_gadget = parsed.gadgets.iter().any(|g| g.source_line == Some(n));
            let is_error = parsed.errors.iter().any(|e| e.line == n);
            if is_gadget || is_error {
                continue;
            }
            // Otherwise it must have been taken as a section header.
            let probe = parse_legacy(&format!("{l}\n* probe|p.js"));
            let section = probe.gadgets.first().map(|g| g.section.clone()).unwrap_or_default();
            prop_assert!(!section.is_empty(), "line {n} {l:?} silently dropped: {parsed:#?}");
        }
        for e in &parsed.errors {
            prop_assert!(e.line >= 1 && e.line <= lines.len().max(1));
        }
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,200}", comments in proptest::bool::ANY) {
        let text = if comments { text.replace('x', "<!--").replace('y', "-->") } else { text };
        let lines = text.split(['\r', '\n']).count();
        let parsed = parse_legacy(&text);
        for e in &parsed.errors {
            prop_assert!(e.line >= 1 && e.line <= lines);
        }
        fuzz_definitions(text.as_bytes());
    }

    #[test]
    fn never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        fuzz_definitions(&bytes);
    }
}

#[test]
fn fuzz_seed_corpus_replays() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("readable");
        fuzz_definitions(&bytes);
        count += 1;
    }
    assert!(count >= 5, "seed corpus has {count} files");
}
