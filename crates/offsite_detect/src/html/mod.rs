//! HTML front end: element attributes that fetch (`<script src>`, `<link
//! rel=stylesheet>`, `<img src|srcset>`, `<iframe src>`, `<form action>`...),
//! inline `<style>` bodies and `style=""` attributes (CSS front end) and
//! inline `<script>` bodies (JavaScript front end), with offsets into the
//! original text.
//!
//! Wikitext is read here too, for the raw HTML inside it: `[http://… links]`
//! are text, and `<nowiki>`, `<syntaxhighlight>` and `<source lang=…>` bodies
//! are literal, so markup inside them is not read. The wiki's `Sanitizer`
//! escapes `<script>`, `<img>`, `<iframe>`... and strips `url()` from `style`
//! attributes when it renders a page, so loads found in wikitext are what the
//! text asks for, which the parser may refuse (a page shown raw, or a
//! template that passes markup on, can still use them).
//!
//! Not done here: `<a href>` and other navigations (not loads), `<base href>`
//! resolution, event-handler attributes (`onclick="…"`). Whether markup
//! runs at all is the caller's call: `<script>` inserted by `innerHTML` is
//! never fetched, while `document.write` and jQuery's `.html()` run it.

mod tokens;
mod values;

use html5gum::{State, Tokenizer};
use offsite_model::{Load, Sink};

use crate::css::network_url;
use crate::sink_tables::ELEMENT_SINKS;
use crate::{Detection, Options, SyntaxError, css, js};
use tokens::{Attr, Event, Tag};
use values::{is_javascript_type, is_template_type, srcset_urls};

/// Detect the loads in an HTML document or in wikitext.
pub fn detect(text: &str, options: &Options) -> Detection {
    scan(text, 0, options)
}

/// Detect the loads in markup found inside another text (an `innerHTML`
/// or `document.write` string, jQuery markup), with offsets shifted by `base`.
/// Run-time parts of the string are written [`offsite_model::DYNAMIC`]; a URL
/// containing one is [`offsite_model::Resolution::Dynamic`].
pub fn detect_fragment(text: &str, base: u32, options: &Options) -> Vec<Load> {
    scan(text, base, options).loads
}

/// How deep markup may nest inside markup (`srcdoc`, template scripts,
/// markup strings in inline scripts) before the inner text is skipped. Each
/// level is a shorter text, so this only bounds the stack on crafted input.
const MAX_DEPTH: u8 = 12;

thread_local! {
    /// Nesting of [`scan`] on this thread, across the JS front end too.
    static DEPTH: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

/// How many markup scans enclose the current one on this thread (0 at top
/// level): the JS front end moves deeper nestings onto a big stack.
pub(crate) fn nesting() -> u8 {
    DEPTH.with(std::cell::Cell::get)
}

fn scan(text: &str, base: u32, options: &Options) -> Detection {
    let depth = DEPTH.with(std::cell::Cell::get);
    if depth >= MAX_DEPTH {
        return Detection {
            loads: Vec::new(),
            errors: vec![SyntaxError {
                start: base,
                message: "markup nested too deeply; not read".into(),
            }],
        };
    }
    DEPTH.with(|d| d.set(depth + 1));
    let detection = scan_at_depth(text, base, options);
    DEPTH.with(|d| d.set(depth));
    detection
}

fn scan_at_depth(text: &str, base: u32, options: &Options) -> Detection {
    let mut scan = Scan {
        text,
        base,
        options,
        detection: Detection::default(),
    };
    scan.run();
    scan.detection.loads.sort_by_key(|l| (l.start, l.end));
    scan.detection
}

/// A `<script>` or `<style>` whose body is read by another front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Script,
    /// A client-side template (`<script type="text/x-template">`): markup
    /// that ends up in the page.
    Markup,
    Style,
    /// Read by nobody (JSON, unknown script types, `<textarea>`...).
    Ignored,
}

struct Scan<'a> {
    text: &'a str,
    base: u32,
    options: &'a Options,
    detection: Detection,
}

