//! `offsite scan --dump/--wiki` and `offsite graph` through the real binary:
//! dumps built here (plain, gzip, bzip2 multistream, truncated), and, when a
//! testbed runs (`scripts/testbed`, set up by `scripts/test`), the same wiki
//! read from its dumps and its API.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;

use common::dump::{HEADER, Rev, offsite, page};

/// Line 6 is malformed: a gadget line needs `|pages`.
const DEFINITIONS: &str = "== tools ==\n\
* Maps[ResourceLoader|default]|Maps.js\n\
* Fonts[ResourceLoader]|Fonts.css\n\
\n\
== broken ==\n\
* Broken gadget without pages\n";

/// The dump in three parts, each its own bzip2 stream in the multistream
/// file: header and gadget; user scripts; site CSS, definitions and pages
/// that must be skipped, then the footer.
fn dump_parts() -> [String; 3] {
    let maps = page(
        "MediaWiki:Gadget-Maps.js",
        8,
        10,
        &[
            Rev {
                id: 100,
                user: "OldAdmin",
                model: "javascript",
                text: "mw.loader.load( 'https://old.example.com/maps.js' );\n",
            },
            Rev {
                id: 101,
                user: "Admin",
                model: "javascript",
                text: "( function () {\n\tmw.loader.load( 'https://maps.example.net/v2.js' );\n}() );\n",
            },
        ],
    );
    let alice = page(
        "User:Alice/common.js",
        2,
        20,
        &[Rev {
            id: 200,
            user: "Alice",
            model: "javascript",
            text: "importScript( 'User:Bob/tool.js' );\n$.getScript( 'https://cdn.example.org/lib.js' );\n",
        }],
    );
    let bob = page(
        "User:Bob/tool.js",
        2,
        21,
        &[Rev {
            id: 210,
            user: "Bob",
            model: "javascript",
            text: "var x = 1;\nfetch( 'https://api.example.com/data' );\n",
        }],
    );
    let css = page(
        "MediaWiki:Common.css",
        8,
        30,
        &[Rev {
            id: 300,
            user: "Admin",
            model: "css",
            text: "@import url(https://fonts.example.com/css);\n",
        }],
    );
    let defs = page(
        "MediaWiki:Gadgets-definition",
        8,
        31,
        &[Rev {
            id: 310,
            user: "Admin",
            model: "wikitext",
            text: DEFINITIONS,
        }],
    );
    let main = page(
        "Main Page",
        0,
        1,
        &[Rev {
            id: 320,
            user: "Editor",
            model: "wikitext",
            text: "Use <code>mw.loader.load( 'https://wikitext.example.com/x.js' );</code>\n",
        }],
    );
    let settings = page(
        "User:Carol/settings.json",
        2,
        40,
        &[Rev {
            id: 400,
            user: "Carol",
            model: "json",
            text: "{\"url\": \"https://json.example.com/x.js\"}",
        }],
    );
    let json_def = page(
        "MediaWiki:Gadgets/Bad.json",
        8,
        32,
        &[Rev {
            id: 330,
            user: "Admin",
            model: "GadgetDefinition",
            text: "{\"settings\": {\"default\": \"yes\"}, \"module\": {\"pages\": [\"Bad.js\"]}}",
        }],
    );
    [
        format!("{HEADER}{maps}"),
        format!("{alice}{bob}"),
        format!("{css}{defs}{json_def}{main}{settings}</mediawiki>\n"),
    ]
}

fn bz2(text: &str) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(text.as_bytes()).expect("compress");
    enc.finish().expect("compress")
}

fn write_dumps(dir: &Path) -> (PathBuf, PathBuf, PathBuf, usize) {
    let parts = dump_parts();
    let plain = dir.join("dump.xml");
    fs::write(&plain, parts.concat()).expect("write");
    let gz = dir.join("dump.xml.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(parts.concat().as_bytes()).expect("gzip");
    fs::write(&gz, enc.finish().expect("gzip")).expect("write");
    let bz = dir.join("dump-multistream.xml.bz2");
    let streams: Vec<Vec<u8>> = parts.iter().map(|p| bz2(p)).collect();
    let last_start = streams[0].len() + streams[1].len();
    fs::write(&bz, streams.concat()).expect("write");
    (plain, gz, bz, last_start)
}

fn scan_json(args: &[&str], dir: &Path) -> (Value, i32) {
    let out = offsite()
        .current_dir(dir)
        .args([
            "scan",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "warning",
        ])
        .args(args)
        .output()
        .expect("run offsite");
    let code = out.status.code().unwrap_or(-1);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); exit {code}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, code)
}

