//! The inventory: one row per page, host and CSP directive for every load
//! that leaves the operator's production hosts (third party, Cloud Services,
//! unknown), with the gadget the page belongs to, who runs it and when the
//! host arrived. It is the table Wikimedia's security team once built by
//! hand, rendered as JSON, CSV or a wikitext table to paste on a wiki.
//!
//! [`inventory`] merges the classified loads of a run ([`ReportedLoad`]),
//! the wiki's gadget definitions, the exposure of each page
//! ([`PageExposures`], from [`ImportGraph::exposures`]) and, when a history
//! dump was read, the provenance of each host ([`HostProvenance`]).
//!
//! - Loads with the same wiki, page, host and directive are one row. Its
//!   consent is the least gated of them (ungated, then unknown, then gated),
//!   its rank the highest [`rank_key`] of them.
//! - A load whose host is not known (computed at run time) is listed under
//!   the host [`DYNAMIC`] (`${…}`) rather than dropped.
//! - Rows sort by rank, descending, then wiki, page, host and directive.
//! - A page missing from the exposures is counted as [`Exposure::Nobody`]:
//!   no entry point was seen to reach it.
//! - A page that several gadgets list belongs to the default one first, then
//!   the first by name.
//!
//! The host roll-up ([`HostRollup`]) gives each host its widest exposure and
//! the *largest* user count of its rows, not the sum: the same people tend
//! to run several gadgets, so a sum would count them again and again, while
//! the largest count is a floor on how many people reach the host. When any
//! row of the host runs for every reader or a logged-in group (no count),
//! the host's count is `None` too: a number would understate it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;

use offsite_model::{Consent, DYNAMIC, Directive, ReportedLoad, Sink, Tier};
use serde::Serialize;

use crate::definition::GadgetDefinition;
use crate::exposure::{Exposure, Exposures, RankKey, rank_key};
use crate::graph::{ImportGraph, Node};
use crate::provenance::{HostProvenance, RevisionMeta};
use crate::title::{Namespaces, normalize_title};

/// The exposure of each page of one wiki, by normalised title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageExposures {
    by_title: BTreeMap<String, Exposure>,
}

impl PageExposures {
    /// The pages of the graph's own wiki (pages on other wikis run here
    /// only through this wiki's pages, which carry their exposure).
    pub fn from_graph(graph: &ImportGraph, exposures: &Exposures) -> Self {
        let by_title = graph
            .nodes()
            .iter()
            .zip(&exposures.nodes)
            .filter_map(|(node, e)| match node {
                Node::Page { wiki, title } if *wiki == graph.wiki.host => {
                    Some((title.clone(), e.exposure.clone()))
                }
                _ => None,
            })
            .collect();
        Self { by_title }
    }

    /// The exposure of a page, its title as given or normalised with the
    /// canonical namespace names.
    pub fn get(&self, title: &str) -> Option<&Exposure> {
        self.by_title.get(title).or_else(|| {
            self.by_title
                .get(&normalize_title(title, &Namespaces::english()))
        })
    }
}

impl FromIterator<(String, Exposure)> for PageExposures {
    fn from_iter<I: IntoIterator<Item = (String, Exposure)>>(iter: I) -> Self {
        Self {
            by_title: iter.into_iter().collect(),
        }
    }
}

/// One page × host × directive. JSON field names are the Rust names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InventoryRow {
    /// `Source::wiki` of the loads (database name or base URL).
    pub wiki: Option<String>,
    /// Page title (or file path for file scans).
    pub page: String,
    /// The gadget whose definition lists the page.
    pub gadget: Option<String>,
    /// Some gadget listing the page is on by default.
    pub default_gadget: bool,
    /// Lower-case host, or `${…}` when computed at run time.
    pub host: String,
    pub tier: Tier,
    pub entity: Option<String>,
    pub directive: Directive,
    /// The least gated consent of the merged loads.
    pub consent: Consent,
    /// The sinks of the merged loads, sorted.
    pub sinks: Vec<Sink>,
    /// How many loads were merged.
    pub loads: usize,
    pub exposure: Exposure,
    /// Users who run the page: the count for `users`, 0 for `nobody`,
    /// `None` (not counted) for every reader and logged-in groups.
    pub exposed_users: Option<u64>,
    /// The revision that first loaded from the host, from a history dump.
    pub introduced: Option<RevisionMeta>,
    pub rank: RankKey,
}

