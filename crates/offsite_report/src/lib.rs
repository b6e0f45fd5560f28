//! Renders a scan [`Report`] as text, concise text, JSON, SARIF 2.1.0, CSV,
//! GitHub workflow annotations or a self-contained HTML page, and the
//! per-rule counts of `--statistics`.
//!
//! Pure: every renderer writes to any `io::Write` and reads nothing else. It
//! does not decide exit codes, colour detection or where output goes (that is
//! the CLI's job), and it never changes what the rules found: every format
//! shows the same loads in the same order. Loads from a wiki carry who is
//! exposed ([`offsite_model::LoadExposure`]); every format shows it and lists
//! the most exposed first.
//!
//! Strings that come from analysed code (URLs, snippets, dynamic
//! expressions, paths) are untrusted: the text and GitHub renderers escape
//! control and bidirectional-override characters, JSON and SARIF rely on
//! serde's escaping, CSV neutralises spreadsheet formulas, and HTML escapes
//! every such string as text under a page CSP that allows no other script.

mod concise;
mod csv_out;
mod escape;
mod frame;
mod github;
mod html;
mod json;
mod sarif;
pub mod saved;
mod statistics;
mod summary;
mod tables;
mod text;

#[cfg(test)]
mod fixture;
#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod robustness;

use std::cmp::Ordering;
use std::io::{self, Write};

use offsite_model::{Diagnostic, Finding, Report, ReportedLoad, RuleInfo, Severity};

pub use html::content_security_policy as html_content_security_policy;
pub use statistics::{RuleCount, render_statistics, statistics};
pub use summary::{HostSummary, SeverityCounts, Summary, TierCounts, summary};

/// The `version` field of the JSON output; bumped on incompatible changes.
pub const JSON_VERSION: u32 = 1;

/// Output formats, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Csv,
    Github,
    /// One line per finding, `path:line:col: CODE message`.
    Concise,
    /// One self-contained page with charts and a sortable table.
    Html,
}

impl Format {
    pub const ALL: [Self; 7] = [
        Self::Text,
        Self::Json,
        Self::Sarif,
        Self::Csv,
        Self::Github,
        Self::Concise,
        Self::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
            Self::Sarif => "sarif",
            Self::Csv => "csv",
            Self::Github => "github",
            Self::Concise => "concise",
            Self::Html => "html",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl std::fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unknown output format `{}` (expected text, json, sarif, csv, github, concise or html)",
            self.0
        )
    }
}

impl std::error::Error for UnknownFormat {}

/// Rendering knobs.
#[derive(Debug, Clone)]
pub struct RenderOptions<'a> {
    pub tool_version: &'a str,
    /// The rule catalogue (SARIF lists it; text links to `offsite rule CODE`).
    pub rules: &'a [RuleInfo],
    /// Colour in text output.
    pub color: bool,
    /// Text output: also list loads that have no finding.
    pub show_all_loads: bool,
    /// The policy file the run used (JSON `tool.policy`, SARIF
    /// `invocations[0].properties.policy`); `None` = built-in defaults.
    pub policy: Option<&'a str>,
}

impl<'a> RenderOptions<'a> {
    /// No colour, findings only.
    pub fn new(tool_version: &'a str, rules: &'a [RuleInfo]) -> Self {
        Self {
            tool_version,
            rules,
            color: false,
            show_all_loads: false,
            policy: None,
        }
    }
}

pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let sorted = Sorted::new(report);
    match format {
        Format::Text => text::render(report, &sorted, options, out),
        Format::Json => json::render(report, &sorted, options, out),
        Format::Sarif => sarif::render(&sorted, options, out),
        Format::Csv => csv_out::render(&sorted, out),
        Format::Github => github::render(&sorted, out),
        Format::Concise => concise::render(&sorted, &summary(report), out),
        Format::Html => html::render(report, &sorted, options, out),
    }
}

/// The report's loads and diagnostics in output order, findings of each load
/// sorted by rule. Every format renders from this so they all agree.
pub(crate) struct Sorted<'r> {
    pub loads: Vec<SortedLoad<'r>>,
    pub diagnostics: Vec<&'r Diagnostic>,
}

pub(crate) struct SortedLoad<'r> {
    pub load: &'r ReportedLoad,
    pub findings: Vec<&'r Finding>,
}

impl SortedLoad<'_> {
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

impl<'r> Sorted<'r> {
    fn new(report: &'r Report) -> Self {
        let mut loads: Vec<SortedLoad<'r>> = report
            .loads
            .iter()
            .map(|load| {
                let mut findings: Vec<&Finding> = load.findings.iter().collect();
                findings.sort_by(|a, b| {
                    (&a.rule, b.severity, &a.message).cmp(&(&b.rule, a.severity, &b.message))
                });
                SortedLoad { load, findings }
            })
            .collect();
        loads.sort_by(|a, b| compare_loads(a.load, b.load));
        let mut diagnostics: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        diagnostics.sort_by(|a, b| {
            compare_sources(&a.source, &b.source)
                .then_with(|| (a.line, a.column).cmp(&(b.line, b.column)))
                .then_with(|| (&a.kind, &a.message).cmp(&(&b.kind, &b.message)))
        });
        Self { loads, diagnostics }
    }
}

fn compare_sources(a: &offsite_model::Source, b: &offsite_model::Source) -> Ordering {
    a.display_name()
        .cmp(&b.display_name())
        .then_with(|| a.cmp(b))
}

