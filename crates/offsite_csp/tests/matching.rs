//! CSP Level 3 matching: sources against URLs, directives with their
//! fallback lists, inline code and eval.
#![allow(clippy::unwrap_used, reason = "tests")]

use offsite_csp::{
    HashAlgorithm, Keyword, Origin, Policy, Request, ResourceKind, SourceExpr, Verdict, check_all,
    hash_base64, parse_header,
};

fn wiki() -> Origin {
    Origin::https("en.wikipedia.org")
}

fn policy(text: &str) -> Policy {
    let parsed = parse_header(text);
    assert_eq!(parsed.policies.len(), 1, "{text}");
    parsed.policies.into_iter().next().unwrap()
}

/// Does `source` (one token) allow `url` on an HTTPS wiki page?
fn allows(source: &str, url: &str) -> bool {
    allows_on(&wiki(), source, url)
}

fn allows_on(origin: &Origin, source: &str, url: &str) -> bool {
    let expr = SourceExpr::parse(source).unwrap_or_else(|| panic!("{source} does not parse"));
    expr.matches_url(url, origin)
}

const MEDIAWIKI: &str = "script-src 'unsafe-eval' blob: 'self' 'nonce-abc' 'unsafe-inline'; \
     default-src * data: blob:; style-src * data: blob: 'unsafe-inline'; object-src 'none'; \
     report-uri /api.php?action=cspreport&format=json&reportonly=1";

#[test]
fn wildcard_host_does_not_match_the_apex() {
    // Regression: Wikimedia's 2026 allowlist had `*.github.com`, which does
    // not allow `github.com` itself, and gadgets loading from the apex broke.
    assert!(!allows("*.github.com", "https://github.com/x.js"));
    assert!(allows("*.github.com", "https://api.github.com/x.js"));
    assert!(allows("*.github.com", "https://a.b.github.com/x.js"));
    assert!(!allows("*.github.com", "https://evilgithub.com/x.js"));
    assert!(!allows(
        "*.github.com",
        "https://github.com.evil.example/x.js"
    ));
}

#[test]
fn jsdelivr_subdomains() {
    assert!(allows(
        "https://*.jsdelivr.net",
        "https://cdn.jsdelivr.net/npm/anything"
    ));
    assert!(!allows(
        "https://*.jsdelivr.net",
        "http://cdn.jsdelivr.net/npm/x"
    ));
}

#[test]
fn scheme_less_source_takes_the_page_scheme() {
    assert!(allows("example.org", "https://example.org/"));
    assert!(!allows("example.org", "http://example.org/"));
    assert!(allows("example.org", "//example.org/protocol-relative.js"));
    assert!(allows("example.org", "wss://example.org/socket"));
    // On an HTTP page the same source allows both (http upgrades to https).
    let http_page = Origin::parse("http://localhost:8080/wiki/Main_Page").unwrap();
    assert!(allows_on(&http_page, "example.org", "http://example.org/"));
    assert!(allows_on(&http_page, "example.org", "https://example.org/"));
    // A protocol-relative URL takes the page's scheme too.
    assert!(!allows_on(
        &http_page,
        "https://example.org",
        "//example.org/x"
    ));
}

#[test]
fn schemes_upgrade_and_websockets() {
    assert!(allows("http://example.org", "https://example.org/"));
    assert!(!allows("https://example.org", "http://example.org/"));
    assert!(allows("ws://example.org", "wss://example.org/"));
    assert!(allows("ws://example.org", "https://example.org/"));
    assert!(allows("wss://example.org", "https://example.org/"));
    assert!(!allows("wss://example.org", "http://example.org/"));
    assert!(allows("https://example.org", "wss://example.org/"));
    assert!(allows("https:", "wss://example.org/"));
    assert!(allows("http:", "https://example.org/"));
    assert!(!allows("https:", "http://example.org/"));
}

#[test]
fn ports() {
    assert!(allows("example.org", "https://example.org:443/"));
    assert!(!allows("example.org", "https://example.org:8443/"));
    assert!(allows("example.org:8443", "https://example.org:8443/"));
    assert!(!allows("example.org:8443", "https://example.org/"));
    assert!(allows("example.org:443", "https://example.org/"));
    assert!(allows("example.org:*", "https://example.org:1234/"));
    assert!(allows("example.org:*", "https://example.org/"));
    assert!(allows("http://example.org:80", "https://example.org/"));
    assert!(!allows("https://example.org:80", "https://example.org/"));
    assert!(allows("ws://example.org:80", "ws://example.org/"));
}

