//! The whole pipeline on a gadget written the way real ones are: the real
//! detectors and classifier, then rules, suppressions and baselines. The
//! assertions name what must hold, not the exact wording of messages (the
//! rule fixtures snapshot those).

use offsite_model::{Language, Report, Severity, Source, Tier};
use offsite_rules::{Linter, Settings, baseline};

const GADGET: &str = include_str!("fixtures/gadget-translate.js");

fn check(settings: Settings, text: &str) -> offsite_rules::FileReport {
    let linter = Linter::new(settings).expect("valid settings");
    linter.check(
        &Source::file("gadgets/translate.js"),
        text,
        Language::JavaScript,
    )
}

fn rules_for<'a>(report: &'a offsite_rules::FileReport, api: &str) -> Vec<&'a str> {
    report
        .loads
        .iter()
        .filter(|l| l.api == api)
        .flat_map(|l| l.findings.iter().map(|f| f.rule.as_str()))
        .collect()
}

#[test]
fn a_translate_gadget() {
    let report = check(Settings::default(), GADGET);
    let style = report
        .loads
        .iter()
        .find(|l| l.url.as_deref().is_some_and(|u| u.ends_with("ui.css")));
    let style = style.expect("the stylesheet load is detected");
    assert_eq!((style.line, style.tier), (10, Tier::ThirdParty));
    // OS102 is suppressed by the comment above; OS202 is not.
    assert_eq!(
        style
            .findings
            .iter()
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>(),
        ["OS202"]
    );

    let meta = report
        .loads
        .iter()
        .find(|l| l.host.as_deref() == Some("meta.wikimedia.org"));
    let meta = meta.expect("the cross-wiki import is detected");
    assert_eq!(
        meta.findings
            .iter()
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>(),
        ["OS206"]
    );

    let fetch = rules_for(&report, "fetch");
    assert_eq!(
        fetch,
        ["OS103"],
        "the fetch runs in a click handler: info only"
    );
    let fetch_load = report
        .loads
        .iter()
        .find(|l| l.api == "fetch")
        .expect("fetch");
    assert_eq!(fetch_load.findings[0].severity, Severity::Info);

    // The trailing suppression has no reason: it is invalid and hides nothing.
    let get_script = rules_for(&report, "$.getScript");
    assert_eq!(get_script, ["OS101", "OS202", "OS204"]);

    let diagnostics: Vec<(Option<u32>, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.line, d.kind.as_str()))
        .collect();
    assert_eq!(diagnostics, [(Some(21), "invalid-suppression")]);
    assert_eq!(report.suppressed, 1);
    assert!(report.loads.iter().all(|l| l.snippet.is_some()));
}

#[test]
fn a_baseline_hides_everything_it_saw_even_after_edits_above() {
    let before = check(Settings::default(), GADGET);
    let mut report = Report {
        loads: before.loads,
        ..Report::default()
    };
    let total: usize = report.loads.iter().map(|l| l.findings.len()).sum();
    let written = baseline::write(&report);

    let edited = GADGET.replacen("'use strict';", "'use strict';\n\t// A new comment.\n", 1);
    let after = check(Settings::default(), &edited);
    report = Report {
        loads: after.loads,
        ..Report::default()
    };
    baseline::apply(&written, &mut report).expect("valid baseline");
    assert_eq!(report.baseline_hidden, total);
    assert!(report.loads.iter().all(|l| l.findings.is_empty()));
}

#[test]
fn policy_allow_and_exempt() {
    let policy = "\
[[allow]]
host = \"cdn.example.com\"
sinks = [\"style\"]
reason = \"UI kit mirror\"

[[exempt]]
path = \"gadgets/*.js\"
rules = [\"OS206\"]
reason = \"translate-core is reviewed by the interface admins\"
expires = \"2000-01-01\"
";
    let settings = Settings::from_toml(policy, "offsite.toml").expect("valid policy");
    let report = check(settings, GADGET);
    let style = report
        .loads
        .iter()
        .find(|l| l.url.as_deref().is_some_and(|u| u.ends_with("ui.css")));
    assert!(
        style.expect("style").findings.is_empty(),
        "allowed: no OS202"
    );
    // The exemption expired long ago: OS206 is back, with OS301.
    let meta = report
        .loads
        .iter()
        .find(|l| l.host.as_deref() == Some("meta.wikimedia.org"));
    let rules: Vec<&str> = meta
        .expect("meta")
        .findings
        .iter()
        .map(|f| f.rule.as_str())
        .collect();
    assert_eq!(rules, ["OS206", "OS301"]);
    // The OS102 suppression now suppresses nothing.
    assert!(
        report.diagnostics.iter().any(|d| d.kind
            == offsite_model::DiagnosticKind::UnusedSuppression
            && d.line == Some(9))
    );
}
