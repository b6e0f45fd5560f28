use offsite_model::{Severity, Sink, Tier};

use crate::rule::{Context, Violation, by_consent, consent_note, declare_rule, describe_target};

declare_rule! {
    /// ## What it does
    /// Finds requests for data sent to a third-party host: `fetch`,
    /// `XMLHttpRequest`, `$.ajax`/`$.get`/`$.getJSON`, `mw.ForeignApi`,
    /// `WebSocket`, `EventSource` and `navigator.sendBeacon`.
    ///
    /// ## Why is this bad?
    /// The request carries the reader's IP address and user agent, often the
    /// page title or selected text, to an operator outside the wiki's privacy
    /// policy. Wikimedia's long-standing rule is that external data is loaded
    /// only after the user consents, and only from gadgets that are not on by
    /// default. JSONP is executable and reported by OS101 instead.
    ///
    /// ## CSP impact
    /// Needs the host in `connect-src` (which falls back to `default-src`).
    ///
    /// ## Severity
    /// - `error` when the request is sent without consent;
    /// - `warning` when the analysis cannot tell whether it is gated;
    /// - `info` when it is sent only after a user action or opt-in.
    ///
    /// ## Example
    /// ```js
    /// $(function () {
    ///     fetch('https://translate.example.com/api?q=' + encodeURIComponent(mw.config.get('wgTitle')));
    /// });
    /// ```
    ///
    /// ## Use instead
    /// Ask first, and send only what the user chose:
    /// ```js
    /// mw.util.addPortletLink('p-tb', '#', 'Translate', 't-translate');
    /// $('#t-translate').on('click', function (e) {
    ///     e.preventDefault();
    ///     fetch('https://translate.example.com/api?q=' + encodeURIComponent(getSelection()));
    /// });
    /// ```
    const REMOTE_DATA_REQUEST = {
        code: "OS103",
        name: "remote-data-request",
        default_severity: Error,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    let what = match ctx.load.sink {
        Sink::Fetch | Sink::Xhr => "sends a request to",
        Sink::Beacon => "sends a beacon to",
        Sink::Websocket => "opens a WebSocket connection to",
        Sink::Eventsource => "opens an event stream from",
        _ => return None,
    };
    if ctx.tier != Tier::ThirdParty {
        return None;
    }
    Some(Violation {
        severity: by_consent(
            ctx.load.consent,
            [Severity::Error, Severity::Warning, Severity::Info],
        ),
        message: format!(
            "`{}` {what} third-party host {}{}",
            ctx.load.api,
            describe_target(ctx),
            consent_note(ctx.load)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::REMOTE_DATA_REQUEST;
    use crate::rules::testing::{case, gated, load, run, unknown_consent};

    #[test]
    fn fixture() {
        let api = "https://translate.example.com/api?q=${…}";
        let cases = [
            case(
                "bad fetch on load",
                load("fetch", Sink::Fetch, api),
                Tier::ThirdParty,
            ),
            case(
                "bad xhr, consent unknown",
                unknown_consent(
                    load("XMLHttpRequest.open", Sink::Xhr, api),
                    "callback passed to an unknown function",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad gated websocket",
                gated(
                    load(
                        "new WebSocket",
                        Sink::Websocket,
                        "wss://live.example.com/feed",
                    ),
                    "click handler",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad beacon",
                load(
                    "navigator.sendBeacon",
                    Sink::Beacon,
                    "https://stats.example.com/b",
                ),
                Tier::ThirdParty,
            ),
            case(
                "ok first-party api",
                load(
                    "$.getJSON",
                    Sink::Fetch,
                    "https://www.wikidata.org/w/api.php?action=wbgetentities",
                ),
                Tier::FirstParty,
            ),
            case(
                "ok wmcs api",
                load(
                    "fetch",
                    Sink::Fetch,
                    "https://xtools.wmcloud.org/api/page/x",
                ),
                Tier::Wmcs,
            ),
            case(
                "ok jsonp is OS101",
                load("$.ajax", Sink::Jsonp, api),
                Tier::ThirdParty,
            ),
        ];
        insta::assert_snapshot!(run(&REMOTE_DATA_REQUEST, &cases));
    }
}
