//! Host normalisation shared by the suffix, entity and tier lookups.

use std::borrow::Cow;

/// A host in the form every index in this crate is keyed by: lower-case
/// ASCII (IDN labels as punycode), no trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host<'a> {
    Domain(Cow<'a, str>),
    /// IPv4 or IPv6 literal (`10.0.0.1`, `[::1]`): no suffix, no subdomains.
    Ip(Cow<'a, str>),
}

/// Normalise a host as written in a URL. `None` when it cannot be a host at
/// all (empty, empty labels, characters no URL parser lets through).
pub(crate) fn normalize(host: &str) -> Option<Host<'_>> {
    let host = host.trim();
    // `example.org.` is the fully-qualified spelling of `example.org`.
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    if host.starts_with('[') || host.contains(':') {
        return Some(Host::Ip(lower(host)));
    }
    let host: Cow<'_, str> = if host.is_ascii() {
        lower(host)
    } else {
        // Hosts normally arrive as punycode already (the model's `split_url`
        // goes through the URL parser); a Unicode host typed into a config
        // file still deserves the same answer.
        let ascii = url::quirks::domain_to_ascii(host);
        if ascii.is_empty() {
            return None;
        }
        Cow::Owned(ascii)
    };
    if host
        .split('.')
        .any(|label| label.is_empty() || label.len() > 63)
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return None;
    }
    if is_ipv4_like(&host) {
        Some(Host::Ip(host))
    } else {
        Some(Host::Domain(host))
    }
}

/// WHATWG URL: a host whose last label is a number is an IPv4 address (or
/// invalid), never a domain, so it has no public suffix.
fn is_ipv4_like(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or(host);
    last.bytes().all(|b| b.is_ascii_digit())
        || last
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// `host` and each parent domain at a label boundary, longest first:
/// `a.b.c` → `a.b.c`, `b.c`, `c`.
pub(crate) fn suffixes(host: &str) -> impl Iterator<Item = &str> {
    std::iter::once(host).chain(host.match_indices('.').map(|(i, _)| &host[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(s: &str) -> Option<String> {
        match normalize(s)? {
            Host::Domain(d) => Some(d.into_owned()),
            Host::Ip(_) => None,
        }
    }

    #[test]
    fn lowercases_and_strips_trailing_dot() {
        assert_eq!(
            domain("Fonts.GoogleAPIs.com."),
            Some("fonts.googleapis.com".into())
        );
    }

    #[test]
    fn unicode_hosts_become_punycode() {
        assert_eq!(
            domain("bücher.example"),
            Some("xn--bcher-kva.example".into())
        );
    }

    #[test]
    fn ip_literals_are_not_domains() {
        for ip in ["127.0.0.1", "10.0.0.1", "[::1]", "[2001:db8::1]", "0x7f.1"] {
            assert!(matches!(normalize(ip), Some(Host::Ip(_))), "{ip}");
        }
    }

    #[test]
    fn garbage_is_rejected() {
        for bad in ["", ".", "a..b", "exa mple.org", "a/b", "${…}.example.org"] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }

    #[test]
    fn suffixes_walk_label_boundaries() {
        let all: Vec<&str> = suffixes("a.b.c").collect();
        assert_eq!(all, ["a.b.c", "b.c", "c"]);
    }
}
