//! End-to-end reads of the same small wiki in every format and layout.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use offsite_dump::{Compression, DumpOptions, DumpPage, DumpSummary, open};

fn options(threads: usize, index: Option<PathBuf>) -> DumpOptions {
    DumpOptions {
        threads,
        index,
        ..DumpOptions::default()
    }
}

fn read_all(path: &Path, options: &DumpOptions) -> (Vec<DumpPage>, DumpSummary, bool) {
    let mut dump = open(path, options).unwrap();
    let pages = dump.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
    (pages, dump.summary(), dump.is_parallel())
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn plain_dump_gives_wanted_pages_with_decoded_entities() {
    let dir = tempfile::tempdir().unwrap();
    let xml = common::document("0.11", &common::sample_pages());
    let path = write(dir.path(), "dump.xml", xml.as_bytes());
    let mut dump = open(&path, &options(1, None)).unwrap();
    assert_eq!(dump.export_version(), "0.11");
    assert_eq!(dump.compression(), Compression::None);
    let site = dump.site_info().clone();
    assert_eq!(site.dbname, "testwiki");
    assert_eq!(site.base, "https://test.example.org/wiki/Main_Page");
    assert_eq!(site.case, "first-letter");
    assert_eq!(
        site.namespaces.get(&8).map(String::as_str),
        Some("MediaWiki")
    );
    assert_eq!(site.namespaces.get(&0).map(String::as_str), Some(""));
    assert_eq!(
        site.full_title(2, "Bob/common.js").as_deref(),
        Some("User:Bob/common.js")
    );

    let pages: Vec<DumpPage> = dump.by_ref().map(Result::unwrap).collect();
    let titles: Vec<&str> = pages.iter().map(|p| p.header.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "MediaWiki:Gadget-helper.js",
            "MediaWiki:Gadget-style.css",
            "MediaWiki:Gadgets-definition",
            "User:Bob's/common.js",
            "Module:Data.json",
        ]
    );
    let gadget = &pages[0];
    assert_eq!(site.title_in_namespace(&gadget.header), "Gadget-helper.js");
    let rev = &gadget.revisions[0];
    assert_eq!(rev.id, 102);
    assert_eq!(rev.user.as_deref(), Some("Alice"));
    assert_eq!(rev.user_id, Some(7));
    assert_eq!(rev.model.as_deref(), Some("javascript"));
    assert_eq!(rev.format.as_deref(), Some("text/javascript"));
    assert_eq!(rev.timestamp, "2024-03-01T12:00:00Z");
    assert_eq!(rev.sha1.as_deref(), Some("phoiac9h4m842xq45sp7s6u21eteeq1"));
    let text = rev.text.as_deref().unwrap();
    assert!(
        text.contains("mw.loader.load( 'https://cdn.example.com/lib.js' );"),
        "{text}"
    );
    assert!(
        text.contains("if ( a < b && c > d ) { $.getScript( \"//tools.example.org/x.js\" ); }"),
        "{text}"
    );

    let history = &pages[3];
    assert_eq!(history.header.ns, 2);
    let ids: Vec<u64> = history.revisions.iter().map(|r| r.id).collect();
    assert_eq!(ids, [106, 107, 108]);
    let deleted = &history.revisions[0];
    assert!(deleted.text_deleted && deleted.text.is_none());
    assert!(deleted.user_deleted && deleted.user.is_none() && deleted.ip.is_none());
    assert!(deleted.comment.is_none());
    let anon = &history.revisions[1];
    assert_eq!(anon.ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(anon.parent_id, Some(106));
    assert_eq!(anon.comment.as_deref(), Some("revert & fix"));
    assert_eq!(
        anon.text.as_deref(),
        Some("importScript( 'User:Bob/x.js' );")
    );
    assert_eq!(history.revisions[2].text.as_deref(), Some(""));

    let summary = dump.summary();
    assert_eq!(summary.pages_seen, 8);
    assert_eq!(summary.pages_wanted, 5);
    assert_eq!(summary.revisions_seen, 10);
    assert_eq!(summary.partial, None);
    assert_eq!(summary.decompressed_bytes, xml.len() as u64);
}

#[test]
fn a_custom_predicate_sees_redirects_and_entity_decoded_titles() {
    let dir = tempfile::tempdir().unwrap();
    let xml = common::document("0.11", &common::sample_pages());
    let path = write(dir.path(), "dump.xml", xml.as_bytes());
    let options = DumpOptions {
        threads: 1,
        index: None,
        wanted: Arc::new(|page, _| page.redirect.is_some()),
        external_bzip2: None,
        ..DumpOptions::default()
    };
    let (pages, _, _) = read_all(&path, &options);
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].header.title, "Rock & Roll");
    assert_eq!(pages[0].header.redirect.as_deref(), Some("Rock and roll"));
}