impl Scan<'_> {
    fn offset(&self, byte: usize) -> u32 {
        // Saturate rather than wrap on texts over 4 GiB so offsets stay ordered.
        self.base
            .saturating_add(u32::try_from(byte).unwrap_or(u32::MAX))
    }

    fn run(&mut self) {
        let mut tokenizer = Tokenizer::new_with_emitter(self.text, tokens::emitter());
        // Inside a raw-text element: what reads its body, the end tag that
        // closes it and where the body starts.
        let mut body: Option<(Body, &'static [u8], usize)> = None;
        // Inside a wikitext literal (`<nowiki>`...): skip until this end tag.
        let mut literal_until: Option<Vec<u8>> = None;
        let mut picture_depth = 0usize;
        while let Some(Ok(event)) = tokenizer.next() {
            match event {
                Event::Start(tag) => {
                    if literal_until.is_some() {
                        continue;
                    }
                    if let Some(end) = literal_end(&tag) {
                        literal_until = Some(end.to_vec());
                        continue;
                    }
                    if tag.name == b"picture" {
                        picture_depth += 1;
                    }
                    self.tag(&tag, picture_depth > 0);
                    if let Some((state, end_name, kind)) = raw_text(&tag) {
                        tokenizer.set_state(state);
                        body = Some((kind, end_name, tag.end));
                    }
                }
                Event::End { name, start } => {
                    if literal_until.as_deref() == Some(name.as_slice()) {
                        literal_until = None;
                    } else if name == b"picture" {
                        picture_depth = picture_depth.saturating_sub(1);
                    }
                    if let Some((kind, end_name, body_start)) = body
                        && end_name == name.as_slice()
                    {
                        body = None;
                        self.body(kind, body_start, start);
                    }
                }
            }
        }
        // An unclosed `<script>` or `<style>` runs to the end of the text.
        if let Some((kind, _, body_start)) = body {
            self.body(kind, body_start, self.text.len());
        }
    }

    /// Hand a raw-text body to the front end for its language.
    fn body(&mut self, kind: Body, start: usize, end: usize) {
        let Some(source) = self.text.get(start..end) else {
            return;
        };
        let base = self.offset(start);
        match kind {
            Body::Style => self
                .detection
                .loads
                .extend(css::detect_fragment(source, base)),
            Body::Markup => {
                self.detection
                    .loads
                    .extend(detect_fragment(source, base, self.options));
            }
            Body::Script => {
                let found = js::detect(source, false, self.options);
                self.detection
                    .loads
                    .extend(found.loads.into_iter().map(|mut load| {
                        load.start = load.start.saturating_add(base);
                        load.end = load.end.saturating_add(base);
                        load
                    }));
                self.detection
                    .errors
                    .extend(found.errors.into_iter().map(|e| SyntaxError {
                        start: e.start.saturating_add(base),
                        message: e.message,
                    }));
            }
            Body::Ignored => {}
        }
    }

    fn tag(&mut self, tag: &Tag, in_picture: bool) {
        for attr in &tag.attrs {
            if attr.name == b"style" && !attr.value.is_empty() {
                self.embedded(attr, |text, base, _| css::detect_fragment(text, base));
            }
        }
        match tag.name.as_slice() {
            // Browsers fetch nothing for a type they do not run.
            b"script"
                if tag
                    .attr(b"type")
                    .is_none_or(|t| is_javascript_type(&t.value)) =>
            {
                self.url(tag.attr(b"src"), "<script src>", Sink::Script);
            }
            // A script of a type browsers do not run: nothing is fetched (not
            // the table's `<script src>` below).
            b"script" => {}
            b"link" => self.link(tag),
            b"img" => {
                self.url(tag.attr(b"src"), "<img src>", Sink::Image);
                self.srcset(tag.attr(b"srcset"), "<img srcset>");
            }
            b"source" => {
                self.srcset(tag.attr(b"srcset"), "<source srcset>");
                if !in_picture {
                    self.url(tag.attr(b"src"), "<source src>", Sink::Media);
                }
            }
            b"iframe" => {
                self.url(tag.attr(b"src"), "<iframe src>", Sink::Iframe);
                if let Some(srcdoc) = tag.attr(b"srcdoc") {
                    self.embedded(srcdoc, detect_fragment);
                }
            }
            b"input" => {
                if tag
                    .attr(b"type")
                    .is_some_and(|t| t.value.eq_ignore_ascii_case(b"image"))
                {
                    self.url(tag.attr(b"src"), "<input type=image>", Sink::Image);
                }
                self.url(tag.attr(b"formaction"), "<input formaction>", Sink::Form);
            }
            // SVG `<image>`; `xlink:href` is the SVG 1.1 spelling.
            b"image" => {
                let href = tag.attr(b"href").or_else(|| tag.attr(b"xlink:href"));
                self.url(href, "<image href>", Sink::Image);
            }
            // SVG `<use>` of another file's symbol (`sprite.svg#icon`); a
            // bare `#icon` is in-document and dropped as a fragment.
            b"use" => {
                let href = tag.attr(b"href").or_else(|| tag.attr(b"xlink:href"));
                self.url(href, "<use href>", Sink::Image);
            }
            b"templatestyles" => self.templatestyles(tag),
            // Presentational attribute still honoured by browsers.
            b"body" | b"table" | b"td" | b"th" => {
                self.url(tag.attr(b"background"), "[background]", Sink::Image);
            }
            // Plain attribute URLs (`<form action>`, `<video poster>`...):
            // the shared table.
            name => {
                for &(element, attribute, sink) in ELEMENT_SINKS {
                    if element.as_bytes() == name
                        && let Some(value) = tag.attr(attribute.as_bytes())
                    {
                        self.url(Some(value), &format!("<{element} {attribute}>"), sink);
                    }
                }
            }
        }
    }

    fn link(&mut self, tag: &Tag) {
        let Some(rel) = tag.attr(b"rel") else { return };
        let rel = String::from_utf8_lossy(&rel.value).to_ascii_lowercase();
        let has = |word: &str| rel.split_ascii_whitespace().any(|w| w == word);
        let (api, sink) = if has("stylesheet") {
            ("<link rel=stylesheet>", Sink::Style)
        } else if has("modulepreload") {
            ("<link rel=modulepreload>", Sink::Script)
        } else if has("preload") {
            ("<link rel=preload>", Sink::Prefetch)
        } else if has("prefetch") {
            ("<link rel=prefetch>", Sink::Prefetch)
        } else if has("icon") || has("apple-touch-icon") || has("apple-touch-icon-precomposed") {
            ("<link rel=icon>", Sink::Image)
        } else if has("manifest") {
            ("<link rel=manifest>", Sink::Other)
        } else {
            // preconnect and dns-prefetch open connections but fetch no
            // resource; alternate, canonical and the rest are links.
            return;
        };
        self.url(tag.attr(b"href"), api, sink);
    }

    /// Wikitext `<templatestyles src="Page">` (TemplateStyles): a stylesheet
    /// from a wiki page, `Template:` unless the title names a namespace.
    /// <https://www.mediawiki.org/wiki/Extension:TemplateStyles>
    fn templatestyles(&mut self, tag: &Tag) {
        let Some(attr) = tag.attr(b"src") else { return };
        let title = String::from_utf8_lossy(&attr.value).trim().to_owned();
        if title.is_empty() {
            return;
        }
        let page = if title.contains(':') {
            title
        } else {
            format!("Template:{title}")
        };
        let mut load = Load::new(
            self.offset(attr.start),
            self.offset(attr.end),
            "<templatestyles src>",
            Sink::Style,
        );
        load.same_wiki = true;
        load.page = Some(page);
        self.detection.loads.push(load);
    }

    /// One URL-valued attribute, offsets on its value.
    fn url(&mut self, attr: Option<&Attr>, api: &str, sink: Sink) {
        let Some(attr) = attr else { return };
        let raw = String::from_utf8_lossy(&attr.value);
        self.push(attr.start, attr.end, &raw, api, sink);
    }

    fn push(&mut self, start: usize, end: usize, raw: &str, api: &str, sink: Sink) {
        let Some((url, resolution)) = network_url(raw) else {
            return;
        };
        let mut load = Load::new(self.offset(start), self.offset(end), api, sink).with_url(url);
        load.resolution = resolution;
        self.detection.loads.push(load);
    }

    /// Every candidate URL of a `srcset`; each gets its own offsets when the
    /// attribute was written without character references.
    fn srcset(&mut self, attr: Option<&Attr>, api: &'static str) {
        let Some(attr) = attr else { return };
        let value = String::from_utf8_lossy(&attr.value);
        let verbatim = self.text.get(attr.start..attr.end) == Some(value.as_ref());
        for (from, to) in srcset_urls(&value) {
            let (start, end) = if verbatim {
                (attr.start + from, attr.start + to)
            } else {
                (attr.start, attr.end)
            };
            self.push(start, end, &value[from..to], api, Sink::Image);
        }
    }

    /// Text in another language inside an attribute value (`style`,
    /// `srcdoc`). Character references change byte counts, so a value not
    /// written verbatim gets its loads pinned to the whole attribute value.
    fn embedded(&mut self, attr: &Attr, detect: impl Fn(&str, u32, &Options) -> Vec<Load>) {
        let value = String::from_utf8_lossy(&attr.value);
        if self.text.get(attr.start..attr.end) == Some(value.as_ref()) {
            let loads = detect(&value, self.offset(attr.start), self.options);
            self.detection.loads.extend(loads);
        } else {
            let (start, end) = (self.offset(attr.start), self.offset(attr.end));
            self.detection
                .loads
                .extend(detect(&value, 0, self.options).into_iter().map(|mut l| {
                    (l.start, l.end) = (start, end);
                    l
                }));
        }
    }
}

