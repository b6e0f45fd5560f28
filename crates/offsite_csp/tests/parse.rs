//! Lenient parsing: what is kept, what is dropped, what is reported where.
#![allow(clippy::unwrap_used, reason = "tests")]

use offsite_csp::{
    DiagnosticCode, HashAlgorithm, HostSource, Keyword, ParsedHeader, Port, SourceExpr,
    parse_header, parse_header_lines, serialize_header,
};

fn codes(parsed: &ParsedHeader) -> Vec<&'static str> {
    parsed.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The text a diagnostic with `code` points at.
fn spanned<'a>(text: &'a str, parsed: &ParsedHeader, code: DiagnosticCode) -> &'a str {
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:?}", parsed.diagnostics));
    d.span.slice(text).unwrap()
}

#[test]
fn mediawiki_header_parses_without_diagnostics() {
    let text = "script-src 'unsafe-eval' blob: 'self' 'nonce-abc' 'unsafe-inline'; \
                default-src * data: blob:; style-src * data: blob: 'unsafe-inline'; \
                object-src 'none'; report-uri /api.php?action=cspreport&format=json&reportonly=1";
    let parsed = parse_header(text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    assert_eq!(parsed.policies.len(), 1);
    let policy = &parsed.policies[0];
    let names: Vec<&str> = policy.directives.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "script-src",
            "default-src",
            "style-src",
            "object-src",
            "report-uri"
        ]
    );
    assert_eq!(
        policy.sources("script-src").unwrap(),
        [
            SourceExpr::Keyword(Keyword::UnsafeEval),
            SourceExpr::Scheme("blob".into()),
            SourceExpr::SELF,
            SourceExpr::Nonce("abc".into()),
            SourceExpr::Keyword(Keyword::UnsafeInline),
        ]
    );
    assert_eq!(
        policy.sources("default-src").unwrap(),
        [
            SourceExpr::Wildcard,
            SourceExpr::Scheme("data".into()),
            SourceExpr::Scheme("blob".into())
        ]
    );
    assert_eq!(
        policy.report_uri(),
        ["/api.php?action=cspreport&format=json&reportonly=1"]
    );
    assert_eq!(policy.to_string(), text.replace("  ", " "));
    // Spans point at the directive as written.
    let span = policy.directive("object-src").unwrap().span.unwrap();
    assert_eq!(span.slice(text), Some("object-src 'none'"));
}

#[test]
fn host_sources_keep_every_part() {
    let parsed = parse_header("img-src HTTPS://*.Example.org:8443/static/ x.org:* wss://a.b/c%20d");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let sources = parsed.policies[0].sources("img-src").unwrap();
    assert_eq!(
        sources[0],
        SourceExpr::Host(HostSource {
            scheme: Some("https".into()),
            host: "*.example.org".into(),
            port: Some(Port::Number(8443)),
            path: Some("/static/".into()),
        })
    );
    assert_eq!(
        sources[1],
        SourceExpr::Host(HostSource {
            scheme: None,
            host: "x.org".into(),
            port: Some(Port::Any),
            path: None,
        })
    );
    assert_eq!(
        parsed.policies[0].to_string(),
        "img-src https://*.example.org:8443/static/ x.org:* wss://a.b/c%20d"
    );
}

#[test]
fn names_and_keywords_are_case_insensitive_and_canonical_lower_case() {
    let parsed =
        parse_header("SCRIPT-SRC 'SELF' 'Unsafe-Inline' 'NONCE-AbC' 'SHA256-Xy+/=' HTTPS:");
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let policy = &parsed.policies[0];
    assert!(policy.has("script-src"));
    assert_eq!(
        policy.sources("Script-Src").unwrap()[3],
        SourceExpr::Hash {
            algorithm: HashAlgorithm::Sha256,
            value: "Xy+/=".into()
        }
    );
    // Nonce and hash values keep their case: they are base64.
    assert_eq!(
        policy.to_string(),
        "script-src 'self' 'unsafe-inline' 'nonce-AbC' 'sha256-Xy+/=' https:"
    );
}

#[test]
fn duplicate_directive_first_wins() {
    let text = "script-src 'self'; SCRIPT-SRC *; img-src 'none'";
    let parsed = parse_header(text);
    assert_eq!(codes(&parsed), ["duplicate-directive"]);
    assert_eq!(
        spanned(text, &parsed, DiagnosticCode::DuplicateDirective),
        "SCRIPT-SRC *"
    );
    let policy = &parsed.policies[0];
    assert_eq!(policy.directives.len(), 2);
    assert_eq!(policy.sources("script-src").unwrap(), [SourceExpr::SELF]);
}

#[test]
fn missing_semicolon_is_reported_as_csp_evaluator_does() {
    let text = "script-src 'self' object-src 'none'";
    let parsed = parse_header(text);
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.code == DiagnosticCode::MissingSemicolon)
        .unwrap();
    assert!(
        d.message.contains("missing semicolon before object-src"),
        "{}",
        d.message
    );
    assert_eq!(d.span.slice(text), Some("object-src"));
    assert_eq!(d.directive.as_deref(), Some("script-src"));
    // Browsers read it as a host named `object-src`, and 'none' is then
    // one source among others.
    let policy = &parsed.policies[0];
    assert!(!policy.has("object-src"));
    assert!(
        policy
            .directive("script-src")
            .unwrap()
            .contains(&SourceExpr::Host(HostSource::host("object-src")))
    );
    assert!(parsed.has(DiagnosticCode::NoneWithOtherSources));
}

