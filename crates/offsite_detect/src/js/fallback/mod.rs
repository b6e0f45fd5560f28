//! Error-tolerant fallback for files oxc cannot parse.
//!
//! oxc gives up on many real syntax errors and returns an empty program.
//! tree-sitter always returns a tree: broken stretches become `ERROR` nodes,
//! and the calls inside them are usually still whole. This pass walks that
//! tree for the load APIs the main detector knows, folds URLs with a
//! scope-free constant table ([`fold`]), and guesses consent from the bracket
//! structure of the tokens ([`consent`]), since the tree's shape around an
//! error cannot be trusted.
//!
//! It is a fallback: it finds less than the main detector (no markup inside
//! strings, no aliases, no inter-procedural consent) and says so through
//! `Consent::Unknown` where it cannot tell.
//!
//! tree-sitter's error recovery is super-linear on text that is not code
//! (about a second per 64 KiB of random brackets, even in 1 KiB pieces), so
//! the text is read in pieces of at most [`PIECE`](super::shape::PIECE) bytes cut between
//! statements ([`shape`](super::shape)), and a piece that does not look like
//! JavaScript at all is skipped with a note instead of parsed. A load that
//! straddles a cut is lost; a consent gate opened in an earlier piece is not
//! seen (the load reads as less gated, never as more).

mod consent;
mod fold;
mod loose;
mod markup;
mod sinks;
mod target;

use offsite_model::Load;
use tree_sitter::{Node, Parser, Tree};

use super::shape::{self, Shape};
use crate::{Options, SyntaxError};
use fold::{Constants, Folder};

/// Loads recoverable from a file with unrecoverable syntax errors, sorted by
/// start offset.
pub fn detect(text: &str, options: &Options) -> Vec<Load> {
    read(text, &shape::measure(text), options).0
}

/// [`detect`] with the text's [`Shape`] measured already, and notes about
/// the stretches skipped as not JavaScript.
pub(super) fn read(text: &str, shape: &Shape, options: &Options) -> (Vec<Load>, Vec<SyntaxError>) {
    let mut loads = Vec::new();
    let mut notes = Vec::new();
    let mut skipped: Option<(usize, usize, usize)> = None;
    for piece in &shape.pieces {
        if piece.is_noise() {
            let (start, _, anomalies) = skipped.unwrap_or((piece.start, 0, 0));
            skipped = Some((start, piece.end, anomalies + piece.anomalies));
            continue;
        }
        notes.extend(skipped.take().map(not_code));
        let Some(part) = text.get(piece.start..piece.end) else {
            continue;
        };
        let base = u32::try_from(piece.start).unwrap_or(u32::MAX);
        loads.extend(detect_piece(part, options).into_iter().map(|mut load| {
            load.start = load.start.saturating_add(base);
            load.end = load.end.saturating_add(base);
            load
        }));
    }
    notes.extend(skipped.map(not_code));
    loads.sort_by_key(|l| (l.start, l.end));
    (loads, notes)
}

fn not_code((start, end, anomalies): (usize, usize, usize)) -> SyntaxError {
    SyntaxError {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        message: format!(
            "analysis limit: bytes {start}..{end} do not look like JavaScript \
             ({anomalies} places no code could be); not read"
        ),
    }
}

/// The fallback on one piece of the text.
fn detect_piece(text: &str, options: &Options) -> Vec<Load> {
    let Some(tree) = parse(text) else {
        return Vec::new();
    };
    let mut constants = Constants::default();
    let mut candidates = Vec::new();
    let mut errors = Vec::new();
    let mut creations = Vec::new();
    for node in Preorder::new(&tree) {
        constants.observe(node, text);
        match node.kind() {
            "call_expression" | "new_expression" | "assignment_expression" => candidates.push(node),
            "ERROR" => errors.push(node),
            _ => {}
        }
        if let Some(creation) = sinks::creation(node, text) {
            creations.push(creation);
        }
    }
    let finder = sinks::Finder {
        folder: Folder {
            text,
            constants: &constants,
        },
        creations: &creations,
    };
    let mut loads: Vec<Load> = candidates.iter().filter_map(|n| finder.load(*n)).collect();
    loads.extend(
        candidates
            .into_iter()
            .flat_map(|n| markup::loads(&finder, n, options)),
    );
    loads.extend(errors.into_iter().flat_map(|e| loose::loads(&finder, e)));
    loads.sort_by_key(|l| (l.start, l.end));
    loads.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.api == b.api);
    consent::apply(&tree, text, options, &mut loads);
    loads
}

