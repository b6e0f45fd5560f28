//! The catalogue of checks: stable kebab-case ids, usual severities and a
//! one-line summary each (for docs and `--explain`-style output).

use std::fmt;

use serde::{Serialize, Serializer};

use super::Severity;

/// A check of [`super::evaluate`]. The id ([`Check::as_str`]) is stable;
/// where CSP Evaluator has the check, the id names its finding type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    // Syntax: the parser's diagnostics (CSP Evaluator's parser checks).
    /// `unknown-directive`: a directive CSP does not define.
    UnknownDirective,
    /// `missing-semicolon`: a directive name where a source should be.
    MissingSemicolon,
    /// `invalid-keyword`: a keyword without quotes, or a quoted word that is
    /// no keyword.
    InvalidKeyword,
    /// `deprecated-directive`: a directive removed from CSP.
    DeprecatedDirective,
    /// `invalid-source`: a token that is no source expression.
    InvalidSource,
    /// `invalid-hash`: a hash outside the base64 alphabet.
    InvalidHash,
    /// `scheme-missing-colon`: `https` where `https:` was meant.
    SchemeMissingColon,
    /// `non-ascii`: a directive with a non-ASCII character, dropped whole.
    NonAscii,
    /// `control-character`: a control character in the header.
    ControlCharacter,
    /// `duplicate-directive`: a directive written twice; the copy is ignored.
    DuplicateDirective,
    /// `empty-directive`: a directive with no value.
    EmptyDirective,
    /// `unexpected-value`: a value after a directive that takes none.
    UnexpectedValue,
    /// `none-with-other-sources`: `'none'` next to other sources.
    NoneWithOtherSources,
    /// `duplicate-source`: a source listed twice in a directive.
    DuplicateSource,
    /// `empty-header`: nothing to evaluate.
    EmptyHeader,
    /// `empty-policy`: a stray comma.
    EmptyPolicy,
    /// `header-name-included`: `Content-Security-Policy:` pasted with the value.
    HeaderNameIncluded,

    // Security (CSP Evaluator's security checks).
    /// `script-unsafe-inline`: inline scripts and event handlers are allowed.
    ScriptUnsafeInline,
    /// `script-unsafe-eval`: `eval()` and friends are allowed.
    ScriptUnsafeEval,
    /// `script-wasm-unsafe-eval`: `WebAssembly` compilation is allowed.
    ScriptWasmUnsafeEval,
    /// `style-unsafe-inline`: inline styles are allowed.
    StyleUnsafeInline,
    /// `plain-url-scheme`: `https:`, `http:` or `data:` where scripts,
    /// plugins or `<base>` are decided.
    PlainUrlScheme,
    /// `form-action-url-scheme`: forms may post to any host of a scheme.
    FormActionUrlScheme,
    /// `plain-wildcard`: `*` where scripts, plugins or `<base>` are decided.
    PlainWildcard,
    /// `missing-object-src`: plugins are not restricted.
    MissingObjectSrc,
    /// `missing-script-src`: scripts are not restricted.
    MissingScriptSrc,
    /// `missing-base-uri`: `<base>` can redirect a nonce policy's scripts.
    MissingBaseUri,
    /// `missing-style-src`: stylesheets are not restricted.
    MissingStyleSrc,
    /// `missing-form-action`: form targets are not restricted.
    MissingFormAction,
    /// `script-allowlist-bypass`: an allowed host is known to serve JSONP,
    /// `AngularJS`, user-written scripts (MediaWiki) or anyone's tools.
    ScriptAllowlistBypass,
    /// `script-allowlist-host`: an allowed host that must not serve JSONP,
    /// `AngularJS` or user uploads for the policy to hold.
    ScriptAllowlistHost,
    /// `object-allowlist-bypass`: plugins allowed from more than `'none'`.
    ObjectAllowlistBypass,
    /// `ip-source`: an IP address as a source.
    IpSource,
    /// `nonce-length`: a nonce shorter than 8 characters, or (info) outside
    /// the base64 charset, as CSP Evaluator's `checkNonceLength`.
    NonceLength,
    /// `src-http`: a source or report endpoint over plain HTTP.
    SrcHttp,
    /// `reporting-missing`: no `report-uri` or `report-to`.
    ReportingMissing,
    /// `report-to-only`: `report-to` without a `report-uri` fallback.
    ReportToOnly,

    // Strict CSP (CSP Evaluator's strict-CSP checks).
    /// `allowlist-without-strict-dynamic`: a host allowlist with no
    /// `'strict-dynamic'`.
    AllowlistWithoutStrictDynamic,
    /// `strict-dynamic-without-nonce`: `'strict-dynamic'` with nothing to
    /// trust.
    StrictDynamicWithoutNonce,
    /// `unsafe-inline-fallback`: a nonce policy without `'unsafe-inline'`
    /// for browsers without nonces.
    UnsafeInlineFallback,
    /// `allowlist-fallback`: `'strict-dynamic'` without `https:` for
    /// browsers without it.
    AllowlistFallback,
    /// `require-trusted-types`: no `require-trusted-types-for 'script'`.
    RequireTrustedTypes,

    // offsite's own.
    /// `package-cdn-source`: a public package CDN allowed without a pinned
    /// path: anyone's code.
    PackageCdnSource,
    /// `wildcard-misses-apex`: `*.x` is listed, the wiki loads from `x`,
    /// which `*.x` does not match.
    WildcardMissesApex,
}

