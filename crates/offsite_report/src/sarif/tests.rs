use offsite_model::{Diagnostic, DiagnosticKind, Report, Source};
use serde_json::Value;

use super::*;
use crate::{Format, fixture, render};

fn sarif_text(report: &Report, rules: &[RuleInfo]) -> String {
    let options = RenderOptions::new("0.1.0", rules);
    let mut out = Vec::new();
    render(report, Format::Sarif, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn sarif(report: &Report, rules: &[RuleInfo]) -> Value {
    serde_json::from_str(&sarif_text(report, rules)).unwrap()
}

/// The official OASIS schema (see `tests/data/README.md`), formats checked.
fn official_schema() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../../tests/data/sarif-schema-2.1.0.json")).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!(sarif_text(&fixture::report(), &fixture::rules()));
}

#[test]
fn output_is_valid_against_the_official_schema() {
    let validator = official_schema();
    let rules = fixture::rules();
    for (report, rules) in [
        (fixture::report(), rules.as_slice()),
        (fixture::hostile_report(), rules.as_slice()),
        (fixture::wiki_report(), rules.as_slice()),
        (fixture::report(), &[][..]),
        (Report::default(), &[][..]),
    ] {
        let errors = schema_errors(&validator, &sarif(&report, rules));
        assert!(
            errors.is_empty(),
            "SARIF schema errors:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_official_schema_catches_mistakes() {
    // Guards the test above against a schema that accepts anything.
    let validator = official_schema();
    let good = sarif(&fixture::report(), &fixture::rules());
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&validator, &bad).is_empty());
    let mut bad = good.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema_errors(&validator, &bad).is_empty());
    let mut bad = good;
    bad["runs"][0]["columnKind"] = "bytes".into();
    assert!(!schema_errors(&validator, &bad).is_empty());
}

#[test]
fn one_result_per_finding_with_fingerprints_and_rule_indices() {
    let report = fixture::report();
    let rules = fixture::rules();
    let value = sarif(&report, &rules);
    let run = &value["runs"][0];
    let results = run["results"].as_array().unwrap();
    let findings: usize = report.loads.iter().map(|l| l.findings.len()).sum();
    assert_eq!(results.len(), findings);
    let driver_rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(driver_rules.len(), rules.len());
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(driver_rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["offsite/v1"].is_string());
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
    }
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), report.diagnostics.len());
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"note") && levels.contains(&"error") && levels.contains(&"warning"));
}

#[test]
fn findings_of_rules_missing_from_the_catalogue_get_a_descriptor() {
    let value = sarif(&fixture::report(), &[]);
    let run = &value["runs"][0];
    let ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for result in run["results"].as_array().unwrap() {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(ids[index], result["ruleId"].as_str().unwrap());
    }
}

#[test]
fn artifact_uris_are_encoded_uri_references() {
    let uri = |path: &str| {
        let loc = artifact_location(&Source::file(path));
        (loc.uri, loc.uri_base_id)
    };
    assert_eq!(
        uri("./gadgets/My Gadget.js"),
        ("gadgets/My%20Gadget.js".into(), Some(SRCROOT))
    );
    assert_eq!(
        uri("MediaWiki:Common.js"),
        ("MediaWiki%3ACommon.js".into(), Some(SRCROOT))
    );
    assert_eq!(
        uri("gadgets\\win.js"),
        ("gadgets/win.js".into(), Some(SRCROOT))
    );
    assert_eq!(uri("ü#?.js"), ("%C3%BC%23%3F.js".into(), Some(SRCROOT)));
    assert_eq!(
        uri("/srv/wiki/a b.js"),
        ("file:///srv/wiki/a%20b.js".into(), None)
    );
    assert_eq!(uri("C:\\wiki\\a.js"), ("file:///C:/wiki/a.js".into(), None));
    let page = Source {
        wiki: Some("enwiki".into()),
        title: Some("MediaWiki:Gadget-foo.js".into()),
        ..Source::default()
    };
    assert_eq!(
        artifact_location(&page).uri,
        "enwiki%3AMediaWiki%3AGadget-foo.js"
    );
}

#[test]
fn rule_help_has_markdown_and_a_plain_text_reading() {
    let value = sarif(&fixture::report(), &fixture::rules());
    let rule = &value["runs"][0]["tool"]["driver"]["rules"][1];
    assert_eq!(rule["help"]["markdown"], fixture::rules()[1].docs);
    let text = rule["help"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("What it does\n") && !text.contains('`'),
        "{text}"
    );
}

#[test]
fn wiki_results_carry_exposure_and_a_rank() {
    let value = sarif(&fixture::wiki_report(), &fixture::rules());
    let results = value["runs"][0]["results"].as_array().unwrap();
    let got: Vec<(u64, &str)> = results
        .iter()
        .map(|r| {
            (
                r["rank"].as_u64().unwrap(),
                r["properties"]["exposure"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (100, "every-reader"),
            // Some logged-in: 56 + script 4 × 3 + gated 0.
            (68, "logged-in"),
            // Users: 15 + 5 × the number of digits of the count.
            (25, "users"),
            (20, "users"),
            (14, "nobody"),
        ]
    );
    assert_eq!(
        results[0]["properties"]["exposure"]["label"],
        "every reader"
    );
    // Results of files have neither: SARIF's default rank (-1) applies.
    let files = sarif(&fixture::report(), &fixture::rules());
    for r in files["runs"][0]["results"].as_array().unwrap() {
        assert!(r.get("rank").is_none() && r["properties"].get("exposure").is_none());
    }
}

/// Regression: diagnostic kinds were strings ranked by matching, and
/// `dump-error` and `api-error` fell through to the lowest level, so a damaged
/// dump was a SARIF `note` like an unused suppression.
#[test]
fn damaged_dump_and_api_errors_are_sarif_errors() {
    let mut report = fixture::report();
    report.diagnostics = [
        DiagnosticKind::DumpError,
        DiagnosticKind::ApiError,
        DiagnosticKind::IoError,
        DiagnosticKind::UnusedSuppression,
    ]
    .into_iter()
    .map(|kind| Diagnostic {
        source: Source::file("wiki.xml.bz2"),
        line: None,
        column: None,
        kind,
        message: format!("{kind} happened"),
    })
    .collect();
    let value = sarif(&report, &fixture::rules());
    let notes = value["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let levels: Vec<(&str, &str)> = notes
        .iter()
        .map(|n| {
            (
                n["descriptor"]["id"].as_str().unwrap(),
                n["level"].as_str().unwrap(),
            )
        })
        .collect();
    for (id, expected) in [
        ("dump-error", "error"),
        ("api-error", "error"),
        ("io-error", "error"),
        ("unused-suppression", "note"),
    ] {
        assert!(levels.contains(&(id, expected)), "{id}: {levels:?}");
    }
}
