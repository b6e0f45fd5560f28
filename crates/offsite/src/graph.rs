//! `offsite graph`: the import graph of a wiki (from a dump, a live wiki or
//! files named by title) as DOT or JSON, or the chains that reach one page.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Result, bail};
use offsite_wiki::ImportGraph;

use offsite_rules::Settings;
use offsite_scan::config::{Policy, load_policy};
use offsite_scan::exposure::{build_graph, exposures};
use offsite_scan::{ScanRequest, ScanResult, Sources};

use crate::cli::{GraphArgs, GraphFormat, PagesArgs, WikiSourceArgs};

/// The pages `args` name, read with the policy found for them, and their
/// import graph (`graph` and `inventory`).
pub(crate) fn read_pages(args: &PagesArgs) -> Result<(ScanResult, ImportGraph)> {
    let policy = policy_for(
        args.no_config,
        args.config.as_deref(),
        &args.paths,
        &args.wiki,
        args.verbose,
    )?;
    read_graph(
        &args.paths,
        &args.wiki,
        policy.settings,
        args.threads,
        args.quiet,
    )
}

pub fn run(args: &GraphArgs) -> Result<ExitCode> {
    let (scan, graph) = read_pages(&args.pages)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    match &args.page {
        Some(title) => write_chains(&mut out, &graph, &scan, title)?,
        None => match args.format {
            GraphFormat::Dot => write!(out, "{}", graph.to_dot())?,
            GraphFormat::Json => writeln!(out, "{}", graph.to_json())?,
        },
    }
    out.flush()?;
    Ok(exit_code(&scan, ExitCode::SUCCESS))
}

/// The policy of a command reading a wiki: discovered from the first page
/// file or the dump, said on stderr with `verbose`. Shared by `graph`,
/// `inventory` and `csp`.
pub(crate) fn policy_for(
    no_config: bool,
    config: Option<&Path>,
    paths: &[PathBuf],
    source: &WikiSourceArgs,
    verbose: bool,
) -> Result<Policy> {
    let first = paths
        .first()
        .map(PathBuf::as_path)
        .or(source.dump.as_deref());
    let policy = load_policy(no_config, config, first)?;
    if verbose {
        eprintln!("offsite: {}", policy.describe());
    }
    Ok(policy)
}

/// The live wiki's gadget usage for exposure; when it cannot be read the
/// command goes on, counting 0 users per non-default gadget, and says so.
pub(crate) fn usage_or_warn(scan: &ScanResult) -> Vec<offsite_wiki::GadgetUsage> {
    offsite_scan::exposure::usage(scan).unwrap_or_else(|e| {
        eprintln!("offsite: gadget usage unavailable ({e}); counting 0 users per gadget");
        Vec::new()
    })
}

/// 2 when an input could not be read (the output is incomplete), else `ok`.
pub(crate) fn exit_code(scan: &ScanResult, ok: ExitCode) -> ExitCode {
    if offsite_scan::read_failures(&scan.report.diagnostics).is_empty() {
        ok
    } else {
        ExitCode::from(2)
    }
}

/// Reads the wiki named on the command line: a dump, a live wiki, or files
/// named by title. Shared by `graph`, `inventory` and `csp`.
pub(crate) fn read_scan(
    paths: &[PathBuf],
    source: &WikiSourceArgs,
    settings: Settings,
    threads: Option<usize>,
) -> Result<ScanResult> {
    let sources = if source.is_set() {
        Sources::Wiki(source.to_source())
    } else {
        Sources::TitledFiles(paths.to_vec())
    };
    let request = ScanRequest {
        sources,
        settings,
        threads,
    };
    Ok(offsite_scan::scan(&request, &|_| {})?)
}

/// Reads the wiki (see [`read_scan`]), reports its diagnostics on stderr
/// unless `quiet`, and builds its import graph. Shared by `graph` and
/// `inventory`.
pub(crate) fn read_graph(
    paths: &[PathBuf],
    source: &WikiSourceArgs,
    settings: Settings,
    threads: Option<usize>,
    quiet: bool,
) -> Result<(ScanResult, ImportGraph)> {
    let scan = read_scan(paths, source, settings, threads)?;
    print_diagnostics(&scan, quiet);
    let graph = build_graph(&scan);
    Ok((scan, graph))
}

/// The scan's diagnostics on stderr; with `quiet`, only the inputs that
/// could not be read (those are never silent).
pub(crate) fn print_diagnostics(scan: &ScanResult, quiet: bool) {
    let unread = offsite_scan::read_failures(&scan.report.diagnostics);
    for d in &scan.report.diagnostics {
        if quiet && !unread.iter().any(|u| std::ptr::eq(*u, d)) {
            continue;
        }
        eprintln!("offsite: {d}");
    }
}

fn write_chains(
    out: &mut impl Write,
    graph: &ImportGraph,
    scan: &ScanResult,
    title: &str,
) -> Result<()> {
    let target = graph.page(None, title);
    if graph.node_id(&target).is_none() {
        bail!("{title}: no such page in the graph (not scanned and not loaded by any page)");
    }
    let exposures = exposures(graph, usage_or_warn(scan));
    let chains = graph.chains_to(&target);
    if chains.is_empty() {
        writeln!(out, "no entry point reaches {title}")?;
    }
    for chain in &chains {
        let labels: Vec<String> = chain.iter().map(|n| n.label_on(&graph.wiki.host)).collect();
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
        writeln!(
            out,
            "exposure: {} ({depth}{url})",
            offsite_wiki::exposure_label(&e.exposure)
        )?;
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
