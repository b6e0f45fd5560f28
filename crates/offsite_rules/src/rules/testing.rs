//! Fixture helpers for rule tests: hand-built loads, rendered verdicts.

use std::fmt::Write as _;

use offsite_model::{Consent, ConsentKind, Load, Resolution, Sink, Source, Tier};

use crate::rule::{Context, Rule};

/// One fixture case: a load as a detector would report it, and its tier.
pub(crate) struct Case {
    pub label: &'static str,
    pub load: Load,
    pub tier: Tier,
    pub entity: Option<&'static str>,
}

pub(crate) fn load(api: &str, sink: Sink, url: &str) -> Load {
    Load::new(0, 1, api, sink).with_url(url)
}

pub(crate) fn case(label: &'static str, load: Load, tier: Tier) -> Case {
    Case {
        label,
        load,
        tier,
        entity: None,
    }
}

pub(crate) fn gated(mut load: Load, reason: &str) -> Load {
    load.consent = Consent::Gated;
    load.consent_kind = Some(ConsentKind::Action);
    load.consent_reason = Some(reason.to_owned());
    load
}

pub(crate) fn unknown_consent(mut load: Load, reason: &str) -> Load {
    load.consent = Consent::Unknown;
    load.consent_reason = Some(reason.to_owned());
    load
}

pub(crate) fn dynamic(mut load: Load, expr: &str) -> Load {
    load.resolution = Resolution::Dynamic;
    load.dynamic_expr = Some(expr.to_owned());
    load
}

/// Run `rule` on every case; one line per case: `label: severity message` or
/// `label: -`. Also checks the fixture's own claim: labels starting with
/// `ok` must pass, labels starting with `bad` must fail.
pub(crate) fn run(rule: &Rule, cases: &[Case]) -> String {
    let source = Source::file("fixture.js");
    let mut out = String::new();
    for c in cases {
        let ctx = Context {
            load: &c.load,
            tier: c.tier,
            entity: c.entity,
            source: &source,
        };
        let verdict = (rule.check)(&ctx);
        if c.label.starts_with("ok") {
            assert!(
                verdict.is_none(),
                "{}: {} should pass, got {verdict:?}",
                rule.code,
                c.label
            );
        } else {
            assert!(verdict.is_some(), "{}: {} should fail", rule.code, c.label);
        }
        match verdict {
            Some(v) => writeln!(out, "{}: {} {}", c.label, v.severity, v.message),
            None => writeln!(out, "{}: -", c.label),
        }
        .ok();
    }
    out
}
