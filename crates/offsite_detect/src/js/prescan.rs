//! A cheap syntactic pass that decides whether a file can hold a load at all,
//! so that the semantic model (about twice the parse time on big bundles) is
//! only built for files that mention a loader.
//!
//! It must be conservative: every load the sink scan can find starts from one
//! of these names (as an identifier, or a property of `window`/`self`/
//! `globalThis`), from `import()`, or from a receiver-agnostic sink
//! (`innerHTML`, `.style`, `insertAdjacentHTML`, jQuery markup methods).

use oxc::ast::ast::{
    AssignmentExpression, CallExpression, Expression, IdentifierReference, ImportExpression,
    Program, StaticMemberExpression, UnaryExpression, UnaryOperator,
};
use oxc::ast_visit::{Visit, walk};

/// Globals a load can start from.
fn is_root(name: &str) -> bool {
    matches!(
        name,
        "mw" | "mediaWiki"
            | "$"
            | "jQuery"
            | "document"
            | "navigator"
            | "fetch"
            | "XMLHttpRequest"
            | "WebSocket"
            | "EventSource"
            | "Worker"
            | "SharedWorker"
            | "Image"
            | "Audio"
            | "FontFace"
            | "importScript"
            | "importStylesheet"
            | "importScriptURI"
            | "importStylesheetURI"
            | "importArticles"
            | "importArticle"
            | "importScriptPage"
            | "importStylesheetPage"
    ) || super::library::is_entry_root(name)
}

/// Objects whose properties are globals.
fn is_global_object(name: &str) -> bool {
    matches!(
        name,
        "window" | "self" | "globalThis" | "top" | "parent" | "frames"
    )
}

/// What the prescan says about a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    NoLoads,
    MayLoad,
    /// Statements and expressions nest deeper than [`MAX_WALK_DEPTH`]: the
    /// depth estimate let through a tree the semantic pass should not walk.
    TooDeep,
}

/// Deepest nesting of statements and expressions walked. The pre-pass in
/// `shape` keeps real trees far below this; it is the guard behind it.
pub(super) const MAX_WALK_DEPTH: usize = 4 * super::MAX_DEPTH;

/// Does `program` contain anything the sink scan could report?
pub(super) fn may_load(program: &Program<'_>) -> Verdict {
    let mut scan = Prescan {
        found: false,
        depth: 0,
        too_deep: false,
    };
    scan.visit_program(program);
    if scan.too_deep {
        Verdict::TooDeep
    } else if scan.found {
        Verdict::MayLoad
    } else {
        Verdict::NoLoads
    }
}

struct Prescan {
    found: bool,
    depth: usize,
    too_deep: bool,
}

impl Prescan {
    /// Enter one level; `false` when the walk must not go deeper.
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_WALK_DEPTH {
            self.too_deep = true;
        }
        if self.too_deep {
            return false;
        }
        self.depth += 1;
        true
    }
}

impl<'a> Visit<'a> for Prescan {
    fn visit_statement(&mut self, it: &oxc::ast::ast::Statement<'a>) {
        if !self.found && self.enter() {
            walk::walk_statement(self, it);
            self.depth -= 1;
        }
    }

    fn visit_expression(&mut self, it: &Expression<'a>) {
        if self.enter() {
            walk::walk_expression(self, it);
            self.depth -= 1;
        }
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        // A bare `window` may be aliased (`(function (w) {…})(window)`);
        // `self`, `top` and `parent` are too common as local names to count.
        if is_root(&it.name) || matches!(it.name.as_str(), "window" | "globalThis") {
            self.found = true;
        }
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if let Expression::Identifier(object) = &it.object
            && is_global_object(&object.name)
        {
            // `window.addEventListener` is no loader; `window.fetch` may be.
            if is_root(&it.property.name) {
                self.found = true;
            }
            return;
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_unary_expression(&mut self, it: &UnaryExpression<'a>) {
        // `typeof window !== 'undefined'` feature tests load nothing.
        if it.operator == UnaryOperator::Typeof
            && let Expression::Identifier(_) = &it.argument
        {
            return;
        }
        walk::walk_unary_expression(self, it);
    }

    fn visit_import_expression(&mut self, _: &ImportExpression<'a>) {
        self.found = true;
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if let Some(member) = it.left.as_member_expression() {
            let style = member
                .object()
                .as_member_expression()
                .is_some_and(|m| m.static_property_name() == Some("style"));
            if style
                || matches!(
                    member.static_property_name(),
                    Some("innerHTML" | "outerHTML")
                )
            {
                self.found = true;
                return;
            }
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let method = it
            .callee
            .as_member_expression()
            .and_then(oxc::ast::ast::MemberExpression::static_property_name);
        let required = matches!(&it.callee, Expression::Identifier(id) if id.name == "require")
            && it.arguments.first().is_some_and(|a| {
                matches!(a, oxc::ast::ast::Argument::StringLiteral(s) if s.value.starts_with("mediawiki"))
            });
        if required
            || matches!(
                method,
                Some(
                    "html"
                        | "append"
                        | "prepend"
                        | "after"
                        | "before"
                        | "replaceWith"
                        | "insertAdjacentHTML"
                        | "setProperty"
                )
            )
        {
            self.found = true;
            return;
        }
        walk::walk_call_expression(self, it);
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None is the failed assertion"
)]
mod tests {
    use oxc::allocator::Allocator;
    use oxc::parser::Parser;
    use oxc::span::SourceType;

    fn may_load(text: &str) -> bool {
        verdict(text) == super::Verdict::MayLoad
    }

    fn verdict(text: &str) -> super::Verdict {
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, text, SourceType::script()).parse();
        super::may_load(&parsed.program)
    }

    /// The guard behind the depth estimate: a walk that would go deeper
    /// than the limit stops and says so instead of overflowing the stack.
    #[test]
    fn a_tree_deeper_than_the_limit_is_reported_not_walked() {
        let terms = super::MAX_WALK_DEPTH + 10;
        let text = format!("x = 'a'{};", " + 'b'".repeat(terms));
        let outcome = std::thread::Builder::new()
            .stack_size(crate::ANALYSIS_STACK_SIZE)
            .spawn(move || verdict(&text))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(outcome, super::Verdict::TooDeep);
        assert_eq!(verdict("x = 'a' + 'b';"), super::Verdict::NoLoads);
    }

    #[test]
    fn loader_mentions_pass() {
        assert!(may_load("var l = mw.loader; l.load(u);"));
        assert!(may_load("(function (w) { w.fetch(u); })(window);"));
        assert!(may_load("self.fetch(u);"));
        assert!(may_load("el.innerHTML = s;"));
        assert!(may_load("el.style.background = s;"));
        assert!(may_load("import(u);"));
        assert!(may_load("var util = require('mediawiki.util');"));
    }

    #[test]
    fn plain_code_is_skipped() {
        assert!(!may_load(
            "var x = [1, 2].map(function (v) { return v * 2; });"
        ));
        assert!(!may_load(
            "if (typeof window !== 'undefined') { f(); } // fetch(u)"
        ));
        assert!(!may_load(
            "window.addEventListener('load', f); var s = 'mw.loader.load';"
        ));
    }
}
