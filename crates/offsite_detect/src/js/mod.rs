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
mod platform;
mod prescan;
mod resolve;
mod sinks;
mod url;

use oxc::allocator::Allocator;
use oxc::diagnostics::LabeledSpan;
use oxc::parser::{ParseOptions, Parser, ParserReturn};
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;

use crate::{Detection, Options, SyntaxError};

/// Detect the loads in a JavaScript (or, with `typescript`, TypeScript) text.
pub fn detect(text: &str, typescript: bool, options: &Options) -> Detection {
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
        return Detection { loads, errors };
    }
    if !prescan::may_load(&parsed.program) {
        return Detection {
            loads: Vec::new(),
            errors,
        };
    }
    let semantic = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&parsed.program)
        .semantic;
    let consent = consent::ConsentAnalysis::new(&semantic, options);
    let resolver = resolve::Resolver::new(&semantic, text);
    let mut loads = sinks::Scanner::new(resolver, consent, options).scan();
    loads.sort_by_key(|l| (l.start, l.end));
    // Markup held in one string and inserted at several places is one load
    // at the string, not one per insertion.
    let mut seen = std::collections::HashSet::new();
    loads.retain(|l| seen.insert((l.start, l.end, l.sink, l.api.clone(), l.url.clone())));
    Detection { loads, errors }
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
