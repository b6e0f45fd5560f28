#![allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]

use offsite_model::Report;

use crate::{Format, RenderOptions, fixture, render};

fn page(report: &Report) -> String {
    let rules = fixture::rules();
    let options = RenderOptions::new("0.1.0", &rules);
    let mut out = Vec::new();
    render(report, Format::Html, &options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The page without the fixed stylesheet and script, which would drown the
/// part that depends on the report.
fn body(page: &str) -> String {
    let style = page.find("<style>").unwrap();
    let style_end = page.find("</style>").unwrap();
    let script = page.rfind("<script>").unwrap();
    let script_end = page.rfind("</script>").unwrap();
    format!(
        "{}<style>…</style>{}<script>…</script>{}",
        &page[..style],
        &page[style_end + 8..script],
        &page[script_end + 9..]
    )
    .replace("><", ">\n<")
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!(body(&page(&fixture::report())));
}

#[test]
fn snapshot_html_wiki() {
    insta::assert_snapshot!(body(&page(&fixture::wiki_report())));
}

#[test]
fn hostile_strings_come_out_as_text() {
    let mut report = fixture::hostile_report();
    let payload = "</script><img src=x onerror=\"alert('1')\">";
    report.loads[0].url = Some(format!("https://evil.example/{payload}"));
    report.loads[0].host = Some(payload.to_owned());
    report.loads[0].snippet = Some(format!("load('{payload}')"));
    report.loads[0].findings[0].message = format!("loads {payload}");
    report.loads[0].source.path = Some(format!("x/{payload}.js"));
    let out = page(&report);
    // The only script element is the report's own, at the end; no element
    // or attribute from the payload exists.
    assert_eq!(out.matches("<script").count(), 1, "{out}");
    assert_eq!(out.matches("</script>").count(), 1, "{out}");
    assert!(!out.contains("<img"), "{out}");
    assert!(!out.contains("onerror=\""), "{out}");
    assert!(!out.contains("alert('1')"), "{out}");
    let escaped = "&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;";
    assert!(out.matches(escaped).count() >= 4, "{out}");
    // Terminal escapes and bidi overrides are shown, not obeyed.
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out}"
    );
}

#[test]
fn the_policy_allows_exactly_the_inline_script_and_style() {
    let out = page(&fixture::report());
    let policy = super::content_security_policy();
    assert!(out.contains(&format!("content=\"{policy}\"")));
    assert!(policy.starts_with("default-src 'none'; "));
    let script = &out[out.rfind("<script>").unwrap() + 8..out.rfind("</script>").unwrap()];
    let style = &out[out.find("<style>").unwrap() + 7..out.find("</style>").unwrap()];
    let hash = |s: &str| offsite_csp::hash_base64(offsite_csp::HashAlgorithm::Sha256, s);
    assert!(policy.contains(&format!("script-src 'sha256-{}'", hash(script))));
    assert!(policy.contains(&format!("style-src 'sha256-{}'", hash(style))));
    // Nothing is fetched: no outside URL in an attribute that loads.
    // (Quoted attributes are ours: a quote from scanned text is escaped.)
    for attr in ["src=\"", "href=\"http", "href=\"//"] {
        assert!(!out.contains(attr), "{attr} in the page");
    }
    assert!(!super::STYLE.contains("url("), "the stylesheet fetches");
}

#[test]
fn every_load_has_a_row_and_every_used_rule_a_page() {
    let report = fixture::report();
    let out = page(&report);
    assert_eq!(out.matches("<tr data-tier=").count(), report.loads.len());
    for load in &report.loads {
        for f in &load.findings {
            assert!(
                out.contains(&format!("id=\"rule-{}\"", f.rule)),
                "{}",
                f.rule
            );
        }
    }
    assert!(out.contains("Rule: Executable code is loaded from a third-party host."));
}