#[test]
fn every_format_and_layout_gives_the_same_pages() {
    let dir = tempfile::tempdir().unwrap();
    // Enough pages for several multistream streams.
    let mut pages = common::sample_pages();
    for i in 0..40u64 {
        pages.push(common::page(
            &format!("User:U{i}/common.js"),
            2,
            100 + i,
            None,
            &[common::Rev::simple(
                1000 + i,
                "javascript",
                &format!("mw.loader.load( &#039;//u{i}.example.org/a.js&#039; );"),
            )],
        ));
    }
    let xml = common::document("0.11", &pages);
    let plain = write(dir.path(), "plain.xml", xml.as_bytes());
    let (expected, _, _) = read_all(&plain, &options(1, None));
    assert_eq!(expected.len(), 45);

    let bz2 = common::bzip2(xml.as_bytes());
    let mut zst = common::zstd(&xml.as_bytes()[..1000]);
    // A second zstd frame, as `zstd` writes for concatenated input.
    zst.extend_from_slice(&common::zstd(&xml.as_bytes()[1000..]));
    let (multi, index) = common::multistream("0.11", &pages, 7);
    let files = [
        (
            "dump.xml.gz",
            common::gzip(xml.as_bytes()),
            Compression::Gzip,
        ),
        ("dump.xml.bz2", bz2, Compression::Bzip2),
        ("dump.xml.zst", zst, Compression::Zstd),
        // Named wrongly on purpose: detection reads magic bytes.
        ("multistream.xml", multi, Compression::Bzip2),
    ];
    let index_path = write(dir.path(), "index.txt", index.as_bytes());
    let index_bz2 = write(
        dir.path(),
        "index.txt.bz2",
        &common::bzip2(index.as_bytes()),
    );
    for (name, bytes, compression) in files {
        let path = write(dir.path(), name, &bytes);
        let is_multi = name.starts_with("multi");
        let mut layouts = vec![(options(1, None), false), (options(3, None), is_multi)];
        if is_multi {
            layouts.push((options(2, Some(index_path.clone())), true));
            layouts.push((options(2, Some(index_bz2.clone())), true));
        }
        for (opts, parallel) in layouts {
            let mut dump = open(&path, &opts).unwrap();
            assert_eq!(dump.compression(), compression, "{name}");
            assert_eq!(dump.is_parallel(), parallel, "{name} {opts:?}");
            let got = dump.by_ref().collect::<Result<Vec<_>, _>>().unwrap();
            assert_eq!(got, expected, "{name} {opts:?}");
            let summary = dump.summary();
            assert_eq!(summary.pages_seen, 48, "{name}");
            assert_eq!(
                summary.compressed_bytes,
                bytes.len() as u64,
                "{name} {opts:?}"
            );
            assert_eq!(
                summary.decompressed_bytes,
                xml.len() as u64,
                "{name} {opts:?}"
            );
            assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        }
    }
}

#[test]
fn a_wrong_index_falls_back_to_scanning_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let pages = common::sample_pages();
    let (multi, _) = common::multistream("0.11", &pages, 3);
    let path = write(dir.path(), "multi.xml.bz2", &multi);
    let index = write(dir.path(), "index.txt", b"5:1:Main Page\n9:2:X\n");
    let (got, summary, parallel) = read_all(&path, &options(2, Some(index)));
    assert!(parallel);
    assert_eq!(got.len(), 5);
    assert!(
        summary.warnings[0].contains("does not match"),
        "{:?}",
        summary.warnings
    );
}

#[test]
fn export_version_0_10_reads_and_later_versions_warn() {
    let dir = tempfile::tempdir().unwrap();
    let pages = common::sample_pages();
    let old = write(
        dir.path(),
        "v10.xml",
        common::document("0.10", &pages).as_bytes(),
    );
    let mut dump = open(&old, &options(1, None)).unwrap();
    assert_eq!(dump.export_version(), "0.10");
    assert_eq!(dump.by_ref().count(), 5);
    assert!(dump.summary().warnings.is_empty());

    let new = write(
        dir.path(),
        "v12.xml",
        common::document("0.12", &pages).as_bytes(),
    );
    let (got, summary, _) = read_all(&new, &options(1, None));
    assert_eq!(got.len(), 5);
    assert!(
        summary.warnings[0].contains("0.12"),
        "{:?}",
        summary.warnings
    );
}

#[test]
fn a_dump_without_siteinfo_still_reads_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    let pages = common::sample_pages();
    let xml = format!(
        "<mediawiki version=\"0.11\">\n{}</mediawiki>\n",
        pages.concat()
    );
    let path = write(dir.path(), "bare.xml", xml.as_bytes());
    let (got, summary, _) = read_all(&path, &options(1, None));
    assert_eq!(got.len(), 5);
    assert_eq!(summary.pages_seen, 8);
}

#[test]
fn a_page_with_a_content_model_change_is_kept_from_its_first_wanted_revision() {
    let dir = tempfile::tempdir().unwrap();
    let revisions = [
        common::Rev::simple(1, "wikitext", "old wikitext"),
        common::Rev::simple(2, "javascript", "var a = 1;"),
        common::Rev::simple(3, "wikitext", "back to wikitext"),
    ];
    let xml = common::document(
        "0.11",
        &[common::page("User:C/x.js", 2, 9, None, &revisions)],
    );
    let path = write(dir.path(), "model.xml", xml.as_bytes());
    let (got, _, _) = read_all(&path, &options(1, None));
    let ids: Vec<u64> = got[0].revisions.iter().map(|r| r.id).collect();
    assert_eq!(ids, [2, 3]);
    assert_eq!(
        got[0].revisions[1].text.as_deref(),
        Some("back to wikitext")
    );
}
