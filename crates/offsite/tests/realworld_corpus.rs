//! Accuracy on real code nobody on this project wrote: the corpus in
//! `accuracy/realworld` (references and blind labels; see its `RULES.md`).
//!
//! The code itself is not in the repository. `scripts/realworld-corpus`
//! writes it to `target/realworld-corpus/` from fetched mirrors; without it
//! these tests print a notice and pass (CI cannot fetch). With it, the real
//! binary scans each profile's files together (so a gadget's files and an
//! ES-module project are one scan), reported loads are matched to the labels
//! by (file, line, sink, host) — a label's `host-line` is a second acceptable
//! line — and the figures are printed per group and pooled.
//! `scripts/realworld-score` runs it with the output shown.
#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the evaluator's table, figures and skip notice are its output"
)]

mod scoring;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use scoring::{
    Load, Score, detected_loads, disagreements, label_from_table, match_loads, render_figures,
    render_table, scores,
};

/// Floors for the pooled policy-relevant figures: the figures measured when
/// they were last raised, so a change that loses ground fails.
const MIN_PRECISION: f64 = 0.90;
const MIN_RECALL: f64 = 0.73;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("OFFSITE_REALWORLD_CORPUS").map_or_else(
        || repo_root().join("target/realworld-corpus"),
        PathBuf::from,
    )
}

/// One `[[source]]` of `sources-*.toml`: the local file and its profile.
struct SourceRef {
    file: String,
    profile: String,
}

fn toml_files(prefix: &str) -> Vec<(String, toml::Table)> {
    let dir = repo_root().join("accuracy/realworld");
    let mut out = Vec::new();
    let entries = std::fs::read_dir(&dir).expect("accuracy/realworld exists");
    let mut paths: Vec<PathBuf> = entries
        .map(|e| e.expect("readable folder entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
                && p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        })
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable corpus file");
        let table: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        out.push((name.unwrap_or_default(), table));
    }
    out
}

fn read_sources() -> Vec<SourceRef> {
    let mut out = Vec::new();
    for (name, table) in toml_files("sources-") {
        let list = table.get("source").and_then(toml::Value::as_array);
        for (i, source) in list.into_iter().flatten().enumerate() {
            let field = |k: &str| {
                source.get(k).and_then(toml::Value::as_str).map_or_else(
                    || panic!("{name}: source #{}: no `{k}`", i + 1),
                    str::to_owned,
                )
            };
            for key in ["repo", "commit", "path"] {
                field(key);
            }
            out.push(SourceRef {
                file: field("file"),
                profile: field("profile"),
            });
        }
    }
    out
}

fn read_labels() -> Vec<Load> {
    let mut out = Vec::new();
    for (name, table) in toml_files("labels-") {
        let list = table.get("load").and_then(toml::Value::as_array);
        for (i, load) in list.into_iter().flatten().enumerate() {
            let fields: BTreeMap<String, String> = load
                .as_table()
                .into_iter()
                .flatten()
                .map(|(k, v)| {
                    let v = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), v)
                })
                .collect();
            out.push(label_from_table(i + 1, fields).unwrap_or_else(|e| panic!("{name}: {e}")));
        }
    }
    out
}

fn config_for(profile: &str) -> String {
    match profile {
        "wikimedia" => "profile = \"wikimedia\"\n".to_owned(),
        "fandom" => "profile = \"fandom\"\n".to_owned(),
        "none" => "profile = \"none\"\n".to_owned(),
        other => panic!("unknown profile `{other}` in a source"),
    }
}

fn scan(corpus: &Path, profile: &str, files: &[&str]) -> Vec<Load> {
    let config = tempfile::NamedTempFile::new().expect("temporary config");
    std::fs::write(config.path(), config_for(profile)).expect("config written");
    let output = Command::new(env!("CARGO_BIN_EXE_offsite"))
        .current_dir(corpus)
        .args(["scan", "--format", "json", "--fail-on", "never", "--quiet"])
        .arg("--config")
        .arg(config.path())
        .args(files)
        .output()
        .expect("the offsite binary runs");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "offsite scan ({profile}) did not print JSON ({e}, {}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
    });
    detected_loads(&report, |path| path.trim_start_matches("./").to_owned())
}

