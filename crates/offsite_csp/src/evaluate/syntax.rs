//! Syntax findings: the parser's diagnostics, renamed where CSP Evaluator
//! has the check (`checkUnknownDirective`, `checkMissingSemicolon`,
//! `checkInvalidKeyword`, `checkNonceLength`'s charset part,
//! `checkDeprecatedDirective`), each with a fix; plus the keyword check for
//! the Trusted Types directives, whose values the parser keeps as tokens.

use crate::parse::{DiagnosticCode, PolicyDiagnostic, Severity as ParseSeverity};
use crate::policy::Span;
use crate::source::SourceExpr;

use super::{Check, Ctx, EvalFinding, Severity};

pub(super) fn check(ctx: &mut Ctx<'_>, diagnostics: &[PolicyDiagnostic]) {
    for diagnostic in diagnostics {
        let finding = from_diagnostic(ctx, diagnostic);
        ctx.push(finding);
    }
    trusted_types_keywords(ctx);
}

fn from_diagnostic(ctx: &Ctx<'_>, d: &PolicyDiagnostic) -> EvalFinding {
    use DiagnosticCode as C;
    let check = match d.code {
        C::UnknownDirective => Check::UnknownDirective,
        C::MissingSemicolon => Check::MissingSemicolon,
        // CSP Evaluator's checkInvalidKeyword: only a base64 nonce is a
        // nonce; anything else in quotes is an invalid keyword.
        C::KeywordMissingQuotes | C::UnknownKeyword | C::InvalidNonce => Check::InvalidKeyword,
        C::DeprecatedDirective => Check::DeprecatedDirective,
        C::InvalidSource => Check::InvalidSource,
        C::InvalidHash => Check::InvalidHash,
        C::SchemeMissingColon => Check::SchemeMissingColon,
        C::NonAscii => Check::NonAscii,
        C::ControlCharacter => Check::ControlCharacter,
        C::DuplicateDirective => Check::DuplicateDirective,
        C::EmptyDirective => Check::EmptyDirective,
        C::UnexpectedValue => Check::UnexpectedValue,
        C::NoneWithOtherSources => Check::NoneWithOtherSources,
        C::DuplicateSource => Check::DuplicateSource,
        C::EmptyHeader => Check::EmptyHeader,
        C::EmptyPolicy => Check::EmptyPolicy,
        C::HeaderNameIncluded => Check::HeaderNameIncluded,
    };
    // CSP Evaluator's severities where it has the check; otherwise what
    // browsers ignore or misread is a syntax problem, the rest is info. A
    // nonce outside base64 is dropped by browsers just like such a hash:
    // syntax here, and `nonce-length` adds CSP Evaluator's charset info.
    let severity = match (check, d.severity) {
        (Check::DeprecatedDirective, _) | (_, ParseSeverity::Info) => Severity::Info,
        _ => Severity::Syntax,
    };
    let directive = d.directive.as_deref().unwrap_or_default();
    let value = value_text(ctx, d);
    let fix = fix_for(d.code, directive, value.as_deref());
    let mut finding = EvalFinding::new(check, d.message.clone(), fix).severity(severity);
    finding.policy = policy_of(ctx, d.span);
    finding.directive.clone_from(&d.directive);
    finding.source = value;
    finding.span = Some(d.span);
    finding
}

/// The value a diagnostic is about, as written, for diagnostics about one
/// value (or one character).
fn value_text(ctx: &Ctx<'_>, d: &PolicyDiagnostic) -> Option<String> {
    use DiagnosticCode as C;
    let about_value = matches!(
        d.code,
        C::MissingSemicolon
            | C::KeywordMissingQuotes
            | C::UnknownKeyword
            | C::InvalidNonce
            | C::InvalidHash
            | C::InvalidSource
            | C::SchemeMissingColon
            | C::NoneWithOtherSources
            | C::DuplicateSource
            | C::UnexpectedValue
            | C::NonAscii
            | C::ControlCharacter
    );
    if !about_value {
        return None;
    }
    d.span.slice(ctx.header).map(str::to_owned)
}

/// The policy whose directives cover `span`, when one does.
fn policy_of(ctx: &Ctx<'_>, span: Span) -> Option<usize> {
    ctx.policies.iter().position(|policy| {
        let spans = policy.directives.iter().filter_map(|d| d.span);
        let (mut start, mut end) = (usize::MAX, 0);
        for s in spans {
            start = start.min(s.start);
            end = end.max(s.end);
        }
        start <= span.start && span.start <= end
    })
}