#[test]
fn unknown_directive_is_kept_with_a_suggestion() {
    let text = "scripts-src 'self'; default-src 'none'";
    let parsed = parse_header(text);
    assert_eq!(codes(&parsed), ["unknown-directive"]);
    assert!(
        parsed.diagnostics[0]
            .message
            .contains("did you mean `script-src`"),
        "{}",
        parsed.diagnostics[0].message
    );
    assert_eq!(
        spanned(text, &parsed, DiagnosticCode::UnknownDirective),
        "scripts-src"
    );
    let policy = &parsed.policies[0];
    // Kept as written, its values as raw tokens.
    assert_eq!(
        policy.sources("scripts-src").unwrap(),
        [SourceExpr::Raw("'self'".into())]
    );
}

#[test]
fn invalid_keywords() {
    let text = "script-src self 'selfx' 'nonce-a b' 'sha1-abc' 'nonce-***'";
    let parsed = parse_header(text);
    assert_eq!(
        codes(&parsed),
        [
            "keyword-missing-quotes",
            "unknown-keyword",
            "invalid-source", // 'nonce-a
            "invalid-source", // b'
            "unknown-keyword",
            "invalid-nonce"
        ]
    );
    assert_eq!(
        spanned(text, &parsed, DiagnosticCode::KeywordMissingQuotes),
        "self"
    );
    assert_eq!(
        spanned(text, &parsed, DiagnosticCode::InvalidNonce),
        "'nonce-***'"
    );
    let sources = parsed.policies[0].sources("script-src").unwrap();
    // `self` is a host as far as browsers are concerned.
    assert_eq!(sources[0], SourceExpr::Host(HostSource::host("self")));
    assert_eq!(sources[1], SourceExpr::Raw("'selfx'".into()));
}

#[test]
fn none_with_other_sources_points_at_none() {
    let text = "img-src 'none' https:";
    let parsed = parse_header(text);
    assert_eq!(codes(&parsed), ["none-with-other-sources"]);
    assert_eq!(
        spanned(text, &parsed, DiagnosticCode::NoneWithOtherSources),
        "'none'"
    );
}

#[test]
fn non_ascii_directive_is_dropped_whole() {
    let text = "img-src https://bücher.example; script-src 'self'";
    let parsed = parse_header(text);
    assert_eq!(codes(&parsed), ["non-ascii"]);
    assert_eq!(spanned(text, &parsed, DiagnosticCode::NonAscii), "ü");
    let policy = &parsed.policies[0];
    assert!(!policy.has("img-src"));
    assert!(policy.has("script-src"));
}

#[test]
fn control_characters_are_reported() {
    let text = "img-src a.org\u{1}b; script-src 'self'";
    let parsed = parse_header(text);
    assert!(parsed.has(DiagnosticCode::ControlCharacter));
    assert!(parsed.has(DiagnosticCode::InvalidSource));
    assert_eq!(
        spanned(text, &parsed, DiagnosticCode::ControlCharacter),
        "\u{1}"
    );
    assert_eq!(
        parsed.policies[0].sources("img-src").unwrap(),
        [SourceExpr::Raw("a.org\u{1}b".into())]
    );
}

#[test]
fn several_policies_and_header_lines() {
    let text = "default-src 'self', script-src 'none' ,";
    let parsed = parse_header(text);
    assert_eq!(parsed.policies.len(), 2);
    assert_eq!(codes(&parsed), ["empty-policy"]);
    assert_eq!(
        serialize_header(&parsed.policies),
        "default-src 'self', script-src 'none'"
    );
    let lines = parse_header_lines(["default-src 'self'", "img-src *"]);
    assert_eq!(lines.policies.len(), 2);
    assert!(lines.diagnostics.is_empty());
}

#[test]
fn empty_header_and_empty_directives() {
    assert_eq!(codes(&parse_header("  ")), ["empty-header"]);
    let parsed = parse_header("script-src; report-uri;; upgrade-insecure-requests; sandbox");
    assert_eq!(codes(&parsed), ["empty-directive", "empty-directive"]);
    assert_eq!(parsed.policies[0].directives.len(), 4);
    assert_eq!(
        parsed.policies[0].to_string(),
        "script-src; report-uri; upgrade-insecure-requests; sandbox"
    );
}

#[test]
fn pasted_header_name_is_skipped() {
    let text = "Content-Security-Policy: default-src 'self'";
    let parsed = parse_header(text);
    assert_eq!(codes(&parsed), ["header-name-included"]);
    assert_eq!(parsed.policies[0].to_string(), "default-src 'self'");
}

#[test]
fn duplicate_sources_are_written_once() {
    let parsed = parse_header("img-src 'SELF' 'self' HTTPS://A.org https://a.org");
    assert_eq!(codes(&parsed), ["duplicate-source", "duplicate-source"]);
    assert_eq!(
        parsed.policies[0].to_string(),
        "img-src 'self' https://a.org"
    );
}

#[test]
fn values_of_valueless_and_deprecated_directives() {
    let parsed = parse_header(
        "upgrade-insecure-requests now; block-all-mixed-content; plugin-types application/pdf",
    );
    assert_eq!(
        codes(&parsed),
        [
            "unexpected-value",
            "deprecated-directive",
            "deprecated-directive"
        ]
    );
}

#[test]
fn scheme_without_colon() {
    let parsed = parse_header("img-src https data:");
    assert_eq!(codes(&parsed), ["scheme-missing-colon"]);
}

#[test]
fn docs_list_every_diagnostic_code() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/csp.md")).unwrap();
    for code in DiagnosticCode::ALL {
        let row = format!("| `{code}` | {} |", code.severity());
        assert!(docs.contains(&row), "docs/csp.md has no row `{row}`");
    }
}
