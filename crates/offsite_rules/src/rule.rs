//! What a rule is: a code, a name, its documentation and a check over one
//! classified load.

use offsite_model::{Consent, Load, RuleInfo, Severity, Sink, Source, Tier};

/// Everything a rule may look at: one load after classification.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub load: &'a Load,
    pub tier: Tier,
    pub entity: Option<&'a str>,
    pub source: &'a Source,
}

/// A rule's verdict before policy (severity overrides, exemptions,
/// suppressions) is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    /// The severity the rule reports most often; the real one depends on the
    /// load (see each rule's "Severity" section).
    pub default_severity: Severity,
    /// The rule's doc comment, lines joined with `\n`, each line still
    /// carrying the single leading space rustdoc keeps.
    pub raw_docs: &'static str,
    /// Is this a "the load leaves first party" finding, silenced by `[[allow]]`?
    pub remote: bool,
    pub check: fn(&Context<'_>) -> Option<Violation>,
}

impl Rule {
    /// The documentation as Markdown (the doc comment without rustdoc's
    /// leading space).
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.raw_docs.len());
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_owned() + "\n"
    }

    /// The first sentence of the "What it does" section.
    pub fn summary(&self) -> String {
        let docs = self.docs();
        let body = docs
            .split_once("## What it does")
            .map_or(docs.as_str(), |(_, b)| b);
        let paragraph: Vec<&str> = body
            .lines()
            .map(str::trim)
            .skip_while(|l| l.is_empty())
            .take_while(|l| !l.is_empty())
            .collect();
        let paragraph = paragraph.join(" ");
        match paragraph.find(". ") {
            Some(end) => paragraph[..=end].to_owned(),
            None => paragraph,
        }
    }

    pub fn info(&self) -> RuleInfo {
        RuleInfo {
            code: self.code.to_owned(),
            name: self.name.to_owned(),
            summary: self.summary(),
            default_severity: self.default_severity,
            docs: crate::docs::render_rule(self),
        }
    }
}

/// Declare a rule from its doc comment, so the doc comment is the single
/// source of both rustdoc and the generated Markdown page.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        const $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            default_severity: $sev:ident,
            remote: $remote:literal,
            check: $check:path $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub(crate) const $ident: crate::rule::Rule = crate::rule::Rule {
            code: $code,
            name: $name,
            default_severity: offsite_model::Severity::$sev,
            raw_docs: concat!($($doc, "\n"),*),
            remote: $remote,
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// The severity ladder of a remote load, by what the analysis knows about
/// consent: `[ungated, unknown, gated]`.
pub(crate) fn by_consent(consent: Consent, ladder: [Severity; 3]) -> Severity {
    match consent {
        Consent::Ungated => ladder[0],
        Consent::Unknown => ladder[1],
        Consent::Gated => ladder[2],
    }
}

/// `host `x` (Entity)` or `the target` when the host is unknown.
pub(crate) fn describe_target(ctx: &Context<'_>) -> String {
    let host = ctx.load.host.as_deref().unwrap_or("?");
    match ctx.entity {
        Some(entity) => format!("`{host}` ({entity})"),
        None => format!("`{host}`"),
    }
}

/// ` without consent`, ` after consent (click handler)`, ` (consent unknown: …)`.
pub(crate) fn consent_note(load: &Load) -> String {
    let reason = load.consent_reason.as_deref();
    match (load.consent, reason) {
        (Consent::Ungated, _) => " without consent".to_owned(),
        (Consent::Gated, Some(r)) => format!(" after consent ({r})"),
        (Consent::Gated, None) => " after consent".to_owned(),
        (Consent::Unknown, Some(r)) => format!(" (consent unknown: {r})"),
        (Consent::Unknown, None) => " (consent unknown)".to_owned(),
    }
}

/// `a script`, `an image`: the sink in a message.
pub(crate) fn sink_noun(sink: Sink) -> &'static str {
    match sink {
        Sink::Script => "a script",
        Sink::Style => "a stylesheet",
        Sink::Module => "a module",
        Sink::Fetch | Sink::Xhr => "a request",
        Sink::Jsonp => "a JSONP script",
        Sink::Image => "an image",
        Sink::Font => "a font",
        Sink::Media => "audio or video",
        Sink::Iframe => "a frame",
        Sink::Websocket => "a WebSocket connection",
        Sink::Eventsource => "an event stream",
        Sink::Beacon => "a beacon",
        Sink::Worker => "a worker script",
        Sink::Form => "a form submission",
        Sink::Prefetch => "a preloaded resource",
        Sink::Other => "a resource",
    }
}
