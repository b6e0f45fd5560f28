//! The noise filter: vendored defaults, configuration, and the rules that
//! hold whatever the configuration says.

use offsite_collect::{
    BodyKind, FilterConfig, FilterReason, NoiseFilter, NormalizedReport, ParseContext, parse_body,
};
use serde_json::{Value, json};

fn report(fields: Value) -> NormalizedReport {
    let mut obj = json!({"document-uri": "https://en.wikipedia.org/wiki/Main_Page", "effective-directive": "script-src-elem"});
    if let (Value::Object(o), Value::Object(f)) = (&mut obj, fields) {
        o.extend(f);
    }
    let body = serde_json::to_vec(&json!({"csp-report": obj})).expect("json");
    let mut out = parse_body(BodyKind::CspReport, &body, &ParseContext::default()).expect("parses");
    out.reports.remove(0)
}

fn blocked(uri: &str) -> NormalizedReport {
    report(json!({"blocked-uri": uri}))
}

fn reason(filter: &NoiseFilter, r: &NormalizedReport) -> Option<&'static str> {
    filter.check(r).map(FilterReason::as_str)
}

#[test]
fn reason_names_are_stable_metric_labels() {
    let names: Vec<_> = FilterReason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        names,
        [
            "extension_scheme",
            "document_scheme",
            "noise_host",
            "false_positive_url"
        ]
    );
    assert_eq!(
        serde_json::to_string(&FilterReason::NoiseHost).expect("json"),
        "\"noise_host\"",
        "serde and as_str agree"
    );
}

#[test]
fn extension_schemes_are_filtered_from_the_blocked_uri_the_source_file_and_the_document() {
    let f = NoiseFilter::default();
    for uri in [
        "chrome-extension://abc/x.js",
        "moz-extension://1-2/x.js",
        "safari-web-extension://A/x.js",
        "safari-extension://com.x/y",
        "ms-browser-extension://x",
        "webviewprogressproxy://complete",
        "about",
        "about:blank",
    ] {
        assert_eq!(reason(&f, &blocked(uri)), Some("extension_scheme"), "{uri}");
    }
    let via_source = report(
        json!({"blocked-uri": "https://ads.example/x.js", "source-file": "chrome-extension://abc/content.js"}),
    );
    assert_eq!(reason(&f, &via_source), Some("extension_scheme"));
    let extension_page = report(
        json!({"blocked-uri": "https://cdn.example.org/x.js", "document-uri": "moz-extension://1-2/popup.html"}),
    );
    assert_eq!(reason(&f, &extension_page), Some("document_scheme"));
    // An about:blank frame inherits the wiki's policy: its reports are the wiki's.
    let frame = report(
        json!({"blocked-uri": "https://cdn.example.org/x.js", "document-uri": "about:blank"}),
    );
    assert_eq!(reason(&f, &frame), None);
}

#[test]
fn run_time_code_is_never_filtered() {
    let f = NoiseFilter::new(&FilterConfig {
        extra_schemes: vec![
            "data".into(),
            "blob:".into(),
            "inline".into(),
            "eval".into(),
            "https".into(),
        ],
        ..FilterConfig::default()
    });
    for uri in [
        "data:text/html,chromewebdata",
        "data",
        "blob:https://en.wikipedia.org/uuid",
        "inline",
        "eval",
    ] {
        for source in [
            "chrome-extension://abc/x.js",
            "https://injections.adguard.com/x.js",
        ] {
            let r = report(json!({"blocked-uri": uri, "source-file": source}));
            assert_eq!(reason(&f, &r), None, "{uri} from {source}");
        }
    }
    assert_eq!(
        reason(&f, &blocked("https://cdn.example.org/x.js")),
        None,
        "https is not a noise scheme"
    );
}

