//! Gadget-shaped snippets; the load under test is the call to `LOAD(…)`.

mod actions;
mod conditions;
mod functions;

use oxc::allocator::Allocator;
use oxc::ast::AstKind;
use oxc::ast::ast::Expression;
use oxc::parser::{ParseOptions, Parser};
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;

use super::*;

/// The gate of every `LOAD(…)` call in `source`, in source order, as
/// `consent/kind: reason`.
pub(super) fn gates_with(source: &str, options: &Options) -> Vec<String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::cjs())
        .with_options(ParseOptions {
            allow_return_outside_function: true,
            ..ParseOptions::default()
        })
        .parse();
    assert!(
        !parsed.panicked && parsed.diagnostics.is_empty(),
        "{:?}",
        parsed.diagnostics
    );
    let built = SemanticBuilder::new()
        .with_build_nodes(true)
        .build(&parsed.program);
    let semantic = built.semantic;
    let analysis = ConsentAnalysis::new(&semantic, options);
    let mut loads: Vec<_> = semantic
        .nodes()
        .iter()
        .filter(|n| {
            matches!(n.kind(), AstKind::CallExpression(c)
                if matches!(&c.callee, Expression::Identifier(id) if id.name.as_str() == "LOAD"))
        })
        .map(|n| (n.kind().span().start, n.id()))
        .collect();
    loads.sort_unstable();
    loads
        .into_iter()
        .map(|(_, id)| render(&analysis.gate(id)))
        .collect()
}

fn render(gate: &Gate) -> String {
    let consent = match gate.consent {
        Consent::Gated => "gated",
        Consent::Ungated => "ungated",
        Consent::Unknown => "unknown",
    };
    let kind = match gate.kind {
        Some(ConsentKind::Action) => "/action",
        Some(ConsentKind::Confirm) => "/confirm",
        Some(ConsentKind::Preference) => "/preference",
        None => "",
    };
    match &gate.reason {
        Some(reason) => format!("{consent}{kind}: {reason}"),
        None => format!("{consent}{kind}"),
    }
}

/// The gate of the one `LOAD(…)` call in `source`.
pub(super) fn gate(source: &str) -> String {
    let gates = gates_with(source, &Options::default());
    assert_eq!(gates.len(), 1, "expected one LOAD call in {source}");
    gates.into_iter().next().unwrap_or_default()
}
