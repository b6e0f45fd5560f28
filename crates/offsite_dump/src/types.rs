//! The values a dump is read into.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// `<siteinfo>`: which wiki the dump is from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteInfo {
    pub sitename: String,
    pub dbname: String,
    /// URL of the main page, e.g. `https://en.wikipedia.org/wiki/Main_Page`.
    pub base: String,
    pub generator: String,
    /// `first-letter` or `case-sensitive`.
    pub case: String,
    /// Namespace number to its local name (`""` for the main namespace).
    pub namespaces: BTreeMap<i32, String>,
}

impl SiteInfo {
    /// The title without its namespace prefix, using the dump's own names
    /// (a title in ns 0 may contain a colon, so the number decides).
    pub fn title_in_namespace<'a>(&self, page: &'a PageHeader) -> &'a str {
        match self.namespaces.get(&page.ns) {
            Some(name) if !name.is_empty() => page
                .title
                .strip_prefix(name.as_str())
                .and_then(|rest| rest.strip_prefix(':'))
                .unwrap_or(&page.title),
            _ => &page.title,
        }
    }

    /// Builds the full title of `text` in namespace `ns` (`None` when the
    /// dump does not declare `ns`).
    pub fn full_title(&self, ns: i32, text: &str) -> Option<String> {
        let name = self.namespaces.get(&ns)?;
        Some(if name.is_empty() {
            text.to_owned()
        } else {
            format!("{name}:{text}")
        })
    }
}

/// The part of a `<page>` that comes before its revisions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageHeader {
    /// Full title with namespace prefix, entities decoded.
    pub title: String,
    pub ns: i32,
    pub id: u64,
    /// Target of `<redirect title="…"/>`.
    pub redirect: Option<String>,
}

/// One `<revision>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    pub id: u64,
    pub parent_id: Option<u64>,
    /// As written in the dump, e.g. `2024-03-01T12:00:00Z`.
    pub timestamp: String,
    pub user: Option<String>,
    pub user_id: Option<u64>,
    pub ip: Option<String>,
    /// `<contributor deleted="deleted"/>`: the user was suppressed.
    pub user_deleted: bool,
    pub minor: bool,
    /// `None` when absent or deleted.
    pub comment: Option<String>,
    pub model: Option<String>,
    pub format: Option<String>,
    /// `None` when the text is deleted or not in the dump (stub dumps).
    pub text: Option<String>,
    /// `<text deleted="deleted"/>`.
    pub text_deleted: bool,
    pub sha1: Option<String>,
}

/// A wanted page and its revisions, oldest first as in the dump.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DumpPage {
    pub header: PageHeader,
    pub revisions: Vec<Revision>,
}

/// Decides whether a page is wanted, given its header and the content model
/// of a revision (`None` when the dump gives none).
pub type Wanted = Arc<dyn Fn(&PageHeader, Option<&str>) -> bool + Send + Sync>;

/// What offsite scans: code and gadget definitions.
pub fn default_wanted(page: &PageHeader, model: Option<&str>) -> bool {
    matches!(
        model,
        Some("javascript" | "css" | "sanitized-css" | "json" | "GadgetDefinition")
    ) || (page.ns == 8
        && page
            .title
            .split_once(':')
            .is_some_and(|(_, rest)| rest == "Gadgets-definition"))
}

/// The default of [`DumpOptions::max_text_bytes`]: 16 MiB of text as
/// written in the dump. MediaWiki refuses to save a page above
/// `$wgMaxArticleSize`, 2048 KiB by default and on Wikimedia wikis
/// (<https://www.mediawiki.org/wiki/Manual:$wgMaxArticleSize>), and
/// `XmlDumpWriter` escapes the text with `htmlspecialchars`, so one byte
/// can take up to six (`"` becomes `&quot;`): 2 MiB × 6 = 12 MiB is the
/// largest escaped text a default wiki can produce. 16 MiB keeps every such
/// page with room to spare (a wiki that raised its limit a little), while a
/// hostile or corrupt page costs at most 16 MiB of buffer, not its size.
pub const DEFAULT_MAX_TEXT_BYTES: u64 = 16 << 20;

/// How to read a dump.
#[derive(Clone)]
pub struct DumpOptions {
    /// Decoder threads for a bzip2 multistream; 1 reads sequentially.
    pub threads: usize,
    /// A multistream index (`…-multistream-index.txt` or `.txt.bz2`).
    pub index: Option<PathBuf>,
    pub wanted: Wanted,
    /// Decode bzip2 with this `lbzip2`-compatible program (`-d -c -n N`)
    /// instead of the built-in decoder; see [`crate::find_program`]. Falls
    /// back to the built-in decoder, with a warning, if it cannot start.
    pub external_bzip2: Option<PathBuf>,
    /// A wanted revision whose `<text>` is longer than this (bytes as
    /// written in the file, entities not yet decoded) is streamed past
    /// without being buffered, and its page is returned as
    /// [`crate::DumpError::PageTooLarge`]. Default
    /// [`DEFAULT_MAX_TEXT_BYTES`].
    pub max_text_bytes: u64,
}

impl Default for DumpOptions {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            index: None,
            wanted: Arc::new(default_wanted),
            external_bzip2: None,
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
        }
    }
}

impl fmt::Debug for DumpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DumpOptions")
            .field("threads", &self.threads)
            .field("index", &self.index)
            .field("external_bzip2", &self.external_bzip2)
            .field("max_text_bytes", &self.max_text_bytes)
            .finish_non_exhaustive()
    }
}

/// Counts for a whole read, complete once the page iterator has ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DumpSummary {
    pub export_version: String,
    /// `XML`, `gzip`, `bzip2` or `zstd`.
    pub compression: &'static str,
    /// True when a bzip2 multistream was decoded on several threads.
    pub parallel: bool,
    pub pages_seen: u64,
    pub pages_wanted: u64,
    pub revisions_seen: u64,
    pub compressed_bytes: u64,
    pub decompressed_bytes: u64,
    /// Errors yielded by the iterator.
    pub errors: u64,
    /// The first error, when the read did not cover the whole dump.
    pub partial: Option<String>,
    pub warnings: Vec<String>,
}