/// Elements whose content the tokenizer must read as text, as a browser's
/// tree builder would tell it to (html5gum is only a tokenizer).
fn raw_text(tag: &Tag) -> Option<(State, &'static [u8], Body)> {
    Some(match tag.name.as_slice() {
        b"script" => {
            let kind = match tag.attr(b"type") {
                None => Body::Script,
                Some(t) if is_javascript_type(&t.value) => Body::Script,
                Some(t) if is_template_type(&t.value) => Body::Markup,
                Some(_) => Body::Ignored,
            };
            // A `<script src>` body is never run.
            let kind = if tag.attr(b"src").is_some() {
                Body::Ignored
            } else {
                kind
            };
            (State::ScriptData, b"script", kind)
        }
        b"style" => (State::RawText, b"style", Body::Style),
        b"textarea" => (State::RcData, b"textarea", Body::Ignored),
        b"title" => (State::RcData, b"title", Body::Ignored),
        b"xmp" => (State::RawText, b"xmp", Body::Ignored),
        b"noembed" => (State::RawText, b"noembed", Body::Ignored),
        b"noframes" => (State::RawText, b"noframes", Body::Ignored),
        // With scripting on (the only case where gadgets run), `<noscript>`
        // content is never rendered.
        b"noscript" => (State::RawText, b"noscript", Body::Ignored),
        b"iframe" => (State::RawText, b"iframe", Body::Ignored),
        b"plaintext" => (State::PlainText, b"plaintext", Body::Ignored),
        _ => return None,
    })
}

