//! `offsite graph`: the import graph of a wiki (from a dump, a live wiki or
//! files named by title) as DOT or JSON, or the chains that reach one page.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use offsite_model::Source;
use offsite_rules::Linter;
use offsite_wiki::{
    Exposure, ExposureOptions, Exposures, GraphInput, ImportGraph, Namespaces, Node, WikiId,
};
use rayon::prelude::*;

use crate::cli::{GraphArgs, GraphFormat, WikiSourceArgs};
use crate::scan::{load_settings, thread_pool};
use offsite_scan::wiki::{self, Item, PageText, WikiScan};

pub fn run(args: &GraphArgs) -> Result<ExitCode> {
    let (scan, graph) = read_graph(
        &args.paths,
        &args.wiki,
        args.no_config,
        args.config.as_ref(),
        args.threads,
        args.quiet,
    )?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match &args.page {
        Some(title) => write_chains(&mut out, &graph, &scan, title)?,
        None => match args.format {
            GraphFormat::Dot => write!(out, "{}", graph.to_dot())?,
            GraphFormat::Json => writeln!(out, "{}", graph.to_json())?,
        },
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the wiki named on the command line: a dump, a live wiki, or files
/// named by title. Shared by `graph` and `inventory`.
pub(crate) fn read_scan(
    paths: &[PathBuf],
    source: &WikiSourceArgs,
    no_config: bool,
    config: Option<&PathBuf>,
    threads: Option<usize>,
) -> Result<WikiScan> {
    let (settings, _) = load_settings(no_config, config, &[])?;
    let linter = Linter::new(settings).context("invalid policy")?;
    let pool = thread_pool(threads)?;
    if source.is_set() {
        wiki::read(&source.to_source(), &linter, &pool)
    } else {
        if paths.is_empty() {
            bail!("give --dump FILE, --wiki API_URL or the files of the pages");
        }
        read_files(paths, &linter, &pool)
    }
}

/// Reads the wiki (see [`read_scan`]), reports its diagnostics on stderr
/// unless `quiet`, and builds its import graph. Shared by `graph` and
/// `inventory`.
pub(crate) fn read_graph(
    paths: &[PathBuf],
    source: &WikiSourceArgs,
    no_config: bool,
    config: Option<&PathBuf>,
    threads: Option<usize>,
    quiet: bool,
) -> Result<(WikiScan, ImportGraph)> {
    let scan = read_scan(paths, source, no_config, config, threads)?;
    if !quiet {
        for d in &scan.report.diagnostics {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            eprintln!(
                "offsite: {}{line}: {}: {}",
                d.source.display_name(),
                d.kind,
                d.message
            );
        }
    }
    let graph = build_graph(&scan);
    Ok((scan, graph))
}

/// The import graph of the pages and gadget definitions read.
pub(crate) fn build_graph(scan: &WikiScan) -> ImportGraph {
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
pub(crate) fn exposures(scan: &WikiScan, graph: &ImportGraph) -> Exposures {
    graph.exposures(&ExposureOptions {
        usage: usage(scan),
        ..ExposureOptions::default()
    })
}

/// Gives every load of the scan's report the exposure of its page, for
/// `offsite scan` of a wiki: the reports then rank loads by it.
pub(crate) fn expose_loads(scan: &mut WikiScan) {
    let graph = build_graph(scan);
    let exposures = exposures(scan, &graph);
    offsite_wiki::expose_loads(&graph, &exposures, &mut scan.report.loads);
}

/// Gadget usage figures when the source is a live wiki. Without them
/// non-default gadgets count 0 users; say so rather than fail the command.
fn usage(scan: &WikiScan) -> Vec<offsite_wiki::GadgetUsage> {
    match &scan.api {
        Some(api) => wiki::gadget_usage(&api.options).unwrap_or_else(|e| {
            eprintln!("offsite: gadget usage unavailable ({e:#}); counting 0 users per gadget");
            Vec::new()
        }),
        None => Vec::new(),
    }
}

fn write_chains(
    out: &mut impl Write,
    graph: &ImportGraph,
    scan: &WikiScan,
    title: &str,
) -> Result<()> {
    let target = graph.page(None, title);
    if graph.node_id(&target).is_none() {
        bail!("{title}: no such page in the graph (not scanned and not loaded by any page)");
    }
    let exposures = exposures(scan, graph);
    let chains = graph.chains_to(&target);
    if chains.is_empty() {
        writeln!(out, "no entry point reaches {title}")?;
    }
    for chain in &chains {
        let labels: Vec<String> = chain.iter().map(|n| label(&graph.wiki, n)).collect();
        writeln!(out, "{}", labels.join(" → "))?;
    }
    if let Some(e) = exposures.of(graph, &target) {
        let depth = e
            .depth
            .map_or_else(|| "unreached".to_owned(), |d| format!("depth {d}"));
        let url = if e.url_loadable {
            ", loadable by anyone with ?withgadget="
        } else {
            ""
        };
        writeln!(out, "exposure: {} ({depth}{url})", describe(&e.exposure))?;
        if !e.users.is_empty() {
            writeln!(
                out,
                "users whose own scripts reach it: {}",
                e.users.join(", ")
            )?;
        }
    }
    Ok(())
}

/// Pages of the graph's own wiki by title alone; the rest as the graph names them.
fn label(wiki: &WikiId, node: &Node) -> String {
    match node {
        Node::Page { wiki: host, title } if *host == wiki.host => title.clone(),
        other => other.label(),
    }
}

fn describe(exposure: &Exposure) -> String {
    match exposure {
        Exposure::Nobody => "nobody".to_owned(),
        users @ Exposure::Users { .. } => offsite_wiki::exposure_label(users),
        Exposure::EveryReader => "every reader".to_owned(),
        Exposure::LoggedIn { rights, groups } => {
            let mut parts = Vec::new();
            if !groups.is_empty() {
                parts.push(format!("groups {}", groups.join(", ")));
            }
            if !rights.is_empty() {
                parts.push(format!("rights {}", rights.join(", ")));
            }
            format!("logged-in users with {}", parts.join("; "))
        }
    }
}

/// Pages stored as files named by their title, `/` written `%2F`
/// (`User:Alice%2Fcommon.js`, `MediaWiki:Gadgets-definition`), as
/// `scripts/testbed-pages/seed` keeps them.
fn read_files(paths: &[PathBuf], linter: &Linter, pool: &rayon::ThreadPool) -> Result<WikiScan> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in ignore::WalkBuilder::new(path).require_git(false).build() {
                let entry = entry.with_context(|| format!("cannot walk {}", path.display()))?;
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    files.push(entry.into_path());
                }
            }
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            bail!("{}: no such file or folder", path.display());
        }
    }
    files.sort();
    files.dedup();
    let results: Vec<wiki::PageResult> = pool.install(|| {
        files
            .par_iter()
            .map(|p| wiki::analyse(linter, file_item(p)))
            .collect()
    });
    let mut scan = WikiScan {
        report: offsite_model::Report::default(),
        gadgets: Vec::new(),
        pages: Vec::new(),
        provenance: Vec::new(),
        wiki: WikiId::new("localhost"),
        namespaces: Namespaces::english(),
        api: None,
        notes: Vec::new(),
    };
    wiki::collect(results.into_iter(), &mut scan);
    Ok(scan)
}

fn file_item(path: &Path) -> Item {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = name
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace('_', " ");
    let ns = Namespaces::english().parse(&title).namespace;
    match fs::read(path) {
        Ok(bytes) => Item::Page(PageText {
            source: Source {
                path: Some(path.display().to_string()),
                title: Some(title),
                namespace: Some(ns),
                ..Source::default()
            },
            text: String::from_utf8_lossy(&bytes).into_owned(),
            history: Vec::new(),
        }),
        Err(e) => Item::Problem(offsite_model::Diagnostic {
            source: Source::file(path.display().to_string()),
            line: None,
            column: None,
            kind: "io-error".to_owned(),
            message: e.to_string(),
        }),
    }
}