fn parse(text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    // Only fails when the grammar's ABI does not match the library's, which
    // the pinned versions rule out; an empty result is the safe answer then.
    parser
        .set_language(&tree_sitter_javascript::LANGUAGE.into())
        .ok()?;
    parser.parse(text, None)
}

/// The source text of `node` (empty if its range is not a char boundary,
/// which tree-sitter never produces for UTF-8 input).
pub(super) fn node_text<'t>(node: Node<'_>, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or("")
}

/// `mw.loader.load` for a callee made only of names and dots, spelled the
/// way the main detector names APIs: `window.`/`self.` dropped, `mediaWiki`
/// written `mw` and `jQuery` written `$`.
pub(super) fn callee_path(node: Node<'_>, text: &str) -> Option<String> {
    let mut parts = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "member_expression" => {
                let property = current.child_by_field_name("property")?;
                if property.kind() != "property_identifier" {
                    return None;
                }
                parts.push(node_text(property, text));
                current = current.child_by_field_name("object")?;
            }
            "identifier" => {
                parts.push(node_text(current, text));
                break;
            }
            "parenthesized_expression" => current = current.named_child(0)?,
            _ => return None,
        }
        if parts.len() > 16 {
            return None;
        }
    }
    parts.reverse();
    Some(normalise(parts))
}

/// Spell a dotted callee the way API names are reported.
pub(super) fn normalise(mut parts: Vec<&str>) -> String {
    while parts.len() > 1 && matches!(parts[0], "window" | "self" | "globalThis") {
        parts.remove(0);
    }
    match parts.first_mut() {
        Some(first) if *first == "mediaWiki" => *first = "mw",
        Some(first) if *first == "jQuery" => *first = "$",
        _ => {}
    }
    parts.join(".")
}

/// Every node of the tree, parents before children, without recursion (a
/// hostile file can nest deeper than the stack allows).
struct Preorder<'t> {
    cursor: tree_sitter::TreeCursor<'t>,
    done: bool,
}

impl<'t> Preorder<'t> {
    fn new(tree: &'t Tree) -> Self {
        Self {
            cursor: tree.walk(),
            done: false,
        }
    }
}

impl<'t> Iterator for Preorder<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        if self.done {
            return None;
        }
        let node = self.cursor.node();
        if !self.cursor.goto_first_child() {
            loop {
                if self.cursor.goto_next_sibling() {
                    break;
                }
                if !self.cursor.goto_parent() {
                    self.done = true;
                    break;
                }
            }
        }
        Some(node)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]
mod tests {
    use super::*;

    fn callee(src: &str) -> Option<String> {
        let tree = parse(src).unwrap();
        let call = Preorder::new(&tree)
            .find(|n| n.kind() == "call_expression")
            .unwrap();
        callee_path(call.child_by_field_name("function").unwrap(), src)
    }

    #[test]
    fn callee_paths_are_normalised() {
        assert_eq!(
            callee("mediaWiki.loader.load(x)").as_deref(),
            Some("mw.loader.load")
        );
        assert_eq!(
            callee("window.jQuery.getScript(x)").as_deref(),
            Some("$.getScript")
        );
        assert_eq!(callee("window.fetch(x)").as_deref(), Some("fetch"));
        assert_eq!(callee("a[0].b(x)"), None);
    }

    #[test]
    fn preorder_visits_every_node_once() {
        let src = "f(a, [b, {c: d}]);";
        let tree = parse(src).unwrap();
        assert_eq!(
            Preorder::new(&tree).count(),
            tree.root_node().descendant_count()
        );
    }
}
