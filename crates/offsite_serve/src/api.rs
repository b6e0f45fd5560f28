//! The read side: `/api/*` as JSON for the dashboard and for scripts.
//! Query parameters map onto [`offsite_store::Filter`]; a bearer token is
//! required when one is configured.

use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use offsite_store::Filter;
use serde::Deserialize;
use serde_json::json;

use crate::limit::secret_eq;
use crate::{Shared, error_response, json_ok, log};

/// Largest page the API returns.
const MAX_LIMIT: u32 = 1000;
/// Samples shown with one group.
const GROUP_SAMPLES: u32 = 20;

/// The query string of every `/api` endpoint, as sent.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FilterQuery {
    directive: Option<String>,
    host: Option<String>,
    document_host: Option<String>,
    page: Option<String>,
    /// RFC 3339 (`2026-05-01T00:00:00Z`) or milliseconds since the epoch.
    since: Option<String>,
    until: Option<String>,
    disposition: Option<String>,
    group: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// A query parameter that does not parse; answered 400 `badparam`.
#[derive(Debug)]
pub(crate) struct BadParam(String);

impl IntoResponse for BadParam {
    fn into_response(self) -> Response {
        error_response(StatusCode::BAD_REQUEST, "badparam", &self.0)
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

/// Parses a time bound: all digits are milliseconds since the epoch,
/// anything else must be an RFC 3339 timestamp.
pub(crate) fn parse_time(name: &str, v: &str) -> Result<i64, BadParam> {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v
            .parse::<i64>()
            .map_err(|_| BadParam(format!("`{name}`: `{v}` is out of range")));
    }
    v.parse::<jiff::Timestamp>()
        .map(jiff::Timestamp::as_millisecond)
        .map_err(|e| {
            BadParam(format!(
                "`{name}`: expected RFC 3339 (2026-05-01T00:00:00Z) or milliseconds, got `{}`: {e}",
                v.chars().take(64).collect::<String>()
            ))
        })
}

fn parse_num<T: std::str::FromStr>(name: &str, v: Option<String>) -> Result<Option<T>, BadParam> {
    match non_empty(v) {
        None => Ok(None),
        Some(s) => s.parse::<T>().map(Some).map_err(|_| {
            BadParam(format!(
                "`{name}`: expected a non-negative integer, got `{}`",
                s.chars().take(32).collect::<String>()
            ))
        }),
    }
}

impl FilterQuery {
    pub(crate) fn into_filter(self) -> Result<Filter, BadParam> {
        let since_ms = non_empty(self.since)
            .map(|v| parse_time("since", &v))
            .transpose()?;
        let until_ms = non_empty(self.until)
            .map(|v| parse_time("until", &v))
            .transpose()?;
        let disposition = non_empty(self.disposition);
        if let Some(d) = &disposition
            && d != "enforce"
            && d != "report"
        {
            return Err(BadParam(format!(
                "`disposition`: expected `enforce` or `report`, got `{}`",
                d.chars().take(32).collect::<String>()
            )));
        }
        Ok(Filter {
            directive: non_empty(self.directive),
            host: non_empty(self.host),
            document_host: non_empty(self.document_host),
            page: non_empty(self.page),
            since_ms,
            until_ms,
            disposition,
            group_id: parse_num("group", self.group)?,
            limit: parse_num::<u32>("limit", self.limit)?.map(|l| l.clamp(1, MAX_LIMIT)),
            offset: parse_num("offset", self.offset)?,
        })
    }
}

fn filter_from(
    q: Result<Query<FilterQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Filter, BadParam> {
    let Query(q) = q.map_err(|e| BadParam(e.body_text()))?;
    q.into_filter()
}

/// The filters of a read request; a bad one is answered 400 before the
/// handler runs.
pub(crate) struct ApiFilter(Filter);

impl<S: Send + Sync> FromRequestParts<S> for ApiFilter {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let q = Query::<FilterQuery>::from_request_parts(parts, state).await;
        filter_from(q)
            .map(ApiFilter)
            .map_err(IntoResponse::into_response)
    }
}

fn store_failed(what: &str, e: &offsite_store::StoreError, st: &Shared) -> Response {
    st.metrics.store_error();
    log::error(&format!("{what}: {e}"));
    error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "storeerror",
        "The store did not answer; see the collector's log.",
    )
}

