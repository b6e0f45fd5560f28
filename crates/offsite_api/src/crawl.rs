//! The resumable crawl: list every script-like page of the namespaces (or only those
//! changed since a time), fetch them in batches, hand each to the caller, and record
//! progress in a checkpoint file after every batch.
//!
//! The checkpoint holds the listing cursor (the continuation that starts the listing
//! batch in progress) and the titles of that batch already delivered. Listing is in
//! title order, so everything before the cursor was delivered in full; keeping only the
//! current batch's titles keeps the file small on wikis with millions of user pages.

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ops::Continuation;
use crate::types::{GADGETS_DEFINITION, RemovedPage, WikiPage, is_wanted};
use crate::{ApiClient, ApiError, ClientOptions};

const CHECKPOINT_FORMAT: u32 = 1;

/// How a crawl ended.
#[derive(Debug, Default)]
pub struct CrawlSummary {
    /// Pages handed to the callback in this run.
    pub delivered: u64,
    /// Pages handed to the callback over every run of this checkpoint.
    pub delivered_total: u64,
    /// Pages listed in this run (all content models).
    pub listed: u64,
    /// Pages received from content queries in this run.
    pub fetched: u64,
    /// HTTP requests sent in this run, retries included.
    pub requests: u64,
    /// With `since`: titles deleted or moved away since then.
    pub removed: Vec<RemovedPage>,
    /// Every wanted page has been delivered (now or in earlier runs).
    pub complete: bool,
    /// The callback asked to stop.
    pub stopped: bool,
    /// The error that ended the crawl early; pages delivered before it stay delivered
    /// and the checkpoint resumes after them.
    pub error: Option<ApiError>,
}

impl CrawlSummary {
    /// Stopped early, by the callback or an error.
    pub fn is_partial(&self) -> bool {
        !self.complete
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum Phase {
    Start,
    /// Full crawl: namespace `ns_index` of the options, listing from `cont`.
    Listing {
        ns_index: usize,
        cont: Option<Continuation>,
    },
    /// `since` crawl: `changed[offset..]` still to do.
    Changes {
        offset: usize,
    },
    /// The legacy gadget definition page, when its namespace is not listed.
    Definition,
    Done,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Checkpoint {
    format: u32,
    api_url: String,
    namespaces: Vec<i64>,
    since: Option<String>,
    phase: Phase,
    /// Titles of the batch in progress that were delivered already.
    delivered: BTreeSet<String>,
    delivered_total: u64,
    definition_seen: bool,
    /// `since` crawl: the changed titles, fixed when the crawl started.
    changed: Vec<String>,
    removed: Vec<RemovedPage>,
}

impl Checkpoint {
    fn new(opts: &ClientOptions, since: Option<&str>) -> Self {
        Checkpoint {
            format: CHECKPOINT_FORMAT,
            api_url: opts.api_url.clone(),
            namespaces: opts.namespaces.clone(),
            since: since.map(str::to_owned),
            phase: Phase::Start,
            delivered: BTreeSet::new(),
            delivered_total: 0,
            definition_seen: false,
            changed: Vec::new(),
            removed: Vec::new(),
        }
    }

    fn load(path: &Path, opts: &ClientOptions, since: Option<&str>) -> Result<Self, ApiError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Checkpoint::new(opts, since));
            }
            Err(source) => {
                return Err(ApiError::CheckpointIo {
                    path: path.into(),
                    source,
                });
            }
        };
        let cp: Checkpoint =
            serde_json::from_str(&text).map_err(|source| ApiError::CheckpointFormat {
                path: path.into(),
                source,
            })?;
        let mismatch = |what: String| {
            Err(ApiError::CheckpointMismatch {
                path: path.into(),
                what,
            })
        };
        if cp.format != CHECKPOINT_FORMAT {
            return mismatch(format!(
                "format {} (expected {CHECKPOINT_FORMAT})",
                cp.format
            ));
        }
        if cp.api_url != opts.api_url {
            return mismatch(format!("it is for {}", cp.api_url));
        }
        if cp.namespaces != opts.namespaces {
            return mismatch(format!("it is for namespaces {:?}", cp.namespaces));
        }
        if cp.since.as_deref() != since {
            // Not `{:?}`: `Some("…")` is a Rust name, not the user's words.
            return mismatch(match &cp.since {
                Some(since) => format!("it is for --since {since}"),
                None => "it is for a crawl without --since".to_owned(),
            });
        }
        Ok(cp)
    }

    /// Writes to a temporary file beside the checkpoint, then renames it over: a crash
    /// leaves the old or the new checkpoint, never half of one.
    fn save(&self, path: Option<&Path>) -> Result<(), ApiError> {
        let Some(path) = path else { return Ok(()) };
        let io = |source| ApiError::CheckpointIo {
            path: path.into(),
            source,
        };
        let mut tmp: PathBuf = path.into();
        tmp.as_mut_os_string().push(".tmp");
        let json = serde_json::to_vec_pretty(self).map_err(|e| io(std::io::Error::other(e)))?;
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp).map_err(io)?;
            f.write_all(&json).map_err(io)?;
            f.sync_all().map_err(io)?;
        }
        std::fs::rename(&tmp, path).map_err(io)
    }
}

