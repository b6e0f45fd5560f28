//! CSP Evaluator's security checks (`checks/security_checks.ts`), run on
//! each policy as a CSP3 browser reads it, plus offsite's package-CDN
//! check (allowlists in [`super::allowlist`]). Inline code and eval are decided with the crate's matcher, so
//! nonces, hashes and `'strict-dynamic'` neutralise `'unsafe-inline'`
//! exactly as they do in browsers.

use std::collections::HashSet;

use crate::directive::ResourceKind;
use crate::matching::{Request, Verdict, check_all};
use crate::policy::{DirectiveEntry, Policy};
use crate::source::{Keyword, SourceExpr};

use super::bypass;
use super::{Check, Ctx, EvalFinding, Severity, allowlist, effective_script_sources};

pub(super) fn check(ctx: &mut Ctx<'_>) {
    for (index, policy) in ctx.policies.iter().enumerate() {
        let mut found = Vec::new();
        inline_and_eval(ctx, index, policy, &mut found);
        unsafe_hashes(index, policy, &mut found);
        schemes_and_wildcards(index, policy, &mut found);
        form_action_schemes(index, policy, &mut found);
        allowlist::script_allowlist(ctx, index, policy, &mut found);
        allowlist::package_cdns(index, policy, &mut found);
        allowlist::object_allowlist(index, policy, &mut found);
        per_value(index, policy, &mut found);
        reporting(index, policy, &mut found);
        ctx.findings.extend(found);
    }
    missing_directives(ctx);
}

/// `checkScriptUnsafeInline`, `checkScriptUnsafeEval`,
/// `checkScriptWasmUnsafeEval`, `checkStyleUnsafeInline`. A capability
/// another policy of the header takes away is not reported.
fn inline_and_eval(ctx: &Ctx<'_>, index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    let origin = &ctx.options.origin;
    let cases = [
        (
            Request::inline(origin.clone(), ResourceKind::ScriptElem),
            Keyword::UnsafeInline,
        ),
        (
            Request::inline(origin.clone(), ResourceKind::ScriptAttr),
            Keyword::UnsafeInline,
        ),
        (Request::eval(origin.clone()), Keyword::UnsafeEval),
        (Request::wasm_eval(origin.clone()), Keyword::WasmUnsafeEval),
        (
            Request::inline(origin.clone(), ResourceKind::StyleElem),
            Keyword::UnsafeInline,
        ),
        (
            Request::inline(origin.clone(), ResourceKind::StyleAttr),
            Keyword::UnsafeInline,
        ),
    ];
    let mut seen = HashSet::new();
    for (request, keyword) in cases {
        let Verdict::Allowed {
            directive, source, ..
        } = policy.check(&request)
        else {
            continue;
        };
        if source != SourceExpr::Keyword(keyword) || check_all(ctx.policies, &request).is_blocked()
        {
            continue;
        }
        let Some(entry) = policy.directive(directive) else {
            continue;
        };
        let style = request.effective_directive().starts_with("style");
        let check = match keyword {
            Keyword::UnsafeEval => Check::ScriptUnsafeEval,
            Keyword::WasmUnsafeEval => Check::ScriptWasmUnsafeEval,
            _ if style => Check::StyleUnsafeInline,
            _ => Check::ScriptUnsafeInline,
        };
        if !seen.insert((check, directive)) {
            continue;
        }
        let (message, fix) = match check {
            Check::ScriptUnsafeInline => (
                format!(
                    "'unsafe-inline' in {directive} allows every inline <script> and event \
                     handler (onclick=, javascript: URLs): any HTML injection runs code"
                ),
                "remove 'unsafe-inline' and give inline scripts a nonce ('nonce-…', new for every \
                 response) or a hash; move event handlers into scripts. MediaWiki: \
                 $wgCSPHeader['useNonces'] adds a nonce, which makes browsers ignore \
                 'unsafe-inline'"
                    .to_owned(),
            ),
            Check::ScriptUnsafeEval => (
                format!(
                    "'unsafe-eval' in {directive} allows eval(), new Function() and string \
                     setTimeout(): text an attacker gets into them runs as code"
                ),
                "remove 'unsafe-eval' once no script turns strings into code; until then \
                 keep the rest of script-src tight"
                    .to_owned(),
            ),
            Check::ScriptWasmUnsafeEval => (
                format!(
                    "'wasm-unsafe-eval' in {directive} allows compiling WebAssembly from any \
                     bytes, injected ones included"
                ),
                "remove it unless the site runs WebAssembly".to_owned(),
            ),
            _ => (
                format!(
                    "'unsafe-inline' in {directive} allows inline styles: injected CSS can \
                     restyle the page for phishing or read attribute values with selectors"
                ),
                "give inline <style> a nonce or hash, or accept it where the wiki needs \
                 style attributes (MediaWiki content does)"
                    .to_owned(),
            ),
        };
        let position = entry
            .sources
            .iter()
            .position(|s| *s == SourceExpr::Keyword(keyword));
        let finding = EvalFinding::new(check, message, fix);
        out.push(match position {
            Some(i) => finding.at_source(index, entry, i),
            None => finding.at_directive(index, entry),
        });
    }
}

