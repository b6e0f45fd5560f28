//! One violation's fields, read leniently, into a [`NormalizedReport`].
//!
//! Tolerant in: every spelling browsers use (kebab-case CSP2 `report-uri`,
//! `camelCase` Reporting API, `snake_case` as some proxies rewrite it), numbers as
//! JSON numbers or strings, unknown fields ignored, wrong-typed fields read as
//! absent. Strict out: the privacy reduction of [`crate::privacy`] is applied
//! on the way.

use serde_json::{Map, Value};
use url::Url;

use crate::parse::ParseContext;
use crate::privacy::{self, Reduced};
use crate::report::{Blocked, Disposition, NormalizedReport, ReportFormat};

// Field names, most common first. CSP2: https://www.w3.org/TR/CSP2/#violation-reports
// Reporting API: https://w3c.github.io/webappsec-csp/#reporting (CSPViolationReportBody)
const DOCUMENT: &[&str] = &["document-uri", "documentURL", "document_uri", "documentURI"];
const BLOCKED: &[&str] = &["blocked-uri", "blockedURL", "blocked_uri", "blockedURI"];
const EFFECTIVE: &[&str] = &[
    "effective-directive",
    "effectiveDirective",
    "effective_directive",
];
const VIOLATED: &[&str] = &[
    "violated-directive",
    "violatedDirective",
    "violated_directive",
];
const SOURCE_FILE: &[&str] = &["source-file", "sourceFile", "source_file"];
const LINE: &[&str] = &["line-number", "lineNumber", "line_number"];
const COLUMN: &[&str] = &["column-number", "columnNumber", "column_number"];
const STATUS: &[&str] = &["status-code", "statusCode", "status_code"];
const SAMPLE: &[&str] = &["script-sample", "sample", "script_sample"];
const DISPOSITION: &[&str] = &["disposition"];

/// The first of `names` present as a string (numbers are accepted and
/// written out: a `blocked-uri` of `0` is odd but not worth a rejection).
fn text<'a>(obj: &'a Map<String, Value>, names: &[&str]) -> Option<std::borrow::Cow<'a, str>> {
    names.iter().find_map(|n| match obj.get(*n)? {
        Value::String(s) => Some(std::borrow::Cow::Borrowed(s.as_str())),
        Value::Number(n) => Some(std::borrow::Cow::Owned(n.to_string())),
        _ => None,
    })
}

/// The first of `names` present as a non-negative integer: a JSON number
/// (`9`, `9.0`) or a string of digits (`"9"`, as some Firefox versions and
/// proxies send).
fn number(obj: &Map<String, Value>, names: &[&str]) -> Option<u64> {
    names.iter().find_map(|n| match obj.get(*n)? {
        Value::Number(num) => num.as_u64().or_else(|| {
            let f = num.as_f64()?;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "checked: finite, non-negative, integral and below 2^32"
            )]
            let v = (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 4_294_967_296.0)
                .then_some(f as u64);
            v
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    })
}

/// Normalise one violation body. `outer_url` and `outer_ua` are the
/// Reporting API envelope's `url` and `user_agent`, used when the body lacks
/// a document URL and for the browser.
pub(crate) fn normalize(
    body: &Map<String, Value>,
    format: ReportFormat,
    outer_url: Option<&str>,
    outer_ua: Option<&str>,
    cx: &ParseContext,
) -> NormalizedReport {
    let document_raw = text(body, DOCUMENT);
    let document_raw = document_raw.as_deref().or(outer_url).unwrap_or("");
    let document_url = match privacy::reduce_url(document_raw, None) {
        Reduced::Url(u) => Some(u),
        _ => None,
    };
    let document = privacy::url_field(document_raw, None).unwrap_or_default();
    let document_host = document_url
        .as_ref()
        .and_then(|u| privacy::host_of(u.as_str()));

    let blocked = blocked(
        text(body, BLOCKED).as_deref().unwrap_or(""),
        document_url.as_ref(),
    );
    let directive = directive(
        text(body, EFFECTIVE).as_deref(),
        text(body, VIOLATED).as_deref(),
        &blocked,
    );
    let source_file =
        text(body, SOURCE_FILE).and_then(|s| privacy::url_field(&s, document_url.as_ref()));

    let disposition = match text(body, DISPOSITION).as_deref().map(str::trim) {
        Some(d) if d.eq_ignore_ascii_case("enforce") => Disposition::Enforce,
        Some(d) if d.eq_ignore_ascii_case("report") => Disposition::Report,
        // Older browsers send no disposition. MediaWiki's report-only header
        // adds `reportonly=1` to its report URL, which the caller passes on.
        _ if cx.report_only => Disposition::Report,
        _ => Disposition::Enforce,
    };

    // Line 0 is how Chromium says "unknown"; lines and columns are 1-based.
    let position = |names| {
        number(body, names)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
    };
    let browser = outer_ua
        .or(cx.user_agent.as_deref())
        .map(privacy::reduce_user_agent);

    NormalizedReport {
        received_ms: cx.received_ms,
        format,
        disposition,
        directive,
        blocked,
        document,
        document_host,
        source_file,
        line: position(LINE),
        column: position(COLUMN),
        status_code: number(body, STATUS).and_then(|n| u16::try_from(n).ok()),
        sample: text(body, SAMPLE).and_then(|s| privacy::sample(&s)),
        browser,
        source: cx.source.as_deref().and_then(privacy::source_name),
    }
}