/// (title, line, sink, url) of every load: what must not depend on the source.
fn load_set(report: &Value) -> BTreeSet<(String, u64, String, String)> {
    report["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .map(|l| {
            (
                l["source"]["title"].as_str().unwrap_or_default().to_owned(),
                l["line"].as_u64().unwrap_or_default(),
                l["sink"].as_str().unwrap_or_default().to_owned(),
                l["url"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn diagnostics_of_kind<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["kind"] == kind)
        .collect()
}

#[test]
fn dump_pages_become_sources_with_their_latest_revision() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (plain, _, _, _) = write_dumps(dir.path());
    let (report, code) = scan_json(&["--dump", plain.to_str().expect("utf-8")], dir.path());
    assert_eq!(code, 1, "third-party loads were found: {report:#}");

    let loads = report["loads"].as_array().expect("loads");
    let maps = loads
        .iter()
        .find(|l| l["source"]["title"] == "MediaWiki:Gadget-Maps.js")
        .expect("the gadget's load");
    assert_eq!(maps["source"]["wiki"], "testwiki");
    assert_eq!(maps["source"]["revision"], 101, "latest revision only");
    assert_eq!(maps["source"]["user"], "Admin");
    assert_eq!(maps["source"]["namespace"], 8);
    assert_eq!(maps["source"]["page_id"], 10);
    assert_eq!(maps["source"]["content_model"], "javascript");
    assert!(maps["source"].get("path").is_none());
    assert_eq!(maps["url"], "https://maps.example.net/v2.js");
    assert_eq!(maps["line"], 2);

    let urls: BTreeSet<&str> = loads.iter().filter_map(|l| l["url"].as_str()).collect();
    assert!(
        !urls.contains("https://old.example.com/maps.js"),
        "old revision scanned"
    );
    assert!(
        urls.contains("https://fonts.example.com/css"),
        "CSS page: {urls:?}"
    );
    assert!(urls.contains("https://api.example.com/data"));
    for skipped in ["wikitext.example.com", "json.example.com"] {
        assert!(
            !urls.iter().any(|u| u.contains(skipped)),
            "{skipped} comes from a page that is not code: {urls:?}"
        );
    }

    let broken = diagnostics_of_kind(&report, "gadget-definition");
    assert_eq!(broken.len(), 2, "{report:#}");
    let legacy = broken
        .iter()
        .find(|d| d["source"]["title"] == "MediaWiki:Gadgets-definition")
        .expect("the malformed line");
    assert_eq!(legacy["line"], 6);
    let json = broken
        .iter()
        .find(|d| d["source"]["title"] == "MediaWiki:Gadgets/Bad.json")
        .expect("the malformed JSON definition");
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|m| m.contains("settings.default")),
        "{json:#}"
    );
    assert!(diagnostics_of_kind(&report, "dump-error").is_empty());
}

#[test]
fn text_output_names_pages_by_wiki_and_title() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (plain, _, _, _) = write_dumps(dir.path());
    let out = offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--dump"])
        .arg(&plain)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("testwiki:MediaWiki:Gadget-Maps.js:2:"),
        "{text}"
    );
    assert!(
        text.contains("testwiki:MediaWiki:Gadgets-definition"),
        "{text}"
    );
}

