//! Each format on a saved scan written in the shape `offsite scan --format
//! json` gives (tests/fixtures/scan.json), the JSON against its schema, and
//! hostile strings from the scan escaped in wikitext and HTML.
#![allow(clippy::unwrap_used, reason = "tests")]

use offsite_disclose::{Format, Messages, Notice, Options, build, render};
use offsite_model::ReportedLoad;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Saved {
    loads: Vec<ReportedLoad>,
}

fn fixture_loads() -> Vec<ReportedLoad> {
    let saved: Saved = serde_json::from_str(include_str!("fixtures/scan.json")).unwrap();
    saved.loads
}

fn notices() -> Vec<Notice> {
    build(&fixture_loads(), &Options::default())
}

fn en() -> Messages {
    Messages::built_in("en").unwrap()
}

#[test]
fn the_fixture_names_every_outside_host_under_its_subject_and_no_more() {
    let notices = notices();
    let subjects: Vec<(&str, Vec<&str>)> = notices
        .iter()
        .map(|n| {
            (
                n.subject.name.as_str(),
                n.recipients.iter().map(|r| r.host.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        subjects,
        [
            (
                "MediaWiki:Common.js",
                vec!["weather.example.org", "widgets.example.com"]
            ),
            (
                "Maps",
                vec!["cdn.jsdelivr.net", "maps.example.org", "tile.example.org"]
            ),
            ("Stats", vec!["fonts.gstatic.com", "stats.example.net"]),
            ("User:Alice/tool.js", vec!["edit-counter.toolforge.org"]),
        ]
    );
    // User:Bob/common.js runs for its owner alone: no notice.
    assert!(
        notices
            .iter()
            .all(|n| n.subject.name != "User:Bob/common.js")
    );
}

#[test]
fn wikitext_english() {
    insta::assert_snapshot!(render(Format::Wikitext, &notices(), &en()));
}

#[test]
fn wikitext_german() {
    let de = Messages::built_in("de").unwrap();
    insta::assert_snapshot!(render(Format::Wikitext, &notices(), &de));
}

#[test]
fn html_english() {
    insta::assert_snapshot!(render(Format::Html, &notices(), &en()));
}

#[test]
fn json_english() {
    insta::assert_snapshot!(render(Format::Json, &notices(), &en()));
}

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(include_str!("../../../docs/schema/disclose.schema.json")).unwrap();
    jsonschema::meta::validate(&schema).unwrap();
    jsonschema::options().build(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, value: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
}

#[test]
fn json_output_matches_its_schema() {
    let validator = validator();
    let value: Value = serde_json::from_str(&render(Format::Json, &notices(), &en())).unwrap();
    assert_eq!(value["notices"].as_array().unwrap().len(), 4);
    assert_valid(&validator, &value);
    // The schema can fail: a tier the notices never list is rejected.
    let mut bad = value.clone();
    bad["notices"][0]["recipients"][0]["tier"] = Value::from("first-party");
    assert!(!validator.is_valid(&bad));
}

const HOSTILE: &str = "</nowiki>[[Category:Pwned]]{{Delete}}~~~~\n|}<script>alert(1)</script>\"'";

fn hostile_notices() -> Vec<Notice> {
    let mut loads = fixture_loads();
    for l in &mut loads {
        l.entity = Some(HOSTILE.to_owned());
        l.dynamic_expr = l.dynamic_expr.as_ref().map(|_| HOSTILE.to_owned());
        if let Some(title) = &mut l.source.title {
            title.push_str(HOSTILE);
        }
    }
    build(&loads, &Options::default())
}

#[test]
fn hostile_strings_are_escaped_in_wikitext() {
    let out = render(Format::Wikitext, &hostile_notices(), &en());
    // Every </nowiki> in the output closes one <nowiki> offsite opened.
    assert_eq!(
        out.matches("<nowiki>").count(),
        out.matches("</nowiki>").count(),
        "{out}"
    );
    for bad in ["[[Category:Pwned]]</nowiki>", "<script>", "\n|}<"] {
        assert!(!out.contains(bad), "{bad:?} in\n{out}");
    }
    // Outside <nowiki>, no markup from the scan survives.
    let outside: String = out
        .split("<nowiki>")
        .map(|part| part.split_once("</nowiki>").map_or(part, |(_, rest)| rest))
        .collect();
    for bad in ["[[", "{{", "~~~", "<script"] {
        assert!(
            !outside.contains(bad),
            "{bad:?} outside nowiki in\n{outside}"
        );
    }
    assert!(out.contains("&lt;/nowiki&gt;[[Category:Pwned]]"), "{out}");
}

#[test]
fn hostile_strings_are_escaped_in_html() {
    let out = render(Format::Html, &hostile_notices(), &en());
    assert!(!out.contains("<script>"), "{out}");
    assert!(!out.contains("\"'"), "{out}");
    assert!(
        out.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;"),
        "{out}"
    );
}
