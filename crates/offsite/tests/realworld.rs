//! Real-world check: scan real gadget-related packages from npm (installed
//! by `scripts/install-test-deps` into `.cache/npm`, versions pinned in
//! `scripts/realworld-packages.txt`) and assert the loads we verified by
//! reading their code.
//!
//! `@bhsd/codemirror-mediawiki` is the CodeMirror 6 editor used by wiki
//! gadgets; it and its helper `@bhsd/browser` pull scripts and JSON from the
//! jsDelivr CDN at run time. What we verified by hand (versions 3.17.1 / 0.3.2):
//! - `@bhsd/browser/dist/index.js:43` inserts a `<script>` whose `src` is
//!   either the caller's URL or `https://fastly.jsdelivr.net/<path>`: an
//!   executable load whose host depends on the caller, so offsite must
//!   report a script load it cannot resolve (OS201), not guess.
//! - `@bhsd/browser/dist/index.js:70` fetches i18n JSON inside the helper
//!   `setI18N(url, …)`, whose only caller (line 106) passes
//!   `${wikiparse.CDN}/i18n`: offsite reports helper loads at the call site,
//!   with the caller's URL (`${…}/i18n/${…}.json`), host unknown.
//! - `codemirror-mediawiki/dist/mwConfig.js:71`, `math.js:9`,
//!   `lilypond.js:224` fetch JSON from `wikiparse.CDN` (jsDelivr at run time).
//! - `mwConfig.js:56` and `:75` load ResourceLoader modules (first party).
//! - URLs that are only links in comments and strings (gerrit.wikimedia.org,
//!   codemirror.net docs, github.com) are NOT loads.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::Value;

fn npm_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.cache/npm/node_modules/@bhsd")
}

fn scan(paths: &[PathBuf]) -> Vec<Value> {
    for p in paths {
        assert!(
            p.exists(),
            "{} is missing: run scripts/install-test-deps (the test command does)",
            p.display()
        );
    }
    let out = Command::cargo_bin("offsite")
        .expect("binary")
        .args([
            "scan",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .args(paths)
        .output()
        .expect("run offsite");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    json["loads"].as_array().expect("loads").clone()
}

fn at<'a>(loads: &'a [Value], file_suffix: &str, line: u64) -> Vec<&'a Value> {
    loads
        .iter()
        .filter(|l| {
            l["source"]["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(file_suffix))
                && l["line"] == line
        })
        .collect()
}

fn rules(load: &Value) -> Vec<String> {
    load["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .filter_map(|x| x["rule"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn bhsd_browser_script_injection_and_fetch_are_found() {
    let file = npm_dir().join("browser/dist/index.js");
    let loads = scan(&[file]);

    let script = at(&loads, "browser/dist/index.js", 43);
    assert_eq!(script.len(), 1, "script.src at line 43: {loads:#?}");
    assert_eq!(script[0]["sink"], "script");
    assert_eq!(script[0]["resolution"], "dynamic");
    assert_eq!(script[0]["tier"], "unknown");
    assert!(
        rules(script[0]).contains(&"OS201".to_owned()),
        "{:#?}",
        script[0]
    );

    let fetch = at(&loads, "browser/dist/index.js", 106);
    assert_eq!(
        fetch.len(),
        1,
        "setI18N's fetch at its call site, line 106: {loads:#?}"
    );
    assert_eq!(fetch[0]["sink"], "fetch");
    assert_eq!(fetch[0]["resolution"], "dynamic");
    assert_eq!(fetch[0]["url"], "${…}/i18n/${…}.json");
    assert_eq!(fetch[0]["dynamic_expr"], "wikiparse.CDN");
    assert_eq!(
        loads.len(),
        2,
        "nothing else in this file loads: {loads:#?}"
    );
}

#[test]
fn codemirror_mediawiki_cdn_fetches_and_module_loads_are_found() {
    let dist = npm_dir().join("codemirror-mediawiki/dist");
    let files: Vec<PathBuf> = [
        "mwConfig.js",
        "math.js",
        "lilypond.js",
        "bidi.js",
        "config.js",
        "fold.js",
    ]
    .iter()
    .map(|f| dist.join(f))
    .collect();
    let loads = scan(&files);

    for (file, line) in [("mwConfig.js", 71), ("math.js", 9), ("lilypond.js", 224)] {
        let found = at(&loads, file, line);
        assert_eq!(found.len(), 1, "{file}:{line}: {loads:#?}");
        assert_eq!(found[0]["sink"], "fetch", "{file}:{line}");
        assert_ne!(
            found[0]["tier"], "first-party",
            "{file}:{line} reaches the CDN"
        );
    }
    for line in [56, 75] {
        let found = at(&loads, "mwConfig.js", line);
        assert_eq!(
            found.len(),
            1,
            "mw.loader.using at mwConfig.js:{line}: {loads:#?}"
        );
        assert_eq!(found[0]["sink"], "module");
        assert_eq!(found[0]["tier"], "first-party");
    }
    // Documentation links in comments and strings are not loads.
    for load in &loads {
        let host = load["host"].as_str().unwrap_or_default();
        assert!(
            !["gerrit.wikimedia.org", "codemirror.net", "github.com"].contains(&host),
            "a link was reported as a load: {load:#}"
        );
    }
}
