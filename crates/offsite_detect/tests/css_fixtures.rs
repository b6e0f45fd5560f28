//! Snapshot of every CSS fixture under `tests/fixtures/css`, rendered one load
//! per line as `line:col api sink url host resolution «source text»`.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]

use std::fmt::Write as _;
use std::path::Path;

use offsite_detect::{Detection, css};
use offsite_model::LineIndex;

fn render(text: &str, detection: &Detection) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for load in &detection.loads {
        let at = index.position(text, load.start);
        let span = text
            .get(load.start as usize..load.end as usize)
            .unwrap_or("<bad span>");
        let _ = writeln!(
            out,
            "{}:{} {} {} {} host={} {:?} «{}»",
            at.line,
            at.column,
            load.api,
            load.sink,
            load.url.as_deref().unwrap_or("-"),
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

fn fixtures(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn css_fixture_snapshots() {
    let files = fixtures("css");
    assert!(files.len() >= 5, "fixtures missing");
    for (name, text) in files {
        let detection = css::detect(&text);
        insta::with_settings!({
            snapshot_path => "fixtures/css/snapshots",
            prepend_module_to_snapshot => false,
            description => format!("css::detect on tests/fixtures/css/{name}"),
        }, {
            insta::assert_snapshot!(name.clone(), render(&text, &detection));
        });
    }
}

#[test]
fn negatives_fixture_has_no_loads() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/css/negatives.css"),
    )
    .unwrap();
    assert_eq!(css::detect(&text).loads, vec![]);
}

#[test]
fn every_fixture_load_spans_a_url_token() {
    for (name, text) in fixtures("css") {
        for load in css::detect(&text).loads {
            let span = &text[load.start as usize..load.end as usize];
            let token_like = span.to_ascii_lowercase().starts_with("url(")
                || span.starts_with(['"', '\''])
                || span.to_ascii_lowercase().starts_with("src(");
            assert!(
                token_like,
                "{name}: load span {span:?} is not a url or string token"
            );
        }
    }
}
