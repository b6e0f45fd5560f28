//! `offsite csp evaluate`: CSP Evaluator's own test policies with the
//! findings it expects, Wikimedia's 2026 allowlist header with an inventory
//! of loads, output formats, and bad input.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeSet;
use std::fmt::Write as _;

use offsite_csp::Origin;
use offsite_csp::evaluate::{
    Breadth, Check, EvalFinding, EvaluateOptions, Evaluation, Severity, evaluate, render_text,
};
use offsite_model::ReportedLoad;
use serde_json::json;

const WIKIMEDIA_2026: &str = include_str!("fixtures/evaluate/wikimedia-2026.txt");
const CASES: &str = include_str!("fixtures/evaluate/csp-evaluator-cases.txt");

fn wiki() -> Origin {
    Origin::https("en.wikipedia.org")
}

/// A scanned load, built as a scan's JSON output has it.
fn load(
    title: &str,
    line: u32,
    directive: &str,
    url: Option<&str>,
    rules: &[&str],
) -> ReportedLoad {
    let host = url.and_then(|u| url::Url::parse(u).ok()?.host_str().map(str::to_owned));
    let findings: Vec<_> = rules
        .iter()
        .map(|rule| {
            json!({
                "rule": rule, "name": "remote-load", "severity": "error",
                "message": format!("{rule} finding"),
            })
        })
        .collect();
    serde_json::from_value(json!({
        "source": { "wiki": "enwiki", "title": title },
        "line": line, "column": 1, "end_line": line, "end_column": 60,
        "api": "mw.loader.load", "sink": "script", "directive": directive,
        "url": url, "host": host, "page": null, "tier": "third-party", "entity": null,
        "resolution": "literal", "dynamic_expr": null, "consent": "ungated",
        "consent_kind": null, "consent_reason": null, "findings": findings,
    }))
    .unwrap()
}

// ---------------------------------------------------------------------------
// CSP Evaluator's test policies.

#[derive(Debug, Default)]
struct Case {
    name: String,
    header: String,
    checks: Vec<Check>,
    expect: Vec<String>,
    contains: Vec<String>,
    deviation: bool,
}

fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    for line in CASES.lines() {
        let line = line.trim_end();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push(Case {
                name: name.to_owned(),
                ..Case::default()
            });
            continue;
        }
        let case = out.last_mut().unwrap();
        let (key, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("bad line {line}"));
        match key {
            "header" => value.clone_into(&mut case.header),
            "checks" => {
                case.checks = value
                    .split_whitespace()
                    .map(|id| Check::from_id(id).unwrap_or_else(|| panic!("unknown check {id}")))
                    .collect();
            }
            "expect" => case.expect.push(value.to_owned()),
            "contains" => case.contains.push(value.to_owned()),
            "deviation" => case.deviation = true,
            other => panic!("unknown key {other} in {}", case.name),
        }
    }
    out
}

/// `SEVERITY CHECK DIRECTIVE [SOURCE]`, as the cases file writes findings.
fn describe(f: &EvalFinding) -> String {
    let mut text = format!(
        "{} {} {}",
        f.severity,
        f.check,
        f.directive.as_deref().unwrap_or("-")
    );
    if let Some(source) = &f.source {
        let _ = write!(text, " {source}");
    }
    text
}

