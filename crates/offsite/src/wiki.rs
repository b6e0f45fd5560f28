//! Wiki pages as sources: read from an XML dump (`offsite_dump`) or crawled
//! from a live wiki (`offsite_api`), checked with the same `Linter` as files.
//!
//! Pages stream in and are analysed in parallel as they arrive (rayon's
//! `par_bridge` pulls one page per idle worker), so memory holds a few page
//! texts at a time, never the whole wiki. Damage in a dump and API errors
//! become diagnostics and the pages read before them are kept; only a source
//! that yields nothing usable at all is an error.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::mpsc;

use anyhow::{Context, Result, bail};
use offsite_api::{ApiClient, ClientOptions, WikiPage};
use offsite_dump::{DumpError, DumpOptions, DumpPage, SiteInfo as DumpSiteInfo};
use offsite_model::{Diagnostic, Language, Report, Source};
use offsite_rules::{FileReport, Linter};
use offsite_wiki::{GadgetDefinition, LoadRef, Namespace, Namespaces, PageLoads, WikiId};
use rayon::ThreadPool;
use rayon::prelude::*;

use crate::cli::WikiSourceArgs;

/// Environment variable that stands in for `--contact`.
pub const CONTACT_ENV: &str = "OFFSITE_CONTACT";

/// One page's text and where it came from.
pub struct PageText {
    pub source: Source,
    pub text: String,
}

/// What a source delivers: a page, or a problem reading it.
pub enum Item {
    Page(PageText),
    Problem(Diagnostic),
    /// A page with nothing to analyse (deleted text, a stub dump).
    Skip,
}

/// How a page is treated, from its namespace, title and content model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Code(Language),
    /// `MediaWiki:Gadgets-definition` (wikitext).
    LegacyDefinitions,
    /// `MediaWiki:Gadgets/<id>.json`.
    JsonDefinition,
    /// Wikitext, JSON data and anything else that runs nothing.
    Skip,
}

pub fn page_kind(namespace: Option<i32>, title: &str, model: Option<&str>) -> PageKind {
    // The namespace's local name varies by wiki; its number does not.
    let in_mediawiki_ns = namespace.map_or_else(|| title.starts_with("MediaWiki:"), |n| n == 8);
    let rest = title.split_once(':').map_or(title, |(_, rest)| rest);
    if in_mediawiki_ns && rest == "Gadgets-definition" {
        return PageKind::LegacyDefinitions;
    }
    #[expect(
        clippy::case_sensitive_file_extension_comparisons,
        reason = "MediaWiki titles are case-sensitive after the first letter: `Gadgets/X.JSON` is no definition"
    )]
    let json_title = rest.starts_with("Gadgets/") && rest.ends_with(".json");
    if model == Some("GadgetDefinition") || (in_mediawiki_ns && json_title) {
        return PageKind::JsonDefinition;
    }
    match model {
        Some("javascript") => PageKind::Code(Language::JavaScript),
        Some("css" | "sanitized-css") => PageKind::Code(Language::Css),
        Some(_) => PageKind::Skip,
        // Older dumps and plain files say nothing: the title's extension decides.
        None => match Language::from_name(title) {
            Some(l @ (Language::JavaScript | Language::Css)) => PageKind::Code(l),
            _ => PageKind::Skip,
        },
    }
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
}

