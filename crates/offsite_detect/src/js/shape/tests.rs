use super::{PIECE, measure};

fn depth(text: &str) -> usize {
    measure(text).depth
}

fn nested(open: &str, inner: &str, close: &str, levels: usize) -> String {
    format!("{}{inner}{}", open.repeat(levels), close.repeat(levels))
}

#[test]
fn brackets_count_once_per_level() {
    for (open, close) in [("(", ")"), ("[", "]"), ("{a:", "}"), ("function(){", "}")] {
        let text = nested(open, "1", close, 500);
        let d = depth(&text);
        assert!((500..=1_100).contains(&d), "{open}: {d}");
    }
}

#[test]
fn chains_without_brackets_are_deep() {
    let plus = format!("x = 'a'{};", " + 'b'".repeat(3_000));
    assert!(depth(&plus) >= 3_000);
    let members = format!("x{};", ".y".repeat(3_000));
    assert!(depth(&members) >= 3_000);
    let calls = format!("f{};", "()".repeat(3_000));
    assert!(depth(&calls) >= 3_000);
    let nots = format!("{}x;", "!".repeat(3_000));
    assert!(depth(&nots) >= 3_000);
    let ifs = format!("{} f();", "if (a) ".repeat(3_000));
    assert!(depth(&ifs) >= 3_000);
}

#[test]
fn else_if_chains_are_deep_whatever_the_layout() {
    let braced = format!(
        "if (a) {{ f(); }}{}",
        " else if (b) { g(); }\n".repeat(3_000)
    );
    assert!(depth(&braced) >= 3_000);
    let next_line = format!(
        "if (a) {{ f(); }}{}",
        "\nelse if (b) {\n  g();\n}".repeat(3_000)
    );
    assert!(depth(&next_line) >= 3_000);
    let braceless = format!("if (a) f();{}", "\nelse if (b) g();".repeat(3_000));
    assert!(depth(&braceless) >= 3_000);
}

#[test]
fn a_concatenation_split_over_lines_stays_one_chain() {
    let trailing = format!("x = 'a'{};", " +\n'b'".repeat(3_000));
    assert!(depth(&trailing) >= 3_000);
    let leading = format!("x = 'a'{};", "\n+ 'b'".repeat(3_000));
    assert!(depth(&leading) >= 3_000);
}

#[test]
fn statements_commas_and_asi_end_elements() {
    let statements = "a = b + c + d;\n".repeat(5_000);
    assert!(depth(&statements) < 20);
    let asi = "a = b + c + d\nf(x)\n".repeat(5_000);
    assert!(depth(&asi) < 20);
    let list = format!("[{}]", "a + b, ".repeat(5_000));
    assert!(depth(&list) < 20);
    let object = format!("x = {{{}}};", "a: b.c, ".repeat(5_000));
    assert!(depth(&object) < 20);
}

#[test]
fn brackets_in_strings_comments_and_regexes_do_not_count() {
    let text =
        "x = '((((('; y = \"[[[[\"; // ((((\n/* {{{{ */ z = /\\((((/.test(s); t = `(((${a}(((`;";
    assert!(depth(&text.repeat(200)) < 20, "{}", depth(text));
}

#[test]
fn stray_closers_do_not_hide_open_brackets() {
    let text = "(".repeat(1_000) + &"]}".repeat(10) + &"(".repeat(1_000);
    assert!(depth(&text) >= 2_000);
}

#[test]
fn template_substitutions_nest() {
    let text = nested("`${", "x", "}`", 1_000);
    assert!(depth(&text) >= 1_000);
}

#[test]
fn minified_means_long_lines() {
    let hand_written = "var a = 1;\nfunction f(x) {\n  return x + a;\n}\n".repeat(100);
    assert!(!measure(&hand_written).minified());
    let minified = "var a=1;function f(x){return x+a}".repeat(100);
    assert!(measure(&minified).minified());
    assert!(!measure("x=1").minified(), "tiny files are never minified");
}

