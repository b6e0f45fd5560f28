//! Snapshot of every HTML and wikitext fixture under `tests/fixtures/html`,
//! rendered one load per line as
//! `line:col api sink url host resolution «source text»`.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]

use std::fmt::Write as _;
use std::path::Path;

use offsite_detect::{Detection, Options, html};
use offsite_model::{LineIndex, Sink};

fn render(text: &str, detection: &Detection) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for load in &detection.loads {
        let at = index.position(text, load.start);
        let span = text
            .get(load.start as usize..load.end as usize)
            .unwrap_or("<bad span>");
        let target = load.url.as_deref().or(load.page.as_deref()).unwrap_or("-");
        let _ = writeln!(
            out,
            "{}:{} {} {} {} host={} {:?} «{}»",
            at.line,
            at.column,
            load.api,
            load.sink,
            target,
            load.host.as_deref().unwrap_or("-"),
            load.resolution,
            span.replace('\n', "⏎"),
        );
    }
    for error in &detection.errors {
        let at = index.position(text, error.start);
        let _ = writeln!(out, "error {}:{} {}", at.line, at.column, error.message);
    }
    out
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/html")
            .join(name),
    )
    .unwrap()
}

fn fixture_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/html");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn html_fixture_snapshots() {
    let names = fixture_names();
    assert!(names.len() >= 6, "fixtures missing");
    for name in names {
        let text = fixture(&name);
        let detection = html::detect(&text, &Options::default());
        insta::with_settings!({
            snapshot_path => "fixtures/html/snapshots",
            prepend_module_to_snapshot => false,
            description => format!("html::detect on tests/fixtures/html/{name}"),
        }, {
            insta::assert_snapshot!(name.clone(), render(&text, &detection));
        });
    }
}

#[test]
fn negatives_fixture_has_no_loads() {
    let text = fixture("negatives.html");
    assert_eq!(html::detect(&text, &Options::default()).loads, vec![]);
}

#[test]
fn links_are_never_loads() {
    for name in fixture_names() {
        let text = fixture(&name);
        for load in html::detect(&text, &Options::default()).loads {
            let before = &text[..load.start as usize];
            let tag_start = before.rfind('<').unwrap_or(0);
            assert!(
                !before[tag_start..].starts_with("<a "),
                "{name}: load inside <a>: {load:?}"
            );
        }
    }
}

#[test]
fn fragment_with_dynamic_markers() {
    let text = fixture("dynamic.html");
    let loads = html::detect_fragment(&text, 1000, &Options::default());
    let whole = html::detect(&text, &Options::default()).loads;
    assert_eq!(loads.len(), whole.len());
    for (shifted, plain) in loads.iter().zip(&whole) {
        assert_eq!(shifted.start, plain.start + 1000);
        assert_eq!(shifted.end, plain.end + 1000);
    }
    let thumb = &whole[0];
    assert_eq!(thumb.url.as_deref(), Some("${…}/thumb/${…}.jpg"));
    assert_eq!(thumb.resolution, offsite_model::Resolution::Dynamic);
    assert_eq!(thumb.dynamic_expr, None);
    assert_eq!(thumb.host, None);
    let iframe = whole.iter().find(|l| l.sink == Sink::Iframe).unwrap();
    assert_eq!(iframe.host.as_deref(), Some("maps.example.org"));
    assert_eq!(iframe.resolution, offsite_model::Resolution::Dynamic);
}

#[test]
fn inline_script_loads_are_shifted_into_the_document() {
    let body =
        "mw.loader.load('https://cdn.example.com/x.js');\n$.getScript('//tools.example.org/y.js');";
    let html = format!(
        "<p>é “quoted”</p>\n<script>{body}</script><script type=\"module\">{body}</script>"
    );
    let from_js = offsite_detect::js::detect(body, false, &Options::default()).loads;
    let from_html = html::detect(&html, &Options::default()).loads;
    assert!(
        !from_js.is_empty(),
        "the JS front end found nothing to compare with"
    );
    assert_eq!(from_html.len(), 2 * from_js.len());
    for (i, load) in from_html.iter().enumerate() {
        let original = &from_js[i % from_js.len().max(1)];
        assert_eq!(
            &html[load.start as usize..load.end as usize],
            &body[original.start as usize..original.end as usize]
        );
        assert_eq!(load.url, original.url);
    }
}

#[test]
fn wikitext_external_links_are_text() {
    let text = fixture("wikitext.wiki");
    let loads = html::detect(&text, &Options::default()).loads;
    assert!(
        loads
            .iter()
            .all(|l| l.host.as_deref() != Some("github.example.com"))
    );
    assert!(
        loads
            .iter()
            .all(|l| !l.host.as_deref().unwrap_or("").contains("highlight"))
    );
    assert!(
        loads
            .iter()
            .any(|l| l.host.as_deref() == Some("raw-html.example.org"))
    );
}
