//! Pass one of cross-file analysis: what a JavaScript source offers the
//! others of its set (see [`crate::crossfile`]). Runs the normal analysis
//! once, noting which functions hand a parameter to a sink, then reads the
//! module's exports and the globals it assigns.

use std::collections::HashMap;

use oxc::ast::AstKind;
use oxc::ast::ast::{
    AssignmentOperator, BindingPattern, Declaration, ExportDefaultDeclarationKind, Expression,
    ImportDeclarationSpecifier, ModuleExportName, ObjectPropertyKind,
};
use oxc::semantic::{NodeId, SymbolId};
use oxc::span::{GetSpan, Span};

use super::resolve::{Resolver, Val};
use super::sinks::ParamSink;
use crate::crossfile::{Export, Summary, is_url_like};

/// Namespace objects are read this deep (`window.A = { b: { c: url } }`).
const MAX_OBJECT_DEPTH: u32 = 3;

/// Build the summary from an analysed file: the resolver and the sinks whose
/// URL was a whole parameter.
pub(super) fn summarize(r: &mut Resolver<'_, '_>, params: &[ParamSink]) -> Summary {
    let mut summary = Summary::default();
    // The function (by span) that owns each parameter sink.
    let mut loaders: HashMap<Span, Vec<&ParamSink>> = HashMap::new();
    for sink in params {
        if let Some(function) = owner_function(r, sink.param) {
            loaders.entry(function).or_default().push(sink);
        }
    }
    let nodes = r.nodes();
    for node in nodes.iter() {
        match node.kind() {
            AstKind::ExportDeclaration(e) => match &e.declaration {
                Declaration::VariableDeclaration(v) => {
                    for d in &v.declarations {
                        if let (BindingPattern::BindingIdentifier(id), Some(init)) =
                            (&d.id, &d.init)
                        {
                            let key = format!("export:{}", id.name);
                            if let Some(export) =
                                value_export(r, &loaders, init, &key, &mut summary)
                            {
                                summary.exports.insert(id.name.to_string(), export);
                            }
                        }
                    }
                }
                Declaration::FunctionDeclaration(f) => {
                    if let Some(id) = &f.id {
                        let key = format!("export:{}", id.name);
                        if let Some(export) = loader_export(&loaders, f.span, &key, &mut summary) {
                            summary.exports.insert(id.name.to_string(), export);
                        }
                    }
                }
                _ => {}
            },
            AstKind::ExportNamedDeclaration(e) => {
                for s in &e.specifiers {
                    let ModuleExportName::IdentifierReference(local) = &s.local else {
                        continue;
                    };
                    let Ok(symbol) = r.binding(local) else {
                        continue;
                    };
                    let name = s.exported.name().to_string();
                    let key = format!("export:{name}");
                    if let Some(export) = symbol_export(r, &loaders, symbol, &key, &mut summary) {
                        summary.exports.insert(name, export);
                    }
                }
            }
            AstKind::ExportDefaultDeclaration(e) => {
                let key = "export:default".to_owned();
                let export = match &e.declaration {
                    ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                        loader_export(&loaders, f.span, &key, &mut summary)
                    }
                    other => other
                        .as_expression()
                        .and_then(|x| value_export(r, &loaders, x, &key, &mut summary)),
                };
                if let Some(export) = export {
                    summary.exports.insert("default".into(), export);
                }
            }
            AstKind::AssignmentExpression(a) if a.operator == AssignmentOperator::Assign => {
                if let Some(member) = a.left.as_member_expression()
                    && let Some(path) =
                        global_path(r, member.object(), member.static_property_name())
                {
                    object_globals(r, &loaders, &path, &a.right, &mut summary, 0);
                    // CommonJS: `module.exports.X = …`, `exports.X = …`,
                    // `module.exports = { X: … }` are exports, not globals.
                    let exported: Vec<(String, Export)> = summary
                        .globals
                        .iter()
                        .filter_map(|(k, v)| {
                            let name = k
                                .strip_prefix("module.exports.")
                                .or_else(|| k.strip_prefix("exports."))?;
                            Some((name.to_owned(), v.clone()))
                        })
                        .collect();
                    for (name, export) in exported {
                        summary.globals.remove(&format!("module.exports.{name}"));
                        summary.globals.remove(&format!("exports.{name}"));
                        summary.exports.insert(name, export);
                    }
                }
            }
            AstKind::CallExpression(call) => note_call(r, node.id(), &call.callee, &mut summary),
            AstKind::ImportDeclaration(d) => {
                let specifier = d.source.value.as_str();
                if specifier.starts_with("./") || specifier.starts_with("../") {
                    summary.imports.insert(specifier.to_owned());
                }
            }
            _ => {}
        }
    }
    summary
}

/// `import { f } from './x'; f(…)` and `Lib.load(…)`: what the call may
/// reach in another source.
fn note_call<'a>(
    r: &mut Resolver<'_, 'a>,
    _id: NodeId,
    callee: &'a Expression<'a>,
    summary: &mut Summary,
) {
    let callee = callee.get_inner_expression();
    if let Expression::Identifier(ident) = callee
        && let Ok(symbol) = r.binding(ident)
    {
        if let Some((specifier, name)) = imported(r, symbol) {
            summary.calls.insert(format!("import:{specifier}#{name}"));
        }
        return;
    }
    if let Val::Global(path) = r.resolve(callee, 0)
        && path.contains('.')
    {
        summary.calls.insert(format!("global:{path}"));
    } else if let Expression::Identifier(ident) = callee {
        summary.calls.insert(format!("global:{}", ident.name));
    }
}

