//! Does a URL match a source expression? CSP Level 3 §6.7.2.6-12, for a
//! page of a given origin.
//!
//! Spec: <https://www.w3.org/TR/CSP3/#match-url-to-source-list>.

use crate::matching::Origin;
use crate::source::{HostSource, Keyword, Port, SourceExpr};

/// Resolve a URL as written against the page origin; `None` when it does
/// not parse.
pub(crate) fn resolve(origin: &Origin, url: &str) -> Option<url::Url> {
    let url = url.trim();
    match origin.base() {
        Some(base) => base.join(url).ok(),
        None => url::Url::parse(url).ok(),
    }
}

/// §6.7.2.6 "Does url match source list in origin": the first source that
/// matches, if any. A list of `'none'` alone matches nothing.
pub fn url_matches_source_list<'a>(
    url: &url::Url,
    sources: &'a [SourceExpr],
    origin: &Origin,
) -> Option<&'a SourceExpr> {
    let view = UrlView::of(url);
    sources
        .iter()
        .find(|source| source_matches(source, &view, origin))
}

/// A URL as CSP matching sees it, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlView<'a> {
    /// Lower-case scheme.
    pub scheme: &'a str,
    /// Lower-case host; `None` for `data:`, `blob:` and the like.
    pub host: Option<&'a str>,
    /// `None` for the scheme's default port.
    pub port: Option<u16>,
    /// Percent-encoded, as in the URL (`/a%20b/c.js`).
    pub path: &'a str,
}

impl<'a> UrlView<'a> {
    /// The parts of a parsed URL.
    pub fn of(url: &'a url::Url) -> Self {
        Self {
            scheme: url.scheme(),
            host: url.host_str(),
            port: url.port(),
            path: url.path(),
        }
    }

    /// Fetch checks a WebSocket request after turning `ws`/`wss` into
    /// `http`/`https` (<https://github.com/w3c/webappsec-csp/issues/429>);
    /// this is the scheme the policy sees.
    fn fetch_scheme(&self) -> &'a str {
        if self.scheme.eq_ignore_ascii_case("ws") {
            "http"
        } else if self.scheme.eq_ignore_ascii_case("wss") {
            "https"
        } else {
            self.scheme
        }
    }

    /// The port, `None` when it is the fetch scheme's default.
    fn normal_port(&self) -> Option<u16> {
        self.port
            .filter(|p| Some(*p) != default_port(&self.fetch_scheme().to_ascii_lowercase()))
    }
}

impl SourceExpr {
    /// Does this source allow fetching `url` (absolute, or relative to the
    /// page) on a page of `origin`? Nonces, hashes and keywords other than
    /// `'self'` match no URL.
    pub fn matches_url(&self, url: &str, origin: &Origin) -> bool {
        resolve(origin, url).is_some_and(|u| source_matches(self, &UrlView::of(&u), origin))
    }
}

impl HostSource {
    /// Does this host-source match `url` on a page of `origin`?
    pub fn matches_url(&self, url: &str, origin: &Origin) -> bool {
        resolve(origin, url).is_some_and(|u| {
            host_source_matches(
                self.scheme.as_deref(),
                &self.host,
                self.port,
                self.path.as_deref(),
                &UrlView::of(&u),
                &origin.scheme,
            )
        })
    }
}

/// Allowlist matching (`[[allow]] host` in offsite.toml, tier entries):
/// the URL is one a scan wrote, on a page served over `page_scheme`.
impl HostSource {
    /// Does an absolute URL (as in `Load::url`, fully known) match?
    /// Protocol-relative URLs are read with `page_scheme`; relative URLs and
    /// URLs without a host (`data:`, `blob:`) never match a host-source.
    pub fn matches_absolute_url(&self, url: &str, page_scheme: &str) -> bool {
        let url = url.trim();
        let parsed = if url.starts_with("//") {
            url::Url::parse(&format!("{page_scheme}:{url}"))
        } else {
            url::Url::parse(url)
        };
        let Ok(parsed) = parsed else { return false };
        parsed.host_str().is_some() && self.matches_view(&UrlView::of(&parsed), page_scheme)
    }

