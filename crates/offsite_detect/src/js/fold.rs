//! Folding an expression into the string it evaluates to, as far as that is
//! known: literals, `+`, template literals, never-reassigned bindings,
//! properties of constant object literals, `.concat`/`.join`, URI encoders and
//! the MediaWiki values that name the wiki itself (`mw.config.get('wgServer')`
//! becomes `${wgServer}`). Unknown parts become [`DYNAMIC`].

use offsite_model::{DYNAMIC, Resolution, WIKI_SERVER};
use oxc::ast::ast::{CallExpression, Expression};
use oxc::semantic::SymbolId;
use oxc::span::{GetSpan, Span};

use super::resolve::{MAX_DEPTH, Resolver, Val, property};
use super::url;
use crate::crossfile::Export;

/// Internal marker for `location.host`: the wiki's own host. Only meaningful
/// right after a scheme (`location.protocol + '//' + location.host`), where
/// [`Folded::finish`] turns the prefix into `${wgServer}`.
const WIKI_HOST: &str = "${wgServerName}";

/// A (partly) folded string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Folded {
    pub text: String,
    pub resolution: Resolution,
    /// The first sub-expression that could not be folded.
    pub dynamic: Option<Span>,
    /// That sub-expression is this function parameter: callers of the
    /// function supply the value (see `Scanner::emit`).
    pub param: Option<SymbolId>,
    /// Where literal text came from: (offset in `text`, source span of the
    /// string literal or template part), in text order.
    pub pieces: Vec<(u32, Span)>,
}

impl Folded {
    /// A fold of nothing known.
    pub fn opaque(span: Span) -> Self {
        Self {
            text: DYNAMIC.to_owned(),
            resolution: Resolution::Dynamic,
            dynamic: Some(span),
            param: None,
            pieces: Vec::new(),
        }
    }

    /// The string literal that wrote byte `offset` of `text`.
    pub fn literal_at(&self, offset: u32) -> Option<Span> {
        let i = self.pieces.partition_point(|&(start, _)| start <= offset);
        i.checked_sub(1).map(|i| self.pieces[i].1)
    }

    /// Nothing at all is known.
    pub fn is_opaque(&self) -> bool {
        self.text == DYNAMIC
    }
}

#[derive(Default)]
struct Acc {
    text: String,
    pieces: u32,
    dynamic: Option<Span>,
    param: Option<SymbolId>,
    sources: Vec<(u32, Span)>,
}

impl Acc {
    fn push(&mut self, s: &str) {
        self.pieces += 1;
        self.text.push_str(s);
    }

    fn push_literal(&mut self, s: &str, span: Span) {
        self.sources
            .push((u32::try_from(self.text.len()).unwrap_or(u32::MAX), span));
        self.push(s);
    }

    fn unknown(&mut self, span: Span) {
        self.pieces += 1;
        if !self.text.ends_with(DYNAMIC) {
            self.text.push_str(DYNAMIC);
        }
        self.dynamic.get_or_insert(span);
    }

    fn unknown_param(&mut self, span: Span, param: SymbolId) {
        if self.dynamic.is_none() {
            self.param = Some(param);
        }
        self.unknown(span);
    }

    fn push_folded(&mut self, folded: &Folded) {
        let base = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let skip = if folded.text.starts_with(DYNAMIC) && self.text.ends_with(DYNAMIC) {
            DYNAMIC.len()
        } else {
            0
        };
        self.text.push_str(&folded.text[skip..]);
        #[expect(clippy::cast_possible_truncation, reason = "DYNAMIC is a few bytes")]
        let skip = skip as u32;
        self.sources.extend(
            folded
                .pieces
                .iter()
                .map(|&(o, span)| ((base + o).saturating_sub(skip), span)),
        );
        self.pieces += 2;
        if self.dynamic.is_none() {
            self.dynamic = folded.dynamic;
            self.param = folded.param;
        }
    }

