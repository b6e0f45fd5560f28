//! Other wiki platforms' code loaders: Fandom's `importArticles`,
//! `importArticle`, `importScriptPage` and `importStylesheetPage`.
//!
//! Fandom batches the named pages into one request per source wiki
//! (`load.php?mode=articles&articles=…`), so one call makes one load per wiki
//! it names: the local pages together (same wiki), and each other wiki's
//! pages together. An interwiki article name `u:WIKI:Page` or `w:c:WIKI:Page`
//! is a page of `WIKI.fandom.com`; `u:LANG.WIKI:Page` of `WIKI.fandom.com/LANG`.
//! <https://community.fandom.com/wiki/Help:Including_additional_CSS_and_JS>

use offsite_model::{DYNAMIC, Load, Resolution, Sink};
use oxc::ast::AstKind;
use oxc::ast::ast::{ArrayExpressionElement, CallExpression, Expression};
use oxc::semantic::NodeId;
use oxc::span::{GetSpan, Span};

use super::fold::Folded;
use super::resolve::{Val, property};
use super::sinks::{Scanner, opaque};
use super::url;

/// Article names are collected from at most this many list entries.
const MAX_ARTICLES: usize = 256;

/// Where a Fandom article name points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ArticleWiki {
    /// A page of the wiki that runs the code.
    Local,
    /// Another Fandom wiki: its host and language path (`/de`, or empty).
    Wiki { host: String, lang_path: String },
    /// The name could not be read.
    Unknown,
}

/// Split an article name into the wiki it lives on and the page title.
pub(super) fn parse_article(name: &str) -> (ArticleWiki, String) {
    let name = name.trim();
    let rest = name
        .strip_prefix("u:")
        .or_else(|| name.strip_prefix("w:c:"))
        .or_else(|| name.strip_prefix("w:"));
    let Some(rest) = rest else {
        if name.starts_with(DYNAMIC) || name.is_empty() {
            return (ArticleWiki::Unknown, String::new());
        }
        return (ArticleWiki::Local, name.to_owned());
    };
    let Some((wiki, page)) = rest.split_once(':') else {
        return (ArticleWiki::Unknown, String::new());
    };
    match wiki_host(wiki) {
        Some(w) => (w, page.to_owned()),
        None => (ArticleWiki::Unknown, String::new()),
    }
}

/// `dev` → `dev.fandom.com`; `de.dev` → `dev.fandom.com` with `/de`.
fn wiki_host(wiki: &str) -> Option<ArticleWiki> {
    let wiki = wiki.trim().to_ascii_lowercase();
    let valid = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let (lang, name) = match wiki.split_once('.') {
        Some((lang, name)) => (Some(lang), name),
        None => (None, wiki.as_str()),
    };
    if !valid(name) || lang.is_some_and(|l| !valid(l)) {
        return None;
    }
    Some(ArticleWiki::Wiki {
        host: format!("{name}.fandom.com"),
        lang_path: lang.map(|l| format!("/{l}")).unwrap_or_default(),
    })
}