pub fn analyse(linter: &Linter, item: Item) -> PageResult {
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
            let loads = PageLoads::new(title, file.loads.iter().map(LoadRef::from));
            PageResult {
                file,
                analysed: true,
                page: Some(loads),
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
                    kind: "gadget-definition".to_owned(),
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
                page: None,
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
                        kind: "gadget-definition".to_owned(),
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

/// Everything read from a wiki: the report plus what the graph needs.
pub struct WikiScan {
    pub report: Report,
    pub gadgets: Vec<GadgetDefinition>,
    pub pages: Vec<PageLoads>,
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

/// Reads the dump or crawls the wiki named in `args` and analyses every page.
pub fn read(args: &WikiSourceArgs, linter: &Linter, pool: &ThreadPool) -> Result<WikiScan> {
    if let Some(path) = &args.dump {
        read_dump(path, args.dump_index.as_deref(), linter, pool)
    } else if let Some(url) = &args.wiki {
        read_api(url, args, linter, pool)
    } else {
        bail!("no wiki source: give --dump FILE or --wiki API_URL")
    }
}

pub fn collect(results: impl Iterator<Item = PageResult>, scan: &mut WikiScan) {
    for r in results {
        scan.report.files_scanned += usize::from(r.analysed);
        scan.report.loads.extend(r.file.loads);
        scan.report.diagnostics.extend(r.file.diagnostics);
        scan.report.suppressed += r.file.suppressed;
        scan.gadgets.extend(r.gadgets);
        scan.pages.extend(r.page);
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

fn read_dump(
    path: &Path,
    index: Option<&Path>,
    linter: &Linter,
    pool: &ThreadPool,
) -> Result<WikiScan> {
    let options = DumpOptions {
        threads: pool.current_num_threads().max(1),
        index: index.map(Path::to_path_buf),
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
            .map(|item| analyse(linter, dump_item(item, &wiki_name, &dump_name)))
            .collect()
    });
    let mut scan = WikiScan {
        report: Report::default(),
        gadgets: Vec::new(),
        pages: Vec::new(),
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
            kind: "dump-warning".to_owned(),
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
            return Item::Problem(Diagnostic {
                source: Source::file(dump_name),
                line: None,
                column: None,
                kind: "dump-error".to_owned(),
                // The message names the file and the byte offset.
                message: e.to_string(),
            });
        }
    };
    let DumpPage { header, revisions } = page;
    let Some(rev) = revisions.into_iter().last() else {
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
        Some(text) => Item::Page(PageText { source, text }),
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

fn api_namespaces(site: &offsite_api::SiteInfo) -> Namespaces {
    if site.namespaces.is_empty() {
        return Namespaces::english();
    }
    Namespaces::new(
        site.namespaces
            .iter()
            .filter_map(|n| {
                Some(Namespace {
                    id: i32::try_from(n.id).ok()?,
                    name: n.name.clone(),
                    canonical: n.canonical.clone(),
                    aliases: Vec::new(),
                    case_sensitive: false,
                })
            })
            .collect(),
    )
}

/// The host of a URL (`http://127.0.0.1:8091/index.php/Main_Page`,
/// `//en.wikipedia.org`), lower-case, port kept for the graph to drop.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("//").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

fn wiki_id(host: &str, dbname: &str) -> WikiId {
    let wikimedia = [
        "wikipedia.org",
        "wikimedia.org",
        "wiktionary.org",
        "wikibooks.org",
        "wikinews.org",
        "wikiquote.org",
        "wikisource.org",
        "wikiversity.org",
        "wikivoyage.org",
        "wikidata.org",
        "mediawiki.org",
        "wikifunctions.org",
    ];
    let bare = host.split(':').next().unwrap_or(host);
    if !dbname.is_empty() && wikimedia.iter().any(|d| bare.ends_with(d)) {
        return WikiId::wikimedia(host, dbname);
    }
    let mut id = WikiId::new(host);
    id.dbname = (!dbname.is_empty()).then(|| dbname.to_owned());
    id
}

/// `--contact`, else `OFFSITE_CONTACT`.
pub fn contact(args: &WikiSourceArgs) -> Result<String> {
    let from_env = std::env::var(CONTACT_ENV).ok();
    match args.contact.clone().or(from_env) {
        Some(c) if !c.trim().is_empty() => Ok(c),
        _ => bail!(
            "--wiki needs --contact EMAIL_OR_URL (or the {CONTACT_ENV} environment variable): \
             wikis ask crawlers for a User-Agent that says how to reach whoever runs them"
        ),
    }
}

pub fn client_options(url: &str, args: &WikiSourceArgs) -> Result<ClientOptions> {
    let mut options = ClientOptions::new(url, contact(args)?);
    if !args.namespaces.is_empty() {
        options.namespaces.clone_from(&args.namespaces);
    }
    Ok(options)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the HTTP runtime")
}

fn read_api(
    url: &str,
    args: &WikiSourceArgs,
    linter: &Linter,
    pool: &ThreadPool,
) -> Result<WikiScan> {
    let options = client_options(url, args)?;
    let client = ApiClient::new(options.clone()).with_context(|| format!("--wiki {url}"))?;
    let rt = runtime()?;
    let site = rt
        .block_on(client.site_info())
        .with_context(|| format!("{url}: cannot read the site info"))?;
    let wiki_name = if site.wiki_id.is_empty() {
        site.server.clone()
    } else {
        site.wiki_id.clone()
    };
    let checkpoint = args.checkpoint.as_deref();
    let since = args.since.as_deref();
    // Analysis keeps up with the serial crawl; the bound only stops a slow
    // machine from piling up page texts.
    let (tx, rx) = mpsc::sync_channel::<Item>(pool.current_num_threads() * 2 + 2);
    let (results, crawl) = std::thread::scope(|s| {
        let wiki_name = &wiki_name;
        let client = &client;
        let producer = s.spawn(move || {
            rt.block_on(offsite_api::crawl_with(client, checkpoint, since, |page| {
                match tx.send(Item::Page(api_page(page, wiki_name))) {
                    Ok(()) => ControlFlow::Continue(()),
                    // The analysing side is gone: stop crawling.
                    Err(_) => ControlFlow::Break(()),
                }
            }))
        });
        let results: Vec<PageResult> = pool.install(|| {
            rx.into_iter()
                .par_bridge()
                .map(|i| analyse(linter, i))
                .collect()
        });
        (results, producer.join())
    });
    let summary = match crawl {
        Ok(Ok(summary)) => summary,
        Ok(Err(e)) => return Err(e).with_context(|| format!("{url}: the crawl could not start")),
        Err(_) => bail!("{url}: the crawl thread panicked"),
    };
    let mut scan = WikiScan {
        report: Report::default(),
        gadgets: Vec::new(),
        pages: Vec::new(),
        wiki: wiki_id(&host_of(&site.server), &site.wiki_id),
        namespaces: api_namespaces(&site),
        api: Some(ApiOptionsUsed { options }),
        notes: vec![format!(
            "{url}: {} pages listed, {} fetched, {} analysed this run ({} over the checkpoint), {} requests{}",
            summary.listed,
            summary.fetched,
            summary.delivered,
            summary.delivered_total,
            summary.requests,
            if summary.complete { "" } else { ", incomplete" },
        )],
    };
    if !summary.removed.is_empty() {
        let titles: Vec<&str> = summary.removed.iter().map(|r| r.title.as_str()).collect();
        scan.notes.push(format!(
            "deleted or moved away since then: {}",
            titles.join(", ")
        ));
    }
    let delivered = summary.delivered;
    collect(results.into_iter(), &mut scan);
    if let Some(cp) = checkpoint
        && summary.delivered_total > delivered
    {
        // The crawl library resumes where the checkpoint stopped; the loads of
        // earlier runs live only in those runs' reports.
        let earlier = summary.delivered_total - delivered;
        let message = if delivered == 0 && summary.complete {
            format!(
                "{}: this checkpoint is of a finished crawl ({earlier} pages read by earlier runs); nothing was read now. Delete it to crawl again.",
                cp.display()
            )
        } else {
            format!(
                "{}: resumed; this report covers the {delivered} page(s) read now, not the {earlier} read by earlier runs",
                cp.display()
            )
        };
        scan.report.diagnostics.push(Diagnostic {
            source: Source::file(cp.display().to_string()),
            line: None,
            column: None,
            kind: "checkpoint".to_owned(),
            message,
        });
    }
    if let Some(e) = summary.error {
        if delivered == 0 && summary.delivered_total == 0 {
            return Err(e).with_context(|| format!("{url}: nothing could be read"));
        }
        let resume = if checkpoint.is_some() {
            "run again with the same --checkpoint to resume"
        } else {
            "give --checkpoint FILE to resume later"
        };
        scan.report.diagnostics.push(Diagnostic {
            // The API URL stands where a file path would: it is what failed.
            source: Source {
                path: Some(url.to_owned()),
                wiki: Some(wiki_name),
                ..Source::default()
            },
            line: None,
            column: None,
            kind: "api-error".to_owned(),
            message: format!(
                "the crawl stopped early: {e}; the {delivered} page(s) read before it are reported ({resume})"
            ),
        });
    }
    Ok(scan)
}

fn api_page(page: WikiPage, wiki: &str) -> PageText {
    PageText {
        source: Source {
            path: None,
            wiki: Some(wiki.to_owned()),
            title: Some(page.title),
            namespace: i32::try_from(page.ns).ok(),
            page_id: Some(page.page_id),
            revision: Some(page.revision),
            timestamp: Some(page.timestamp),
            user: page.user,
            content_model: Some(page.content_model),
        },
        text: page.text,
    }
}

/// Gadget usage figures of a live wiki, for exposure. Failures mean "unknown":
/// the graph still draws, non-default gadgets just count 0 users.
pub fn gadget_usage(options: &ClientOptions) -> Result<Vec<offsite_wiki::GadgetUsage>> {
    let client = ApiClient::new(options.clone())?;
    let rt = runtime()?;
    let list = rt.block_on(client.gadget_usage())?;
    Ok(list
        .entries
        .into_iter()
        .map(|u| offsite_wiki::GadgetUsage {
            gadget: u.gadget,
            users: u.users,
            active_users: u.active_users.unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_content_model_then_the_title() {
        let k = |ns, t, m| page_kind(ns, t, m);
        assert_eq!(
            k(Some(8), "MediaWiki:Gadgets-definition", Some("wikitext")),
            PageKind::LegacyDefinitions
        );
        assert_eq!(
            k(Some(8), "MediaWiki:Gadgets/Foo.json", Some("json")),
            PageKind::JsonDefinition
        );
        assert_eq!(k(Some(2), "User:A/x.json", Some("json")), PageKind::Skip);
        assert_eq!(
            k(Some(2), "User:A/x.js", Some("javascript")),
            PageKind::Code(Language::JavaScript)
        );
        assert_eq!(
            k(Some(10), "Template:X/styles.css", Some("sanitized-css")),
            PageKind::Code(Language::Css)
        );
        assert_eq!(k(Some(0), "Main Page", Some("wikitext")), PageKind::Skip);
        assert_eq!(k(None, "User:A/x.css", None), PageKind::Code(Language::Css));
    }

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