    /// `top`: this is the whole expression, so the host marker can be
    /// settled; folds of bindings keep it for their users.
    fn finish(self, literal: bool, top: bool) -> Folded {
        let had_dynamic = self.text.contains(DYNAMIC);
        let text = if top {
            wiki_host_prefix(self.text)
        } else {
            self.text
        };
        // `location.protocol + '//' + location.host`: the unknown protocol was
        // absorbed into `${wgServer}`.
        let dynamic = if had_dynamic && !text.contains(DYNAMIC) {
            None
        } else {
            self.dynamic
        };
        let resolution = if dynamic.is_some() || (top && text.contains(DYNAMIC)) {
            Resolution::Dynamic
        } else if literal && self.pieces <= 1 {
            Resolution::Literal
        } else {
            Resolution::Constant
        };
        let param = if dynamic.is_some() { self.param } else { None };
        Folded {
            text,
            resolution,
            dynamic,
            param,
            pieces: self.sources,
        }
    }
}

/// `${…}//${wgServerName}/x` (`location.protocol + '//' + location.host`)
/// is the wiki's own server; elsewhere the host marker is just unknown.
fn wiki_host_prefix(text: String) -> String {
    if !text.contains(WIKI_HOST) {
        return text;
    }
    let after_scheme = ["", DYNAMIC, "https:", "http:"].iter().find_map(|scheme| {
        text.strip_prefix(scheme)?
            .strip_prefix("//")?
            .strip_prefix(WIKI_HOST)
    });
    match after_scheme {
        Some(rest) => format!("{WIKI_SERVER}{}", rest.replace(WIKI_HOST, DYNAMIC)),
        None => text.replace(WIKI_HOST, DYNAMIC),
    }
}

/// The marker for a MediaWiki configuration value that names the wiki.
/// A test bundlers settle at build time: `process.env.NODE_ENV === 'x'`
/// (and `==`, `!==`, `!=`, either side) in the production build that ships
/// to wikis, where `NODE_ENV` is `'production'`.
fn build_time_condition(test: &Expression<'_>) -> Option<bool> {
    use oxc::ast::ast::{BinaryOperator as Op, LogicalOperator};
    let b = match test.get_inner_expression() {
        Expression::BinaryExpression(b) => b,
        // `NODE_ENV === 'development' && …` is false, `… === 'production' || …` true.
        Expression::LogicalExpression(l) => {
            let left = build_time_condition(&l.left)?;
            return match (l.operator, left) {
                (LogicalOperator::And, false) => Some(false),
                (LogicalOperator::Or, true) => Some(true),
                (LogicalOperator::And | LogicalOperator::Or, _) => build_time_condition(&l.right),
                _ => None,
            };
        }
        _ => return None,
    };
    let is_node_env = |e: &Expression<'_>| {
        e.get_inner_expression()
            .as_member_expression()
            .is_some_and(|m| {
                m.static_property_name() == Some("NODE_ENV")
                    && m.object()
                        .get_inner_expression()
                        .as_member_expression()
                        .is_some_and(|env| {
                            env.static_property_name() == Some("env")
                                && matches!(
                                    env.object().get_inner_expression(),
                                    Expression::Identifier(p) if p.name == "process"
                                )
                        })
            })
    };
    let value = if is_node_env(&b.left) {
        url::string_literal(&b.right)?
    } else if is_node_env(&b.right) {
        url::string_literal(&b.left)?
    } else {
        return None;
    };
    let production = value == "production";
    match b.operator {
        Op::StrictEquality | Op::Equality => Some(production),
        Op::StrictInequality | Op::Inequality => Some(!production),
        _ => None,
    }
}

fn wiki_config(key: &str) -> Option<&'static str> {
    Some(match key {
        "wgServer" => WIKI_SERVER,
        "wgScriptPath" => "${wgScriptPath}",
        "wgScript" => "${wgScript}",
        "wgArticlePath" => "${wgArticlePath}",
        "wgServerName" => WIKI_HOST,
        _ => return None,
    })
}

