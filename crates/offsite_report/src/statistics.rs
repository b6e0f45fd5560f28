//! `--statistics` (like `ruff --statistics`): how many findings each rule
//! gave, and how many diagnostics of each kind, most frequent first. Shown
//! instead of the report, as a table or (with `--format json`) a JSON array.

use std::collections::BTreeMap;
use std::io::{self, Write};

use offsite_model::{Report, Severity};
use serde::Serialize;

use crate::escape::terminal;

/// One row: a rule code (`OS101`) or a diagnostic kind (`syntax-error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub code: String,
    /// The rule's kebab-case name; empty for diagnostics (the kind is the name).
    pub name: String,
    /// The most severe finding of the rule.
    pub severity: Severity,
    pub count: usize,
}

/// Rules first then diagnostics, each by count (most first), then code.
pub fn statistics(report: &Report) -> Vec<RuleCount> {
    let mut rules: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for finding in report.loads.iter().flat_map(|l| &l.findings) {
        let row = rules.entry(&finding.rule).or_insert_with(|| RuleCount {
            code: finding.rule.clone(),
            name: finding.name.clone(),
            severity: finding.severity,
            count: 0,
        });
        row.count += 1;
        row.severity = row.severity.max(finding.severity);
    }
    let mut kinds: BTreeMap<&str, RuleCount> = BTreeMap::new();
    for d in &report.diagnostics {
        let row = kinds.entry(d.kind.as_str()).or_insert_with(|| RuleCount {
            code: d.kind.as_str().to_owned(),
            name: String::new(),
            severity: d.kind.severity(),
            count: 0,
        });
        row.count += 1;
    }
    let by_count = |mut rows: Vec<RuleCount>| {
        rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        rows
    };
    let mut rows = by_count(rules.into_values().collect());
    rows.extend(by_count(kinds.into_values().collect()));
    rows
}

/// The table: `count  code  [severity]  name`, counts right-aligned.
pub fn render_statistics(report: &Report, json: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows = statistics(report);
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows
        .iter()
        .map(|r| terminal(&r.code).len())
        .max()
        .unwrap_or(0);
    for row in &rows {
        let line = format!(
            "{:>count_width$}  {:<code_width$}  {:<9} {}",
            row.count,
            terminal(&row.code),
            format!("[{}]", row.severity),
            terminal(&row.name),
        );
        writeln!(out, "{}", line.trim_end())?;
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
    use crate::fixture;

    fn table(report: &Report, json: bool) -> String {
        let mut out = Vec::new();
        render_statistics(report, json, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot_statistics() {
        insta::assert_snapshot!(table(&fixture::report(), false));
    }

    #[test]
    fn snapshot_statistics_json() {
        insta::assert_snapshot!(table(&fixture::wiki_report(), true));
    }

    #[test]
    fn counts_add_up_to_the_findings_and_diagnostics() {
        let report = fixture::report();
        let rows = statistics(&report);
        let findings: usize = report.loads.iter().map(|l| l.findings.len()).sum();
        let total: usize = rows.iter().map(|r| r.count).sum();
        assert_eq!(total, findings + report.diagnostics.len());
        let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "one row per code: {codes:?}");
    }

    #[test]
    fn most_frequent_rule_comes_first() {
        let report = fixture::wiki_report();
        let rows = statistics(&report);
        assert_eq!(rows[0].code, "OS101");
        assert_eq!(rows[0].count, 4);
        assert!(
            rows.windows(2)
                .all(|w| w[0].count >= w[1].count || w[1].name.is_empty())
        );
    }

    #[test]
    fn an_empty_report_has_no_rows() {
        assert_eq!(table(&Report::default(), false), "");
        assert_eq!(table(&Report::default(), true), "[]\n");
    }
}
