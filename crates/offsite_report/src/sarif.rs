//! SARIF 2.1.0 (OASIS), as code-scanning services read it: one run, the rule
//! catalogue in `tool.driver.rules`, one result per finding, diagnostics as
//! tool execution notifications. Results of wiki sources carry who is
//! exposed (`properties.exposure`) and a `rank` from it.
//!
//! Hand-written structs holding only what offsite fills in; tests validate
//! the output against the official schema in `tests/data/`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use offsite_model::{Consent, ConsentKind, RuleInfo, Severity, Source};
use serde::Serialize;

use crate::json::Exposure;
use crate::{RenderOptions, Sorted};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/offsite-dev/offsite";
/// Relative artifact URIs are resolved against this; the SARIF consumer (or
/// `github/codeql-action/upload-sarif`) knows the checkout root.
const SRCROOT: &str = "%SRCROOT%";
/// Key of `partialFingerprints`; bump the suffix if fingerprints change meaning.
const FINGERPRINT_KEY: &str = "offsite/v1";

#[derive(Serialize)]
struct Log<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'r>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'r> {
    tool: Tool<'r>,
    invocations: [Invocation<'r>; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'r>>,
}

#[derive(Serialize)]
struct Tool<'r> {
    driver: Driver<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'r> {
    name: &'static str,
    version: &'r str,
    information_uri: &'static str,
    rules: Vec<Rule<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'r> {
    id: &'r str,
    name: &'r str,
    short_description: Message<'r>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Markdown<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Markdown<'r>>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Message<'r> {
    text: &'r str,
}

#[derive(Serialize)]
struct Markdown<'r> {
    text: String,
    markdown: &'r str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'r> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<InvocationProperties<'r>>,
}

#[derive(Serialize)]
struct InvocationProperties<'r> {
    /// The policy file the run used.
    policy: &'r str,
}

#[derive(Serialize)]
struct Notification<'r> {
    level: &'static str,
    message: Message<'r>,
    descriptor: Descriptor<'r>,
    locations: [Location<'r>; 1],
}

