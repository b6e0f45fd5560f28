//! Lenient parsing of `Content-Security-Policy` header values into
//! [`Policy`]s plus [`PolicyDiagnostic`]s, following CSP3 §2.2.1 ("Parse a
//! serialized CSP") and §2.2.2 (comma-separated policies), never failing.
//!
//! What browsers ignore is dropped or kept as [`SourceExpr::Raw`] (so nothing
//! written is lost) and reported; what browsers accept but is probably a
//! mistake (`self` without quotes, a missing `;`) is kept as browsers read it
//! and reported.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use crate::directive::{KNOWN_DIRECTIVES, ValueKind, known_directive};
use crate::policy::{DirectiveEntry, Policy, Span};
use crate::source::{Keyword, SourceExpr, TokenError, classify_token};

/// The policies in a header value and what is wrong with them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ParsedHeader {
    /// In the order written; policies with no directive are left out.
    pub policies: Vec<Policy>,
    /// In the order found.
    pub diagnostics: Vec<PolicyDiagnostic>,
}

impl ParsedHeader {
    /// Does any diagnostic have this code?
    pub fn has(&self, code: DiagnosticCode) -> bool {
        self.diagnostics.iter().any(|d| d.code == code)
    }
}

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Browsers ignore what was written (a source, a directive).
    Error,
    /// Browsers accept it, but it does not do what it seems to.
    Warning,
    /// Harmless: noted so the canonical form's changes are explained.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a diagnostic is about; the kebab-case code is stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticCode {
    EmptyHeader,
    EmptyPolicy,
    HeaderNameIncluded,
    NonAscii,
    ControlCharacter,
    DuplicateDirective,
    UnknownDirective,
    DeprecatedDirective,
    EmptyDirective,
    UnexpectedValue,
    MissingSemicolon,
    KeywordMissingQuotes,
    SchemeMissingColon,
    UnknownKeyword,
    InvalidNonce,
    InvalidHash,
    InvalidSource,
    NoneWithOtherSources,
    DuplicateSource,
}

impl DiagnosticCode {
    /// Every code, for documentation and tests.
    pub const ALL: [Self; 19] = [
        Self::EmptyHeader,
        Self::EmptyPolicy,
        Self::HeaderNameIncluded,
        Self::NonAscii,
        Self::ControlCharacter,
        Self::DuplicateDirective,
        Self::UnknownDirective,
        Self::DeprecatedDirective,
        Self::EmptyDirective,
        Self::UnexpectedValue,
        Self::MissingSemicolon,
        Self::KeywordMissingQuotes,
        Self::SchemeMissingColon,
        Self::UnknownKeyword,
        Self::InvalidNonce,
        Self::InvalidHash,
        Self::InvalidSource,
        Self::NoneWithOtherSources,
        Self::DuplicateSource,
    ];

    /// The stable kebab-case code (`missing-semicolon`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmptyHeader => "empty-header",
            Self::EmptyPolicy => "empty-policy",
            Self::HeaderNameIncluded => "header-name-included",
            Self::NonAscii => "non-ascii",
            Self::ControlCharacter => "control-character",
            Self::DuplicateDirective => "duplicate-directive",
            Self::UnknownDirective => "unknown-directive",
            Self::DeprecatedDirective => "deprecated-directive",
            Self::EmptyDirective => "empty-directive",
            Self::UnexpectedValue => "unexpected-value",
            Self::MissingSemicolon => "missing-semicolon",
            Self::KeywordMissingQuotes => "keyword-missing-quotes",
            Self::SchemeMissingColon => "scheme-missing-colon",
            Self::UnknownKeyword => "unknown-keyword",
            Self::InvalidNonce => "invalid-nonce",
            Self::InvalidHash => "invalid-hash",
            Self::InvalidSource => "invalid-source",
            Self::NoneWithOtherSources => "none-with-other-sources",
            Self::DuplicateSource => "duplicate-source",
        }
    }

    /// The severity every diagnostic with this code has.
    pub fn severity(self) -> Severity {
        match self {
            Self::NonAscii
            | Self::ControlCharacter
            | Self::UnknownKeyword
            | Self::InvalidNonce
            | Self::InvalidHash
            | Self::InvalidSource => Severity::Error,
            Self::EmptyHeader
            | Self::DuplicateDirective
            | Self::UnknownDirective
            | Self::DeprecatedDirective
            | Self::UnexpectedValue
            | Self::MissingSemicolon
            | Self::KeywordMissingQuotes
            | Self::SchemeMissingColon
            | Self::NoneWithOtherSources => Severity::Warning,
            Self::EmptyPolicy
            | Self::HeaderNameIncluded
            | Self::EmptyDirective
            | Self::DuplicateSource => Severity::Info,
        }
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing the parser noticed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDiagnostic {
    pub severity: Severity,
    pub code: DiagnosticCode,
    pub message: String,
    /// Bytes of the parsed text the diagnostic is about.
    pub span: Span,
    /// The directive it is about (lower-case), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directive: Option<String>,
}

impl fmt::Display for PolicyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] at bytes {}..{}: {}",
            self.severity, self.code, self.span.start, self.span.end, self.message
        )
    }
}

