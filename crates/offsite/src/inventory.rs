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
use offsite_scan::exposure::exposures;

use crate::graph::{exit_code, read_pages, usage_or_warn};

pub fn run(args: &InventoryArgs) -> Result<ExitCode> {
    let (scan, graph) = read_pages(&args.pages)?;
    let exposures = exposures(&graph, usage_or_warn(&scan));
    let inventory = offsite_wiki::inventory(
        &scan.report.loads,
        &scan.gadgets,
        &PageExposures::from_graph(&graph, &exposures),
        &scan.provenance,
    );
    let text = match args.format {
        InventoryFormat::Json => inventory.to_json_with_provenance(&scan.provenance) + "\n",
        InventoryFormat::Csv => inventory.to_csv(),
        InventoryFormat::HostsCsv => inventory.hosts_to_csv(),
        InventoryFormat::Wikitext => inventory.to_wikitext(),
        InventoryFormat::Html => {
            // The scan's report, each load carrying who is exposed to it.
            let mut report = scan.report.clone();
            offsite_wiki::expose_loads(&graph, &exposures, &mut report.loads);
            let rules = offsite_rules::catalogue();
            let options = offsite_report::RenderOptions::new(env!("CARGO_PKG_VERSION"), &rules);
            let mut out = Vec::new();
            offsite_report::render(&report, offsite_report::Format::Html, &options, &mut out)?;
            String::from_utf8(out)?
        }
    };
    if let Some(path) = &args.output {
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    } else {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(exit_code(&scan, ExitCode::SUCCESS))
}
