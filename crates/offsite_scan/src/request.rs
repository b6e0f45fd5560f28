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
    /// Dump pages whose text is larger (as written in the dump) are skipped
    /// unread, with a diagnostic; `None` = `offsite_dump`'s default (16 MiB).
    pub max_page_bytes: Option<u64>,
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

/// What to scan, under which policy, on how many threads.
#[derive(Debug, Clone)]
pub struct ScanRequest {
    pub sources: Sources,
    /// The resolved policy (see [`crate::config`]).
    pub settings: offsite_rules::Settings,
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
}

/// Where the code comes from.
#[derive(Debug, Clone)]
pub enum Sources {
    /// Files and folders, walked honouring `.gitignore` unless `no_ignore`;
    /// the path `-` is standard input, analysed as if named `stdin_name`.
    Files {
        paths: Vec<PathBuf>,
        no_ignore: bool,
        stdin_name: String,
    },
    /// Wiki pages stored as files named by their title, `/` written `%2F`
    /// (`User:Alice%2Fcommon.js`).
    TitledFiles(Vec<PathBuf>),
    /// An XML dump or a live wiki.
    Wiki(WikiSource),
}

/// What the pipeline reports while it runs; the CLI draws a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// This many sources will be analysed (files; a wiki's page count is
    /// not known in advance).
    Total(usize),
    /// One more source was analysed.
    Analysed,
}

/// The progress callback: called from the worker threads.
pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Sync);
