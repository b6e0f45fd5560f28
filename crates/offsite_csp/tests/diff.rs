//! Policy diffs: by directive, by kind of request, by capability, and by
//! the loads a real scan of gadget code finds.
#![allow(clippy::unwrap_used, reason = "tests")]

use offsite_csp::{
    Capability, CapabilityChange, ChangeKind, Origin, Policy, ResourceKind, SourceExpr,
    UnknownReason, Verdict, diff, diff_loads, parse_header,
};
use offsite_model::{Directive, Language, ReportedLoad, Source};
use offsite_rules::{Linter, Settings};

const MEDIAWIKI: &str = "script-src 'unsafe-eval' blob: 'self' 'nonce-abc' 'unsafe-inline'; \
     default-src * data: blob:; style-src * data: blob: 'unsafe-inline'; object-src 'none'; \
     report-uri /api.php?action=cspreport&format=json&reportonly=1";

/// A Wikimedia-like allowlist policy: connect-src and img-src of their own.
const ALLOWLIST: &str = "script-src 'unsafe-eval' blob: 'self' 'nonce-abc' 'unsafe-inline' \
     https://*.jsdelivr.net; default-src 'self' data: blob: https://upload.wikimedia.org; \
     style-src 'self' data: blob: 'unsafe-inline'; object-src 'none'; \
     connect-src 'self' https://*.wikipedia.org https://api.example.com; \
     report-uri /api.php?action=cspreport&format=json&reportonly=1";

fn policies(text: &str) -> Vec<Policy> {
    parse_header(text).policies
}

fn wiki() -> Origin {
    Origin::https("en.wikipedia.org")
}

#[test]
fn directive_changes() {
    let d = diff(&policies(MEDIAWIKI), &policies(ALLOWLIST));
    let script = d
        .directives
        .iter()
        .find(|c| c.directive == "script-src")
        .unwrap();
    assert_eq!(script.change, ChangeKind::Changed);
    assert_eq!(
        script.added,
        [SourceExpr::host("https://*.jsdelivr.net").unwrap()]
    );
    assert!(script.removed.is_empty());
    let default = d
        .directives
        .iter()
        .find(|c| c.directive == "default-src")
        .unwrap();
    assert_eq!(default.removed, [SourceExpr::Wildcard], "{default:?}");
    assert_eq!(
        default.added,
        [
            SourceExpr::SELF,
            SourceExpr::host("https://upload.wikimedia.org").unwrap()
        ]
    );
    let connect = d
        .directives
        .iter()
        .find(|c| c.directive == "connect-src")
        .unwrap();
    assert_eq!(connect.change, ChangeKind::Added);
    assert_eq!(connect.added.len(), 3);
    // report-uri and object-src did not change.
    assert!(
        !d.directives
            .iter()
            .any(|c| c.directive == "report-uri" || c.directive == "object-src")
    );
}

#[test]
fn kinds_that_stop_falling_back() {
    let d = diff(&policies(MEDIAWIKI), &policies(ALLOWLIST));
    let connect = d
        .kinds
        .iter()
        .find(|k| k.kind == ResourceKind::Connect)
        .unwrap();
    assert_eq!(connect.old_directive, Some("default-src"));
    assert_eq!(connect.new_directive, Some("connect-src"));
    // Images still fall back to default-src, whose sources changed.
    let img = d
        .kinds
        .iter()
        .find(|k| k.kind == ResourceKind::Img)
        .unwrap();
    assert_eq!(
        (img.old_directive, img.new_directive),
        (Some("default-src"), Some("default-src"))
    );
    assert!(img.sources_changed);
    // form-action is governed by nothing on either side: no change.
    assert!(!d.kinds.iter().any(|k| k.kind == ResourceKind::FormAction));
    let json = serde_json::to_value(connect).unwrap();
    assert_eq!(json["kind"], "connect-src");
}

#[test]
fn capabilities() {
    let old = policies("script-src 'self' 'unsafe-inline' 'unsafe-eval'");
    let new = policies("script-src 'self' 'nonce-abc' 'unsafe-inline'");
    let d = diff(&old, &new);
    assert_eq!(
        d.capabilities,
        [
            CapabilityChange {
                capability: Capability::InlineScript,
                old: true,
                new: false
            },
            CapabilityChange {
                capability: Capability::InlineScriptAttribute,
                old: true,
                new: false
            },
            CapabilityChange {
                capability: Capability::Eval,
                old: true,
                new: false
            },
            CapabilityChange {
                capability: Capability::WasmEval,
                old: true,
                new: false
            },
        ]
    );
    assert!(diff(&old, &old).is_empty());
}

#[test]
fn a_second_policy_counts_as_added() {
    let old = policies("default-src *");
    let new = policies("default-src *, script-src 'self'");
    let d = diff(&old, &new);
    assert_eq!(d.directives.len(), 1);
    assert_eq!(
        (d.directives[0].policy, d.directives[0].change),
        (1, ChangeKind::Added)
    );
}

