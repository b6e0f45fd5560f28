//! Golden files: every fixture body parsed, filtered by the default lists,
//! and snapshotted (Sentry relay's per-browser fixtures, offsite-style).
//! The explicit assertions below pin what the snapshots must never lose.

use std::path::{Path, PathBuf};

use offsite_collect::{
    Blocked, BodyKind, Disposition, NoiseFilter, NormalizedReport, ParseContext, ParseOutcome,
    body_kind, parse_body, privacy,
};
use serde_json::json;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            Path::new(name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
                && !name.starts_with("testbed-")
        })
        .collect();
    files.sort();
    files
}

fn kind_of(path: &Path) -> BodyKind {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let content_type = if name.ends_with(".csp-report.json") {
        "application/csp-report"
    } else if name.ends_with(".reports.json") {
        "application/reports+json; charset=utf-8"
    } else {
        "application/json"
    };
    body_kind(content_type).expect("a known content type")
}

fn cx() -> ParseContext {
    ParseContext {
        received_ms: 1_795_573_420_667,
        report_only: false,
        source: Some("internal".into()),
        user_agent: Some(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
                .into(),
        ),
    }
}

fn parse(name: &str) -> ParseOutcome {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let body = std::fs::read(&path).expect("fixture");
    parse_body(kind_of(&path), &body, &cx()).expect("fixture parses")
}

#[test]
fn every_fixture_matches_its_snapshot() {
    let filter = NoiseFilter::default();
    let files = fixtures();
    assert!(files.len() >= 10, "fixtures went missing: {files:?}");
    for path in files {
        let body = std::fs::read(&path).expect("fixture");
        let outcome = parse_body(kind_of(&path), &body, &cx())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!outcome.reports.is_empty(), "{}: no report", path.display());
        for r in &outcome.reports {
            privacy::check_report(r).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        let golden = json!({
            "reports": outcome.reports.iter().map(|r| json!({
                "report": r,
                "group_key": r.group_key(),
                "filtered": filter.check(r).map(offsite_collect::FilterReason::as_str),
            })).collect::<Vec<_>>(),
            "skipped": outcome.skipped.iter().map(offsite_collect::SkipReason::as_str).collect::<Vec<_>>(),
        });
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        insta::assert_json_snapshot!(name, golden);
    }
}

fn only(outcome: &ParseOutcome) -> &NormalizedReport {
    assert_eq!(outcome.reports.len(), 1, "{outcome:?}");
    &outcome.reports[0]
}

#[test]
fn chromium_report_uri_keeps_what_attribution_needs_and_nothing_personal() {
    let out = parse("chromium-156-script.csp-report.json");
    let r = only(&out);
    assert_eq!(r.directive, "script-src-elem");
    assert_eq!(
        r.blocked,
        Blocked::Url("https://cdn.example.org/x.js".into())
    );
    assert_eq!(r.document, "http://127.0.0.1:8091/index.php/Main_Page");
    assert_eq!(r.document_host.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        r.source_file.as_deref(),
        Some("http://127.0.0.1:8091/load.php")
    );
    assert_eq!(
        (r.line, r.column, r.status_code),
        (Some(9), Some(655), Some(200))
    );
    assert_eq!(r.disposition, Disposition::Report);
    assert_eq!(r.sample, None, "an empty sample is no sample");
    assert_eq!(r.browser.as_deref(), Some("Chrome 156"));
    let stored = serde_json::to_string(r).expect("json");
    for leak in [
        "referrer",
        "original-policy",
        "allowed.example.org",
        "mode=report-only",
        "HeadlessChrome",
    ] {
        assert!(!stored.contains(leak), "{leak} leaked into {stored}");
    }
}

#[test]
fn jsonp_cache_busters_and_callbacks_are_stripped() {
    let out = parse("chromium-156-jsonp.csp-report.json");
    let r = only(&out);
    assert_eq!(
        r.blocked,
        Blocked::Url("https://api.example.com/v1/thing".into())
    );
    assert_eq!(r.group_key().blocked_origin, "https://api.example.com");
}

#[test]
fn reporting_api_batch_reads_violations_and_skips_the_rest() {
    let out = parse("chromium-156-batch.reports.json");
    assert_eq!(out.reports.len(), 2);
    assert_eq!(
        out.skipped
            .iter()
            .map(offsite_collect::SkipReason::as_str)
            .collect::<Vec<_>>(),
        ["not_csp_violation"]
    );
    let r = &out.reports[0];
    assert_eq!(
        r.blocked,
        Blocked::Url("https://cdn.example.org/x.js".into())
    );
    assert_eq!(r.document_host.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        r.source_file.as_deref(),
        Some("https://127.0.0.1:8443/load.php")
    );
    assert_eq!(r.browser.as_deref(), Some("Chrome 156"));
}

#[test]
fn firefox_legacy_shape_is_read_and_reduced() {
    let out = parse("firefox-legacy.csp-report.json");
    let r = only(&out);
    assert_eq!(
        r.directive, "script-src-elem",
        "derived from violated-directive"
    );
    assert_eq!(
        r.disposition,
        Disposition::Enforce,
        "no disposition, no reportonly=1"
    );
    assert_eq!((r.line, r.column), (Some(3), Some(1)), "numbers as strings");
    assert_eq!(
        r.blocked,
        Blocked::Url("https://third.example.net/lib.js".into())
    );
    // The page is kept (it is the page), its query and fragment are not.
    assert_eq!(
        r.document,
        "https://en.wikipedia.org/wiki/User:Alice/sandbox"
    );
    assert_eq!(
        r.source_file.as_deref(),
        Some("https://en.wikipedia.org/w/index.php")
    );
}

#[test]
fn the_default_filter_drops_extension_and_adware_noise_only() {
    let filter = NoiseFilter::default();
    let reason = |name: &str| {
        filter
            .check(only(&parse(name)))
            .map(offsite_collect::FilterReason::as_str)
    };
    assert_eq!(
        reason("chrome-extension-noise.csp-report.json"),
        Some("extension_scheme")
    );
    assert_eq!(reason("adware-host.json"), Some("noise_host"));
    // Inline code is never filtered, even from an extension's content script.
    assert_eq!(reason("firefox-inline.csp-report.json"), None);
    assert_eq!(reason("chromium-156-script.csp-report.json"), None);
    assert_eq!(reason("safari-empty-blocked.csp-report.json"), None);
}