    /// Does a URL given by its parts match? `port` is `None` for the
    /// scheme's default port; `path` is as in the URL (percent-encoded).
    pub fn matches_parts(
        &self,
        scheme: &str,
        host: &str,
        port: Option<u16>,
        path: &str,
        page_scheme: &str,
    ) -> bool {
        let url = UrlView {
            scheme,
            host: Some(host),
            port,
            path,
        };
        self.matches_view(&url, page_scheme)
    }

    fn matches_view(&self, url: &UrlView<'_>, page_scheme: &str) -> bool {
        host_source_matches(
            self.scheme.as_deref(),
            &self.host,
            self.port,
            self.path.as_deref(),
            url,
            page_scheme,
        )
    }
}

/// §6.7.2.8 "Does url match expression in origin".
fn source_matches(source: &SourceExpr, url: &UrlView<'_>, origin: &Origin) -> bool {
    match source {
        SourceExpr::Wildcard => wildcard_matches(url, &origin.scheme),
        SourceExpr::Scheme(scheme) => scheme_part_match(scheme, url.fetch_scheme()).is_some(),
        SourceExpr::Host(host) => host_source_matches(
            host.scheme.as_deref(),
            &host.host,
            host.port,
            host.path.as_deref(),
            url,
            &origin.scheme,
        ),
        SourceExpr::Keyword(Keyword::SelfOrigin) => self_matches(url, origin),
        SourceExpr::Keyword(_)
        | SourceExpr::Nonce(_)
        | SourceExpr::Hash { .. }
        | SourceExpr::Raw(_) => false,
    }
}

/// `*` matches HTTP(S) URLs (WebSocket included) and URLs of the page's
/// own scheme; never `data:`, `blob:` or `filesystem:` on an HTTPS page.
fn wildcard_matches(url: &UrlView<'_>, origin_scheme: &str) -> bool {
    let scheme = url.fetch_scheme();
    scheme.eq_ignore_ascii_case("http")
        || scheme.eq_ignore_ascii_case("https")
        || scheme.eq_ignore_ascii_case(origin_scheme)
}

/// `'self'`: the page's origin, or the same host and port reached over a
/// secure scheme (`http:` page → `https:`/`wss:` URL).
fn self_matches(url: &UrlView<'_>, origin: &Origin) -> bool {
    let Some(host) = url.host else { return false };
    if !host
        .trim_end_matches('.')
        .eq_ignore_ascii_case(&origin.host)
    {
        return false;
    }
    let url_scheme = url.scheme.to_ascii_lowercase();
    let origin_port = origin.port.or_else(|| default_port(&origin.scheme));
    let url_port = url.port.or_else(|| default_port(&url_scheme));
    if url_scheme == origin.scheme && url_port == origin_port {
        return true;
    }
    // "Either the same or the default ports for their respective schemes".
    let ports_ok = url_port == origin_port || (url.port.is_none() && origin.port.is_none());
    ports_ok
        && (matches!(url_scheme.as_str(), "https" | "wss")
            || (origin.scheme == "http" && matches!(url_scheme.as_str(), "http" | "ws")))
}

/// Host-source matching by parts (§6.7.2.8 step 3 and §6.7.2.9-12), for
/// callers holding a host-source in another shape. A scheme-less source
/// takes `origin_scheme`; a lone `*` host behaves as the `*` source.
pub fn host_source_matches(
    scheme: Option<&str>,
    host: &str,
    port: Option<Port>,
    path: Option<&str>,
    url: &UrlView<'_>,
    origin_scheme: &str,
) -> bool {
    if host == "*" && scheme.is_none() && port.is_none() && path.is_none() {
        return wildcard_matches(url, origin_scheme);
    }
    let Some(url_host) = url.host else {
        return false;
    };
    let url_scheme = url.fetch_scheme().to_ascii_lowercase();
    let Some(upgraded) = scheme_part_match(scheme.unwrap_or(origin_scheme), &url_scheme) else {
        return false;
    };
    host_part_match(host, url_host)
        && port_part_match(port, url.normal_port(), &url_scheme, upgraded)
        && path.is_none_or(|p| path_part_match(p, url.path))
}

