//! A polite client for the MediaWiki Action API, for inventorying the scripts of a live
//! wiki: site info, every JavaScript/CSS/JSON page of the user and MediaWiki namespaces
//! (or those changed since a time), gadget metadata and gadget usage.
//!
//! Politeness is built in, not optional: a descriptive User-Agent with a contact
//! (refused when empty), `maxlag` on every request, waits of `Retry-After` on lag and
//! 429, exponential backoff with jitter on 5xx and timeouts, gzip, and a cap on
//! requests in flight. The crawl sends its requests in series.
//!
//! What it does not do: parse gadget definitions or scripts (see `offsite_wiki` and
//! `offsite_detect`), log in, edit, or follow cross-wiki imports to other wikis.
//!
//! ```no_run
//! use std::ops::ControlFlow;
//! let opts = offsite_api::ClientOptions::new("https://en.wikipedia.org/w/api.php", "ops@example.org");
//! let summary = offsite_api::crawl_blocking(opts, Some("crawl.json".as_ref()), None, |page| {
//!     println!("{} ({})", page.title, page.content_model);
//!     ControlFlow::Continue(())
//! })?;
//! assert!(summary.error.is_none());
//! # Ok::<(), offsite_api::ApiError>(())
//! ```

mod client;
mod crawl;
mod error;
pub mod http;
mod ops;
mod options;
mod types;

pub use client::ApiClient;
pub use crawl::{CrawlSummary, crawl, crawl_blocking, crawl_with};
pub use error::ApiError;
pub use ops::Continuation;
pub use options::{ClientOptions, MAX_BATCH_SIZE};
pub use types::{
    Changes, GADGETS_DEFINITION, Gadget, GadgetModule, GadgetSettings, GadgetUsage,
    GadgetUsageList, Namespace, PageInfo, Removal, RemovedPage, SCRIPT_MODELS, SiteInfo, WikiPage,
    is_wanted,
};
