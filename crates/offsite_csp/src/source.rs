//! Source expressions: the values of a source-list directive
//! (`'self'`, `'nonce-…'`, `'sha256-…'`, `https:`, `*.example.org:443/path/`, `*`).
//!
//! Grammar: <https://www.w3.org/TR/CSP3/#grammardef-serialized-source-list>.

use std::fmt;

use serde::{Serialize, Serializer};

/// A keyword source (`'self'`, `'unsafe-inline'`…). Written quoted; matched
/// ASCII case-insensitively; serialised lower-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Keyword {
    SelfOrigin,
    None,
    UnsafeInline,
    UnsafeEval,
    StrictDynamic,
    UnsafeHashes,
    ReportSample,
    WasmUnsafeEval,
    UnsafeAllowRedirects,
    InlineSpeculationRules,
}

impl Keyword {
    /// Every keyword, in the order the spec introduces them.
    pub const ALL: [Self; 10] = [
        Self::SelfOrigin,
        Self::None,
        Self::UnsafeInline,
        Self::UnsafeEval,
        Self::StrictDynamic,
        Self::UnsafeHashes,
        Self::ReportSample,
        Self::WasmUnsafeEval,
        Self::UnsafeAllowRedirects,
        Self::InlineSpeculationRules,
    ];

    /// The keyword without quotes, lower-case (`self`, `unsafe-inline`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SelfOrigin => "self",
            Self::None => "none",
            Self::UnsafeInline => "unsafe-inline",
            Self::UnsafeEval => "unsafe-eval",
            Self::StrictDynamic => "strict-dynamic",
            Self::UnsafeHashes => "unsafe-hashes",
            Self::ReportSample => "report-sample",
            Self::WasmUnsafeEval => "wasm-unsafe-eval",
            Self::UnsafeAllowRedirects => "unsafe-allow-redirects",
            Self::InlineSpeculationRules => "inline-speculation-rules",
        }
    }

    /// The keyword from its name without quotes, ASCII case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.name())
    }
}

/// The digest of a hash source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HashAlgorithm {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlgorithm {
    /// `sha256`, `sha384` or `sha512`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// ASCII case-insensitively; `sha-256` is accepted as well, as Chromium
    /// does (<https://crbug.com/1054271>).
    pub fn from_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "sha256" | "sha-256" => Some(Self::Sha256),
            "sha384" | "sha-384" => Some(Self::Sha384),
            "sha512" | "sha-512" => Some(Self::Sha512),
            _ => None,
        }
    }
}

/// The port of a host-source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Port {
    /// `:*`: any port.
    Any,
    /// `:8443`: that port (or, when it is the URL scheme's default, the URL
    /// without a port).
    Number(u16),
}

/// A host-source: `[scheme "://"] host [":" port] [path]`, stored with a
/// lower-case scheme and host and the path as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostSource {
    /// Lower-case scheme without `://`, when written.
    pub scheme: Option<String>,
    /// Lower-case `example.org`, `*.example.org` or `*`.
    pub host: String,
    /// `None` when no port is written: the scheme's default port only.
    pub port: Option<Port>,
    /// As written, starting with `/`; compared percent-decoded.
    pub path: Option<String>,
}

/// Why a text is not a host-source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid host-source `{text}`: {reason}")]
pub struct HostSourceError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl HostSource {
    /// A host-source for a bare host: `HostSource::host("cdn.example.org")`.
    pub fn host(host: &str) -> Self {
        Self {
            scheme: None,
            host: host.to_ascii_lowercase(),
            port: None,
            path: None,
        }
    }

    /// Parse one host-source strictly. Keywords (`'self'`), scheme-sources
    /// (`https:`) and anything outside the CSP grammar are errors naming the
    /// text and what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, HostSourceError> {
        let fail = |reason: &str| HostSourceError {
            text: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(fail("it is empty"));
        }
        if trimmed.starts_with('\'') {
            return Err(fail(
                "keyword and nonce sources such as 'self' are not host-sources",
            ));
        }
        if let Some(c) = trimmed
            .chars()
            .find(|c| c.is_whitespace() || *c == ';' || *c == ',')
        {
            return Err(fail(&format!(
                "`{c}` separates sources; give one source at a time"
            )));
        }
        if scheme_source(trimmed).is_some() {
            return Err(fail(
                "this is a scheme-source (`https:`), not a host-source",
            ));
        }
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => {
                if !is_scheme(scheme) {
                    return Err(fail(&format!("`{scheme}` is not a URL scheme")));
                }
                (Some(scheme.to_ascii_lowercase()), rest)
            }
            None => (None, trimmed),
        };
        let host_end = rest.find([':', '/']).unwrap_or(rest.len());
        let (host, mut rest) = rest.split_at(host_end);
        check_host(host).map_err(|reason| fail(&reason))?;
        let port = match rest.strip_prefix(':') {
            None => None,
            Some(after) => {
                let end = after.find('/').unwrap_or(after.len());
                let (port, after) = after.split_at(end);
                rest = after;
                Some(parse_port(port).map_err(|reason| fail(&reason))?)
            }
        };
        let path = if rest.is_empty() {
            None
        } else {
            check_path(rest).map_err(|reason| fail(&reason))?;
            Some(rest.to_owned())
        };
        Ok(Self {
            scheme,
            host: host.to_ascii_lowercase(),
            port,
            path,
        })
    }
}