fn group_of(file: &str) -> &str {
    file.split('/').next().unwrap_or(file)
}

/// The labels point at real lines of listed files; needs the materialised
/// corpus for the line check, the reference files only otherwise.
#[test]
fn realworld_labels_are_well_formed() {
    let sources = read_sources();
    let labels = read_labels();
    let listed: BTreeSet<&str> = sources.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(listed.len(), sources.len(), "a file is listed twice");
    let repos: BTreeSet<&str> = sources
        .iter()
        .map(|s| s.file.split('/').nth(1).unwrap_or_default())
        .collect();
    assert!(sources.len() >= 150, "only {} files", sources.len());
    assert!(repos.len() >= 30, "only {} repositories", repos.len());
    let fandom = sources.iter().filter(|s| group_of(&s.file) == "fandom");
    assert!(fandom.count() >= 40, "fewer than 40 Fandom files");
    let mut problems = String::new();
    let corpus = corpus_dir();
    for label in &labels {
        if !listed.contains(label.file.as_str()) {
            let _ = writeln!(problems, "{}: labelled but not listed", label.file);
            continue;
        }
        let Ok(text) = std::fs::read_to_string(corpus.join(&label.file)) else {
            continue;
        };
        let count = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        for line in [Some(label.line), label.host_line].into_iter().flatten() {
            if line == 0 || line > count {
                let _ = writeln!(problems, "{}:{line}: out of range", label.file);
            }
        }
    }
    assert!(problems.is_empty(), "bad labels:\n{problems}");
}

#[test]
fn realworld_detection_figures() {
    let corpus = corpus_dir();
    if !corpus.is_dir() {
        eprintln!(
            "realworld_corpus: skipped, {} is missing (run scripts/realworld-corpus with the \
             mirrors fetched)",
            corpus.display()
        );
        return;
    }
    let sources = read_sources();
    let labels = read_labels();
    let mut by_profile: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for source in &sources {
        assert!(
            corpus.join(&source.file).is_file(),
            "{} is not materialised (run scripts/realworld-corpus)",
            source.file
        );
        by_profile
            .entry(source.profile.as_str())
            .or_default()
            .push(source.file.as_str());
    }
    let mut detected = Vec::new();
    for (profile, files) in &by_profile {
        detected.extend(scan(&corpus, profile, files));
    }
    let m = match_loads(&labels, &detected);
    println!(
        "\nMisses and false positives by file:\n{}",
        render_table(&m)
    );
    println!(
        "Tier and consent disagreements on matched loads:\n{}",
        disagreements(&m)
    );
    let groups: BTreeSet<&str> = sources.iter().map(|s| group_of(&s.file)).collect();
    for group in groups {
        let in_group = |l: &&Load| group_of(&l.file) == group;
        let gl: Vec<Load> = labels.iter().filter(in_group).cloned().collect();
        let gd: Vec<Load> = detected.iter().filter(in_group).cloned().collect();
        let gm = match_loads(&gl, &gd);
        let (policy, _) = scores(&gm);
        println!("{group:<10} {}", one_line(policy));
    }
    let (policy, all) = scores(&m);
    println!(
        "pooled: {} files, {} labels, {} detections\n{}",
        sources.len(),
        labels.len(),
        detected.len(),
        render_figures(&m, policy, all)
    );
    assert!(
        policy.precision() >= MIN_PRECISION && policy.recall() >= MIN_RECALL,
        "policy-relevant precision {:.3} (floor {MIN_PRECISION}) / recall {:.3} (floor {MIN_RECALL})",
        policy.precision(),
        policy.recall()
    );
}

fn one_line(s: Score) -> String {
    format!(
        "policy-relevant precision {:.3} recall {:.3} (tp {}, fp {}, fn {})",
        s.precision(),
        s.recall(),
        s.true_pos,
        s.false_pos,
        s.false_neg
    )
}
