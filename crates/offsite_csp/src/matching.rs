//! Does a policy allow a request? CSP Level 3 §6.7 (matching) and §6.8
//! (effective directives and fallback lists), for a page of a given origin.
//!
//! Spec: <https://www.w3.org/TR/CSP3/#match-url-to-source-list>.

use serde::Serialize;
use sha2::Digest;

use crate::directive::ResourceKind;
use crate::policy::Policy;
use crate::source::{HashAlgorithm, Keyword, SourceExpr};
use crate::url_match::{resolve, url_matches_source_list};

/// The origin of the page a policy protects: `'self'` means it, and
/// scheme-less host-sources take its scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Origin {
    /// Lower-case (`https`).
    pub scheme: String,
    /// Lower-case, punycode (`en.wikipedia.org`).
    pub host: String,
    /// `None` for the scheme's default port.
    pub port: Option<u16>,
}

/// A page URL that has no origin CSP can work with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{url}` is not a page origin: {reason}")]
pub struct OriginError {
    pub url: String,
    pub reason: String,
}

impl Origin {
    /// The HTTPS origin of a host (`Origin::https("en.wikipedia.org")`).
    pub fn https(host: &str) -> Self {
        Self {
            scheme: "https".to_owned(),
            host: host.trim_end_matches('.').to_ascii_lowercase(),
            port: None,
        }
    }

    /// The origin of a page URL (`https://en.wikipedia.org/wiki/X` →
    /// `https://en.wikipedia.org`); a bare host is read as HTTPS.
    pub fn parse(url: &str) -> Result<Self, OriginError> {
        let fail = |reason: &str| OriginError {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = url.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{}", trimmed.trim_start_matches('/'))
        };
        let parsed = url::Url::parse(&with_scheme).map_err(|e| fail(&e.to_string()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| fail("it has no host"))?
            .trim_end_matches('.');
        Ok(Self {
            scheme: parsed.scheme().to_owned(),
            host: host.to_owned(),
            port: parsed.port(),
        })
    }

    /// The origin as a URL with an empty path (`https://example.org/`).
    pub(crate) fn base(&self) -> Option<url::Url> {
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        url::Url::parse(&format!("{}://{}{port}/", self.scheme, self.host)).ok()
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// What is asked of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Subject {
    /// Fetch a URL: absolute, protocol-relative (`//host/x.js`, the page's
    /// scheme) or relative to the page origin (`/w/index.php`). A URL that
    /// does not parse matches no source.
    Url {
        kind: ResourceKind,
        url: String,
        /// The `nonce` attribute of the element, if any (scripts, styles).
        nonce: Option<String>,
        /// Inserted by the HTML parser rather than by script. Loads found
        /// in gadget code (`mw.loader.load`, `createElement`) are not, and
        /// `'strict-dynamic'` allows those.
        parser_inserted: bool,
    },
    /// Inline code: a `<script>`/`<style>` element ([`ResourceKind::ScriptElem`],
    /// [`ResourceKind::StyleElem`]) or an event-handler/`style` attribute
    /// ([`ResourceKind::ScriptAttr`], [`ResourceKind::StyleAttr`]).
    Inline {
        kind: ResourceKind,
        nonce: Option<String>,
        /// The code, for hash sources; `None` when unknown (no hash matches).
        content: Option<String>,
    },
    /// `eval()`, `new Function()`, `setTimeout(string)`.
    Eval,
    /// WebAssembly compilation.
    WasmEval,
}

/// A request on a page of an origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub origin: Origin,
    pub subject: Subject,
}

impl Request {
    /// Fetch `url` as `kind`, not parser-inserted, without a nonce.
    pub fn url(origin: Origin, kind: ResourceKind, url: &str) -> Self {
        Self {
            origin,
            subject: Subject::Url {
                kind,
                url: url.to_owned(),
                nonce: None,
                parser_inserted: false,
            },
        }
    }

    /// Inline code of `kind`, no nonce, content unknown.
    pub fn inline(origin: Origin, kind: ResourceKind) -> Self {
        Self {
            origin,
            subject: Subject::Inline {
                kind,
                nonce: None,
                content: None,
            },
        }
    }

    /// `eval()` on a page of `origin`.
    pub fn eval(origin: Origin) -> Self {
        Self {
            origin,
            subject: Subject::Eval,
        }
    }

    /// WebAssembly compilation on a page of `origin`.
    pub fn wasm_eval(origin: Origin) -> Self {
        Self {
            origin,
            subject: Subject::WasmEval,
        }
    }

    /// The same request carrying a nonce (URL and inline subjects).
    #[must_use]
    pub fn with_nonce(mut self, value: &str) -> Self {
        match &mut self.subject {
            Subject::Url { nonce, .. } | Subject::Inline { nonce, .. } => {
                *nonce = Some(value.to_owned());
            }
            Subject::Eval | Subject::WasmEval => {}
        }
        self
    }

