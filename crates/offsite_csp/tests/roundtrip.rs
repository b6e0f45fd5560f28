//! The canonical form: parsing it gives the same policies back, and
//! serialising is idempotent on whatever text is parsed. Also the fuzz
//! corpus (`tests/corpus/`, the seeds of `fuzz/fuzz_targets/csp_header.rs`)
//! replayed through `fuzz_header` on stable.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::PathBuf;

use offsite_csp::{
    HashAlgorithm, HostSource, Keyword, Policy, Port, SourceExpr, fuzz_header, parse_header,
    serialize_header,
};
use proptest::prelude::*;

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn corpus_replays_through_fuzz_header() {
    let files = corpus();
    assert!(files.len() >= 20, "{} seeds", files.len());
    for (name, bytes) in &files {
        fuzz_header(bytes);
        let text = String::from_utf8_lossy(bytes);
        let parsed = parse_header(&text);
        // Every diagnostic points inside its seed on char boundaries.
        for d in &parsed.diagnostics {
            assert!(d.span.slice(&text).is_some(), "{name}: {d}");
        }
        // Only the seeds made of nothing parse to no policy.
        assert_eq!(
            parsed.policies.is_empty(),
            name == "empty-pieces.txt",
            "{name}"
        );
    }
}

#[test]
fn corpus_seeds_say_what_they_are_about() {
    let expect = [
        ("missing-semicolon.txt", "missing-semicolon"),
        ("bad-keywords.txt", "keyword-missing-quotes"),
        ("bad-keywords.txt", "unknown-keyword"),
        ("bad-keywords.txt", "none-with-other-sources"),
        ("case-and-duplicates.txt", "duplicate-directive"),
        ("case-and-duplicates.txt", "unknown-directive"),
        ("non-ascii.txt", "non-ascii"),
        ("control-characters.txt", "control-character"),
        ("pasted-header-name.txt", "header-name-included"),
        ("ports-and-hosts.txt", "invalid-source"),
        ("paths.txt", "invalid-source"),
        ("non-fetch-directives.txt", "deprecated-directive"),
        ("non-fetch-directives.txt", "unexpected-value"),
        ("empty-pieces.txt", "empty-policy"),
        ("duplicate-sources.txt", "duplicate-source"),
        ("malformed-quotes.txt", "invalid-nonce"),
        ("navigation-directives.txt", "duplicate-directive"),
    ];
    let files = corpus();
    for (file, code) in expect {
        let (_, bytes) = files.iter().find(|(n, _)| n == file).unwrap();
        let parsed = parse_header(&String::from_utf8_lossy(bytes));
        assert!(
            parsed.diagnostics.iter().any(|d| d.code.as_str() == code),
            "{file}: no {code} in {:#?}",
            parsed.diagnostics
        );
    }
    // The well-formed real-world shapes parse clean.
    for file in [
        "mediawiki-default.txt",
        "wikimedia-allowlist.txt",
        "wikimedia-gadget-hosts.txt",
        "google-strict-dynamic.txt",
        "google-nonce-tight.txt",
        "hashes-strict.txt",
        "multiple-policies.txt",
    ] {
        let (_, bytes) = files.iter().find(|(n, _)| n == file).unwrap();
        let parsed = parse_header(&String::from_utf8_lossy(bytes));
        assert!(
            parsed.diagnostics.is_empty(),
            "{file}: {:#?}",
            parsed.diagnostics
        );
    }
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,8}"
}

fn host_source() -> impl Strategy<Value = HostSource> {
    (
        prop::option::of(prop::sample::select(vec![
            "https", "http", "wss", "ws", "ftp",
        ])),
        prop::collection::vec(label(), 1..4),
        any::<bool>(),
        prop::option::of(prop_oneof![
            Just(Port::Any),
            any::<u16>().prop_map(Port::Number)
        ]),
        prop::option::of("(/[a-zA-Z0-9._~-]{1,6}|/%[0-9A-F]{2}){1,3}/?"),
    )
        .prop_map(|(scheme, labels, wildcard, port, path)| {
            let host = labels.join(".");
            HostSource {
                scheme: scheme.map(str::to_owned),
                host: if wildcard { format!("*.{host}") } else { host },
                port,
                path,
            }
        })
}