const GADGET: &str = r"
mw.loader.load('https://cdn.jsdelivr.net/npm/chart.js@4/dist/chart.umd.js');
mw.loader.load('https://cdn.jsdelivr.net/npm/chart.js@4/dist/chart.umd.js');
fetch('https://api.example.com/v1/translate?q=x');
fetch('https://translate.googleapis.com/translate_a/single');
mw.loader.load(mw.config.get('wgServer') + '/w/index.php?title=User:X/y.js&action=raw&ctype=text/javascript');
$.getScript('https://' + lang + '.example.org/tool.js');
var img = new Image();
img.src = 'https://upload.wikimedia.org/wikipedia/commons/a/a9/Example.jpg';
";

fn scan(text: &str) -> Vec<ReportedLoad> {
    let linter = Linter::new(Settings::default()).unwrap();
    linter
        .check(
            &Source::file("MediaWiki:Gadget-chart.js"),
            text,
            Language::JavaScript,
        )
        .loads
}

#[test]
fn loads_newly_blocked_and_allowed() {
    let loads = scan(GADGET);
    assert!(loads.len() >= 7, "{loads:#?}");
    let d = diff_loads(&policies(MEDIAWIKI), &policies(ALLOWLIST), &loads, &wiki());
    let blocked: Vec<(&str, Directive)> = d
        .newly_blocked
        .iter()
        .map(|c| (c.url.as_str(), c.directive))
        .collect();
    // default-src * allowed any fetch; connect-src now lists hosts.
    assert_eq!(
        blocked,
        [(
            "https://translate.googleapis.com/translate_a/single",
            Directive::ConnectSrc
        )]
    );
    assert_eq!(
        d.newly_blocked[0].new,
        Verdict::Blocked {
            effective_directive: "connect-src",
            directive: "connect-src"
        }
    );
    assert_eq!(d.newly_blocked[0].places[0].line, 5);
    let allowed: Vec<&str> = d.newly_allowed.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        allowed,
        ["https://cdn.jsdelivr.net/npm/chart.js@4/dist/chart.umd.js"]
    );
    // The same URL loaded twice is one change with two places.
    assert_eq!(
        d.newly_allowed[0]
            .places
            .iter()
            .map(|p| p.line)
            .collect::<Vec<_>>(),
        [2, 3]
    );
    // The host built at run time is reported, not dropped.
    let dynamic = d
        .unknown
        .iter()
        .find(|u| u.reason == UnknownReason::DynamicUrl)
        .unwrap_or_else(|| panic!("{:#?}", d.unknown));
    assert!(
        dynamic.url.as_deref().unwrap().contains("${"),
        "{dynamic:?}"
    );
    assert_eq!(dynamic.directive, Directive::ScriptSrc);
    // wgServer is the page origin: a same-wiki script, allowed by 'self'
    // under both policies, and the image from upload.wikimedia.org too.
    assert_eq!(d.unchanged, 3, "{d:#?}");
    assert!(!d.unknown.iter().any(|u| {
        u.url
            .as_deref()
            .is_some_and(|u| u.starts_with("${wgServer}"))
    }));
}

/// `importScript('Title')` and a gadget module have no URL but come from
/// the wiki itself: they are checked against the page origin, so a policy
/// that drops `'self'` from script-src newly blocks them.
#[test]
fn same_wiki_loads_without_url_are_checked_as_self() {
    let loads = scan(
        "importScript('User:Example/tool.js');\n\
         mw.loader.using('ext.gadget.Navigation').then(function () {});\n",
    );
    assert!(
        loads.iter().all(|l| l.url.is_none()),
        "fixture: no URLs expected, {loads:#?}"
    );
    let no_self = "script-src 'unsafe-eval' https://*.jsdelivr.net; default-src 'self'";
    let d = diff_loads(&policies(MEDIAWIKI), &policies(no_self), &loads, &wiki());
    let blocked: Vec<(&str, Directive)> = d
        .newly_blocked
        .iter()
        .map(|c| (c.url.as_str(), c.directive))
        .collect();
    assert_eq!(
        blocked,
        [
            ("User:Example/tool.js", Directive::ScriptSrc),
            ("ext.gadget.Navigation", Directive::ScriptSrc)
        ],
        "{d:#?}"
    );
    assert!(d.unknown.is_empty(), "{:#?}", d.unknown);
    // With 'self' in both, nothing changes.
    let d = diff_loads(&policies(MEDIAWIKI), &policies(ALLOWLIST), &loads, &wiki());
    assert!(d.newly_blocked.is_empty() && d.unknown.is_empty(), "{d:#?}");
    assert_eq!(d.unchanged, 2);
}
