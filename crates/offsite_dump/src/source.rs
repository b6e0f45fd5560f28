//! Turns a file (or bytes) into an ordered stream of decompressed chunks.
//!
//! Decoding always runs on other threads than the XML parser: one thread for
//! plain, gzip, zstd and single-stream bzip2, and `threads` workers for a
//! bzip2 multistream (see `multistream.rs`). The parser side reads the chunks
//! back in order through [`ChunkReader`], a `BufRead`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crossbeam_channel::{Receiver, Sender};
use ruzstd::decoding::errors::{FrameDecoderError, ReadFrameHeaderError};
use ruzstd::decoding::{BlockDecodingStrategy, FrameDecoder};

/// Decompressed bytes handed to the parser per message on the sequential path.
const CHUNK: u64 = 1 << 20;
/// Chunks buffered between the decoder thread and the parser.
const SEQUENTIAL_QUEUE: usize = 8;

/// The compression of a dump, detected from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Bzip2,
    Zstd,
}

impl Compression {
    /// Detects the format from magic bytes; anything unknown is read as XML
    /// and rejected by the parser if it is not.
    pub fn detect(head: &[u8]) -> Self {
        match head {
            [0x1f, 0x8b, ..] => Self::Gzip,
            [b'B', b'Z', b'h', b'1'..=b'9', ..] => Self::Bzip2,
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Self::Zstd,
            // A zstd skippable frame (magic 0x184D2A5?, little endian).
            [m, 0x2a, 0x4d, 0x18, ..] if m & 0xf0 == 0x50 => Self::Zstd,
            _ => Self::None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::None => "XML",
            Self::Gzip => "gzip",
            Self::Bzip2 => "bzip2",
            Self::Zstd => "zstd",
        }
    }
}

/// Random access to the dump's bytes, so several threads can read ranges.
pub(crate) trait Input: Send + Sync {
    fn len(&self) -> u64;
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize>;
}

impl Input for File {
    fn len(&self) -> u64 {
        self.metadata().map_or(0, |m| m.len())
    }

    #[cfg(unix)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::unix::fs::FileExt::read_at(self, buf, offset)
    }

    #[cfg(windows)]
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        std::os::windows::fs::FileExt::seek_read(self, buf, offset)
    }
}

impl Input for Vec<u8> {
    fn len(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.len());
        let n = buf.len().min(self.len() - start);
        buf[..n].copy_from_slice(&self[start..start + n]);
        Ok(n)
    }
}

