//! What an expression stands for, as far as loads are concerned: a browser or
//! MediaWiki global (`mw.loader.load`, `$`), a DOM element being built, an
//! `XMLHttpRequest`, a jQuery collection, or a constant object or array.
//!
//! Names are only taken for the global when oxc's semantic model says the
//! reference is unresolved (or written `window.X`), so a local `fetch` or a
//! `var $ = myLib` does not count. Bindings are followed when they are never
//! reassigned, including the parameters of the usual wrappers
//! (`(function ($, mw) {…})(jQuery, mediaWiki)`, `$(function ($) {…})`).

use std::collections::HashMap;

use oxc::ast::AstKind;
use oxc::ast::ast::{
    ArrayExpression, BindingPattern, Expression, FormalParameter, ObjectExpression,
    ObjectPropertyKind,
};
use oxc::semantic::{NodeId, Semantic, SymbolId};
use oxc::span::GetSpan;

use super::url;

/// Bindings and calls are followed at most this deep; deeper chains are
/// unknown. Also guards against pathological nesting.
pub(super) const MAX_DEPTH: u32 = 24;

/// A DOM element created in the analysed code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Elem {
    /// Lower-case tag name.
    pub tag: String,
    /// `rel` when known at creation (`$('<link rel="preload">')`).
    pub rel: Option<String>,
    /// The variable the element is held in, so that a `rel` set later can be
    /// matched with the `href` load.
    pub origin: Option<SymbolId>,
}

#[derive(Debug, Clone)]
pub(super) enum Val<'a> {
    Unknown,
    /// Canonical dotted path of a real global: `mw.loader.load`, `$.ajax`,
    /// `document.createElement`, `fetch`.
    Global(String),
    Element(Elem),
    Xhr,
    /// A jQuery collection, with the element it wraps when built here.
    JQuery(Option<Elem>),
    Object(&'a ObjectExpression<'a>),
    Array(&'a ArrayExpression<'a>),
    /// `new Request(url)`: the URL expression.
    Request(&'a Expression<'a>),
}

/// Shared state of one file's analysis: the semantic model and memo tables,
/// so every binding is resolved once however often it is used.
pub(super) struct Resolver<'s, 'a> {
    pub semantic: &'s Semantic<'a>,
    pub text: &'a str,
    vals: HashMap<SymbolId, Val<'a>>,
    pub(super) folds: HashMap<SymbolId, Option<super::fold::Folded>>,
    /// Parameters bound to argument expressions while folding through a
    /// function call (innermost last).
    pub(super) env: Vec<(SymbolId, &'a Expression<'a>)>,
    /// Member paths assigned by statements (see `assigned.rs`), built on
    /// first use.
    pub(super) assigned: Option<super::assigned::Assignments<'a>>,
    /// Set while candidates are enumerated (see `candidates.rs`).
    pub(super) choices: Option<super::candidates::Choices>,
    /// The other sources of the scanned set (see `crate::crossfile`).
    pub(super) context: Option<crate::crossfile::FileContext<'s>>,
    /// Methods by name (see `methods.rs`), built on first use.
    pub(super) methods: Option<super::methods::MethodIndex>,
}

/// `mediaWiki` is `mw`, `jQuery` is `$`; everything else keeps its name.
fn canonical_root(name: &str) -> &str {
    match name {
        "mediaWiki" => "mw",
        "jQuery" => "$",
        other => other,
    }
}

/// Objects whose properties are globals (`window.fetch`).
fn is_global_object(path: &str) -> bool {
    matches!(
        path,
        "window" | "self" | "globalThis" | "top" | "parent" | "frames"
    )
}

impl<'s, 'a> Resolver<'s, 'a> {
    pub fn new(semantic: &'s Semantic<'a>, text: &'a str) -> Self {
        Self {
            semantic,
            text,
            vals: HashMap::new(),
            folds: HashMap::new(),
            env: Vec::new(),
            assigned: None,
            choices: None,
            context: None,
            methods: None,
        }
    }

