//! Constant folding on the tree-sitter CST, without scopes.
//!
//! A file that reaches the fallback has syntax errors, so there is no scope
//! tree to ask. A name is folded only when the whole file declares it exactly
//! once, with an initialiser, and never binds or assigns it anywhere else:
//! then no shadowing or reassignment can change what it holds.

use std::collections::{HashMap, HashSet};

use offsite_model::{DYNAMIC, Resolution};
use tree_sitter::Node;

use super::{callee_path, node_text};

/// How many nodes one fold may visit. Bounds both recursion depth and the
/// blow-up of constants built from constants (`b = a + a; c = b + b; ...`).
const FOLD_BUDGET: u32 = 256;
/// `dynamic_expr` is for a human reading a report line.
const DYNAMIC_EXPR_MAX_CHARS: usize = 80;

/// What is known about the value of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Folded {
    /// The string, with run-time parts written as [`DYNAMIC`].
    pub value: String,
    pub resolution: Resolution,
    /// Source of the first sub-expression that could not be folded.
    pub dynamic_expr: Option<String>,
}

impl Folded {
    fn literal(value: String) -> Self {
        Self {
            value,
            resolution: Resolution::Literal,
            dynamic_expr: None,
        }
    }

    fn constant(value: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            resolution: Resolution::Constant,
            dynamic_expr: None,
        }
    }

    fn dynamic(expr: &str) -> Self {
        Self {
            value: DYNAMIC.to_owned(),
            resolution: Resolution::Dynamic,
            dynamic_expr: Some(trim_expr(expr)),
        }
    }

    /// Nothing at all is known.
    pub fn is_unknown(&self) -> bool {
        self.value == DYNAMIC
    }

    /// A fully known string (no run-time part).
    pub fn known(&self) -> Option<&str> {
        (self.resolution != Resolution::Dynamic).then_some(self.value.as_str())
    }

    fn concat(mut self, other: Self) -> Self {
        self.value.push_str(&other.value);
        self.resolution = match (self.resolution, other.resolution) {
            (Resolution::Dynamic, _) | (_, Resolution::Dynamic) => Resolution::Dynamic,
            _ => Resolution::Constant,
        };
        self.dynamic_expr = self.dynamic_expr.or(other.dynamic_expr);
        self
    }

    fn at_least_constant(mut self) -> Self {
        if self.resolution == Resolution::Literal {
            self.resolution = Resolution::Constant;
        }
        self
    }
}

/// Collapse whitespace and cut to [`DYNAMIC_EXPR_MAX_CHARS`].
pub(super) fn trim_expr(expr: &str) -> String {
    let collapsed = expr.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= DYNAMIC_EXPR_MAX_CHARS {
        return collapsed;
    }
    let mut cut: String = collapsed.chars().take(DYNAMIC_EXPR_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// File-wide single-assignment bindings, filled while walking the tree.
#[derive(Default)]
pub(super) struct Constants<'t> {
    declared: HashMap<&'t str, (u32, Option<Node<'t>>)>,
    poisoned: HashSet<&'t str>,
}

impl<'t> Constants<'t> {
    /// Record what `node` says about bindings (called for every node).
    pub fn observe(&mut self, node: Node<'t>, text: &'t str) {
        match node.kind() {
            "variable_declarator" => {
                let Some(name) = node.child_by_field_name("name") else {
                    return;
                };
                if name.kind() == "identifier" {
                    let entry = self
                        .declared
                        .entry(node_text(name, text))
                        .or_insert((0, None));
                    entry.0 += 1;
                    // `var a = 1 +;` parses as `var a = 1` next to an error:
                    // a declaration touched by an error has no known value.
                    let broken = node.has_error() || node.parent().is_some_and(|p| p.has_error());
                    entry.1 = if broken {
                        None
                    } else {
                        node.child_by_field_name("value")
                    };
                }
            }
            // Each pattern node is visited on its own, so only its direct
            // names are taken here: linear even for deeply nested patterns.
            "formal_parameters" | "object_pattern" | "array_pattern" | "rest_pattern"
            | "namespace_import" | "import_clause" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    self.poison(child, text);
                }
            }
            "assignment_pattern"
            | "object_assignment_pattern"
            | "assignment_expression"
            | "augmented_assignment_expression"
            | "for_in_statement" => self.poison_field(node, "left", text),
            "pair_pattern" => self.poison_field(node, "value", text),
            "update_expression" => self.poison_field(node, "argument", text),
            "arrow_function" | "catch_clause" => self.poison_field(node, "parameter", text),
            "function_declaration"
            | "function_expression"
            | "generator_function_declaration"
            | "generator_function"
            | "class_declaration"
            | "class" => self.poison_field(node, "name", text),
            "import_specifier" => {
                self.poison_field(node, "name", text);
                self.poison_field(node, "alias", text);
            }
            _ => {}
        }
    }

    fn poison_field(&mut self, node: Node<'t>, field: &str, text: &'t str) {
        if let Some(target) = node.child_by_field_name(field) {
            self.poison(target, text);
        }
    }

    /// `node` is in a binding or assignment position. Only a bare name is
    /// bound: member targets (`a.b = 1`) do not change what `a` holds, and
    /// nested patterns are visited by [`Self::observe`] themselves.
    fn poison(&mut self, node: Node<'t>, text: &'t str) {
        if matches!(
            node.kind(),
            "identifier" | "shorthand_property_identifier_pattern"
        ) {
            self.poisoned.insert(node_text(node, text));
        }
    }

    fn value_of(&self, name: &str) -> Option<Node<'t>> {
        if self.poisoned.contains(name) {
            return None;
        }
        match self.declared.get(name) {
            Some((1, Some(value))) => Some(*value),
            _ => None,
        }
    }
}

