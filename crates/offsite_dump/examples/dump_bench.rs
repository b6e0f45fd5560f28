//! Benchmark helper for `scripts/bench-dump`.
//!
//! - `dump_bench generate DIR SIZE_MB`: writes `DIR/dump.xml` (export 0.11,
//!   about `SIZE_MB` of XML: wikitext articles of log-normal size and a few
//!   percent gadget-like JS/CSS pages), and, in the same pass, Wikimedia's
//!   multistream layout `DIR/multistream.xml.bz2` (stream 0 = header and
//!   siteinfo, then 100 pages per stream compressed in parallel, then
//!   `</mediawiki>`) with `DIR/multistream-index.txt.bz2`.
//! - `dump_bench read FILE [INDEX] [THREADS]`: iterates every wanted page
//!   through `offsite_dump` and prints the summary to stderr.
#![allow(clippy::unwrap_used, reason = "a benchmark tool: fail loudly")]

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use offsite_dump::{DumpOptions, open};
use rayon::prelude::*;

const PAGES_PER_STREAM: usize = 100;

/// xorshift64*: deterministic, fast, good enough for text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    /// Roughly log-normal: most articles a few kB, a long tail to 200 kB.
    fn article_size(&mut self) -> usize {
        let sum: u64 = (0..4).map(|_| self.next() % 1000).sum();
        let exponent = f64::from(u32::try_from(sum).unwrap()) / 4000.0;
        // 300 B .. ~200 kB, median about 7 kB.
        let size = (300.0 * 650f64.powf(exponent)).round();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "300..195000"
        )]
        let size = size as usize;
        size
    }
}

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "in",
    "to",
    "was",
    "is",
    "for",
    "on",
    "as",
    "by",
    "with",
    "he",
    "at",
    "from",
    "his",
    "an",
    "were",
    "are",
    "which",
    "this",
    "also",
    "be",
    "has",
    "or",
    "had",
    "first",
    "one",
    "their",
    "its",
    "new",
    "after",
    "but",
    "who",
    "not",
    "they",
    "have",
    "two",
    "her",
    "she",
    "been",
    "other",
    "when",
    "there",
    "all",
    "during",
    "into",
    "school",
    "time",
    "may",
    "years",
    "more",
    "most",
    "only",
    "over",
    "city",
    "some",
    "world",
    "would",
    "where",
    "later",
    "up",
    "such",
    "used",
    "many",
    "can",
    "state",
    "about",
    "national",
    "out",
    "known",
    "university",
    "united",
    "then",
    "made",
    "river",
    "between",
    "season",
    "american",
    "team",
    "war",
    "album",
    "village",
    "population",
    "county",
    "district",
    "church",
    "company",
    "government",
    "history",
    "railway",
    "station",
    "football",
    "league",
    "species",
    "family",
    "music",
    "film",
    "language",
];

const SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "ten", "sha", "vel", "dor", "an", "is", "ul", "bre", "quo", "zan", "fi",
    "lor", "gu", "ne", "ph", "ast", "ric", "mon", "tz", "el", "wy", "ber", "ock", "ia", "sen",
    "ha", "jo", "ku", "lev", "mar", "no", "op", "pre", "rin", "st", "tra", "ux",
];

fn prose(rng: &mut Rng, size: usize, out: &mut String) {
    let start = out.len();
    while out.len() - start < size {
        match rng.below(40) {
            0 => {
                let _ = write!(
                    out,
                    "[[{} {}]] ",
                    WORDS[rng.below(WORDS.len())],
                    WORDS[rng.below(WORDS.len())]
                );
            }
            1 => {
                let _ = write!(
                    out,
                    "&lt;ref&gt;{{{{cite web |url=https://www.example{}.org/a |title=Source}}}}&lt;/ref&gt; ",
                    rng.below(500)
                );
            }
            2 => out.push_str(".\n\n== Section ==\n"),
            3 => {
                let _ = write!(out, "'''{}''' &amp; ", WORDS[rng.below(WORDS.len())]);
            }
            // Rare words (names, places) from syllables: real prose
            // compresses about 4.5:1 with bzip2, not 8:1.
            5..=14 => {
                for _ in 0..2 + rng.below(3) {
                    out.push_str(SYLLABLES[rng.below(SYLLABLES.len())]);
                }
                out.push(' ');
            }
            _ => {
                out.push_str(WORDS[rng.below(WORDS.len())]);
                out.push(' ');
            }
        }
    }
}

