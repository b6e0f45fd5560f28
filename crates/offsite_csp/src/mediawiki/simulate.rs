//! The header MediaWiki 1.39's `ContentSecurityPolicy::makeCSPDirectives`
//! builds from a CSP setting, and MediaWiki's URL handling under it
//! (`prepareUrlForCSP`, `UrlUtils::parse` over PHP's `parse_url`).

use std::fmt::Write as _;

use serde::Serialize;

use super::{MwCspConfig, MwMode, MwReportUri};

/// The wiki settings `ContentSecurityPolicy.php` reads besides the CSP
/// setting. [`MwSite::new`] fills in MediaWiki's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MwSite {
    /// `$wgServer` (`https://test.wikipedia.org`, or protocol-relative).
    pub server: String,
    /// `$wgServerName`; `None`: the host of `server`, as MediaWiki sets it.
    pub server_name: Option<String>,
    /// `$wgScriptPath` (`""`, `/w`).
    pub script_path: String,
    /// `$wgLoadScript` (default `{script_path}/load.php`).
    pub load_script: String,
    /// `$wgExtensionAssetsPath` (default `{resource_base_path}/extensions`).
    pub extension_assets_path: String,
    /// `$wgStylePath` (default `{resource_base_path}/skins`).
    pub style_path: String,
    /// `$wgResourceBasePath` (default `script_path`).
    pub resource_base_path: String,
    /// The file repositories' URLs: each repo's public, transcoded and thumb
    /// zone URL and, for foreign repos with a script URL, its
    /// `MediaWiki:Filepage.css` URL (default: `$wgUploadPath` =
    /// `{script_path}/images` and its `transcoded`/`thumb` folders).
    pub repo_urls: Vec<String>,
    /// Every URL of `$wgResourceLoaderSources` (default: `load_script` and
    /// `{script_path}/api.php`).
    pub resource_loader_sources: Vec<String>,
    /// `$wgCrossSiteAJAXdomains` (default none).
    pub cross_site_ajax_domains: Vec<String>,
    /// `$wgAllowExternalImages`, `$wgAllowExternalImagesFrom` or
    /// `$wgAllowImageTag` is set, or `$wgEnableImageWhitelist` with a
    /// non-empty `MediaWiki:External image whitelist`.
    pub external_images: bool,
    pub mode: MwMode,
    /// The nonce of the response (MediaWiki makes 20 random base64
    /// characters per request).
    pub nonce: String,
    /// What `ContentSecurityPolicyDirectives` hook handlers append, in order
    /// (`report-to offsite` with [`report_to_hooks`]).
    pub hook_directives: Vec<String>,
}

impl MwSite {
    /// A wiki at `server` with scripts under `script_path` and MediaWiki's
    /// default paths.
    pub fn new(server: &str, script_path: &str, mode: MwMode) -> Self {
        let load_script = format!("{script_path}/load.php");
        let upload = format!("{script_path}/images");
        Self {
            server: server.to_owned(),
            server_name: None,
            script_path: script_path.to_owned(),
            load_script: load_script.clone(),
            extension_assets_path: format!("{script_path}/extensions"),
            style_path: format!("{script_path}/skins"),
            resource_base_path: script_path.to_owned(),
            repo_urls: vec![
                upload.clone(),
                format!("{upload}/transcoded"),
                format!("{upload}/thumb"),
            ],
            resource_loader_sources: vec![load_script, format!("{script_path}/api.php")],
            cross_site_ajax_domains: Vec::new(),
            external_images: false,
            mode,
            nonce: String::new(),
            hook_directives: Vec::new(),
        }
    }
}

