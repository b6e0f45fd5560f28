//! The allowlist checks: CSP Evaluator's `checkScriptAllowlistBypass` and
//! `checkFlashObjectAllowlistBypass`, knowing MediaWiki wikis, Wikimedia
//! Cloud Services and package CDNs too (offsite's `package-cdn-source`).

use crate::directive::ResourceKind;
use crate::policy::Policy;
use crate::source::{HostSource, Keyword, SourceExpr};

use super::bypass::{self, ListedUrl};
use super::security::honoured;
use super::{Check, Ctx, EvalFinding, Severity, effective_script_sources};

/// `checkScriptAllowlistBypass`, knowing MediaWiki wikis and Wikimedia
/// Cloud Services too.
pub(super) fn script_allowlist(
    ctx: &Ctx<'_>,
    index: usize,
    policy: &Policy,
    out: &mut Vec<EvalFinding>,
) {
    let Some(entry) = policy.governing_directive(ResourceKind::ScriptElem) else {
        return;
    };
    // CSP Evaluator stops at 'none'; browsers ignore 'none' next to other
    // sources (CSP3 §6.7.2.6 step 2), so offsite does not.
    let name = entry.name.as_str();
    let eval = entry.has_keyword(Keyword::UnsafeEval);
    let options = ctx.options;
    for (i, source) in effective_script_sources(entry) {
        let finding = match source {
            SourceExpr::Keyword(Keyword::SelfOrigin) if options.mediawiki => EvalFinding::new(
                Check::ScriptAllowlistBypass,
                format!(
                    "'self' in {name} is this site ({}), which runs MediaWiki and so serves \
                     scripts anyone with an account can write: {WIKI_SCRIPTS}",
                    options.origin
                ),
                STRICT_FIX,
            ),
            SourceExpr::Keyword(Keyword::SelfOrigin) => EvalFinding::new(
                Check::ScriptAllowlistHost,
                "'self' can be bypassed if the site serves JSONP, AngularJS or user-uploaded \
                 files",
                "make sure the origin serves none of them, or use nonces with 'strict-dynamic'",
            ),
            SourceExpr::Host(host) if host.host != "*" && host.host.contains('.') => {
                match host_bypass(host, eval, &options.wiki_domains) {
                    Some(bypass) => bypass,
                    // package-cdn-source says more about these.
                    None if bypass::package_cdn(host).is_some() => continue,
                    None => EvalFinding::new(
                        Check::ScriptAllowlistHost,
                        format!(
                            "no bypass is known for {host}; it is one if it serves JSONP, \
                             AngularJS or files its users upload"
                        ),
                        "make sure it serves none of them, narrow it to a path, or use nonces \
                         with 'strict-dynamic'",
                    ),
                }
            }
            _ => continue,
        };
        out.push(finding.at_source(index, entry, i));
    }
}

const WIKI_SCRIPTS: &str = "index.php?action=raw&ctype=text/javascript serves every user's \
     own User:NAME/….js page as JavaScript (registration is open on most wikis), and api.php \
     answers JSONP (callback=NAME) for anonymous requests, calling any function an attacker \
     names";

const STRICT_FIX: &str = "use nonces with 'strict-dynamic' instead of host allowlists; at least \
     keep 'unsafe-inline' out, since with it no allowlist matters";

