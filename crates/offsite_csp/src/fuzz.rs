//! The fuzzing entry point (`fuzz/fuzz_targets/csp_header.rs`), also
//! replayed on stable by `tests/roundtrip.rs` over `tests/corpus/`.

use crate::directive::ResourceKind;
use crate::matching::{Origin, Request, check_all};
use crate::source::SourceExpr;
use crate::{parse_header, serialize_header};

/// Parse arbitrary bytes (lossy UTF-8) as a header, serialise, reparse and
/// check the invariants; panics only when one breaks:
///
/// - every diagnostic span lies in the input, on char boundaries;
/// - reparsing the canonical form gives the same policies, and serialising
///   those gives the same text;
/// - the parsed and the reparsed policies decide a few requests alike;
/// - a host-source with no port or path matches its own host over HTTPS,
///   and a scheme-source matches a URL of its scheme.
pub fn fuzz_header(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let parsed = parse_header(&text);
    for diagnostic in &parsed.diagnostics {
        assert!(
            diagnostic.span.start <= diagnostic.span.end && diagnostic.span.slice(&text).is_some(),
            "diagnostic span not in the input: {diagnostic}"
        );
    }
    let canonical = serialize_header(&parsed.policies);
    let reparsed = parse_header(&canonical);
    assert_eq!(
        reparsed.policies, parsed.policies,
        "reparsing the canonical form changed the policies: {canonical:?}"
    );
    assert_eq!(
        serialize_header(&reparsed.policies),
        canonical,
        "the canonical form is not stable"
    );
    let origin = Origin::https("en.wikipedia.org");
    for request in requests(&origin) {
        assert_eq!(
            check_all(&parsed.policies, &request),
            check_all(&reparsed.policies, &request),
            "{request:?}"
        );
    }
    for policy in &parsed.policies {
        for source in policy.directives.iter().flat_map(|d| &d.sources) {
            check_own_url(source, &origin);
        }
    }
}

fn requests(origin: &Origin) -> Vec<Request> {
    let url = |kind, url: &str| Request::url(origin.clone(), kind, url);
    vec![
        url(
            ResourceKind::ScriptElem,
            "https://cdn.jsdelivr.net/npm/x.js",
        ),
        url(ResourceKind::ScriptElem, "/w/load.php?modules=startup"),
        url(ResourceKind::ScriptElem, "https://a.example/x.js").parser_inserted(),
        url(ResourceKind::Connect, "wss://eventstreams.wikimedia.org/v2"),
        url(ResourceKind::Img, "data:image/png;base64,AAAA"),
        url(ResourceKind::Font, "//fonts.gstatic.com/s/x.woff2"),
        url(
            ResourceKind::Frame,
            "https://www.youtube-nocookie.com/embed/x",
        ),
        url(ResourceKind::Worker, "blob:https://en.wikipedia.org/uuid"),
        url(ResourceKind::FormAction, "https://evil.example/"),
        Request::inline(origin.clone(), ResourceKind::ScriptElem).with_nonce("abc"),
        Request::inline(origin.clone(), ResourceKind::StyleAttr).with_content("color:red"),
        Request::eval(origin.clone()),
        Request::wasm_eval(origin.clone()),
    ]
}

/// A source allows the URL made of itself.
fn check_own_url(source: &SourceExpr, origin: &Origin) {
    let (url, host) = match source {
        SourceExpr::Host(h)
            if h.port.is_none()
                && h.path.is_none()
                && matches!(h.scheme.as_deref(), None | Some("https" | "http"))
                && h.host != "*" =>
        {
            let host = h
                .host
                .strip_prefix("*.")
                .map_or_else(|| h.host.clone(), |parent| format!("sub.{parent}"));
            (format!("https://{host}/x"), Some(host))
        }
        SourceExpr::Scheme(scheme) => (format!("{scheme}:x"), None),
        _ => return,
    };
    let Ok(parsed) = url::Url::parse(&url) else {
        return;
    };
    // The URL parser rewrites some hosts (`0x1` is an IPv4 address): only
    // URLs that keep the host as written say anything.
    if let Some(host) = host
        && parsed.host_str().map(|h| h.trim_end_matches('.')) != Some(host.trim_end_matches('.'))
    {
        return;
    }
    assert!(
        source.matches_url(parsed.as_str(), origin),
        "`{source}` does not match `{parsed}`"
    );
}
