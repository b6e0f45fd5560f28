//! The fuzzing entry point (`fuzz/fuzz_targets/csp_header.rs`).

use crate::{parse_header, serialize_header};

/// Parse arbitrary bytes (lossy UTF-8) as a header, serialise, reparse and
/// check the round trip; panics only when an invariant breaks.
pub fn fuzz_header(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = parse_header(&text);
    for diagnostic in &parsed.diagnostics {
        assert!(
            diagnostic.span.start <= diagnostic.span.end && diagnostic.span.end <= text.len(),
            "diagnostic span out of the input: {diagnostic}"
        );
    }
    let canonical = serialize_header(&parsed.policies);
    let reparsed = parse_header(&canonical);
    assert_eq!(
        reparsed.policies, parsed.policies,
        "reparsing the canonical form changed the policies: {canonical:?}"
    );
    assert_eq!(
        serialize_header(&reparsed.policies),
        canonical,
        "the canonical form is not stable"
    );
}
