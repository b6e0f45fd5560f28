//! Skipped text costs no memory: the process's peak resident size while
//! reading a dump with one huge unwanted page stays far below that page's
//! size. (The workspace forbids `unsafe`, so no counting allocator: this
//! reads Linux's `VmHWM`, in its own test binary.)
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::io::Write;
use std::sync::Arc;

use offsite_dump::{DEFAULT_MAX_TEXT_BYTES, DumpError, DumpOptions, open};

const HUGE: usize = 64 << 20;

fn high_water_kib() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Resets the high-water mark to the current size (Linux >= 4.0).
fn reset_high_water() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak growth in bytes while reading the dump at `path`, the pages
/// returned and the errors.
fn peak_while_reading(
    path: &std::path::Path,
    wanted_everything: bool,
    max_text_bytes: u64,
) -> (usize, Vec<String>, Vec<DumpError>) {
    let mut options = DumpOptions {
        threads: 1,
        max_text_bytes,
        ..DumpOptions::default()
    };
    if wanted_everything {
        options.wanted = Arc::new(|_, _| true);
    }
    reset_high_water();
    let before = high_water_kib();
    let mut titles = Vec::new();
    let mut errors = Vec::new();
    for item in open(path, &options).unwrap() {
        match item {
            Ok(page) => titles.push(page.header.title),
            Err(e) => errors.push(e),
        }
    }
    ((high_water_kib() - before) * 1024, titles, errors)
}

/// A 64 MiB page (wikitext, split into many events by entities) before a
/// small gadget page.
fn huge_dump(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("huge.xml");
    // Written piecewise so building the input does not raise the mark.
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(common::header("0.11").as_bytes()).unwrap();
    file.write_all(b"  <page>\n    <title>Huge article</title>\n    <ns>0</ns>\n    <id>1</id>\n    <revision>\n      <id>1</id>\n      <model>wikitext</model>\n      <text bytes=\"67108864\" xml:space=\"preserve\">").unwrap();
    // Entities split the text into many events for the reader.
    let piece = "Some prose &amp; a [[link]]. ".repeat(1024);
    for _ in 0..HUGE / 29 / 1024 {
        file.write_all(piece.as_bytes()).unwrap();
    }
    file.write_all(b"</text>\n    </revision>\n  </page>\n")
        .unwrap();
    let gadget = common::page(
        "MediaWiki:Gadget-a.js",
        8,
        2,
        None,
        &[common::Rev::simple(2, "javascript", "var a;")],
    );
    file.write_all(gadget.as_bytes()).unwrap();
    file.write_all(common::FOOTER.as_bytes()).unwrap();
    path
}

#[test]
fn unwanted_text_is_never_collected() {
    let dir = tempfile::tempdir().unwrap();
    let path = huge_dump(dir.path());

    let (skipped, titles, errors) = peak_while_reading(&path, false, DEFAULT_MAX_TEXT_BYTES);
    assert_eq!(titles, ["MediaWiki:Gadget-a.js"]);
    assert!(errors.is_empty(), "{errors:?}");
    let (kept, titles, _) = peak_while_reading(&path, true, u64::MAX);
    assert!(
        skipped < 24 << 20,
        "peak grew {skipped} bytes reading a 64 MiB page"
    );
    assert_eq!(titles.len(), 2);
    assert!(
        kept > HUGE / 2,
        "control: keeping the text should cost it, grew {kept}"
    );
}

/// Issue 15: a wanted 512 MiB page took a scan to 11 GB. A wanted page
/// above the limit is streamed past, not buffered, and named in an error
/// item; the pages after it are still returned.
#[test]
fn a_wanted_page_above_the_limit_is_skipped_without_buffering() {
    let dir = tempfile::tempdir().unwrap();
    let path = huge_dump(dir.path());
    let limit = 4 << 20;
    let (peak, titles, errors) = peak_while_reading(&path, true, limit);
    assert_eq!(titles, ["MediaWiki:Gadget-a.js"]);
    let [error] = errors.as_slice() else {
        panic!("one error expected: {errors:?}");
    };
    assert!(!error.is_damage());
    let DumpError::PageTooLarge {
        title,
        page_id,
        revision,
        bytes,
        at,
        ..
    } = error
    else {
        panic!("{error}");
    };
    assert_eq!(
        (title.as_str(), *page_id, *revision),
        ("Huge article", 1, 1)
    );
    assert!(*bytes > 60 << 20, "{bytes}");
    assert!(at.decompressed > 0);
    let message = error.to_string();
    assert!(
        message.contains("\"Huge article\" (page id 1)"),
        "{message}"
    );
    assert!(
        peak < 24 << 20,
        "peak grew {peak} bytes skipping a 64 MiB page"
    );
}

/// Text where no value is read (an extra 0.11 slot in `<content>`, which
/// is skipped whole, or stray text in a page) is dropped unseen too.
#[test]
fn text_inside_skipped_elements_is_never_buffered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slot.xml");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(common::header("0.11").as_bytes()).unwrap();
    let page = common::page(
        "MediaWiki:Gadget-a.js",
        8,
        1,
        None,
        &[common::Rev::simple(1, "javascript", "var a;")],
    );
    let (head, tail) = page.split_once("</revision>").unwrap();
    file.write_all(head.as_bytes()).unwrap();
    file.write_all(b"<content><role>mediainfo</role><text xml:space=\"preserve\">")
        .unwrap();
    let piece = "x".repeat(1 << 20);
    for _ in 0..HUGE >> 20 {
        file.write_all(piece.as_bytes()).unwrap();
    }
    file.write_all(b"</text></content>").unwrap();
    for _ in 0..HUGE >> 20 {
        file.write_all(piece.as_bytes()).unwrap();
    }
    file.write_all(b"</revision>").unwrap();
    file.write_all(tail.as_bytes()).unwrap();
    file.write_all(common::FOOTER.as_bytes()).unwrap();
    drop(file);

    let (peak, titles, errors) = peak_while_reading(&path, false, DEFAULT_MAX_TEXT_BYTES);
    assert_eq!(titles, ["MediaWiki:Gadget-a.js"]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        peak < 24 << 20,
        "peak grew {peak} bytes skipping 128 MiB of slot and stray text"
    );
}
