use offsite_model::{Severity, Tier};

use crate::rule::{Context, Violation, declare_rule, sink_noun};

declare_rule! {
    /// ## What it does
    /// Finds loads whose target host cannot be worked out from the code: the
    /// URL is built at run time from a variable, a parameter, a server
    /// response or user input. The message shows the expression that defeated
    /// the analysis.
    ///
    /// ## Why is this bad?
    /// Nobody reading the code (and no tool) can say where the load goes, so
    /// it cannot be reviewed or allowlisted. A script URL taken from the page,
    /// the query string or another site's answer can be pointed anywhere.
    ///
    /// ## CSP impact
    /// Unknown: the load needs whatever host it reaches at run time in the
    /// directive for its kind (`script-src` for scripts).
    ///
    /// ## Severity
    /// - `warning` for executable loads (scripts, JSONP, workers, modules);
    /// - `info` for everything else.
    ///
    /// ## Example
    /// ```js
    /// var base = mw.config.get('wgUserLanguage') === 'de' ? deMirror : mirror;
    /// mw.loader.load(base + '/tool.js');
    /// ```
    ///
    /// ## Use instead
    /// Write the target as a constant, so it can be read and reviewed:
    /// ```js
    /// mw.loader.load('/w/index.php?title=MediaWiki:Gadget-tool.js&action=raw&ctype=text/javascript');
    /// ```
    const UNRESOLVABLE_LOAD_TARGET = {
        code: "OS201",
        name: "unresolvable-load-target",
        default_severity: Warning,
        remote: false,
        check: check,
    };
}

fn check(ctx: &Context<'_>) -> Option<Violation> {
    if ctx.tier != Tier::Unknown {
        return None;
    }
    let load = ctx.load;
    let severity = if load.sink.is_executable() {
        Severity::Warning
    } else {
        Severity::Info
    };
    let why = match (&load.dynamic_expr, &load.url) {
        (Some(expr), _) => format!(": `{expr}` is only known at run time"),
        (None, Some(url)) => format!(": only `{url}` is known"),
        (None, None) => String::new(),
    };
    Some(Violation {
        severity,
        message: format!(
            "cannot tell where `{}` goes ({}){why}",
            load.api,
            sink_noun(load.sink)
        ),
    })
}

#[cfg(test)]
mod tests {
    use offsite_model::{Load, Sink, Tier};

    use super::UNRESOLVABLE_LOAD_TARGET;
    use crate::rules::testing::{case, dynamic, load, run};

    #[test]
    fn fixture() {
        let cases = [
            case(
                "bad dynamic script",
                dynamic(
                    load("mw.loader.load", Sink::Script, "${…}/tool.js"),
                    "base + '/tool.js'",
                ),
                Tier::Unknown,
            ),
            case(
                "bad fetch of a parameter",
                dynamic(Load::new(0, 9, "fetch", Sink::Fetch), "url"),
                Tier::Unknown,
            ),
            case(
                "bad nothing known",
                Load::new(0, 9, "$.getScript", Sink::Script),
                Tier::Unknown,
            ),
            case(
                "ok dynamic path, known host",
                dynamic(
                    load("fetch", Sink::Fetch, "https://api.example.com/${…}"),
                    "path",
                ),
                Tier::ThirdParty,
            ),
            case(
                "ok same wiki",
                load(
                    "importScript",
                    Sink::Script,
                    "${wgServer}/w/index.php?title=X",
                ),
                Tier::FirstParty,
            ),
        ];
        insta::assert_snapshot!(run(&UNRESOLVABLE_LOAD_TARGET, &cases));
    }
}