/// Classify `blocked-uri` / `blockedURL`.
pub(crate) fn blocked(raw: &str, document: Option<&Url>) -> Blocked {
    let trimmed = raw.trim();
    // Keywords browsers send instead of a URL. `'self'` (quoted) and `self`
    // come from old Firefox for same-origin blocks
    // (https://bugzilla.mozilla.org/show_bug.cgi?id=1026520); `wasm-eval` is
    // eval of WebAssembly and grouped with eval.
    match trimmed.to_ascii_lowercase().as_str() {
        "" => return Blocked::Empty,
        "inline" => return Blocked::Inline,
        "eval" | "wasm-eval" => return Blocked::Eval,
        "self" | "'self'" => return Blocked::SelfOrigin,
        "data" => return Blocked::Data,
        "blob" => return Blocked::Blob,
        _ => {}
    }
    match privacy::reduce_url(trimmed, document) {
        Reduced::Url(u) => Blocked::Url(privacy::url_string(&u)),
        // `data:` and `blob:` URLs carry real signal (a script built at run
        // time); their payload is never kept.
        Reduced::Scheme(s) if s == "data" => Blocked::Data,
        Reduced::Scheme(s) if s == "blob" => Blocked::Blob,
        Reduced::Scheme(s) => Blocked::Scheme(s),
        Reduced::Nothing => Blocked::Empty,
    }
}

