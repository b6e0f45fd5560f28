//! The tree-sitter fallback on files oxc cannot parse: every load in the
//! three broken shapes seen in real gadgets, every API, folding and the
//! consent heuristic.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]

use std::fmt::Write as _;

use offsite_detect::Options;
use offsite_detect::js::fallback::detect;
use offsite_model::{Consent, ConsentKind, DYNAMIC, Load, Resolution, Sink};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/broken/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn loads(text: &str) -> Vec<Load> {
    let loads = detect(text, &Options::default());
    for load in &loads {
        assert!(
            load.start <= load.end && load.end as usize <= text.len(),
            "{load:?}"
        );
    }
    assert!(
        loads.windows(2).all(|w| w[0].start <= w[1].start),
        "not sorted"
    );
    loads
}

/// `(api, sink, url or page or modules)` per load, in order.
fn summary(loads: &[Load]) -> Vec<(String, Sink, String)> {
    loads
        .iter()
        .map(|l| {
            let target = l
                .url
                .clone()
                .or_else(|| l.page.clone())
                .unwrap_or_else(|| l.modules.join(","));
            (l.api.clone(), l.sink, target)
        })
        .collect()
}

fn row(api: &str, sink: Sink, target: &str) -> (String, Sink, String) {
    (api.to_owned(), sink, target.to_owned())
}