/// Crawls the wiki of `options`: every page in `options.namespaces` whose content model is
/// script-like (see [`SCRIPT_MODELS`](crate::SCRIPT_MODELS)) plus `MediaWiki:Gadgets-definition`,
/// or with `since` only those changed since then. Each page goes to `on_page`; return
/// `ControlFlow::Break(())` to stop (the checkpoint then resumes after that page).
///
/// With a `checkpoint` path, progress is saved after every batch and an existing file is
/// resumed; one from another wiki, namespace set or `since` is refused, and one from a
/// finished crawl makes this a no-op (delete it to crawl again). An API error ends the
/// crawl with `Ok(summary)` whose `error` says why; `Err` means the crawl could not start.
pub async fn crawl<F>(
    options: ClientOptions,
    checkpoint: Option<&Path>,
    since: Option<&str>,
    on_page: F,
) -> Result<CrawlSummary, ApiError>
where
    F: FnMut(WikiPage) -> ControlFlow<()>,
{
    let client = ApiClient::new(options)?;
    crawl_with(&client, checkpoint, since, on_page).await
}

/// [`crawl`] with a client the caller keeps (to share it or to read its counters).
pub async fn crawl_with<F>(
    client: &ApiClient,
    checkpoint: Option<&Path>,
    since: Option<&str>,
    mut on_page: F,
) -> Result<CrawlSummary, ApiError>
where
    F: FnMut(WikiPage) -> ControlFlow<()>,
{
    let mut cp = match checkpoint {
        Some(path) => Checkpoint::load(path, client.options(), since)?,
        None => Checkpoint::new(client.options(), since),
    };
    let requests_before = client.requests_sent();
    let mut summary = CrawlSummary::default();
    let mut run = Run {
        client,
        path: checkpoint,
        cp: &mut cp,
        summary: &mut summary,
        on_page: &mut on_page,
    };
    let outcome = run.go(since).await;
    summary.delivered_total = cp.delivered_total;
    summary.removed.clone_from(&cp.removed);
    summary.requests = client.requests_sent() - requests_before;
    match outcome {
        Ok(ControlFlow::Continue(())) => summary.complete = true,
        Ok(ControlFlow::Break(())) => summary.stopped = true,
        Err(e) => summary.error = Some(e),
    }
    Ok(summary)
}

/// [`crawl`] for synchronous callers: runs it on a current-thread Tokio runtime.
pub fn crawl_blocking<F>(
    options: ClientOptions,
    checkpoint: Option<&Path>,
    since: Option<&str>,
    on_page: F,
) -> Result<CrawlSummary, ApiError>
where
    F: FnMut(WikiPage) -> ControlFlow<()>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ApiError::Runtime)?;
    rt.block_on(crawl(options, checkpoint, since, on_page))
}

struct Run<'a, F> {
    client: &'a ApiClient,
    path: Option<&'a Path>,
    cp: &'a mut Checkpoint,
    summary: &'a mut CrawlSummary,
    on_page: &'a mut F,
}

