//! `offsite csp generate | evaluate | diff` on the bundled example wiki:
//! what the header allows follows from the scan and the policy, budgets and
//! breakage set the exit code, and every format is well formed.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn offsite(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offsite"))
        .current_dir(repo())
        .args(args)
        .output()
        .expect("run offsite")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

/// A saved scan of examples/wiki, and its loads.
fn scan(dir: &Path) -> (PathBuf, Vec<Value>) {
    let path = dir.join("scan.json");
    let out = offsite(&[
        "scan",
        "examples/wiki",
        "-f",
        "json",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let loads = json["loads"].as_array().unwrap().clone();
    assert!(loads.len() > 20, "{}", loads.len());
    (path, loads)
}

fn forbidden(load: &Value) -> bool {
    load["findings"].as_array().into_iter().flatten().any(|f| {
        f["rule"]
            .as_str()
            .is_some_and(|c| ("OS101"..="OS106").contains(&c))
    })
}

#[test]
fn generated_header_names_the_permitted_hosts_and_no_forbidden_one() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, loads) = scan(dir.path());
    let out = offsite(&[
        "csp",
        "generate",
        "--scan",
        scan.to_str().unwrap(),
        "--config",
        "examples/wiki/offsite.toml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let header = stdout(&out);
    assert!(header.starts_with("Content-Security-Policy: "), "{header}");
    let hosts = |pred: &dyn Fn(&Value) -> bool| -> std::collections::BTreeSet<String> {
        loads
            .iter()
            .filter(|l| pred(l))
            .filter(|l| l["url"].as_str().is_some_and(|u| !u.contains("${")))
            .filter_map(|l| l["host"].as_str().map(str::to_owned))
            .collect()
    };
    let permitted = hosts(&|l| !forbidden(l));
    let banned = hosts(&forbidden);
    // The allowlisted Google Fonts hosts are in; nothing only forbidden is.
    assert!(header.contains("https://fonts.googleapis.com"), "{header}");
    assert!(header.contains("https://fonts.gstatic.com"), "{header}");
    for host in banned.difference(&permitted) {
        assert!(!header.contains(host.as_str()), "{host} in {header}");
    }
    for host in &permitted {
        if host != "example.org" && !host.is_empty() {
            assert!(
                header.contains(host.as_str()),
                "{host} missing from {header}"
            );
        }
    }
}

#[test]
fn over_budget_exits_1_and_says_which_directives_are_largest() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, _) = scan(dir.path());
    let out = offsite(&[
        "csp",
        "generate",
        "--scan",
        scan.to_str().unwrap(),
        "--config",
        "examples/wiki/offsite.toml",
        "--budget",
        "200",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("over the budget of 200"), "{err}");
    assert!(err.contains("script-src"), "{err}");
}

#[test]
fn mediawiki_format_is_php_with_the_header_mediawiki_will_send() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, _) = scan(dir.path());
    let out = offsite(&[
        "csp",
        "generate",
        "--scan",
        scan.to_str().unwrap(),
        "--config",
        "examples/wiki/offsite.toml",
        "-f",
        "mediawiki",
        "--report-only",
        "--report-uri",
        "https://csp.example.org/csp-report",
        "--server",
        "https://wiki.example.org",
        "--script-path",
        "/w",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let php = stdout(&out);
    assert!(php.starts_with("<?php\n"), "{php}");
    assert!(php.contains("$wgCSPReportOnlyHeader = ["), "{php}");
    assert!(
        php.contains("'report-uri' => 'https://csp.example.org/csp-report',"),
        "{php}"
    );
    let predicted = php
        .lines()
        .find_map(|l| l.strip_prefix("// Content-Security-Policy-Report-Only: "))
        .expect("predicted header");
    assert!(
        predicted.starts_with("script-src 'unsafe-eval' blob: 'self' "),
        "{predicted}"
    );
    assert!(
        predicted.ends_with("report-uri https://csp.example.org/csp-report"),
        "{predicted}"
    );
    // When PHP is installed, the file must parse.
    if Command::new("php")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let file = dir.path().join("csp.php");
        std::fs::write(&file, &php).unwrap();
        let lint = Command::new("php").arg("-l").arg(&file).output().unwrap();
        assert!(
            lint.status.success(),
            "{}",
            String::from_utf8_lossy(&lint.stdout)
        );
    }
}

#[test]
fn evaluate_finds_the_evaluator_checks_and_what_a_header_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, _) = scan(dir.path());
    let header =
        "script-src 'self' https://*.github.com https://cdn.jsdelivr.net; object-src 'none'";
    let out = offsite(&[
        "csp",
        "evaluate",
        header,
        "--scan",
        scan.to_str().unwrap(),
        "--config",
        "examples/wiki/offsite.toml",
        "-f",
        "json",
    ]);
    // High findings (and broken loads): exit 1.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let checks: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["check"].as_str())
        .collect();
    assert!(checks.contains(&"package-cdn-source"), "{checks:?}");
    assert!(checks.contains(&"script-allowlist-bypass"), "{checks:?}");
    let breaks = json["inventory"]["breaks"].as_array().unwrap();
    assert!(!breaks.is_empty());
    // Every broken load is one the policy permits.
    assert!(
        breaks.iter().all(|b| b["url"].as_str().is_some()),
        "{breaks:?}"
    );

    // A clean strict header with --fail-on high and no scan: exit 0.
    let out = offsite(&[
        "csp",
        "evaluate",
        "--no-config",
        "script-src 'nonce-r4nd0mN0nc3v4lu3' 'strict-dynamic'; object-src 'none'; base-uri 'none'; report-uri /r",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    // --fail-on is CSP Evaluator's scale, checked before anything is read:
    // a lower threshold fails the same header, an unknown one is a usage error.
    let out = offsite(&[
        "csp",
        "evaluate",
        "--no-config",
        "--fail-on",
        "info",
        "script-src 'self' https://cdn.example.org",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let out = offsite(&[
        "csp",
        "evaluate",
        "--no-config",
        "--fail-on",
        "severe",
        "script-src 'self'",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("high, syntax, medium, high-maybe"), "{err}");
}

#[test]
fn diff_lists_loads_newly_allowed_and_exits_1_when_loads_break() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, _) = scan(dir.path());
    let scan = scan.to_str().unwrap();
    let old = "default-src 'self'";
    let new = "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net";
    let out = offsite(&[
        "csp",
        "diff",
        old,
        new,
        "--scan",
        scan,
        "--config",
        "examples/wiki/offsite.toml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("newly allowed"), "{text}");
    assert!(text.contains("https://cdn.jsdelivr.net/"), "{text}");
    let back = offsite(&[
        "csp",
        "diff",
        new,
        old,
        "--scan",
        scan,
        "--config",
        "examples/wiki/offsite.toml",
        "-f",
        "json",
    ]);
    assert_eq!(back.status.code(), Some(1), "{back:?}");
    let json: Value = serde_json::from_str(&stdout(&back)).unwrap();
    assert!(
        !json["loads"]["newly_blocked"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn bad_input_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "<html>not a scan</html>").unwrap();
    let out = offsite(&[
        "csp",
        "generate",
        "--no-config",
        "--scan",
        bogus.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bogus.json") && err.contains("offsite scan --format json"),
        "{err}"
    );
    let out = offsite(&[
        "csp",
        "evaluate",
        "--no-config",
        "--file",
        "/nonexistent/csp.txt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/csp.txt"));
}
