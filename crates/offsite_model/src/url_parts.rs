//! Pulling scheme and host out of a URL that may be partly unknown.

/// What can be said about a (possibly partial) URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UrlParts {
    /// Lower-case scheme without `:` (`https`), when written.
    pub scheme: Option<String>,
    /// Lower-case host, when fully known (no `${…}` inside it).
    pub host: Option<String>,
    pub port: Option<u16>,
    /// Relative to the page: root-relative `/w/...`, path-relative `x.js`, or
    /// built from the wiki's own `wgServer` (written `${wgServer}`).
    pub relative: bool,
}

/// The marker detectors write for a run-time value inside a URL.
pub const DYNAMIC: &str = "${…}";
/// The marker detectors write for the wiki's own server (`mw.config.get('wgServer')`,
/// `location.origin`): the URL is on the wiki itself. Other wiki values are
/// written the same way (`${wgScript}`, `${wgScriptPath}`, `${wgArticlePath}`):
/// every URL that starts with `${wg` is on the wiki itself.
pub const WIKI_SERVER: &str = "${wgServer}";

/// Split a URL written the way detectors render it (dynamic parts as
/// [`DYNAMIC`]). Tolerant: never fails, returns what is certain.
pub fn split_url(url: &str) -> UrlParts {
    let trimmed = url.trim();
    if trimmed.starts_with("${wg") {
        return UrlParts {
            relative: true,
            ..UrlParts::default()
        };
    }
    // `location.protocol + '//host/...'`: the scheme is a run-time value but
    // the host is known; read it as protocol-relative.
    // `(secure ? 'https' : 'http') + '://host/...'` folds to `${…}://host`:
    // the same.
    if let Some(rest) = trimmed.strip_prefix(DYNAMIC)
        && let Some(rest) = rest
            .strip_prefix(':')
            .filter(|r| r.starts_with("//"))
            .or(Some(rest))
        && rest.starts_with("//")
    {
        return split_url(rest);
    }
    let (scheme, rest) = match trimmed.split_once(':') {
        Some((s, rest))
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) =>
        {
            (Some(s.to_ascii_lowercase()), rest)
        }
        _ => (None, trimmed),
    };
    let Some(after) = rest.strip_prefix("//") else {
        // No authority: relative (`/w/x.js`, `x.js`) unless a scheme such as
        // `data:` or `javascript:` was given, which has no host.
        let relative = scheme.is_none() && !trimmed.starts_with(DYNAMIC);
        return UrlParts {
            scheme,
            relative,
            ..UrlParts::default()
        };
    };
    // Backslashes act as slashes in special schemes (WHATWG URL).
    let authority_end = after.find(['/', '?', '#', '\\']).unwrap_or(after.len());
    let authority = &after[..authority_end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.contains("${") || host_port.is_empty() {
        return UrlParts {
            scheme,
            ..UrlParts::default()
        };
    }
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        match v6.split_once(']') {
            Some((h, p)) => (
                format!("[{h}]"),
                p.strip_prefix(':').and_then(|p| p.parse().ok()),
            ),
            None => (host_port.to_owned(), None),
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) => (h.to_owned(), p.parse().ok()),
            _ => (host_port.to_owned(), None),
        }
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = url::Host::parse(&host).ok().map(|h| h.to_string());
    UrlParts {
        scheme,
        host,
        port,
        relative: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(u: &str) -> Option<String> {
        split_url(u).host
    }

    #[test]
    fn absolute_and_protocol_relative() {
        assert_eq!(
            host("https://CDN.Example.org/x.js").as_deref(),
            Some("cdn.example.org")
        );
        assert_eq!(
            host("//widgets.example.com/w.js").as_deref(),
            Some("widgets.example.com")
        );
        assert_eq!(split_url("https://a.example:8443/x").port, Some(8443));
        assert_eq!(
            host("https://user@a.example/x").as_deref(),
            Some("a.example")
        );
        assert_eq!(host("https://[::1]:8080/").as_deref(), Some("[::1]"));
    }

    #[test]
    fn relative_and_wiki_server() {
        assert!(split_url("/w/index.php?title=X").relative);
        assert!(split_url("tool.js").relative);
        assert!(split_url("${wgServer}/w/index.php").relative);
        assert!(split_url("${wgScript}?title=X&action=raw").relative);
        assert!(!split_url("data:image/png;base64,xx").relative);
    }

    #[test]
    fn dynamic_host_is_unknown() {
        assert_eq!(host("https://${…}.example.org/x"), None);
        assert_eq!(host("${…}/x.js"), None);
        assert!(!split_url("${…}/x.js").relative);
        assert_eq!(
            host("https://api.example.com/?q=${…}").as_deref(),
            Some("api.example.com")
        );
        assert_eq!(
            host("${…}//cdn.example.org/x.js").as_deref(),
            Some("cdn.example.org")
        );
        // A scheme chosen at run time (`(secure ? 'https' : 'http') + '://…'`).
        assert_eq!(
            host("${…}://platform.social.example/widgets.js").as_deref(),
            Some("platform.social.example")
        );
        assert_eq!(host("${…}:x.js"), None);
    }

    #[test]
    fn idn_hosts_become_punycode() {
        assert_eq!(
            host("https://bücher.example/").as_deref(),
            Some("xn--bcher-kva.example")
        );
    }
}
