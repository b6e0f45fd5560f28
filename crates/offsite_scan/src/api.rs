//! Pages crawled from a live wiki's Action API.

use std::ops::ControlFlow;
use std::sync::mpsc;

use offsite_api::{ApiClient, ClientOptions, WikiPage};
use offsite_model::{Diagnostic, DiagnosticKind, Report, Source};
use offsite_rules::Linter;
use offsite_wiki::{Namespace, Namespaces};
use rayon::ThreadPool;
use rayon::prelude::*;

use crate::error::ScanError;
use crate::page::{Item, PageResult, PageText, analyse, collect, host_of, wiki_id};
use crate::request::{ProgressFn, WikiSource};
use crate::result::{ApiOptionsUsed, ScanResult};

/// Environment variable that stands in for `--contact`.
pub const CONTACT_ENV: &str = "OFFSITE_CONTACT";

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

/// `--contact`, else `OFFSITE_CONTACT`.
pub fn contact(args: &WikiSource) -> Result<String, ScanError> {
    let from_env = std::env::var(CONTACT_ENV).ok();
    match args.contact.clone().or(from_env) {
        Some(c) if !c.trim().is_empty() => Ok(c),
        _ => Err(ScanError::NoContact { env: CONTACT_ENV }),
    }
}

pub fn client_options(url: &str, args: &WikiSource) -> Result<ClientOptions, ScanError> {
    let mut options = ClientOptions::new(url, contact(args)?);
    if !args.namespaces.is_empty() {
        options.namespaces.clone_from(&args.namespaces);
    }
    Ok(options)
}

fn runtime() -> Result<tokio::runtime::Runtime, ScanError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ScanError::Runtime)
}

pub fn read_api(
    url: &str,
    args: &WikiSource,
    linter: &Linter,
    pool: &ThreadPool,
    progress: ProgressFn<'_>,
) -> Result<ScanResult, ScanError> {
    let options = client_options(url, args)?;
    let api_error = |what: &'static str| {
        move |cause| ScanError::Api {
            url: url.to_owned(),
            what,
            cause,
        }
    };
    let client = ApiClient::new(options.clone()).map_err(api_error("invalid --wiki"))?;
    let rt = runtime()?;
    let site = rt
        .block_on(client.site_info())
        .map_err(api_error("cannot read the site info"))?;
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
                .map(|i| analyse(linter, i, progress))
                .collect()
        });
        (results, producer.join())
    });
    let summary = match crawl {
        Ok(Ok(summary)) => summary,
        Ok(Err(e)) => return Err(api_error("the crawl could not start")(e)),
        Err(_) => {
            return Err(ScanError::CrawlPanicked {
                url: url.to_owned(),
            });
        }
    };
    let mut scan = ScanResult {
        report: Report::default(),
        gadgets: Vec::new(),
        pages: Vec::new(),
        provenance: Vec::new(),
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
            kind: DiagnosticKind::Checkpoint,
            message,
        });
    }
    if let Some(e) = summary.error {
        if delivered == 0 && summary.delivered_total == 0 {
            return Err(api_error("nothing could be read")(e));
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
            kind: DiagnosticKind::ApiError,
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
        // The API gives the latest revision only: no provenance.
        history: Vec::new(),
    }
}

/// Gadget usage figures of a live wiki, for exposure. Failures mean "unknown":
/// the graph still draws, non-default gadgets just count 0 users.
pub fn gadget_usage(options: &ClientOptions) -> Result<Vec<offsite_wiki::GadgetUsage>, ScanError> {
    let api_error = |cause| ScanError::Api {
        url: options.api_url.clone(),
        what: "cannot read the gadget usage",
        cause,
    };
    let client = ApiClient::new(options.clone()).map_err(api_error)?;
    let rt = runtime()?;
    let list = rt.block_on(client.gadget_usage()).map_err(api_error)?;
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