impl<'a> Scanner<'_, 'a> {
    /// `importArticles({type, article | articles})` and `importArticle(...)`.
    /// Several objects may be passed (`importArticles({…}, {…})`).
    pub(super) fn import_articles(&mut self, id: NodeId, call: &'a CallExpression<'a>, api: &str) {
        for argument in call.arguments.iter().filter_map(|a| a.as_expression()) {
            let Val::Object(object) = self.r.resolve(argument, 0) else {
                // A bare list or a value read at run time: nothing to tell.
                self.unknown_articles(id, call.span, api, Sink::Script, argument);
                continue;
            };
            let sink = match property(object, "type").and_then(url::string_literal) {
                Some(t) if t.eq_ignore_ascii_case("style") => Sink::Style,
                _ => Sink::Script,
            };
            let list = property(object, "articles").or_else(|| property(object, "article"));
            let Some(list) = list else { continue };
            let mut names = Vec::new();
            self.article_names(list, &mut names, 0);
            if names.is_empty() {
                self.unknown_articles(id, call.span, api, sink, list);
                continue;
            }
            self.article_loads(id, call.span, api, sink, &names);
        }
    }

    /// One load per source wiki among `names`, in first-mention order.
    fn article_loads(&mut self, id: NodeId, span: Span, api: &str, sink: Sink, names: &[Folded]) {
        let mut groups: Vec<(ArticleWiki, Vec<String>, Resolution)> = Vec::new();
        for name in names {
            let (wiki, page) = parse_article(&name.text);
            match groups.iter_mut().find(|g| g.0 == wiki) {
                Some(group) => {
                    group.1.push(page);
                    group.2 = group.2.max(name.resolution);
                }
                None => groups.push((wiki, vec![page], name.resolution)),
            }
        }
        let only = if sink == Sink::Style {
            "styles"
        } else {
            "scripts"
        };
        for (wiki, pages, resolution) in groups {
            let mut load = Load::new(span.start, span.end, api, sink);
            match wiki {
                ArticleWiki::Local => {
                    load.same_wiki = true;
                    load.page = pages.first().cloned();
                }
                ArticleWiki::Wiki { host, lang_path } => {
                    let url = format!(
                        "https://{host}{lang_path}/load.php?mode=articles&only={only}&articles={}",
                        pages.join("|")
                    );
                    load = load.with_url(url);
                    load.page = pages.first().cloned();
                }
                ArticleWiki::Unknown => {}
            }
            load.resolution = resolution;
            self.push(id, load);
        }
    }

    fn unknown_articles(
        &mut self,
        id: NodeId,
        span: Span,
        api: &str,
        sink: Sink,
        list: &'a Expression<'a>,
    ) {
        let mut load = Load::new(span.start, span.end, api, sink);
        let folded = Folded {
            dynamic: Some(list.span()),
            ..opaque(span)
        };
        self.set_resolution(&mut load, &folded);
        self.push(id, load);
    }

    /// Article names in a string, an array literal (with spreads), a
    /// variable holding one, or a list filled by `list.push(…)`.
    fn article_names(&mut self, expr: &'a Expression<'a>, out: &mut Vec<Folded>, depth: u32) {
        if depth > 8 || out.len() >= MAX_ARTICLES {
            return;
        }
        if let Val::Array(array) = self.r.resolve(expr, 0) {
            for element in &array.elements {
                match element {
                    ArrayExpressionElement::SpreadElement(spread) => {
                        self.article_names(&spread.argument, out, depth + 1);
                    }
                    e => {
                        if let Some(e) = e.as_expression() {
                            self.article_names(e, out, depth + 1);
                        }
                    }
                }
            }
            self.pushed_names(expr, out, depth);
        } else {
            let folded = self.r.fold(expr);
            if !folded.is_opaque() {
                out.push(folded);
            }
        }
    }

    /// `var list = []; list.push('u:dev:…')`: the pushed names.
    fn pushed_names(&mut self, expr: &'a Expression<'a>, out: &mut Vec<Folded>, depth: u32) {
        let Expression::Identifier(ident) = expr.get_inner_expression() else {
            return;
        };
        let Ok(symbol) = self.r.binding(ident) else {
            return;
        };
        let nodes = self.r.nodes();
        let scoping = self.r.semantic.scoping();
        for reference in scoping.get_resolved_references(symbol) {
            let member = nodes.parent_id(reference.node_id());
            let AstKind::StaticMemberExpression(m) = nodes.kind(member) else {
                continue;
            };
            if !matches!(m.property.name.as_str(), "push" | "unshift") {
                continue;
            }
            let AstKind::CallExpression(push) = nodes.parent_kind(member) else {
                continue;
            };
            for a in push.arguments.iter().filter_map(|a| a.as_expression()) {
                self.article_names(a, out, depth + 1);
            }
        }
    }

    /// `importScriptPage(page, wiki)` / `importStylesheetPage(page, wiki)`:
    /// one page of another Fandom wiki, or of this one without `wiki`.
    pub(super) fn import_wiki_page(
        &mut self,
        id: NodeId,
        call: &'a CallExpression<'a>,
        api: &str,
        sink: Sink,
    ) {
        let arg = |i: usize| call.arguments.get(i).and_then(|a| a.as_expression());
        let page = arg(0).map_or_else(|| opaque(call.span), |p| self.r.fold(p));
        let wiki = arg(1).map(|w| self.r.fold(w));
        let mut load = Load::new(call.span.start, call.span.end, api, sink);
        let page_text = (!page.is_opaque()).then(|| page.text.clone());
        match wiki.as_ref().map(|w| (w, wiki_host(&w.text))) {
            None => load.same_wiki = true,
            Some((_, Some(ArticleWiki::Wiki { host, lang_path }))) => {
                let ctype = if sink == Sink::Style {
                    "text/css"
                } else {
                    "text/javascript"
                };
                let title = page_text.clone().unwrap_or_else(|| DYNAMIC.to_owned());
                load = load.with_url(format!(
                    "https://{host}{lang_path}/index.php?title={title}&action=raw&ctype={ctype}"
                ));
            }
            Some((w, _)) => {
                self.set_resolution(&mut load, w);
                load.page = page_text;
                self.push(id, load);
                return;
            }
        }
        load.page = page_text;
        self.set_resolution(&mut load, &page);
        self.push(id, load);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interwiki_article_names_name_their_wiki() {
        let wiki = |h: &str, l: &str| ArticleWiki::Wiki {
            host: h.into(),
            lang_path: l.into(),
        };
        assert_eq!(
            parse_article("u:dev:MediaWiki:Tabber.js"),
            (wiki("dev.fandom.com", ""), "MediaWiki:Tabber.js".into())
        );
        assert_eq!(
            parse_article("w:c:Toolshed:Ticker.js"),
            (wiki("toolshed.fandom.com", ""), "Ticker.js".into())
        );
        assert_eq!(
            parse_article("u:de.stylehub:MediaWiki:Theme.css"),
            (
                wiki("stylehub.fandom.com", "/de"),
                "MediaWiki:Theme.css".into()
            )
        );
        assert_eq!(
            parse_article("MediaWiki:Common/clock.js"),
            (ArticleWiki::Local, "MediaWiki:Common/clock.js".into())
        );
        assert_eq!(parse_article("u:bad wiki:X.js").0, ArticleWiki::Unknown);
        assert_eq!(parse_article(DYNAMIC).0, ArticleWiki::Unknown);
        assert_eq!(
            parse_article(&format!("u:dev:MediaWiki:{DYNAMIC}/code.js")).0,
            wiki("dev.fandom.com", "")
        );
    }
}
