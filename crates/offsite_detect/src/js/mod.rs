//! JavaScript and TypeScript front end: one oxc parse, one semantic pass
//! (scopes, symbols, the node table) and one walk over the nodes.
//!
//! Gadgets are old, sloppy scripts, so text is parsed as a script with
//! `return` allowed at top level (ResourceLoader wraps gadget code in a
//! function); only when that fails is it retried as a module. When oxc cannot
//! recover at all it returns an empty program, and the tree-sitter
//! [`fallback`] finds what it can.

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
mod sinks;
mod summary;
mod url;

use oxc::allocator::Allocator;
use oxc::diagnostics::LabeledSpan;
use oxc::parser::{ParseOptions, Parser, ParserReturn};
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;

use crate::crossfile::{FileContext, Summary};
use crate::{Detection, Options, SyntaxError};

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

fn analyse(
    text: &str,
    typescript: bool,
    options: &Options,
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
        let mut loads = fallback::detect(text, options);
        loads.sort_by_key(|l| (l.start, l.end));
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
    if !others && !module_syntax && !prescan::may_load(&parsed.program) {
        return (
            Detection {
                loads: Vec::new(),
                errors,
            },
            None,
        );
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
