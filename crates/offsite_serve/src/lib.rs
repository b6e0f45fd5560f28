//! `offsite serve`: the CSP report collector.
//!
//! One binary answers browsers (`POST /csp-report` in every report format),
//! keeps the reports (through `offsite_store`, one writer task, batched),
//! and shows them (a dashboard and a JSON API), with alerts, health and
//! metrics. Parsing, noise filtering and attribution live in
//! `offsite_collect`; this crate is the HTTP and task plumbing around them.
//!
//! - [`serve`] binds `config.listen` and runs until `shutdown` resolves.
//! - [`app`] builds the router and its background tasks without a socket;
//!   [`run`] serves them on a listener (tests bind `127.0.0.1:0`).
//!
//! What it does not do: TLS (put a proxy in front: browsers send
//! `report-to` reports to https endpoints only), user accounts (one bearer
//! token guards reading), or any analysis of the reports beyond grouping.

mod alerts;
mod api;
mod attribution;
mod config;
mod dashboard;
mod ingest;
mod limit;
mod log;
mod metrics;
mod writer;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use offsite_collect::filter::NoiseFilter;
use offsite_store::{Store, StoreError, StoreOptions, StoreSpec};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, mpsc, watch};
use tokio::task::JoinHandle;
use tower_http::timeout::TimeoutLayer;

pub use config::{
    AlertsConfig, LimitsConfig, RateLimitConfig, RetentionConfig, ServeConfig, WriterConfig,
};

use crate::alerts::Alerter;
use crate::attribution::Attributor;
use crate::limit::{ClientAddr, LimitedListener, RateLimiter};
use crate::metrics::Metrics;
use crate::writer::{Job, Writer};

