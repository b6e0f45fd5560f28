//! The dashboard shows attacker-controlled text: anyone can POST a CSP
//! report. This test fills `offsite serve` with reports whose every string
//! field carries script and markup payloads, in all three report formats,
//! plus attributions whose page, gadget and URL carry them too (from a real
//! `offsite scan` of a file, titles and gadget names set to payloads). Then:
//!
//! - the API must store them verbatim and answer with `<`, `>`, `&`,
//!   U+2028 and U+2029 escaped inside its JSON strings;
//! - Debian's headless Chromium (`scripts/browser/dashboard.cjs`, on
//!   playwright-core) opens the dashboard, enters the read token, clicks
//!   every group and some host filters. Nothing may execute (no dialog, no
//!   canary global, no changed title, no payload console output), no
//!   element may be created from report text, no request may leave the
//!   collector, and every stored string must be visible as text. This holds
//!   with the dashboard's CSP, and with the CSP bypassed, so the escaping
//!   alone is enough;
//! - a control run re-inserts the sample cells as HTML (the bug looked
//!   for) and must be caught, which shows the checks can fail.
//!
//! Needs node, chromium and playwright-core (`scripts/install-test-deps`);
//! skipped with a note when they are missing, unless `CI=true`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Collector, http};

use serde_json::{Value, json};

const TOKEN: &str = "dashboard-test-token-5f1c";
const TITLE: &str = "offsite: CSP reports";

/// Each one short enough (at most 40 characters, the sample limit) to be
/// kept whole in `script-sample`. The canaries are what a payload that ran
/// would leave behind: `__offsite_pwned`, the title `PWNED`, a dialog, or a
/// console line saying PWNED.
const PAYLOADS: &[&str] = &[
    "<script>__offsite_pwned=1</script>",
    "\"><img src=x onerror=__offsite_pwned=1>",
    "javascript:__offsite_pwned=1//",
    "</textarea><script>alert(1)</script>",
    "<svg onload=document.title='PWNED'>",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}<b>{{7*7}}</b>",
    "\u{202E}gpj.exe<b onmouseover=alert(1)>",
    "'\"`});__offsite_pwned=1;//\\",
    "<iframe src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>click</a>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<style>*{display:none}</style>",
    "<x onclick=console.log('PWNED')>\u{2028}\u{2029}",
    "<img src=//evil.example/x onerror=alert(1)>",
];

/// node, playwright-core and chromium, or `None` (with a note) to skip.
fn browser() -> Option<PathBuf> {
    let repo = repo();
    let modules = std::env::var_os("OFFSITE_BROWSER_MODULES")
        .map_or_else(|| repo.join(".cache/browser/node_modules"), PathBuf::from);
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
        return Some(repo.join("scripts/browser/dashboard.cjs"));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} missing: run scripts/install-test-deps",
        missing.join(", ")
    );
    eprintln!(
        "note: {} missing (scripts/install-test-deps); dashboard browser test skipped",
        missing.join(", ")
    );
    None
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running `offsite serve`, stopped when dropped.
fn start(dir: &Path, inventory: &Path) -> Collector {
    let store = format!("sqlite:{}", dir.join("reports.db").display());
    let config = dir.join("offsite.toml");
    Collector::start(
        dir,
        &[
            OsStr::new("--read-token"),
            OsStr::new(TOKEN),
            OsStr::new("--store"),
            OsStr::new(&store),
            // The old spelling of `--scan`, kept as an alias.
            OsStr::new("--inventory"),
            inventory.as_os_str(),
            OsStr::new("--config"),
            config.as_os_str(),
        ],
    )
}

/// `GET` with the token: the raw JSON bytes.
fn api(addr: SocketAddr, path: &str) -> Vec<u8> {
    let auth = format!("Bearer {TOKEN}");
    let (status, body) = http(addr, "GET", path, &[("Authorization", &auth)], b"").expect("GET");
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    body
}

fn post(addr: SocketAddr, query: &str, content_type: &str, user_agent: &str, body: &Value) {
    let body = body.to_string();
    let (status, answer) = http(
        addr,
        "POST",
        &format!("/csp-report{query}"),
        &[("Content-Type", content_type), ("User-Agent", user_agent)],
        body.as_bytes(),
    )
    .expect("POST");
    assert_eq!(
        status,
        204,
        "{content_type} {}: {}",
        &body[..body.len().min(200)],
        String::from_utf8_lossy(&answer)
    );
}

