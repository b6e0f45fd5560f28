//! Report bodies as browsers POST them, into [`NormalizedReport`]s.
//!
//! Three content types arrive (see [`body_kind`]); the JSON *shape* decides
//! how a body is read, so a body sent under the "wrong" type still parses:
//!
//! - an object with a `csp-report` object: one CSP2 `report-uri` report
//!   (`application/csp-report`, or `application/json` as MediaWiki's
//!   `action=cspreport` accepts);
//! - an array: a Reporting API batch (`application/reports+json`) of
//!   `{age, type, url, user_agent, body}`; entries whose `type` is not
//!   `csp-violation` are skipped and counted, as are entries past
//!   [`MAX_BATCH`];
//! - an object with `type` and `body`: one Reporting API report on its own.
//!
//! Errors mirror MediaWiki's `ApiCSPReport` codes: `wrongformat` for a body
//! that is not JSON, not an object or array, or whose `csp-report` is not an
//! object; `missingkey` for an object with no `csp-report`.

use serde_json::{Map, Value};

use crate::normalize::normalize;
use crate::report::{NormalizedReport, ReportFormat};

/// Most reports read from one Reporting API batch. Chromium batches what one
/// page produced in about a minute; a batch beyond this is not a browser's.
pub const MAX_BATCH: usize = 100;
/// Longest Reporting API `type` kept in a [`SkipReason`].
const MAX_TYPE_LEN: usize = 64;

/// The request's content type, reduced to the three formats browsers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// `application/csp-report`: CSP2 `report-uri`.
    CspReport,
    /// `application/json`: MediaWiki's `action=cspreport` accepts it, and
    /// some browsers used it for `report-uri`.
    Json,
    /// `application/reports+json`: the Reporting API (`report-to`).
    ReportsJson,
}

/// Map a `Content-Type` header to a [`BodyKind`]. Parameters
/// (`; charset=utf-8`) and case are ignored. `None` means the caller should
/// answer 415 Unsupported Media Type.
pub fn body_kind(content_type: &str) -> Option<BodyKind> {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/csp-report") {
        Some(BodyKind::CspReport)
    } else if essence.eq_ignore_ascii_case("application/json") {
        Some(BodyKind::Json)
    } else if essence.eq_ignore_ascii_case("application/reports+json") {
        Some(BodyKind::ReportsJson)
    } else {
        None
    }
}

/// What the request says besides its body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseContext {
    /// When the collector received the request, ms since the Unix epoch.
    pub received_ms: i64,
    /// MediaWiki's `reportonly=1` on the report URL: the disposition of
    /// reports that do not say.
    pub report_only: bool,
    /// MediaWiki's `source=NAME` on the report URL; kept only when it is a
    /// short plain token.
    pub source: Option<String>,
    /// The request's `User-Agent`, raw or already reduced: it is reduced to
    /// family and major version either way. A Reporting API report's own
    /// `user_agent` takes precedence.
    pub user_agent: Option<String>,
}

/// The reports read from one body, and what was left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParseOutcome {
    pub reports: Vec<NormalizedReport>,
    pub skipped: Vec<SkipReason>,
}

/// A batch entry that was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// A Reporting API entry of another type (`deprecation`, `intervention`,
    /// `coep`...). The type is kept, cut to 64 bytes, for logs; use
    /// [`SkipReason::as_str`] for metric labels.
    NotCspViolation { index: usize, report_type: String },
    /// A batch entry that is not a JSON object.
    NotAnObject { index: usize },
    /// A `csp-violation` entry without a `body` object.
    MissingBody { index: usize },
    /// Entries past [`MAX_BATCH`], not read.
    TooMany { dropped: usize },
}

impl SkipReason {
    /// Stable `snake_case` name, for metric labels.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::NotCspViolation { .. } => "not_csp_violation",
            Self::NotAnObject { .. } => "not_an_object",
            Self::MissingBody { .. } => "missing_body",
            Self::TooMany { .. } => "too_many",
        }
    }
}

