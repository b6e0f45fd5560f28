//! The scan pipeline: a typed [`ScanRequest`] (sources — files and folders,
//! pages named by title, an XML dump or a live wiki —, the policy, threads)
//! in, a [`ScanResult`] (loads, diagnostics, gadget definitions, the import
//! graph's inputs, provenance) out, with [`Progress`] reported through a
//! callback.
//!
//! Every command of the `offsite` binary (`scan`, `graph`, `inventory`,
//! `csp`) enters here; the binary keeps argument parsing, rendering and exit
//! codes. Sources are analysed in parallel on a pool whose threads have the
//! stack the detector needs ([`offsite_detect::ANALYSIS_STACK_SIZE`]); a
//! panic while analysing one source becomes a diagnostic naming it
//! ([`confine`]). What cannot be read is a diagnostic too (see
//! [`read_failures`]), never a silent gap.
//!
//! Not here: rendering (`offsite_report`), rules (`offsite_rules`), the
//! graph itself (`offsite_wiki`).

use offsite_rules::Linter;
use rayon::ThreadPool;

pub mod api;
pub mod config;
pub mod confine;
mod crossfile;
pub mod decode;
pub mod dump;
pub mod error;
pub mod exposure;
pub mod files;
pub mod page;
pub mod request;
pub mod result;
pub mod titled;

pub use error::ScanError;
pub use request::{Bzip2Decoder, Progress, ProgressFn, ScanRequest, Sources, WikiSource};
pub use result::{ScanResult, read_failures};

/// Runs the pipeline: reads every source of `request`, analyses it under its
/// policy and returns what was found. Only a source that yields nothing at
/// all is an error (an unknown stdin language, a dump that is not one, a
/// wiki that cannot be reached); the rest are diagnostics in the result.
pub fn scan(request: &ScanRequest, progress: ProgressFn<'_>) -> Result<ScanResult, ScanError> {
    let linter = Linter::new(request.settings.clone())?;
    let pool = thread_pool(request.threads)?;
    match &request.sources {
        Sources::Files {
            paths,
            no_ignore,
            stdin_name,
        } => files::scan_files(paths, *no_ignore, stdin_name, &linter, &pool, progress),
        Sources::TitledFiles(paths) => {
            if paths.is_empty() {
                return Err(ScanError::NoPages);
            }
            titled::read_files(paths, &linter, &pool, progress)
        }
        Sources::Wiki(source) => read_wiki(source, &linter, &pool, progress),
    }
}

pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool, ScanError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .stack_size(offsite_detect::ANALYSIS_STACK_SIZE)
        .build()
        .map_err(|e| ScanError::Threads(e.to_string()))
}

/// Reads the dump or crawls the wiki named in `args` and analyses every page.
fn read_wiki(
    args: &WikiSource,
    linter: &Linter,
    pool: &ThreadPool,
    progress: ProgressFn<'_>,
) -> Result<ScanResult, ScanError> {
    if let Some(path) = &args.dump {
        dump::read_dump(
            path,
            args.dump_index.as_deref(),
            args.bzip2_decoder,
            args.max_page_bytes,
            linter,
            pool,
            progress,
        )
    } else if let Some(url) = &args.wiki {
        api::read_api(url, args, linter, pool, progress)
    } else {
        Err(ScanError::NoWikiSource)
    }
}
