//! Conditions that hold only once the user consented: `confirm()`,
//! `OO.ui.confirm()`'s answer, stored opt-ins and configured consent
//! functions, and the `if`, `&&`, `? :` and early-exit shapes around them.

use offsite_model::ConsentKind;
use oxc::ast::AstKind;
use oxc::ast::ast::{
    BinaryExpression, BindingPattern, CallExpression, Expression, IdentifierReference, Statement,
};
use oxc::semantic::NodeId;
use oxc::span::GetSpan;
use oxc::syntax::operator::{BinaryOperator, LogicalOperator, UnaryOperator};

use super::ConsentAnalysis;
use super::events::{dotted_path, static_string, unqualified};

/// How far `var ok = confirm(…); if (ok)` chains of variables are followed.
const MAX_ALIAS_DEPTH: u8 = 4;

/// A consent condition: what kind and what a person reads in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Found {
    pub kind: ConsentKind,
    pub reason: String,
}

impl Found {
    fn new(kind: ConsentKind, reason: impl Into<String>) -> Self {
        Self {
            kind,
            reason: reason.into(),
        }
    }
}

impl ConsentAnalysis<'_, '_> {
    /// `Some` when `expr` being truthy implies the user consented.
    pub(super) fn truthy_means_consent(&self, expr: &Expression<'_>, depth: u8) -> Option<Found> {
        match expr.get_inner_expression() {
            Expression::CallExpression(call) => self.consent_call(call),
            Expression::AwaitExpression(a) => {
                // `await OO.ui.confirm(…)` is the user's boolean answer.
                if let Expression::CallExpression(call) = a.argument.get_inner_expression()
                    && is_oo_ui_confirm(call)
                {
                    return Some(Found::new(ConsentKind::Confirm, "after OO.ui.confirm()"));
                }
                self.truthy_means_consent(&a.argument, depth)
            }
            Expression::LogicalExpression(l) => match l.operator {
                LogicalOperator::And => self
                    .truthy_means_consent(&l.left, depth)
                    .or_else(|| self.truthy_means_consent(&l.right, depth)),
                LogicalOperator::Or => {
                    let left = self.truthy_means_consent(&l.left, depth)?;
                    self.truthy_means_consent(&l.right, depth).map(|_| left)
                }
                LogicalOperator::Coalesce => None,
            },
            Expression::UnaryExpression(u) if u.operator == UnaryOperator::LogicalNot => {
                self.falsy_means_consent(&u.argument, depth)
            }
            Expression::BinaryExpression(b) => self.comparison(b, true, depth),
            Expression::Identifier(id) => self.identifier_means_consent(id, depth, true),
            _ => None,
        }
    }

    /// `Some` when `expr` being falsy implies the user consented
    /// (`if (!confirm(…)) return;`).
    pub(super) fn falsy_means_consent(&self, expr: &Expression<'_>, depth: u8) -> Option<Found> {
        match expr.get_inner_expression() {
            Expression::UnaryExpression(u) if u.operator == UnaryOperator::LogicalNot => {
                self.truthy_means_consent(&u.argument, depth)
            }
            Expression::LogicalExpression(l) => match l.operator {
                LogicalOperator::Or => self
                    .falsy_means_consent(&l.left, depth)
                    .or_else(|| self.falsy_means_consent(&l.right, depth)),
                LogicalOperator::And => {
                    let left = self.falsy_means_consent(&l.left, depth)?;
                    self.falsy_means_consent(&l.right, depth).map(|_| left)
                }
                LogicalOperator::Coalesce => None,
            },
            Expression::BinaryExpression(b) => self.comparison(b, false, depth),
            Expression::Identifier(id) => self.identifier_means_consent(id, depth, false),
            _ => None,
        }
    }

    /// `x === '1'`, `x !== null` and their negations. Presence checks
    /// (`!== null`) only count for stored values, never for `confirm()`,
    /// which is never `null`.
    fn comparison(&self, b: &BinaryExpression<'_>, truthy: bool, depth: u8) -> Option<Found> {
        let (value, literal) = if is_literal(&b.right) {
            (&b.left, &b.right)
        } else if is_literal(&b.left) {
            (&b.right, &b.left)
        } else {
            return None;
        };
        let equal = match b.operator {
            BinaryOperator::StrictEquality | BinaryOperator::Equality => true,
            BinaryOperator::StrictInequality | BinaryOperator::Inequality => false,
            _ => return None,
        };
        // After this, the condition as used means `value == literal` (when
        // `matches`) or `value != literal`.
        let matches = equal == truthy;
        if matches && is_truthy_literal(literal) {
            return self.truthy_means_consent(value, depth);
        }
        if !matches && is_nullish(literal) {
            return self
                .truthy_means_consent(value, depth)
                .filter(|found| found.kind == ConsentKind::Preference);
        }
        None
    }

