//! End to end with real parts: the testbed MediaWiki (Debian's package on
//! `php -S`, started by `scripts/test`) is scanned through its API; `offsite
//! csp generate` turns the scan into `$wgCSPReportOnlyHeader`, then
//! `$wgCSPHeader`; `offsite serve` collects what Debian's headless Chromium
//! reports while it visits pages anonymously and as a user with opt-in
//! gadgets and imported user scripts. The collector must hold exactly the
//! violations the policy predicts, normalised and attributed to the pages
//! behind them, and none for allowed loads. A third run goes over https
//! (socat TLS fronts) so Chromium uses the Reporting API.
//!
//! Needs `OFFSITE_TESTBED_DIR` / `OFFSITE_TEST_API` (set by `scripts/test`),
//! chromium, socat, openssl and playwright-core (`scripts/install-test-deps`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const POLICY: &str = r#"# The e2e policy: two third-party hosts are allowed.
profile = "wikimedia"

[[allow]]
host = "fonts.example.com"
reason = "the chapter's font mirror"

[[allow]]
host = "widgets.example.com"
reason = "feedback widget, reviewed"
"#;

fn testbed() -> Option<(PathBuf, String)> {
    let dir = std::env::var_os("OFFSITE_TESTBED_DIR");
    let api = std::env::var("OFFSITE_TEST_API").ok();
    if let (Some(dir), Some(api)) = (dir, api) {
        return Some((PathBuf::from(dir), api));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but OFFSITE_TESTBED_DIR / OFFSITE_TEST_API are unset: run scripts/test"
    );
    eprintln!("note: OFFSITE_TESTBED_DIR / OFFSITE_TEST_API unset; CSP end-to-end test skipped");
    None
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_offsite"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs offsite; panics with its stderr unless it exits with one of `ok`.
fn offsite(args: &[&str], ok: &[i32]) -> String {
    let out = Command::new(bin())
        .args(args)
        .output()
        .expect("run offsite");
    let code = out.status.code().unwrap_or(-1);
    assert!(
        ok.contains(&code),
        "offsite {args:?} exited {code}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn curl(args: &[&str]) -> String {
    let out = Command::new("curl")
        .args(["-sS", "--max-time", "20"])
        .args(args)
        .output()
        .expect("run curl");
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A child process killed (with its process group) when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `offsite serve` on a free port with a fresh SQLite store.
struct Collector {
    _serve: common::Collector,
    base: String,
}

impl Collector {
    fn start(work: &Path, name: &str, inventory: &Path) -> Self {
        let store = format!("sqlite:{}", work.join(format!("{name}.db")).display());
        let serve = common::Collector::start(
            work,
            &[
                OsStr::new("--no-config"),
                OsStr::new("--store"),
                OsStr::new(&store),
                OsStr::new("--scan"),
                inventory.as_os_str(),
            ],
        );
        let base = serve.base();
        Self {
            _serve: serve,
            base,
        }
    }

    fn get(&self, path: &str) -> Value {
        serde_json::from_str(&curl(&[&format!("{}{path}", self.base)])).expect("JSON")
    }

    /// The groups, once their total stops changing.
    fn settled_groups(&self, at_least: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = None;
        loop {
            let groups = self.get("/api/groups?limit=1000")["groups"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let total: i64 = groups
                .iter()
                .map(|g| g["count"].as_i64().unwrap_or(0))
                .sum();
            if groups.len() >= at_least && last == Some(total) {
                return groups;
            }
            assert!(
                Instant::now() < deadline,
                "reports did not settle: {groups:#?}"
            );
            last = Some(total);
            std::thread::sleep(Duration::from_millis(700));
        }
    }
}

/// Visits wiki pages in Chromium (scripts/browser/visit.cjs).
fn visit(plan: &Value) -> Value {
    let out = Command::new("node")
        .arg(repo().join("scripts/browser/visit.cjs"))
        .arg(plan.to_string())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "visit {plan}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("visit JSON")
}

/// (directive, blocked origin) → attributed pages, per group.
fn groups_by_key(groups: &[Value]) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for g in groups {
        let key = (
            g["directive"].as_str().unwrap_or_default().to_owned(),
            g["blocked_origin"].as_str().unwrap_or_default().to_owned(),
        );
        let pages = out.entry(key).or_default();
        for a in g["attributions"].as_array().into_iter().flatten() {
            pages.insert(a["page"].as_str().unwrap_or_default().to_owned());
        }
    }
    out
}

/// The violations each visit must produce under the e2e policy: every load
/// the policy forbids that runs for that visitor on `Main_Page`. Loads that
/// never run there (click handlers, absent elements, Special:Log only,
/// legacy gadgets MediaWiki 1.39 does not load) are absent on purpose.
fn expected(logged_in: bool) -> BTreeMap<(String, String), &'static str> {
    let mut e = BTreeMap::new();
    let mut add = |d: &str, o: &str, page: &'static str| {
        e.insert((d.to_owned(), o.to_owned()), page);
    };
    // default gadget HotTools: its CDN script and stylesheet
    add(
        "script-src-elem",
        "https://cdn.jsdelivr.example",
        "MediaWiki:Gadget-HotTools.js",
    );
    add(
        "style-src-elem",
        "https://cdn.jsdelivr.example",
        "MediaWiki:Gadget-HotTools.js",
    );
    // skin JS and the latest Common.js
    add(
        "script-src-elem",
        "https://stats.example.com",
        "MediaWiki:Vector.js",
    );
    add(
        "script-src-elem",
        "https://analytics.example.net",
        "MediaWiki:Common.js",
    );
    if logged_in {
        // opt-in gadget Translate's JSONP, Bob's tool imported by Alice
        add(
            "script-src-elem",
            "https://translate.example.com",
            "MediaWiki:Gadget-Translate.js",
        );
        add(
            "script-src-elem",
            "https://third.example.net",
            "User:Bob/tool.js",
        );
        add("connect-src", "https://api.example.com", "User:Bob/tool.js");
    }
    e
}

/// Hosts the policy allows: they must never show up in a report.
const ALLOWED: [&str; 4] = [
    "fonts.example.com",
    "widgets.example.com",
    "meta.wikimedia.org",
    "tools-static.wmflabs.org",
];

fn write_conf(testbed: &Path, php: &str) {
    let conf = testbed.join("wiki/conf.d/csp.php");
    std::fs::write(&conf, php).expect("write conf.d/csp.php");
}

fn remove_conf(testbed: &Path) {
    let _ = std::fs::remove_file(testbed.join("wiki/conf.d/csp.php"));
}

/// Removes the CSP snippet even when an assertion fails, so other tests
/// see the testbed as it was.
struct ConfGuard(PathBuf);

impl Drop for ConfGuard {
    fn drop(&mut self) {
        remove_conf(&self.0);
    }
}

/// The header MediaWiki sends on an HTML page.
fn header_of(url: &str, name: &str, insecure: bool) -> Option<String> {
    let mut args = vec!["-D", "-", "-o", "/dev/null", url];
    if insecure {
        args.insert(0, "-k");
    }
    curl(&args).lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

fn check_run(collector: &Collector, mode: &str, expect: &BTreeMap<(String, String), &str>) {
    let groups = collector.settled_groups(expect.len());
    let got = groups_by_key(&groups);
    let got_keys: BTreeSet<_> = got.keys().cloned().collect();
    let want_keys: BTreeSet<_> = expect.keys().cloned().collect();
    assert_eq!(got_keys, want_keys, "{mode}: groups {groups:#?}");
    for (key, page) in expect {
        assert!(
            got[key].contains(*page),
            "{mode}: {key:?} attributed to {:?}, expected {page}",
            got[key]
        );
    }
    for g in &groups {
        let origin = g["blocked_origin"].as_str().unwrap_or_default();
        assert!(
            !ALLOWED.iter().any(|h| origin.ends_with(h)),
            "{mode}: an allowed host was reported: {g}"
        );
    }
}

#[test]
fn csp_generated_from_a_scan_is_enforced_and_reported_end_to_end() {
    let Some((testbed, api)) = testbed() else {
        return;
    };
    let wiki = api.trim_end_matches("/api.php").to_owned();
    let work = tempfile::tempdir().unwrap();
    let work = work.path();
    let _lock = FileLock::acquire(&testbed.join("csp-e2e.lock"));
    let _guard = ConfGuard(testbed.clone());
    remove_conf(&testbed);
    let policy = work.join("offsite.toml");
    std::fs::write(&policy, POLICY).unwrap();
    let policy = policy.to_str().unwrap();
    let scan = work.join("scan.json");
    let scan_text = offsite(
        &[
            "scan",
            "--config",
            policy,
            "--wiki",
            &api,
            "--contact",
            "e2e@example.org",
            "--format",
            "json",
        ],
        &[0, 1],
    );
    std::fs::write(&scan, &scan_text).unwrap();
    let scan_arg = scan.to_str().unwrap();

    for (mode, header_name, flag) in [
        (
            "report-only",
            "Content-Security-Policy-Report-Only",
            Some("--report-only"),
        ),
        ("enforce", "Content-Security-Policy", None),
    ] {
        let collector = Collector::start(work, mode, &scan);
        let mut args = vec![
            "csp",
            "generate",
            "--config",
            policy,
            "--scan",
            scan_arg,
            "--format",
            "mediawiki",
            "--server",
            &wiki,
        ];
        let report_uri = format!("{}/csp-report", collector.base);
        args.extend(["--report-uri", &report_uri]);
        args.extend(flag);
        let php = offsite(&args, &[0]);
        write_conf(&testbed, &php);
        // What MediaWiki sends is what offsite said it would send.
        let predicted = php
            .lines()
            .find_map(|l| l.strip_prefix(&format!("// {header_name}: ")))
            .unwrap_or_else(|| panic!("no predicted header in:\n{php}"))
            .to_owned();
        let sent = header_of(&format!("{wiki}/index.php/Main_Page"), header_name, false)
            .unwrap_or_else(|| panic!("{mode}: MediaWiki sent no {header_name}"));
        assert_eq!(sent, predicted, "{mode}");
        // `csp evaluate --url` reads the same header off the live page.
        let evaluation: Value = serde_json::from_str(&offsite(
            &[
                "csp",
                "evaluate",
                "--no-config",
                "-f",
                "json",
                "--url",
                &format!("{wiki}/index.php/Main_Page"),
            ],
            &[1],
        ))
        .expect("evaluate JSON");
        let checks: Vec<&str> = evaluation["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["check"].as_str())
            .collect();
        // MediaWiki's own header: 'unsafe-inline' without a nonce, 'unsafe-eval'.
        assert!(checks.contains(&"script-unsafe-inline"), "{checks:?}");
        assert!(checks.contains(&"script-unsafe-eval"), "{checks:?}");

        let anon = visit(&serde_json::json!({
            "base": wiki, "pages": ["/index.php/Main_Page"], "lingerMs": 1500,
        }));
        check_run(&collector, &format!("{mode}, anonymous"), &expected(false));
        let alice = visit(&serde_json::json!({
            "base": wiki, "user": "Alice", "password": "Alice-pass-123!",
            "pages": ["/index.php/Main_Page"], "lingerMs": 1500,
        }));
        check_run(&collector, &format!("{mode}, Alice"), &expected(true));

        // Normalised: no query strings, the right disposition and format.
        let reports = collector.get("/api/reports?limit=1000")["reports"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let disposition = if mode == "enforce" {
            "enforce"
        } else {
            "report"
        };
        for r in &reports {
            assert_eq!(r["disposition"], disposition, "{r}");
            assert_eq!(r["format"], "csp-report", "{r}");
            let blocked = &r["blocked"]["value"];
            assert!(
                !blocked.as_str().unwrap_or_default().contains('?'),
                "query string kept: {r}"
            );
        }
        // The browser saw the same violations the collector stored.
        let seen: usize = [&anon, &alice]
            .iter()
            .flat_map(|v| v["pages"].as_array().into_iter().flatten())
            .map(|p| p["violations"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(seen >= expected(true).len(), "{anon}\n{alice}");
        if mode == "enforce" {
            // Enforced: the blocked loads were never fetched.
            let failed: Vec<&Value> = alice["pages"][0]["failed"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| {
                    f.as_str()
                        .unwrap_or_default()
                        .contains("cdn.jsdelivr.example")
                })
                .collect();
            assert!(
                failed
                    .iter()
                    .all(|f| f.as_str().unwrap_or_default().contains("csp")
                        || f.as_str().unwrap_or_default().contains("BLOCKED")),
                "{failed:?}"
            );
        }
        remove_conf(&testbed);
    }
}

/// The Reporting API (`report-to`, `application/reports+json`) only works
/// when the page and the endpoint are https: socat fronts both with a
/// self-signed certificate.
#[test]
fn reporting_api_reports_arrive_over_https() {
    let Some((testbed, api)) = testbed() else {
        return;
    };
    let _ = api;
    let work_dir = tempfile::tempdir().unwrap();
    let work = work_dir.path();
    // Both e2e tests change conf.d/csp.php: one at a time.
    let _lock = FileLock::acquire(&testbed.join("csp-e2e.lock"));
    let _guard = ConfGuard(testbed.clone());
    let inventory = work.join("scan.json");
    std::fs::write(&inventory, r#"{"loads":[]}"#).unwrap();
    let collector = Collector::start(work, "https", &inventory);
    let cert = work.join("tls.crt");
    let key = work.join("tls.key");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success());
    let wiki_port = free_port();
    let report_port = free_port();
    let collector_addr = collector.base.trim_start_matches("http://").to_owned();
    let tls = |port: u16, target: &str| {
        Proc(
            Command::new("socat")
                .arg(format!(
                    "OPENSSL-LISTEN:{port},bind=127.0.0.1,cert={},key={},verify=0,fork,reuseaddr",
                    cert.display(),
                    key.display()
                ))
                .arg(format!("TCP:{target}"))
                .stderr(Stdio::null())
                .spawn()
                .expect("socat"),
        )
    };
    let wiki_http = std::env::var("OFFSITE_TEST_API")
        .unwrap()
        .trim_end_matches("/api.php")
        .trim_start_matches("http://")
        .to_owned();
    let _front = tls(wiki_port, &wiki_http);
    let _report_front = tls(report_port, &collector_addr);
    wait_for_port(wiki_port);
    wait_for_port(report_port);
    let endpoint = format!("https://127.0.0.1:{report_port}/csp-report");
    let php = offsite(
        &[
            "csp",
            "generate",
            "--no-config",
            "--scan",
            inventory.to_str().unwrap(),
            "--format",
            "mediawiki",
            "--report-only",
            "--report-to",
            &endpoint,
        ],
        &[0],
    );
    assert!(php.contains("Reporting-Endpoints"), "{php}");
    write_conf(&testbed, &php);
    let base = format!("https://127.0.0.1:{wiki_port}");
    let header = header_of(
        &format!("{base}/index.php/Main_Page"),
        "Content-Security-Policy-Report-Only",
        true,
    )
    .expect("report-only header over https");
    assert!(header.contains("report-to "), "{header}");
    visit(&serde_json::json!({
        "base": base, "pages": ["/index.php/Main_Page"], "lingerMs": 2500,
        "ignoreCertificateErrors": true, "args": ["--short-reporting-delay"],
    }));
    let groups = collector.settled_groups(1);
    assert!(
        groups
            .iter()
            .any(|g| g["blocked_origin"] == "https://cdn.jsdelivr.example"),
        "{groups:#?}"
    );
    let reports = collector.get("/api/reports?limit=1000")["reports"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!reports.is_empty());
    for r in &reports {
        assert_eq!(r["format"], "reports-json", "{r}");
        assert!(
            r["document"]
                .as_str()
                .unwrap_or_default()
                .starts_with("https://127.0.0.1"),
            "{r}"
        );
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "port {port} never opened");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An exclusive lock file: both tests rewrite the wiki's CSP snippet.
struct FileLock(PathBuf);

impl FileLock {
    fn acquire(path: &Path) -> Self {
        let deadline = Instant::now() + Duration::from_mins(10);
        loop {
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .is_ok();
            if created {
                return Self(path.to_path_buf());
            }
            assert!(
                Instant::now() < deadline,
                "lock {} held too long",
                path.display()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