#[test]
fn paths() {
    assert!(allows(
        "example.org/lib.js",
        "https://example.org/lib.js?v=2"
    ));
    assert!(!allows(
        "example.org/lib.js",
        "https://example.org/lib.js/x"
    ));
    assert!(!allows("example.org/lib.js", "https://example.org/lib.jsx"));
    assert!(allows(
        "example.org/cdnjs/",
        "https://example.org/cdnjs/ajax/libs/x.js"
    ));
    assert!(!allows("example.org/cdnjs/", "https://example.org/cdnjs"));
    assert!(!allows(
        "example.org/cdnjs/",
        "https://example.org/cdnjsx/a.js"
    ));
    assert!(allows("example.org/a%20b/", "https://example.org/a b/c.js"));
    assert!(allows("example.org/%61bc", "https://example.org/abc"));
    assert!(!allows("example.org/Lib.js", "https://example.org/lib.js"));
}

#[test]
fn wildcard_and_schemes() {
    assert!(allows("*", "https://anything.example/"));
    assert!(allows("*", "http://anything.example/"));
    assert!(allows("*", "wss://anything.example/"));
    assert!(!allows("*", "data:text/javascript,alert(1)"));
    assert!(!allows("*", "blob:https://en.wikipedia.org/uuid"));
    assert!(!allows(
        "*",
        "filesystem:https://en.wikipedia.org/temporary/x"
    ));
    assert!(allows("data:", "data:image/png;base64,AAAA"));
    assert!(allows("blob:", "blob:https://en.wikipedia.org/uuid"));
    assert!(!allows("data:", "https://example.org/"));
}

#[test]
fn self_keyword() {
    assert!(allows("'self'", "https://en.wikipedia.org/w/load.php"));
    assert!(allows("'self'", "/w/index.php?title=X&action=raw"));
    assert!(allows("'self'", "wss://en.wikipedia.org/socket"));
    assert!(!allows("'self'", "https://de.wikipedia.org/w/load.php"));
    assert!(!allows("'self'", "http://en.wikipedia.org/"));
    assert!(!allows("'self'", "https://en.wikipedia.org:8443/"));
    assert!(!allows("'self'", "blob:https://en.wikipedia.org/uuid"));
    let http_page = Origin::parse("http://localhost:8080").unwrap();
    assert!(allows_on(
        &http_page,
        "'self'",
        "http://localhost:8080/x.js"
    ));
    assert!(!allows_on(&http_page, "'self'", "http://localhost/x.js"));
    // 'none' and nonces match no URL.
    assert!(!allows("'none'", "https://en.wikipedia.org/"));
    assert!(!allows("'nonce-abc'", "https://en.wikipedia.org/"));
}

#[test]
fn mediawiki_header_connect_src_falls_back_to_default_src_star() {
    let p = policy(MEDIAWIKI);
    let verdict = p.check(&Request::url(
        wiki(),
        ResourceKind::Connect,
        "https://api.example.com/v1/translate",
    ));
    assert_eq!(
        verdict,
        Verdict::Allowed {
            effective_directive: "connect-src",
            directive: "default-src",
            source: SourceExpr::Wildcard,
        }
    );
    // Images from data: are allowed through default-src's `data:`.
    let image = p.check(&Request::url(
        wiki(),
        ResourceKind::Img,
        "data:image/png;base64,AA",
    ));
    assert_eq!(image.directive(), Some("default-src"));
    assert!(image.is_allowed());
    // A third-party script is blocked by script-src (no host sources).
    let script = p.check(&Request::url(
        wiki(),
        ResourceKind::ScriptElem,
        "https://code.jquery.com/jquery.js",
    ));
    assert_eq!(
        script,
        Verdict::Blocked {
            effective_directive: "script-src-elem",
            directive: "script-src",
        }
    );
    // …while the wiki's own load.php passes through 'self'.
    let own = p.check(&Request::url(
        wiki(),
        ResourceKind::ScriptElem,
        "/w/load.php?modules=startup",
    ));
    assert!(
        matches!(
            own,
            Verdict::Allowed {
                source: SourceExpr::Keyword(_),
                ..
            }
        ),
        "{own:?}"
    );
    // Plugins: object-src 'none'.
    assert!(
        p.check(&Request::url(
            wiki(),
            ResourceKind::Object,
            "https://en.wikipedia.org/x.swf"
        ))
        .is_blocked()
    );
    // eval: 'unsafe-eval' is in script-src.
    assert!(p.check(&Request::eval(wiki())).is_allowed());
    // form-action does not fall back to default-src.
    assert_eq!(
        p.check(&Request::url(
            wiki(),
            ResourceKind::FormAction,
            "https://evil.example/"
        )),
        Verdict::NotGoverned {
            effective_directive: "form-action"
        }
    );
}

