//! A panic while analysing one source stays with that source: it becomes an
//! error diagnostic naming it, and the run carries on with the others.

use std::panic::{AssertUnwindSafe, catch_unwind};

use offsite_model::{Diagnostic, DiagnosticKind, Source};

/// The diagnostic kind of a source whose analysis panicked; an error (the
/// run is incomplete), so the exit status is 2.
pub const PANIC_KIND: DiagnosticKind = DiagnosticKind::InternalError;

/// Runs `analyse`; a panic becomes a diagnostic naming `source`, handed to
/// `recover` for the result.
pub(crate) fn confine<T>(
    source: &Source,
    analyse: impl FnOnce() -> T,
    recover: impl FnOnce(Diagnostic) -> T,
) -> T {
    // Unwind safety: the closure only reads shared state (the linter, the
    // text); whatever it built is dropped with the panic.
    catch_unwind(AssertUnwindSafe(analyse)).unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_owned());
        recover(Diagnostic {
            source: source.clone(),
            line: None,
            column: None,
            kind: PANIC_KIND,
            message: format!(
                "the analysis of this source failed ({reason}); its loads are missing from the report"
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_diagnostic_naming_the_source() {
        let source = Source::file("gadgets/broken.js");
        let diagnostic =
            confine(&source, || panic!("deliberate"), Some).expect("the panic is caught");
        assert_eq!(diagnostic.source, source);
        assert_eq!(diagnostic.kind, PANIC_KIND);
        assert!(
            diagnostic.message.contains("deliberate"),
            "{}",
            diagnostic.message
        );
    }

    #[test]
    fn a_normal_result_passes_through() {
        assert_eq!(confine(&Source::file("a.js"), || 7, |_| 0), 7);
    }
}