/// The second half of CSP Evaluator's `checkScriptUnsafeInline`: without
/// an `'unsafe-inline'` browsers honour, `'unsafe-hashes'` in the directive
/// that decides event handlers still runs every handler (and `javascript:`
/// URL) whose hash is listed, so injected markup can reuse them.
fn unsafe_hashes(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    if out.iter().any(|f| f.check == Check::ScriptUnsafeInline) {
        return;
    }
    let Some(entry) = policy.governing_directive(ResourceKind::ScriptAttr) else {
        return;
    };
    let keyword = SourceExpr::Keyword(Keyword::UnsafeHashes);
    let Some(position) = entry.sources.iter().position(|s| *s == keyword) else {
        return;
    };
    let message = format!(
        "'unsafe-hashes' in {}, while safer than 'unsafe-inline', still runs every event \
         handler and javascript: URL whose hash is listed, wherever injected markup puts it",
        entry.name
    );
    let fix = "move event handlers into scripts (addEventListener) and drop 'unsafe-hashes'";
    out.push(
        EvalFinding::new(Check::ScriptUnsafeInline, message, fix.to_owned())
            .severity(Severity::MediumMaybe)
            .at_source(index, entry, position),
    );
}

/// The directives that decide what CSP Evaluator calls XSS-causing:
/// scripts, plugins and `<base>`.
fn xss_directives(policy: &Policy) -> Vec<&DirectiveEntry> {
    let mut out: Vec<&DirectiveEntry> = Vec::new();
    let candidates = [
        policy.governing_directive(ResourceKind::ScriptElem),
        policy.governing_directive(ResourceKind::Object),
        policy.directive("base-uri"),
    ];
    for entry in candidates.into_iter().flatten() {
        if !out.iter().any(|e| e.name == entry.name) {
            out.push(entry);
        }
    }
    out
}

/// The sources a browser honours in `entry`: for the directive that
/// governs scripts, without what `'strict-dynamic'` or a nonce cancels.
pub(super) fn honoured<'a>(
    policy: &Policy,
    entry: &'a DirectiveEntry,
) -> Vec<(usize, &'a SourceExpr)> {
    let governs_scripts = policy
        .governing_directive(ResourceKind::ScriptElem)
        .is_some_and(|g| g.name == entry.name);
    if governs_scripts {
        effective_script_sources(entry)
    } else {
        entry.sources.iter().enumerate().collect()
    }
}

/// `checkPlainUrlSchemes` and `checkWildcards`.
fn schemes_and_wildcards(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    for entry in xss_directives(policy) {
        let name = &entry.name;
        for (i, source) in honoured(policy, entry) {
            let finding = match source {
                SourceExpr::Scheme(scheme)
                    if matches!(scheme.as_str(), "https" | "http" | "data") =>
                {
                    EvalFinding::new(
                        Check::PlainUrlScheme,
                        format!(
                            "{scheme}: in {name} allows {what} from any {scheme}: URL, an \
                             attacker's included",
                            what = what_it_decides(name)
                        ),
                        format!(
                            "replace {scheme}: with the hosts (better, paths) that are needed, or \
                             use nonces with 'strict-dynamic'"
                        ),
                    )
                }
                SourceExpr::Wildcard => wildcard(name),
                SourceExpr::Host(host) if host.host == "*" => wildcard(name),
                _ => continue,
            };
            out.push(finding.at_source(index, entry, i));
        }
    }
}

fn wildcard(name: &str) -> EvalFinding {
    EvalFinding::new(
        Check::PlainWildcard,
        format!(
            "* in {name} allows {} from any host, an attacker's included",
            what_it_decides(name)
        ),
        format!("list the hosts {name} needs instead of *, or use nonces with 'strict-dynamic'"),
    )
}

