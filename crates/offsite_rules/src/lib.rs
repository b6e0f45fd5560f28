//! The rule catalogue, the policy (`offsite.toml`), suppressions and baselines.
//!
//! [`Linter::check`] is the whole per-source pipeline: detect loads
//! (`offsite_detect`), classify their hosts (`offsite_classify`), run every
//! selected rule, apply the allowlist, exemptions and `offsite-ignore`
//! comments, and return [`offsite_model::ReportedLoad`]s with their findings.
//! Every load is reported, first party too, with no findings when nothing
//! applies.
//!
//! Each rule lives in its own file under `rules/`, and its doc comment is its
//! documentation: [`docs`] renders the rule pages and the configuration
//! reference from the doc comments of the rules and of the options.
//!
//! What it does not do: read files, find loads or decide tiers.

pub mod baseline;
mod check;
pub mod docs;
mod options;
mod rule;
mod rules;
mod serve_section;
mod settings;
mod suppression;
mod unknown_keys;

pub use check::{FileReport, Linter};
pub use options::{AllowOptions, CspOptions, ExemptOptions, FailOn, Options, RulesOptions};
pub use settings::{AllowEntry, ConfigError, ExemptTarget, Exemption, RuleSettings, Settings};

use offsite_model::RuleInfo;
use std::fmt::Write as _;

/// The rule a user names by code (`OS202`) or name
/// (`third-party-load-without-consent`), case-insensitively.
pub fn find_rule(wanted: &str) -> Option<offsite_model::RuleInfo> {
    let wanted = wanted.trim();
    catalogue()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted))
}

/// The catalogue as aligned text lines: code, name, severity, summary.
pub fn catalogue_table() -> String {
    let rules = catalogue();
    let width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rules {
        let _ = writeln!(
            out,
            "{}  {:width$}  {:7}  {}",
            r.code, r.name, r.default_severity, r.summary
        );
    }
    out
}

/// The whole rule catalogue, in code order.
pub fn catalogue() -> Vec<RuleInfo> {
    rules::ALL.iter().map(rule::Rule::info).collect()
}

/// One rule by code (`OS101`, any case) or name (`remote-executable-code`).
pub fn rule_info(key: &str) -> Option<RuleInfo> {
    rules::find(key).map(rule::Rule::info)
}
