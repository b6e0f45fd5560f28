//! CSS front end: `@import`, `url()`, `@font-face` sources and `image-set()`.
//!
//! One pass over cssparser's tokens (its parser only as a block-aware
//! tokenizer, which cannot fail), descending into every block and function.
//! Tolerant by construction: LESS variables and nesting, IE hacks, unclosed
//! blocks and concatenated files are just more tokens. URLs in comments,
//! `data:`/`blob:` URIs and `url(#fragment)` references are not loads.
//!
//! Not done here: resolving relative URLs against the stylesheet's address
//! (a relative URL is reported as `same_wiki`), or `@import` chains.

mod url;

use cssparser::{BasicParseErrorKind, ParseError, ParseErrorKind, Parser, Token};
use offsite_model::{Load, Sink};

use crate::{Detection, SyntaxError};

use url::less_escape;
pub(crate) use url::network_url;

/// Detect the loads in a stylesheet.
pub fn detect(text: &str) -> Detection {
    scan(text, 0)
}

/// Detect the loads in a piece of CSS found inside another text (a `<style>`
/// body, a `style=""` attribute, a style string in JavaScript), with offsets
/// shifted by `base` so they point into the outer text.
pub fn detect_fragment(text: &str, base: u32) -> Vec<Load> {
    scan(text, base).loads
}

fn scan(text: &str, base: u32) -> Detection {
    let mut scan = Scan {
        base,
        loads: Vec::new(),
        errors: Vec::new(),
        too_deep: false,
    };
    let mut parser = Parser::new(text);
    scan.rules(&mut parser, text, false);
    scan.loads.sort_by_key(|l| (l.start, l.end));
    Detection {
        loads: scan.loads,
        errors: scan.errors,
    }
}

/// What a URL found at some point of the stylesheet is fetched as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Image,
    /// Inside `image-set()`: bare strings are URLs too.
    ImageSet,
    Font,
    Import,
    /// `@namespace url(...)`, `@document url(...)`: names, not fetches.
    Ignore,
}

impl Role {
    fn api_and_sink(self) -> Option<(&'static str, Sink)> {
        match self {
            Self::Image => Some(("url()", Sink::Image)),
            Self::ImageSet => Some(("image-set()", Sink::Image)),
            Self::Font => Some(("@font-face src", Sink::Font)),
            Self::Import => Some(("@import", Sink::Style)),
            Self::Ignore => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AtRule {
    None,
    Import,
    FontFace,
    /// At-rules whose prelude URLs are identifiers, not loads.
    NotALoad,
    Other,
}

impl AtRule {
    fn from_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "import" => Self::Import,
            "font-face" => Self::FontFace,
            "namespace" | "document" | "-moz-document" => Self::NotALoad,
            _ => Self::Other,
        }
    }
}

/// What the current statement (rule prelude or declaration) has shown so far.
#[derive(Debug, Clone, Copy)]
struct Statement {
    at_rule: AtRule,
    /// `Some(is_src)` once a `property:` was seen.
    property: Option<bool>,
    last_ident_is_src: bool,
    import_done: bool,
}

impl Statement {
    const START: Self = Self {
        at_rule: AtRule::None,
        property: None,
        last_ident_is_src: false,
        import_done: false,
    };

    fn role(self, in_font_face: bool) -> Role {
        match self.at_rule {
            // One stylesheet per `@import`; a URL later in its conditions
            // (`supports(background: url(x))`) fetches nothing.
            AtRule::Import if self.import_done => Role::Ignore,
            AtRule::Import => Role::Import,
            AtRule::NotALoad => Role::Ignore,
            _ if in_font_face && self.property == Some(true) => Role::Font,
            _ => Role::Image,
        }
    }
}

struct Scan {
    base: u32,
    loads: Vec<Load>,
    errors: Vec<SyntaxError>,
    /// The nesting-limit error is reported once per text, not per block.
    too_deep: bool,
}

impl Scan {
    fn offset(&self, byte: usize) -> u32 {
        // Texts over 4 GiB are not analysed meaningfully anyway; saturate
        // rather than wrap so offsets stay in order.
        self.base
            .saturating_add(u32::try_from(byte).unwrap_or(u32::MAX))
    }

    fn emit(&mut self, start: usize, end: usize, raw: &str, role: Role) -> bool {
        let Some((api, sink)) = role.api_and_sink() else {
            return false;
        };
        let Some((url, resolution)) = network_url(raw) else {
            return false;
        };
        // LESS imports of `.less` files are inlined by the compiler
        // (ResourceLoader, lessc); the browser never fetches them.
        if role == Role::Import
            && url
                .split(['?', '#'])
                .next()
                .is_some_and(|p| p.as_bytes().ends_with(b".less"))
        {
            return false;
        }
        let mut load = Load::new(self.offset(start), self.offset(end), api, sink).with_url(url);
        load.resolution = resolution;
        self.loads.push(load);
        true
    }

