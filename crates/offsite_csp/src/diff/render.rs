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
        let _ = write!(out, "{} ({})", d.directive, d.change);
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
            "{} requests: governed by {} → {}{}",
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
            "{}: {} → {}",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{diff, parse_header};

    /// Regression: the text used Rust `Debug` names (`ScriptElem requests`,
    /// `(Changed)`, `InlineScript`) where JSON says `script-src-elem`,
    /// `changed`, `inline-script`.
    #[test]
    fn diff_text_names_things_as_the_json_does() {
        let old = parse_header("default-src 'self'; style-src 'self'");
        let new = parse_header(
            "default-src 'self'; style-src 'self' https://s.example; script-src 'self' 'unsafe-inline' https://a.example",
        );
        let text = render_diff(&diff(&old.policies, &new.policies), None);
        assert!(
            text.contains("style-src (changed)  + https://s.example"),
            "{text}"
        );
        assert!(text.contains("script-src (added)"), "{text}");
        assert!(
            text.contains("script-src-elem requests: governed by default-src → script-src"),
            "{text}"
        );
        assert!(text.contains("inline-script: blocked → allowed"), "{text}");
        for debug in ["ScriptElem", "Changed", "Added", "InlineScript"] {
            assert!(!text.contains(debug), "`{debug}` in {text}");
        }
    }

    #[test]
    fn display_names_are_the_json_names() {
        for c in crate::Capability::ALL {
            assert_eq!(
                serde_json::to_string(&c).ok(),
                Some(format!("\"{c}\"")),
                "{c:?}"
            );
        }
        for k in [
            crate::ChangeKind::Added,
            crate::ChangeKind::Removed,
            crate::ChangeKind::Changed,
        ] {
            assert_eq!(
                serde_json::to_string(&k).ok(),
                Some(format!("\"{k}\"")),
                "{k:?}"
            );
        }
    }
}
