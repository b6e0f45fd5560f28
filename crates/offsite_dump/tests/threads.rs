//! Regression: dropping a `Dump` part-way through must stop and join its
//! decoder threads. Fuzzing (`fuzz/fuzz_targets/dump.rs`, `LeakSanitizer`)
//! found a multistream worker still decoding after `fuzz_one` returned: the
//! threads were detached. Counts the process's threads from
//! `/proc/self/status`, in its own test binary so no other test runs beside it.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use offsite_dump::{DumpOptions, open};

fn threads_now() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn dropping_a_dump_midway_joins_its_decoder_threads() {
    let pages: Vec<String> = (0..40).flat_map(|_| common::sample_pages()).collect();
    let (bytes, _index) = common::multistream("0.11", &pages, 2);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multistream.xml.bz2");
    std::fs::write(&path, bytes).unwrap();

    let before = threads_now();
    for threads in [1, 2, 4] {
        let options = DumpOptions {
            threads,
            ..DumpOptions::default()
        };
        let mut dump = open(&path, &options).unwrap();
        // One thread takes the sequential path, which has a decoder thread too.
        assert_eq!(dump.is_parallel(), threads > 1, "{threads} threads");
        // Read one page, then give up on the rest.
        assert!(dump.next().is_some());
        if threads > 1 {
            // Hundreds of streams and bounded channels: workers are blocked
            // mid-file, so they must be stopped, not just awaited.
            assert!(threads_now() > before, "decoders should be running");
        }
        drop(dump);
        assert_eq!(
            threads_now(),
            before,
            "decoder threads outlived the dump ({threads} threads)"
        );
    }
}