impl<'a> Resolver<'_, 'a> {
    pub fn fold(&mut self, expr: &'a Expression<'a>) -> Folded {
        let mut acc = Acc::default();
        self.fold_into(expr, &mut acc, 0);
        let literal = matches!(
            expr.get_inner_expression(),
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_)
        );
        acc.finish(literal, true)
    }

    /// A fold of a part of a larger expression (markers left unsettled).
    pub(super) fn fold_part(&mut self, expr: &'a Expression<'a>, depth: u32) -> Folded {
        let mut acc = Acc::default();
        self.fold_into(expr, &mut acc, depth);
        acc.finish(false, false)
    }

    fn fold_into(&mut self, expr: &'a Expression<'a>, acc: &mut Acc, depth: u32) {
        if depth > MAX_DEPTH {
            acc.unknown(expr.span());
            return;
        }
        let depth = depth + 1;
        match expr.get_inner_expression() {
            Expression::StringLiteral(s) => acc.push_literal(&s.value, s.span),
            Expression::TemplateLiteral(t) => {
                for (i, quasi) in t.quasis.iter().enumerate() {
                    acc.push_literal(
                        quasi.value.cooked.as_ref().unwrap_or(&quasi.value.raw),
                        quasi.span,
                    );
                    if let Some(e) = t.expressions.get(i) {
                        self.fold_into(e, acc, depth);
                    }
                }
            }
            Expression::NumericLiteral(n) => acc.push(&url::number_text(n.value)),
            Expression::BinaryExpression(b)
                if b.operator == oxc::ast::ast::BinaryOperator::Addition =>
            {
                self.fold_into(&b.left, acc, depth);
                self.fold_into(&b.right, acc, depth);
            }
            Expression::Identifier(ident) => match self.binding(ident) {
                Ok(symbol) => {
                    if let Some(export) = self.imported_export(symbol) {
                        self.push_export(&export, expr.span(), acc);
                        return;
                    }
                    if let Some(&(_, value)) = self.env.iter().rev().find(|(s, _)| *s == symbol) {
                        self.fold_into(value, acc, depth);
                        return;
                    }
                    match self.fold_symbol(symbol, depth) {
                        Some(folded) => acc.push_folded(&folded),
                        None if self.is_parameter(symbol) => acc.unknown_param(expr.span(), symbol),
                        None => acc.unknown(expr.span()),
                    }
                }
                // Legacy bare globals: `wgScriptPath` is `mw.config.get('wgScriptPath')`.
                Err(()) => match wiki_config(&ident.name) {
                    Some(marker) => acc.push(marker),
                    None => match self.global_export(&ident.name) {
                        Some(export) => self.push_export(&export, expr.span(), acc),
                        None => acc.unknown(expr.span()),
                    },
                },
            },
            inner @ (Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)) => self.fold_member(inner, acc, depth),
            Expression::CallExpression(call) => self.fold_call(call, acc, depth),
            Expression::NewExpression(new) if matches!(self.resolve(&new.callee, depth), Val::Global(ref p) if p == "URL") =>
            {
                self.fold_new_url(new, acc, depth);
            }
            Expression::ConditionalExpression(c) => match build_time_condition(&c.test) {
                Some(true) => self.fold_into(&c.consequent, acc, depth),
                Some(false) => self.fold_into(&c.alternate, acc, depth),
                None => match self.choose(c.span.start, 2) {
                    Some(0) => self.fold_into(&c.consequent, acc, depth),
                    Some(_) => self.fold_into(&c.alternate, acc, depth),
                    None => acc.unknown(c.span),
                },
            },
            Expression::LogicalExpression(l)
                if matches!(
                    l.operator,
                    oxc::ast::ast::LogicalOperator::Or | oxc::ast::ast::LogicalOperator::Coalesce
                ) =>
            {
                match self.choose(l.span.start, 2) {
                    Some(0) => self.fold_into(&l.left, acc, depth),
                    Some(_) => self.fold_into(&l.right, acc, depth),
                    None => acc.unknown(l.span),
                }
            }
            other => acc.unknown(other.span()),
        }
    }

    fn fold_member(&mut self, expr: &'a Expression<'a>, acc: &mut Acc, depth: u32) {
        let Some(member) = expr.as_member_expression() else {
            acc.unknown(expr.span());
            return;
        };
        let key = match member {
            oxc::ast::ast::MemberExpression::ComputedMemberExpression(c)
                if member.static_property_name().is_none() =>
            {
                let key = self.fold_part(&c.expression, depth);
                key.dynamic.is_none().then_some(key.text)
            }
            _ => member.static_property_name().map(str::to_owned),
        };
        // A path written by a statement (`NS.cfg.base = '…'`) wins over the
        // literal the object started as, which lacks it.
        if let Some(value) = self.assigned_value(expr) {
            self.fold_into(value, acc, depth);
            return;
        }
        let object = match self.resolve(member.object(), depth) {
            Val::Global(_) | Val::Unknown => match self.assigned_value(member.object()) {
                Some(value) => self.resolve(value, depth),
                None => self.resolve(member.object(), depth),
            },
            other => other,
        };
        match object {
            Val::Object(object) => match key.as_deref().and_then(|k| property(object, k)) {
                Some(value) => self.fold_into(value, acc, depth),
                // `TABLE[key]` with a run-time key: each value is a candidate.
                None if key.is_none() => {
                    let values: Vec<&'a Expression<'a>> = object
                        .properties
                        .iter()
                        .filter_map(|p| p.as_property())
                        .map(|p| &p.value)
                        .collect();
                    match self.choose(expr.span().start, values.len()) {
                        Some(i) => self.fold_into(values[i], acc, depth),
                        None => acc.unknown(expr.span()),
                    }
                }
                None => acc.unknown(expr.span()),
            },
            Val::Array(array) => {
                let index = key.as_deref().and_then(|k| k.parse::<usize>().ok());
                let element = index.and_then(|i| array.elements.get(i)?.as_expression());
                let elements: Vec<&'a Expression<'a>> = array
                    .elements
                    .iter()
                    .filter_map(|e| e.as_expression())
                    .collect();
                let choice = if key.is_none() && elements.len() == array.elements.len() {
                    self.choose(expr.span().start, elements.len())
                } else {
                    None
                };
                match (element, key.is_some()) {
                    (Some(e), _) => self.fold_into(e, acc, depth),
                    (None, false) if choice.is_some() => {
                        self.fold_into(elements[choice.unwrap_or_default()], acc, depth);
                    }
                    (None, false) => match self.fold_any_element(array, expr.span(), depth) {
                        Some(folded) => acc.push_folded(&folded),
                        None => acc.unknown(expr.span()),
                    },
                    (None, true) => acc.unknown(expr.span()),
                }
            }
            Val::Global(_) => match self.resolve(expr, depth) {
                Val::Global(path) => match path.as_str() {
                    "location.origin" | "document.location.origin" => acc.push(WIKI_SERVER),
                    "location.host"
                    | "location.hostname"
                    | "document.location.host"
                    | "document.location.hostname"
                    | "document.domain" => acc.push(WIKI_HOST),
                    p => match p.strip_prefix("mw.config.values.").and_then(wiki_config) {
                        Some(marker) => acc.push(marker),
                        None => match self.global_export(p) {
                            Some(export) => self.push_export(&export, expr.span(), acc),
                            None => acc.unknown(expr.span()),
                        },
                    },
                },
                _ => acc.unknown(expr.span()),
            },
            _ => acc.unknown(expr.span()),
        }
    }

    fn fold_call(&mut self, call: &'a CallExpression<'a>, acc: &mut Acc, depth: u32) {
        // `url.toString()`: the URL itself.
        if call.arguments.is_empty()
            && let Some(member) = call.callee.get_inner_expression().as_member_expression()
            && member.static_property_name() == Some("toString")
        {
            self.fold_into(member.object(), acc, depth);
            return;
        }
        let arg = |i: usize| call.arguments.get(i).and_then(|a| a.as_expression());
        let callee = call.callee.get_inner_expression();
        // `cdn('a.js')` with `function cdn(p) { return BASE + p; }`
        if let Some(returns) = self.returns(callee) {
            let bound = self.env.len();
            for (i, param) in returns.params.items.iter().enumerate() {
                if let (oxc::ast::ast::BindingPattern::BindingIdentifier(id), Some(value)) =
                    (&param.pattern, arg(i))
                    && let Some(symbol) = id.symbol_id.get()
                {
                    self.env.push((symbol, value));
                }
            }
            self.fold_into(returns.value, acc, depth);
            self.env.truncate(bound);
            return;
        }
        if let Val::Global(path) = self.resolve(callee, depth) {
            match path.as_str() {
                "mw.config.get" => {
                    match arg(0).and_then(url::string_literal).and_then(wiki_config) {
                        Some(marker) => acc.push(marker),
                        None => acc.unknown(call.span),
                    }
                }
                "mw.util.wikiScript" => match arg(0).map(url::string_literal) {
                    None | Some(Some("index")) => acc.push("${wgScript}"),
                    Some(Some(name)) => acc.push(&format!("${{wgScriptPath}}/{name}.php")),
                    Some(None) => {
                        acc.push("${wgScriptPath}/");
                        acc.unknown(call.span);
                    }
                },
                "mw.util.getUrl" => self.fold_get_url(call, acc, depth),
                "encodeURIComponent"
                | "encodeURI"
                | "escape"
                | "mw.util.wikiUrlencode"
                | "mw.util.rawurlencode" => {
                    let Some(inner) = arg(0) else {
                        acc.unknown(call.span);
                        return;
                    };
                    let mut sub = Acc::default();
                    self.fold_into(inner, &mut sub, depth);
                    match sub.dynamic {
                        None => acc.push(&url::encode(&path, &sub.text)),
                        Some(span) => acc.unknown(span),
                    }
                }
                // A blob: URL names data already in the page.
                "URL.createObjectURL" => {
                    acc.push("blob:");
                    acc.unknown(call.span);
                }
                "String" => match arg(0) {
                    Some(e) => self.fold_into(e, acc, depth),
                    None => acc.push(""),
                },
                _ => acc.unknown(call.span),
            }
            return;
        }
        let Some(member) = callee.as_member_expression() else {
            acc.unknown(call.span);
            return;
        };
        match member.static_property_name() {
            Some("concat") => {
                self.fold_into(member.object(), acc, depth);
                for a in &call.arguments {
                    match a.as_expression() {
                        Some(e) => self.fold_into(e, acc, depth),
                        None => acc.unknown(a.span()),
                    }
                }
            }
            Some("join") => match self.resolve(member.object(), depth) {
                Val::Array(array) => {
                    let sep = match arg(0) {
                        None => ",",
                        Some(e) => {
                            let Some(s) = url::string_literal(e) else {
                                acc.unknown(e.span());
                                return;
                            };
                            s
                        }
                    };
                    for (i, element) in array.elements.iter().enumerate() {
                        if i > 0 {
                            acc.push(sep);
                        }
                        match element.as_expression() {
                            Some(e) => self.fold_into(e, acc, depth),
                            None => acc.unknown(element.span()),
                        }
                    }
                }
                _ => acc.unknown(call.span),
            },
            Some("replace" | "replaceAll") => {
                let mut sub = Acc::default();
                self.fold_into(member.object(), &mut sub, depth);
                let pattern = arg(0).and_then(url::string_literal);
                let replacement = arg(1).and_then(url::string_literal);
                if let (Some(p), Some(r), None) = (pattern, replacement, sub.dynamic) {
                    acc.push(&sub.text.replacen(p, r, 1));
                } else {
                    acc.push(&sub.text);
                    acc.unknown(call.span);
                }
            }
            Some("toString" | "trim" | "valueOf") => self.fold_into(member.object(), acc, depth),
            _ => acc.unknown(call.span),
        }
    }

    /// `mw.util.getUrl(title, params)`: an article path, or an `index.php`
    /// URL when parameters are given (`{ action: 'raw' }`).
    fn fold_get_url(&mut self, call: &'a CallExpression<'a>, acc: &mut Acc, depth: u32) {
        let arg = |i: usize| call.arguments.get(i).and_then(|a| a.as_expression());
        let params = match arg(1).map(|e| self.resolve(e, depth)) {
            Some(Val::Object(object)) => Some(object),
            _ => None,
        };
        let Some(params) = params else {
            acc.push("${wgArticlePath}");
            return;
        };
        let mut sub = Acc::default();
        match arg(0) {
            Some(title) => self.fold_into(title, &mut sub, depth),
            None => sub.unknown(call.span),
        }
        acc.push("${wgScript}?title=");
        match sub.dynamic {
            None => acc.push(&url::encode("mw.util.wikiUrlencode", &sub.text)),
            Some(span) => acc.unknown(span),
        }
        for key in ["action", "ctype"] {
            if let Some(value) = property(params, key) {
                acc.push(&format!("&{key}="));
                self.fold_into(value, acc, depth);
            }
        }
    }

    /// The constant string a binding holds, if it holds one.
    fn fold_symbol(&mut self, symbol: SymbolId, depth: u32) -> Option<Folded> {
        // Under parameter bindings or chosen branches a value may differ
        // per call: no memo.
        if !self.env.is_empty() || self.choices.is_some() {
            return self.compute_fold_symbol(symbol, depth);
        }
        if let Some(folded) = self.folds.get(&symbol) {
            return folded.clone();
        }
        self.folds.insert(symbol, None);
        let folded = self.compute_fold_symbol(symbol, depth);
        self.folds.insert(symbol, folded.clone());
        folded
    }

    fn compute_fold_symbol(&mut self, symbol: SymbolId, depth: u32) -> Option<Folded> {
        let nodes = self.semantic.nodes();
        let decl = self.semantic.scoping().symbol_declaration(symbol);
        let oxc::ast::AstKind::VariableDeclarator(declarator) = nodes.kind(decl) else {
            return None;
        };
        if !matches!(
            declarator.id,
            oxc::ast::ast::BindingPattern::BindingIdentifier(_)
        ) {
            return None;
        }
        if !self.is_constant_symbol(symbol) {
            return self.fold_writes(symbol, declarator, depth);
        }
        let init = declarator.init.as_ref()?;
        let mut acc = Acc::default();
        self.fold_into(init, &mut acc, depth);
        let mut folded = acc.finish(false, false);
        if folded.resolution == Resolution::Literal {
            folded.resolution = Resolution::Constant;
        }
        Some(folded)
    }
}

