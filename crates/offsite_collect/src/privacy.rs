//! Privacy reduction, applied while a report is normalised.
//!
//! What a report keeps is decided here, once: URLs lose their query string,
//! fragment and user info; the user agent becomes a browser family and major
//! version; samples are cut to 40 characters; every string has a size cap so
//! a hostile report cannot bloat storage. The referrer and the original
//! policy are never read. Nothing in this crate sees an IP address.
//!
//! [`check_report`] states the resulting invariants; the fuzz target and the
//! property tests hold every parsed report to it.

use url::Url;

use crate::report::{Blocked, NormalizedReport};

/// Longest URL kept (bytes). Longer paths are cut at a character boundary.
pub const MAX_URL_LEN: usize = 2048;
/// CSP3 says a sample is at most 40 characters; longer ones are cut.
pub const MAX_SAMPLE_CHARS: usize = 40;
/// Longest directive name kept (the longest real one is 25 bytes).
pub const MAX_DIRECTIVE_LEN: usize = 64;
/// Longest `source=NAME` value kept.
pub const MAX_SOURCE_LEN: usize = 64;
/// Longest scheme kept for [`Blocked::Scheme`] and `scheme:` URL fields.
pub const MAX_SCHEME_LEN: usize = 32;
/// Longest host kept (DNS allows 253).
pub const MAX_HOST_LEN: usize = 255;
/// Longest reduced user agent (`Firefox 1234`).
pub const MAX_BROWSER_LEN: usize = 16;

/// How much of the user agent header is looked at. Real ones are ~150 bytes.
const MAX_UA_SCAN: usize = 1024;

/// Schemes whose URLs reach a network host and are kept as URLs.
fn is_network_scheme(scheme: &str) -> bool {
    matches!(scheme, "http" | "https" | "ws" | "wss")
}

/// A URL field after reduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reduced {
    /// `scheme://host[:port]/path`, no user info, query or fragment.
    Url(Url),
    /// A non-network scheme or a bare word, lower-case, without `:`.
    Scheme(String),
    /// Absent, empty, or not a URL at all.
    Nothing,
}

/// Reduce a URL-ish field. `base` resolves protocol-relative (`//host/x`)
/// and root-relative (`/x`) values; without it they resolve against `https:`
/// (protocol-relative) or give nothing (root-relative).
pub(crate) fn reduce_url(raw: &str, base: Option<&Url>) -> Reduced {
    let raw = raw.trim();
    if raw.is_empty() {
        return Reduced::Nothing;
    }
    if raw.starts_with("//") || raw.starts_with('/') {
        let fallback;
        let base = match base {
            Some(b) => b,
            None if raw.starts_with("//") => match Url::parse("https://invalid/") {
                Ok(u) => {
                    fallback = u;
                    &fallback
                }
                Err(_) => return Reduced::Nothing,
            },
            None => return Reduced::Nothing,
        };
        return match base.join(raw) {
            Ok(u) if is_network_scheme(u.scheme()) => Reduced::Url(strip(u)),
            _ => Reduced::Nothing,
        };
    }
    match split_scheme(raw) {
        Some((scheme, _)) if is_network_scheme(&scheme) => match Url::parse(raw) {
            Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => Reduced::Url(strip(u)),
            // A network scheme that does not parse is not something a browser
            // sends; keep only the scheme rather than guess at a host.
            _ => Reduced::Scheme(scheme),
        },
        Some((scheme, _)) => Reduced::Scheme(scheme),
        None if is_bare_word(raw) => Reduced::Scheme(raw.to_ascii_lowercase()),
        None => Reduced::Nothing,
    }
}

/// `scheme` of `scheme:rest`, lower-case, when the text before the first `:`
/// is a valid scheme (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
fn split_scheme(raw: &str) -> Option<(String, &str)> {
    let (scheme, rest) = raw.split_once(':')?;
    is_bare_word(scheme).then(|| (scheme.to_ascii_lowercase(), rest))
}

