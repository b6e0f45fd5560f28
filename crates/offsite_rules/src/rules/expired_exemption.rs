use crate::rule::{Context, Violation, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a load that an `[[exempt]]` entry in `offsite.toml` would
    /// cover, except that the entry's `expires` date has passed. The
    /// exemption no longer applies: the findings it used to hide are reported
    /// again next to this one.
    ///
    /// ## Why is this bad?
    /// An exemption is a promise to fix something by a date. When the date
    /// passes, either the fix is late or the exemption should be renewed with
    /// a new reason; silently keeping it would turn a temporary exception into
    /// a permanent one that nobody reviews.
    ///
    /// ## CSP impact
    /// None of its own.
    ///
    /// ## Severity
    /// `warning`.
    ///
    /// ## Example
    /// ```toml
    /// [[exempt]]
    /// page = "MediaWiki:Gadget-maps.js"
    /// rules = ["OS105"]
    /// reason = "Map embeds until the on-wiki map service ships"
    /// expires = "2025-06-30"
    /// ```
    ///
    /// ## Use instead
    /// Fix the findings and delete the entry, or renew it with a current
    /// reason and a new date:
    /// ```toml
    /// [[exempt]]
    /// page = "MediaWiki:Gadget-maps.js"
    /// rules = ["OS105"]
    /// reason = "Kartographer migration tracked in T000000"
    /// expires = "2026-12-31"
    /// ```
    const EXPIRED_EXEMPTION = {
        code: "OS301",
        name: "expired-exemption",
        default_severity: Warning,
        remote: false,
        check: never,
    };
}

/// Reported by the exemption pass in `check.rs`, never by looking at a load.
fn never(_: &Context<'_>) -> Option<Violation> {
    None
}
