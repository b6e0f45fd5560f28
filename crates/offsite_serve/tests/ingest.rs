//! `POST /csp-report` over real HTTP: every format Chromium sends, the
//! MediaWiki-compatible errors, limits, CORS.
#![expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]

mod common;

use common::{CSP_REPORT, REPORTS_JSON, start};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn chromium_csp_report_is_stored_and_grouped() {
    let server = start(|_| {}).await;
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");

    let reports = server.get_json("/api/reports").await;
    let reports = reports["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!(r["directive"], "script-src-elem");
    assert_eq!(
        r["blocked"],
        json!({"kind": "url", "value": "https://cdn.example.org/x.js"})
    );
    assert_eq!(r["document"], "http://127.0.0.1:8091/index.php/Main_Page");
    assert_eq!(r["source_file"], "http://127.0.0.1:8091/load.php");
    assert_eq!(r["line"], 9);
    assert_eq!(r["column"], 655);
    assert_eq!(r["disposition"], "report");
    assert_eq!(r["format"], "csp-report");

    let groups = server.get_json("/api/groups").await;
    let groups = groups["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["blocked_origin"], "https://cdn.example.org");
    assert_eq!(groups[0]["document_host"], "127.0.0.1");
    assert_eq!(groups[0]["count"], 1);
    assert_eq!(server.metric("offsite_reports_accepted_total").await, 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn mediawiki_json_form_with_reportonly_and_source() {
    let server = start(|_| {}).await;
    // MediaWiki's report-uri is `api.php?action=cspreport&format=json&reportonly=1`;
    // the body below has no `disposition`, so `reportonly` decides it.
    let mut body: Value = serde_json::from_str(CSP_REPORT).unwrap();
    body["csp-report"]
        .as_object_mut()
        .unwrap()
        .remove("disposition");
    let resp = server
        .post(
            "/csp-report?action=cspreport&format=json&reportonly=1&source=gadgets",
            "application/json",
            &body.to_string(),
        )
        .await;
    assert_eq!(resp.status(), 204);
    let reports = server.get_json("/api/reports").await;
    let r = &reports["reports"][0];
    assert_eq!(r["disposition"], "report");
    assert_eq!(r["source"], "gadgets");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn reporting_api_batch_after_preflight() {
    let server = start(|_| {}).await;
    // Chromium's preflight before an application/reports+json POST.
    let pre = server
        .client
        .request(reqwest::Method::OPTIONS, server.url("/reports"))
        .header("origin", "https://127.0.0.1:8443")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(pre.status(), 204);
    let h = pre.headers();
    assert_eq!(h["access-control-allow-origin"], "*");
    assert_eq!(h["access-control-allow-methods"], "POST");
    assert_eq!(h["access-control-allow-headers"], "content-type");
    assert_eq!(h["access-control-max-age"], "86400");

    let resp = server
        .post("/reports", "application/reports+json", REPORTS_JSON)
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");

    let reports = server.get_json("/api/reports").await;
    let reports = reports["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 4);
    assert!(reports.iter().all(|r| r["format"] == "reports-json"));
    let mut blocked: Vec<&str> = reports
        .iter()
        .map(|r| r["blocked"]["value"].as_str().unwrap())
        .collect();
    blocked.sort_unstable();
    assert_eq!(
        blocked,
        [
            "https://cdn.example.org/x.css",
            "https://cdn.example.org/x.js",
            "https://fonts.example.com/css",
            "https://widgets.example.com/w.js",
        ]
    );
    let groups = server.get_json("/api/groups").await;
    assert_eq!(groups["groups"].as_array().unwrap().len(), 4);
    assert_eq!(server.metric("offsite_reports_accepted_total").await, 4);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn every_report_path_alias_accepts() {
    let server = start(|_| {}).await;
    for path in ["/csp-report", "/csp-report/", "/report", "/reports"] {
        let resp = server
            .post(path, "application/csp-report", CSP_REPORT)
            .await;
        assert_eq!(resp.status(), 204, "{path}");
    }
    let groups = server.get_json("/api/groups").await;
    assert_eq!(groups["groups"][0]["count"], 4);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn mediawiki_error_codes() {
    let server = start(|_| {}).await;
    let cases = [
        ("application/csp-report", "{not json", "wrongformat"),
        ("application/json", "", "wrongformat"),
        (
            "application/csp-report",
            r#"{"csp-report": 5}"#,
            "wrongformat",
        ),
        ("application/csp-report", r#"{"report": {}}"#, "missingkey"),
        ("application/json", r#"{"blocked-uri": "x"}"#, "missingkey"),
    ];
    for (ct, body, code) in cases {
        let resp = server.post("/csp-report", ct, body).await;
        assert_eq!(resp.status(), 400, "{body}");
        assert_eq!(resp.headers()["access-control-allow-origin"], "*");
        assert_eq!(resp.headers()["content-type"], "application/json");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&v), code, "{body}");
        assert!(!v["error"]["info"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"wrongformat\"}")
            .await,
        3
    );
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"missingkey\"}")
            .await,
        2
    );
    let groups = server.get_json("/api/groups").await;
    assert!(groups["groups"].as_array().unwrap().is_empty());
    server.stop().await.unwrap();
}

#[tokio::test]
async fn other_content_types_are_415() {
    let server = start(|_| {}).await;
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
    ] {
        let resp = server.post("/csp-report", ct, CSP_REPORT).await;
        assert_eq!(resp.status(), 415, "{ct}");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&v), "wrongformat");
    }
    // No Content-Type at all.
    let resp = server
        .client
        .post(server.url("/csp-report"))
        .body(CSP_REPORT)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 415);
    // Parameters and case do not matter.
    let resp = server
        .post(
            "/csp-report",
            "Application/CSP-Report; charset=utf-8",
            CSP_REPORT,
        )
        .await;
    assert_eq!(resp.status(), 204);
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"unsupported_media_type\"}")
            .await,
        4
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn other_methods_are_405_with_allow() {
    let server = start(|_| {}).await;
    for method in [
        reqwest::Method::GET,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let resp = server
            .client
            .request(method.clone(), server.url("/csp-report"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 405, "{method}");
        assert_eq!(resp.headers()["allow"], "POST, OPTIONS");
        let v: Value = resp.json().await.unwrap();
        assert_eq!(error_code(&v), "mustbeposted");
    }
    server.stop().await.unwrap();
}

/// Pads the Chromium report with trailing whitespace (still valid JSON) to
/// exactly `len` bytes.
fn padded_report(len: usize) -> String {
    let mut body = CSP_REPORT.to_owned();
    assert!(body.len() <= len);
    body.extend(std::iter::repeat_n(' ', len - body.len()));
    body
}

#[tokio::test]
async fn size_limits_follow_mediawiki_for_one_report_and_are_larger_for_batches() {
    let server = start(|_| {}).await;
    let ok = server
        .post(
            "/csp-report",
            "application/csp-report",
            &padded_report(8192),
        )
        .await;
    assert_eq!(ok.status(), 204);
    let big = server
        .post(
            "/csp-report",
            "application/csp-report",
            &padded_report(8193),
        )
        .await;
    assert_eq!(big.status(), 413);
    let v: Value = big.json().await.unwrap();
    assert_eq!(error_code(&v), "toobig");

    // A batch may be larger than one report, up to 64 KiB.
    let mut batch = REPORTS_JSON.to_owned();
    batch.extend(std::iter::repeat_n(' ', 20_000));
    let resp = server
        .post("/reports", "application/reports+json", &batch)
        .await;
    assert_eq!(resp.status(), 204);
    batch.extend(std::iter::repeat_n(' ', 50_000));
    let resp = server
        .post("/reports", "application/reports+json", &batch)
        .await;
    assert_eq!(resp.status(), 413);
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"toobig\"}")
            .await,
        2
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn limits_are_configurable() {
    let server = start(|c| c.limits.max_report_bytes = 100).await;
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 413);
    server.stop().await.unwrap();
}

/// A chunked body has no Content-Length: the limit must cut it while
/// reading, not trust a header.
#[tokio::test]
async fn chunked_body_over_the_limit_is_cut_while_reading() {
    let server = start(|_| {}).await;
    let mut sock = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = "POST /csp-report HTTP/1.1\r\nHost: x\r\nContent-Type: application/csp-report\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    sock.write_all(head.as_bytes()).await.unwrap();
    let chunk = " ".repeat(4096);
    // 3 chunks of 4 KiB = 12 KiB > 8 KiB; the server answers without the end.
    for _ in 0..3 {
        let frame = format!("{:x}\r\n{chunk}\r\n", chunk.len());
        if sock.write_all(frame.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        sock.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"toobig\""), "{answer}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn configured_origin_is_sent_instead_of_star() {
    let server = start(|c| c.allow_origin = "https://wiki.example.org".to_owned()).await;
    let resp = server
        .client
        .request(reqwest::Method::OPTIONS, server.url("/csp-report"))
        .header("origin", "https://wiki.example.org")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "https://wiki.example.org"
    );
    assert_eq!(resp.headers()["vary"], "Origin");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn hostile_strings_are_stored_and_returned_escaped() {
    let server = start(|_| {}).await;
    let mut body: Value = serde_json::from_str(CSP_REPORT).unwrap();
    let r = body["csp-report"].as_object_mut().unwrap();
    let sample = "</script><img src=x onerror=alert(1)>\u{2028}";
    r.insert("script-sample".into(), json!(sample));
    r.insert("blocked-uri".into(), json!("inline"));
    r.insert(
        "document-uri".into(),
        json!("https://wiki.example.org/wiki/\"><script>alert(1)</script>"),
    );
    let resp = server
        .post("/csp-report", "application/csp-report", &body.to_string())
        .await;
    assert_eq!(resp.status(), 204);

    let raw = server
        .client
        .get(server.url("/api/reports"))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers()["content-type"], "application/json");
    assert_eq!(raw.headers()["x-content-type-options"], "nosniff");
    let text = raw.text().await.unwrap();
    // No character that could end a script block or start a tag survives
    // unescaped, even inside JSON strings.
    for c in ['<', '>', '&', '\u{2028}'] {
        assert!(!text.contains(c), "{c:?} unescaped in {text}");
    }
    let v: Value = serde_json::from_str(&text).unwrap();
    let stored = &v["reports"][0];
    let kept_sample = stored["sample"].as_str().unwrap();
    assert!(
        sample.starts_with(kept_sample) && !kept_sample.is_empty(),
        "{kept_sample}"
    );
    assert_eq!(stored["blocked"]["kind"], "inline");
    let document = stored["document"].as_str().unwrap();
    assert!(
        document.starts_with("https://wiki.example.org/wiki/"),
        "{document}"
    );
    server.stop().await.unwrap();
}