    pub fn nodes(&self) -> &'s oxc::semantic::AstNodes<'a> {
        self.semantic.nodes()
    }

    /// The symbol an identifier expression is bound to; `Err(name)` for an
    /// unresolved (global) reference.
    pub fn binding(&self, ident: &oxc::ast::ast::IdentifierReference<'a>) -> Result<SymbolId, ()> {
        let scoping = self.semantic.scoping();
        ident
            .reference_id
            .get()
            .and_then(|r| scoping.get_reference(r).symbol_id())
            // `declare const mw: any` only tells TypeScript about the global.
            .filter(|&s| {
                !scoping
                    .symbol_flags(s)
                    .contains(oxc::semantic::SymbolFlags::Ambient)
            })
            .ok_or(())
    }

    /// A symbol whose value is fixed: declared once and never written again.
    pub fn is_constant_symbol(&self, symbol: SymbolId) -> bool {
        let scoping = self.semantic.scoping();
        !scoping.symbol_is_mutated(symbol) && scoping.symbol_redeclarations(symbol).is_empty()
    }

    /// Is this symbol a function parameter?
    pub fn is_parameter(&self, symbol: SymbolId) -> bool {
        let decl = self.semantic.scoping().symbol_declaration(symbol);
        matches!(
            self.semantic.nodes().kind(decl),
            AstKind::FormalParameter(_)
        )
    }

