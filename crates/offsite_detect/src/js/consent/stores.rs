//! Functions stored somewhere: assigned to a variable or a property, or
//! put in an object literal that is passed, kept or exported.

use oxc::ast::AstKind;
use oxc::ast::ast::{AssignmentExpression, AssignmentTarget, Expression, ObjectProperty};
use oxc::semantic::NodeId;
use oxc::span::GetSpan;

use super::events::{AJAX_CALLBACKS, dotted_path};
use super::sites::argument_index;
use super::{ConsentAnalysis, Gate, Outcome};
use offsite_model::ConsentKind;

impl ConsentAnalysis<'_, '_> {
    /// A function assigned with `left = function…` at `assignment`.
    pub(super) fn assignment_site(
        &self,
        assignment: NodeId,
        a: &AssignmentExpression<'_>,
        what: &str,
    ) -> Outcome {
        match &a.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                let scoping = self.semantic.scoping();
                let symbol = id
                    .reference_id
                    .get()
                    .and_then(|r| scoping.get_reference(r).symbol_id());
                match symbol {
                    Some(symbol) => self.symbol_sites(symbol, what),
                    None => Outcome::unknown(format!(
                        "{what} is exported as global {}; callers unknown",
                        id.name.as_str()
                    )),
                }
            }
            AssignmentTarget::StaticMemberExpression(m) => {
                let property = m.property.name.as_str();
                if let Some(event) = property.strip_prefix("on")
                    && !event.is_empty()
                    && event.bytes().all(|b| b.is_ascii_lowercase())
                {
                    return self.event_site(assignment, Some(event), property);
                }
                let path = dotted_path(&m.object)
                    .map_or_else(|| String::from("an object"), |o| format!("{o}.{property}"));
                match m.object.get_inner_expression() {
                    Expression::Identifier(object) if !self.root_is_global(&m.object) => {
                        match object
                            .reference_id
                            .get()
                            .and_then(|r| self.semantic.scoping().get_reference(r).symbol_id())
                        {
                            Some(symbol) => self.property_sites(symbol, property, what),
                            None => Outcome::unknown(format!(
                                "{what} is stored in {path}; callers unknown"
                            )),
                        }
                    }
                    _ if self.root_is_global(&m.object) => {
                        Outcome::unknown(format!("{what} is exported as {path}; callers unknown"))
                    }
                    _ => Outcome::unknown(format!("{what} is stored in {path}; callers unknown")),
                }
            }
            _ => Outcome::unknown(format!(
                "{what} is stored in a computed place; callers unknown"
            )),
        }
    }

    /// A function as the value of `key` in an object literal.
    pub(super) fn object_property_site(
        &self,
        property: NodeId,
        p: &ObjectProperty<'_>,
        what: &str,
    ) -> Outcome {
        let nodes = self.semantic.nodes();
        let Some(key) = p.key.static_name() else {
            return Outcome::unknown(format!(
                "{what} is stored under a computed key; callers unknown"
            ));
        };
        let key = key.as_ref();
        let mut object = nodes.parent_id(property);
        while matches!(
            nodes.parent_kind(object),
            AstKind::ParenthesizedExpression(_)
        ) {
            object = nodes.parent_id(object);
        }
        let span = nodes.kind(object).span();
        let context = nodes.parent_id(object);
        if self.is_dialog_button(object, key) {
            return Outcome::done(Gate::gated(
                ConsentKind::Action,
                format!("dialog button ({key})"),
            ));
        }
        match nodes.kind(context) {
            AstKind::CallExpression(c) => {
                let index = argument_index(&c.arguments, span);
                let method = match c.callee.get_inner_expression() {
                    Expression::StaticMemberExpression(m) => Some(m.property.name.as_str()),
                    _ => None,
                };
                let shown = dotted_path(&c.callee).unwrap_or_else(|| {
                    method.map_or_else(|| String::from("a function"), |m| format!(".{m}"))
                });
                let is_jquery = matches!(shown.as_str(), "$" | "jQuery");
                match (method, index) {
                    (Some("on" | "one" | "bind"), Some(0)) => self.event_site(
                        context,
                        Some(key),
                        &format!(".{}({{ {key} }})", method.unwrap_or("on")),
                    ),
                    (Some("connect"), Some(1)) => self.event_site(context, Some(key), ".connect()"),
                    (None, Some(1)) if is_jquery => {
                        self.event_site(context, Some(key), &format!("$('<…>', {{ {key} }})"))
                    }
                    (Some("ajax"), Some(_)) if AJAX_CALLBACKS.contains(&key) => {
                        self.walk_from(context)
                    }
                    _ => Outcome::unknown(format!(
                        "passed as '{key}' to {shown}(); when it runs is unknown"
                    )),
                }
            }
            AstKind::VariableDeclarator(d) => {
                match d
                    .id
                    .get_binding_identifier()
                    .and_then(|id| id.symbol_id.get())
                {
                    Some(symbol) => self.property_sites(symbol, key, what),
                    None => Outcome::unknown(format!("{what} is destructured; callers unknown")),
                }
            }
            AstKind::AssignmentExpression(a) if a.right.span() == span => match &a.left {
                AssignmentTarget::AssignmentTargetIdentifier(id) => {
                    let scoping = self.semantic.scoping();
                    match id
                        .reference_id
                        .get()
                        .and_then(|r| scoping.get_reference(r).symbol_id())
                    {
                        Some(symbol) => self.property_sites(symbol, key, what),
                        None => Outcome::unknown(format!(
                            "{what} is exported as {}.{key}; callers unknown",
                            id.name.as_str()
                        )),
                    }
                }
                AssignmentTarget::StaticMemberExpression(m) => {
                    let path = dotted_path(&m.object).map_or_else(
                        || m.property.name.as_str().to_owned(),
                        |o| format!("{o}.{}", m.property.name.as_str()),
                    );
                    Outcome::unknown(format!(
                        "{what} is exported as {path}.{key}; callers unknown"
                    ))
                }
                _ => Outcome::unknown(format!("{what} is exported in an object; callers unknown")),
            },
            _ => Outcome::unknown(format!("{what} is stored in an object; callers unknown")),
        }
    }

    /// jQuery UI dialog buttons: `buttons: { Load: fn }` or
    /// `buttons: [{ text: 'Load', click: fn }]`; they run when clicked.
    fn is_dialog_button(&self, object: NodeId, key: &str) -> bool {
        let nodes = self.semantic.nodes();
        let is_buttons = |id: NodeId| {
            matches!(nodes.kind(id), AstKind::ObjectProperty(p)
                if p.key.static_name().is_some_and(|k| k == "buttons"))
        };
        let parent = nodes.parent_id(object);
        if is_buttons(parent) {
            return true;
        }
        key == "click"
            && matches!(nodes.kind(parent), AstKind::ArrayExpression(_))
            && is_buttons(nodes.parent_id(parent))
    }
}