    /// The same inline request with its code known (for hash sources).
    #[must_use]
    pub fn with_content(mut self, code: &str) -> Self {
        if let Subject::Inline { content, .. } = &mut self.subject {
            *content = Some(code.to_owned());
        }
        self
    }

    /// The same URL request, inserted by the HTML parser.
    #[must_use]
    pub fn parser_inserted(mut self) -> Self {
        if let Subject::Url {
            parser_inserted, ..
        } = &mut self.subject
        {
            *parser_inserted = true;
        }
        self
    }

    /// The directive a violation would name (`script-src-elem`, `script-src`
    /// for eval).
    pub fn effective_directive(&self) -> &'static str {
        self.fallback_list()[0]
    }

    fn fallback_list(&self) -> &'static [&'static str] {
        match &self.subject {
            Subject::Url { kind, .. } | Subject::Inline { kind, .. } => kind.fallback_list(),
            // EnsureCSPDoesNotBlockStringCompilation: script-src, else default-src.
            Subject::Eval | Subject::WasmEval => &["script-src", "default-src"],
        }
    }
}

/// What one policy (or a set) says about a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "kebab-case")]
pub enum Verdict {
    /// `directive` allows it through `source`.
    Allowed {
        effective_directive: &'static str,
        directive: &'static str,
        source: SourceExpr,
    },
    /// `directive` (the effective one or the one it fell back to) blocks it.
    Blocked {
        effective_directive: &'static str,
        directive: &'static str,
    },
    /// No directive of the fallback list is in the policy: allowed.
    NotGoverned { effective_directive: &'static str },
}

impl Verdict {
    /// Allowed or not governed.
    pub fn is_allowed(&self) -> bool {
        !self.is_blocked()
    }

    pub fn is_blocked(&self) -> bool {
        matches!(self, Self::Blocked { .. })
    }

    /// The directive that decided, when one did.
    pub fn directive(&self) -> Option<&'static str> {
        match self {
            Self::Allowed { directive, .. } | Self::Blocked { directive, .. } => Some(directive),
            Self::NotGoverned { .. } => None,
        }
    }
}

/// `allowed by script-src 'self'`, `blocked by default-src (effective
/// directive connect-src)`, `not governed (no connect-src or fallback)`.
impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Allowed {
                directive, source, ..
            } => write!(f, "allowed by {directive} {source}"),
            Self::Blocked {
                effective_directive,
                directive,
            } if effective_directive == directive => write!(f, "blocked by {directive}"),
            Self::Blocked {
                effective_directive,
                directive,
            } => write!(
                f,
                "blocked by {directive} (effective directive {effective_directive})"
            ),
            Self::NotGoverned {
                effective_directive,
            } => write!(f, "not governed (no {effective_directive} or fallback)"),
        }
    }
}

impl Policy {
    /// Does this policy allow the request? (CSP3 §6.8.4 "Should fetch
    /// directive execute": the first directive of the fallback list that
    /// the policy has decides alone.)
    pub fn check(&self, request: &Request) -> Verdict {
        let effective_directive = request.effective_directive();
        let Some((directive, entry)) = request
            .fallback_list()
            .iter()
            .find_map(|name| self.directive(name).map(|d| (*name, d)))
        else {
            return Verdict::NotGoverned {
                effective_directive,
            };
        };
        let sources = entry.sources.as_slice();
        let matched = match &request.subject {
            Subject::Url {
                kind,
                url,
                nonce,
                parser_inserted,
            } => {
                let script_like = *kind == ResourceKind::ScriptElem
                    || (*kind == ResourceKind::Worker
                        && matches!(directive, "script-src" | "default-src"));
                check_url(
                    sources,
                    &request.origin,
                    url,
                    nonce.as_deref(),
                    script_like,
                    *parser_inserted,
                    matches!(kind, ResourceKind::ScriptElem | ResourceKind::StyleElem)
                        || script_like,
                )
            }
            Subject::Inline {
                kind,
                nonce,
                content,
            } => check_inline(sources, *kind, nonce.as_deref(), content.as_deref()),
            Subject::Eval => find_keyword(sources, &[Keyword::UnsafeEval]),
            Subject::WasmEval => {
                find_keyword(sources, &[Keyword::WasmUnsafeEval, Keyword::UnsafeEval])
            }
        };
        match matched {
            Some(source) => Verdict::Allowed {
                effective_directive,
                directive,
                source: source.clone(),
            },
            None => Verdict::Blocked {
                effective_directive,
                directive,
            },
        }
    }
}

