use offsite_model::{Severity, Tier};

use crate::rule::{
    Context, Violation, by_consent, consent_note, declare_rule, describe_target, sink_noun,
};

declare_rule! {
    /// ## What it does
    /// Finds executable code (scripts, JSONP, workers, modules) loaded from
    /// Wikimedia Cloud Services: Toolforge (`*.toolforge.org`), Cloud VPS
    /// (`*.wmcloud.org`, `*.wmflabs.org`) and `tools-static`.
    ///
    /// ## Why is this bad?
    /// Cloud Services are run by Wikimedia but are not production: tools are
    /// maintained by volunteers, deployed without review, and any maintainer
    /// of the tool can change the code every reader of the gadget runs. A
    /// compromised tool account becomes a compromised wiki. Wikimedia's
    /// Security team counts these loads separately from third-party ones, and
    /// the enforced CSP lists only the hosts it reviewed.
    ///
    /// ## CSP impact
    /// Needs the tool's host in `script-src` (`worker-src` for workers).
    ///
    /// ## Severity
    /// - `warning` when the code loads without consent or the analysis cannot
    ///   tell;
    /// - `info` when it loads only after a user action or opt-in.
    ///
    /// ## Example
    /// ```js
    /// mw.loader.load('https://mytool.toolforge.org/gadget.js');
    /// ```
    ///
    /// ## Use instead
    /// Move the code onto the wiki as a gadget page, and call the tool's API
    /// for data only (a `connect-src` load, after consent):
    /// ```js
    /// mw.loader.using('ext.gadget.mytool').then(function () {
    ///     mytool.init();
    /// });
    /// ```
    const EXECUTABLE_CODE_FROM_WMCS = {
        code: "OS205",
        name: "executable-code-from-wmcs",
        default_severity: Warning,
        remote: false,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if ctx.tier != Tier::Wmcs || !ctx.load.sink.is_executable() {
        return None;
    }
    Some(Violation {
        severity: by_consent(
            ctx.load.consent,
            [Severity::Warning, Severity::Warning, Severity::Info],
        ),
        message: format!(
            "`{}` loads {} from Cloud Services host {}{}",
            ctx.load.api,
            sink_noun(ctx.load.sink),
            describe_target(ctx),
            consent_note(ctx.load)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::EXECUTABLE_CODE_FROM_WMCS;
    use crate::rules::testing::{case, gated, load, run};

    #[test]
    fn fixture() {
        let tool = "https://mytool.toolforge.org/gadget.js";
        let cases = [
            case(
                "bad toolforge script",
                load("mw.loader.load", Sink::Script, tool),
                Tier::Wmcs,
            ),
            case(
                "bad gated jsonp",
                gated(
                    load(
                        "$.ajax",
                        Sink::Jsonp,
                        "https://x.wmcloud.org/api?callback=?",
                    ),
                    "click handler",
                ),
                Tier::Wmcs,
            ),
            case(
                "ok wmcs data",
                load("fetch", Sink::Fetch, "https://x.wmcloud.org/api"),
                Tier::Wmcs,
            ),
            case(
                "ok wmcs font",
                load(
                    "url()",
                    Sink::Font,
                    "https://tools-static.wmflabs.org/fontcdn/x.woff2",
                ),
                Tier::Wmcs,
            ),
            case(
                "ok third party (OS101)",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "https://cdn.example.com/x.js",
                ),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&EXECUTABLE_CODE_FROM_WMCS, &cases));
    }
}
