//! Wiki pages stored as files named by their title (`User:Alice%2Fcommon.js`),
//! as `scripts/testbed-pages/seed` keeps them.

use std::path::{Path, PathBuf};

use offsite_model::Source;
use offsite_rules::Linter;
use offsite_wiki::{Namespaces, WikiId};
use rayon::prelude::*;

use crate::files;
use crate::page::{self, Item, PageText};
use crate::request::ProgressFn;
use crate::result::ScanResult;

/// Pages stored as files named by their title, `/` written `%2F`
/// (`User:Alice%2Fcommon.js`, `MediaWiki:Gadgets-definition`), as
/// `scripts/testbed-pages/seed` keeps them.
pub fn read_files(
    paths: &[PathBuf],
    linter: &Linter,
    pool: &rayon::ThreadPool,
    progress: ProgressFn<'_>,
) -> Result<ScanResult, crate::ScanError> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            for entry in ignore::WalkBuilder::new(path).require_git(false).build() {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        files.push(entry.into_path());
                    }
                    Ok(_) => {}
                    Err(err) => {
                        let at = files::err_path(&err).unwrap_or_else(|| path.clone());
                        problems.push(files::io_error(&at, &err.to_string()));
                    }
                }
            }
        } else if path.exists() {
            // A named file is read whatever it is: a FIFO or device fails
            // in the reader with a diagnostic naming it.
            files.push(path.clone());
        } else {
            problems.push(files::io_error(path, "no such file or folder"));
        }
    }
    files.sort();
    files.dedup();
    let results: Vec<page::PageResult> = pool.install(|| {
        files
            .par_iter()
            .map(|p| page::analyse(linter, file_item(p), progress))
            .collect()
    });
    let mut scan = ScanResult::new(WikiId::new("localhost"), Namespaces::english());
    scan.report.diagnostics = problems;
    page::collect(results.into_iter(), &mut scan);
    Ok(scan)
}

pub fn file_item(path: &Path) -> Item {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = name
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace('_', " ");
    let ns = Namespaces::english().parse(&title).namespace;
    match files::read_text(path) {
        // An encoding note is dropped here: the page's loads are what the
        // graph needs, and the text was decoded as well as it could be.
        Ok((text, _note)) => Item::Page(PageText {
            source: Source {
                path: Some(path.display().to_string()),
                title: Some(title),
                namespace: Some(ns),
                ..Source::default()
            },
            text,
            history: Vec::new(),
        }),
        Err((kind, message)) => Item::Problem(offsite_model::Diagnostic {
            kind,
            ..files::io_error(path, &message)
        }),
    }
}
