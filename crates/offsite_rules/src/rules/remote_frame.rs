use offsite_model::{Severity, Sink, Tier};

use crate::rule::{Context, Violation, by_consent, consent_note, declare_rule, describe_target};

declare_rule! {
    /// ## What it does
    /// Finds frames whose content comes from a third-party host: `<iframe
    /// src>`, `document.createElement('iframe')` with a `src`.
    ///
    /// ## Why is this bad?
    /// The framed page runs the third party's own scripts, sets its own
    /// cookies and learns the reader's IP address and the page they read
    /// (through the referrer). It can also show content that looks like part
    /// of the wiki.
    ///
    /// ## CSP impact
    /// Needs the host in `frame-src` (which falls back to `child-src`, then
    /// `default-src`).
    ///
    /// ## Severity
    /// - `warning` when the frame loads without consent or the analysis
    ///   cannot tell;
    /// - `info` when it loads only after a user action or opt-in (a
    ///   click-to-load map, say).
    ///
    /// ## Example
    /// ```js
    /// $('#map').append('<iframe src="https://maps.example.com/embed?q=Paris"></iframe>');
    /// ```
    ///
    /// ## Use instead
    /// Show a placeholder and load the frame on request:
    /// ```js
    /// $('#map').one('click', function () {
    ///     $(this).append('<iframe src="https://maps.example.com/embed?q=Paris"></iframe>');
    /// });
    /// ```
    const REMOTE_FRAME = {
        code: "OS105",
        name: "remote-frame",
        default_severity: Warning,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if ctx.tier != Tier::ThirdParty || ctx.load.sink != Sink::Iframe {
        return None;
    }
    Some(Violation {
        severity: by_consent(
            ctx.load.consent,
            [Severity::Warning, Severity::Warning, Severity::Info],
        ),
        message: format!(
            "`{}` frames a page from third-party host {}{}",
            ctx.load.api,
            describe_target(ctx),
            consent_note(ctx.load)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::REMOTE_FRAME;
    use crate::rules::testing::{case, gated, load, run};

    #[test]
    fn fixture() {
        let map = "https://maps.example.com/embed?q=${…}";
        let cases = [
            case(
                "bad embed on load",
                load("<iframe src>", Sink::Iframe, map),
                Tier::ThirdParty,
            ),
            case(
                "bad click to load",
                gated(load("<iframe src>", Sink::Iframe, map), "click handler"),
                Tier::ThirdParty,
            ),
            case(
                "ok first-party frame",
                load(
                    "<iframe src>",
                    Sink::Iframe,
                    "https://commons.wikimedia.org/wiki/File:X.webm?embedplayer=yes",
                ),
                Tier::FirstParty,
            ),
            case(
                "ok image",
                load(
                    "<img src>",
                    Sink::Image,
                    "https://maps.example.com/tile.png",
                ),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&REMOTE_FRAME, &cases));
    }
}