impl Check {
    /// Every check, in catalogue order.
    pub const ALL: [Self; 44] = [
        Self::UnknownDirective,
        Self::MissingSemicolon,
        Self::InvalidKeyword,
        Self::DeprecatedDirective,
        Self::InvalidSource,
        Self::InvalidHash,
        Self::SchemeMissingColon,
        Self::NonAscii,
        Self::ControlCharacter,
        Self::DuplicateDirective,
        Self::EmptyDirective,
        Self::UnexpectedValue,
        Self::NoneWithOtherSources,
        Self::DuplicateSource,
        Self::EmptyHeader,
        Self::EmptyPolicy,
        Self::HeaderNameIncluded,
        Self::ScriptUnsafeInline,
        Self::ScriptUnsafeEval,
        Self::ScriptWasmUnsafeEval,
        Self::StyleUnsafeInline,
        Self::PlainUrlScheme,
        Self::FormActionUrlScheme,
        Self::PlainWildcard,
        Self::MissingObjectSrc,
        Self::MissingScriptSrc,
        Self::MissingBaseUri,
        Self::MissingStyleSrc,
        Self::MissingFormAction,
        Self::ScriptAllowlistBypass,
        Self::ScriptAllowlistHost,
        Self::ObjectAllowlistBypass,
        Self::IpSource,
        Self::NonceLength,
        Self::SrcHttp,
        Self::ReportingMissing,
        Self::ReportToOnly,
        Self::AllowlistWithoutStrictDynamic,
        Self::StrictDynamicWithoutNonce,
        Self::UnsafeInlineFallback,
        Self::AllowlistFallback,
        Self::RequireTrustedTypes,
        Self::PackageCdnSource,
        Self::WildcardMissesApex,
    ];

