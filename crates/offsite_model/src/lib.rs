//! The shared vocabulary of offsite.
//!
//! Every other crate speaks in these types: a [`Source`] (file or wiki page
//! revision) is analysed into [`Load`]s (what a piece of code fetches, where,
//! how sure we are, whether the user asked for it); the classifier adds a
//! [`Tier`] and an entity; the rules turn loads into [`Finding`]s; for wiki
//! sources the wiki crate adds who is exposed ([`LoadExposure`]); reporters
//! render a [`Report`], most exposed first ([`RankKey`]). Problems that are
//! not loads are [`Diagnostic`]s of a closed [`DiagnosticKind`], which fixes
//! their severity.
//!
//! This crate holds data and small pure helpers only: no parsing of JS, CSS or
//! HTML, no I/O, no policy.

mod diagnostic;
mod exposure;
mod location;
mod title;
mod url_parts;
pub mod wikimedia;

pub use diagnostic::{Diagnostic, DiagnosticKind};
pub use exposure::{ExposureKind, LoadExposure, RankKey, sink_severity};
pub use location::{LineIndex, Position};
pub use title::{GadgetPages, clean_title_spaces};
pub use url_parts::{DYNAMIC, UrlParts, WIKI_SERVER, split_url};

use serde::{Deserialize, Serialize};

/// Where analysed text came from. A file today; a wiki page revision when the
/// dump and API sources arrive, which is why it is an object with optional
/// wiki fields rather than a path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Wiki database name (`enwiki`) or base URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wiki: Option<String>,
    /// Full page title including namespace prefix (`MediaWiki:Gadget-foo.js`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_model: Option<String>,
}

impl Source {
    pub fn file(path: impl Into<String>) -> Self {
        Self {
            path: Some(path.into()),
            ..Self::default()
        }
    }

    /// A short human name: the path for files, `wiki:title` for pages.
    pub fn display_name(&self) -> String {
        match (&self.path, &self.wiki, &self.title) {
            (Some(p), _, _) => p.clone(),
            (None, Some(w), Some(t)) => format!("{w}:{t}"),
            (None, None, Some(t)) => t.clone(),
            _ => "<unknown>".to_owned(),
        }
    }
}

/// The language a text is analysed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    JavaScript,
    TypeScript,
    Css,
    Html,
    /// Wikitext: scanned for raw HTML (`<script>`, `<style>`, `<img>`...).
    Wikitext,
}

impl Language {
    /// Guess from a file name or page title (`.js`, `.mjs`, `.ts`, `.css`,
    /// `.less`, `.html`, `.wiki`). `None` when the name says nothing.
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "js" | "mjs" | "cjs" | "jsx" => Self::JavaScript,
            "ts" | "mts" | "cts" | "tsx" => Self::TypeScript,
            "css" | "less" => Self::Css,
            "html" | "htm" => Self::Html,
            "wiki" | "wikitext" | "mediawiki" => Self::Wikitext,
            _ => return None,
        })
    }
}

/// What kind of resource a load fetches. Decides the CSP directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sink {
    /// Executable script: `<script src>`, `mw.loader.load(url)`, `$.getScript`.
    Script,
    /// Stylesheet: `<link rel=stylesheet>`, `@import`, `importStylesheet`.
    Style,
    /// ResourceLoader module names (`mw.loader.using('ext.gadget.X')`): first party.
    Module,
    Fetch,
    Xhr,
    /// JSONP: data delivered as executable script.
    Jsonp,
    Image,
    Font,
    /// Audio, video, source, track.
    Media,
    Iframe,
    Websocket,
    Eventsource,
    Beacon,
    Worker,
    Form,
    /// `<link rel=preload|prefetch|modulepreload>`.
    Prefetch,
    Other,
}