/// Parse a header value: one or more policies separated by `,`. Never fails
/// and never panics; see the module documentation for what is reported.
pub fn parse_header(text: &str) -> ParsedHeader {
    let mut parser = Parser {
        out: ParsedHeader::default(),
    };
    if text.trim_matches(is_ascii_ws).is_empty() {
        parser.push(
            DiagnosticCode::EmptyHeader,
            Span::new(0, text.len()),
            None,
            "the header is empty: it sets no policy".to_owned(),
        );
        return parser.out;
    }
    for (start, piece) in split_with_offsets(text, 0, ',') {
        parser.policy(start, piece);
    }
    parser.out
}

/// Parse several header lines (an HTTP response may send the header more
/// than once): the same as parsing them joined with `", "`, which is how
/// HTTP combines them; spans refer to that joined text.
pub fn parse_header_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> ParsedHeader {
    let joined: Vec<&str> = lines.into_iter().collect();
    parse_header(&joined.join(", "))
}

struct Parser {
    out: ParsedHeader,
}

/// Header names people paste along with the value.
const HEADER_NAMES: [&str; 2] = [
    "content-security-policy-report-only:",
    "content-security-policy:",
];

impl Parser {
    fn push(&mut self, code: DiagnosticCode, span: Span, directive: Option<&str>, message: String) {
        self.out.diagnostics.push(PolicyDiagnostic {
            severity: code.severity(),
            code,
            message,
            span,
            directive: directive.map(str::to_owned),
        });
    }

    fn policy(&mut self, start: usize, piece: &str) {
        let (start, piece) = trim_with_offset(start, piece);
        if piece.is_empty() {
            self.push(
                DiagnosticCode::EmptyPolicy,
                Span::new(start, start),
                None,
                "nothing between two commas (or after the last): no policy there".to_owned(),
            );
            return;
        }
        let mut policy = Policy::default();
        let mut names = HashSet::new();
        for (offset, token) in split_with_offsets(piece, start, ';') {
            let (offset, token) = trim_with_offset(offset, token);
            let (offset, token) = self.skip_header_name(offset, token);
            if token.is_empty() {
                continue;
            }
            if let Some(entry) = self.directive(offset, token, &names) {
                names.insert(entry.name.clone());
                policy.directives.push(entry);
            }
        }
        if !policy.directives.is_empty() {
            self.out.policies.push(policy);
        }
    }

