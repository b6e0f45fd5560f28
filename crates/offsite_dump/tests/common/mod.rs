//! Builds small dumps in the shapes `dumpBackup.php` writes, and compresses
//! them the ways Wikimedia and common tools do.
#![allow(dead_code, clippy::unwrap_used, reason = "test support")]

use std::fmt::Write as _;
use std::io::Write;

pub fn header(version: &str) -> String {
    format!(
        r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.mediawiki.org/xml/export-{version}/ http://www.mediawiki.org/xml/export-{version}.xsd" version="{version}" xml:lang="en">
  <siteinfo>
    <sitename>Testwiki</sitename>
    <dbname>testwiki</dbname>
    <base>https://test.example.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.43.0-wmf.1</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-1" case="first-letter">Special</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="8" case="first-letter">MediaWiki</namespace>
    </namespaces>
  </siteinfo>
"#
    )
}

pub const FOOTER: &str = "</mediawiki>\n";

/// One revision in dump shape. `text: None` writes deleted text.
pub struct Rev<'a> {
    pub id: u64,
    pub parent: Option<u64>,
    pub user: Option<(&'a str, u64)>,
    pub ip: Option<&'a str>,
    pub model: &'a str,
    pub format: &'a str,
    pub text: Option<&'a str>,
    pub comment: Option<&'a str>,
}

impl Rev<'_> {
    pub fn simple<'a>(id: u64, model: &'a str, text: &'a str) -> Rev<'a> {
        Rev {
            id,
            parent: None,
            user: Some(("Alice", 7)),
            ip: None,
            model,
            format: if model == "javascript" {
                "text/javascript"
            } else if model == "css" {
                "text/css"
            } else {
                "text/x-wiki"
            },
            text: Some(text),
            comment: Some("edit"),
        }
    }
}

