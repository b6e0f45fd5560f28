//! What a policy does to the loads a scan found: which permitted loads it
//! would break, which forbidden loads it lets through (and through which
//! source), and which it cannot decide. Broken loads whose host is the apex
//! of a listed `*.x` source also yield a `wildcard-misses-apex` finding.

use std::collections::BTreeMap;

use offsite_model::{Directive, ReportedLoad, Source};
use serde::Serialize;

use crate::diff::{UnknownReason, load_target};
use crate::directive::ResourceKind;
use crate::matching::{Request, Verdict};
use crate::policy::Policy;
use crate::source::{HostSource, Keyword, SourceExpr};

use super::bypass;
use super::{Check, Ctx, EvalFinding};

/// The rules whose findings make a load forbidden (OS101–OS106): the same
/// set `generate` leaves out.
pub use crate::generate::REMOTE_LOAD_RULES as FORBIDDING_RULES;

/// How broad the source that allowed a forbidden load is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Breadth {
    /// No directive of the fallback list is in the policy.
    NotGoverned,
    /// `*`: every host.
    Wildcard,
    /// `https:`: every host of a scheme.
    Scheme,
    /// A public package CDN without a pinned path: anyone's code.
    PackageCdn,
    /// `*.example.org`: every subdomain.
    SubdomainWildcard,
    /// `'self'`.
    SelfOrigin,
    /// `'strict-dynamic'`: a script inserted by a trusted script.
    StrictDynamic,
    /// One host (maybe with a path).
    Host,
    /// Anything else (a nonce).
    Other,
}

impl Breadth {
    fn of(source: &SourceExpr) -> Self {
        match source {
            SourceExpr::Wildcard => Self::Wildcard,
            SourceExpr::Scheme(_) => Self::Scheme,
            SourceExpr::Keyword(Keyword::SelfOrigin) => Self::SelfOrigin,
            SourceExpr::Keyword(Keyword::StrictDynamic) => Self::StrictDynamic,
            SourceExpr::Host(h) if h.host == "*" => Self::Wildcard,
            SourceExpr::Host(h) if bypass::package_cdn(h).is_some() => Self::PackageCdn,
            SourceExpr::Host(h) if h.host.starts_with("*.") => Self::SubdomainWildcard,
            SourceExpr::Host(_) => Self::Host,
            _ => Self::Other,
        }
    }

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotGoverned => "not-governed",
            Self::Wildcard => "wildcard",
            Self::Scheme => "scheme",
            Self::PackageCdn => "package-cdn",
            Self::SubdomainWildcard => "subdomain-wildcard",
            Self::SelfOrigin => "self",
            Self::StrictDynamic => "strict-dynamic",
            Self::Host => "host",
            Self::Other => "other",
        }
    }
}

/// A permitted load the policy blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLoad {
    /// The page (or file) that makes the load.
    pub source: Source,
    pub line: u32,
    /// As the scan wrote it (`${wgServer}` kept); for a load with no URL
    /// from the wiki itself, the page title or module names it loads.
    pub url: String,
    pub host: Option<String>,
    /// The load's directive, as the scan named it.
    pub directive: Directive,
    /// The directive a violation report would name (`script-src-elem`).
    pub effective_directive: &'static str,
    /// The directive that blocks it (the effective one or a fallback).
    pub blocked_by: &'static str,
    /// The index of the policy that blocks it.
    pub policy: usize,
    /// The listed `*.x` source that would allow the load if it covered the
    /// apex `x` (`*.github.com` for `https://github.com/…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apex_gap: Option<String>,
}

/// A load the offsite policy forbids that the CSP lets through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForbiddenLoad {
    pub source: Source,
    pub line: u32,
    pub url: String,
    pub host: Option<String>,
    pub directive: Directive,
    /// The [`FORBIDDING_RULES`] codes of the load's findings.
    pub rules: Vec<String>,
    pub effective_directive: &'static str,
    /// The directive that allows it; `None` when none governs it.
    pub allowed_by: Option<&'static str>,
    /// The source that allows it.
    pub allowing_source: Option<SourceExpr>,
    pub breadth: Breadth,
}

