//! Which CST nodes are loads, and what they load.
//!
//! API names and sinks follow the main detector: the callee as a human
//! writes it (`mw.loader.load`, `$.getScript`, `XMLHttpRequest.open`,
//! `script.src`), and sinks as documented on [`Sink`].

use offsite_model::{Load, Resolution, Sink};
use tree_sitter::Node;

use super::fold::{Folder, string_value};
use super::target::with_target;
use super::{callee_path, node_text};
use crate::sink_tables::{page_api_sink, url_api_sink};

/// What a name was made from: `var s = document.createElement('script')`,
/// `var img = new Image()`, `var xhr = new XMLHttpRequest()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Made {
    Element(String),
    Xhr,
}

/// A name bound to something [`Made`], at a byte offset.
pub(super) struct Creation<'t> {
    name: &'t str,
    at: usize,
    made: Made,
}

/// Record `name = <creation>` and `var name = <creation>`.
pub(super) fn creation<'t>(node: Node<'t>, text: &'t str) -> Option<Creation<'t>> {
    let (name, value) = match node.kind() {
        "variable_declarator" => (
            node.child_by_field_name("name")?,
            node.child_by_field_name("value")?,
        ),
        "assignment_expression" => (
            node.child_by_field_name("left")?,
            node.child_by_field_name("right")?,
        ),
        _ => return None,
    };
    if name.kind() != "identifier" {
        return None;
    }
    let made = made_by(value, text)?;
    Some(Creation {
        name: node_text(name, text),
        at: node.start_byte(),
        made,
    })
}

