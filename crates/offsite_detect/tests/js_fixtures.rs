//! Snapshot of the loads the JavaScript front end finds in each fixture under
//! `tests/fixtures/js/`, rendered one line per load:
//! `line:col api sink url host resolution page …`.

use std::fmt::Write as _;

use offsite_detect::{Detection, Options, js};
use offsite_model::LineIndex;

fn render(text: &str, detection: &Detection) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for load in &detection.loads {
        let at = index.position(text, load.start);
        let mut line = format!(
            "{}:{} {} {} url={} host={} {:?}",
            at.line,
            at.column,
            load.api,
            load.sink,
            load.url.as_deref().unwrap_or("-"),
            load.host.as_deref().unwrap_or("-"),
            load.resolution,
        );
        if load.same_wiki {
            line.push_str(" same-wiki");
        }
        if let Some(page) = &load.page {
            let _ = write!(line, " page={page}");
        }
        if !load.modules.is_empty() {
            let _ = write!(line, " modules={}", load.modules.join(","));
        }
        if let Some(expr) = &load.dynamic_expr {
            let _ = write!(line, " dynamic=`{expr}`");
        }
        out.push_str(&line);
        out.push('\n');
    }
    for error in &detection.errors {
        let at = index.position(text, error.start);
        let _ = writeln!(out, "error {}:{} {}", at.line, at.column, error.message);
    }
    out
}

fn snapshot(name: &str) {
    let path = format!("{}/tests/fixtures/js/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    let mut detection = js::detect(
        &text,
        std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("ts")),
        &Options::default(),
    );
    detection.loads.sort_by_key(|l| (l.start, l.end));
    insta::assert_snapshot!(name, render(&text, &detection));
}

macro_rules! fixtures {
    ($($test:ident => $file:literal,)*) => {
        $(#[test] fn $test() { snapshot($file); })*
    };
}

fixtures! {
    loader => "loader.js",
    jquery_ajax => "jquery_ajax.js",
    network => "network.js",
    elements => "elements.js",
    markup => "markup.js",
    resolution => "resolution.js",
    aliases => "aliases.js",
    negatives => "negatives.js",
    sloppy => "sloppy.js",
    module => "module.mjs.js",
    recoverable => "recoverable.js",
    broken => "broken.js",
    typed => "typed.ts",
    fandom_loaders => "fandom_loaders.js",
    library_model => "library_model.js",
    social_sdk => "social_sdk.js",
    this_window => "this_window.js",
    assigned_paths => "assigned_paths.js",
    candidates => "candidates.js",
    method_helpers => "method_helpers.js",
    object_this => "object_this.js",
    legacy_and_url => "legacy_and_url.js",
    markup_doors => "markup_doors.js",
}
