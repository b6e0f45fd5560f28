use offsite_model::ReportedLoad;
use serde_json::{Value, json};

use super::*;
use crate::parse::ParseContext;
use crate::report::ReportFormat;

/// A load from JSON: the required fields get defaults, `fields` override
/// them. (Built from JSON, not a struct literal, so new `serde(default)`
/// fields on `ReportedLoad` do not break these tests.)
fn load(fields: Value) -> ReportedLoad {
    let mut base = json!({
        "source": {}, "line": 1, "column": 1, "end_line": 1, "end_column": 2,
        "api": "mw.loader.load", "sink": "script", "directive": "script-src",
        "tier": "third-party", "resolution": "literal", "consent": "ungated",
        "findings": [],
    });
    if let (Value::Object(b), Value::Object(f)) = (&mut base, fields) {
        b.extend(f);
    }
    serde_json::from_value(base).expect("a ReportedLoad")
}

fn on_page(title: &str, line: u32, url: &str, directive: &str) -> ReportedLoad {
    load(json!({
        "source": {"title": title, "wiki": "https://en.wikipedia.org"},
        "line": line, "url": url, "directive": directive,
    }))
}

/// A report through the real normaliser.
fn report(fields: Value) -> NormalizedReport {
    let Value::Object(obj) = fields else {
        panic!("object")
    };
    crate::normalize::normalize(
        &obj,
        ReportFormat::CspReport,
        None,
        None,
        &ParseContext::default(),
    )
}

fn blocked_on(doc: &str, blocked: &str, directive: &str) -> NormalizedReport {
    report(json!({"document-uri": doc, "blocked-uri": blocked, "effective-directive": directive}))
}

fn summary(a: &[Attribution]) -> Vec<(String, Option<String>, String, f64)> {
    a.iter()
        .map(|a| {
            (
                a.page.clone(),
                a.gadget.clone(),
                a.method.to_string(),
                a.confidence,
            )
        })
        .collect()
}

const DOC: &str = "https://en.wikipedia.org/wiki/Main_Page";

#[test]
fn exact_url_wins_and_names_the_gadget() {
    let loads = [
        on_page(
            "MediaWiki:Gadget-foo.js",
            9,
            "https://cdn.example.org/x.js",
            "script-src",
        ),
        on_page(
            "MediaWiki:Gadget-bar.js",
            3,
            "https://cdn.example.org/other.js",
            "script-src",
        ),
    ];
    let gadgets: GadgetPages = [
        ("MediaWiki:Gadget-foo.js", "foo"),
        ("MediaWiki:Gadget-bar.js", "bar"),
    ]
    .into_iter()
    .collect();
    let index = AttributionIndex::from_loads(&loads, &gadgets);
    let got = index.attribute(&blocked_on(
        DOC,
        "https://cdn.example.org/x.js?v=3",
        "script-src-elem",
    ));
    assert_eq!(
        summary(&got),
        [(
            "MediaWiki:Gadget-foo.js".into(),
            Some("foo".into()),
            "exact-url".into(),
            EXACT_URL
        )]
    );
    assert_eq!(got[0].line, Some(9));
    assert_eq!(got[0].url.as_deref(), Some("https://cdn.example.org/x.js"));

    // Another file on the same CDN: both pages load from that origin.
    let got = index.attribute(&blocked_on(
        DOC,
        "https://cdn.example.org/y.js",
        "script-src-elem",
    ));
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|a| a.method.as_str() == "origin-path" && a.confidence == ORIGIN_PATH / 2.0)
    );
}

#[test]
fn protocol_relative_loads_take_the_document_scheme() {
    let loads = [on_page(
        "MediaWiki:Common.js",
        4,
        "//widgets.example.com/w.js",
        "script-src",
    )];
    let index = AttributionIndex::from_loads(&loads, &GadgetPages::new());
    let http = blocked_on(
        "http://127.0.0.1:8091/index.php/Main_Page",
        "//widgets.example.com/w.js",
        "script-src-elem",
    );
    assert_eq!(index.attribute(&http)[0].method.as_str(), "exact-url");
    // An http URL reported from an https page is not what `//…` resolves to.
    let mismatch = blocked_on(DOC, "http://widgets.example.com/w.js", "script-src-elem");
    assert_eq!(summary(&index.attribute(&mismatch))[0].2, "host");
}

