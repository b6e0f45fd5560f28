//! Damaged, foreign and hostile input: clear errors, every earlier page
//! kept, never a panic.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::path::{Path, PathBuf};

use offsite_dump::{DumpError, DumpOptions, DumpPage, DumpSummary, fuzz_one, open};
use proptest::prelude::*;

fn options(threads: usize) -> DumpOptions {
    DumpOptions {
        threads,
        ..DumpOptions::default()
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Many small wanted pages, so a cut always falls after some of them.
fn many_pages(n: u64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let text = format!(
                "mw.loader.load( &#039;//cdn{i}.example.com/x.js&#039; ); // {}",
                "padding ".repeat(40)
            );
            common::page(
                &format!("User:P{i}/common.js"),
                2,
                i + 1,
                None,
                &[common::Rev::simple(i + 1000, "javascript", &text)],
            )
        })
        .collect()
}

/// Reads to the end: the pages, the errors, the summary.
fn read_lossy(path: &Path, options: &DumpOptions) -> (Vec<DumpPage>, Vec<DumpError>, DumpSummary) {
    let mut dump = open(path, options).unwrap();
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for item in dump.by_ref() {
        match item {
            Ok(page) => pages.push(page),
            Err(e) => errors.push(e),
        }
    }
    (pages, errors, dump.summary())
}

fn ids(pages: &[DumpPage]) -> Vec<u64> {
    pages.iter().map(|p| p.header.id).collect()
}

#[test]
fn truncated_files_keep_every_page_before_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    let xml = common::document("0.11", &many_pages(1500));
    let (multi, _) = common::multistream("0.11", &many_pages(1500), 100);
    let cases = [
        ("cut.xml", xml.as_bytes().to_vec(), "ends early"),
        (
            "cut.xml.gz",
            common::gzip(xml.as_bytes()),
            "gzip data is corrupt or truncated",
        ),
        (
            "cut.xml.bz2",
            common::bzip2_small_blocks(xml.as_bytes()),
            "bzip2 data is corrupt or truncated",
        ),
        (
            "cut.xml.zst",
            common::zstd(xml.as_bytes()),
            "zstd data is corrupt or truncated",
        ),
        (
            "cut-multi.xml.bz2",
            multi,
            "bzip2 data is corrupt or truncated",
        ),
    ];
    for (name, bytes, expected) in cases {
        let cut = &bytes[..bytes.len() * 3 / 5];
        let path = write(dir.path(), name, cut);
        for threads in [1, 2] {
            let (pages, errors, summary) = read_lossy(&path, &options(threads));
            assert!(
                !pages.is_empty() && pages.len() < 1500,
                "{name}: {} pages",
                pages.len()
            );
            // In order and without gaps: every page before the cut is there.
            assert_eq!(
                ids(&pages),
                (1..=pages.len() as u64).collect::<Vec<_>>(),
                "{name}"
            );
            assert_eq!(errors.len(), 1, "{name}: {errors:?}");
            let message = errors[0].to_string();
            assert!(message.contains(name), "{message}");
            assert!(message.contains(expected), "{message}");
            assert!(message.contains("decompressed byte"), "{message}");
            assert_eq!(summary.partial.as_deref(), Some(message.as_str()));
        }
    }
}

#[test]
fn a_corrupt_stream_in_a_multistream_costs_only_that_stream() {
    let dir = tempfile::tempdir().unwrap();
    let pages = many_pages(100);
    let (mut multi, index) = common::multistream("0.11", &pages, 10);
    // Stream offsets from the index: damage the third page stream.
    let offsets: Vec<usize> = index
        .lines()
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect();
    let mut starts = offsets.clone();
    starts.dedup();
    let third = starts[2];
    for b in &mut multi[third + 40..third + 60] {
        *b ^= 0x5a;
    }
    let path = write(dir.path(), "damaged.xml.bz2", &multi);
    let (got, errors, summary) = read_lossy(&path, &options(2));
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0].to_string();
    assert!(
        message.contains(&format!("in the bz2 stream at compressed byte {third}")),
        "{message}"
    );
    let missing: Vec<u64> = (21..=30).collect();
    assert!(ids(&got).iter().all(|id| !missing.contains(id)));
    assert_eq!(got.len(), 90);
    assert!(summary.partial.is_some());

    // Sequentially the damage ends the read, after the first 20 pages.
    let (got, errors, _) = read_lossy(&path, &options(1));
    assert_eq!(ids(&got), (1..=20).collect::<Vec<_>>());
    assert_eq!(errors.len(), 1);
}

