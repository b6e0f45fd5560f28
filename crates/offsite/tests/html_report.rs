//! `offsite scan --format html` writes one self-contained page. This test
//! scans files whose URLs and names carry markup and script payloads, then
//! opens the page in Debian's headless Chromium (`scripts/browser/report.cjs`,
//! on playwright-core) with the network off and checks: it renders, logs no
//! console error and no CSP violation (so the inline script and style match
//! the page's hashes), requests nothing but its own file, shows every payload
//! as text (no element, no dialog, no canary), and its table sorts and
//! filters.
//!
//! Needs node, chromium and playwright-core (`scripts/install-test-deps`);
//! skipped with a note when they are missing, unless `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::{Value, json};

/// In a URL: closes a script element, opens an image whose error handler
/// sets the canary, and carries both kinds of quote.
const URL_PAYLOAD: &str = "</script><img src=x onerror=\"__offsite_pwned=1\">'";
/// In a file name (no `/` allowed there).
const NAME_PAYLOAD: &str = "q\"><svg onload=__offsite_pwned=2>";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// node, playwright-core and chromium, or `None` (with a note) to skip.
fn browser() -> Option<PathBuf> {
    let modules = std::env::var_os("OFFSITE_BROWSER_MODULES")
        .map_or_else(|| repo().join(".cache/browser/node_modules"), PathBuf::from);
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut missing = Vec::new();
    if !node {
        missing.push("node".to_owned());
    }
    if !modules.join("playwright-core").is_dir() {
        missing.push(format!("{}/playwright-core", modules.display()));
    }
    if !chromium.exists() {
        missing.push(chromium.display().to_string());
    }
    if missing.is_empty() {
        return Some(repo().join("scripts/browser/report.cjs"));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} missing: run scripts/install-test-deps",
        missing.join(", ")
    );
    eprintln!(
        "note: {} missing (scripts/install-test-deps); HTML report browser test skipped",
        missing.join(", ")
    );
    None
}

/// Scans a folder of hostile gadgets into `report.html`.
fn hostile_report(dir: &Path) -> PathBuf {
    let gadgets = dir.join("gadgets");
    std::fs::create_dir_all(&gadgets).unwrap();
    std::fs::write(
        gadgets.join("Gadget-evil.js"),
        format!(
            "mw.loader.load( 'https://evil.example/{}.js' );\n\
             mw.loader.load( 'https://cdn.example.org/lib.js' );\n\
             $( '#go' ).on( 'click', () => $.getScript( 'https://aaa.example.net/a.js' ) );\n\
             fetch( '/w/api.php?action=query' );\n",
            URL_PAYLOAD.replace('\'', "\\'")
        ),
    )
    .unwrap();
    std::fs::write(
        gadgets.join(format!("{NAME_PAYLOAD}.js")),
        "mw.loader.load( 'https://cdn.example.org/other.js' );\n\
         mw.loader.load( 'https://zzz.example.com/z.js' );\n",
    )
    .unwrap();
    let out = dir.join("report.html");
    let status = Command::cargo_bin("offsite")
        .unwrap()
        .args(["scan", "--no-config", "--format", "html", "--output"])
        .arg(&out)
        .arg(&gadgets)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "findings at error level exit 1");
    out
}

fn open(script: &Path, plan: &Value) -> Value {
    let out = Command::new("node")
        .arg(script)
        .arg(plan.to_string())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "report.cjs {plan}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("report.cjs JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn html_report_renders_offline_shows_hostile_strings_as_text_and_sorts_and_filters() {
    let Some(script) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = hostile_report(dir.path());
    let html = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the report's own script"
    );

    let seen = open(
        &script,
        &json!({ "file": file, "filter": "cdn.example.org" }),
    );

    // Renders: the title, one row per load (4 + 2).
    assert_eq!(seen["title"], "offsite report", "{seen:#}");
    assert_eq!(seen["rows"], 6, "{seen:#}");
    let text = seen["text"].as_str().unwrap();
    assert!(text.contains("outside hosts"), "{text}");

    // Quiet and self-contained: no console output of any kind, no error, no
    // CSP violation (the hashes match), nothing requested but the file.
    assert_eq!(seen["console"], json!([]), "{seen:#}");
    assert_eq!(seen["pageErrors"], json!([]), "{seen:#}");
    assert_eq!(seen["violations"], json!([]), "{seen:#}");
    let requests = strings(&seen["requests"]);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(requests[0].starts_with("file://"), "{requests:?}");

    // Inert: the payloads are shown as the text they are and did nothing.
    assert_eq!(seen["dialogs"], json!([]), "{seen:#}");
    assert_eq!(seen["canary"], Value::Null, "{seen:#}");
    assert_eq!(seen["images"], 0, "{seen:#}");
    assert!(
        text.contains(URL_PAYLOAD),
        "URL payload not shown as text:\n{text}"
    );
    assert!(
        text.contains(NAME_PAYLOAD),
        "name payload not shown as text:\n{text}"
    );

    // Sorting: the Host column ascending on the first click, descending on
    // the second.
    let sorted = seen["sortedHosts"].as_array().unwrap();
    let up = strings(&sorted[0]);
    let down = strings(&sorted[1]);
    assert_eq!(up.len(), 6);
    let mut expected = up.clone();
    expected.sort_by_key(|h| h.to_lowercase());
    assert_eq!(up, expected, "ascending");
    let mut reversed = up.clone();
    reversed.reverse();
    assert_eq!(down, reversed, "descending");
    assert_eq!(up.first().map(String::as_str), Some("(same wiki)"));

    // Filtering: only the two loads from cdn.example.org stay, the counter
    // says so, and clearing the box brings every row back.
    let filtered = &seen["filtered"];
    assert_eq!(filtered["shown"], 2, "{filtered:#}");
    assert_eq!(filtered["counter"], 2, "{filtered:#}");
    assert!(
        strings(&filtered["hosts"])
            .iter()
            .all(|h| h == "cdn.example.org"),
        "{filtered:#}"
    );
    assert_eq!(seen["cleared"], 6, "{seen:#}");
    assert_eq!(seen["widthOverflow"], false, "wider than 1280 px");
}

#[test]
fn html_report_fits_a_phone_width() {
    let Some(script) = browser() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = hostile_report(dir.path());
    let seen = open(
        &script,
        &json!({ "file": file, "filter": "", "width": 420 }),
    );
    assert_eq!(seen["rows"], 6, "{seen:#}");
    assert_eq!(seen["pageErrors"], json!([]), "{seen:#}");
    // The table scrolls inside its own box; the page itself does not.
    assert_eq!(seen["widthOverflow"], false, "wider than 420 px");
}

/// `offsite inventory --format html`: the same page, every load carrying
/// who runs it, from the testbed's title-named seed pages.
#[test]
fn inventory_html_shows_who_is_exposed() {
    let seed = repo().join("scripts/testbed-pages/seed");
    let out = Command::cargo_bin("offsite")
        .unwrap()
        .args(["inventory", "--no-config", "-q", "--format", "html"])
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<button type=\"button\">Exposed</button>"));
    assert!(page.contains("outside loads every reader runs"));
    // widgets.example.com is loaded by MediaWiki:Common.js: every reader.
    let row = page
        .split("<tr data-tier=")
        .find(|r| r.contains("MediaWiki:Common.js") && r.contains("widgets.example.com"))
        .expect("a row for Common.js loading widgets.example.com");
    assert!(row.contains("every reader"), "{row}");
}