#[test]
fn csp_evaluator_test_policies_give_its_findings() {
    let cases = cases();
    assert_eq!(cases.len(), 84, "every case of the fixture is read");
    let options = EvaluateOptions::new(Origin::https("example.org")).mediawiki(false);
    let mut failures = Vec::new();
    for case in &cases {
        assert!(!case.checks.is_empty(), "{} names no check", case.name);
        let evaluation = evaluate(&case.header, &options);
        let mut got: Vec<String> = evaluation
            .findings
            .iter()
            .filter(|f| case.checks.contains(&f.check))
            .map(describe)
            .collect();
        let mut want = case.expect.clone();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!("{}:\n  want {want:?}\n  got  {got:?}", case.name));
        }
        for text in &case.contains {
            let found = evaluation
                .findings
                .iter()
                .filter(|f| case.checks.contains(&f.check))
                .any(|f| f.message.contains(text.as_str()));
            if !found {
                failures.push(format!("{}: no message contains {text:?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The deviations are few and each is explained in the fixture.
    assert_eq!(cases.iter().filter(|c| c.deviation).count(), 7);
}

#[test]
fn spans_point_at_what_findings_name() {
    let options = EvaluateOptions::new(Origin::https("example.org"));
    let headers = cases().into_iter().map(|c| c.header);
    let odd = BAD_INPUT.iter().map(|h| (*h).to_owned());
    let duplicates = "script-src 'self' 'SELF' a.example A.example; script-src x.example";
    for header in headers
        .chain(odd)
        .chain([WIKIMEDIA_2026.to_owned(), duplicates.to_owned()])
    {
        let evaluation = evaluate(&header, &options);
        for finding in &evaluation.findings {
            let Some(span) = finding.span else {
                // Only findings about something missing have no span.
                assert!(finding.source.is_none(), "{finding:?}");
                continue;
            };
            let text = &header[span.start..span.end];
            if let Some(source) = &finding.source {
                assert!(
                    text.eq_ignore_ascii_case(source),
                    "{text} vs {finding:?} in {header}"
                );
            } else if let Some(directive) = &finding.directive {
                assert!(
                    text.to_ascii_lowercase().starts_with(directive.as_str()),
                    "{text} vs {finding:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Wikimedia's 2026 allowlist header.

fn wikimedia_inventory() -> Vec<ReportedLoad> {
    vec![
        // Permitted (no OS10x finding): allowed in offsite.toml, but the
        // header lists *.github.com only.
        load(
            "MediaWiki:Gadget-Releases.js",
            12,
            "connect-src",
            Some("https://github.com/wikimedia-gadgets/releases/raw/main/data.json"),
            &[],
        ),
        load(
            "MediaWiki:Gadget-Releases.js",
            30,
            "script-src",
            Some("https://github.com/wikimedia-gadgets/releases/raw/main/widget.js"),
            &[],
        ),
        // Permitted and allowed: the wiki itself and a subdomain of github.com.
        load(
            "MediaWiki:Gadget-Releases.js",
            40,
            "connect-src",
            Some("https://api.github.com/repos/wikimedia-gadgets/releases"),
            &[],
        ),
        load(
            "MediaWiki:Common.js",
            3,
            "script-src",
            Some(
                "${wgServer}/w/index.php?title=MediaWiki:Gadget-x.js&action=raw&ctype=text/javascript",
            ),
            &[],
        ),
        // Forbidden but allowed through package CDNs and a scheme.
        load(
            "User:Example/common.js",
            7,
            "script-src",
            Some("https://cdn.jsdelivr.net/npm/some-widget@2/dist/widget.min.js"),
            &["OS101"],
        ),
        load(
            "User:Example/common.js",
            9,
            "style-src",
            Some("https://unpkg.com/some-theme/theme.css"),
            &["OS102"],
        ),
        load(
            "MediaWiki:Gadget-Maps.js",
            21,
            "img-src",
            Some("https://tile.example-maps.com/1/2/3.png"),
            &["OS104"],
        ),
        // Forbidden and blocked.
        load(
            "User:Example/common.js",
            15,
            "script-src",
            Some("https://evil.example.com/x.js"),
            &["OS101"],
        ),
        // Cannot tell.
        load(
            "MediaWiki:Gadget-Maps.js",
            33,
            "script-src",
            Some("https://${…}/loader.js"),
            &["OS101"],
        ),
        load("MediaWiki:Gadget-Maps.js", 34, "script-src", None, &[]),
    ]
}

fn wikimedia() -> Evaluation {
    let loads = wikimedia_inventory();
    let options = EvaluateOptions::new(wiki()).with_inventory(&loads);
    evaluate(WIKIMEDIA_2026, &options)
}

#[test]
fn wikimedia_header_has_about_73_allowlisted_hosts() {
    let evaluation = wikimedia();
    assert_eq!(evaluation.policies.len(), 1);
    let script = evaluation.policies[0].directive("script-src").unwrap();
    let hosts = script
        .sources
        .iter()
        .filter(|s| matches!(s, offsite_csp::SourceExpr::Host(_)))
        .count();
    assert_eq!(hosts, 73);
    // No parser complaint: the fixture is a well-formed header.
    assert!(
        evaluation
            .findings
            .iter()
            .all(|f| f.severity != Severity::Syntax),
        "{:?}",
        evaluation
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Syntax)
            .collect::<Vec<_>>()
    );
}

#[test]
fn wikimedia_github_apex_gap() {
    let evaluation = wikimedia();
    let inventory = evaluation.inventory.as_ref().unwrap();
    let broken: Vec<(&str, &str, Option<&str>)> = inventory
        .breaks
        .iter()
        .map(|b| (b.url.as_str(), b.blocked_by, b.apex_gap.as_deref()))
        .collect();
    assert_eq!(
        broken,
        [
            (
                "https://github.com/wikimedia-gadgets/releases/raw/main/data.json",
                "default-src",
                Some("https://*.github.com")
            ),
            (
                "https://github.com/wikimedia-gadgets/releases/raw/main/widget.js",
                "script-src",
                Some("https://*.github.com")
            ),
        ]
    );
    assert_eq!(inventory.breaks[0].effective_directive, "connect-src");
    assert_eq!(inventory.breaks[1].effective_directive, "script-src-elem");
    // One finding per listing of *.github.com that misses the apex.
    let gaps: Vec<&EvalFinding> = evaluation.by_check(Check::WildcardMissesApex).collect();
    let directives: BTreeSet<&str> = gaps.iter().filter_map(|f| f.directive.as_deref()).collect();
    assert_eq!(directives, BTreeSet::from(["default-src", "script-src"]));
    for gap in gaps {
        assert_eq!(gap.source.as_deref(), Some("https://*.github.com"));
        let span = gap.span.unwrap();
        assert_eq!(
            &WIKIMEDIA_2026[span.start..span.end],
            "https://*.github.com"
        );
        assert!(
            gap.message.contains("not github.com itself"),
            "{}",
            gap.message
        );
        assert!(gap.fix.contains("https://github.com"), "{}", gap.fix);
        assert_eq!(gap.severity, Severity::Medium);
    }
}

#[test]
fn wikimedia_package_cdns_are_too_broad() {
    let evaluation = wikimedia();
    let cdn: BTreeSet<(String, String, Severity)> = evaluation
        .by_check(Check::PackageCdnSource)
        .map(|f| {
            (
                f.directive.clone().unwrap(),
                f.source.clone().unwrap(),
                f.severity,
            )
        })
        .collect();
    for source in [
        "https://*.jsdelivr.net",
        "https://unpkg.com",
        "https://cdnjs.cloudflare.com",
        "https://*.github.io",
        "https://esm.sh",
        "tools-static.wmflabs.org",
        // Spans tools-static.wmflabs.org.
        "*.wmflabs.org",
    ] {
        assert!(
            cdn.contains(&("script-src".to_owned(), source.to_owned(), Severity::High)),
            "{source} in script-src: {cdn:?}"
        );
        assert!(
            cdn.contains(&("style-src".to_owned(), source.to_owned(), Severity::Medium)),
            "{source} in style-src"
        );
    }
    // default-src decides neither scripts nor styles here; jQuery's own CDN
    // serves only jQuery; a path narrows www.gstatic.com.
    assert!(cdn.iter().all(|(d, _, _)| d != "default-src"));
    assert!(
        !cdn.iter()
            .any(|(_, s, _)| s.contains("code.jquery.com") || s.contains("gstatic"))
    );
    assert_eq!(cdn.len(), 14);
    let jsdelivr = evaluation
        .by_check(Check::PackageCdnSource)
        .find(|f| f.source.as_deref() == Some("https://*.jsdelivr.net"))
        .unwrap();
    assert!(
        jsdelivr.message.contains("every npm package"),
        "{}",
        jsdelivr.message
    );
    assert!(
        jsdelivr
            .fix
            .contains("https://cdn.jsdelivr.net/npm/package@1.2.3/")
    );
}

#[test]
fn wikimedia_security_findings() {
    let evaluation = wikimedia();
    let high: BTreeSet<Check> = evaluation
        .findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .map(|f| f.check)
        .collect();
    assert_eq!(
        high,
        BTreeSet::from([
            Check::ScriptUnsafeInline,
            Check::ScriptAllowlistBypass,
            Check::PackageCdnSource,
        ])
    );
    assert!(evaluation.has(Check::ScriptUnsafeEval));
    assert!(evaluation.has(Check::StyleUnsafeInline));
    assert!(evaluation.has(Check::AllowlistWithoutStrictDynamic));
    assert!(evaluation.has(Check::MissingFormAction));
    assert!(evaluation.has(Check::RequireTrustedTypes));
    // object-src 'none', a report-uri, scripts restricted.
    for absent in [
        Check::MissingObjectSrc,
        Check::MissingScriptSrc,
        Check::ReportingMissing,
        Check::ObjectAllowlistBypass,
    ] {
        assert!(!evaluation.has(absent), "{absent}");
    }
    let bypass = |source: &str| {
        evaluation
            .by_check(Check::ScriptAllowlistBypass)
            .find(|f| f.source.as_deref() == Some(source))
            .unwrap_or_else(|| panic!("no bypass for {source}"))
    };
    // Every Wikimedia wiki serves JSONP from api.php and user scripts.
    let wikipedia = bypass("*.wikipedia.org");
    assert!(
        wikipedia.message.contains("api.php"),
        "{}",
        wikipedia.message
    );
    assert!(wikipedia.message.contains("callback="));
    assert!(wikipedia.message.contains("action=raw"));
    assert!(bypass("*.wiktionary.org").message.contains("MediaWiki"));
    assert!(
        bypass("'self'")
            .message
            .contains("https://en.wikipedia.org")
    );
    assert!(bypass("*.toolforge.org").message.contains("Toolforge"));
    // CSP Evaluator's lists.
    assert!(bypass("https://www.google.com").message.contains("JSONP"));
    assert!(
        bypass("https://ajax.googleapis.com")
            .message
            .contains("AngularJS")
    );
    // Not wikis: the foundation's WordPress site, the URL shortener.
    let hosts: BTreeSet<&str> = evaluation
        .by_check(Check::ScriptAllowlistHost)
        .filter_map(|f| f.source.as_deref())
        .collect();
    assert!(hosts.contains("*.wikimediafoundation.org"));
    assert!(hosts.contains("w.wiki"));
    assert!(hosts.contains("https://code.jquery.com"));
    // Hosts reported as package CDNs are not also "no bypass known".
    assert!(!hosts.contains("https://unpkg.com"));
}

#[test]
fn wikimedia_loads_let_through_and_undecided() {
    let evaluation = wikimedia();
    let inventory = evaluation.inventory.as_ref().unwrap();
    let through: Vec<(&str, Option<String>, Breadth, Vec<String>)> = inventory
        .lets_through
        .iter()
        .map(|l| {
            (
                l.url.as_str(),
                l.allowing_source.as_ref().map(ToString::to_string),
                l.breadth,
                l.rules.clone(),
            )
        })
        .collect();
    assert_eq!(
        through,
        [
            (
                "https://cdn.jsdelivr.net/npm/some-widget@2/dist/widget.min.js",
                Some("https://*.jsdelivr.net".to_owned()),
                Breadth::PackageCdn,
                vec!["OS101".to_owned()]
            ),
            (
                "https://unpkg.com/some-theme/theme.css",
                Some("https://unpkg.com".to_owned()),
                Breadth::PackageCdn,
                vec!["OS102".to_owned()]
            ),
        ],
    );
    // img-src falls back to default-src, which does not list the tile host.
    assert_eq!(inventory.lets_through.len(), 2);
    assert_eq!(inventory.lets_through[0].allowed_by, Some("script-src"));
    assert_eq!(inventory.forbidden_blocked, 2);
    assert_eq!(inventory.permitted_allowed, 2);
    let undecided: Vec<(Option<&str>, String)> = inventory
        .cannot_tell
        .iter()
        .map(|u| (u.url.as_deref(), serde_json::to_string(&u.reason).unwrap()))
        .collect();
    assert_eq!(
        undecided,
        [
            (Some("https://${…}/loader.js"), "\"dynamic-url\"".to_owned()),
            (None, "\"no-url\"".to_owned())
        ]
    );
}

#[test]
fn wikimedia_text_report() {
    let text = render_text(&wikimedia());
    insta::assert_snapshot!("wikimedia_2026", text);
}

// ---------------------------------------------------------------------------
// Output formats.

const SMALL: &str = "script-src 'self' https://*.github.com https://unpkg.com 'unsafe-inline'; \
     object-src 'none'; img-src 'self' https:; report-uri http://reports.example.org/csp";

fn small() -> Evaluation {
    let loads = vec![
        load(
            "MediaWiki:Gadget-A.js",
            4,
            "script-src",
            Some("https://github.com/a/b/raw/x.js"),
            &[],
        ),
        load(
            "MediaWiki:Gadget-A.js",
            8,
            "img-src",
            Some("https://img.example.com/a.png"),
            &["OS104"],
        ),
        load(
            "MediaWiki:Gadget-A.js",
            9,
            "connect-src",
            Some("https://api.example.com/q?x=${…}"),
            &["OS103"],
        ),
    ];
    evaluate(SMALL, &EvaluateOptions::new(wiki()).with_inventory(&loads))
}

#[test]
fn text_report_of_a_small_policy() {
    insta::assert_snapshot!("small", render_text(&small()));
}

#[test]
fn json_report_of_a_small_policy() {
    let value = serde_json::to_value(small()).unwrap();
    insta::assert_json_snapshot!("small_json", value);
    // The contract: ids and severities as strings, spans as numbers.
    let findings = value["findings"].as_array().unwrap();
    let first = findings
        .iter()
        .find(|f| f["check"] == "script-unsafe-inline")
        .unwrap();
    assert_eq!(first["severity"], "high");
    assert_eq!(first["directive"], "script-src");
    assert_eq!(first["source"], "'unsafe-inline'");
    assert!(first["span"]["start"].is_u64());
    assert_eq!(value["origin"]["host"], "en.wikipedia.org");
    assert_eq!(
        value["inventory"]["breaks"][0]["apex_gap"],
        "https://*.github.com"
    );
    assert_eq!(value["inventory"]["lets_through"][0]["breadth"], "scheme");
    assert_eq!(
        value["inventory"]["cannot_tell"][0]["reason"],
        "dynamic-url"
    );
}

// ---------------------------------------------------------------------------
// Behaviour.

#[test]
fn self_on_a_wiki_is_a_known_bypass() {
    let header = "script-src 'self'; object-src 'none'";
    let wiki_eval = evaluate(header, &EvaluateOptions::new(wiki()));
    let on_wiki: Vec<&EvalFinding> = wiki_eval.by_check(Check::ScriptAllowlistBypass).collect();
    assert_eq!(on_wiki.len(), 1);
    assert!(
        on_wiki[0].message.contains("User:NAME/"),
        "{}",
        on_wiki[0].message
    );
    let elsewhere = evaluate(header, &EvaluateOptions::new(wiki()).mediawiki(false));
    assert!(!elsewhere.has(Check::ScriptAllowlistBypass));
    assert!(elsewhere.has(Check::ScriptAllowlistHost));
}

#[test]
fn other_wiki_farms_can_be_named() {
    let header = "script-src https://meta.miraheze.org; object-src 'none'";
    let plain = evaluate(header, &EvaluateOptions::new(wiki()));
    assert!(!plain.has(Check::ScriptAllowlistBypass));
    let options = EvaluateOptions::new(wiki()).with_wiki_domains(["Miraheze.org.".to_owned()]);
    assert!(evaluate(header, &options).has(Check::ScriptAllowlistBypass));
}

#[test]
fn another_policy_can_take_a_capability_away() {
    // Both policies are enforced: inline scripts need both to allow them.
    let header =
        "script-src 'unsafe-inline' 'unsafe-eval', script-src 'nonce-R4nd0mR4nd0m' 'unsafe-eval'";
    let evaluation = evaluate(header, &EvaluateOptions::new(wiki()));
    assert!(!evaluation.has(Check::ScriptUnsafeInline));
    let eval: Vec<Option<usize>> = evaluation
        .by_check(Check::ScriptUnsafeEval)
        .map(|f| f.policy)
        .collect();
    assert_eq!(eval, [Some(0), Some(1)]);
    let alone = evaluate("script-src 'unsafe-inline'", &EvaluateOptions::new(wiki()));
    assert!(alone.has(Check::ScriptUnsafeInline));
}

#[test]
fn strict_dynamic_hides_the_allowlist() {
    let header = "script-src 'nonce-R4nd0mR4nd0m' 'strict-dynamic' https: https://unpkg.com \
                  'unsafe-inline'; object-src 'none'; base-uri 'none'";
    let evaluation = evaluate(header, &EvaluateOptions::new(wiki()));
    for check in [
        Check::PlainUrlScheme,
        Check::PackageCdnSource,
        Check::ScriptUnsafeInline,
        Check::ScriptAllowlistBypass,
        Check::ScriptAllowlistHost,
        Check::AllowlistWithoutStrictDynamic,
        Check::AllowlistFallback,
        Check::UnsafeInlineFallback,
        Check::MissingBaseUri,
    ] {
        assert!(!evaluation.has(check), "{check}");
    }
    assert!(evaluation.has(Check::ReportingMissing));
}

#[test]
fn script_src_elem_alone_leaves_event_handlers_open() {
    let evaluation = evaluate(
        "script-src-elem 'self'; object-src 'none'",
        &EvaluateOptions::new(wiki()),
    );
    let missing: Vec<&EvalFinding> = evaluation.by_check(Check::MissingScriptSrc).collect();
    assert_eq!(missing.len(), 1);
    assert!(
        missing[0].message.contains("event handlers"),
        "{}",
        missing[0].message
    );
}

#[test]
fn http_sources_next_to_https_are_low() {
    let evaluation = evaluate(
        "img-src https: http://tiles.example.org",
        &EvaluateOptions::new(wiki()),
    );
    let http: Vec<&EvalFinding> = evaluation.by_check(Check::SrcHttp).collect();
    assert_eq!(http.len(), 1);
    assert_eq!(http[0].severity, Severity::Low);
    assert_eq!(http[0].fix, "write https://tiles.example.org");
}

const BAD_INPUT: &[&str] = &[
    "",
    " , ,",
    "script-src 'self'\u{7}; img-src bücher.example",
    "Content-Security-Policy: script-src: 'self'",
    "script-src 'nonce-' 'sha256-***' ''' https://[::1]:99999 *.*.x",
    "default-src *; default-src 'none'; plugin-types application/pdf",
    "upgrade-insecure-requests now; object-src 'none' 'self'; script-src https",
];

#[test]
fn bad_input_yields_findings_not_panics() {
    let options = EvaluateOptions::new(wiki());
    let long = "script-src a.example ".repeat(2_000);
    for header in BAD_INPUT.iter().copied().chain([long.as_str()]) {
        let evaluation = evaluate(header, &options);
        assert!(!evaluation.findings.is_empty(), "{header:?}");
        let text = render_text(&evaluation);
        assert!(text.contains("finding"), "{header:?}");
    }
    let empty = evaluate("", &options);
    assert!(empty.has(Check::EmptyHeader));
    assert!(empty.has(Check::MissingScriptSrc));
    let colon = evaluate("Content-Security-Policy: script-src: 'self'", &options);
    let unknown = colon.by_check(Check::UnknownDirective).next().unwrap();
    assert!(unknown.fix.contains("remove the colon"), "{}", unknown.fix);
    assert!(colon.has(Check::HeaderNameIncluded));
}

#[test]
fn deprecated_directives_say_what_replaces_them() {
    let evaluation = evaluate(
        "script-src 'self'; referrer origin; disown-opener; block-all-mixed-content",
        &EvaluateOptions::new(wiki()),
    );
    let fixes: Vec<(&str, &str)> = evaluation
        .by_check(Check::DeprecatedDirective)
        .map(|f| (f.directive.as_deref().unwrap(), f.fix.as_str()))
        .collect();
    assert_eq!(fixes.len(), 3);
    assert!(
        fixes
            .iter()
            .any(|(d, f)| *d == "referrer" && f.contains("Referrer-Policy"))
    );
    assert!(
        fixes
            .iter()
            .any(|(d, f)| *d == "disown-opener" && f.contains("Cross-Origin-Opener-Policy"))
    );
    assert!(fixes.iter().all(|(_, f)| !f.is_empty()));
}

#[test]
fn findings_sort_worst_first() {
    let evaluation = wikimedia();
    let severities: Vec<Severity> = evaluation.findings.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted);
    assert_eq!(evaluation.worst(), Some(Severity::High));
    let total: usize = Severity::ALL.iter().map(|s| evaluation.count(*s)).sum();
    assert_eq!(total, evaluation.findings.len());
}

// ---------------------------------------------------------------------------
// The catalogue.

#[test]
fn check_ids_are_unique_kebab_and_documented() {
    let ids: BTreeSet<&str> = Check::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(ids.len(), Check::ALL.len());
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/csp.md")).unwrap();
    let section = docs
        .split("## Evaluating policies (`offsite csp evaluate`)")
        .nth(1)
        .expect("docs/csp.md has the evaluate section");
    for check in Check::ALL {
        let id = check.as_str();
        assert!(
            id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{id} is not kebab-case"
        );
        assert_eq!(Check::from_id(id), Some(check));
        assert!(!check.summary().is_empty());
        assert!(
            section.contains(&format!("| `{id}` | {} |", check.severity())),
            "docs/csp.md lacks a row for `{id}` with severity {}",
            check.severity()
        );
        let json = serde_json::to_string(&check).unwrap();
        assert_eq!(json, format!("\"{id}\""));
    }
}