#[test]
fn plain_gzip_and_bzip2_dumps_give_identical_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (plain, gz, bz, _) = write_dumps(dir.path());
    let (a, _) = scan_json(&["--dump", plain.to_str().expect("utf-8")], dir.path());
    let (b, _) = scan_json(&["--dump", gz.to_str().expect("utf-8")], dir.path());
    let (c, _) = scan_json(&["--dump", bz.to_str().expect("utf-8")], dir.path());
    let (d, _) = scan_json(
        &["-j", "1", "--dump", bz.to_str().expect("utf-8")],
        dir.path(),
    );
    assert!(!a["loads"].as_array().expect("loads").is_empty());
    assert_eq!(a["loads"], b["loads"]);
    assert_eq!(a["loads"], c["loads"]);
    assert_eq!(a["loads"], d["loads"]);
    assert_eq!(a["diagnostics"], c["diagnostics"]);
}

#[test]
fn truncated_bzip2_keeps_the_pages_before_the_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_, _, bz, last_start) = write_dumps(dir.path());
    let bytes = fs::read(&bz).expect("read");
    // Cut inside the last stream: the site CSS and the definitions are lost.
    let cut = dir.path().join("cut.xml.bz2");
    fs::write(&cut, &bytes[..last_start + (bytes.len() - last_start) / 2]).expect("write");
    for threads in ["1", "2"] {
        let (report, code) = scan_json(
            &["-j", threads, "--dump", cut.to_str().expect("utf-8")],
            dir.path(),
        );
        // The damage makes the scan incomplete: 2, whatever the findings
        // (issue 15); the pages before the cut are still reported.
        assert_eq!(code, 2, "a damaged dump exits 2: {report:#}");
        let titles: BTreeSet<String> = load_set(&report).into_iter().map(|l| l.0).collect();
        assert!(titles.contains("MediaWiki:Gadget-Maps.js"), "{titles:?}");
        assert!(titles.contains("User:Bob/tool.js"), "{titles:?}");
        assert!(!titles.contains("MediaWiki:Common.css"), "{titles:?}");
        let errors = diagnostics_of_kind(&report, "dump-error");
        assert_eq!(errors.len(), 1, "{report:#}");
        let message = errors[0]["message"].as_str().expect("message");
        assert!(message.contains("cut.xml.bz2"), "{message}");
        assert!(message.contains("byte"), "names the offset: {message}");
        assert_eq!(errors[0]["severity"], "error", "{report:#}");
    }
    // Regression: a damaged dump used to be a SARIF `note`, like an unused
    // suppression, because `dump-error` fell through a string match.
    let out = offsite()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--format", "sarif", "--dump"])
        .arg(&cut)
        .output()
        .expect("run offsite");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let damage: Vec<&Value> = notes
        .iter()
        .filter(|n| n["descriptor"]["id"] == "dump-error")
        .collect();
    assert_eq!(damage.len(), 1, "{sarif:#}");
    assert_eq!(damage[0]["level"], "error", "{sarif:#}");
}

