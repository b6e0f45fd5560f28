//! Notices as wikitext, HTML or JSON.
//!
//! Every value that comes from the scan (hosts, operators, titles, code) was
//! written by strangers, so it is escaped for the format before it is put
//! into a message: in wikitext inside `<nowiki>` (no link, template,
//! signature or magic word can form, and `<` is an entity so the tag cannot
//! be closed early); in HTML as text.

use std::fmt::Write as _;

use offsite_model::{ExposureKind, Tier};
use serde::Serialize;

use crate::{Data, Messages, Notice, Reason, Recipient, SubjectKind, Undetermined, When};

/// An output format of `offsite disclose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For a gadget's description page or a policy page.
    Wikitext,
    /// An HTML fragment (one `<div>`), for any web page.
    Html,
    /// Machine-readable, `docs/schema/disclose.schema.json`.
    Json,
}

pub fn render(format: Format, notices: &[Notice], messages: &Messages) -> String {
    match format {
        Format::Wikitext => wikitext(notices, messages),
        Format::Html => html(notices, messages),
        Format::Json => json(notices, messages),
    }
}

/// Control characters as numeric references: a newline in a value must not
/// start a new wikitext line or table row.
fn push_entity_escaped(out: &mut String, s: &str, quotes: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c if c.is_control() => {
                // Writing to a String cannot fail.
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// A scan value as wikitext that shows exactly the value.
pub(crate) fn escape_wikitext(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut out = String::from("<nowiki>");
    push_entity_escaped(&mut out, s, false);
    out.push_str("</nowiki>");
    out
}

/// A scan value as HTML text (also safe inside a quoted attribute).
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_entity_escaped(&mut out, s, true);
    out
}

fn title_key(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::SiteScript => "title-site-script",
        SubjectKind::Gadget => "title-gadget",
        SubjectKind::UserScript => "title-user-script",
        SubjectKind::File => "title-file",
    }
}

fn tier_key(tier: Tier) -> &'static str {
    match tier {
        Tier::ThirdParty => "tier-third-party",
        Tier::Wmcs => "tier-wmcs",
        Tier::Unknown => "tier-unknown",
        Tier::FirstParty => "tier-first-party",
    }
}

fn data_key(data: Data) -> String {
    format!("data-{}", data.as_str())
}

fn when_key(when: When) -> String {
    format!("when-{}", when.as_str())
}

/// The cells of one recipient row, escaped with `esc`.
struct Row {
    host: String,
    operator: String,
    tier: String,
    receives: String,
    when: String,
}