/// The header value MediaWiki 1.39 sends for `config` on `site`
/// (`makeCSPDirectives`): `script-src 'unsafe-eval' blob: 'self'`, the
/// nonce, the load.php/asset hosts, the configured sources, `'unsafe-inline'`,
/// CORS hosts; `default-src * data: blob:` or, when `'default-src'` is set,
/// `'self' data: blob:` with the repo and asset hosts and the configured
/// sources; `style-src` = `default-src` + `'unsafe-inline'`; `img-src * data:
/// blob:` when external images are on and `default-src` is restrictive;
/// `object-src`; `report-uri`; then the hook directives. Each list keeps the
/// first of equal entries.
pub fn mediawiki_header(config: &MwCspConfig, site: &MwSite) -> String {
    let server_name = site
        .server_name
        .clone()
        .or_else(|| parse_url(&site.server).and_then(|b| b.host))
        .unwrap_or_default();
    let prepare = |url: &str| prepare_url(url, &server_name);

    let mut script: Vec<String> = ["'unsafe-eval'", "blob:", "'self'"]
        .map(String::from)
        .into();
    if config.use_nonces.unwrap_or(true) {
        script.push(format!("'nonce-{}'", site.nonce));
    }
    let script_self = [
        &site.load_script,
        &site.extension_assets_path,
        &site.resource_base_path,
    ]
    .into_iter()
    .chain(&site.resource_loader_sources)
    .filter_map(|u| prepare(u))
    .filter(|u| !u.is_empty());
    script.extend(unique(script_self.collect()));
    if let Some(list) = &config.script_src {
        script.extend(list.iter().map(|s| escape_url(s)));
    }
    if config.unsafe_fallback.unwrap_or(true) {
        script.push("'unsafe-inline'".to_owned());
    }

    let mut default: Vec<String> = ["*", "data:", "blob:"].map(String::from).into();
    if let Some(list) = &config.default_src {
        let paths = site.repo_urls.iter().chain([
            &site.load_script,
            &site.extension_assets_path,
            &site.style_path,
            &site.resource_base_path,
        ]);
        let mut self_urls: Vec<String> = paths.filter_map(|u| prepare(u)).collect();
        self_urls.extend(
            site.resource_loader_sources
                .iter()
                .filter_map(|u| prepare(u))
                .filter(|u| !u.is_empty()),
        );
        default = ["'self'", "data:", "blob:"].map(String::from).into();
        default.extend(unique(self_urls));
        default.extend(list.iter().map(|s| escape_url(s)));
    }
    if config.include_cors.unwrap_or(true) {
        // CSP has no single-character wildcard: such domains are skipped.
        let cors: Vec<String> = site
            .cross_site_ajax_domains
            .iter()
            .filter(|d| !d.contains('?'))
            .filter_map(|d| prepare(d))
            .filter(|u| !u.is_empty())
            .collect();
        if !default.iter().any(|s| s == "*") {
            default.extend(cors.iter().cloned());
        }
        if !script.iter().any(|s| s == "*") {
            script.extend(cors);
        }
    }
    let mut style = default.clone();
    style.push("'unsafe-inline'".to_owned());

    let report_uri = match &config.report_uri {
        None | Some(MwReportUri::Default) => {
            let mut uri = format!("{}/api.php", site.script_path);
            uri.push(if uri.contains('?') { '&' } else { '?' });
            uri.push_str("action=cspreport&format=json");
            if site.mode == MwMode::ReportOnly {
                uri.push_str("&reportonly=1");
            }
            Some(escape_url(&uri))
        }
        Some(MwReportUri::Off) => None,
        Some(MwReportUri::Url(url)) => Some(escape_url(url)).filter(|u| !u.is_empty()),
    };
    let lenient = ["*", "data:", "blob:"]
        .iter()
        .all(|s| default.iter().any(|d| d == s));
    let img = (!lenient && site.external_images).then(|| vec!["*", "data:", "blob:"]);
    let object: Vec<String> = match &config.object_src {
        None => vec!["'none'".to_owned()],
        Some(list) => list.iter().map(|s| escape_url(s)).collect(),
    };

    let mut directives = vec![
        format!("script-src {}", unique(script).join(" ")),
        format!("default-src {}", unique(default).join(" ")),
        format!("style-src {}", unique(style).join(" ")),
    ];
    if let Some(img) = img {
        directives.push(format!("img-src {}", img.join(" ")));
    }
    if !object.is_empty() {
        directives.push(format!("object-src {}", object.join(" ")));
    }
    if let Some(uri) = report_uri {
        directives.push(format!("report-uri {uri}"));
    }
    directives.extend(site.hook_directives.iter().cloned());
    directives.join("; ")
}

