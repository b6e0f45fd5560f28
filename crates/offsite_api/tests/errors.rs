//! Error paths against a tiny fake HTTP server on 127.0.0.1: what is retried, what is
//! not, and that every error names the request. Each test is bounded to a few seconds.
#![expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]

use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use offsite_api::{ApiClient, ApiError, ClientOptions, crawl_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted answer of the fake server.
#[derive(Clone)]
enum Reply {
    /// status, extra header lines, content type, body
    Http(u16, &'static str, &'static str, String),
    /// Reads the request and never answers (until the test ends).
    Hang,
}

fn json(body: &str) -> Reply {
    Reply::Http(200, "", "application/json; charset=utf-8", body.to_owned())
}

const SITEINFO: &str = r#"{"batchcomplete":true,"query":{"general":{"wikiid":"fakewiki","sitename":"Fake","server":"http://127.0.0.1","servername":"127.0.0.1","scriptpath":"/w","script":"/w/index.php","articlepath":"/wiki/$1","generator":"MediaWiki 1.39.0"},"namespaces":{"0":{"id":0,"name":""},"2":{"id":2,"name":"User","canonical":"User"}}}}"#;

/// Serves `replies` in order, one per connection (`Connection: close`), then 404s.
/// Returns the base api.php URL and the raw requests received.
async fn serve(replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/w/api.php", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        let mut replies = replies.into_iter();
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let reply = replies.next().unwrap_or(Reply::Http(
                404,
                "",
                "text/plain",
                "no more replies".into(),
            ));
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                // headers, then the body by Content-Length (POST forms)
                loop {
                    let Ok(n) = sock.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                            })
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf).to_string());
                match reply {
                    Reply::Hang => tokio::time::sleep(Duration::from_secs(30)).await,
                    Reply::Http(status, headers, ctype, body) => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
                            body.len()
                        );
                        let _ = sock.write_all(head.as_bytes()).await;
                        let _ = sock.write_all(body.as_bytes()).await;
                        let _ = sock.shutdown().await;
                    }
                }
            });
        }
    });
    (url, seen)
}

fn options(url: &str) -> ClientOptions {
    let mut o = ClientOptions::new(url, "offsite-tests@example.invalid");
    o.retry_base_delay = Duration::from_millis(20);
    o.max_retries = 3;
    o.timeout = Duration::from_secs(5);
    o
}

#[tokio::test]
async fn retries_429_after_retry_after_and_sends_polite_headers() {
    let (url, seen) = serve(vec![
        Reply::Http(429, "Retry-After: 1\r\n", "text/plain", "slow down".into()),
        json(SITEINFO),
    ])
    .await;
    let client = ApiClient::new(options(&url)).unwrap();
    let start = Instant::now();
    let info = client.site_info().await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "Retry-After not honoured: {:?}",
        start.elapsed()
    );
    assert!(start.elapsed() < Duration::from_secs(4));
    assert_eq!(info.wiki_id, "fakewiki");
    assert_eq!(info.script, "/w/index.php");
    assert_eq!(client.requests_sent(), 2);
    let seen = seen.lock().unwrap();
    let first = seen[0].to_ascii_lowercase();
    assert!(first.contains("maxlag=5"), "{first}");
    assert!(first.contains("formatversion=2"), "{first}");
    assert!(
        first.contains(&format!(
            "user-agent: offsite/{} (offsite-tests@example.invalid)",
            env!("CARGO_PKG_VERSION")
        )),
        "{first}"
    );
    assert!(first.contains("accept-encoding: gzip"), "{first}");
}

#[tokio::test]
async fn retries_503_then_succeeds() {
    let page = "<html><head><title>503 Service Unavailable</title></head><body>busy</body></html>";
    let (url, _) = serve(vec![
        Reply::Http(503, "", "text/html", page.into()),
        json(SITEINFO),
    ])
    .await;
    let client = ApiClient::new(options(&url)).unwrap();
    assert_eq!(client.site_info().await.unwrap().site_name, "Fake");
    assert_eq!(client.requests_sent(), 2);
}

#[tokio::test]
async fn gives_up_on_persistent_503_naming_request_and_status() {
    let page = "<html><head><title>503 Service Unavailable</title></head></html>";
    let replies = vec![Reply::Http(503, "", "text/html", page.into()); 4];
    let (url, _) = serve(replies).await;
    let client = ApiClient::new(options(&url)).unwrap();
    let err = client.site_info().await.unwrap_err();
    assert!(
        matches!(
            err,
            ApiError::Status {
                status: 503,
                attempts: 4,
                ..
            }
        ),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("action=query meta=siteinfo"), "{msg}");
    assert!(
        msg.contains("HTTP 503") && msg.contains("503 Service Unavailable"),
        "{msg}"
    );
    assert!(err.is_transient());
    assert_eq!(client.requests_sent(), 4);
}

#[tokio::test]
async fn waits_out_maxlag_then_gives_up_when_it_persists() {
    let lag = r#"{"error":{"code":"maxlag","info":"Waiting for 10.0.0.1: 7 seconds lagged.","host":"db1","lag":7}}"#;
    let (url, _) = serve(vec![
        Reply::Http(
            200,
            "Retry-After: 1\r\nX-Database-Lag: 7\r\n",
            "application/json",
            lag.into(),
        ),
        json(SITEINFO),
    ])
    .await;
    let client = ApiClient::new(options(&url)).unwrap();
    let start = Instant::now();
    client.site_info().await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(1));

    let replies = vec![Reply::Http(200, "Retry-After: 0\r\n", "application/json", lag.into()); 3];
    let (url, _) = serve(replies).await;
    let mut o = options(&url);
    o.max_retries = 2;
    let client = ApiClient::new(o).unwrap();
    let err = client.site_info().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Maxlag { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("7 seconds lagged"), "{err}");
}

