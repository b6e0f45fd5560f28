//! Noise filtering: reports caused by browser extensions, adware, proxies and
//! in-app webviews, not by the wiki's code.
//!
//! The default lists are vendored in `data/` (see `data/README.md` for their
//! sources): schemes (`chrome-extension`, `moz-extension`, ...), hosts, and
//! MediaWiki-style false-positive URLs. [`FilterConfig`] adds or removes
//! entries. Two rules hold whatever the configuration says:
//!
//! - reports whose blocked URI is `data:`, `blob:`, `inline` or `eval` are
//!   never filtered: run-time code is real signal;
//! - a host that a scanned load uses ([`NoiseFilter::with_known_hosts`]) is
//!   never noise: if a gadget really loads it, its reports must be seen.
//!
//! The filter only decides; the caller counts filtered reports by
//! [`FilterReason::as_str`].

use std::collections::HashSet;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::report::{Blocked, NormalizedReport};

const SCHEMES: &str = include_str!("../data/noise-schemes.txt");
const HOSTS: &str = include_str!("../data/noise-hosts.txt");
const FALSE_POSITIVES: &str = include_str!("../data/false-positive-urls.txt");
const WIKIMEDIA_FALSE_POSITIVES: &str = include_str!("../data/wikimedia-false-positive-urls.txt");

/// Schemes that configuration cannot declare noise.
const PROTECTED_SCHEMES: &[&str] = &[
    "data", "blob", "inline", "eval", "http", "https", "ws", "wss",
];

/// Why a report was filtered. The names are stable: they are metric labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterReason {
    /// The blocked URI or the source file has a noise scheme
    /// (`chrome-extension:`, `moz-extension:`, `about:`...).
    ExtensionScheme,
    /// The document itself has a noise scheme: the policy of an extension
    /// page, not of the wiki.
    DocumentScheme,
    /// The blocked URL's or the source file's host is a known noise host.
    NoiseHost,
    /// The blocked URL or the source file matches a false-positive URL
    /// (exact, origin, or prefix ending in `/`, as MediaWiki matches them).
    FalsePositiveUrl,
}

impl FilterReason {
    pub const ALL: [Self; 4] = [
        Self::ExtensionScheme,
        Self::DocumentScheme,
        Self::NoiseHost,
        Self::FalsePositiveUrl,
    ];

    /// Stable `snake_case` name, used as a Prometheus label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExtensionScheme => "extension_scheme",
            Self::DocumentScheme => "document_scheme",
            Self::NoiseHost => "noise_host",
            Self::FalsePositiveUrl => "false_positive_url",
        }
    }
}

impl std::fmt::Display for FilterReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Changes to the default lists, as an operator writes them (TOML keys in
/// kebab-case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "kebab-case", deny_unknown_fields)]
pub struct FilterConfig {
    /// More noise schemes, without `:` (`opera-extension`).
    pub extra_schemes: Vec<String>,
    /// Default schemes to stop filtering.
    pub remove_schemes: Vec<String>,
    /// More noise hosts; `*.example.com` covers subdomains.
    pub extra_hosts: Vec<String>,
    /// Default hosts to stop filtering (written as in `data/noise-hosts.txt`).
    pub remove_hosts: Vec<String>,
    /// More false-positive URLs (MediaWiki's `$wgCSPFalsePositiveUrls` keys).
    pub extra_false_positive_urls: Vec<String>,
    /// Default false-positive URLs to stop filtering.
    pub remove_false_positive_urls: Vec<String>,
    /// Also filter what Wikimedia production filters on top of extension
    /// noise: Toolforge / Cloud VPS tool hosts and its own domains
    /// (`data/wikimedia-false-positive-urls.txt`). Off by default, because a
    /// gadget loading a tool is something offsite reports.
    pub wikimedia_production: bool,
}

impl FilterConfig {
    /// Entries the filter will ignore, one message each: protected schemes,
    /// malformed hosts and URLs. The caller logs them at start-up.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.extra_schemes {
            match scheme_entry(s) {
                Some(s) if PROTECTED_SCHEMES.contains(&s.as_str()) => out.push(format!(
                    "extra-schemes: `{s}` is never treated as noise (data:, blob:, inline, eval and network schemes carry real signal)"
                )),
                Some(_) => {}
                None => out.push(format!("extra-schemes: `{s}` is not a scheme")),
            }
        }
        for h in &self.extra_hosts {
            if host_entry(h).is_none() {
                out.push(format!("extra-hosts: `{h}` is not a host name"));
            }
        }
        for u in &self.extra_false_positive_urls {
            if url_entry(u).is_none() {
                out.push(format!(
                    "extra-false-positive-urls: `{u}` is not an http(s) or ws(s) URL"
                ));
            }
        }
        out
    }
}

