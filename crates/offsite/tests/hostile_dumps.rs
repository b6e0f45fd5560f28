//! `offsite scan --dump` on dumps that are huge, damaged or oddly shaped,
//! through the real binary (issue 15): every case completes, says what
//! happened with the position, and keeps the loads of the good pages. The
//! dumps are generated here; nothing is committed.
//!
//! Exit status: a damaged dump exits 2 (the scan is incomplete); a page
//! skipped for its size or a dump in an older order does not.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;

use serde_json::Value;

mod common;

use common::dump::{HEADER, Rev, offsite, page};

/// The default `max_text_bytes` of `offsite_dump` (16 MiB) plus a margin.
const HUGE: usize = 17 << 20;

fn scan(dump: &Path) -> (Value, i32, String) {
    scan_with(dump, &[])
}

fn scan_with(dump: &Path, args: &[&str]) -> (Value, i32, String) {
    let out = offsite()
        .args(["scan", "--no-config", "--format", "json"])
        .args(args)
        .arg("--dump")
        .arg(dump)
        .output()
        .expect("run offsite");
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); exit {code}; stderr: {stderr}"));
    (report, code, stderr)
}

fn load_urls(report: &Value) -> Vec<String> {
    let mut urls: Vec<String> = report["loads"]
        .as_array()
        .expect("loads")
        .iter()
        .filter_map(|l| l["url"].as_str().map(str::to_owned))
        .collect();
    urls.sort();
    urls
}

/// The diagnostics whose message contains `text`.
fn diagnostics_with<'a>(report: &'a Value, text: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["message"].as_str().is_some_and(|m| m.contains(text)))
        .collect()
}

fn gadget(title: &str, id: u64, host: &str) -> String {
    let text = format!("mw.loader.load('https://{host}/x.js');\n");
    page(
        title,
        8,
        id,
        &[Rev {
            id: id + 100,
            user: "Alice",
            model: "javascript",
            text: &text,
        }],
    )
}

#[test]
fn a_page_above_the_size_limit_is_skipped_by_name_and_the_others_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.xml");
    // Written piecewise: the huge text never sits in this process either.
    let mut file = std::io::BufWriter::new(fs::File::create(&path).expect("create"));
    file.write_all(HEADER.as_bytes()).expect("write");
    file.write_all(gadget("MediaWiki:Gadget-before.js", 1, "before.example").as_bytes())
        .expect("write");
    file.write_all(
        b"  <page>\n    <title>MediaWiki:Gadget-huge.js</title>\n    <ns>8</ns>\n    <id>2</id>\n    <revision>\n      <id>102</id>\n      <timestamp>2026-01-01T10:00:00Z</timestamp>\n      <contributor>\n        <username>Mallory</username>\n        <id>9</id>\n      </contributor>\n      <model>javascript</model>\n      <format>text/javascript</format>\n      <text xml:space=\"preserve\">mw.loader.load('https://huge.example/x.js');\n",
    )
    .expect("write");
    let line = format!("var pad = &quot;{}&quot;;\n", "x".repeat(1000));
    for _ in 0..=HUGE / line.len() {
        file.write_all(line.as_bytes()).expect("write");
    }
    file.write_all(b"</text>\n    </revision>\n  </page>\n")
        .expect("write");
    file.write_all(gadget("MediaWiki:Gadget-after.js", 3, "after.example").as_bytes())
        .expect("write");
    file.write_all(b"</mediawiki>\n").expect("write");
    drop(file);

    let (report, code, _) = scan(&path);
    assert_eq!(
        load_urls(&report),
        ["https://after.example/x.js", "https://before.example/x.js"]
    );
    let skipped = diagnostics_with(&report, "MediaWiki:Gadget-huge.js");
    assert_eq!(skipped.len(), 1, "{report:#}");
    // Skipped on purpose, like a file over its limit: a warning, not exit 2.
    assert_eq!(skipped[0]["kind"], "too-large", "{report:#}");
    assert_ne!(code, 2);
    let message = skipped[0]["message"].as_str().expect("message");
    assert!(message.contains("(page id 2)"), "{message}");
    assert!(message.contains("revision 102"), "{message}");
    assert!(message.contains("decompressed byte"), "{message}");
    assert!(message.contains("the page is skipped"), "{message}");
}

/// Pages with varied text (so that bzip2 blocks are long), each loading
/// from its own host.
fn many_gadgets(n: u64) -> String {
    let mut xml = HEADER.to_owned();
    for i in 0..n {
        let mut text = format!("mw.loader.load('https://cdn{i}.example/x.js');\n// ");
        for k in 0..40u64 {
            let word = (i * 40 + k).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
            write!(text, "{word:x}").expect("write");
        }
        xml.push_str(&page(
            &format!("MediaWiki:Gadget-g{i}.js"),
            8,
            i + 1,
            &[Rev {
                id: i + 10_000,
                user: "Alice",
                model: "javascript",
                text: &text,
            }],
        ));
    }
    xml.push_str("</mediawiki>\n");
    xml
}

/// 100 kB blocks, as `bzip2 -1` writes them.
fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    enc.write_all(data).expect("compress");
    enc.finish().expect("compress")
}

