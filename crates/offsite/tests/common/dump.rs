//! MediaWiki XML dumps written by hand for the tests that read them through
//! the binary, and the binary itself.

use std::fmt::Write as _;
use std::process::Command;

use assert_cmd::prelude::*;

/// The `offsite` binary, without colour or a configured contact.
pub fn offsite() -> Command {
    let mut cmd = Command::cargo_bin("offsite").expect("binary is built by cargo test");
    cmd.env("NO_COLOR", "1").env_remove("OFFSITE_CONTACT");
    cmd
}

/// XML text escaping for titles and page text.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One revision of a page.
pub struct Rev<'a> {
    pub id: u64,
    pub user: &'a str,
    pub model: &'a str,
    pub text: &'a str,
}

/// A `<page>` with its revisions, in export-0.11 form.
pub fn page(title: &str, ns: i32, id: u64, revs: &[Rev<'_>]) -> String {
    let mut out = format!(
        "  <page>\n    <title>{}</title>\n    <ns>{ns}</ns>\n    <id>{id}</id>\n",
        escape(title)
    );
    for r in revs {
        let format = match r.model {
            "javascript" => "text/javascript",
            "css" => "text/css",
            "json" => "application/json",
            _ => "text/x-wiki",
        };
        let _ = write!(
            out,
            "    <revision>\n      <id>{}</id>\n      <timestamp>2026-01-0{}T10:00:00Z</timestamp>\n      \
             <contributor>\n        <username>{}</username>\n        <id>{}</id>\n      </contributor>\n      \
             <model>{}</model>\n      <format>{format}</format>\n      \
             <text bytes=\"{}\" xml:space=\"preserve\">{}</text>\n    </revision>\n",
            r.id,
            r.id % 9 + 1,
            r.user,
            r.id,
            r.model,
            r.text.len(),
            escape(r.text)
        );
    }
    out.push_str("  </page>\n");
    out
}

/// `<mediawiki>` and the `<siteinfo>` of a small English wiki.
pub const HEADER: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>Test Wiki</sitename>
    <dbname>testwiki</dbname>
    <base>https://test.example.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.39.17</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="8" case="first-letter">MediaWiki</namespace>
    </namespaces>
  </siteinfo>
"#;
