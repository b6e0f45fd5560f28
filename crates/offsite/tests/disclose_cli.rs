//! `offsite disclose` run as a binary on the bundled example wiki: scan to
//! JSON, then disclose from the saved scan. Every outside host the scan finds
//! is named under the file that loads it, and nothing else.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeSet;
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

/// A saved scan of examples/wiki and its loads.
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
    (path, json["loads"].as_array().unwrap().clone())
}

/// (file, host) of every load to a known host outside the wiki's operator
/// (third party, WMCS, or of unknown tier).
fn outside_pairs(loads: &[Value]) -> BTreeSet<(String, String)> {
    loads
        .iter()
        .filter(|l| l["tier"] != "first-party")
        .filter_map(|l| {
            Some((
                l["source"]["path"].as_str()?.to_owned(),
                l["host"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[test]
fn disclose_names_every_outside_host_under_the_file_that_loads_it_and_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, loads) = scan(dir.path());
    let want = outside_pairs(&loads);
    assert!(want.len() > 15, "{want:?}");
    let out = offsite(&["disclose", "--scan", scan.to_str().unwrap(), "-f", "json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut got = BTreeSet::new();
    for notice in json["notices"].as_array().unwrap() {
        let subject = notice["subject"]["name"].as_str().unwrap();
        for r in notice["recipients"].as_array().unwrap() {
            got.insert((subject.to_owned(), r["host"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(got, want);

    // The dynamic load with no known host is reported as undetermined.
    let crosswiki = json["notices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["subject"]["name"] == "examples/wiki/MediaWiki-Gadget-CrossWiki.js")
        .unwrap();
    assert_eq!(crosswiki["undetermined"][0]["reason"], "dynamic-url");
}

#[test]
fn wikitext_in_german_and_html_from_the_same_scan() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, _) = scan(dir.path());
    let scan = scan.to_str().unwrap();
    let out = offsite(&["disclose", "--scan", scan, "--lang", "de"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("{| class=\"wikitable offsite-disclose\""),
        "{text}"
    );
    assert!(
        text.contains("<nowiki>fonts.googleapis.com</nowiki>"),
        "{text}"
    );
    assert!(text.contains("deine IP-Adresse"), "{text}");

    let out = offsite(&["disclose", "--scan", scan, "-f", "html"]);
    let html = stdout(&out);
    assert!(
        html.starts_with("<div class=\"offsite-disclose\" lang=\"en\">"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"row\">cdn.jsdelivr.net</th>"),
        "{html}"
    );

    // A subject that gives no notice is named on stderr, not silently empty.
    let out = offsite(&["disclose", "--scan", scan, "--subject", "NoSuchGadget"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!stdout(&out).contains("=="), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"NoSuchGadget\""),
        "{out:?}"
    );
}

#[test]
fn a_wiki_catalogue_adds_its_language_and_a_wrong_one_fails_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (scan, _) = scan(dir.path());
    let scan = scan.to_str().unwrap();
    let catalogue = dir.path().join("fr.toml");
    std::fs::write(&catalogue, "col-host = \"Hôte\"\n").unwrap();
    let out = offsite(&[
        "disclose",
        "--scan",
        scan,
        "--lang",
        "fr",
        "--messages",
        catalogue.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(stdout(&out).contains("! Hôte !! Operator"));

    std::fs::write(&catalogue, "col-hots = \"Hôte\"\n").unwrap();
    let out = offsite(&[
        "disclose",
        "--scan",
        scan,
        "--messages",
        catalogue.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fr.toml") && err.contains("col-hots"), "{err}");

    let out = offsite(&["disclose", "--scan", scan, "--lang", "xx"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// The example pages copied under their titles, as `offsite graph` reads
/// files: the gadget definitions then group pages into gadgets.
fn titled_pages(dir: &Path) {
    for (file, title) in [
        ("Gadgets-definition.wiki", "MediaWiki:Gadgets-definition"),
        ("MediaWiki-Gadget-WikiMap.js", "MediaWiki:Gadget-WikiMap.js"),
        (
            "MediaWiki-Gadget-WikiMap.css",
            "MediaWiki:Gadget-WikiMap.css",
        ),
        (
            "MediaWiki-Gadget-StatsBeacon.js",
            "MediaWiki:Gadget-StatsBeacon.js",
        ),
    ] {
        std::fs::copy(repo().join("examples/wiki").join(file), dir.join(title)).unwrap();
    }
}

#[test]
fn sources_scanned_directly_group_pages_by_gadget_with_exposure() {
    let dir = tempfile::tempdir().unwrap();
    titled_pages(dir.path());
    let out = offsite(&[
        "disclose",
        dir.path().to_str().unwrap(),
        "-q",
        "-f",
        "json",
        "--subject",
        "WikiMap",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let notices = json["notices"].as_array().unwrap();
    assert_eq!(notices.len(), 1, "{json:#}");
    let notice = &notices[0];
    assert_eq!(notice["subject"]["kind"], "gadget");
    assert_eq!(
        notice["subject"]["pages"],
        serde_json::json!([
            "MediaWiki:Gadget-WikiMap.css",
            "MediaWiki:Gadget-WikiMap.js"
        ])
    );
    // A default gadget: every reader runs it.
    assert_eq!(notice["exposure"]["kind"], "every-reader", "{notice:#}");
    let hosts: Vec<&str> = notice["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["host"].as_str().unwrap())
        .collect();
    assert_eq!(
        hosts,
        [
            "cdn.jsdelivr.net",
            "maps.example.org",
            "staticmap.example.org",
            "tile.example.org"
        ]
    );
}
