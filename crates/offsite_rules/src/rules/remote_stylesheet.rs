use offsite_model::{Severity, Sink, Tier};

use crate::rule::{Context, Violation, by_consent, consent_note, declare_rule, describe_target};

declare_rule! {
    /// ## What it does
    /// Finds stylesheets loaded from a third-party host: `<link
    /// rel=stylesheet>`, `mw.loader.load(url, 'text/css')`,
    /// `importStylesheetURI`, CSS `@import`.
    ///
    /// ## Why is this bad?
    /// Every reader's browser contacts the host, which learns their IP
    /// address, user agent and (through the referrer) the page they read. A
    /// stylesheet can also change what the page shows and, with attribute
    /// selectors and `url()`, leak what is on it.
    ///
    /// ## CSP impact
    /// Needs the host in `style-src`.
    ///
    /// ## Severity
    /// - `warning` when the stylesheet loads without consent or the analysis
    ///   cannot tell;
    /// - `info` when it loads only after a user action or opt-in.
    ///
    /// ## Example
    /// ```js
    /// mw.loader.load('https://cdn.example.com/theme/1.4.0/theme.css', 'text/css');
    /// ```
    ///
    /// ## Use instead
    /// Copy the styles into a gadget's CSS page, or a styles-only gadget:
    /// ```js
    /// mw.loader.load('ext.gadget.theme-styles');
    /// ```
    const REMOTE_STYLESHEET = {
        code: "OS102",
        name: "remote-stylesheet",
        default_severity: Warning,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if ctx.tier != Tier::ThirdParty || ctx.load.sink != Sink::Style {
        return None;
    }
    Some(Violation {
        severity: by_consent(
            ctx.load.consent,
            [Severity::Warning, Severity::Warning, Severity::Info],
        ),
        message: format!(
            "`{}` loads a stylesheet from third-party host {}{}",
            ctx.load.api,
            describe_target(ctx),
            consent_note(ctx.load)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::REMOTE_STYLESHEET;
    use crate::rules::testing::{case, gated, load, run};

    #[test]
    fn fixture() {
        let css = "https://cdn.example.com/theme/1.4.0/theme.css";
        let cases = [
            case(
                "bad ungated",
                load("mw.loader.load", Sink::Style, css),
                Tier::ThirdParty,
            ),
            case(
                "bad @import",
                load("@import", Sink::Style, css),
                Tier::ThirdParty,
            ),
            case(
                "bad gated",
                gated(load("importStylesheetURI", Sink::Style, css), "confirm()"),
                Tier::ThirdParty,
            ),
            case(
                "ok first party",
                load(
                    "importStylesheet",
                    Sink::Style,
                    "/w/index.php?title=MediaWiki:X.css",
                ),
                Tier::FirstParty,
            ),
            case(
                "ok wmcs",
                load(
                    "@import",
                    Sink::Style,
                    "https://tools-static.wmflabs.org/fontcdn/css?family=Lato",
                ),
                Tier::Wmcs,
            ),
            case(
                "ok script",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "https://cdn.example.com/x.js",
                ),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&REMOTE_STYLESHEET, &cases));
    }
}
