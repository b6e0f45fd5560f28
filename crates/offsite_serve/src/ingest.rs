//! `POST /csp-report`: check type and size, parse, filter, enqueue, answer
//! when stored. Errors follow MediaWiki's `action=cspreport`
//! (`ApiCSPReport.php`): a JSON body `{"error": {"code", "info"}}` with the
//! codes `wrongformat`, `toobig` and `missingkey`.

use std::pin::Pin;
use std::time::Instant;

use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use offsite_collect::parse::{BodyKind, ParseContext, body_kind, parse_body};
use serde::Deserialize;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::oneshot;

use crate::limit::{ClientAddr, client_ip};
use crate::metrics::Rejection;
use crate::writer::Job;
use crate::{Shared, error_response};

/// Longest `source=` value kept (MediaWiki's is a short tag such as
/// `internal`).
const MAX_SOURCE_CHARS: usize = 64;

/// The query string MediaWiki's report URIs carry
/// (`api.php?action=cspreport&format=json&reportonly=1&source=...`); other
/// parameters (`action`, `format`) are accepted and ignored so a wiki's
/// `report-uri` can point here unchanged.
#[derive(Debug, Default, Deserialize)]
struct ReportQuery {
    /// A MediaWiki boolean: present means true, whatever the value
    /// (`ApiBase::PARAM_TYPE => 'boolean'`).
    reportonly: Option<String>,
    source: Option<String>,
}

/// Decrements the in-flight gauge when the request ends, however it ends.
struct InFlight<'a>(&'a crate::metrics::Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight_add(-1);
    }
}

fn reject(st: &Shared, why: Rejection, status: StatusCode, info: &str) -> Response {
    st.metrics.rejected(why);
    error_response(status, why.as_str(), info)
}

fn retry_after(mut resp: Response, secs: u64) -> Response {
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
    resp
}

