//! Replays the fuzz seed corpus (`tests/corpus/`, also the seeds of
//! `fuzz/fuzz_targets/csp_report.rs`) on stable: every file through
//! `fuzz_report`, which panics when a report breaks an invariant.

use std::path::{Path, PathBuf};

use offsite_collect::{Blocked, BodyKind, ParseContext, fuzz_report, parse_body, privacy};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus")
            .join(name),
    )
    .expect("corpus file")
}

#[test]
fn every_corpus_file_replays_without_panic_or_broken_invariant() {
    let files = corpus();
    assert!(files.len() >= 15, "corpus shrank to {} files", files.len());
    for file in files {
        let bytes = std::fs::read(&file).expect("read");
        fuzz_report(&bytes);
    }
}

#[test]
fn hostile_shapes_are_rejected_or_reduced() {
    let cx = ParseContext::default();
    let reject = |name: &str| {
        parse_body(BodyKind::CspReport, &read(name), &cx)
            .map(|o| o.reports.len())
            .map_err(|e| e.code())
    };
    assert_eq!(reject("empty.json"), Err("wrongformat"));
    assert_eq!(reject("truncated.json"), Err("wrongformat"));
    assert_eq!(reject("not_utf8.bin"), Err("wrongformat"));
    assert_eq!(reject("lone_surrogate.json"), Err("wrongformat"));
    assert_eq!(
        reject("deep_nesting.json"),
        Err("wrongformat"),
        "serde_json's recursion limit"
    );
    assert_eq!(reject("csp_report_not_object.json"), Err("wrongformat"));
    assert_eq!(
        reject("nested_csp_report.json"),
        Ok(1),
        "an inner `csp-report` is just an unknown field"
    );

    let out = parse_body(BodyKind::CspReport, &read("hostile_urls.json"), &cx).expect("parses");
    let r = &out.reports[0];
    assert_eq!(
        r.document, "https://en.wikipedia.org/wiki/User:Alice",
        "user info, port, query gone"
    );
    assert_eq!(
        r.blocked,
        Blocked::Url("https://xn--bcher-kva.example/%C3%BC/x.js".into())
    );
    assert_eq!(r.source_file.as_deref(), Some("javascript:"));
    assert_eq!(
        r.directive, "script-src-elem",
        "the first token; the injected line is dropped"
    );
    assert!(
        r.sample
            .as_deref()
            .is_some_and(|s| !s.chars().any(char::is_control))
    );

    let out = parse_body(BodyKind::CspReport, &read("long_strings.json"), &cx).expect("parses");
    let r = &out.reports[0];
    privacy::check_report(r).expect("capped");
    assert_eq!(r.sample.as_deref().map(|s| s.chars().count()), Some(40));
    assert_eq!(r.directive, "", "over 64 bytes is no directive name");

    let out = parse_body(BodyKind::ReportsJson, &read("big_batch.json"), &cx).expect("parses");
    assert_eq!(out.reports.len(), offsite_collect::parse::MAX_BATCH);

    let out = parse_body(BodyKind::ReportsJson, &read("batch_mixed.json"), &cx).expect("parses");
    assert_eq!(
        out.reports.len(),
        1,
        "only the `CSP-Violation` entry with a body"
    );
    assert_eq!(out.skipped.len(), 7);
}