fn gadget(rng: &mut Rng, out: &mut String) {
    let n = rng.below(1000);
    let _ = write!(
        out,
        "/**\n * Gadget {n}: adds a tool link.\n */\n( function () {{\n\tvar api = new mw.Api();\n\tmw.loader.load( &#039;https://cdn.jsdelivr.net/npm/lib{n}@1.2.3/dist/lib.min.js&#039; );\n\tmw.loader.load( &#039;//tools-static.wmflabs.org/cdnjs/ajax/libs/x/{n}/x.css&#039;, &#039;text/css&#039; );\n\tmw.loader.using( [ &#039;mediawiki.util&#039; ] ).then( function () {{\n\t\tvar link = mw.util.addPortletLink( &#039;p-tb&#039;, &#039;#&#039;, &#039;Tool {n}&#039; );\n\t\t$( link ).on( &#039;click&#039;, function ( e ) {{\n\t\t\te.preventDefault();\n\t\t\t$.getScript( &#039;https://tool{n}.toolforge.org/app.js&#039; );\n\t\t}} );\n\t}} );\n\tif ( a &lt; b &amp;&amp; c ) {{ api.get( {{ action: &#039;query&#039; }} ); }}\n}}() );\n"
    );
    let size = 500 + rng.below(20_000);
    while out.len() < size {
        let _ = writeln!(
            out,
            "\tvar v{} = mw.config.get( &#039;wgPageName&#039; ) + &quot;{}&quot;;",
            rng.below(100),
            WORDS[rng.below(WORDS.len())]
        );
    }
}

fn page(rng: &mut Rng, id: u64, out: &mut String) {
    let kind = rng.below(100);
    let (title, ns, model, format) = match kind {
        0 | 1 => (
            format!("User:Editor{id}/common.js"),
            2,
            "javascript",
            "text/javascript",
        ),
        2 => (
            format!("MediaWiki:Gadget-tool{id}.css"),
            8,
            "css",
            "text/css",
        ),
        _ => (
            format!("Article {id} {}", WORDS[rng.below(WORDS.len())]),
            0,
            "wikitext",
            "text/x-wiki",
        ),
    };
    let mut text = String::new();
    if model == "wikitext" {
        let size = rng.article_size();
        prose(rng, size, &mut text);
    } else if model == "javascript" {
        gadget(rng, &mut text);
    } else {
        let _ = write!(
            text,
            "@import url(&quot;https://fonts.googleapis.com/css?family=Font{id}&quot;);\n.tool{id} {{ background: url(//upload.wikimedia.org/x.png); }}\n"
        );
    }
    let _ = write!(
        out,
        "  <page>\n    <title>{title}</title>\n    <ns>{ns}</ns>\n    <id>{id}</id>\n    <revision>\n      <id>{rev}</id>\n      <parentid>{parent}</parentid>\n      <timestamp>2024-0{m}-1{d}T12:34:56Z</timestamp>\n      <contributor>\n        <username>Editor{u}</username>\n        <id>{u}</id>\n      </contributor>\n      <comment>copyedit</comment>\n      <model>{model}</model>\n      <format>{format}</format>\n      <text bytes=\"{bytes}\" xml:space=\"preserve\">{text}</text>\n      <sha1>phoiac9h4m842xq45sp7s6u21eteeq1</sha1>\n    </revision>\n  </page>\n",
        rev = id * 10 + 1,
        parent = id * 10,
        m = 1 + rng.below(9),
        d = rng.below(10),
        u = rng.below(100_000),
        bytes = text.len(),
    );
}

const HEADER: &str = r#"<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="en">
  <siteinfo>
    <sitename>Benchwiki</sitename>
    <dbname>benchwiki</dbname>
    <base>https://bench.example.org/wiki/Main_Page</base>
    <generator>MediaWiki 1.43.0</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="0" case="first-letter" />
      <namespace key="2" case="first-letter">User</namespace>
      <namespace key="8" case="first-letter">MediaWiki</namespace>
    </namespaces>
  </siteinfo>
"#;
const FOOTER: &str = "</mediawiki>\n";

