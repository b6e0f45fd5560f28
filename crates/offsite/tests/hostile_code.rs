//! Hostile code through the real `offsite scan` binary (issue 15): a file
//! nested thousands deep, a 10,000-branch `else if`, a 50,000-term
//! concatenation, 200,000 loads in one list or 2 MB of noise must neither
//! abort nor stall the run. Each hostile file sits BESIDE a normal gadget:
//! the run completes, every load of the normal file is reported, and the
//! hostile file gets an `analysis limit:` diagnostic. Inputs are generated
//! into a temporary folder, never committed; time is measured by
//! `scripts/bench-hostile`, not asserted here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "in tests a panic is the failed assertion"
)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

/// The normal gadget: three loads through three APIs.
const GOOD: &str = "mw.loader.load('https://good.example/a.js');\n\
importScriptURI('https://good.example/b.js');\n\
$.getScript('https://good.example/c.js');\n";

const GOOD_URLS: [&str; 3] = [
    "https://good.example/a.js",
    "https://good.example/b.js",
    "https://good.example/c.js",
];

fn offsite(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_offsite"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["scan", "--no-config", "--fail-on", "never"])
        .args(args)
        .output()
        .expect("run offsite")
}

/// Scan a folder holding the normal gadget and `hostile.js`; check the run
/// completed, the normal file's loads, and return the hostile file's
/// diagnostics.
fn scan_beside_good(hostile: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("good.js"), GOOD).unwrap();
    fs::write(dir.path().join("hostile.js"), hostile).unwrap();
    let out = offsite(dir.path(), &["--format", "json", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let mut good: Vec<&str> = json["loads"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["source"]["path"] == "good.js")
        .filter_map(|l| l["url"].as_str())
        .collect();
    good.sort_unstable();
    assert_eq!(good, GOOD_URLS);
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["source"]["path"] == "hostile.js")
        .filter_map(|d| d["message"].as_str().map(str::to_owned))
        .collect()
}

fn assert_too_deep(name: &str, hostile: &str) {
    let notes = scan_beside_good(hostile);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("analysis limit:") && n.contains("nested too deeply")),
        "{name}: {notes:?}"
    );
}

fn nested(open: &str, inner: &str, close: &str, levels: usize) -> String {
    format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
}

#[test]
fn objects_5000_deep_beside_a_gadget() {
    assert_too_deep(
        "objects",
        &format!("var o = {};", nested("{a: ", "1", "}", 5_000)),
    );
}

#[test]
fn arrays_5000_deep_beside_a_gadget() {
    assert_too_deep(
        "arrays",
        &format!("var a = {};", nested("[", "1", "]", 5_000)),
    );
}

#[test]
fn parentheses_5000_deep_beside_a_gadget() {
    assert_too_deep(
        "parens",
        &format!("var p = {};", nested("(", "1", ")", 5_000)),
    );
}

#[test]
fn functions_5000_deep_beside_a_gadget() {
    assert_too_deep("functions", &nested("function f() { ", "g();", " }", 5_000));
}

#[test]
fn else_if_10000_beside_a_gadget() {
    let chain = format!(
        "if (a) {{ f(); }}{}",
        " else if (b) { g(); }\n".repeat(10_000)
    );
    assert_too_deep("else if", &chain);
}

#[test]
fn concatenation_of_50000_terms_beside_a_gadget() {
    let chain = format!("var s = 'a'{};", " + 'b'".repeat(50_000));
    assert_too_deep("concatenation", &chain);
}

/// The deep file's own loads outside the deep part are still found.
#[test]
fn a_deep_file_keeps_its_shallow_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!(
        "mw.loader.load('https://deep.example/before.js');\nvar a = {};\nmw.loader.load('https://deep.example/after.js');\n",
        nested("[", "1", "]", 5_000)
    );
    fs::write(dir.path().join("deep.js"), deep).unwrap();
    let out = offsite(dir.path(), &["--format", "json", "deep.js"]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let urls: Vec<&str> = json["loads"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["url"].as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://deep.example/before.js",
            "https://deep.example/after.js"
        ]
    );
}

#[test]
fn two_hundred_thousand_loads_in_one_list_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 200_000;
    // First-party loads carry no finding, so the text report stays short.
    fs::write(
        dir.path().join("many.js"),
        "importScript('User:Example/tool.js');\n".repeat(n),
    )
    .unwrap();
    let out = offsite(dir.path(), &["many.js"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("in {n} loads from 1 file")),
        "{text}"
    );
}

#[test]
fn two_megabytes_of_noise_beside_a_gadget() {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let noise: String = (0..2 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let r = x >> 3;
            if r.is_multiple_of(80) {
                '\n'
            } else {
                char::from(32 + u8::try_from(r % 95).unwrap())
            }
        })
        .collect();
    let notes = scan_beside_good(&noise);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("analysis limit:") && n.contains("do not look like JavaScript")),
        "{notes:?}"
    );
}
