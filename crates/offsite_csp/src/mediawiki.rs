//! MediaWiki's `$wgCSPHeader` / `$wgCSPReportOnlyHeader`: the PHP array form
//! of a generated policy, and the header MediaWiki 1.39 builds from such an
//! array.
//!
//! MediaWiki core (`includes/ContentSecurityPolicy.php`) understands the
//! keys `useNonces`, `script-src`, `default-src`, `includeCORS`,
//! `unsafeFallback`, `report-uri` and `object-src`, and sends only
//! `script-src`, `default-src`, `style-src` (the `default-src` list plus
//! `'unsafe-inline'`), sometimes `img-src`, `object-src` and `report-uri`.
//! So everything a generated policy allows outside scripts and workers goes
//! into `'default-src'`, which then allows it for every kind of request that
//! falls back to `default-src`: [`MwForm::widened`] says what that costs.
//!
//! [`mediawiki_header`] rebuilds the header value MediaWiki sends for a
//! configuration (the `makeCSPDirectives` algorithm of MediaWiki 1.39,
//! including its URL handling), so a test can compare it with what a real
//! wiki sends, and `offsite csp generate` can show it.

use std::fmt::Write as _;

use serde::Serialize;

use crate::directive::ResourceKind;
use crate::generate::{ENFORCE_HEADER, Generated, REPORT_ONLY_HEADER, ReportTo, source_sort_key};
use crate::source::{Keyword, SourceExpr};

/// Which of MediaWiki's two settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MwMode {
    /// `$wgCSPHeader`: `Content-Security-Policy`.
    Enforce,
    /// `$wgCSPReportOnlyHeader`: `Content-Security-Policy-Report-Only`.
    ReportOnly,
}

impl MwMode {
    /// The PHP variable (`$wgCSPHeader`).
    pub fn variable(self) -> &'static str {
        match self {
            Self::Enforce => "$wgCSPHeader",
            Self::ReportOnly => "$wgCSPReportOnlyHeader",
        }
    }

    /// The header MediaWiki sends for it.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Enforce => ENFORCE_HEADER,
            Self::ReportOnly => REPORT_ONLY_HEADER,
        }
    }
}

/// The `'report-uri'` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MwReportUri {
    /// `true`: MediaWiki's own `api.php?action=cspreport&format=json`
    /// (`&reportonly=1` for the report-only header), as when the key is left
    /// out.
    Default,
    /// `false`: no `report-uri`.
    Off,
    /// A URL (MediaWiki writes `;` and `,` as `%3B` and `%2C`).
    Url(String),
}

/// One of MediaWiki's CSP settings when it is an array; `None` fields are
/// keys left out (MediaWiki's defaults). [`MwCspConfig::default`] is the
/// setting `true`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MwCspConfig {
    /// `'useNonces'` (default `true`): a `'nonce-…'` in `script-src`, which
    /// makes browsers ignore `'unsafe-inline'` there.
    pub use_nonces: Option<bool>,
    /// `'script-src'`: sources added to `script-src`, written as given.
    pub script_src: Option<Vec<String>>,
    /// `'default-src'`: `Some` makes `default-src` restrictive (`'self'
    /// data: blob:`, the wiki's upload and asset hosts, then these);
    /// `Some(vec![])` is written `true`. `None` (or `false`) sends
    /// `default-src * data: blob:`.
    pub default_src: Option<Vec<String>>,
    /// `'includeCORS'` (default `true`): add `$wgCrossSiteAJAXdomains`.
    pub include_cors: Option<bool>,
    /// `'unsafeFallback'` (default `true`): `'unsafe-inline'` in `script-src`.
    pub unsafe_fallback: Option<bool>,
    pub report_uri: Option<MwReportUri>,
    /// `'object-src'` (default `'none'`); `Some(vec![])` is written `false`
    /// and sends no `object-src`.
    pub object_src: Option<Vec<String>>,
}

