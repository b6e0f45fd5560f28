//! Where a function value goes, and what each place means for when it runs:
//! called, registered as a handler, passed to a transparent API or to a
//! local function, stored in a variable or an object, exported.

use oxc::ast::AstKind;
use oxc::ast::ast::{Argument, Expression, IdentifierReference};
use oxc::semantic::{NodeId, SymbolId};
use oxc::span::GetSpan;

use super::events::{
    EventClass, TRANSPARENT_FUNCTIONS, TRANSPARENT_METHODS, classify_events, dotted_path,
    is_event_shorthand, is_unregistration, other_event_reason, registration_event_index,
    static_string,
};
use super::{ConsentAnalysis, Gate, Outcome};
use offsite_model::ConsentKind;

/// Nesting of site lookups beyond which we answer `unknown` rather than
/// risk the stack on generated code.
const MAX_DEPTH: usize = 200;

impl ConsentAnalysis<'_, '_> {
    /// The verdict for the body of `function` from every place it can run.
    pub(super) fn function_sites(&self, function: NodeId) -> Outcome {
        let what = self.describe(function);
        let nodes = self.semantic.nodes();
        let outcome = match nodes.kind(function) {
            AstKind::Function(f) if f.is_declaration() => {
                if matches!(
                    nodes.parent_kind(function),
                    AstKind::ExportNamedDeclaration(_) | AstKind::ExportDefaultDeclaration(_)
                ) {
                    return Outcome::unknown(format!("{what} is exported; callers unknown"));
                }
                match f.id.as_ref().and_then(|id| id.symbol_id.get()) {
                    Some(symbol) => self.symbol_sites(symbol, &what),
                    None => Outcome::unknown(format!("{what} has no name to follow")),
                }
            }
            _ => self.value_sites(function, &what),
        };
        if outcome.gate.is_none() && outcome.low == usize::MAX {
            return Outcome::unknown(format!("{what} is never called in this file"));
        }
        outcome
    }

    /// Guard against deep recursion and symbol cycles around `body`.
    /// `key` names the symbol (and property) being followed.
    fn guarded(&self, key: Option<(SymbolId, &str)>, body: impl FnOnce() -> Outcome) -> Outcome {
        if !self.step() {
            return Outcome::unknown("analysis budget exceeded");
        }
        if self.depth.get() >= MAX_DEPTH {
            // Low 0: a truncated answer must not be memoised below the top.
            return Outcome {
                gate: Some(Gate::unknown("call chain too deep to follow")),
                low: 0,
            };
        }
        if let Some((symbol, property)) = key {
            let visiting = self.visiting.borrow();
            if let Some((_, _, frame)) = visiting
                .iter()
                .find(|(s, p, _)| *s == symbol && p == property)
            {
                // The outer exploration of this symbol covers these uses.
                return Outcome {
                    gate: None,
                    low: *frame,
                };
            }
        }
        let frame = self.in_progress.borrow().len().saturating_sub(1);
        if let Some((symbol, property)) = key {
            self.visiting
                .borrow_mut()
                .push((symbol, property.to_owned(), frame));
        }
        self.depth.set(self.depth.get() + 1);
        let outcome = body();
        self.depth.set(self.depth.get() - 1);
        if key.is_some() {
            self.visiting.borrow_mut().pop();
        }
        outcome
    }

    /// Every read of `symbol`, as a place its function value goes.
    pub(super) fn symbol_sites(&self, symbol: SymbolId, what: &str) -> Outcome {
        self.guarded(Some((symbol, "")), || {
            let scoping = self.semantic.scoping();
            Outcome::any_of(scoping.get_resolved_reference_ids(symbol).iter().map(|&r| {
                let reference = scoping.get_reference(r);
                if reference.is_read() {
                    self.value_sites(reference.node_id(), what)
                } else {
                    Outcome::ignore()
                }
            }))
        })
    }

