//! Streams MediaWiki XML export dumps into the pages offsite scans.
//!
//! [`open`] detects the compression from the first bytes (plain XML, gzip,
//! bzip2, zstd; never from the file name), reads the `<mediawiki>` header
//! and `<siteinfo>`, and returns a [`Dump`]: an iterator of
//! `Result<DumpPage, DumpError>` over the **wanted** pages only, followed
//! by a [`DumpSummary`].
//!
//! # What is kept
//!
//! - A page is wanted from its first revision for which
//!   [`DumpOptions::wanted`] says yes (the default, [`default_wanted`]:
//!   content model `javascript`, `css`, `sanitized-css`, `json`,
//!   `GadgetDefinition`, or `MediaWiki:Gadgets-definition`). That revision
//!   and every later one of the page are returned with their text, in dump
//!   order. Revisions before it (say, wikitext before a content-model
//!   change) are dropped. Memory grows with the largest wanted page's
//!   history, never with the dump.
//! - The text of every other revision is read as XML events and dropped;
//!   it is never copied into a `String`.
//! - Entities (`&lt;`, `&amp;`, `&#039;`, …) are decoded in titles, text
//!   and attributes.
//!
//! # Threads
//!
//! Decoding runs off the caller's thread; the XML is parsed on the thread
//! that iterates. A bzip2 **multistream** (Wikimedia's
//! `*-multistream.xml.bz2`) is decoded by `threads` workers, one stream at
//! a time, with stream starts taken from [`DumpOptions::index`] or found by
//! scanning for validated stream headers; their output is read back in file
//! order, so parallel and sequential reads return the same pages in the
//! same order, and offsets in errors are exact. Decoding, not parsing, is
//! the bottleneck (bzip2 ≈ 40 MB/s per core, quick-xml ≈ 1 GB/s), so one
//! parsing thread keeps up with about twenty decoding cores. Everything
//! else (gzip, zstd, single-stream bzip2) decodes on one thread while the
//! caller parses.
//!
//! # Export versions
//!
//! 0.8 to 0.11 are read, whichever order a revision's elements come in
//! (0.8 and 0.9 write `<model>` after `<text>`: such a text is read within
//! the limit and kept or dropped at the end of its revision). A later 0.x
//! is read as 0.11 with a warning in the summary; a dump that declares no
//! version is read as 0.11 with a warning; anything older than 0.8 (no
//! `<model>`) or not `0.x` is rejected with
//! [`DumpError::UnsupportedVersion`]. An element offsite does not know
//! inside a page or revision is skipped and counted in the summary's
//! warnings.
//!
//! # Limits
//!
//! Text is read straight from the decoded data, never through the XML
//! reader's event buffer. A wanted revision whose text is above
//! [`DumpOptions::max_text_bytes`] (default [`DEFAULT_MAX_TEXT_BYTES`],
//! 16 MiB) is streamed past, and its page is an
//! [`DumpError::PageTooLarge`] item naming the title, page id, revision
//! and offset; reading goes on. Any other value (title, comment, user)
//! above 1 MiB makes its page a [`DumpError::BadPage`]. Memory is then
//! bounded by the limit times the revisions kept of one page.
//!
//! # Errors
//!
//! Every [`DumpError`] names the file and, inside the data, the decompressed
//! byte offset (plus the compressed offset: of the bz2 stream for a
//! parallel multistream, otherwise of the compressed bytes read so far).
//! [`open`] fails only when nothing usable was read (not a dump, unknown
//! version, damage before the end of `<siteinfo>`). Later damage is an
//! `Err` item: every page completed before it has been returned, the
//! summary's `partial` says what happened, and iteration ends, except in a
//! parallel multistream, where reading resumes at the next stream. A page
//! with a bad value (`<ns>x</ns>`) is an [`DumpError::BadPage`] item and
//! reading goes on, and so is a [`DumpError::PageTooLarge`] one;
//! [`DumpError::is_damage`] tells those (one page skipped) from damage
//! (the dump could not be read to its end). A bzip2 decode failure names
//! the damaged block (its compressed byte and bit) and whether it fails its
//! CRC, cannot be decoded or is cut off; since bzip2 hands out a block's
//! data before checking its CRC, an XML error followed by such a failure
//! is reported as the failure. Nothing panics on any input ([`fuzz_one`]).
//!
//! This crate does not analyse pages, fetch dumps, or follow the index for
//! random access.

mod bz2block;
mod error;
mod external;
mod multistream;
mod parse;
mod source;
mod types;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{DumpError, Position};
pub use external::find_program;
pub use source::Compression;
pub use types::{
    DEFAULT_MAX_TEXT_BYTES, DumpOptions, DumpPage, DumpSummary, PageHeader, Revision, SiteInfo,
    Wanted, default_wanted,
};

use parse::Parser;
use source::{ChunkReader, Input};

/// An open dump: its site info, then its wanted pages as an iterator.
pub struct Dump {
    parser: Parser,
    site_info: SiteInfo,
    export_version: String,
    compression: Compression,
    parallel: bool,
    warnings: Vec<String>,
}

