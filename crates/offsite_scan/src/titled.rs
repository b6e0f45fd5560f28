//! Wiki pages stored as files named by their title, and the entry point
//! that reads a wiki from any source.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use offsite_model::Source;
use offsite_rules::Linter;
use offsite_wiki::{Namespaces, WikiId};
use rayon::prelude::*;

use crate::config::load_settings;
use crate::request::WikiSource;
use crate::thread_pool;
use crate::wiki::{self, Item, PageText, WikiScan};

/// Reads the wiki named on the command line: a dump, a live wiki, or files
/// named by title. Shared by `graph` and `inventory`.
pub fn read_scan(
    paths: &[PathBuf],
    source: &WikiSource,
    no_config: bool,
    config: Option<&PathBuf>,
    threads: Option<usize>,
) -> Result<WikiScan> {
    let (settings, _) = load_settings(no_config, config, &[])?;
    let linter = Linter::new(settings).context("invalid policy")?;
    let pool = thread_pool(threads)?;
    if source.is_set() {
        wiki::read(source, &linter, &pool)
    } else {
        if paths.is_empty() {
            bail!("give --dump FILE, --wiki API_URL or the files of the pages");
        }
        read_files(paths, &linter, &pool)
    }
}

/// Pages stored as files named by their title, `/` written `%2F`
/// (`User:Alice%2Fcommon.js`, `MediaWiki:Gadgets-definition`), as
/// `scripts/testbed-pages/seed` keeps them.
pub fn read_files(
    paths: &[PathBuf],
    linter: &Linter,
    pool: &rayon::ThreadPool,
) -> Result<WikiScan> {
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