fn bz2(data: &[u8]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

struct Output {
    xml: BufWriter<std::fs::File>,
    multi: BufWriter<std::fs::File>,
    written: u64,
    compressed: u64,
}

impl Output {
    /// Writes one stream; returns its compressed offset.
    fn emit(&mut self, plain: &[u8], packed: &[u8]) -> u64 {
        self.xml.write_all(plain).unwrap();
        self.multi.write_all(packed).unwrap();
        self.written += plain.len() as u64;
        let offset = self.compressed;
        self.compressed += packed.len() as u64;
        offset
    }
}

fn generate(dir: &Path, size_mb: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let target = size_mb << 20;
    let mut out = Output {
        xml: BufWriter::new(std::fs::File::create(dir.join("dump.xml")).unwrap()),
        multi: BufWriter::new(std::fs::File::create(dir.join("multistream.xml.bz2")).unwrap()),
        written: 0,
        compressed: 0,
    };
    let mut index = String::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut next_id = 1u64;
    out.emit(HEADER.as_bytes(), &bz2(HEADER.as_bytes()));
    let batch = rayon::current_num_threads() * 4;
    while out.written < target {
        // Generate a batch of streams in order, compress them in parallel.
        let groups: Vec<(Vec<(u64, String)>, String)> = (0..batch)
            .map(|_| {
                let mut text = String::new();
                let mut titles = Vec::new();
                for _ in 0..PAGES_PER_STREAM {
                    let start = text.len();
                    page(&mut rng, next_id, &mut text);
                    let title_start = text[start..].find("<title>").unwrap() + start + 7;
                    let title_end = text[title_start..].find("</title>").unwrap() + title_start;
                    titles.push((next_id, text[title_start..title_end].to_owned()));
                    next_id += 1;
                }
                (titles, text)
            })
            .collect();
        let packed: Vec<Vec<u8>> = groups
            .par_iter()
            .map(|(_, text)| bz2(text.as_bytes()))
            .collect();
        for ((titles, text), packed) in groups.iter().zip(&packed) {
            let offset = out.emit(text.as_bytes(), packed);
            for (id, title) in titles {
                let _ = writeln!(index, "{offset}:{id}:{title}");
            }
        }
    }
    out.emit(FOOTER.as_bytes(), &bz2(FOOTER.as_bytes()));
    out.xml.flush().unwrap();
    out.multi.flush().unwrap();
    std::fs::write(dir.join("multistream-index.txt.bz2"), bz2(index.as_bytes())).unwrap();
    eprintln!(
        "generated {} bytes of XML, {} pages, {} bytes multistream",
        out.written,
        next_id - 1,
        out.compressed
    );
}

fn read(file: &Path, index: Option<PathBuf>, threads: usize) {
    let options = DumpOptions {
        threads,
        index,
        ..DumpOptions::default()
    };
    let mut dump = open(file, &options).unwrap();
    let mut text_bytes = 0usize;
    for page in dump.by_ref() {
        match page {
            Ok(page) => {
                text_bytes += page
                    .revisions
                    .iter()
                    .filter_map(|r| r.text.as_ref())
                    .map(String::len)
                    .sum::<usize>();
            }
            Err(e) => eprintln!("error: {e}"),
        }
    }
    let s = dump.summary();
    eprintln!(
        "{}: {} parallel={} pages={} wanted={} revisions={} text={} decompressed={} compressed={} partial={:?}",
        file.display(),
        s.compression,
        s.parallel,
        s.pages_seen,
        s.pages_wanted,
        s.revisions_seen,
        text_bytes,
        s.decompressed_bytes,
        s.compressed_bytes,
        s.partial
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") if args.len() == 4 => {
            generate(Path::new(&args[2]), args[3].parse().unwrap());
        }
        Some("read") if args.len() >= 3 => {
            let index = args
                .get(3)
                .filter(|s| !s.is_empty() && *s != "-")
                .map(PathBuf::from);
            let threads = args.get(4).map_or_else(
                || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
                |t| t.parse().unwrap(),
            );
            read(Path::new(&args[2]), index, threads);
        }
        _ => {
            eprintln!(
                "usage: dump_bench generate DIR SIZE_MB | dump_bench read FILE [INDEX|-] [THREADS]"
            );
            std::process::exit(2);
        }
    }
}