#[test]
fn malformed_xml_is_reported_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut pages = many_pages(5);
    pages.insert(
        2,
        "  <page>\n    <id>99</id>\n    <title>Broken</ns>\n  </page>\n".to_owned(),
    );
    let xml = common::document("0.11", &pages);
    let path = write(dir.path(), "broken.xml", xml.as_bytes());
    let (got, errors, summary) = read_lossy(&path, &options(1));
    assert_eq!(ids(&got), [1, 2]);
    let DumpError::Xml { at, .. } = &errors[0] else {
        panic!("{errors:?}")
    };
    let broken_at = (xml.find("Broken</ns>").unwrap() + "Broken".len()) as u64;
    assert!(
        at.decompressed.abs_diff(broken_at) < 16,
        "{at:?} vs {broken_at}"
    );
    assert!(summary.partial.unwrap().contains("malformed XML"));

    // In a multistream the next stream starts afresh.
    let (multi, _) = common::multistream("0.11", &pages, 2);
    let path = write(dir.path(), "broken.xml.bz2", &multi);
    let (got, errors, _) = read_lossy(&path, &options(2));
    assert_eq!(errors.len(), 1, "{errors:?}");
    // Streams: [1, 2], [broken, 3], [4, 5]: page 3 goes with the broken one.
    assert_eq!(ids(&got), [1, 2, 4, 5]);
}

#[test]
fn a_bad_value_costs_one_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut pages = many_pages(3);
    pages[1] = pages[1].replace("<ns>2</ns>", "<ns>two</ns>");
    let path = write(
        dir.path(),
        "value.xml",
        common::document("0.11", &pages).as_bytes(),
    );
    let (got, errors, _) = read_lossy(&path, &options(1));
    assert_eq!(ids(&got), [1, 3]);
    let message = errors[0].to_string();
    assert!(
        message.contains("User:P1/common.js") && message.contains("invalid <ns>"),
        "{message}"
    );
}

#[test]
fn files_that_are_not_dumps_are_refused_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 7] = [
        ("empty.xml", Vec::new(), "no <mediawiki> element"),
        (
            "text.txt",
            b"just some notes\n".to_vec(),
            "text before the <mediawiki>",
        ),
        (
            "html.html",
            b"<!DOCTYPE html><html><body>x</body></html>".to_vec(),
            "root element is not <mediawiki>",
        ),
        (
            "binary.bin",
            vec![0, 159, 146, 150, 255, 1, 2, 3],
            "not a MediaWiki XML dump",
        ),
        (
            "old.xml",
            common::document("0.7", &[]).into_bytes(),
            "unsupported export version \"0.7\"",
        ),
        (
            "odd.xml",
            common::document("2.0", &[]).into_bytes(),
            "unsupported export version \"2.0\"",
        ),
        (
            "header-cut.xml.bz2",
            common::bzip2(&common::header("0.11").as_bytes()[..200]),
            "ends early",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = write(dir.path(), name, &bytes);
        for threads in [1, 2] {
            let message = open(&path, &options(threads)).unwrap_err().to_string();
            assert!(message.contains(name), "{message}");
            assert!(message.contains(expected), "{name}: {message}");
        }
    }
    let missing = open(&dir.path().join("nope.xml"), &options(1)).unwrap_err();
    assert!(matches!(missing, DumpError::Io { .. }), "{missing}");
}

#[test]
fn seed_corpus_replays_without_panicking() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut seen = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        fuzz_one(&bytes);
        seen += 1;
    }
    assert!(seen >= 5, "corpus has {seen} files");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        fuzz_one(&bytes);
    }

    #[test]
    fn damaged_dumps_never_panic(cut in 0usize..4000, flips in proptest::collection::vec((0usize..4000, any::<u8>()), 0..4)) {
        let xml = common::document("0.11", &common::sample_pages()).into_bytes();
        for mut bytes in [xml.clone(), common::bzip2(&xml), common::gzip(&xml), common::zstd(&xml)] {
            for &(at, value) in &flips {
                if let Some(b) = bytes.get_mut(at) {
                    *b = value;
                }
            }
            bytes.truncate(cut.max(1) * bytes.len() / 4000);
            fuzz_one(&bytes);
        }
    }
}