/// New groups waiting for attribution; beyond it they are counted and left
/// unattributed.
const NEW_GROUP_QUEUE: usize = 4096;
/// How long `/healthz` waits for the store.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// Why the collector could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("the operating system gave no random bytes for the rate-limit key")]
    NoRandomness,
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("cannot listen on `{addr}`: {source}")]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the scan `{}`: {reason}", path.display())]
    Inventory { path: PathBuf, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot build the alert webhook client: {0}")]
    Webhook(String),
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything handlers share.
pub(crate) struct AppState {
    pub cfg: ServeConfig,
    pub store: Arc<Store>,
    pub jobs: mpsc::Sender<Job>,
    pub metrics: Arc<Metrics>,
    pub limiter: RateLimiter,
    pub in_flight: Arc<Semaphore>,
    pub filter: NoiseFilter,
    pub allow_origin: HeaderValue,
    pub attribution_loaded: bool,
}

pub(crate) type Shared = Arc<AppState>;

/// The background tasks behind a router: the writer, attribution, alerts
/// and retention. [`Handle::shutdown`] flushes and stops them.
pub struct Handle {
    close_writer: Arc<Notify>,
    stop: watch::Sender<bool>,
    writer: JoinHandle<()>,
    attributor: JoinHandle<()>,
    alerter: Option<JoinHandle<()>>,
    retention: JoinHandle<()>,
    max_connections: usize,
    idle_timeout: Duration,
    grace: Duration,
    store: Arc<Store>,
}

impl Handle {
    /// Stops taking reports, writes and acknowledges everything queued,
    /// sends pending alerts, and waits for the tasks (at most a few seconds
    /// for the alert webhook).
    pub async fn shutdown(self) {
        self.close_writer.notify_one();
        let _ = self.stop.send(true);
        let _ = self.writer.await;
        // The writer held the only sender of new groups: attribution ends
        // once it has handled what is left, then alerts.
        let _ = self.attributor.await;
        if let Some(alerter) = self.alerter {
            let _ = tokio::time::timeout(Duration::from_secs(15), alerter).await;
        }
        let _ = self.retention.await;
        self.store.close().await;
    }
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `{"error": {"code": CODE, "info": INFO}}`, the shape of MediaWiki's API
/// errors, with `status`.
pub(crate) fn error_response(status: StatusCode, code: &str, info: &str) -> Response {
    let body = serde_json::json!({ "error": { "code": code, "info": info } });
    let mut resp = json_ok(&body);
    *resp.status_mut() = status;
    resp
}

/// `value` as `application/json`, with `<`, `>`, `&`, U+2028 and U+2029
/// written as `\uXXXX` escapes: report strings are attacker-controlled,
/// and this way no response can close a `<script>` or start a tag even if
/// something sniffs it or pastes it into HTML.
pub(crate) fn json_ok(value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            escape_for_html(bytes),
        )
            .into_response(),
        Err(e) => {
            log::error(&format!("encoding a response failed: {e}"));
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Replaces the characters listed at [`json_ok`] by JSON escapes. In valid
/// JSON they can only occur inside strings, where the escape means the same.
pub(crate) fn escape_for_html(bytes: Vec<u8>) -> Vec<u8> {
    let needs = |b: &u8| matches!(b, b'<' | b'>' | b'&' | 0xE2);
    if !bytes.iter().any(needs) {
        return bytes;
    }
    let mut out = Vec::with_capacity(bytes.len() + 32);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                out.extend_from_slice(if bytes[i + 2] == 0xA8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                });
                i += 3;
                continue;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn store_options(cfg: &ServeConfig) -> StoreOptions {
    let days = |d: u32| i64::from(d) * 86_400;
    StoreOptions {
        bucket_secs: i64::from(cfg.retention.bucket_secs),
        samples_per_group: cfg.retention.samples_per_group,
        sample_retention_secs: days(cfg.retention.samples_days),
        aggregate_retention_secs: days(cfg.retention.aggregates_days),
        sqlite_sync_full: cfg.sqlite_sync_full,
        ..StoreOptions::default()
    }
}

/// Builds the router and starts its background tasks: opens the store,
/// loads the inventory, spawns the writer. Needs a tokio runtime.
pub async fn app(config: ServeConfig) -> Result<(Router, Handle), ServeError> {
    config.validate()?;
    let allow_origin = HeaderValue::from_str(&config.allow_origin)
        .map_err(|e| ServeError::Config(format!("`serve.allow-origin`: {e}")))?;
    let spec = StoreSpec::parse(&config.store)?;
    let store = Arc::new(Store::open(&spec, store_options(&config)).await?);
    if config.gadgets.is_some() && config.inventory.is_none() {
        return Err(ServeError::Config(
            "`serve.gadgets` names gadgets for attribution, which needs `serve.inventory`"
                .to_owned(),
        ));
    }
    let index = config
        .inventory
        .as_deref()
        .map(|scan| attribution::load_inventory(scan, config.gadgets.as_deref()))
        .transpose()?;
    for problem in config.noise.problems() {
        log::warn(&format!("serve.noise: {problem}"));
    }
    let mut filter = NoiseFilter::new(&config.noise);
    if let Some(index) = &index {
        // A host a scanned gadget really loads is never noise.
        filter = filter.with_known_hosts(index.hosts());
    }
    let metrics = Arc::new(Metrics::default());

    let (jobs_tx, jobs_rx) = mpsc::channel(config.writer.queue_capacity);
    let (groups_tx, groups_rx) = mpsc::channel(NEW_GROUP_QUEUE);
    let close_writer = Arc::new(Notify::new());
    let writer = tokio::spawn(
        Writer {
            store: store.clone(),
            rx: jobs_rx,
            cfg: config.writer.clone(),
            metrics: metrics.clone(),
            new_groups: groups_tx,
            close: close_writer.clone(),
        }
        .run(),
    );

    let (alerts_tx, alerter) = match &config.alerts.webhook {
        Some(webhook) => {
            let client =
                Alerter::client(&config.alerts).map_err(|e| ServeError::Webhook(e.to_string()))?;
            let (tx, rx) = mpsc::channel(1024);
            let alerter = Alerter {
                cfg: config.alerts.clone(),
                webhook: webhook.clone(),
                client,
                metrics: metrics.clone(),
                store: store.clone(),
                bucket_secs: u64::from(config.retention.bucket_secs),
            };
            (Some(tx), Some(tokio::spawn(alerter.run(rx))))
        }
        None => (None, None),
    };
    let attribution_loaded = index.is_some();
    let attributor = tokio::spawn(
        Attributor {
            index,
            store: store.clone(),
            metrics: metrics.clone(),
            alerts: alerts_tx,
        }
        .run(groups_rx),
    );

    let (stop, stop_rx) = watch::channel(false);
    let retention = tokio::spawn(retention_loop(
        store.clone(),
        Duration::from_secs(config.retention.prune_interval_secs),
        metrics.clone(),
        stop_rx,
    ));

    let handle = Handle {
        close_writer,
        stop,
        writer,
        attributor,
        alerter,
        retention,
        max_connections: config.limits.max_connections,
        idle_timeout: Duration::from_secs(config.limits.idle_timeout_secs),
        store: store.clone(),
        grace: config.request_timeout() + Duration::from_secs(5),
    };
    let state = Arc::new(AppState {
        limiter: RateLimiter::new(&config.rate_limit).ok_or(ServeError::NoRandomness)?,
        in_flight: Arc::new(Semaphore::new(config.limits.max_in_flight)),
        filter,
        allow_origin,
        attribution_loaded,
        store,
        jobs: jobs_tx,
        metrics,
        cfg: config,
    });
    Ok((router(state), handle))
}

fn report_route() -> MethodRouter<Shared> {
    post(ingest::post_report)
        .options(ingest::preflight)
        .fallback(ingest::method_not_allowed)
}

fn router(state: Shared) -> Router {
    let timeout = state.cfg.request_timeout();
    // `/csp-report` is the documented path; the others are what report
    // URIs in the wild tend to say (the testbed's listener used `/report`
    // for `report-uri` and `/reports` for `Reporting-Endpoints`).
    let reports = Router::new()
        .route("/csp-report", report_route())
        .route("/csp-report/", report_route())
        .route("/report", report_route())
        .route("/reports", report_route())
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            ingest::cors,
        ));
    let read_api = Router::new()
        .route("/api/groups", get(api::groups))
        .route("/api/groups/{id}", get(api::group))
        .route("/api/reports", get(api::reports))
        .route("/api/timeline", get(api::timeline))
        .route("/api/top-hosts", get(api::top_hosts))
        .route("/api/filtered", get(api::filtered))
        .route("/api/stats", get(api::stats))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::require_token,
        ))
        .layer(axum::middleware::map_response(no_store));
    Router::new()
        .route("/", get(dashboard::index))
        .route("/dashboard.js", get(dashboard::script))
        .route("/dashboard.css", get(dashboard::style))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .merge(reports)
        .merge(read_api)
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            count_timeouts,
        ))
        .with_state(state)
}