#[derive(Serialize)]
struct Descriptor<'r> {
    id: &'r str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'r str,
    rule_index: usize,
    level: &'static str,
    /// §3.27.24: priority from 0.0 to 100.0, higher first. Only where the
    /// exposure is known (wiki sources): the load's
    /// [`offsite_model::RankKey::score`].
    #[serde(skip_serializing_if = "Option::is_none")]
    rank: Option<u8>,
    message: Message<'r>,
    locations: [Location<'r>; 1],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    partial_fingerprints: BTreeMap<&'static str, &'r str>,
    properties: Properties<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'r> {
    physical_location: PhysicalLocation<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'r> {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'r> {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Message<'r>>,
}

/// The load behind a result, for triage and filtering in SARIF viewers.
#[derive(Serialize)]
struct Properties<'r> {
    api: &'r str,
    sink: &'static str,
    directive: &'static str,
    tier: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'r str>,
    consent: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    consent_kind: Option<&'static str>,
    /// Who runs the load (wiki sources), as in the JSON output.
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<Exposure<'r>>,
    tags: [&'static str; 2],
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// RFC 3986 `pchar` minus `:` (a colon in a relative reference's first
/// segment would read as a scheme: `MediaWiki:Common.js`), plus `/`.
fn keep(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b)
}

fn percent_encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The artifact location of a source: a URI relative to `%SRCROOT%` for
/// relative paths, a `file://` URI for absolute ones. Wiki pages have no
/// file; their `wiki:title` name stands in as a relative URI.
fn artifact_location(source: &Source) -> ArtifactLocation {
    let name = source
        .path
        .clone()
        .unwrap_or_else(|| source.display_name())
        .replace('\\', "/");
    let bytes = name.as_bytes();
    let windows_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if name.starts_with('/') || windows_drive {
        let path = if windows_drive {
            format!("/{name}")
        } else {
            name
        };
        // Keep the drive colon: in an absolute URI it is unambiguous.
        let uri = format!("file://{}", percent_encode(&path).replacen("%3A", ":", 1));
        return ArtifactLocation {
            uri,
            uri_base_id: None,
        };
    }
    let mut relative = name.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    ArtifactLocation {
        uri: percent_encode(relative),
        uri_base_id: Some(SRCROOT),
    }
}

/// A rough plain-text reading of Markdown rule docs for the `text` fields
/// (viewers that cannot render Markdown show these): heading marks and code
/// backticks dropped, everything else kept.
fn plain_text(markdown: &str) -> String {
    markdown
        .lines()
        .map(|line| line.trim_start_matches('#').trim_start().replace('`', ""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rule_descriptor(info: &RuleInfo) -> Rule<'_> {
    let docs = (!info.docs.trim().is_empty()).then(|| Markdown {
        text: plain_text(&info.docs),
        markdown: &info.docs,
    });
    Rule {
        id: &info.code,
        name: &info.name,
        short_description: Message {
            text: &info.summary,
        },
        full_description: docs.as_ref().map(|d| Markdown {
            text: d.text.clone(),
            markdown: d.markdown,
        }),
        help: docs,
        default_configuration: Configuration {
            level: level(info.default_severity),
        },
    }
}

pub fn render(
    sorted: &Sorted<'_>,
    options: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut rules: Vec<Rule<'_>> = options.rules.iter().map(rule_descriptor).collect();
    let mut index: BTreeMap<&str, usize> = options
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.as_str(), i))
        .collect();
    // A finding from a rule missing from the catalogue (a plugin, a stale
    // catalogue) still needs a descriptor: code scanning drops results whose
    // rule it cannot find.
    for entry in &sorted.loads {
        for f in &entry.findings {
            if !index.contains_key(f.rule.as_str()) {
                index.insert(&f.rule, rules.len());
                rules.push(Rule {
                    id: &f.rule,
                    name: &f.name,
                    short_description: Message { text: &f.name },
                    full_description: None,
                    help: None,
                    default_configuration: Configuration {
                        level: level(f.severity),
                    },
                });
            }
        }
    }

    let mut results = Vec::new();
    for entry in &sorted.loads {
        let load = entry.load;
        for f in &entry.findings {
            let mut partial_fingerprints = BTreeMap::new();
            if let Some(fp) = &f.fingerprint {
                partial_fingerprints.insert(FINGERPRINT_KEY, fp.as_str());
            }
            results.push(SarifResult {
                rule_id: &f.rule,
                rule_index: index.get(f.rule.as_str()).copied().unwrap_or_default(),
                level: level(f.severity),
                rank: load.rank_key().map(offsite_model::RankKey::score),
                message: Message { text: &f.message },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact_location(&load.source),
                        region: Some(Region {
                            // SARIF positions are 1-based; never emit a 0.
                            start_line: load.line.max(1),
                            start_column: Some(load.column.max(1)),
                            end_line: Some(load.end_line.max(load.line).max(1)),
                            end_column: Some(load.end_column.max(1)),
                            snippet: load.snippet.as_deref().map(|text| Message { text }),
                        }),
                    },
                }],
                partial_fingerprints,
                properties: Properties {
                    api: &load.api,
                    sink: load.sink.as_str(),
                    directive: load.directive.as_str(),
                    tier: load.tier.as_str(),
                    host: load.host.as_deref(),
                    entity: load.entity.as_deref(),
                    url: load.url.as_deref(),
                    consent: match load.consent {
                        Consent::Gated => "gated",
                        Consent::Ungated => "ungated",
                        Consent::Unknown => "unknown",
                    },
                    consent_kind: load.consent_kind.map(|k| match k {
                        ConsentKind::Action => "action",
                        ConsentKind::Confirm => "confirm",
                        ConsentKind::Preference => "preference",
                    }),
                    exposure: Exposure::of(load),
                    tags: [load.tier.as_str(), load.sink.as_str()],
                },
            });
        }
    }

    let notifications = sorted
        .diagnostics
        .iter()
        .map(|d| Notification {
            level: level(d.kind.severity()),
            message: Message { text: &d.message },
            descriptor: Descriptor {
                id: d.kind.as_str(),
            },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(&d.source),
                    region: d.line.map(|line| Region {
                        start_line: line.max(1),
                        start_column: d.column.map(|c| c.max(1)),
                        end_line: None,
                        end_column: None,
                        snippet: None,
                    }),
                },
            }],
        })
        .collect();

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "offsite",
                    version: options.tool_version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            invocations: [Invocation {
                // Findings and per-file diagnostics do not make a run fail.
                execution_successful: true,
                tool_execution_notifications: notifications,
                properties: options.policy.map(|policy| InvocationProperties { policy }),
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests;
