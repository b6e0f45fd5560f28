//! Operations over real HTTP: overload and rate limits, metrics, health,
//! the dashboard's headers, alerts, graceful shutdown.
#![expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{CSP_REPORT, REPORTS_JSON, start};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Mutex;

fn report_for(host: &str) -> String {
    CSP_REPORT.replace(
        "https://cdn.example.org/x.js",
        &format!("https://{host}/x.js"),
    )
}

/// Every 204 is a stored report; a full queue answers 503 with Retry-After.
#[tokio::test]
async fn a_full_queue_sheds_load_and_never_acknowledges_unstored_reports() {
    let server = start(|c| {
        c.writer.queue_capacity = 1;
        c.writer.batch_max_reports = 1;
        c.writer.batch_max_wait_ms = 0;
        c.sqlite_sync_full = true;
    })
    .await;
    let mut ok = 0;
    let mut shed = 0;
    for _round in 0..10 {
        let mut tasks = Vec::new();
        for i in 0..100 {
            let client = server.client.clone();
            let url = server.url("/csp-report");
            let body = report_for(&format!("h{i}.example.org"));
            tasks.push(tokio::spawn(async move {
                client
                    .post(url)
                    .header("content-type", "application/csp-report")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            let resp = t.await.unwrap();
            match resp.status().as_u16() {
                204 => ok += 1,
                503 => {
                    let retry: u64 = resp.headers()["retry-after"]
                        .to_str()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert!(retry >= 1);
                    let v: Value = resp.json().await.unwrap();
                    assert_eq!(v["error"]["code"], "overloaded");
                    shed += 1;
                }
                other => panic!("unexpected status {other}"),
            }
        }
        if shed > 0 {
            break;
        }
    }
    assert!(
        shed > 0,
        "a queue of one never filled under 100 concurrent requests"
    );
    let stats = server.get_json("/api/stats").await;
    assert_eq!(stats["total_reports"], ok, "204s = stored reports");
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"overloaded\"}")
            .await,
        shed
    );
    server.stop().await.unwrap();
}

/// A request whose body is still arriving holds its slot; past
/// `max-in-flight` new requests are refused at once instead of queueing.
#[tokio::test]
async fn in_flight_limit_refuses_at_once() {
    let server = start(|c| c.limits.max_in_flight = 1).await;
    let mut slow = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    slow.write_all(
        b"POST /csp-report HTTP/1.1\r\nHost: x\r\nContent-Type: application/csp-report\r\n\
          Content-Length: 700\r\n\r\n{\"csp-report\":",
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    drop(slow);
    // The slot comes back once the slow client is gone.
    let mut status = 0;
    for _ in 0..50 {
        status = server
            .post("/csp-report", "application/csp-report", CSP_REPORT)
            .await
            .status()
            .as_u16();
        if status == 204 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 204);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn rate_limit_per_client_answers_429() {
    let server = start(|c| {
        c.rate_limit.per_second = 0.5;
        c.rate_limit.burst = 3;
    })
    .await;
    for _ in 0..3 {
        let resp = server
            .post("/csp-report", "application/csp-report", CSP_REPORT)
            .await;
        assert_eq!(resp.status(), 204);
    }
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=3).contains(&retry), "{retry}");
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"rate_limited\"}")
            .await,
        1
    );
    // Reading is not rate-limited.
    let stats = server.get_json("/api/stats").await;
    assert_eq!(stats["total_reports"], 3);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn noise_is_filtered_and_counted_by_reason() {
    let server = start(|_| {}).await;
    let extension = CSP_REPORT.replace(
        "https://cdn.example.org/x.js",
        "chrome-extension://abcdefghijklmnop/inject.js",
    );
    for _ in 0..2 {
        let resp = server
            .post("/csp-report", "application/csp-report", &extension)
            .await;
        assert_eq!(
            resp.status(),
            204,
            "filtered reports are answered like stored ones"
        );
    }
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 204);

    assert_eq!(
        server
            .metric("offsite_reports_filtered_total{reason=\"extension_scheme\"}")
            .await,
        2
    );
    assert_eq!(server.metric("offsite_reports_accepted_total").await, 1);
    let groups = server.get_json("/api/groups").await;
    assert_eq!(groups["groups"].as_array().unwrap().len(), 1);
    let filtered = server
        .wait_for("/api/filtered", |v| {
            v["filtered"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await;
    assert_eq!(
        filtered["filtered"],
        serde_json::json!([["extension_scheme", 2]])
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn metrics_and_health() {
    let server = start(|_| {}).await;
    let health = server.get_json("/healthz").await;
    assert_eq!(health["status"], "ok");

    let resp = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let text = resp.text().await.unwrap();
    for series in [
        "# TYPE offsite_reports_accepted_total counter",
        "# TYPE offsite_reports_filtered_total counter",
        "offsite_reports_rejected_total{reason=\"wrongformat\"} 0",
        "offsite_reports_rejected_total{reason=\"overloaded\"} 0",
        "# TYPE offsite_queue_depth gauge",
        "# TYPE offsite_write_batch_seconds histogram",
        "offsite_write_batch_seconds_bucket{le=\"+Inf\"} 0",
        "# TYPE offsite_alerts_sent_total counter",
        "# TYPE offsite_store_errors_total counter",
    ] {
        assert!(text.contains(series), "{series} missing from\n{text}");
    }
    let resp = server
        .post("/reports", "application/reports+json", REPORTS_JSON)
        .await;
    assert_eq!(resp.status(), 204);
    let text = server.metrics().await;
    assert_eq!(
        common::metric_value(&text, "offsite_reports_accepted_total"),
        4
    );
    assert!(common::metric_value(&text, "offsite_write_batch_seconds_count") >= 1);
    assert_eq!(common::metric_value(&text, "offsite_queue_depth"), 0);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn dashboard_is_served_with_a_strict_policy() {
    let server = start(|_| {}).await;
    let csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
               img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    for (path, ct) in [
        ("/", "text/html; charset=utf-8"),
        ("/dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard.css", "text/css; charset=utf-8"),
    ] {
        let resp = server.client.get(server.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let h = resp.headers();
        assert_eq!(h["content-type"], ct, "{path}");
        assert_eq!(h["content-security-policy"], csp, "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
    }
    let html = server
        .client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Everything the page runs is its own file: no inline script, no inline
    // style, nothing from another origin.
    assert!(html.contains("<script src=\"/dashboard.js\" defer></script>"));
    assert_eq!(html.matches("<script").count(), 1);
    assert!(!html.contains("style="));
    for external in ["http:", "https:", "=\"//"] {
        assert!(!html.contains(external), "external reference {external}");
    }

    let js = server
        .client
        .get(server.url("/dashboard.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code: String = js
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for sink in [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
    ] {
        assert!(!code.contains(sink), "dashboard.js uses {sink}");
    }
    assert!(code.contains("textContent") && code.contains("createElementNS"));
    // The API answers JSON with nosniff, so a browser never renders it.
    let api = server
        .client
        .get(server.url("/api/groups"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["content-type"], "application/json");
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    // Unknown paths: 404, JSON.
    let nf = server.client.get(server.url("/nope")).send().await.unwrap();
    assert_eq!(nf.status(), 404);
    server.stop().await.unwrap();
}

/// Requests the writer holds when shutdown starts are still written and
/// acknowledged; the server then stops.
#[tokio::test]
async fn shutdown_flushes_the_queue() {
    let server = start(|c| {
        // The writer waits up to 1.5 s to fill a batch: requests sit in it.
        c.writer.batch_max_wait_ms = 1500;
        c.writer.batch_max_reports = 10_000;
    })
    .await;
    let db = server.db.clone();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = server.client.clone();
        let url = server.url("/csp-report");
        let body = report_for(&format!("s{i}.example.org"));
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("content-type", "application/csp-report")
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16())
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = tokio::spawn(server.stop_keeping_files());
    let mut acknowledged = 0;
    for t in tasks {
        if t.await.unwrap().unwrap() == 204 {
            acknowledged += 1;
        }
    }
    let (result, _dir) = stopped.await.unwrap();
    result.unwrap();
    assert_eq!(acknowledged, 20);

    let store = offsite_store::Store::open(
        &offsite_store::StoreSpec::Sqlite(db),
        offsite_store::StoreOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(store.total_reports().await.unwrap(), 20);
}

/// A webhook receiver on 127.0.0.1 that keeps every JSON body.
async fn webhook_receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sink = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let sink = sink.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    let Some((head, body)) = text.split_once("\r\n\r\n") else {
                        continue;
                    };
                    let len: usize = head
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    if body.len() < len {
                        continue;
                    }
                    sink.lock()
                        .await
                        .push(serde_json::from_str(&body[..len]).unwrap());
                    let _ = sock
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                    return;
                }
            });
        }
    });
    (format!("http://{addr}/hook"), got)
}

#[tokio::test]
async fn new_groups_are_sent_to_the_webhook_debounced() {
    let (hook, got) = webhook_receiver().await;
    let server = start(|c| {
        c.alerts.webhook = Some(hook);
        c.alerts.debounce_secs = 2;
        c.inventory = Some(common::fixture("inventory.json"));
    })
    .await;
    let resp = server
        .post("/reports", "application/reports+json", REPORTS_JSON)
        .await;
    assert_eq!(resp.status(), 204);
    // A second new group right after: it waits for the debounce period.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let resp = server
        .post(
            "/csp-report",
            "application/csp-report",
            &report_for("late.example.org"),
        )
        .await;
    assert_eq!(resp.status(), 204);

    let mut alerts = Vec::new();
    for _ in 0..100 {
        alerts = got.lock().await.clone();
        if alerts.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    let first = &alerts[0];
    assert_eq!(first["kind"], "new-groups");
    assert_eq!(first["groups"].as_array().unwrap().len(), 4, "{first}");
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .starts_with("offsite: 4 new CSP report groups")
    );
    let cdn = first["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            g["blocked_origin"] == "https://cdn.example.org" && g["directive"] == "script-src-elem"
        })
        .unwrap();
    assert!(!cdn["attributions"].as_array().unwrap().is_empty(), "{cdn}");
    let second = &alerts[1];
    assert_eq!(second["groups"].as_array().unwrap().len(), 1);
    assert_eq!(
        second["groups"][0]["blocked_origin"],
        "https://late.example.org"
    );
    assert_eq!(server.metric("offsite_alerts_sent_total").await, 2);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_failing_webhook_is_counted_and_does_not_touch_ingestion() {
    // A port nobody listens on.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let server = start(|c| c.alerts.webhook = Some(url)).await;
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 204);
    let mut failed = 0;
    for _ in 0..100 {
        failed = server.metric("offsite_alerts_failed_total").await;
        if failed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(failed, 1);
    assert_eq!(server.metric("offsite_alerts_sent_total").await, 0);
    server.stop().await.unwrap();
}

/// A client that opens a connection and stalls (before or between
/// requests) loses it after the idle timeout instead of holding a slot.
#[tokio::test]
async fn silent_connections_are_closed_after_the_idle_timeout() {
    let server = start(|c| c.limits.idle_timeout_secs = 1).await;
    let mut silent = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut stalled = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    stalled
        .write_all(b"POST /csp-report HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    for sock in [&mut silent, &mut stalled] {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "the server kept a silent connection open");
    }
    assert!(started.elapsed() >= Duration::from_millis(900));
    // Active clients are not affected.
    let resp = server
        .post("/csp-report", "application/csp-report", CSP_REPORT)
        .await;
    assert_eq!(resp.status(), 204);
    server.stop().await.unwrap();
}

/// A body that never finishes is cut at the request timeout and counted.
#[tokio::test]
async fn slow_bodies_time_out_with_408() {
    let server = start(|c| c.limits.request_timeout_secs = 1).await;
    let mut sock = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    sock.write_all(
        b"POST /csp-report HTTP/1.1\r\nHost: x\r\nContent-Type: application/csp-report\r\n\
          Content-Length: 700\r\n\r\n{\"csp-report\":",
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), sock.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(
        server
            .metric("offsite_reports_rejected_total{reason=\"timeout\"}")
            .await,
        1
    );
    server.stop().await.unwrap();
}
