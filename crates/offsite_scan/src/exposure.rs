//! The import graph of a wiki scan and who is exposed to each load.

use offsite_wiki::{ExposureOptions, Exposures, GraphInput, ImportGraph};

use crate::api::gadget_usage;
use crate::result::ScanResult;

/// The import graph of the pages and gadget definitions read.
pub fn build_graph(scan: &ScanResult) -> ImportGraph {
    ImportGraph::build(GraphInput {
        wiki: &scan.wiki,
        namespaces: &scan.namespaces,
        pages: &scan.pages,
        gadgets: &scan.gadgets,
    })
}

/// Who runs each node of the graph, with the live wiki's gadget usage
/// figures when there are any. Shared by `graph --page`, `inventory` and
/// `scan`.
pub fn exposures(scan: &ScanResult, graph: &ImportGraph) -> Exposures {
    graph.exposures(&ExposureOptions {
        usage: usage(scan),
        ..ExposureOptions::default()
    })
}

/// Gives every load of the scan's report the exposure of its page, for
/// `offsite scan` of a wiki: the reports then rank loads by it.
pub fn expose_loads(scan: &mut ScanResult) {
    let graph = build_graph(scan);
    let exposures = exposures(scan, &graph);
    offsite_wiki::expose_loads(&graph, &exposures, &mut scan.report.loads);
}

/// Gadget usage figures when the source is a live wiki. Without them
/// non-default gadgets count 0 users; say so rather than fail the command.
pub fn usage(scan: &ScanResult) -> Vec<offsite_wiki::GadgetUsage> {
    match &scan.api {
        Some(api) => gadget_usage(&api.options).unwrap_or_else(|e| {
            eprintln!("offsite: gadget usage unavailable ({e:#}); counting 0 users per gadget");
            Vec::new()
        }),
        None => Vec::new(),
    }
}
