//! The single writer: request handlers hand accepted reports to one task
//! through a bounded queue; it writes them in batches (one transaction per
//! batch, which is what SQLite is fast at) and acknowledges every request
//! after the batch is stored, so a 204 means "on disk".

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use offsite_collect::{GroupKey, NormalizedReport};
use offsite_store::Store;
use tokio::sync::{Notify, mpsc, oneshot};

use crate::config::WriterConfig;
use crate::log;
use crate::metrics::Metrics;

/// The writer's answer to one request.
pub(crate) type Ack = Result<(), WriteFailed>;

/// The batch holding the request's reports could not be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteFailed;

/// One request's share of the work.
#[derive(Debug)]
pub(crate) struct Job {
    pub reports: Vec<NormalizedReport>,
    /// Reports the noise filter dropped, by reason.
    pub filtered: Vec<(&'static str, i64)>,
    /// `None` when nobody waits (filtered-only jobs).
    pub ack: Option<oneshot::Sender<Ack>>,
}

impl Job {
    fn weight(&self) -> usize {
        self.reports.len().max(1)
    }
}

/// A group the store saw for the first time, with the first report that
/// belongs to it (for attribution and alerts).
#[derive(Debug, Clone)]
pub(crate) struct NewGroup {
    pub id: i64,
    pub key: GroupKey,
    pub first: NormalizedReport,
}

pub(crate) struct Writer {
    pub store: Arc<Store>,
    pub rx: mpsc::Receiver<Job>,
    pub cfg: WriterConfig,
    pub metrics: Arc<Metrics>,
    /// New groups go here, off the acknowledgement path; when it is full
    /// they are counted and dropped rather than slowing writes.
    pub new_groups: mpsc::Sender<NewGroup>,
    /// Notified once at shutdown: stop taking new jobs, write what is
    /// queued, acknowledge everyone, return.
    pub close: Arc<Notify>,
}

impl Writer {
    pub(crate) async fn run(mut self) {
        let max_reports = self.cfg.batch_max_reports.max(1);
        let max_wait = Duration::from_millis(self.cfg.batch_max_wait_ms);
        let mut closing = false;
        loop {
            let first = if closing {
                self.rx.recv().await
            } else {
                tokio::select! {
                    job = self.rx.recv() => job,
                    () = self.close.notified() => {
                        // Senders now get an error at once; what is
                        // already queued is still received below.
                        self.rx.close();
                        closing = true;
                        continue;
                    }
                }
            };
            let Some(first) = first else { break };
            let mut weight = first.weight();
            let mut jobs = vec![first];
            // What is already queued joins the batch at no cost...
            while weight < max_reports {
                match self.rx.try_recv() {
                    Ok(job) => {
                        weight += job.weight();
                        jobs.push(job);
                    }
                    Err(_) => break,
                }
            }
            // ...and under moderate load a short wait makes batches larger.
            if weight < max_reports && !max_wait.is_zero() && !closing {
                let deadline = tokio::time::Instant::now() + max_wait;
                while weight < max_reports {
                    match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                        Ok(Some(job)) => {
                            weight += job.weight();
                            jobs.push(job);
                        }
                        Ok(None) | Err(_) => break,
                    }
                }
            }
            self.write(jobs).await;
        }
    }

    async fn write(&self, jobs: Vec<Job>) {
        let mut reports = Vec::new();
        let mut filtered: BTreeMap<&'static str, i64> = BTreeMap::new();
        let mut acks = Vec::with_capacity(jobs.len());
        for job in jobs {
            reports.extend(job.reports);
            for (reason, n) in job.filtered {
                *filtered.entry(reason).or_default() += n;
            }
            acks.push(job.ack);
        }
        let queued = i64::try_from(reports.len()).unwrap_or(i64::MAX);
        self.metrics.queue_add(-queued);

        let result = if reports.is_empty() {
            Ok(offsite_store::InsertOutcome::default())
        } else {
            let started = Instant::now();
            let r = self.store.insert_batch(&reports).await;
            self.metrics.write_batch(started.elapsed());
            r
        };
        let ack = match &result {
            Ok(_) => {
                self.metrics.accepted(reports.len());
                Ok(())
            }
            Err(e) => {
                self.metrics.store_error();
                log::error(&format!("writing {} reports failed: {e}", reports.len()));
                Err(WriteFailed)
            }
        };
        for tx in acks.into_iter().flatten() {
            // The request may have timed out; nobody to tell then.
            let _ = tx.send(ack);
        }

        if !filtered.is_empty() {
            let counts: Vec<(String, i64)> = filtered
                .into_iter()
                .map(|(reason, n)| (reason.to_owned(), n))
                .collect();
            if let Err(e) = self.store.record_filtered(crate::now_ms(), &counts).await {
                self.metrics.store_error();
                log::error(&format!("recording filtered counts failed: {e}"));
            }
        }

        if let Ok(outcome) = result {
            if outcome.new_groups.is_empty() {
                return;
            }
            let mut first_of: HashMap<GroupKey, &NormalizedReport> = HashMap::new();
            for r in &reports {
                first_of.entry(r.group_key()).or_insert(r);
            }
            for (id, key) in outcome.new_groups {
                let Some(first) = first_of.get(&key) else {
                    continue;
                };
                let group = NewGroup {
                    id,
                    key,
                    first: (*first).clone(),
                };
                if self.new_groups.try_send(group).is_err() {
                    self.metrics.attribution_dropped();
                }
            }
        }
    }
}