/// A CSP2 body with `p` in every string field.
fn csp2(p: &str, i: usize, blocked: &str) -> Value {
    json!({
        "document-uri": format!("https://wiki.example.org/wiki/{p}"),
        "referrer": p,
        "violated-directive": p,
        "effective-directive": p,
        "original-policy": p,
        "disposition": p,
        "blocked-uri": blocked,
        "line-number": p,
        "column-number": i + 1,
        "source-file": format!("https://wiki.example.org/w/{p}.js"),
        "status-code": p,
        "script-sample": p,
    })
}

/// The same fields as a Reporting API batch entry.
fn reporting_api(p: &str, i: usize) -> Value {
    json!({
        "age": p, "type": "csp-violation",
        "url": format!("https://wiki.example.org/wiki/{p}"),
        "user_agent": p,
        "body": {
            "documentURL": format!("https://wiki.example.org/wiki/{p}"),
            "blockedURL": format!("https://p{i}.example.com/{p}.js?{p}#{p}"),
            "effectiveDirective": p,
            "disposition": p,
            "sourceFile": format!("https://wiki.example.org/w/{p}.js"),
            "lineNumber": i + 1,
            "sample": p,
            "statusCode": 200,
            "referrer": p,
            "originalPolicy": p,
        }
    })
}