impl<F: FnMut(WikiPage) -> ControlFlow<()>> Run<'_, F> {
    async fn go(&mut self, since: Option<&str>) -> Result<ControlFlow<()>, ApiError> {
        let opts = self.client.options().clone();
        loop {
            match self.cp.phase.clone() {
                Phase::Start => {
                    if let Some(since) = since {
                        let changes = self
                            .client
                            .recent_changes_since(since, &opts.namespaces)
                            .await?;
                        self.cp.changed = changes.changed;
                        self.cp.removed = changes.removed;
                        self.cp.phase = Phase::Changes { offset: 0 };
                    } else {
                        self.cp.phase = Phase::Listing {
                            ns_index: 0,
                            cont: None,
                        };
                    }
                }
                Phase::Listing { ns_index, cont } => {
                    let Some(&ns) = opts.namespaces.get(ns_index) else {
                        self.cp.phase = Phase::Definition;
                        self.cp.save(self.path)?;
                        continue;
                    };
                    let (pages, next) = self.client.list_pages_batch(ns, cont.as_ref()).await?;
                    self.summary.listed += pages.len() as u64;
                    let wanted: Vec<String> = pages
                        .into_iter()
                        .filter(|p| is_wanted(&p.title, &p.content_model))
                        .map(|p| p.title)
                        .collect();
                    if self.deliver(&wanted).await?.is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                    self.cp.phase = match next {
                        Some(c) => Phase::Listing {
                            ns_index,
                            cont: Some(c),
                        },
                        None => Phase::Listing {
                            ns_index: ns_index + 1,
                            cont: None,
                        },
                    };
                }
                Phase::Changes { offset } => {
                    let end = (offset + opts.batch_size).min(self.cp.changed.len());
                    if offset >= end {
                        self.cp.phase = Phase::Done;
                        self.cp.save(self.path)?;
                        continue;
                    }
                    let infos = self
                        .client
                        .page_infos(&self.cp.changed[offset..end])
                        .await?;
                    self.summary.listed += infos.len() as u64;
                    let wanted: Vec<String> = infos
                        .into_iter()
                        .filter(|p| is_wanted(&p.title, &p.content_model))
                        .map(|p| p.title)
                        .collect();
                    if self.deliver(&wanted).await?.is_break() {
                        return Ok(ControlFlow::Break(()));
                    }
                    self.cp.phase = Phase::Changes { offset: end };
                }
                Phase::Definition => {
                    // Listed with the MediaWiki namespace when that is crawled.
                    if !self.cp.definition_seen
                        && !opts.namespaces.contains(&8)
                        && self
                            .deliver(&[GADGETS_DEFINITION.to_owned()])
                            .await?
                            .is_break()
                    {
                        return Ok(ControlFlow::Break(()));
                    }
                    self.cp.phase = Phase::Done;
                }
                Phase::Done => return Ok(ControlFlow::Continue(())),
            }
            // A finished batch: everything before the new cursor is delivered.
            self.cp.delivered.clear();
            self.cp.save(self.path)?;
        }
    }

    /// Fetches the titles not yet delivered, `max_concurrency` batches at a time, hands
    /// the pages over in order and saves the checkpoint after each group of batches.
    async fn deliver(&mut self, wanted: &[String]) -> Result<ControlFlow<()>, ApiError> {
        let opts = self.client.options();
        let todo: Vec<String> = wanted
            .iter()
            .filter(|t| !self.cp.delivered.contains(*t))
            .cloned()
            .collect();
        for group in todo.chunks(opts.batch_size * opts.max_concurrency) {
            let pages = self.client.fetch_pages(group).await?;
            self.summary.fetched += pages.len() as u64;
            for page in pages {
                let title = page.title.clone();
                self.cp.definition_seen |= title == GADGETS_DEFINITION;
                let flow = (self.on_page)(page);
                self.cp.delivered.insert(title);
                self.cp.delivered_total += 1;
                self.summary.delivered += 1;
                if flow.is_break() {
                    self.cp.save(self.path)?;
                    return Ok(ControlFlow::Break(()));
                }
            }
            self.cp.save(self.path)?;
        }
        Ok(ControlFlow::Continue(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the message said `since = Some("…")`, a Rust `Debug`
    /// name, where the user wrote `--since …`.
    #[test]
    fn a_checkpoint_of_another_since_names_the_flag() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("crawl.json");
        let opts = ClientOptions::new("https://wiki.example/w/api.php", "test@example.org");
        Checkpoint::new(&opts, Some("2026-01-01T00:00:00Z"))
            .save(Some(&path))
            .unwrap_or_else(|e| panic!("save: {e}"));
        let err = match Checkpoint::load(&path, &opts, None) {
            Ok(_) => panic!("a checkpoint of another --since was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains("--since 2026-01-01T00:00:00Z"), "{err}");
        assert!(!err.contains("Some("), "{err}");
    }
}
