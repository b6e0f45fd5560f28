//! The HTML front end never panics and keeps its offsets inside the text.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]

use offsite_detect::{Options, html};
use proptest::prelude::*;

/// Markup-shaped noise: tags, attributes, quotes and the bodies the scanner
/// hands to the CSS and JavaScript front ends.
fn html_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<img src=",
        "<script",
        "</script>",
        "<style>",
        "</style>",
        "<link rel=stylesheet href=",
        "<iframe srcdoc=\"",
        "<source srcset=\"",
        "<nowiki>",
        "</nowiki>",
        "<picture>",
        "</picture>",
        " style=\"background:url(",
        ")\"",
        ">",
        "<",
        "/>",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "&amp;",
        "&quot;",
        "&#x",
        "<!--",
        "-->",
        "https://a.example/x.png",
        "a.png 2x,",
        "${…}",
        "é",
        "\u{0}",
        "url(",
        "mw.loader.load('",
        "')",
        "<textarea>",
        "<plaintext>",
        "<form action=",
        "srcset=",
    ]);
    prop::collection::vec(pieces, 0..64).prop_map(|v| v.concat())
}

fn check(text: &str, base: u32) {
    let options = Options::default();
    let detection = html::detect(text, &options);
    let len = u32::try_from(text.len()).unwrap();
    for pair in detection.loads.windows(2) {
        assert!(pair[0].start <= pair[1].start, "loads not sorted");
    }
    for load in &detection.loads {
        assert!(
            load.start <= load.end && load.end <= len,
            "{load:?} out of range in {text:?}"
        );
        assert!(
            text.is_char_boundary(load.start as usize) && text.is_char_boundary(load.end as usize)
        );
    }
    let shifted = html::detect_fragment(text, base, &options);
    assert_eq!(shifted.len(), detection.loads.len());
    for (s, l) in shifted.iter().zip(&detection.loads) {
        assert_eq!((s.start, s.end), (l.start + base, l.end + base));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn html_like_input(text in html_like(), base in 0u32..1_000_000) {
        check(&text, base);
    }

    #[test]
    fn arbitrary_input(text in any::<String>(), base in 0u32..1_000_000) {
        check(&text, base);
    }
}
