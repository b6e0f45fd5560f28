//! Values that move: variables assigned more than once, arrays indexed by a
//! run-time value, small functions that return a URL, and helpers that take a
//! URL and hand it to a loader (`function loadJS(u) { mw.loader.load(u) }`).
//!
//! Everything here is flow-insensitive and bounded: several candidate values
//! are merged into their common known prefix, and helper calls are followed a
//! few hops at most.

use offsite_model::{DYNAMIC, Resolution};
use oxc::ast::AstKind;
use oxc::ast::ast::{
    ArrowFunctionBody, AssignmentOperator, BindingPattern, CallExpression, Expression,
    FormalParameters, FunctionBody, Statement, VariableDeclarator,
};
use oxc::semantic::{NodeId, SymbolId};
use oxc::span::{GetSpan, Span};

use super::fold::Folded;
use super::resolve::Resolver;

/// Candidate values beyond this make a binding unknown.
const MAX_CANDIDATES: usize = 16;

/// A function's parameters and the single expression it returns.
pub(super) struct Returns<'a> {
    pub params: &'a FormalParameters<'a>,
    pub value: &'a Expression<'a>,
}

impl<'a> Resolver<'_, 'a> {
    /// A variable written several times (`var u; u = '…'`, `t += '/v2'`,
    /// a reassignment under an `if`): the known prefix all values share.
    pub(super) fn fold_writes(
        &mut self,
        symbol: SymbolId,
        declarator: &'a VariableDeclarator<'a>,
        depth: u32,
    ) -> Option<Folded> {
        let nodes = self.semantic.nodes();
        let scoping = self.semantic.scoping();
        let mut values: Vec<&'a Expression<'a>> = declarator.init.iter().collect();
        for redeclaration in scoping.symbol_redeclarations(symbol) {
            if let AstKind::VariableDeclarator(d) = nodes.kind(redeclaration.declaration)
                && let Some(init) = &d.init
            {
                values.push(init);
            }
        }
        let mut appended = false;
        for reference in scoping.get_resolved_references(symbol) {
            if !reference.is_write() {
                continue;
            }
            match nodes.parent_kind(reference.node_id()) {
                AstKind::AssignmentExpression(a) if a.operator == AssignmentOperator::Assign => {
                    values.push(&a.right);
                }
                AstKind::AssignmentExpression(a) if a.operator == AssignmentOperator::Addition => {
                    appended = true;
                }
                _ => return None,
            }
            if values.len() > MAX_CANDIDATES {
                return None;
            }
        }
        if !appended
            && values.len() > 1
            && let Some(i) = self.choose(declarator.span.start, values.len())
        {
            let mut folded = self.fold_part(values[i], depth);
            if folded.resolution == Resolution::Literal {
                folded.resolution = Resolution::Constant;
            }
            return Some(folded);
        }
        let folds: Vec<Folded> = values
            .into_iter()
            .map(|v| self.fold_part(v, depth))
            .collect();
        merge(&folds, appended, declarator.id.span())
    }

    /// `CALLS.list[i]`: any element of a constant array.
    pub(super) fn fold_any_element(
        &mut self,
        array: &'a oxc::ast::ast::ArrayExpression<'a>,
        span: Span,
        depth: u32,
    ) -> Option<Folded> {
        if array.elements.is_empty() || array.elements.len() > MAX_CANDIDATES {
            return None;
        }
        let mut folds = Vec::new();
        for element in &array.elements {
            folds.push(self.fold_part(element.as_expression()?, depth));
        }
        merge(&folds, false, span)
    }

    /// The function a callee names, when it returns one expression:
    /// `function cdn(p) { return BASE + p; }`, `const cdn = p => BASE + p`.
    pub(super) fn returns(&self, callee: &'a Expression<'a>) -> Option<Returns<'a>> {
        let Expression::Identifier(ident) = callee.get_inner_expression() else {
            return None;
        };
        let symbol = self.binding(ident).ok()?;
        if !self.is_constant_symbol(symbol) {
            return None;
        }
        let nodes = self.semantic.nodes();
        let function = match nodes.kind(self.semantic.scoping().symbol_declaration(symbol)) {
            AstKind::Function(f) => AstKind::Function(f),
            AstKind::VariableDeclarator(d) => match d.init.as_ref()?.get_inner_expression() {
                Expression::FunctionExpression(f) => AstKind::Function(f),
                Expression::ArrowFunctionExpression(a) => AstKind::ArrowFunctionExpression(a),
                _ => return None,
            },
            _ => return None,
        };
        match function {
            AstKind::Function(f) => Some(Returns {
                params: &f.params,
                value: single_return(f.body.as_ref()?)?,
            }),
            AstKind::ArrowFunctionExpression(a) => {
                let value = match &a.body {
                    ArrowFunctionBody::FunctionBody(body) => single_return(body)?,
                    body => body.as_expression()?,
                };
                Some(Returns {
                    params: &a.params,
                    value,
                })
            }
            _ => None,
        }
    }

    /// The position of parameter `param` in its function's list.
    pub(super) fn param_index(&self, param: SymbolId) -> Option<usize> {
        let nodes = self.semantic.nodes();
        let decl = self.semantic.scoping().symbol_declaration(param);
        let AstKind::FormalParameter(p) = nodes.kind(decl) else {
            return None;
        };
        let AstKind::FormalParameters(params) = nodes.parent_kind(decl) else {
            return None;
        };
        params.items.iter().position(|item| item.span == p.span)
    }

    /// The calls of the function that declares parameter `param`, with the
    /// parameter's position. `None` when the function has no name to call it by.
    pub(super) fn helper_calls(
        &mut self,
        param: SymbolId,
    ) -> Option<(usize, Vec<(NodeId, &'a CallExpression<'a>)>)> {
        let nodes = self.semantic.nodes();
        let scoping = self.semantic.scoping();
        let decl = scoping.symbol_declaration(param);
        let AstKind::FormalParameter(p) = nodes.kind(decl) else {
            return None;
        };
        let params_id = nodes.parent_id(decl);
        let AstKind::FormalParameters(params) = nodes.kind(params_id) else {
            return None;
        };
        let index = params.items.iter().position(|item| item.span == p.span)?;
        let function_id = nodes.parent_id(params_id);
        let function_symbol = match nodes.kind(function_id) {
            AstKind::Function(f) if f.id.is_some() => f.id.as_ref()?.symbol_id.get()?,
            _ => {
                let mut parent = nodes.parent_id(function_id);
                while let AstKind::ParenthesizedExpression(_) = nodes.kind(parent) {
                    parent = nodes.parent_id(parent);
                }
                if let AstKind::VariableDeclarator(d) = nodes.kind(parent) {
                    match &d.id {
                        BindingPattern::BindingIdentifier(id) => id.symbol_id.get()?,
                        _ => return None,
                    }
                } else {
                    // A method: its callers by name.
                    let name = self.method_name(function_id)?;
                    return Some((index, self.method_calls(&name)));
                }
            }
        };
        if !self.is_constant_symbol(function_symbol) {
            return None;
        }
        let mut calls = Vec::new();
        for reference in scoping.get_resolved_references(function_symbol) {
            let use_id = reference.node_id();
            let call_id = nodes.parent_id(use_id);
            if let AstKind::CallExpression(call) = nodes.kind(call_id)
                && call.callee.get_inner_expression().span() == nodes.kind(use_id).span()
            {
                calls.push((call_id, call));
            }
        }
        Some((index, calls))
    }
}

