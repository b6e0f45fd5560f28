//! The human format: one block per load with findings, with a code frame
//! (ruff-like) and every finding of the load,
//! then diagnostics and a summary with the host table.

use std::fmt::Write as _;
use std::io::{self, Write};

use offsite_model::{Consent, ConsentKind, LoadExposure, Report, ReportedLoad, Severity, Tier};

use crate::escape::terminal;
use crate::summary::summary;
use crate::tables::{write_quiet_loads, write_summary};
use crate::{RenderOptions, Sorted, frame};

/// ANSI styling, or none. Applied only to text that was already escaped, so
/// the only escape sequences in the output are the ones written here.
#[derive(Clone, Copy)]
pub(crate) struct Palette {
    color: bool,
}

#[derive(Clone, Copy)]
pub(crate) enum Style {
    Bold,
    Error,
    Warning,
    Info,
    Gutter,
    Dim,
}

impl Palette {
    pub fn paint(self, style: Style, text: &str) -> String {
        if !self.color || text.is_empty() {
            return text.to_owned();
        }
        let code = match style {
            Style::Bold => "1",
            Style::Error => "1;31",
            Style::Warning => "1;33",
            Style::Info => "1;36",
            Style::Gutter => "1;34",
            Style::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    pub fn severity(self, severity: Severity, text: &str) -> String {
        let style = match severity {
            Severity::Error => Style::Error,
            Severity::Warning => Style::Warning,
            Severity::Info => Style::Info,
        };
        self.paint(style, text)
    }
}

pub fn render(
    report: &Report,
    sorted: &Sorted<'_>,
    options: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let p = Palette {
        color: options.color,
    };
    let mut first_rule = None;
    for entry in &sorted.loads {
        // One diagnostic per load: the most severe finding heads it (the
        // first by rule code among equals), the others follow the frame.
        let Some(head) = entry
            .findings
            .iter()
            .copied()
            .reduce(|best, f| if f.severity > best.severity { f } else { best })
        else {
            continue;
        };
        first_rule.get_or_insert(head.rule.as_str());
        writeln!(
            out,
            "{}: {} [{}] {}: {}",
            p.paint(Style::Bold, &location(entry.load)),
            p.severity(head.severity, &terminal(&head.rule)),
            p.severity(head.severity, head.severity.as_str()),
            terminal(&head.name),
            terminal(&head.message),
        )?;
        frame::write(out, p, entry.load, head.severity)?;
        let pad = " ".repeat(entry.load.line.to_string().len());
        let eq = p.paint(Style::Gutter, "=");
        for other in entry.findings.iter().filter(|f| !std::ptr::eq(**f, head)) {
            writeln!(
                out,
                "{pad} {eq} also {} [{}] {}: {}",
                p.severity(other.severity, &terminal(&other.rule)),
                p.severity(other.severity, other.severity.as_str()),
                terminal(&other.name),
                terminal(&other.message),
            )?;
        }
        for note in notes(entry.load) {
            writeln!(out, "{pad} {eq} {note}")?;
        }
        writeln!(out)?;
    }

    if options.show_all_loads {
        write_quiet_loads(out, p, sorted)?;
    }

    for d in &sorted.diagnostics {
        let mut location = terminal(&d.source.display_name()).into_owned();
        if let Some(line) = d.line {
            let _ = write!(location, ":{line}");
            if let Some(column) = d.column {
                let _ = write!(location, ":{column}");
            }
        }
        writeln!(
            out,
            "{}: {}: {}",
            p.paint(Style::Bold, &location),
            p.severity(d.kind.severity(), d.kind.as_str()),
            terminal(&d.message),
        )?;
    }
    if !sorted.diagnostics.is_empty() {
        writeln!(out)?;
    }

    write_summary(out, p, &summary(report))?;
    if let Some(code) = first_rule {
        writeln!(
            out,
            "{}",
            p.paint(
                Style::Dim,
                &format!("Explain a rule: offsite rule {}", terminal(code))
            )
        )?;
    }
    Ok(())
}

pub(crate) fn location(load: &ReportedLoad) -> String {
    format!(
        "{}:{}:{}",
        terminal(&load.source.display_name()),
        load.line,
        load.column
    )
}

/// What the load reaches, as a short phrase.
fn target(load: &ReportedLoad) -> String {
    let mut s = match (&load.host, load.tier) {
        (Some(host), tier) => format!("{tier} host {}", terminal(host)),
        (None, Tier::FirstParty) => "same wiki".to_owned(),
        (None, Tier::Unknown) => "unknown host".to_owned(),
        (None, tier) => format!("{tier}, no host"),
    };
    if let Some(entity) = &load.entity {
        let _ = write!(s, " ({})", terminal(entity));
    }
    s
}

fn consent(load: &ReportedLoad) -> String {
    let kind = load.consent_kind.map(|k| match k {
        ConsentKind::Action => "user action",
        ConsentKind::Confirm => "confirmation",
        ConsentKind::Preference => "opt-in",
    });
    let reason = load.consent_reason.as_deref().map(terminal);
    let word = match load.consent {
        Consent::Gated => "gated",
        Consent::Ungated => "ungated",
        Consent::Unknown => "consent unknown",
    };
    match (kind, reason) {
        (Some(k), Some(r)) => format!("{word} by {k}: {r}"),
        (Some(k), None) => format!("{word} by {k}"),
        (None, Some(r)) => format!("{word}: {r}"),
        (None, None) => word.to_owned(),
    }
}

/// The `= ...` lines under a code frame: the facts a reviewer needs that the
/// message may not repeat.
fn notes(load: &ReportedLoad) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(url) = &load.url {
        notes.push(format!("url: {}", terminal(url)));
    }
    if let Some(page) = &load.page {
        notes.push(format!("page: {}", terminal(page)));
    }
    if !load.modules.is_empty() {
        let modules: Vec<_> = load.modules.iter().map(|m| terminal(m)).collect();
        notes.push(format!("modules: {}", modules.join(", ")));
    }
    if let Some(expr) = &load.dynamic_expr {
        notes.push(format!("run-time value: {}", terminal(expr)));
    }
    notes.push(format!(
        "{}, {} ({}), {}",
        target(load),
        load.sink,
        load.directive,
        consent(load)
    ));
    if let Some(e) = &load.exposure {
        notes.push(format!("exposed: {}", exposure(e)));
    }
    notes
}

/// Who runs the load, for people: `every reader`, `12 users`; and whether a
/// crafted link can run it for anyone.
pub(crate) fn exposure(e: &LoadExposure) -> String {
    let mut s = terminal(&e.label).into_owned();
    if e.url_loadable {
        s.push_str(", loadable by anyone with ?withgadget=");
    }
    s
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;
    use crate::{Format, fixture, render};

    fn text(report: &Report, color: bool, show_all_loads: bool) -> String {
        let rules = fixture::rules();
        let mut options = RenderOptions::new("0.1.0", &rules);
        options.color = color;
        options.show_all_loads = show_all_loads;
        let mut out = Vec::new();
        render(report, Format::Text, &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_text() {
        insta::assert_snapshot!(text(&fixture::report(), false, false));
    }

    #[test]
    fn snapshot_text_with_all_loads() {
        insta::assert_snapshot!(text(&fixture::report(), false, true));
    }

    #[test]
    fn snapshot_text_color() {
        // Make the escape codes visible so the snapshot can be reviewed.
        let out = text(&fixture::report(), true, false).replace('\x1b', "␛");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn snapshot_text_wiki() {
        insta::assert_snapshot!(text(&fixture::wiki_report(), false, true));
    }

    #[test]
    fn snapshot_text_hostile() {
        insta::assert_snapshot!(text(&fixture::hostile_report(), false, true));
    }

    #[test]
    fn terminal_escapes_in_input_never_reach_the_output() {
        let report = fixture::hostile_report();
        for color in [false, true] {
            let out = text(&report, color, true);
            let raw_escapes = out.matches('\x1b').count();
            let ours = if color {
                out.matches("\x1b[").count()
            } else {
                0
            };
            assert!(!out.contains('\u{7}'), "raw BEL in output:\n{out}");
            assert!(
                !out.contains('\u{202e}'),
                "raw bidi override in output:\n{out}"
            );
            assert!(!out.contains("\x1b]"), "raw OSC sequence in output:\n{out}");
            assert!(
                !out.contains("\x1b[2J"),
                "raw clear-screen in output:\n{out}"
            );
            if !color {
                assert_eq!(raw_escapes, 0, "raw ESC in uncoloured output:\n{out}");
            }
            assert!(raw_escapes <= ours);
            assert!(
                out.contains("evil.example/\\x1b[2J\\x1b]0;pwned\\x07x.js"),
                "{out}"
            );
            assert!(out.contains("\\u{202e}"), "{out}");
        }
    }

    #[test]
    fn empty_report_says_nothing_was_found() {
        let out = text(&Report::default(), false, true);
        assert_eq!(out, "No findings in 0 loads from 0 files scanned.\n");
    }
}