/// Everything about one host across the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostRollup {
    pub host: String,
    pub tier: Tier,
    pub entity: Option<String>,
    /// Pages loading from it, `wiki:title` when the wiki is known, sorted.
    pub pages: Vec<String>,
    /// Gadgets of those pages, sorted.
    pub gadgets: Vec<String>,
    pub directives: Vec<Directive>,
    /// The widest exposure of its rows.
    pub exposure: Exposure,
    /// The largest `exposed_users` of its rows; `None` when any row has
    /// none (see the module docs).
    pub exposed_users: Option<u64>,
    /// The earliest `introduced` timestamp of its rows.
    pub first_seen: Option<String>,
    /// The highest rank of its rows.
    pub rank: RankKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    pub rows: Vec<InventoryRow>,
    pub hosts: Vec<HostRollup>,
}

/// The host an inventory row (and provenance) files a load under: `None`
/// for first-party loads, [`DYNAMIC`] when the host is not known.
pub fn inventory_host(load: &ReportedLoad) -> Option<String> {
    if load.tier == Tier::FirstParty {
        return None;
    }
    Some(load.host.clone().unwrap_or_else(|| DYNAMIC.to_owned()))
}

/// The hosts of a revision's loads, as [`crate::ProvenanceTracker`] wants them.
pub fn inventory_hosts<'a>(loads: impl IntoIterator<Item = &'a ReportedLoad>) -> BTreeSet<String> {
    loads.into_iter().filter_map(inventory_host).collect()
}

fn consent_rank(c: Consent) -> u8 {
    match c {
        Consent::Ungated => 2,
        Consent::Unknown => 1,
        Consent::Gated => 0,
    }
}

type RowKey = (Option<String>, String, String, Directive);

/// Build the inventory. See the module docs for the merge and sort rules.
pub fn inventory(
    loads: &[ReportedLoad],
    gadgets: &[GadgetDefinition],
    exposures: &PageExposures,
    provenance: &[HostProvenance],
) -> Inventory {
    let english = Namespaces::english();
    let mut gadget_of: BTreeMap<String, Vec<&GadgetDefinition>> = BTreeMap::new();
    for def in gadgets {
        for page in &def.pages {
            gadget_of
                .entry(normalize_title(page, &english))
                .or_default()
                .push(def);
        }
    }
    let introduced: BTreeMap<(String, &str), &RevisionMeta> = provenance
        .iter()
        .map(|p| {
            (
                (normalize_title(&p.page, &english), p.host.as_str()),
                &p.introduced,
            )
        })
        .collect();

    let mut merged: BTreeMap<RowKey, InventoryRow> = BTreeMap::new();
    for load in loads {
        let Some(host) = inventory_host(load) else {
            continue;
        };
        let page = load
            .source
            .title
            .clone()
            .or_else(|| load.source.path.clone())
            .unwrap_or_default();
        let exposure = exposures.get(&page).cloned().unwrap_or(Exposure::Nobody);
        let rank = rank_key(&exposure, load.sink, load.consent);
        let key = (
            load.source.wiki.clone(),
            page.clone(),
            host.clone(),
            load.directive,
        );
        if let Some(row) = merged.get_mut(&key) {
            row.loads += 1;
            if !row.sinks.contains(&load.sink) {
                row.sinks.push(load.sink);
                row.sinks.sort_unstable();
            }
            if consent_rank(load.consent) > consent_rank(row.consent) {
                row.consent = load.consent;
            }
            row.rank = row.rank.max(rank);
            if row.entity.is_none() {
                row.entity.clone_from(&load.entity);
            }
            continue;
        }
        let normalized = normalize_title(&page, &english);
        let mut owners = gadget_of.get(&normalized).cloned().unwrap_or_default();
        owners.sort_by(|a, b| b.default.cmp(&a.default).then_with(|| a.id.cmp(&b.id)));
        let exposed_users = exposure.users();
        let row = InventoryRow {
            wiki: load.source.wiki.clone(),
            gadget: owners.first().map(|g| g.id.clone()),
            default_gadget: owners.iter().any(|g| g.default),
            introduced: introduced
                .get(&(normalized, host.as_str()))
                .map(|r| (*r).clone()),
            page,
            host,
            tier: load.tier,
            entity: load.entity.clone(),
            directive: load.directive,
            consent: load.consent,
            sinks: vec![load.sink],
            loads: 1,
            exposure,
            exposed_users,
            rank,
        };
        merged.insert(key, row);
    }
    let mut rows: Vec<InventoryRow> = merged.into_values().collect();
    // The map already ordered rows by (wiki, page, host, directive); the
    // stable sort keeps that order within one rank.
    rows.sort_by_key(|r| std::cmp::Reverse(r.rank));
    let hosts = roll_up(&rows);
    Inventory { rows, hosts }
}

