//! Property tests: the JavaScript front end never panics, whatever the input,
//! and what it reports always points inside the text.

use offsite_detect::{Options, js};
use proptest::prelude::*;

/// Fragments of gadget code, so that generated inputs reach the sink scan,
/// the folder and the resolver rather than dying in the lexer.
const PIECES: &[&str] = &[
    "mw.loader.load(",
    "$.getScript(",
    "$.ajax({url:",
    "fetch(",
    "importScript(",
    "new XMLHttpRequest()",
    "x.open('GET',",
    "document.createElement('script')",
    "s.src=",
    ".attr('src',",
    "$('<img>')",
    "innerHTML=",
    "'<img src=\"//a.example/x.png\">'",
    "'https://cdn.example.org/a.js'",
    "var a=",
    "let b=",
    "const C=",
    "function f(u){",
    "return ",
    "}",
    ")",
    "(",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    "+",
    "`${",
    "`",
    "a",
    "b",
    "C",
    "u",
    "f(",
    "(function($,mw){",
    "})(jQuery,mediaWiki);",
    "mw.config.get('wgServer')",
    "location.protocol",
    "encodeURIComponent(",
    "'text/css'",
    "import(",
    "new Worker(",
    "'url(x.png)'",
    ".css('background',",
    "Object.assign(s,{src:",
    "a=a+",
    "a+='x'",
    "with(a){",
    "new Image().src=",
    "mw.util.getUrl('X',{action:'raw'})",
    ".join('/')",
    "['a','b']",
    "[0]",
    "=>",
    "this.",
    "`a${b}c`",
];

fn gadget_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn detect_never_panics_on_arbitrary_text(text in any::<String>()) {
        let d = js::detect(&text, false, &Options::default());
        for load in d.loads {
            prop_assert!(load.start <= load.end && load.end as usize <= text.len());
        }
    }

    #[test]
    fn detect_never_panics_on_gadget_like_text(text in gadget_like(), typescript in any::<bool>()) {
        let d = js::detect(&text, typescript, &Options::default());
        for load in d.loads {
            prop_assert!(load.start <= load.end && load.end as usize <= text.len());
        }
        for error in d.errors {
            prop_assert!(error.start as usize <= text.len());
        }
    }
}