    /// `var ok = confirm(…)` (never reassigned), or the answer parameter of
    /// `OO.ui.confirm(…).done(function (ok) {…})`.
    fn identifier_means_consent(
        &self,
        id: &IdentifierReference<'_>,
        depth: u8,
        truthy: bool,
    ) -> Option<Found> {
        if depth >= MAX_ALIAS_DEPTH {
            return None;
        }
        let scoping = self.semantic.scoping();
        let symbol = scoping.get_reference(id.reference_id.get()?).symbol_id()?;
        if scoping.symbol_is_mutated(symbol) {
            return None;
        }
        let declaration = scoping.symbol_declaration(symbol);
        match self.semantic.nodes().kind(declaration) {
            AstKind::VariableDeclarator(d) => {
                let BindingPattern::BindingIdentifier(_) = &d.id else {
                    return None;
                };
                let init = d.init.as_ref()?;
                if truthy {
                    self.truthy_means_consent(init, depth + 1)
                } else {
                    self.falsy_means_consent(init, depth + 1)
                }
            }
            AstKind::FormalParameter(p) if truthy => {
                let params_id = self.semantic.nodes().parent_id(declaration);
                let AstKind::FormalParameters(params) = self.semantic.nodes().kind(params_id)
                else {
                    return None;
                };
                if params.items.first().map(GetSpan::span) != Some(p.span) {
                    return None;
                }
                let function = self.semantic.nodes().parent_id(params_id);
                self.is_confirm_resolution(function)
                    .then(|| Found::new(ConsentKind::Confirm, "after OO.ui.confirm()"))
            }
            _ => None,
        }
    }

    /// Is `function` the callback of `OO.ui.confirm(…).done(…)` / `.then(…)`?
    fn is_confirm_resolution(&self, function: NodeId) -> bool {
        let nodes = self.semantic.nodes();
        if !matches!(
            nodes.kind(function),
            AstKind::Function(_) | AstKind::ArrowFunctionExpression(_)
        ) {
            return false;
        }
        let span = nodes.kind(function).span();
        let Some(AstKind::CallExpression(call)) = nodes
            .ancestor_kinds(function)
            .find(|k| !matches!(k, AstKind::ParenthesizedExpression(_)))
        else {
            return false;
        };
        let Expression::StaticMemberExpression(m) = call.callee.get_inner_expression() else {
            return false;
        };
        let first_is_function = call
            .arguments
            .first()
            .is_some_and(|a| a.span().contains_inclusive(span));
        first_is_function
            && matches!(m.property.name.as_str(), "done" | "then")
            && matches!(m.object.get_inner_expression(), Expression::CallExpression(c) if is_oo_ui_confirm(c))
    }

    /// A call whose truthy result means consent.
    fn consent_call(&self, call: &CallExpression<'_>) -> Option<Found> {
        let path = dotted_path(&call.callee)?;
        let path = unqualified(&path);
        let key = || {
            call.arguments
                .first()
                .and_then(|a| a.as_expression())
                .and_then(static_string)
        };
        let shown = || key().map_or_else(|| String::from("(computed key)"), |k| format!("'{k}'"));
        if self
            .consent_functions
            .iter()
            .any(|f| unqualified(f) == path)
        {
            return Some(Found::new(
                ConsentKind::Preference,
                format!("behind consent function {path}()"),
            ));
        }
        match path {
            // A local function named `confirm` is not the browser's dialog.
            "confirm" if self.root_is_global(&call.callee) => {
                Some(Found::new(ConsentKind::Confirm, "after confirm()"))
            }
            "mw.user.options.get" | "mediaWiki.user.options.get" => {
                // Only script and gadget preferences are opt-ins; `skin` or
                // `language` say nothing about consent.
                let key = key()?;
                (key.starts_with("userjs-") || key.starts_with("gadget-")).then(|| {
                    Found::new(
                        ConsentKind::Preference,
                        format!("behind mw.user.options '{key}'"),
                    )
                })
            }
            "localStorage.getItem" | "sessionStorage.getItem"
                if self.root_is_global(&call.callee) =>
            {
                let store = path.split('.').next().unwrap_or(path);
                Some(Found::new(
                    ConsentKind::Preference,
                    format!("behind {store} {}", shown()),
                ))
            }
            "mw.storage.get"
            | "mw.storage.getObject"
            | "mw.storage.session.get"
            | "mw.storage.session.getObject" => Some(Found::new(
                ConsentKind::Preference,
                format!("behind mw.storage {}", shown()),
            )),
            "mw.cookie.get" => Some(Found::new(
                ConsentKind::Preference,
                format!("behind mw.cookie {}", shown()),
            )),
            // With one argument `$.cookie` reads; with two it writes.
            "$.cookie" | "jQuery.cookie" if call.arguments.len() == 1 => Some(Found::new(
                ConsentKind::Preference,
                format!("behind $.cookie {}", shown()),
            )),
            _ => None,
        }
    }