#[test]
fn noise_hosts_match_exactly_or_by_wildcard() {
    let f = NoiseFilter::default();
    assert_eq!(
        reason(
            &f,
            &blocked("https://injections.adguard.com/website.js?d=x")
        ),
        Some("noise_host")
    );
    assert_eq!(
        reason(&f, &blocked("http://localhost:8000/x.js")),
        Some("noise_host")
    );
    // Sentry's `*.superfish.com`: the domain and every subdomain.
    assert_eq!(
        reason(&f, &blocked("https://superfish.com/x.js")),
        Some("noise_host")
    );
    assert_eq!(
        reason(&f, &blocked("https://a.b.superfish.com/x.js")),
        Some("noise_host")
    );
    assert_eq!(reason(&f, &blocked("https://notsuperfish.com/x.js")), None);
    assert_eq!(
        reason(&f, &blocked("https://adguard.com/x.js")),
        None,
        "exact hosts do not cover parents"
    );
    let via_source =
        report(json!({"blocked-uri": "inline", "source-file": "https://x.rafomedia.com/a.js"}));
    assert_eq!(reason(&f, &via_source), None, "inline stays");
    let via_source = report(
        json!({"blocked-uri": "https://cdn.example.org/y.js", "source-file": "https://x.rafomedia.com/a.js"}),
    );
    assert_eq!(reason(&f, &via_source), Some("noise_host"));
    // Hosts gadgets legitimately load were left out of the vendored lists.
    for kept in [
        "https://cdn.mathjax.org/x.js",
        "https://github.com/x.js",
        "https://en.wikipedia.org/w/index.php",
        "https://translate.googleapis.com/x.js",
    ] {
        assert_eq!(reason(&f, &blocked(kept)), None, "{kept}");
    }
}

#[test]
fn false_positive_urls_match_like_mediawiki() {
    let f = NoiseFilter::new(&FilterConfig {
        extra_false_positive_urls: vec![
            "https://good.com".into(),
            "https://prefix.example/path/".into(),
            "https://exact.example/only.js?v=1".into(),
        ],
        ..FilterConfig::default()
    });
    let fp = |u: &str| reason(&f, &blocked(u));
    // Vendored from Wikimedia: an origin.
    assert_eq!(
        fp("https://cdn.honey.io/x.js?v=2"),
        Some("false_positive_url")
    );
    assert_eq!(fp("https://good.com/anything"), Some("false_positive_url"));
    assert_eq!(
        fp("https://good.combo.bad/x"),
        None,
        "an origin is no prefix"
    );
    assert_eq!(
        fp("http://good.com/x"),
        None,
        "another scheme is another origin"
    );
    assert_eq!(
        fp("https://prefix.example/path/deeper/x.js"),
        Some("false_positive_url")
    );
    assert_eq!(fp("https://prefix.example/pathology.js"), None);
    assert_eq!(
        fp("https://exact.example/only.js?v=9"),
        Some("false_positive_url"),
        "queries are stripped on both sides"
    );
    assert_eq!(fp("https://exact.example/other.js"), None);
}

#[test]
fn wikimedia_production_entries_apply_only_when_asked() {
    let tool = blocked("https://tools-static.wmflabs.org/fontcdn/x.css");
    assert_eq!(
        reason(&NoiseFilter::default(), &tool),
        None,
        "a Toolforge load is a finding"
    );
    let wmf = NoiseFilter::new(&FilterConfig {
        wikimedia_production: true,
        ..FilterConfig::default()
    });
    assert_eq!(reason(&wmf, &tool), Some("false_positive_url"));
    assert_eq!(
        reason(&wmf, &blocked("https://upload.wikimedia.org/x.png")),
        Some("false_positive_url")
    );
}

