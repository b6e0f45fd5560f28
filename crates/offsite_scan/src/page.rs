//! Wiki pages as sources: read from an XML dump (`offsite_dump`) or crawled
//! from a live wiki (`offsite_api`), checked with the same `Linter` as files.
//!
//! Pages stream in and are analysed in parallel as they arrive (rayon's
//! `par_bridge` pulls one page per idle worker), so memory holds a few page
//! texts at a time, never the whole wiki. Damage in a dump and API errors
//! become diagnostics and the pages read before them are kept; only a source
//! that yields nothing usable at all is an error.

use offsite_model::{Diagnostic, DiagnosticKind, Language, Source};
use offsite_rules::{FileReport, Linter};
use offsite_wiki::{
    GadgetDefinition, HostProvenance, LoadRef, PageLoads, ProvenanceTracker, RevisionMeta, WikiId,
};

pub use offsite_wiki::{PageKind, page_kind};

use crate::request::{Progress, ProgressFn};
use crate::result::ScanResult;

/// One page's text and where it came from.
pub struct PageText {
    pub source: Source,
    pub text: String,
    /// The page's whole history, oldest first, when the source has it (a
    /// history dump whose first revision created the page); empty otherwise.
    /// Text is `None` where it was deleted.
    pub history: Vec<(RevisionMeta, Option<String>)>,
}

/// What a source delivers: a page, or a problem reading it.
pub enum Item {
    Page(PageText),
    Problem(Diagnostic),
    /// A page with nothing to analyse (deleted text, a stub dump).
    Skip,
}

/// The result of analysing one page.
#[derive(Default)]
pub struct PageResult {
    pub file: FileReport,
    pub gadgets: Vec<GadgetDefinition>,
    /// Code or definitions were read (counts toward `files_scanned`).
    pub analysed: bool,
    /// For the import graph: the page and its loads, when it is code.
    pub page: Option<PageLoads>,
    /// When and by whom each host came into the page (history dumps only).
    pub provenance: Vec<HostProvenance>,
}

/// Analyses one page; a panic in its analysis becomes a diagnostic naming
/// the page (see [`crate::confine`]).
pub fn analyse(linter: &Linter, item: Item, progress: ProgressFn<'_>) -> PageResult {
    let source = match &item {
        Item::Page(page) => page.source.clone(),
        Item::Problem(_) | Item::Skip => return analyse_page(linter, item),
    };
    let result = crate::confine::confine(
        &source,
        || analyse_page(linter, item),
        |d| PageResult {
            file: FileReport {
                diagnostics: vec![d],
                ..FileReport::default()
            },
            ..PageResult::default()
        },
    );
    progress(Progress::Analysed);
    result
}

fn analyse_page(linter: &Linter, item: Item) -> PageResult {
    let page = match item {
        Item::Problem(d) => {
            return PageResult {
                file: FileReport {
                    diagnostics: vec![d],
                    ..FileReport::default()
                },
                ..PageResult::default()
            };
        }
        Item::Skip => return PageResult::default(),
        Item::Page(page) => page,
    };
    let title = page.source.title.clone().unwrap_or_default();
    let kind = page_kind(
        page.source.namespace,
        &title,
        page.source.content_model.as_deref(),
    );
    match kind {
        PageKind::Skip => PageResult::default(),
        PageKind::Code(language) => {
            let file = linter.check(&page.source, &page.text, language);
            let provenance = provenance(linter, &page, &title, language, &file);
            let loads = PageLoads::new(title, file.loads.iter().map(LoadRef::from));
            PageResult {
                file,
                analysed: true,
                page: Some(loads),
                provenance,
                ..PageResult::default()
            }
        }
        PageKind::LegacyDefinitions => {
            let parsed = offsite_wiki::parse_legacy(&page.text);
            let diagnostics = parsed
                .errors
                .into_iter()
                .map(|e| Diagnostic {
                    source: page.source.clone(),
                    line: u32::try_from(e.line).ok(),
                    column: None,
                    kind: DiagnosticKind::GadgetDefinition,
                    message: e.message,
                })
                .collect();
            PageResult {
                file: FileReport {
                    diagnostics,
                    ..FileReport::default()
                },
                gadgets: parsed.gadgets,
                analysed: true,
                ..PageResult::default()
            }
        }
        PageKind::JsonDefinition => match offsite_wiki::parse_json(&title, &page.text) {
            Ok(def) => PageResult {
                gadgets: vec![def],
                analysed: true,
                ..PageResult::default()
            },
            Err(e) => PageResult {
                file: FileReport {
                    diagnostics: vec![Diagnostic {
                        source: page.source,
                        line: None,
                        column: None,
                        kind: DiagnosticKind::GadgetDefinition,
                        message: e.to_string(),
                    }],
                    ..FileReport::default()
                },
                analysed: true,
                ..PageResult::default()
            },
        },
    }
}