impl fmt::Display for HostSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(scheme) = &self.scheme {
            write!(f, "{scheme}://")?;
        }
        f.write_str(&self.host)?;
        match self.port {
            None => {}
            Some(Port::Any) => f.write_str(":*")?,
            Some(Port::Number(port)) => write!(f, ":{port}")?,
        }
        if let Some(path) = &self.path {
            f.write_str(path)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for HostSource {
    type Err = HostSourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// One value of a directive.
///
/// Source-list directives (`script-src`, `img-src`, `form-action`…) hold
/// the typed variants; directives whose values are not sources
/// (`report-uri`, `report-to`, `sandbox`, `trusted-types`, unknown ones)
/// hold [`SourceExpr::Raw`]. A token in a source list that is not a valid
/// source expression is kept as `Raw` too (browsers ignore it; the parser
/// says so in a diagnostic) so that nothing written is lost.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceExpr {
    /// `'self'`, `'unsafe-inline'`…
    Keyword(Keyword),
    /// `'nonce-<value>'`: the value as written (case-sensitive).
    Nonce(String),
    /// `'sha256-<value>'`: the base64 value as written.
    Hash {
        algorithm: HashAlgorithm,
        value: String,
    },
    /// A scheme-source, lower-case and without the colon: `https:` is
    /// `Scheme("https")`.
    Scheme(String),
    /// A host-source.
    Host(HostSource),
    /// `*`
    Wildcard,
    /// A value kept as written: a `report-uri` URL, a `report-to` group, a
    /// `sandbox` token, or a token that is not a valid source expression.
    Raw(String),
}

impl SourceExpr {
    /// `'self'`
    pub const SELF: Self = Self::Keyword(Keyword::SelfOrigin);
    /// `'none'`
    pub const NONE: Self = Self::Keyword(Keyword::None);

    /// Parse a source token strictly: `None` when it is not a valid source
    /// expression. Use the header parser for lenient reading with reasons.
    pub fn parse(token: &str) -> Option<Self> {
        classify_token(token).ok()
    }

    /// A host-source from a strict parse of `text`.
    pub fn host(text: &str) -> Result<Self, HostSourceError> {
        HostSource::parse(text).map(Self::Host)
    }

    /// Is this a nonce or hash source (which make `'unsafe-inline'` ignored)?
    pub fn is_nonce_or_hash(&self) -> bool {
        matches!(self, Self::Nonce(_) | Self::Hash { .. })
    }

    /// Does this source name URLs (host, scheme, `*`, `'self'`), the kind of
    /// source `'strict-dynamic'` makes browsers ignore?
    pub fn is_url_source(&self) -> bool {
        matches!(
            self,
            Self::Host(_) | Self::Scheme(_) | Self::Wildcard | Self::Keyword(Keyword::SelfOrigin)
        )
    }
}

impl fmt::Display for SourceExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Keyword(k) => k.fmt(f),
            Self::Nonce(value) => write!(f, "'nonce-{value}'"),
            Self::Hash { algorithm, value } => write!(f, "'{}-{value}'", algorithm.name()),
            Self::Scheme(scheme) => write!(f, "{scheme}:"),
            Self::Host(host) => host.fmt(f),
            Self::Wildcard => f.write_str("*"),
            Self::Raw(text) => f.write_str(text),
        }
    }
}

