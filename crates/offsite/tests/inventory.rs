//! `offsite inventory`: the security team's table, from title-named files
//! (the testbed's own seed pages, always available) and from the real
//! MediaWiki testbed's dumps (history provenance), run through the binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::Value;

fn inventory(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("offsite")
        .expect("binary")
        .args(["inventory", "--no-config", "-q"])
        .args(args)
        .output()
        .expect("run offsite");
    assert!(
        out.status.code() == Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).expect("UTF-8"),
        out.status.code().unwrap_or(-1),
    )
}

fn rows(json: &Value) -> &Vec<Value> {
    json["rows"].as_array().expect("rows")
}

fn row<'a>(json: &'a Value, page: &str, host: &str, directive: &str) -> &'a Value {
    rows(json)
        .iter()
        .find(|r| r["page"] == page && r["host"] == host && r["directive"] == directive)
        .unwrap_or_else(|| panic!("no row {page} {host} {directive}: {json:#}"))
}

fn level(row: &Value) -> &str {
    row["exposure"]["level"].as_str().unwrap_or_default()
}

fn seed_pages() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/testbed-pages/seed")
}

#[test]
fn inventory_of_seed_pages_ranks_by_exposure_and_names_gadgets() {
    let (text, _) = inventory(&[seed_pages().to_str().expect("path")]);
    let json: Value = serde_json::from_str(&text).expect("JSON");
    // Site JS reaches every reader; a default gadget without rights too.
    let common = row(
        &json,
        "MediaWiki:Common.js",
        "widgets.example.com",
        "script-src",
    );
    assert_eq!(level(common), "every-reader", "{common:#}");
    let hot = row(
        &json,
        "MediaWiki:Gadget-HotTools.js",
        "cdn.jsdelivr.example",
        "script-src",
    );
    assert_eq!(hot["gadget"], "HotTools");
    assert_eq!(hot["default_gadget"], true);
    // A rights-restricted default gadget reaches logged-in users only.
    let admin = row(
        &json,
        "MediaWiki:Gadget-AdminStats.js",
        "charts.example.net",
        "script-src",
    );
    assert_eq!(level(admin), "logged-in", "{admin:#}");
    // Bob's tool is imported by Alice, Bob and Carol through the graph.
    let tool = row(&json, "User:Bob/tool.js", "third.example.net", "script-src");
    assert_eq!(tool["exposed_users"], 3, "{tool:#}");
    // An orphan reaches nobody; no first-party host is listed.
    let orphan = rows(&json)
        .iter()
        .find(|r| r["page"] == "User:Carol/orphan.js")
        .expect("orphan row");
    assert_eq!(level(orphan), "nobody");
    assert!(rows(&json).iter().all(|r| r["tier"] != "first-party"));
    // Rows come widest exposure first.
    let first_nobody = rows(&json)
        .iter()
        .position(|r| level(r) == "nobody")
        .expect("nobody");
    assert!(
        rows(&json)[..first_nobody]
            .iter()
            .all(|r| level(r) != "nobody")
    );
    // Files carry no history: no provenance is invented.
    assert!(rows(&json).iter().all(|r| r["introduced"].is_null()));
}

#[test]
fn inventory_renders_wikitext_and_csv() {
    let seed = seed_pages();
    let (wikitext, _) = inventory(&["-f", "wikitext", seed.to_str().expect("path")]);
    assert!(
        wikitext.contains("{| class=\"wikitable sortable\""),
        "{wikitext}"
    );
    assert!(wikitext.contains("widgets.example.com"));
    let (csv, _) = inventory(&["-f", "csv", seed.to_str().expect("path")]);
    assert!(
        csv.starts_with("wiki,page,gadget,default_gadget,host,tier"),
        "{csv}"
    );
    let (hosts, _) = inventory(&["-f", "hosts-csv", seed.to_str().expect("path")]);
    assert!(
        hosts
            .lines()
            .any(|l| l.starts_with("third.example.net,third-party")),
        "{hosts}"
    );
}

fn testbed_dumps() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OFFSITE_TESTBED_DIR") {
        return Some(PathBuf::from(dir).join("dumps"));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but OFFSITE_TESTBED_DIR is unset: run scripts/test"
    );
    eprintln!("note: OFFSITE_TESTBED_DIR unset; testbed inventory tests skipped");
    None
}

/// The testbed's history plan (scripts/testbed-pages/history/plan): Alice
/// adds analytics.example.net to MediaWiki:Common.js; Bob's tool gains a
/// jsDelivr-like host in its second version.
#[test]
fn history_dump_gives_provenance_and_current_dump_does_not_invent_it() {
    let Some(dumps) = testbed_dumps() else { return };
    for name in ["full.xml", "full.xml.bz2"] {
        let (text, _) = inventory(&["--dump", dumps.join(name).to_str().expect("path")]);
        let json: Value = serde_json::from_str(&text).expect("JSON");
        let common = row(
            &json,
            "MediaWiki:Common.js",
            "analytics.example.net",
            "script-src",
        );
        assert_eq!(common["introduced"]["user"], "Alice", "{name}: {common:#}");
        assert_eq!(level(common), "every-reader");
        let tool = row(
            &json,
            "User:Bob/tool.js",
            "cdn.jsdelivr.example",
            "script-src",
        );
        let older = row(&json, "User:Bob/tool.js", "third.example.net", "script-src");
        assert_eq!(tool["introduced"]["user"], "Bob");
        assert!(
            tool["introduced"]["id"].as_u64() > older["introduced"]["id"].as_u64(),
            "v2's host came after v1's: {tool:#} {older:#}"
        );
    }
    // Removed hosts stay visible through `provenance`: Carol took
    // widgets.example.com out of Common.js.
    let (text, _) = inventory(&["--dump", dumps.join("full.xml").to_str().expect("path")]);
    let json: Value = serde_json::from_str(&text).expect("JSON");
    let gone = json["provenance"]
        .as_array()
        .expect("provenance")
        .iter()
        .find(|p| p["page"] == "MediaWiki:Common.js" && p["host"] == "widgets.example.com")
        .unwrap_or_else(|| panic!("no provenance for the removed host: {json:#}"));
    assert_eq!(gone["present_in_latest"], false, "{gone:#}");
    assert_eq!(gone["removed"]["user"], "Carol", "{gone:#}");
    assert!(
        rows(&json)
            .iter()
            .all(|r| r["host"] != "widgets.example.com" || r["page"] != "MediaWiki:Common.js")
    );
    // The current dump holds only the latest revision of edited pages.
    let (text, _) = inventory(&["--dump", dumps.join("current.xml").to_str().expect("path")]);
    let json: Value = serde_json::from_str(&text).expect("JSON");
    let common = row(
        &json,
        "MediaWiki:Common.js",
        "analytics.example.net",
        "script-src",
    );
    assert!(common["introduced"].is_null(), "{common:#}");
}
