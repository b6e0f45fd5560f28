//! The rule pages and the configuration reference under `docs/` are
//! generated from the sources; this test fails when they are stale.
//! `OFFSITE_UPDATE_DOCS=1 cargo test -p offsite_rules --test docs_fresh`
//! writes them instead.

use std::path::{Path, PathBuf};

fn docs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// Every generated file: path under `docs/` and content.
fn generated() -> Vec<(PathBuf, String)> {
    let mut files = vec![
        (
            PathBuf::from("rules/README.md"),
            offsite_rules::docs::rule_index(),
        ),
        (
            PathBuf::from("configuration.md"),
            offsite_rules::docs::configuration_reference(),
        ),
    ];
    for rule in offsite_rules::catalogue() {
        let name = offsite_rules::docs::rule_file_name(&rule.code).expect("catalogue rule");
        files.push((
            Path::new("rules").join(name),
            offsite_rules::docs::rule_page(&rule.code),
        ));
    }
    files
}

#[test]
fn docs_are_fresh() {
    let root = docs_dir();
    let update = std::env::var_os("OFFSITE_UPDATE_DOCS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (path, content) in generated() {
        let full = root.join(&path);
        if update {
            std::fs::create_dir_all(full.parent().expect("has a folder"))
                .expect("create docs folder");
            std::fs::write(&full, &content).expect("write doc");
        } else if std::fs::read_to_string(&full).ok().as_deref() != Some(content.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    // A page left behind by a renamed rule is stale too.
    if let Ok(entries) = std::fs::read_dir(root.join("rules")) {
        let expected: Vec<PathBuf> = generated().into_iter().map(|(p, _)| p).collect();
        for entry in entries.flatten() {
            let path = Path::new("rules").join(entry.file_name());
            if !expected.contains(&path) {
                if update {
                    std::fs::remove_file(entry.path()).expect("remove stale page");
                } else {
                    stale.push(format!("{} (no such rule)", path.display()));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated docs are stale: {stale:?}\nrun `OFFSITE_UPDATE_DOCS=1 cargo test -p offsite_rules --test docs_fresh`"
    );
}

#[test]
fn every_rule_page_has_the_required_sections() {
    for rule in offsite_rules::catalogue() {
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## CSP impact",
            "## Severity",
            "## Example",
            "## Use instead",
        ] {
            assert!(rule.docs.contains(section), "{} lacks {section}", rule.code);
        }
        assert!(
            rule.docs
                .starts_with(&format!("# {} {}\n", rule.code, rule.name))
        );
        assert!(
            !rule.summary.is_empty() && rule.summary.ends_with('.'),
            "{}: {}",
            rule.code,
            rule.summary
        );
    }
}

#[test]
fn codes_and_names_are_unique_and_stable_in_shape() {
    let rules = offsite_rules::catalogue();
    let mut codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();
    let mut names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    assert!(
        codes.windows(2).all(|w| w[0] < w[1]),
        "catalogue is in code order"
    );
    codes.dedup();
    names.sort_unstable();
    names.dedup();
    assert_eq!((codes.len(), names.len()), (rules.len(), rules.len()));
    for r in &rules {
        assert!(r.code.len() == 5 && r.code.starts_with("OS"), "{}", r.code);
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            r.name
        );
        assert_eq!(offsite_rules::rule_info(&r.name).as_ref(), Some(r));
    }
}