fn base64_value() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+/_-]{1,20}={0,2}"
}

fn source() -> impl Strategy<Value = SourceExpr> {
    prop_oneof![
        prop::sample::select(Keyword::ALL.to_vec()).prop_map(SourceExpr::Keyword),
        base64_value().prop_map(SourceExpr::Nonce),
        (
            prop::sample::select(vec![
                HashAlgorithm::Sha256,
                HashAlgorithm::Sha384,
                HashAlgorithm::Sha512
            ]),
            base64_value()
        )
            .prop_map(|(algorithm, value)| SourceExpr::Hash { algorithm, value }),
        "[a-z][a-z0-9+.-]{0,6}".prop_map(SourceExpr::Scheme),
        host_source().prop_map(SourceExpr::Host),
        Just(SourceExpr::Wildcard),
        // Tokens browsers ignore are kept as written.
        prop::sample::select(vec![
            "'selfx'",
            "'nonce-***'",
            "x.*.org",
            "ex_ample.org",
            "'a"
        ])
        .prop_map(|t| SourceExpr::Raw(t.to_owned())),
    ]
}

fn raw_token() -> impl Strategy<Value = SourceExpr> {
    "[!-+\\--:<-~]{1,12}".prop_map(SourceExpr::Raw)
}

fn policy() -> impl Strategy<Value = Policy> {
    let list_names = vec![
        "default-src",
        "script-src",
        "script-src-elem",
        "style-src",
        "img-src",
        "connect-src",
        "font-src",
        "frame-src",
        "worker-src",
        "form-action",
        "frame-ancestors",
    ];
    let token_names = vec![
        "report-uri",
        "report-to",
        "sandbox",
        "x-unknown",
        "trusted-types",
    ];
    let list = (
        prop::sample::select(list_names),
        prop::collection::vec(source(), 0..6),
    );
    let tokens = (
        prop::sample::select(token_names),
        prop::collection::vec(raw_token(), 0..4),
    );
    let directive = prop_oneof![3 => list, 1 => tokens];
    prop::collection::vec(directive, 1..6).prop_map(|directives| {
        let mut policy = Policy::new();
        for (name, sources) in directives {
            policy = policy.with_directive(name, sources);
        }
        policy
    })
}

/// CSP-shaped noise: directive names, keywords, hosts, separators, junk.
fn header_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("script-src".to_owned()),
        Just("DEFAULT-SRC".to_owned()),
        Just("'self'".to_owned()),
        Just("'none'".to_owned()),
        Just("'nonce-abc'".to_owned()),
        Just("self".to_owned()),
        Just("*".to_owned()),
        Just("https:".to_owned()),
        Just(";".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        Just("content-security-policy:".to_owned()),
        "[a-z*.:/0-9'-]{1,12}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_the_canonical_form_gives_the_policy_back(policies in prop::collection::vec(policy(), 1..3)) {
        let text = serialize_header(&policies);
        let parsed = parse_header(&text);
        prop_assert_eq!(&parsed.policies, &policies, "{}", text);
        // Built policies are canonical: nothing for the parser to remark on
        // but the ignored tokens they were given on purpose.
        prop_assert!(
            parsed.diagnostics.iter().all(|d| d.severity != offsite_csp::Severity::Error
                || matches!(d.code.as_str(), "unknown-keyword" | "invalid-nonce" | "invalid-source")),
            "{:?}", parsed.diagnostics
        );
    }

    #[test]
    fn serialising_is_idempotent(text in header_soup()) {
        let once = serialize_header(&parse_header(&text).policies);
        let twice = serialize_header(&parse_header(&once).policies);
        prop_assert_eq!(once, twice);
        fuzz_header(text.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        fuzz_header(&bytes);
    }
}