    /// Every read of `symbol.property` where `symbol` holds an object.
    pub(super) fn property_sites(&self, symbol: SymbolId, property: &str, what: &str) -> Outcome {
        self.guarded(Some((symbol, property)), || {
            let scoping = self.semantic.scoping();
            let nodes = self.semantic.nodes();
            let object = scoping.symbol_name(symbol);
            Outcome::any_of(scoping.get_resolved_reference_ids(symbol).iter().map(|&r| {
                let reference = scoping.get_reference(r);
                if !reference.is_read() {
                    return Outcome::ignore();
                }
                let node = reference.node_id();
                let parent = nodes.parent_id(node);
                let name = match nodes.kind(parent) {
                    AstKind::StaticMemberExpression(m) => Some(m.property.name.as_str()),
                    AstKind::ComputedMemberExpression(m)
                        if m.object.span() == nodes.kind(node).span() =>
                    {
                        match m.static_property_name() {
                            Some(name) => Some(name.as_str()),
                            // `tools[name]()` may pick this property: count
                            // it as a possible way in.
                            None if self.is_assignment_target(parent) => return Outcome::ignore(),
                            None => return self.value_sites(parent, what),
                        }
                    }
                    AstKind::UnaryExpression(_)
                    | AstKind::BinaryExpression(_)
                    | AstKind::IfStatement(_)
                    | AstKind::ExpressionStatement(_) => return Outcome::ignore(),
                    _ => None,
                };
                match name {
                    Some(name) if name != property => Outcome::ignore(),
                    Some(_) if self.is_assignment_target(parent) => Outcome::ignore(),
                    Some(_) => self.value_sites(parent, what),
                    None => Outcome::unknown(format!(
                        "object {object} escapes; callers of {object}.{property} unknown"
                    )),
                }
            }))
        })
    }

    pub(super) fn is_assignment_target(&self, node: NodeId) -> bool {
        let span = self.semantic.nodes().kind(node).span();
        matches!(self.semantic.nodes().parent_kind(node), AstKind::AssignmentExpression(a) if a.left.span() == span)
    }

    /// The places the function value at expression `node` goes.
    pub(super) fn value_sites(&self, node: NodeId, what: &str) -> Outcome {
        self.guarded(None, || self.value_sites_inner(node, what))
    }

    fn value_sites_inner(&self, node: NodeId, what: &str) -> Outcome {
        let nodes = self.semantic.nodes();
        let mut current = node;
        loop {
            let parent = nodes.parent_id(current);
            if parent == current {
                return Outcome::ignore();
            }
            let span = nodes.kind(current).span();
            match nodes.kind(parent) {
                // The value flows through these unchanged.
                AstKind::ParenthesizedExpression(_)
                | AstKind::TSAsExpression(_)
                | AstKind::TSSatisfiesExpression(_)
                | AstKind::TSNonNullExpression(_)
                | AstKind::TSTypeAssertion(_)
                | AstKind::LogicalExpression(_) => current = parent,
                AstKind::ConditionalExpression(c) if c.test.span() != span => current = parent,
                AstKind::SequenceExpression(s)
                    if s.expressions.last().map(GetSpan::span) == Some(span) =>
                {
                    current = parent;
                }
                AstKind::CallExpression(c) => {
                    if c.callee.span() == span {
                        return self.walk_from(parent);
                    }
                    return match argument_index(&c.arguments, span) {
                        Some(index) => self.callback_site(parent, index),
                        None => Outcome::unknown(format!("{what} is spread into a call")),
                    };
                }
                AstKind::NewExpression(n) => {
                    if n.callee.span() == span {
                        return self.walk_from(parent);
                    }
                    return match argument_index(&n.arguments, span) {
                        Some(index) => self.callback_site(parent, index),
                        None => Outcome::unknown(format!("{what} is spread into a call")),
                    };
                }
                AstKind::StaticMemberExpression(m) if m.object.span() == span => {
                    let call = nodes.parent_id(parent);
                    let called = matches!(nodes.kind(call), AstKind::CallExpression(c) if c.callee.span() == m.span);
                    return match m.property.name.as_str() {
                        "call" | "apply" if called => self.walk_from(call),
                        "bind" if called => self.value_sites(call, what),
                        _ => Outcome::ignore(),
                    };
                }
                AstKind::AssignmentExpression(a) if a.right.span() == span => {
                    return self.assignment_site(parent, a, what);
                }
                AstKind::VariableDeclarator(d) => {
                    return match d
                        .id
                        .get_binding_identifier()
                        .and_then(|id| id.symbol_id.get())
                    {
                        Some(symbol) => self.symbol_sites(symbol, what),
                        None => {
                            Outcome::unknown(format!("{what} is destructured; callers unknown"))
                        }
                    };
                }
                AstKind::ObjectProperty(p) if p.value.span() == span => {
                    return self.object_property_site(parent, p, what);
                }
                AstKind::ReturnStatement(_) | AstKind::ArrowFunctionExpression(_) => {
                    return Outcome::unknown(format!("{what} is returned; callers unknown"));
                }
                AstKind::ArrayExpression(_) => {
                    return Outcome::unknown(format!(
                        "{what} is stored in an array; callers unknown"
                    ));
                }
                AstKind::ExportDefaultDeclaration(_) | AstKind::ExportNamedDeclaration(_) => {
                    return Outcome::unknown(format!("{what} is exported; callers unknown"));
                }
                AstKind::MethodDefinition(m) => return self.class_member_sites(parent, m, what),
                AstKind::PropertyDefinition(_) => {
                    return Outcome::unknown(format!("{what} is a class member; callers unknown"));
                }
                // Uses that never run the function.
                AstKind::ExpressionStatement(_)
                | AstKind::UnaryExpression(_)
                | AstKind::BinaryExpression(_)
                | AstKind::IfStatement(_)
                | AstKind::ConditionalExpression(_)
                | AstKind::StaticMemberExpression(_)
                | AstKind::ComputedMemberExpression(_) => return Outcome::ignore(),
                _ => {
                    return Outcome::unknown(format!(
                        "{what} is used in a way the analysis does not follow"
                    ));
                }
            }
        }
    }

