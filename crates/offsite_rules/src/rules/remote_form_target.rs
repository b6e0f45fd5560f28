use offsite_model::{Severity, Sink, Tier};

use crate::rule::{Context, Violation, by_consent, declare_rule, describe_target};

declare_rule! {
    /// ## What it does
    /// Finds forms that submit to a third-party host: `<form action>`, a
    /// form built in JavaScript with an `action` outside first party.
    ///
    /// ## Why is this bad?
    /// Whatever the reader types (search terms, text to translate, sometimes
    /// more) leaves the wiki for an operator outside its privacy policy, and
    /// readers rarely notice that a form on a wiki page posts elsewhere.
    ///
    /// ## CSP impact
    /// Needs the host in `form-action` (which does not fall back to
    /// `default-src`).
    ///
    /// ## Severity
    /// - `warning` for a form built on page load, or when the analysis cannot
    ///   tell;
    /// - `info` when the form is only built after a user action.
    ///
    /// Submitting a form is itself a user action, which is why this rule is
    /// never an error and OS202 does not report forms.
    ///
    /// ## Example
    /// ```html
    /// <form action="https://search.example.com/search"><input name="q"></form>
    /// ```
    ///
    /// ## Use instead
    /// Link to the external service, so the reader sees where they go:
    /// ```html
    /// <a href="https://search.example.com/">Search on example.com</a>
    /// ```
    const REMOTE_FORM_TARGET = {
        code: "OS106",
        name: "remote-form-target",
        default_severity: Warning,
        remote: true,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if ctx.tier != Tier::ThirdParty || ctx.load.sink != Sink::Form {
        return None;
    }
    Some(Violation {
        severity: by_consent(
            ctx.load.consent,
            [Severity::Warning, Severity::Warning, Severity::Info],
        ),
        message: format!(
            "`{}` submits a form to third-party host {}",
            ctx.load.api,
            describe_target(ctx)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Sink, Tier};

    use super::REMOTE_FORM_TARGET;
    use crate::rules::testing::{case, gated, load, run};

    #[test]
    fn fixture() {
        let target = "https://search.example.com/search";
        let cases = [
            case(
                "bad static form",
                load("<form action>", Sink::Form, target),
                Tier::ThirdParty,
            ),
            case(
                "bad form built on click",
                gated(load("form.action", Sink::Form, target), "click handler"),
                Tier::ThirdParty,
            ),
            case(
                "ok on-wiki search",
                load("<form action>", Sink::Form, "/w/index.php"),
                Tier::FirstParty,
            ),
            case(
                "ok wmcs tool",
                load(
                    "<form action>",
                    Sink::Form,
                    "https://tool.toolforge.org/run",
                ),
                Tier::Wmcs,
            ),
        ];
        insta::assert_snapshot!(run(&REMOTE_FORM_TARGET, &cases));
    }
}