/// What `value` creates, if it is an element or XHR constructor.
fn made_by(mut value: Node<'_>, text: &str) -> Option<Made> {
    // A loop, not recursion: `((((…))))` may nest thousands deep.
    while value.kind() == "parenthesized_expression" {
        value = value.named_child(0)?;
    }
    match value.kind() {
        "call_expression" => {
            let callee = callee_path(value.child_by_field_name("function")?, text)?;
            if callee != "document.createElement" {
                return None;
            }
            let tag = arguments(value)
                .first()
                .filter(|a| a.kind() == "string")
                .map(|a| string_value(*a, text))?;
            Some(Made::Element(tag.trim().to_ascii_lowercase()))
        }
        "new_expression" => {
            match callee_path(value.child_by_field_name("constructor")?, text)?.as_str() {
                "Image" => Some(Made::Element("img".to_owned())),
                "Audio" => Some(Made::Element("audio".to_owned())),
                "XMLHttpRequest" => Some(Made::Xhr),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The argument expressions of a call or `new` (comments left out).
pub(super) fn arguments(node: Node<'_>) -> Vec<Node<'_>> {
    let Some(args) = node.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect()
}

/// The value of property `key` in an object literal.
fn property<'t>(object: Node<'t>, key: &str, text: &str) -> Option<Node<'t>> {
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    object
        .named_children(&mut cursor)
        .find_map(|child| match child.kind() {
            "pair" => {
                let k = child.child_by_field_name("key")?;
                let name = match k.kind() {
                    "string" => string_value(k, text),
                    _ => node_text(k, text).to_owned(),
                };
                (name == key)
                    .then(|| child.child_by_field_name("value"))
                    .flatten()
            }
            "shorthand_property_identifier" => (node_text(child, text) == key).then_some(child),
            _ => None,
        })
}

/// Sink and API name of `element.<attribute> = url` for a created element.
fn element_sink(tag: &str, attribute: &str) -> Option<(Sink, String)> {
    let tag = if tag == "image" { "img" } else { tag };
    let sink = crate::sink_tables::element_sink(tag, attribute)?;
    Some((sink, format!("{tag}.{attribute}")))
}

/// The tag of `$('<script>')` / `$('<img src="...">')`.
fn jquery_tag(call: Node<'_>, text: &str) -> Option<String> {
    if call.kind() != "call_expression"
        || callee_path(call.child_by_field_name("function")?, text)? != "$"
    {
        return None;
    }
    let html = string_value(
        *arguments(call).first().filter(|a| a.kind() == "string")?,
        text,
    );
    let rest = html.trim_start().strip_prefix('<')?;
    let tag: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (!tag.is_empty()).then(|| tag.to_ascii_lowercase())
}

/// The byte span a load is reported at.
#[derive(Debug, Clone, Copy)]
pub(super) struct Site {
    pub start: usize,
    pub end: usize,
}

impl Site {
    fn of(node: Node<'_>) -> Self {
        Self {
            start: node.start_byte(),
            end: node.end_byte(),
        }
    }
}

/// Turns candidate nodes into loads.
pub(super) struct Finder<'a, 't> {
    pub folder: Folder<'a, 't>,
    pub creations: &'a [Creation<'t>],
}

impl<'t> Finder<'_, 't> {
    fn text(&self) -> &'t str {
        self.folder.text
    }

    pub fn load(&self, node: Node<'t>) -> Option<Load> {
        match node.kind() {
            "call_expression" => self.call(node),
            "new_expression" => self.construct(node),
            "assignment_expression" => self.assignment(node),
            _ => None,
        }
    }

    fn call(&self, node: Node<'t>) -> Option<Load> {
        let function = node.child_by_field_name("function")?;
        let args = arguments(node);
        if function.kind() == "import" {
            return self.url_load(
                Site::of(node),
                "import()",
                Sink::Script,
                args.first().copied(),
            );
        }
        let path = callee_path(function, self.text());
        if path.as_deref() == Some("$") {
            let tag = jquery_tag(node, self.text())?;
            return self.jquery_attribute(node, &tag, args.get(1).copied(), None);
        }
        if let Some(load) = path.and_then(|p| self.by_path(Site::of(node), &p, &args)) {
            return Some(load);
        }
        self.method_call(node, function, &args)
    }

    /// A call of a global API, by its normalised callee path; `site` is the
    /// span of the whole call.
    pub fn by_path(&self, site: Site, path: &str, args: &[Node<'t>]) -> Option<Load> {
        let first = args.first().copied();
        match path {
            "mw.loader.load" => self.loader_load(site, args),
            "mw.loader.using" => self.modules(site, path, first),
            "$.ajax" | "$.get" | "$.getJSON" | "$.post" => self.ajax(site, path, args),
            _ => {
                if let Some(sink) = page_api_sink(path) {
                    self.page_load(site, path, sink, first)
                } else {
                    self.url_load(site, path, url_api_sink(path)?, first)
                }
            }
        }
    }

    /// `xhr.open(method, url)`, `el.setAttribute('src', url)`,
    /// `$('<script>').attr('src', url)`.
    fn method_call(&self, node: Node<'t>, function: Node<'t>, args: &[Node<'t>]) -> Option<Load> {
        if function.kind() != "member_expression" {
            return None;
        }
        let object = function.child_by_field_name("object")?;
        let method = node_text(function.child_by_field_name("property")?, self.text());
        let first_string = args
            .first()
            .filter(|a| a.kind() == "string")
            .map(|a| string_value(*a, self.text()));
        match method {
            "open" => {
                let is_xhr = self.made(object, node.start_byte()) == Some(Made::Xhr);
                // Without a binding, an HTTP verb as first argument tells
                // `xhr.open('GET', url)` from `window.open(url, name)`.
                let verb = first_string.as_deref().is_some_and(|m| {
                    ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"]
                        .contains(&m.to_ascii_uppercase().as_str())
                });
                let receiver = callee_path(object, self.text());
                let not_window =
                    !matches!(receiver.as_deref(), Some("window" | "document" | "open"));
                (is_xhr || (verb && not_window)).then_some(())?;
                self.url_load(
                    Site::of(node),
                    "XMLHttpRequest.open",
                    Sink::Xhr,
                    args.get(1).copied(),
                )
            }
            "setAttribute" => {
                let Some(Made::Element(tag)) = self.made(object, node.start_byte()) else {
                    return None;
                };
                let (sink, api) = element_sink(&tag, first_string.as_deref()?)?;
                self.url_load(Site::of(node), &api, sink, args.get(1).copied())
            }
            "attr" | "prop" => {
                let tag = jquery_tag(object, self.text())?;
                match first_string {
                    Some(attribute) => self.jquery_attribute(
                        node,
                        &tag,
                        None,
                        Some((&attribute, args.get(1).copied())),
                    ),
                    None => self.jquery_attribute(node, &tag, args.first().copied(), None),
                }
            }
            _ => None,
        }
    }

    /// `$('<script>', {src: url})`, `.attr({src: url})` or `.attr('src', url)`.
    fn jquery_attribute(
        &self,
        node: Node<'t>,
        tag: &str,
        attributes: Option<Node<'t>>,
        pair: Option<(&str, Option<Node<'t>>)>,
    ) -> Option<Load> {
        for attribute in ["src", "href", "action", "data", "poster"] {
            let Some((sink, api)) = element_sink(tag, attribute) else {
                continue;
            };
            let value = match (&pair, attributes) {
                (Some((name, value)), _) if *name == attribute => *value,
                (None, Some(object)) => property(object, attribute, self.text()),
                _ => None,
            };
            if value.is_some() {
                return self.url_load(Site::of(node), &api, sink, value);
            }
        }
        None
    }

    fn construct(&self, node: Node<'t>) -> Option<Load> {
        let path = callee_path(node.child_by_field_name("constructor")?, self.text())?;
        let sink = match path.as_str() {
            "WebSocket" => Sink::Websocket,
            "EventSource" => Sink::Eventsource,
            "Worker" | "SharedWorker" => Sink::Worker,
            "mw.ForeignApi" | "mw.ForeignRest" => Sink::Fetch,
            "Audio" => Sink::Media,
            _ => return None,
        };
        self.url_load(
            Site::of(node),
            &path,
            sink,
            arguments(node).first().copied(),
        )
    }

    /// `script.src = url` on an element made in this file.
    fn assignment(&self, node: Node<'t>) -> Option<Load> {
        let left = node.child_by_field_name("left")?;
        if left.kind() != "member_expression" {
            return None;
        }
        let attribute = node_text(left.child_by_field_name("property")?, self.text());
        let object = left.child_by_field_name("object")?;
        let Some(Made::Element(tag)) = self.made(object, node.start_byte()) else {
            return None;
        };
        let (sink, api) = element_sink(&tag, attribute)?;
        self.url_load(
            Site::of(node),
            &api,
            sink,
            node.child_by_field_name("right"),
        )
    }

    /// What `object` holds: made right there, or the nearest earlier binding
    /// of that name (or, for code that runs later than it is written, the
    /// first one after).
    fn made(&self, object: Node<'t>, at: usize) -> Option<Made> {
        if let Some(made) = made_by(object, self.text()) {
            return Some(made);
        }
        if object.kind() != "identifier" {
            return None;
        }
        let name = node_text(object, self.text());
        let mut same = self.creations.iter().filter(|c| c.name == name);
        let before = same.clone().rfind(|c| c.at <= at);
        before.or_else(|| same.next()).map(|c| c.made.clone())
    }

    fn base(site: Site, api: &str, sink: Sink) -> Load {
        let start = u32::try_from(site.start).unwrap_or(u32::MAX);
        let end = u32::try_from(site.end).unwrap_or(u32::MAX);
        Load::new(start, end, api, sink)
    }

    fn url_load(&self, site: Site, api: &str, sink: Sink, arg: Option<Node<'t>>) -> Option<Load> {
        let folded = self.folder.fold(arg?);
        Some(with_target(Self::base(site, api, sink), &folded))
    }

    fn loader_load(&self, site: Site, args: &[Node<'t>]) -> Option<Load> {
        let api = "mw.loader.load";
        let first = *args.first()?;
        if first.kind() == "array" {
            return self.modules(site, api, Some(first));
        }
        let folded = self.folder.fold(first);
        let lower = folded.value.to_ascii_lowercase();
        let url_like = ["//", "/", "http://", "https://", "${wg"]
            .iter()
            .any(|p| lower.starts_with(p));
        // mw.loader.load takes a URL only when it matches ^(https?:)?//?/;
        // any other known string names modules. A run-time value might be
        // either: report it as a script load, the riskier reading.
        if !url_like && folded.resolution != Resolution::Dynamic {
            return self.modules(site, api, Some(first));
        }
        let css = args
            .get(1)
            .is_some_and(|t| self.folder.fold(*t).known() == Some("text/css"));
        let sink = if css { Sink::Style } else { Sink::Script };
        Some(with_target(Self::base(site, api, sink), &folded))
    }

    /// `mw.loader.using('a')`, `mw.loader.load(['a', 'b'])`: first-party modules.
    fn modules(&self, site: Site, api: &str, arg: Option<Node<'t>>) -> Option<Load> {
        let arg = arg?;
        let mut load = Self::base(site, api, Sink::Module);
        load.same_wiki = true;
        let items: Vec<Node<'t>> = if arg.kind() == "array" {
            let mut cursor = arg.walk();
            arg.named_children(&mut cursor)
                .filter(|n| n.kind() != "comment")
                .collect()
        } else {
            vec![arg]
        };
        for item in items {
            let folded = self.folder.fold(item);
            load.resolution = load.resolution.max(folded.resolution);
            match folded.known() {
                Some(name) => load.modules.push(name.to_owned()),
                None => load.dynamic_expr = load.dynamic_expr.or(folded.dynamic_expr),
            }
        }
        Some(load)
    }

    /// `importScript('User:X/y.js')`: a page of this wiki.
    fn page_load(&self, site: Site, api: &str, sink: Sink, arg: Option<Node<'t>>) -> Option<Load> {
        let folded = self.folder.fold(arg?);
        let mut load = Self::base(site, api, sink);
        load.same_wiki = true;
        load.page = folded.known().map(str::to_owned);
        load.resolution = folded.resolution;
        load.dynamic_expr = folded.dynamic_expr;
        Some(load)
    }

    /// `$.ajax(url | {url, dataType})`, `$.get(url, data, success, dataType)`.
    fn ajax(&self, site: Site, api: &str, args: &[Node<'t>]) -> Option<Load> {
        let text = self.text();
        let first = *args.first()?;
        let (url, settings) = if first.kind() == "object" {
            (property(first, "url", text), Some(first))
        } else {
            (
                Some(first),
                args.get(1).copied().filter(|a| a.kind() == "object"),
            )
        };
        let folded = self.folder.fold(url?);
        let data_type = settings
            .and_then(|s| property(s, "dataType", text))
            .and_then(|d| self.folder.fold(d).known().map(str::to_owned))
            .or_else(|| {
                // The shorthand forms take the data type as their last argument.
                let last = args
                    .iter()
                    .skip(1)
                    .last()
                    .filter(|a| a.kind() == "string")?;
                Some(string_value(*last, text))
            });
        let jsonp_option = settings.is_some_and(|s| {
            property(s, "jsonp", text).is_some() || property(s, "jsonpCallback", text).is_some()
        });
        // jQuery turns a `callback=?` URL of $.ajax / $.getJSON into JSONP.
        let callback_url = matches!(api, "$.ajax" | "$.getJSON") && folded.value.contains("=?");
        let sink = match data_type.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("script") => Sink::Script,
            Some("jsonp") => Sink::Jsonp,
            _ if jsonp_option || callback_url => Sink::Jsonp,
            _ => Sink::Xhr,
        };
        Some(with_target(Self::base(site, api, sink), &folded))
    }
}
