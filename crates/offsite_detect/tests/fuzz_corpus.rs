//! Replays the fuzz corpus (`fuzz/corpus/{js,css,html}`: hand-written seeds
//! and minimised crashers) through `detect` on stable, and throws random
//! gadget-shaped text at every front end. Only invariants are checked, so
//! the test holds whatever the front ends learn to find: nothing panics,
//! every load lies inside the text, loads come sorted.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]

use std::path::PathBuf;

use offsite_detect::js::fallback;
use offsite_detect::{Options, detect};
use offsite_model::{Language, Load};
use proptest::prelude::*;

fn check(text: &str, loads: &[Load], what: &str) {
    for load in loads {
        assert!(load.start <= load.end, "{what}: start after end: {load:?}");
        assert!(
            load.end as usize <= text.len(),
            "{what}: end past the text: {load:?}"
        );
    }
    assert!(
        loads.windows(2).all(|w| w[0].start <= w[1].start),
        "{what}: loads not sorted"
    );
}

fn run(text: &str, language: Language, what: &str) {
    let detection = detect(text, language, &Options::default());
    check(text, &detection.loads, what);
    if language == Language::JavaScript {
        // The fallback only runs when oxc gives up; exercise it on everything.
        check(text, &fallback::detect(text, &Options::default()), what);
    }
}

#[test]
fn corpus_replays_without_panics() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    for (dir, language) in [
        ("js", Language::JavaScript),
        ("css", Language::Css),
        ("html", Language::Html),
    ] {
        let entries = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{}: {e}", root.join(dir).display()));
        let mut replayed = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            // libFuzzer feeds bytes; the targets read them as lossy UTF-8.
            let text = String::from_utf8_lossy(&bytes);
            run(&text, language, &path.display().to_string());
            replayed += 1;
        }
        assert!(replayed >= 10, "only {replayed} files in fuzz/corpus/{dir}");
    }
}

const JS_TOKENS: &[&str] = &[
    "mw.loader.load(",
    "mw.loader.using([",
    "mw.loader.getScript(",
    "importScript(",
    "importStylesheet(",
    "importScriptURI(",
    "$.getScript(",
    "jQuery.ajax({url:",
    "dataType:",
    "'jsonp'",
    "$.getJSON(",
    "fetch(",
    "new WebSocket(",
    "new Worker(",
    "new mw.ForeignApi(",
    "navigator.sendBeacon(",
    "import(",
    "xhr.open('GET',",
    "var xhr = new XMLHttpRequest();",
    "var s = document.createElement('script');",
    "s.src =",
    "new Image().src =",
    "$('<script>', {src:",
    "'https://a.example/x.js'",
    "\"//b.example/y.css\"",
    "'text/css'",
    "'ext.gadget.X'",
    "mw.config.get('wgServer')",
    "mw.config.get('wgScript')",
    "'?title=User:X/y.js&action=raw'",
    "var BASE =",
    "BASE",
    "+",
    "`https://c.example/${",
    "}`",
    "${",
    "`",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ",",
    "'",
    "\"",
    "//",
    "/*",
    "*/",
    "\\",
    "function",
    "function (",
    "() =>",
    "=>",
    "var a =",
    "a",
    "if (confirm('x'))",
    ".on('click', function () {",
    ".click(function(){",
    "addEventListener('submit',",
    "OO.ui.confirm('x').then(function(){",
    "(function(){",
    "})();",
    "}(jQuery));",
    "return",
    "\n",
    " ",
    "/re[g]ex/g",
    "<script src=\"https://d.example/z.js\"></script>",
    "é",
    "😀",
    "\u{2028}",
    "\0",
];

const CSS_TOKENS: &[&str] = &[
    "@import",
    "url(",
    ")",
    "'https://a.example/x.css'",
    "\"//b.example/f.woff2\"",
    "https://c.example/bg.png",
    "@font-face",
    "{",
    "}",
    "src:",
    "format('woff2')",
    ",",
    ";",
    "background:",
    "image-set(",
    "1x",
    "/*",
    "*/",
    "'",
    "\"",
    "\\",
    "\\2f",
    "@media screen",
    "(",
    ":",
    ".mw-body",
    "#x",
    "!important",
    "data:image/png;base64,AA==",
    "\n",
    " ",
    "é",
    "@charset \"utf-8\";",
    "@namespace",
    "--var:",
    "var(--var)",
    "<!--",
    "-->",
    "\0",
];

const HTML_TOKENS: &[&str] = &[
    "<script",
    "</script>",
    "<style>",
    "</style>",
    "<link",
    "rel=stylesheet",
    "rel=\"preload\"",
    "href=",
    "src=",
    "srcset=",
    "\"https://a.example/x.js\"",
    "'//b.example/y.png 2x'",
    "https://c.example/z",
    ">",
    "/>",
    "<",
    "<img",
    "<iframe",
    "<video",
    "poster=",
    "<source",
    "<form",
    "action=",
    "style=\"background:url(",
    ")\"",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#x2F;",
    "&",
    "\"",
    "'",
    "=",
    " ",
    "\n",
    "<textarea>",
    "</textarea>",
    "<svg>",
    "<noscript>",
    "mw.loader.load('https://d.example/w.js')",
    "{{Template|",
    "}}",
    "é",
    "\0",
];

fn gadget_text(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(tokens), 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_javascript(text in gadget_text(JS_TOKENS)) {
        run(&text, Language::JavaScript, &text);
        run(&text, Language::TypeScript, &text);
    }

    #[test]
    fn random_css(text in gadget_text(CSS_TOKENS)) {
        run(&text, Language::Css, &text);
    }

    #[test]
    fn random_html(text in gadget_text(HTML_TOKENS)) {
        run(&text, Language::Html, &text);
        run(&text, Language::Wikitext, &text);
    }

    #[test]
    fn arbitrary_unicode_anywhere(text in "\\PC{0,200}") {
        for language in [Language::JavaScript, Language::Css, Language::Html] {
            run(&text, language, &text);
        }
    }
}
