//! Files and folders as sources: walked (honouring `.gitignore`), read as
//! text and checked with the `Linter`.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use offsite_detect::crossfile::Summary;
use offsite_model::{Diagnostic, DiagnosticKind, Language, Source};
use offsite_rules::{FileReport, Linter};
use offsite_wiki::{Namespaces, WikiId};
use rayon::prelude::*;

use crate::error::ScanError;
use crate::request::{Progress, ProgressFn};
use crate::result::ScanResult;

/// Files larger than this are reported and skipped: no gadget is this big,
/// and the detector's offsets are `u32`.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// One thing to analyse.
pub enum Input {
    File { path: PathBuf, language: Language },
    Stdin { name: String, language: Language },
}

/// Walks `paths` and analyses every file in parallel on `pool`.
pub fn scan_files(
    paths: &[PathBuf],
    no_ignore: bool,
    stdin_name: &str,
    linter: &Linter,
    pool: &rayon::ThreadPool,
    progress: ProgressFn<'_>,
) -> Result<ScanResult, ScanError> {
    let mut diagnostics = Vec::new();
    let inputs = collect_inputs(stdin_name, no_ignore, paths, &mut diagnostics)?;
    progress(Progress::Total(inputs.len()));
    let stdin_text = read_stdin_if_needed(&inputs)?;
    // Pass one: every input on its own, summarising what each offers the
    // others (see `offsite_detect::crossfile`).
    let first: Vec<(FileReport, Option<Summary>)> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let checked = check_input(linter, input, stdin_text.as_deref());
                progress(Progress::Analysed);
                checked
            })
            .collect()
    });
    let file_reports = crate::crossfile::second_pass(linter, pool, &inputs, first);
    let mut scan = ScanResult::new(WikiId::new("localhost"), Namespaces::english());
    scan.report.files_scanned = inputs.len();
    scan.report.diagnostics = diagnostics;
    for file in file_reports {
        scan.report.loads.extend(file.loads);
        scan.report.diagnostics.extend(file.diagnostics);
        scan.report.suppressed += file.suppressed;
    }
    Ok(scan)
}

/// The files to analyse under `paths`; what cannot be read becomes a
/// diagnostic in `diagnostics`.
pub fn collect_inputs(
    stdin_filename: &str,
    no_ignore: bool,
    paths: &[PathBuf],
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<Input>, ScanError> {
    let mut inputs = Vec::new();
    let mut files = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let language =
                Language::from_name(stdin_filename).ok_or_else(|| ScanError::StdinLanguage {
                    name: stdin_filename.to_owned(),
                })?;
            inputs.push(Input::Stdin {
                name: stdin_filename.to_owned(),
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
        match fs::metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                diagnostics.push(io_error(path, "no such file or folder"));
                continue;
            }
            Err(e) => {
                diagnostics.push(io_error(path, &e.to_string()));
                continue;
            }
            Ok(meta) if !meta.is_dir() => {
                diagnostics.push(io_error(path, &not_regular(&meta)));
                continue;
            }
            Ok(_) => {}
        }
        let walker = ignore::WalkBuilder::new(path)
            .standard_filters(!no_ignore)
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

pub fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        _ => None,
    }
}

pub fn read_stdin_if_needed(inputs: &[Input]) -> Result<Option<String>, ScanError> {
    if !inputs.iter().any(|i| matches!(i, Input::Stdin { .. })) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(ScanError::Stdin)?;
    Ok(Some(crate::decode::decode(bytes).0))
}

/// Checks one input; a panic in its analysis becomes a diagnostic naming it
/// (see [`crate::confine`]).
pub fn check_input(
    linter: &Linter,
    input: &Input,
    stdin_text: Option<&str>,
) -> (FileReport, Option<Summary>) {
    let source = match input {
        Input::Stdin { name, .. } => Source::file(name.clone()),
        Input::File { path, .. } => Source::file(display_path(path)),
    };
    crate::confine::confine(
        &source,
        || check_unconfined(linter, input, stdin_text),
        |d| {
            let report = FileReport {
                diagnostics: vec![d],
                ..FileReport::default()
            };
            (report, None)
        },
    )
}

/// Detection, with the summary pass two needs, and the rules on its loads.
pub(crate) fn analyse(
    linter: &Linter,
    source: &Source,
    text: &str,
    language: Language,
) -> (FileReport, Summary) {
    let (detection, summary) =
        offsite_detect::detect_and_summarize(text, language, linter.detect_options());
    (
        linter.check_detection(source, text, language, detection),
        summary,
    )
}

fn check_unconfined(
    linter: &Linter,
    input: &Input,
    stdin_text: Option<&str>,
) -> (FileReport, Option<Summary>) {
    match input {
        Input::Stdin { name, language } => {
            let (report, summary) = analyse(
                linter,
                &Source::file(name.clone()),
                stdin_text.unwrap_or_default(),
                *language,
            );
            (report, Some(summary))
        }
        Input::File { path, language } => {
            let source = Source::file(display_path(path));
            match read_text(path) {
                Ok((text, note)) => {
                    let (mut report, summary) = analyse(linter, &source, &text, *language);
                    if let Some(message) = note {
                        report.diagnostics.push(Diagnostic {
                            source,
                            line: None,
                            column: None,
                            kind: DiagnosticKind::EncodingError,
                            message,
                        });
                    }
                    (report, Some(summary))
                }
                Err((kind, message)) => {
                    let report = FileReport {
                        diagnostics: vec![Diagnostic {
                            kind,
                            ..io_error(path, &message)
                        }],
                        ..FileReport::default()
                    };
                    (report, None)
                }
            }
        }
    }
}

/// Read a file as text (see [`crate::decode`]): the one reader of every
/// file-backed source. Invalid UTF-8 is decoded lossily and noted, so a
/// stray Latin-1 byte in a comment does not hide the file's loads.
pub fn read_text(path: &Path) -> Result<(String, Option<String>), (DiagnosticKind, String)> {
    let meta = fs::metadata(path).map_err(|e| (DiagnosticKind::IoError, e.to_string()))?;
    if !meta.is_file() {
        // Reading a FIFO would wait for a writer forever, a device forever
        // or not at all: neither is a page of code.
        return Err((DiagnosticKind::IoError, not_regular(&meta)));
    }
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
    Ok(crate::decode::decode(bytes))
}

/// Why a path that is neither a file nor a folder was not read.
fn not_regular(meta: &fs::Metadata) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        let what = if t.is_fifo() {
            "a FIFO"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_char_device() || t.is_block_device() {
            "a device"
        } else {
            "a special file"
        };
        format!("not a regular file ({what}); not read")
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        "not a regular file; not read".to_owned()
    }
}

/// Paths as the user would write them: `examples/wiki/x.js`, not `./examples/...`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).replace('\\', "/")
}

pub fn io_error(path: &Path, message: &str) -> Diagnostic {
    Diagnostic {
        source: Source::file(display_path(path)),
        line: None,
        column: None,
        kind: DiagnosticKind::IoError,
        message: message.to_owned(),
    }
}

pub fn skip(path: &Path, message: &str) -> Diagnostic {
    Diagnostic {
        kind: DiagnosticKind::Skipped,
        ..io_error(path, message)
    }
}