    fn error(&mut self, byte: usize, message: impl Into<String>) {
        self.errors.push(SyntaxError {
            start: self.offset(byte),
            message: message.into(),
        });
    }

    /// Run `inner` on the block or function the parser just opened.
    fn nested<'i>(
        &mut self,
        parser: &mut Parser<'i>,
        inner: impl FnOnce(&mut Self, &mut Parser<'i>),
    ) {
        let at = parser.position().byte_index();
        let result: Result<(), ParseError<()>> = parser.parse_nested_block(|p| {
            inner(self, p);
            Ok(())
        });
        if let Err(ParseError {
            kind: ParseErrorKind::Basic(BasicParseErrorKind::TooManyNestedBlocks),
            ..
        }) = result
            && !self.too_deep
        {
            self.too_deep = true;
            // cssparser stops descending at its nesting limit (stack safety);
            // the block's tokens are then read flat by the caller, so URLs
            // inside are still found, only their roles may be off.
            self.error(at, "blocks nested too deeply; read without structure");
        }
    }

    /// The top level or a `{}` block: rules, declarations, at-rules.
    fn rules<'i>(&mut self, parser: &mut Parser<'i>, text: &'i str, in_font_face: bool) {
        let mut statement = Statement::START;
        loop {
            let start = parser.position().byte_index();
            let Ok(token) = parser.next_including_whitespace_and_comments() else {
                break;
            };
            let token = token.clone();
            match token {
                Token::AtKeyword(name) => {
                    statement = Statement::START;
                    statement.at_rule = AtRule::from_name(&name);
                }
                Token::Ident(name) => {
                    statement.last_ident_is_src = name.eq_ignore_ascii_case("src");
                }
                Token::Colon if statement.property.is_none() => {
                    statement.property = Some(statement.last_ident_is_src);
                }
                Token::Semicolon | Token::CloseCurlyBracket => statement = Statement::START,
                Token::CurlyBracketBlock => {
                    let font_face = statement.at_rule == AtRule::FontFace;
                    self.nested(parser, |scan, p| scan.rules(p, text, font_face));
                    statement = Statement::START;
                }
                Token::QuotedString(value)
                    if statement.at_rule == AtRule::Import && !statement.import_done =>
                {
                    let end = parser.position().byte_index();
                    statement.import_done = self.emit(start, end, &value, Role::Import);
                }
                Token::Delim('/') if text.as_bytes().get(start + 1) == Some(&b'/') => {
                    skip_line_comment(parser, text, start);
                }
                _ => {
                    let role = statement.role(in_font_face);
                    if self.value_token(parser, start, &token, role) && role == Role::Import {
                        statement.import_done = true;
                    }
                }
            }
        }
    }

    /// Inside a function or a `()`/`[]` block, with the role decided by the
    /// enclosing statement.
    fn values(&mut self, parser: &mut Parser<'_>, role: Role) {
        loop {
            let start = parser.position().byte_index();
            let Ok(token) = parser.next_including_whitespace_and_comments() else {
                break;
            };
            let token = token.clone();
            if let Token::QuotedString(value) = &token {
                if role == Role::ImageSet {
                    let end = parser.position().byte_index();
                    self.emit(start, end, value, role);
                }
                continue;
            }
            self.value_token(parser, start, &token, role);
        }
    }

    /// URLs, functions and nested blocks, wherever they appear. Returns
    /// whether a load was recorded at this level.
    fn value_token(
        &mut self,
        parser: &mut Parser<'_>,
        start: usize,
        token: &Token<'_>,
        role: Role,
    ) -> bool {
        match token {
            Token::UnquotedUrl(value) => {
                let end = parser.position().byte_index();
                self.emit(start, end, value, role)
            }
            Token::Function(name)
                if name.eq_ignore_ascii_case("url") || name.eq_ignore_ascii_case("src") =>
            {
                let mut value = None;
                self.nested(parser, |_, p| {
                    while let Ok(token) = p.next() {
                        if let (Token::QuotedString(s), None) = (token, &value) {
                            value = Some(s.to_string());
                        }
                    }
                });
                let end = parser.position().byte_index();
                value.is_some_and(|v| self.emit(start, end, &v, role))
            }
            Token::Function(name)
                if name.eq_ignore_ascii_case("image-set")
                    || name.eq_ignore_ascii_case("-webkit-image-set") =>
            {
                let inner = if role == Role::Image {
                    Role::ImageSet
                } else {
                    role
                };
                self.nested(parser, |scan, p| scan.values(p, inner));
                false
            }
            Token::Function(_) | Token::ParenthesisBlock | Token::SquareBracketBlock => {
                // Strings in nested functions (`type("image/avif")` inside
                // image-set, `format("woff2")`) are not URLs.
                let inner = if role == Role::ImageSet {
                    Role::Image
                } else {
                    role
                };
                self.nested(parser, |scan, p| scan.values(p, inner));
                false
            }
            Token::CurlyBracketBlock => {
                // `{}` inside a value: a LESS detached ruleset or the `{…}`
                // of a `${…}` marker from the JS detector.
                self.nested(parser, |scan, p| scan.values(p, role));
                false
            }
            Token::BadUrl(value) => {
                let end = parser.position().byte_index();
                // LESS's escape `url(~"...")` is a bad URL to a CSS tokenizer
                // but a plain URL once compiled.
                if let Some(escaped) = less_escape(value) {
                    return self.emit(start, end, escaped, role);
                }
                self.error(start, "malformed url(); browsers ignore it");
                false
            }
            Token::BadString(_) => {
                self.error(start, "unterminated string");
                false
            }
            _ => false,
        }
    }
}

