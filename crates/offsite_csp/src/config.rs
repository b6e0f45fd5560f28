//! The `[csp]` table of `offsite.toml`: the defaults of `offsite csp`.

use serde::Deserialize;

use crate::matching::{Origin, OriginError};

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

impl CspConfig {
    /// The origin of the protected pages: the one given on the command line,
    /// else `origin`, else the server given on the command line (or the
    /// URL fetched), else `server`, else `https://example.org`.
    pub fn origin(
        &self,
        explicit: Option<&str>,
        server: Option<&str>,
    ) -> Result<Origin, OriginError> {
        let text = explicit
            .or(self.origin.as_deref())
            .or(server)
            .or(self.server.as_deref())
            .unwrap_or("https://example.org");
        Origin::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_prefers_the_command_line_then_the_config_then_the_server() {
        let config = CspConfig {
            origin: Some("https://o.example".into()),
            server: Some("https://s.example".into()),
            ..CspConfig::default()
        };
        let host = |o: Result<Origin, OriginError>| o.map(|o| o.to_string()).ok();
        assert_eq!(
            host(config.origin(Some("https://x.example"), None)),
            Some("https://x.example".into())
        );
        assert_eq!(
            host(config.origin(None, Some("https://u.example"))),
            Some("https://o.example".into())
        );
        let bare = CspConfig::default();
        assert_eq!(
            host(bare.origin(None, Some("https://u.example"))),
            Some("https://u.example".into())
        );
        assert_eq!(
            host(bare.origin(None, None)),
            Some("https://example.org".into())
        );
        let err = bare.origin(Some("not a url"), None).map(|o| o.to_string());
        assert!(
            matches!(&err, Err(e) if e.to_string().contains("not a url")),
            "{err:?}"
        );
    }
}