/// One diagnostic about the damage; some pages read, not all.
fn assert_damage_reported(report: &Value, code: i32, expected: &[&str]) -> String {
    let loads = load_urls(report).len();
    assert!(loads > 100 && loads < 2000, "{loads} loads");
    let damage = diagnostics_with(report, "damaged.xml.bz2");
    assert_eq!(damage.len(), 1, "{report:#}");
    let message = damage[0]["message"].as_str().expect("message").to_owned();
    assert!(expected.iter().any(|e| message.contains(e)), "{message}");
    assert!(message.contains("decompressed byte"), "{message}");
    assert!(
        message.contains("the bz2 block at compressed byte"),
        "{message}"
    );
    assert!(!message.contains("malformed XML"), "{message}");
    assert_eq!(code, 2, "a damaged dump is an incomplete scan");
    message
}

#[test]
fn a_truncated_bz2_dump_says_where_it_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bz = bzip2(many_gadgets(2000).as_bytes());
    let path = dir.path().join("damaged.xml.bz2");
    fs::write(&path, &bz[..bz.len() / 2]).expect("write");
    let (report, code, _) = scan_with(&path, &["--bzip2-decoder", "builtin"]);
    assert_damage_reported(&report, code, &["is cut off by the end of the file"]);
    // Through lbzip2 too: an error with its position, exit 2.
    let (report, code, _) = scan(&path);
    assert_eq!(
        diagnostics_with(&report, "damaged.xml.bz2").len(),
        1,
        "{report:#}"
    );
    assert_eq!(code, 2);
}

#[test]
fn a_corrupt_bz2_block_says_crc_and_offset_not_malformed_xml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bz = bzip2(many_gadgets(2000).as_bytes());
    // At the middle the damage first reads as ill-formed XML.
    let middle = bz.len() / 2;
    bz[middle] ^= 0x10;
    let path = dir.path().join("damaged.xml.bz2");
    fs::write(&path, &bz).expect("write");
    // The built-in decoder names the block: depending on the bits hit, it
    // decodes to data that fails its CRC, or does not decode at all.
    let (report, code, _) = scan_with(&path, &["--bzip2-decoder", "builtin"]);
    assert_damage_reported(&report, code, &["fails its CRC check", "cannot be decoded"]);
    // Through lbzip2 (the default where it is installed) the damage is an
    // error with its position too, never "malformed XML"; which block is
    // named depends on how far lbzip2's threads got, so only that is
    // asserted here.
    let (report, code, _) = scan(&path);
    let damage = diagnostics_with(&report, "damaged.xml.bz2");
    assert_eq!(damage.len(), 1, "{report:#}");
    let message = damage[0]["message"].as_str().expect("message");
    assert!(message.contains("decompressed byte"), "{message}");
    assert!(!message.contains("malformed XML"), "{message}");
    assert_eq!(code, 2, "a damaged dump is an incomplete scan");
}

/// python-mwxml's sample layout: `<model>` and `<format>` after `<text>`
/// (export 0.8), once under its own label and once relabelled 0.10.
#[test]
fn pages_in_the_0_8_element_order_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    for version in ["0.8", "0.10"] {
        let header = HEADER
            .replace("export-0.11", &format!("export-{version}"))
            .replace("version=\"0.11\"", &format!("version=\"{version}\""));
        let xml = format!(
            "{header}  <page>\n    <title>MediaWiki:Common.js</title>\n    <ns>8</ns>\n    <id>1</id>\n    <revision>\n      <id>2</id>\n      <timestamp>2004-08-10T09:04:08Z</timestamp>\n      <contributor>\n        <ip>192.0.2.7</ip>\n      </contributor>\n      <text xml:space=\"preserve\">mw.loader.load(&quot;https://old-order.example/b.js&quot;);</text>\n      <sha1>g9chqqg94myzq11c56ixvq7o1yg75n9</sha1>\n      <model>javascript</model>\n      <comment>c</comment>\n      <format>text/javascript</format>\n    </revision>\n  </page>\n</mediawiki>\n"
        );
        let path = dir.path().join(format!("order-{version}.xml"));
        fs::write(&path, xml).expect("write");
        let (report, code, stderr) = scan(&path);
        assert_eq!(
            load_urls(&report),
            ["https://old-order.example/b.js"],
            "export {version}: {report:#}"
        );
        let load = &report["loads"][0]["source"];
        assert_eq!(load["user"], "192.0.2.7", "{load:#}");
        assert_eq!(load["revision"], 2, "{load:#}");
        assert!([0, 1].contains(&code), "exit {code}: {stderr}");
    }
}

/// `--max-page-bytes` sets the limit: a page of a few kilobytes is skipped
/// under a 1,000-byte limit and read under the default.
#[test]
fn max_page_bytes_sets_the_size_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("small.xml");
    let padded = format!(
        "mw.loader.load('https://padded.example/x.js');\nvar pad = '{}';\n",
        "x".repeat(4000)
    );
    let xml = format!(
        "{HEADER}{}{}</mediawiki>\n",
        gadget("MediaWiki:Gadget-small.js", 1, "small.example"),
        page(
            "MediaWiki:Gadget-padded.js",
            8,
            2,
            &[Rev {
                id: 102,
                user: "Alice",
                model: "javascript",
                text: &padded,
            }],
        )
    );
    fs::write(&path, xml).expect("write");
    let (report, _, _) = scan_with(&path, &["--max-page-bytes", "1000"]);
    assert_eq!(load_urls(&report), ["https://small.example/x.js"]);
    assert_eq!(
        diagnostics_with(&report, "MediaWiki:Gadget-padded.js").len(),
        1,
        "{report:#}"
    );
    let (report, _, _) = scan(&path);
    assert_eq!(
        load_urls(&report),
        ["https://padded.example/x.js", "https://small.example/x.js"]
    );
}