/// Reads `len` bytes at `offset` (fewer at end of input).
pub(crate) fn read_range(input: &dyn Input, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let mut out = vec![0; len];
    let mut filled = 0;
    while filled < len {
        match input.read_at(&mut out[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    out.truncate(filled);
    Ok(out)
}

/// A sequential `Read` over an [`Input`] that counts the bytes it hands out.
struct CountingReader {
    input: Arc<dyn Input>,
    pos: u64,
    count: Arc<AtomicU64>,
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.read_at(buf, self.pos)?;
        self.pos += n as u64;
        self.count.store(self.pos, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decode failure, delivered after the bytes decoded before it.
#[derive(Debug, Clone)]
pub(crate) struct DecodeFailure {
    pub message: String,
    /// Compressed offset: the stream start (multistream) or bytes read.
    pub compressed: u64,
    pub is_stream_start: bool,
}

/// One piece of decompressed data, in file order by `seq`.
pub(crate) struct Chunk {
    pub seq: u64,
    pub data: Vec<u8>,
    /// Compressed offset of the multistream segment this came from.
    pub stream: Option<u64>,
    /// Compressed bytes read once this chunk was produced.
    pub compressed_end: u64,
    /// Set when decoding stopped after `data`.
    pub error: Option<DecodeFailure>,
    /// The first chunk of a multistream segment: a point where the parser
    /// may start afresh after an error, since segments hold whole pages.
    pub segment_start: bool,
}

/// The decoder threads behind a chunk stream. [`ChunkReader`] owns them and
/// joins them when dropped, so no thread outlives the [`crate::Dump`].
pub(crate) struct Decoders {
    pub rx: Receiver<Chunk>,
    pub handles: Vec<std::thread::JoinHandle<()>>,
}

/// Starts the one-thread decoder for every format but parallel multistream.
pub(crate) fn spawn_sequential(input: Arc<dyn Input>, compression: Compression) -> Decoders {
    let (tx, rx) = crossbeam_channel::bounded(SEQUENTIAL_QUEUE);
    let handle = std::thread::spawn(move || decode_sequential(input, compression, &tx));
    Decoders {
        rx,
        handles: vec![handle],
    }
}

fn decode_sequential(input: Arc<dyn Input>, compression: Compression, tx: &Sender<Chunk>) {
    decode_sequential_from(input, compression, tx, 0, 0, None);
}

/// Decodes from the start of `input`, drops the first `skip` decompressed
/// bytes (already delivered by another decoder) and sends the rest as
/// chunks numbered from `first_seq`. `note` is prefixed to a failure.
pub(crate) fn decode_sequential_from(
    input: Arc<dyn Input>,
    compression: Compression,
    tx: &Sender<Chunk>,
    first_seq: u64,
    skip: u64,
    note: Option<&str>,
) {
    let count = Arc::new(AtomicU64::new(0));
    let file = Arc::clone(&input);
    let raw = CountingReader {
        input,
        pos: 0,
        count: Arc::clone(&count),
    };
    let buffered = BufReader::with_capacity(1 << 16, raw);
    let mut decoder: Box<dyn Read> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
        Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(buffered)),
        Compression::Zstd => Box::new(ZstdFrames::new(buffered)),
    };
    if skip > 0 {
        match io::copy(&mut (&mut decoder).take(skip), &mut io::sink()) {
            Ok(n) if n == skip => {}
            // The other decoder delivered more than this one can: nothing
            // is left to add.
            Ok(_) => return,
            Err(e) => {
                let compressed = count.load(Ordering::Relaxed);
                let _ = tx.send(Chunk {
                    seq: first_seq,
                    data: Vec::new(),
                    stream: None,
                    compressed_end: compressed,
                    error: Some(DecodeFailure {
                        message: note.map_or_else(|| e.to_string(), |n| format!("{n}{e}")),
                        compressed,
                        is_stream_start: false,
                    }),
                    segment_start: false,
                });
                return;
            }
        }
    }
    for seq in first_seq.. {
        let mut data = Vec::with_capacity(usize::try_from(CHUNK).unwrap_or(1 << 20));
        let result = (&mut decoder).take(CHUNK).read_to_end(&mut data);
        let compressed_end = count.load(Ordering::Relaxed);
        let error = result.err().map(|e| {
            let mut failure = DecodeFailure {
                message: note.map_or_else(|| e.to_string(), |n| format!("{n}{e}")),
                compressed: compressed_end,
                is_stream_start: false,
            };
            if compression == Compression::Bzip2 {
                explain_bzip2(&*file, &mut failure);
            }
            failure
        });
        if data.is_empty() && error.is_none() {
            return;
        }
        let stop = error.is_some();
        let chunk = Chunk {
            seq,
            data,
            stream: None,
            compressed_end,
            error,
            segment_start: false,
        };
        if tx.send(chunk).is_err() || stop {
            return;
        }
    }
}

/// Names the damaged block of a bzip2 file and makes its offset the
/// failure's position (the decoder reads ahead, so `compressed` is only an
/// upper bound until then).
fn explain_bzip2(input: &dyn Input, failure: &mut DecodeFailure) {
    // A block is at most about 1 MB compressed, and the decoder reads at
    // most 64 KiB ahead: the damaged block starts in this window.
    const BEFORE: u64 = 2 << 20;
    const AFTER: u64 = 1 << 20;
    let start = failure.compressed.saturating_sub(BEFORE);
    let end = (failure.compressed + AFTER).min(input.len());
    let Ok(bytes) = read_range(input, start, usize::try_from(end - start).unwrap_or(0)) else {
        return;
    };
    if let Some(damage) = crate::bz2block::find_damage(&bytes, start) {
        failure.message = format!("{}: {damage}", failure.message);
        failure.compressed = damage.byte;
    }
}

/// Decodes every frame of a zstd file; ruzstd's `StreamingDecoder` stops
/// after one (<https://github.com/KillingSpark/zstd-rs/issues/57>), so this
/// drives `FrameDecoder` the same way but keeps the source to start the next.
struct ZstdFrames<R: BufRead> {
    source: R,
    decoder: FrameDecoder,
    in_frame: bool,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> Self {
        Self {
            source,
            decoder: FrameDecoder::new(),
            in_frame: false,
        }
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.in_frame {
                while self.decoder.can_collect() == 0 && !self.decoder.is_finished() {
                    self.decoder
                        .decode_blocks(&mut self.source, BlockDecodingStrategy::UptoBlocks(1))
                        .map_err(io::Error::other)?;
                }
                let n = self.decoder.read(buf)?;
                if n > 0 {
                    return Ok(n);
                }
                if self.decoder.is_finished() && self.decoder.can_collect() == 0 {
                    self.in_frame = false;
                }
                continue;
            }
            if self.source.fill_buf()?.is_empty() {
                return Ok(0);
            }
            match self.decoder.reset(&mut self.source) {
                Ok(()) => self.in_frame = true,
                Err(FrameDecoderError::ReadFrameHeaderError(ReadFrameHeaderError::SkipFrame {
                    length,
                    ..
                })) => {
                    let skipped = io::copy(
                        &mut (&mut self.source).take(u64::from(length)),
                        &mut io::sink(),
                    )?;
                    if skipped < u64::from(length) {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "skippable frame cut short",
                        ));
                    }
                }
                Err(e) => return Err(io::Error::other(e)),
            }
        }
    }
}

