//! JavaScript and TypeScript front end: one oxc parse, one semantic pass
//! (scopes, symbols, the node table) and one walk over the nodes.
//!
//! Gadgets are old, sloppy scripts, so text is parsed as a script with
//! `return` allowed at top level (ResourceLoader wraps gadget code in a
//! function); only when that fails is it retried as a module. When oxc cannot
//! recover at all it returns an empty program, and the tree-sitter
//! [`fallback`] finds what it can.
//!
//! # Limits
//!
//! No text can stop or stall the analysis. A linear pre-pass
//! ([`shape`]) runs first; the full analysis is skipped in favour of the
//! fallback (no recursion of ours or oxc's, pieces of at most 32 KiB, noise
//! skipped), with a note in [`Detection::errors`] starting `analysis limit:`,
//! when
//!
//! - the syntax tree could be deeper than [`MAX_DEPTH`] levels: oxc's parser,
//!   its semantic builder and every visitor recurse per level;
//! - the file is minified (Semgrep's rule: lines average over 1,000 bytes)
//!   and over [`MAX_MINIFIED_BYTES`]: oxc's tree and semantic model take about
//!   40 times the text, the fallback a bounded amount per piece;
//! - the file is over [`MAX_FULL_BYTES`], for the same reason.
//!
//! Below those limits, a text deeper than [`CALLER_STACK_DEPTH`] is analysed
//! on a thread of its own with [`crate::ANALYSIS_STACK_SIZE`] of stack, so the
//! caller's stack size does not matter.

mod assigned;
mod candidates;
pub mod consent;
mod elements;
pub mod fallback;
mod flow;
mod fold;
mod library;
mod methods;
mod platform;
mod prescan;
mod resolve;
pub(crate) mod shape;
mod sinks;
mod summary;
mod url;

use oxc::allocator::Allocator;
use oxc::diagnostics::LabeledSpan;
use oxc::parser::{ParseOptions, Parser, ParserReturn};
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;

use crate::crossfile::{FileContext, Summary};
use crate::{ANALYSIS_STACK_SIZE, Detection, Options, SyntaxError};

/// Deepest syntax tree (as [`shape`] over-estimates it) given to oxc. With
/// [`ANALYSIS_STACK_SIZE`] of stack, oxc's parser (about 1.5 KiB of stack
/// per bracket level in a release build, measured: 2 MiB overflowed at
/// ~1,300) and the visitors would manage about 100,000 levels; 2,000 is far
/// below that even for an unoptimised build, and above any hand-written or
/// bundled code we have seen (the estimate counts every operator character
/// of an expression, so a 500-term concatenation already reads as 1,000).
pub const MAX_DEPTH: usize = 2_000;

/// Deepest estimated tree analysed on the caller's thread, whatever its
/// stack: a default 2 MiB thread holds this many levels with room to spare
/// even unoptimised and with markup-in-string recursion on top.
pub const CALLER_STACK_DEPTH: usize = 64;

/// Largest minified file given the full analysis.
pub const MAX_MINIFIED_BYTES: usize = 1024 * 1024;

/// Largest file given the full analysis. MediaWiki pages stay under 2 MiB
/// (`$wgMaxArticleSize`); this only affects local bundles.
pub const MAX_FULL_BYTES: usize = 16 * 1024 * 1024;

/// Detect the loads in a JavaScript (or, with `typescript`, TypeScript) text.
pub fn detect(text: &str, typescript: bool, options: &Options) -> Detection {
    analyse(text, typescript, options, None, false).0
}

/// [`detect`] with the other sources of a scanned set (see `crate::crossfile`).
pub fn detect_in(
    text: &str,
    typescript: bool,
    options: &Options,
    context: Option<FileContext<'_>>,
) -> Detection {
    analyse(text, typescript, options, context, false).0
}

/// [`detect`] and [`summarize`] in one analysis.
pub fn detect_and_summarize(
    text: &str,
    typescript: bool,
    options: &Options,
) -> (Detection, Summary) {
    let (detection, summary) = analyse(text, typescript, options, None, true);
    (detection, summary.unwrap_or_default())
}

/// Pass one of cross-file analysis: what this source offers the others.
pub fn summarize(text: &str, typescript: bool, options: &Options) -> Summary {
    analyse(text, typescript, options, None, true)
        .1
        .unwrap_or_default()
}

/// The analysis within its limits: too deep or too big a text is read with
/// the fallback; a deep one runs on a thread with [`ANALYSIS_STACK_SIZE`].
fn analyse(
    text: &str,
    typescript: bool,
    options: &Options,
    context: Option<FileContext<'_>>,
    want_summary: bool,
) -> (Detection, Option<Summary>) {
    let shape = shape::measure(text);
    if let Some(reason) = too_costly(&shape) {
        let (loads, notes) = fallback::read(text, &shape, options);
        let mut errors = vec![SyntaxError {
            start: 0,
            message: format!(
                "analysis limit: {reason}; read with the error-tolerant fallback \
                 (loads found without aliases or cross-function consent)"
            ),
        }];
        errors.extend(notes);
        return (Detection { loads, errors }, None);
    }
    if shape.depth <= CALLER_STACK_DEPTH && crate::html::nesting() < 2 {
        return full(text, typescript, options, &shape, context, want_summary);
    }
    std::thread::scope(|scope| {
        let analysis = std::thread::Builder::new()
            .name("offsite-analysis".into())
            .stack_size(ANALYSIS_STACK_SIZE)
            .spawn_scoped(scope, || {
                full(text, typescript, options, &shape, context, want_summary)
            });
        match analysis.map(std::thread::ScopedJoinHandle::join) {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => (
                Detection {
                    loads: Vec::new(),
                    errors: vec![SyntaxError {
                        start: 0,
                        message: "analysis limit: the analysis panicked; no loads read".into(),
                    }],
                },
                None,
            ),
            Err(error) => {
                let (loads, notes) = fallback::read(text, &shape, options);
                let mut errors = vec![SyntaxError {
                    start: 0,
                    message: format!(
                        "analysis limit: no thread for the full analysis ({error}); \
                         read with the error-tolerant fallback"
                    ),
                }];
                errors.extend(notes);
                (Detection { loads, errors }, None)
            }
        }
    })
}

