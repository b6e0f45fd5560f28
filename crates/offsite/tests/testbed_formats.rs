//! The real MediaWiki testbed's dumps, recompressed into every format
//! offsite reads (gzip, zstd, bzip2, Wikimedia-style multistream bzip2 with
//! and without its index): each must give exactly what the plain XML gives,
//! through the binary, sequentially and in parallel.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::prelude::*;
use serde_json::Value;

fn testbed_dumps() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("OFFSITE_TESTBED_DIR") {
        return Some(PathBuf::from(dir).join("dumps"));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but OFFSITE_TESTBED_DIR is unset: run scripts/test"
    );
    eprintln!("note: OFFSITE_TESTBED_DIR unset; testbed format tests skipped");
    None
}

fn run(args: &[&str]) -> Value {
    let out = Command::cargo_bin("offsite")
        .expect("binary")
        .args(args)
        .output()
        .expect("run offsite");
    assert!(
        out.status.code() == Some(0),
        "offsite {args:?}: stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// `offsite inventory` on a dump; the index and thread count are optional.
fn inventory(dump: &Path, index: Option<&Path>, threads: Option<&str>) -> Value {
    let mut args = vec!["inventory", "--no-config", "-q", "--dump", path_str(dump)];
    if let Some(index) = index {
        args.extend(["--dump-index", path_str(index)]);
    }
    if let Some(threads) = threads {
        args.extend(["-j", threads]);
    }
    run(&args)
}

/// What a scan found, independent of order: (page, line, sink, url).
fn scan(
    dump: &Path,
    index: Option<&Path>,
    threads: &str,
) -> BTreeSet<(String, u64, String, String)> {
    let mut args = vec![
        "scan",
        "--no-config",
        "--format",
        "json",
        "--fail-on",
        "never",
        "-j",
        threads,
        "--dump",
        path_str(dump),
    ];
    if let Some(index) = index {
        args.extend(["--dump-index", path_str(index)]);
    }
    let json = run(&args);
    // A dump read in full, with a usable index, leaves no diagnostic: an
    // index that did not match would show up here as a fallback warning.
    assert_eq!(
        json["diagnostics"],
        Value::Array(Vec::new()),
        "{}: {:?}",
        dump.display(),
        index
    );
    json["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .map(|l| {
            (
                l["source"]["title"].as_str().expect("title").to_owned(),
                l["line"].as_u64().expect("line"),
                l["sink"].as_str().expect("sink").to_owned(),
                l["url"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).expect("bzip2");
    enc.finish().expect("bzip2")
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// The text between `open` and the next `close`, searching from `from`.
fn between<'a>(s: &'a str, from: usize, open: &str, close: &str) -> &'a str {
    let start = s[from..].find(open).expect("open tag") + from + open.len();
    let end = s[start..].find(close).expect("close tag") + start;
    &s[start..end]
}

/// Index titles are plain text; the XML holds them escaped.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#039;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Wikimedia's `*-multistream.xml.bz2` layout, cut from a real dump: stream 0
/// holds everything through `</siteinfo>`, then streams of two pages each,
/// then a stream with `</mediawiki>`; plus the index (`offset:id:title`).
/// The streams concatenate back to exactly the original text.
fn multistream(xml: &str) -> (Vec<u8>, String) {
    let siteinfo_end = xml.find("</siteinfo>").expect("siteinfo") + "</siteinfo>".len();
    let header_end = siteinfo_end + xml[siteinfo_end..].find('\n').map_or(0, |i| i + 1);
    // Each page runs from the start of its `<page>` line to the end of its
    // `</page>` line, so the whitespace between pages stays with them.
    let mut pages = Vec::new();
    let mut at = header_end;
    while let Some(open) = xml[at..].find("<page>") {
        let open = at + open;
        let line_start = xml[..open].rfind('\n').map_or(0, |i| i + 1).max(at);
        let close = open + xml[open..].find("</page>").expect("page end") + "</page>".len();
        let end = close + xml[close..].find('\n').map_or(0, |i| i + 1);
        pages.push((line_start, end));
        at = end;
    }
    assert!(pages.len() >= 6, "too few pages for several streams");
    let mut file = bzip2(&xml.as_bytes()[..pages[0].0]);
    let mut index = Vec::new();
    for group in pages.chunks(2) {
        let offset = file.len();
        let (start, end) = (group[0].0, group[group.len() - 1].1);
        for &(page_start, _) in group {
            let title_at = page_start + xml[page_start..].find("<title>").expect("title");
            let title = between(xml, page_start, "<title>", "</title>");
            let id = between(xml, title_at, "<id>", "</id>");
            index.push(format!("{offset}:{id}:{}\n", unescape(title)));
        }
        file.extend_from_slice(&bzip2(&xml.as_bytes()[start..end]));
    }
    let footer = &xml[at..];
    assert!(footer.contains("</mediawiki>"), "footer: {footer:?}");
    file.extend_from_slice(&bzip2(footer.as_bytes()));
    (file, index.concat())
}

/// Every recompressed copy of one dump: (label, dump, index).
fn variants(dir: &Path, dumps: &Path, stem: &str) -> Vec<(String, PathBuf, Option<PathBuf>)> {
    let xml = std::fs::read_to_string(dumps.join(format!("{stem}.xml"))).expect("testbed dump");
    let write = |name: String, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    };
    let (multi, index) = multistream(&xml);
    // The layout is right only if the streams decompress back to the dump.
    let mut round_trip = String::new();
    std::io::Read::read_to_string(
        &mut bzip2::read::MultiBzDecoder::new(multi.as_slice()),
        &mut round_trip,
    )
    .expect("multistream decodes");
    assert!(round_trip == xml, "{stem}: multistream is not the dump");
    let offsets: BTreeSet<&str> = index
        .lines()
        .map(|l| l.split(':').next().expect("offset"))
        .collect();
    assert!(offsets.len() >= 3, "{index}");
    let multi = write(format!("{stem}-multistream.xml.bz2"), &multi);
    let index_txt = write(format!("{stem}-multistream-index.txt"), index.as_bytes());
    let index_bz2 = write(
        format!("{stem}-multistream-index.txt.bz2"),
        &bzip2(index.as_bytes()),
    );
    let bytes = xml.as_bytes();
    vec![
        (
            "gzip".into(),
            write(format!("{stem}.xml.gz"), &gzip(bytes)),
            None,
        ),
        (
            "zstd".into(),
            write(format!("{stem}.xml.zst"), &zstd(bytes)),
            None,
        ),
        (
            "bzip2".into(),
            write(format!("{stem}.xml.bz2"), &bzip2(bytes)),
            None,
        ),
        ("multistream".into(), multi.clone(), None),
        ("multistream+index".into(), multi.clone(), Some(index_txt)),
        ("multistream+index.bz2".into(), multi, Some(index_bz2)),
    ]
}

#[test]
fn every_format_of_the_testbed_dumps_gives_the_plain_xml_results() {
    let Some(dumps) = testbed_dumps() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for stem in ["current", "full"] {
        let plain = dumps.join(format!("{stem}.xml"));
        let expected = inventory(&plain, None, None);
        assert!(
            !expected["rows"].as_array().expect("rows").is_empty(),
            "{stem}: no rows"
        );
        if stem == "full" {
            // History replayed: every format below must match this too.
            let common = expected["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .find(|r| {
                    r["page"] == "MediaWiki:Common.js" && r["host"] == "analytics.example.net"
                })
                .unwrap_or_else(|| panic!("no Common.js row: {expected:#}"));
            assert_eq!(common["introduced"]["user"], "Alice", "{common:#}");
        }
        let expected_loads = scan(&plain, None, "1");
        assert!(!expected_loads.is_empty(), "{stem}: no loads");
        for (label, dump, index) in variants(dir.path(), &dumps, stem) {
            for threads in ["1", "2"] {
                let got = inventory(&dump, index.as_deref(), Some(threads));
                assert_eq!(
                    got["rows"], expected["rows"],
                    "{stem} {label} -j {threads}: inventory rows differ"
                );
                assert_eq!(
                    got["provenance"], expected["provenance"],
                    "{stem} {label} -j {threads}: provenance differs"
                );
                assert_eq!(
                    scan(&dump, index.as_deref(), threads),
                    expected_loads,
                    "{stem} {label} -j {threads}: scan loads differ"
                );
            }
        }
    }
}
