//! `offsite csp generate`: a policy from a wiki's scanned loads, checked
//! against the loads themselves with the CSP3 matcher.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;

use offsite_csp::generate::{
    AllowPattern, Base, ForbiddenOutcome, GadgetPages, GenerateError, GenerateOptions, Generated,
    ReportTo, UnrepresentableReason, generate, merged, per_gadget,
};
use offsite_csp::{HostSource, Origin, Policy, Request, ResourceKind, SourceExpr, Verdict};
use offsite_model::{DYNAMIC, ReportedLoad, Sink, WIKI_SERVER, split_url};
use proptest::prelude::*;
use serde_json::{Value, json};

/// The scan of a small wiki, as JSON: see `fixtures/generate/testwiki.json`.
struct Wiki {
    origin: Origin,
    gadgets: GadgetPages,
    default_gadgets: Vec<String>,
    allow: Vec<AllowPattern>,
    loads: Vec<ReportedLoad>,
}

fn testwiki() -> Wiki {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/generate/testwiki.json")).unwrap();
    let allow = fixture["allow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| AllowPattern {
            host: HostSource::parse(a["host"].as_str().unwrap()).unwrap(),
            sinks: a
                .get("sinks")
                .map(|s| serde_json::from_value(s.clone()).unwrap()),
        })
        .collect();
    Wiki {
        origin: Origin::parse(fixture["origin"].as_str().unwrap()).unwrap(),
        gadgets: {
            let map: BTreeMap<String, Vec<String>> =
                serde_json::from_value(fixture["gadgets"].clone()).unwrap();
            map.iter()
                .flat_map(|(page, names)| names.iter().map(move |n| (page, n)))
                .collect()
        },
        default_gadgets: serde_json::from_value(fixture["default_gadgets"].clone()).unwrap(),
        allow,
        loads: fixture["loads"]
            .as_array()
            .unwrap()
            .iter()
            .map(load)
            .collect(),
    }
}

/// A `ReportedLoad` from a short spec: `title`, `line`, `api`, `sink`,
/// `url`, `tier`, `rules` (finding codes), `modules`, `page`, `resolution`.
/// Built through serde so new fields of the model keep their defaults.
fn load(spec: &Value) -> ReportedLoad {
    let sink: Sink = serde_json::from_value(spec["sink"].clone()).unwrap();
    let url = spec.get("url").and_then(Value::as_str);
    let findings: Vec<Value> = spec
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|rule| {
            json!({ "rule": rule, "name": "rule", "severity": "error", "message": "finding" })
        })
        .collect();
    let line = spec["line"].as_u64().unwrap();
    let value = json!({
        "source": { "wiki": "testwiki", "title": spec["title"] },
        "line": line, "column": 5, "end_line": line, "end_column": 60,
        "api": spec["api"], "sink": sink, "directive": sink.directive(),
        "url": url, "host": url.and_then(|u| split_url(u).host),
        "page": spec.get("page"),
        "modules": spec.get("modules").cloned().unwrap_or(json!([])),
        "tier": spec["tier"], "entity": null,
        "resolution": spec.get("resolution").cloned().unwrap_or(json!("literal")),
        "dynamic_expr": null, "consent": "ungated", "consent_kind": null,
        "consent_reason": null, "findings": findings,
    });
    serde_json::from_value(value).unwrap()
}

fn options(wiki: &Wiki) -> GenerateOptions {
    GenerateOptions::new(wiki.origin.clone())
}

fn is_forbidden(load: &ReportedLoad) -> bool {
    load.findings
        .iter()
        .any(|f| offsite_csp::generate::REMOTE_LOAD_RULES.contains(&f.rule.as_str()))
}

/// A URL the load may fetch, worked out here rather than by the generator:
/// the wiki's own server for `${wgServer}`, `sample` for other run-time
/// parts. `None` when the host itself is a run-time value or there is no
/// URL.
fn sample_url(load: &ReportedLoad, origin: &Origin) -> Option<String> {
    let url = load.url.as_deref()?;
    let url = url.replacen(WIKI_SERVER, &origin.to_string(), 1);
    let url = url.strip_prefix(DYNAMIC).unwrap_or(&url).to_owned();
    let parts = split_url(&url);
    if url.contains("${") && parts.host.is_none() && !parts.relative {
        return None;
    }
    Some(url.replace("${…}", "sample"))
}

fn verdict(policy: &Policy, origin: &Origin, load: &ReportedLoad, url: &str) -> Verdict {
    policy.check(&Request::url(
        origin.clone(),
        ResourceKind::from(load.directive),
        url,
    ))
}

