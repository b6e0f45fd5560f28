//! A damaged compressed block is reported as damage, with its position,
//! not as the malformed XML it decodes to.
#![allow(clippy::unwrap_used, reason = "tests")]

mod common;

use std::fmt::Write as _;

use offsite_dump::{DumpError, DumpOptions, open_bytes};

/// Pages with varied text, so that compressed blocks are long.
fn many_pages(n: u64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let mut noise = String::new();
            for k in 0..40u64 {
                let word = (i * 40 + k).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 20;
                write!(noise, "{word:x}").unwrap();
            }
            let text =
                format!("mw.loader.load( &#039;//cdn{i}.example.com/x.js&#039; ); // {noise}");
            common::page(
                &format!("User:P{i}/common.js"),
                2,
                i + 1,
                None,
                &[common::Rev::simple(i + 1000, "javascript", &text)],
            )
        })
        .collect()
}

fn read(bytes: Vec<u8>, threads: usize) -> (usize, Vec<DumpError>) {
    let options = DumpOptions {
        threads,
        ..DumpOptions::default()
    };
    let mut pages = 0;
    let mut errors = Vec::new();
    for item in open_bytes(bytes, "damaged.xml.bz2", &options).unwrap() {
        match item {
            Ok(_) => pages += 1,
            Err(e) => errors.push(e),
        }
    }
    (pages, errors)
}

/// A single-stream bzip2 dump of 100 kB blocks, with text varied enough
/// that each block is long.
fn dump_bz2() -> Vec<u8> {
    common::bzip2_small_blocks(common::document("0.11", &many_pages(2000)).as_bytes())
}

/// Issue 15: a corrupt bz2 block was reported as "malformed XML" (the
/// decoder hands out a block's data before checking its CRC). Whatever
/// the XML made of the damage, the error names the block and its CRC.
#[test]
fn a_corrupt_bz2_block_is_named_with_its_offset_not_called_malformed_xml() {
    let bz = dump_bz2();
    // Three places; at the middle one the damage reads as ill-formed XML
    // before the CRC check fails.
    for flip in [bz.len() / 3, bz.len() / 2, bz.len() * 2 / 3] {
        let mut damaged = bz.clone();
        damaged[flip] ^= 0x10;
        let (pages, errors) = read(damaged, 1);
        assert!(pages > 100 && pages < 2000, "{pages} pages");
        let [error] = errors.as_slice() else {
            panic!("one error expected: {errors:?}");
        };
        assert!(error.is_damage());
        let DumpError::Decompress { at, message, .. } = error else {
            panic!("flip at {flip}: {error}");
        };
        let block = at.compressed.unwrap();
        // The block holding the flipped byte: it starts before it, and
        // blocks here are about 25 kB compressed.
        assert!(
            block <= flip as u64 && flip as u64 - block < 60_000,
            "{block} vs {flip}"
        );
        assert!(
            message.contains(&format!("the bz2 block at compressed byte {block}")),
            "{message}"
        );
        assert!(message.contains("fails its CRC check"), "{message}");
        let text = error.to_string();
        assert!(
            !text.starts_with("damaged.xml.bz2: malformed XML"),
            "{text}"
        );
        assert!(text.contains("decompressed byte"), "{text}");
    }
}

#[test]
fn a_truncated_bz2_dump_names_the_block_cut_off() {
    let bz = dump_bz2();
    let (pages, errors) = read(bz[..bz.len() / 2].to_vec(), 1);
    assert!(pages > 100 && pages < 2000, "{pages} pages");
    let [error] = errors.as_slice() else {
        panic!("one error expected: {errors:?}");
    };
    assert!(error.is_damage());
    let text = error.to_string();
    assert!(text.contains("is cut off by the end of the file"), "{text}");
    assert!(text.contains("decompressed byte"), "{text}");
}

#[test]
fn a_corrupt_block_in_a_multistream_is_named_and_reading_resumes() {
    let (mut multi, index) = common::multistream("0.11", &many_pages(400), 100);
    let starts: Vec<usize> = index
        .lines()
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect();
    let second = starts[100];
    let third = starts[200];
    multi[usize::midpoint(second, third)] ^= 0x10;
    let (pages, errors) = read(multi, 2);
    assert_eq!(pages, 300);
    let [error] = errors.as_slice() else {
        panic!("one error expected: {errors:?}");
    };
    let text = error.to_string();
    assert!(
        text.contains(&format!("in the bz2 stream at compressed byte {second}")),
        "{text}"
    );
    assert!(text.contains("the bz2 block at compressed byte"), "{text}");
}
