//! bzip2 through an external `lbzip2` (`DumpOptions::external_bzip2`): the
//! same pages as the built-in decoder, damage reported with the program's
//! message after every page before it, a clean stop when the reader is
//! dropped early, and a fallback when the program cannot run.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use offsite_dump::{DumpOptions, DumpPage, find_program, open};

/// lbzip2, which `scripts/install-test-deps` installs; CI must have it.
fn lbzip2() -> Option<PathBuf> {
    let found = find_program("lbzip2");
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but lbzip2 is not installed: run scripts/install-test-deps"
        );
        eprintln!("note: lbzip2 not installed; external decoder tests skipped");
    }
    found
}

fn pages(n: u64) -> Vec<String> {
    (1..=n)
        .map(|i| {
            let text = format!("mw.loader.load( &#039;//cdn{i}.example.com/x.js&#039; );");
            common::page(
                &format!("User:P{i}/common.js"),
                2,
                i,
                None,
                &[common::Rev::simple(i + 1000, "javascript", &text)],
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn options(threads: usize, external: Option<PathBuf>) -> DumpOptions {
    DumpOptions {
        threads,
        external_bzip2: external,
        ..DumpOptions::default()
    }
}

/// Every page and every error, in order.
fn read(path: &Path, options: &DumpOptions) -> (Vec<DumpPage>, Vec<String>, Vec<String>) {
    let mut dump = open(path, options).unwrap();
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for item in dump.by_ref() {
        match item {
            Ok(page) => pages.push(page),
            Err(e) => errors.push(e.to_string()),
        }
    }
    (pages, errors, dump.summary().warnings)
}

#[test]
fn lbzip2_gives_the_same_pages_as_the_built_in_decoder() {
    let Some(program) = lbzip2() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (multi, _) = common::multistream("0.11", &pages(700), 100);
    let single = common::bzip2(common::document("0.11", &pages(700)).as_bytes());
    for (name, bytes) in [("multi.xml.bz2", multi), ("single.xml.bz2", single)] {
        let path = write(dir.path(), name, &bytes);
        let (builtin, builtin_errors, _) = read(&path, &options(2, None));
        for threads in [1, 2] {
            let opts = options(threads, Some(program.clone()));
            let mut dump = open(&path, &opts).unwrap();
            assert_eq!(dump.is_parallel(), threads > 1, "{name}");
            let external: Vec<DumpPage> = dump.by_ref().map(Result::unwrap).collect();
            let summary = dump.summary();
            assert_eq!(external.len(), 700, "{name}");
            assert_eq!(external, builtin, "{name} with {threads} threads");
            assert!(builtin_errors.is_empty());
            assert_eq!(summary.compressed_bytes, bytes.len() as u64, "{name}");
            assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        }
    }
}

#[test]
fn a_truncated_file_keeps_the_pages_before_the_cut_and_names_lbzip2() {
    let Some(program) = lbzip2() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (multi, _) = common::multistream("0.11", &pages(1500), 100);
    let path = write(dir.path(), "cut.xml.bz2", &multi[..multi.len() * 3 / 5]);
    // lbzip2 may stop before writing the blocks ahead of the damage; the
    // built-in decoder then reads on from where lbzip2's output ended, so
    // the pages are exactly the built-in decoder's.
    let (builtin, _, _) = read(&path, &options(1, None));
    for _ in 0..5 {
        let (pages, errors, _) = read(&path, &options(2, Some(program.clone())));
        assert!(
            !pages.is_empty() && pages.len() < 1500,
            "{} pages",
            pages.len()
        );
        assert_eq!(pages, builtin);
        assert_eq!(errors.len(), 1, "{errors:?}");
        let message = &errors[0];
        assert!(message.contains("cut.xml.bz2"), "{message}");
        assert!(message.contains("lbzip2 failed"), "{message}");
        assert!(
            message.contains("the built-in decoder then found"),
            "{message}"
        );
        assert!(message.contains("decompressed byte"), "{message}");
    }
}

#[test]
fn dropping_the_dump_early_stops_lbzip2() {
    let Some(program) = lbzip2() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (multi, _) = common::multistream("0.11", &pages(3000), 100);
    let path = write(dir.path(), "big.xml.bz2", &multi);
    let mut dump = open(&path, &options(2, Some(program))).unwrap();
    assert_eq!(dump.next().unwrap().unwrap().header.id, 1);
    // Returns only once every thread has ended and the child was reaped.
    drop(dump);
}

#[test]
fn a_program_that_cannot_start_falls_back_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (multi, _) = common::multistream("0.11", &pages(300), 100);
    let path = write(dir.path(), "multi.xml.bz2", &multi);
    let missing = dir.path().join("no-such-lbzip2");
    let (pages, errors, warnings) = read(&path, &options(2, Some(missing)));
    assert_eq!(pages.len(), 300);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("no-such-lbzip2"), "{}", warnings[0]);
    assert!(warnings[0].contains("built-in"), "{}", warnings[0]);
}

#[test]
fn other_formats_ignore_the_external_decoder() {
    let dir = tempfile::tempdir().unwrap();
    let xml = common::document("0.11", &pages(50));
    let path = write(dir.path(), "dump.xml.gz", &common::gzip(xml.as_bytes()));
    let missing = dir.path().join("no-such-lbzip2");
    let (pages, errors, warnings) = read(&path, &options(2, Some(missing)));
    assert_eq!(pages.len(), 50);
    assert!(errors.is_empty() && warnings.is_empty());
    // Same for Arc-shared options used twice.
    let shared = Arc::new(options(1, None));
    assert_eq!(read(&path, &shared).0.len(), 50);
}
