//! Attribution against a real scan: `offsite scan -f json` over the testbed
//! pages (`tests/fixtures/testbed-seed-scan.json`), with gadget membership
//! read from the testbed's own `MediaWiki:Gadgets-definition` (copied next to
//! the scan, so both describe the same pages). The reports
//! are in Chromium 156's `report-uri` shape for what those pages load.

use std::path::Path;

use offsite_collect::{
    AttributionIndex, BodyKind, FilterConfig, GadgetPages, NoiseFilter, NormalizedReport,
    ParseContext, attribute, parse_body,
};
use offsite_model::ReportedLoad;
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn index() -> AttributionIndex {
    #[derive(serde::Deserialize)]
    struct Scan {
        loads: Vec<ReportedLoad>,
    }
    let text = std::fs::read(root().join("tests/fixtures/testbed-seed-scan.json")).expect("scan");
    let scan: Scan = serde_json::from_slice(&text).expect("scan JSON");
    // `* Name[options]|Page.js|Page.css` → the scan's paths for those pages.
    let defs =
        std::fs::read_to_string(root().join("tests/fixtures/testbed-gadgets-definition.txt"))
            .expect("testbed gadget definitions");
    let mut gadgets = GadgetPages::new();
    for line in defs.lines().filter_map(|l| l.strip_prefix('*')) {
        let mut fields = line.split('|');
        let name = fields
            .next()
            .unwrap_or("")
            .split('[')
            .next()
            .unwrap_or("")
            .trim();
        for page in fields {
            gadgets.insert(&format!("seed/MediaWiki:Gadget-{}", page.trim()), name);
        }
    }
    assert!(!gadgets.is_empty());
    AttributionIndex::from_loads(&scan.loads, &gadgets)
}

/// A Chromium 156 `report-uri` body around `fields`.
fn chromium(fields: Value) -> NormalizedReport {
    let mut body = json!({
        "document-uri": "http://127.0.0.1:8091/index.php/Main_Page", "referrer": "",
        "original-policy": "script-src 'self'; default-src 'self'; report-uri http://127.0.0.1:8092/report",
        "disposition": "report", "status-code": 200, "script-sample": "",
    });
    if let (Value::Object(b), Value::Object(f)) = (&mut body, fields) {
        b.extend(f);
    }
    let bytes = serde_json::to_vec(&json!({"csp-report": body})).expect("json");
    let mut out =
        parse_body(BodyKind::CspReport, &bytes, &ParseContext::default()).expect("parses");
    out.reports.remove(0)
}

fn top(
    index: &AttributionIndex,
    r: &NormalizedReport,
) -> Option<(String, Option<String>, String, f64)> {
    index
        .attribute(r)
        .into_iter()
        .next()
        .map(|a| (a.page, a.gadget, a.method.to_string(), a.confidence))
}

fn script(blocked: &str, line: u32) -> NormalizedReport {
    chromium(json!({
        "blocked-uri": blocked, "violated-directive": "script-src-elem", "effective-directive": "script-src-elem",
        "source-file": "http://127.0.0.1:8091/load.php", "line-number": line, "column-number": 655,
    }))
}

#[test]
fn gadget_script_is_attributed_to_its_gadget() {
    let index = index();
    assert_eq!(
        top(
            &index,
            &script(
                "https://cdn.jsdelivr.example/npm/hottools@2.1.0/dist/hottools.min.js",
                9
            )
        ),
        Some((
            "seed/MediaWiki:Gadget-HotTools.js".into(),
            Some("HotTools".into()),
            "exact-url".into(),
            1.0
        ))
    );
    // The gadget's stylesheet, reported as style-src-elem.
    let css = chromium(json!({
        "blocked-uri": "https://cdn.jsdelivr.example/npm/hottools@2.1.0/dist/hottools.min.css",
        "violated-directive": "style-src-elem", "effective-directive": "style-src-elem",
        "source-file": "http://127.0.0.1:8091/load.php", "line-number": 4,
    }));
    assert_eq!(
        top(&index, &css),
        Some((
            "seed/MediaWiki:Gadget-HotTools.js".into(),
            Some("HotTools".into()),
            "exact-url".into(),
            1.0
        ))
    );
}

