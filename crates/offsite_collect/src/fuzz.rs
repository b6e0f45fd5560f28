//! The fuzz entry point: every parser on arbitrary bytes.

use crate::attribute::{AttributionIndex, GadgetPages};
use crate::filter::NoiseFilter;
use crate::parse::{BodyKind, ParseContext, parse_body};
use crate::privacy::check_report;

/// Parse `data` as each of the three body kinds, then filter and attribute
/// every report read. Panics when a report breaks an invariant of
/// [`check_report`] (no query or fragment in any URL field, every string
/// capped, a reduced user agent); the parser itself must never panic. Used
/// by `fuzz/fuzz_targets/csp_report.rs` and by this crate's corpus test.
pub fn fuzz_report(data: &[u8]) {
    let cx = ParseContext {
        received_ms: 0,
        report_only: data.first().is_some_and(|b| b & 1 == 1),
        source: Some("fuzz".to_owned()),
        user_agent: Some(String::from_utf8_lossy(data.get(..200).unwrap_or(data)).into_owned()),
    };
    let filter = NoiseFilter::default();
    let index = AttributionIndex::from_loads(&[], &GadgetPages::new());
    for kind in [BodyKind::CspReport, BodyKind::Json, BodyKind::ReportsJson] {
        let Ok(outcome) = parse_body(kind, data, &cx) else {
            continue;
        };
        assert!(
            outcome.reports.len() <= crate::parse::MAX_BATCH,
            "{} reports from one body",
            outcome.reports.len()
        );
        for report in &outcome.reports {
            if let Err(broken) = check_report(report) {
                panic!("invariant broken: {broken}\nreport: {report:?}");
            }
            let _ = filter.check(report);
            let _ = index.attribute(report);
            let _ = report.group_key();
        }
    }
}