fn what_it_decides(name: &str) -> &'static str {
    match name {
        "object-src" => "plugins",
        "base-uri" => "<base> URLs (which relative script URLs then resolve against)",
        _ => "scripts",
    }
}

/// `checkPlainUrlSchemesInFormActions`.
fn form_action_schemes(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    let Some(entry) = policy.directive("form-action") else {
        return;
    };
    for (i, source) in entry.sources.iter().enumerate() {
        if let SourceExpr::Scheme(scheme) = source
            && matches!(scheme.as_str(), "http" | "https")
        {
            out.push(
                EvalFinding::new(
                    Check::FormActionUrlScheme,
                    format!(
                        "form-action {scheme}: lets forms post to any host: injected markup can \
                         send what users type to an attacker"
                    ),
                    "list the hosts forms post to ('self' for a wiki)",
                )
                .at_source(index, entry, i),
            );
        }
    }
}

/// `checkIpSource`, `checkNonceLength` and `checkSrcHttp`: checks of every
/// value of every directive.
fn per_value(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    for entry in &policy.directives {
        let name = entry.name.as_str();
        let https_listed = entry
            .sources
            .contains(&SourceExpr::Scheme("https".to_owned()));
        for (i, source) in entry.sources.iter().enumerate() {
            let (host, raw) = match source {
                SourceExpr::Host(h) => (Some(h.host.as_str()), None),
                SourceExpr::Raw(text) => (Some(bypass::raw_host(text)), Some(text.as_str())),
                _ => (None, None),
            };
            if let Some(host) = host.filter(|h| bypass::looks_like_ip(h)) {
                out.push(ip_source(name, host).at_source(index, entry, i));
            }
            let nonce = match source {
                SourceExpr::Nonce(value) => Some(value.as_str()),
                SourceExpr::Raw(text) => text
                    .strip_prefix("'nonce-")
                    .and_then(|t| t.strip_suffix('\'')),
                _ => None,
            };
            if let Some(nonce) = nonce.filter(|n| !is_base64_nonce(n)) {
                out.push(
                    EvalFinding::new(
                        Check::NonceLength,
                        format!(
                            "nonce `{nonce}` uses characters outside the base64 charset: \
                             browsers ignore it"
                        ),
                        "generate nonces as base64 of random bytes",
                    )
                    .severity(Severity::Info)
                    .at_source(index, entry, i),
                );
            }
            if let Some(nonce) = nonce.filter(|n| n.chars().count() < 8) {
                out.push(
                    EvalFinding::new(
                        Check::NonceLength,
                        format!(
                            "nonce `{nonce}` has {} characters: nonces should have at least 8, \
                             or they can be guessed",
                            nonce.chars().count()
                        ),
                        "generate nonces from at least 16 random bytes (22 base64 characters), \
                         new for every response",
                    )
                    .at_source(index, entry, i),
                );
            }
            let plain_http = match source {
                SourceExpr::Host(h) => h.scheme.as_deref() == Some("http"),
                _ => {
                    name == "report-uri"
                        && raw.is_some_and(|t| {
                            t.get(..7)
                                .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
                        })
                }
            };
            if plain_http {
                out.push(src_http(name, source, https_listed).at_source(index, entry, i));
            }
        }
    }
}

fn ip_source(directive: &str, host: &str) -> EvalFinding {
    if host == "127.0.0.1" {
        EvalFinding::new(
            Check::IpSource,
            format!("{directive} allows localhost (127.0.0.1)"),
            "remove it from production policies",
        )
    } else {
        EvalFinding::new(
            Check::IpSource,
            format!(
                "{directive} lists the IP address {host}: CSP3 matches host names, and browsers \
                 differ on addresses (IPv6 literals are ignored)"
            ),
            "use the host's name",
        )
    }
}

fn src_http(directive: &str, source: &SourceExpr, https_listed: bool) -> EvalFinding {
    if directive == "report-uri" {
        return EvalFinding::new(
            Check::SrcHttp,
            format!("reports go to {source} over plain HTTP, readable and changeable on the way"),
            "send violation reports to an https:// endpoint",
        );
    }
    let finding = EvalFinding::new(
        Check::SrcHttp,
        format!(
            "{source} in {directive} allows loading over plain HTTP, which anyone on the \
             network path can replace"
        ),
        format!(
            "write {}",
            source.to_string().replacen("http://", "https://", 1)
        ),
    );
    if https_listed {
        // CSP Evaluator's CONFLICTING_DIRECTIVES.
        let mut finding = finding.severity(Severity::Low);
        finding.message = format!(
            "{directive} lists https: (HTTPS only) but {source} allows plain HTTP for that host"
        );
        finding
    } else {
        finding
    }
}

