//! The scan pipeline, moved out of the `offsite` binary.

use anyhow::{Context, Result};

pub mod config;
pub mod exposure;
pub mod files;
pub mod request;
pub mod titled;
pub mod wiki;

pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .stack_size(offsite_detect::ANALYSIS_STACK_SIZE)
        .build()
        .context("could not start worker threads")
}