fn row(r: &Recipient, m: &Messages, esc: fn(&str) -> String) -> Row {
    let mut receives: Vec<String> = r
        .receives
        .iter()
        .map(|d| m.text(&data_key(*d), &[]))
        .collect();
    if !r.url_fields.is_empty() {
        let fields = esc(&r.url_fields.join(", "));
        receives.push(m.text("url-fields", &[("fields", &fields)]));
    }
    Row {
        host: esc(&r.host),
        operator: r
            .entity
            .as_deref()
            .map_or_else(|| m.text("operator-unknown", &[]), esc),
        tier: m.text(tier_key(r.tier), &[]),
        receives: receives.join("; "),
        when: r
            .when
            .iter()
            .map(|w| m.text(&when_key(*w), &[]))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn undetermined_text(u: &Undetermined, m: &Messages, esc: fn(&str) -> String) -> String {
    let line = u.load.line.to_string();
    let page = esc(&u.load.page);
    let api = esc(&u.load.api);
    let expr = u
        .expr
        .as_deref()
        .map_or_else(|| m.text("expr-unknown", &[]), esc);
    let key = match u.reason {
        Reason::DynamicUrl => "undetermined-dynamic-url",
        Reason::UnknownHost => "undetermined-unknown-host",
    };
    m.text(
        key,
        &[
            ("page", &page),
            ("line", &line),
            ("api", &api),
            ("expr", &expr),
        ],
    )
}

fn heading(n: &Notice, m: &Messages, esc: fn(&str) -> String) -> String {
    m.text(
        title_key(n.subject.kind),
        &[("name", &esc(&n.subject.name))],
    )
}

/// Who runs it, in the notice's language; the scan's English label only
/// where the catalogue has no wording (a users kind nobody counted).
fn exposure_line(n: &Notice, m: &Messages, esc: fn(&str) -> String) -> Option<String> {
    let e = n.exposure.as_ref()?;
    let label = match (e.kind, e.users) {
        (ExposureKind::EveryReader, _) => m.text("exposure-every-reader", &[]),
        (ExposureKind::LoggedIn, _) => m.text("exposure-logged-in", &[]),
        (ExposureKind::Users, Some(users)) => {
            m.text("exposure-users", &[("users", &users.to_string())])
        }
        (ExposureKind::Nobody, _) => m.text("exposure-nobody", &[]),
        (ExposureKind::Users | ExposureKind::Unknown, _) => esc(&e.label),
    };
    Some(m.text("exposure", &[("label", &label)]))
}

const COLUMNS: [&str; 5] = [
    "col-host",
    "col-operator",
    "col-tier",
    "col-receives",
    "col-when",
];

/// Wikitext: a section per notice with a table of recipients.
pub fn wikitext(notices: &[Notice], m: &Messages) -> String {
    let esc = escape_wikitext;
    let mut out = String::new();
    for n in notices {
        let _ = writeln!(out, "== {} ==", heading(n, m, esc));
        if let Some(line) = exposure_line(n, m, esc) {
            let _ = writeln!(out, "{line}\n");
        }
        if !n.recipients.is_empty() {
            let _ = writeln!(out, "{}", m.text("intro", &[]));
            out.push_str("{| class=\"wikitable offsite-disclose\"\n! ");
            let header: Vec<String> = COLUMNS.iter().map(|k| m.text(k, &[])).collect();
            let _ = writeln!(out, "{}", header.join(" !! "));
            for r in &n.recipients {
                let row = row(r, m, esc);
                let _ = writeln!(
                    out,
                    "|-\n| {} || {} || {} || {} || {}",
                    row.host, row.operator, row.tier, row.receives, row.when
                );
            }
            out.push_str("|}\n");
        }
        if !n.undetermined.is_empty() {
            let _ = writeln!(out, "=== {} ===", m.text("undetermined-heading", &[]));
            for u in &n.undetermined {
                let _ = writeln!(out, "* {}", undetermined_text(u, m, esc));
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "''{}''", m.text("generated", &[]));
    out
}

/// HTML: one `<div>` holding a `<section>` per notice.
pub fn html(notices: &[Notice], m: &Messages) -> String {
    let esc = escape_html;
    let mut out = format!(
        "<div class=\"offsite-disclose\" lang=\"{}\">\n",
        escape_html(m.lang())
    );
    for n in notices {
        let _ = writeln!(
            out,
            "<section class=\"offsite-notice\" data-subject-kind=\"{}\">\n<h2>{}</h2>",
            n.subject.kind.as_str(),
            heading(n, m, esc)
        );
        if let Some(line) = exposure_line(n, m, esc) {
            let _ = writeln!(out, "<p>{line}</p>");
        }
        if !n.recipients.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", m.text("intro", &[]));
            out.push_str("<table>\n<thead><tr>");
            for key in COLUMNS {
                let _ = write!(out, "<th scope=\"col\">{}</th>", m.text(key, &[]));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in &n.recipients {
                let row = row(r, m, esc);
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    row.host, row.operator, row.tier, row.receives, row.when
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        if !n.undetermined.is_empty() {
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<ul>",
                m.text("undetermined-heading", &[])
            );
            for u in &n.undetermined {
                let _ = writeln!(out, "<li>{}</li>", undetermined_text(u, m, esc));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</section>\n");
    }
    let _ = writeln!(
        out,
        "<p><small>{}</small></p>\n</div>",
        m.text("generated", &[])
    );
    out
}

/// The JSON document (`docs/schema/disclose.schema.json`, version 1).
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    lang: &'a str,
    notices: &'a [Notice],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn json(notices: &[Notice], m: &Messages) -> String {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: "offsite",
            version: env!("CARGO_PKG_VERSION"),
        },
        lang: m.lang(),
        notices,
    };
    // Serialising plain structs of strings, numbers and enums cannot fail.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn every_message_key_the_renderers_use_is_in_the_catalogue() {
        let m = Messages::built_in("en").unwrap();
        let keys: Vec<&str> = m.keys().collect();
        let mut used: Vec<String> = COLUMNS.iter().map(|k| (*k).to_owned()).collect();
        used.extend(
            [
                SubjectKind::SiteScript,
                SubjectKind::Gadget,
                SubjectKind::UserScript,
                SubjectKind::File,
            ]
            .map(|k| title_key(k).to_owned()),
        );
        used.extend(
            [
                Tier::ThirdParty,
                Tier::Wmcs,
                Tier::Unknown,
                Tier::FirstParty,
            ]
            .map(|t| tier_key(t).to_owned()),
        );
        used.extend(
            [
                Data::IpAddress,
                Data::UserAgent,
                Data::WikiOrigin,
                Data::EverythingOnWiki,
                Data::SentByCode,
                Data::FrameInteraction,
                Data::FormInput,
            ]
            .map(data_key),
        );
        used.extend(
            [
                When::EveryPageView,
                When::AfterClick,
                When::AfterConfirm,
                When::AfterOptIn,
                When::AfterAction,
                When::Undetermined,
            ]
            .map(when_key),
        );
        for key in used {
            assert!(keys.contains(&key.as_str()), "{key} missing");
        }
    }

    #[test]
    fn wikitext_escaping_cannot_close_nowiki_or_break_a_line() {
        let hostile = "x</nowiki>{{Delete}}[[Category:X]]~~~~\n|}";
        let out = escape_wikitext(hostile);
        assert_eq!(out.matches("</nowiki>").count(), 1, "{out}");
        assert!(out.ends_with("</nowiki>") && !out.contains('\n'), "{out}");
        assert!(
            out.contains("&lt;/nowiki&gt;") && out.contains("&#10;"),
            "{out}"
        );
    }

    #[test]
    fn html_escaping_leaves_no_markup() {
        let out = escape_html("<script>alert(\"x\")</script>' onload=");
        assert!(
            !out.contains('<') && !out.contains('"') && !out.contains('\''),
            "{out}"
        );
    }
}