/// `checkHasConfiguredReporting`.
fn reporting(index: usize, policy: &Policy, out: &mut Vec<EvalFinding>) {
    if !policy.report_uri().is_empty() {
        return;
    }
    if let (Some(_), Some(entry)) = (policy.report_to(), policy.directive("report-to")) {
        out.push(
            EvalFinding::new(
                Check::ReportToOnly,
                "this policy reports only through report-to, which only Chromium-based browsers \
                 support",
                "add a report-uri as well (MediaWiki: api.php?action=cspreport&format=json)",
            )
            .at_directive(index, entry),
        );
        return;
    }
    let mut finding = EvalFinding::new(
        Check::ReportingMissing,
        "this policy has no report-uri or report-to: blocked loads and attacks go unseen, and \
         keeping the policy up to date is guesswork",
        "add report-uri (MediaWiki: /w/api.php?action=cspreport&format=json, or `offsite \
         serve`'s collector) and report-to",
    )
    .missing("report-uri");
    finding.policy = Some(index);
    out.push(finding);
}

/// `checkMissingDirectives`: object-src, script-src, base-uri, style-src and
/// form-action, each decided over the whole set (one policy restricting
/// it is enough).
fn missing_directives(ctx: &mut Ctx<'_>) {
    let policies = ctx.policies;
    let governed = |kind: ResourceKind| {
        policies
            .iter()
            .any(|p| p.governing_directive(kind).is_some())
    };
    let mut found = Vec::new();
    if !governed(ResourceKind::Object) {
        found.push(
            EvalFinding::new(
                Check::MissingObjectSrc,
                "no object-src (and no default-src): <object> and <embed> can load plugins and \
                 documents from anywhere",
                "add object-src 'none'",
            )
            .missing("object-src"),
        );
    }
    let scripts = [ResourceKind::ScriptElem, ResourceKind::ScriptAttr];
    if let Some(kind) = scripts.into_iter().find(|k| !governed(*k)) {
        let what = if kind == ResourceKind::ScriptElem {
            "scripts"
        } else {
            "event handlers and javascript: URLs"
        };
        found.push(
            EvalFinding::new(
                Check::MissingScriptSrc,
                format!("no script-src (and no default-src): {what} are not restricted at all"),
                "add script-src (with nonces and 'strict-dynamic', or the hosts needed)",
            )
            .missing("script-src"),
        );
    }
    let needs_base_uri = policies.iter().any(|p| {
        p.governing_directive(ResourceKind::ScriptElem)
            .is_some_and(|d| {
                d.sources.iter().any(|s| matches!(s, SourceExpr::Nonce(_)))
                    || (d
                        .sources
                        .iter()
                        .any(|s| matches!(s, SourceExpr::Hash { .. }))
                        && d.has_keyword(Keyword::StrictDynamic))
            })
    });
    if needs_base_uri && !policies.iter().any(|p| p.has("base-uri")) {
        found.push(
            EvalFinding::new(
                Check::MissingBaseUri,
                "no base-uri: an injected <base href> points relative script URLs at an \
                 attacker's host, and nonced scripts load from there",
                "add base-uri 'none' (or 'self')",
            )
            .missing("base-uri"),
        );
    }
    if !governed(ResourceKind::StyleElem) {
        found.push(
            EvalFinding::new(
                Check::MissingStyleSrc,
                "no style-src (and no default-src): injected stylesheets can restyle the page \
                 for phishing",
                "add style-src",
            )
            .missing("style-src"),
        );
    }
    if !policies.iter().any(|p| p.has("form-action")) {
        found.push(
            EvalFinding::new(
                Check::MissingFormAction,
                "no form-action: injected forms can post what users type anywhere",
                "add form-action 'self' (and the hosts forms really post to)",
            )
            .missing("form-action"),
        );
    }
    ctx.findings.extend(found);
}

/// CSP Evaluator's strict nonce form: base64 or base64url, up to two `=`.
fn is_base64_nonce(nonce: &str) -> bool {
    let body = nonce.trim_end_matches('=');
    nonce.len() - body.len() <= 2
        && !body.is_empty()
        && body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '_' | '-'))
}