/// The effective directive.
///
/// - `effective-directive` when sent and a real directive (one of
///   [`offsite_csp::KNOWN_DIRECTIVES`]); otherwise the first token of
///   `violated-directive` (Firefox may omit the effective directive, and
///   older browsers send the whole directive there:
///   `script-src 'self' https://a.example`), if that is one. A junk name
///   is never stored: Sentry's relay falls back the same way
///   (`relay-event-schema` `security_report.rs`, "script-src fallback").
///   When neither names a directive, the first non-empty name is kept, so
///   the report is still grouped (rather than lost).
/// - A URL blocked under `script-src` / `style-src` is grouped as
///   `script-src-elem` / `style-src-elem`: since CSP3 split the directives,
///   Chromium reports element loads as `-elem`, and a URL can only be
///   blocked by an element or import load, so older browsers' reports of
///   the same resource land in the same group. Inline and eval reports keep
///   what the browser said, since there `script-src` and `-elem` / `-attr`
///   differ in meaning.
fn directive(effective: Option<&str>, violated: Option<&str>, blocked: &Blocked) -> String {
    let effective = effective.map(privacy::directive_name).unwrap_or_default();
    let violated = violated.map(privacy::directive_name).unwrap_or_default();
    let known = |name: &String| offsite_csp::known_directive(name).is_some();
    let name = if known(&effective) || (!known(&violated) && !effective.is_empty()) {
        effective
    } else {
        violated
    };
    match (name.as_str(), blocked) {
        ("script-src", Blocked::Url(_)) => "script-src-elem".to_owned(),
        ("style-src", Blocked::Url(_)) => "style-src-elem".to_owned(),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cx() -> ParseContext {
        ParseContext {
            received_ms: 1_700_000_000_000,
            report_only: false,
            source: None,
            user_agent: None,
        }
    }

    fn norm(v: &Value) -> NormalizedReport {
        let Value::Object(obj) = v else {
            panic!("object")
        };
        normalize(obj, ReportFormat::CspReport, None, None, &cx())
    }

    #[test]
    fn blocked_keywords_and_schemes() {
        let doc = Url::parse("https://en.wikipedia.org/wiki/X").expect("url");
        let cases = [
            ("inline", Blocked::Inline),
            ("EVAL", Blocked::Eval),
            ("wasm-eval", Blocked::Eval),
            ("'self'", Blocked::SelfOrigin),
            ("data", Blocked::Data),
            ("data:text/javascript,alert(1)", Blocked::Data),
            ("blob", Blocked::Blob),
            ("blob:https://en.wikipedia.org/0b1c-uuid", Blocked::Blob),
            ("", Blocked::Empty),
            ("   ", Blocked::Empty),
            ("%3c", Blocked::Empty),
            (
                "chrome-extension://abc/x.js",
                Blocked::Scheme("chrome-extension".into()),
            ),
            (
                "moz-extension://1-2-3/y.js",
                Blocked::Scheme("moz-extension".into()),
            ),
            (
                "safari-web-extension://X/y.js",
                Blocked::Scheme("safari-web-extension".into()),
            ),
            ("about", Blocked::Scheme("about".into())),
            (
                "trusted-types-sink",
                Blocked::Scheme("trusted-types-sink".into()),
            ),
            (
                "//widgets.example.com/w.js?x=1",
                Blocked::Url("https://widgets.example.com/w.js".into()),
            ),
            (
                "wss://chat.example.net/socket?token=secret",
                Blocked::Url("wss://chat.example.net/socket".into()),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(blocked(raw, Some(&doc)), want, "{raw:?}");
        }
    }

    #[test]
    fn firefox_shape_derives_the_directive_and_reads_string_numbers() {
        let r = norm(&json!({
            "blocked-uri": "https://cdn.example.org/x.js?v=3",
            "document-uri": "https://en.wikipedia.org/wiki/Main_Page?action=view#top",
            "original-policy": "script-src 'self'; report-uri /r",
            "referrer": "https://www.google.com/search?q=secret",
            "violated-directive": "script-src 'self' https://allowed.example.org",
            "line-number": "12",
            "column-number": 3.0,
            "source-file": "https://en.wikipedia.org/w/load.php?modules=ext.gadget.foo",
        }));
        assert_eq!(r.directive, "script-src-elem");
        assert_eq!(
            r.blocked,
            Blocked::Url("https://cdn.example.org/x.js".into())
        );
        assert_eq!(r.document, "https://en.wikipedia.org/wiki/Main_Page");
        assert_eq!(r.document_host.as_deref(), Some("en.wikipedia.org"));
        assert_eq!(
            r.source_file.as_deref(),
            Some("https://en.wikipedia.org/w/load.php")
        );
        assert_eq!((r.line, r.column), (Some(12), Some(3)));
        assert_eq!(r.disposition, Disposition::Enforce);
    }

    #[test]
    fn inline_keeps_the_browser_directive_and_report_only_context_decides_disposition() {
        let Value::Object(obj) = json!({
            "blocked-uri": "inline",
            "document-uri": "https://en.wikipedia.org/wiki/X",
            "violated-directive": "script-src",
            "script-sample": "alert(document.cookie)//".repeat(3),
            "line-number": 0,
            "status-code": 70000,
        }) else {
            panic!("object")
        };
        let cx = ParseContext {
            report_only: true,
            source: Some("wmfwiki".into()),
            user_agent: Some("Mozilla/5.0 (X11; rv:128.0) Gecko/20100101 Firefox/128.0".into()),
            ..cx()
        };
        let r = normalize(&obj, ReportFormat::CspReport, None, None, &cx);
        assert_eq!(r.directive, "script-src");
        assert_eq!(r.disposition, Disposition::Report);
        assert_eq!(r.sample.as_deref().map(|s| s.chars().count()), Some(40));
        assert_eq!(r.line, None, "line 0 means unknown");
        assert_eq!(r.status_code, None, "70000 is not an HTTP status");
        assert_eq!(r.browser.as_deref(), Some("Firefox 128"));
        assert_eq!(r.source.as_deref(), Some("wmfwiki"));
    }

    #[test]
    fn wrong_typed_fields_read_as_absent() {
        let r = norm(&json!({
            "blocked-uri": {"nested": true},
            "document-uri": ["https://a.example/"],
            "effective-directive": 7,
            "line-number": -4,
            "disposition": "maybe",
        }));
        assert_eq!(r.blocked, Blocked::Empty);
        assert_eq!(r.document, "");
        assert_eq!(r.directive, "", "`7` is not a directive name");
        assert_eq!(r.line, None);
        assert_eq!(r.disposition, Disposition::Enforce);
    }

    /// Issue 15 (relay's "script-src fallback" cases): a report whose
    /// `effective-directive` is not a directive was stored under that junk
    /// name instead of falling back to `violated-directive`.
    #[test]
    fn junk_effective_directive_falls_back_to_violated_directive() {
        let r = norm(&json!({
            "blocked-uri": "eval",
            "effective-directive": "not-a-directive",
            "violated-directive": "script-src 'unsafe-inline'",
        }));
        assert_eq!(r.directive, "script-src");
        // A real effective directive still wins over violated-directive.
        let r = norm(&json!({
            "blocked-uri": "eval",
            "effective-directive": "worker-src",
            "violated-directive": "script-src",
        }));
        assert_eq!(r.directive, "worker-src");
        // Neither is a directive: the report is kept, under the name sent.
        let r = norm(&json!({
            "blocked-uri": "eval",
            "effective-directive": "not-a-directive",
            "violated-directive": "also-not",
        }));
        assert_eq!(r.directive, "not-a-directive");
    }
}