impl Sink {
    pub const ALL: [Self; 17] = [
        Self::Script,
        Self::Style,
        Self::Module,
        Self::Fetch,
        Self::Xhr,
        Self::Jsonp,
        Self::Image,
        Self::Font,
        Self::Media,
        Self::Iframe,
        Self::Websocket,
        Self::Eventsource,
        Self::Beacon,
        Self::Worker,
        Self::Form,
        Self::Prefetch,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Script => "script",
            Self::Style => "style",
            Self::Module => "module",
            Self::Fetch => "fetch",
            Self::Xhr => "xhr",
            Self::Jsonp => "jsonp",
            Self::Image => "image",
            Self::Font => "font",
            Self::Media => "media",
            Self::Iframe => "iframe",
            Self::Websocket => "websocket",
            Self::Eventsource => "eventsource",
            Self::Beacon => "beacon",
            Self::Worker => "worker",
            Self::Form => "form",
            Self::Prefetch => "prefetch",
            Self::Other => "other",
        }
    }

    /// The CSP directive that governs this kind of load.
    pub fn directive(self) -> Directive {
        match self {
            Self::Script | Self::Jsonp | Self::Module => Directive::ScriptSrc,
            Self::Style => Directive::StyleSrc,
            Self::Fetch | Self::Xhr | Self::Websocket | Self::Eventsource | Self::Beacon => {
                Directive::ConnectSrc
            }
            Self::Image => Directive::ImgSrc,
            Self::Font => Directive::FontSrc,
            Self::Media => Directive::MediaSrc,
            Self::Iframe => Directive::FrameSrc,
            Self::Worker => Directive::WorkerSrc,
            Self::Form => Directive::FormAction,
            Self::Prefetch | Self::Other => Directive::DefaultSrc,
        }
    }

    /// Does this load run code fetched from elsewhere in the page's origin?
    pub fn is_executable(self) -> bool {
        matches!(
            self,
            Self::Script | Self::Jsonp | Self::Worker | Self::Module
        )
    }
}

impl std::fmt::Display for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A CSP fetch or navigation directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Directive {
    #[serde(rename = "script-src")]
    ScriptSrc,
    #[serde(rename = "style-src")]
    StyleSrc,
    #[serde(rename = "connect-src")]
    ConnectSrc,
    #[serde(rename = "img-src")]
    ImgSrc,
    #[serde(rename = "font-src")]
    FontSrc,
    #[serde(rename = "media-src")]
    MediaSrc,
    #[serde(rename = "frame-src")]
    FrameSrc,
    #[serde(rename = "worker-src")]
    WorkerSrc,
    #[serde(rename = "form-action")]
    FormAction,
    #[serde(rename = "default-src")]
    DefaultSrc,
}

impl Directive {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScriptSrc => "script-src",
            Self::StyleSrc => "style-src",
            Self::ConnectSrc => "connect-src",
            Self::ImgSrc => "img-src",
            Self::FontSrc => "font-src",
            Self::MediaSrc => "media-src",
            Self::FrameSrc => "frame-src",
            Self::WorkerSrc => "worker-src",
            Self::FormAction => "form-action",
            Self::DefaultSrc => "default-src",
        }
    }
}

impl std::fmt::Display for Directive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who operates the host a load reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// The wiki itself or its operator's production domains.
    FirstParty,
    /// Wikimedia Cloud Services (Toolforge, Cloud VPS): volunteer-run, not production.
    Wmcs,
    ThirdParty,
    /// The host could not be worked out.
    Unknown,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstParty => "first-party",
            Self::Wmcs => "wmcs",
            Self::ThirdParty => "third-party",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the load's target was worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// A single string literal.
    Literal,
    /// Folded from constants: concatenation, templates, const bindings...
    Constant,
    /// At least part of the target depends on run-time values.
    Dynamic,
}

/// Whether the user asked for the load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Consent {
    /// Runs only after a user action, a confirmation or an opt-in.
    Gated,
    /// Runs as soon as the script loads.
    Ungated,
    /// The analysis cannot tell (see `consent_reason`).
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentKind {
    /// Inside a handler for a user action (click, submit, change, key).
    Action,
    /// Only after `confirm()` / `OO.ui.confirm()` answered yes.
    Confirm,
    /// Only behind a stored opt-in (`mw.user.options`, `localStorage`, a
    /// configured consent function).
    Preference,
}

