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
