//! The compact human format `offsite csp evaluate` prints.

use std::fmt::Write as _;

use super::inventory::page_label;
use super::{EvalFinding, Evaluation, InventoryReport, Severity};

/// Render an evaluation for people: one block per finding (severity, check,
/// directive, value, where; then the message and the fix), a count by
/// severity, and with an inventory the loads broken, let through and
/// undecided.
pub fn render_text(evaluation: &Evaluation) -> String {
    let mut out = String::new();
    let several = evaluation.policies.len() > 1;
    for finding in &evaluation.findings {
        finding_block(&mut out, finding, several);
    }
    out.push_str(&summary(evaluation));
    out.push('\n');
    if let Some(inventory) = &evaluation.inventory {
        inventory_blocks(&mut out, inventory);
    }
    out
}

fn finding_block(out: &mut String, finding: &EvalFinding, several: bool) {
    let _ = write!(out, "{} {}", finding.severity, finding.check);
    match (&finding.directive, &finding.source) {
        (Some(directive), Some(source)) => {
            let _ = write!(out, ": {directive} {source}");
        }
        (Some(directive), None) if finding.span.is_none() => {
            let _ = write!(out, ": {directive} (missing)");
        }
        (Some(directive), None) => {
            let _ = write!(out, ": {directive}");
        }
        (None, _) => {}
    }
    let mut place = Vec::new();
    if several && let Some(policy) = finding.policy {
        place.push(format!("policy {}", policy + 1));
    }
    if let Some(span) = finding.span {
        place.push(format!("bytes {}..{}", span.start, span.end));
    }
    if !place.is_empty() {
        let _ = write!(out, " ({})", place.join(", "));
    }
    let _ = writeln!(out, "\n  {}\n  fix: {}", finding.message, finding.fix);
}

fn summary(evaluation: &Evaluation) -> String {
    let total = evaluation.findings.len();
    if total == 0 {
        return "no findings".to_owned();
    }
    let counts: Vec<String> = Severity::ALL
        .into_iter()
        .filter_map(|s| {
            let n = evaluation.count(s);
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    format!(
        "{total} finding{}: {}",
        if total == 1 { "" } else { "s" },
        counts.join(", ")
    )
}

fn loads(n: usize) -> String {
    format!("{n} load{}", if n == 1 { "" } else { "s" })
}

fn inventory_blocks(out: &mut String, inventory: &InventoryReport) {
    if !inventory.breaks.is_empty() {
        let _ = writeln!(
            out,
            "\nwould break {} the offsite policy permits:",
            loads(inventory.breaks.len())
        );
        for load in &inventory.breaks {
            let _ = write!(
                out,
                "  {}:{} {} ({}): blocked by {}",
                page_label(&load.source),
                load.line,
                load.url,
                load.effective_directive,
                load.blocked_by
            );
            if load.blocked_by != load.effective_directive {
                let _ = write!(out, " (fallback)");
            }
            out.push('\n');
            if let Some(gap) = &load.apex_gap {
                let host = gap.rsplit("://").next().unwrap_or(gap);
                let apex = host.trim_start_matches("*.");
                let _ = writeln!(out, "    {gap} matches subdomains only, not {apex} itself");
            }
        }
    }
    if !inventory.lets_through.is_empty() {
        let _ = writeln!(
            out,
            "\nlets through {} the offsite policy forbids:",
            loads(inventory.lets_through.len())
        );
        for load in &inventory.lets_through {
            let _ = write!(
                out,
                "  {}:{} {} ({}) [{}]: ",
                page_label(&load.source),
                load.line,
                load.url,
                load.effective_directive,
                load.rules.join(", ")
            );
            match (&load.allowed_by, &load.allowing_source) {
                (Some(directive), Some(source)) => {
                    let _ = writeln!(
                        out,
                        "allowed by {directive} {source} ({})",
                        load.breadth.as_str()
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "not governed: no {} or fallback",
                        load.effective_directive
                    );
                }
            }
        }
    }
    if !inventory.cannot_tell.is_empty() {
        let _ = writeln!(
            out,
            "\ncannot tell for {}:",
            loads(inventory.cannot_tell.len())
        );
        for load in &inventory.cannot_tell {
            let reason = match load.reason {
                crate::diff::UnknownReason::NoUrl => "no URL",
                crate::diff::UnknownReason::DynamicUrl => "URL known only at run time",
                crate::diff::UnknownReason::InvalidUrl => "URL does not parse",
            };
            let _ = writeln!(
                out,
                "  {}:{} {} ({}): {reason}",
                page_label(&load.source),
                load.line,
                load.url.as_deref().unwrap_or("-"),
                load_directive(load.directive),
            );
        }
    }
    let _ = writeln!(
        out,
        "\npermitted and allowed: {}; forbidden and blocked: {}",
        loads(inventory.permitted_allowed),
        loads(inventory.forbidden_blocked)
    );
}

fn load_directive(directive: offsite_model::Directive) -> &'static str {
    crate::directive::ResourceKind::from(directive).effective_directive()
}
