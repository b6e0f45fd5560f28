//! CSP host-source expressions (`https://*.example.org:443/path/`) and the
//! CSP Level 3 algorithm "Does url match expression in origin" (§6.7.2.8 and
//! the part-matching algorithms after it), for a page whose origin is HTTPS,
//! as every Wikimedia wiki's is.
//!
//! Spec: <https://www.w3.org/TR/CSP3/#match-url-to-source-expression>.

use std::fmt;

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
        let fail = |reason: &str| ClassifyError::InvalidHostSource {
            source_text: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(fail("it is empty"));
        }
        if trimmed.starts_with('\'') {
            return Err(fail(
                "keyword and nonce sources such as 'self' are not host-sources",
            ));
        }
        if let Some(c) = trimmed
            .chars()
            .find(|c| c.is_whitespace() || *c == ';' || *c == ',')
        {
            return Err(fail(&format!(
                "`{c}` separates sources; give one source at a time"
            )));
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => {
                if !is_scheme(scheme) {
                    return Err(fail(&format!("`{scheme}` is not a URL scheme")));
                }
                (Some(scheme.to_ascii_lowercase()), rest)
            }
            None if trimmed.ends_with(':') && is_scheme(&trimmed[..trimmed.len() - 1]) => {
                return Err(fail(
                    "this is a scheme-source (`https:`), not a host-source",
                ));
            }
            None => (None, trimmed),
        };
        let host_end = rest.find([':', '/']).unwrap_or(rest.len());
        let (host, mut rest) = rest.split_at(host_end);
        check_host(host).map_err(|reason| fail(&reason))?;
        let port = match rest.strip_prefix(':') {
            None => None,
            Some(after) => {
                let end = after.find('/').unwrap_or(after.len());
                let (port, after) = after.split_at(end);
                rest = after;
                Some(parse_port(port).map_err(|reason| fail(&reason))?)
            }
        };
        let path = if rest.is_empty() {
            None
        } else {
            check_path(rest).map_err(|reason| fail(&reason))?;
            Some(rest.to_owned())
        };
        Ok(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
            path,
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
        let Some(host) = parsed.host_str() else {
            return false;
        };
        self.matches(parsed.scheme(), host, parsed.port(), parsed.path())
    }

    /// Does a URL, given by its parts, match this source? `port` is `None`
    /// for the scheme's default port; `path` is as in the URL (percent-encoded).
    pub fn matches(&self, scheme: &str, host: &str, port: Option<u16>, path: &str) -> bool {
        let scheme = scheme.to_ascii_lowercase();
        // Fetch checks a WebSocket request after turning ws/wss into
        // http/https, so that is what the policy sees
        // (https://github.com/w3c/webappsec-csp/issues/429).
        let scheme = match scheme.as_str() {
            "ws" => "http",
            "wss" => "https",
            other => other,
        };
        // A port written out that is the scheme's default is no port at all.
        let port = port.filter(|p| Some(*p) != default_port(scheme));
        if self.host == "*" && self.scheme.is_none() && self.port.is_none() && self.path.is_none() {
            // §6.7.2.8 step 1: `*` matches HTTP(S) URLs and the page's own
            // scheme, which is HTTPS here; never `data:`, `blob:` or others.
            return matches!(scheme, "http" | "https");
        }
        let source_scheme = self.scheme.as_deref().unwrap_or(ORIGIN_SCHEME);
        let Some(upgraded) = scheme_part_match(source_scheme, scheme) else {
            return false;
        };
        host_part_match(&self.host, host)
            && self.port_matches(port, scheme, upgraded)
            && self
                .path
                .as_deref()
                .is_none_or(|p| path_part_match(p, path))
    }

    /// §6.7.2.11 port-part matching. `url_port` is `None` for the default.
    fn port_matches(&self, url_port: Option<u16>, url_scheme: &str, upgraded: bool) -> bool {
        match self.port {
            None => url_port.is_none(),
            Some(None) => true,
            Some(Some(port)) => {
                url_port.or_else(|| default_port(url_scheme)) == Some(port)
                    // Browsers let `http://x:80` allow `https://x` after the
                    // scheme upgrade, as the spec's scheme rule intends
                    // (https://commits.webkit.org/311148@main: only when the
                    // source's scheme was the insecure one).
                    || (upgraded && port == 80 && url_port.is_none())
            }
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

/// RFC 3986: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `host-part = "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ]`
fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the host is missing".to_owned());
    }
    if host == "*" {
        return Ok(());
    }
    if host.starts_with('[') {
        return Err("IP-literal hosts (`[::1]`) are not allowed in a host-source".to_owned());
    }
    let labels = host.strip_prefix("*.").unwrap_or(host);
    let labels = labels.strip_suffix('.').unwrap_or(labels);
    for label in labels.split('.') {
        if label.is_empty() {
            return Err(format!("the host `{host}` has an empty label"));
        }
        if label.contains('*') {
            return Err(format!(
                "`*` may only stand for the leftmost label (`*.example.org`), not in `{host}`"
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return Err(format!(
                "`{c}` is not allowed in a host (letters, digits and `-`; IDN as punycode)"
            ));
        }
    }
    Ok(())
}

/// `port-part = 1*DIGIT / "*"`
fn parse_port(port: &str) -> Result<Option<u16>, String> {
    match port {
        "" => Err("the port after `:` is missing".to_owned()),
        "*" => Ok(None),
        digits if digits.bytes().all(|b| b.is_ascii_digit()) => digits
            .parse()
            .map(Some)
            .map_err(|_| format!("port `{digits}` is out of range (0-65535)")),
        other => Err(format!("port `{other}` is neither a number nor `*`")),
    }
}

/// `path-part = path-absolute` (RFC 3986) without `;` and `,`.
fn check_path(path: &str) -> Result<(), String> {
    if path.starts_with("//") {
        return Err("a path may not start with `//`".to_owned());
    }
    for c in ['?', '#'] {
        if path.contains(c) {
            return Err(format!("a host-source has no query or fragment (`{c}`)"));
        }
    }
    let bytes = path.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~!$&'()*+=:@/%".contains(&b);
        if !allowed {
            return Err(format!(
                "`{}` is not allowed in a path; percent-encode it",
                char::from(b)
            ));
        }
        if b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            return Err("`%` must start a percent-escape such as `%20`".to_owned());
        }
    }
    Ok(())
}

/// §6.7.2.9 scheme-part matching, as `Some(upgraded)` when the schemes match:
/// `http` allows `https`, `ws` allows `wss`/`http`/`https`, `wss` allows
/// `https`. `upgraded` says an insecure source scheme matched a secure URL.
fn scheme_part_match(source: &str, url: &str) -> Option<bool> {
    let source = source.to_ascii_lowercase();
    if source == url {
        return Some(false);
    }
    match (source.as_str(), url) {
        ("http" | "ws", "https") => Some(true),
        ("ws", "http") | ("wss", "https") => Some(false),
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

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        "ftp" => Some(21),
        _ => None,
    }
}

#[cfg(test)]
#[path = "host_source_tests.rs"]
mod tests;