/// Wikitext elements whose content is shown literally: markup inside them is
/// an example, not a tag. `<source>` with a `lang` and no `src` is the old
/// name of `<syntaxhighlight>`.
fn literal_end(tag: &Tag) -> Option<&'static [u8]> {
    match tag.name.as_slice() {
        b"nowiki" => Some(b"nowiki"),
        b"syntaxhighlight" => Some(b"syntaxhighlight"),
        b"source"
            if tag.attr(b"lang").is_some()
                && tag.attr(b"src").is_none()
                && tag.attr(b"srcset").is_none() =>
        {
            Some(b"source")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_offsets_point_at_the_value() {
        let html = "<p>x</p><img alt=\"é\" src=\"https://img.example/a.png\">";
        let d = detect(html, &Options::default());
        let load = &d.loads[0];
        assert_eq!(
            &html[load.start as usize..load.end as usize],
            "https://img.example/a.png"
        );
    }

    #[test]
    fn inline_style_offsets_point_into_the_document() {
        let html =
            "<div>é</div><style>.a{background:url(x.png)}</style><b style='cursor:url(c.cur)'>";
        let d = detect(html, &Options::default());
        let spans: Vec<_> = d
            .loads
            .iter()
            .map(|l| &html[l.start as usize..l.end as usize])
            .collect();
        assert_eq!(spans, ["url(x.png)", "url(c.cur)"]);
    }

    #[test]
    fn entity_encoded_style_is_pinned_to_the_attribute() {
        let html = "<b style=\"background:url(&quot;x.png&quot;)\">";
        let d = detect(html, &Options::default());
        assert_eq!(d.loads.len(), 1);
        assert_eq!(
            &html[d.loads[0].start as usize..d.loads[0].end as usize],
            "background:url(&quot;x.png&quot;)"
        );
    }

    /// html5gum 0.9 reports a text run after a tag with attributes as
    /// starting at that tag; slicing the body from it re-read the tag itself
    /// and recursed until the stack overflowed.
    #[test]
    fn raw_text_body_after_a_tag_with_attributes() {
        let html = "<p class=a>x</p><script type=\"text/x-template\"><img src=\"a.png\"></script>";
        let d = detect(html, &Options::default());
        assert_eq!(d.loads.len(), 1);
        assert_eq!(
            &html[d.loads[0].start as usize..d.loads[0].end as usize],
            "a.png"
        );
    }

    #[test]
    fn deeply_nested_srcdoc_is_bounded() {
        let mut html = String::from("<img src=x.png>");
        for _ in 0..200 {
            html = format!(
                "<iframe srcdoc=\"{}\"></iframe>",
                html.replace('&', "&amp;").replace('"', "&quot;")
            );
        }
        let d = detect(&html, &Options::default());
        assert!(d.loads.is_empty());
    }

    #[test]
    fn nowiki_content_is_literal() {
        let d = detect(
            "<nowiki><script src=\"//x.example/a.js\"></nowiki><img src=//y.example/b.png>",
            &Options::default(),
        );
        let urls: Vec<_> = d.loads.iter().filter_map(|l| l.url.as_deref()).collect();
        assert_eq!(urls, ["//y.example/b.png"]);
    }
}
