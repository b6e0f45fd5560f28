//! The tables of the text format: loads without findings, and the closing
//! summary with its host table.

use std::borrow::Cow;
use std::io::{self, Write};

use offsite_model::{Severity, Tier};

use crate::Sorted;
use crate::escape::{self, terminal};
use crate::summary::{HostSummary, Summary};
use crate::text::{Palette, Style, location};

/// Rows padded to the widest cell of each column (by terminal width).
fn write_table(
    out: &mut dyn Write,
    indent: &str,
    header: Option<&[&str]>,
    rows: &[Vec<String>],
) -> io::Result<()> {
    let columns = rows.first().map_or(0, Vec::len);
    let mut widths = vec![0; columns];
    for row in header
        .map(|h| h.iter().map(|c| (*c).to_owned()).collect())
        .iter()
        .chain(rows)
    {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(escape::width(cell));
        }
    }
    let header_row: Option<Vec<String>> =
        header.map(|h| h.iter().map(|c| (*c).to_owned()).collect());
    for row in header_row.iter().chain(rows) {
        let mut line = indent.to_owned();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(w - escape::width(cell) + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Cut to `max` terminal columns, marking the cut with `…`.
fn clip(s: &str, max: usize) -> String {
    if escape::width(s) <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

pub fn write_quiet_loads(out: &mut dyn Write, p: Palette, sorted: &Sorted<'_>) -> io::Result<()> {
    // Wiki sources only: plain files have no exposure and no such column.
    let exposed = sorted.loads.iter().any(|l| l.load.exposure.is_some());
    let rows: Vec<Vec<String>> = sorted
        .loads
        .iter()
        .filter(|l| l.findings.is_empty())
        .map(|l| {
            let load = l.load;
            let modules: Vec<_> = load.modules.iter().map(|m| terminal(m)).collect();
            let what = match load.url.as_deref().or(load.page.as_deref()) {
                Some(target) => terminal(target).into_owned(),
                None if modules.is_empty() => "-".to_owned(),
                None => modules.join(", "),
            };
            let mut row = vec![
                location(load),
                load.tier.to_string(),
                load.sink.to_string(),
                terminal(&load.api).into_owned(),
                clip(&what, 72),
            ];
            if exposed {
                let who = load
                    .exposure
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), |e| clip(&terminal(&e.label), 32));
                row.insert(4, who);
            }
            row
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        p.paint(
            Style::Bold,
            &format!("Loads without findings ({}):", rows.len())
        )
    )?;
    let header: &[&str] = if exposed {
        &["location", "tier", "sink", "api", "exposed", "target"]
    } else {
        &["location", "tier", "sink", "api", "target"]
    };
    write_table(out, "  ", Some(header), &rows)?;
    writeln!(out)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn host_label(h: &HostSummary) -> String {
    match (&h.host, h.tier) {
        (Some(host), _) => terminal(host).into_owned(),
        (None, Tier::FirstParty) => "(same wiki)".to_owned(),
        (None, _) => "(unknown host)".to_owned(),
    }
}

pub fn write_summary(out: &mut dyn Write, p: Palette, s: &Summary) -> io::Result<()> {
    let scope = format!(
        "{} from {} scanned",
        plural(s.loads, "load", "loads"),
        plural(s.files_scanned, "file", "files")
    );
    if s.findings == 0 {
        writeln!(
            out,
            "{}",
            p.paint(Style::Bold, &format!("No findings in {scope}."))
        )?;
    } else {
        let c = &s.by_severity;
        let mut parts = Vec::new();
        if c.error > 0 {
            parts.push(p.severity(Severity::Error, &plural(c.error, "error", "errors")));
        }
        if c.warning > 0 {
            parts.push(p.severity(Severity::Warning, &plural(c.warning, "warning", "warnings")));
        }
        if c.info > 0 {
            parts.push(p.severity(Severity::Info, &plural(c.info, "info", "info")));
        }
        writeln!(
            out,
            "{} ({}) in {scope}.",
            p.paint(
                Style::Bold,
                &format!("Found {}", plural(s.findings, "finding", "findings"))
            ),
            parts.join(", ")
        )?;
    }
    if s.diagnostics > 0 {
        writeln!(
            out,
            "{} about the sources (listed above).",
            plural(s.diagnostics, "diagnostic", "diagnostics")
        )?;
    }
    if s.baseline_hidden > 0 || s.suppressed > 0 {
        writeln!(
            out,
            "Hidden: {} by the baseline, {} by offsite-ignore comments.",
            plural(s.baseline_hidden, "finding", "findings"),
            s.suppressed
        )?;
    }

    let others: Vec<&HostSummary> = s
        .hosts
        .iter()
        .filter(|h| h.tier != Tier::FirstParty)
        .collect();
    let first: Vec<&HostSummary> = s
        .hosts
        .iter()
        .filter(|h| h.tier == Tier::FirstParty)
        .collect();
    if others.is_empty() && first.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "{}", p.paint(Style::Bold, "Hosts:"))?;
    if !others.is_empty() {
        let rows: Vec<Vec<String>> = others
            .iter()
            .map(|h| {
                let sinks: Vec<&str> = h.sinks.iter().map(|k| k.as_str()).collect();
                vec![
                    host_label(h),
                    h.tier.to_string(),
                    h.entity
                        .as_deref()
                        .map_or_else(|| "-".to_owned(), |e| terminal(e).into_owned()),
                    sinks.join(", "),
                    h.loads.to_string(),
                    h.findings.to_string(),
                ]
            })
            .collect();
        write_table(
            out,
            "  ",
            Some(&["host", "tier", "entity", "sinks", "loads", "findings"]),
            &rows,
        )?;
    }
    if !first.is_empty() {
        const SHOWN: usize = 4;
        let loads: usize = first.iter().map(|h| h.loads).sum();
        let mut parts: Vec<String> = first
            .iter()
            .take(SHOWN)
            .map(|h| {
                let host = h
                    .host
                    .as_deref()
                    .map_or(Cow::Borrowed("same wiki"), terminal);
                format!("{host} {}", h.loads)
            })
            .collect();
        if first.len() > SHOWN {
            parts.push(format!(
                "+{} more",
                plural(first.len() - SHOWN, "host", "hosts")
            ));
        }
        writeln!(
            out,
            "  first party: {} ({})",
            plural(loads, "load", "loads"),
            parts.join(", ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn clip_marks_the_cut() {
        assert_eq!(clip("abcdef", 10), "abcdef");
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("地図地図", 5), "地図…");
    }
}