impl<'a> Resolver<'_, 'a> {
    /// `new URL(path, base)`: an absolute or wiki-relative `path` is the URL
    /// itself (a base of the wiki's own origin adds nothing); otherwise the
    /// base followed by the path.
    fn fold_new_url(
        &mut self,
        new: &'a oxc::ast::ast::NewExpression<'a>,
        acc: &mut Acc,
        depth: u32,
    ) {
        let arg = |i: usize| new.arguments.get(i).and_then(|a| a.as_expression());
        let Some(path) = arg(0) else {
            acc.unknown(new.span);
            return;
        };
        let folded = self.fold_part(path, depth);
        let absolute = folded.text.contains("://")
            || folded.text.starts_with("//")
            || folded.text.starts_with('/')
            || folded.text.starts_with("${wg");
        match arg(1) {
            Some(base) if !absolute => {
                self.fold_into(base, acc, depth);
                acc.push_folded(&folded);
            }
            _ => acc.push_folded(&folded),
        }
    }
}

impl Resolver<'_, '_> {
    /// What another source of the set says an import binding stands for.
    pub(super) fn imported_export(&self, symbol: SymbolId) -> Option<Export> {
        let context = self.context?;
        let (specifier, name) = super::summary::imported(self, symbol)?;
        context.set.import(context.path, specifier, &name).cloned()
    }