    pub fn resolve(&mut self, expr: &'a Expression<'a>, depth: u32) -> Val<'a> {
        if depth > MAX_DEPTH {
            return Val::Unknown;
        }
        let depth = depth + 1;
        match expr.get_inner_expression() {
            Expression::Identifier(ident) => match self.binding(ident) {
                Ok(symbol) => self.resolve_symbol(symbol, depth),
                Err(()) => Val::Global(canonical_root(ident.name.as_str()).to_owned()),
            },
            Expression::StaticMemberExpression(member) => {
                let object = self.resolve(&member.object, depth);
                match self.member(object, member.property.name.as_str(), depth) {
                    // `this.req = new XMLHttpRequest(); this.req.open(…)`
                    Val::Unknown => match self.assigned_value(expr) {
                        Some(value) => self.resolve(value, depth),
                        None => Val::Unknown,
                    },
                    val => val,
                }
            }
            Expression::ThisExpression(this) => self.this_object(this.node_id.get()),
            Expression::ComputedMemberExpression(member) => {
                match url::static_key(&member.expression) {
                    Some(key) => {
                        let object = self.resolve(&member.object, depth);
                        self.member(object, key, depth)
                    }
                    None => Val::Unknown,
                }
            }
            Expression::CallExpression(call) => self.resolve_call(call, depth),
            Expression::NewExpression(new) => match self.resolve(&new.callee, depth) {
                Val::Global(path) => match path.as_str() {
                    "XMLHttpRequest" => Val::Xhr,
                    "Image" => Val::Element(Elem {
                        tag: "img".into(),
                        rel: None,
                        origin: None,
                    }),
                    "Audio" => Val::Element(Elem {
                        tag: "audio".into(),
                        rel: None,
                        origin: None,
                    }),
                    "Request" => new
                        .arguments
                        .first()
                        .and_then(|a| a.as_expression())
                        .map_or(Val::Unknown, Val::Request),
                    _ => Val::Unknown,
                },
                _ => Val::Unknown,
            },
            Expression::ObjectExpression(object) => Val::Object(object),
            Expression::ArrayExpression(array) => Val::Array(array),
            Expression::AssignmentExpression(assign) => self.resolve(&assign.right, depth),
            Expression::SequenceExpression(seq) => seq
                .expressions
                .last()
                .map_or(Val::Unknown, |e| self.resolve(e, depth)),
            _ => Val::Unknown,
        }
    }

    fn member(&mut self, object: Val<'a>, key: &str, depth: u32) -> Val<'a> {
        match object {
            Val::Global(path) if is_global_object(&path) => {
                Val::Global(canonical_root(key).to_owned())
            }
            Val::Global(mut path) => {
                path.push('.');
                path.push_str(key);
                Val::Global(path)
            }
            Val::Object(object) => {
                property(object, key).map_or(Val::Unknown, |v| self.resolve(v, depth))
            }
            // An iframe's window and document load like the page's own
            // (`frame.contentWindow.document.write('<script src=…>')`).
            Val::Element(elem) if elem.tag == "iframe" && key == "contentWindow" => {
                Val::Global("window".into())
            }
            Val::Element(elem) if elem.tag == "iframe" && key == "contentDocument" => {
                Val::Global("document".into())
            }
            _ => Val::Unknown,
        }
    }

    fn resolve_call(&mut self, call: &'a oxc::ast::ast::CallExpression<'a>, depth: u32) -> Val<'a> {
        let first = call.arguments.first().and_then(|a| a.as_expression());
        // `window.fetch.bind(window)` is still `fetch`.
        if let Some(member) = call.callee.get_inner_expression().as_member_expression()
            && member.static_property_name() == Some("bind")
            && let global @ Val::Global(_) = self.resolve(member.object(), depth)
        {
            return global;
        }
        let callee = self.resolve(&call.callee, depth);
        if let Val::Global(path) = &callee {
            return match path.as_str() {
                "document.createElement" => first
                    .and_then(|e| self.constant_text(e, depth))
                    .map_or(Val::Unknown, |tag| {
                        Val::Element(Elem {
                            tag: tag.to_ascii_lowercase(),
                            rel: None,
                            origin: None,
                        })
                    }),
                "$" => match first {
                    Some(arg) => self.jquery_of(arg, depth),
                    None => Val::JQuery(None),
                },
                "Object.assign" => first.map_or(Val::Unknown, |e| self.resolve(e, depth)),
                // A ResourceLoader module's exports, as in package gadgets.
                "require" => match first.and_then(url::string_literal) {
                    Some("mediawiki.util") => Val::Global("mw.util".into()),
                    _ => Val::Unknown,
                },
                _ => Val::Unknown,
            };
        }
        // Chained jQuery calls return the same collection.
        if let Some(member) = call.callee.get_inner_expression().as_member_expression()
            && let Some(method) = member.static_property_name()
            && is_chainable(method)
        {
            let receiver = self.resolve(member.object(), depth);
            if let Val::JQuery(_) = receiver {
                return receiver;
            }
        }
        Val::Unknown
    }

    /// A short text fully known before the code runs: a literal, or a
    /// constant or wrapper parameter holding one (`d.createElement(s)` in
    /// `(function (d, s) {…})(document, 'script')`).
    fn constant_text(&mut self, expr: &'a Expression<'a>, depth: u32) -> Option<String> {
        if let Some(text) = url::string_literal(expr) {
            return Some(text.to_owned());
        }
        if let Expression::Identifier(ident) = expr.get_inner_expression()
            && let Ok(symbol) = self.binding(ident)
            && self.is_constant_symbol(symbol)
            && let Some(argument) = self.wrapper_argument(symbol)
            && depth <= MAX_DEPTH
        {
            return self.constant_text(argument, depth + 1);
        }
        let folded = self.fold_part(expr, depth);
        (folded.dynamic.is_none() && !folded.text.is_empty() && folded.text.len() <= 64)
            .then_some(folded.text)
    }

    /// An argument of a wrapper call; at the top level of a script `this` is
    /// the window (`}(this, this.jQuery, this.mediaWiki))`).
    fn resolve_argument(
        &mut self,
        expr: &'a Expression<'a>,
        top_level: bool,
        depth: u32,
    ) -> Val<'a> {
        if top_level {
            match expr.get_inner_expression() {
                Expression::ThisExpression(_) => return Val::Global("window".into()),
                Expression::StaticMemberExpression(member)
                    if matches!(
                        member.object.get_inner_expression(),
                        Expression::ThisExpression(_)
                    ) =>
                {
                    return Val::Global(canonical_root(member.property.name.as_str()).to_owned());
                }
                _ => {}
            }
        }
        self.resolve(expr, depth)
    }

    /// The argument a parameter of an immediately called function receives
    /// (`(function (d, s) {…})(document, 'script')`, also after `!`).
    fn wrapper_argument(&self, symbol: SymbolId) -> Option<&'a Expression<'a>> {
        let nodes = self.semantic.nodes();
        let decl = self.semantic.scoping().symbol_declaration(symbol);
        let AstKind::FormalParameter(param) = nodes.kind(decl) else {
            return None;
        };
        let params_id = nodes.parent_id(decl);
        let AstKind::FormalParameters(params) = nodes.kind(params_id) else {
            return None;
        };
        let index = params.items.iter().position(|p| p.span == param.span)?;
        let function_id = nodes.parent_id(params_id);
        let function_span = nodes.kind(function_id).span();
        let mut parent = nodes.parent_id(function_id);
        while let AstKind::ParenthesizedExpression(_) = nodes.kind(parent) {
            parent = nodes.parent_id(parent);
        }
        let AstKind::CallExpression(call) = nodes.kind(parent) else {
            return None;
        };
        if call.callee.get_inner_expression().span() != function_span {
            return None;
        }
        call.arguments.get(index).and_then(|a| a.as_expression())
    }

    /// `this` inside a method of an object literal (`{ url: …, send() {
    /// x.open('POST', this.url) } }`): that literal. Arrow functions take
    /// `this` from around them.
    pub(super) fn this_object(&self, node: NodeId) -> Val<'a> {
        let nodes = self.semantic.nodes();
        let mut id = node;
        for _ in 0..64 {
            let parent = nodes.parent_id(id);
            if parent == id {
                return Val::Unknown;
            }
            id = parent;
            match nodes.kind(id) {
                AstKind::Function(_) => {
                    let holder = nodes.parent_id(id);
                    return match nodes.kind(holder) {
                        AstKind::ObjectProperty(_) => match nodes.parent_kind(holder) {
                            AstKind::ObjectExpression(object) => Val::Object(object),
                            _ => Val::Unknown,
                        },
                        _ => Val::Unknown,
                    };
                }
                AstKind::Program(_) | AstKind::Class(_) => return Val::Unknown,
                _ => {}
            }
        }
        Val::Unknown
    }

    /// `$(arg)`: markup creates an element, an element is wrapped.
    fn jquery_of(&mut self, arg: &'a Expression<'a>, depth: u32) -> Val<'a> {
        if let Some(markup) = url::string_literal(arg) {
            return Val::JQuery(url::markup_element(markup));
        }
        match self.resolve(arg, depth) {
            Val::Element(elem) | Val::JQuery(Some(elem)) => Val::JQuery(Some(elem)),
            _ => Val::JQuery(None),
        }
    }

    pub fn resolve_symbol(&mut self, symbol: SymbolId, depth: u32) -> Val<'a> {
        if let Some(val) = self.vals.get(&symbol) {
            return val.clone();
        }
        // Cycle guard: a binding that (indirectly) refers to itself is unknown.
        self.vals.insert(symbol, Val::Unknown);
        let mut val = self.compute_symbol(symbol, depth);
        if let Val::Element(elem) | Val::JQuery(Some(elem)) = &mut val
            && elem.origin.is_none()
        {
            elem.origin = Some(symbol);
        }
        self.vals.insert(symbol, val.clone());
        val
    }

    fn compute_symbol(&mut self, symbol: SymbolId, depth: u32) -> Val<'a> {
        let nodes = self.semantic.nodes();
        let scoping = self.semantic.scoping();
        let decl = scoping.symbol_declaration(symbol);
        match nodes.kind(decl) {
            AstKind::VariableDeclarator(declarator) => {
                let init = declarator.init.as_ref();
                match &declarator.id {
                    BindingPattern::BindingIdentifier(_) => {
                        if self.is_constant_symbol(symbol) {
                            init.map_or(Val::Unknown, |e| self.resolve(e, depth))
                        } else {
                            self.resolve_writes(symbol, init, depth)
                        }
                    }
                    // `var { load } = mw.loader`
                    BindingPattern::ObjectPattern(pattern) if self.is_constant_symbol(symbol) => {
                        let Some(init) = init else {
                            return Val::Unknown;
                        };
                        let key = pattern.properties.iter().find_map(|p| match &p.value {
                            BindingPattern::BindingIdentifier(id)
                                if id.symbol_id.get() == Some(symbol) =>
                            {
                                p.key.static_name()
                            }
                            _ => None,
                        });
                        match key {
                            Some(key) => {
                                let object = self.resolve(init, depth);
                                self.member(object, &key, depth)
                            }
                            None => Val::Unknown,
                        }
                    }
                    _ => Val::Unknown,
                }
            }
            AstKind::FormalParameter(param) if self.is_constant_symbol(symbol) => {
                self.resolve_parameter(decl, param, depth)
            }
            _ => Val::Unknown,
        }
    }

    /// A reassigned variable: it keeps a meaning only when every value written
    /// to it is the same kind of object (`var xhr; … xhr = new XMLHttpRequest()`).
    fn resolve_writes(
        &mut self,
        symbol: SymbolId,
        init: Option<&'a Expression<'a>>,
        depth: u32,
    ) -> Val<'a> {
        let nodes = self.semantic.nodes();
        let scoping = self.semantic.scoping();
        let mut values: Vec<&'a Expression<'a>> = init.into_iter().collect();
        for reference in scoping.get_resolved_references(symbol) {
            if !reference.is_write() {
                continue;
            }
            match nodes.parent_kind(reference.node_id()) {
                AstKind::AssignmentExpression(assign)
                    if assign.operator == oxc::ast::ast::AssignmentOperator::Assign =>
                {
                    values.push(&assign.right);
                }
                _ => return Val::Unknown,
            }
            if values.len() > 8 {
                return Val::Unknown;
            }
        }
        let mut merged: Option<Val<'a>> = None;
        for value in values {
            let val = self.resolve(value, depth);
            merged = match (merged, val) {
                (None, v @ (Val::Element(_) | Val::Xhr)) => Some(v),
                (Some(Val::Xhr), Val::Xhr) => Some(Val::Xhr),
                (Some(Val::Element(a)), Val::Element(b)) if a.tag == b.tag => Some(Val::Element(a)),
                _ => return Val::Unknown,
            };
        }
        merged.unwrap_or(Val::Unknown)
    }

    /// A parameter of a function that is called right here (an IIFE) or
    /// handed to a jQuery/MediaWiki entry point that passes a known value.
    fn resolve_parameter(
        &mut self,
        decl: NodeId,
        param: &'a FormalParameter<'a>,
        depth: u32,
    ) -> Val<'a> {
        let nodes = self.semantic.nodes();
        let params_id = nodes.parent_id(decl);
        let AstKind::FormalParameters(params) = nodes.kind(params_id) else {
            return Val::Unknown;
        };
        let Some(index) = params.items.iter().position(|p| p.span == param.span) else {
            return Val::Unknown;
        };
        let function_id = nodes.parent_id(params_id);
        let function_span = nodes.kind(function_id).span();
        let mut parent = nodes.parent_id(function_id);
        while let AstKind::ParenthesizedExpression(_) = nodes.kind(parent) {
            parent = nodes.parent_id(parent);
        }
        // `(function ($) {…}).call(this, jQuery)`
        if let AstKind::StaticMemberExpression(member) = nodes.kind(parent) {
            if member.property.name != "call" {
                return Val::Unknown;
            }
            let AstKind::CallExpression(call) = nodes.parent_kind(parent) else {
                return Val::Unknown;
            };
            if call.callee.get_inner_expression().span() != member.span {
                return Val::Unknown;
            }
            return call
                .arguments
                .get(index + 1)
                .and_then(|a| a.as_expression())
                .map_or(Val::Unknown, |e| self.resolve(e, depth));
        }
        let AstKind::CallExpression(call) = nodes.kind(parent) else {
            return Val::Unknown;
        };
        let arg = |i: usize| call.arguments.get(i).and_then(|a| a.as_expression());
        let callee = call.callee.get_inner_expression();
        // `(function ($, mw) {…})(jQuery, mediaWiki)`
        if callee.span() == function_span {
            let top_level =
                nodes.get_node(parent).scope_id() == self.semantic.scoping().root_scope_id();
            return arg(index).map_or(Val::Unknown, |e| self.resolve_argument(e, top_level, depth));
        }
        // AMD: `require(['jquery', 'mw'], function ($, mw) {…})`, also
        // `define(name, deps, factory)`, as Fandom's own modules are written.
        if let Some(position) = (1..call.arguments.len().min(3))
            .find(|&i| arg(i).map(GetSpan::span) == Some(function_span))
            && let Some(Expression::ArrayExpression(deps)) =
                arg(position - 1).map(Expression::get_inner_expression)
            && let Val::Global(loader) = self.resolve(&call.callee, depth)
            && matches!(loader.as_str(), "require" | "define")
        {
            return deps
                .elements
                .get(index)
                .and_then(|e| e.as_expression())
                .and_then(url::string_literal)
                .and_then(super::library::amd_module)
                .map_or(Val::Unknown, |path| Val::Global(path.to_owned()));
        }
        if arg(0).map(GetSpan::span) != Some(function_span) || index != 0 {
            return Val::Unknown;
        }
        match self.resolve(&call.callee, depth) {
            // `$(function ($) {…})`, `$(document).ready(function ($) {…})`
            Val::Global(path) if path == "$" => Val::Global(path),
            _ => match callee
                .as_member_expression()
                .map(|m| (m.static_property_name(), m))
            {
                Some((Some("ready"), m)) => match self.resolve(m.object(), depth) {
                    Val::JQuery(_) => Val::Global("$".into()),
                    _ => Val::Unknown,
                },
                // `mw.hook('wikipage.content').add(function ($content) {…})`
                Some((Some("add"), m)) => match m.object().get_inner_expression() {
                    Expression::CallExpression(hook) => match self.resolve(&hook.callee, depth) {
                        // Fandom's dev libraries fire `mw.hook('dev.NAME')` with
                        // themselves: the argument is `window.dev.NAME`.
                        Val::Global(p) if p == "mw.hook" => {
                            match hook
                                .arguments
                                .first()
                                .and_then(|a| a.as_expression())
                                .and_then(url::string_literal)
                            {
                                Some(name) if name.starts_with("dev.") => {
                                    Val::Global(name.to_owned())
                                }
                                _ => Val::JQuery(None),
                            }
                        }
                        _ => Val::Unknown,
                    },
                    _ => Val::Unknown,
                },
                _ => Val::Unknown,
            },
        }
    }
}

/// jQuery methods that return the collection they were called on.
pub(super) fn is_chainable(method: &str) -> bool {
    matches!(
        method,
        "attr"
            | "prop"
            | "addClass"
            | "removeClass"
            | "css"
            | "appendTo"
            | "prependTo"
            | "insertAfter"
            | "insertBefore"
            | "on"
            | "off"
            | "text"
            | "hide"
            | "show"
            | "data"
            | "append"
            | "prepend"
            | "html"
    )
}

/// The value of property `key` in an object literal (last one wins, as in JS).
pub(super) fn property<'a>(
    object: &'a ObjectExpression<'a>,
    key: &str,
) -> Option<&'a Expression<'a>> {
    object.properties.iter().rev().find_map(|p| match p {
        ObjectPropertyKind::ObjectProperty(prop)
            if !prop.computed && prop.key.static_name().is_some_and(|k| k == key) =>
        {
            Some(&prop.value)
        }
        _ => None,
    })
}