#[test]
fn unsafe_inline_is_ignored_next_to_a_nonce() {
    // MediaWiki sends both: browsers that know nonces ignore 'unsafe-inline'.
    let p = policy(MEDIAWIKI);
    let inline = p.check(&Request::inline(wiki(), ResourceKind::ScriptElem));
    assert_eq!(
        inline,
        Verdict::Blocked {
            effective_directive: "script-src-elem",
            directive: "script-src"
        }
    );
    let with_nonce = p.check(&Request::inline(wiki(), ResourceKind::ScriptElem).with_nonce("abc"));
    assert!(
        matches!(&with_nonce, Verdict::Allowed { source: SourceExpr::Nonce(n), .. } if n == "abc"),
        "{with_nonce:?}"
    );
    // Attributes cannot carry nonces, so onclick="" is blocked too.
    assert!(
        p.check(&Request::inline(wiki(), ResourceKind::ScriptAttr).with_nonce("abc"))
            .is_blocked()
    );
    // style-src has no nonce: 'unsafe-inline' counts there.
    assert!(
        p.check(&Request::inline(wiki(), ResourceKind::StyleAttr))
            .is_allowed()
    );
}

#[test]
fn strict_dynamic_policy() {
    let p = policy(
        "script-src 'nonce-r4nd0m' 'strict-dynamic' https: 'unsafe-inline' 'self'; \
         object-src 'none'; base-uri 'none'",
    );
    // Host, scheme and 'self' sources are ignored...
    let parser_inserted =
        Request::url(wiki(), ResourceKind::ScriptElem, "https://cdn.example/x.js")
            .parser_inserted();
    assert!(p.check(&parser_inserted).is_blocked());
    // ...but what trusted script inserts is allowed.
    let dynamic = p.check(&Request::url(
        wiki(),
        ResourceKind::ScriptElem,
        "https://cdn.example/x.js",
    ));
    assert_eq!(
        dynamic,
        Verdict::Allowed {
            effective_directive: "script-src-elem",
            directive: "script-src",
            source: SourceExpr::Keyword(Keyword::StrictDynamic),
        }
    );
    // A nonce allows parser-inserted scripts.
    assert!(
        p.check(&parser_inserted.clone().with_nonce("r4nd0m"))
            .is_allowed()
    );
    assert!(p.check(&parser_inserted.with_nonce("R4ND0M")).is_blocked());
    // Inline without a nonce is blocked despite 'unsafe-inline'.
    assert!(
        p.check(&Request::inline(wiki(), ResourceKind::ScriptElem))
            .is_blocked()
    );
    // No img-src and no default-src: images are not governed.
    assert!(matches!(
        p.check(&Request::url(
            wiki(),
            ResourceKind::Img,
            "https://x.example/a.png"
        )),
        Verdict::NotGoverned { .. }
    ));
}

#[test]
fn strict_dynamic_in_default_src_applies_to_scripts_only() {
    let p = policy("default-src 'strict-dynamic' https:");
    assert!(
        p.check(
            &Request::url(wiki(), ResourceKind::ScriptElem, "https://a.example/x.js")
                .parser_inserted()
        )
        .is_blocked()
    );
    assert!(
        p.check(
            &Request::url(wiki(), ResourceKind::Img, "https://a.example/x.png").parser_inserted()
        )
        .is_allowed()
    );
}

#[test]
fn hashes_allow_inline_code() {
    let code = "alert(1)";
    let hash = hash_base64(HashAlgorithm::Sha256, code);
    // Known value: sha256("alert(1)") in base64.
    assert_eq!(hash, "bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI=");
    let p = policy(&format!("script-src 'sha256-{hash}' 'unsafe-inline'"));
    let request = Request::inline(wiki(), ResourceKind::ScriptElem).with_content(code);
    assert!(p.check(&request).is_allowed());
    assert!(
        p.check(&Request::inline(wiki(), ResourceKind::ScriptElem).with_content("alert(2)"))
            .is_blocked()
    );
    // Attributes need 'unsafe-hashes'.
    let attr = Request::inline(wiki(), ResourceKind::ScriptAttr).with_content(code);
    assert!(p.check(&attr).is_blocked());
    let with_unsafe_hashes = policy(&format!("script-src 'sha256-{hash}' 'unsafe-hashes'"));
    assert!(with_unsafe_hashes.check(&attr).is_allowed());
    // base64url spelling of the same digest.
    let url_safe = hash.replace('+', "-").replace('/', "_");
    assert!(
        policy(&format!("script-src 'sha256-{url_safe}'"))
            .check(&request)
            .is_allowed()
    );
}