#[test]
fn a_file_that_is_not_a_dump_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.xml");
    fs::write(&path, "<html><body>hello</body></html>").expect("write");
    let out = offsite()
        .args(["scan", "--no-config", "--dump"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes.xml"), "{err}");
}

#[test]
fn wiki_without_contact_is_refused_with_a_clear_error() {
    let out = offsite()
        .args([
            "scan",
            "--no-config",
            "--wiki",
            "http://127.0.0.1:9/api.php",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--contact"), "{err}");
    assert!(err.contains("OFFSITE_CONTACT"), "{err}");
}

#[test]
fn graph_chains_follow_imports_from_user_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (plain, _, _, _) = write_dumps(dir.path());
    let out = graph(&[
        "--dump",
        plain.to_str().expect("utf-8"),
        "--page",
        "User:Bob/tool.js",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l == "User:Alice/common.js → User:Bob/tool.js"),
        "{text}"
    );
    assert!(text.contains("exposure: "), "{text}");

    let out = graph(&["--dump", plain.to_str().expect("utf-8"), "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("graph JSON");
    let dump = json.to_string();
    assert!(dump.contains("gadget"), "{json:#}");
    assert!(dump.contains("https://maps.example.net/v2.js"), "{json:#}");

    let out = graph(&["--dump", plain.to_str().expect("utf-8")]);
    let dot = String::from_utf8_lossy(&out.stdout);
    assert!(dot.starts_with("digraph"), "{dot}");
}

fn graph(args: &[&str]) -> Output {
    offsite()
        .args(["graph", "--no-config", "-q"])
        .args(args)
        .output()
        .expect("run")
}

/// The testbed's dumps and API, when `scripts/test` (or the user) set them up.
fn testbed() -> Option<(PathBuf, String)> {
    let dir = std::env::var_os("OFFSITE_TESTBED_DIR");
    let api = std::env::var("OFFSITE_TEST_API").ok();
    if let (Some(dir), Some(api)) = (dir, api) {
        return Some((PathBuf::from(dir).join("dumps"), api));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but OFFSITE_TESTBED_DIR / OFFSITE_TEST_API are unset: run scripts/test"
    );
    eprintln!("note: OFFSITE_TESTBED_DIR / OFFSITE_TEST_API unset; testbed tests skipped");
    None
}

#[test]
fn testbed_dumps_and_api_agree() {
    let Some((dumps, api)) = testbed() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dumps.join(name).to_string_lossy().into_owned();
    let (current, _) = scan_json(&["--dump", &path("current.xml")], dir.path());
    let expected = load_set(&current);
    assert!(expected.len() >= 10, "{expected:?}");
    for name in ["current.xml.bz2", "full.xml", "full.xml.bz2"] {
        let (report, _) = scan_json(&["--dump", &path(name)], dir.path());
        assert_eq!(
            load_set(&report),
            expected,
            "{name} differs from current.xml"
        );
    }
    let (live, code) = scan_json(
        &["--wiki", &api, "--contact", "offsite-tests@example.org"],
        dir.path(),
    );
    assert_eq!(code, 1, "{live:#}");
    assert!(
        diagnostics_of_kind(&live, "api-error").is_empty(),
        "{live:#}"
    );
    assert_eq!(
        load_set(&live),
        expected,
        "the API differs from current.xml"
    );

    // A finished checkpoint reads nothing and says so instead of a clean report.
    let cp = dir.path().join("crawl.json");
    let cp = cp.to_str().expect("utf-8");
    let contact = "offsite-tests@example.org";
    let live_args = ["--wiki", &api, "--contact", contact, "--checkpoint", cp];
    let (first, _) = scan_json(&live_args, dir.path());
    assert_eq!(load_set(&first), expected);
    let (again, _) = scan_json(&live_args, dir.path());
    assert!(load_set(&again).is_empty());
    let notes = diagnostics_of_kind(&again, "checkpoint");
    assert_eq!(notes.len(), 1, "{again:#}");
    assert!(
        notes[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("finished crawl")),
        "{again:#}"
    );
}

#[test]
fn testbed_graph_shows_the_user_script_chain() {
    let Some((dumps, api)) = testbed() else {
        return;
    };
    let chain = "User:Alice/common.js → User:Bob/tool.js → User:Carol/lib.js";
    let current = dumps.join("current.xml").to_string_lossy().into_owned();
    for source in [
        vec!["--dump", current.as_str()],
        vec![
            "--wiki",
            api.as_str(),
            "--contact",
            "offsite-tests@example.org",
        ],
    ] {
        let mut args = source.clone();
        args.extend(["--page", "User:Carol/lib.js"]);
        let out = graph(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.lines().any(|l| l == chain), "{source:?}: {text}");
        assert!(text.contains("exposure: "), "{text}");
    }
}

/// A fake `api.php` on loopback: answers each connection with the next
/// scripted `(status, content type, body)`, then 404s. Returns the URL.
fn fake_api(replies: Vec<(u16, &'static str, String)>) -> String {
    use std::io::Read as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://{}/w/api.php",
        listener.local_addr().expect("address")
    );
    std::thread::spawn(move || {
        let mut replies = replies.into_iter();
        for conn in listener.incoming() {
            let Ok(mut sock) = conn else { return };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // GET requests: the headers end the request.
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match sock.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let (status, ctype, body) =
                replies
                    .next()
                    .unwrap_or((404, "text/plain", "no more replies".to_owned()));
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes());
            let _ = sock.write_all(body.as_bytes());
        }
    });
    url
}

const FAKE_SITEINFO: &str = r#"{"batchcomplete":true,"query":{"general":{"wikiid":"fakewiki","sitename":"Fake","server":"http://127.0.0.1","servername":"127.0.0.1","scriptpath":"/w","script":"/w/index.php","articlepath":"/wiki/$1","generator":"MediaWiki 1.39.0"},"namespaces":{"0":{"id":0,"name":""},"2":{"id":2,"name":"User","canonical":"User"}}}}"#;

#[test]
fn api_error_mid_crawl_keeps_the_pages_read() {
    let list = r#"{"continue":{"gapcontinue":"B.js","continue":"gapcontinue||"},"query":{"pages":[{"pageid":1,"ns":2,"title":"User:A/a.js","contentmodel":"javascript"}]}}"#;
    let fetch = r#"{"batchcomplete":true,"query":{"pages":[{"pageid":1,"ns":2,"title":"User:A/a.js","revisions":[{"revid":11,"timestamp":"2026-01-01T00:00:00Z","user":"A","sha1":"ab","slots":{"main":{"contentmodel":"javascript","contentformat":"text/javascript","content":"mw.loader.load('https://x.example/a.js');"}}}]}]}}"#;
    let json = "application/json; charset=utf-8";
    let url = fake_api(vec![
        (200, json, FAKE_SITEINFO.to_owned()),
        (200, json, list.to_owned()),
        (200, json, fetch.to_owned()),
        // A 400 HTML page is not retried: the crawl ends here.
        (400, "text/html", "<title>Bad request</title>".to_owned()),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (report, code) = scan_json(
        &[
            "--wiki",
            &url,
            "--namespace",
            "2",
            "--contact",
            "t@example.org",
        ],
        dir.path(),
    );
    // A crawl that stopped early is incomplete: 2, whatever the findings.
    assert_eq!(code, 2, "a failed crawl exits 2: {report:#}");
    let loads = report["loads"].as_array().expect("loads");
    assert_eq!(loads.len(), 1, "{report:#}");
    assert_eq!(loads[0]["source"]["title"], "User:A/a.js");
    assert_eq!(loads[0]["source"]["wiki"], "fakewiki");
    assert_eq!(loads[0]["source"]["revision"], 11);
    assert_eq!(loads[0]["source"]["user"], "A");
    let errors = diagnostics_of_kind(&report, "api-error");
    assert_eq!(errors.len(), 1, "{report:#}");
    let message = errors[0]["message"].as_str().expect("message");
    assert!(message.contains("1 page(s) read"), "{message}");
    assert_eq!(errors[0]["source"]["path"], url.as_str());
}

#[test]
fn api_that_answers_nothing_usable_exits_2() {
    let url = fake_api(vec![(400, "text/html", "<title>nope</title>".to_owned())]);
    let out = offsite()
        .args(["scan", "--no-config", "--wiki", &url])
        .env("OFFSITE_CONTACT", "t@example.org")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("site info"), "{err}");
}

#[test]
fn graph_reads_pages_from_files_named_by_title() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        (
            "User:Dana%2Fcommon.js",
            "importScript( 'User:Eve/helper.js' );\n",
        ),
        (
            "User:Eve%2Fhelper.js",
            "mw.loader.load( 'https://helper.example.net/h.js' );\n",
        ),
        (
            "MediaWiki:Gadgets-definition",
            "* Helper[ResourceLoader]|Helper.js\n* broken line\n",
        ),
        (
            "MediaWiki:Gadget-Helper.js",
            "importScript( 'User:Eve/helper.js' );\n",
        ),
    ];
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write");
    }
    let out = offsite()
        .args(["graph", "--no-config", "--page", "User:Eve/helper.js"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let chains: Vec<&str> = text.lines().filter(|l| l.contains(" → ")).collect();
    assert_eq!(
        chains,
        [
            "User:Dana/common.js → User:Eve/helper.js",
            "gadget:Helper → MediaWiki:Gadget-Helper.js → User:Eve/helper.js"
        ],
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gadget-definition"),
        "the broken line is reported: {err}"
    );
}
