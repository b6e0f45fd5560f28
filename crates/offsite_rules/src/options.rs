//! `offsite.toml` as the user writes it. Every field is optional here;
//! `settings.rs` checks and resolves them. The doc comments are the
//! configuration reference (see `docs.rs`).

use std::collections::BTreeMap;

use offsite_model::Severity;
use toml::Spanned;

/// One documented key, for the generated configuration reference.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldDoc {
    pub name: &'static str,
    pub raw_docs: &'static str,
    pub example: &'static str,
}

/// One table of `offsite.toml`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Section {
    /// `""` for the top level, `rules`, `[allow]`...
    pub table: &'static str,
    pub raw_docs: &'static str,
    pub fields: &'static [FieldDoc],
}

/// Declare an options struct whose doc comments and `#[example]`s become
/// the configuration reference: serde sees the struct, docs see the table.
macro_rules! options {
    (
        $(#[doc = $sdoc:literal])*
        #[section = $section:literal]
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                #[example = $example:literal]
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Default, serde::Deserialize)]
        #[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
        pub struct $name {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl $name {
            pub(crate) const SECTION: Section = Section {
                table: $section,
                raw_docs: concat!($($sdoc, "\n"),*),
                fields: &[$(FieldDoc {
                    name: stringify!($field),
                    raw_docs: concat!($($doc, "\n"),*),
                    example: $example,
                }),*],
            };
        }
    };
}

options! {
    /// Who is first party, how consent is recognised, and when the run
    /// fails.
    #[section = ""]
    pub struct Options {
        /// The built-in list of first-party and Wikimedia Cloud Services
        /// domains: `wikimedia` (Wikimedia production and WMCS), `fandom`
        /// (Fandom's `fandom.com`, `wikia.com`, `wikia.org` and
        /// `nocookie.net`; every Fandom wiki is first party, and code imported
        /// from another wiki is still reported by OS206) or `none` (another
        /// operator: list your own domains in `first-party`).
        /// Default: `wikimedia`.
        #[example = "profile = \"wikimedia\""]
        pub profile: Option<String>,
        /// Extra first-party domains; each also covers its subdomains.
        #[example = "first-party = [\"wiki.example.org\", \"static.example.org\"]"]
        pub first_party: Vec<String>,
        /// Extra Wikimedia Cloud Services (or similar community-hosted)
        /// domains; each also covers its subdomains.
        #[example = "wmcs = [\"tools.example.org\"]"]
        pub wmcs: Vec<String>,
        /// Functions whose truthy result means the user opted in: a load
        /// guarded by one counts as gated by preference. Dotted paths, matched
        /// on the callee.
        #[example = "consent-functions = [\"myGadget.hasConsent\"]"]
        pub consent_functions: Vec<String>,
        /// The least severity that makes `offsite scan` exit with 1
        /// (`info`, `warning` or `error`), or `never`; the command line's
        /// `--fail-on` wins over it. Default: the command line's default.
        #[example = "fail-on = \"error\""]
        pub fail_on: Option<FailOn>,
        /// Which rules run and how severe their findings are; see `[rules]`.
        #[example = "[rules]"]
        pub rules: RulesOptions,
        /// Hosts a load may reach; see `[[allow]]`.
        #[example = "[[allow]]"]
        pub allow: Vec<Spanned<AllowOptions>>,
        /// Sources or hosts excused from rules; see `[[exempt]]`.
        #[example = "[[exempt]]"]
        pub exempt: Vec<Spanned<ExemptOptions>>,
        /// Defaults for `offsite csp generate` and `evaluate` (report
        /// endpoints, header budget, the page origin); see `[csp]` and
        /// `docs/csp.md`.
        #[example = "[csp]\nreport-uri = \"https://csp.example.org/csp-report\"\nbudget = 8192"]
        pub csp: CspOptions,
        /// Settings of the report collector `offsite serve` (listen
        /// address, store, read token, inventory, limits, alerts); read by
        /// that command, see `docs/collector.md`.
        #[example = "[serve]\nlisten = \"127.0.0.1:8094\"\nstore = \"sqlite:offsite-reports.db\""]
        pub serve: Option<toml::Table>,
    }
}

options! {
    /// Rule selection, ruff style. Each entry is `ALL`, a code (`OS101`), a
    /// code prefix (`OS1` = OS101 to OS106) or a rule name
    /// (`remote-executable-code`).
    #[section = "rules"]
    pub struct RulesOptions {
        /// The rules to run. Default: `["ALL"]`.
        #[example = "select = [\"ALL\"]"]
        pub select: Option<Vec<Spanned<String>>>,
        /// Rules not to run, even when selected.
        #[example = "ignore = [\"OS204\", \"plain-http-load\"]"]
        pub ignore: Vec<Spanned<String>>,
        /// A fixed severity per rule (`info`, `warning`, `error`), replacing
        /// the severity the rule works out from the load.
        #[example = "severity = { OS104 = \"info\", remote-stylesheet = \"error\" }"]
        pub severity: BTreeMap<Spanned<String>, Severity>,
    }
}