#[test]
fn only_compatible_directives_match() {
    let loads = [
        on_page(
            "MediaWiki:Gadget-foo.js",
            9,
            "https://cdn.example.org/x.js",
            "script-src",
        ),
        on_page(
            "MediaWiki:Gadget-foo.css",
            2,
            "https://cdn.example.org/x.css",
            "style-src",
        ),
    ];
    let index = AttributionIndex::from_loads(&loads, &GadgetPages::new());
    let style = index.attribute(&blocked_on(
        DOC,
        "https://cdn.example.org/x.js",
        "style-src-elem",
    ));
    // Not the script load (exact URL, wrong directive): the stylesheet on the same origin.
    assert_eq!(
        summary(&style),
        [(
            "MediaWiki:Gadget-foo.css".into(),
            None,
            "origin-path".into(),
            ORIGIN_PATH
        )]
    );
    assert!(
        index
            .attribute(&blocked_on(DOC, "https://cdn.example.org/x.js", "img-src"))
            .is_empty()
    );
    assert!(compatible("worker-src", Directive::ScriptSrc));
    assert!(compatible("style-src-attr", Directive::StyleSrc));
    assert!(compatible("connect-src", Directive::DefaultSrc));
    assert!(!compatible("manifest-src", Directive::ScriptSrc));
}

#[test]
fn several_pages_share_the_confidence_best_first() {
    let loads = [
        on_page(
            "User:Zed/common.js",
            2,
            "https://third.example.net/lib.js",
            "script-src",
        ),
        on_page(
            "User:Ann/common.js",
            7,
            "https://third.example.net/lib.js",
            "script-src",
        ),
        on_page(
            "User:Ann/common.js",
            3,
            "https://third.example.net/lib.js",
            "script-src",
        ),
    ];
    let index = AttributionIndex::from_loads(&loads, &GadgetPages::new());
    let got = index.attribute(&blocked_on(
        DOC,
        "https://third.example.net/lib.js",
        "script-src-elem",
    ));
    assert_eq!(
        summary(&got),
        [
            ("User:Ann/common.js".into(), None, "exact-url".into(), 0.5),
            ("User:Zed/common.js".into(), None, "exact-url".into(), 0.5),
        ]
    );
    assert_eq!(
        got[0].line,
        Some(3),
        "the first line of a page that loads it twice"
    );
}

#[test]
fn run_time_urls_match_by_pattern_then_host() {
    let loads = [
        on_page(
            "MediaWiki:Gadget-MapWidget.js",
            9,
            "https://maps.toolforge.org/tile/10/${…}/${…}.png",
            "img-src",
        ),
        on_page(
            "MediaWiki:Gadget-MapWidget.js",
            10,
            "https://maps.example.org/embed?lat=${…}&lon=${…}",
            "frame-src",
        ),
        on_page("User:Eve/x.js", 1, "https://${…}/payload.js", "script-src"),
    ];
    let index = AttributionIndex::from_loads(&loads, &GadgetPages::new());
    let method = |blocked: &str, directive: &str| {
        index
            .attribute(&blocked_on(DOC, blocked, directive))
            .first()
            .map(|a| (a.method.to_string(), a.confidence))
    };
    assert_eq!(
        method("https://maps.toolforge.org/tile/10/5/7.png", "img-src"),
        Some(("pattern".into(), PATTERN))
    );
    assert_eq!(
        method("https://MAPS.toolforge.org/tile/11/5/7.png", "img-src"),
        Some(("host".into(), HOST))
    );
    // The query held every placeholder: what is left is a literal URL.
    assert_eq!(
        method("https://maps.example.org/embed?lat=1&lon=2", "frame-src"),
        Some(("exact-url".into(), EXACT_URL))
    );
    assert_eq!(
        method("https://anything.example/payload.js", "script-src-elem"),
        Some(("dynamic-host".into(), DYNAMIC_HOST))
    );
    assert_eq!(
        method("https://anything.example/other.js", "script-src-elem"),
        None
    );
}

#[test]
fn a_library_is_blamed_through_the_source_file() {
    let loads = [on_page(
        "User:Bob/tool.js",
        4,
        "https://third.example.net/lib.js",
        "script-src",
    )];
    let index = AttributionIndex::from_loads(&loads, &GadgetPages::new());
    let eval = report(json!({
        "document-uri": DOC, "blocked-uri": "eval", "effective-directive": "script-src",
        "source-file": "https://third.example.net/lib.js?v=2", "line-number": 1,
    }));
    assert_eq!(
        summary(&index.attribute(&eval)),
        [(
            "User:Bob/tool.js".into(),
            None,
            "source-file".into(),
            SOURCE_FILE
        )]
    );
    // A fetch the library made: the URL is unknown, the library is not.
    let fetch = report(json!({
        "document-uri": DOC, "blocked-uri": "https://api.example.com/data", "effective-directive": "connect-src",
        "source-file": "https://third.example.net/lib.js",
    }));
    assert_eq!(index.attribute(&fetch)[0].method.as_str(), "source-file");
    // The wiki's own load.php names no library.
    let rl = report(json!({
        "document-uri": DOC, "blocked-uri": "inline", "effective-directive": "script-src-elem",
        "source-file": "https://en.wikipedia.org/w/load.php",
    }));
    assert!(index.attribute(&rl).is_empty());
}