#[test]
fn eval_and_wasm() {
    let p = policy("default-src 'self'; script-src-elem 'unsafe-eval'");
    // eval looks at script-src, then default-src; not script-src-elem.
    assert_eq!(
        p.check(&Request::eval(wiki())),
        Verdict::Blocked {
            effective_directive: "script-src",
            directive: "default-src"
        }
    );
    let wasm = policy("script-src 'wasm-unsafe-eval'");
    assert!(wasm.check(&Request::wasm_eval(wiki())).is_allowed());
    assert!(wasm.check(&Request::eval(wiki())).is_blocked());
    assert!(
        policy("script-src 'unsafe-eval'")
            .check(&Request::wasm_eval(wiki()))
            .is_allowed()
    );
}

#[test]
fn fallback_lists() {
    let p = policy(
        "default-src 'none'; child-src https://frames.example; script-src https://js.example",
    );
    let frame = p.check(&Request::url(
        wiki(),
        ResourceKind::Frame,
        "https://frames.example/x",
    ));
    assert_eq!(frame.directive(), Some("child-src"));
    assert!(frame.is_allowed());
    let worker = p.check(&Request::url(
        wiki(),
        ResourceKind::Worker,
        "https://frames.example/w.js",
    ));
    assert_eq!(worker.directive(), Some("child-src"));
    let only_script = policy("script-src https://js.example");
    let worker = only_script.check(&Request::url(
        wiki(),
        ResourceKind::Worker,
        "https://js.example/w.js",
    ));
    assert_eq!(worker.directive(), Some("script-src"));
    assert!(worker.is_allowed());
    let style = p.check(&Request::url(
        wiki(),
        ResourceKind::StyleElem,
        "https://js.example/a.css",
    ));
    assert_eq!(style.directive(), Some("default-src"));
    assert!(style.is_blocked());
    for kind in [
        ResourceKind::FormAction,
        ResourceKind::BaseUri,
        ResourceKind::FrameAncestors,
    ] {
        assert!(matches!(
            p.check(&Request::url(wiki(), kind, "https://x.example/")),
            Verdict::NotGoverned { .. }
        ));
    }
}

#[test]
fn every_enforced_policy_must_allow() {
    let policies = parse_header("default-src *, script-src 'self'").policies;
    let third_party = Request::url(wiki(), ResourceKind::ScriptElem, "https://cdn.example/x.js");
    assert_eq!(
        check_all(&policies, &third_party),
        Verdict::Blocked {
            effective_directive: "script-src-elem",
            directive: "script-src"
        }
    );
    let own = Request::url(wiki(), ResourceKind::ScriptElem, "/w/load.php");
    assert!(check_all(&policies, &own).is_allowed());
    let image = Request::url(wiki(), ResourceKind::Img, "https://img.example/a.png");
    assert_eq!(
        check_all(&policies, &image).directive(),
        Some("default-src")
    );
    assert!(matches!(
        check_all(&[], &image),
        Verdict::NotGoverned { .. }
    ));
}

#[test]
fn model_directives_map_to_request_kinds() {
    use offsite_model::Directive as D;
    let cases = [
        (D::ScriptSrc, "script-src-elem"),
        (D::StyleSrc, "style-src-elem"),
        (D::ConnectSrc, "connect-src"),
        (D::ImgSrc, "img-src"),
        (D::FontSrc, "font-src"),
        (D::MediaSrc, "media-src"),
        (D::FrameSrc, "frame-src"),
        (D::WorkerSrc, "worker-src"),
        (D::FormAction, "form-action"),
        (D::DefaultSrc, "default-src"),
    ];
    for (directive, effective) in cases {
        assert_eq!(
            ResourceKind::from(directive).effective_directive(),
            effective
        );
    }
}

#[test]
fn verdicts_serialise_for_json_output() {
    let p = policy(MEDIAWIKI);
    let verdict = p.check(&Request::url(
        wiki(),
        ResourceKind::Connect,
        "https://a.example/",
    ));
    assert_eq!(verdict.to_string(), "allowed by default-src *");
    let blocked = p.check(&Request::url(
        wiki(),
        ResourceKind::ScriptElem,
        "https://x.example/a.js",
    ));
    assert_eq!(
        blocked.to_string(),
        "blocked by script-src (effective directive script-src-elem)"
    );
    let free = p.check(&Request::url(
        wiki(),
        ResourceKind::FormAction,
        "https://x.example/",
    ));
    assert_eq!(
        free.to_string(),
        "not governed (no form-action or fallback)"
    );
    let json = serde_json::to_value(&verdict).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "verdict": "allowed",
            "effective_directive": "connect-src",
            "directive": "default-src",
            "source": "*"
        })
    );
}