fn roll_up(rows: &[InventoryRow]) -> Vec<HostRollup> {
    let mut by_host: BTreeMap<&str, HostRollup> = BTreeMap::new();
    // Rows come highest rank first, so the first row of a host sets its
    // widest exposure and rank.
    for row in rows {
        let page = match &row.wiki {
            Some(w) => format!("{w}:{}", row.page),
            None => row.page.clone(),
        };
        let first = !by_host.contains_key(row.host.as_str());
        let r = by_host.entry(&row.host).or_insert_with(|| HostRollup {
            host: row.host.clone(),
            tier: row.tier,
            entity: None,
            pages: Vec::new(),
            gadgets: Vec::new(),
            directives: Vec::new(),
            exposure: row.exposure.clone(),
            exposed_users: None,
            first_seen: None,
            rank: row.rank,
        });
        if r.entity.is_none() {
            r.entity.clone_from(&row.entity);
        }
        r.pages.push(page);
        r.gadgets.extend(row.gadget.clone());
        r.directives.push(row.directive);
        // A row read by every reader or a logged-in group has no count, and
        // any count would understate it: the host's count is then unknown too.
        r.exposed_users = match (first, r.exposed_users, row.exposed_users) {
            (true, _, n) => n,
            (false, Some(a), Some(b)) => Some(a.max(b)),
            (false, _, _) => None,
        };
        if let Some(rev) = &row.introduced
            && r.first_seen.as_ref().is_none_or(|t| rev.timestamp < *t)
        {
            r.first_seen = Some(rev.timestamp.clone());
        }
    }
    let mut hosts: Vec<HostRollup> = by_host
        .into_values()
        .map(|mut r| {
            r.pages.sort();
            r.pages.dedup();
            r.gadgets.sort();
            r.gadgets.dedup();
            r.directives.sort();
            r.directives.dedup();
            r
        })
        .collect();
    hosts.sort_by_key(|h| std::cmp::Reverse(h.rank));
    hosts
}

/// A short human label: `every reader`, `logged-in (groups: sysop)`,
/// `12 users`, `nobody`.
pub fn exposure_label(exposure: &Exposure) -> String {
    match exposure {
        Exposure::EveryReader => "every reader".to_owned(),
        Exposure::Nobody => "nobody".to_owned(),
        Exposure::Users {
            count: 0,
            uncounted: true,
        } => "opt-in users (not counted)".to_owned(),
        Exposure::Users {
            count,
            uncounted: true,
        } => format!("at least {count} users"),
        Exposure::Users { count: 1, .. } => "1 user".to_owned(),
        Exposure::Users { count, .. } => format!("{count} users"),
        Exposure::LoggedIn { rights, groups } => {
            let mut parts = Vec::new();
            if !groups.is_empty() {
                parts.push(format!("groups: {}", groups.join(", ")));
            }
            if !rights.is_empty() {
                parts.push(format!("rights: {}", rights.join(", ")));
            }
            format!("logged-in ({})", parts.join("; "))
        }
    }
}

fn consent_str(c: Consent) -> &'static str {
    match c {
        Consent::Gated => "gated",
        Consent::Ungated => "ungated",
        Consent::Unknown => "unknown",
    }
}

fn sinks_str(sinks: &[Sink]) -> String {
    sinks
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The CSV and wikitext columns of [`InventoryRow`].
pub const ROW_COLUMNS: [&str; 16] = [
    "wiki",
    "page",
    "gadget",
    "default_gadget",
    "host",
    "tier",
    "entity",
    "directive",
    "consent",
    "sinks",
    "loads",
    "exposure",
    "exposed_users",
    "introduced_revision",
    "introduced_timestamp",
    "introduced_user",
];

/// The CSV and wikitext columns of [`HostRollup`].
pub const HOST_COLUMNS: [&str; 9] = [
    "host",
    "tier",
    "entity",
    "exposure",
    "exposed_users",
    "pages",
    "gadgets",
    "directives",
    "first_seen",
];

impl InventoryRow {
    fn cells(&self) -> [String; 16] {
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let intro = self.introduced.as_ref();
        [
            opt(&self.wiki),
            self.page.clone(),
            opt(&self.gadget),
            if self.default_gadget { "yes" } else { "no" }.to_owned(),
            self.host.clone(),
            self.tier.as_str().to_owned(),
            opt(&self.entity),
            self.directive.as_str().to_owned(),
            consent_str(self.consent).to_owned(),
            sinks_str(&self.sinks),
            self.loads.to_string(),
            exposure_label(&self.exposure),
            self.exposed_users
                .map(|n| n.to_string())
                .unwrap_or_default(),
            intro.map(|r| r.id.to_string()).unwrap_or_default(),
            intro.map(|r| r.timestamp.clone()).unwrap_or_default(),
            intro.and_then(|r| r.user.clone()).unwrap_or_default(),
        ]
    }
}

impl HostRollup {
    fn cells(&self) -> [String; 9] {
        let directives: Vec<&str> = self.directives.iter().map(|d| d.as_str()).collect();
        [
            self.host.clone(),
            self.tier.as_str().to_owned(),
            self.entity.clone().unwrap_or_default(),
            exposure_label(&self.exposure),
            self.exposed_users
                .map(|n| n.to_string())
                .unwrap_or_default(),
            self.pages.len().to_string(),
            self.gadgets.join(" "),
            directives.join(" "),
            self.first_seen.clone().unwrap_or_default(),
        ]
    }
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// CR) gets a leading `'`, as OWASP advises for CSV exports: page titles
/// are written by anyone.
fn csv_cell(text: String) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text,
    }
}

