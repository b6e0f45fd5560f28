//! `offsite csp evaluate`: the checks of Google's CSP Evaluator, offsite's
//! own checks for wikis, and what a policy breaks or lets through on a scan.
//!
//! [`evaluate`] parses a header value (several policies allowed) and runs
//! every check on it:
//!
//! - **syntax**: the parser's diagnostics ([`crate::PolicyDiagnostic`]) as
//!   findings, named as CSP Evaluator names them where it has the check
//!   (`unknown-directive`, `missing-semicolon`, `invalid-keyword`,
//!   `deprecated-directive`);
//! - **security**: CSP Evaluator's checks (inline code, eval, plain schemes,
//!   wildcards, missing directives, JSONP/`AngularJS` allowlist bypasses,
//!   IP sources, nonce length, plain HTTP, reporting), with its severities;
//!   allowlisted MediaWiki wikis and Toolforge count as known bypasses;
//! - **strict CSP**: CSP Evaluator's `'strict-dynamic'`, fallback and
//!   Trusted Types checks;
//! - **offsite**: public package CDNs allowed without a pinned path
//!   (`package-cdn-source`) and, with an inventory of scanned loads,
//!   `*.x` sources that miss the apex `x` the wiki loads
//!   (`wildcard-misses-apex`).
//!
//! With an inventory ([`EvaluateOptions::with_inventory`]) the result also
//! lists the loads the policy would break, the loads it lets through that
//! offsite's rules forbid, and the loads it cannot decide
//! ([`InventoryReport`]).
//!
//! Checks follow CSP Evaluator (<https://github.com/google/csp-evaluator>,
//! Apache-2.0); its bypass host lists are vendored under `data/`. The code
//! is offsite's own.

mod allowlist;
mod bypass;
mod checks;
mod inventory;
mod render;
mod security;
mod strict;
mod syntax;

use std::fmt;

use offsite_model::ReportedLoad;
use serde::Serialize;

use crate::matching::Origin;
use crate::parse::parse_header;
use crate::policy::{DirectiveEntry, Policy, Span};
use crate::source::{Keyword, SourceExpr};

pub use checks::Check;
pub use inventory::{
    Breadth, BrokenLoad, FORBIDDING_RULES, ForbiddenLoad, InventoryReport, UndecidedLoad,
};
pub use render::render_text;

/// How much a finding matters, in CSP Evaluator's scale, most severe first
/// (so `Ord` sorts the worst first).
///
/// CSP Evaluator ranks `info` above `low`; offsite puts `low` first, as
/// people read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// A hole that is there for sure (`'unsafe-inline'`, `*` in `script-src`).
    High,
    /// Browsers ignore or misread what was written.
    Syntax,
    /// A weakness (a short nonce, plain HTTP).
    Medium,
    /// A hole if a condition holds that offsite cannot see.
    HighMaybe,
    /// A nonce-based ("strict") policy would be stronger, or is incomplete.
    StrictCsp,
    /// A weakness if a condition holds (`'unsafe-eval'`, an allowlisted host
    /// that may serve JSONP).
    MediumMaybe,
    Low,
    Info,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Self; 8] = [
        Self::High,
        Self::Syntax,
        Self::Medium,
        Self::HighMaybe,
        Self::StrictCsp,
        Self::MediumMaybe,
        Self::Low,
        Self::Info,
    ];

    /// The kebab-case name (`high-maybe`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Syntax => "syntax",
            Self::Medium => "medium",
            Self::HighMaybe => "high-maybe",
            Self::StrictCsp => "strict-csp",
            Self::MediumMaybe => "medium-maybe",
            Self::Low => "low",
            Self::Info => "info",
        }
    }

    /// The severity with this kebab-case name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`evaluate`] needs besides the header.
