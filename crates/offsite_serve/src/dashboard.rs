//! The dashboard: three static files compiled into the binary, served
//! under a strict Content-Security-Policy of their own. The page reads the
//! JSON API and builds everything with DOM APIs (`textContent`,
//! `createElementNS`), never by parsing report strings as HTML.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The dashboard's own policy: only its own script and style, only its own
/// API, no framing, no forms, no plugins.
pub(crate) const DASHBOARD_CSP: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

const INDEX_HTML: &str = include_str!("../assets/index.html");
const DASHBOARD_JS: &str = include_str!("../assets/dashboard.js");
const DASHBOARD_CSS: &str = include_str!("../assets/dashboard.css");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DASHBOARD_CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

pub(crate) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

pub(crate) async fn script() -> Response {
    asset("text/javascript; charset=utf-8", DASHBOARD_JS)
}

pub(crate) async fn style() -> Response {
    asset("text/css; charset=utf-8", DASHBOARD_CSS)
}