/// A token that can stand for a scheme or a CSP keyword (`inline`,
/// `chrome-extension`, `trusted-types-sink`).
fn is_bare_word(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SCHEME_LEN
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Drop user info, query and fragment.
pub(crate) fn strip(mut u: Url) -> Url {
    // Setting these cannot fail for URLs with a host (checked by callers);
    // were it to, `check_report` (fuzzing, property tests) would catch the
    // user info left behind.
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.set_fragment(None);
    u
}

/// The stored form of a reduced URL: serialised, cut to [`MAX_URL_LEN`].
pub(crate) fn url_string(u: &Url) -> String {
    let mut s: String = u
        .as_str()
        .chars()
        .filter(|c| !matches!(c, '?' | '#'))
        .collect();
    truncate_bytes(&mut s, MAX_URL_LEN);
    s
}

/// The stored form of a document or source-file field: a stripped URL for
/// network URLs, `scheme:` otherwise (`about:` for `about:blank`,
/// `chrome-extension:` for an extension script), `None` when absent.
pub(crate) fn url_field(raw: &str, base: Option<&Url>) -> Option<String> {
    match reduce_url(raw, base) {
        Reduced::Url(u) => Some(url_string(&u)),
        Reduced::Scheme(s) => Some(format!("{s}:")),
        Reduced::Nothing => None,
    }
}

/// Lower-case host of a stored URL string.
pub(crate) fn host_of(stored: &str) -> Option<String> {
    let u = Url::parse(stored).ok()?;
    let host = u.host_str()?.to_ascii_lowercase();
    (!host.is_empty() && host.len() <= MAX_HOST_LEN).then_some(host)
}

/// Cut `s` to at most `max` bytes at a character boundary.
pub(crate) fn truncate_bytes(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

/// A script sample: control characters removed, at most
/// [`MAX_SAMPLE_CHARS`] characters; `None` when nothing is left.
pub(crate) fn sample(raw: &str) -> Option<String> {
    let s: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_SAMPLE_CHARS)
        .collect();
    (!s.is_empty()).then_some(s)
}

/// MediaWiki's `source=NAME`: kept when it is a short plain token
/// (`internal`, `wmfwiki`, `gadget-x`), dropped otherwise.
pub fn source_name(raw: &str) -> Option<String> {
    let s = raw.trim();
    (!s.is_empty()
        && s.len() <= MAX_SOURCE_LEN
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    .then(|| s.to_owned())
}

/// A directive name: the first token, lower-case, letters and `-` only;
/// empty when the field is absent or not a directive name.
pub(crate) fn directive_name(raw: &str) -> String {
    let first = raw.split_ascii_whitespace().next().unwrap_or("");
    let name = first.to_ascii_lowercase();
    if name.is_empty()
        || name.len() > MAX_DIRECTIVE_LEN
        || !name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
    {
        return String::new();
    }
    name
}

/// Reduce a `User-Agent` to browser family and major version: `Chrome 156`,
/// `Firefox 128`, `Safari 17`, `Edge 130`, or `Other`. Already-reduced values
/// come back unchanged, so callers may reduce before or after passing it on.
///
/// Order matters: Edge says `Chrome/` and `Safari/` too, and Chrome says
/// `Safari/`; so Edge is looked for first, then Firefox, Chrome, Safari.
pub fn reduce_user_agent(ua: &str) -> String {
    let mut end = ua.len().min(MAX_UA_SCAN);
    while !ua.is_char_boundary(end) {
        end -= 1;
    }
    let ua = &ua[..end];
    // Already reduced: `Family N`.
    for family in ["Chrome", "Firefox", "Safari", "Edge"] {
        if let Some(rest) = ua.strip_prefix(family).and_then(|r| r.strip_prefix(' '))
            && let Some(major) = major_of(rest)
            && major.len() == rest.len()
        {
            return format!("{family} {major}");
        }
    }
    let found = |tokens: &[&str]| {
        tokens
            .iter()
            .find_map(|t| ua.find(t).and_then(|i| major_of(&ua[i + t.len()..])))
    };
    let family = if let Some(v) = found(&["Edg/", "EdgA/", "EdgiOS/", "Edge/"]) {
        Some(("Edge", v))
    } else if let Some(v) = found(&["Firefox/", "FxiOS/"]) {
        Some(("Firefox", v))
    } else if ua.contains("OPR/") || ua.contains("SamsungBrowser/") {
        // Chromium-based, but not Chrome: say so rather than miscount.
        None
    } else if let Some(v) = found(&["HeadlessChrome/", "Chrome/", "CriOS/"]) {
        Some(("Chrome", v))
    } else if ua.contains("Safari/") {
        found(&["Version/"]).map(|v| ("Safari", v))
    } else {
        None
    };
    match family {
        Some((name, major)) => format!("{name} {major}"),
        None => "Other".to_owned(),
    }
}

/// The leading digits of a version (`156` of `156.0.0.0`), 1 to 4 of them.
fn major_of(version: &str) -> Option<&str> {
    let digits = version.bytes().take_while(u8::is_ascii_digit).count();
    (1..=4).contains(&digits).then(|| &version[..digits])
}

/// Check what every normalised report must satisfy. `Err` names the first
/// broken rule. Used by the fuzz target and the property tests.
pub fn check_report(r: &NormalizedReport) -> Result<(), String> {
    let url_ok = |name: &str, v: &str| -> Result<(), String> {
        if v.contains(['?', '#']) {
            return Err(format!("{name} keeps a query or fragment: {v:?}"));
        }
        if v.len() > MAX_URL_LEN {
            return Err(format!("{name} is {} bytes, over the cap", v.len()));
        }
        if v.chars().any(char::is_control) {
            return Err(format!("{name} has a control character"));
        }
        Ok(())
    };
    match &r.blocked {
        Blocked::Url(u) => url_ok("blocked", u)?,
        Blocked::Scheme(s) if !is_bare_word(s) || s.to_ascii_lowercase() != *s => {
            return Err(format!("blocked scheme {s:?} is not a lower-case scheme"));
        }
        _ => {}
    }
    url_ok("document", &r.document)?;
    if let Some(f) = &r.source_file {
        url_ok("source_file", f)?;
    }
    if r.directive.len() > MAX_DIRECTIVE_LEN
        || !r
            .directive
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-')
    {
        return Err(format!(
            "directive {:?} is not a directive name",
            r.directive
        ));
    }
    if let Some(h) = &r.document_host
        && (h.len() > MAX_HOST_LEN || h.is_empty())
    {
        return Err("document_host is empty or too long".to_owned());
    }
    if let Some(s) = &r.sample
        && (s.chars().count() > MAX_SAMPLE_CHARS || s.chars().any(char::is_control))
    {
        return Err(format!(
            "sample {s:?} is over 40 characters or has a control character"
        ));
    }
    if let Some(b) = &r.browser
        && (b.len() > MAX_BROWSER_LEN || reduce_user_agent(b) != *b)
    {
        return Err(format!("browser {b:?} is not a reduced user agent"));
    }
    if let Some(s) = &r.source
        && source_name(s).as_deref() != Some(s.as_str())
    {
        return Err(format!("source {s:?} is not a plain token"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(raw: &str, base: Option<&str>) -> Option<String> {
        let base = base.map(|b| Url::parse(b).expect("test base"));
        url_field(raw, base.as_ref())
    }

    #[test]
    fn url_fields_lose_query_fragment_and_user_info() {
        assert_eq!(
            field(
                "https://u:p@API.example.com:443/v1/thing?callback=jQuery1&_=17#x",
                None
            )
            .as_deref(),
            Some("https://api.example.com/v1/thing")
        );
        assert_eq!(
            field(
                "http://127.0.0.1:8091/index.php?title=User:Bob/tool.js&action=raw",
                None
            )
            .as_deref(),
            Some("http://127.0.0.1:8091/index.php")
        );
    }

    #[test]
    fn relative_urls_resolve_against_the_document() {
        let doc = Some("http://127.0.0.1:8091/index.php/Main_Page");
        assert_eq!(
            field("//widgets.example.com/w.js?v=1", doc).as_deref(),
            Some("http://widgets.example.com/w.js")
        );
        assert_eq!(
            field("/w/load.php?modules=site", doc).as_deref(),
            Some("http://127.0.0.1:8091/w/load.php")
        );
        // No document: protocol-relative defaults to https, root-relative is lost.
        assert_eq!(
            field("//cdn.example.org/x.js", None).as_deref(),
            Some("https://cdn.example.org/x.js")
        );
        assert_eq!(field("/x.js", None), None);
    }

    #[test]
    fn other_schemes_keep_only_the_scheme() {
        assert_eq!(
            field("chrome-extension://abcdefghijklmnop/inject.js", None).as_deref(),
            Some("chrome-extension:")
        );
        assert_eq!(field("about:blank", None).as_deref(), Some("about:"));
        assert_eq!(field("mxaddon-pkg", None).as_deref(), Some("mxaddon-pkg:"));
        assert_eq!(field("not a url at all", None), None);
        assert_eq!(
            field("https://exa mple.com/", None).as_deref(),
            Some("https:")
        );
    }

    #[test]
    fn long_urls_are_cut_at_a_character_boundary() {
        let long = format!("https://cdn.example.org/{}", "é".repeat(3000));
        let kept = field(&long, None).expect("kept");
        assert!(kept.len() <= MAX_URL_LEN, "{} bytes", kept.len());
        assert!(kept.starts_with("https://cdn.example.org/%C3%A9"));
    }

    #[test]
    fn user_agents_reduce_to_family_and_major() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
                "Chrome 156",
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "Firefox 128",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
                "Safari 17",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68",
                "Edge 130",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
                "Other",
            ),
            ("curl/8.5.0", "Other"),
            ("", "Other"),
            ("Chrome 156", "Chrome 156"),
            ("Chrome 156 extra", "Other"),
        ];
        for (ua, want) in cases {
            assert_eq!(reduce_user_agent(ua), want, "{ua}");
        }
    }

    #[test]
    fn samples_and_names_are_capped() {
        let s = sample(&"x".repeat(100)).expect("kept");
        assert_eq!(s.chars().count(), MAX_SAMPLE_CHARS);
        assert_eq!(sample("\u{0}\n\t"), None);
        assert_eq!(source_name(" wmfwiki ").as_deref(), Some("wmfwiki"));
        assert_eq!(source_name("<script>"), None);
        assert_eq!(source_name(&"a".repeat(65)), None);
        assert_eq!(
            directive_name("script-src 'self' https://a.example"),
            "script-src"
        );
        assert_eq!(directive_name("Script-Src-Elem"), "script-src-elem");
        assert_eq!(directive_name("x<y"), "");
    }
}
