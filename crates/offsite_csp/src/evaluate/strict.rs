//! CSP Evaluator's strict-CSP checks (`checks/strictcsp_checks.ts`): a
//! "strict" policy trusts nonces or hashes plus `'strict-dynamic'` instead
//! of a host allowlist, and keeps fallbacks for browsers that lack them.
//! These run on the policy as written (fallbacks are what older browsers
//! read).

use crate::directive::ResourceKind;
use crate::source::{Keyword, SourceExpr};

use super::{Check, Ctx, EvalFinding};

pub(super) fn check(ctx: &mut Ctx<'_>) {
    let mut found = Vec::new();
    for (index, policy) in ctx.policies.iter().enumerate() {
        let Some(entry) = policy.governing_directive(ResourceKind::ScriptElem) else {
            continue;
        };
        let name = entry.name.as_str();
        let strict = entry.has_keyword(Keyword::StrictDynamic);
        let nonce_or_hash = entry.sources.iter().any(SourceExpr::is_nonce_or_hash);
        let allowlist = entry.sources.iter().any(|s| {
            matches!(
                s,
                SourceExpr::Host(_) | SourceExpr::Scheme(_) | SourceExpr::Wildcard
            )
        });
        if allowlist && !strict {
            found.push(
                EvalFinding::new(
                    Check::AllowlistWithoutStrictDynamic,
                    format!(
                        "{name} trusts hosts and schemes: host allowlists can frequently be \
                         bypassed (JSONP, libraries, user content on allowed hosts)"
                    ),
                    "trust scripts by nonce or hash and add 'strict-dynamic', so the scripts \
                     you load can load theirs",
                )
                .at_directive(index, entry),
            );
        }
        if strict && !nonce_or_hash {
            found.push(
                EvalFinding::new(
                    Check::StrictDynamicWithoutNonce,
                    format!(
                        "'strict-dynamic' in {name} without a nonce or hash: browsers that \
                         support it ignore the allowlist and block every script"
                    ),
                    "add a nonce ('nonce-…') to the policy and to the page's <script> elements",
                )
                .at_directive(index, entry),
            );
        }
        if nonce_or_hash && !entry.has_keyword(Keyword::UnsafeInline) {
            found.push(
                EvalFinding::new(
                    Check::UnsafeInlineFallback,
                    format!(
                        "{name} has nonces or hashes but no 'unsafe-inline': browsers without \
                         nonce support (very old ones) block all inline scripts"
                    ),
                    "add 'unsafe-inline': browsers that support nonces or hashes ignore it",
                )
                .at_directive(index, entry),
            );
        }
        let fallback = entry.sources.iter().any(|s| match s {
            SourceExpr::Scheme(scheme) => scheme == "http" || scheme == "https",
            SourceExpr::Wildcard | SourceExpr::Host(_) => true,
            _ => false,
        });
        if strict && !fallback {
            found.push(
                EvalFinding::new(
                    Check::AllowlistFallback,
                    format!(
                        "'strict-dynamic' in {name} has no allowlist fallback: browsers \
                         without 'strict-dynamic' block the scripts that trusted scripts load"
                    ),
                    "add https: (and http: if needed): browsers that support 'strict-dynamic' \
                     ignore them",
                )
                .at_directive(index, entry),
            );
        }
    }
    let trusted_types = ctx.policies.iter().any(|p| {
        p.directive("require-trusted-types-for").is_some_and(|d| {
            d.sources
                .iter()
                .any(|s| s.to_string().eq_ignore_ascii_case("'script'"))
        })
    });
    if !trusted_types {
        found.push(
            EvalFinding::new(
                Check::RequireTrustedTypes,
                "no require-trusted-types-for 'script': DOM XSS sinks (innerHTML, \
                 document.write, script src) take any string",
                "add require-trusted-types-for 'script' once the site's scripts create \
                 Trusted Types (report-only first)",
            )
            .missing("require-trusted-types-for"),
        );
    }
    ctx.findings.extend(found);
}
