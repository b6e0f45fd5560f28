use offsite_csp::Port;

use super::*;

fn src(text: &str) -> HostSource {
    HostSource::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn matches(source: &str, url: &str) -> bool {
    src(source).matches_absolute_url(url, PAGE_SCHEME)
}

fn parse_error(text: &str) -> String {
    match HostSource::parse(text) {
        Ok(s) => panic!("{text} parsed as {s:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn parses_every_part() {
    let s = src("HTTPS://*.Example.org:8443/static/");
    assert_eq!(s.scheme.as_deref(), Some("https"));
    assert_eq!(s.host, "*.example.org");
    assert_eq!(s.port, Some(Port::Number(8443)));
    assert_eq!(s.path.as_deref(), Some("/static/"));
    assert_eq!(s.to_string(), "https://*.example.org:8443/static/");

    let bare = src("example.org");
    assert_eq!((bare.scheme, bare.port, bare.path), (None, None, None));
    assert_eq!(src("example.org:*").port, Some(Port::Any));
    assert_eq!(src("*").host, "*");
    assert_eq!(src("https://*:8080").to_string(), "https://*:8080");
}

#[test]
fn display_round_trips() {
    for text in [
        "example.org",
        "*.example.org",
        "https://x.example.org:*",
        "wss://a.b/c%20d",
    ] {
        assert_eq!(src(text).to_string(), text);
        assert_eq!(src(&src(text).to_string()), src(text));
    }
}

#[test]
fn parse_errors_name_the_text_and_the_reason() {
    let cases = [
        ("", "empty"),
        ("'self'", "keyword"),
        ("https:", "scheme-source"),
        ("a.org b.org", "one source at a time"),
        ("1http://x.org", "not a URL scheme"),
        ("https://", "host is missing"),
        ("x.*.org", "leftmost label"),
        ("*.*.org", "leftmost label"),
        ("ex_ample.org", "`_` is not allowed"),
        ("a..org", "empty label"),
        ("[::1]", "IP-literal"),
        ("x.org:/a", "port after `:` is missing"),
        ("x.org:99999", "out of range"),
        ("x.org:8o", "neither a number"),
        ("x.org/a?b=1", "query or fragment"),
        ("x.org//a", "may not start with `//`"),
        ("x.org/a%2", "percent-escape"),
        ("x.org/a b", "one source at a time"),
    ];
    for (text, reason) in cases {
        let message = parse_error(text);
        assert!(message.contains(reason), "{text:?}: {message}");
        assert!(
            message.contains(&format!("`{text}`")),
            "{text:?}: {message}"
        );
    }
}

#[test]
fn wildcard_host_matches_subdomains_but_not_the_apex() {
    // Regression: Wikimedia's 2026 allowlist had `*.github.com`, which does
    // not allow `github.com` itself, and gadgets loading from the apex broke.
    assert!(!matches("*.github.com", "https://github.com/x.js"));
    assert!(matches("*.github.com", "https://api.github.com/x.js"));
    assert!(matches("*.github.com", "https://a.b.github.com/x.js"));
    assert!(!matches("*.github.com", "https://evilgithub.com/x.js"));
    assert!(!matches(
        "*.github.com",
        "https://github.com.evil.example/x.js"
    ));
}

#[test]
fn plain_host_matches_only_itself() {
    assert!(matches("example.org", "https://example.org/a.js"));
    assert!(matches("example.org", "https://EXAMPLE.org./a.js"));
    assert!(!matches("example.org", "https://www.example.org/a.js"));
    assert!(matches("example.org.", "https://example.org/a.js"));
}

#[test]
fn scheme_less_source_takes_the_page_scheme() {
    assert!(matches("example.org", "https://example.org/"));
    assert!(!matches("example.org", "http://example.org/"));
    assert!(matches("example.org", "wss://example.org/socket"));
    assert!(matches("example.org", "//example.org/protocol-relative.js"));
}

#[test]
fn insecure_schemes_upgrade() {
    assert!(matches("http://example.org", "https://example.org/"));
    assert!(matches("http://example.org", "http://example.org/"));
    assert!(!matches("https://example.org", "http://example.org/"));
    assert!(matches("ws://example.org", "wss://example.org/"));
    assert!(matches("ws://example.org", "https://example.org/"));
    assert!(matches("wss://example.org", "https://example.org/"));
    assert!(!matches("wss://example.org", "http://example.org/"));
    assert!(!matches("ftp://example.org", "https://example.org/"));
}

#[test]
fn ports() {
    assert!(matches("example.org", "https://example.org:443/"));
    assert!(!matches("example.org", "https://example.org:8443/"));
    assert!(matches("example.org:8443", "https://example.org:8443/"));
    assert!(!matches("example.org:8443", "https://example.org/"));
    assert!(matches("example.org:443", "https://example.org/"));
    assert!(matches("example.org:*", "https://example.org:1234/"));
    assert!(matches("example.org:*", "https://example.org/"));
    // `http://x:80` still allows the upgraded `https://x`; `https://x:80` does not.
    assert!(matches("http://example.org:80", "https://example.org/"));
    assert!(!matches("https://example.org:80", "https://example.org/"));
    assert!(matches("http://example.org", "https://example.org/"));
}

#[test]
fn paths() {
    // No trailing slash: exactly that path.
    assert!(matches("example.org/lib.js", "https://example.org/lib.js"));
    assert!(!matches(
        "example.org/lib.js",
        "https://example.org/lib.js/x"
    ));
    assert!(!matches(
        "example.org/lib.js",
        "https://example.org/lib.jsx"
    ));
    // Query strings are not part of the path.
    assert!(matches(
        "example.org/lib.js",
        "https://example.org/lib.js?v=2"
    ));
    // Trailing slash: everything under it.
    assert!(matches(
        "example.org/cdnjs/",
        "https://example.org/cdnjs/ajax/libs/x.js"
    ));
    assert!(matches("example.org/cdnjs/", "https://example.org/cdnjs/"));
    assert!(!matches("example.org/cdnjs/", "https://example.org/cdnjs"));
    assert!(!matches(
        "example.org/cdnjs/",
        "https://example.org/cdnjsx/a.js"
    ));
    assert!(matches("example.org/", "https://example.org/anything"));
    // Both sides are percent-decoded before comparing.
    assert!(matches(
        "example.org/a%20b/",
        "https://example.org/a b/c.js"
    ));
    assert!(matches("example.org/%61bc", "https://example.org/abc"));
    // Paths compare case-sensitively.
    assert!(!matches("example.org/Lib.js", "https://example.org/lib.js"));
}

#[test]
fn tools_static_mirror_path() {
    let s = "https://tools-static.wmflabs.org/cdnjs/";
    assert!(matches(
        s,
        "https://tools-static.wmflabs.org/cdnjs/ajax/libs/jquery/3.7.1/jquery.js"
    ));
    assert!(!matches(
        s,
        "https://tools-static.wmflabs.org/fontcdn/css?family=Roboto"
    ));
}

#[test]
fn bare_star() {
    assert!(matches("*", "https://anything.example/"));
    assert!(matches("*", "http://anything.example/"));
    assert!(matches("*", "wss://anything.example/"));
    assert!(matches("*", "https://192.0.2.1/"));
    assert!(!matches("*", "data:text/javascript,alert(1)"));
    assert!(!matches("*", "blob:https://example.org/uuid"));
    assert!(!matches("*", "ftp://example.org/"));
}

#[test]
fn star_host_with_scheme_or_port() {
    assert!(matches("https://*", "https://anything.example/"));
    assert!(!matches("https://*", "http://anything.example/"));
    assert!(matches("https://*:8080", "https://anything.example:8080/"));
    assert!(!matches("https://*:8080", "https://anything.example/"));
}

#[test]
fn addresses_match_only_star_or_themselves() {
    assert!(!matches("*.0.0.1", "https://127.0.0.1/"));
    assert!(!matches("*.example.org", "https://[::1]/"));
    assert!(matches(
        "http://127.0.0.1:8080",
        "http://127.0.0.1:8080/api"
    ));
    assert!(!matches("127.0.0.1", "https://127.0.0.2/"));
}

#[test]
fn urls_without_host_never_match() {
    for url in [
        "/w/index.php?title=X&action=raw",
        "x.js",
        "data:,x",
        "",
        "https://",
    ] {
        assert!(!matches("*", url), "{url}");
        assert!(!matches("example.org", url), "{url}");
    }
}

#[test]
fn matches_by_parts() {
    let s = src("*.example.org/static/");
    assert!(s.matches_parts(
        "https",
        "cdn.example.org",
        None,
        "/static/a.js",
        PAGE_SCHEME
    ));
    assert!(s.matches_parts(
        "HTTPS",
        "CDN.example.org",
        Some(443),
        "/static/a.js",
        PAGE_SCHEME
    ));
    assert!(!s.matches_parts(
        "https",
        "cdn.example.org",
        Some(444),
        "/static/a.js",
        PAGE_SCHEME
    ));
    assert!(!s.matches_parts("https", "example.org", None, "/static/a.js", PAGE_SCHEME));
}

#[test]
fn the_allowlist_and_a_policy_read_a_source_the_same_way() {
    let origin = offsite_csp::Origin::https("en.wikipedia.org");
    for (source, url) in [
        ("*.github.com", "https://github.com/x.js"),
        ("*.github.com", "https://api.github.com/x.js"),
        ("example.org/cdnjs/", "https://example.org/cdnjs/a.js"),
        ("http://example.org:80", "https://example.org/"),
    ] {
        assert_eq!(
            src(source).matches_absolute_url(url, PAGE_SCHEME),
            src(source).matches_url(url, &origin),
            "{source} {url}"
        );
    }
}