    /// What another source of the set assigned to the global `path`.
    pub(super) fn global_export(&self, path: &str) -> Option<Export> {
        self.context?.set.global(path).cloned()
    }

    /// Fold in a URL another source defines; several candidates are a
    /// choice point.
    fn push_export(&mut self, export: &Export, span: Span, acc: &mut Acc) {
        let Export::Urls(urls) = export else {
            acc.unknown(span);
            return;
        };
        let index = match urls.len() {
            0 => None,
            1 => Some(0),
            n => self.choose(span.start, n),
        };
        let Some(text) = index.and_then(|i| urls.get(i)) else {
            acc.unknown(span);
            return;
        };
        let dynamic = text.contains(DYNAMIC).then_some(span);
        acc.push_folded(&Folded {
            text: text.clone(),
            resolution: if dynamic.is_some() {
                Resolution::Dynamic
            } else {
                Resolution::Constant
            },
            dynamic,
            param: None,
            pieces: Vec::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_marker_after_scheme_is_the_wiki() {
        assert_eq!(
            wiki_host_prefix(format!("{DYNAMIC}//{WIKI_HOST}/w/x.js")),
            "${wgServer}/w/x.js"
        );
        assert_eq!(
            wiki_host_prefix(format!("https://{WIKI_HOST}/x")),
            "${wgServer}/x"
        );
        assert_eq!(
            wiki_host_prefix(format!("https://a.example/?h={WIKI_HOST}")),
            "https://a.example/?h=${…}"
        );
    }
}