#[derive(Debug, Clone)]
pub struct EvaluateOptions<'a> {
    /// The origin of the pages the policy protects: `'self'` means it and
    /// scheme-less sources take its scheme.
    pub origin: Origin,
    /// The page origin runs MediaWiki (default): `'self'` in `script-src`
    /// then serves scripts anyone with an account can write, and is a
    /// known bypass rather than a maybe.
    pub mediawiki: bool,
    /// Domains (and their subdomains) that run MediaWiki besides
    /// Wikimedia's projects (`miraheze.org`), for the allowlist bypass check.
    pub wiki_domains: Vec<String>,
    /// Loads a scan found, to tell what the policy breaks and lets through.
    pub inventory: Option<&'a [ReportedLoad]>,
}

impl<'a> EvaluateOptions<'a> {
    /// Options for pages of `origin`, a MediaWiki site, without inventory.
    pub fn new(origin: Origin) -> Self {
        Self {
            origin,
            mediawiki: true,
            wiki_domains: Vec::new(),
            inventory: None,
        }
    }

    /// The same options with an inventory of scanned loads.
    #[must_use]
    pub fn with_inventory(mut self, loads: &'a [ReportedLoad]) -> Self {
        self.inventory = Some(loads);
        self
    }

    /// The same options for a site that does (or does not) run MediaWiki.
    #[must_use]
    pub fn mediawiki(mut self, yes: bool) -> Self {
        self.mediawiki = yes;
        self
    }

    /// The same options with more MediaWiki domains (`miraheze.org`).
    #[must_use]
    pub fn with_wiki_domains(mut self, domains: impl IntoIterator<Item = String>) -> Self {
        self.wiki_domains.extend(
            domains
                .into_iter()
                .map(|d| d.trim().trim_matches('.').to_ascii_lowercase()),
        );
        self
    }
}

/// One thing a check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvalFinding {
    /// The check, serialised as its stable kebab-case id.
    pub check: Check,
    pub severity: Severity,
    /// The index of the policy in the header (0 for the first); `None` when
    /// the finding is about the whole set (a directive no policy has).
    pub policy: Option<usize>,
    /// The directive it is about (lower-case), when there is one.
    pub directive: Option<String>,
    /// The offending value as written in canonical form, when there is one.
    pub source: Option<String>,
    /// What is wrong and why it matters.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// Bytes of the header text the finding is about, when it is about text
    /// that is there.
    pub span: Option<Span>,
}

impl EvalFinding {
    /// A finding with the check's usual severity and no location.
    pub(crate) fn new(check: Check, message: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            check,
            severity: check.severity(),
            policy: None,
            directive: None,
            source: None,
            message: message.into(),
            fix: fix.into(),
            span: None,
        }
    }

    #[must_use]
    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// About a directive of policy `policy`.
    #[must_use]
    pub(crate) fn at_directive(mut self, policy: usize, entry: &DirectiveEntry) -> Self {
        self.policy = Some(policy);
        self.directive = Some(entry.name.clone());
        self.span = entry.span;
        self
    }

    /// About the source at `index` of a directive of policy `policy`.
    #[must_use]
    pub(crate) fn at_source(mut self, policy: usize, entry: &DirectiveEntry, index: usize) -> Self {
        self = self.at_directive(policy, entry);
        if let Some(source) = entry.sources.get(index) {
            self.source = Some(source.to_string());
        }
        self.span = entry.source_span(index).or(entry.span);
        self
    }

    /// About a directive no policy has.
    #[must_use]
    pub(crate) fn missing(mut self, directive: &str) -> Self {
        self.directive = Some(directive.to_owned());
        self
    }
}

/// What [`evaluate`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// The origin the policy was evaluated for.
    pub origin: Origin,
    /// The policies as parsed, in header order.
    pub policies: Vec<Policy>,
    /// Most severe first, then in header order.
    pub findings: Vec<EvalFinding>,
    /// What the policy does to the scanned loads, when an inventory was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryReport>,
}

impl Evaluation {
    /// The findings of a check.
    pub fn by_check(&self, check: Check) -> impl Iterator<Item = &EvalFinding> {
        self.findings.iter().filter(move |f| f.check == check)
    }

