use offsite_model::{Severity, split_url};

use crate::rule::{Context, Violation, declare_rule, sink_noun};

declare_rule! {
    /// ## What it does
    /// Finds loads over plain `http:` or `ws:`, whatever the host.
    ///
    /// ## Why is this bad?
    /// Anyone on the path (public Wi-Fi, an ISP, a state firewall) can read
    /// and change what is loaded. For a script that means running their code
    /// in the reader's session. Wikis are served over HTTPS, so browsers block
    /// most such loads as mixed content anyway: the gadget is also broken.
    ///
    /// ## CSP impact
    /// Needs an `http:` host source in the load's directive, which
    /// Wikimedia's policy never grants.
    ///
    /// ## Severity
    /// - `error` for executable loads (scripts, JSONP, workers, modules);
    /// - `warning` for everything else.
    ///
    /// ## Example
    /// ```js
    /// importScriptURI('http://tools.example.org/helper.js');
    /// ```
    ///
    /// ## Use instead
    /// Use `https:` (or `wss:`):
    /// ```js
    /// importScriptURI('https://tools.example.org/helper.js');
    /// ```
    const PLAIN_HTTP_LOAD = {
        code: "OS203",
        name: "plain-http-load",
        default_severity: Warning,
        remote: false,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    let url = ctx.load.url.as_deref()?;
    let scheme = split_url(url).scheme?;
    if scheme != "http" && scheme != "ws" {
        return None;
    }
    let severity = if ctx.load.sink.is_executable() {
        Severity::Error
    } else {
        Severity::Warning
    };
    Some(Violation {
        severity,
        message: format!(
            "`{}` reaches `{}` over unencrypted `{scheme}:` ({})",
            ctx.load.api,
            ctx.load.host.as_deref().unwrap_or(url),
            sink_noun(ctx.load.sink)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::PLAIN_HTTP_LOAD;
    use crate::rules::testing::{case, load, run};

    #[test]
    fn fixture() {
        let cases = [
            case(
                "bad http script",
                load(
                    "importScriptURI",
                    Sink::Script,
                    "http://tools.example.org/helper.js",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad http image, first party",
                load(
                    "<img src>",
                    Sink::Image,
                    "HTTP://upload.wikimedia.org/a.png",
                ),
                Tier::FirstParty,
            ),
            case(
                "bad ws",
                load("new WebSocket", Sink::Websocket, "ws://live.example.com/"),
                Tier::ThirdParty,
            ),
            case(
                "ok https",
                load(
                    "importScriptURI",
                    Sink::Script,
                    "https://tools.example.org/helper.js",
                ),
                Tier::ThirdParty,
            ),
            case(
                "ok protocol-relative",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "//meta.wikimedia.org/w/index.php",
                ),
                Tier::FirstParty,
            ),
            case(
                "ok relative",
                load("importScript", Sink::Script, "/w/index.php?title=X"),
                Tier::FirstParty,
            ),
            case(
                "ok wss",
                load("new WebSocket", Sink::Websocket, "wss://live.example.com/"),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&PLAIN_HTTP_LOAD, &cases));
    }
}