fn only(text: &str) -> Load {
    let mut found = loads(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.remove(0)
}

#[test]
fn unclosed_parameter_list_and_unterminated_string() {
    let text = fixture("unclosed_params.js");
    let found = loads(&text);
    assert_eq!(
        summary(&found),
        [
            row(
                "mw.loader.load",
                Sink::Script,
                "https://translate-helper.toolforge.org/static/helper.js"
            ),
            row(
                "mw.loader.load",
                Sink::Style,
                "https://fonts.example.com/css?family=Noto"
            ),
            row(
                "mw.loader.using",
                Sink::Module,
                "mediawiki.util,mediawiki.api"
            ),
            row(
                "$.getScript",
                Sink::Script,
                "https://cdn.example.net/translate.min.js"
            ),
            row(
                "importScript",
                Sink::Script,
                "User:Example/translate-extra.js"
            ),
        ]
    );
    assert_eq!(found[0].resolution, Resolution::Constant);
    assert_eq!(
        found[0].host.as_deref(),
        Some("translate-helper.toolforge.org")
    );
    assert_eq!(found[0].consent, Consent::Ungated);
    assert_eq!(found[3].consent, Consent::Gated);
    assert_eq!(found[3].consent_kind, Some(ConsentKind::Action));
    assert_eq!(found[3].consent_reason.as_deref(), Some("click handler"));
    assert!(found[4].same_wiki);
}

#[test]
fn missing_closing_brace_at_end_of_file() {
    let text = fixture("missing_brace.js");
    let found = loads(&text);
    assert_eq!(
        summary(&found),
        [
            row(
                "mw.ForeignApi",
                Sink::Fetch,
                "https://commons.wikimedia.org/w/api.php"
            ),
            row("importStylesheet", Sink::Style, "MediaWiki:Gadget-Foo.css"),
            row(
                "mw.loader.load",
                Sink::Script,
                "//meta.wikimedia.org/w/index.php?title=User:Example/global.js&action=raw&ctype=text/javascript"
            ),
            row(
                "mw.loader.load",
                Sink::Script,
                "https://maps.example.com/embed.js"
            ),
            row(
                "fetch",
                Sink::Fetch,
                "${wgServer}${wgScriptPath}/api.php?action=query"
            ),
            row("$.ajax", Sink::Jsonp, "https://stats.example.org/hit"),
        ]
    );
    assert_eq!(found[2].page.as_deref(), Some("User:Example/global.js"));
    assert_eq!(found[2].host.as_deref(), Some("meta.wikimedia.org"));
    assert_eq!(
        (found[3].consent, found[3].consent_kind),
        (Consent::Gated, Some(ConsentKind::Confirm))
    );
    assert!(found[4].same_wiki && found[4].host.is_none());
    assert_eq!(found[4].resolution, Resolution::Constant);
    // Inside a declared function: when it runs is unknown without call sites.
    assert_eq!(found[5].consent, Consent::Unknown);
    assert_eq!(
        found[5].consent_reason.as_deref(),
        Some("file has syntax errors; consent analysed heuristically")
    );
}

#[test]
fn incomplete_binary_expression() {
    let text = fixture("bad_operator.js");
    let found = loads(&text);
    assert_eq!(
        summary(&found),
        [
            row(
                "$.getJSON",
                Sink::Jsonp,
                &format!("//counter.example.com/v2/count?page={DYNAMIC}&callback=?")
            ),
            row(
                "$.get",
                Sink::Xhr,
                &format!("https://api.example.org/items/{DYNAMIC}")
            ),
            row("mw.loader.load", Sink::Module, "ext.gadget.Counter-core"),
            row(
                "navigator.sendBeacon",
                Sink::Beacon,
                "https://beacon.example.org/ping"
            ),
        ]
    );
    assert_eq!(found[0].resolution, Resolution::Dynamic);
    assert_eq!(
        found[0].dynamic_expr.as_deref(),
        Some("mw.config.get( 'wgPageName' )")
    );
    // `var a = 1 +;` must not fold to "1".
    assert_eq!(found[1].dynamic_expr.as_deref(), Some("a"));
    assert!(found.iter().all(|l| l.consent == Consent::Ungated));
}

#[test]
fn every_api_in_a_broken_file() {
    let text = fixture("all_apis.js");
    let found = loads(&text);
    let expected = [
        row(
            "mw.loader.load",
            Sink::Script,
            "https://a.example.org/load.js",
        ),
        row(
            "mw.loader.load",
            Sink::Style,
            "https://a.example.org/load.css",
        ),
        row("mw.loader.load", Sink::Module, "ext.gadget.A,ext.gadget.B"),
        row(
            "mw.loader.getScript",
            Sink::Script,
            "https://b.example.org/get.js",
        ),
        row("mw.loader.using", Sink::Module, "mediawiki.api"),
        row("importScript", Sink::Script, "MediaWiki:Gadget-B.js"),
        row("importStylesheet", Sink::Style, "MediaWiki:Gadget-B.css"),
        row(
            "importScriptURI",
            Sink::Script,
            "https://c.example.org/uri.js",
        ),
        row(
            "importStylesheetURI",
            Sink::Style,
            "https://c.example.org/uri.css",
        ),
        row("$.getScript", Sink::Script, "https://d.example.org/jq.js"),
        row(
            "$.getScript",
            Sink::Script,
            "https://d.example.org/jquery.js",
        ),
        row("$.ajax", Sink::Xhr, "https://e.example.org/plain"),
        row("$.ajax", Sink::Script, "https://e.example.org/script"),
        row("$.ajax", Sink::Jsonp, "https://e.example.org/jsonp"),
        row("$.get", Sink::Xhr, "https://e.example.org/get"),
        row(
            "$.getJSON",
            Sink::Jsonp,
            "https://e.example.org/json?callback=?",
        ),
        row("$.post", Sink::Xhr, "https://e.example.org/post"),
        row("fetch", Sink::Fetch, "https://f.example.org/fetch"),
        row(
            "XMLHttpRequest.open",
            Sink::Xhr,
            "https://g.example.org/xhr",
        ),
        row("WebSocket", Sink::Websocket, "wss://h.example.org/ws"),
        row(
            "EventSource",
            Sink::Eventsource,
            "https://h.example.org/events",
        ),
        row("Worker", Sink::Worker, "https://h.example.org/worker.js"),
        row(
            "SharedWorker",
            Sink::Worker,
            "https://h.example.org/shared.js",
        ),
        row(
            "mw.ForeignApi",
            Sink::Fetch,
            "https://i.example.org/w/api.php",
        ),
        row(
            "mw.ForeignRest",
            Sink::Fetch,
            "https://i.example.org/w/rest.php",
        ),
        row(
            "navigator.sendBeacon",
            Sink::Beacon,
            "https://j.example.org/beacon",
        ),
        row("import()", Sink::Script, "https://k.example.org/module.mjs"),
        row(
            "script.src",
            Sink::Script,
            "https://l.example.org/element.js",
        ),
        row("img.src", Sink::Image, "https://l.example.org/pixel.gif"),
        row(
            "iframe.src",
            Sink::Iframe,
            "https://l.example.org/frame.html",
        ),
        row(
            "script.src",
            Sink::Script,
            "https://m.example.org/jq-element.js",
        ),
        row(
            "script.src",
            Sink::Script,
            "https://m.example.org/jq-attr.js",
        ),
        row(
            "mw.loader.load",
            Sink::Script,
            "${wgServer}${wgScript}?title=MediaWiki:Gadget-C.js&action=raw&ctype=text/javascript",
        ),
    ];
    assert_eq!(summary(&found), expected);
    let last = found.last().unwrap();
    assert_eq!(last.page.as_deref(), Some("MediaWiki:Gadget-C.js"));
    assert!(last.same_wiki);
    assert_eq!(last.resolution, Resolution::Constant);
}

#[test]
fn offsets_cover_the_call() {
    let text = "function f( {\nfetch('https://a.example/x');\n";
    let load = only(text);
    assert_eq!(
        &text[load.start as usize..load.end as usize],
        "fetch('https://a.example/x')"
    );
}

#[test]
fn comments_and_strings_are_not_loads() {
    let text = "// mw.loader.load('https://a.example/x.js');\n/* fetch('https://b.example') */\nvar s = \"$.getScript('https://c.example')\";\nfunction ( {";
    assert!(loads(text).is_empty());
}

#[test]
fn folding_is_conservative_without_scopes() {
    let folded = |decls: &str| {
        let text = format!("{decls}\nmw.loader.load(BASE + 'x.js');\nfunction ( {{");
        only(&text)
    };
    let constant = folded("var BASE = 'https://a.example/';");
    assert_eq!(constant.url.as_deref(), Some("https://a.example/x.js"));
    assert_eq!(constant.resolution, Resolution::Constant);
    for shadowed in [
        "var BASE = 'https://a.example/'; BASE = 'https://b.example/';",
        "var BASE = 'https://a.example/'; function g() { var BASE = 'https://b.example/'; }",
        "var BASE = 'https://a.example/'; function g(BASE) {}",
        "var BASE = 'https://a.example/'; BASE += 'y/';",
        "let BASE;",
        "var BASE = 'https://a.example/'; function g({ x: [BASE] }) {}",
        "var BASE = 'https://a.example/'; [BASE] = other;",
        "var BASE = 'https://a.example/'; try {} catch (BASE) {}",
    ] {
        let load = folded(shadowed);
        assert_eq!(load.resolution, Resolution::Dynamic, "{shadowed}");
        assert_eq!(load.url, Some(format!("{DYNAMIC}x.js")), "{shadowed}");
        assert_eq!(load.dynamic_expr.as_deref(), Some("BASE"));
    }
}

#[test]
fn templates_and_wiki_values_fold() {
    let load = only("fetch(`${mw.config.get('wgScriptPath')}/api.php?x=${q}`); function ( {");
    assert_eq!(load.url.as_deref(), Some("${wgScriptPath}/api.php?x=${…}"));
    assert!(load.same_wiki);
    let literal = only("fetch(`https://a.example/`); (");
    assert_eq!(literal.resolution, Resolution::Literal);
    let unknown = only("mw.loader.getScript(pick(a, b, c)); (");
    assert_eq!(unknown.url, None);
    assert_eq!(unknown.dynamic_expr.as_deref(), Some("pick(a, b, c)"));
    let long = only(&format!("fetch(f({})); (", "aaaa, ".repeat(40)));
    assert!(long.dynamic_expr.unwrap().chars().count() <= 80);
}

#[test]
fn loader_load_tells_urls_from_modules() {
    assert_eq!(only("mw.loader.load('/w/x.js'); (").sink, Sink::Script);
    assert_eq!(
        only("mw.loader.load('ext.gadget.X'); (").modules,
        ["ext.gadget.X"]
    );
    let dynamic = only("mw.loader.load(src); (");
    assert_eq!(
        (dynamic.sink, dynamic.resolution),
        (Sink::Script, Resolution::Dynamic)
    );
}

#[test]
fn window_open_is_not_xhr() {
    assert!(loads("window.open('GET', 'https://a.example/'); foo.open(url); (").is_empty());
    assert_eq!(
        only("req.open('POST', 'https://a.example/'); (").api,
        "XMLHttpRequest.open"
    );
}

fn consent(text: &str) -> (Consent, Option<ConsentKind>, Option<String>) {
    let load = only(text);
    (load.consent, load.consent_kind, load.consent_reason)
}

#[test]
fn consent_heuristics() {
    let action = |reason: &str| {
        (
            Consent::Gated,
            Some(ConsentKind::Action),
            Some(reason.to_owned()),
        )
    };
    assert_eq!(
        consent("$('#x').click(function () { fetch('https://a.example'); }); ("),
        action("click handler")
    );
    assert_eq!(
        consent("btn.addEventListener('click', () => { fetch('https://a.example'); }); ("),
        action("click handler")
    );
    assert_eq!(
        consent(
            "$(document).on('submit.gadget', 'form', async function (e) { fetch('https://a.example'); }); ("
        ),
        action("submit handler")
    );
    assert_eq!(
        consent("if (window.confirm('Go?')) mw.loader.load('https://a.example/x.js'); ("),
        (
            Consent::Gated,
            Some(ConsentKind::Confirm),
            Some("confirm()".to_owned())
        )
    );
    assert_eq!(
        consent("OO.ui.confirm('Go?').then(function (ok) { fetch('https://a.example'); }); ("),
        (
            Consent::Gated,
            Some(ConsentKind::Confirm),
            Some("OO.ui.confirm()".to_owned())
        )
    );
    assert_eq!(
        consent("if (mw.user.options.get('gadget-x-ok')) { fetch('https://a.example'); } ("),
        (
            Consent::Gated,
            Some(ConsentKind::Preference),
            Some("mw.user.options.get()".to_owned())
        )
    );
    let ungated = (Consent::Ungated, None, None);
    assert_eq!(
        consent(
            "$(function () { mw.hook('x').add(function () { fetch('https://a.example'); }); }); ("
        ),
        ungated
    );
    assert_eq!(
        consent("!function () { fetch('https://a.example'); }(); ("),
        ungated
    );
    assert_eq!(
        consent("$(window).on('load', function () { fetch('https://a.example'); }); ("),
        ungated
    );
    let unknown = consent("var go = function () { fetch('https://a.example'); }; (");
    assert_eq!(unknown.0, Consent::Unknown);
    assert_eq!(
        consent("var o = { go() { fetch('https://a.example'); } }; (").0,
        Consent::Unknown
    );
}

#[test]
fn configured_consent_functions_gate() {
    let options = Options {
        consent_functions: vec!["myGadget.hasConsent".to_owned()],
    };
    let found = detect(
        "if (myGadget.hasConsent()) { fetch('https://a.example'); } (",
        &options,
    );
    assert_eq!(found[0].consent_kind, Some(ConsentKind::Preference));
    assert_eq!(
        found[0].consent_reason.as_deref(),
        Some("myGadget.hasConsent()")
    );
}

#[test]
fn hostile_inputs_do_not_panic() {
    let deep = format!("{}fetch('x'){}", "(".repeat(50_000), ")".repeat(10));
    let braces = format!("{}fetch('x')", "function () {".repeat(5_000));
    let chain = format!("fetch({}'x');", "'a' + ".repeat(20_000));
    let mut blowup = "var a0 = 'xx';\n".to_owned();
    for i in 1..40 {
        writeln!(blowup, "var a{i} = a{0} + a{0};", i - 1).unwrap();
    }
    blowup += "fetch(a39); (";
    for text in [
        "",
        "(",
        "`${",
        "'\\",
        "mw.loader.load(",
        "new",
        "x.src =",
        "$.ajax({url:",
        "\u{feff}import(",
        "}}}}))))]]]",
        &deep,
        &braces,
        &chain,
        &blowup,
    ] {
        let _ = loads(text);
    }
    // The budget stops exponential folding: the value stays small.
    let folded = only(&blowup);
    assert!(folded.url.as_ref().map_or(0, String::len) < 100_000);
}

#[test]
fn markup_strings_are_scanned_by_the_html_front_end() {
    let text = "$('body').append('<script src=\"https://a.example/x.js\"></script>');\n\
                document.write('<img src=\"https://b.example/p.gif\">');\n\
                el.innerHTML = '<script src=\"https://c.example/never-runs.js\"></script>';\n\
                function ( {";
    let found = loads(text);
    let hosts: Vec<_> = found
        .iter()
        .map(|l| (l.api.as_str(), l.host.as_deref()))
        .collect();
    assert_eq!(
        hosts,
        [
            (".append() <script src>", Some("a.example")),
            ("document.write <img src>", Some("b.example")),
        ]
    );
    assert_eq!(found[0].sink, Sink::Script);
    assert_eq!(found[1].sink, Sink::Image);
}