#[test]
fn configuration_adds_and_removes_entries() {
    let f = NoiseFilter::new(&FilterConfig {
        extra_schemes: vec!["opera-extension".into()],
        remove_schemes: vec!["about:".into()],
        extra_hosts: vec!["*.tracker.example".into(), "Ads.Example".into()],
        remove_hosts: vec!["localhost".into(), "*.superfish.com".into()],
        remove_false_positive_urls: vec!["https://cdn.honey.io".into()],
        ..FilterConfig::default()
    });
    assert_eq!(
        reason(&f, &blocked("opera-extension://x/y.js")),
        Some("extension_scheme")
    );
    assert_eq!(reason(&f, &blocked("about:blank")), None);
    assert_eq!(
        reason(&f, &blocked("https://a.tracker.example/p")),
        Some("noise_host")
    );
    assert_eq!(
        reason(&f, &blocked("https://ads.example/p")),
        Some("noise_host")
    );
    assert_eq!(reason(&f, &blocked("http://localhost/x.js")), None);
    assert_eq!(
        reason(&f, &blocked("https://www.superfish.com/x.js")),
        Some("noise_host"),
        "Nelmio lists it exactly"
    );
    assert_eq!(reason(&f, &blocked("https://a.superfish.com/x.js")), None);
    assert_eq!(reason(&f, &blocked("https://cdn.honey.io/x.js")), None);
}

#[test]
fn hosts_a_scanned_load_uses_are_never_noise() {
    let fb = blocked("https://connect.facebook.net/en_US/sdk.js");
    assert_eq!(
        reason(&NoiseFilter::default(), &fb),
        Some("false_positive_url"),
        "Wikimedia's list has it"
    );
    let f =
        NoiseFilter::default().with_known_hosts(["Connect.Facebook.net", "injections.adguard.com"]);
    assert_eq!(reason(&f, &fb), None);
    assert_eq!(
        reason(&f, &blocked("https://injections.adguard.com/x.js")),
        None
    );
    assert_eq!(
        reason(&f, &blocked("chrome-extension://x/y.js")),
        Some("extension_scheme"),
        "schemes still apply"
    );
}

#[test]
fn problems_name_the_entries_that_are_ignored() {
    let config = FilterConfig {
        extra_schemes: vec!["data".into(), "not a scheme".into(), "ok-scheme".into()],
        extra_hosts: vec!["bad host/".into(), "good.example".into()],
        extra_false_positive_urls: vec!["ftp://x.example/".into(), "https://fine.example/".into()],
        ..FilterConfig::default()
    };
    let problems = config.problems();
    assert_eq!(problems.len(), 4, "{problems:#?}");
    assert!(
        problems[0].contains("`data` is never treated as noise"),
        "{}",
        problems[0]
    );
    assert!(problems[1].contains("`not a scheme`"));
    assert!(problems[2].contains("`bad host/`"));
    assert!(problems[3].contains("`ftp://x.example/`"));
    assert!(FilterConfig::default().problems().is_empty());
}

#[test]
fn configuration_reads_from_toml_shaped_json() {
    let config: FilterConfig = serde_json::from_value(json!({
        "extra-hosts": ["a.example"], "wikimedia-production": true,
    }))
    .expect("kebab-case keys");
    assert_eq!(config.extra_hosts, ["a.example"]);
    assert!(config.wikimedia_production);
    assert!(
        serde_json::from_value::<FilterConfig>(json!({"extra_hosts": []})).is_err(),
        "unknown keys are refused"
    );
}

/// Every entry of every data file names its source, and parses.
#[test]
fn vendored_lists_are_sourced_and_well_formed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for name in [
        "noise-schemes.txt",
        "noise-hosts.txt",
        "false-positive-urls.txt",
        "wikimedia-false-positive-urls.txt",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect("data file");
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            let (entry, comment) = line.split_once('#').unwrap_or((line, ""));
            if entry.trim().is_empty() {
                continue;
            }
            n += 1;
            assert!(
                comment.contains("[sentry]")
                    || comment.contains("[nelmio")
                    || comment.contains("[wmf]")
                    || comment.contains("[csp-useful]")
                    || comment.contains("[offsite]"),
                "{name}:{}: `{}` names no source",
                i + 1,
                entry.trim()
            );
            assert!(
                !entry.trim().contains(char::is_whitespace),
                "{name}:{}: one entry per line",
                i + 1
            );
        }
        assert!(n >= 10, "{name} has {n} entries");
    }
    let (schemes, hosts, urls) = NoiseFilter::default().sizes();
    assert!(
        schemes >= 25 && hosts >= 300 && urls >= 10,
        "{schemes} {hosts} {urls}"
    );
}
