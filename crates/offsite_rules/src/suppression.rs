//! `offsite-ignore` comments.
//!
//! Comments are found by a small lexer per language rather than the real
//! parsers: it only has to know where comments are, and it must work on
//! text that does not parse. It skips string literals (and, for JavaScript,
//! template and regex literals by the usual "what came before the slash"
//! guess), so a marker inside a string is not taken for a comment.

use offsite_model::Language;

use crate::rules;

pub(crate) const MARKER: &str = "offsite-ignore";
const FILE_MARKER: &str = "offsite-ignore-file";

/// One comment: byte range of the whole comment and of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Comment<'a> {
    pub start: usize,
    pub end: usize,
    pub body: &'a str,
    /// Nothing but whitespace around the comment on its lines.
    pub own_line: bool,
}

/// Where a suppression applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    File,
    /// Loads that start on this 1-based line (an own-line comment covers the
    /// line below it).
    StartLine(u32),
    /// Loads whose lines include this one (a comment after code).
    Covering(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Suppression {
    /// Byte offset of the marker, for the diagnostic position.
    pub offset: usize,
    pub scope: Scope,
    /// Rule codes; `None` = `ALL`.
    pub codes: Option<Vec<&'static str>>,
    /// What was written, for messages (`OS101, remote-stylesheet`).
    pub written: String,
}

/// A malformed suppression comment: byte offset and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Invalid {
    pub offset: usize,
    pub message: String,
}

/// Find every `offsite-ignore` comment in `text`. `line_of` turns a byte
/// offset into a 1-based line.
pub(crate) fn scan(
    text: &str,
    language: Language,
    line_of: impl Fn(usize) -> u32,
) -> (Vec<Suppression>, Vec<Invalid>) {
    let mut suppressions = Vec::new();
    let mut invalid = Vec::new();
    // Cheap exit: most files carry no suppression at all.
    if !text.contains(MARKER) {
        return (suppressions, invalid);
    }
    for comment in comments(text, language) {
        // The marker must open the comment: prose that mentions it further
        // in is not a suppression.
        let after = comment
            .body
            .trim_start()
            .trim_start_matches('*')
            .trim_start();
        let (file_level, rest) = if let Some(rest) = after.strip_prefix(FILE_MARKER) {
            (true, rest)
        } else if let Some(rest) = after.strip_prefix(MARKER) {
            (false, rest)
        } else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with(|c: char| c.is_whitespace() || c == ':') {
            continue;
        }
        let offset = after.as_ptr() as usize - text.as_ptr() as usize;
        let scope = if file_level {
            Scope::File
        } else if comment.own_line {
            Scope::StartLine(line_of(comment.end.saturating_sub(1)) + 1)
        } else {
            Scope::Covering(line_of(comment.start))
        };
        match parse(rest) {
            Ok((codes, written)) => suppressions.push(Suppression {
                offset,
                scope,
                codes,
                written,
            }),
            Err(message) => invalid.push(Invalid { offset, message }),
        }
    }
    (suppressions, invalid)
}

type Parsed = (Option<Vec<&'static str>>, String);

/// ` OS101, remote-stylesheet: reason` → the codes.
fn parse(rest: &str) -> Result<Parsed, String> {
    let (list, reason) = match rest.split_once(':') {
        Some((list, reason)) => (list, reason.trim()),
        None => (rest, ""),
    };
    let names: Vec<&str> = list
        .split([',', ' ', '\t', '\n', '\r'])
        .filter(|s| !s.is_empty())
        .collect();
    if names.is_empty() {
        return Err(format!(
            "`{MARKER}` names no rule: write `{MARKER} OS101: reason`"
        ));
    }
    let written = names.join(", ");
    if reason.is_empty() {
        return Err(format!(
            "`{MARKER} {written}` gives no reason: write `{MARKER} {written}: reason`"
        ));
    }
    if names.iter().any(|n| n.eq_ignore_ascii_case("ALL")) {
        return Ok((None, written));
    }
    let mut codes = Vec::new();
    for name in names {
        match rules::find(name) {
            Some(rule) => codes.push(rule.code),
            None => return Err(format!("`{MARKER}` names an unknown rule `{name}`")),
        }
    }
    Ok((Some(codes), written))
}

/// The comments of `text` in `language`.
pub(crate) fn comments(text: &str, language: Language) -> Vec<Comment<'_>> {
    match language {
        Language::JavaScript | Language::TypeScript => Lexer::new(text).run(true, false),
        Language::Css => Lexer::new(text).run(false, false),
        Language::Html | Language::Wikitext => Lexer::new(text).run(false, true),
    }
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    out: Vec<Comment<'a>>,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            out: Vec::new(),
        }
    }

    /// `js`: line comments, template and regex literals. `html`: `<!-- -->`
    /// and no string literals (quotes in prose are not strings).
    fn run(mut self, js: bool, html: bool) -> Vec<Comment<'a>> {
        let b = self.bytes;
        let mut i = 0;
        // The last significant byte outside comments: decides whether `/`
        // starts a regex literal.
        let mut prev = b'\n';
        while i < b.len() {
            let c = b[i];
            let next = b.get(i + 1).copied();
            if c == b'/' && next == Some(b'*') {
                let (body_end, end) =
                    find(b, i + 2, b"*/").map_or((b.len(), b.len()), |e| (e, e + 2));
                self.push(i, i + 2, body_end, end);
                i = end;
            } else if js && c == b'/' && next == Some(b'/') {
                let end = memchr_newline(b, i);
                self.push(i, i + 2, end, end);
                i = end;
            } else if html && b[i..].starts_with(b"<!--") {
                let (body_end, end) =
                    find(b, i + 4, b"-->").map_or((b.len(), b.len()), |e| (e, e + 3));
                self.push(i, i + 4, body_end, end);
                i = end;
            } else if !html && (c == b'"' || c == b'\'' || (js && c == b'`')) {
                i = skip_quoted(b, i, c, c != b'`');
                prev = c;
            } else if js && c == b'/' && b"(,=:[!&|?{};+-*%<>~^\n".contains(&prev) {
                i = skip_quoted(b, i, b'/', true);
                prev = b'/';
            } else {
                if !c.is_ascii_whitespace() {
                    prev = c;
                }
                i += 1;
            }
        }
        self.out
    }

    fn push(&mut self, start: usize, body_start: usize, body_end: usize, end: usize) {
        let Some(body) = self.text.get(body_start..body_end) else {
            return;
        };
        let line_start = self.text[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = self.text[end..]
            .find('\n')
            .map_or(self.text.len(), |p| end + p);
        let own_line = self.text[line_start..start].trim().is_empty()
            && self.text[end..line_end].trim().is_empty();
        self.out.push(Comment {
            start,
            end,
            body,
            own_line,
        });
    }
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn memchr_newline(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| from + p)
}

