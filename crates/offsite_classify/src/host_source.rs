//! CSP host-source expressions (`https://*.example.org:443/path/`) for
//! allowlists, matched for a page whose origin is HTTPS, as every Wikimedia
//! wiki's is.
//!
//! Parsing and the CSP Level 3 algorithm "Does url match expression in
//! origin" are `offsite_csp`'s (one implementation for allowlists and
//! policies); this type keeps the allowlist's API and error type.
//!
//! Spec: <https://www.w3.org/TR/CSP3/#match-url-to-source-expression>.

use std::fmt;

use offsite_csp::{Port, UrlView};

use crate::ClassifyError;

/// The origin every wiki page is served from: a scheme-less source matches
/// what this scheme matches, and `*` matches it too.
const ORIGIN_SCHEME: &str = "https";

/// A CSP host-source, matched with CSP Level 3 semantics: `*.x` matches
/// subdomains of `x` but not `x` itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostSource {
    /// Lower-case scheme without `://`, when written.
    pub scheme: Option<String>,
    /// Lower-case `example.org`, `*.example.org` or `*`.
    pub host: String,
    /// `None` = no port written (the scheme's default port only);
    /// `Some(None)` = `*`; `Some(Some(n))` = that port.
    pub port: Option<Option<u16>>,
    /// As written, starting with `/`; compared percent-decoded.
    pub path: Option<String>,
}

impl HostSource {
    /// Parse one host-source. Keywords (`'self'`), scheme-sources (`https:`)
    /// and anything outside the CSP grammar are errors naming the text and
    /// what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, ClassifyError> {
        offsite_csp::HostSource::parse(text)
            .map(Self::from)
            .map_err(|e| ClassifyError::InvalidHostSource {
                source_text: e.text,
                reason: e.reason,
            })
    }

    /// Does a URL (as in `Load::url`, fully known) match this source?
    /// Protocol-relative URLs are read as HTTPS; relative URLs and URLs
    /// without a host (`data:`, `blob:`) never match a host-source.
    pub fn matches_url(&self, url: &str) -> bool {
        let url = url.trim();
        let parsed = if url.starts_with("//") {
            url::Url::parse(&format!("{ORIGIN_SCHEME}:{url}"))
        } else {
            url::Url::parse(url)
        };
        let Ok(parsed) = parsed else { return false };
        parsed.host_str().is_some() && self.matches_view(&UrlView::of(&parsed))
    }

    /// Does a URL, given by its parts, match this source? `port` is `None`
    /// for the scheme's default port; `path` is as in the URL (percent-encoded).
    pub fn matches(&self, scheme: &str, host: &str, port: Option<u16>, path: &str) -> bool {
        self.matches_view(&UrlView {
            scheme,
            host: Some(host),
            port,
            path,
        })
    }

    fn matches_view(&self, url: &UrlView<'_>) -> bool {
        let port = self.port.map(|p| p.map_or(Port::Any, Port::Number));
        offsite_csp::host_source_matches(
            self.scheme.as_deref(),
            &self.host,
            port,
            self.path.as_deref(),
            url,
            ORIGIN_SCHEME,
        )
    }
}

impl From<offsite_csp::HostSource> for HostSource {
    fn from(source: offsite_csp::HostSource) -> Self {
        Self {
            scheme: source.scheme,
            host: source.host,
            port: source.port.map(|p| match p {
                Port::Any => None,
                Port::Number(n) => Some(n),
            }),
            path: source.path,
        }
    }
}

impl From<HostSource> for offsite_csp::HostSource {
    fn from(source: HostSource) -> Self {
        Self {
            scheme: source.scheme,
            host: source.host,
            port: source.port.map(|p| p.map_or(Port::Any, Port::Number)),
            path: source.path,
        }
    }
}

impl fmt::Display for HostSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}://")?;
        }
        f.write_str(&self.host)?;
        match self.port {
            None => {}
            Some(None) => f.write_str(":*")?,
            Some(Some(port)) => write!(f, ":{port}")?,
        }
        if let Some(path) = &self.path {
            f.write_str(path)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for HostSource {
    type Err = ClassifyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
#[path = "host_source_tests.rs"]
mod tests;