#[test]
fn site_scripts_styles_and_jsonp_are_attributed() {
    let index = index();
    // Common.js loads `//widgets.example.com/feedback.js`; on an http page it is http.
    assert_eq!(
        top(&index, &script("http://widgets.example.com/feedback.js", 9)),
        Some((
            "seed/MediaWiki:Common.js".into(),
            None,
            "exact-url".into(),
            1.0
        ))
    );
    // Common.css `@import`: no source file, no line.
    let import = chromium(json!({
        "blocked-uri": "https://fonts.example.com/css?family=Site+Serif",
        "violated-directive": "style-src-elem", "effective-directive": "style-src-elem",
    }));
    assert_eq!(
        top(&index, &import),
        Some((
            "seed/MediaWiki:Common.css".into(),
            None,
            "exact-url".into(),
            1.0
        ))
    );
    // jQuery JSONP with its callback and cache-buster.
    assert_eq!(
        top(
            &index,
            &script(
                "https://translate.example.com/api/v2/languages?callback=jQuery3610_1795573420666&_=1795573420667",
                133
            )
        ),
        Some((
            "seed/MediaWiki:Gadget-Translate.js".into(),
            Some("Translate".into()),
            "exact-url".into(),
            1.0
        ))
    );
}

#[test]
fn user_script_requests_and_run_time_urls_are_attributed() {
    let index = index();
    let fetch = chromium(json!({
        "blocked-uri": "https://api.example.com/data", "violated-directive": "connect-src",
        "effective-directive": "connect-src", "source-file": "http://127.0.0.1:8091/index.php",
        "line-number": 5, "column-number": 1, "disposition": "enforce",
    }));
    assert_eq!(
        top(&index, &fetch),
        Some((
            "seed/User:Bob%2Ftool.js".into(),
            None,
            "exact-url".into(),
            1.0
        ))
    );
    let tile = chromium(json!({
        "blocked-uri": "https://maps.toolforge.org/tile/10/512/340.png",
        "violated-directive": "img-src", "effective-directive": "img-src",
    }));
    assert_eq!(
        top(&index, &tile),
        Some((
            "seed/MediaWiki:Gadget-MapWidget.js".into(),
            Some("MapWidget".into()),
            "pattern".into(),
            attribute::PATTERN
        ))
    );
    // eval inside the library Bob's tool loads.
    let eval = chromium(json!({
        "blocked-uri": "eval", "violated-directive": "script-src", "effective-directive": "script-src",
        "source-file": "https://third.example.net/lib.js", "line-number": 1,
    }));
    assert_eq!(
        top(&index, &eval),
        Some((
            "seed/User:Bob%2Ftool.js".into(),
            None,
            "source-file".into(),
            attribute::SOURCE_FILE
        ))
    );
    assert_eq!(
        top(&index, &script("https://unknown.example/x.js", 9)),
        None
    );
}

#[test]
fn scanned_hosts_override_the_noise_lists() {
    let index = index();
    let hosts = index.hosts();
    assert!(
        hosts.contains(&"tools-static.wmflabs.org".to_owned()),
        "{hosts:?}"
    );
    let logo = chromium(json!({
        "blocked-uri": "https://tools-static.wmflabs.org/fontcdn/logo-mark.svg",
        "violated-directive": "img-src", "effective-directive": "img-src",
    }));
    let wmf = FilterConfig {
        wikimedia_production: true,
        ..FilterConfig::default()
    };
    assert!(
        NoiseFilter::new(&wmf).check(&logo).is_some(),
        "Wikimedia filters tool hosts"
    );
    assert_eq!(
        NoiseFilter::new(&wmf).with_known_hosts(&hosts).check(&logo),
        None
    );
    assert_eq!(
        top(&index, &logo),
        Some((
            "seed/MediaWiki:Vector.css".into(),
            None,
            "exact-url".into(),
            1.0
        ))
    );
}