    /// The stable kebab-case id (`script-unsafe-inline`).
    pub fn as_str(self) -> &'static str {
        self.info().0
    }

    /// The severity findings of this check usually have (some checks
    /// lower or raise it for a particular value; the finding says).
    pub fn severity(self) -> Severity {
        self.info().1
    }

    /// One sentence: what the check finds.
    pub fn summary(self) -> &'static str {
        self.info().2
    }

    /// The check with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == id)
    }

    fn info(self) -> (&'static str, Severity, &'static str) {
        use Severity::{High, Info, Low, Medium, MediumMaybe, StrictCsp, Syntax};
        match self {
            Self::UnknownDirective => (
                "unknown-directive",
                Syntax,
                "a directive CSP does not define: browsers ignore it",
            ),
            Self::MissingSemicolon => (
                "missing-semicolon",
                Syntax,
                "a directive name where a source should be: a `;` is missing",
            ),
            Self::InvalidKeyword => (
                "invalid-keyword",
                Syntax,
                "a keyword without single quotes, or a quoted word that is no keyword",
            ),
            Self::DeprecatedDirective => (
                "deprecated-directive",
                Info,
                "a directive removed from CSP: browsers ignore it",
            ),
            Self::InvalidSource => (
                "invalid-source",
                Syntax,
                "a token that is no source expression: browsers ignore it",
            ),
            Self::InvalidHash => (
                "invalid-hash",
                Syntax,
                "a hash outside the base64 alphabet: browsers ignore it",
            ),
            Self::SchemeMissingColon => (
                "scheme-missing-colon",
                Syntax,
                "a scheme written without its colon, read as a host name",
            ),
            Self::NonAscii => (
                "non-ascii",
                Syntax,
                "a directive with a non-ASCII character: browsers drop it whole",
            ),
            Self::ControlCharacter => (
                "control-character",
                Syntax,
                "a control character, which a header value cannot carry",
            ),
            Self::DuplicateDirective => (
                "duplicate-directive",
                Syntax,
                "a directive written twice: browsers ignore the copy",
            ),
            Self::EmptyDirective => ("empty-directive", Info, "a directive with no value"),
            Self::UnexpectedValue => (
                "unexpected-value",
                Syntax,
                "a value after a directive that takes none",
            ),
            Self::NoneWithOtherSources => (
                "none-with-other-sources",
                Syntax,
                "'none' next to other sources, where it has no effect",
            ),
            Self::DuplicateSource => (
                "duplicate-source",
                Info,
                "a source listed twice in one directive",
            ),
            Self::EmptyHeader => ("empty-header", Syntax, "the header sets no policy"),
            Self::EmptyPolicy => (
                "empty-policy",
                Info,
                "nothing between two commas: no policy there",
            ),
            Self::HeaderNameIncluded => (
                "header-name-included",
                Info,
                "the header's name pasted along with its value",
            ),
            Self::ScriptUnsafeInline => (
                "script-unsafe-inline",
                High,
                "'unsafe-inline' allows inline scripts and event handlers",
            ),
            Self::ScriptUnsafeEval => (
                "script-unsafe-eval",
                MediumMaybe,
                "'unsafe-eval' allows eval() and new Function()",
            ),
            Self::ScriptWasmUnsafeEval => (
                "script-wasm-unsafe-eval",
                MediumMaybe,
                "'wasm-unsafe-eval' allows compiling WebAssembly",
            ),
            Self::StyleUnsafeInline => (
                "style-unsafe-inline",
                Medium,
                "'unsafe-inline' allows inline styles",
            ),
            Self::PlainUrlScheme => (
                "plain-url-scheme",
                High,
                "https:, http: or data: in the directive that decides scripts, plugins or <base>",
            ),
            Self::FormActionUrlScheme => (
                "form-action-url-scheme",
                Low,
                "forms may post to any host of a scheme",
            ),
            Self::PlainWildcard => (
                "plain-wildcard",
                High,
                "* in the directive that decides scripts, plugins or <base>",
            ),
            Self::MissingObjectSrc => (
                "missing-object-src",
                High,
                "no object-src (or default-src): plugins are not restricted",
            ),
            Self::MissingScriptSrc => (
                "missing-script-src",
                High,
                "no script-src (or default-src): scripts are not restricted",
            ),
            Self::MissingBaseUri => (
                "missing-base-uri",
                High,
                "a nonce policy without base-uri: <base> can redirect relative script URLs",
            ),
            Self::MissingStyleSrc => (
                "missing-style-src",
                Low,
                "no style-src (or default-src): stylesheets are not restricted",
            ),
            Self::MissingFormAction => (
                "missing-form-action",
                Low,
                "no form-action: forms may post anywhere",
            ),
            Self::ScriptAllowlistBypass => (
                "script-allowlist-bypass",
                High,
                "an allowed script host serves JSONP, AngularJS, user-written scripts or anyone's tools",
            ),
            Self::ScriptAllowlistHost => (
                "script-allowlist-host",
                MediumMaybe,
                "an allowed script host that must serve no JSONP, AngularJS or user uploads",
            ),
            Self::ObjectAllowlistBypass => (
                "object-allowlist-bypass",
                MediumMaybe,
                "plugins allowed from more than 'none'",
            ),
            Self::IpSource => ("ip-source", Info, "an IP address as a source"),
            Self::NonceLength => (
                "nonce-length",
                Medium,
                "a nonce shorter than 8 characters; info for one outside the base64 charset",
            ),
            Self::SrcHttp => (
                "src-http",
                Medium,
                "a source or report endpoint over plain HTTP",
            ),
            Self::ReportingMissing => (
                "reporting-missing",
                Info,
                "no report-uri or report-to: breakage and attacks go unseen",
            ),
            Self::ReportToOnly => (
                "report-to-only",
                Info,
                "report-to without report-uri: only Chromium reports",
            ),
            Self::AllowlistWithoutStrictDynamic => (
                "allowlist-without-strict-dynamic",
                StrictCsp,
                "a host or scheme allowlist for scripts without 'strict-dynamic' and nonces",
            ),
            Self::StrictDynamicWithoutNonce => (
                "strict-dynamic-without-nonce",
                Info,
                "'strict-dynamic' without a nonce or hash blocks every script",
            ),
            Self::UnsafeInlineFallback => (
                "unsafe-inline-fallback",
                StrictCsp,
                "a nonce or hash policy without 'unsafe-inline' for browsers that lack nonces",
            ),
            Self::AllowlistFallback => (
                "allowlist-fallback",
                StrictCsp,
                "'strict-dynamic' without https: for browsers that lack it",
            ),
            Self::RequireTrustedTypes => (
                "require-trusted-types",
                Info,
                "no require-trusted-types-for 'script'",
            ),
            Self::PackageCdnSource => (
                "package-cdn-source",
                High,
                "a public package CDN allowed without a pinned path: anyone's code",
            ),
            Self::WildcardMissesApex => (
                "wildcard-misses-apex",
                Medium,
                "*.x is listed but the wiki loads from x itself, which *.x does not match",
            ),
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Serialised as the stable id.
impl Serialize for Check {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
