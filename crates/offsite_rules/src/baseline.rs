//! Baselines: known findings hidden by fingerprint, so a project can adopt
//! offsite and fail only on new findings.
//!
//! A fingerprint hashes the rule, the source (path, or wiki and title), the
//! load's URL, its API, the whitespace-normalised source line and the
//! occurrence among identical findings in the source: it survives lines
//! moving, and changes when the load itself changes.

use std::collections::HashSet;

use offsite_model::Report;
use serde::{Deserialize, Serialize};

const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    fingerprints: Vec<Entry>,
}

/// One hidden finding. Only `fingerprint` is compared; the rest is for the
/// people who review the file.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default)]
    line: u32,
}

/// Serialise the findings of `report` as a baseline file (JSON).
pub fn write(report: &Report) -> String {
    let mut fingerprints: Vec<Entry> = report
        .loads
        .iter()
        .flat_map(|load| {
            load.findings.iter().filter_map(move |f| {
                Some(Entry {
                    fingerprint: f.fingerprint.clone()?,
                    rule: f.rule.clone(),
                    source: load.source.display_name(),
                    url: load.url.clone(),
                    line: load.line,
                })
            })
        })
        .collect();
    fingerprints.sort_by(|a, b| (&a.source, a.line, &a.rule).cmp(&(&b.source, b.line, &b.rule)));
    let file = BaselineFile {
        version: VERSION,
        fingerprints,
    };
    // Serialising plain strings and numbers cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// Hide the findings of `report` whose fingerprints are in `baseline_text`;
/// count them in `report.baseline_hidden`.
pub fn apply(baseline_text: &str, report: &mut Report) -> Result<(), String> {
    let file: BaselineFile =
        serde_json::from_str(baseline_text).map_err(|e| format!("not a baseline file: {e}"))?;
    if file.version != VERSION {
        return Err(format!(
            "baseline version {} is not supported (expected {VERSION})",
            file.version
        ));
    }
    let known: HashSet<&str> = file
        .fingerprints
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    for load in &mut report.loads {
        let before = load.findings.len();
        load.findings.retain(|f| {
            f.fingerprint
                .as_deref()
                .is_none_or(|fp| !known.contains(fp))
        });
        report.baseline_hidden += before - load.findings.len();
    }
    Ok(())
}
