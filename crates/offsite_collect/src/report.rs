//! The normalised report: one violation, strict types, no personal data.

use serde::{Deserialize, Serialize};

/// Whether the violated policy was enforced or report-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    Enforce,
    Report,
}

impl Disposition {
    /// `enforce` or `report`, as browsers spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Report => "report",
        }
    }
}

/// The wire format a report arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// CSP2 `report-uri`: `{"csp-report": {...}}` as `application/csp-report`
    /// or `application/json` (MediaWiki's `action=cspreport` form).
    CspReport,
    /// The Reporting API: an `application/reports+json` array of
    /// `{"type": "csp-violation", "body": {...}}`.
    ReportsJson,
}

/// What was blocked, after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Blocked {
    /// A network URL (`http`, `https`, `ws`, `wss`), with query string,
    /// fragment and user info stripped, e.g. `https://cdn.example.org/x.js`.
    /// Protocol-relative values are resolved against the document.
    Url(String),
    /// Inline script or style (`inline`).
    Inline,
    /// `eval` or `new Function` (`eval`).
    Eval,
    /// A `data:` URL (the payload is never kept).
    Data,
    /// A `blob:` URL.
    Blob,
    /// `self`, as some browsers send for same-origin blocks.
    SelfOrigin,
    /// The field was missing, empty, or neither a URL nor a keyword.
    Empty,
    /// A browser-extension or other non-network scheme, e.g.
    /// `chrome-extension` (only the scheme is kept, lower-case, without
    /// `:`), or a CSP keyword offsite does not model (`trusted-types-sink`).
    Scheme(String),
}

impl Blocked {
    /// The group-key form: the origin for URLs (`https://cdn.example.org`),
    /// `inline`, `eval`, `data`, `blob`, `self`, `""`, or `scheme:`.
    pub fn origin_key(&self) -> String {
        match self {
            Self::Url(u) => url_origin(u).unwrap_or_else(|| u.clone()),
            Self::Inline => "inline".to_owned(),
            Self::Eval => "eval".to_owned(),
            Self::Data => "data".to_owned(),
            Self::Blob => "blob".to_owned(),
            Self::SelfOrigin => "self".to_owned(),
            Self::Empty => String::new(),
            Self::Scheme(s) => format!("{s}:"),
        }
    }

    /// The host of a URL, lower-case, without port.
    pub fn host(&self) -> Option<String> {
        match self {
            Self::Url(u) => url::Url::parse(u)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase)),
            _ => None,
        }
    }
}

fn url_origin(u: &str) -> Option<String> {
    let parsed = url::Url::parse(u).ok()?;
    let origin = parsed.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// One violation report as stored: strict, normalised, privacy-reduced.
///
/// URL fields carry no query string, fragment or user info and are at most
/// 2 KiB; there is no IP address, no referrer and no full user agent. (A user
/// name can remain in a document *path*, `/wiki/User:Alice/x`: it is the
/// page the violation happened on.) Built by `parse::parse_body`; the
/// invariants are `privacy::check_report`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalizedReport {
    /// When the collector received it, milliseconds since the Unix epoch.
    pub received_ms: i64,
    pub format: ReportFormat,
    pub disposition: Disposition,
    /// The effective directive (`script-src-elem`, `connect-src`, ...),
    /// lower-case; empty when the report names none. Derived from the first
    /// token of `violated-directive` when the browser left it out (Firefox).
    /// A URL blocked under `script-src` / `style-src` is recorded as
    /// `script-src-elem` / `style-src-elem`, so every browser's report of a
    /// resource lands in one group.
    pub directive: String,
    pub blocked: Blocked,
    /// The page the violation happened on (stripped URL); `scheme:` for a
    /// non-network document (`about:`, `moz-extension:`); empty when absent.
    pub document: String,
    /// Lower-case host of `document`, when it is a URL.
    pub document_host: Option<String>,
    /// The script that caused the load (stripped URL), e.g.
    /// `https://en.wikipedia.org/w/load.php`; `scheme:` for extension
    /// scripts (`chrome-extension:`).
    pub source_file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub status_code: Option<u16>,
    /// `script-sample` / `sample`, at most 40 characters as CSP3 says,
    /// control characters removed; `None` when empty.
    pub sample: Option<String>,
    /// Browser family and major version, e.g. `Chrome 156`.
    pub browser: Option<String>,
    /// MediaWiki's `source=NAME` query parameter on the report endpoint.
    pub source: Option<String>,
}

impl NormalizedReport {
    /// What this report is aggregated under.
    pub fn group_key(&self) -> GroupKey {
        GroupKey {
            directive: self.directive.clone(),
            blocked_origin: self.blocked.origin_key(),
            document_host: self.document_host.clone().unwrap_or_default(),
            source_file: self.source_file.clone().unwrap_or_default(),
        }
    }
}

/// What reports are aggregated by. Empty strings stand for "absent" so the
/// key can be a composite primary key in SQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKey {
    pub directive: String,
    pub blocked_origin: String,
    pub document_host: String,
    pub source_file: String,
}

/// Which page or script a group was attributed to (see `attribute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribution {
    /// Wiki page title or file path of the load that matches.
    pub page: String,
    /// Gadget name, when the page belongs to one.
    pub gadget: Option<String>,
    /// The load's URL as written in the source.
    pub url: Option<String>,
    pub line: Option<u32>,
    /// How the load was matched.
    pub method: AttributionMethod,
    /// 0.0..=1.0: the method's confidence (`attribute::EXACT_URL`, ...),
    /// halved when the page is delivered another way than the source file
    /// says, divided by the number of pages that matched.
    pub confidence: f64,
}

/// How a report was matched to a load, strongest first (see `attribute`).
/// Serialized, and stored, as the kebab-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttributionMethod {
    /// The blocked URL is a load's URL.
    ExactUrl,
    /// The report's source file is the page that holds the load.
    SourceFile,
    /// The blocked URL matches a load whose URL is partly dynamic.
    Pattern,
    /// Same origin, and the load's folder is a prefix of the blocked path.
    OriginPath,
    /// Only the host matches.
    Host,
    /// The host matches a load whose host is partly dynamic.
    DynamicHost,
}

impl AttributionMethod {
    /// Every method, strongest first.
    pub const ALL: [Self; 6] = [
        Self::ExactUrl,
        Self::SourceFile,
        Self::Pattern,
        Self::OriginPath,
        Self::Host,
        Self::DynamicHost,
    ];

    /// The name in JSON and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExactUrl => "exact-url",
            Self::SourceFile => "source-file",
            Self::Pattern => "pattern",
            Self::OriginPath => "origin-path",
            Self::Host => "host",
            Self::DynamicHost => "dynamic-host",
        }
    }

    /// The method with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

impl std::fmt::Display for AttributionMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON API and the store write the same word for a method.
    #[test]
    fn method_names_are_the_serde_names_and_read_back() {
        for method in AttributionMethod::ALL {
            assert_eq!(
                serde_json::to_string(&method).ok(),
                Some(format!("\"{method}\""))
            );
            assert_eq!(AttributionMethod::from_name(method.as_str()), Some(method));
        }
        assert_eq!(AttributionMethod::from_name("guess"), None);
    }
}
