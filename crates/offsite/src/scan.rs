//! `offsite scan`: walk, check in parallel, baseline, render, exit code.
//! Wiki sources (`--dump`, `--wiki`) also get the import graph, so every
//! load carries who is exposed and the reports rank by it.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use offsite_model::Report;
use offsite_scan::config::load_policy;
use offsite_scan::{Progress, ScanRequest, Sources};

use offsite_rules::FailOn;

use crate::cli::{ColorChoice, OutputFormat, ScanArgs};

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };

    let first = args
        .wiki
        .dump
        .as_deref()
        .or(paths.first().map(PathBuf::as_path));
    let policy = load_policy(args.no_config, args.config.as_deref(), first)?;
    let fail_on = args.fail_on.map_or_else(
        || {
            policy
                .settings
                .fail_on
                .map_or(Some(offsite_model::Severity::Error), FailOn::threshold)
        },
        |f| FailOn::from(f).threshold(),
    );
    if args.verbose {
        eprintln!("offsite: {}", policy.describe());
    }
    let policy_text = policy.path_text();
    let settings = policy.settings;
    let sources = if args.wiki.is_set() {
        if !args.paths.is_empty() {
            bail!("give either paths or --dump/--wiki, not both");
        }
        Sources::Wiki(args.wiki.to_source())
    } else {
        Sources::Files {
            paths,
            no_ignore: args.no_ignore,
            stdin_name: args.stdin_filename.clone(),
        }
    };
    let request = ScanRequest {
        sources,
        settings,
        threads: args.threads,
    };
    let bar = ProgressBar::hidden();
    let on_progress = |event: Progress| match event {
        Progress::Total(total) => {
            if let Some(drawn) = progress_bar(args, total) {
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.set_length(total as u64);
                bar.set_style(drawn);
            }
        }
        Progress::Analysed => bar.inc(1),
    };
    let mut scan = offsite_scan::scan(&request, &on_progress)?;
    bar.finish_and_clear();
    if args.wiki.is_set() {
        // Who runs each page, so the report can rank its loads by exposure.
        let usage = crate::graph::usage_or_warn(&scan);
        offsite_scan::exposure::expose_loads(&mut scan, usage);
        if args.verbose {
            for note in &scan.notes {
                eprintln!("offsite: {note}");
            }
        }
    }
    finish(args, scan.report, fail_on, policy_text.as_deref(), started)
}

/// Baseline, render, exit code: the same for files and wiki pages.
fn finish(
    args: &ScanArgs,
    mut report: Report,
    fail_on: Option<offsite_model::Severity>,
    policy: Option<&str>,
    started: Instant,
) -> Result<ExitCode> {
    if let Some(path) = &args.write_baseline {
        let text = offsite_rules::baseline::write(&report);
        fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
        if !args.quiet {
            let count: usize = report.loads.iter().map(|l| l.findings.len()).sum();
            eprintln!(
                "offsite: wrote {count} findings to baseline {}",
                path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.baseline {
        let text = fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        offsite_rules::baseline::apply(&text, &mut report)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }

    render(args, &report, policy)?;
    // As ripgrep: what could not be read is said on stderr even with
    // `--quiet`, after the report of everything that could.
    let unread = offsite_scan::read_failures(&report.diagnostics);
    for d in &unread {
        eprintln!("offsite: error: {d}");
    }
    if args.verbose {
        eprintln!(
            "offsite: scanned {} {} in {:.2?}",
            report.files_scanned,
            if args.wiki.is_set() { "pages" } else { "files" },
            started.elapsed()
        );
    }

    let failed = fail_on.is_some_and(|threshold| report.fails_at(threshold));
    Ok(if !unread.is_empty() {
        // The scan is incomplete: 2 even when findings would give 1.
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The bar's style, when a bar is worth drawing for `total` files.
fn progress_bar(args: &ScanArgs, total: usize) -> Option<ProgressStyle> {
    // Small runs finish before a bar is worth drawing.
    if args.quiet || total < 50 || !io::stderr().is_terminal() {
        return None;
    }
    ProgressStyle::with_template("{spinner} scanning {pos}/{len} files [{bar:30}] {eta}")
        .ok()
        .map(|style| style.progress_chars("=> "))
}

fn render(args: &ScanArgs, report: &Report, policy: Option<&str>) -> Result<()> {
    let rules = offsite_rules::catalogue();
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    } && args.format == OutputFormat::Text;
    let options = offsite_report::RenderOptions {
        tool_version: env!("CARGO_PKG_VERSION"),
        rules: &rules,
        color,
        show_all_loads: args.all_loads,
        policy,
    };
    let mut out: Box<dyn Write> = if let Some(path) = &args.output {
        let file =
            fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Box::new(io::BufWriter::new(file))
    } else {
        Box::new(io::BufWriter::new(io::stdout().lock()))
    };
    if args.statistics {
        let json = args.format == OutputFormat::Json;
        offsite_report::render_statistics(report, json, &mut out)?;
    } else {
        offsite_report::render(report, args.format.into(), &options, &mut out)?;
    }
    out.flush()?;
    Ok(())
}