/// Folds expressions of one file.
pub(super) struct Folder<'a, 't> {
    pub text: &'t str,
    pub constants: &'a Constants<'t>,
}

impl<'t> Folder<'_, 't> {
    pub fn fold(&self, node: Node<'t>) -> Folded {
        let mut budget = FOLD_BUDGET;
        self.fold_inner(node, &mut budget)
    }

    fn fold_inner(&self, node: Node<'t>, budget: &mut u32) -> Folded {
        let source = node_text(node, self.text);
        if *budget == 0 || node.is_missing() || node.is_error() {
            return Folded::dynamic(source);
        }
        *budget -= 1;
        match node.kind() {
            "string" => Folded::literal(string_value(node, self.text)),
            "template_string" => self.template(node, budget),
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.fold_inner(inner, budget),
                None => Folded::dynamic(source),
            },
            "binary_expression" => {
                let op = node.child_by_field_name("operator").map(|o| o.kind());
                match (
                    op,
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) {
                    (Some("+"), Some(l), Some(r)) => {
                        let left = self.fold_inner(l, budget);
                        left.concat(self.fold_inner(r, budget))
                    }
                    _ => Folded::dynamic(source),
                }
            }
            "number" => Folded::constant(source),
            "identifier" => match self.constants.value_of(source) {
                Some(value) => self.fold_inner(value, budget).at_least_constant(),
                None => Folded::dynamic(source),
            },
            "call_expression" => self
                .wiki_value_call(node)
                .unwrap_or_else(|| Folded::dynamic(source)),
            "member_expression" => match callee_path(node, self.text).as_deref() {
                // The page runs on the wiki, so its origin is the wiki's server.
                Some("location.origin" | "document.location.origin") => {
                    Folded::constant("${wgServer}")
                }
                _ => Folded::dynamic(source),
            },
            _ => Folded::dynamic(source),
        }
    }

    fn template(&self, node: Node<'t>, budget: &mut u32) -> Folded {
        let mut out = Folded::literal(String::new());
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            let part = match child.kind() {
                "string_fragment" => Folded::literal(node_text(child, self.text).to_owned()),
                "escape_sequence" => Folded::literal(unescape(node_text(child, self.text))),
                "template_substitution" => match child.named_child(0) {
                    Some(expr) => self.fold_inner(expr, budget),
                    None => Folded::dynamic(node_text(child, self.text)),
                },
                _ => continue,
            };
            let literal =
                out.resolution == Resolution::Literal && part.resolution == Resolution::Literal;
            out = out.concat(part);
            if literal {
                out.resolution = Resolution::Literal;
            }
        }
        out
    }

    /// `mw.config.get('wgServer')` and friends: values of the wiki itself.
    fn wiki_value_call(&self, node: Node<'t>) -> Option<Folded> {
        let callee = callee_path(node.child_by_field_name("function")?, self.text)?;
        let first = node
            .child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .filter(|a| a.kind() == "string")
            .map(|a| string_value(a, self.text));
        match (callee.as_str(), first.as_deref()) {
            (
                "mw.config.get",
                Some(key @ ("wgServer" | "wgScript" | "wgScriptPath" | "wgArticlePath")),
            ) => Some(Folded::constant(format!("${{{key}}}"))),
            ("mw.util.wikiScript", None | Some("index")) => Some(Folded::constant("${wgScript}")),
            ("mw.util.wikiScript", Some(other)) => {
                Some(Folded::constant(format!("${{wgScriptPath}}/{other}.php")))
            }
            _ => None,
        }
    }
}

/// The value of a `string` node, escapes decoded.
pub(super) fn string_value(node: Node<'_>, text: &str) -> String {
    let mut out = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_fragment" => out.push_str(node_text(child, text)),
            "escape_sequence" => out.push_str(&unescape(node_text(child, text))),
            _ => {}
        }
    }
    out
}

/// Decode one JavaScript escape sequence (`\n`, `\x41`, `\u0041`, `\u{1F600}`).
fn unescape(seq: &str) -> String {
    let body = seq.strip_prefix('\\').unwrap_or(seq);
    let hex = |h: &str| u32::from_str_radix(h, 16).ok().and_then(char::from_u32);
    let decoded = match body.chars().next() {
        Some('n') => Some('\n'),
        Some('t') => Some('\t'),
        Some('r') => Some('\r'),
        Some('b') => Some('\u{8}'),
        Some('f') => Some('\u{c}'),
        Some('v') => Some('\u{b}'),
        Some('0') if body.len() == 1 => Some('\0'),
        Some('x') => body.get(1..).and_then(hex),
        Some('u') => body
            .get(1..)
            .map(|h| h.trim_start_matches('{').trim_end_matches('}'))
            .and_then(hex),
        // A line continuation contributes nothing.
        Some('\n' | '\r' | '\u{2028}' | '\u{2029}') => return String::new(),
        Some(c) => Some(c),
        None => None,
    };
    decoded.map_or_else(|| seq.to_owned(), String::from)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode() {
        assert_eq!(unescape("\\x41"), "A");
        assert_eq!(unescape("\\u0041"), "A");
        assert_eq!(unescape("\\u{1F600}"), "😀");
        assert_eq!(unescape("\\/"), "/");
        assert_eq!(unescape("\\\n"), "");
        assert_eq!(unescape("\\u{zz}"), "\\u{zz}");
    }

    #[test]
    fn long_expressions_are_cut_to_80_chars() {
        let long = format!("f({})", "a + ".repeat(60));
        let cut = trim_expr(&long);
        assert_eq!(cut.chars().count(), 80);
        assert!(cut.ends_with('…'));
        assert_eq!(trim_expr("a  +\n  b"), "a + b");
    }
}