/// Replays a page's history through the detector: which revision brought
/// each non-first-party host in, and whether a later one took it out. A
/// revision whose text equals the one before reuses its hosts.
fn provenance(
    linter: &Linter,
    page: &PageText,
    title: &str,
    language: Language,
    latest: &FileReport,
) -> Vec<HostProvenance> {
    if page.history.is_empty() {
        return Vec::new();
    }
    let mut tracker = ProvenanceTracker::new();
    // The latest text was just checked for the report; its revision (and
    // any earlier one with the same text) reuses that result.
    let latest_hosts = offsite_wiki::inventory_hosts(&latest.loads);
    let mut previous: Option<(&str, std::collections::BTreeSet<String>)> = None;
    for (meta, text) in &page.history {
        let hosts = match (text.as_deref(), &previous) {
            (Some(t), _) if t == page.text => latest_hosts.clone(),
            (Some(t), Some((before, hosts))) if *before == t => hosts.clone(),
            (Some(t), _) => {
                let file = linter.check(&page.source, t, language);
                let hosts = offsite_wiki::inventory_hosts(&file.loads);
                previous = Some((t, hosts.clone()));
                hosts
            }
            // Deleted text tells nothing; the tracker skips the revision.
            (None, _) => std::collections::BTreeSet::new(),
        };
        tracker.revision(title, meta.clone(), &hosts);
    }
    tracker.finish_page()
}

pub fn collect(results: impl Iterator<Item = PageResult>, scan: &mut ScanResult) {
    for r in results {
        scan.report.files_scanned += usize::from(r.analysed);
        scan.report.loads.extend(r.file.loads);
        scan.report.diagnostics.extend(r.file.diagnostics);
        scan.report.suppressed += r.file.suppressed;
        scan.gadgets.extend(r.gadgets);
        scan.pages.extend(r.page);
        scan.provenance.extend(r.provenance);
    }
    // Pages are analysed in whatever order the workers finish them.
    let key = |s: &Source| (s.title.clone(), s.path.clone());
    scan.report.loads.sort_by(|a, b| {
        (key(&a.source), a.line, a.column).cmp(&(key(&b.source), b.line, b.column))
    });
    scan.report.diagnostics.sort_by(|a, b| {
        (key(&a.source), a.line, &a.kind, &a.message).cmp(&(
            key(&b.source),
            b.line,
            &b.kind,
            &b.message,
        ))
    });
    scan.pages.sort_by(|a, b| a.title.cmp(&b.title));
}

/// The host of a URL (`http://127.0.0.1:8091/index.php/Main_Page`,
/// `//en.wikipedia.org`), lower-case, port kept for the graph to drop.
/// Parsed by the WHATWG URL parser; what it rejects is kept as written
/// (lower-cased) rather than guessed at.
pub fn host_of(url: &str) -> String {
    // `$wgServer` may be protocol-relative; any scheme gives the same host.
    let absolute = match url.strip_prefix("//") {
        Some(rest) => format!("https://{rest}"),
        None => url.to_owned(),
    };
    match url::Url::parse(&absolute) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => url.to_ascii_lowercase(),
        },
        Err(_) => url.to_ascii_lowercase(),
    }
}

pub(crate) fn wiki_id(host: &str, dbname: &str) -> WikiId {
    let bare = host.split(':').next().unwrap_or(host);
    if !dbname.is_empty()
        && offsite_model::wikimedia::is_under(bare, offsite_model::wikimedia::WIKI_DOMAINS)
    {
        return WikiId::wikimedia(host, dbname);
    }
    let mut id = WikiId::new(host);
    id.dbname = (!dbname.is_empty()).then(|| dbname.to_owned());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_come_out_of_server_and_base_urls() {
        assert_eq!(host_of("//en.wikipedia.org"), "en.wikipedia.org");
        assert_eq!(
            host_of("http://127.0.0.1:8091/index.php/Main_Page"),
            "127.0.0.1:8091"
        );
        assert_eq!(host_of("https://u@Example.ORG/wiki/X"), "example.org");
    }
}
