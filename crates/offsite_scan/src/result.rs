//! What a scan returns: the report and what the graph needs.

use offsite_api::ClientOptions;
use offsite_model::{Diagnostic, Report};
use offsite_wiki::{GadgetDefinition, HostProvenance, Namespaces, PageLoads, WikiId};

/// Everything a scan read: the report (loads, diagnostics, counts) plus the
/// graph's inputs (gadget definitions, pages and their loads, the wiki and
/// its namespaces) and provenance.
pub struct ScanResult {
    pub report: Report,
    pub gadgets: Vec<GadgetDefinition>,
    pub pages: Vec<PageLoads>,
    /// Per (page, host): the revision that introduced it (history dumps).
    pub provenance: Vec<HostProvenance>,
    pub wiki: WikiId,
    pub namespaces: Namespaces,
    /// The live wiki's client, for gadget usage figures.
    pub api: Option<ApiOptionsUsed>,
    /// What was read, for `--verbose`.
    pub notes: Vec<String>,
}

/// The options a crawl used, to ask the same wiki more questions.
pub struct ApiOptionsUsed {
    pub options: ClientOptions,
}

impl ScanResult {
    /// Nothing read yet, from this wiki.
    pub fn new(wiki: WikiId, namespaces: Namespaces) -> Self {
        Self {
            report: Report::default(),
            gadgets: Vec::new(),
            pages: Vec::new(),
            provenance: Vec::new(),
            wiki,
            namespaces,
            api: None,
            notes: Vec::new(),
        }
    }
}

/// The diagnostics of `diagnostics` that say an input could not be read or
/// analysed (a missing or unreadable path, a special file, a damaged dump, a
/// failed crawl, a panic): the scan is incomplete, so the command exits 2
/// (see `DiagnosticKind::is_read_error`).
pub fn read_failures(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.kind.is_read_error())
        .collect()
}
