//! End-to-end tests of the real `offsite` binary: exit codes, inputs,
//! formats, baselines, ignore files, broken pipes.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use assert_cmd::prelude::*;
use predicates::prelude::*;
use serde_json::Value;

fn offsite() -> Command {
    let mut cmd = Command::cargo_bin("offsite").expect("binary is built by cargo test");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("create dirs");
    }
    fs::write(path, text).expect("write fixture");
}

const THIRD_PARTY_GADGET: &str = "// Gadget: loads a remote library on every page view\n\
mw.loader.load( 'https://cdn.example.org/lib.js' );\n";

const FIRST_PARTY_GADGET: &str = "importScript( 'User:Example/tool.js' );\n\
mw.loader.using( [ 'mediawiki.util' ] ).then( function () {} );\n";

fn json_scan(args: &[&str], dir: &Path) -> Value {
    let out = offsite()
        .current_dir(dir)
        .args([
            "scan",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(args)
        .output()
        .expect("run offsite");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[test]
fn third_party_script_fails_with_exit_1_and_names_the_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Gadget-remote.js", THIRD_PARTY_GADGET);
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "Gadget-remote.js"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("OS101"))
        .stdout(predicate::str::contains("cdn.example.org"))
        .stdout(predicate::str::contains("Gadget-remote.js:2:"));
}

#[test]
fn fail_on_never_exits_0_even_with_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Gadget-remote.js", THIRD_PARTY_GADGET);
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--fail-on", "never", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("OS101"));
}

#[test]
fn first_party_only_code_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Gadget-local.js", FIRST_PARTY_GADGET);
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "."])
        .assert()
        .code(0);
}

#[test]
fn missing_path_is_a_tool_failure_naming_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "does-not-exist.js"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist.js"));
}

#[test]
fn missing_config_file_is_a_tool_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.js", FIRST_PARTY_GADGET);
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--config", "nope.toml", "a.js"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
}

#[test]
fn json_output_follows_the_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "Gadget-remote.js", THIRD_PARTY_GADGET);
    let json = json_scan(&["Gadget-remote.js"], dir.path());
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"]["name"], "offsite");
    let loads = json["loads"].as_array().expect("loads array");
    assert_eq!(loads.len(), 1, "{json:#}");
    let load = &loads[0];
    assert_eq!(load["source"]["path"], "Gadget-remote.js");
    assert_eq!(load["line"], 2);
    assert_eq!(load["api"], "mw.loader.load");
    assert_eq!(load["sink"], "script");
    assert_eq!(load["directive"], "script-src");
    assert_eq!(load["url"], "https://cdn.example.org/lib.js");
    assert_eq!(load["host"], "cdn.example.org");
    assert_eq!(load["tier"], "third-party");
    assert_eq!(load["resolution"], "literal");
    assert_eq!(load["consent"], "ungated");
    let rules: Vec<&str> = load["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"OS101"), "{rules:?}");
}

#[test]
fn stdin_is_read_with_the_language_of_stdin_filename() {
    let out = assert_cmd::Command::cargo_bin("offsite")
        .expect("binary")
        .args([
            "scan",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(["--stdin-filename", "MediaWiki:Common.css", "-"])
        .write_stdin("@import url(https://fonts.example.com/css?family=X);\n")
        .output()
        .expect("run offsite");
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let load = &json["loads"][0];
    assert_eq!(load["source"]["path"], "MediaWiki:Common.css");
    assert_eq!(load["sink"], "style");
    assert_eq!(load["host"], "fonts.example.com");
}

#[test]
fn gitignored_files_are_skipped_unless_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), ".gitignore", "build/\n");
    write(dir.path(), "build/bundle.js", THIRD_PARTY_GADGET);
    write(dir.path(), "src/tool.js", FIRST_PARTY_GADGET);
    let json = json_scan(&["."], dir.path());
    let paths: Vec<&str> = json["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .filter_map(|l| l["source"]["path"].as_str())
        .collect();
    assert!(paths.iter().all(|p| !p.contains("build/")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("src/tool.js")),
        "{paths:?}"
    );
    // Named explicitly, an ignored file is scanned (like ripgrep).
    let json = json_scan(&["build/bundle.js"], dir.path());
    assert_eq!(json["loads"].as_array().map(Vec::len), Some(1));
}

