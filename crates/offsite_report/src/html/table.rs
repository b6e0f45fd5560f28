//! The loads table of the HTML report: one row per load, with its findings
//! (each with its rule's summary), code frame, notes and provenance. Every
//! string from the scanned code goes through [`html`].

use std::fmt::Write as _;

use offsite_model::{Consent, ReportedLoad, Severity, Source, Tier};

use crate::escape::html;
use crate::summary::tier_rank;
use crate::{RenderOptions, Sorted, SortedLoad, frame};

/// The table with its filter controls.
pub fn write(out: &mut String, sorted: &Sorted<'_>, options: &RenderOptions<'_>) {
    let exposed = sorted.loads.iter().any(|l| l.load.exposure.is_some());
    let total = sorted.loads.len();
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "<div class=\"controls\">\
         <label>Filter <input type=\"search\" id=\"filter-text\" \
         placeholder=\"host, page, rule, text…\" autocomplete=\"off\"></label>\
         <label>Tier <select id=\"filter-tier\"><option value=\"\">all</option>\
         <option>third-party</option><option>wmcs</option><option>unknown</option>\
         <option>first-party</option></select></label>\
         <label>Findings <select id=\"filter-severity\"><option value=\"\">all loads</option>\
         <option value=\"any\">with findings</option><option>error</option>\
         <option>warning</option><option>info</option><option value=\"none\">none</option>\
         </select></label>\
         <span class=\"muted\"><span id=\"shown\">{total}</span> of {total} loads shown</span>\
         </div>"
    );
    out.push_str("<div class=\"table-wrap\"><table id=\"loads\"><thead><tr>");
    let mut headers = vec![
        ("#", "number"),
        ("Severity", "number"),
        ("Location", "text"),
        ("Host", "text"),
        ("Tier", "number"),
        ("Sink", "text"),
        ("Consent", "text"),
    ];
    if exposed {
        headers.push(("Exposed", "number"));
    }
    for (name, kind) in headers {
        let _ = write!(
            out,
            "<th scope=\"col\" data-type=\"{kind}\"><button type=\"button\">{name}</button></th>"
        );
    }
    out.push_str("<th scope=\"col\">Findings and code</th></tr></thead><tbody>");
    for (i, entry) in sorted.loads.iter().enumerate() {
        row(out, i + 1, entry, exposed, options);
    }
    out.push_str("</tbody></table></div>");
}

fn severity_rank(s: Option<Severity>) -> u8 {
    match s {
        Some(Severity::Error) => 3,
        Some(Severity::Warning) => 2,
        Some(Severity::Info) => 1,
        None => 0,
    }
}

fn row(
    out: &mut String,
    n: usize,
    entry: &SortedLoad<'_>,
    exposed: bool,
    opts: &RenderOptions<'_>,
) {
    let load = entry.load;
    let severity = entry.max_severity();
    let sev = severity.map_or("none", Severity::as_str);
    let host = match (&load.host, load.tier) {
        (Some(h), _) => html(h),
        (None, Tier::FirstParty) => "(same wiki)".to_owned(),
        (None, _) => "(unknown host)".to_owned(),
    };
    let _ = write!(
        out,
        "<tr data-tier=\"{tier}\" data-severity=\"{sev}\">\
         <td data-value=\"{n}\">{n}</td>\
         <td data-value=\"{rank}\" class=\"sev sev-{sev}\">{sev}</td>\
         <td class=\"loc\">{loc}</td><td class=\"target\">{host}</td>\
         <td class=\"tier\" data-value=\"{tier_rank}\">{tier}</td><td>{sink}</td><td>{consent}</td>",
        tier = load.tier,
        rank = severity_rank(severity),
        // A line break may come after a slash, never inside a name.
        loc = html(&crate::text::location(load)).replace('/', "/<wbr>"),
        tier_rank = 3 - tier_rank(load.tier),
        sink = load.sink,
        consent = consent(load),
    );
    if exposed {
        let (rank, label) = match (&load.exposure, load.rank_key()) {
            (Some(e), Some(key)) => (key.score(), html(&crate::text::exposure(e))),
            _ => (0, "-".to_owned()),
        };
        let _ = write!(out, "<td data-value=\"{rank}\">{label}</td>");
    }
    out.push_str("<td>");
    for finding in &entry.findings {
        let summary = opts
            .rules
            .iter()
            .find(|r| r.code == finding.rule)
            .map(|r| html(&r.summary));
        let _ = write!(
            out,
            "<div class=\"finding\"><span class=\"sev sev-{s}\">{s}</span> \
             <a href=\"#rule-{code}\"><code>{code}</code></a> {name}: {message}",
            s = finding.severity,
            code = html(&finding.rule),
            name = html(&finding.name),
            message = html(&finding.message),
        );
        if let Some(summary) = summary {
            let _ = write!(out, "<span class=\"rule\">Rule: {summary}</span>");
        }
        out.push_str("</div>");
    }
    details(out, load);
    out.push_str("</td></tr>");
}

fn consent(load: &ReportedLoad) -> &'static str {
    match load.consent {
        Consent::Gated => "gated",
        Consent::Ungated => "ungated",
        Consent::Unknown => "unknown",
    }
}

/// The code frame and the facts behind the load, folded.
fn details(out: &mut String, load: &ReportedLoad) {
    out.push_str("<details><summary>code and details</summary>");
    if let Some(snippet) = &load.snippet {
        let (code, carets) = frame::lines(snippet, load);
        let number = load.line.to_string();
        let pad = " ".repeat(number.len());
        let _ = write!(
            out,
            "<pre class=\"frame\">{number} | {}\n{pad} | {}</pre>",
            html(&code),
            html(&carets)
        );
    }
    out.push_str("<ul class=\"notes\">");
    let mut note = |label: &str, value: &str| {
        let _ = write!(
            out,
            "<li>{label}: <span class=\"url\">{}</span></li>",
            html(value)
        );
    };
    note("api", &load.api);
    if let Some(url) = &load.url {
        note("url", url);
    }
    if let Some(page) = &load.page {
        note("page", page);
    }
    if !load.modules.is_empty() {
        note("modules", &load.modules.join(", "));
    }
    if let Some(expr) = &load.dynamic_expr {
        note("run-time value", expr);
    }
    if let Some(entity) = &load.entity {
        note("operated by", entity);
    }
    note("directive", load.directive.as_str());
    if let Some(reason) = &load.consent_reason {
        note("consent", reason);
    }
    if let Some(p) = provenance(&load.source) {
        note("source", &p);
    }
    out.push_str("</ul></details>");
}

/// The revision the load was read from, when the source is a wiki page.
fn provenance(source: &Source) -> Option<String> {
    let revision = source.revision?;
    let mut s = format!("revision {revision}");
    if let Some(user) = &source.user {
        let _ = write!(s, " by {user}");
    }
    if let Some(at) = &source.timestamp {
        let _ = write!(s, " at {at}");
    }
    Some(s)
}
