//! Accuracy of load detection against the hand labels in `accuracy/`.
//!
//! Runs the real binary over `accuracy/cases`, matches each reported load to a
//! label by (file, line, sink, host) and prints precision and recall: over
//! the policy-relevant loads (those that are not first party according to the
//! label or the detection) and over all loads; then how often tier and
//! consent agree on matched loads. `scripts/accuracy` runs it with the
//! figures shown. The labels were written by hand before the detector ran
//! them; see `accuracy/README.md` for what counts as a load and on which line.
#![expect(
    clippy::print_stdout,
    reason = "the evaluator's table and figures are its output"
)]

mod scoring;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use scoring::{
    CONSENT_KINDS, CONSENTS, Load, SINKS, TIERS, detected_loads, disagreements, match_loads,
    parse_labels, render_figures, render_table, scores, str_field,
};

/// Minimum precision on policy-relevant loads.
const MIN_PRECISION: f64 = 0.98;
/// Minimum recall on policy-relevant loads.
const MIN_RECALL: f64 = 0.97;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_labels() -> Vec<Load> {
    let path = repo_root().join("accuracy/labels.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_labels(&text).unwrap_or_else(|e| panic!("{e}"))
}

/// The case file a reported path names, relative to `accuracy/cases`.
fn case_name(path: &str) -> String {
    let path = path.replace('\\', "/");
    match path.rfind("accuracy/cases/") {
        Some(at) => path[at + "accuracy/cases/".len()..].to_owned(),
        None => path.rsplit('/').next().unwrap_or(&path).to_owned(),
    }
}

fn run_detector() -> Vec<Load> {
    let output = Command::new(env!("CARGO_BIN_EXE_offsite"))
        .current_dir(repo_root())
        .args(["scan", "--format", "json", "--no-config", "accuracy/cases"])
        .output()
        .expect("the offsite binary runs");
    // 0 = nothing found, 1 = findings: both are successful scans.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "offsite scan failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "offsite scan did not print JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    detected_loads(&report, case_name)
}

/// The labels themselves: well-formed, pointing at real lines of real files,
/// and as many as the suite promises. Needs no detector.
#[test]
fn labels_are_well_formed() {
    let labels = read_labels();
    let cases = repo_root().join("accuracy/cases");
    let mut case_files = 0;
    for entry in std::fs::read_dir(&cases).expect("accuracy/cases exists") {
        let entry = entry.expect("readable folder entry");
        if entry.path().is_file() {
            case_files += 1;
        }
    }
    assert!(case_files >= 45, "only {case_files} case files");
    assert!(labels.len() >= 220, "only {} labelled loads", labels.len());
    let mut problems = String::new();
    for label in &labels {
        let path = cases.join(&label.file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            let _ = writeln!(problems, "{}: no such case file", label.file);
            continue;
        };
        let line_count = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        if label.line == 0 || label.line > line_count {
            let _ = writeln!(problems, "{}:{}: line out of range", label.file, label.line);
        }
        if label.consent_kind.is_some() && label.consent.as_deref() != Some("gated") {
            let _ = writeln!(
                problems,
                "{}:{}: a consent kind needs consent = gated",
                label.file, label.line
            );
        }
        if label.tier != "first-party" && label.host.is_none() && label.tier != "unknown" {
            let _ = writeln!(
                problems,
                "{}:{}: a {} load needs a host",
                label.file, label.line, label.tier
            );
        }
    }
    assert!(problems.is_empty(), "bad labels:\n{problems}");
}

#[test]
fn matching_pairs_equal_keys_once() {
    let load = |line, host: Option<&str>, tier: &str| Load {
        file: "a.js".into(),
        line,
        sink: "image".into(),
        host: host.map(str::to_owned),
        tier: tier.into(),
        consent: None,
        consent_kind: None,
        host_line: None,
    };
    let labels = [
        load(1, Some("x.example.com"), "third-party"),
        load(1, Some("x.example.com"), "third-party"),
        load(2, None, "first-party"),
    ];
    let detected = [
        load(1, Some("x.example.com"), "third-party"),
        load(3, None, "unknown"),
    ];
    let m = match_loads(&labels, &detected);
    assert_eq!(m.pairs.len(), 1);
    assert_eq!(m.missed.len(), 2);
    assert_eq!(m.extra.len(), 1);
    let (policy, all) = scores(&m);
    // The missed first-party label does not count against policy recall; the
    // unknown-tier extra counts against policy precision.
    assert_eq!(
        (policy.true_pos, policy.false_pos, policy.false_neg),
        (1, 1, 1)
    );
    assert_eq!((all.true_pos, all.false_pos, all.false_neg), (1, 1, 2));
}

#[test]
fn parse_labels_rejects_what_it_cannot_read() {
    assert!(
        parse_labels("[[load]]\nfile = \"a.js\"\nline = 1\nsink = \"script\"\ntier = \"wmcs\"\n")
            .is_ok()
    );
    assert!(parse_labels("file = \"a.js\"\n").is_err());
    assert!(parse_labels("[[load]]\nfile = 'a.js'\n").is_err());
    assert!(
        parse_labels("[[load]]\nfile = \"a.js\"\nline = 1\nsink = \"scrip\"\ntier = \"wmcs\"\n")
            .is_err()
    );
    assert!(parse_labels("[[load]]\nfile = \"a.js\"\nline = 1\nsink = \"script\"\ntier = \"wmcs\"\nhots = \"x\"\n").is_err());
    assert_eq!(case_name("./accuracy/cases/x/y.js"), "x/y.js");
    assert_eq!(case_name("C:\\repo\\accuracy\\cases\\z.css"), "z.css");
}

/// The example wiki promises (examples/wiki/README.md) every sink but
/// `other`, every tier, resolution and consent kind, a suppression and an
/// expired exemption; the real binary, reading its `offsite.toml`, must see
/// them all.
#[test]
fn example_wiki_exercises_everything_it_promises() {
    let output = Command::new(env!("CARGO_BIN_EXE_offsite"))
        .current_dir(repo_root())
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "never",
            "examples/wiki",
        ])
        .output()
        .expect("the offsite binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("offsite scan prints JSON");
    let loads = report["loads"].as_array().expect("`loads` array");
    let seen = |key: &str| -> BTreeSet<String> {
        loads.iter().filter_map(|l| str_field(l, key)).collect()
    };
    let want =
        |values: &[&str]| -> BTreeSet<String> { values.iter().map(|v| (*v).to_owned()).collect() };
    let sinks: Vec<&str> = SINKS.iter().copied().filter(|s| *s != "other").collect();
    assert!(
        seen("sink").is_superset(&want(&sinks)),
        "sinks: {:?}",
        seen("sink")
    );
    assert!(
        seen("tier").is_superset(&want(&TIERS)),
        "tiers: {:?}",
        seen("tier")
    );
    assert!(
        seen("resolution").is_superset(&want(&["literal", "constant", "dynamic"])),
        "resolutions: {:?}",
        seen("resolution")
    );
    assert!(
        seen("consent").is_superset(&want(&CONSENTS)),
        "consent: {:?}",
        seen("consent")
    );
    assert!(
        seen("consent_kind").is_superset(&want(&CONSENT_KINDS)),
        "consent kinds: {:?}",
        seen("consent_kind")
    );
    // The count sits in `summary` in the rendered JSON (top level in the model).
    let suppressed = report["summary"]["suppressed"]
        .as_u64()
        .or(report["suppressed"].as_u64());
    assert!(
        suppressed.unwrap_or(0) >= 1,
        "no offsite-ignore suppression"
    );
    let expired = loads
        .iter()
        .flat_map(|l| l["findings"].as_array().into_iter().flatten())
        .any(|f| f["name"] == "expired-exemption");
    assert!(
        expired,
        "the exemption that expired in 2024 is not reported"
    );
}

#[test]
fn detection_meets_the_accuracy_bar() {
    let labels = read_labels();
    let detected = run_detector();
    let m = match_loads(&labels, &detected);
    let (policy, all) = scores(&m);
    println!(
        "\nMisses and false positives by file:\n{}",
        render_table(&m)
    );
    println!(
        "Tier and consent disagreements on matched loads:\n{}",
        disagreements(&m)
    );
    println!(
        "{} labels, {} detections\n{}",
        labels.len(),
        detected.len(),
        render_figures(&m, policy, all)
    );
    assert!(
        policy.precision() >= MIN_PRECISION && policy.recall() >= MIN_RECALL,
        "policy-relevant precision {:.3} (need {MIN_PRECISION}) / recall {:.3} (need {MIN_RECALL})",
        policy.precision(),
        policy.recall()
    );
}
