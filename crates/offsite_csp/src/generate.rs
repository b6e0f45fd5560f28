//! `offsite csp generate`: the smallest policy that allows exactly the loads
//! the offsite policy permits.
//!
//! Input is a scan's [`ReportedLoad`]s. A load is **permitted** when it has
//! no remote-load finding ([`REMOTE_LOAD_RULES`], `OS101`–`OS106`):
//! first-party and Wikimedia Cloud Services loads never get one, and
//! `[[allow]]` entries and exemptions in `offsite.toml` silence them. Every
//! other load is **forbidden** and left out (and reported, with its rule
//! codes and whether the policy blocks it). A load whose host is only known
//! at run time (`https://${…}/x.js`), or that has no URL, cannot be written
//! as a source: it is reported as **not representable** with its page and
//! line, never dropped silently.
//!
//! The policy is a base (what MediaWiki itself needs, or `'self'` alone)
//! plus one minimal host-source per host a permitted load reaches, per
//! directive; a directive whose list equals what it would get by falling
//! back is left out. Every permitted load is checked against the result
//! with [`Policy::check`], and that check is what `needs` (`--explain`)
//! reports.
//!
//! No I/O: the caller reads the scan, `offsite.toml` and the gadget
//! definitions. MediaWiki's `$wgCSPHeader` form is in [`crate::mediawiki`].

mod build;
mod render;
mod resolve;
mod titles;

use offsite_model::{Directive, ReportedLoad, Sink, Source};
use serde::Serialize;

use crate::matching::Origin;
use crate::policy::Policy;
use crate::source::{HostSource, SourceExpr};

pub use build::{generate, merged, per_gadget};
pub use render::{render_explain, render_fragments, render_notes};
pub use titles::gadgets_from_titles;

/// The rules whose findings make a load forbidden: the remote-load rules
/// (`remote-executable-code`, `remote-stylesheet`, `remote-data-request`,
/// `remote-media`, `remote-frame`, `remote-form-target`).
pub const REMOTE_LOAD_RULES: [&str; 6] = ["OS101", "OS102", "OS103", "OS104", "OS105", "OS106"];

/// The header name of an enforced policy.
pub const ENFORCE_HEADER: &str = "Content-Security-Policy";
/// The header name of a report-only policy.
pub const REPORT_ONLY_HEADER: &str = "Content-Security-Policy-Report-Only";
/// The header that names `report-to` groups' endpoints.
pub const REPORTING_ENDPOINTS_HEADER: &str = "Reporting-Endpoints";

/// Gadget membership: page title → the gadgets that load the page.
pub use offsite_model::GadgetPages;

/// What every policy allows before any load is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Base {
    /// What MediaWiki needs to run: scripts `'self' 'unsafe-eval'
    /// 'unsafe-inline' blob:` (ResourceLoader evaluates module code with
    /// `eval` and inline `<script>`s), styles `'self' 'unsafe-inline' blob:
    /// data:`, images `'self' blob: data:`, workers `'self' blob:`; `'self'`
    /// elsewhere.
    #[default]
    MediaWiki,
    /// `'self'` in every directive and nothing else: for pages that run no
    /// inline code and no `eval`.
    Strict,
}

/// An `[[allow]]` host pattern of `offsite.toml`, to be written into the
/// policy instead of the hosts it permits (`*.toolforge.org` rather than one
/// host-source per tool).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllowPattern {
    /// The entry's `host`.
    pub host: HostSource,
    /// The entry's `sinks`; `None` = every kind of load.
    pub sinks: Option<Vec<Sink>>,
}

/// A Reporting API endpoint: `report-to GROUP` in the policy and
/// `Reporting-Endpoints: GROUP="URL"` beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportTo {
    /// Lower-case letters, digits, `-` and `_`, starting with a letter.
    pub group: String,
    /// Absolute URL; browsers use only HTTPS endpoints on HTTPS pages.
    pub url: String,
}

/// How to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GenerateOptions {
    /// The origin of the wiki's pages: what `'self'` means, the scheme of
    /// protocol-relative URLs and of `${wgServer}`.
    pub origin: Origin,
    pub base: Base,
    /// Hosts the wiki itself serves from that no scanned code names (an
    /// upload host, a static-assets host): added to every fetch
    /// directive's base, as MediaWiki adds them to its own header.
    pub wiki_hosts: Vec<HostSource>,
    /// Send `object-src 'none'` (default `true`).
    pub object_src_none: bool,
    /// Send `base-uri 'self'` (default `true`).
    pub base_uri_self: bool,
    /// `[[allow]]` host patterns to write in place of the hosts they permit;
    /// empty = one host-source per host.
    pub use_allow_patterns: Vec<AllowPattern>,
    /// `report-uri` (`;` and `,` are written `%3B` and `%2C`).
    pub report_uri: Option<String>,
    pub report_to: Option<ReportTo>,
    /// `Content-Security-Policy-Report-Only` rather than
    /// `Content-Security-Policy`.
    pub report_only: bool,
    /// Warn when the header lines take more bytes than this.
    pub budget_bytes: Option<usize>,
}

impl GenerateOptions {
    /// Defaults for pages of `origin`: MediaWiki base, `object-src 'none'`,
    /// `base-uri 'self'`, enforcing, no reporting, no budget.
    pub fn new(origin: Origin) -> Self {
        Self {
            origin,
            base: Base::MediaWiki,
            wiki_hosts: Vec::new(),
            object_src_none: true,
            base_uri_self: true,
            use_allow_patterns: Vec::new(),
            report_uri: None,
            report_to: None,
            report_only: false,
            budget_bytes: None,
        }
    }
}

