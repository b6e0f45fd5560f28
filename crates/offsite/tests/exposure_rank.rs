//! `offsite scan --dump`: every load carries who is exposed, worked out from
//! the wiki's import graph, and every output format lists the most exposed
//! first. A dump built here holds a default gadget, an opt-in gadget, a
//! sysop group script, a user script imported by one user and an orphan
//! page, each loading from a third party; page titles sort in another
//! order than their exposure, so a report sorted by title fails.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;

use common::dump::{HEADER, Rev, offsite};

/// One page with one revision by Admin.
fn page(out: &mut String, title: &str, ns: i32, id: u64, model: &str, text: &str) {
    let rev = Rev {
        id: id * 10,
        user: "Admin",
        model,
        text,
    };
    out.push_str(&common::dump::page(title, ns, id, &[rev]));
}

const DEFINITIONS: &str = "== tools ==\n\
* Maps[ResourceLoader|default]|Maps.js\n\
* Fonts[ResourceLoader]|Fonts.css\n";

/// (title, third-party host, expected exposure kind, label, users), in the
/// order the report must list them: every reader, logged-in sysops, the
/// user script's two loads (script before fetch), the opt-in gadget (no
/// usage figures in a dump: not counted), the orphan.
const EXPECTED: [(&str, &str, &str, &str, Option<u64>); 6] = [
    (
        "MediaWiki:Gadget-Maps.js",
        "maps.example.net",
        "every-reader",
        "every reader",
        None,
    ),
    (
        "MediaWiki:Group-sysop.js",
        "admin.example.org",
        "logged-in",
        "logged-in (groups: sysop)",
        None,
    ),
    (
        "User:Alice/common.js",
        "cdn.example.org",
        "users",
        "1 user",
        Some(1),
    ),
    (
        "User:Bob/tool.js",
        "api.example.com",
        "users",
        "1 user",
        Some(1),
    ),
    (
        "MediaWiki:Gadget-Fonts.css",
        "fonts.example.com",
        "users",
        "opt-in users (not counted)",
        None,
    ),
    (
        "User:Old/unused.js",
        "old.example.com",
        "nobody",
        "nobody",
        Some(0),
    ),
];

fn write_dump(dir: &Path) -> PathBuf {
    let mut xml = String::from(HEADER);
    let x = &mut xml;
    // Alphabetical by title here, which is not the order of exposure.
    page(
        x,
        "MediaWiki:Gadget-Fonts.css",
        8,
        1,
        "css",
        "@import url(https://fonts.example.com/serif.css);\n",
    );
    page(
        x,
        "MediaWiki:Gadget-Maps.js",
        8,
        2,
        "javascript",
        "mw.loader.load( 'https://maps.example.net/v2.js' );\n",
    );
    page(
        x,
        "MediaWiki:Gadgets-definition",
        8,
        3,
        "wikitext",
        DEFINITIONS,
    );
    page(
        x,
        "MediaWiki:Group-sysop.js",
        8,
        4,
        "javascript",
        "mw.loader.load( 'https://admin.example.org/tools.js' );\n",
    );
    page(
        x,
        "User:Alice/common.js",
        2,
        5,
        "javascript",
        "importScript( 'User:Bob/tool.js' );\n$.getScript( 'https://cdn.example.org/alice.js' );\n",
    );
    page(
        x,
        "User:Bob/tool.js",
        2,
        6,
        "javascript",
        "fetch( 'https://api.example.com/data' );\n",
    );
    page(
        x,
        "User:Old/unused.js",
        2,
        7,
        "javascript",
        "mw.loader.load( 'https://old.example.com/x.js' );\n",
    );
    xml.push_str("</mediawiki>\n");
    let path = dir.join("dump.xml");
    fs::write(&path, xml).expect("write dump");
    path
}

