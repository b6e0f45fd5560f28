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

/// Does `program` contain anything the sink scan could report?
pub(super) fn may_load(program: &Program<'_>) -> bool {
    let mut scan = Prescan { found: false };
    scan.visit_program(program);
    scan.found
}

struct Prescan {
    found: bool,
}

impl<'a> Visit<'a> for Prescan {
    fn visit_statement(&mut self, it: &oxc::ast::ast::Statement<'a>) {
        if !self.found {
            walk::walk_statement(self, it);
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
mod tests {
    use oxc::allocator::Allocator;
    use oxc::parser::Parser;
    use oxc::span::SourceType;

    fn may_load(text: &str) -> bool {
        let allocator = Allocator::default();
        let parsed = Parser::new(&allocator, text, SourceType::script()).parse();
        super::may_load(&parsed.program)
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