    /// `Content-Security-Policy: default-src …` pasted whole: skip the
    /// header's name. Repeated, so that no directive of the result starts
    /// with one, which keeps parsing the canonical form idempotent.
    fn skip_header_name<'a>(&mut self, mut start: usize, mut token: &'a str) -> (usize, &'a str) {
        while let Some(name) = HEADER_NAMES.iter().find(|n| {
            token
                .get(..n.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(n))
        }) {
            self.push(
                DiagnosticCode::HeaderNameIncluded,
                Span::new(start, start + name.len()),
                None,
                format!(
                    "`{}` is the header's name, not part of its value; read what follows",
                    &token[..name.len() - 1]
                ),
            );
            (start, token) = trim_with_offset(start + name.len(), &token[name.len()..]);
        }
        (start, token)
    }

    /// One directive token (trimmed, non-empty); `None` when browsers drop it.
    fn directive(
        &mut self,
        start: usize,
        token: &str,
        seen: &HashSet<String>,
    ) -> Option<DirectiveEntry> {
        let span = Span::new(start, start + token.len());
        let name_end = token.find(is_ascii_ws).unwrap_or(token.len());
        let name = token[..name_end].to_ascii_lowercase();
        if let Some((at, c)) = token.char_indices().find(|(_, c)| !c.is_ascii()) {
            // CSP3 §2.2.1 step 2.2: a directive that is not ASCII is skipped whole.
            self.push(
                DiagnosticCode::NonAscii,
                Span::new(start + at, start + at + c.len_utf8()),
                Some(&name),
                format!(
                    "`{c}` in directive `{}` is not ASCII: browsers ignore the whole directive \
                     (write hosts as punycode, percent-encode paths)",
                    ascii_prefix(&name)
                ),
            );
            return None;
        }
        if let Some(at) = token.bytes().position(is_control) {
            // HTTP field values cannot carry controls (RFC 9110 §5.5); a token
            // holding one is no valid source, and some servers drop the header.
            self.push(
                DiagnosticCode::ControlCharacter,
                Span::new(start + at, start + at + 1),
                Some(&name),
                format!(
                    "control character {:?} in directive `{}`: a header value cannot carry it",
                    char::from(token.as_bytes()[at]),
                    name.escape_debug()
                ),
            );
        }
        if seen.contains(&name) {
            self.push(
                DiagnosticCode::DuplicateDirective,
                span,
                Some(&name),
                format!(
                    "duplicate directive `{name}`: browsers use the first one and ignore this one"
                ),
            );
            return None;
        }
        let known = known_directive(&name);
        match known {
            None => {
                let hint = suggestion(&name)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.push(
                    DiagnosticCode::UnknownDirective,
                    Span::new(start, start + name_end),
                    Some(&name),
                    format!("unknown directive `{name}`{hint}: browsers ignore it"),
                );
            }
            Some(d) if d.deprecated => self.push(
                DiagnosticCode::DeprecatedDirective,
                Span::new(start, start + name_end),
                Some(&name),
                format!("`{name}` was removed from CSP: current browsers ignore it"),
            ),
            Some(_) => {}
        }
        let mut entry = DirectiveEntry::new(&name);
        entry.span = Some(span);
        let value_kind = known.map_or(ValueKind::Tokens, |d| d.value);
        let values = split_ws_with_offsets(&token[name_end..], start + name_end);
        let mut unique = HashSet::new();
        for (at, value) in values {
            let value_span = Span::new(at, at + value.len());
            let source = match value_kind {
                ValueKind::SourceList => self.source(&name, value, value_span),
                ValueKind::Tokens => SourceExpr::Raw(value.to_owned()),
                ValueKind::Empty => {
                    self.push(
                        DiagnosticCode::UnexpectedValue,
                        value_span,
                        Some(&name),
                        format!("`{name}` takes no value: browsers ignore `{value}`"),
                    );
                    SourceExpr::Raw(value.to_owned())
                }
            };
            if !unique.insert(source.clone()) {
                self.push(
                    DiagnosticCode::DuplicateSource,
                    value_span,
                    Some(&name),
                    format!("`{source}` is listed twice in `{name}`; the copy is dropped"),
                );
                continue;
            }
            entry.sources.push(source);
            entry.source_spans.push(value_span);
        }
        self.check_list(&entry, value_kind, span);
        Some(entry)
    }

    /// One value of a source list.
    fn source(&mut self, directive: &str, value: &str, span: Span) -> SourceExpr {
        let d = Some(directive);
        if let Some(other) = KNOWN_DIRECTIVES
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(value))
        {
            // Browsers read it as a host named `object-src`; Google's CSP
            // Evaluator reports the same (checkMissingSemicolon).
            self.push(
                DiagnosticCode::MissingSemicolon,
                span,
                d,
                format!(
                    "missing semicolon before {}: `{value}` in `{directive}` is read as a host name",
                    other.name
                ),
            );
        }
        match classify_token(value) {
            Ok(source) => {
                if let SourceExpr::Host(host) = &source
                    && host.scheme.is_none()
                    && host.port.is_none()
                    && host.path.is_none()
                {
                    self.unquoted_keyword(directive, &host.host, span);
                }
                source
            }
            Err(error) => {
                let (code, message) = match error {
                    TokenError::UnknownKeyword => (
                        DiagnosticCode::UnknownKeyword,
                        format!("`{value}` is not a CSP keyword: browsers ignore it"),
                    ),
                    TokenError::InvalidNonce(nonce) => (
                        DiagnosticCode::InvalidNonce,
                        format!(
                            "nonce `{nonce}` is not base64 (letters, digits, `+/-_`, up to two `=`): \
                             browsers ignore `{value}`"
                        ),
                    ),
                    TokenError::InvalidHash(hash) => (
                        DiagnosticCode::InvalidHash,
                        format!(
                            "hash `{hash}` is not base64 (letters, digits, `+/-_`, up to two `=`): \
                             browsers ignore `{value}`"
                        ),
                    ),
                    TokenError::InvalidSource(reason) => (
                        DiagnosticCode::InvalidSource,
                        format!(
                            "`{}` is not a source expression ({reason}): browsers ignore it",
                            value.escape_debug()
                        ),
                    ),
                };
                self.push(code, span, d, message);
                SourceExpr::Raw(value.to_owned())
            }
        }
    }

    /// `self`, `unsafe-inline`, `nonce-…` and `https` written as bare host names.
    fn unquoted_keyword(&mut self, directive: &str, host: &str, span: Span) {
        let looks_like_keyword = Keyword::from_name(host).is_some()
            || ["nonce-", "sha256-", "sha384-", "sha512-"]
                .iter()
                .any(|p| host.starts_with(p));
        if looks_like_keyword {
            self.push(
                DiagnosticCode::KeywordMissingQuotes,
                span,
                Some(directive),
                format!(
                    "`{host}` without single quotes is a host name, not a keyword: \
                     write `'{host}'`"
                ),
            );
        } else if matches!(
            host,
            "http" | "https" | "ws" | "wss" | "data" | "blob" | "filesystem" | "mediastream"
        ) {
            self.push(
                DiagnosticCode::SchemeMissingColon,
                span,
                Some(directive),
                format!("`{host}` without a colon is a host name, not a scheme: write `{host}:`"),
            );
        }
    }

    /// Whole-list checks: `'none'` with others, empty lists.
    fn check_list(&mut self, entry: &DirectiveEntry, value_kind: ValueKind, span: Span) {
        let name = entry.name.as_str();
        if entry.sources.len() > 1
            && let Some(index) = entry.sources.iter().position(|s| *s == SourceExpr::NONE)
        {
            self.push(
                DiagnosticCode::NoneWithOtherSources,
                entry.source_span(index).unwrap_or(span),
                Some(name),
                format!(
                    "'none' in `{name}` has no effect next to other sources: remove it, or the others"
                ),
            );
        }
        if entry.sources.is_empty() {
            let message = match value_kind {
                ValueKind::SourceList => Some(format!(
                    "`{name}` has no sources: it allows nothing, as 'none' would; write 'none' if \
                     that is meant"
                )),
                ValueKind::Tokens if matches!(name, "report-uri" | "report-to") => {
                    Some(format!("`{name}` has no value: no reports are sent"))
                }
                _ => None,
            };
            if let Some(message) = message {
                self.push(DiagnosticCode::EmptyDirective, span, Some(name), message);
            }
        }
    }
}