fn write_table<W: io::Write, const N: usize>(
    w: W,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(header)?;
    for cells in rows {
        out.write_record(cells.map(csv_cell))?;
    }
    out.flush()?;
    Ok(())
}

/// Wikitext for one table cell. Host names, numbers, our own keywords and
/// words separated by spaces pass as they are (no `ISBN`, `RFC` or `PMID`,
/// which start magic links); anything else goes inside `<nowiki>`, which turns off
/// links, templates, `|` cell breaks, signatures, magic words and URLs, with
/// `&`, `<` and `>` written as entities (still decoded inside `<nowiki>`) so
/// the text can neither close the `<nowiki>` nor open a tag, and line
/// breaks turned into spaces so it stays on its line.
pub fn wikitext_cell(text: &str) -> String {
    let plain = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ' ' | '(' | ')' | ','))
        && !["ISBN", "RFC", "PMID"].iter().any(|m| text.contains(m));
    if text.is_empty() || plain {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 17);
    out.push_str("<nowiki>");
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push_str("</nowiki>");
    out
}

fn wikitext_table<const N: usize>(
    out: &mut String,
    caption: &str,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) {
    out.push_str("{| class=\"wikitable sortable\"\n");
    let _ = writeln!(out, "|+ {caption}");
    for h in header {
        let _ = writeln!(out, "! {h}");
    }
    for cells in rows {
        out.push_str("|-\n");
        for c in cells {
            // One cell per line: no `||` for a cell's text to collide with.
            let _ = writeln!(out, "| {}", wikitext_cell(&c));
        }
    }
    out.push_str("|}\n");
}

impl Inventory {
    /// Pretty JSON: `{rows: [InventoryRow], hosts: [HostRollup]}` with the
    /// Rust field names; enums as in `offsite_model` (`third-party`,
    /// `script-src`, `ungated`), exposure as `{level, ...}`.
    pub fn to_json(&self) -> String {
        // Plain structs of strings and numbers cannot fail to serialise.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// [`Inventory::to_json`] plus `provenance`: every (page, host) a history
    /// dump saw, including hosts removed since (with the revision that removed
    /// them), which the rows — current loads only — cannot show.
    pub fn to_json_with_provenance(&self, provenance: &[crate::HostProvenance]) -> String {
        let mut provenance = provenance.to_vec();
        provenance.sort_by(|a, b| (&a.page, &a.host).cmp(&(&b.page, &b.host)));
        let value = serde_json::json!({
            "rows": &self.rows,
            "hosts": &self.hosts,
            "provenance": provenance,
        });
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The rows as CSV with a header row (columns: [`ROW_COLUMNS`]).
    pub fn write_csv<W: io::Write>(&self, w: W) -> csv::Result<()> {
        write_table(w, ROW_COLUMNS, self.rows.iter().map(InventoryRow::cells))
    }

    /// The host roll-up as CSV with a header row.
    pub fn write_hosts_csv<W: io::Write>(&self, w: W) -> csv::Result<()> {
        write_table(w, HOST_COLUMNS, self.hosts.iter().map(HostRollup::cells))
    }

    pub fn to_csv(&self) -> String {
        let mut buf = Vec::new();
        // Writing to a Vec cannot fail, and every cell is a Rust string.
        let _ = self.write_csv(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }

    pub fn hosts_to_csv(&self) -> String {
        let mut buf = Vec::new();
        let _ = self.write_hosts_csv(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }

    /// Two `wikitable sortable` tables, loads then hosts, ready to paste.
    pub fn to_wikitext(&self) -> String {
        let mut out = String::new();
        wikitext_table(
            &mut out,
            "Loads from outside the production hosts",
            ROW_COLUMNS,
            self.rows.iter().map(InventoryRow::cells),
        );
        out.push('\n');
        wikitext_table(
            &mut out,
            "Hosts",
            HOST_COLUMNS,
            self.hosts.iter().map(HostRollup::cells),
        );
        out
    }
}