/// Requires `Authorization: Bearer TOKEN` when a read token is configured.
pub(crate) async fn require_token(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let Some(expected) = &st.cfg.read_token else {
        return next.run(req).await;
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    match given {
        Some(token) if secret_eq(token.as_bytes(), expected.as_bytes()) => next.run(req).await,
        given => {
            let mut resp = error_response(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "This endpoint needs `Authorization: Bearer TOKEN` (the collector's read token).",
            );
            let challenge = if given.is_some() {
                "Bearer realm=\"offsite\", error=\"invalid_token\""
            } else {
                "Bearer realm=\"offsite\""
            };
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
            resp
        }
    }
}

pub(crate) async fn groups(State(st): State<Shared>, ApiFilter(filter): ApiFilter) -> Response {
    match st.store.groups(&filter).await {
        Ok(groups) => json_ok(&json!({ "groups": groups })),
        Err(e) => store_failed("listing groups", &e, &st),
    }
}

pub(crate) async fn group(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return BadParam("the group id must be an integer".to_owned()).into_response();
    };
    let group = match st.store.group(id).await {
        Ok(Some(group)) => group,
        Ok(None) => {
            return error_response(StatusCode::NOT_FOUND, "notfound", "No group with this id.");
        }
        Err(e) => return store_failed("reading a group", &e, &st),
    };
    let samples = Filter {
        group_id: Some(id),
        limit: Some(GROUP_SAMPLES),
        ..Filter::default()
    };
    match st.store.reports(&samples).await {
        Ok(samples) => json_ok(&json!({ "group": group, "samples": samples })),
        Err(e) => store_failed("reading a group's samples", &e, &st),
    }
}

pub(crate) async fn reports(State(st): State<Shared>, ApiFilter(filter): ApiFilter) -> Response {
    match st.store.reports(&filter).await {
        Ok(reports) => json_ok(&json!({ "reports": reports })),
        Err(e) => store_failed("listing reports", &e, &st),
    }
}

pub(crate) async fn timeline(State(st): State<Shared>, ApiFilter(filter): ApiFilter) -> Response {
    match st.store.timeline(&filter).await {
        Ok(buckets) => json_ok(&json!({
            "bucket_secs": st.cfg.retention.bucket_secs,
            "buckets": buckets,
        })),
        Err(e) => store_failed("reading the timeline", &e, &st),
    }
}

pub(crate) async fn top_hosts(State(st): State<Shared>, ApiFilter(filter): ApiFilter) -> Response {
    let n = filter.limit.unwrap_or(20);
    match st.store.top_hosts(&filter, n).await {
        Ok(hosts) => {
            let hosts: Vec<_> = hosts
                .into_iter()
                .map(|(host, count)| json!({ "host": host, "count": count }))
                .collect();
            json_ok(&json!({ "hosts": hosts }))
        }
        Err(e) => store_failed("reading top hosts", &e, &st),
    }
}

pub(crate) async fn filtered(State(st): State<Shared>, ApiFilter(filter): ApiFilter) -> Response {
    match st.store.filtered_counts(&filter).await {
        Ok(counts) => json_ok(&json!({ "filtered": counts })),
        Err(e) => store_failed("reading filtered counts", &e, &st),
    }
}

/// Totals for the dashboard's header.
pub(crate) async fn stats(State(st): State<Shared>) -> Response {
    match st.store.total_reports().await {
        Ok(total) => json_ok(&json!({
            "total_reports": total,
            "accepted_since_start": st.metrics.accepted_total(),
            "backend": st.store.backend(),
            "attribution": st.attribution_loaded,
        })),
        Err(e) => store_failed("counting reports", &e, &st),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_as_rfc3339_or_milliseconds() {
        assert_eq!(
            parse_time("since", "1700000000000").ok(),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            parse_time("since", "2023-11-14T22:13:20Z").ok(),
            Some(1_700_000_000_000)
        );
        assert_eq!(
            parse_time("since", "2023-11-14T23:13:20+01:00").ok(),
            Some(1_700_000_000_000)
        );
        let err = parse_time("until", "yesterday").err().map(|e| e.0);
        assert!(err.is_some_and(|e| e.starts_with("`until`: expected RFC 3339")));
    }

    #[test]
    fn filter_maps_every_parameter() {
        let q = FilterQuery {
            directive: Some("script-src-elem".into()),
            host: Some("cdn".into()),
            document_host: Some(String::new()),
            page: Some("MediaWiki:Gadget-foo.js".into()),
            since: Some("1000".into()),
            until: Some("2000".into()),
            disposition: Some("report".into()),
            group: Some("7".into()),
            limit: Some("5000".into()),
            offset: Some("10".into()),
        };
        let f = q.into_filter().ok();
        assert_eq!(
            f,
            Some(Filter {
                directive: Some("script-src-elem".into()),
                host: Some("cdn".into()),
                document_host: None,
                page: Some("MediaWiki:Gadget-foo.js".into()),
                since_ms: Some(1000),
                until_ms: Some(2000),
                disposition: Some("report".into()),
                group_id: Some(7),
                limit: Some(MAX_LIMIT),
                offset: Some(10),
            })
        );
        let bad = FilterQuery {
            limit: Some("-1".into()),
            ..FilterQuery::default()
        };
        assert!(bad.into_filter().is_err());
    }
}