/// Decides whether a report is noise. Build once, share (it is `Sync`).
#[derive(Debug, Clone)]
pub struct NoiseFilter {
    schemes: HashSet<String>,
    /// Exact hosts.
    hosts: HashSet<String>,
    /// `*.domain` entries, stored as `domain`.
    wildcard_hosts: HashSet<String>,
    /// Normalised false-positive URLs; those ending in `/` also match as
    /// prefixes.
    false_positives: HashSet<String>,
    prefixes: Vec<String>,
    known_hosts: HashSet<String>,
}

struct Defaults {
    schemes: Vec<String>,
    hosts: Vec<String>,
    false_positives: Vec<String>,
    wikimedia: Vec<String>,
}

static DEFAULTS: LazyLock<Defaults> = LazyLock::new(|| Defaults {
    schemes: entries(SCHEMES).filter_map(scheme_entry).collect(),
    hosts: entries(HOSTS).filter_map(host_entry).collect(),
    false_positives: entries(FALSE_POSITIVES).filter_map(url_entry).collect(),
    wikimedia: entries(WIKIMEDIA_FALSE_POSITIVES)
        .filter_map(url_entry)
        .collect(),
});

/// The entries of a data file: text before `#`, trimmed, non-empty.
fn entries(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
}

fn scheme_entry(s: &str) -> Option<String> {
    let s = s
        .trim()
        .trim_end_matches("://")
        .trim_end_matches(':')
        .to_ascii_lowercase();
    (!s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(s)
}

fn host_entry(h: &str) -> Option<String> {
    let h = h.trim().trim_end_matches('/').to_ascii_lowercase();
    let bare = h.strip_prefix("*.").unwrap_or(&h);
    (!bare.is_empty()
        && bare.len() <= 253
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    .then_some(h)
}

/// A false-positive URL in the form reports are compared in: scheme and host
/// lower-case, default port dropped, no query or fragment; an origin written
/// without a path stays without one (`https://a.example`), so it matches as
/// an origin and not as a prefix.
fn url_entry(u: &str) -> Option<String> {
    let raw = u.trim();
    let parsed = Url::parse(raw).ok()?;
    if !matches!(parsed.scheme(), "http" | "https" | "ws" | "wss") || parsed.host_str().is_none() {
        return None;
    }
    let no_path =
        parsed.path() == "/" && !raw.split(['?', '#']).next().unwrap_or(raw).ends_with('/');
    if no_path {
        return Some(parsed.origin().ascii_serialization());
    }
    Some(crate::privacy::url_string(&crate::privacy::strip(parsed)))
}

impl Default for NoiseFilter {
    /// The vendored lists, unchanged.
    fn default() -> Self {
        Self::new(&FilterConfig::default())
    }
}

impl NoiseFilter {
    /// The vendored lists with `config` applied. Entries
    /// [`FilterConfig::problems`] reports are ignored.
    pub fn new(config: &FilterConfig) -> Self {
        let defaults = &*DEFAULTS;
        let remove = |list: &[String], f: fn(&str) -> Option<String>| -> HashSet<String> {
            list.iter().filter_map(|s| f(s)).collect()
        };

        let removed = remove(&config.remove_schemes, scheme_entry);
        let schemes = defaults
            .schemes
            .iter()
            .cloned()
            .chain(config.extra_schemes.iter().filter_map(|s| scheme_entry(s)))
            .filter(|s| !removed.contains(s) && !PROTECTED_SCHEMES.contains(&s.as_str()))
            .collect();

        let removed = remove(&config.remove_hosts, host_entry);
        let mut hosts = HashSet::new();
        let mut wildcard_hosts = HashSet::new();
        for h in defaults
            .hosts
            .iter()
            .cloned()
            .chain(config.extra_hosts.iter().filter_map(|h| host_entry(h)))
            .filter(|h| !removed.contains(h))
        {
            match h.strip_prefix("*.") {
                Some(domain) => wildcard_hosts.insert(domain.to_owned()),
                None => hosts.insert(h),
            };
        }

        let removed = remove(&config.remove_false_positive_urls, url_entry);
        let wikimedia: &[String] = if config.wikimedia_production {
            &defaults.wikimedia
        } else {
            &[]
        };
        let false_positives: HashSet<String> = defaults
            .false_positives
            .iter()
            .chain(wikimedia)
            .cloned()
            .chain(
                config
                    .extra_false_positive_urls
                    .iter()
                    .filter_map(|u| url_entry(u)),
            )
            .filter(|u| !removed.contains(u))
            .collect();
        // MediaWiki uses an entry as a prefix only when it ends in `/`, so
        // `https://good.com` never matches `https://good.combo.bad`.
        let mut prefixes: Vec<String> = false_positives
            .iter()
            .filter(|u| u.ends_with('/'))
            .cloned()
            .collect();
        prefixes.sort();

        Self {
            schemes,
            hosts,
            wildcard_hosts,
            false_positives,
            prefixes,
            known_hosts: HashSet::new(),
        }
    }

    /// Hosts that scanned loads use (for example
    /// `AttributionIndex::hosts`): never filtered as noise hosts or false
    /// positives, so a gadget that really loads a listed host is still seen.
    #[must_use]
    pub fn with_known_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.known_hosts
            .extend(hosts.into_iter().map(|h| h.as_ref().to_ascii_lowercase()));
        self
    }

    /// Is this report noise, and why? `None` keeps it.
    pub fn check(&self, r: &NormalizedReport) -> Option<FilterReason> {
        // Run-time code is real signal, whatever else the report says.
        if matches!(
            r.blocked,
            Blocked::Data | Blocked::Blob | Blocked::Inline | Blocked::Eval
        ) {
            return None;
        }
        let source_file = r.source_file.as_deref().unwrap_or("");
        if let Blocked::Scheme(s) = &r.blocked
            && self.schemes.contains(s)
        {
            return Some(FilterReason::ExtensionScheme);
        }
        if self.is_noise_scheme_field(source_file) {
            return Some(FilterReason::ExtensionScheme);
        }
        // `about:blank` and `about:srcdoc` frames inherit the wiki's policy,
        // so an `about:` document is the wiki's; other noise schemes are
        // extension pages with a policy of their own.
        if !r.document.starts_with("about:") && self.is_noise_scheme_field(&r.document) {
            return Some(FilterReason::DocumentScheme);
        }
        let blocked_url = match &r.blocked {
            Blocked::Url(u) => u.as_str(),
            _ => "",
        };
        for url in [blocked_url, source_file] {
            if let Some(host) = crate::privacy::host_of(url)
                && !self.known_hosts.contains(&host)
            {
                if self.is_noise_host(&host) {
                    return Some(FilterReason::NoiseHost);
                }
                if self.is_false_positive(url) {
                    return Some(FilterReason::FalsePositiveUrl);
                }
            }
        }
        None
    }

    /// A stored `scheme:` field (non-network URLs are stored that way).
    fn is_noise_scheme_field(&self, field: &str) -> bool {
        field
            .strip_suffix(':')
            .is_some_and(|s| self.schemes.contains(s))
    }

    fn is_noise_host(&self, host: &str) -> bool {
        if self.hosts.contains(host) {
            return true;
        }
        // `*.domain` matches the domain and every subdomain.
        let mut rest = host;
        loop {
            if self.wildcard_hosts.contains(rest) {
                return true;
            }
            match rest.split_once('.') {
                Some((_, parent)) => rest = parent,
                None => return false,
            }
        }
    }

    /// MediaWiki's `ApiCSPReport::matchUrlPattern` on stripped URLs: exact
    /// URL, origin, or an entry ending in `/` that prefixes the URL.
    fn is_false_positive(&self, url: &str) -> bool {
        if self.false_positives.contains(url) {
            return true;
        }
        if let Ok(parsed) = Url::parse(url)
            && self
                .false_positives
                .contains(&parsed.origin().ascii_serialization())
        {
            return true;
        }
        self.prefixes.iter().any(|p| url.starts_with(p.as_str()))
    }

    /// How many schemes, hosts and false-positive URLs are in force.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            self.schemes.len(),
            self.hosts.len() + self.wildcard_hosts.len(),
            self.false_positives.len(),
        )
    }
}
