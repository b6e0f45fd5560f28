//! Where wiki pages come from: the typed form of the command line's source
//! options, so the pipeline never sees the CLI's argument structs.

use std::path::PathBuf;

/// Where wiki pages come from: a dump or a live wiki (instead of files).
#[derive(Debug, Clone, Default)]
pub struct WikiSource {
    /// An XML dump (plain, gzip, bzip2 or zstd).
    pub dump: Option<PathBuf>,
    /// The multistream index of a `*-multistream.xml.bz2` dump.
    pub dump_index: Option<PathBuf>,
    /// How to decompress a bzip2 dump.
    pub bzip2_decoder: Bzip2Decoder,
    /// A live wiki's Action API URL.
    pub wiki: Option<String>,
    /// How the wiki's operators can reach whoever runs the crawl.
    pub contact: Option<String>,
    /// Save crawl progress here and resume from it.
    pub checkpoint: Option<PathBuf>,
    /// Only pages changed since this time.
    pub since: Option<String>,
    /// Namespaces to crawl; empty = the client's default.
    pub namespaces: Vec<i64>,
}

impl WikiSource {
    /// A dump or a live wiki is named.
    pub fn is_set(&self) -> bool {
        self.dump.is_some() || self.wiki.is_some()
    }
}

/// How to decompress a bzip2 dump.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Bzip2Decoder {
    /// `lbzip2` when it is on PATH, else the built-in decoder.
    #[default]
    Auto,
    /// The built-in decoder (parallel on multistream dumps).
    Builtin,
    /// `lbzip2`; an error when it is not installed.
    Lbzip2,
}