    /// Does any finding come from this check?
    pub fn has(&self, check: Check) -> bool {
        self.by_check(check).next().is_some()
    }

    /// The most severe finding's severity, `None` when nothing was found.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Evaluate a `Content-Security-Policy` header value (one or more policies
/// separated by `,`) for pages of `options.origin`. Never fails: text that
/// does not parse yields syntax findings.
pub fn evaluate(header: &str, options: &EvaluateOptions<'_>) -> Evaluation {
    let parsed = parse_header(header);
    let policies = parsed.policies;
    let mut ctx = Ctx {
        header,
        policies: &policies,
        options,
        findings: Vec::new(),
    };
    syntax::check(&mut ctx, &parsed.diagnostics);
    security::check(&mut ctx);
    strict::check(&mut ctx);
    let inventory = options
        .inventory
        .map(|loads| inventory::check(&mut ctx, loads));
    let mut findings = ctx.findings;
    // Stable: findings of one severity keep header order, then check order.
    findings.sort_by_key(|f| (f.severity, f.policy.is_none(), f.span.map(|s| s.start)));
    Evaluation {
        origin: options.origin.clone(),
        policies,
        findings,
        inventory,
    }
}

/// What the checks share.
pub(crate) struct Ctx<'a> {
    /// The header text; spans index into it.
    pub(crate) header: &'a str,
    pub(crate) policies: &'a [Policy],
    pub(crate) options: &'a EvaluateOptions<'a>,
    pub(crate) findings: Vec<EvalFinding>,
}

impl Ctx<'_> {
    pub(crate) fn push(&mut self, finding: EvalFinding) {
        self.findings.push(finding);
    }
}

/// The sources of a script directive as a CSP3 browser reads them, with
/// their indexes: `'unsafe-inline'` is ignored next to a nonce or hash, and
/// with `'strict-dynamic'` host, scheme, `*` and `'self'` sources are too
/// (CSP3 §6.7.3.2 and §8.2).
pub(crate) fn effective_script_sources(entry: &DirectiveEntry) -> Vec<(usize, &SourceExpr)> {
    let strict = entry.has_keyword(Keyword::StrictDynamic);
    let nonce_or_hash = entry.sources.iter().any(SourceExpr::is_nonce_or_hash);
    entry
        .sources
        .iter()
        .enumerate()
        .filter(|(_, source)| {
            let inline = **source == SourceExpr::Keyword(Keyword::UnsafeInline);
            !(inline && (strict || nonce_or_hash) || strict && source.is_url_source())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_sort_worst_first_and_round_trip() {
        let mut all = Severity::ALL;
        all.reverse();
        all.sort();
        assert_eq!(all, Severity::ALL);
        for severity in Severity::ALL {
            assert_eq!(Severity::from_name(severity.as_str()), Some(severity));
            let json = serde_json::to_string(&severity).unwrap_or_default();
            assert_eq!(json, format!("\"{severity}\""));
        }
        assert_eq!(Severity::from_name("critical"), None);
    }

    #[test]
    fn effective_sources_drop_what_browsers_ignore() {
        let policy = Policy::parse(
            "script-src 'self' https: 'unsafe-inline' 'nonce-abcdefgh' 'strict-dynamic' 'unsafe-eval'",
        );
        let entry = policy.directive("script-src").unwrap_or_else(|| panic!());
        let kept: Vec<String> = effective_script_sources(entry)
            .into_iter()
            .map(|(_, s)| s.to_string())
            .collect();
        assert_eq!(
            kept,
            ["'nonce-abcdefgh'", "'strict-dynamic'", "'unsafe-eval'"]
        );
        let policy = Policy::parse("script-src 'self' 'unsafe-inline' 'sha256-abc='");
        let entry = policy.directive("script-src").unwrap_or_else(|| panic!());
        let kept: Vec<usize> = effective_script_sources(entry)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        assert_eq!(kept, [0, 2]);
    }
}