/// Why `shape` is too deep or too big for the full analysis, if it is.
fn too_costly(shape: &shape::Shape) -> Option<String> {
    if shape.depth > MAX_DEPTH {
        Some(format!(
            "nested too deeply for the full analysis (about {} levels of \
             brackets, operators or `else if`; the limit is {MAX_DEPTH})",
            shape.depth
        ))
    } else if shape.bytes > MAX_FULL_BYTES {
        Some(format!(
            "{} bytes is over the full analysis' {MAX_FULL_BYTES}",
            shape.bytes
        ))
    } else if shape.minified() && shape.bytes > MAX_MINIFIED_BYTES {
        Some(format!(
            "minified (lines average {} bytes) and {} bytes, over the full \
             analysis' {MAX_MINIFIED_BYTES} for minified code",
            shape.average_line(),
            shape.bytes
        ))
    } else {
        None
    }
}

/// oxc's parse, the semantic model and the sink scan (and, when asked, the
/// summary for cross-file analysis).
fn full(
    text: &str,
    typescript: bool,
    options: &Options,
    shape: &shape::Shape,
    context: Option<FileContext<'_>>,
    want_summary: bool,
) -> (Detection, Option<Summary>) {
    let allocator = Allocator::default();
    let parsed = parse(&allocator, text, typescript);
    let errors: Vec<SyntaxError> = parsed
        .diagnostics
        .iter()
        .map(|d| SyntaxError {
            start: d.labels.iter().map(LabeledSpan::offset).min().unwrap_or(0),
            message: d.message.to_string(),
        })
        .collect();
    if parsed.panicked {
        let (loads, notes) = fallback::read(text, shape, options);
        let mut errors = errors;
        errors.extend(notes);
        return (Detection { loads, errors }, None);
    }
    // With other sources, a call may reach a loader defined elsewhere; a
    // module may export URLs to them.
    let others = context.is_some_and(|c| !c.set.is_empty());
    let module_syntax = want_summary
        && (text.contains("exports")
            || parsed
                .program
                .body
                .iter()
                .any(oxc::ast::ast::Statement::is_module_declaration));
    match prescan::may_load(&parsed.program) {
        prescan::Verdict::NoLoads if !others && !module_syntax => {
            return (
                Detection {
                    loads: Vec::new(),
                    errors,
                },
                None,
            );
        }
        prescan::Verdict::TooDeep => {
            let (loads, notes) = fallback::read(text, shape, options);
            let mut errors = errors;
            errors.push(SyntaxError {
                start: 0,
                message: format!(
                    "analysis limit: the syntax tree nests deeper than {} levels; \
                     read with the error-tolerant fallback",
                    prescan::MAX_WALK_DEPTH
                ),
            });
            errors.extend(notes);
            return (Detection { loads, errors }, None);
        }
        prescan::Verdict::NoLoads | prescan::Verdict::MayLoad => {}
    }
    let semantic = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&parsed.program)
        .semantic;
    let consent = consent::ConsentAnalysis::new(&semantic, options);
    let mut resolver = resolve::Resolver::new(&semantic, text);
    resolver.context = context;
    let (mut loads, params) = sinks::Scanner::new(resolver, consent, options).scan_with_params();
    let summary = want_summary.then(|| {
        let mut resolver = resolve::Resolver::new(&semantic, text);
        summary::summarize(&mut resolver, &params)
    });
    loads.sort_by_key(|l| (l.start, l.end));
    // Markup held in one string and inserted at several places is one load
    // at the string, not one per insertion.
    let mut seen = std::collections::HashSet::new();
    loads.retain(|l| seen.insert((l.start, l.end, l.sink, l.api.clone(), l.url.clone())));
    (Detection { loads, errors }, summary)
}

fn parse<'a>(allocator: &'a Allocator, text: &'a str, typescript: bool) -> ParserReturn<'a> {
    let options = ParseOptions {
        allow_return_outside_function: true,
        ..ParseOptions::default()
    };
    let run = |source_type: SourceType| {
        Parser::new(allocator, text, source_type)
            .with_options(options)
            .parse()
    };
    if typescript {
        return run(SourceType::ts());
    }
    let script = run(SourceType::script());
    if script.diagnostics.is_empty() {
        return script;
    }
    // `import`/`export` are errors in a script; a module parse settles it.
    // Keep the module result only when it is strictly better.
    let module = run(SourceType::mjs());
    let better = (script.panicked && !module.panicked)
        || (module.panicked == script.panicked && module.diagnostics.is_empty());
    if better { module } else { script }
}
