//! Scan throughput against parse-only throughput, in the same run.
//!
//! Usage: `cargo run --release -p offsite --example bench -- FILE...`
//! (`scripts/bench` fetches the corpus from npm and runs this).
//!
//! For each file it times, median of several rounds, single-threaded:
//! - parse only: oxc 0.146 (the same version and parse options the detector
//!   uses; scripts fall back to module parsing like the detector) or, for
//!   CSS, a full cssparser token walk;
//! - scan: `offsite_rules::Linter::check`, which is what `offsite scan`
//!   does per file (parse, semantic model, sinks, folding, consent, CSS/HTML
//!   recursion, classification, rules, suppressions).
//!
//! It prints both throughputs and the ratio scan/parse. Target: ≤ 2.0×.

#![expect(clippy::print_stdout, reason = "a benchmark prints its table")]

use std::time::{Duration, Instant};

use offsite_model::{Language, Source};
use offsite_rules::{Linter, Settings};
use oxc::allocator::Allocator;
use oxc::parser::{ParseOptions, Parser};
use oxc::span::SourceType;

const ROUNDS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    // One warm-up run, then the median of ROUNDS.
    f();
    median(
        (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn parse_only_js(text: &str, typescript: bool) -> usize {
    let options = ParseOptions {
        allow_return_outside_function: true,
        ..ParseOptions::default()
    };
    let kinds: &[SourceType] = if typescript {
        &[SourceType::ts()]
    } else {
        &[SourceType::script(), SourceType::mjs()]
    };
    for kind in kinds {
        let allocator = Allocator::default();
        let ret = Parser::new(&allocator, text, *kind)
            .with_options(options)
            .parse();
        if !ret.panicked {
            return ret.program.body.len();
        }
    }
    0
}

fn parse_only_css(text: &str) -> usize {
    let mut parser = cssparser::Parser::new(text);
    count_tokens(&mut parser)
}

fn count_tokens(parser: &mut cssparser::Parser<'_>) -> usize {
    let mut n = 0;
    while let Ok(token) = parser.next_including_whitespace_and_comments() {
        n += 1;
        let nested = matches!(
            token,
            cssparser::Token::Function(_)
                | cssparser::Token::ParenthesisBlock
                | cssparser::Token::SquareBracketBlock
                | cssparser::Token::CurlyBracketBlock
        );
        if nested {
            n += parser
                .parse_nested_block(|p| Ok::<_, cssparser::ParseError<()>>(count_tokens(p)))
                .unwrap_or(0);
        }
    }
    n
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "file sizes are far below 2^52")]
    let mb = bytes as f64 / 1_000_000.0;
    mb / d.as_secs_f64()
}

fn main() -> anyhow::Result<()> {
    let files: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(!files.is_empty(), "usage: bench FILE...");
    let linter = Linter::new(Settings::default())?;
    println!(
        "{:<34} {:>9} {:>11} {:>11} {:>7} {:>6}",
        "file", "bytes", "parse MB/s", "scan MB/s", "ratio", "loads"
    );
    let (mut total_bytes, mut total_parse, mut total_scan) = (0, Duration::ZERO, Duration::ZERO);
    for path in &files {
        let text = std::fs::read_to_string(path)?;
        let language =
            Language::from_name(path).ok_or_else(|| anyhow::anyhow!("{path}: unknown language"))?;
        let parse = match language {
            Language::Css => time(|| {
                std::hint::black_box(parse_only_css(&text));
            }),
            Language::TypeScript => time(|| {
                std::hint::black_box(parse_only_js(&text, true));
            }),
            _ => time(|| {
                std::hint::black_box(parse_only_js(&text, false));
            }),
        };
        let source = Source::file(path.clone());
        let mut loads = 0;
        let scan = time(|| {
            let report = linter.check(&source, &text, language);
            loads = report.loads.len();
            std::hint::black_box(report);
        });
        let name = path.rsplit('/').next().unwrap_or(path);
        println!(
            "{:<34} {:>9} {:>11.1} {:>11.1} {:>6.2}x {:>6}",
            name,
            text.len(),
            mb_per_s(text.len(), parse),
            mb_per_s(text.len(), scan),
            scan.as_secs_f64() / parse.as_secs_f64(),
            loads
        );
        total_bytes += text.len();
        total_parse += parse;
        total_scan += scan;
    }
    println!(
        "{:<34} {:>9} {:>11.1} {:>11.1} {:>6.2}x",
        "TOTAL",
        total_bytes,
        mb_per_s(total_bytes, total_parse),
        mb_per_s(total_bytes, total_scan),
        total_scan.as_secs_f64() / total_parse.as_secs_f64()
    );
    Ok(())
}
