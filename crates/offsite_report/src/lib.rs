//! Renders a scan [`Report`] as text, JSON, SARIF 2.1.0, CSV or GitHub
//! workflow annotations. Pure: writes to any `io::Write`. Placeholder.

use std::io::{self, Write};

use offsite_model::{Report, RuleInfo};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Csv,
    Github,
}

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
}

pub fn render(
    report: &Report,
    format: Format,
    options: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let _ = (format, options);
    writeln!(out, "{} loads", report.loads.len())
}
