//! The JSON contract (`version` 1): every load, first party included, with
//! its findings; diagnostics; the summary. Described by
//! `docs/schema/offsite-scan.schema.json`.
//!
//! These structs, not the model's, define the field names and their order, so
//! a change to the shared model cannot silently change the contract.

use std::io::{self, Write};

use offsite_model::{
    Consent, ConsentKind, Directive, ExposureKind, Report, ReportedLoad, Resolution, Severity,
    Sink, Source, Tier,
};
use serde::Serialize;

use crate::summary::{Summary, summary};
use crate::{JSON_VERSION, RenderOptions, Sorted};

#[derive(Serialize)]
struct Output<'r> {
    version: u32,
    tool: Tool<'r>,
    loads: Vec<Load<'r>>,
    diagnostics: Vec<Diagnostic<'r>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool<'r> {
    name: &'static str,
    version: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'r str>,
}

#[derive(Serialize)]
struct Load<'r> {
    source: &'r Source,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    api: &'r str,
    sink: Sink,
    directive: Directive,
    url: Option<&'r str>,
    host: Option<&'r str>,
    page: Option<&'r str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    modules: &'r [String],
    tier: Tier,
    entity: Option<&'r str>,
    resolution: Resolution,
    dynamic_expr: Option<&'r str>,
    consent: Consent,
    consent_kind: Option<ConsentKind>,
    consent_reason: Option<&'r str>,
    findings: Vec<Finding<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<Exposure<'r>>,
}

/// Who runs the load (wiki sources only). Also the `exposure` property of
/// SARIF results.
#[derive(Serialize)]
pub(crate) struct Exposure<'r> {
    kind: ExposureKind,
    label: &'r str,
    users: Option<u64>,
    rights: &'r [String],
    groups: &'r [String],
    entry_points: usize,
    depth: Option<u32>,
    url_loadable: bool,
    /// [`offsite_model::RankKey::score`]: 0 to 100, higher first.
    rank: u8,
}

impl<'r> Exposure<'r> {
    pub(crate) fn of(load: &'r ReportedLoad) -> Option<Self> {
        let e = load.exposure.as_ref()?;
        Some(Self {
            kind: e.kind,
            label: &e.label,
            users: e.users,
            rights: &e.rights,
            groups: &e.groups,
            entry_points: e.entry_points,
            depth: e.depth,
            url_loadable: e.url_loadable,
            rank: load.rank_key().map_or(0, offsite_model::RankKey::score),
        })
    }
}

#[derive(Serialize)]
struct Finding<'r> {
    rule: &'r str,
    name: &'r str,
    severity: Severity,
    message: &'r str,
    fingerprint: Option<&'r str>,
}

#[derive(Serialize)]
struct Diagnostic<'r> {
    source: &'r Source,
    line: Option<u32>,
    column: Option<u32>,
    kind: &'r str,
    severity: Severity,
    message: &'r str,
}

