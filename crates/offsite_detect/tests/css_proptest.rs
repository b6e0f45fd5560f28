//! The CSS front end never panics and keeps its offsets inside the text.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]

use offsite_detect::css;
use proptest::prelude::*;

/// CSS-shaped noise: the punctuation and keywords the scanner reacts to.
fn css_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "url(",
        "url(\"",
        ")",
        "(",
        "{",
        "}",
        "[",
        "]",
        ";",
        ":",
        ",",
        "\"",
        "'",
        "/*",
        "*/",
        "//",
        "\n",
        " ",
        "@import ",
        "@font-face",
        "src",
        "image-set(",
        "~\"",
        "@{x}",
        "${…}",
        "\\",
        "http://a.example/x.png",
        "data:x",
        "#f",
        "é",
        "\u{0}",
        "<!--",
        "-->",
        "!important",
    ]);
    prop::collection::vec(pieces, 0..64).prop_map(|v| v.concat())
}

fn check(text: &str, base: u32) {
    let detection = css::detect(text);
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
    for error in &detection.errors {
        assert!(error.start <= len);
    }
    let shifted = css::detect_fragment(text, base);
    assert_eq!(shifted.len(), detection.loads.len());
    for (s, l) in shifted.iter().zip(&detection.loads) {
        assert_eq!((s.start, s.end), (l.start + base, l.end + base));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn css_like_input(text in css_like(), base in 0u32..1_000_000) {
        check(&text, base);
    }

    #[test]
    fn arbitrary_input(text in any::<String>(), base in 0u32..1_000_000) {
        check(&text, base);
    }
}