/// The key property: the policy allows every permitted load it could
/// represent and blocks every forbidden one, unless a permitted load needs
/// the very source that lets it through (then the generator says so).
fn assert_exact(generated: &Generated, loads: &[ReportedLoad], origin: &Origin) {
    let policy = Policy::parse(&generated.header_value);
    assert_eq!(policy, generated.policy, "the header parses back");
    for load in loads {
        let Some(url) = sample_url(load, origin) else {
            continue;
        };
        let verdict = verdict(&policy, origin, load, &url);
        if is_forbidden(load) {
            let reported = generated
                .forbidden
                .iter()
                .find(|f| {
                    f.load.source == load.source
                        && f.load.line == load.line
                        && f.load.url == load.url
                        && f.directive == load.directive
                })
                .unwrap();
            match &reported.outcome {
                ForbiddenOutcome::Blocked => {
                    assert!(verdict.is_blocked(), "{url} must be blocked: {verdict:?}");
                }
                ForbiddenOutcome::Allowed { directive, source } => {
                    assert!(verdict.is_allowed());
                    let base = generated.needs.iter().any(|n| {
                        n.base && n.directive == *directive && n.source == source.to_string()
                    });
                    let shared = base
                        || loads.iter().any(|other| {
                            !is_forbidden(other)
                                && sample_url(other, origin).is_some_and(|u| {
                                    verdict_source(&verdict_of(&policy, origin, other, &u))
                                        == Some((*directive, source.clone()))
                                })
                        });
                    assert!(
                        shared,
                        "{url} is allowed only through the base or a permitted load's source: {} via {directive} {source}; needs {:?}",
                        generated.header_value,
                        generated
                            .needs
                            .iter()
                            .map(|n| (&n.directive, &n.source, n.loads.len()))
                            .collect::<Vec<_>>()
                    );
                }
                other => panic!("{url}: {other:?}"),
            }
        } else if !generated.not_representable.iter().any(|n| {
            n.load.source == load.source
                && n.load.line == load.line
                && n.load.url == load.url
                && n.directive == load.directive
        }) {
            assert!(verdict.is_allowed(), "{url} must be allowed: {verdict:?}");
        }
    }
}

fn verdict_of(policy: &Policy, origin: &Origin, load: &ReportedLoad, url: &str) -> Verdict {
    verdict(policy, origin, load, url)
}

fn verdict_source(verdict: &Verdict) -> Option<(&'static str, SourceExpr)> {
    match verdict {
        Verdict::Allowed {
            directive, source, ..
        } => Some((*directive, source.clone())),
        _ => None,
    }
}

const TESTWIKI_HEADER: &str = "default-src 'self'; \
    script-src 'self' 'unsafe-eval' 'unsafe-inline' blob: https://api.crossref.org \
    https://cdn.jsdelivr.net https://tools-static.wmflabs.org https://widgets.example.com; \
    style-src 'self' 'unsafe-inline' blob: data: https://cdn.jsdelivr.net; \
    img-src 'self' blob: data: https://tiles.wmflabs.org; \
    connect-src 'self' https://citoid.toolforge.org; \
    font-src 'self' https://fonts.gstatic.com; \
    worker-src 'self' blob:; object-src 'none'; base-uri 'self'";

#[test]
fn testwiki_header_is_exact() {
    let wiki = testwiki();
    let generated = generate(&wiki.loads, &options(&wiki)).unwrap();
    assert_eq!(generated.header_name, "Content-Security-Policy");
    assert_eq!(generated.header_value, TESTWIKI_HEADER);
    assert!(generated.extra_headers.is_empty());
    assert_eq!(generated.host_sources, 8);
    assert_exact(&generated, &wiki.loads, &wiki.origin);
}

#[test]
fn every_permitted_load_is_allowed_and_every_forbidden_one_blocked() {
    let wiki = testwiki();
    let generated = generate(&wiki.loads, &options(&wiki)).unwrap();
    let mut checked = 0;
    for load in &wiki.loads {
        let Some(url) = sample_url(load, &wiki.origin) else {
            continue;
        };
        let verdict = verdict(&generated.policy, &wiki.origin, load, &url);
        assert_eq!(
            verdict.is_blocked(),
            is_forbidden(load),
            "{url}: {verdict:?}"
        );
        checked += 1;
    }
    // Every load but the two without a URL and the one with a run-time host.
    assert_eq!(checked, wiki.loads.len() - 3);
    // Protocol-relative: the page's scheme.
    let widget = Request::url(
        wiki.origin.clone(),
        ResourceKind::ScriptElem,
        "http://widgets.example.com/embed.js",
    );
    assert!(generated.policy.check(&widget).is_blocked());
}

