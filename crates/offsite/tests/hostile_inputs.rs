//! Inputs that cannot be read must not shrink a scan silently (issue 15,
//! part 4): each is an error diagnostic naming the input, the rest of the
//! report is still written, and the exit status is 2 — as ripgrep does.
//! Each test runs the real binary beside a good folder whose load must
//! still be reported.

mod common;

use std::fs;
use std::path::Path;

use common::dump::offsite;
use serde_json::Value;

const GOOD: &str = "mw.loader.load('https://cdn.example.org/good.js');\n";

/// A folder with one good gadget; returns the temp dir.
fn good_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("good")).expect("mkdir");
    fs::write(dir.path().join("good/gadget.js"), GOOD).expect("write");
    dir
}

/// Runs `offsite scan --no-config --format json ARGS` in `dir`: exit code,
/// the report, stderr.
fn scan(dir: &Path, args: &[&str]) -> (Option<i32>, Value, String) {
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
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the report is written even when an input fails ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (
        out.status.code(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn load_urls(report: &Value) -> Vec<String> {
    report["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .filter_map(|l| l["url"].as_str().map(str::to_owned))
        .collect()
}

fn diagnostic_for<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["source"]["path"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no diagnostic names {name}: {report:#}"))
}

fn assert_good_loads_kept(report: &Value) {
    assert!(
        load_urls(report).contains(&"https://cdn.example.org/good.js".to_owned()),
        "the good folder's load is still reported: {report:#}"
    );
}

#[test]
fn missing_path_beside_a_good_folder_exits_2_and_keeps_the_folder() {
    let dir = good_folder();
    let (code, report, stderr) = scan(dir.path(), &["good", "missing.js"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(diagnostic_for(&report, "missing.js")["kind"], "io-error");
    assert!(stderr.contains("missing.js"), "{stderr}");
    assert_good_loads_kept(&report);
}

#[test]
fn findings_do_not_hide_an_unread_input_exit_2_not_1() {
    let dir = good_folder();
    let out = offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "good", "missing.js"])
        .output()
        .expect("run offsite");
    // `good` alone would exit 1 (an OS101 error finding).
    assert_eq!(out.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn unreadable_file_exits_2_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = good_folder();
    let locked = dir.path().join("locked.js");
    fs::write(&locked, GOOD.replace("good.js", "locked.js")).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::read(&locked).is_ok() {
        // Root reads through chmod 000: a folder that is not a folder fails
        // the same way (the read gives an error) and stands in for it.
        eprintln!(
            "notice: running as root, chmod 000 does not stop reads; using a dangling symlink instead"
        );
        fs::remove_file(&locked).expect("rm");
        std::os::unix::fs::symlink(dir.path().join("nowhere.js"), &locked).expect("symlink");
    }
    let (code, report, stderr) = scan(dir.path(), &["good", "locked.js"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(diagnostic_for(&report, "locked.js")["kind"], "io-error");
    assert!(stderr.contains("locked.js"), "{stderr}");
    assert_good_loads_kept(&report);
}

#[cfg(unix)]
#[test]
fn fifo_given_as_a_path_exits_2_without_waiting_for_a_writer() {
    let dir = good_folder();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.js"))
        .status()
        .expect("run mkfifo");
    assert!(status.success());
    let (code, report, stderr) = scan(dir.path(), &["good", "pipe.js"]);
    assert_eq!(code, Some(2), "{stderr}");
    let d = diagnostic_for(&report, "pipe.js");
    assert!(
        d["message"].as_str().is_some_and(|m| m.contains("FIFO")),
        "{d}"
    );
    assert_good_loads_kept(&report);
}

fn utf16(bom: [u8; 2], text: &str, big_endian: bool) -> Vec<u8> {
    let mut out = bom.to_vec();
    for unit in text.encode_utf16() {
        out.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

#[test]
fn utf16_files_are_decoded_with_their_loads_at_the_right_place() {
    let dir = good_folder();
    let text = "var a = 1;\n  mw.loader.load('https://cdn.example.org/wide.js');\n";
    fs::write(
        dir.path().join("good/le.js"),
        utf16([0xFF, 0xFE], text, false),
    )
    .expect("write");
    fs::write(
        dir.path().join("good/be.js"),
        utf16([0xFE, 0xFF], text, true),
    )
    .expect("write");
    let (code, report, stderr) = scan(dir.path(), &["good"]);
    assert_eq!(code, Some(0), "{stderr}");
    for name in ["good/le.js", "good/be.js"] {
        let load = report["loads"]
            .as_array()
            .expect("loads")
            .iter()
            .find(|l| l["source"]["path"] == name)
            .unwrap_or_else(|| panic!("{name}: its load is found: {report:#}"));
        assert_eq!(load["url"], "https://cdn.example.org/wide.js");
        assert_eq!(
            (load["line"].as_u64(), load["column"].as_u64()),
            (Some(2), Some(3))
        );
    }
    assert!(
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .is_empty(),
        "{report:#}"
    );
    assert_good_loads_kept(&report);
}

#[test]
fn a_utf8_byte_order_mark_does_not_shift_columns() {
    let dir = good_folder();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(b"mw.loader.load('https://cdn.example.org/bom.js');\n");
    fs::write(dir.path().join("good/bom.js"), bytes).expect("write");
    let (code, report, stderr) = scan(dir.path(), &["good"]);
    assert_eq!(code, Some(0), "{stderr}");
    let load = report["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .find(|l| l["source"]["path"] == "good/bom.js")
        .unwrap_or_else(|| panic!("the BOM file's load is found: {report:#}"));
    assert_eq!(
        (load["line"].as_u64(), load["column"].as_u64()),
        (Some(1), Some(1))
    );
    assert_good_loads_kept(&report);
}

#[test]
fn a_damaged_dump_exits_2_with_the_pages_read_before_the_damage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut xml = common::dump::HEADER.to_owned();
    xml.push_str(&common::dump::page(
        "MediaWiki:Common.js",
        8,
        1,
        &[common::dump::Rev {
            id: 10,
            user: "Admin",
            model: "javascript",
            text: GOOD,
        }],
    ));
    // Cut inside the next page: the XML ends where it should not.
    xml.push_str("  <page>\n    <title>User:A/common.js</title>\n    <ns>2</ns>\n    <revi");
    fs::write(dir.path().join("wiki.xml"), xml).expect("write");
    let (code, report, stderr) = scan(dir.path(), &["--dump", "wiki.xml"]);
    assert_eq!(code, Some(2), "{stderr}");
    let d = diagnostic_for(&report, "wiki.xml");
    assert_eq!(d["kind"], "dump-error", "{d}");
    assert_eq!(d["severity"], "error", "{d}");
    assert_good_loads_kept(&report);
    // SARIF says `error` too, not `note` (issue 10).
    let out = offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "-f", "sarif", "--dump", "wiki.xml"])
        .output()
        .expect("run offsite");
    assert_eq!(out.status.code(), Some(2));
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let notes = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert!(
        notes
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["level"] == "error")),
        "{notes:#}"
    );
}

/// `csp generate`, `evaluate` and `diff` read the same sources: a page file
/// that is missing makes the header incomplete, so they exit 2 too, after
/// writing what the readable pages allow.
#[test]
fn csp_commands_exit_2_when_a_page_could_not_be_read() {
    let dir = good_folder();
    fs::write(dir.path().join("MediaWiki-Common.js"), GOOD).expect("write");
    let run = |args: &[&str]| {
        offsite()
            .current_dir(dir.path())
            .args(["csp"])
            .args(args)
            .args(["--no-config", "MediaWiki-Common.js", "MediaWiki-Gone.js"])
            .output()
            .expect("run offsite")
    };
    let generated = run(&["generate"]);
    let stdout = String::from_utf8_lossy(&generated.stdout);
    assert_eq!(generated.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("Content-Security-Policy:"), "{stdout}");
    let evaluated = run(&["evaluate", "script-src 'self' https://cdn.example.org"]);
    assert_eq!(
        evaluated.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&evaluated.stderr)
    );
    // Every page read: the usual codes.
    let complete = offsite()
        .current_dir(dir.path())
        .args(["csp", "generate", "--no-config", "MediaWiki-Common.js"])
        .output()
        .expect("run offsite");
    assert_eq!(complete.status.code(), Some(0));
}
