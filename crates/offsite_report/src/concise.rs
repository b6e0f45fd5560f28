//! The one-line format (`--format concise`, like ruff's): one line per
//! finding, `path:line:col: CODE message`, then one per diagnostic and a
//! closing count. For editors' quickfix lists and `grep`.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::escape::terminal;
use crate::text::location;
use crate::{Sorted, summary::Summary};

pub fn render(sorted: &Sorted<'_>, summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    for entry in &sorted.loads {
        let at = location(entry.load);
        for finding in &entry.findings {
            writeln!(
                out,
                "{at}: {} {}",
                terminal(&finding.rule),
                terminal(&finding.message)
            )?;
        }
    }
    for d in &sorted.diagnostics {
        let mut at = terminal(&d.source.display_name()).into_owned();
        if let Some(line) = d.line {
            // Writing to a String cannot fail.
            let _ = write!(at, ":{line}:{}", d.column.unwrap_or(1));
        }
        writeln!(out, "{at}: {} {}", d.kind.as_str(), terminal(&d.message))?;
    }
    match summary.findings {
        0 => writeln!(out, "No findings."),
        1 => writeln!(out, "Found 1 finding."),
        n => writeln!(out, "Found {n} findings."),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use offsite_model::Report;

    use crate::{Format, RenderOptions, fixture, render};

    fn concise(report: &Report) -> String {
        let rules = fixture::rules();
        let options = RenderOptions::new("0.1.0", &rules);
        let mut out = Vec::new();
        render(report, Format::Concise, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_concise() {
        insta::assert_snapshot!(concise(&fixture::report()));
    }

    #[test]
    fn snapshot_concise_hostile() {
        insta::assert_snapshot!(concise(&fixture::hostile_report()));
    }

    #[test]
    fn one_line_per_finding_and_diagnostic() {
        let report = fixture::report();
        let out = concise(&report);
        let findings: usize = report.loads.iter().map(|l| l.findings.len()).sum();
        assert_eq!(
            out.lines().count(),
            findings + report.diagnostics.len() + 1,
            "{out}"
        );
        assert!(out.lines().any(|l| l.starts_with(
            "gadgets/Gadget-translate.js:12:3: OS101 `mw.loader.load` loads a script"
        )));
        assert!(!out.contains('\x1b'), "{out}");
    }
}