/// `// ...` is a comment in LESS and, in plain CSS, breaks the declaration
/// it starts, so URLs after it on the same line are never fetched.
fn skip_line_comment(parser: &mut Parser<'_>, text: &str, start: usize) {
    let line_end =
        memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
    while parser.position().byte_index() < line_end {
        if parser.next_including_whitespace_and_comments().is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use offsite_model::Resolution;

    fn urls(css: &str) -> Vec<(String, Sink, String)> {
        detect(css)
            .loads
            .into_iter()
            .map(|l| (l.api, l.sink, l.url.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn import_forms() {
        let found = urls(
            "@import \"a.css\";\n@import url(b.css) screen;\n@import url('https://fonts.example/c');",
        );
        assert_eq!(
            found,
            vec![
                ("@import".into(), Sink::Style, "a.css".into()),
                ("@import".into(), Sink::Style, "b.css".into()),
                (
                    "@import".into(),
                    Sink::Style,
                    "https://fonts.example/c".into()
                ),
            ]
        );
    }

    #[test]
    fn only_the_first_url_of_an_import_is_fetched() {
        let found = urls(
            "@import url(a.css) supports(background: url(b.png)) screen;\n.x{background:url(c.png)}",
        );
        let got: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect();
        assert_eq!(got, [("@import", "a.css"), ("url()", "c.png")]);
    }

    #[test]
    fn offsets_cover_the_url_token() {
        let css = "a { background: url( 'x.png' ) no-repeat }";
        let load = &detect(css).loads[0];
        assert_eq!(
            &css[load.start as usize..load.end as usize],
            "url( 'x.png' )"
        );
        let css = "b{cursor:url(c.cur),auto}";
        let load = &detect(css).loads[0];
        assert_eq!(&css[load.start as usize..load.end as usize], "url(c.cur)");
    }

    #[test]
    fn font_face_src_is_font_but_other_urls_are_images() {
        let found = urls(
            "@font-face{font-family:X;src:local(X),url(x.woff2) format('woff2')}.a{src:url(i.png)}",
        );
        assert_eq!(
            found[0],
            ("@font-face src".into(), Sink::Font, "x.woff2".into())
        );
        assert_eq!(found[1], ("url()".into(), Sink::Image, "i.png".into()));
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn image_set_strings_and_urls() {
        let found = urls(
            ".a{background-image:image-set(\"a.png\" 1x, url(b.png) 2x, \"c.avif\" type(\"image/avif\"))}",
        );
        let got: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect();
        assert_eq!(
            got,
            [
                ("image-set()", "a.png"),
                ("image-set()", "b.png"),
                ("image-set()", "c.avif")
            ]
        );
    }

    #[test]
    fn non_loads_are_skipped() {
        let css = "/* url(http://commented.example/x.png) */\n\
                   @namespace svg url(http://www.w3.org/2000/svg);\n\
                   .a{filter:url(#blur);background:url(data:image/png;base64,AAAA)}\n\
                   .b{background:url(blob:https://x/y)} .c{content:\"http://text.example/\"}\n\
                   // .d{background:url(http://line-comment.example/x.png)}\n";
        assert_eq!(urls(css), vec![]);
    }

    #[test]
    fn less_interpolation_is_dynamic() {
        let d = detect("@base: '//cdn.example.org';\n.x { background: url(\"@{base}/x.png\") }");
        assert_eq!(d.loads.len(), 1);
        assert_eq!(d.loads[0].url.as_deref(), Some("${…}/x.png"));
        assert_eq!(d.loads[0].resolution, Resolution::Dynamic);
        assert_eq!(d.loads[0].host, None);
    }

    #[test]
    fn fragment_offsets_are_shifted() {
        let loads = detect_fragment("background:url(x.png)", 100);
        assert_eq!((loads[0].start, loads[0].end), (111, 121));
    }

    #[test]
    fn unclosed_blocks_still_scan() {
        let found = urls(".a { background: url(a.png); .b { color: red; background: url(");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let css = format!("{}url(x.png){}", "(".repeat(500), ")".repeat(500));
        let d = detect(&css);
        assert_eq!(d.loads.len(), 1);
        assert!(!d.errors.is_empty());
    }
}
