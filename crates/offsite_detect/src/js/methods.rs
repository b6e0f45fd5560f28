//! Helpers that are methods: `kit.ui.addAsset(kind, href)` defined in an
//! object literal, `Poller.prototype.jsonp = function (u) {…}`, a class
//! method. Their callers are found by method name: `x.addAsset(…)` calls the
//! helper when exactly one method of that name is defined in the file and the
//! receiver is the method's own object: `this`, the object literal that holds
//! it, `new C()` (or a constant holding one) for a prototype or class method,
//! or the class itself for a static method.

use std::collections::HashMap;

use oxc::ast::AstKind;
use oxc::ast::ast::{CallExpression, Expression, PropertyKey};
use oxc::semantic::NodeId;
use oxc::span::Span;

use super::resolve::{Resolver, Val};

/// Whose method a function is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    /// A property of the object literal at this span.
    Object(Span),
    /// `C.prototype.m = …` or a method of `class C`.
    Class(String),
    Unknown,
}

/// Method name → (definitions with their owner, calls) in one file.
#[derive(Debug, Default)]
pub(super) struct MethodIndex {
    defined: HashMap<String, Vec<Owner>>,
    calls: HashMap<String, Vec<NodeId>>,
}

fn key_name(key: &PropertyKey<'_>) -> Option<String> {
    key.static_name().map(|n| n.to_string())
}

impl<'a> Resolver<'_, 'a> {
    /// The method name a function is defined under, if it is one.
    pub(super) fn method_name(&self, function: NodeId) -> Option<String> {
        let nodes = self.semantic.nodes();
        let mut parent = nodes.parent_id(function);
        while let AstKind::ParenthesizedExpression(_) = nodes.kind(parent) {
            parent = nodes.parent_id(parent);
        }
        match nodes.kind(parent) {
            AstKind::ObjectProperty(p) if !p.computed => key_name(&p.key),
            AstKind::MethodDefinition(m) if !m.computed => key_name(&m.key),
            AstKind::AssignmentExpression(a) => a
                .left
                .as_member_expression()
                .and_then(oxc::ast::ast::MemberExpression::static_property_name)
                .map(str::to_owned),
            _ => None,
        }
    }

    /// The calls of the one method named `name` in this file.
    pub(super) fn method_calls(&mut self, name: &str) -> Vec<(NodeId, &'a CallExpression<'a>)> {
        if self.methods.is_none() {
            self.methods = Some(self.build_method_index());
        }
        let Some(index) = self.methods.as_ref() else {
            return Vec::new();
        };
        let owner = match index.defined.get(name).map(Vec::as_slice) {
            Some([owner]) => owner.clone(),
            _ => return Vec::new(),
        };
        let ids = index.calls.get(name).cloned().unwrap_or_default();
        let nodes = self.semantic.nodes();
        let mut out = Vec::new();
        for id in ids {
            let AstKind::CallExpression(call) = nodes.kind(id) else {
                continue;
            };
            let Some(member) = call.callee.get_inner_expression().as_member_expression() else {
                continue;
            };
            if self.receives(member.object(), &owner) {
                out.push((id, call));
            }
        }
        out
    }

    fn build_method_index(&self) -> MethodIndex {
        let mut index = MethodIndex::default();
        for node in self.semantic.nodes().iter() {
            match node.kind() {
                AstKind::Function(_) | AstKind::ArrowFunctionExpression(_) => {
                    if let Some(name) = self.method_name(node.id()) {
                        let owner = self.owner(node.id());
                        index.defined.entry(name).or_default().push(owner);
                    }
                }
                AstKind::CallExpression(call) => {
                    if let Some(name) = call
                        .callee
                        .get_inner_expression()
                        .as_member_expression()
                        .and_then(oxc::ast::ast::MemberExpression::static_property_name)
                    {
                        index
                            .calls
                            .entry(name.to_owned())
                            .or_default()
                            .push(node.id());
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// The object a method function belongs to.
    fn owner(&self, function: NodeId) -> Owner {
        let nodes = self.semantic.nodes();
        let mut parent = nodes.parent_id(function);
        while let AstKind::ParenthesizedExpression(_) = nodes.kind(parent) {
            parent = nodes.parent_id(parent);
        }
        match nodes.kind(parent) {
            AstKind::ObjectProperty(_) => match nodes.parent_kind(parent) {
                AstKind::ObjectExpression(o) => Owner::Object(o.span),
                _ => Owner::Unknown,
            },
            AstKind::MethodDefinition(_) => {
                let body = nodes.parent_id(parent);
                match nodes.parent_kind(body) {
                    AstKind::Class(c) => {
                        c.id.as_ref()
                            .map_or(Owner::Unknown, |id| Owner::Class(id.name.to_string()))
                    }
                    _ => Owner::Unknown,
                }
            }
            // `C.prototype.m = function …`
            AstKind::AssignmentExpression(a) => a
                .left
                .as_member_expression()
                .map(oxc::ast::ast::MemberExpression::object)
                .and_then(|o| o.get_inner_expression().as_member_expression())
                .filter(|m| m.static_property_name() == Some("prototype"))
                .and_then(|m| match m.object().get_inner_expression() {
                    Expression::Identifier(id) => Some(Owner::Class(id.name.to_string())),
                    _ => None,
                })
                .unwrap_or(Owner::Unknown),
            _ => Owner::Unknown,
        }
    }

    /// Is `receiver` the object that owns the method?
    fn receives(&mut self, receiver: &'a Expression<'a>, owner: &Owner) -> bool {
        let receiver = receiver.get_inner_expression();
        if matches!(receiver, Expression::ThisExpression(_)) {
            return !matches!(owner, Owner::Unknown);
        }
        match owner {
            Owner::Object(span) => match self.resolve(receiver, 0) {
                Val::Object(o) => o.span == *span,
                _ => false,
            },
            Owner::Class(name) => self.instance_of(receiver, name, 0),
            Owner::Unknown => false,
        }
    }

    /// `new C()`, a constant holding one, or `C` itself (static methods).
    fn instance_of(&self, expr: &'a Expression<'a>, class: &str, depth: u32) -> bool {
        match expr.get_inner_expression() {
            Expression::NewExpression(new) => matches!(
                new.callee.get_inner_expression(),
                Expression::Identifier(id) if id.name == class
            ),
            Expression::Identifier(id) if id.name == class => true,
            Expression::Identifier(id) if depth < 4 => {
                let Ok(symbol) = self.binding(id) else {
                    return false;
                };
                if !self.is_constant_symbol(symbol) {
                    return false;
                }
                let decl = self.semantic.scoping().symbol_declaration(symbol);
                match self.semantic.nodes().kind(decl) {
                    AstKind::VariableDeclarator(d) => d
                        .init
                        .as_ref()
                        .is_some_and(|init| self.instance_of(init, class, depth + 1)),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}