/// Why a body was rejected as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON, not an object or array, or a `csp-report` that is not an
    /// object. `line` and `column` are `serde_json`'s (1-based) when the JSON
    /// itself is broken.
    #[error("wrong format: {message}")]
    WrongFormat {
        message: String,
        line: Option<usize>,
        column: Option<usize>,
    },
    /// A JSON object without the key that makes it a report.
    #[error("missing key: the body has no top-level `{key}` object")]
    MissingKey { key: &'static str },
}

impl ParseError {
    /// MediaWiki's `ApiCSPReport` error code: `wrongformat` or `missingkey`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongFormat { .. } => "wrongformat",
            Self::MissingKey { .. } => "missingkey",
        }
    }

    fn wrong(message: impl Into<String>) -> Self {
        Self::WrongFormat {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn from_json(e: &serde_json::Error) -> Self {
        let what = match e.classify() {
            serde_json::error::Category::Eof if e.line() == 1 && e.column() == 0 => {
                return Self::wrong("the body is empty");
            }
            serde_json::error::Category::Eof => "the body ends in the middle of a JSON value",
            _ => "the body is not valid JSON",
        };
        Self::WrongFormat {
            message: format!("{what} at line {} column {}: {e}", e.line(), e.column()),
            line: Some(e.line()),
            column: Some(e.column()),
        }
    }
}

/// Parse and normalise one request body. `kind` is the request's content
/// type; the JSON shape decides how the body is read (see the module docs).
pub fn parse_body(
    kind: BodyKind,
    body: &[u8],
    cx: &ParseContext,
) -> Result<ParseOutcome, ParseError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ParseError::from_json(&e))?;
    match value {
        Value::Object(map) => {
            if let Some(inner) = map.get("csp-report") {
                let Value::Object(report) = inner else {
                    return Err(ParseError::wrong(format!(
                        "`csp-report` is {}, not an object",
                        json_type(inner)
                    )));
                };
                return Ok(ParseOutcome {
                    reports: vec![normalize(report, ReportFormat::CspReport, None, None, cx)],
                    skipped: Vec::new(),
                });
            }
            if map.contains_key("type") && map.contains_key("body") {
                let mut out = ParseOutcome::default();
                entry(0, &map, cx, &mut out);
                return Ok(out);
            }
            match kind {
                BodyKind::CspReport | BodyKind::Json => {
                    Err(ParseError::MissingKey { key: "csp-report" })
                }
                BodyKind::ReportsJson => Err(ParseError::wrong(
                    "expected an array of reports (or one `{type, body}` report), found an object without `type` and `body`",
                )),
            }
        }
        Value::Array(items) => {
            let mut out = ParseOutcome::default();
            for (index, item) in items.iter().enumerate().take(MAX_BATCH) {
                match item {
                    Value::Object(map) => entry(index, map, cx, &mut out),
                    _ => out.skipped.push(SkipReason::NotAnObject { index }),
                }
            }
            if items.len() > MAX_BATCH {
                out.skipped.push(SkipReason::TooMany {
                    dropped: items.len() - MAX_BATCH,
                });
            }
            Ok(out)
        }
        other => Err(ParseError::wrong(format!(
            "expected a JSON object or array, found {}",
            json_type(&other)
        ))),
    }
}