#[test]
fn baseline_hides_known_findings_and_survives_line_moves() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "g.js", THIRD_PARTY_GADGET);
    offsite()
        .current_dir(dir.path())
        .args([
            "scan",
            "--no-config",
            "--write-baseline",
            "baseline.json",
            "g.js",
        ])
        .assert()
        .code(0);
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--baseline", "baseline.json", "g.js"])
        .assert()
        .code(0);
    // Lines inserted above: the finding moved but is the same finding.
    write(
        dir.path(),
        "g.js",
        &format!("// a new header\n\n{THIRD_PARTY_GADGET}"),
    );
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--baseline", "baseline.json", "g.js"])
        .assert()
        .code(0);
    // A new load is not in the baseline.
    write(
        dir.path(),
        "g.js",
        &format!("{THIRD_PARTY_GADGET}mw.loader.load( 'https://other.example.net/x.js' );\n"),
    );
    offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--baseline", "baseline.json", "g.js"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("other.example.net"));
}

#[test]
fn syntax_errors_are_diagnostics_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "broken.js",
        "mw.loader.load( 'https://cdn.example.org/a.js' );\nfunction broken( {\n",
    );
    write(dir.path(), "ok.js", THIRD_PARTY_GADGET);
    let json = json_scan(&["."], dir.path());
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    assert!(
        diags
            .iter()
            .any(|d| d["source"]["path"] == "broken.js" && d["line"].is_u64()),
        "{diags:?}"
    );
    let hosts: Vec<&str> = json["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .filter_map(|l| l["host"].as_str())
        .collect();
    assert_eq!(
        hosts,
        ["cdn.example.org", "cdn.example.org"],
        "both files' loads are kept"
    );
}

#[test]
fn sarif_output_is_sarif_2_1_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "g.js", THIRD_PARTY_GADGET);
    let out = offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "sarif", "g.js"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "OS101");
}

#[test]
fn a_closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..200 {
        write(dir.path(), &format!("g{i:03}.js"), THIRD_PARTY_GADGET);
    }
    let mut child = offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--fail-on", "never", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0_u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "status {:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_lists_the_catalogue_and_rule_prints_docs() {
    offsite()
        .arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("OS101"))
        .stdout(predicate::str::contains("remote-executable-code"));
    offsite()
        .args(["rule", "remote-executable-code"])
        .assert()
        .success()
        .stdout(predicate::str::contains("What it does"))
        .stdout(predicate::str::contains("script-src"));
    offsite().args(["rule", "OS999"]).assert().code(2);
    let out = offsite()
        .args(["rules", "-f", "json"])
        .output()
        .expect("run");
    let rules: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(rules.as_array().is_some_and(|r| !r.is_empty()), "{rules}");
}

/// Regression: `rules -f` accepted every scan format and then said "not
/// Sarif" (a Rust `Debug` name) for the three it does not write.
#[test]
fn rules_accepts_only_the_formats_it_writes() {
    offsite()
        .args(["rules", "-f", "sarif"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("possible values: text, json"))
        .stderr(predicate::str::contains("Sarif").not());
}

/// `serve --scan` takes the scan file (`offsite csp --scan` names it the
/// same way); `--inventory` is its old spelling, kept as an alias. Both reach
/// the loader, which names the missing file, before any socket is opened.
#[test]
fn serve_takes_the_scan_as_scan_or_its_old_spelling_inventory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = format!("sqlite:{}", dir.path().join("reports.db").display());
    for flag in ["--scan", "--inventory"] {
        offsite()
            .current_dir(dir.path())
            .args(["serve", "--no-config", "--listen", "127.0.0.1:0"])
            .args(["--store", &store, flag, "no-such-scan.json"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("no-such-scan.json"));
    }
    offsite()
        .args(["serve", "--scan", "a.json", "--inventory", "b.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--scan"));
}