/// A load as a detector sees it: what the code fetches and where in the text.
/// Pure syntax and local data flow; no tier, no policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Load {
    /// Byte offsets into the analysed text (half-open).
    pub start: u32,
    pub end: u32,
    /// The API or construct that performs the load, as written for a human:
    /// `mw.loader.load`, `$.getScript`, `fetch`, `<script src>`, `@import`,
    /// `url()`, `img.src`.
    pub api: String,
    pub sink: Sink,
    /// The target URL as far as it is known; run-time parts are written
    /// `${…}`. `None` when nothing of it is known, and for module loads.
    pub url: Option<String>,
    /// Lower-case host, when known. `None` for same-wiki targets and unknown ones.
    pub host: Option<String>,
    /// The target is on the wiki that runs the code: a relative URL, a URL
    /// built from `wgServer`/`wgScript`, or a page title.
    pub same_wiki: bool,
    /// Wiki page title the load pulls (`importScript('User:X/y.js')`, or an
    /// `index.php?title=...&action=raw` URL on this or another wiki).
    pub page: Option<String>,
    /// ResourceLoader module names for [`Sink::Module`] loads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
    pub resolution: Resolution,
    /// Source text of the expression that defeated resolution (trimmed to ~80 chars).
    pub dynamic_expr: Option<String>,
    pub consent: Consent,
    pub consent_kind: Option<ConsentKind>,
    /// Why consent is `unknown`, or what gates it (`click handler`, `confirm()`).
    pub consent_reason: Option<String>,
}

impl Load {
    /// A load with no target yet: callers fill in the url / host fields.
    pub fn new(start: u32, end: u32, api: impl Into<String>, sink: Sink) -> Self {
        Self {
            start,
            end,
            api: api.into(),
            sink,
            url: None,
            host: None,
            same_wiki: false,
            page: None,
            modules: Vec::new(),
            resolution: Resolution::Literal,
            dynamic_expr: None,
            consent: Consent::Ungated,
            consent_kind: None,
            consent_reason: None,
        }
    }

    /// Fill `url`, `host` and `same_wiki` from a fully or partly known URL,
    /// using [`split_url`].
    #[must_use]
    pub fn with_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        let parts = split_url(&url);
        self.host = parts.host;
        self.same_wiki = parts.relative;
        self.url = Some(url);
        self
    }
}

/// Severity of a finding, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's verdict on one load (or, for file-level rules, on a source).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code, `OS101`.
    pub rule: String,
    /// Kebab-case name, `remote-executable-code`.
    pub name: String,
    pub severity: Severity,
    pub message: String,
    /// Stable across line moves; used by baselines and SARIF.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// A load after classification and rule evaluation: the unit every output
/// format renders (one element of `loads` in the JSON output).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedLoad {
    pub source: Source,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub api: String,
    pub sink: Sink,
    pub directive: Directive,
    pub url: Option<String>,
    pub host: Option<String>,
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modules: Vec<String>,
    pub tier: Tier,
    pub entity: Option<String>,
    pub resolution: Resolution,
    pub dynamic_expr: Option<String>,
    pub consent: Consent,
    pub consent_kind: Option<ConsentKind>,
    pub consent_reason: Option<String>,
    pub findings: Vec<Finding>,
    /// Who runs the page the load is in, when the source is a wiki whose
    /// import graph was built; `None` for plain files. Reports rank loads
    /// that have one by [`ReportedLoad::rank_key`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<LoadExposure>,
    /// The source line the load starts on, for code frames. Not serialised.
    #[serde(skip)]
    pub snippet: Option<String>,
}

impl Report {
    /// Does some finding reach `threshold` (the `--fail-on` test)?
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.loads
            .iter()
            .flat_map(|l| &l.findings)
            .any(|f| f.severity >= threshold)
    }
}

impl ReportedLoad {
    /// Exposure × sink severity × consent, when the exposure is known.
    pub fn rank_key(&self) -> Option<RankKey> {
        self.exposure
            .as_ref()
            .map(|e| RankKey::new(e, self.sink, self.consent))
    }
}

/// Everything one run produced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub loads: Vec<ReportedLoad>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings hidden by a baseline (counted, not shown).
    pub baseline_hidden: usize,
    /// Findings hidden by `offsite-ignore` comments.
    pub suppressed: usize,
    pub files_scanned: usize,
}

/// What reporters need to know about a rule (the catalogue lives in
/// `offsite_rules`; this is its plain-data view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    /// One sentence: what it finds.
    pub summary: String,
    pub default_severity: Severity,
    /// The rule's full documentation in Markdown.
    pub docs: String,
}