pub(crate) async fn post_report(State(st): State<Shared>, req: Request) -> Response {
    let Ok(_permit) = st.in_flight.clone().try_acquire_owned() else {
        let resp = reject(
            &st,
            Rejection::Overloaded,
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many reports are being handled; try again later.",
        );
        return retry_after(resp, 1);
    };
    st.metrics.in_flight_add(1);
    let _in_flight = InFlight(&st.metrics);

    let (parts, body) = req.into_parts();

    let peer = parts
        .extensions
        .get::<ConnectInfo<ClientAddr>>()
        .map(|c| c.0.0);
    if let Some(ip) = client_ip(peer, &parts.headers, st.cfg.trust_forwarded_for)
        && let Err(wait) = st.limiter.check(ip, Instant::now())
    {
        let resp = reject(
            &st,
            Rejection::RateLimited,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many reports from this client; try again later.",
        );
        return retry_after(resp, wait.as_secs() + 1);
    }

    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Some(kind) = body_kind(content_type) else {
        st.metrics.rejected(Rejection::UnsupportedMediaType);
        let shown: String = content_type.chars().take(80).collect();
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "wrongformat",
            &format!(
                "Content-Type must be application/csp-report, application/json or \
                 application/reports+json, not `{shown}`."
            ),
        );
    };

    let limit = match kind {
        BodyKind::ReportsJson => st.cfg.limits.max_batch_bytes,
        _ => st.cfg.limits.max_report_bytes,
    };
    let too_big = |st: &Shared| {
        reject(
            st,
            Rejection::TooBig,
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("The report is larger than {limit} bytes."),
        )
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_big(&st);
    }
    let bytes = match read_capped(body, limit).await {
        Ok(bytes) => bytes,
        Err(ReadError::TooBig) => return too_big(&st),
        Err(ReadError::Broken) => {
            return reject(
                &st,
                Rejection::WrongFormat,
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            );
        }
    };

    let query = Query::<ReportQuery>::try_from_uri(&parts.uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let cx = ParseContext {
        received_ms: crate::now_ms(),
        report_only: query.reportonly.is_some(),
        source: query
            .source
            .map(|s| s.chars().take(MAX_SOURCE_CHARS).collect()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let outcome = match parse_body(kind, &bytes, &cx) {
        Ok(outcome) => outcome,
        Err(e) => {
            let why = if e.code() == "missingkey" {
                Rejection::MissingKey
            } else {
                Rejection::WrongFormat
            };
            return reject(&st, why, StatusCode::BAD_REQUEST, &e.to_string());
        }
    };
    st.metrics.skipped(outcome.skipped.len());

    let mut keep = Vec::with_capacity(outcome.reports.len());
    let mut filtered: Vec<(&'static str, i64)> = Vec::new();
    for report in outcome.reports {
        match st.filter.check(&report) {
            Some(reason) => {
                let reason = reason.as_str();
                st.metrics.filtered(reason);
                match filtered.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, n)) => *n += 1,
                    None => filtered.push((reason, 1)),
                }
            }
            None => keep.push(report),
        }
    }

    if keep.is_empty() {
        // Deliberately dropped (noise, or nothing that is a CSP violation).
        // The per-reason counts ride along with the next batch; nobody waits.
        if !filtered.is_empty() {
            let _ = st.jobs.try_send(Job {
                reports: Vec::new(),
                filtered,
                ack: None,
            });
        }
        return StatusCode::NO_CONTENT.into_response();
    }

    let (ack_tx, ack_rx) = oneshot::channel();
    let n = i64::try_from(keep.len()).unwrap_or(i64::MAX);
    st.metrics.queue_add(n);
    let job = Job {
        reports: keep,
        filtered,
        ack: Some(ack_tx),
    };
    match st.jobs.try_send(job) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => {
            st.metrics.queue_add(-n);
            let resp = reject(
                &st,
                Rejection::Overloaded,
                StatusCode::SERVICE_UNAVAILABLE,
                "The report queue is full; try again later.",
            );
            return retry_after(resp, 1);
        }
        Err(TrySendError::Closed(_)) => {
            st.metrics.queue_add(-n);
            let resp = reject(
                &st,
                Rejection::ShuttingDown,
                StatusCode::SERVICE_UNAVAILABLE,
                "The collector is shutting down.",
            );
            return retry_after(resp, 5);
        }
    }
    match ack_rx.await {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(_)) => retry_after(
            reject(
                &st,
                Rejection::StoreError,
                StatusCode::SERVICE_UNAVAILABLE,
                "The report could not be stored; try again later.",
            ),
            5,
        ),
        Err(_) => retry_after(
            reject(
                &st,
                Rejection::ShuttingDown,
                StatusCode::SERVICE_UNAVAILABLE,
                "The collector is shutting down.",
            ),
            5,
        ),
    }
}

/// `OPTIONS`: the CORS preflight Chromium sends before an
/// `application/reports+json` POST (`Access-Control-Request-Method: POST`,
/// `Access-Control-Request-Headers: content-type`).
pub(crate) async fn preflight() -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    resp
}

/// Any other method on a report path: 405 with `Allow`, and MediaWiki's
/// code for it (`mustbeposted`).
pub(crate) async fn method_not_allowed(State(st): State<Shared>) -> Response {
    st.metrics.rejected(Rejection::MethodNotAllowed);
    let mut resp = error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "mustbeposted",
        "Reports must be sent with POST.",
    );
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST, OPTIONS"));
    resp
}

/// Adds `Access-Control-Allow-Origin` to every answer of the report
/// endpoint, so a cross-origin `fetch` (and the Reporting API) sees it.
pub(crate) async fn cors(State(st): State<Shared>, mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, st.allow_origin.clone());
    if st.allow_origin != "*" {
        resp.headers_mut()
            .append(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}

enum ReadError {
    TooBig,
    Broken,
}

/// Reads the body, stopping as soon as it passes `limit` (a chunked body
/// has no `Content-Length` to check beforehand).
async fn read_capped(mut body: Body, limit: usize) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| ReadError::Broken)?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(ReadError::TooBig);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}
