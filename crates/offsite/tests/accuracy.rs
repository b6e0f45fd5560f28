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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Minimum precision on policy-relevant loads.
const MIN_PRECISION: f64 = 0.98;
/// Minimum recall on policy-relevant loads.
const MIN_RECALL: f64 = 0.97;

const SINKS: [&str; 17] = [
    "script",
    "style",
    "module",
    "fetch",
    "xhr",
    "jsonp",
    "image",
    "font",
    "media",
    "iframe",
    "websocket",
    "eventsource",
    "beacon",
    "worker",
    "form",
    "prefetch",
    "other",
];
const TIERS: [&str; 4] = ["first-party", "wmcs", "third-party", "unknown"];
const CONSENTS: [&str; 3] = ["gated", "ungated", "unknown"];
const CONSENT_KINDS: [&str; 3] = ["action", "confirm", "preference"];

/// One load, from a label or from the detector's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Load {
    /// Path relative to `accuracy/cases`, with `/` separators.
    file: String,
    line: u32,
    sink: String,
    host: Option<String>,
    tier: String,
    consent: Option<String>,
    consent_kind: Option<String>,
}

impl Load {
    fn key(&self) -> (&str, u32, &str, Option<&str>) {
        (&self.file, self.line, &self.sink, self.host.as_deref())
    }

    fn policy_relevant(&self) -> bool {
        self.tier != "first-party"
    }

    fn describe(&self) -> String {
        format!(
            "line {:>3}  {:<11} {:<34} {}",
            self.line,
            self.sink,
            self.host.as_deref().unwrap_or("(no host)"),
            self.tier
        )
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Parse `labels.toml`. The file is a restricted TOML: `[[load]]` tables
/// whose values are basic strings or integers, one per line, so it can be
/// read without a TOML dependency in this crate; anything else is an error
/// naming the line.
fn parse_labels(text: &str) -> Result<Vec<Load>, String> {
    let mut tables: Vec<BTreeMap<String, String>> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[load]]" {
            tables.push(BTreeMap::new());
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("labels.toml:{number}: not `key = value`"))?;
        let key = key.trim().to_owned();
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('"') {
            let inner = inner
                .strip_suffix('"')
                .ok_or_else(|| format!("labels.toml:{number}: unterminated string"))?;
            if inner.contains(['"', '\\']) {
                return Err(format!("labels.toml:{number}: escapes are not supported"));
            }
            inner.to_owned()
        } else if value.chars().all(|c| c.is_ascii_digit()) && !value.is_empty() {
            value.to_owned()
        } else {
            return Err(format!(
                "labels.toml:{number}: value must be a string or an integer"
            ));
        };
        let table = tables
            .last_mut()
            .ok_or_else(|| format!("labels.toml:{number}: key before the first [[load]]"))?;
        if table.insert(key.clone(), value).is_some() {
            return Err(format!("labels.toml:{number}: `{key}` given twice"));
        }
    }
    tables
        .into_iter()
        .enumerate()
        .map(|(i, t)| label_from_table(i + 1, t))
        .collect()
}

fn label_from_table(ordinal: usize, mut t: BTreeMap<String, String>) -> Result<Load, String> {
    let mut take = |k: &str| t.remove(k);
    let what = |field: &str| format!("label #{ordinal}: missing or bad `{field}`");
    let file = take("file").ok_or_else(|| what("file"))?;
    let line = take("line")
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| what("line"))?;
    let sink = take("sink")
        .filter(|s| SINKS.contains(&s.as_str()))
        .ok_or_else(|| what("sink"))?;
    let host = take("host");
    let tier = take("tier")
        .filter(|s| TIERS.contains(&s.as_str()))
        .ok_or_else(|| what("tier"))?;
    let consent = take("consent");
    let consent_kind = take("consent-kind");
    let _note = take("note");
    if consent.as_deref().is_some_and(|c| !CONSENTS.contains(&c)) {
        return Err(what("consent"));
    }
    if consent_kind
        .as_deref()
        .is_some_and(|k| !CONSENT_KINDS.contains(&k))
    {
        return Err(what("consent-kind"));
    }
    if host
        .as_deref()
        .is_some_and(|h| h.is_empty() || h != h.to_ascii_lowercase())
    {
        return Err(what("host (lower-case, non-empty)"));
    }
    if let Some(extra) = t.keys().next() {
        return Err(format!("label #{ordinal}: unknown key `{extra}`"));
    }
    Ok(Load {
        file,
        line,
        sink,
        host,
        tier,
        consent,
        consent_kind,
    })
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

fn str_field(value: &serde_json::Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
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
    let loads = report
        .get("loads")
        .and_then(serde_json::Value::as_array)
        .expect("`loads` array");
    loads
        .iter()
        .map(|l| Load {
            file: case_name(
                l.pointer("/source/path")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default(),
            ),
            line: l
                .get("line")
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            sink: str_field(l, "sink").unwrap_or_default(),
            host: str_field(l, "host").map(|h| h.to_ascii_lowercase()),
            tier: str_field(l, "tier").unwrap_or_default(),
            consent: str_field(l, "consent"),
            consent_kind: str_field(l, "consent_kind"),
        })
        .collect()
}

