//! `--format html`: one self-contained page a person can open offline or
//! receive as an e-mail attachment. The summary people ask for first
//! (outside hosts, loads by tier, what runs for everyone), bar charts drawn
//! as inline SVG, a sortable and filterable table of loads with their code
//! frames, each finding's rule summary, and the rules' pages.
//!
//! Safe with hostile input by construction: every string from the scanned
//! code is escaped as text ([`html`]); the only script is the fixed
//! `report.js`, which reorders and hides rows and never parses data; and
//! the page's own CSP (`default-src 'none'`, the script and style allowed by
//! hash) forbids any other script and every outside request.

mod charts;
mod table;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use offsite_csp::{HashAlgorithm, hash_base64};
use offsite_model::{Consent, ExposureKind, Report, Sink, Tier};

use crate::escape::html;
use crate::summary::{Summary, summary};
use crate::{RenderOptions, Sorted};
use charts::Bar;

const SCRIPT: &str = include_str!("report.js");
const STYLE: &str = include_str!("report.css");
/// Hosts shown in the hosts chart; the table has them all.
const CHART_HOSTS: usize = 12;
/// Loads listed under "what runs for everyone"; the table has them all.
const LISTED: usize = 10;

/// The page's policy: nothing but its own inline script and style.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; \
         base-uri 'none'; form-action 'none'",
        hash_base64(HashAlgorithm::Sha256, SCRIPT),
        hash_base64(HashAlgorithm::Sha256, STYLE)
    )
}

pub fn render(
    report: &Report,
    sorted: &Sorted<'_>,
    options: &RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let s = summary(report);
    let mut page = String::with_capacity(64 * 1024 + report.loads.len() * 2048);
    // Writing to a String cannot fail.
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>offsite report</title>\n<style>{STYLE}</style></head>\n<body>\n\
         <header><h1>offsite report</h1><p class=\"meta\">offsite {} · {} scanned · {} loads</p>\
         </header>\n",
        content_security_policy(),
        html(options.tool_version),
        plural(s.files_scanned, "source"),
        s.loads,
    );
    write_summary(&mut page, &s, sorted);
    write_charts(&mut page, &s, report);
    page.push_str("<section><h2>Loads</h2>");
    table::write(&mut page, sorted, options);
    page.push_str("</section>\n");
    write_diagnostics(&mut page, sorted);
    write_rules(&mut page, sorted, options);
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body></html>\n");
    out.write_all(page.as_bytes())
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn card(page: &mut String, n: usize, label: &str) {
    let _ = write!(
        page,
        "<div class=\"card\"><span class=\"n\">{n}</span>{label}</div>"
    );
}