/// The first of equal entries, in order (PHP's `array_unique`).
fn unique(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// CSP3 §2.2: `;` and `,` separate directives and policies.
fn escape_url(url: &str) -> String {
    url.replace(';', "%3B").replace(',', "%2C")
}

/// MediaWiki's `prepareUrlForCSP`: a scheme-source as it is; a URL as
/// `scheme://host[:port]` (`host[:port]` when protocol-relative); a bare
/// `example.org` read as protocol-relative; `None` for paths and for the
/// wiki's own server name ('self' covers it).
fn prepare_url(url: &str, server_name: &str) -> Option<String> {
    if is_scheme_source(url) {
        return Some(url.to_owned());
    }
    let bits = parse_url(url).or_else(|| {
        if url.contains('/') {
            None
        } else {
            parse_url(&format!("//{url}"))
        }
    })?;
    let host = bits.host?;
    if host == server_name {
        return None;
    }
    let mut result = if bits.scheme.is_empty() {
        host
    } else {
        format!("{}{}{host}", bits.scheme, bits.delimiter)
    };
    if let Some(port) = bits.port {
        let _ = write!(result, ":{port}");
    }
    Some(escape_url(&result))
}

/// `^[a-z][a-z0-9+.-]*:$`, case-insensitively.
fn is_scheme_source(text: &str) -> bool {
    text.strip_suffix(':').is_some_and(|s| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// `$wgUrlProtocols`' default.
const URL_PROTOCOLS: [&str; 28] = [
    "bitcoin:",
    "ftp://",
    "ftps://",
    "geo:",
    "git://",
    "gopher://",
    "http://",
    "https://",
    "irc://",
    "ircs://",
    "magnet:",
    "mailto:",
    "matrix:",
    "mms://",
    "news:",
    "nntp://",
    "redis://",
    "sftp://",
    "sip:",
    "sips:",
    "sms:",
    "ssh://",
    "svn://",
    "tel:",
    "telnet://",
    "urn:",
    "worldwind://",
    "xmpp:",
];

/// What MediaWiki's URL parser (`UrlUtils::parse` over PHP's `parse_url`)
/// says about a URL, as far as CSP needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct UrlBits {
    /// Lower-case; empty for protocol-relative URLs.
    scheme: String,
    /// `://`, `:` or (protocol-relative) `//`.
    delimiter: &'static str,
    /// As written (PHP keeps the case); `Some("")` for `file:///x`.
    host: Option<String>,
    port: Option<u16>,
}

/// `None` where MediaWiki's parser returns `false`: no scheme (relative
/// paths, `example.org:8080`), a scheme outside `$wgUrlProtocols`, a bad
/// port.
fn parse_url(url: &str) -> Option<UrlBits> {
    let relative = url.starts_with("//");
    let full = if relative {
        format!("http:{url}")
    } else {
        url.to_owned()
    };
    let (scheme, rest) = full.split_once(':')?;
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    // PHP reads `example.org:8080` as a host and port, not a scheme.
    let port_like = !rest.is_empty()
        && rest
            .split(['/', '?', '#'])
            .next()
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !scheme_ok || (port_like && !rest.starts_with("//")) {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let delimiter = if URL_PROTOCOLS.contains(&format!("{scheme}://").as_str()) {
        "://"
    } else if URL_PROTOCOLS.contains(&format!("{scheme}:").as_str()) {
        ":"
    } else {
        return None;
    };
    let (host, port) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            let authority = &after[..end];
            let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            let (host, port) = if host_port.starts_with('[') {
                match host_port.split_once(']') {
                    Some((h, p)) => (format!("{h}]"), p.strip_prefix(':')),
                    None => (host_port.to_owned(), None),
                }
            } else {
                match host_port.rsplit_once(':') {
                    Some((h, p)) => (h.to_owned(), Some(p)),
                    None => (host_port.to_owned(), None),
                }
            };
            let port = match port.filter(|p| !p.is_empty()) {
                None => None,
                // PHP's parse_url fails on a port that is no number.
                Some(p) => Some(p.parse::<u16>().ok()?),
            };
            // PHP's parse_url fails on an empty host (`http://`, `http:///x`).
            if host.is_empty() {
                return None;
            }
            (Some(host), port)
        }
        // `mailto:x@example.org`: MediaWiki takes the path as the host.
        None if delimiter == ":" => (rest.split(['?', '#']).next().map(str::to_owned), None),
        None => (None, None),
    };
    Some(UrlBits {
        scheme: if relative { String::new() } else { scheme },
        delimiter: if relative { "//" } else { delimiter },
        // MediaWiki gives URLs without a host an empty one (T30627).
        host: Some(host.unwrap_or_default()),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(url: &str) -> Option<String> {
        prepare_url(url, "127.0.0.1")
    }

    #[test]
    fn prepare_url_keeps_scheme_host_and_port() {
        assert_eq!(
            prepared("https://upload.example.org/images").as_deref(),
            Some("https://upload.example.org")
        );
        assert_eq!(
            prepared("//upload.example.org/images").as_deref(),
            Some("upload.example.org")
        );
        assert_eq!(
            prepared("https://Assets.Example.org:443/w").as_deref(),
            Some("https://Assets.Example.org:443")
        );
        assert_eq!(prepared("example.org").as_deref(), Some("example.org"));
        assert_eq!(
            prepared("example.org:8080").as_deref(),
            Some("example.org:8080")
        );
        assert_eq!(prepared("*.example.org").as_deref(), Some("*.example.org"));
        assert_eq!(prepared("blob:").as_deref(), Some("blob:"));
    }

    #[test]
    fn prepare_url_drops_paths_and_the_server_itself() {
        assert_eq!(prepared("/w/load.php"), None);
        assert_eq!(prepared(""), None);
        assert_eq!(prepared("http://127.0.0.1/w/load.php"), None);
        assert_eq!(
            prepared("http://127.0.0.1:8091/w/load.php"),
            None,
            "the server name has no port, so any port of it is 'self' to MediaWiki"
        );
        assert_eq!(prepared("javascript:alert(1)"), None);
        assert_eq!(prepared("https://h.example:x/"), None);
    }
}
