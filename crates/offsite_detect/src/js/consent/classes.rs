//! Class members: a method runs wherever a property of its name is called,
//! a constructor wherever the class is instantiated.

use std::collections::HashMap;

use oxc::ast::AstKind;
use oxc::ast::ast::{MethodDefinition, MethodDefinitionKind};
use oxc::semantic::{NodeId, SymbolId};
use oxc::span::GetSpan;

use super::{ConsentAnalysis, Outcome};

impl ConsentAnalysis<'_, '_> {
    /// A function that is the value of class member `method` (the node
    /// `member`). Methods are matched by property name anywhere in the file
    /// (`w.init()`, `this.init()`, `obj['init']`): more places than the
    /// real ones, never fewer, so the answer errs towards exposed.
    pub(super) fn class_member_sites(
        &self,
        member: NodeId,
        method: &MethodDefinition<'_>,
        what: &str,
    ) -> Outcome {
        let Some(name) = method.key.static_name() else {
            return Outcome::unknown(format!("{what} has a computed name; callers unknown"));
        };
        let escape = self.class_escape(member);
        let sites = match method.kind {
            MethodDefinitionKind::Constructor => return self.constructor_sites(member, escape),
            MethodDefinitionKind::Method => {
                self.named_accesses(&name, |access| self.value_sites(access, what))
            }
            // A getter or setter runs at the property access itself.
            MethodDefinitionKind::Get | MethodDefinitionKind::Set => {
                self.named_accesses(&name, |access| self.walk_from(access))
            }
        };
        Outcome::any_of(escape.into_iter().chain(std::iter::once(sites)))
    }

    /// Every non-assigning access to a property called `name`.
    fn named_accesses(&self, name: &str, site: impl Fn(NodeId) -> Outcome) -> Outcome {
        let index = self.member_index.get_or_init(|| self.build_member_index());
        let accesses = index.get(name).map(Vec::as_slice).unwrap_or_default();
        Outcome::any_of(
            accesses
                .iter()
                .filter(|&&access| !self.is_assignment_target(access))
                .map(|&access| site(access)),
        )
    }

    fn build_member_index(&self) -> HashMap<String, Vec<NodeId>> {
        let mut index: HashMap<String, Vec<NodeId>> = HashMap::new();
        for node in self.semantic.nodes().iter() {
            let name = match node.kind() {
                AstKind::StaticMemberExpression(m) => Some(m.property.name.as_str()),
                AstKind::ComputedMemberExpression(m) => {
                    m.static_property_name().map(|n| n.as_str())
                }
                _ => None,
            };
            if let Some(name) = name {
                index.entry(name.to_owned()).or_default().push(node.id());
            }
        }
        index
    }

    /// The class of `member` and its symbol, if it has one.
    fn class_of(&self, member: NodeId) -> Option<(NodeId, Option<SymbolId>)> {
        let nodes = self.semantic.nodes();
        let class = nodes
            .ancestor_ids(member)
            .find(|&a| matches!(nodes.kind(a), AstKind::Class(_)))?;
        let AstKind::Class(c) = nodes.kind(class) else {
            return None;
        };
        let symbol = c.id.as_ref().and_then(|id| id.symbol_id.get()).or_else(|| {
            match nodes.parent_kind(class) {
                AstKind::VariableDeclarator(d) => {
                    d.id.get_binding_identifier()
                        .and_then(|id| id.symbol_id.get())
                }
                _ => None,
            }
        });
        Some((class, symbol))
    }

    /// `Some(unknown)` when code outside this file can reach the class.
    fn class_escape(&self, member: NodeId) -> Option<Outcome> {
        let nodes = self.semantic.nodes();
        let Some((class, symbol)) = self.class_of(member) else {
            return Some(Outcome::unknown("class member outside a class"));
        };
        if matches!(
            nodes.parent_kind(class),
            AstKind::ExportNamedDeclaration(_) | AstKind::ExportDefaultDeclaration(_)
        ) {
            return Some(Outcome::unknown("the class is exported; callers unknown"));
        }
        let Some(symbol) = symbol else {
            return Some(Outcome::unknown(
                "the class has no name to follow; callers unknown",
            ));
        };
        let scoping = self.semantic.scoping();
        let escapes = scoping.get_resolved_reference_ids(symbol).iter().any(|&r| {
            let node = scoping.get_reference(r).node_id();
            let span = nodes.kind(node).span();
            !match nodes.parent_kind(node) {
                AstKind::NewExpression(n) => n.callee.span() == span,
                AstKind::StaticMemberExpression(m) => m.object.span() == span,
                // `class D extends C`: D's instances reach C's methods by name.
                AstKind::Class(_) => true,
                _ => false,
            }
        });
        escapes.then(|| {
            Outcome::unknown(format!(
                "class {} escapes; callers unknown",
                scoping.symbol_name(symbol)
            ))
        })
    }

    /// A constructor runs at each `new C(…)`.
    fn constructor_sites(&self, member: NodeId, escape: Option<Outcome>) -> Outcome {
        let nodes = self.semantic.nodes();
        let Some((_, Some(symbol))) = self.class_of(member) else {
            return escape.unwrap_or_else(|| Outcome::unknown("constructor of an unnamed class"));
        };
        let scoping = self.semantic.scoping();
        let news = scoping.get_resolved_reference_ids(symbol).iter().map(|&r| {
            let node = scoping.get_reference(r).node_id();
            let span = nodes.kind(node).span();
            match nodes.parent_kind(node) {
                AstKind::NewExpression(n) if n.callee.span() == span => {
                    self.walk_from(nodes.parent_id(node))
                }
                AstKind::Class(_) => {
                    Outcome::unknown("the class is extended; constructor callers unknown")
                }
                _ => Outcome::ignore(),
            }
        });
        Outcome::any_of(escape.into_iter().chain(news))
    }
}