/// Labels and detections paired by key; what is left over on each side.
#[derive(Debug, Default)]
struct Matching {
    pairs: Vec<(Load, Load)>,
    missed: Vec<Load>,
    extra: Vec<Load>,
}

/// Pair equal keys; a key that occurs n times in the labels matches at most n
/// detections (several loads can share a line, e.g. `srcset`).
fn match_loads(labels: &[Load], detected: &[Load]) -> Matching {
    let mut pool: Vec<Option<&Load>> = detected.iter().map(Some).collect();
    let mut m = Matching::default();
    for label in labels {
        let found = pool
            .iter_mut()
            .find(|d| d.is_some_and(|d| d.key() == label.key()));
        match found.and_then(Option::take) {
            Some(d) => m.pairs.push((label.clone(), d.clone())),
            None => m.missed.push(label.clone()),
        }
    }
    m.extra = pool.into_iter().flatten().cloned().collect();
    m
}

#[derive(Debug, Clone, Copy, Default)]
struct Score {
    true_pos: usize,
    false_pos: usize,
    false_neg: usize,
}

impl Score {
    fn precision(self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    fn recall(self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
}

#[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

fn scores(m: &Matching) -> (Score, Score) {
    let all = Score {
        true_pos: m.pairs.len(),
        false_pos: m.extra.len(),
        false_neg: m.missed.len(),
    };
    let policy = Score {
        true_pos: m
            .pairs
            .iter()
            .filter(|(l, d)| l.policy_relevant() || d.policy_relevant())
            .count(),
        false_pos: m.extra.iter().filter(|d| d.policy_relevant()).count(),
        false_neg: m.missed.iter().filter(|l| l.policy_relevant()).count(),
    };
    (policy, all)
}

/// The per-file table of misses and false positives, with a hint when an
/// unmatched detection in the same file has the same sink and host a few
/// lines away (usually a disagreement about which line a load is on).
fn render_table(m: &Matching) -> String {
    let files: BTreeSet<&str> = m
        .missed
        .iter()
        .chain(&m.extra)
        .map(|l| l.file.as_str())
        .collect();
    let mut out = String::new();
    for file in files {
        let _ = writeln!(out, "{file}");
        for l in m.missed.iter().filter(|l| l.file == file) {
            let near = m
                .extra
                .iter()
                .filter(|d| d.file == file && d.sink == l.sink && d.host == l.host)
                .find(|d| d.line.abs_diff(l.line) <= 3)
                .map(|d| format!("  (detected on line {})", d.line))
                .unwrap_or_default();
            let _ = writeln!(out, "  missed  {}{near}", l.describe());
        }
        for d in m.extra.iter().filter(|d| d.file == file) {
            let _ = writeln!(out, "  extra   {}", d.describe());
        }
    }
    out
}

fn agreement(pairs: &[(Load, Load)], field: impl Fn(&Load) -> Option<&str>) -> (usize, usize) {
    let judged: Vec<_> = pairs.iter().filter(|(l, _)| field(l).is_some()).collect();
    let same = judged.iter().filter(|(l, d)| field(l) == field(d)).count();
    (same, judged.len())
}

fn render_figures(m: &Matching, policy: Score, all: Score) -> String {
    let mut out = String::new();
    let line = |out: &mut String, name: &str, s: Score| {
        let _ = writeln!(
            out,
            "{name:<16} precision {:.3}  recall {:.3}  (tp {}, fp {}, fn {})",
            s.precision(),
            s.recall(),
            s.true_pos,
            s.false_pos,
            s.false_neg
        );
    };
    line(&mut out, "policy-relevant", policy);
    line(&mut out, "all loads", all);
    for (name, (same, of)) in [
        ("tier", agreement(&m.pairs, |l| Some(l.tier.as_str()))),
        ("consent", agreement(&m.pairs, |l| l.consent.as_deref())),
        (
            "consent kind",
            agreement(&m.pairs, |l| l.consent_kind.as_deref()),
        ),
    ] {
        let _ = writeln!(
            out,
            "{name:<16} agrees on {same}/{of} matched loads ({:.3})",
            ratio(same, of)
        );
    }
    let _ = writeln!(out, "recall by sink (all loads):");
    for sink in SINKS {
        let found = m.pairs.iter().filter(|(l, _)| l.sink == sink).count();
        let total = found + m.missed.iter().filter(|l| l.sink == sink).count();
        if total > 0 {
            let _ = writeln!(out, "  {sink:<12} {found:>3}/{total:<3}");
        }
    }
    out
}

fn disagreements(m: &Matching) -> String {
    let mut out = String::new();
    for (l, d) in &m.pairs {
        if l.tier != d.tier {
            let _ = writeln!(
                out,
                "  tier     {}:{} {}: labelled {}, detected {}",
                l.file, l.line, l.sink, l.tier, d.tier
            );
        }
        if let Some(c) = l
            .consent
            .as_ref()
            .filter(|c| Some(*c) != d.consent.as_ref())
        {
            let _ = writeln!(
                out,
                "  consent  {}:{} {}: labelled {c}, detected {}",
                l.file,
                l.line,
                l.sink,
                d.consent.as_deref().unwrap_or("(none)")
            );
        }
    }
    out
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