fn fix_for(code: DiagnosticCode, directive: &str, value: Option<&str>) -> String {
    use DiagnosticCode as C;
    let value = value.unwrap_or_default();
    match code {
        C::UnknownDirective if directive.ends_with(':') => format!(
            "remove the colon: CSP directives are written `{} …`, without `:`",
            directive.trim_end_matches(':')
        ),
        C::UnknownDirective => {
            "correct the name (see the suggestion, if any) or remove the directive".to_owned()
        }
        C::MissingSemicolon => format!("put a `;` before `{value}`"),
        C::KeywordMissingQuotes => format!("write it in single quotes: `'{value}'`"),
        C::UnknownKeyword => "use a CSP keyword ('self', 'none', 'unsafe-inline', 'unsafe-eval', \
                              'strict-dynamic', 'unsafe-hashes', 'report-sample', \
                              'wasm-unsafe-eval'), a nonce or a hash, or remove it"
            .to_owned(),
        C::InvalidNonce => {
            "make nonces base64 of at least 16 random bytes, new for every response \
             (letters, digits, `+/-_`, up to two `=`)"
                .to_owned()
        }
        C::InvalidHash => "write the base64 SHA-256, SHA-384 or SHA-512 digest of the exact \
                           script or style text"
            .to_owned(),
        C::InvalidSource => "write `scheme://host[:port][/path]`, `scheme:`, `*` or a quoted \
                             keyword; otherwise remove the token"
            .to_owned(),
        C::SchemeMissingColon => format!("write the scheme with its colon: `{value}:`"),
        C::NonAscii => "write host names as punycode (`xn--…`) and percent-encode paths".to_owned(),
        C::ControlCharacter => "remove the control character".to_owned(),
        C::DuplicateDirective => {
            format!("merge the sources into the first `{directive}` and remove this copy")
        }
        C::DeprecatedDirective => deprecated_fix(directive).to_owned(),
        C::EmptyDirective if matches!(directive, "report-uri" | "report-to") => {
            "give the endpoint (report-uri URL, report-to group) or remove the directive".to_owned()
        }
        C::EmptyDirective => "write 'none' if nothing is meant to be allowed; otherwise list \
                              the sources"
            .to_owned(),
        C::UnexpectedValue => format!("remove `{value}`: `{directive}` takes no value"),
        C::NoneWithOtherSources => "remove 'none', or the other sources if nothing is meant \
                                    to be allowed"
            .to_owned(),
        C::DuplicateSource => "remove the copy".to_owned(),
        C::EmptyHeader => "send a policy, or no header at all".to_owned(),
        C::EmptyPolicy => "remove the stray comma".to_owned(),
        C::HeaderNameIncluded => "pass only the header's value".to_owned(),
    }
}

/// What replaces each removed directive. CSP Evaluator names the headers
/// for `reflected-xss`, `referrer` and `disown-opener`.
fn deprecated_fix(directive: &str) -> &'static str {
    match directive {
        // X-XSS-Protection, which CSP Evaluator suggests, is gone from
        // browsers too (https://developer.mozilla.org/docs/Web/HTTP/Headers/X-XSS-Protection).
        "reflected-xss" => "remove it: browsers dropped XSS auditors; restrict script-src instead",
        "referrer" => "remove it and send a Referrer-Policy header",
        "disown-opener" => "remove it and send a Cross-Origin-Opener-Policy header",
        "plugin-types" => "remove it and set object-src 'none'",
        "block-all-mixed-content" => {
            "remove it: browsers block or upgrade mixed content anyway; add \
             upgrade-insecure-requests if pages still reference http: URLs"
        }
        "prefetch-src" => "remove it: prefetches are decided by default-src",
        "navigate-to" => "remove it: no browser shipped it",
        "require-sri-for" => "remove it: no browser ships it; add integrity= attributes instead",
        _ => "remove it",
    }
}

/// CSP Evaluator's `checkInvalidKeyword` for the Trusted Types
/// directives: `require-trusted-types-for` takes `'script'`;
/// `trusted-types` takes policy names, `*`, `'none'` and
/// `'allow-duplicates'`.
fn trusted_types_keywords(ctx: &mut Ctx<'_>) {
    let mut found = Vec::new();
    for (index, policy) in ctx.policies.iter().enumerate() {
        for name in ["require-trusted-types-for", "trusted-types"] {
            let Some(entry) = policy.directive(name) else {
                continue;
            };
            for (i, source) in entry.sources.iter().enumerate() {
                let SourceExpr::Raw(text) = source else {
                    continue;
                };
                let allowed: &[&str] = if name == "trusted-types" {
                    &["'none'", "'allow-duplicates'"]
                } else {
                    &["'script'"]
                };
                let quoted = text.starts_with('\'');
                let ok = allowed.iter().any(|a| a.eq_ignore_ascii_case(text))
                    || (name == "trusted-types" && !quoted);
                if ok {
                    continue;
                }
                let expected = allowed.join(" or ");
                found.push(
                    EvalFinding::new(
                        Check::InvalidKeyword,
                        format!("`{text}` is not a keyword of `{name}`: browsers ignore it"),
                        format!("write {expected}"),
                    )
                    .at_source(index, entry, i),
                );
            }
        }
    }
    ctx.findings.extend(found);
}
