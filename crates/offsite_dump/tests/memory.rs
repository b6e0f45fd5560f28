//! Skipped text costs no memory: the process's peak resident size while
//! reading a dump with one huge unwanted page stays far below that page's
//! size. (The workspace forbids `unsafe`, so no counting allocator: this
//! reads Linux's `VmHWM`, in its own test binary.)
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::io::Write;
use std::sync::Arc;

use offsite_dump::{DumpOptions, open};

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

/// Peak growth in bytes while reading the dump at `path`.
fn peak_while_reading(path: &std::path::Path, wanted_everything: bool) -> usize {
    let mut options = DumpOptions {
        threads: 1,
        ..DumpOptions::default()
    };
    if wanted_everything {
        options.wanted = Arc::new(|_, _| true);
    }
    reset_high_water();
    let before = high_water_kib();
    let pages = open(path, &options).unwrap().map(Result::unwrap).count();
    assert_eq!(pages, usize::from(wanted_everything) + 1);
    (high_water_kib() - before) * 1024
}

#[test]
fn unwanted_text_is_never_collected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.xml");
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
    drop(file);

    let skipped = peak_while_reading(&path, false);
    let kept = peak_while_reading(&path, true);
    assert!(
        skipped < 24 << 20,
        "peak grew {skipped} bytes reading a 64 MiB page"
    );
    assert!(
        kept > HUGE / 2,
        "control: keeping the text should cost it, grew {kept}"
    );
}
