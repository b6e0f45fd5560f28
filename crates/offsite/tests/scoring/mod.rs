//! Labels and scoring shared by the accuracy suites (`accuracy.rs` on
//! `accuracy/cases`, `realworld_corpus.rs` on `accuracy/realworld`): the
//! restricted labels TOML, matching detections to labels, precision, recall
//! and agreement figures.

#![allow(
    dead_code,
    reason = "each suite that includes this module uses a different part of it"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

pub const SINKS: [&str; 17] = [
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
pub const TIERS: [&str; 4] = ["first-party", "wmcs", "third-party", "unknown"];
pub const CONSENTS: [&str; 3] = ["gated", "ungated", "unknown"];
pub const CONSENT_KINDS: [&str; 3] = ["action", "confirm", "preference"];

/// One load, from a label or from the detector's JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    /// Path relative to `accuracy/cases`, with `/` separators.
    pub file: String,
    pub line: u32,
    pub sink: String,
    pub host: Option<String>,
    pub tier: String,
    pub consent: Option<String>,
    pub consent_kind: Option<String>,
    /// A label's second acceptable line: where the host is written when one
    /// literal feeds one request (`host-line` in the real-world corpus).
    pub host_line: Option<u32>,
}

impl Load {
    pub fn key(&self) -> (&str, u32, &str, Option<&str>) {
        (&self.file, self.line, &self.sink, self.host.as_deref())
    }

    pub fn policy_relevant(&self) -> bool {
        self.tier != "first-party"
    }

    pub fn describe(&self) -> String {
        format!(
            "line {:>3}  {:<11} {:<34} {}",
            self.line,
            self.sink,
            self.host.as_deref().unwrap_or("(no host)"),
            self.tier
        )
    }
}

/// Parse `labels.toml`. The file is a restricted TOML: `[[load]]` tables
/// whose values are basic strings or integers, one per line, so it can be
/// read without a TOML dependency in this crate; anything else is an error
/// naming the line.
pub fn parse_labels(text: &str) -> Result<Vec<Load>, String> {
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

pub fn label_from_table(ordinal: usize, mut t: BTreeMap<String, String>) -> Result<Load, String> {
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
    let host_line = match take("host-line") {
        Some(l) => Some(l.parse().map_err(|_| what("host-line"))?),
        None => None,
    };
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
        host_line,
    })
}

pub fn str_field(value: &serde_json::Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

/// Labels and detections paired by key; what is left over on each side.
#[derive(Debug, Default)]
pub struct Matching {
    pub pairs: Vec<(Load, Load)>,
    pub missed: Vec<Load>,
    pub extra: Vec<Load>,
}

/// Pair equal keys; a key that occurs n times in the labels matches at most n
/// detections (several loads can share a line, e.g. `srcset`).
pub fn match_loads(labels: &[Load], detected: &[Load]) -> Matching {
    let mut pool: Vec<Option<&Load>> = detected.iter().map(Some).collect();
    let mut take = |label: &Load, line: u32| {
        let key = (
            label.file.as_str(),
            line,
            label.sink.as_str(),
            label.host.as_deref(),
        );
        pool.iter_mut()
            .find(|d| d.is_some_and(|d| d.key() == key))
            .and_then(Option::take)
    };
    // Every label on its own line first, so that a report on a label's
    // `host-line` cannot take the report another label was written for.
    let mut found: Vec<Option<&Load>> = labels.iter().map(|l| take(l, l.line)).collect();
    for (label, slot) in labels.iter().zip(&mut found) {
        if slot.is_none()
            && let Some(line) = label.host_line
        {
            *slot = take(label, line);
        }
    }
    let mut m = Matching::default();
    for (label, slot) in labels.iter().zip(found) {
        match slot {
            Some(d) => m.pairs.push((label.clone(), d.clone())),
            None => m.missed.push(label.clone()),
        }
    }
    m.extra = pool.into_iter().flatten().cloned().collect();
    m
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    pub true_pos: usize,
    pub false_pos: usize,
    pub false_neg: usize,
}

impl Score {
    pub fn precision(self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_pos)
    }

    pub fn recall(self) -> f64 {
        ratio(self.true_pos, self.true_pos + self.false_neg)
    }
}

#[expect(clippy::cast_precision_loss, reason = "counts are far below 2^52")]
pub fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

pub fn scores(m: &Matching) -> (Score, Score) {
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
pub fn render_table(m: &Matching) -> String {
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

pub fn agreement(pairs: &[(Load, Load)], field: impl Fn(&Load) -> Option<&str>) -> (usize, usize) {
    let judged: Vec<_> = pairs.iter().filter(|(l, _)| field(l).is_some()).collect();
    let same = judged.iter().filter(|(l, d)| field(l) == field(d)).count();
    (same, judged.len())
}

pub fn render_figures(m: &Matching, policy: Score, all: Score) -> String {
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

pub fn disagreements(m: &Matching) -> String {
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

/// The loads of a scan's JSON report, each named by `file_of(source path)`.
pub fn detected_loads(report: &serde_json::Value, file_of: impl Fn(&str) -> String) -> Vec<Load> {
    let loads = report["loads"].as_array().expect("`loads` array");
    loads
        .iter()
        .map(|l| Load {
            file: file_of(
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
            host_line: None,
        })
        .collect()
}
