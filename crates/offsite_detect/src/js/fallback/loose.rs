//! Calls that tree-sitter left as loose tokens inside an `ERROR` node.
//!
//! Right at a syntax error the parser may not build a `call_expression`:
//! `function f( {` followed by `fetch('u');` reads as the head of a method in
//! an object pattern, so `fetch`, `(`, `'u'`, `)` are bare children of the
//! error. Here a dotted name followed by a parenthesised argument list among
//! an error's children is read as a call of that name.

use offsite_model::Load;
use tree_sitter::Node;

use super::sinks::{Finder, Site};
use super::{node_text, normalise};

/// Loads among the direct children of the `ERROR` node `error`.
pub(super) fn loads<'t>(finder: &Finder<'_, 't>, error: Node<'t>) -> Vec<Load> {
    let mut cursor = error.walk();
    let children: Vec<Node<'t>> = error
        .children(&mut cursor)
        .filter(|c| c.kind() != "comment" && !c.is_missing())
        .collect();
    let mut out = Vec::new();
    for (open, child) in children.iter().enumerate() {
        if child.kind() != "(" {
            continue;
        }
        let Some((name_start, parts)) = dotted_name(&children[..open], finder.folder.text) else {
            continue;
        };
        let Some((args, close)) = arguments(&children[open + 1..]) else {
            continue;
        };
        let site = Site {
            start: children[name_start].start_byte(),
            end: close.end_byte(),
        };
        if let Some(load) = finder.by_path(site, &normalise(parts), &args) {
            out.push(load);
        }
    }
    out
}

/// The dotted name that ends `tokens`, and the index where it starts.
fn dotted_name<'t>(tokens: &[Node<'_>], text: &'t str) -> Option<(usize, Vec<&'t str>)> {
    let mut parts = Vec::new();
    let mut index = tokens.len();
    loop {
        let name = tokens.get(index.checked_sub(1)?)?;
        if !matches!(name.kind(), "identifier" | "property_identifier") {
            return None;
        }
        index -= 1;
        parts.push(node_text(*name, text));
        match index.checked_sub(1).and_then(|i| tokens.get(i)) {
            Some(dot) if dot.kind() == "." && parts.len() < 16 => index -= 1,
            _ => break,
        }
    }
    parts.reverse();
    Some((index, parts))
}

/// The argument expressions up to the closing `)`, which must be a sibling.
fn arguments<'t>(tokens: &[Node<'t>]) -> Option<(Vec<Node<'t>>, Node<'t>)> {
    let mut args = Vec::new();
    for token in tokens {
        match token.kind() {
            ")" => return Some((args, *token)),
            "," => {}
            "(" | "{" | "}" | ";" | "ERROR" => return None,
            _ if token.is_named() => args.push(*token),
            _ => return None,
        }
    }
    None
}