#[tokio::test]
async fn html_error_page_is_a_clear_error_and_not_retried() {
    let page = "<!DOCTYPE html><html><head><title>Wiki error</title></head><body>Fatal exception</body></html>";
    let (url, _) = serve(vec![Reply::Http(
        200,
        "",
        "text/html; charset=utf-8",
        page.into(),
    )])
    .await;
    let client = ApiClient::new(options(&url)).unwrap();
    let err = client.gadgets().await.unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(err, ApiError::NotJson { status: 200, .. }),
        "{err:?}"
    );
    assert!(
        msg.contains("action=query list=gadgets gaprop=id|metadata|desc"),
        "{msg}"
    );
    assert!(
        msg.contains("text/html") && msg.contains("Wiki error"),
        "{msg}"
    );
    assert_eq!(client.requests_sent(), 1);
}

#[tokio::test]
async fn api_error_object_is_not_retried() {
    let bad = r#"{"error":{"code":"unknown_list","info":"Unrecognized value for parameter \"list\": gadgets."}}"#;
    let (url, _) = serve(vec![json(bad)]).await;
    let client = ApiClient::new(options(&url)).unwrap();
    let err = client.gadgets().await.unwrap_err();
    assert!(
        matches!(&err, ApiError::Api { code, .. } if code == "unknown_list"),
        "{err:?}"
    );
    assert_eq!(client.requests_sent(), 1);
}

#[tokio::test]
async fn a_hang_times_out_retries_and_stays_bounded() {
    let (url, _) = serve(vec![Reply::Hang, Reply::Hang]).await;
    let mut o = options(&url);
    o.timeout = Duration::from_millis(300);
    o.max_retries = 1;
    let client = ApiClient::new(o).unwrap();
    let start = Instant::now();
    let err = client.site_info().await.unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert!(
        matches!(err, ApiError::Timeout { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("action=query meta=siteinfo"),
        "{err}"
    );
}

#[tokio::test]
async fn crawl_error_keeps_what_was_delivered_and_resumes_from_checkpoint() {
    let list1 = r#"{"continue":{"gapcontinue":"B.js","continue":"gapcontinue||"},"query":{"pages":[{"pageid":1,"ns":2,"title":"User:A/a.js","contentmodel":"javascript"},{"pageid":9,"ns":2,"title":"User:A","contentmodel":"wikitext"}]}}"#;
    let fetch1 = r#"{"batchcomplete":true,"query":{"pages":[{"pageid":1,"ns":2,"title":"User:A/a.js","revisions":[{"revid":11,"timestamp":"2026-01-01T00:00:00Z","user":"A","sha1":"ab","slots":{"main":{"contentmodel":"javascript","contentformat":"text/javascript","content":"mw.loader.load('https://x.example/a.js');"}}}]}]}}"#;
    let list2 = r#"{"batchcomplete":true,"query":{"pages":[{"pageid":2,"ns":2,"title":"User:B/b.css","contentmodel":"css"}]}}"#;
    let fetch2 = r#"{"batchcomplete":true,"query":{"pages":[{"pageid":2,"ns":2,"title":"User:B/b.css","revisions":[{"revid":12,"timestamp":"2026-01-02T00:00:00Z","user":"B","sha1":"cd","slots":{"main":{"contentmodel":"css","contentformat":"text/css","content":"@import url(https://fonts.example/x.css);"}}}]}]}}"#;
    let definition = r#"{"batchcomplete":true,"query":{"pages":[{"ns":8,"title":"MediaWiki:Gadgets-definition","missing":true}]}}"#;
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("crawl.json");

    // Run 1: the second listing request hits a 400 HTML page.
    let (url, _) = serve(vec![
        json(list1),
        json(fetch1),
        Reply::Http(400, "", "text/html", "<title>Bad request</title>".into()),
    ])
    .await;
    let mut o = options(&url);
    o.namespaces = vec![2];
    let client = ApiClient::new(o.clone()).unwrap();
    let mut got = Vec::new();
    let s = crawl_with(&client, Some(&cp), None, |p| {
        got.push(p.title);
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    assert_eq!(got, ["User:A/a.js"]);
    assert!(s.is_partial() && !s.stopped);
    assert!(
        s.error
            .as_ref()
            .unwrap()
            .to_string()
            .contains("gapcontinue=B.js"),
        "{:?}",
        s.error
    );
    assert_eq!((s.delivered, s.fetched, s.requests), (1, 1, 3));

    // Run 2 (another server, same URL in the checkpoint): resumes at B.js.
    let (url2, seen2) = serve(vec![json(list2), json(fetch2), json(definition)]).await;
    let raw = std::fs::read_to_string(&cp).unwrap().replace(&url, &url2);
    std::fs::write(&cp, raw).unwrap();
    o.api_url = url2;
    let client = ApiClient::new(o).unwrap();
    let s = crawl_with(&client, Some(&cp), None, |p| {
        got.push(p.title);
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    assert!(s.complete && s.error.is_none(), "{:?}", s.error);
    assert_eq!(got, ["User:A/a.js", "User:B/b.css"]);
    assert_eq!((s.delivered, s.delivered_total), (1, 2));
    assert!(seen2.lock().unwrap()[0].contains("gapcontinue=B.js"));
    // a finished checkpoint is a no-op
    let s = crawl_with(&client, Some(&cp), None, |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    assert!(s.complete);
    assert_eq!((s.delivered, s.requests), (0, 0));
}