/// `offsite scan --dump` in `format`; stdout.
fn scan(dump: &Path, format: &str) -> String {
    let out = offsite()
        .args([
            "scan",
            "--no-config",
            "--fail-on",
            "never",
            "--format",
            format,
        ])
        .arg("--dump")
        .arg(dump)
        .output()
        .expect("run offsite");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn third_party(report: &Value) -> Vec<&Value> {
    report["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .filter(|l| l["tier"] == "third-party")
        .collect()
}

/// Where each expected host first appears in `text`; must be increasing.
fn assert_hosts_in_order(format: &str, text: &str) {
    let at: Vec<(usize, &str)> = EXPECTED
        .iter()
        .map(|e| {
            let at = text
                .find(e.1)
                .unwrap_or_else(|| panic!("{format}: {} missing:\n{text}", e.1));
            (at, e.1)
        })
        .collect();
    assert!(
        at.is_sorted_by_key(|a| a.0),
        "{format}: not most exposed first: {at:?}\n{text}"
    );
}

#[test]
fn dump_loads_carry_their_exposure_and_json_ranks_by_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = write_dump(dir.path());
    let report: Value = serde_json::from_str(&scan(&dump, "json")).expect("JSON");
    let loads = third_party(&report);
    let got: Vec<(&str, &str, &str, &str, Option<u64>)> = loads
        .iter()
        .map(|l| {
            let e = &l["exposure"];
            (
                l["source"]["title"].as_str().unwrap_or_default(),
                l["host"].as_str().unwrap_or_default(),
                e["kind"].as_str().unwrap_or_default(),
                e["label"].as_str().unwrap_or_default(),
                e["users"].as_u64(),
            )
        })
        .collect();
    assert_eq!(got, EXPECTED, "{report:#}");

    // Ranks never go up down the list, and every load (first party too)
    // has an exposure.
    let ranks: Vec<u64> = report["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .map(|l| {
            l["exposure"]["rank"]
                .as_u64()
                .expect("every load is ranked")
        })
        .collect();
    assert!(ranks.is_sorted_by(|a, b| a >= b), "{ranks:?}");

    // Where the exposure comes from: Bob's page is one import below
    // Alice's own script; the orphan is reached by nothing.
    let bob = loads[3];
    assert_eq!(bob["exposure"]["depth"], 1);
    assert_eq!(bob["exposure"]["entry_points"], 1);
    let orphan = loads[5];
    assert_eq!(orphan["exposure"]["entry_points"], 0);
    assert!(orphan["exposure"]["depth"].is_null());
}

#[test]
fn every_format_lists_the_most_exposed_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = write_dump(dir.path());

    let text = scan(&dump, "text");
    assert_hosts_in_order("text", &text);
    for label in [
        "every reader",
        "logged-in (groups: sysop)",
        "1 user",
        "nobody",
    ] {
        assert!(
            text.contains(&format!("= exposed: {label}\n")),
            "text: {label}:\n{text}"
        );
    }

    let sarif: Value = serde_json::from_str(&scan(&dump, "sarif")).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let ranks: Vec<u64> = results
        .iter()
        .map(|r| r["rank"].as_u64().expect("rank"))
        .collect();
    assert!(ranks.is_sorted_by(|a, b| a >= b), "{ranks:?}");
    assert!(ranks.iter().all(|r| *r <= 100));
    assert_eq!(
        results[0]["properties"]["exposure"]["kind"], "every-reader",
        "{sarif:#}"
    );
    assert_hosts_in_order("sarif", &sarif["runs"][0]["results"].to_string());

    let csv = scan(&dump, "csv");
    assert_hosts_in_order("csv", &csv);
    // No cell of this dump holds a comma or a quote: splitting is enough.
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0][rows[0].len() - 3..],
        ["exposure", "exposed_users", "rank"]
    );
    let orphan = rows
        .iter()
        .find(|r| r[2] == "User:Old/unused.js")
        .expect("orphan row");
    assert_eq!(orphan[19..21], ["nobody", "0"]);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{csv}");

    let github = scan(&dump, "github");
    assert_hosts_in_order("github", &github);
    assert!(
        github.contains("(exposed: every reader)") && github.contains("(exposed: nobody)"),
        "{github}"
    );
}

#[test]
fn plain_files_have_no_exposure_and_keep_path_order() {
    // The same code as files: no wiki, no graph, so nothing to rank by.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("a-orphan.js"),
        "mw.loader.load( 'https://old.example.com/x.js' );\n",
    )
    .expect("write");
    fs::write(
        dir.path().join("b-maps.js"),
        "mw.loader.load( 'https://maps.example.net/v2.js' );\n",
    )
    .expect("write");
    let out = offsite()
        .current_dir(dir.path())
        .args([
            "scan",
            "--no-config",
            "--fail-on",
            "never",
            "-f",
            "json",
            ".",
        ])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let loads = report["loads"].as_array().expect("loads");
    let paths: Vec<&str> = loads
        .iter()
        .map(|l| l["source"]["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(paths, ["a-orphan.js", "b-maps.js"]);
    assert!(
        loads.iter().all(|l| l.get("exposure").is_none()),
        "{report:#}"
    );
    let sarif = offsite()
        .current_dir(dir.path())
        .args([
            "scan",
            "--no-config",
            "--fail-on",
            "never",
            "-f",
            "sarif",
            ".",
        ])
        .output()
        .expect("run");
    let sarif: Value = serde_json::from_slice(&sarif.stdout).expect("SARIF");
    for r in sarif["runs"][0]["results"].as_array().expect("results") {
        assert!(r.get("rank").is_none(), "{r:#}");
    }
}
