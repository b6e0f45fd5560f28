//! The text `offsite csp diff` prints.

use std::fmt::Write as _;

use super::{LoadChange, LoadDiff, PolicyDiff};

pub fn render_diff(policy: &PolicyDiff, loads: Option<&LoadDiff>) -> String {
    let mut out = String::new();
    if policy.is_empty() {
        out.push_str("No change in the policies.\n");
    }
    for d in &policy.directives {
        let added: Vec<String> = d.added.iter().map(ToString::to_string).collect();
        let removed: Vec<String> = d.removed.iter().map(ToString::to_string).collect();
        let _ = write!(out, "{} ({:?})", d.directive, d.change);
        if !added.is_empty() {
            let _ = write!(out, "  + {}", added.join(" "));
        }
        if !removed.is_empty() {
            let _ = write!(out, "  - {}", removed.join(" "));
        }
        out.push('\n');
    }
    for k in &policy.kinds {
        let _ = writeln!(
            out,
            "{:?} requests: governed by {} → {}{}",
            k.kind,
            k.old_directive.unwrap_or("nothing"),
            k.new_directive.unwrap_or("nothing"),
            if k.sources_changed {
                " (sources changed)"
            } else {
                ""
            }
        );
    }
    for c in &policy.capabilities {
        let _ = writeln!(
            out,
            "{:?}: {} → {}",
            c.capability,
            if c.old { "allowed" } else { "blocked" },
            if c.new { "allowed" } else { "blocked" }
        );
    }
    if let Some(loads) = loads {
        let sections: [(&str, &Vec<LoadChange>); 2] = [
            (
                "newly blocked (the change breaks these)",
                &loads.newly_blocked,
            ),
            ("newly allowed", &loads.newly_allowed),
        ];
        for (title, list) in sections {
            let _ = writeln!(out, "\n{} loads {title}:", list.len());
            for change in list {
                let places: Vec<String> = change
                    .places
                    .iter()
                    .map(|p| format!("{}:{}", p.source.display_name(), p.line))
                    .collect();
                let _ = writeln!(
                    out,
                    "  {} {}  ({})",
                    change.directive,
                    change.url,
                    places.join(", ")
                );
            }
        }
        if !loads.unknown.is_empty() {
            let _ = writeln!(
                out,
                "\n{} loads whose URL is not fully known were not checked.",
                loads.unknown.len()
            );
        }
    }
    out
}
