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

mod php;
mod simulate;

use std::fmt::Write as _;

use serde::Serialize;

pub use php::mediawiki_php;
pub use simulate::{MwSite, mediawiki_header};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_strings_escape_backslash_and_quote() {
        assert_eq!(php_string(r"a'b\c"), r"'a\'b\\c'");
        assert_eq!(php_string("'self'"), r"'\'self\''");
    }
}