/// Counts report requests the timeout layer cut off (it answers 408 on its
/// own, outside the handler).
async fn count_timeouts(
    State(st): State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_report =
        req.method() == axum::http::Method::POST && !req.uri().path().starts_with("/api");
    let resp = next.run(req).await;
    if is_report && resp.status() == StatusCode::REQUEST_TIMEOUT {
        st.metrics.rejected(metrics::Rejection::Timeout);
    }
    resp
}

async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}

async fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn not_found() -> Response {
    error_response(StatusCode::NOT_FOUND, "notfound", "No such endpoint.")
}

/// 200 when the store answers within two seconds, 503 otherwise.
async fn healthz(State(st): State<Shared>) -> Response {
    match tokio::time::timeout(HEALTH_TIMEOUT, st.store.total_reports()).await {
        Ok(Ok(_)) => json_ok(&serde_json::json!({ "status": "ok", "backend": st.store.backend() })),
        Ok(Err(e)) => {
            st.metrics.store_error();
            log::error(&format!("health check: {e}"));
            error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "storeerror",
                "The store did not answer.",
            )
        }
        Err(_) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "storetimeout",
            "The store did not answer within 2 seconds.",
        ),
    }
}

async fn metrics_text(State(st): State<Shared>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        st.metrics.render(),
    )
        .into_response()
}

async fn retention_loop(
    store: Arc<Store>,
    every: Duration,
    metrics: Arc<Metrics>,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = store.prune(now_ms()).await {
                    metrics.store_error();
                    log::error(&format!("pruning old reports failed: {e}"));
                }
            }
            _ = stop.changed() => break,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops
/// accepting, lets requests in flight finish (at most the request timeout
/// plus five seconds), flushes the writer and stops the background tasks.
pub async fn run(
    listener: TcpListener,
    router: Router,
    handle: Handle,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".to_owned(), |a| a.to_string());
    let listener = LimitedListener::new(listener, handle.max_connections, handle.idle_timeout);
    let stopping = Arc::new(Notify::new());
    let signal = {
        let stopping = stopping.clone();
        async move {
            shutdown.await;
            stopping.notify_one();
        }
    };
    log::info(&format!(
        "collecting CSP reports on http://{addr}/csp-report"
    ));
    let server = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<ClientAddr>(),
    )
    .with_graceful_shutdown(signal);
    let grace = handle.grace;
    let result = tokio::select! {
        r = server => r.map_err(ServeError::Io),
        () = async { stopping.notified().await; tokio::time::sleep(grace).await } => {
            log::warn("requests still open after the grace period; closing them");
            Ok(())
        }
    };
    handle.shutdown().await;
    log::info("stopped");
    result
}

/// Binds `config.listen` and collects reports until `shutdown` resolves
/// (for the CLI: `offsite serve`).
pub async fn serve(
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    config.validate()?;
    let listener = TcpListener::bind(&config.listen)
        .await
        .map_err(|source| ServeError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
    let (router, handle) = app(config).await?;
    run(listener, router, handle, shutdown).await
}
