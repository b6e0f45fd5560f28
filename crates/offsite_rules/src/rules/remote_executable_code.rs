use offsite_model::{Severity, Tier};

use crate::rule::{
    Context, Violation, by_consent, consent_note, declare_rule, describe_target, sink_noun,
};

declare_rule! {
    /// ## What it does
    /// Finds executable code loaded from a third-party host: `<script src>`,
    /// `mw.loader.load(url)`, `$.getScript`, `importScriptURI`, JSONP, web
    /// workers and `import()` of a URL outside first party and Wikimedia Cloud
    /// Services.
    ///
    /// ## Why is this bad?
    /// A script runs with the full rights of the reader's session: it can edit
    /// pages, read private data and change preferences as the user. Whoever
    /// controls the host (or buys the domain when it lapses, or breaks into
    /// the CDN) controls every reader who runs the gadget. The host also
    /// learns the reader's IP address, user agent and the page they read.
    /// Wikimedia's long-standing rule (T239077) is that external scripts are
    /// ideally never loaded, and its enforced CSP blocks hosts that are not
    /// on its allowlist.
    ///
    /// Loads from Wikimedia Cloud Services are reported by OS205 instead, and
    /// loads whose host cannot be worked out by OS201.
    ///
    /// ## CSP impact
    /// Needs the host in `script-src` (`worker-src` for workers).
    ///
    /// ## Severity
    /// - `error` when the load runs without consent, or when the analysis
    ///   cannot tell;
    /// - `warning` when it runs only after a user action or opt-in.
    ///
    /// ## Example
    /// ```js
    /// mw.loader.load('https://cdn.example.com/widget/2.1.0/widget.min.js');
    /// ```
    ///
    /// ## Use instead
    /// Copy the library into a gadget page (respecting its licence) and load
    /// it as a ResourceLoader module:
    /// ```js
    /// mw.loader.using('ext.gadget.widget').then(function () {
    ///     widget.init();
    /// });
    /// ```
    const REMOTE_EXECUTABLE_CODE = {
        code: "OS101",
        name: "remote-executable-code",
        default_severity: Error,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if ctx.tier != Tier::ThirdParty || !ctx.load.sink.is_executable() {
        return None;
    }
    let severity = by_consent(
        ctx.load.consent,
        [Severity::Error, Severity::Error, Severity::Warning],
    );
    Some(Violation {
        severity,
        message: format!(
            "`{}` loads {} from third-party host {}{}",
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

    use super::REMOTE_EXECUTABLE_CODE;
    use crate::rules::testing::{Case, case, gated, load, run, unknown_consent};

    #[test]
    fn fixture() {
        let cdn = "https://cdn.example.com/lib/1.0.0/lib.js";
        let cases = [
            case(
                "bad ungated script",
                load("mw.loader.load", Sink::Script, cdn),
                Tier::ThirdParty,
            ),
            case(
                "bad gated script",
                gated(load("$.getScript", Sink::Script, cdn), "click handler"),
                Tier::ThirdParty,
            ),
            case(
                "bad jsonp, consent unknown",
                unknown_consent(
                    load(
                        "$.ajax",
                        Sink::Jsonp,
                        "https://api.example.net/q?callback=?",
                    ),
                    "inside mw.hook callback",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad worker",
                load("new Worker", Sink::Worker, "https://w.example.org/w.js"),
                Tier::ThirdParty,
            ),
            Case {
                label: "bad entity named",
                load: load(
                    "importScriptURI",
                    Sink::Script,
                    "https://cdn.jsdelivr.net/npm/x@1.0.0/x.js",
                ),
                tier: Tier::ThirdParty,
                entity: Some("jsDelivr"),
            },
            case(
                "ok first party",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "//en.wikipedia.org/w/index.php?title=X.js&action=raw",
                ),
                Tier::FirstParty,
            ),
            case(
                "ok wmcs (OS205)",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "https://tools.toolforge.org/x.js",
                ),
                Tier::Wmcs,
            ),
            case(
                "ok unknown host (OS201)",
                load("mw.loader.load", Sink::Script, "${…}/x.js"),
                Tier::Unknown,
            ),
            case(
                "ok third-party image",
                load("img.src", Sink::Image, "https://img.example.com/a.png"),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&REMOTE_EXECUTABLE_CODE, &cases));
    }
}