fn host_bypass(host: &HostSource, eval: bool, wiki_domains: &[String]) -> Option<EvalFinding> {
    if bypass::covers_wiki(&host.host, wiki_domains) {
        return Some(EvalFinding::new(
            Check::ScriptAllowlistBypass,
            format!(
                "{host} {} MediaWiki, which serves scripts anyone can write: {WIKI_SCRIPTS}",
                if host.host.starts_with("*.") {
                    "includes wikis that run"
                } else {
                    "is a wiki that runs"
                },
            ),
            STRICT_FIX,
        ));
    }
    if let Some((domain, what)) = bypass::wmcs_wildcard(&host.host) {
        return Some(EvalFinding::new(
            Check::ScriptAllowlistBypass,
            format!(
                "{host} allows every {what} on {domain}: Wikimedia Cloud Services grants \
                 accounts on request, and each holder can serve any script from NAME.{domain}"
            ),
            format!(
                "list the tools the wiki needs (https://TOOL.{domain}/), or better, move their code onto the wiki"
            ),
        ));
    }
    let usable = |u: &&ListedUrl| eval || !u.needs_eval;
    let jsonp = bypass::JSONP
        .iter()
        .filter(usable)
        .find(|u| bypass::first_listed(host, std::slice::from_ref(*u)).is_some());
    let angular = bypass::first_listed(host, &bypass::ANGULAR);
    let what = match (jsonp, angular) {
        (Some(j), Some(_)) => format!("{} is known to host JSONP endpoints and AngularJS", j.host),
        (Some(j), None) => format!("{} is known to host JSONP endpoints", j.host),
        (None, Some(a)) => format!("{} is known to host AngularJS", a.host),
        (None, None) => return None,
    };
    Some(EvalFinding::new(
        Check::ScriptAllowlistBypass,
        format!("{what}, which an attacker can load through {host} to bypass this policy"),
        format!(
            "remove {host}, narrow it to the exact files needed, or use nonces with \
             'strict-dynamic'"
        ),
    ))
}

/// offsite's `package-cdn-source`: a CDN that serves anyone's code, in a
/// directive that decides scripts (high) or stylesheets (medium).
pub(super) fn package_cdns(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    let script = [ResourceKind::ScriptElem, ResourceKind::Worker]
        .map(|k| policy.governing_directive(k).map(|d| d.name.as_str()));
    let style = policy
        .governing_directive(ResourceKind::StyleElem)
        .map(|d| d.name.as_str());
    for entry in &policy.directives {
        let (severity, what) = if script.contains(&Some(entry.name.as_str())) {
            (Severity::High, "scripts")
        } else if style == Some(entry.name.as_str()) {
            (Severity::Medium, "stylesheets")
        } else {
            continue;
        };
        for (i, source) in honoured(policy, entry) {
            let SourceExpr::Host(host) = source else {
                continue;
            };
            let Some(cdn) = bypass::package_cdn(host) else {
                continue;
            };
            out.push(
                EvalFinding::new(
                    Check::PackageCdnSource,
                    format!(
                        "{host} in {} allows {what} from {}: anyone can publish there, so this \
                         allows an attacker's code too",
                        entry.name, cdn.serves
                    ),
                    format!(
                        "pin a path to the package and version needed ({}), or copy the file \
                         onto the wiki",
                        cdn.example
                    ),
                )
                .severity(severity)
                .at_source(index, entry, i),
            );
        }
    }
}

/// `checkFlashObjectAllowlistBypass`.
pub(super) fn object_allowlist(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    let Some(entry) = policy.governing_directive(ResourceKind::Object) else {
        return;
    };
    if let Some(types) = policy.directive("plugin-types")
        && !types.sources.iter().any(|t| {
            t.to_string()
                .eq_ignore_ascii_case("application/x-shockwave-flash")
        })
    {
        return;
    }
    for (i, source) in entry.sources.iter().enumerate() {
        if *source == SourceExpr::NONE {
            continue;
        }
        let flash = match source {
            SourceExpr::Host(host) => bypass::first_listed(host, &bypass::FLASH),
            _ => None,
        };
        let finding = if let Some(url) = flash {
            EvalFinding::new(
                Check::ObjectAllowlistBypass,
                format!(
                    "{} is known to host Flash files that run any JavaScript they are given \
                     (in browsers that still run Flash)",
                    url.host
                ),
                "set object-src 'none'",
            )
            .severity(Severity::High)
        } else if entry.name == "object-src" {
            EvalFinding::new(
                Check::ObjectAllowlistBypass,
                format!("object-src allows {source}: can it be restricted to 'none'?"),
                "set object-src 'none': current browsers run no plugins, and <object>/<embed> \
                 need nothing else",
            )
        } else {
            continue;
        };
        out.push(finding.at_source(index, entry, i));
    }
}