options! {
    /// An allowlist entry: loads that reach this host (with these kinds)
    /// are expected. They are still reported, but get no "remote" findings
    /// (OS101 to OS106, OS202); OS201, OS203 to OS206 still apply.
    #[section = "[allow]"]
    pub struct AllowOptions {
        /// A CSP host-source: `fonts.example.com`, `*.example.com` (subdomains
        /// only, as in CSP), `https://cdn.example.com/lib/`. Required.
        #[example = "host = \"fonts.example.com\""]
        pub host: Option<Spanned<String>>,
        /// The kinds of load allowed, as sink names (`script`, `style`,
        /// `font`, `image`, `fetch`...) or CSP directives (`font-src`,
        /// `connect-src`...). Default: every kind.
        #[example = "sinks = [\"font\", \"style\"]"]
        pub sinks: Vec<Spanned<String>>,
        /// Why the host is acceptable. Required.
        #[example = "reason = \"Self-hosted font mirror run by the chapter\""]
        pub reason: Option<String>,
    }
}

options! {
    /// An exemption: findings in matching sources are not reported, until
    /// the exemption expires (then OS301 says so and the findings are back).
    /// Give exactly one of `path` and `page`.
    #[section = "[exempt]"]
    pub struct ExemptOptions {
        /// A glob over file paths, relative to the folder of `offsite.toml`
        /// (`gadgets/legacy/**`). A glob without `/` also matches file names.
        #[example = "path = \"gadgets/legacy/**/*.js\""]
        pub path: Option<Spanned<String>>,
        /// A glob over wiki page titles (`MediaWiki:Gadget-maps*`); `_` and
        /// spaces are the same.
        #[example = "page = \"MediaWiki:Gadget-maps*\""]
        pub page: Option<Spanned<String>>,
        /// Only loads to this CSP host-source. Default: any host.
        #[example = "host = \"*.maps.example.com\""]
        pub host: Option<Spanned<String>>,
        /// Only these rules (codes, prefixes or names). Default: every rule.
        #[example = "rules = [\"OS105\", \"OS202\"]"]
        pub rules: Vec<Spanned<String>>,
        /// Why the exemption is acceptable. Required.
        #[example = "reason = \"Map embeds until the on-wiki map service ships\""]
        pub reason: Option<String>,
        /// The last day the exemption applies (`YYYY-MM-DD`, quoted or as a
        /// TOML date). Default: never expires.
        #[example = "expires = \"2026-12-31\""]
        pub expires: Option<Spanned<toml::Value>>,
    }
}

options! {
    /// Defaults of `offsite csp generate`, `evaluate` and `diff`; the
    /// command line's options win over them.
    #[section = "csp"]
    pub struct CspOptions {
        /// The origin of the wiki's pages: `'self'` and the scheme of
        /// protocol-relative loads. Default: `server`, else
        /// `https://example.org`.
        #[example = "origin = \"https://wiki.example.org\""]
        pub origin: Option<String>,
        /// The wiki's `$wgServer`, for the header MediaWiki builds. Default:
        /// the origin.
        #[example = "server = \"https://wiki.example.org\""]
        pub server: Option<String>,
        /// The wiki's `$wgScriptPath` (`/w` on Wikimedia). Default: empty.
        #[example = "script-path = \"/w\""]
        pub script_path: Option<String>,
        /// Where browsers POST violation reports (`report-uri`).
        #[example = "report-uri = \"https://csp.example.org/csp-report\""]
        pub report_uri: Option<String>,
        /// A Reporting API endpoint (https) for `report-to`.
        #[example = "report-to = \"https://csp.example.org/reports\""]
        pub report_to: Option<String>,
        /// Warn (and exit 1) when the header lines take more bytes.
        #[example = "budget = 8192"]
        pub budget: Option<usize>,
        /// More domains that run MediaWiki (for the JSONP check of
        /// `evaluate`).
        #[example = "wiki-domains = [\"wiki.example.org\"]"]
        pub wiki_domains: Vec<String>,
    }
}

/// When `offsite scan` exits 1: the same words as the command line's
/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Info,
    Warning,
    Error,
    /// Exit 0 whatever is found (an input that could not be read still
    /// exits 2).
    Never,
}

impl FailOn {
    /// The least severity that fails the run; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            Self::Info => Some(Severity::Info),
            Self::Warning => Some(Severity::Warning),
            Self::Error => Some(Severity::Error),
            Self::Never => None,
        }
    }
}

/// Every section, in the order of the configuration reference.
pub(crate) const SECTIONS: [Section; 5] = [
    Options::SECTION,
    RulesOptions::SECTION,
    AllowOptions::SECTION,
    ExemptOptions::SECTION,
    CspOptions::SECTION,
];

/// What the user wrote in `[csp]` becomes the settings the CSP code runs on
/// (Options → Settings, as for every section).
impl From<&CspOptions> for offsite_csp::CspConfig {
    fn from(o: &CspOptions) -> Self {
        Self {
            origin: o.origin.clone(),
            server: o.server.clone(),
            script_path: o.script_path.clone(),
            report_uri: o.report_uri.clone(),
            report_to: o.report_to.clone(),
            budget: o.budget,
            wiki_domains: o.wiki_domains.clone(),
        }
    }
}
