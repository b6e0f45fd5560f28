//! The load sinks: which calls, `new` expressions and assignments fetch
//! something, and what. One pass over oxc's node table; each candidate is
//! resolved through [`Resolver`] (so only the real globals count).

use std::collections::HashMap;

use offsite_model::{DYNAMIC, Load, Resolution, Sink};
use oxc::ast::AstKind;
use oxc::ast::ast::{
    Argument, AssignmentExpression, AssignmentOperator, CallExpression, Expression,
    MemberExpression, NewExpression,
};
use oxc::semantic::{NodeId, SymbolId};
use oxc::span::{GetSpan, Span};

use super::consent::ConsentAnalysis;
use super::fold::Folded;
use super::resolve::{Resolver, Val, property};
use super::url;
use crate::Options;
use crate::sink_tables::{page_api_sink, url_api_sink};

pub(super) struct Scanner<'s, 'a> {
    pub(super) r: Resolver<'s, 'a>,
    consent: ConsentAnalysis<'s, 'a>,
    pub(super) options: &'s Options,
    pub(super) loads: Vec<Load>,
    /// `<link href>` loads whose `rel` may be set elsewhere on the variable.
    pub(super) pending_links: Vec<(usize, SymbolId)>,
    pub(super) rels: HashMap<SymbolId, String>,
    /// Loads whose whole URL is a parameter of the enclosing function, for
    /// cross-file summaries.
    pub(super) param_sinks: Vec<ParamSink>,
}

/// A load inside a function whose URL is one of its parameters.
#[derive(Debug, Clone)]
pub(super) struct ParamSink {
    pub param: SymbolId,
    /// The parameter's position.
    pub index: usize,
    pub api: String,
    pub sink: Sink,
    /// Byte offset of the load.
    pub start: u32,
}

/// Method names worth resolving a member call for; everything else is
/// skipped without touching the semantic model.
fn is_sink_method(name: &str) -> bool {
    matches!(
        name,
        "load"
            | "getScript"
            | "using"
            | "ajax"
            | "get"
            | "getJSON"
            | "post"
            | "open"
            | "sendBeacon"
            | "register"
            | "write"
            | "writeln"
            | "setAttribute"
            | "attr"
            | "prop"
            | "html"
            | "append"
            | "prepend"
            | "after"
            | "before"
            | "replaceWith"
            | "insertAdjacentHTML"
            | "css"
            | "setProperty"
            | "addCSS"
            | "addStyleTag"
            | "assign"
            | "fetch"
            | "importScript"
            | "importStylesheet"
            | "importScriptURI"
            | "importStylesheetURI"
            | "$"
            | "jQuery"
            | "importArticles"
            | "importArticle"
            | "importScriptPage"
            | "importStylesheetPage"
            | "createObjectURL"
    ) || super::library::is_entry_method(name)
}