fn write_summary(page: &mut String, s: &Summary, sorted: &Sorted<'_>) {
    let outside: Vec<_> = sorted
        .loads
        .iter()
        .map(|l| l.load)
        .filter(|l| l.tier != Tier::FirstParty)
        .collect();
    let hosts = s
        .hosts
        .iter()
        .filter(|h| h.tier != Tier::FirstParty && h.host.is_some())
        .count();
    let wiki = sorted.loads.iter().any(|l| l.load.exposure.is_some());
    page.push_str("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
    card(page, hosts, "outside hosts");
    card(page, outside.len(), "loads from outside hosts");
    let ungated = outside
        .iter()
        .filter(|l| l.consent == Consent::Ungated)
        .count();
    card(page, ungated, "outside loads without consent");
    let everyone: Vec<_> = outside
        .iter()
        .filter(|l| {
            l.exposure
                .as_ref()
                .is_some_and(|e| e.kind == ExposureKind::EveryReader)
        })
        .copied()
        .collect();
    if wiki {
        card(page, everyone.len(), "outside loads every reader runs");
    }
    let c = &s.by_severity;
    let _ = write!(
        page,
        "<div class=\"card\"><span class=\"n\">{}</span>findings: \
         <span class=\"sev-error\">{} error</span>, <span class=\"sev-warning\">{} warning</span>, \
         <span class=\"sev-info\">{} info</span></div>",
        s.findings, c.error, c.warning, c.info
    );
    page.push_str("</div>");
    if s.baseline_hidden > 0 || s.suppressed > 0 {
        let _ = write!(
            page,
            "<p class=\"muted\">Hidden: {} by the baseline, {} by offsite-ignore comments.</p>",
            s.baseline_hidden, s.suppressed
        );
    }

    // What a person asks first: what reaches outside for everyone. On a
    // wiki that is what every reader runs; for plain files, what runs
    // without consent.
    let (title, listed): (&str, Vec<_>) = if wiki {
        ("What every reader runs from outside hosts", everyone)
    } else {
        (
            "Outside loads that run without consent",
            outside
                .into_iter()
                .filter(|l| l.consent == Consent::Ungated)
                .collect(),
        )
    };
    let _ = write!(page, "<h3>{title}</h3>");
    if listed.is_empty() {
        page.push_str("<p class=\"muted\">None.</p>");
    } else {
        page.push_str("<ul>");
        for load in listed.iter().take(LISTED) {
            let _ = write!(
                page,
                "<li><span class=\"tier\">{}</span> <span class=\"url\">{}</span> ({}) in \
                 <span class=\"loc\">{}</span></li>",
                load.tier,
                html(load.host.as_deref().unwrap_or("unknown host")),
                load.sink,
                html(&crate::text::location(load)),
            );
        }
        if listed.len() > LISTED {
            let _ = write!(
                page,
                "<li class=\"muted\">and {} more in the table below</li>",
                listed.len() - LISTED
            );
        }
        page.push_str("</ul>");
    }
    page.push_str("</section>\n");
}

fn write_charts(page: &mut String, s: &Summary, report: &Report) {
    let t = &s.by_tier;
    let tiers = [
        (Tier::ThirdParty, t.third_party),
        (Tier::Wmcs, t.wmcs),
        (Tier::Unknown, t.unknown),
        (Tier::FirstParty, t.first_party),
    ];
    let by_tier: Vec<Bar> = tiers
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(tier, n)| Bar {
            label: tier.to_string(),
            segments: vec![(tier, n)],
        })
        .collect();
    let mut sinks: BTreeMap<Sink, BTreeMap<u8, (Tier, usize)>> = BTreeMap::new();
    for load in &report.loads {
        let slot = sinks
            .entry(load.sink)
            .or_default()
            .entry(crate::summary::tier_rank(load.tier))
            .or_insert((load.tier, 0));
        slot.1 += 1;
    }
    let mut by_sink: Vec<Bar> = sinks
        .into_iter()
        .map(|(sink, tiers)| Bar {
            label: sink.to_string(),
            segments: tiers.into_values().collect(),
        })
        .collect();
    by_sink.sort_by_key(|b| std::cmp::Reverse(b.segments.iter().map(|s| s.1).sum::<usize>()));
    let hosts: Vec<Bar> = s
        .hosts
        .iter()
        .filter(|h| h.tier != Tier::FirstParty)
        .take(CHART_HOSTS)
        .map(|h| Bar {
            label: h
                .host
                .clone()
                .unwrap_or_else(|| "(unknown host)".to_owned()),
            segments: vec![(h.tier, h.loads)],
        })
        .collect();
    page.push_str("<section id=\"charts\"><h2>Charts</h2>");
    page.push_str(&charts::legend());
    page.push_str("<div class=\"charts\">");
    for (title, bars) in [
        ("Loads by tier", &by_tier),
        ("Loads by sink and tier", &by_sink),
        ("Outside hosts by loads", &hosts),
    ] {
        let _ = write!(
            page,
            "<figure><figcaption>{title}</figcaption>{}</figure>",
            charts::stacked(title, bars)
        );
    }
    page.push_str("</div></section>\n");
}

fn write_diagnostics(page: &mut String, sorted: &Sorted<'_>) {
    if sorted.diagnostics.is_empty() {
        return;
    }
    page.push_str("<section id=\"diagnostics\"><h2>Diagnostics</h2><ul>");
    for d in &sorted.diagnostics {
        let mut at = d.source.display_name();
        if let Some(line) = d.line {
            let _ = write!(at, ":{line}");
            if let Some(column) = d.column {
                let _ = write!(at, ":{column}");
            }
        }
        let severity = d.kind.severity();
        let _ = write!(
            page,
            "<li><span class=\"loc\">{}</span> <span class=\"sev sev-{severity}\">{}</span> {}</li>",
            html(&at),
            d.kind.as_str(),
            html(&d.message)
        );
    }
    page.push_str("</ul></section>\n");
}

/// The page of every rule that found something, linked from its findings.
fn write_rules(page: &mut String, sorted: &Sorted<'_>, options: &RenderOptions<'_>) {
    let used: BTreeSet<&str> = sorted
        .loads
        .iter()
        .flat_map(|l| &l.findings)
        .map(|f| f.rule.as_str())
        .collect();
    if used.is_empty() {
        return;
    }
    page.push_str("<section class=\"rules\"><h2>Rules</h2>");
    for code in used {
        let Some(rule) = options.rules.iter().find(|r| r.code == code) else {
            let _ = write!(page, "<p id=\"rule-{0}\"><code>{0}</code></p>", html(code));
            continue;
        };
        let _ = write!(
            page,
            "<details id=\"rule-{code}\"><summary><code>{code}</code> {name}: {summary}</summary>\
             <pre>{docs}</pre></details>",
            code = html(&rule.code),
            name = html(&rule.name),
            summary = html(&rule.summary),
            docs = rule.docs.lines().map(html).collect::<Vec<_>>().join("\n"),
        );
    }
    page.push_str("</section>\n");
}

#[cfg(test)]
mod tests;
