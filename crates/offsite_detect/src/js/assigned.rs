//! Properties assigned by statements after an object is made:
//! `window.Tool = {}; Tool.imports = {css: '//…'}; mw.loader.load(Tool.imports.css)`,
//! `var NS = {cfg: {}}; NS.cfg.base = 'https://…'`. An index from each
//! assigned member path to the values written to it, built once per file on
//! first use, lets folding follow a path that the object literal lacks.

use std::collections::HashMap;

use oxc::ast::AstKind;
use oxc::ast::ast::{AssignmentOperator, Expression, MemberExpression};

use super::resolve::Resolver;
use super::url;

/// Member path → the values assigned to it (`=` only), in source order.
pub(super) type Assignments<'a> = HashMap<String, Vec<&'a Expression<'a>>>;

impl<'a> Resolver<'_, 'a> {
    /// The one value assigned to the member path `expr` by a statement, when
    /// there is exactly one.
    pub(super) fn assigned_value(
        &mut self,
        expr: &'a Expression<'a>,
    ) -> Option<&'a Expression<'a>> {
        let key = self.path_key(expr)?;
        if self.assigned.is_none() {
            let index = self.build_assignments();
            self.assigned = Some(index);
        }
        match self.assigned.as_ref()?.get(&key)?.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    fn build_assignments(&self) -> Assignments<'a> {
        let mut index: Assignments<'a> = HashMap::new();
        for node in self.semantic.nodes().iter() {
            let AstKind::AssignmentExpression(assign) = node.kind() else {
                continue;
            };
            if assign.operator != AssignmentOperator::Assign {
                continue;
            }
            let Some(member) = assign.left.as_member_expression() else {
                continue;
            };
            if let Some(key) = self.member_key(member) {
                index.entry(key).or_default().push(&assign.right);
            }
        }
        index
    }

    /// `Tool.imports.css` → `Tool.imports.css` for a global root (with
    /// `window.` dropped), `#7.cfg.base` for a variable (by symbol).
    fn path_key(&self, expr: &'a Expression<'a>) -> Option<String> {
        match expr.get_inner_expression() {
            Expression::ThisExpression(this) => match self.this_object(this.node_id.get()) {
                super::resolve::Val::Object(object) => Some(format!("this@{}", object.span.start)),
                _ => None,
            },
            Expression::Identifier(ident) => Some(match self.binding(ident) {
                Ok(symbol) => format!("#{}", symbol.index()),
                Err(()) => ident.name.to_string(),
            }),
            e => self.member_key(e.as_member_expression()?),
        }
    }

    fn member_key(&self, member: &'a MemberExpression<'a>) -> Option<String> {
        let name = match member {
            MemberExpression::ComputedMemberExpression(c) => url::static_key(&c.expression)?,
            m => m.static_property_name()?,
        };
        let object = member.object().get_inner_expression();
        if let Expression::Identifier(ident) = object
            && self.binding(ident).is_err()
            && matches!(ident.name.as_str(), "window" | "self" | "globalThis")
        {
            return Some(name.to_owned());
        }
        Some(format!("{}.{name}", self.path_key(object)?))
    }
}
