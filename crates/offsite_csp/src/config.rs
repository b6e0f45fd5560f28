//! The `[csp]` table of `offsite.toml`: the defaults of `offsite csp`.

use serde::Deserialize;

/// The `[csp]` table of offsite.toml.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CspConfig {
    /// `'self'` and the scheme of protocol-relative loads.
    pub origin: Option<String>,
    /// The wiki's `$wgServer`.
    pub server: Option<String>,
    /// The wiki's `$wgScriptPath`.
    pub script_path: Option<String>,
    pub report_uri: Option<String>,
    pub report_to: Option<String>,
    /// Header budget in bytes.
    pub budget: Option<usize>,
    /// More domains that run MediaWiki (for the JSONP check of `evaluate`).
    pub wiki_domains: Vec<String>,
}