    /// Is the leftmost identifier of `expr` an unbound (global) name?
    pub(super) fn root_is_global(&self, expr: &Expression<'_>) -> bool {
        let mut expr = expr.get_inner_expression();
        loop {
            match expr {
                Expression::StaticMemberExpression(m) => expr = m.object.get_inner_expression(),
                Expression::ComputedMemberExpression(m) => expr = m.object.get_inner_expression(),
                Expression::Identifier(id) => {
                    return id.reference_id.get().is_none_or(|r| {
                        self.semantic
                            .scoping()
                            .get_reference(r)
                            .symbol_id()
                            .is_none()
                    });
                }
                _ => return false,
            }
        }
    }

    /// A guard among `statements` that ends before offset `before` and lets
    /// execution past it only with consent: `if (!ok) return;`.
    ///
    /// Only the first guard of a list can matter (any later one ends later),
    /// so it is found once per list and kept: asking for every load of a
    /// long list stays linear instead of rescanning the earlier statements.
    pub(super) fn early_exit_guard(
        &self,
        statements: &[Statement<'_>],
        before: u32,
    ) -> Option<Found> {
        let key = (statements.as_ptr() as usize, statements.len());
        if let Some(first) = self.first_guards.borrow().get(&key) {
            return first
                .as_ref()
                .filter(|(end, _)| *end <= before)
                .map(|(_, found)| found.clone());
        }
        let first = self.first_guard(statements);
        let answer = first
            .as_ref()
            .filter(|(end, _)| *end <= before)
            .map(|(_, found)| found.clone());
        self.first_guards.borrow_mut().insert(key, first);
        answer
    }

    /// The first statement of `statements` that is a consent guard, with
    /// the offset where it ends.
    fn first_guard(&self, statements: &[Statement<'_>]) -> Option<(u32, Found)> {
        statements
            .iter()
            .filter_map(|s| match s {
                Statement::IfStatement(i) => Some(i),
                _ => None,
            })
            .find_map(|i| {
                let found = if always_exits(&i.consequent) {
                    self.falsy_means_consent(&i.test, 0)
                } else if i.alternate.as_ref().is_some_and(always_exits) {
                    self.truthy_means_consent(&i.test, 0)
                } else {
                    None
                };
                found.map(|f| (i.span.end, f))
            })
    }
}

fn is_oo_ui_confirm(call: &CallExpression<'_>) -> bool {
    dotted_path(&call.callee).is_some_and(|p| unqualified(&p) == "OO.ui.confirm")
}

/// Does control never fall through the end of `statement`?
fn always_exits(statement: &Statement<'_>) -> bool {
    match statement {
        Statement::ReturnStatement(_)
        | Statement::ThrowStatement(_)
        | Statement::BreakStatement(_)
        | Statement::ContinueStatement(_) => true,
        Statement::BlockStatement(b) => b.body.last().is_some_and(always_exits),
        Statement::IfStatement(i) => {
            always_exits(&i.consequent) && i.alternate.as_ref().is_some_and(always_exits)
        }
        _ => false,
    }
}

fn is_literal(expr: &Expression<'_>) -> bool {
    is_nullish(expr)
        || matches!(
            expr.get_inner_expression(),
            Expression::StringLiteral(_)
                | Expression::NumericLiteral(_)
                | Expression::BooleanLiteral(_)
        )
}

fn is_nullish(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::NullLiteral(_) => true,
        Expression::Identifier(id) => id.name.as_str() == "undefined",
        _ => false,
    }
}

/// A literal that only a deliberately stored value can equal: not empty,
/// not `'0'` / `'false'` / `0` / `false`.
fn is_truthy_literal(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::StringLiteral(s) => !matches!(s.value.as_str(), "" | "0" | "false"),
        Expression::NumericLiteral(n) => n.value != 0.0 && !n.value.is_nan(),
        Expression::BooleanLiteral(b) => b.value,
        _ => false,
    }
}