/// Check a request against every enforced policy: each must allow it
/// (CSP3 §4.1). The first blocking verdict is returned, else the first
/// allowing one, else `NotGoverned` (also for an empty set).
pub fn check_all(policies: &[Policy], request: &Request) -> Verdict {
    let mut first_allowed = None;
    for policy in policies {
        let verdict = policy.check(request);
        match verdict {
            Verdict::Blocked { .. } => return verdict,
            Verdict::Allowed { .. } if first_allowed.is_none() => first_allowed = Some(verdict),
            _ => {}
        }
    }
    first_allowed.unwrap_or(Verdict::NotGoverned {
        effective_directive: request.effective_directive(),
    })
}

fn find_keyword<'a>(sources: &'a [SourceExpr], keywords: &[Keyword]) -> Option<&'a SourceExpr> {
    sources
        .iter()
        .find(|s| matches!(s, SourceExpr::Keyword(k) if keywords.contains(k)))
}

/// §6.7.2.3 "Does nonce match source list?"
fn nonce_match<'a>(sources: &'a [SourceExpr], nonce: Option<&str>) -> Option<&'a SourceExpr> {
    let nonce = nonce.filter(|n| !n.is_empty())?;
    sources
        .iter()
        .find(|s| matches!(s, SourceExpr::Nonce(value) if value == nonce))
}

/// The pre-request checks of §6.1: script directives (`script_like`) honour
/// nonces and `'strict-dynamic'`; style directives honour nonces; the rest
/// match the URL alone.
fn check_url<'a>(
    sources: &'a [SourceExpr],
    origin: &Origin,
    url: &str,
    nonce: Option<&str>,
    script_like: bool,
    parser_inserted: bool,
    nonceable: bool,
) -> Option<&'a SourceExpr> {
    if nonceable && let Some(source) = nonce_match(sources, nonce) {
        return Some(source);
    }
    if script_like && let Some(strict) = find_keyword(sources, &[Keyword::StrictDynamic]) {
        // §6.1.1.1 step 3: host, scheme and 'self' sources are ignored;
        // scripts that trusted script inserts are allowed.
        return (!parser_inserted).then_some(strict);
    }
    let url = resolve(origin, url)?;
    url_matches_source_list(&url, sources, origin)
}

/// §6.7.3 "Does element match source list for type and source?"
fn check_inline<'a>(
    sources: &'a [SourceExpr],
    kind: ResourceKind,
    nonce: Option<&str>,
    content: Option<&str>,
) -> Option<&'a SourceExpr> {
    // §6.7.3.2 "allow all inline behavior": 'unsafe-inline' counts only
    // without nonces and hashes, and for scripts without 'strict-dynamic'.
    let has_nonce_or_hash = sources.iter().any(SourceExpr::is_nonce_or_hash);
    let strict = kind.is_script() && find_keyword(sources, &[Keyword::StrictDynamic]).is_some();
    if !has_nonce_or_hash
        && !strict
        && let Some(source) = find_keyword(sources, &[Keyword::UnsafeInline])
    {
        return Some(source);
    }
    let element = matches!(kind, ResourceKind::ScriptElem | ResourceKind::StyleElem);
    if element && let Some(source) = nonce_match(sources, nonce) {
        return Some(source);
    }
    let unsafe_hashes = find_keyword(sources, &[Keyword::UnsafeHashes]).is_some();
    if (element || unsafe_hashes)
        && let Some(content) = content
    {
        return sources.iter().find(|s| match s {
            SourceExpr::Hash { algorithm, value } => {
                hash_base64(*algorithm, content) == normalise_base64(value)
            }
            _ => false,
        });
    }
    None
}

/// The base64 digest of `content` (UTF-8), as hash sources carry it.
pub fn hash_base64(algorithm: HashAlgorithm, content: &str) -> String {
    let digest: Vec<u8> = match algorithm {
        HashAlgorithm::Sha256 => sha2::Sha256::digest(content.as_bytes()).to_vec(),
        HashAlgorithm::Sha384 => sha2::Sha384::digest(content.as_bytes()).to_vec(),
        HashAlgorithm::Sha512 => sha2::Sha512::digest(content.as_bytes()).to_vec(),
    };
    base64(&digest)
}

/// Hash sources may be written in base64url (CSP3 §6.7.2.4 step 4.3.2).
fn normalise_base64(value: &str) -> String {
    value.replace('-', "+").replace('_', "/")
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_rfc_4648() {
        // RFC 4648 §10 test vectors.
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), output);
        }
    }

    #[test]
    fn origins() {
        let o =
            Origin::parse("HTTPS://En.Wikipedia.org./wiki/X?y#z").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(o, Origin::https("en.wikipedia.org"));
        assert_eq!(o.to_string(), "https://en.wikipedia.org");
        let local = Origin::parse("http://localhost:8080").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(local.port, Some(8080));
        assert_eq!(
            Origin::parse("en.wikipedia.org").map(|o| o.scheme).ok(),
            Some("https".to_owned())
        );
        let error = Origin::parse("data:,x").err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("`data:,x`")));
    }
}
