//! The import graph of a wiki scan and who is exposed to each load.

use offsite_wiki::{ExposureOptions, Exposures, GadgetUsage, GraphInput, ImportGraph};

use crate::api::gadget_usage;
use crate::error::ScanError;
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

/// Who runs each node of the graph, with `usage` — the live wiki's gadget
/// usage figures ([`usage`]), empty otherwise. Shared by `graph --page`,
/// `inventory` and `scan`.
pub fn exposures(graph: &ImportGraph, usage: Vec<GadgetUsage>) -> Exposures {
    graph.exposures(&ExposureOptions {
        usage,
        ..ExposureOptions::default()
    })
}

/// Gives every load of the scan's report the exposure of its page, for
/// `offsite scan` of a wiki: the reports then rank loads by it.
pub fn expose_loads(scan: &mut ScanResult, usage: Vec<GadgetUsage>) {
    let graph = build_graph(scan);
    let exposures = exposures(&graph, usage);
    offsite_wiki::expose_loads(&graph, &exposures, &mut scan.report.loads);
}

/// Gadget usage figures when the source is a live wiki (one more request,
/// so only commands that rank by exposure ask); empty for other sources.
/// Without them non-default gadgets count 0 users: callers say so rather
/// than fail.
pub fn usage(scan: &ScanResult) -> Result<Vec<GadgetUsage>, ScanError> {
    match &scan.api {
        Some(api) => gadget_usage(&api.options),
        None => Ok(Vec::new()),
    }
}
