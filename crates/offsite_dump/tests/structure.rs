//! Pages in an unexpected element order or with unknown elements are read,
//! or said to be unread in the summary: never dropped in silence.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use offsite_dump::{DumpOptions, DumpPage, DumpSummary, open_bytes};

fn read(xml: &str) -> (Vec<DumpPage>, DumpSummary) {
    let options = DumpOptions {
        threads: 1,
        ..DumpOptions::default()
    };
    let mut dump = open_bytes(xml.as_bytes().to_vec(), "test.xml", &options).unwrap();
    let pages = dump.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    (pages, dump.summary())
}

/// A revision as export 0.8 and 0.9 (and python-mwxml's sample) write it:
/// `<model>` and `<format>` after `<text>`.
fn revision_08(id: u64, model: &str, text: &str) -> String {
    format!(
        "    <revision>\n      <id>{id}</id>\n      <timestamp>2004-08-09T09:04:08Z</timestamp>\n      <contributor>\n        <ip>192.0.2.1</ip>\n      </contributor>\n      <text xml:space=\"preserve\">{text}</text>\n      <sha1>g9chqqg94myzq11c56ixvq7o1yg75n9</sha1>\n      <model>{model}</model>\n      <comment>c</comment>\n      <format>text/x-wiki</format>\n    </revision>\n"
    )
}

fn page_08(title: &str, ns: i32, id: u64, revisions: &[String]) -> String {
    format!(
        "  <page>\n    <title>{title}</title>\n    <ns>{ns}</ns>\n    <id>{id}</id>\n{}  </page>\n",
        revisions.concat()
    )
}

/// Issue 15: pages in the 0.8 element order were skipped without a word,
/// since the model was not known when the text went by (and a dump
/// labelled 0.8 was refused).
#[test]
fn model_after_text_the_0_8_order_is_read() {
    for version in ["0.8", "0.10"] {
        model_after_text_is_read(version);
    }
}

fn model_after_text_is_read(version: &str) {
    let pages = [
        page_08(
            "Foo",
            0,
            1,
            &[revision_08(1, "wikitext", "Plain &amp; prose")],
        ),
        page_08(
            "MediaWiki:Common.js",
            8,
            2,
            &[
                revision_08(2, "wikitext", "old"),
                revision_08(
                    3,
                    "javascript",
                    "mw.loader.load(&quot;https://a.example/x.js&quot;);",
                ),
            ],
        ),
    ];
    let (got, summary) = read(&common::document(version, &pages));
    let [page] = got.as_slice() else {
        panic!("one page expected: {got:?}");
    };
    assert_eq!(page.header.title, "MediaWiki:Common.js");
    // From the first wanted revision on, as with the 0.10 order.
    let [rev] = page.revisions.as_slice() else {
        panic!("{:?}", page.revisions);
    };
    assert_eq!(rev.id, 3);
    assert_eq!(rev.model.as_deref(), Some("javascript"));
    assert_eq!(rev.ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(
        rev.text.as_deref(),
        Some(r#"mw.loader.load("https://a.example/x.js");"#)
    );
    assert_eq!((summary.pages_seen, summary.revisions_seen), (2, 3));
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

#[test]
fn unknown_elements_in_a_page_or_revision_are_counted_in_the_warnings() {
    let mut page = common::page(
        "MediaWiki:Gadget-a.js",
        8,
        1,
        None,
        &[common::Rev::simple(1, "javascript", "var a;")],
    );
    page = page.replacen("<revision>", "<flagged>x</flagged><revision>", 1);
    page = page.replacen(
        "</revision>",
        "<review level=\"1\"/><review/></revision>",
        1,
    );
    // Elements the schema has and offsite does not need stay quiet.
    page = page.replacen(
        "<revision>",
        "<restrictions>edit=sysop</restrictions><revision>",
        1,
    );
    let logitem = "  <logitem><id>1</id></logitem>\n  <upload/>\n".to_owned();
    let (got, summary) = read(&common::document("0.11", &[page, logitem]));
    assert_eq!(got.len(), 1);
    assert_eq!(
        summary.warnings,
        [
            "1 unexpected <logitem> element(s) in a <mediawiki>; skipped",
            "1 unexpected <upload> element(s) in a <mediawiki>; skipped",
            r#"1 unexpected <flagged> element(s) in a <page>, first in page "MediaWiki:Gadget-a.js"; skipped"#,
            r#"2 unexpected <review> element(s) in a <revision>, first in page "MediaWiki:Gadget-a.js"; skipped"#,
        ]
    );
}

#[test]
fn a_value_above_a_mebibyte_makes_a_bad_page_and_reading_goes_on() {
    let long = "x".repeat((1 << 20) + 1);
    let pages = [
        common::page(
            &long,
            8,
            1,
            None,
            &[common::Rev::simple(1, "javascript", "a")],
        ),
        common::page(
            "MediaWiki:B.js",
            8,
            2,
            None,
            &[common::Rev::simple(2, "javascript", "b")],
        ),
    ];
    let options = DumpOptions {
        threads: 1,
        ..DumpOptions::default()
    };
    let xml = common::document("0.11", &pages);
    let items: Vec<_> = open_bytes(xml.into_bytes(), "test.xml", &options)
        .unwrap()
        .collect();
    let [Err(first), Ok(second)] = items.as_slice() else {
        panic!("{items:?}");
    };
    assert!(!first.is_damage());
    assert!(first.to_string().contains("above the limit"), "{first}");
    assert_eq!(second.header.title, "MediaWiki:B.js");
}
