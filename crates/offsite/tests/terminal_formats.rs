//! `--format concise` and `--statistics` through the real binary: one line
//! per finding, counts per rule, and the text format's one block per load.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::process::Command;

use assert_cmd::prelude::*;

/// One gadget: a third-party script on page load (OS101 and OS202 on the
/// same load) and a stylesheet (OS102 and OS202).
fn gadget(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("Gadget-two.js");
    std::fs::write(
        &path,
        "mw.loader.load( 'https://cdn.example.org/lib.js' );\n\
         mw.loader.load( 'https://fonts.example.com/f.css', 'text/css' );\n",
    )
    .unwrap();
    path
}

fn run(args: &[&str], path: &std::path::Path) -> String {
    let out = Command::cargo_bin("offsite")
        .unwrap()
        .args(["scan", "--no-config", "--color", "never"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn concise_prints_one_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = gadget(dir.path());
    let out = run(&["--format", "concise"], &path);
    let lines: Vec<&str> = out.lines().collect();
    let findings = &lines[..lines.len() - 1];
    assert!(findings.len() >= 3, "{out}");
    for line in findings {
        let (at, rest) = line.split_once(": ").unwrap();
        let mut parts = at.rsplitn(3, ':');
        let column: u32 = parts.next().unwrap().parse().unwrap();
        let row: u32 = parts.next().unwrap().parse().unwrap();
        assert!(parts.next().unwrap().ends_with("Gadget-two.js"), "{line}");
        assert!(column >= 1 && (1..=2).contains(&row), "{line}");
        assert!(rest.starts_with("OS"), "{line}");
    }
    assert_eq!(
        *lines.last().unwrap(),
        format!("Found {} findings.", findings.len())
    );
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    let path = gadget(dir.path());
    let concise = run(&["--format", "concise"], &path);
    let stats = run(&["--statistics"], &path);
    let os202 = stats
        .lines()
        .find(|l| l.contains("OS202"))
        .unwrap_or_else(|| panic!("{stats}"));
    let count: usize = os202.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(
        count,
        concise.matches(": OS202 ").count(),
        "{stats}\n{concise}"
    );
    assert_eq!(count, 2, "{stats}");

    let json: serde_json::Value =
        serde_json::from_str(&run(&["--statistics", "--format", "json"], &path)).unwrap();
    let total: u64 = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["count"].as_u64().unwrap())
        .sum();
    assert_eq!(usize::try_from(total).unwrap(), concise.lines().count() - 1);
}

#[test]
fn text_shows_one_block_per_load_with_all_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = gadget(dir.path());
    let text = run(&[], &path);
    // One code frame per load, not per finding.
    assert_eq!(text.matches("1 | mw.loader.load").count(), 1, "{text}");
    assert_eq!(text.matches("2 | mw.loader.load").count(), 1, "{text}");
    assert_eq!(text.matches("= also OS202").count(), 2, "{text}");
}