/// Options that cannot be written into a header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    #[error("report-uri `{uri}`: {reason}")]
    ReportUri { uri: String, reason: String },
    #[error("report-to group `{group}`: {reason}")]
    ReportToGroup { group: String, reason: String },
    #[error("report-to endpoint `{url}`: {reason}")]
    ReportToUrl { url: String, reason: String },
}

/// One header line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderLine {
    pub name: String,
    pub value: String,
}

impl HeaderLine {
    /// Bytes on the wire in HTTP/1.1: `Name: value\r\n`.
    pub fn size_bytes(&self) -> usize {
        self.name.len() + 2 + self.value.len() + 2
    }
}

impl std::fmt::Display for HeaderLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.value)
    }
}

/// Where a load is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadRef {
    /// The page or file.
    pub source: Source,
    pub line: u32,
    pub column: u32,
    /// As the scan wrote it.
    pub url: Option<String>,
}

impl LoadRef {
    fn of(load: &ReportedLoad) -> Self {
        Self {
            source: load.source.clone(),
            line: load.line,
            column: load.column,
            url: load.url.clone(),
        }
    }
}

/// Why a source is in the header (`--explain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceNeed {
    pub directive: String,
    /// As written in the header.
    pub source: String,
    /// Part of the base (MediaWiki, `'self'`, a wiki host).
    pub base: bool,
    /// The permitted loads the browser allows through this source (the
    /// first matching source of the directive that governs them).
    pub loads: Vec<LoadRef>,
}

/// Why a permitted load could not be written as a source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum UnrepresentableReason {
    /// The scan found no URL.
    NoUrl,
    /// The host is only known at run time (`https://${…}/x.js`).
    DynamicHost,
    /// A scheme with no host that CSP cannot name (`javascript:`,
    /// `mailto:`).
    Scheme { scheme: String },
    /// An IPv6 address: host-sources cannot name one.
    IpLiteral,
    /// The host or URL does not fit the host-source grammar.
    InvalidHost { detail: String },
    /// The generated policy does not allow the load; a bug in offsite.
    NotAllowed,
}

/// A permitted load the policy cannot allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrepresentable {
    #[serde(flatten)]
    pub load: LoadRef,
    pub directive: Directive,
    #[serde(flatten)]
    pub reason: UnrepresentableReason,
}

/// What the generated policy does to a forbidden load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum ForbiddenOutcome {
    Blocked,
    /// Allowed anyway: a permitted load needs the same source in the same
    /// directive (CSP cannot tell the two apart).
    Allowed {
        directive: &'static str,
        source: SourceExpr,
    },
    /// No directive of the policy governs it (a form target when no
    /// `form-action` is sent).
    NotGoverned,
    /// The URL is not fully known, so it was not checked.
    Unchecked,
}

/// A load left out because the offsite policy forbids it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForbiddenLoad {
    #[serde(flatten)]
    pub load: LoadRef,
    pub directive: Directive,
    /// The remote-load rules that fired (`OS101`).
    pub rules: Vec<String>,
    #[serde(flatten)]
    pub outcome: ForbiddenOutcome,
}

/// The bytes one directive takes in the header value, counting the `; `
/// that joins it to the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirectiveSize {
    pub directive: String,
    pub bytes: usize,
    /// Host- and scheme-sources in it.
    pub sources: usize,
}

/// A generated policy and everything said about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Generated {
    pub policy: Policy,
    /// `Content-Security-Policy` or `Content-Security-Policy-Report-Only`.
    pub header_name: String,
    pub header_value: String,
    /// `Reporting-Endpoints`, when `report_to` is set.
    pub extra_headers: Vec<HeaderLine>,
    /// Bytes of every header line, each counted as `Name: value\r\n`.
    pub size_bytes: usize,
    /// Per directive of the policy, in header order.
    pub directive_sizes: Vec<DirectiveSize>,
    /// Host-sources in the policy.
    pub host_sources: usize,
    pub budget_bytes: Option<usize>,
    /// How many bytes `size_bytes` exceeds the budget by.
    pub over_budget: Option<usize>,
    /// Every source of every source-list directive, in header order.
    pub needs: Vec<SourceNeed>,
    pub not_representable: Vec<Unrepresentable>,
    pub forbidden: Vec<ForbiddenLoad>,
    /// The Reporting API endpoint, when set.
    pub report_to: Option<ReportTo>,
}

impl Generated {
    /// The CSP header line.
    pub fn header(&self) -> HeaderLine {
        HeaderLine {
            name: self.header_name.clone(),
            value: self.header_value.clone(),
        }
    }

    /// Is this a report-only policy?
    pub fn is_report_only(&self) -> bool {
        self.header_name == REPORT_ONLY_HEADER
    }
}

/// The sources one gadget needs beyond the base, per directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GadgetFragment {
    pub gadget: String,
    /// The gadget's pages (from the gadget map), sorted.
    pub pages: Vec<String>,
    /// In header order; directives that need nothing beyond the base are
    /// left out.
    pub directives: Vec<FragmentDirective>,
    pub not_representable: Vec<Unrepresentable>,
    pub forbidden: Vec<ForbiddenLoad>,
}

/// One directive of a [`GadgetFragment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FragmentDirective {
    pub directive: String,
    pub sources: Vec<SourceExpr>,
}

/// Keywords, then scheme-sources, then host-sources by host (a wildcard
/// next to the hosts it covers), then the rest.
pub(crate) fn source_sort_key(source: &SourceExpr) -> (u8, String, String) {
    match source {
        SourceExpr::Keyword(_) => (0, String::new(), source.to_string()),
        SourceExpr::Scheme(s) => (1, s.clone(), String::new()),
        SourceExpr::Host(h) => (
            2,
            h.host.trim_start_matches("*.").to_owned(),
            source.to_string(),
        ),
        _ => (3, String::new(), source.to_string()),
    }
}
