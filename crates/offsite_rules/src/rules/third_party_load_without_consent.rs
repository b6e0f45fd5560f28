use offsite_model::{Consent, Severity, Sink, Tier};

use crate::rule::{Context, Violation, declare_rule, describe_target};

declare_rule! {
    /// ## What it does
    /// Finds loads from a third-party host that happen without the user
    /// asking for them: at page load, in a `mw.hook` callback, after
    /// `mw.loader.using`, rather than in a click handler, after `confirm()`,
    /// or behind a stored opt-in. Loads where the analysis cannot tell are
    /// reported too, with the reason.
    ///
    /// ## Why is this bad?
    /// A reader who never opted in still hands their IP address, user agent
    /// and the page they read to the third party. Wikimedia's de-facto rule
    /// (T239077) is that external resources load only with the user's
    /// consent; a gadget on by default breaks it for every reader.
    ///
    /// This rule looks at consent only; OS101–OS106 report the same load by
    /// what it fetches. Form targets are left out: submitting a form is
    /// itself a user action. Add configured consent checks with
    /// `consent-functions` in `offsite.toml`.
    ///
    /// ## CSP impact
    /// None of its own: the load needs its host in the directive for its
    /// kind.
    ///
    /// ## Severity
    /// - `warning` when the load happens without consent;
    /// - `info` when the analysis cannot tell.
    ///
    /// ## Example
    /// ```js
    /// mw.hook('wikipage.content').add(function ($content) {
    ///     $content.find('.map').each(function () {
    ///         $(this).append($('<img>').attr('src', 'https://tiles.example.com/' + this.id + '.png'));
    ///     });
    /// });
    /// ```
    ///
    /// ## Use instead
    /// Load on request, or behind a preference the user set:
    /// ```js
    /// if (mw.user.options.get('userjs-maps-consent') === '1') {
    ///     showMaps();
    /// }
    /// ```
    const THIRD_PARTY_LOAD_WITHOUT_CONSENT = {
        code: "OS202",
        name: "third-party-load-without-consent",
        default_severity: Warning,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    let load = ctx.load;
    if ctx.tier != Tier::ThirdParty || load.sink == Sink::Form {
        return None;
    }
    let target = describe_target(ctx);
    match load.consent {
        Consent::Gated => None,
        Consent::Ungated => Some(Violation {
            severity: Severity::Warning,
            message: format!(
                "`{}` contacts third-party host {target} without consent",
                load.api
            ),
        }),
        Consent::Unknown => Some(Violation {
            severity: Severity::Info,
            message: format!(
                "cannot tell whether `{}` contacts third-party host {target} only with consent: {}",
                load.api,
                load.consent_reason.as_deref().unwrap_or("no reason given")
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::THIRD_PARTY_LOAD_WITHOUT_CONSENT;
    use crate::rules::testing::{case, gated, load, run, unknown_consent};

    #[test]
    fn fixture() {
        let tile = "https://tiles.example.com/${…}.png";
        let cases = [
            case(
                "bad image in hook",
                load("img.src", Sink::Image, tile),
                Tier::ThirdParty,
            ),
            case(
                "bad script at load",
                load(
                    "mw.loader.load",
                    Sink::Script,
                    "https://cdn.example.com/x.js",
                ),
                Tier::ThirdParty,
            ),
            case(
                "bad unknown",
                unknown_consent(
                    load("fetch", Sink::Fetch, "https://api.example.com/"),
                    "callback passed to `init`",
                ),
                Tier::ThirdParty,
            ),
            case(
                "ok click handler",
                gated(load("img.src", Sink::Image, tile), "click handler"),
                Tier::ThirdParty,
            ),
            case(
                "ok form",
                load("<form action>", Sink::Form, "https://search.example.com/"),
                Tier::ThirdParty,
            ),
            case(
                "ok first party",
                load("fetch", Sink::Fetch, "https://www.wikidata.org/w/api.php"),
                Tier::FirstParty,
            ),
            case(
                "ok wmcs",
                load("fetch", Sink::Fetch, "https://x.toolforge.org/api"),
                Tier::Wmcs,
            ),
        ];
        insta::assert_snapshot!(run(&THIRD_PARTY_LOAD_WITHOUT_CONSENT, &cases));
    }
}
