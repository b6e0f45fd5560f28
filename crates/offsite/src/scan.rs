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
use offsite_rules::{FileReport, Linter};
use rayon::prelude::*;

use offsite_scan::config::load_settings;
use offsite_scan::files::{check_input, collect_inputs, read_stdin_if_needed};
use offsite_scan::thread_pool;

use crate::cli::{ColorChoice, FailOn, OutputFormat, ScanArgs};

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };

    let (settings, config_path) = load_settings(args.no_config, args.config.as_ref(), &paths)?;
    let fail_on = args.fail_on.map_or_else(
        || settings.fail_on.or(Some(offsite_model::Severity::Error)),
        FailOn::threshold,
    );
    if args.verbose {
        match &config_path {
            Some(p) => eprintln!("offsite: policy {}", p.display()),
            None => eprintln!("offsite: no policy file; built-in defaults"),
        }
    }
    let linter = Linter::new(settings).context("invalid policy")?;

    if args.wiki.is_set() {
        if !args.paths.is_empty() {
            bail!("give either paths or --dump/--wiki, not both");
        }
        let pool = thread_pool(args.threads)?;
        let mut scan = offsite_scan::wiki::read(&args.wiki.to_source(), &linter, &pool)?;
        // Who runs each page, so the report can rank its loads by exposure.
        offsite_scan::exposure::expose_loads(&mut scan);
        if args.verbose {
            for note in &scan.notes {
                eprintln!("offsite: {note}");
            }
        }
        return finish(args, scan.report, fail_on, started);
    }

    let mut diagnostics = Vec::new();
    let inputs = collect_inputs(
        &args.stdin_filename,
        args.no_ignore,
        &paths,
        &mut diagnostics,
    )?;
    if inputs.is_empty() && diagnostics.iter().any(|d| d.kind == "io-error") {
        for d in &diagnostics {
            eprintln!("offsite: {}: {}", d.source.display_name(), d.message);
        }
        bail!("nothing could be read");
    }

    let pool = thread_pool(args.threads)?;
    let progress = progress_bar(args, inputs.len());
    let stdin_text = read_stdin_if_needed(&inputs)?;
    let file_reports: Vec<FileReport> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let report = check_input(&linter, input, stdin_text.as_deref());
                progress.inc(1);
                report
            })
            .collect()
    });
    progress.finish_and_clear();

    let mut report = Report {
        files_scanned: inputs.len(),
        diagnostics,
        ..Report::default()
    };
    for file in file_reports {
        report.loads.extend(file.loads);
        report.diagnostics.extend(file.diagnostics);
        report.suppressed += file.suppressed;
    }
    finish(args, report, fail_on, started)
}

/// Baseline, render, exit code: the same for files and wiki pages.
fn finish(
    args: &ScanArgs,
    mut report: Report,
    fail_on: Option<offsite_model::Severity>,
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

    render(args, &report)?;
    if args.verbose {
        eprintln!(
            "offsite: scanned {} {} in {:.2?}",
            report.files_scanned,
            if args.wiki.is_set() { "pages" } else { "files" },
            started.elapsed()
        );
    }

    let failed = fail_on.is_some_and(|threshold| {
        report
            .loads
            .iter()
            .flat_map(|l| &l.findings)
            .any(|f| f.severity >= threshold)
    });
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn progress_bar(args: &ScanArgs, total: usize) -> ProgressBar {
    // Small runs finish before a bar is worth drawing.
    if args.quiet || total < 50 || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} scanning {pos}/{len} files [{bar:30}] {eta}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn render(args: &ScanArgs, report: &Report) -> Result<()> {
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
    };
    let mut out: Box<dyn Write> = if let Some(path) = &args.output {
        let file =
            fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        Box::new(io::BufWriter::new(file))
    } else {
        Box::new(io::BufWriter::new(io::stdout().lock()))
    };
    offsite_report::render(report, args.format.into(), &options, &mut out)?;
    out.flush()?;
    Ok(())
}
