//! One policy discovery for every command (issue 10, item 3): from the
//! first scanned path, else the working directory; every command can say
//! which file it used.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::dump::offsite;
use serde_json::Value;

fn examples_wiki() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/wiki")
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = offsite()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run offsite");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn csp_generate_uses_the_folders_policy_from_anywhere() {
    // Regression: from the repository root, `csp generate examples/wiki`
    // used the root's (absent) policy: 9 host-sources instead of 12.
    let wiki = examples_wiki();
    let root = wiki.join("../..");
    let (code_root, from_root, err_root) = run(&root, &["csp", "generate", "-v", "examples/wiki"]);
    let (code_inside, inside, err_inside) = run(&wiki, &["csp", "generate", "-v", "."]);
    assert_eq!(code_root, code_inside, "{err_root}\n{err_inside}");
    assert_eq!(
        from_root, inside,
        "the same header from the root and inside"
    );
    for err in [&err_root, &err_inside] {
        assert!(
            err.contains("policy ") && err.contains("examples/wiki/offsite.toml"),
            "{err}"
        );
    }
}

#[test]
fn scan_names_its_policy_in_json_and_sarif() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("offsite.toml"), "fail-on = \"never\"\n").expect("write");
    fs::write(
        dir.path().join("a.js"),
        "mw.loader.load('https://cdn.example.org/a.js');\n",
    )
    .expect("write");
    let (code, json, err) = run(dir.path(), &["scan", "-f", "json", "a.js"]);
    // `fail-on = "never"` in the file: findings do not fail the run.
    assert_eq!(code, Some(0), "{err}");
    let json: Value = serde_json::from_str(&json).expect("json");
    assert!(
        json["tool"]["policy"]
            .as_str()
            .is_some_and(|p| p.ends_with("offsite.toml")),
        "{}",
        json["tool"]
    );
    let (_, sarif, _) = run(dir.path(), &["scan", "-f", "sarif", "a.js"]);
    let sarif: Value = serde_json::from_str(&sarif).expect("sarif");
    let policy = &sarif["runs"][0]["invocations"][0]["properties"]["policy"];
    assert!(
        policy.as_str().is_some_and(|p| p.ends_with("offsite.toml")),
        "{policy}"
    );
    let (_, json, _) = run(dir.path(), &["scan", "--no-config", "-f", "json", "a.js"]);
    let json: Value = serde_json::from_str(&json).expect("json");
    assert!(
        json["tool"].get("policy").is_none(),
        "built-in defaults name no file"
    );
}

#[test]
fn graph_and_inventory_find_the_policy_beside_the_pages_and_say_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pages = dir.path().join("pages");
    fs::create_dir(&pages).expect("mkdir");
    fs::write(pages.join("offsite.toml"), "profile = \"none\"\n").expect("write");
    fs::write(
        pages.join("User:A%2Fcommon.js"),
        "mw.loader.load('https://cdn.example.org/a.js');\n",
    )
    .expect("write");
    for command in ["graph", "inventory"] {
        let (code, _, err) = run(dir.path(), &[command, "-v", "pages"]);
        assert_eq!(code, Some(0), "{command}: {err}");
        assert!(err.contains("pages/offsite.toml"), "{command}: {err}");
    }
}

#[test]
fn config_errors_come_all_at_once_with_suggestions() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("offsite.toml"),
        "profle = \"none\"\n[rules]\nselct = [\"ALL\"]\n",
    )
    .expect("write");
    fs::write(dir.path().join("a.js"), "var a;\n").expect("write");
    let (code, _, err) = run(dir.path(), &["scan", "a.js"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("did you mean `profile`?"), "{err}");
    assert!(err.contains("did you mean `select`?"), "{err}");
}
