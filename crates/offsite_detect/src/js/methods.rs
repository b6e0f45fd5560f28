//! Helpers that are methods: `kit.ui.addAsset(kind, href)` defined in an
//! object literal, `Poller.prototype.jsonp = function (u) {…}`, a class
//! method. Their callers are found by method name: `x.addAsset(…)` calls the
//! helper when exactly one method of that name is defined in the file and the
//! receiver is not a known API object (jQuery, an element, a global).

use std::collections::HashMap;

use oxc::ast::AstKind;
use oxc::ast::ast::{CallExpression, PropertyKey};
use oxc::semantic::NodeId;

use super::resolve::{Resolver, Val};

/// Method name → (definitions, calls) in one file.
#[derive(Debug, Default)]
pub(super) struct MethodIndex {
    defined: HashMap<String, usize>,
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
                .and_then(|m| m.static_property_name())
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
        if index.defined.get(name) != Some(&1) {
            return Vec::new();
        }
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
            let known_api = matches!(
                self.resolve(member.object(), 0),
                Val::Global(_) | Val::JQuery(_) | Val::Element(_) | Val::Xhr | Val::Request(_)
            );
            if !known_api {
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
                        *index.defined.entry(name).or_default() += 1;
                    }
                }
                AstKind::CallExpression(call) => {
                    if let Some(name) = call
                        .callee
                        .get_inner_expression()
                        .as_member_expression()
                        .and_then(|m| m.static_property_name())
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
}
