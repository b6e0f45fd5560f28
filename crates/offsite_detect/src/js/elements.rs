//! Loads through DOM elements (`script.src = …`, `setAttribute`, jQuery
//! `$('<img>').attr('src', …)`) and through markup or style strings handed to
//! the page (`innerHTML`, `document.write`, `.css()`), which are scanned by the
//! HTML and CSS front ends.

use offsite_model::{DYNAMIC, Load, Resolution};
use oxc::ast::ast::{CallExpression, Expression, ObjectExpression, ObjectPropertyKind};
use oxc::semantic::NodeId;
use oxc::span::Span;

use super::fold::Folded;
use super::resolve::{Elem, Val, property};
use super::sinks::Scanner;
use super::url;

impl<'a> Scanner<'_, 'a> {
    /// Setting attribute `attr` of `elem` to `value`. `rel`: the `rel` set in
    /// the same call (`Object.assign(link, { rel, href })`).
    pub(super) fn element_attr(
        &mut self,
        id: NodeId,
        span: Span,
        elem: &Elem,
        attr: &str,
        value: &'a Expression<'a>,
        rel: Option<String>,
    ) {
        let attr = attr.to_ascii_lowercase();
        if attr == "rel" {
            if let Some(origin) = elem.origin {
                self.rels.insert(origin, self.r.fold(value).text);
            }
            return;
        }
        if attr == "style" {
            self.style(id, span, "style", value);
            return;
        }
        let Some(mut sink) = url::element_sink(&elem.tag, &attr) else {
            return;
        };
        let mut pending = None;
        if elem.tag == "link" {
            match rel.or_else(|| elem.rel.clone()) {
                Some(rel) => match url::link_sink(Some(&rel)) {
                    Some(s) => sink = s,
                    None => return,
                },
                None => pending = elem.origin,
            }
        }
        let api = format!("{}.{attr}", elem.tag);
        let folded = self.r.fold(value);
        if attr == "srcset" && folded.dynamic.is_none() {
            for candidate in url::srcset_urls(&folded.text) {
                let one = Folded {
                    text: candidate.to_owned(),
                    ..folded.clone()
                };
                let load = self.url_load(span, &api, sink, &one);
                self.push(id, load);
            }
            return;
        }
        let load = self.url_load(span, &api, sink, &folded);
        let before = self.loads.len();
        self.emit(id, load, Some(value), &folded);
        if let Some(origin) = pending
            && self.loads.len() == before + 1
        {
            self.pending_links.push((self.loads.len() - 1, origin));
        }
    }

    /// `{ src: …, rel: … }` given to `Object.assign`, `$('<x>', {…})` or `.attr({…})`.
    pub(super) fn element_props(
        &mut self,
        id: NodeId,
        span: Span,
        elem: &Elem,
        object: &'a ObjectExpression<'a>,
    ) {
        let rel = property(object, "rel").map(|r| self.r.fold(r).text);
        for prop in &object.properties {
            let ObjectPropertyKind::ObjectProperty(prop) = prop else {
                continue;
            };
            if prop.computed {
                continue;
            }
            let Some(key) = prop.key.static_name() else {
                continue;
            };
            if key == "rel" {
                continue;
            }
            // `$('<div>', { html: '<img src=…>' })` sets the markup with
            // jQuery's `.html()`.
            if key == "html" {
                self.markup(id, span, ".html()", &prop.value);
                continue;
            }
            self.element_attr(id, span, elem, &key, &prop.value, rel.clone());
        }
    }

    /// `$('<script>', { src })`, `$('<img src="…">')`.
    pub(super) fn jquery_create(&mut self, id: NodeId, call: &'a CallExpression<'a>) {
        let Some(first) = call.arguments.first().and_then(|a| a.as_expression()) else {
            return;
        };
        let folded = self.r.fold(first);
        if !folded.text.trim_start().starts_with('<') {
            return;
        }
        if url::markup_has_content(&folded.text) {
            self.embed_markup(id, call.span, "$()", &folded);
        }
        let Some(elem) = url::markup_element(&folded.text) else {
            return;
        };
        let settings = call.arguments.get(1).and_then(|a| a.as_expression());
        if let Some(Val::Object(object)) = settings.map(|s| self.r.resolve(s, 0)) {
            self.element_props(id, call.span, &elem, object);
        }
    }

    /// A markup string inserted into the page.
    pub(super) fn markup(&mut self, id: NodeId, span: Span, api: &str, expr: &'a Expression<'a>) {
        let folded = self.r.fold(expr);
        if folded.dynamic.is_some() {
            // `TEMPLATES[state]`, `ok ? '<img …>' : '<b>…</b>'`: each markup
            // candidate is inserted in some run.
            let candidates = self.r.fold_candidates(expr);
            if !candidates.is_empty() {
                for candidate in candidates.iter().filter(|c| c.text.contains('<')) {
                    self.embed_markup(id, span, api, candidate);
                }
                return;
            }
        }
        if folded.text.contains('<') {
            self.embed_markup(id, span, api, &folded);
        }
    }

    fn embed_markup(&mut self, id: NodeId, span: Span, api: &str, folded: &Folded) {
        let mut loads = crate::html::detect_fragment(&folded.text, span.start, self.options);
        // The DOM never runs a `<script>` inserted through innerHTML (jQuery's
        // `.html()`/`.append()` and `document.write` do):
        // https://html.spec.whatwg.org/multipage/dynamic-markup-insertion.html#dom-element-innerhtml
        if matches!(api, "innerHTML" | "outerHTML" | "insertAdjacentHTML") {
            loads.retain(|l| !l.api.starts_with("<script"));
        }
        self.embed(id, span, api, folded, loads);
    }

    /// `new FontFace(family, 'url(…)')`.
    pub(super) fn font_face(&mut self, id: NodeId, span: Span, source: &'a Expression<'a>) {
        let folded = self.r.fold(source);
        let mut loads = crate::css::detect_fragment(&folded.text, span.start);
        for load in &mut loads {
            load.sink = offsite_model::Sink::Font;
            load.api = "FontFace".into();
        }
        self.embed(id, span, "new", &folded, loads);
    }

    /// A style string applied to an element.
    pub(super) fn style(&mut self, id: NodeId, span: Span, api: &str, expr: &'a Expression<'a>) {
        let folded = self.r.fold(expr);
        let lower = folded.text.to_ascii_lowercase();
        if lower.contains("url(") || lower.contains("image-set(") || lower.contains("@import") {
            let loads = crate::css::detect_fragment(&folded.text, span.start);
            self.embed(id, span, api, &folded, loads);
        }
    }

    /// Loads found in an embedded string take the JavaScript expression's
    /// place, resolution and consent.
    fn embed(&mut self, id: NodeId, span: Span, api: &str, folded: &Folded, loads: Vec<Load>) {
        for mut load in loads {
            // The string literal that holds the URL, else the whole expression.
            let at = folded
                .literal_at(load.start.saturating_sub(span.start))
                .unwrap_or(span);
            load.start = at.start;
            load.end = at.end;
            load.api = format!("{api} {}", load.api);
            let dynamic = load.url.as_deref().is_none_or(|u| u.contains(DYNAMIC));
            if dynamic && folded.dynamic.is_some() {
                self.set_resolution(&mut load, folded);
            } else if dynamic {
                load.resolution = Resolution::Dynamic;
            } else if folded.resolution != Resolution::Literal {
                load.resolution = Resolution::Constant;
            }
            self.push(id, load);
        }
    }

    /// Give `<link href>` loads the `rel` set on their variable anywhere in
    /// the file; drop those whose rel fetches nothing.
    pub(super) fn finish_links(&mut self) {
        let mut dropped = Vec::new();
        for &(index, origin) in &self.pending_links {
            let Some(rel) = self.rels.get(&origin) else {
                continue;
            };
            match url::link_sink(Some(rel)) {
                Some(sink) => {
                    if let Some(load) = self.loads.get_mut(index) {
                        load.sink = sink;
                    }
                }
                None => dropped.push(index),
            }
        }
        if !dropped.is_empty() {
            let mut index = 0;
            self.loads.retain(|_| {
                let keep = !dropped.contains(&index);
                index += 1;
                keep
            });
        }
    }
}