/// Sources serialise as their canonical text (`"'self'"`, `"https:"`).
impl Serialize for SourceExpr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for HostSource {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a token in a source list is not a source expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenError {
    /// `'selfx'`, `'sha1-…'`: a quoted word that is no keyword.
    UnknownKeyword,
    /// `'nonce-'` with a value outside base64.
    InvalidNonce(String),
    /// `'sha256-'` with a value outside base64.
    InvalidHash(String),
    /// Not a host-source either.
    InvalidSource(String),
}

/// Read one token of a source list.
pub(crate) fn classify_token(token: &str) -> Result<SourceExpr, TokenError> {
    if token == "*" {
        return Ok(SourceExpr::Wildcard);
    }
    if let Some(inner) = token
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .filter(|_| token.len() >= 2)
    {
        return quoted(inner);
    }
    if token.starts_with('\'') || token.ends_with('\'') {
        return Err(TokenError::InvalidSource(
            "a single quote opens or closes without its pair (a space inside quotes splits \
             the source in two)"
                .to_owned(),
        ));
    }
    if let Some(scheme) = scheme_source(token) {
        return Ok(SourceExpr::Scheme(scheme.to_ascii_lowercase()));
    }
    HostSource::parse(token)
        .map(SourceExpr::Host)
        .map_err(|e| TokenError::InvalidSource(e.reason))
}

fn quoted(inner: &str) -> Result<SourceExpr, TokenError> {
    if let Some(keyword) = Keyword::from_name(inner) {
        return Ok(SourceExpr::Keyword(keyword));
    }
    if let Some((prefix, value)) = inner.split_once('-') {
        if prefix.eq_ignore_ascii_case("nonce") {
            return if is_base64_value(value) {
                Ok(SourceExpr::Nonce(value.to_owned()))
            } else {
                Err(TokenError::InvalidNonce(value.to_owned()))
            };
        }
        // `sha-256-…` (Chromium's spelling) has its value after the second dash.
        let (algorithm, value) = match HashAlgorithm::from_name(prefix) {
            Some(a) => (Some(a), value),
            None => match value.split_once('-') {
                Some((bits, rest)) => (HashAlgorithm::from_name(&format!("{prefix}-{bits}")), rest),
                None => (None, value),
            },
        };
        if let Some(algorithm) = algorithm {
            return if is_base64_value(value) {
                Ok(SourceExpr::Hash {
                    algorithm,
                    value: value.to_owned(),
                })
            } else {
                Err(TokenError::InvalidHash(value.to_owned()))
            };
        }
    }
    Err(TokenError::UnknownKeyword)
}

/// `base64-value = 1*( ALPHA / DIGIT / "+" / "/" / "-" / "_" ) *2"="`
fn is_base64_value(value: &str) -> bool {
    let body = value.trim_end_matches('=');
    value.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
}

/// `scheme-source = scheme-part ":"`: the scheme when `token` is one.
pub(crate) fn scheme_source(token: &str) -> Option<&str> {
    token.strip_suffix(':').filter(|s| is_scheme(s))
}

/// RFC 3986: `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
pub(crate) fn is_scheme(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `host-part = "*" / [ "*." ] 1*host-char *( "." 1*host-char ) [ "." ]`
fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the host is missing".to_owned());
    }
    if host == "*" {
        return Ok(());
    }
    if host.starts_with('[') {
        return Err("IP-literal hosts (`[::1]`) are not allowed in a host-source".to_owned());
    }
    let labels = host.strip_prefix("*.").unwrap_or(host);
    let labels = labels.strip_suffix('.').unwrap_or(labels);
    for label in labels.split('.') {
        if label.is_empty() {
            return Err(format!("the host `{host}` has an empty label"));
        }
        if label.contains('*') {
            return Err(format!(
                "`*` may only stand for the leftmost label (`*.example.org`), not in `{host}`"
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return Err(format!(
                "`{}` is not allowed in a host (letters, digits and `-`; IDN as punycode)",
                c.escape_debug()
            ));
        }
    }
    Ok(())
}

/// `port-part = 1*DIGIT / "*"`
fn parse_port(port: &str) -> Result<Port, String> {
    match port {
        "" => Err("the port after `:` is missing".to_owned()),
        "*" => Ok(Port::Any),
        digits if digits.bytes().all(|b| b.is_ascii_digit()) => digits
            .parse()
            .map(Port::Number)
            .map_err(|_| format!("port `{digits}` is out of range (0-65535)")),
        other => Err(format!(
            "port `{}` is neither a number nor `*`",
            other.escape_debug()
        )),
    }
}

/// `path-part = path-absolute` (RFC 3986) without `;` and `,`.
fn check_path(path: &str) -> Result<(), String> {
    if path.starts_with("//") {
        return Err("a path may not start with `//`".to_owned());
    }
    for c in ['?', '#'] {
        if path.contains(c) {
            return Err(format!("a host-source has no query or fragment (`{c}`)"));
        }
    }
    let bytes = path.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let allowed = b.is_ascii_alphanumeric() || b"-._~!$&'()*+=:@/%".contains(&b);
        if !allowed {
            let shown = path[i..].chars().next().unwrap_or('?');
            return Err(format!(
                "`{}` is not allowed in a path; percent-encode it",
                shown.escape_debug()
            ));
        }
        if b == b'%'
            && !bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
        {
            return Err("`%` must start a percent-escape such as `%20`".to_owned());
        }
    }
    Ok(())
}