#[test]
fn the_source_file_says_how_the_page_was_delivered() {
    let loads = [
        on_page(
            "MediaWiki:Gadget-foo.js",
            9,
            "https://api.example.com/data",
            "connect-src",
        ),
        on_page(
            "User:Bob/tool.js",
            5,
            "https://api.example.com/data",
            "connect-src",
        ),
        // Alice imports Bob's tool with importScript: served by index.php?action=raw.
        load(json!({"source": {"title": "User:Alice/common.js"}, "page": "User:Bob/tool.js"})),
    ];
    let gadgets: GadgetPages = [("MediaWiki:Gadget-foo.js", "foo")].into_iter().collect();
    let index = AttributionIndex::from_loads(&loads, &gadgets);
    let via = |file: &str| {
        summary(&index.attribute(&report(json!({
            "document-uri": DOC, "blocked-uri": "https://api.example.com/data",
            "effective-directive": "connect-src", "source-file": file, "line-number": 3,
        }))))
    };
    assert_eq!(
        via("https://en.wikipedia.org/w/index.php"),
        [
            ("User:Bob/tool.js".into(), None, "exact-url".into(), 0.5),
            (
                "MediaWiki:Gadget-foo.js".into(),
                Some("foo".into()),
                "exact-url".into(),
                0.25
            ),
        ]
    );
    assert_eq!(
        via("https://en.wikipedia.org/w/load.php"),
        [
            (
                "MediaWiki:Gadget-foo.js".into(),
                Some("foo".into()),
                "exact-url".into(),
                0.5
            ),
            ("User:Bob/tool.js".into(), None, "exact-url".into(), 0.25),
        ]
    );
}

#[test]
fn loads_from_the_reports_own_wiki_are_preferred() {
    let mut de = on_page(
        "MediaWiki:Common.js",
        1,
        "https://cdn.example.org/x.js",
        "script-src",
    );
    de.source.wiki = Some("https://de.wikipedia.org".into());
    let en = on_page(
        "MediaWiki:Gadget-x.js",
        2,
        "https://cdn.example.org/x.js",
        "script-src",
    );
    let index = AttributionIndex::from_loads(&[de.clone(), en], &GadgetPages::new());
    let got = index.attribute(&blocked_on(
        DOC,
        "https://cdn.example.org/x.js",
        "script-src-elem",
    ));
    assert_eq!(
        summary(&got),
        [(
            "MediaWiki:Gadget-x.js".into(),
            None,
            "exact-url".into(),
            1.0
        )]
    );
    // From a third wiki, neither is preferred.
    let index = AttributionIndex::from_loads(std::slice::from_ref(&de), &GadgetPages::new());
    let got = index.attribute(&blocked_on(
        "https://fr.wikipedia.org/wiki/X",
        "https://cdn.example.org/x.js",
        "script-src-elem",
    ));
    assert_eq!(got.len(), 1);
}

#[test]
fn same_wiki_and_module_loads_are_not_indexed() {
    let loads = [
        on_page(
            "User:Carol/common.js",
            2,
            "${wgScript}?title=User:Carol/lib.js&action=raw",
            "script-src",
        ),
        load(
            json!({"source": {"title": "MediaWiki:Gadget-T.js"}, "sink": "module", "modules": ["ext.gadget.X"]}),
        ),
        load(json!({"source": {"path": "x.js"}, "url": "/w/index.php?title=X", "host": null})),
        load(json!({"source": {"path": "y.js"}, "url": "${…}", "host": "cdn.example.org"})),
    ];
    let index = AttributionIndex::from_loads(&loads, &GadgetPages::new());
    assert_eq!(index.len(), 1, "only the load with a known host");
    assert_eq!(index.hosts(), ["cdn.example.org"]);
}

#[test]
fn glob_matching() {
    let p = |parts: &[&str]| parts.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(glob_match(
        &p(&["a.org/x/", ".png"]),
        true,
        true,
        "a.org/x/1/2.png"
    ));
    assert!(glob_match(
        &p(&["a.org/x/", ".png"]),
        true,
        true,
        "a.org/x/.png"
    ));
    assert!(!glob_match(
        &p(&["a.org/x/", ".png"]),
        true,
        true,
        "a.org/x/1.pngx"
    ));
    assert!(!glob_match(&p(&["ab", "bc"]), true, true, "abc"));
    assert!(glob_match(&p(&["/x.js"]), false, true, "evil.example/x.js"));
    assert!(glob_match(&p(&["a.org/"]), true, false, "a.org/anything"));
    assert!(glob_match(&p(&["b", "d"]), false, false, "abcde"));
    assert!(!glob_match(&p(&["d", "b"]), false, false, "abcde"));
}
