//! `offsite scan`: walk, check in parallel, baseline, render, exit code.
//! Wiki sources (`--dump`, `--wiki`) also get the import graph, so every
//! load carries who is exposed and the reports rank by it.

use std::fs;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use offsite_model::{Diagnostic, DiagnosticKind, Language, Report, Source};
use offsite_rules::{FileReport, Linter, Settings};
use rayon::prelude::*;

use crate::cli::{ColorChoice, FailOn, OutputFormat, ScanArgs};

/// Files larger than this are reported and skipped: no gadget is this big,
/// and the detector's offsets are `u32`.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One thing to analyse.
enum Input {
    File { path: PathBuf, language: Language },
    Stdin { name: String, language: Language },
}

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
        let mut scan = crate::wiki::read(&args.wiki, &linter, &pool)?;
        // Who runs each page, so the report can rank its loads by exposure.
        crate::graph::expose_loads(&mut scan);
        if args.verbose {
            for note in &scan.notes {
                eprintln!("offsite: {note}");
            }
        }
        return finish(args, scan.report, fail_on, started);
    }

    let mut diagnostics = Vec::new();
    let inputs = collect_inputs(args, &paths, &mut diagnostics)?;
    if inputs.is_empty()
        && diagnostics
            .iter()
            .any(|d| d.kind == DiagnosticKind::IoError)
    {
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

pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .stack_size(offsite_detect::ANALYSIS_STACK_SIZE)
        .build()
        .context("could not start worker threads")
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

pub fn load_settings(
    no_config: bool,
    config: Option<&PathBuf>,
    paths: &[PathBuf],
) -> Result<(Settings, Option<PathBuf>)> {
    if no_config {
        return Ok((Settings::default(), None));
    }
    let path = if let Some(p) = config {
        Some(p.clone())
    } else {
        let first = paths.first().filter(|p| p.as_os_str() != "-");
        let start = match first {
            Some(p) if p.is_dir() => p.clone(),
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => PathBuf::from("."),
        };
        let start = if start.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            start
        };
        let start = start.canonicalize().unwrap_or(start);
        Settings::discover(&start)
    };
    let Some(path) = path else {
        return Ok((Settings::default(), None));
    };
    let text = fs::read_to_string(&path)
        .with_context(|| format!("cannot read policy {}", path.display()))?;
    let settings = Settings::from_toml(&text, &path.display().to_string())?;
    Ok((settings, Some(path)))
}

fn collect_inputs(
    args: &ScanArgs,
    paths: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let language = Language::from_name(&args.stdin_filename).with_context(|| {
                format!(
                    "--stdin-filename {}: cannot tell the language",
                    args.stdin_filename
                )
            })?;
            inputs.push(Input::Stdin {
                name: args.stdin_filename.clone(),
                language,
            });
            continue;
        }
        if path.is_file() {
            // An explicitly named file is scanned even if ignore rules would skip it.
            match Language::from_name(&path.to_string_lossy()) {
                Some(language) => files.push((path.clone(), language)),
                None => diagnostics.push(skip(
                    path,
                    "unknown file type; skipped (use .js, .ts, .css, .html or .wiki)",
                )),
            }
            continue;
        }
        if !path.exists() {
            diagnostics.push(io_error(path, "no such file or folder"));
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .standard_filters(!args.no_ignore)
            .require_git(false)
            .build();
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                    let p = entry.into_path();
                    if let Some(language) = Language::from_name(&p.to_string_lossy()) {
                        files.push((p, language));
                    }
                }
                Ok(_) => {}
                Err(err) => {
                    let where_ = err_path(&err).unwrap_or_else(|| path.clone());
                    diagnostics.push(io_error(&where_, &err.to_string()));
                }
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    inputs.extend(
        files
            .into_iter()
            .map(|(path, language)| Input::File { path, language }),
    );
    Ok(inputs)
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

fn read_stdin_if_needed(inputs: &[Input]) -> Result<Option<String>> {
    if !inputs.iter().any(|i| matches!(i, Input::Stdin { .. })) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

fn check_input(linter: &Linter, input: &Input, stdin_text: Option<&str>) -> FileReport {
    match input {
        Input::Stdin { name, language } => linter.check(
            &Source::file(name.clone()),
            stdin_text.unwrap_or_default(),
            *language,
        ),
        Input::File { path, language } => {
            let source = Source::file(display_path(path));
            match read_text(path) {
                Ok((text, note)) => {
                    let mut report = linter.check(&source, &text, *language);
                    if let Some(message) = note {
                        report.diagnostics.push(Diagnostic {
                            source,
                            line: None,
                            column: None,
                            kind: DiagnosticKind::EncodingError,
                            message,
                        });
                    }
                    report
                }
                Err((kind, message)) => FileReport {
                    diagnostics: vec![Diagnostic {
                        kind,
                        ..io_error(path, &message)
                    }],
                    ..FileReport::default()
                },
            }
        }
    }
}

/// Read a file as text. Invalid UTF-8 is decoded lossily and noted, so a
/// stray Latin-1 byte in a comment does not hide the file's loads.
fn read_text(path: &Path) -> Result<(String, Option<String>), (DiagnosticKind, String)> {
    let meta = fs::metadata(path).map_err(|e| (DiagnosticKind::IoError, e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            DiagnosticKind::TooLarge,
            format!(
                "file is {} bytes, over the {MAX_FILE_BYTES}-byte limit; skipped",
                meta.len()
            ),
        ));
    }
    let bytes = fs::read(path).map_err(|e| (DiagnosticKind::IoError, e.to_string()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            Ok((
                text,
                Some(format!(
                    "not valid UTF-8 at byte {at}; invalid bytes were replaced"
                )),
            ))
        }
    }
}

/// Paths as the user would write them: `examples/wiki/x.js`, not `./examples/...`.
fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).replace('\\', "/")
}

fn io_error(path: &Path, message: &str) -> Diagnostic {
    Diagnostic {
        source: Source::file(display_path(path)),
        line: None,
        column: None,
        kind: DiagnosticKind::IoError,
        message: message.to_owned(),
    }
}

fn skip(path: &Path, message: &str) -> Diagnostic {
    Diagnostic {
        kind: DiagnosticKind::Skipped,
        ..io_error(path, message)
    }
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
    if args.statistics {
        let json = args.format == OutputFormat::Json;
        offsite_report::render_statistics(report, json, &mut out)?;
    } else {
        offsite_report::render(report, args.format.into(), &options, &mut out)?;
    }
    out.flush()?;
    Ok(())
}
