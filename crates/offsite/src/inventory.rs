//! `offsite inventory`: the table Wikimedia's security team built by hand —
//! every non-first-party load of a wiki by page, with its gadget, host, tier,
//! organisation, directive, consent, who is exposed and (from a history
//! dump) which revision introduced it — plus a roll-up by host, as JSON, CSV
//! or a sortable wikitext table ready to paste on a wiki.

use std::fs;
use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use offsite_wiki::PageExposures;

use crate::cli::{InventoryArgs, InventoryFormat};
use crate::graph::{exposures, read_graph};

pub fn run(args: &InventoryArgs) -> Result<ExitCode> {
    let (scan, graph) = read_graph(
        &args.paths,
        &args.wiki,
        args.no_config,
        args.config.as_ref(),
        args.threads,
        args.quiet,
    )?;
    let exposures = exposures(&scan, &graph);
    let inventory = offsite_wiki::inventory(
        &scan.report.loads,
        &scan.gadgets,
        &PageExposures::from_graph(&graph, &exposures),
        &scan.provenance,
    );
    let text = match args.format {
        InventoryFormat::Json => json_with_provenance(&inventory, &scan.provenance)? + "\n",
        InventoryFormat::Csv => inventory.to_csv(),
        InventoryFormat::HostsCsv => inventory.hosts_to_csv(),
        InventoryFormat::Wikitext => inventory.to_wikitext(),
        InventoryFormat::Html => html(&scan.report, &graph, &exposures)?,
    };
    if let Some(path) = &args.output {
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The inventory's JSON plus `provenance`: every (page, host) a history
/// dump saw, including hosts that were removed since (with the revision that
/// removed them), which the rows — current loads only — cannot show.
fn json_with_provenance(
    inventory: &offsite_wiki::Inventory,
    provenance: &[offsite_wiki::HostProvenance],
) -> Result<String> {
    let mut value: serde_json::Value = serde_json::from_str(&inventory.to_json())?;
    if let Some(map) = value.as_object_mut() {
        let mut provenance = provenance.to_vec();
        provenance.sort_by(|a, b| (&a.page, &a.host).cmp(&(&b.page, &b.host)));
        map.insert("provenance".to_owned(), serde_json::to_value(provenance)?);
    }
    Ok(serde_json::to_string_pretty(&value)?)
}

/// The scan's HTML report, its loads carrying the exposure the inventory
/// computed, so the page ranks and shows who runs each load.
fn html(
    report: &offsite_model::Report,
    graph: &offsite_wiki::ImportGraph,
    exposures: &offsite_wiki::Exposures,
) -> Result<String> {
    let mut report = report.clone();
    offsite_wiki::expose_loads(graph, exposures, &mut report.loads);
    let rules = offsite_rules::catalogue();
    let options = offsite_report::RenderOptions::new(env!("CARGO_PKG_VERSION"), &rules);
    let mut out = Vec::new();
    offsite_report::render(&report, offsite_report::Format::Html, &options, &mut out)?;
    Ok(String::from_utf8(out)?)
}