/// One Reporting API entry: `{age, type, url, user_agent, body}`.
fn entry(index: usize, map: &Map<String, Value>, cx: &ParseContext, out: &mut ParseOutcome) {
    let report_type = map.get("type").and_then(Value::as_str).unwrap_or("");
    if !report_type.eq_ignore_ascii_case("csp-violation") {
        let mut report_type = report_type.chars().filter(|c| !c.is_control()).collect();
        crate::privacy::truncate_bytes(&mut report_type, MAX_TYPE_LEN);
        out.skipped
            .push(SkipReason::NotCspViolation { index, report_type });
        return;
    }
    let Some(Value::Object(body)) = map.get("body") else {
        out.skipped.push(SkipReason::MissingBody { index });
        return;
    };
    let url = map.get("url").and_then(Value::as_str);
    let ua = map.get("user_agent").and_then(Value::as_str);
    out.reports
        .push(normalize(body, ReportFormat::ReportsJson, url, ua, cx));
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_ignore_parameters_and_case() {
        assert_eq!(
            body_kind("application/csp-report"),
            Some(BodyKind::CspReport)
        );
        assert_eq!(
            body_kind("Application/JSON; charset=utf-8"),
            Some(BodyKind::Json)
        );
        assert_eq!(
            body_kind(" application/reports+json ;charset=UTF-8"),
            Some(BodyKind::ReportsJson)
        );
        assert_eq!(body_kind("text/plain"), None);
        assert_eq!(body_kind(""), None);
        assert_eq!(body_kind("application/jsonx"), None);
    }

    #[test]
    fn errors_carry_mediawiki_codes_and_positions() {
        let cx = ParseContext::default();
        let e = parse_body(BodyKind::CspReport, b"{\"csp-report\": {\n  \"a\": }", &cx)
            .expect_err("broken JSON");
        assert_eq!(e.code(), "wrongformat");
        let ParseError::WrongFormat {
            line,
            column,
            message,
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!((*line, *column), (Some(2), Some(8)), "{message}");
        assert!(message.contains("line 2 column 8"), "{message}");

        let e = parse_body(BodyKind::Json, b"{\"report\": {}}", &cx).expect_err("no key");
        assert_eq!(e.code(), "missingkey");
        assert!(e.to_string().contains("`csp-report`"), "{e}");

        for body in [
            &b""[..],
            b"   ",
            b"42",
            b"\"csp-report\"",
            b"null",
            b"{\"csp-report\": []}",
        ] {
            let e = parse_body(BodyKind::CspReport, body, &cx).expect_err("rejected");
            assert_eq!(
                e.code(),
                "wrongformat",
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
        let e = parse_body(BodyKind::CspReport, b"", &cx).expect_err("empty");
        assert_eq!(e.to_string(), "wrong format: the body is empty");
    }

    #[test]
    fn batches_skip_other_types_and_cap_their_size() {
        let mut items: Vec<String> = vec![
            r#"{"type":"deprecation","body":{"id":"x"}}"#.into(),
            "7".into(),
            r#"{"type":"csp-violation"}"#.into(),
        ];
        for i in 0..MAX_BATCH + 5 {
            items.push(format!(
                r#"{{"type":"csp-violation","url":"https://w.example/p{i}?q","body":{{"blockedURL":"https://cdn.example.org/{i}.js","effectiveDirective":"script-src-elem"}}}}"#
            ));
        }
        let body = format!("[{}]", items.join(","));
        let out = parse_body(
            BodyKind::ReportsJson,
            body.as_bytes(),
            &ParseContext::default(),
        )
        .expect("batch");
        assert_eq!(out.reports.len(), MAX_BATCH - 3);
        assert_eq!(out.reports[0].document, "https://w.example/p0");
        let kinds: Vec<_> = out.skipped.iter().map(SkipReason::as_str).collect();
        assert_eq!(
            kinds,
            [
                "not_csp_violation",
                "not_an_object",
                "missing_body",
                "too_many"
            ]
        );
        assert_eq!(out.skipped[3], SkipReason::TooMany { dropped: 8 });
    }

    #[test]
    fn the_shape_wins_over_the_content_type() {
        let cx = ParseContext::default();
        let csp2 =
            br#"{"csp-report":{"blocked-uri":"inline","effective-directive":"script-src-elem"}}"#;
        let out = parse_body(BodyKind::ReportsJson, csp2, &cx).expect("csp2 under reports+json");
        assert_eq!(out.reports[0].format, ReportFormat::CspReport);
        let single = br#"{"type":"csp-violation","body":{"blockedURL":"eval"}}"#;
        let out = parse_body(BodyKind::CspReport, single, &cx).expect("single report");
        assert_eq!(out.reports[0].format, ReportFormat::ReportsJson);
        let out = parse_body(BodyKind::Json, b"[]", &cx).expect("empty batch");
        assert!(out.reports.is_empty() && out.skipped.is_empty());
    }
}