impl MwCspConfig {
    /// The PHP assignment for LocalSettings.php: `$wgCSPHeader = [ … ];`
    /// (`= true;` when every key is left out). Strings are single-quoted
    /// with `\` and `'` escaped.
    pub fn to_php(&self, mode: MwMode) -> String {
        let mut entries: Vec<(&str, String)> = Vec::new();
        if let Some(v) = self.use_nonces {
            entries.push(("useNonces", php_bool(v)));
        }
        if let Some(list) = &self.script_src {
            entries.push(("script-src", php_list(list)));
        }
        if let Some(list) = &self.default_src {
            let value = if list.is_empty() {
                php_bool(true)
            } else {
                php_list(list)
            };
            entries.push(("default-src", value));
        }
        if let Some(v) = self.include_cors {
            entries.push(("includeCORS", php_bool(v)));
        }
        if let Some(v) = self.unsafe_fallback {
            entries.push(("unsafeFallback", php_bool(v)));
        }
        if let Some(uri) = &self.report_uri {
            let value = match uri {
                MwReportUri::Default => php_bool(true),
                MwReportUri::Off => php_bool(false),
                MwReportUri::Url(url) => php_string(url),
            };
            entries.push(("report-uri", value));
        }
        if let Some(list) = &self.object_src {
            let value = if list.is_empty() {
                php_bool(false)
            } else {
                php_list(list)
            };
            entries.push(("object-src", value));
        }
        let variable = mode.variable();
        if entries.is_empty() {
            return format!("{variable} = true;\n");
        }
        let mut out = format!("{variable} = [\n");
        for (key, value) in entries {
            let _ = writeln!(out, "\t{} => {value},", php_string(key));
        }
        out.push_str("];\n");
        out
    }
}

/// A PHP single-quoted string: only `\` and `'` are special.
pub fn php_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn php_bool(value: bool) -> String {
    if value { "true" } else { "false" }.to_owned()
}

fn php_list(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".to_owned();
    }
    let mut out = "[\n".to_owned();
    for item in items {
        let _ = writeln!(out, "\t\t{},", php_string(item));
    }
    out.push_str("\t]");
    out
}

/// LocalSettings.php hooks that send `report-to GROUP` and the
/// `Reporting-Endpoints` header: MediaWiki has no setting for either.
pub fn report_to_hooks(report_to: &ReportTo) -> String {
    let directive = php_string(&format!("report-to {}", report_to.group));
    let header = php_string(&format!(
        "Reporting-Endpoints: {}=\"{}\"",
        report_to.group, report_to.url
    ));
    format!(
        "// report-to has no MediaWiki setting: these hooks add the directive to the header\n\
         // and send the endpoint it names.\n\
         $wgHooks['ContentSecurityPolicyDirectives'][] = static function ( array &$directives, $policyConfig, $mode ) {{\n\
         \t$directives[] = {directive};\n\
         }};\n\
         $wgHooks['BeforePageDisplay'][] = static function ( $out, $skin ) {{\n\
         \t$out->getRequest()->response()->header( {header} );\n\
         }};\n"
    )
}

/// A source MediaWiki's form allows for more kinds of request than the
/// generated policy does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Widened {
    /// As written in the array.
    pub source: String,
    /// The directives the generated policy has it in (that govern requests).
    pub needed_for: Vec<String>,
    /// The request kinds MediaWiki's header also allows it for.
    pub also_allows: Vec<String>,
}

/// A generated policy in MediaWiki's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MwForm {
    pub mode: MwMode,
    pub config: MwCspConfig,
    /// Sent by hooks ([`report_to_hooks`]).
    pub report_to: Option<ReportTo>,
    /// Directives of the generated policy MediaWiki cannot send
    /// (`form-action`, `base-uri`), as written there.
    pub dropped: Vec<String>,
    pub widened: Vec<Widened>,
}

impl MwForm {
    /// The PHP for LocalSettings.php: the setting, then the `report-to`
    /// hooks when there is an endpoint.
    pub fn php(&self) -> String {
        let mut out = self.config.to_php(self.mode);
        if let Some(report_to) = &self.report_to {
            out.push_str(&report_to_hooks(report_to));
        }
        out
    }
}

/// The request kinds MediaWiki's `script-src` governs (no `worker-src` or
/// `child-src` is sent, so workers fall back to it).
const SCRIPT_KINDS: [(ResourceKind, &str); 2] = [
    (ResourceKind::ScriptElem, "script-src"),
    (ResourceKind::Worker, "worker-src"),
];

/// The request kinds MediaWiki's `default-src` (and `style-src`, its copy)
/// governs, by the directive that would name them.
const DEFAULT_KINDS: [(ResourceKind, &str); 8] = [
    (ResourceKind::Prefetch, "default-src"),
    (ResourceKind::StyleElem, "style-src"),
    (ResourceKind::Img, "img-src"),
    (ResourceKind::Connect, "connect-src"),
    (ResourceKind::Font, "font-src"),
    (ResourceKind::Media, "media-src"),
    (ResourceKind::Frame, "frame-src"),
    (ResourceKind::Manifest, "manifest-src"),
];