/// Most exposed first (exposure × sink severity × consent, for loads whose
/// exposure is known: wiki sources), then source, then position, then what
/// is loaded: a total order on every field that could differ, so
/// equal-looking loads still come out the same way on every run. Loads of
/// plain files have no exposure and keep the source order.
fn compare_loads(a: &ReportedLoad, b: &ReportedLoad) -> Ordering {
    b.rank_key()
        .cmp(&a.rank_key())
        .then_with(|| compare_sources(&a.source, &b.source))
        .then_with(|| {
            (a.line, a.column, a.end_line, a.end_column).cmp(&(
                b.line,
                b.column,
                b.end_line,
                b.end_column,
            ))
        })
        .then_with(|| {
            fn rules(l: &ReportedLoad) -> Vec<&str> {
                let mut r: Vec<&str> = l.findings.iter().map(|f| f.rule.as_str()).collect();
                r.sort_unstable();
                r
            }
            rules(a).cmp(&rules(b))
        })
        .then_with(|| (&a.api, a.sink, &a.url, &a.page).cmp(&(&b.api, b.sink, &b.url, &b.page)))
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        assert_eq!("SARIF".parse::<Format>(), Ok(Format::Sarif));
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("`xml`"), "{err}");
    }

    #[test]
    fn loads_are_sorted_by_source_line_column_then_rule() {
        let mut report = fixture::report();
        let expected: Vec<(String, u32, u32)> = {
            let sorted = Sorted::new(&report);
            sorted
                .loads
                .iter()
                .map(|l| (l.load.source.display_name(), l.load.line, l.load.column))
                .collect()
        };
        let mut keys = expected.clone();
        keys.sort();
        assert_eq!(expected, keys, "sorted order is by source, line, column");

        // Reversing the input must not change the output of any format.
        let rules = fixture::rules();
        let options = RenderOptions::new("0.1.0", &rules);
        let render_all = |report: &Report| {
            Format::ALL.map(|format| {
                let mut out = Vec::new();
                render(report, format, &options, &mut out).unwrap();
                out
            })
        };
        let before = render_all(&report);
        report.loads.reverse();
        report.diagnostics.reverse();
        for load in &mut report.loads {
            load.findings.reverse();
        }
        assert!(
            before == render_all(&report),
            "output depends on input order"
        );
    }

    #[test]
    fn wiki_loads_are_ranked_most_exposed_first_in_every_format() {
        let mut report = fixture::wiki_report();
        let order = |report: &Report| -> Vec<(String, u32)> {
            Sorted::new(report)
                .loads
                .iter()
                .map(|l| (l.load.source.title.clone().unwrap(), l.load.line))
                .collect()
        };
        let expected: Vec<(String, u32)> = [
            // Every reader: the script before the fetch (sink severity).
            ("MediaWiki:Gadget-Maps.js", 2),
            ("MediaWiki:Gadget-Maps.js", 5),
            ("MediaWiki:Group-sysop.js", 3),
            ("MediaWiki:Gadget-Fonts.css", 1),
            ("User:Alice/common.js", 4),
            ("User:Old/unused.js", 1),
        ]
        .into_iter()
        .map(|(t, l)| (t.to_owned(), l))
        .collect();
        assert_eq!(order(&report), expected);

        // Every format follows that order, whatever the input order.
        let rules = fixture::rules();
        let options = RenderOptions::new("0.1.0", &rules);
        let render_all = |report: &Report| {
            Format::ALL.map(|format| {
                let mut out = Vec::new();
                render(report, format, &options, &mut out).unwrap();
                String::from_utf8(out).unwrap()
            })
        };
        let before = render_all(&report);
        report.loads.reverse();
        assert!(
            before == render_all(&report),
            "output depends on input order"
        );
        let urls = [
            "maps.example.net",
            "admin-tools.example.org",
            "fonts.example.com",
            "cdn.example.org",
            "old.example.com",
        ];
        for (format, out) in Format::ALL.iter().zip(&before) {
            // The HTML page's summary and charts come before its table of loads.
            let out = match out.find("<table") {
                Some(table) if *format == Format::Html => &out[table..],
                _ => out.as_str(),
            };
            let at: Vec<usize> = urls.iter().filter_map(|u| out.find(u)).collect();
            assert_eq!(at.len(), urls.len(), "{format}: every host shown:\n{out}");
            assert!(at.is_sorted(), "{format}: not in rank order:\n{out}");
        }
    }

    #[test]
    fn loads_without_exposure_come_after_ranked_ones() {
        let mut report = fixture::wiki_report();
        report.loads.extend(fixture::report().loads);
        let sorted = Sorted::new(&report);
        let ranked: Vec<bool> = sorted
            .loads
            .iter()
            .map(|l| l.load.exposure.is_some())
            .collect();
        let first_plain = ranked.iter().position(|r| !r).unwrap();
        assert_eq!(first_plain, fixture::wiki_report().loads.len());
        assert!(ranked[first_plain..].iter().all(|r| !r));
    }

    #[test]
    fn an_empty_report_renders_in_every_format() {
        let report = Report::default();
        let options = RenderOptions::new("0.1.0", &[]);
        for format in Format::ALL {
            let mut out = Vec::new();
            render(&report, format, &options, &mut out).unwrap();
            assert!(
                format == Format::Github || !out.is_empty(),
                "{format} wrote nothing"
            );
        }
    }
}
