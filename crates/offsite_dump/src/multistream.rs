//! Parallel decoding of bzip2 multistream dumps.
//!
//! Wikimedia writes `pages-articles-multistream.xml.bz2` as concatenated
//! bzip2 streams: stream 0 holds the `<mediawiki>` start tag and
//! `<siteinfo>`, each following stream 100 `<page>`s, the last one
//! `</mediawiki>`. Each stream decodes alone, so `threads` workers decode
//! segments (one stream each) while the parser reads their output in file
//! order. Segment starts come from the index file (`offset:page_id:title`,
//! which lists neither stream 0 nor the last stream) or from scanning the
//! file for stream headers.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use crossbeam_channel::Sender;
use memchr::memmem;

use crate::error::DumpError;
use crate::source::{Chunk, DecodeFailure, Decoders, Input, read_range};

/// The 48-bit block magic (BCD pi) that follows `BZh1`..`BZh9`.
const BLOCK_MAGIC: &[u8; 6] = b"1AY&SY";
/// The 48-bit end-of-stream magic (BCD sqrt(pi)).
const EOS_MAGIC: u128 = 0x1772_4538_5090;
/// Header (4) + end-of-stream magic (6) + CRC (4): the smallest stream.
const MIN_STREAM: usize = 14;
/// Bytes read per step when scanning for stream starts.
const SCAN_BLOCK: usize = 4 << 20;
/// How far `probe` looks for a second stream before calling the file a
/// single stream. Wikimedia's stream 0 is a few kilobytes.
const PROBE_LIMIT: usize = 32 << 20;

/// `BZh[1-9]` + block magic at the start of `bytes`.
fn is_stream_header(bytes: &[u8]) -> bool {
    bytes.len() >= 10
        && bytes.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&bytes[3])
        && &bytes[4..10] == BLOCK_MAGIC
}

/// True when the 11 bytes before a candidate end a bzip2 stream: the
/// end-of-stream magic, the 32-bit combined CRC, then 0-7 padding bits.
/// The magic is bit-aligned, so all eight alignments are tried. Together
/// with the header this makes a false start inside compressed data
/// practically impossible (about 2^-120 per byte position).
fn ends_stream(before: &[u8]) -> bool {
    let Some(tail) = before.len().checked_sub(11).map(|s| &before[s..]) else {
        return false;
    };
    let value = tail.iter().fold(0u128, |v, &b| (v << 8) | u128::from(b));
    (0..8).any(|pad| (value >> (32 + pad)) & 0xffff_ffff_ffff == EOS_MAGIC)
}

/// Validated stream starts after the first in `bytes` (relative offsets).
fn stream_starts(bytes: &[u8], from: usize) -> Vec<usize> {
    memmem::find_iter(&bytes[from..], BLOCK_MAGIC)
        .filter_map(|p| (p + from).checked_sub(4))
        .filter(|&h| h >= MIN_STREAM && is_stream_header(&bytes[h..]) && ends_stream(&bytes[..h]))
        .collect()
}

/// Whether the file looks like a multistream: a second stream begins
/// within the first [`PROBE_LIMIT`] bytes.
pub(crate) fn probe(input: &dyn Input) -> bool {
    let len = usize::try_from(input.len())
        .unwrap_or(usize::MAX)
        .min(PROBE_LIMIT);
    read_range(input, 0, len).is_ok_and(|head| !stream_starts(&head, 0).is_empty())
}