    /// A function passed as argument `index` of the call or `new` at `call`.
    fn callback_site(&self, call: NodeId, index: usize) -> Outcome {
        let nodes = self.semantic.nodes();
        let (callee, arguments, is_new) = match nodes.kind(call) {
            AstKind::CallExpression(c) => (&c.callee, &c.arguments, false),
            AstKind::NewExpression(n) => (&n.callee, &n.arguments, true),
            _ => return Outcome::unknown("passed to an unknown call"),
        };
        let shown = match (dotted_path(callee), callee.get_inner_expression()) {
            (Some(path), _) => path,
            (None, Expression::StaticMemberExpression(m)) => {
                format!(".{}", m.property.name.as_str())
            }
            (None, _) => String::from("a computed function"),
        };
        match callee.get_inner_expression() {
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                if matches!(name, "$" | "jQuery") && index == 0 && !is_new {
                    return self.walk_from(call);
                }
                if TRANSPARENT_FUNCTIONS.contains(&name) && self.root_is_global(callee) {
                    return self.walk_from(call);
                }
                if let Some(function) = self.local_function(id) {
                    return self.param_sites(function, index, name);
                }
                Outcome::unknown(format!("passed to {name}(); when it runs is unknown"))
            }
            Expression::StaticMemberExpression(m) => {
                let method = m.property.name.as_str();
                if is_unregistration(method) {
                    return Outcome::ignore();
                }
                if let Some(event_index) = registration_event_index(method) {
                    if index <= event_index {
                        return Outcome::unknown(format!("passed to .{method}() as the event"));
                    }
                    let spec = arguments
                        .get(event_index)
                        .and_then(Argument::as_expression)
                        .and_then(static_string);
                    let spec = match (method, spec) {
                        ("attachEvent", Some(s)) => Some(s.strip_prefix("on").unwrap_or(s)),
                        (_, spec) => spec,
                    };
                    let how = spec.map(|s| format!(".{method}('{s}')"));
                    return self.event_site(call, spec, how.as_deref().unwrap_or(method));
                }
                if method == "add" {
                    // `mw.hook(name).add(fn)`, also with `mw` renamed by a
                    // minifier's IIFE parameter (`t.hook(…).add`).
                    let is_hook = matches!(m.object.get_inner_expression(), Expression::CallExpression(c)
                        if matches!(c.callee.get_inner_expression(), Expression::StaticMemberExpression(h) if h.property.name.as_str() == "hook"));
                    return if is_hook {
                        self.walk_from(call)
                    } else {
                        Outcome::unknown(format!("passed to {shown}(); when it runs is unknown"))
                    };
                }
                if is_event_shorthand(method) {
                    return self.event_site(call, Some(method), &format!(".{method}()"));
                }
                if TRANSPARENT_METHODS.contains(&method) {
                    return self.walk_from(call);
                }
                Outcome::unknown(format!("passed to {shown}(); when it runs is unknown"))
            }
            _ => Outcome::unknown(format!("passed to {shown}(); when it runs is unknown")),
        }
    }

    /// A handler for `spec` events registered by the node `registration`.
    pub(super) fn event_site(
        &self,
        registration: NodeId,
        spec: Option<&str>,
        how: &str,
    ) -> Outcome {
        let Some(spec) = spec else {
            return Outcome::unknown("handler for a computed event name");
        };
        match classify_events(spec) {
            EventClass::Action => {
                if let Some(trigger) = self.chained_trigger(registration) {
                    // `.on('click', f).trigger('click')` runs `f` right away.
                    return self.walk_from(trigger);
                }
                let names: Vec<&str> = spec
                    .split_whitespace()
                    .map(|n| n.split('.').next().unwrap_or(n))
                    .collect();
                Outcome::done(Gate::gated(
                    ConsentKind::Action,
                    format!("{} handler ({how})", names.join("/")),
                ))
            }
            EventClass::OnLoad => self.walk_from(registration),
            EventClass::Other(name) => Outcome::unknown(other_event_reason(&name)),
        }
    }

    /// `registration.trigger(…)` / `.click()` chained on a registration call.
    fn chained_trigger(&self, registration: NodeId) -> Option<NodeId> {
        let nodes = self.semantic.nodes();
        let span = nodes.kind(registration).span();
        let member = nodes.parent_id(registration);
        let AstKind::StaticMemberExpression(m) = nodes.kind(member) else {
            return None;
        };
        if m.object.span() != span {
            return None;
        }
        let call = nodes.parent_id(member);
        let AstKind::CallExpression(c) = nodes.kind(call) else {
            return None;
        };
        let method = m.property.name.as_str();
        let fires = matches!(method, "trigger" | "triggerHandler")
            || (is_event_shorthand(method) && c.arguments.is_empty());
        (c.callee.span() == m.span && fires).then_some(call)
    }

    /// `name` resolves to a never-reassigned local function: its node.
    fn local_function(&self, id: &IdentifierReference<'_>) -> Option<NodeId> {
        let scoping = self.semantic.scoping();
        let symbol = scoping.get_reference(id.reference_id.get()?).symbol_id()?;
        if scoping.symbol_is_mutated(symbol) {
            return None;
        }
        let declaration = scoping.symbol_declaration(symbol);
        match self.semantic.nodes().kind(declaration) {
            AstKind::Function(f) => Some(f.node_id.get()),
            AstKind::VariableDeclarator(d) => match d.init.as_ref()?.get_inner_expression() {
                Expression::FunctionExpression(f) => Some(f.node_id.get()),
                Expression::ArrowFunctionExpression(a) => Some(a.node_id.get()),
                _ => None,
            },
            _ => None,
        }
    }

    /// A callback passed as parameter `index` of the local function
    /// `function`: it runs wherever that parameter is used.
    fn param_sites(&self, function: NodeId, index: usize, name: &str) -> Outcome {
        let params = match self.semantic.nodes().kind(function) {
            AstKind::Function(f) => &f.params,
            AstKind::ArrowFunctionExpression(a) => &a.params,
            _ => return Outcome::unknown(format!("passed to {name}(); when it runs is unknown")),
        };
        let symbol = params
            .items
            .get(index)
            .and_then(|p| p.pattern.get_binding_identifier())
            .and_then(|id| id.symbol_id.get());
        match symbol {
            Some(symbol) => self.symbol_sites(symbol, &format!("callback of {name}()")),
            None => Outcome::unknown(format!("passed to {name}(), which does not name it")),
        }
    }
}

/// Which argument holds `span`; `None` for a spread argument.
pub(super) fn argument_index(arguments: &[Argument<'_>], span: oxc::span::Span) -> Option<usize> {
    arguments
        .iter()
        .position(|a| a.span().contains_inclusive(span))
        .filter(|&i| !matches!(arguments[i], Argument::SpreadElement(_)))
}