/// ASCII whitespace as CSP and HTTP read it: TAB, LF, FF, CR, SPACE.
fn is_ascii_ws(c: char) -> bool {
    c.is_ascii_whitespace()
}

fn is_control(b: u8) -> bool {
    (b < 0x20 && !b.is_ascii_whitespace()) || b == 0x7f
}

fn ascii_prefix(name: &str) -> String {
    name.chars()
        .take_while(char::is_ascii)
        .collect::<String>()
        .escape_debug()
        .to_string()
}

fn trim_with_offset(start: usize, text: &str) -> (usize, &str) {
    let trimmed_start = text.trim_start_matches(is_ascii_ws);
    let start = start + (text.len() - trimmed_start.len());
    (start, trimmed_start.trim_end_matches(is_ascii_ws))
}

/// Split on `sep`, with each piece's byte offset (`base` added).
fn split_with_offsets(text: &str, base: usize, sep: char) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, _) in text.match_indices(sep) {
        out.push((base + start, &text[start..at]));
        start = at + sep.len_utf8();
    }
    out.push((base + start, &text[start..]));
    out
}

/// Split on runs of ASCII whitespace, dropping empty pieces.
fn split_ws_with_offsets(text: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (is_ascii_ws(c), start) {
            (true, Some(s)) => {
                out.push((base + s, &text[s..at]));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((base + s, &text[s..]));
    }
    out
}

/// The known directive within two edits of `name`, for "did you mean".
fn suggestion(name: &str) -> Option<&'static str> {
    // No known name is longer than 26 bytes: a long one is no typo of one.
    if name.len() > 32 {
        return None;
    }
    KNOWN_DIRECTIVES
        .iter()
        .map(|d| (edit_distance(name, d.name), d.name))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, known)| known)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<u8> = b.bytes().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("script-src", "script-src"), 0);
        assert_eq!(edit_distance("scripts-src", "script-src"), 1);
        assert_eq!(edit_distance("scirpt-src", "script-src"), 2);
        assert_eq!(edit_distance("", "img-src"), 7);
        assert_eq!(suggestion("img-scr"), Some("img-src"));
        assert_eq!(suggestion("totally-unrelated"), None);
        assert_eq!(suggestion(&"x".repeat(10_000)), None);
    }

    #[test]
    fn splits_keep_byte_offsets() {
        let text = "a; b ;;c";
        let pieces = split_with_offsets(text, 10, ';');
        assert_eq!(pieces, [(10, "a"), (12, " b "), (16, ""), (17, "c")]);
        assert_eq!(trim_with_offset(12, " b "), (13, "b"));
        let words = split_ws_with_offsets(" x\t yz\n", 5);
        assert_eq!(words, [(6, "x"), (9, "yz")]);
        for (at, word) in words {
            assert_eq!(&" x\t yz\n"[at - 5..at - 5 + word.len()], word);
        }
    }

    #[test]
    fn every_code_has_a_distinct_kebab_name() {
        let names: HashSet<&str> = DiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), DiagnosticCode::ALL.len());
        for code in DiagnosticCode::ALL {
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{code}\""));
        }
    }
}