/// Reads the stream offsets from a multistream index (plain or bz2).
pub(crate) fn read_index(path: &Path) -> Result<Vec<u64>, DumpError> {
    let index_error = |line: u64, message: String| DumpError::Index {
        path: path.to_path_buf(),
        line,
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| DumpError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let mut buffered = BufReader::new(file);
    let compressed = buffered
        .fill_buf()
        .is_ok_and(|head| head.starts_with(b"BZh"));
    let reader: Box<dyn BufRead> = if compressed {
        Box::new(BufReader::new(bzip2::bufread::MultiBzDecoder::new(
            buffered,
        )))
    } else {
        Box::new(buffered)
    };
    let mut offsets: Vec<u64> = Vec::new();
    for (n, line) in (1u64..).zip(reader.lines()) {
        let line = line.map_err(|e| index_error(n, e.to_string()))?;
        if line.is_empty() {
            continue;
        }
        let offset = line
            .split_once(':')
            .and_then(|(offset, _)| offset.parse().ok())
            .ok_or_else(|| {
                index_error(n, format!("expected offset:page_id:title, found {line:?}"))
            })?;
        // Consecutive pages share their stream's offset.
        if offsets.last() != Some(&offset) {
            offsets.push(offset);
        }
    }
    offsets.sort_unstable();
    offsets.dedup();
    Ok(offsets)
}

/// True when the first indexed offsets point at stream headers in `input`.
pub(crate) fn index_matches(input: &dyn Input, offsets: &[u64]) -> bool {
    !offsets.is_empty()
        && offsets.iter().take(8).all(|&off| {
            off >= MIN_STREAM as u64
                && read_range(input, off - 11, 21).is_ok_and(|b| {
                    b.len() == 21 && ends_stream(&b[..11]) && is_stream_header(&b[11..])
                })
        })
}

/// One segment to decode: `seq` orders the output.
struct Job {
    seq: u64,
    offset: u64,
    data: Vec<u8>,
}

/// Starts the reader thread and `threads` decoders; the returned channel
/// yields each segment's output (tagged by `seq`) in completion order.
pub(crate) fn spawn_parallel(
    input: Arc<dyn Input>,
    index: Option<Vec<u64>>,
    threads: usize,
) -> Decoders {
    let threads = threads.max(1);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Job>(threads * 2);
    let (out_tx, out_rx) = crossbeam_channel::bounded::<Chunk>(threads * 2);
    let mut handles = Vec::with_capacity(threads + 1);
    for _ in 0..threads {
        let jobs = job_rx.clone();
        let out = out_tx.clone();
        handles.push(std::thread::spawn(move || {
            for job in jobs {
                if out.send(decode_segment(&job)).is_err() {
                    return;
                }
            }
        }));
    }
    handles.push(std::thread::spawn(move || match index {
        Some(offsets) => produce_from_index(&*input, &offsets, &job_tx, &out_tx),
        None => produce_by_scanning(&*input, &job_tx, &out_tx),
    }));
    Decoders {
        rx: out_rx,
        handles,
    }
}

fn decode_segment(job: &Job) -> Chunk {
    let compressed_end = job.offset + job.data.len() as u64;
    let mut data = Vec::with_capacity(job.data.len().saturating_mul(5));
    // Several streams may share a segment (an unindexed empty stream, the
    // last indexed stream plus the closing one), hence the multi decoder.
    let result = bzip2::read::MultiBzDecoder::new(job.data.as_slice()).read_to_end(&mut data);
    Chunk {
        seq: job.seq,
        data,
        stream: Some(job.offset),
        compressed_end,
        error: result.err().map(|e| {
            // The stream's offset stays the position (reading resumes at
            // the next stream); the message names the damaged block.
            let message = match crate::bz2block::find_damage(&job.data, job.offset) {
                Some(damage) => format!("{e}: {damage}"),
                None => e.to_string(),
            };
            DecodeFailure {
                message,
                compressed: job.offset,
                is_stream_start: true,
            }
        }),
        segment_start: true,
    }
}

/// Reports a read error of the dump itself as a failed, empty segment.
fn read_failure(seq: u64, offset: u64, e: &std::io::Error, out: &Sender<Chunk>) {
    let _ = out.send(Chunk {
        seq,
        data: Vec::new(),
        stream: Some(offset),
        compressed_end: offset,
        error: Some(DecodeFailure {
            message: format!("cannot read the file: {e}"),
            compressed: offset,
            is_stream_start: true,
        }),
        segment_start: true,
    });
}

fn produce_from_index(input: &dyn Input, offsets: &[u64], jobs: &Sender<Job>, out: &Sender<Chunk>) {
    let len = input.len();
    // Stream 0 (before the first indexed offset) and the closing stream
    // (after the last) are not in the index; the ranges cover both.
    let mut starts = vec![0];
    starts.extend(offsets.iter().copied().filter(|&o| o > 0 && o < len));
    for (seq, (i, &start)) in (0u64..).zip(starts.iter().enumerate()) {
        let end = starts.get(i + 1).copied().unwrap_or(len);
        let size = usize::try_from(end - start).unwrap_or(usize::MAX);
        match read_range(input, start, size) {
            Ok(data) => {
                if jobs
                    .send(Job {
                        seq,
                        offset: start,
                        data,
                    })
                    .is_err()
                {
                    return;
                }
            }
            Err(e) => return read_failure(seq, start, &e, out),
        }
    }
}

fn produce_by_scanning(input: &dyn Input, jobs: &Sender<Job>, out: &Sender<Chunk>) {
    let mut segment_start = 0u64;
    let mut buf: Vec<u8> = Vec::new();
    let mut file_pos = 0u64;
    let mut scan_from = 0usize;
    let mut seq = 0u64;
    loop {
        let block = match read_range(input, file_pos, SCAN_BLOCK) {
            Ok(block) => block,
            Err(e) => return read_failure(seq, segment_start, &e, out),
        };
        let at_end = block.is_empty();
        file_pos += block.len() as u64;
        buf.extend_from_slice(&block);
        let cuts = stream_starts(&buf, scan_from);
        // A magic cut by the block boundary is found on the next round.
        scan_from = buf.len().saturating_sub(BLOCK_MAGIC.len() - 1);
        let mut taken = 0;
        for cut in cuts {
            let data = buf[taken..cut].to_vec();
            let job = Job {
                seq,
                offset: segment_start + taken as u64,
                data,
            };
            if jobs.send(job).is_err() {
                return;
            }
            seq += 1;
            taken = cut;
        }
        buf.drain(..taken);
        scan_from -= taken.min(scan_from);
        segment_start += taken as u64;
        if at_end {
            if !buf.is_empty() {
                let job = Job {
                    seq,
                    offset: segment_start,
                    data: buf,
                };
                let _ = jobs.send(job);
            }
            return;
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use std::io::Write;

    fn compress(data: &[u8]) -> Vec<u8> {
        let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn finds_every_stream_start_and_nothing_else() {
        let parts: Vec<Vec<u8>> = (0..5)
            .map(|i| compress(format!("part {i} ").repeat(1000 * (i + 1)).as_bytes()))
            .collect();
        let mut file = Vec::new();
        let mut expected = Vec::new();
        for part in &parts {
            if !file.is_empty() {
                expected.push(file.len());
            }
            file.extend_from_slice(part);
        }
        assert_eq!(stream_starts(&file, 0), expected);
    }

    #[test]
    fn a_header_inside_a_stream_is_not_a_start() {
        // Stored data that contains a stream header, uncompressed: the
        // bytes before it do not end a stream.
        let mut bytes = b"some data before ".to_vec();
        bytes.extend_from_slice(b"BZh91AY&SY and after");
        assert!(stream_starts(&bytes, 0).is_empty());
    }

    #[test]
    fn index_offsets_are_deduplicated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.txt");
        std::fs::write(&path, "600:1:A\n600:2:B: with colon\n900:3:C\n").unwrap();
        assert_eq!(read_index(&path).unwrap(), vec![600, 900]);
        std::fs::write(&path, "600:1:A\nnonsense\n").unwrap();
        let err = read_index(&path).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