/// A ResourceLoader module name (`mediawiki.api`, `ext.gadget.Foo`) rather
/// than a path or URL: dotted words, no slash, colon or file extension.
fn is_module_name(name: &str) -> bool {
    let file_like = [".js", ".mjs", ".cjs", ".json", ".css", ".ts"]
        .iter()
        .any(|ext| name.to_ascii_lowercase().ends_with(ext));
    name.contains('.')
        && !file_like
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn arg<'a>(arguments: &'a [Argument<'a>], i: usize) -> Option<&'a Expression<'a>> {
    arguments.get(i).and_then(Argument::as_expression)
}

impl<'s, 'a> Scanner<'s, 'a> {
    pub fn new(
        r: Resolver<'s, 'a>,
        consent: ConsentAnalysis<'s, 'a>,
        options: &'s Options,
    ) -> Self {
        Self {
            r,
            consent,
            options,
            loads: Vec::new(),
            pending_links: Vec::new(),
            rels: HashMap::new(),
            param_sinks: Vec::new(),
        }
    }

    /// The loads, and the loads made with a whole parameter as URL.
    pub fn scan_with_params(mut self) -> (Vec<Load>, Vec<ParamSink>) {
        let nodes = self.r.nodes();
        for node in nodes.iter() {
            match node.kind() {
                AstKind::CallExpression(call) => self.call(node.id(), call),
                AstKind::NewExpression(new) => self.new_expression(node.id(), new),
                AstKind::AssignmentExpression(assign) => self.assignment(node.id(), assign),
                AstKind::VariableDeclarator(declarator) => {
                    if let (Some(name), Some(init)) =
                        (declarator.id.get_identifier_name(), &declarator.init)
                    {
                        self.library_config(node.id(), declarator.span, &name, init);
                    }
                }
                AstKind::ImportExpression(import)
                    if url::string_literal(&import.source).is_some_and(is_module_name) =>
                {
                    // `import('mediawiki.api')` in a bundled gadget: the build
                    // turns it into a ResourceLoader module load.
                    self.modules(node.id(), import.span, "import()", &import.source);
                }
                AstKind::ImportExpression(import) => {
                    let folded = self.r.fold(&import.source);
                    let load = self.url_load(import.span, "import()", Sink::Script, &folded);
                    self.emit(node.id(), load, Some(&import.source), &folded);
                }
                _ => {}
            }
        }
        self.finish_links();
        (self.loads, self.param_sinks)
    }

    /// A load whose target is the folded URL.
    pub(super) fn url_load(&self, span: Span, api: &str, sink: Sink, folded: &Folded) -> Load {
        let mut load = Load::new(span.start, span.end, api, sink);
        if !folded.is_opaque() {
            load = load.with_url(folded.text.clone());
            load.page = url::page_of(&folded.text);
        }
        self.set_resolution(&mut load, folded);
        load
    }

    pub(super) fn set_resolution(&self, load: &mut Load, folded: &Folded) {
        load.resolution = folded.resolution;
        load.dynamic_expr = folded
            .dynamic
            .and_then(|s| self.r.text.get(s.start as usize..s.end as usize))
            .map(url::trim_expr);
    }

    /// Record a load whose target is `target`. When the target is a
    /// parameter of a helper (`function loadJS(u) { mw.loader.load(u) }`)
    /// the load is reported at each call of the helper, with the URL the
    /// caller passes; a helper nobody calls here keeps its own load.
    pub(super) fn emit(
        &mut self,
        id: NodeId,
        load: Load,
        target: Option<&'a Expression<'a>>,
        folded: &Folded,
    ) {
        if let Some(target) = target {
            let candidates = self.candidate_targets(target, folded);
            if !candidates.is_empty() {
                let span = Span::new(load.start, load.end);
                for candidate in candidates {
                    let one = self.url_load(span, &load.api, load.sink, &candidate);
                    self.push(id, one);
                }
                return;
            }
        }
        self.emit_through(id, load, target, folded, 0);
    }

    fn emit_through(
        &mut self,
        id: NodeId,
        load: Load,
        target: Option<&'a Expression<'a>>,
        folded: &Folded,
        hops: u32,
    ) {
        const MAX_HOPS: u32 = 3;
        if hops < MAX_HOPS
            && folded.text.starts_with(DYNAMIC)
            && let (Some(target), Some(param)) = (target, folded.param)
            && let Some((index, calls)) = self.r.helper_calls(param)
            && !calls.is_empty()
        {
            for (call_id, call) in calls {
                let Some(value) = arg(&call.arguments, index) else {
                    continue;
                };
                let bound = self.r.env.len();
                self.r.env.push((param, value));
                let refolded = self.r.fold(target);
                let outer = self.url_load(call.span, &load.api, load.sink, &refolded);
                self.emit_through(call_id, outer, Some(target), &refolded, hops + 1);
                self.r.env.truncate(bound);
            }
            return;
        }
        if folded.text == DYNAMIC
            && let Some(param) = folded.param
            && let Some(index) = self.r.param_index(param)
        {
            self.param_sinks.push(ParamSink {
                param,
                index,
                api: load.api.clone(),
                sink: load.sink,
                start: load.start,
            });
            // Another source of the set calls this loader: its loads are
            // reported there, with the URL the caller passes.
            if let Some(context) = self.r.context
                && let Some(site) = context
                    .set
                    .summary(context.path)
                    .and_then(|s| s.loader_sites.get(&load.start))
                && context.set.is_called(context.path, site)
            {
                return;
            }
        }
        self.push(id, load);
    }

    /// Record a load performed by AST node `node`, with its consent gate.
    pub(super) fn push(&mut self, node: NodeId, mut load: Load) {
        // `data:`, `blob:`, `javascript:` and `about:` URLs fetch nothing.
        if let Some(url) = &load.url {
            let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
            if matches!(
                scheme.as_deref(),
                Some("data" | "blob" | "javascript" | "about")
            ) {
                return;
            }
        }
        let gate = self.consent.gate(node);
        load.consent = gate.consent;
        load.consent_kind = gate.kind;
        load.consent_reason = gate.reason;
        self.loads.push(load);
    }

    fn call(&mut self, id: NodeId, call: &'a CallExpression<'a>) {
        if self.r.context.is_some() && self.cross_file_call(id, call) {
            return;
        }
        let callee = call.callee.get_inner_expression();
        let member = callee.as_member_expression();
        let method = match (callee, member) {
            (Expression::Identifier(_), _) => None,
            (_, Some(m)) => match m.static_property_name() {
                Some(name) if is_sink_method(name) => Some(name),
                _ => return,
            },
            _ => return,
        };
        if let Val::Global(path) = self.r.resolve(callee, 0)
            && self.global_call(id, call, &path)
        {
            return;
        }
        if let (Some(method), Some(member)) = (method, member) {
            self.method_call(id, call, member, method);
        }
    }

    /// Calls of global APIs. `false` when `path` is no sink.
    fn global_call(&mut self, id: NodeId, call: &'a CallExpression<'a>, path: &str) -> bool {
        let args = &call.arguments;
        let span = call.span;
        match path {
            "mw.loader.load" => self.loader_load(id, call),
            "mw.loader.using" => {
                if let Some(a) = arg(args, 0) {
                    self.modules(id, span, "mw.loader.using", a);
                }
            }
            "fetch" => {
                let Some(a) = arg(args, 0) else { return true };
                let target = match self.r.resolve(a, 0) {
                    Val::Request(url) => url,
                    _ => a,
                };
                self.simple(id, span, "fetch", Sink::Fetch, Some(target));
            }
            "$.ajax" | "$.get" | "$.post" | "$.getJSON" => self.ajax(id, call, path),
            "mw.util.addCSS" | "mw.loader.addStyleTag" => {
                if let Some(css) = arg(args, 0) {
                    self.style(id, span, path, css);
                }
            }
            "document.write" | "document.writeln" => {
                for a in args.iter().filter_map(Argument::as_expression) {
                    self.markup(id, span, path, a);
                }
            }
            "$" => self.jquery_create(id, call),
            // Markup shown through an object URL (`URL.createObjectURL(new
            // Blob([html], {type: 'text/html'}))` as an iframe's src).
            "URL.createObjectURL" => self.html_blob(id, span, arg(args, 0)),
            "Object.assign" => {
                let Some(target) = arg(args, 0) else {
                    return true;
                };
                if let Val::Element(elem) = self.r.resolve(target, 0) {
                    for a in args.iter().skip(1).filter_map(Argument::as_expression) {
                        if let Val::Object(object) = self.r.resolve(a, 0) {
                            self.element_props(id, span, &elem, object);
                        }
                    }
                }
            }
            "importArticles" | "importArticle" => self.import_articles(id, call, path),
            "importScriptPage" => self.import_wiki_page(id, call, path, Sink::Script),
            "importStylesheetPage" => self.import_wiki_page(id, call, path, Sink::Style),
            _ => {
                if let Some(sink) = page_api_sink(path) {
                    self.import_page(id, span, path, sink, arg(args, 0));
                } else if let Some(sink) = url_api_sink(path) {
                    self.simple(id, span, path, sink, arg(args, 0));
                } else {
                    return self.library_call(id, call, path);
                }
            }
        }
        true
    }

    fn method_call(
        &mut self,
        id: NodeId,
        call: &'a CallExpression<'a>,
        member: &'a MemberExpression<'a>,
        method: &str,
    ) {
        let args = &call.arguments;
        let span = call.span;
        let receiver = self.r.resolve(member.object(), 0);
        match (method, receiver) {
            ("open", Val::Xhr) => {
                self.simple(id, span, "XMLHttpRequest.open", Sink::Xhr, arg(args, 1));
            }
            ("setAttribute", Val::Element(elem)) => {
                if let (Some(name), Some(value)) =
                    (arg(args, 0).and_then(url::string_literal), arg(args, 1))
                {
                    self.element_attr(id, span, &elem, name, value, None);
                }
            }
            ("attr" | "prop", Val::JQuery(Some(elem))) => match (arg(args, 0), arg(args, 1)) {
                (Some(name), Some(value)) => {
                    if let Some(name) = url::string_literal(name) {
                        self.element_attr(id, span, &elem, name, value, None);
                    }
                }
                (Some(object), None) => {
                    if let Val::Object(object) = self.r.resolve(object, 0) {
                        self.element_props(id, span, &elem, object);
                    }
                }
                _ => {}
            },
            ("html" | "append" | "prepend" | "after" | "before" | "replaceWith", receiver) => {
                let jquery_like = matches!(receiver, Val::JQuery(_))
                    || (method == "html" && !matches!(receiver, Val::Element(_)))
                    || root_name(member.object()).is_some_and(|n| n.starts_with('$'));
                if jquery_like {
                    let api = format!(".{method}()");
                    for a in args.iter().filter_map(Argument::as_expression) {
                        self.markup(id, span, &api, a);
                    }
                }
            }
            // jQuery's `.load(url)` fetches HTML into the collection; with a
            // function it is the old event alias (`$(window).load(fn)`).
            ("load", Val::JQuery(_))
                if arg(args, 0).is_some_and(|a| {
                    !matches!(
                        a.get_inner_expression(),
                        Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_)
                    )
                }) =>
            {
                self.simple(id, span, ".load()", Sink::Xhr, arg(args, 0));
            }
            ("insertAdjacentHTML", _) => {
                if let Some(a) = arg(args, 1) {
                    self.markup(id, span, "insertAdjacentHTML", a);
                }
            }
            ("css", Val::JQuery(_)) => match (arg(args, 0), arg(args, 1)) {
                (Some(_), Some(value)) => self.style(id, span, ".css()", value),
                (Some(object), None) => {
                    if let Val::Object(object) = self.r.resolve(object, 0) {
                        for p in object.properties.iter().filter_map(|p| p.as_property()) {
                            self.style(id, span, ".css()", &p.value);
                        }
                    }
                }
                _ => {}
            },
            ("setProperty", _) if is_style_object(member.object()) => {
                if let Some(value) = arg(args, 1) {
                    self.style(id, span, "style.setProperty", value);
                }
            }
            _ => {}
        }
    }

    fn new_expression(&mut self, id: NodeId, new: &'a NewExpression<'a>) {
        let Val::Global(path) = self.r.resolve(&new.callee, 0) else {
            return;
        };
        let (api, sink) = match path.as_str() {
            "WebSocket" => ("WebSocket", Sink::Websocket),
            "EventSource" => ("EventSource", Sink::Eventsource),
            "Worker" => ("Worker", Sink::Worker),
            "SharedWorker" => ("SharedWorker", Sink::Worker),
            // Both are `$.ajax` underneath: XMLHttpRequest.
            "mw.ForeignApi" => ("mw.ForeignApi", Sink::Xhr),
            "mw.ForeignRest" => ("mw.ForeignRest", Sink::Xhr),
            "mw.Api" | "mw.Rest" => {
                let api = if path == "mw.Api" {
                    "mw.Api"
                } else {
                    "mw.Rest"
                };
                let file = if path == "mw.Api" { "api" } else { "rest" };
                let mut load = Load::new(new.span.start, new.span.end, api, Sink::Xhr)
                    .with_url(format!("${{wgScriptPath}}/{file}.php"));
                load.resolution = Resolution::Constant;
                self.push(id, load);
                return;
            }
            "FontFace" => {
                if let Some(source) = arg(&new.arguments, 1) {
                    self.font_face(id, new.span, source);
                }
                return;
            }
            "Audio" => ("Audio", Sink::Media),
            _ => {
                if let Some(library) = super::library::entry_point(&path, true) {
                    self.library_load(id, new.span, library);
                }
                return;
            }
        };
        match arg(&new.arguments, 0) {
            Some(target) => self.simple(id, new.span, api, sink, Some(target)),
            // `new Audio()` alone loads nothing until `.src` is set.
            None if sink == Sink::Media => {}
            None => self.simple(id, new.span, api, sink, None),
        }
    }

    fn assignment(&mut self, id: NodeId, assign: &'a AssignmentExpression<'a>) {
        let additive = assign.operator == AssignmentOperator::Addition;
        if assign.operator != AssignmentOperator::Assign && !additive {
            return;
        }
        if !additive && let Some(name) = self.global_target(&assign.left) {
            self.library_config(id, assign.span, &name, &assign.right);
            return;
        }
        let Some(member) = assign.left.as_member_expression() else {
            return;
        };
        let Some(prop) = member.static_property_name() else {
            return;
        };
        let span = assign.span;
        match prop {
            "textContent" | "innerText" | "innerHTML" | "text"
                if matches!(
                    self.r.resolve(member.object(), 0),
                    Val::Element(ref e) if e.tag == "style"
                ) =>
            {
                self.style(id, span, "style", &assign.right);
            }
            "innerHTML" | "outerHTML" => self.markup(id, span, prop, &assign.right),
            _ if is_style_object(member.object()) => {
                self.style(id, span, "style", &assign.right);
            }
            "src" | "href" | "action" | "srcset" | "poster" | "data" | "rel" if !additive => {
                if let Val::Element(elem) = self.r.resolve(member.object(), 0) {
                    self.element_attr(id, span, &elem, prop, &assign.right, None);
                }
            }
            _ => {}
        }
    }

    /// A load whose target is one URL argument (`$.getScript(url)`).
    fn simple(
        &mut self,
        id: NodeId,
        span: Span,
        api: &str,
        sink: Sink,
        target: Option<&'a Expression<'a>>,
    ) {
        let folded = match target {
            Some(t) => self.r.fold(t),
            None => opaque(span),
        };
        let load = self.url_load(span, api, sink, &folded);
        self.emit(id, load, target, &folded);
    }

    /// `mw.loader.load(x, type)`: a URL (script, or style for `text/css`) or
    /// ResourceLoader module names.
    fn loader_load(&mut self, id: NodeId, call: &'a CallExpression<'a>) {
        let args = &call.arguments;
        let Some(target) = arg(args, 0) else { return };
        if let Val::Array(_) = self.r.resolve(target, 0) {
            self.modules(id, call.span, "mw.loader.load", target);
            return;
        }
        // `action=parse` answers list the modules a page needs:
        // `mw.loader.load(data.parse.modules)`.
        if let Some(member) = target.get_inner_expression().as_member_expression()
            && matches!(
                member.static_property_name(),
                Some("modules" | "modulestyles" | "modulescripts")
            )
        {
            let mut load = Load::new(
                call.span.start,
                call.span.end,
                "mw.loader.load",
                Sink::Module,
            );
            load.same_wiki = true;
            let folded = Folded {
                dynamic: Some(target.span()),
                ..opaque(call.span)
            };
            self.set_resolution(&mut load, &folded);
            self.push(id, load);
            return;
        }
        let folded = self.r.fold(target);
        if url::is_loader_url(&folded.text) || folded.text.starts_with(DYNAMIC) {
            let css = arg(args, 1).and_then(url::string_literal) == Some("text/css");
            let sink = if css { Sink::Style } else { Sink::Script };
            let load = self.url_load(call.span, "mw.loader.load", sink, &folded);
            self.emit(id, load, Some(target), &folded);
        } else {
            self.modules(id, call.span, "mw.loader.load", target);
        }
    }

    /// A ResourceLoader module load: one name or an array of names.
    fn modules(&mut self, id: NodeId, span: Span, api: &str, target: &'a Expression<'a>) {
        let mut load = Load::new(span.start, span.end, api, Sink::Module);
        load.same_wiki = true;
        let names: Vec<Folded> = match self.r.resolve(target, 0) {
            Val::Array(array) => array
                .elements
                .iter()
                .map(|e| match e.as_expression() {
                    Some(e) => self.r.fold(e),
                    None => opaque(e.span()),
                })
                .collect(),
            _ => vec![self.r.fold(target)],
        };
        let worst = names
            .iter()
            .map(|f| f.resolution)
            .max()
            .unwrap_or(Resolution::Literal);
        let mut summary = names
            .iter()
            .find(|f| f.dynamic.is_some())
            .cloned()
            .unwrap_or_else(|| Folded {
                text: String::new(),
                resolution: worst,
                dynamic: None,
                ..Folded::opaque(span)
            });
        summary.resolution = worst;
        self.set_resolution(&mut load, &summary);
        load.modules = names.into_iter().map(|f| f.text).collect();
        self.push(id, load);
    }

    /// `importScript(title)` / `importStylesheet(title)`: a page of this wiki.
    fn import_page(
        &mut self,
        id: NodeId,
        span: Span,
        api: &str,
        sink: Sink,
        title: Option<&'a Expression<'a>>,
    ) {
        let folded = title.map_or_else(|| opaque(span), |t| self.r.fold(t));
        let mut load = Load::new(span.start, span.end, api, sink);
        load.same_wiki = true;
        load.page = (!folded.is_opaque()).then(|| folded.text.clone());
        self.set_resolution(&mut load, &folded);
        self.push(id, load);
    }

    /// `$.ajax` and its shorthands. Data requests unless the data type (or a
    /// `callback=?` URL, which jQuery turns into a script tag) makes them JSONP
    /// or script: <https://api.jquery.com/jQuery.ajax/>.
    fn ajax(&mut self, id: NodeId, call: &'a CallExpression<'a>, api: &str) {
        let args = &call.arguments;
        let Some(first) = arg(args, 0) else { return };
        let (target, settings) = if let Val::Object(object) = self.r.resolve(first, 0) {
            // `$.ajax({...})` without `url` requests the current page: no load.
            let Some(u) = property(object, "url") else {
                return;
            };
            (u, Some(object))
        } else {
            let settings = match arg(args, 1).map(|a| self.r.resolve(a, 0)) {
                Some(Val::Object(o)) if api == "$.ajax" => Some(o),
                _ => None,
            };
            (first, settings)
        };
        let mut data_type = settings
            .and_then(|o| property(o, "dataType"))
            .and_then(url::string_literal)
            .map(str::to_ascii_lowercase);
        let jsonp_option = settings.is_some_and(|o| {
            property(o, "jsonp").is_some() || property(o, "jsonpCallback").is_some()
        });
        if matches!(api, "$.get" | "$.post") && settings.is_none() && args.len() > 1 {
            data_type = args
                .iter()
                .skip(1)
                .filter_map(Argument::as_expression)
                .filter_map(url::string_literal)
                .next_back()
                .map(str::to_ascii_lowercase);
        }
        let folded = self.r.fold(target);
        let callback_url = matches!(api, "$.getJSON" | "$.ajax") && folded.text.contains("=?");
        let sink = match data_type.as_deref() {
            Some("script") => Sink::Script,
            Some("jsonp") => Sink::Jsonp,
            _ if jsonp_option || callback_url => Sink::Jsonp,
            _ => Sink::Xhr,
        };
        let load = self.url_load(call.span, api, sink, &folded);
        self.emit(id, load, Some(target), &folded);
    }
}