impl Drop for ChunkReader {
    fn drop(&mut self) {
        // Closing the channel makes every decoder's next send fail; each
        // then returns (a worker mid-segment finishes that segment first).
        self.rx = None;
        self.pending.clear();
        for handle in self.handles.drain(..) {
            // A decoder that panicked has nothing left to clean up.
            let _ = handle.join();
        }
    }
}

/// Reads the ordered chunk stream back as one `BufRead`.
pub(crate) struct ChunkReader {
    rx: Option<Receiver<Chunk>>,
    /// Joined on drop, after `rx` is gone (their sends then fail and they return).
    handles: Vec<std::thread::JoinHandle<()>>,
    /// Chunks that arrived ahead of their turn (parallel decoding).
    pending: BTreeMap<u64, Chunk>,
    next_seq: u64,
    current: Vec<u8>,
    pos: usize,
    current_error: Option<DecodeFailure>,
    current_stream: Option<u64>,
    /// Decompressed bytes handed to the parser.
    pub delivered: u64,
    pub compressed_read: u64,
    /// The failure behind the last `Err` from `fill_buf`.
    pub failure: Option<DecodeFailure>,
    /// Set when the chunk now being read starts a multistream segment.
    pub at_segment_start: bool,
}

impl ChunkReader {
    pub fn new(decoders: Decoders) -> Self {
        Self {
            rx: Some(decoders.rx),
            handles: decoders.handles,
            pending: BTreeMap::new(),
            next_seq: 0,
            current: Vec::new(),
            pos: 0,
            current_error: None,
            current_stream: None,
            delivered: 0,
            compressed_read: 0,
            failure: None,
            at_segment_start: false,
        }
    }

    /// A reader with no data, a placeholder while the real one is moved.
    pub fn empty() -> Self {
        let mut reader = Self::new(Decoders {
            rx: crossbeam_channel::never(),
            handles: Vec::new(),
        });
        reader.rx = None;
        reader
    }

    pub fn current_stream(&self) -> Option<u64> {
        self.current_stream
    }

    /// Drops the rest of the current chunk and every chunk up to the next
    /// segment start; returns false when there is none (end of data).
    pub fn skip_to_next_segment(&mut self) -> bool {
        self.pos = self.current.len();
        self.current_error = None;
        loop {
            let Some(chunk) = self.receive() else {
                return false;
            };
            if chunk.segment_start {
                self.install(chunk);
                return true;
            }
        }
    }

    /// The decode failure at the current position or, unless
    /// `current_chunk_only`, within `reach` decompressed bytes after it;
    /// the data before it is dropped. Called once the parser has given up
    /// on the data it holds.
    pub fn failure_ahead(&mut self, reach: u64, current_chunk_only: bool) -> Option<DecodeFailure> {
        let mut read = (self.current.len() - self.pos) as u64;
        self.pos = self.current.len();
        if let Some(failure) = self.current_error.take() {
            return Some(failure);
        }
        if current_chunk_only {
            return None;
        }
        while read < reach {
            let chunk = self.receive()?;
            read += chunk.data.len() as u64;
            self.compressed_read = self.compressed_read.max(chunk.compressed_end);
            if chunk.error.is_some() {
                return chunk.error;
            }
        }
        None
    }

    fn receive(&mut self) -> Option<Chunk> {
        if let Some(chunk) = self.pending.remove(&self.next_seq) {
            self.next_seq += 1;
            return Some(chunk);
        }
        let rx = self.rx.as_ref()?;
        loop {
            let Ok(chunk) = rx.recv() else {
                // All senders gone: end of data. Chunks still pending would
                // mean a gap, which the senders never leave.
                self.rx = None;
                return None;
            };
            if chunk.seq == self.next_seq {
                self.next_seq += 1;
                return Some(chunk);
            }
            self.pending.insert(chunk.seq, chunk);
        }
    }

    fn install(&mut self, chunk: Chunk) {
        self.compressed_read = self.compressed_read.max(chunk.compressed_end);
        self.current = chunk.data;
        self.pos = 0;
        self.current_error = chunk.error;
        self.current_stream = chunk.stream;
        self.at_segment_start = chunk.segment_start;
    }
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChunkReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.pos >= self.current.len() {
            if let Some(failure) = self.current_error.take() {
                let message = failure.message.clone();
                self.failure = Some(failure);
                return Err(io::Error::other(message));
            }
            match self.receive() {
                Some(chunk) => self.install(chunk),
                None => return Ok(&[]),
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, amount: usize) {
        let amount = amount.min(self.current.len() - self.pos);
        self.pos += amount;
        self.delivered += amount as u64;
    }
}
