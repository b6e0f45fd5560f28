//! Hostile text through `detect` on the test's own thread (a default 2 MiB
//! stack): deep nesting, long chains, many loads, noise and minified code
//! all complete, say what they could not read, and keep the loads they can.
//! Inputs are generated here, never committed.
#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]

use offsite_detect::{Detection, Options, detect};
use offsite_model::{Consent, Language};

const BEFORE: &str = "mw.loader.load('https://before.example/a.js');\n";
const AFTER: &str = "\nimportScriptURI('https://after.example/b.js');\n";

fn js(text: &str) -> Detection {
    detect(text, Language::JavaScript, &Options::default())
}

fn urls(detection: &Detection) -> Vec<&str> {
    detection
        .loads
        .iter()
        .filter_map(|l| l.url.as_deref())
        .collect()
}

fn limit_notes(detection: &Detection) -> Vec<&str> {
    detection
        .errors
        .iter()
        .map(|e| e.message.as_str())
        .filter(|m| m.starts_with("analysis limit:"))
        .collect()
}

/// The deep part between two loads that must still be found.
fn around(deep: &str) -> String {
    format!("{BEFORE}{deep}{AFTER}")
}

fn assert_read_shallowly(name: &str, text: &str) {
    let detection = js(text);
    let notes = limit_notes(&detection);
    assert!(
        notes.iter().any(|n| n.contains("nested too deeply")),
        "{name}: {notes:?}"
    );
    assert_eq!(
        urls(&detection),
        ["https://before.example/a.js", "https://after.example/b.js"],
        "{name}"
    );
}

#[test]
fn nesting_5000_deep_completes_with_a_note_and_the_loads_around_it() {
    let n = 5_000;
    let cases = [
        (
            "objects",
            format!("var o = {}1{};", "{a:".repeat(n), "}".repeat(n)),
        ),
        (
            "arrays",
            format!("var a = {}1{};", "[".repeat(n), "]".repeat(n)),
        ),
        (
            "parens",
            format!("var p = {}1{};", "(".repeat(n), ")".repeat(n)),
        ),
        (
            "functions",
            format!("{}f();{}", "function g(){".repeat(n), "}".repeat(n)),
        ),
        (
            "templates",
            format!("var t = {}x{};", "`${".repeat(n), "}`".repeat(n)),
        ),
    ];
    for (name, deep) in cases {
        assert_read_shallowly(name, &around(&deep));
    }
}

#[test]
fn else_if_chain_of_10000_completes() {
    let deep = format!(
        "if (a) {{ f(); }}{}",
        " else if (b) { g(); }\n".repeat(10_000)
    );
    assert_read_shallowly("else if", &around(&deep));
}

#[test]
fn concatenation_of_50000_terms_completes() {
    let deep = format!("var s = 'a'{};", " + 'b'".repeat(50_000));
    assert_read_shallowly("concatenation", &around(&deep));
}

#[test]
fn long_unary_member_and_call_chains_complete() {
    let n = 20_000;
    for (name, deep) in [
        ("not", format!("x = {}y;", "!".repeat(n))),
        ("members", format!("x = y{};", ".z".repeat(n))),
        ("calls", format!("x = y{};", "()".repeat(n))),
        ("braceless if", format!("{} f();", "if (a) ".repeat(n))),
    ] {
        assert_read_shallowly(name, &around(&deep));
    }
}

/// Between the caller's stack and the limit, the full analysis runs on a
/// thread of its own: consent is still analysed and nothing is noted.
#[test]
fn moderately_deep_code_gets_the_full_analysis() {
    let n = 1_500;
    let text = format!(
        "$('#b').on('click', function () {{ var x = {}1{}; mw.loader.load('https://gated.example/c.js'); }});",
        "[".repeat(n),
        "]".repeat(n)
    );
    let detection = js(&text);
    assert!(limit_notes(&detection).is_empty(), "{:?}", detection.errors);
    assert_eq!(detection.loads.len(), 1);
    assert_eq!(detection.loads[0].consent, Consent::Gated);
}

#[test]
fn two_hundred_thousand_loads_in_one_list_are_all_found() {
    let n = 200_000;
    let text = "mw.loader.load('https://many.example/x.js');\n".repeat(n);
    let detection = js(&text);
    assert!(limit_notes(&detection).is_empty(), "{:?}", detection.errors);
    assert_eq!(detection.loads.len(), n);
}

/// An early-exit guard before many loads gates every one of them (the
/// guard is found once per statement list, not once per load).
#[test]
fn one_guard_gates_every_later_load() {
    let text = format!(
        "if (!confirm('Load?')) {{ return; }}\n{}",
        "mw.loader.load('https://many.example/x.js');\n".repeat(1_000)
    );
    let detection = js(&text);
    assert_eq!(detection.loads.len(), 1_000);
    assert!(detection.loads.iter().all(|l| l.consent == Consent::Gated));
}

fn noise(len: usize, alphabet: &[u8]) -> String {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(alphabet[usize::try_from(x >> 3).unwrap() % alphabet.len()])
        })
        .collect()
}

#[test]
fn noise_is_recognised_and_skipped() {
    let printable: Vec<u8> = (32..127).chain([b'\n']).collect();
    for (name, text) in [
        ("printable", noise(256 * 1024, &printable)),
        ("brackets", noise(256 * 1024, b"(){}[]ab+;, \n")),
    ] {
        let detection = js(&text);
        let notes = limit_notes(&detection);
        assert!(
            notes
                .iter()
                .any(|n| n.contains("do not look like JavaScript")),
            "{name}: {notes:?}"
        );
    }
}

#[test]
fn code_after_noise_is_still_read() {
    let text = format!(
        "{}\n;\n{}",
        noise(128 * 1024, b"(){}[]ab+;, \n"),
        "mw.loader.load('https://after-noise.example/x.js');\n".repeat(2_000)
    );
    let detection = js(&text);
    assert!(
        urls(&detection).contains(&"https://after-noise.example/x.js"),
        "{:?}",
        detection.errors
    );
}

#[test]
fn big_minified_file_is_read_cheaply_with_a_note() {
    let statement = "mw.loader.load('https://min.example/x.js');var a=b+c;";
    let text = statement.repeat(2 * 1024 * 1024 / statement.len());
    let detection = js(&text);
    let notes = limit_notes(&detection);
    assert!(notes.iter().any(|n| n.contains("minified")), "{notes:?}");
    // Pieces are cut between statements, so no load is lost at a cut.
    assert_eq!(detection.loads.len(), text.len() / statement.len());
}

#[test]
fn deep_markup_and_styles_inside_strings_complete() {
    let n = 5_000;
    let markup = format!(
        "el.innerHTML = '{}<img src=\"https://img.example/i.png\">{}';",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let detection = js(&markup);
    assert_eq!(urls(&detection), ["https://img.example/i.png"]);
    let css = format!(
        "{}a {{ background: url(https://css.example/b.png) }}{}",
        "@media screen { ".repeat(n),
        "}".repeat(n)
    );
    let detection = detect(&css, Language::Css, &Options::default());
    assert_eq!(urls(&detection), ["https://css.example/b.png"]);
    let style = format!(
        "document.body.style.background = '{}url(https://css.example/c.png){}';",
        "image-set(".repeat(n),
        ")".repeat(n)
    );
    let detection = js(&style);
    assert_eq!(urls(&detection), ["https://css.example/c.png"]);
    let html = format!(
        "{}<script>mw.loader.load('https://html.example/d.js');</script>{}",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let detection = detect(&html, Language::Html, &Options::default());
    assert_eq!(urls(&detection), ["https://html.example/d.js"]);
}