/// Reports `https://a{j}.example.com/lib.js` loads from a scanned file,
/// with the page titles and gadget names set to payloads (a scan of a wiki
/// fills them from page titles, which are user-chosen too).
fn write_inventory(dir: &Path) -> (PathBuf, Vec<String>) {
    let mut js = String::new();
    let mut titles = Vec::new();
    for (j, p) in PAYLOADS.iter().take(3).enumerate() {
        let url = format!("https://a{j}.example.com/lib.js?q={p}");
        js.extend([
            "mw.loader.load(",
            &serde_json::to_string(&url).unwrap(),
            ");\n",
        ]);
        titles.push(format!("MediaWiki:Gadget-{p}.js"));
    }
    std::fs::write(dir.join("gadget.js"), js).unwrap();
    let scan = dir.join("scan.json");
    let out = Command::new(env!("CARGO_BIN_EXE_offsite"))
        .args([
            "scan",
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .arg("-o")
        .arg(&scan)
        .arg(dir.join("gadget.js"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut report: Value = serde_json::from_slice(&std::fs::read(&scan).unwrap()).unwrap();
    let loads = report["loads"].as_array_mut().unwrap();
    assert_eq!(loads.len(), titles.len(), "{loads:#?}");
    for load in loads.iter_mut() {
        let j = usize::try_from(load["line"].as_u64().unwrap()).unwrap() - 1;
        load["source"]["title"] = json!(titles[j]);
    }
    std::fs::write(&scan, report.to_string()).unwrap();
    let rows: Vec<Value> = titles
        .iter()
        .zip(PAYLOADS.iter().rev())
        .map(|(t, p)| json!({ "page": t, "gadget": p }))
        .collect();
    let gadgets = dir.join("gadgets.json");
    std::fs::write(&gadgets, json!({ "rows": rows }).to_string()).unwrap();
    let config = format!(
        "[serve]\nrate-limit.per-second = 0\ngadgets = {}\n",
        json!(gadgets.display().to_string())
    );
    std::fs::write(dir.join("offsite.toml"), config).unwrap();
    (scan, titles)
}

/// Posts every payload in the three formats, a long report, and reports
/// matching the inventory's loads.
fn send_reports(addr: SocketAddr) {
    for (i, p) in PAYLOADS.iter().enumerate() {
        let blocked = format!("https://p{i}.example.com/{p}.js?{p}#{p}");
        let query = format!("?source={}&reportonly=1", urlencode(p));
        post(
            addr,
            &query,
            "application/csp-report",
            p,
            &json!({ "csp-report": csp2(p, i, &blocked) }),
        );
        // The payload itself as the blocked URI: not a URL, so no host.
        post(
            addr,
            "",
            "application/json",
            p,
            &json!({ "csp-report": csp2(p, i, p) }),
        );
        post(
            addr,
            "",
            "application/reports+json",
            p,
            &json!([reporting_api(p, i), reporting_api(p, i)]),
        );
    }
    // Very long strings: cut to 2048 bytes (URLs) and 40 characters
    // (samples) on the way in.
    let long = format!("{}<img src=x onerror=alert(1)>", "\u{202E}A\"<".repeat(450));
    let mut report = csp2("long", 99, &format!("https://long.example.com/{long}"));
    report["script-sample"] = json!(long);
    post(
        addr,
        "",
        "application/csp-report",
        "x",
        &json!({ "csp-report": report }),
    );
    for (j, p) in PAYLOADS.iter().take(3).enumerate() {
        let mut report = csp2(p, j, &format!("https://a{j}.example.com/lib.js"));
        report["effective-directive"] = json!("script-src-elem");
        report["source-file"] = json!("https://wiki.example.org/w/load.php");
        post(
            addr,
            "",
            "application/csp-report",
            p,
            &json!({ "csp-report": report }),
        );
    }
}

fn urlencode(s: &str) -> String {
    use std::fmt::Write as _;
    s.bytes().fold(String::new(), |mut out, b| {
        let _ = write!(out, "%{b:02X}");
        out
    })
}

/// The raw answer must not contain what could end a `<script>` or start a
/// tag, even though the strings inside it do.
fn assert_html_safe_json(path: &str, raw: &[u8]) {
    for needle in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
        assert!(
            !String::from_utf8_lossy(raw).contains(needle),
            "{path}: raw `{}` in the JSON answer",
            needle.escape_unicode()
        );
    }
}

/// Waits for the attributor (it runs after the reports are acknowledged),
/// then returns every group.
fn groups_with_attributions(addr: SocketAddr, attributed: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let raw = api(addr, "/api/groups?limit=1000");
        assert_html_safe_json("/api/groups", &raw);
        let body: Value = serde_json::from_slice(&raw).unwrap();
        let groups = body["groups"].as_array().unwrap().clone();
        let with = groups
            .iter()
            .filter(|g| g["attributions"].as_array().is_some_and(|a| !a.is_empty()))
            .count();
        if with >= attributed {
            return groups;
        }
        assert!(
            Instant::now() < deadline,
            "{with} of {attributed} groups attributed: {groups:#?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Every string the dashboard is meant to show: what the API holds.
fn shown_strings(groups: &[Value], samples: &[Value]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |v: &Value| {
        if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
            out.insert(s.to_owned());
        }
    };
    for g in groups {
        add(&g["blocked_origin"]);
        add(&g["document_host"]);
        add(&g["directive"]);
        add(&g["source_file"]);
        for a in g["attributions"].as_array().unwrap() {
            add(&a["page"]);
            add(&a["gadget"]);
            add(&a["url"]);
        }
    }
    for s in samples {
        add(&s["sample"]);
        add(&s["document"]);
        add(&s["source_file"]);
        add(&s["blocked"]["value"]);
    }
    out
}

/// Runs the browser script; its JSON result.
fn visit(script: &Path, addr: SocketAddr, bypass_csp: bool, control: Option<&str>) -> Value {
    let plan = json!({
        "base": format!("http://{addr}"),
        "token": TOKEN,
        "bypassCSP": bypass_csp,
        "control": control,
    });
    let out = Command::new("node")
        .arg(script)
        .arg(plan.to_string())
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "dashboard.cjs {plan}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run: Value = serde_json::from_slice(&out.stdout).expect("dashboard.cjs JSON");
    eprintln!("dashboard.cjs {plan}: ms {}", run["timings"]);
    run
}

/// Collapses whitespace runs, as `innerText` does for table cells.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn payload_console_lines(run: &Value) -> Vec<String> {
    run["console"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["text"].as_str())
        .filter(|t| t.to_ascii_lowercase().contains("pwned"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn report_payloads_are_shown_as_text_and_never_run() {
    let Some(script) = browser() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (scan, titles) = write_inventory(dir.path());
    let collector = start(dir.path(), &scan);
    send_reports(collector.addr);

    // Stored verbatim, answered escaped.
    let groups = groups_with_attributions(collector.addr, titles.len());
    let raw = api(collector.addr, "/api/reports?limit=1000");
    assert_html_safe_json("/api/reports", &raw);
    let body: Value = serde_json::from_slice(&raw).unwrap();
    let samples = body["reports"].as_array().unwrap();
    let sample_texts: BTreeSet<&str> = samples
        .iter()
        .filter_map(|s| s["sample"].as_str())
        .collect();
    for p in PAYLOADS {
        let kept: String = p.chars().filter(|c| !c.is_control()).take(40).collect();
        assert!(
            sample_texts.contains(kept.as_str()),
            "payload {p:?} is not stored verbatim as a sample: {sample_texts:#?}"
        );
    }
    let pages: BTreeSet<&str> = groups
        .iter()
        .flat_map(|g| g["attributions"].as_array().unwrap())
        .filter_map(|a| a["page"].as_str())
        .collect();
    for t in &titles {
        // Attribution keys pages the way MediaWiki does: a run of `_` is
        // one space (`Gadget-<script>__offsite…` → `Gadget-<script> offsite…`).
        let t = t
            .split('_')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(pages.contains(t.as_str()), "{t:?} not among {pages:#?}");
    }
    let expected = shown_strings(&groups, samples);
    assert!(expected.len() > PAYLOADS.len() * 3, "{expected:#?}");
    assert!(
        groups.len() <= 50,
        "the dashboard's first page shows 50 groups"
    );

    for bypass_csp in [false, true] {
        let run = visit(&script, collector.addr, bypass_csp, None);
        let label = if bypass_csp {
            "with the CSP bypassed"
        } else {
            "under the dashboard's CSP"
        };
        assert_eq!(
            run["dialogs"],
            json!([]),
            "{label}: a payload opened a dialog"
        );
        assert_eq!(run["canary"], Value::Null, "{label}: a payload ran");
        assert_eq!(run["title"], TITLE, "{label}: a payload changed the title");
        assert_eq!(
            payload_console_lines(&run),
            Vec::<String>::new(),
            "{label}: a payload logged"
        );
        assert_eq!(run["pageErrors"], json!([]), "{label}: the page threw");
        assert_eq!(
            run["injected"],
            json!([]),
            "{label}: report text became elements"
        );
        assert_eq!(
            run["violations"],
            json!([]),
            "{label}: something tried to run or load against the CSP"
        );
        assert_eq!(
            run["foreign"],
            json!([]),
            "{label}: requests left the collector"
        );
        assert_eq!(
            run["unexpectedPaths"],
            json!([]),
            "{label}: requests to paths the dashboard does not use"
        );
        assert_eq!(
            run["groupsClicked"].as_u64(),
            Some(groups.len() as u64),
            "{label}: every group was opened"
        );
        assert!(run["hostsClicked"].as_u64() > Some(0), "{label}");
        let before = run["beforeToken"].as_str().unwrap();
        assert!(
            before.contains("needs a read token") && !before.contains("example.com"),
            "{label}: data shown before the token was entered: {before}"
        );
        let seen = squash(
            &run["texts"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let hidden: Vec<&String> = expected
            .iter()
            .filter(|s| !seen.contains(&squash(s)))
            .collect();
        assert!(
            hidden.is_empty(),
            "{label}: stored strings not shown as text: {hidden:#?}"
        );
    }

    // The same checks catch the bug they look for. Payload 1 is
    // `"><img src=x onerror=__offsite_pwned=1>`: re-inserted as HTML it
    // makes an <img>, which requests /x and, without the CSP, runs.
    let control = visit(
        &script,
        collector.addr,
        true,
        Some("https://p1.example.com"),
    );
    eprintln!(
        "control run without the CSP: injected {} canary {} requests {}",
        control["injected"], control["canary"], control["unexpectedPaths"]
    );
    assert!(
        control["injected"]
            .as_array()
            .is_some_and(|a| a.iter().any(|e| e["tag"] == "IMG")),
        "the control run's re-inserted <img> went unnoticed: {control:#}"
    );
    assert_eq!(control["canary"], "1", "{control:#}");
    assert!(
        control["unexpectedPaths"].as_array().is_some_and(|a| a
            .iter()
            .any(|u| u.as_str().is_some_and(|u| u.ends_with("/x")))),
        "{control:#}"
    );
    // With its CSP, the dashboard blocks the inline handler even then.
    let control = visit(
        &script,
        collector.addr,
        false,
        Some("https://p1.example.com"),
    );
    eprintln!(
        "control run under the CSP: canary {} violations {}",
        control["canary"], control["violations"]
    );
    assert_eq!(control["canary"], Value::Null, "{control:#}");
    assert!(
        control["violations"].as_array().is_some_and(|v| v
            .iter()
            .any(|v| v["effectiveDirective"] == "script-src-attr")),
        "{control:#}"
    );
}