/// A load the policy cannot be asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UndecidedLoad {
    pub source: Source,
    pub line: u32,
    pub url: Option<String>,
    pub directive: Directive,
    pub reason: UnknownReason,
}

/// What the policy does to a scan's loads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InventoryReport {
    /// Permitted loads the policy blocks, in scan order.
    pub breaks: Vec<BrokenLoad>,
    /// Forbidden loads the policy allows, in scan order.
    pub lets_through: Vec<ForbiddenLoad>,
    /// Loads with no URL, or a URL with run-time parts: cannot tell.
    pub cannot_tell: Vec<UndecidedLoad>,
    /// Permitted loads the policy allows.
    pub permitted_allowed: usize,
    /// Forbidden loads the policy blocks.
    pub forbidden_blocked: usize,
}

pub(super) fn check(ctx: &mut Ctx<'_>, loads: &[ReportedLoad]) -> InventoryReport {
    let origin = &ctx.options.origin;
    let policies = ctx.policies;
    let mut report = InventoryReport::default();
    // (policy, directive, source index) → broken loads it explains.
    let mut gaps: BTreeMap<(usize, &'static str, usize), Vec<usize>> = BTreeMap::new();
    for load in loads {
        let (written, url) = match load_target(load, origin) {
            Ok(target) => target,
            Err(reason) => {
                report.cannot_tell.push(UndecidedLoad {
                    source: load.source.clone(),
                    line: load.line,
                    url: load.url.clone(),
                    directive: load.directive,
                    reason,
                });
                continue;
            }
        };
        let request = Request::url(
            origin.clone(),
            ResourceKind::from(load.directive),
            url.as_str(),
        );
        let (policy, verdict) = decide(policies, &request);
        let rules: Vec<String> = load
            .findings
            .iter()
            .filter(|f| FORBIDDING_RULES.contains(&f.rule.as_str()))
            .map(|f| f.rule.clone())
            .collect();
        match (verdict, policy) {
            (
                Verdict::Blocked {
                    effective_directive,
                    directive,
                },
                Some(index),
            ) => {
                if !rules.is_empty() {
                    report.forbidden_blocked += 1;
                    continue;
                }
                let gap = apex_gap(&policies[index], directive, &request, &url);
                if let Some((source_index, _)) = &gap {
                    gaps.entry((index, directive, *source_index))
                        .or_default()
                        .push(report.breaks.len());
                }
                report.breaks.push(BrokenLoad {
                    source: load.source.clone(),
                    line: load.line,
                    url: written,
                    host: load.host.clone(),
                    directive: load.directive,
                    effective_directive,
                    blocked_by: directive,
                    policy: index,
                    apex_gap: gap.map(|(_, source)| source),
                });
            }
            (verdict, _) if !rules.is_empty() => {
                let (allowed_by, allowing_source) = match &verdict {
                    Verdict::Allowed {
                        directive, source, ..
                    } => (Some(*directive), Some(source.clone())),
                    _ => (None, None),
                };
                let breadth = allowing_source
                    .as_ref()
                    .map_or(Breadth::NotGoverned, Breadth::of);
                report.lets_through.push(ForbiddenLoad {
                    source: load.source.clone(),
                    line: load.line,
                    url: written,
                    host: load.host.clone(),
                    directive: load.directive,
                    rules,
                    effective_directive: request.effective_directive(),
                    allowed_by,
                    allowing_source,
                    breadth,
                });
            }
            _ => report.permitted_allowed += 1,
        }
    }
    for ((policy, directive, source_index), broken) in gaps {
        let Some(entry) = policies[policy].directive(directive) else {
            continue;
        };
        let Some(SourceExpr::Host(wildcard)) = entry.sources.get(source_index) else {
            continue;
        };
        let apex = wildcard.host.trim_start_matches("*.");
        let first = &report.breaks[broken[0]];
        let suggestion = HostSource {
            host: apex.to_owned(),
            ..wildcard.clone()
        };
        let finding = EvalFinding::new(
            Check::WildcardMissesApex,
            format!(
                "{wildcard} in {directive} matches subdomains of {apex} only, not {apex} itself: \
                 {} permitted load(s) from {apex} are blocked (first: {} in {}:{})",
                broken.len(),
                first.url,
                page_label(&first.source),
                first.line
            ),
            format!("add {suggestion} next to {wildcard} (or the path needed on {apex})"),
        )
        .at_source(policy, entry, source_index);
        ctx.push(finding);
    }
    report
}

/// Every policy must allow a request: the first that blocks decides, else
/// the first that allows, else none governs it. With the deciding policy's
/// index.
fn decide(policies: &[Policy], request: &Request) -> (Option<usize>, Verdict) {
    let mut allowed = None;
    for (index, policy) in policies.iter().enumerate() {
        let verdict = policy.check(request);
        match verdict {
            Verdict::Blocked { .. } => return (Some(index), verdict),
            Verdict::Allowed { .. } if allowed.is_none() => allowed = Some((Some(index), verdict)),
            _ => {}
        }
    }
    allowed.unwrap_or((
        None,
        Verdict::NotGoverned {
            effective_directive: request.effective_directive(),
        },
    ))
}

/// The `*.x` source of the blocking directive that would allow the request
/// if it also matched the apex `x`: the request's host is `x`, and the
/// policy with `x` added in its place allows it.
fn apex_gap(
    policy: &Policy,
    directive: &str,
    request: &Request,
    url: &str,
) -> Option<(usize, String)> {
    let host = url::Url::parse(url)
        .ok()?
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let entry = policy.directive(directive)?;
    entry
        .sources
        .iter()
        .enumerate()
        .find_map(|(index, source)| {
            let SourceExpr::Host(wildcard) = source else {
                return None;
            };
            let parent = wildcard.host.strip_prefix("*.")?.trim_end_matches('.');
            if !parent.eq_ignore_ascii_case(&host) {
                return None;
            }
            let mut widened = policy.clone();
            widened
                .directive_mut(directive)?
                .add_source(SourceExpr::Host(HostSource {
                    host: parent.to_owned(),
                    ..wildcard.clone()
                }));
            widened
                .check(request)
                .is_allowed()
                .then(|| (index, source.to_string()))
        })
}

/// `enwiki:MediaWiki:Gadget-x.js`, a file path, or `?`.
pub(crate) fn page_label(source: &Source) -> String {
    match (&source.wiki, &source.title, &source.path) {
        (Some(wiki), Some(title), _) => format!("{wiki}:{title}"),
        (None, Some(title), _) => title.clone(),
        (_, None, Some(path)) => path.clone(),
        _ => "?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breadth_names() {
        let breadth = |s: &str| Breadth::of(&SourceExpr::parse(s).unwrap_or_else(|| panic!("{s}")));
        assert_eq!(breadth("*"), Breadth::Wildcard);
        assert_eq!(breadth("https:"), Breadth::Scheme);
        assert_eq!(breadth("https://*.jsdelivr.net"), Breadth::PackageCdn);
        assert_eq!(breadth("*.github.com"), Breadth::SubdomainWildcard);
        assert_eq!(breadth("'self'"), Breadth::SelfOrigin);
        assert_eq!(breadth("api.example.org"), Breadth::Host);
        assert_eq!(breadth("'nonce-abcdefgh'"), Breadth::Other);
        let json = serde_json::to_string(&Breadth::PackageCdn).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", Breadth::PackageCdn.as_str()));
    }
}
