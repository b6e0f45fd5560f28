//! Pages from an XML dump: the latest revision of every wanted page.

use std::path::Path;

use offsite_dump::{DumpError, DumpOptions, DumpPage, SiteInfo as DumpSiteInfo};
use offsite_model::{Diagnostic, DiagnosticKind, Report, Source};
use offsite_rules::Linter;
use offsite_wiki::{Namespace, Namespaces, RevisionMeta};
use rayon::ThreadPool;
use rayon::prelude::*;

use crate::error::ScanError;
use crate::page::{Item, PageResult, PageText, analyse, collect, host_of, wiki_id};
use crate::request::{Bzip2Decoder, ProgressFn};
use crate::result::ScanResult;

pub fn read_dump(
    path: &Path,
    index: Option<&Path>,
    decoder: Bzip2Decoder,
    max_page_bytes: Option<u64>,
    linter: &Linter,
    pool: &ThreadPool,
    progress: ProgressFn<'_>,
) -> Result<ScanResult, ScanError> {
    let external_bzip2 = match decoder {
        Bzip2Decoder::Builtin => None,
        Bzip2Decoder::Auto => offsite_dump::find_program("lbzip2"),
        Bzip2Decoder::Lbzip2 => {
            Some(offsite_dump::find_program("lbzip2").ok_or(ScanError::NoLbzip2)?)
        }
    };
    let options = DumpOptions {
        threads: pool.current_num_threads().max(1),
        index: index.map(Path::to_path_buf),
        external_bzip2,
        max_text_bytes: max_page_bytes.unwrap_or(offsite_dump::DEFAULT_MAX_TEXT_BYTES),
        ..DumpOptions::default()
    };
    // An error here means nothing usable was read: not a dump, an unknown
    // version, or damage before the end of `<siteinfo>`.
    let mut dump = offsite_dump::open(path, &options)?;
    let site = dump.site_info().clone();
    let wiki_name = if site.dbname.is_empty() {
        site.base.clone()
    } else {
        site.dbname.clone()
    };
    let dump_name = path.display().to_string();
    let results: Vec<PageResult> = pool.install(|| {
        (&mut dump)
            .par_bridge()
            .map(|item| analyse(linter, dump_item(item, &wiki_name, &dump_name), progress))
            .collect()
    });
    let mut scan = ScanResult {
        report: Report::default(),
        gadgets: Vec::new(),
        pages: Vec::new(),
        provenance: Vec::new(),
        wiki: wiki_id(&host_of(&site.base), &site.dbname),
        namespaces: dump_namespaces(&site),
        api: None,
        notes: Vec::new(),
    };
    collect(results.into_iter(), &mut scan);
    let summary = dump.summary();
    scan.notes.push(format!(
        "{dump_name}: export {} ({}{}), {} pages, {} revisions, {} pages wanted, {} bytes of XML{}",
        summary.export_version,
        summary.compression,
        if summary.parallel {
            ", parallel multistream"
        } else {
            ""
        },
        summary.pages_seen,
        summary.revisions_seen,
        summary.pages_wanted,
        summary.decompressed_bytes,
        if summary.partial.is_some() {
            " (partial)"
        } else {
            ""
        },
    ));
    for warning in summary.warnings {
        scan.report.diagnostics.push(Diagnostic {
            source: Source::file(dump_name.clone()),
            line: None,
            column: None,
            kind: DiagnosticKind::DumpWarning,
            message: warning,
        });
    }
    Ok(scan)
}

/// The latest revision of a wanted page, or the error as a diagnostic.
fn dump_item(item: Result<DumpPage, DumpError>, wiki: &str, dump_name: &str) -> Item {
    let page = match item {
        Ok(page) => page,
        Err(e) => {
            // A page over the size limit is skipped on purpose, like a file
            // over its limit: a warning, not an unread (damaged) dump.
            let kind = if matches!(e, DumpError::PageTooLarge { .. }) {
                DiagnosticKind::TooLarge
            } else {
                DiagnosticKind::DumpError
            };
            return Item::Problem(Diagnostic {
                source: Source::file(dump_name),
                line: None,
                column: None,
                kind,
                // The message names the file and the byte offset.
                message: e.to_string(),
            });
        }
    };
    let DumpPage {
        header,
        mut revisions,
    } = page;
    // The whole history is here only if the first revision created the page.
    let complete = revisions.first().is_some_and(|r| r.parent_id.is_none());
    let history = if complete {
        revisions
            .iter()
            .map(|r| {
                let meta = RevisionMeta {
                    id: r.id,
                    timestamp: r.timestamp.clone(),
                    // A hidden contributor stays unnamed.
                    user: if r.user_deleted {
                        None
                    } else {
                        r.user.clone().or_else(|| r.ip.clone())
                    },
                    text_deleted: r.text_deleted || r.text.is_none(),
                };
                (meta, r.text.clone())
            })
            .collect()
    } else {
        Vec::new()
    };
    let Some(rev) = revisions.pop() else {
        return Item::Skip;
    };
    let source = Source {
        path: None,
        wiki: Some(wiki.to_owned()),
        title: Some(header.title),
        namespace: Some(header.ns),
        page_id: Some(header.id),
        revision: Some(rev.id),
        timestamp: Some(rev.timestamp),
        user: rev.user.or(rev.ip),
        content_model: rev.model,
    };
    match rev.text {
        Some(text) => Item::Page(PageText {
            source,
            text,
            history,
        }),
        // Deleted or suppressed text (or a stub dump): nothing to analyse.
        None => Item::Skip,
    }
}

fn dump_namespaces(site: &DumpSiteInfo) -> Namespaces {
    if site.namespaces.is_empty() {
        return Namespaces::english();
    }
    let english = Namespaces::english();
    let case_sensitive = site.case == "case-sensitive";
    Namespaces::new(
        site.namespaces
            .iter()
            .map(|(&id, name)| Namespace {
                id,
                name: name.clone(),
                canonical: english.name_of(id).map(str::to_owned),
                aliases: Vec::new(),
                case_sensitive,
            })
            .collect(),
    )
}