/// Skip a literal opened by `quote` at `start`; returns the offset after it.
/// A regex's `/` inside `[...]` does not close it.
fn skip_quoted(b: &[u8], start: usize, quote: u8, stop_at_newline: bool) -> usize {
    let mut i = start + 1;
    let mut in_class = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'\n' if stop_at_newline => return i,
            b'[' if quote == b'/' => in_class = true,
            b']' if quote == b'/' => in_class = false,
            c if c == quote && !in_class => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str, language: Language) -> Vec<&str> {
        comments(text, language)
            .into_iter()
            .map(|c| c.body.trim())
            .collect()
    }

    #[test]
    fn javascript_comments_skip_strings_templates_and_regexes() {
        let text = "var a = '// offsite-ignore OS101: no'; // real\n\
                    var t = `/* not */`; /* block */\n\
                    var r = /\\/\\/ not/g; var d = x / 2; // after division\n\
                    var s = \"it's /* not */ either\";";
        assert_eq!(
            bodies(text, Language::JavaScript),
            ["real", "block", "after division"]
        );
    }

    #[test]
    fn css_and_html_comments() {
        assert_eq!(
            bodies("a { b: url('/*x*/') } /* yes */", Language::Css),
            ["yes"]
        );
        assert_eq!(
            bodies(
                "<p>it's // fine</p><!-- one --><style>/* two */</style>",
                Language::Html
            ),
            ["one", "two"]
        );
    }

    #[test]
    fn scopes_and_parse_errors() {
        let text = "// offsite-ignore OS101, remote-stylesheet: vendored soon\n\
                    load(); /* offsite-ignore OS203: legacy */\n\
                    // offsite-ignore OS101\n\
                    // offsite-ignore-file ALL: generated file\n\
                    // offsite-ignore OS999: typo\n\
                    var s = 'offsite-ignore OS101: in a string';\n\
                    // see offsite-ignore OS101: prose\n\
                    // offsite-ignored OS101: another word\n";
        let index = offsite_model::LineIndex::new(text);
        let line_of = |o: usize| {
            index
                .position(text, u32::try_from(o).expect("small test text"))
                .line
        };
        let (ok, bad) = scan(text, Language::JavaScript, line_of);
        let summary: Vec<_> = ok.iter().map(|s| (s.scope, s.codes.clone())).collect();
        assert_eq!(
            summary,
            [
                (Scope::StartLine(2), Some(vec!["OS101", "OS102"])),
                (Scope::Covering(2), Some(vec!["OS203"])),
                (Scope::File, None),
            ]
        );
        let messages: Vec<_> = bad
            .iter()
            .map(|b| (line_of(b.offset), b.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    3,
                    "`offsite-ignore OS101` gives no reason: write `offsite-ignore OS101: reason`"
                ),
                (5, "`offsite-ignore` names an unknown rule `OS999`"),
            ]
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn language() -> impl Strategy<Value = Language> {
        prop_oneof![
            Just(Language::JavaScript),
            Just(Language::Css),
            Just(Language::Html),
            Just(Language::Wikitext),
        ]
    }

    proptest! {
        /// Any text, including unterminated comments, strings and regexes
        /// and multi-byte characters: no panic, and every position found
        /// is inside the text.
        #[test]
        fn scanning_never_panics(
            text in "(offsite-ignore(-file)? |OS10[1-6]|: r|//|/\\*|\\*/|<!--|-->|['\"`/\\\\\\[\\]]|\n|é|x| ){0,60}",
            language in language(),
        ) {
            for c in comments(&text, language) {
                prop_assert!(c.start <= c.end && c.end <= text.len());
            }
            let (ok, bad) = scan(&text, language, |o| u32::try_from(o).unwrap_or(0));
            for offset in ok.iter().map(|s| s.offset).chain(bad.iter().map(|b| b.offset)) {
                prop_assert!(offset < text.len());
            }
        }
    }
}