impl std::fmt::Debug for Dump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dump")
            .field("site_info", &self.site_info)
            .field("export_version", &self.export_version)
            .field("compression", &self.compression)
            .field("parallel", &self.parallel)
            .finish_non_exhaustive()
    }
}

impl Dump {
    pub fn site_info(&self) -> &SiteInfo {
        &self.site_info
    }

    pub fn export_version(&self) -> &str {
        &self.export_version
    }

    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Whether a bzip2 multistream is being decoded on several threads.
    pub fn is_parallel(&self) -> bool {
        self.parallel
    }

    /// Counts so far; final once the iterator has returned `None`.
    pub fn summary(&self) -> DumpSummary {
        let stats = &self.parser.stats;
        let chunks = self.parser.chunks();
        let mut warnings = self.warnings.clone();
        // Unexpected structure is said, never skipped in silence.
        for ((inside, name), (count, title)) in &stats.unexpected {
            let first = title
                .as_ref()
                .map_or_else(String::new, |t| format!(", first in page {t:?}"));
            warnings.push(format!(
                "{count} unexpected <{name}> element(s) in a <{inside}>{first}; skipped"
            ));
        }
        DumpSummary {
            export_version: self.export_version.clone(),
            compression: self.compression.name(),
            parallel: self.parallel,
            pages_seen: stats.pages_seen,
            pages_wanted: stats.pages_wanted,
            revisions_seen: stats.revisions_seen,
            compressed_bytes: chunks.compressed_read,
            decompressed_bytes: chunks.delivered,
            errors: stats.errors,
            partial: stats.first_error.clone(),
            warnings,
        }
    }
}

impl Iterator for Dump {
    type Item = Result<DumpPage, DumpError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.parser.next_page()
    }
}

/// Opens a dump file and reads its header.
pub fn open(path: &Path, options: &DumpOptions) -> Result<Dump, DumpError> {
    let file = std::fs::File::open(path).map_err(|e| DumpError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    open_input(Arc::new(file), path.to_path_buf(), options)
}

/// Reads a dump held in memory; `name` stands for the file in messages.
pub fn open_bytes(bytes: Vec<u8>, name: &str, options: &DumpOptions) -> Result<Dump, DumpError> {
    open_input(Arc::new(bytes), PathBuf::from(name), options)
}

fn open_input(
    input: Arc<dyn Input>,
    path: PathBuf,
    options: &DumpOptions,
) -> Result<Dump, DumpError> {
    let head = source::read_range(&*input, 0, 16).map_err(|e| DumpError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let compression = Compression::detect(&head);
    let mut warnings = Vec::new();
    let mut parallel_index = None;
    let mut parallel = false;
    let mut external = None;
    if let (Compression::Bzip2, Some(program)) = (compression, &options.external_bzip2) {
        match external::spawn(Arc::clone(&input), program, options.threads) {
            Ok(decoders) => external = Some(decoders),
            Err(e) => warnings.push(format!(
                "cannot run {}: {e}; using the built-in bzip2 decoder",
                program.display()
            )),
        }
    }
    if external.is_none() && compression == Compression::Bzip2 && options.threads > 1 {
        if let Some(index) = &options.index {
            let offsets = multistream::read_index(index)?;
            if multistream::index_matches(&*input, &offsets) {
                parallel_index = Some(offsets);
                parallel = true;
            } else {
                warnings.push(format!(
                    "{}: the index does not match the dump's streams; finding them by scanning",
                    index.display()
                ));
            }
        }
        parallel = parallel || multistream::probe(&*input);
    }
    // The parser resumes at the next segment after an error only when the
    // chunks come from the built-in multistream decoder.
    let segmented = parallel;
    // lbzip2 decodes on all cores itself: the dump counts as parallel.
    parallel = parallel || (external.is_some() && options.threads > 1);
    let chunks = if let Some(decoders) = external {
        decoders
    } else if parallel {
        multistream::spawn_parallel(input, parallel_index, options.threads)
    } else {
        source::spawn_sequential(input, compression)
    };
    let mut parser = Parser::new(
        ChunkReader::new(chunks),
        path,
        compression,
        Arc::clone(&options.wanted),
        segmented,
        options.max_text_bytes,
    );
    let header = parser.read_header()?;
    warnings.extend(header.warnings);
    Ok(Dump {
        parser,
        site_info: header.site_info,
        export_version: header.version,
        compression,
        parallel,
        warnings,
    })
}

/// The fuzzing entry point: reads `bytes` as a dump, sequentially and as a
/// two-thread multistream, to the end. It must never panic or hang.
pub fn fuzz_one(bytes: &[u8]) {
    for threads in [1, 2] {
        let options = DumpOptions {
            threads,
            index: None,
            wanted: Arc::new(|_: &PageHeader, _: Option<&str>| true),
            external_bzip2: None,
            // Small enough that fuzz inputs reach the skipping path.
            max_text_bytes: 64,
        };
        if let Ok(dump) = open_bytes(bytes.to_vec(), "fuzz-input", &options) {
            // Bounded: every item consumes input or ends the iteration.
            for _ in dump {}
        }
    }
}
