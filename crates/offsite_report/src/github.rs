//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding and per diagnostic, which the runner turns into
//! annotations on the pull request. For wiki sources the message ends with
//! who is exposed.
//!
//! Escaping follows `@actions/core` (`toCommandValue`/`escapeData`/
//! `escapeProperty` in actions/toolkit `packages/core/src/command.ts`):
//! `%`, CR and LF in the message; additionally `:` and `,` in properties.

use std::io::{self, Write};

use offsite_model::Severity;

use crate::Sorted;
use crate::escape::terminal;
use crate::text::exposure;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The message after `::`. Other control characters are made visible first:
/// the Actions log viewer renders ANSI sequences.
fn escape_data(s: &str) -> String {
    terminal_keeping_newlines(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Like [`terminal`], but CR and LF survive to be percent-encoded, so a
/// multi-line message stays multi-line in the annotation.
fn terminal_keeping_newlines(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            line.split('\r')
                .map(|part| terminal(part).into_owned())
                .collect::<Vec<_>>()
                .join("\r")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

struct Annotation {
    severity: Severity,
    file: String,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    title: String,
    message: String,
}

impl Annotation {
    fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut props = vec![format!("file={}", escape_property(&self.file))];
        let numbers = [
            ("line", self.line),
            ("col", self.column),
            ("endLine", self.end_line),
            ("endColumn", self.end_column),
        ];
        for (key, value) in numbers {
            if let Some(value) = value {
                props.push(format!("{key}={value}"));
            }
        }
        props.push(format!("title={}", escape_property(&self.title)));
        writeln!(
            out,
            "::{} {}::{}",
            command(self.severity),
            props.join(","),
            escape_data(&self.message)
        )
    }
}

pub fn render(sorted: &Sorted<'_>, out: &mut dyn Write) -> io::Result<()> {
    for entry in &sorted.loads {
        let l = entry.load;
        // GitHub accepts columns only when the annotation is on one line.
        let one_line = l.end_line <= l.line;
        for f in &entry.findings {
            Annotation {
                severity: f.severity,
                file: l.source.display_name(),
                line: Some(l.line.max(1)),
                column: one_line.then_some(l.column.max(1)),
                end_line: Some(l.end_line.max(l.line).max(1)),
                end_column: one_line.then_some(l.end_column.max(1)),
                title: format!("{} {}", f.rule, f.name),
                message: match &l.exposure {
                    Some(e) => format!("{} (exposed: {})", f.message, exposure(e)),
                    None => f.message.clone(),
                },
            }
            .write(out)?;
        }
    }
    for d in &sorted.diagnostics {
        Annotation {
            severity: d.kind.severity(),
            file: d.source.display_name(),
            line: d.line,
            column: d.line.and(d.column),
            end_line: None,
            end_column: None,
            title: format!("offsite {}", d.kind),
            message: d.message.clone(),
        }
        .write(out)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use offsite_model::Report;

    use super::*;
    use crate::{Format, RenderOptions, fixture, render};

    fn github(report: &Report) -> String {
        let options = RenderOptions::new("0.1.0", &[]);
        let mut out = Vec::new();
        render(report, Format::Github, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_github() {
        insta::assert_snapshot!(github(&fixture::report()));
    }

    #[test]
    fn snapshot_github_wiki() {
        insta::assert_snapshot!(github(&fixture::wiki_report()));
    }

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("\u{1b}[31mred"), "\\x1b[31mred");
    }

    #[test]
    fn one_line_per_annotation_even_with_hostile_input() {
        let mut report = fixture::hostile_report();
        report.loads[0].findings[0].message = "line one\n::error::forged\r\n%0A".into();
        let out = github(&report);
        let findings: usize = report.loads.iter().map(|l| l.findings.len()).sum();
        assert_eq!(out.lines().count(), findings + report.diagnostics.len());
        assert!(out.lines().all(|l| {
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|c| l.starts_with(c))
        }));
        assert!(
            out.contains("line one%0A::error::forged%0D%0A%250A"),
            "{out}"
        );
        assert!(!out.contains('\x1b') && !out.contains('\u{7}'), "{out}");
    }

    #[test]
    fn multi_line_loads_have_no_columns() {
        let mut report = fixture::report();
        report.loads.retain(|l| !l.findings.is_empty());
        report.loads.truncate(1);
        report.diagnostics.clear();
        report.loads[0].end_line = report.loads[0].line + 2;
        let out = github(&report);
        assert!(
            !out.contains("col=") && !out.contains("endColumn="),
            "{out}"
        );
        assert!(
            out.contains(&format!("endLine={}", report.loads[0].line + 2)),
            "{out}"
        );
    }
}
