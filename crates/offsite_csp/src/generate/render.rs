//! The comments `offsite csp generate` appends: per-gadget fragments and
//! why each source is there (`--explain`). `c` is the comment prefix of the
//! output format.

use std::fmt::Write as _;

use super::{GadgetFragment, Generated};

pub fn render_fragments(fragments: &[GadgetFragment], c: &str) -> String {
    let mut out = format!("\n{c}Per gadget: the sources each needs beyond the base.\n");
    for f in fragments {
        let directives: Vec<String> = f
            .directives
            .iter()
            .map(|d| {
                let sources: Vec<String> = d.sources.iter().map(ToString::to_string).collect();
                format!("{} {}", d.directive, sources.join(" "))
            })
            .collect();
        let body = if directives.is_empty() {
            "(nothing beyond the base)".to_owned()
        } else {
            directives.join("; ")
        };
        let _ = writeln!(out, "{c}{}: {body}", f.gadget);
    }
    out
}

pub fn render_explain(generated: &Generated, c: &str) -> String {
    let mut out = format!("\n{c}Why each source is there:\n");
    for need in &generated.needs {
        if need.base && need.loads.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{c}{} {}{}",
            need.directive,
            need.source,
            if need.base { " (base)" } else { "" }
        );
        for load in &need.loads {
            let _ = writeln!(
                out,
                "{c}    {}:{}:{} {}",
                load.source.display_name(),
                load.line,
                load.column,
                load.url.as_deref().unwrap_or("")
            );
        }
    }
    for f in &generated.forbidden {
        let _ = writeln!(
            out,
            "{c}left out ({}): {}:{} {}",
            f.rules.join(","),
            f.load.source.display_name(),
            f.load.line,
            f.load.url.as_deref().unwrap_or("")
        );
    }
    for u in &generated.not_representable {
        let _ = writeln!(
            out,
            "{c}cannot be written as a source: {}:{} {}",
            u.load.source.display_name(),
            u.load.line,
            u.load.url.as_deref().unwrap_or("")
        );
    }
    out
}

/// The summary `offsite csp generate` prints on stderr: size, host-sources,
/// loads left out, and when over budget the largest directives.
pub fn render_notes(generated: &Generated) -> String {
    let mut err = String::new();
    let _ = writeln!(
        err,
        "offsite: {} bytes, {} host-sources; {} loads left out as forbidden, {} not representable",
        generated.size_bytes,
        generated.host_sources,
        generated.forbidden.len(),
        generated.not_representable.len()
    );
    if let (Some(over), Some(budget)) = (generated.over_budget, generated.budget_bytes) {
        let _ = writeln!(
            err,
            "offsite: the header is {over} bytes over the budget of {budget}; largest directives:"
        );
        let mut sizes = generated.directive_sizes.clone();
        sizes.sort_by_key(|s| std::cmp::Reverse(s.bytes));
        for s in sizes.iter().take(3) {
            let _ = writeln!(
                err,
                "offsite:   {} {} bytes ({} sources)",
                s.directive, s.bytes, s.sources
            );
        }
    }
    let allowed_anyway = generated
        .forbidden
        .iter()
        .filter(|f| matches!(f.outcome, super::ForbiddenOutcome::Allowed { .. }))
        .count();
    if allowed_anyway > 0 {
        let _ = writeln!(
            err,
            "offsite: {allowed_anyway} forbidden loads are allowed anyway (a permitted load needs the same source); see --explain"
        );
    }
    err
}
