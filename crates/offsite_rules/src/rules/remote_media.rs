use offsite_model::{Severity, Sink, Tier};

use crate::rule::{Context, Violation, by_consent, consent_note, declare_rule, describe_target};

declare_rule! {
    /// ## What it does
    /// Finds images, fonts, audio and video, preloads and other passive
    /// resources fetched from a third-party host: `new Image().src`, `<img
    /// src>`, CSS `url()` and `@font-face`, `<video src>`, `<link
    /// rel=prefetch>`.
    ///
    /// ## Why is this bad?
    /// Nothing runs, but every reader's browser still contacts the host, which
    /// learns their IP address, user agent and (through the referrer) the page
    /// they read: a tracking pixel is an image. Web fonts from a font CDN are
    /// the most common case.
    ///
    /// ## CSP impact
    /// Needs the host in `img-src`, `font-src` or `media-src`; preloads and
    /// other loads fall under `default-src`.
    ///
    /// ## Severity
    /// - `warning` when the resource loads without consent or the analysis
    ///   cannot tell;
    /// - `info` when it loads only after a user action or opt-in.
    ///
    /// ## Example
    /// ```css
    /// @font-face {
    ///     font-family: "Fancy";
    ///     src: url("https://fonts.example.com/fancy.woff2") format("woff2");
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Upload freely licensed images to Commons, and use fonts the wiki
    /// already serves (or its WMCS font mirror, after review):
    /// ```css
    /// .my-gadget { font-family: sans-serif; }
    /// ```
    const REMOTE_MEDIA = {
        code: "OS104",
        name: "remote-media",
        default_severity: Warning,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    let noun = match ctx.load.sink {
        Sink::Image => "an image",
        Sink::Font => "a font",
        Sink::Media => "audio or video",
        Sink::Prefetch => "a preloaded resource",
        Sink::Other => "a resource",
        _ => return None,
    };
    if ctx.tier != Tier::ThirdParty {
        return None;
    }
    Some(Violation {
        severity: by_consent(
            ctx.load.consent,
            [Severity::Warning, Severity::Warning, Severity::Info],
        ),
        message: format!(
            "`{}` loads {noun} from third-party host {}{}",
            ctx.load.api,
            describe_target(ctx),
            consent_note(ctx.load)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::REMOTE_MEDIA;
    use crate::rules::testing::{case, gated, load, run};

    #[test]
    fn fixture() {
        let cases = [
            case(
                "bad font",
                load("url()", Sink::Font, "https://fonts.example.com/fancy.woff2"),
                Tier::ThirdParty,
            ),
            case(
                "bad pixel",
                load(
                    "new Image().src",
                    Sink::Image,
                    "https://stats.example.com/p.gif?u=${…}",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad gated video",
                gated(
                    load(
                        "<video src>",
                        Sink::Media,
                        "https://media.example.com/v.mp4",
                    ),
                    "click handler",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad prefetch",
                load(
                    "<link rel=prefetch>",
                    Sink::Prefetch,
                    "https://cdn.example.com/next.js",
                ),
                Tier::ThirdParty,
            ),
            case(
                "ok commons image",
                load(
                    "<img src>",
                    Sink::Image,
                    "https://upload.wikimedia.org/a.png",
                ),
                Tier::FirstParty,
            ),
            case(
                "ok wmcs font mirror",
                load(
                    "url()",
                    Sink::Font,
                    "https://tools-static.wmflabs.org/fontcdn/x.woff2",
                ),
                Tier::Wmcs,
            ),
            case(
                "ok data request is OS103",
                load("fetch", Sink::Fetch, "https://api.example.com/"),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&REMOTE_MEDIA, &cases));
    }
}