/// §6.7.2.9 scheme-part matching, as `Some(upgraded)` when the schemes
/// match: `http` allows `https`, `ws` allows `wss`/`http`/`https`, `wss`
/// allows `https`. `upgraded` says an insecure source scheme matched a
/// secure URL.
fn scheme_part_match(source: &str, url: &str) -> Option<bool> {
    let source = source.to_ascii_lowercase();
    let url = url.to_ascii_lowercase();
    if source == url {
        return Some(false);
    }
    match (source.as_str(), url.as_str()) {
        ("http" | "ws", "https") => Some(true),
        ("ws", "http" | "wss") | ("wss", "https") => Some(false),
        _ => None,
    }
}

/// §6.7.2.10 host-part matching.
fn host_part_match(pattern: &str, host: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern);
    // Addresses are not domains: a wildcard never reaches into one
    // (`*.0.0.1`), though an address written out in full matches itself, as
    // in Chromium (`connect-src 127.0.0.1:8080` for a local tool).
    if host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return pattern == host;
    }
    match pattern.strip_prefix('*') {
        // `*.github.com` matches `x.github.com` but not `github.com`.
        Some(dot_parent) => {
            host.len() > dot_parent.len()
                && host.is_char_boundary(host.len() - dot_parent.len())
                && host[host.len() - dot_parent.len()..].eq_ignore_ascii_case(dot_parent)
        }
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// §6.7.2.11 port-part matching. `url_port` is `None` for the default.
fn port_part_match(
    port: Option<Port>,
    url_port: Option<u16>,
    url_scheme: &str,
    upgraded: bool,
) -> bool {
    match port {
        None => url_port.is_none(),
        Some(Port::Any) => true,
        Some(Port::Number(port)) => {
            url_port.or_else(|| default_port(url_scheme)) == Some(port)
                // Browsers let `http://x:80` allow `https://x` after the
                // scheme upgrade, as the spec's scheme rule intends
                // (https://commits.webkit.org/311148@main: only when the
                // source's scheme was the insecure one).
                || (upgraded && port == 80 && url_port.is_none())
        }
    }
}

/// §6.7.2.12 path-part matching: no trailing slash = this exact path; a
/// trailing slash = everything under it. Both sides percent-decoded.
fn path_part_match(source: &str, url_path: &str) -> bool {
    if source.is_empty() || (source == "/" && url_path.is_empty()) {
        return true;
    }
    let exact = !source.ends_with('/');
    let mut source_list: Vec<&str> = source.split('/').collect();
    let url_list: Vec<&str> = url_path.split('/').collect();
    if source_list.len() > url_list.len() || (exact && source_list.len() != url_list.len()) {
        return false;
    }
    if !exact {
        source_list.pop(); // The empty piece after the trailing slash.
    }
    source_list
        .iter()
        .zip(&url_list)
        .all(|(a, b)| percent_decode(a) == percent_decode(b))
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(&[hi, lo]) = bytes.get(i + 1..i + 3)
            && let (Some(hi), Some(lo)) = (hex_value(hi), hex_value(lo))
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// The default port of a scheme (WHATWG URL), for the schemes CSP meets.
pub(crate) fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_part_matching() {
        assert!(path_part_match("/", ""));
        assert!(path_part_match("/a/", "/a/b/c"));
        assert!(!path_part_match("/a/", "/a"));
        assert!(path_part_match("/a", "/a"));
        assert!(!path_part_match("/a", "/a/"));
        assert!(path_part_match("/%7Euser/", "/~user/x"));
    }

    #[test]
    fn percent_decoding_leaves_broken_escapes() {
        assert_eq!(percent_decode("a%20b"), b"a b");
        assert_eq!(percent_decode("%zz%2"), b"%zz%2");
        assert_eq!(percent_decode("%C3%A9"), "é".as_bytes());
    }

    #[test]
    fn scheme_parts() {
        assert_eq!(scheme_part_match("http", "https"), Some(true));
        assert_eq!(scheme_part_match("HTTPS", "https"), Some(false));
        assert_eq!(scheme_part_match("ws", "http"), Some(false));
        assert_eq!(scheme_part_match("https", "http"), None);
        assert_eq!(scheme_part_match("wss", "http"), None);
    }
}