#[test]
fn forbidden_loads_are_listed_with_their_rules() {
    let wiki = testwiki();
    let generated = generate(&wiki.loads, &options(&wiki)).unwrap();
    let forbidden: Vec<(&str, u32, &[String])> = generated
        .forbidden
        .iter()
        .map(|f| {
            (
                f.load.source.title.as_deref().unwrap(),
                f.load.line,
                f.rules.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        forbidden,
        [
            (
                "MediaWiki:Gadget-citations.js",
                22,
                &["OS103".to_owned()][..]
            ),
            ("MediaWiki:Common.js", 44, &["OS101".to_owned()][..]),
            ("MediaWiki:Common.js", 52, &["OS104".to_owned()][..]),
            ("MediaWiki:Common.css", 9, &["OS102".to_owned()][..]),
        ]
    );
    assert!(
        generated
            .forbidden
            .iter()
            .all(|f| f.outcome == ForbiddenOutcome::Blocked)
    );
    // OS205/OS204 (WMCS code, unpinned) do not forbid the load.
    assert!(
        generated
            .header_value
            .contains("https://tools-static.wmflabs.org")
    );
}

#[test]
fn dynamic_hosts_are_not_representable_with_page_and_line() {
    let wiki = testwiki();
    let generated = generate(&wiki.loads, &options(&wiki)).unwrap();
    assert_eq!(generated.not_representable.len(), 1, "{generated:#?}");
    let dynamic = &generated.not_representable[0];
    assert_eq!(
        dynamic.load.source.title.as_deref(),
        Some("User:Alice/common.js")
    );
    assert_eq!(dynamic.load.line, 7);
    assert_eq!(dynamic.load.url.as_deref(), Some("https://${…}/loader.js"));
    assert_eq!(dynamic.reason, UnrepresentableReason::DynamicHost);
    // A run-time path on a known host is representable.
    assert!(generated.header_value.contains("https://tiles.wmflabs.org"));

    let no_url = load(&json!({
        "title": "User:Bob/common.js", "line": 3, "api": "fetch", "sink": "fetch", "tier": "unknown"
    }));
    let mailto = load(&json!({
        "title": "User:Bob/common.js", "line": 4, "api": "form.action", "sink": "form",
        "url": "mailto:someone@example.org", "tier": "unknown"
    }));
    let ipv6 = load(&json!({
        "title": "User:Bob/common.js", "line": 5, "api": "fetch", "sink": "fetch",
        "url": "http://[::1]:8080/x", "tier": "unknown"
    }));
    let underscore = load(&json!({
        "title": "User:Bob/common.js", "line": 6, "api": "fetch", "sink": "fetch",
        "url": "https://my_host.example.org/x", "tier": "unknown"
    }));
    let generated = generate(&[no_url, mailto, ipv6, underscore], &options(&wiki)).unwrap();
    let reasons: Vec<(u32, &UnrepresentableReason)> = generated
        .not_representable
        .iter()
        .map(|n| (n.load.line, &n.reason))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert_eq!(reasons[0], (3, &UnrepresentableReason::NoUrl));
    assert_eq!(
        reasons[1],
        (
            4,
            &UnrepresentableReason::Scheme {
                scheme: "mailto".to_owned()
            }
        )
    );
    assert_eq!(reasons[2], (5, &UnrepresentableReason::IpLiteral));
    assert!(matches!(
        reasons[3],
        (6, UnrepresentableReason::InvalidHost { .. })
    ));
    assert_eq!(
        generated.header_value,
        "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-inline' blob:; \
         style-src 'self' 'unsafe-inline' blob: data:; img-src 'self' blob: data:; \
         form-action 'self'; object-src 'none'; base-uri 'self'"
    );
}

#[test]
fn explain_lists_the_pages_lines_and_urls_behind_each_source() {
    let wiki = testwiki();
    let generated = generate(&wiki.loads, &options(&wiki)).unwrap();
    // Every source of the header is explained, in header order.
    let listed: Vec<String> = generated
        .needs
        .iter()
        .map(|n| format!("{} {}", n.directive, n.source))
        .collect();
    let expected: Vec<String> = generated
        .policy
        .directives
        .iter()
        .filter(|d| d.is_source_list())
        .flat_map(|d| d.sources.iter().map(move |s| format!("{} {s}", d.name)))
        .collect();
    assert_eq!(listed, expected);

    let jsdelivr = generated
        .needs
        .iter()
        .find(|n| n.directive == "script-src" && n.source == "https://cdn.jsdelivr.net")
        .unwrap();
    assert!(!jsdelivr.base);
    let places: Vec<(&str, u32, &str)> = jsdelivr
        .loads
        .iter()
        .map(|l| {
            (
                l.source.title.as_deref().unwrap(),
                l.line,
                l.url.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            (
                "MediaWiki:Gadget-maps.js",
                4,
                "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
            ),
            (
                "User:Alice/common.js",
                2,
                "https://cdn.jsdelivr.net/npm/chart.js@4.4.0"
            ),
        ]
    );
    // Loads on the wiki itself are explained by 'self' of the directive
    // that governs them: the module load and importScript by script-src,
    // the ${wgServer} fetch by default-src (connect-src is sent, so by it).
    let self_script = generated
        .needs
        .iter()
        .find(|n| n.directive == "script-src" && n.source == "'self'")
        .unwrap();
    assert!(self_script.base);
    let lines: Vec<u32> = self_script.loads.iter().map(|l| l.line).collect();
    assert_eq!(lines, [20, 9]);
    let self_connect = generated
        .needs
        .iter()
        .find(|n| n.directive == "connect-src" && n.source == "'self'")
        .unwrap();
    assert_eq!(self_connect.loads.len(), 1);
    assert_eq!(self_connect.loads[0].line, 3);
    // The data: image of the gadget's CSS is allowed by the base.
    let data = generated
        .needs
        .iter()
        .find(|n| n.directive == "img-src" && n.source == "data:")
        .unwrap();
    assert!(data.base);
    assert_eq!(data.loads.len(), 1);
    // Base sources no load needs are listed with no loads.
    let eval = generated
        .needs
        .iter()
        .find(|n| n.source == "'unsafe-eval'")
        .unwrap();
    assert!(eval.base && eval.loads.is_empty());
}

#[test]
fn allow_patterns_replace_the_hosts_they_permit() {
    let wiki = testwiki();
    let mut opts = options(&wiki);
    opts.use_allow_patterns = wiki.allow.clone();
    let generated = generate(&wiki.loads, &opts).unwrap();
    assert_eq!(
        generated.header_value,
        "default-src 'self'; \
         script-src 'self' 'unsafe-eval' 'unsafe-inline' blob: api.crossref.org \
         cdn.jsdelivr.net https://tools-static.wmflabs.org https://widgets.example.com; \
         style-src 'self' 'unsafe-inline' blob: data: cdn.jsdelivr.net; \
         img-src 'self' blob: data: https://tiles.wmflabs.org; \
         connect-src 'self' *.toolforge.org; font-src 'self' fonts.gstatic.com; \
         worker-src 'self' blob:; object-src 'none'; base-uri 'self'"
    );
    assert_exact(&generated, &wiki.loads, &wiki.origin);
    // The pattern allows every tool, as offsite.toml does.
    let other_tool = Request::url(
        wiki.origin.clone(),
        ResourceKind::Connect,
        "https://reftoolbar.toolforge.org/api",
    );
    assert!(generated.policy.check(&other_tool).is_allowed());
    // A pattern limited to some sinks is used for those only: the JSONP
    // entry covers the JSONP load, not a plain script from the same host.
    let script = load(&json!({
        "title": "MediaWiki:Common.js", "line": 1, "api": "mw.loader.load", "sink": "script",
        "url": "https://api.crossref.org/widget.js", "tier": "third-party"
    }));
    let generated = generate(&[script], &opts).unwrap();
    assert!(
        generated.header_value.contains(" https://api.crossref.org"),
        "{}",
        generated.header_value
    );
}

#[test]
fn sources_covered_by_a_wider_one_are_left_out() {
    let wiki = testwiki();
    let spec = |line: u64, url: &str| {
        load(&json!({
            "title": "MediaWiki:Common.js", "line": line, "api": "fetch", "sink": "fetch",
            "url": url, "tier": "wmcs"
        }))
    };
    let loads = [
        spec(1, "https://a.toolforge.org/x"),
        spec(2, "http://insecure.example.org/x"),
        spec(3, "https://insecure.example.org/y"),
        spec(4, "https://b.toolforge.org/x"),
        spec(5, "https://alt.example.org:8443/x"),
        spec(6, "https://alt.example.org:443/x"),
        spec(7, "wss://stream.example.org/socket"),
        spec(8, "https://test.wikipedia.org/w/api.php"),
    ];
    let mut opts = options(&wiki);
    opts.use_allow_patterns = vec![AllowPattern {
        host: HostSource::parse("https://*.toolforge.org").unwrap(),
        sinks: Some(vec![Sink::Fetch]),
    }];
    let generated = generate(&loads, &opts).unwrap();
    let connect = generated.policy.directive("connect-src").unwrap();
    assert_eq!(
        connect.to_string(),
        "connect-src 'self' https://alt.example.org https://alt.example.org:8443 \
         http://insecure.example.org wss://stream.example.org https://*.toolforge.org"
    );
    assert_exact(&generated, &loads, &wiki.origin);
    // The plain-HTTP source allows the HTTPS load too (CSP3 upgrade), and
    // nothing else on that host over another port.
    let explained = generated
        .needs
        .iter()
        .find(|n| n.source == "http://insecure.example.org")
        .unwrap();
    let lines: Vec<u32> = explained.loads.iter().map(|l| l.line).collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn directives_equal_to_their_fallback_are_omitted() {
    let wiki = testwiki();
    let spec = |sink: &str, url: &str| {
        load(&json!({
            "title": "MediaWiki:Common.js", "line": 1, "api": "x", "sink": sink,
            "url": url, "tier": "first-party"
        }))
    };
    // Only same-wiki loads: nothing beyond the base.
    let loads = [
        spec("fetch", "/w/api.php?action=query"),
        spec("font", "${wgServer}/w/fonts/x.woff2"),
        spec("iframe", "/wiki/Special:Random"),
    ];
    let mut opts = options(&wiki);
    let generated = generate(&loads, &opts).unwrap();
    assert_eq!(
        generated.header_value,
        "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-inline' blob:; \
         style-src 'self' 'unsafe-inline' blob: data:; img-src 'self' blob: data:; \
         object-src 'none'; base-uri 'self'"
    );
    // Strict: 'self' everywhere is default-src alone.
    opts.base = Base::Strict;
    opts.object_src_none = false;
    opts.base_uri_self = false;
    let generated = generate(&loads, &opts).unwrap();
    assert_eq!(generated.header_value, "default-src 'self'");
    assert_exact(&generated, &loads, &wiki.origin);
    // A prefetch host goes into default-src; every other kind then needs
    // its own directive so that it does not inherit the host (workers fall
    // back to script-src).
    let loads = [spec("prefetch", "https://preload.example.org/x.js")];
    let generated = generate(&loads, &opts).unwrap();
    assert_eq!(
        generated.header_value,
        "default-src 'self' https://preload.example.org; script-src 'self'; \
         style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; \
         media-src 'self'; frame-src 'self'"
    );
    assert_exact(&generated, &loads, &wiki.origin);
}

#[test]
fn strict_base_allows_no_inline_code_or_eval() {
    let wiki = testwiki();
    let mut opts = options(&wiki);
    opts.base = Base::Strict;
    let generated = generate(&wiki.loads, &opts).unwrap();
    assert_eq!(
        generated.header_value,
        "default-src 'self'; script-src 'self' https://api.crossref.org https://cdn.jsdelivr.net \
         https://tools-static.wmflabs.org https://widgets.example.com; \
         style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://tiles.wmflabs.org; \
         connect-src 'self' https://citoid.toolforge.org; font-src 'self' https://fonts.gstatic.com; \
         worker-src 'self'; object-src 'none'; base-uri 'self'"
    );
    let origin = wiki.origin.clone();
    assert!(
        generated
            .policy
            .check(&Request::eval(origin.clone()))
            .is_blocked()
    );
    assert!(
        generated
            .policy
            .check(&Request::inline(origin, ResourceKind::ScriptElem))
            .is_blocked()
    );
    assert_exact(&generated, &wiki.loads, &wiki.origin);
}

#[test]
fn forms_get_form_action_which_has_no_fallback() {
    let wiki = testwiki();
    let form = |line: u64, url: &str, rules: Value| {
        load(&json!({
            "title": "MediaWiki:Gadget-feedback.js", "line": line, "api": "form.action",
            "sink": "form", "url": url, "tier": "third-party", "rules": rules
        }))
    };
    let loads = [
        form(1, "https://survey.example.org/submit", json!([])),
        form(2, "https://phish.example.net/login", json!(["OS106"])),
    ];
    let generated = generate(&loads, &options(&wiki)).unwrap();
    assert!(
        generated
            .header_value
            .contains("form-action 'self' https://survey.example.org;"),
        "{}",
        generated.header_value
    );
    assert_exact(&generated, &loads, &wiki.origin);
    assert_eq!(generated.forbidden[0].outcome, ForbiddenOutcome::Blocked);
    // No form in the scan: no form-action.
    let generated = generate(&loads[..0], &options(&wiki)).unwrap();
    assert!(!generated.header_value.contains("form-action"));
}

#[test]
fn a_forbidden_load_through_a_permitted_source_is_reported_as_allowed() {
    // The same host is exempted for one page only: CSP has one list for the
    // whole site, so the other page's load gets through, and says so.
    let wiki = testwiki();
    let spec = |title: &str, rules: Value| {
        load(&json!({
            "title": title, "line": 1, "api": "mw.loader.load", "sink": "script",
            "url": "https://cdn.example.org/lib.js", "tier": "third-party", "rules": rules
        }))
    };
    let loads = [
        spec("MediaWiki:Gadget-a.js", json!([])),
        spec("MediaWiki:Gadget-b.js", json!(["OS101"])),
    ];
    let generated = generate(&loads, &options(&wiki)).unwrap();
    assert_eq!(
        generated.forbidden[0].outcome,
        ForbiddenOutcome::Allowed {
            directive: "script-src",
            source: SourceExpr::host("https://cdn.example.org").unwrap(),
        }
    );
    assert_exact(&generated, &loads, &wiki.origin);
}

#[test]
fn wiki_hosts_join_every_fetch_directive() {
    let wiki = testwiki();
    let mut opts = options(&wiki);
    opts.wiki_hosts = vec![HostSource::parse("https://upload.wikimedia.org").unwrap()];
    let generated = generate(&wiki.loads[..1], &opts).unwrap();
    assert_eq!(
        generated.header_value,
        "default-src 'self' https://upload.wikimedia.org; \
         script-src 'self' 'unsafe-eval' 'unsafe-inline' blob: https://upload.wikimedia.org \
         https://cdn.jsdelivr.net; \
         style-src 'self' 'unsafe-inline' blob: data: https://upload.wikimedia.org; \
         img-src 'self' blob: data: https://upload.wikimedia.org; \
         worker-src 'self' blob: https://upload.wikimedia.org; object-src 'none'; base-uri 'self'"
    );
    let upload = generated
        .needs
        .iter()
        .find(|n| n.directive == "img-src" && n.source == "https://upload.wikimedia.org")
        .unwrap();
    assert!(upload.base);
}

#[test]
fn reporting_directives_and_headers() {
    let wiki = testwiki();
    let mut opts = options(&wiki);
    opts.report_only = true;
    opts.report_uri = Some("https://csp.example.org/report?a=1;b=2,3".to_owned());
    opts.report_to = Some(ReportTo {
        group: "offsite".to_owned(),
        url: "https://csp.example.org/reports".to_owned(),
    });
    let generated = generate(&wiki.loads, &opts).unwrap();
    assert_eq!(generated.header_name, "Content-Security-Policy-Report-Only");
    assert!(generated.is_report_only());
    assert!(
        generated.header_value.ends_with(
            "; report-uri https://csp.example.org/report?a=1%3Bb=2%2C3; report-to offsite"
        ),
        "{}",
        generated.header_value
    );
    assert_eq!(generated.extra_headers.len(), 1);
    assert_eq!(
        generated.extra_headers[0].to_string(),
        "Reporting-Endpoints: offsite=\"https://csp.example.org/reports\""
    );
    assert_eq!(
        generated.policy.report_uri(),
        ["https://csp.example.org/report?a=1%3Bb=2%2C3"]
    );
    assert_eq!(generated.policy.report_to(), Some("offsite"));
}

#[test]
fn bad_reporting_options_are_errors_naming_the_value() {
    let wiki = testwiki();
    let mut opts = options(&wiki);
    opts.report_uri = Some("https://csp.example.org/a b".to_owned());
    let err = generate(&wiki.loads, &opts).unwrap_err();
    assert!(matches!(err, GenerateError::ReportUri { .. }));
    assert!(
        err.to_string().contains("`https://csp.example.org/a b`"),
        "{err}"
    );

    opts.report_uri = None;
    opts.report_to = Some(ReportTo {
        group: "Off Site".to_owned(),
        url: "https://csp.example.org/r".to_owned(),
    });
    let err = generate(&wiki.loads, &opts).unwrap_err();
    assert!(matches!(err, GenerateError::ReportToGroup { .. }), "{err}");

    opts.report_to = Some(ReportTo {
        group: "offsite".to_owned(),
        url: "/relative\"".to_owned(),
    });
    let err = generate(&wiki.loads, &opts).unwrap_err();
    assert!(matches!(err, GenerateError::ReportToUrl { .. }), "{err}");
}

#[test]
fn sizes_add_up_and_the_budget_says_by_how_much_it_is_exceeded() {
    let wiki = testwiki();
    let mut opts = options(&wiki);
    opts.report_to = Some(ReportTo {
        group: "offsite".to_owned(),
        url: "https://csp.example.org/reports".to_owned(),
    });
    let generated = generate(&wiki.loads, &opts).unwrap();
    let csp_line = format!("{}: {}\r\n", generated.header_name, generated.header_value);
    let endpoints_line = "Reporting-Endpoints: offsite=\"https://csp.example.org/reports\"\r\n";
    assert_eq!(generated.size_bytes, csp_line.len() + endpoints_line.len());
    let directives: usize = generated.directive_sizes.iter().map(|d| d.bytes).sum();
    assert_eq!(directives, generated.header_value.len());
    let script = generated
        .directive_sizes
        .iter()
        .find(|d| d.directive == "script-src")
        .unwrap();
    assert_eq!(script.sources, 5, "blob: and four hosts");
    assert_eq!(generated.over_budget, None);

    opts.budget_bytes = Some(300);
    let generated = generate(&wiki.loads, &opts).unwrap();
    assert_eq!(generated.budget_bytes, Some(300));
    assert_eq!(generated.over_budget, Some(generated.size_bytes - 300));
    opts.budget_bytes = Some(generated.size_bytes);
    assert_eq!(generate(&wiki.loads, &opts).unwrap().over_budget, None);
}

#[test]
fn a_thousand_script_hosts_cost_tens_of_kilobytes() {
    // Wikimedia's problem: an allowlist of every host gadgets load from
    // goes out with every response.
    let loads: Vec<ReportedLoad> = (0..1000)
        .map(|i| {
            load(&json!({
                "title": format!("MediaWiki:Gadget-g{i}.js"), "line": 1, "api": "mw.loader.load",
                "sink": "script", "url": format!("https://cdn{i:04}.gadget-host.example.org/x.js"),
                "tier": "third-party"
            }))
        })
        .collect();
    let opts = GenerateOptions::new(Origin::https("en.wikipedia.org"));
    let generated = generate(&loads, &opts).unwrap();
    // " https://cdnNNNN.gadget-host.example.org" is 40 bytes, in script-src
    // only (workers get a directive of their own).
    let base = generate(&loads[..0], &opts).unwrap();
    let worker = "; worker-src 'self' blob:".len();
    assert_eq!(
        generated.size_bytes,
        base.size_bytes + 1000 * 40 + worker,
        "{}",
        generated.size_bytes
    );
    assert_eq!(generated.host_sources, 1000);
    assert_exact(&generated, &loads, &opts.origin);
}

#[test]
fn gadget_fragments_hold_what_each_gadget_needs_beyond_the_base() {
    let wiki = testwiki();
    let fragments = per_gadget(&wiki.loads, &wiki.gadgets, &options(&wiki));
    let shown: Vec<String> = fragments
        .iter()
        .map(|f| {
            let directives: Vec<String> = f
                .directives
                .iter()
                .map(|d| {
                    let sources: Vec<String> = d.sources.iter().map(ToString::to_string).collect();
                    format!("{} {}", d.directive, sources.join(" "))
                })
                .collect();
            format!("{}: {}", f.gadget, directives.join("; "))
        })
        .collect();
    assert_eq!(
        shown,
        [
            "citations: script-src https://api.crossref.org; \
             connect-src https://citoid.toolforge.org",
            "maps: script-src https://cdn.jsdelivr.net; style-src https://cdn.jsdelivr.net; \
             img-src https://tiles.wmflabs.org",
        ]
    );
    let citations = &fragments[0];
    assert_eq!(
        citations.pages,
        [
            "MediaWiki:Gadget-citations.js",
            "MediaWiki:Gadget-shared-utils.js"
        ]
    );
    assert_eq!(citations.forbidden.len(), 1);
    assert_eq!(citations.forbidden[0].load.line, 22);
    assert!(citations.not_representable.is_empty());
}

#[test]
fn merged_header_counts_site_and_user_scripts_and_enabled_gadgets_only() {
    let wiki = testwiki();
    let opts = options(&wiki);
    let everyone = merged(&wiki.loads, &wiki.gadgets, &wiki.default_gadgets, &opts).unwrap();
    assert_eq!(
        everyone.header_value,
        "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-inline' blob: \
         https://cdn.jsdelivr.net https://tools-static.wmflabs.org https://widgets.example.com; \
         style-src 'self' 'unsafe-inline' blob: data: https://cdn.jsdelivr.net; \
         img-src 'self' blob: data: https://tiles.wmflabs.org; \
         font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; \
         object-src 'none'; base-uri 'self'"
    );
    // Underscores in the gadget map are spaces.
    let mut underscored = GadgetPages::new();
    for (title, names) in wiki.gadgets.pages() {
        for name in names {
            underscored.insert(&title.replace(' ', "__"), name);
        }
    }
    let enabled = ["maps".to_owned(), "citations".to_owned()];
    let all = merged(&wiki.loads, &underscored, &enabled, &opts).unwrap();
    assert_eq!(all.header_value, TESTWIKI_HEADER);
    // No gadget enabled: site and user scripts only.
    let none = merged(&wiki.loads, &wiki.gadgets, &[], &opts).unwrap();
    assert!(!none.header_value.contains("tiles.wmflabs.org"));
    assert!(
        none.header_value.contains("https://cdn.jsdelivr.net"),
        "Alice's script"
    );
    assert!(
        !none
            .header_value
            .contains("style-src 'self' 'unsafe-inline' blob: data: https")
    );
}

/// One random load: a host from a small pool (so sources repeat and
/// collide), a sink, a scheme, maybe a port, a run-time path or host, and
/// maybe a remote-load finding.
fn arb_load() -> impl Strategy<Value = ReportedLoad> {
    let hosts = prop::sample::select(vec![
        "cdn.example.org",
        "a.tools.example",
        "b.tools.example",
        "test.wikipedia.org",
        "fonts.example.com",
        "xn--bcher-kva.example",
    ]);
    let sinks = prop::sample::select(vec![
        "script",
        "jsonp",
        "style",
        "fetch",
        "websocket",
        "image",
        "font",
        "media",
        "iframe",
        "worker",
        "form",
        "prefetch",
        "module",
    ]);
    let schemes = prop::sample::select(vec!["https://", "http://", "//", "wss://"]);
    let ports = prop::sample::select(vec!["", "", ":8443", ":443"]);
    let shapes = 0..6u8;
    (
        hosts,
        sinks,
        schemes,
        ports,
        shapes,
        any::<bool>(),
        1..500u32,
    )
        .prop_map(|(host, sink, scheme, port, shape, forbidden, line)| {
            let url = match shape {
                0 => json!(format!("{scheme}{host}{port}/lib/x.js")),
                1 => json!(format!("{scheme}{host}{port}/lib/${{…}}.js")),
                2 => json!("https://${…}/x.js"),
                3 => json!("/w/index.php?title=X&action=raw"),
                4 => json!("${wgServer}/w/api.php"),
                _ => json!(format!("{scheme}{host}/p")),
            };
            let rules = if forbidden {
                json!(["OS101"])
            } else {
                json!([])
            };
            let spec = if sink == "module" {
                json!({ "title": "MediaWiki:Common.js", "line": line, "api": "x", "sink": sink,
                        "modules": ["ext.gadget.x"], "tier": "first-party" })
            } else {
                json!({ "title": format!("MediaWiki:Gadget-{line}.js"), "line": line, "api": "x",
                        "sink": sink, "url": url, "tier": "third-party", "rules": rules })
            };
            load(&spec)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_policies_allow_exactly_the_permitted_loads(
        loads in prop::collection::vec(arb_load(), 0..24),
        strict in any::<bool>(),
        patterns in any::<bool>(),
    ) {
        let origin = Origin::https("test.wikipedia.org");
        let mut opts = GenerateOptions::new(origin.clone());
        if strict {
            opts.base = Base::Strict;
        }
        if patterns {
            opts.use_allow_patterns = vec![AllowPattern {
                host: HostSource::parse("*.tools.example").unwrap(),
                sinks: None,
            }];
        }
        let generated = generate(&loads, &opts).unwrap();
        assert_exact(&generated, &loads, &origin);
        // Nothing is lost: every load is permitted-and-allowed, forbidden,
        // or not representable.
        prop_assert!(generated.not_representable.iter().all(|n| n.reason != UnrepresentableReason::NotAllowed));
        prop_assert_eq!(
            generated.forbidden.len(),
            loads.iter().filter(|l| is_forbidden(l)).count()
        );
        let explained: usize = generated.needs.iter().map(|n| n.loads.len()).sum();
        let permitted = loads.iter().filter(|l| !is_forbidden(l)).count();
        prop_assert_eq!(explained + generated.not_representable.len(), permitted);
        // Canonical: the header parses back to the same policy and text.
        prop_assert_eq!(Policy::parse(&generated.header_value).to_string(), generated.header_value);
    }
}

/// The loads of a real scan: the rules and the `[[allow]]` entries of
/// `offsite.toml` decide which loads are permitted.
#[test]
fn loads_from_the_real_scan_pipeline() {
    use offsite_model::{Language, Source};
    use offsite_rules::{Linter, Settings};

    let toml = r#"
[[allow]]
host = "cdn.jsdelivr.net"
sinks = ["script", "style"]
reason = "pinned npm packages"

[[allow]]
host = "widgets.example.com"
reason = "the chapter's widget host"
"#;
    let linter = Linter::new(Settings::from_toml(toml, "offsite.toml").unwrap()).unwrap();
    let gadget = r"
mw.loader.load('https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js');
mw.loader.load('https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css', 'text/css');
fetch('https://citoid.toolforge.org/api?format=mediawiki');
mw.loader.load('//widgets.example.com/embed.js');
mw.loader.load('https://ads.example.net/tag.js');
fetch(mw.config.get('wgServer') + '/w/api.php?action=query');
fetch('https://cdn.jsdelivr.net/npm/data.json');
";
    let source = Source {
        wiki: Some("testwiki".to_owned()),
        title: Some("MediaWiki:Gadget-maps.js".to_owned()),
        ..Source::default()
    };
    let loads = linter.check(&source, gadget, Language::JavaScript).loads;
    let origin = Origin::https("test.wikipedia.org");
    let generated = generate(&loads, &GenerateOptions::new(origin.clone())).unwrap();
    assert_eq!(
        generated.header_value,
        "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-inline' blob: \
         https://cdn.jsdelivr.net https://widgets.example.com; \
         style-src 'self' 'unsafe-inline' blob: data: https://cdn.jsdelivr.net; \
         img-src 'self' blob: data:; connect-src 'self' https://citoid.toolforge.org; \
         worker-src 'self' blob:; object-src 'none'; base-uri 'self'",
        "{loads:#?}"
    );
    let forbidden: Vec<(&str, &[String])> = generated
        .forbidden
        .iter()
        .map(|f| (f.load.url.as_deref().unwrap(), f.rules.as_slice()))
        .collect();
    // The allow entry for cdn.jsdelivr.net covers scripts and styles, not
    // fetch: the JSON fetch stays forbidden, and connect-src blocks it.
    assert_eq!(
        forbidden,
        [
            ("https://ads.example.net/tag.js", &["OS101".to_owned()][..]),
            (
                "https://cdn.jsdelivr.net/npm/data.json",
                &["OS103".to_owned()][..]
            ),
        ]
    );
    assert!(
        generated
            .forbidden
            .iter()
            .all(|f| f.outcome == ForbiddenOutcome::Blocked)
    );
    assert_exact(&generated, &loads, &origin);
}