impl<'a> Scanner<'_, 'a> {
    /// A call of a loader another source of the set defines: an imported
    /// function or a global (`sharedLoader.inject(url)`).
    fn cross_file_call(&mut self, id: NodeId, call: &'a CallExpression<'a>) -> bool {
        let callee = call.callee.get_inner_expression();
        let export = match callee {
            Expression::Identifier(ident) => match self.r.binding(ident) {
                Ok(symbol) => self.r.imported_export(symbol),
                Err(()) => self.r.global_export(&ident.name),
            },
            _ if callee.as_member_expression().is_some() => match self.r.resolve(callee, 0) {
                Val::Global(path) => self.r.global_export(&path),
                _ => None,
            },
            _ => None,
        };
        let Some(crate::crossfile::Export::Loader { param, api, sink }) = export else {
            return false;
        };
        self.simple(id, call.span, &api, sink, arg(&call.arguments, param));
        true
    }
}

impl<'a> Scanner<'_, 'a> {
    fn html_blob(&mut self, id: NodeId, span: Span, blob: Option<&'a Expression<'a>>) {
        let Some(Expression::NewExpression(new)) = blob.map(Expression::get_inner_expression)
        else {
            return;
        };
        if !matches!(self.r.resolve(&new.callee, 0), Val::Global(ref p) if p == "Blob") {
            return;
        }
        let html = arg(&new.arguments, 1)
            .and_then(|o| match self.r.resolve(o, 0) {
                Val::Object(object) => property(object, "type"),
                _ => None,
            })
            .and_then(url::string_literal)
            .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
        if !html {
            return;
        }
        if let Some(Val::Array(parts)) = arg(&new.arguments, 0).map(|a| self.r.resolve(a, 0)) {
            for part in parts.elements.iter().filter_map(|e| e.as_expression()) {
                self.markup(id, span, "Blob(text/html)", part);
            }
        }
    }
}

/// Nothing known about the target.
pub(super) fn opaque(span: Span) -> Folded {
    Folded::opaque(span)
}

/// `el.style` / `el.style.x`: is this expression a style declaration object?
fn is_style_object(expr: &Expression<'_>) -> bool {
    expr.get_inner_expression()
        .as_member_expression()
        .is_some_and(|m| m.static_property_name() == Some("style"))
}

/// The identifier a member/call chain starts from (`$content` in
/// `$content.find('.x').append(…)`).
fn root_name<'a>(expr: &'a Expression<'a>) -> Option<&'a str> {
    let mut expr = expr.get_inner_expression();
    loop {
        expr = match expr {
            Expression::Identifier(ident) => return Some(ident.name.as_str()),
            Expression::CallExpression(call) => call.callee.get_inner_expression(),
            e => e.as_member_expression()?.object().get_inner_expression(),
        };
    }
}
