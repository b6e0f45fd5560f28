//! A real collector on 127.0.0.1 with a real SQLite file in a temp dir.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use offsite_serve::{ServeConfig, ServeError};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const CSP_REPORT: &str = include_str!("../fixtures/chromium-csp-report.json");
pub const REPORTS_JSON: &str = include_str!("../fixtures/chromium-reports.json");
pub const CHROME_UA: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36";

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub struct Server {
    pub addr: SocketAddr,
    pub base: String,
    pub client: reqwest::Client,
    pub db: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServeError>>>,
    dir: tempfile::TempDir,
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Starts a collector with test defaults (no rate limit) changed by `edit`.
pub async fn start(edit: impl FnOnce(&mut ServeConfig)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reports.db");
    let mut config = ServeConfig {
        store: format!("sqlite:{}", db.display()),
        ..ServeConfig::default()
    };
    config.rate_limit.per_second = 0.0;
    edit(&mut config);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (router, handle) = offsite_serve::app(config).await.unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(offsite_serve::run(listener, router, handle, async move {
        let _ = stopped.await;
    }));
    Server {
        addr,
        base: format!("http://{addr}"),
        client: client(),
        db,
        stop: Some(stop),
        task: Some(task),
        dir,
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POSTs `body` as `content_type` to `path`.
    pub async fn post(&self, path: &str, content_type: &str, body: &str) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .header("user-agent", CHROME_UA)
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let resp = self.client.get(self.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), 200, "GET {path}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/json",
            "GET {path}"
        );
        resp.json().await.unwrap()
    }

    pub async fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The value of one metric line (`name{labels}`), 0 when absent.
    pub async fn metric(&self, series: &str) -> i64 {
        metric_value(&self.metrics().await, series)
    }

    /// Stops the server (graceful: flushes the writer) and returns its result.
    pub async fn stop(self) -> Result<(), ServeError> {
        self.stop_keeping_files().await.0
    }

    /// Like [`Server::stop`], but hands over the temp dir so the database
    /// outlives the server.
    pub async fn stop_keeping_files(mut self) -> (Result<(), ServeError>, tempfile::TempDir) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let result = self.task.take().unwrap().await.unwrap();
        (result, self.dir)
    }

    /// Waits until `check` holds for the JSON at `path`, up to five seconds
    /// (attribution runs after the acknowledgement).
    pub async fn wait_for(
        &self,
        path: &str,
        check: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        for _ in 0..100 {
            let v = self.get_json(path).await;
            if check(&v) {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{path} never satisfied the check");
    }
}

pub fn metric_value(text: &str, series: &str) -> i64 {
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(series)?;
            rest.strip_prefix(' ')?.trim().parse().ok()
        })
        .unwrap_or(0)
}