#[test]
fn cuts_fall_between_statements_and_bound_pieces() {
    let statement = "mw.loader.load('https://a.example/x.js');\n";
    let text = statement.repeat(3 * PIECE / statement.len());
    let cuts: Vec<usize> = measure(&text)
        .pieces
        .iter()
        .map(|p| p.start)
        .skip(1)
        .collect();
    assert!(cuts.len() >= 2, "{cuts:?}");
    let mut last = 0;
    for &cut in &cuts {
        assert!(cut - last <= PIECE, "{cut} - {last}");
        assert_eq!(&text[cut - 1..cut], "\n", "cut at {cut}");
        last = cut;
    }
}

#[test]
fn cuts_prefer_the_shallowest_place() {
    // Top-level statements hold long functions: cut between functions.
    let function = format!("function f() {{\n{}}}\n", "  g();\n".repeat(1_000));
    let text = function.repeat(4 * PIECE / function.len() + 1);
    for cut in measure(&text).pieces.iter().map(|p| p.start).skip(1) {
        assert!(
            text[..cut].ends_with("}\n") || text[..cut].ends_with('}'),
            "cut inside a function at {cut}"
        );
    }
}

#[test]
fn one_huge_token_is_cut_after_it() {
    let text = format!("x = '{}';\ny = 1;", "a".repeat(3 * PIECE));
    let cuts: Vec<usize> = measure(&text)
        .pieces
        .iter()
        .map(|p| p.start)
        .skip(1)
        .collect();
    assert!(cuts.iter().all(|&c| c > 3 * PIECE), "{cuts:?}");
}

fn anomalies(text: &str) -> usize {
    measure(text).pieces.iter().map(|p| p.anomalies).sum()
}

#[test]
fn real_code_has_no_anomalies() {
    let code = r"
/* global mw, $ */
( function () {
    'use strict';
    var api = new mw.Api(), i, re = /[(]+\)/g;
    for ( i = 0; i < 3; i++ ) { f( i ); }
    if ( !mw.user.options.get( 'gadget-x' ) ) { return; }
    class A extends B { static get x() { return this.y; } }
    async function g( a = {}, ...rest ) { await fetch( `${ a.b }/x?${ rest[ 0 ] }` ); }
    $( function () { mw.loader.load( 'https://a.example/x.js' ); } );
    switch ( x ) { case 1: break; default: }
    label: while ( x ) { x-- }
    p.catch( function ( e ) { throw e; } ).then( f );
    var o = { a: 1, 'b': [ 2, 3 ], get c() { return 4; }, };
    x = a ? b : c, y = typeof z === 'undefined' || z instanceof Y;
}() );
";
    assert_eq!(anomalies(code), 0);
}

#[test]
fn noise_is_full_of_anomalies() {
    let mut x: u64 = 99;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x >> 3
    };
    let printable: String = (0..64 * 1024)
        .map(|_| {
            let r = next();
            if r.is_multiple_of(80) {
                '\n'
            } else {
                char::from(32 + (r % 95) as u8)
            }
        })
        .collect();
    let brackets: String = (0..64 * 1024)
        .map(|_| char::from(b"(){}[]ab+;, \n"[(next() % 13) as usize]))
        .collect();
    let prose = "The quick brown fox jumps over the lazy dog, again.\n".repeat(1_000);
    for (name, text) in [
        ("printable", printable),
        ("brackets", brackets),
        ("prose", prose),
    ] {
        let shape = measure(&text);
        assert!(
            shape.pieces.iter().all(super::Piece::is_noise),
            "{name}: {:?}",
            shape.pieces
        );
    }
}

#[test]
fn a_broken_gadget_is_not_noise() {
    let broken =
        "function f( {\n  fetch('https://a.example/');\n}\nmw.loader.load('x'\n".repeat(20);
    let shape = measure(&broken);
    assert!(
        shape.pieces.iter().all(|p| !p.is_noise()),
        "{:?}",
        shape.pieces
    );
}