pub fn render(
    report: &Report,
    sorted: &Sorted<'_>,
    options: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let output = Output {
        version: JSON_VERSION,
        tool: Tool {
            name: "offsite",
            version: options.tool_version,
            policy: options.policy,
        },
        loads: sorted
            .loads
            .iter()
            .map(|entry| {
                let l = entry.load;
                Load {
                    source: &l.source,
                    line: l.line,
                    column: l.column,
                    end_line: l.end_line,
                    end_column: l.end_column,
                    api: &l.api,
                    sink: l.sink,
                    directive: l.directive,
                    url: l.url.as_deref(),
                    host: l.host.as_deref(),
                    page: l.page.as_deref(),
                    modules: &l.modules,
                    tier: l.tier,
                    entity: l.entity.as_deref(),
                    resolution: l.resolution,
                    dynamic_expr: l.dynamic_expr.as_deref(),
                    consent: l.consent,
                    consent_kind: l.consent_kind,
                    consent_reason: l.consent_reason.as_deref(),
                    findings: entry
                        .findings
                        .iter()
                        .map(|f| Finding {
                            rule: &f.rule,
                            name: &f.name,
                            severity: f.severity,
                            message: &f.message,
                            fingerprint: f.fingerprint.as_deref(),
                        })
                        .collect(),
                    exposure: Exposure::of(l),
                }
            })
            .collect(),
        diagnostics: sorted
            .diagnostics
            .iter()
            .map(|d| Diagnostic {
                source: &d.source,
                line: d.line,
                column: d.column,
                kind: d.kind.as_str(),
                severity: d.kind.severity(),
                message: &d.message,
            })
            .collect(),
        summary: summary(report),
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::{Format, fixture, render};

    fn json_text(report: &Report) -> String {
        let rules = fixture::rules();
        let options = RenderOptions::new("0.1.0", &rules);
        let mut out = Vec::new();
        render(report, Format::Json, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn json(report: &Report) -> Value {
        serde_json::from_str(&json_text(report)).unwrap()
    }

    fn validator() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(include_str!(
            "../../../docs/schema/offsite-scan.schema.json"
        ))
        .unwrap();
        jsonschema::meta::validate(&schema).unwrap();
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    }

    fn assert_valid(validator: &jsonschema::Validator, value: &Value) {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
    }

    #[test]
    fn snapshot_json() {
        // The raw text, so the snapshot shows the contract's field order.
        insta::assert_snapshot!(json_text(&fixture::report()));
    }

    #[test]
    fn snapshot_json_wiki() {
        insta::assert_snapshot!(json_text(&fixture::wiki_report()));
    }

    #[test]
    fn wiki_loads_carry_their_exposure_and_rank() {
        let value = json(&fixture::wiki_report());
        let loads = value["loads"].as_array().unwrap();
        let kinds: Vec<&str> = loads
            .iter()
            .map(|l| l["exposure"]["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "every-reader",
                "every-reader",
                "logged-in",
                "users",
                "users",
                "nobody"
            ]
        );
        let ranks: Vec<u64> = loads
            .iter()
            .map(|l| l["exposure"]["rank"].as_u64().unwrap())
            .collect();
        assert!(ranks.is_sorted_by(|a, b| a >= b), "{ranks:?}");
        // Bands from `RankKey::score`: every reader 86 + script 4 × 3 + ungated 2.
        assert_eq!(ranks[0], 100, "every reader, script, ungated");
        assert_eq!(*ranks.last().unwrap(), 14, "nobody, script, ungated");
        let fonts = &loads[3]["exposure"];
        assert_eq!(
            (fonts["label"].as_str(), fonts["users"].as_u64()),
            (Some("40 users"), Some(40))
        );
        assert_eq!(loads[2]["exposure"]["groups"][0], "sysop");
        assert_eq!(loads[0]["exposure"]["url_loadable"], true);
        // Files have no exposure: the key is absent, not null.
        let files = json(&fixture::report());
        assert!(
            files["loads"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l.get("exposure").is_none())
        );
    }

    #[test]
    fn output_matches_the_published_schema() {
        let validator = validator();
        for report in [
            fixture::report(),
            fixture::hostile_report(),
            fixture::wiki_report(),
            Report::default(),
        ] {
            assert_valid(&validator, &json(&report));
        }
    }

    #[test]
    fn the_schema_rejects_what_the_contract_forbids() {
        let validator = validator();
        let good = json(&fixture::report());
        // The first load that has a finding.
        let i = good["loads"]
            .as_array()
            .unwrap()
            .iter()
            .position(|l| l["findings"][0].is_object())
            .unwrap();
        let mut breakages: Vec<(&str, Value)> = Vec::new();
        let mut v = good.clone();
        v["version"] = 2.into();
        breakages.push(("version", v));
        let mut v = good.clone();
        v["loads"][i]["tier"] = "second-party".into();
        breakages.push(("tier", v));
        let mut v = good.clone();
        v["loads"][i].as_object_mut().unwrap().remove("url");
        breakages.push(("url is required (null when unknown)", v));
        let mut v = good.clone();
        v["loads"][i]["column"] = 0.into();
        breakages.push(("columns are 1-based", v));
        let mut v = good.clone();
        v["loads"][i]["surprise"] = true.into();
        breakages.push(("unknown field", v));
        let mut v = good;
        v["loads"][i]["findings"][0]["severity"] = "fatal".into();
        breakages.push(("severity", v));
        let wiki = json(&fixture::wiki_report());
        let mut v = wiki.clone();
        v["loads"][0]["exposure"]["kind"] = "everyone".into();
        breakages.push(("exposure kind", v));
        let mut v = wiki.clone();
        v["loads"][0]["exposure"]["rank"] = 101.into();
        breakages.push(("rank above 100", v));
        let mut v = wiki;
        v["loads"][0]["exposure"]
            .as_object_mut()
            .unwrap()
            .remove("label");
        breakages.push(("exposure without label", v));
        for (what, value) in breakages {
            assert!(
                !validator.is_valid(&value),
                "schema accepted a broken {what}"
            );
        }
    }

    #[test]
    fn every_load_is_listed_with_null_for_unknowns() {
        let report = fixture::report();
        let value = json(&report);
        let loads = value["loads"].as_array().unwrap();
        assert_eq!(loads.len(), report.loads.len());
        let first_party = loads.iter().filter(|l| l["tier"] == "first-party").count();
        assert!(first_party >= 3, "first-party loads are listed too");
        let dynamic = loads
            .iter()
            .find(|l| l["resolution"] == "dynamic" && l["tier"] == "unknown")
            .unwrap();
        assert!(dynamic["host"].is_null());
        assert_eq!(dynamic["dynamic_expr"], "base + '/' + name + '.js'");
        let same_wiki = loads.iter().find(|l| l["api"] == "importScript").unwrap();
        assert!(same_wiki["url"].is_null() && same_wiki["host"].is_null());
        assert!(
            same_wiki.get("modules").is_none(),
            "empty modules are omitted"
        );
        assert_eq!(value["tool"]["name"], "offsite");
    }

    #[test]
    fn hostile_strings_round_trip_exactly() {
        let report = fixture::hostile_report();
        let value = json(&report);
        let load = &value["loads"][0];
        assert_eq!(load["url"].as_str(), report.loads[0].url.as_deref());
        let text = {
            let mut out = Vec::new();
            let options = RenderOptions::new("0.1.0", &[]);
            render(&report, Format::Json, &options, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert!(!text.contains('\x1b'), "serde escapes control characters");
    }
}