/// The module specifier and the exported name an import binding reads.
pub(super) fn imported<'a>(r: &Resolver<'_, 'a>, symbol: SymbolId) -> Option<(&'a str, String)> {
    let nodes = r.semantic.nodes();
    let decl = r.semantic.scoping().symbol_declaration(symbol);
    let name = match nodes.kind(decl) {
        AstKind::ImportSpecifier(s) => s.imported.name().to_string(),
        AstKind::ImportDefaultSpecifier(_) => "default".to_owned(),
        _ => return None,
    };
    let mut parent = nodes.parent_id(decl);
    for _ in 0..3 {
        if let AstKind::ImportDeclaration(d) = nodes.kind(parent) {
            let specifier: &'a str = d.source.value.as_str();
            // Keep the declaration's own specifier list honest: a namespace
            // import is not a named binding.
            let named = d
                .specifiers
                .iter()
                .flatten()
                .any(|s| !matches!(s, ImportDeclarationSpecifier::ImportNamespaceSpecifier(_)));
            return named.then_some((specifier, name));
        }
        parent = nodes.parent_id(parent);
    }
    None
}

/// `window.X` → `X`, `mw.libs.x` → `mw.libs.x`, `NS.sub` (global `NS`) →
/// `NS.sub`; `None` for locals and `this`.
fn global_path<'a>(
    r: &mut Resolver<'_, 'a>,
    object: &'a Expression<'a>,
    property: Option<&str>,
) -> Option<String> {
    let property = property?;
    match r.resolve(object, 0) {
        Val::Global(root) if matches!(root.as_str(), "window" | "self" | "globalThis") => {
            Some(property.to_owned())
        }
        Val::Global(root) => Some(format!("{root}.{property}")),
        _ => None,
    }
}

/// Record what assigning `value` to the global `path` defines.
fn object_globals<'a>(
    r: &mut Resolver<'_, 'a>,
    loaders: &HashMap<Span, Vec<&ParamSink>>,
    path: &str,
    value: &'a Expression<'a>,
    summary: &mut Summary,
    depth: u32,
) {
    let key = format!("global:{path}");
    if let Expression::ObjectExpression(object) = value.get_inner_expression() {
        if depth >= MAX_OBJECT_DEPTH {
            return;
        }
        for property in &object.properties {
            let ObjectPropertyKind::ObjectProperty(p) = property else {
                continue;
            };
            if p.computed {
                continue;
            }
            if let Some(name) = p.key.static_name() {
                object_globals(
                    r,
                    loaders,
                    &format!("{path}.{name}"),
                    &p.value,
                    summary,
                    depth + 1,
                );
            }
        }
        return;
    }
    if let Some(export) = value_export(r, loaders, value, &key, summary) {
        summary.globals.insert(path.to_owned(), export);
    }
}

/// A function value (or a name bound to one) that is a loader, or a URL.
fn value_export<'a>(
    r: &mut Resolver<'_, 'a>,
    loaders: &HashMap<Span, Vec<&ParamSink>>,
    value: &'a Expression<'a>,
    key: &str,
    summary: &mut Summary,
) -> Option<Export> {
    match value.get_inner_expression() {
        Expression::FunctionExpression(f) => loader_export(loaders, f.span, key, summary),
        Expression::ArrowFunctionExpression(f) => loader_export(loaders, f.span, key, summary),
        Expression::Identifier(ident) => {
            let symbol = r.binding(ident).ok()?;
            symbol_export(r, loaders, symbol, key, summary)
        }
        _ => url_export(r, value),
    }
}

/// What a local name that is exported stands for.
fn symbol_export(
    r: &mut Resolver<'_, '_>,
    loaders: &HashMap<Span, Vec<&ParamSink>>,
    symbol: SymbolId,
    key: &str,
    summary: &mut Summary,
) -> Option<Export> {
    let nodes = r.semantic.nodes();
    let decl = r.semantic.scoping().symbol_declaration(symbol);
    match nodes.kind(decl) {
        AstKind::Function(f) => loader_export(loaders, f.span, key, summary),
        AstKind::VariableDeclarator(d) if r.is_constant_symbol(symbol) => {
            let init = d.init.as_ref()?;
            value_export(r, loaders, init, key, summary)
        }
        _ => None,
    }
}

/// The function at `span` as an exported loader, noting its load sites.
fn loader_export(
    loaders: &HashMap<Span, Vec<&ParamSink>>,
    span: Span,
    key: &str,
    summary: &mut Summary,
) -> Option<Export> {
    let sinks = loaders.get(&span)?;
    for sink in sinks {
        summary.loader_sites.insert(sink.start, key.to_owned());
    }
    let first = sinks.first()?;
    Some(Export::Loader {
        param: first.index,
        api: first.api.clone(),
        sink: first.sink,
    })
}

/// A URL value (or its candidates), if it looks like one.
fn url_export<'a>(r: &mut Resolver<'_, 'a>, value: &'a Expression<'a>) -> Option<Export> {
    let mut urls: Vec<String> = r
        .fold_candidates(value)
        .into_iter()
        .map(|f| f.text)
        .filter(|t| is_url_like(t))
        .collect();
    if urls.is_empty() {
        let folded = r.fold(value);
        if folded.is_opaque() || !is_url_like(&folded.text) {
            return None;
        }
        urls.push(folded.text);
    }
    Some(Export::Urls(urls))
}

/// The span of the function that declares parameter `param`.
fn owner_function(r: &Resolver<'_, '_>, param: SymbolId) -> Option<Span> {
    let nodes = r.semantic.nodes();
    let decl = r.semantic.scoping().symbol_declaration(param);
    let params = nodes.parent_id(decl);
    let function = nodes.parent_id(params);
    match nodes.kind(function) {
        kind @ (AstKind::Function(_) | AstKind::ArrowFunctionExpression(_)) => Some(kind.span()),
        _ => None,
    }
}