/// What MediaWiki puts in `script-src` and `default-src` by itself.
fn fixed(source: &SourceExpr) -> bool {
    match source {
        SourceExpr::Keyword(k) => matches!(
            k,
            Keyword::SelfOrigin | Keyword::UnsafeEval | Keyword::UnsafeInline
        ),
        SourceExpr::Scheme(s) => s == "blob" || s == "data",
        _ => false,
    }
}

/// The generated policy as `$wgCSPHeader` (or `$wgCSPReportOnlyHeader` for
/// a report-only policy): hosts of scripts and workers in `'script-src'`,
/// every other host in `'default-src'`, `'includeCORS' => false` (only the
/// scanned hosts), `'unsafeFallback'` as the policy has `'unsafe-inline'`
/// for scripts, `'report-uri'` when the policy has one (else MediaWiki
/// reports to its own API), the `report-to` hooks when it has an endpoint.
/// `use_nonces`: `false` keeps `'unsafe-inline'` working for inline code
/// without a nonce (gadgets' `onclick=`, inline `<script>` in pages).
pub fn mediawiki_form(generated: &Generated, use_nonces: bool) -> MwForm {
    let policy = &generated.policy;
    let governing = |kind: ResourceKind| {
        policy
            .governing_directive(kind)
            .map(|d| d.sources.as_slice())
            .unwrap_or_default()
    };
    let collect = |kinds: &[(ResourceKind, &str)]| {
        let mut sources: Vec<SourceExpr> = kinds
            .iter()
            .flat_map(|(kind, _)| governing(*kind))
            .filter(|s| {
                matches!(
                    s,
                    SourceExpr::Host(_) | SourceExpr::Scheme(_) | SourceExpr::Wildcard
                )
            })
            .filter(|s| !fixed(s))
            .cloned()
            .collect();
        sources.sort_by_key(source_sort_key);
        sources.dedup();
        sources
    };
    let script = collect(&SCRIPT_KINDS);
    let default = collect(&DEFAULT_KINDS);
    let mut widened = Vec::new();
    for (list, kinds) in [(&script, &SCRIPT_KINDS[..]), (&default, &DEFAULT_KINDS[..])] {
        for source in list {
            let (needed_for, also_allows): (Vec<_>, Vec<_>) = kinds
                .iter()
                .partition(|(kind, _)| governing(*kind).contains(source));
            if !also_allows.is_empty() {
                widened.push(Widened {
                    source: source.to_string(),
                    needed_for: needed_for.iter().map(|(_, n)| (*n).to_owned()).collect(),
                    also_allows: also_allows.iter().map(|(_, n)| (*n).to_owned()).collect(),
                });
            }
        }
    }
    let script_inline =
        governing(ResourceKind::ScriptElem).contains(&SourceExpr::Keyword(Keyword::UnsafeInline));
    let object_src = match policy.sources("object-src") {
        Some([SourceExpr::Keyword(Keyword::None)]) => None,
        Some(list) => Some(list.iter().map(ToString::to_string).collect()),
        None => Some(Vec::new()),
    };
    let config = MwCspConfig {
        use_nonces: Some(use_nonces),
        script_src: Some(script.iter().map(ToString::to_string).collect()),
        default_src: Some(default.iter().map(ToString::to_string).collect()),
        include_cors: Some(false),
        unsafe_fallback: Some(script_inline),
        report_uri: policy
            .report_uri()
            .first()
            .map(|u| MwReportUri::Url((*u).to_owned())),
        object_src,
    };
    let dropped = policy
        .directives
        .iter()
        .filter(|d| {
            matches!(
                d.name.as_str(),
                "form-action" | "base-uri" | "frame-ancestors"
            )
        })
        .map(ToString::to_string)
        .collect();
    MwForm {
        mode: if generated.is_report_only() {
            MwMode::ReportOnly
        } else {
            MwMode::Enforce
        },
        config,
        report_to: generated.report_to.clone(),
        dropped,
        widened,
    }
}

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

    #[test]
    fn php_strings_escape_backslash_and_quote() {
        assert_eq!(php_string(r"a'b\c"), r"'a\'b\\c'");
        assert_eq!(php_string("'self'"), r"'\'self\''");
    }
}
