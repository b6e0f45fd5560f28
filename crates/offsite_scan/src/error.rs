//! Why a scan yielded nothing at all. Everything less is a diagnostic in
//! the result (see [`crate::read_failures`]); these name the input that
//! failed the whole request.

use std::io;
use std::path::PathBuf;

use offsite_api::ApiError;
use offsite_dump::DumpError;
use offsite_rules::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The policy could not be read or is invalid (names file, line, key).
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot read policy {}: {cause}", path.display())]
    PolicyRead { path: PathBuf, cause: io::Error },
    #[error("could not start worker threads: {0}")]
    Threads(String),
    #[error("--stdin-filename {name}: cannot tell the language")]
    StdinLanguage { name: String },
    #[error("cannot read standard input: {0}")]
    Stdin(io::Error),
    #[error("no pages to read: give a dump, a live wiki or the files of the pages")]
    NoPages,
    #[error("no wiki source: give --dump FILE or --wiki API_URL")]
    NoWikiSource,
    /// The dump is not one, of an unknown version, or damaged before the
    /// end of `<siteinfo>` (the message names the file and byte offset).
    #[error(transparent)]
    Dump(#[from] DumpError),
    #[error("--bzip2-decoder lbzip2: lbzip2 is not on PATH")]
    NoLbzip2,
    #[error(
        "--wiki needs --contact EMAIL_OR_URL (or the {env} environment variable): \
         wikis ask crawlers for a User-Agent that says how to reach whoever runs them"
    )]
    NoContact { env: &'static str },
    #[error("cannot start the HTTP runtime: {0}")]
    Runtime(io::Error),
    /// The live wiki failed before anything was read: `what` says at which
    /// step (`cannot read the site info`, `nothing could be read`).
    #[error("{url}: {what}: {cause}")]
    Api {
        url: String,
        what: &'static str,
        cause: ApiError,
    },
    #[error("{url}: the crawl thread panicked")]
    CrawlPanicked { url: String },
}