/// `title` and texts are given already escaped, as in the file.
pub fn page(title: &str, ns: i32, id: u64, redirect: Option<&str>, revs: &[Rev<'_>]) -> String {
    let mut out =
        format!("  <page>\n    <title>{title}</title>\n    <ns>{ns}</ns>\n    <id>{id}</id>\n");
    if let Some(target) = redirect {
        writeln!(out, "    <redirect title=\"{target}\" />").unwrap();
    }
    for r in revs {
        write!(out, "    <revision>\n      <id>{}</id>\n", r.id).unwrap();
        if let Some(p) = r.parent {
            writeln!(out, "      <parentid>{p}</parentid>").unwrap();
        }
        out.push_str("      <timestamp>2024-03-01T12:00:00Z</timestamp>\n");
        match (r.user, r.ip) {
            (Some((name, uid)), _) => write!(
                out,
                "      <contributor>\n        <username>{name}</username>\n        <id>{uid}</id>\n      </contributor>\n"
            )
            .unwrap(),
            (None, Some(ip)) => write!(out, "      <contributor>\n        <ip>{ip}</ip>\n      </contributor>\n").unwrap(),
            (None, None) => out.push_str("      <contributor deleted=\"deleted\" />\n"),
        }
        match r.comment {
            Some(c) => writeln!(out, "      <comment>{c}</comment>").unwrap(),
            None => out.push_str("      <comment deleted=\"deleted\" />\n"),
        }
        write!(
            out,
            "      <model>{}</model>\n      <format>{}</format>\n",
            r.model, r.format
        )
        .unwrap();
        match r.text {
            Some("") => out.push_str("      <text bytes=\"0\" xml:space=\"preserve\" />\n"),
            Some(t) => writeln!(
                out,
                "      <text bytes=\"{}\" xml:space=\"preserve\">{t}</text>",
                t.len()
            )
            .unwrap(),
            None => out.push_str("      <text bytes=\"120\" deleted=\"deleted\" />\n"),
        }
        out.push_str("      <sha1>phoiac9h4m842xq45sp7s6u21eteeq1</sha1>\n    </revision>\n");
    }
    out.push_str("  </page>\n");
    out
}

/// The sample wiki: code pages, a gadget definition, articles, deleted
/// material, a history and entities everywhere.
pub fn sample_pages() -> Vec<String> {
    let gadget = "/* Loads the helper */\nmw.loader.load( &#039;https://cdn.example.com/lib.js&#039; );\nif ( a &lt; b &amp;&amp; c &gt; d ) { $.getScript( &quot;//tools.example.org/x.js&quot; ); }\n";
    let css =
        "@import url(&quot;https://fonts.example.com/css?family=Foo&quot;);\n.x { color: red; }\n";
    let article =
        "'''Rust''' is a [[programming language]]. &lt;ref&gt;cite&lt;/ref&gt;\n".repeat(40);
    vec![
        page(
            "Main Page",
            0,
            1,
            None,
            &[Rev::simple(101, "wikitext", &article)],
        ),
        page(
            "MediaWiki:Gadget-helper.js",
            8,
            2,
            None,
            &[Rev::simple(102, "javascript", gadget)],
        ),
        page(
            "MediaWiki:Gadget-style.css",
            8,
            3,
            None,
            &[Rev::simple(103, "css", css)],
        ),
        page(
            "MediaWiki:Gadgets-definition",
            8,
            4,
            None,
            &[Rev::simple(
                104,
                "wikitext",
                "== Tools ==\n* helper[ResourceLoader|default]|helper.js|style.css\n",
            )],
        ),
        page(
            "Rock &amp; Roll",
            0,
            5,
            Some("Rock and roll"),
            &[Rev::simple(105, "wikitext", "#REDIRECT [[Rock and roll]]")],
        ),
        page(
            "User:Bob&#039;s/common.js",
            2,
            6,
            None,
            &[
                Rev {
                    id: 106,
                    parent: None,
                    user: None,
                    ip: None,
                    model: "javascript",
                    format: "text/javascript",
                    text: None,
                    comment: None,
                },
                Rev {
                    id: 107,
                    parent: Some(106),
                    user: None,
                    ip: Some("192.0.2.1"),
                    model: "javascript",
                    format: "text/javascript",
                    text: Some("importScript( &#039;User:Bob/x.js&#039; );"),
                    comment: Some("revert &amp; fix"),
                },
                Rev {
                    parent: Some(107),
                    ..Rev::simple(108, "javascript", "")
                },
            ],
        ),
        page(
            "Talk:Main Page",
            1,
            7,
            None,
            &[Rev::simple(109, "wikitext", "Hello &amp; welcome")],
        ),
        page(
            "Module:Data.json",
            828,
            8,
            None,
            &[Rev::simple(110, "json", "{&quot;a&quot;: 1}")],
        ),
    ]
}

pub fn document(version: &str, pages: &[String]) -> String {
    let mut xml = header(version);
    for p in pages {
        xml.push_str(p);
    }
    xml.push_str(FOOTER);
    xml
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn bzip2(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// 100 kB blocks, so a cut file still holds whole blocks before the cut.
pub fn bzip2_small_blocks(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// Wikimedia's layout: stream 0 = header and siteinfo, then streams of
/// `per_stream` pages, then a stream with `</mediawiki>`; plus the index
/// (`offset:page_id:title`, titles unescaped) that lists only page streams.
pub fn multistream(version: &str, pages: &[String], per_stream: usize) -> (Vec<u8>, String) {
    let mut file = bzip2(header(version).as_bytes());
    let mut index = String::new();
    for group in pages.chunks(per_stream) {
        let offset = file.len();
        for p in group {
            let id = between(p, "<id>", "</id>");
            let title = between(p, "<title>", "</title>");
            writeln!(index, "{offset}:{id}:{title}").unwrap();
        }
        file.extend_from_slice(&bzip2(group.concat().as_bytes()));
    }
    file.extend_from_slice(&bzip2(FOOTER.as_bytes()));
    (file, index)
}

/// Lenient: a deliberately broken page gets an empty field.
fn between<'a>(s: &'a str, open: &str, close: &str) -> &'a str {
    let Some(start) = s.find(open).map(|i| i + open.len()) else {
        return "";
    };
    s[start..]
        .find(close)
        .map_or("", |end| &s[start..start + end])
}