/// The expression of a body that is exactly `return <expr>;`.
fn single_return<'a>(body: &'a FunctionBody<'a>) -> Option<&'a Expression<'a>> {
    match body.statements.as_slice() {
        [Statement::ReturnStatement(ret)] => ret.argument.as_ref(),
        _ => None,
    }
}

/// Several possible values of one expression: their common known prefix,
/// never cut inside a host (`https://a` from `a.example` and `another.example`
/// would name the wrong host).
pub(super) fn merge(folds: &[Folded], appended: bool, span: Span) -> Option<Folded> {
    let first = folds.first()?;
    let all_same = folds.iter().all(|f| f.text == first.text);
    if all_same && !appended {
        let mut folded = first.clone();
        if folded.resolution == Resolution::Literal {
            folded.resolution = Resolution::Constant;
        }
        return Some(folded);
    }
    let known = |f: &Folded| -> usize { f.text.find(DYNAMIC).unwrap_or(f.text.len()) };
    let mut prefix = &first.text[..known(first)];
    for f in &folds[1..] {
        let other = &f.text[..known(f)];
        let mut len = prefix
            .bytes()
            .zip(other.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        while !prefix.is_char_boundary(len) {
            len -= 1;
        }
        prefix = &prefix[..len];
    }
    if let Some(authority) = prefix.find("//") {
        let after = &prefix[authority + 2..];
        if !after.contains(['/', '?', '#']) {
            prefix = &prefix[..authority + 2];
        }
    }
    let dynamic = folds.iter().find_map(|f| f.dynamic).or(Some(span));
    Some(Folded {
        text: format!("{prefix}{DYNAMIC}"),
        resolution: Resolution::Dynamic,
        dynamic,
        param: None,
        pieces: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Folded {
        Folded {
            text: s.into(),
            resolution: Resolution::Literal,
            dynamic: None,
            param: None,
            pieces: Vec::new(),
        }
    }

    #[test]
    fn merged_prefix_keeps_whole_hosts() {
        let span = Span::new(0, 1);
        let m = merge(
            &[lit("https://a.example/x.js"), lit("https://a.example/y.js")],
            false,
            span,
        );
        assert_eq!(m.map(|f| f.text).as_deref(), Some("https://a.example/${…}"));
        let m = merge(
            &[lit("https://a.example/x"), lit("https://another.example/x")],
            false,
            span,
        );
        assert_eq!(m.map(|f| f.text).as_deref(), Some("https://${…}"));
        let m = merge(&[lit("https://a.example/x")], true, span).expect("one value");
        assert_eq!(
            (m.text.as_str(), m.resolution),
            ("https://a.example/x${…}", Resolution::Dynamic)
        );
    }
}
