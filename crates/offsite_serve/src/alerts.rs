//! The alert webhook: a JSON POST when new groups appear (throttled: the
//! first at once, later ones collected and sent together once per
//! `debounce-secs`) and when a group's rate jumps. Sending happens in its own
//! task; a failure is logged and counted, never felt by ingestion.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use offsite_collect::Attribution;
use offsite_store::Store;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::config::AlertsConfig;
use crate::log;
use crate::metrics::Metrics;
use crate::writer::NewGroup;

/// Groups listed in one alert at most; the rest are counted in `more`.
const MAX_GROUPS_PER_ALERT: usize = 50;
/// How often rates are compared.
const RATE_CHECK_EVERY: Duration = Duration::from_mins(1);
/// How long the first new group waits for others before its alert goes.
const NEW_GROUP_GRACE: Duration = Duration::from_secs(2);

/// A new group, as it goes out in an alert.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct GroupAlert {
    pub id: i64,
    pub directive: String,
    pub blocked_origin: String,
    pub document_host: String,
    pub source_file: String,
    pub disposition: &'static str,
    pub first_seen_ms: i64,
    pub attributions: Vec<Attribution>,
}

impl GroupAlert {
    pub(crate) fn new(group: &NewGroup, attributions: Vec<Attribution>) -> Self {
        Self {
            id: group.id,
            directive: group.key.directive.clone(),
            blocked_origin: group.key.blocked_origin.clone(),
            document_host: group.key.document_host.clone(),
            source_file: group.key.source_file.clone(),
            disposition: group.first.disposition.as_str(),
            first_seen_ms: group.first.received_ms,
            attributions,
        }
    }

    fn line(&self) -> String {
        let mut line = format!(
            "{} {} on {}",
            self.directive,
            if self.blocked_origin.is_empty() {
                "(empty)"
            } else {
                &self.blocked_origin
            },
            if self.document_host.is_empty() {
                "(unknown page)"
            } else {
                &self.document_host
            }
        );
        if let Some(a) = self.attributions.first() {
            line.push_str(" from ");
            line.push_str(&a.page);
        }
        line
    }
}

#[derive(Debug, Clone, Serialize)]
struct RateJump {
    id: i64,
    directive: String,
    blocked_origin: String,
    document_host: String,
    count: i64,
    baseline_average: f64,
    window_secs: u64,
}

/// What the webhook receives. `text` is a one-paragraph summary for chat
/// webhooks (Slack, Mattermost, Zulip); report strings in it are escaped
/// for them (`<`, `>`, `&`), since they are attacker-controlled.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Payload<'a> {
    NewGroups {
        text: String,
        groups: &'a [GroupAlert],
        more: usize,
    },
    RateJump {
        text: String,
        groups: &'a [RateJump],
    },
}

/// Escapes what chat webhooks treat as markup and caps the length.
fn chat_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().take(2000) {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub(crate) struct Alerter {
    pub cfg: AlertsConfig,
    pub webhook: String,
    pub client: reqwest::Client,
    pub metrics: Arc<Metrics>,
    pub store: Arc<Store>,
    pub bucket_secs: u64,
}

impl Alerter {
    pub(crate) fn client(cfg: &AlertsConfig) -> Result<reqwest::Client, reqwest::Error> {
        offsite_api::http::client_builder(
            concat!("offsite-collector/", env!("CARGO_PKG_VERSION")),
            Duration::from_secs(cfg.timeout_secs.max(1)),
        )
        .build()
    }

    async fn send(&self, payload: &Payload<'_>) {
        let result = self
            .client
            .post(&self.webhook)
            .json(payload)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status);
        match result {
            Ok(_) => self.metrics.alert_sent(),
            Err(e) => {
                self.metrics.alert_failed();
                // reqwest's message names the URL; strip it, as webhook URLs
                // often carry a secret.
                log::warn(&format!("alert webhook failed: {}", e.without_url()));
            }
        }
    }

    async fn send_new_groups(&self, pending: &mut Vec<GroupAlert>, more: &mut usize) {
        if pending.is_empty() {
            return;
        }
        let total = pending.len() + *more;
        let lines: Vec<String> = pending.iter().map(GroupAlert::line).collect();
        let text = chat_text(&format!(
            "offsite: {total} new CSP report group{}: {}{}",
            if total == 1 { "" } else { "s" },
            lines.join("; "),
            if *more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            }
        ));
        self.send(&Payload::NewGroups {
            text,
            groups: pending,
            more: *more,
        })
        .await;
        pending.clear();
        *more = 0;
    }

    /// Compares each group's count over the last window with its average
    /// over the windows before; returns the groups that jumped.
    ///
    /// Counts come from the store's timeline buckets, so windows are whole
    /// buckets: the last window is the current (partial) bucket and the
    /// ones before it, `rate-window-secs` rounded up to whole buckets.
    async fn rate_jumps(&self, now_ms: i64) -> Vec<RateJump> {
        let bucket_ms = i64::try_from(self.bucket_secs.max(1) * 1000).unwrap_or(i64::MAX);
        let buckets_per_window = i64::try_from(
            self.cfg
                .rate_window_secs
                .div_ceil(self.bucket_secs.max(1))
                .max(1),
        )
        .unwrap_or(1);
        let window_ms = bucket_ms.saturating_mul(buckets_per_window);
        let window_secs = u64::try_from(window_ms / 1000).unwrap_or(u64::MAX);
        let k = i64::from(self.cfg.rate_baseline_windows.max(1));
        let current_bucket = now_ms.div_euclid(bucket_ms) * bucket_ms;
        let recent_since = current_bucket - window_ms + bucket_ms;
        let recent = self.store.group_counts_since(recent_since).await;
        let all = self
            .store
            .group_counts_since(recent_since - window_ms.saturating_mul(k))
            .await;
        let (recent, all) = match (recent, all) {
            (Ok(r), Ok(a)) => (r, a),
            (Err(e), _) | (_, Err(e)) => {
                self.metrics.store_error();
                log::error(&format!("reading group rates failed: {e}"));
                return Vec::new();
            }
        };
        let all: HashMap<i64, i64> = all.into_iter().collect();
        let mut jumps = Vec::new();
        for (id, count) in recent {
            let before = all.get(&id).copied().unwrap_or(count) - count;
            #[expect(
                clippy::cast_precision_loss,
                reason = "report counts stay far below 2^52"
            )]
            let average = before.max(0) as f64 / k as f64;
            #[expect(
                clippy::cast_precision_loss,
                reason = "report counts stay far below 2^52"
            )]
            let jumped =
                count >= self.cfg.rate_min_count && count as f64 > average * self.cfg.rate_factor;
            if jumped {
                jumps.push(RateJump {
                    id,
                    directive: String::new(),
                    blocked_origin: String::new(),
                    document_host: String::new(),
                    count,
                    baseline_average: average,
                    window_secs,
                });
            }
        }
        jumps
    }

    async fn check_rates(&self, last_alert: &mut HashMap<i64, Instant>) {
        let now = Instant::now();
        let debounce = Duration::from_secs(self.cfg.debounce_secs);
        last_alert.retain(|_, at| now.duration_since(*at) < debounce);
        let mut jumps: Vec<RateJump> = self
            .rate_jumps(crate::now_ms())
            .await
            .into_iter()
            .filter(|j| !last_alert.contains_key(&j.id))
            .take(MAX_GROUPS_PER_ALERT)
            .collect();
        if jumps.is_empty() {
            return;
        }
        for j in &mut jumps {
            last_alert.insert(j.id, now);
            if let Ok(Some(g)) = self.store.group(j.id).await {
                j.directive = g.key.directive;
                j.blocked_origin = g.key.blocked_origin;
                j.document_host = g.key.document_host;
            }
        }
        let lines: Vec<String> = jumps
            .iter()
            .map(|j| {
                format!(
                    "{} {} on {}: {} in {} s (average before {:.1})",
                    j.directive,
                    j.blocked_origin,
                    j.document_host,
                    j.count,
                    j.window_secs,
                    j.baseline_average
                )
            })
            .collect();
        let text = chat_text(&format!(
            "offsite: CSP report rate jump: {}",
            lines.join("; ")
        ));
        self.send(&Payload::RateJump {
            text,
            groups: &jumps,
        })
        .await;
    }

    /// Runs until `new_groups` closes (after the writer has stopped); new
    /// groups still pending are sent before returning.
    pub(crate) async fn run(self, mut new_groups: mpsc::Receiver<GroupAlert>) {
        let debounce = Duration::from_secs(self.cfg.debounce_secs);
        let mut pending: Vec<GroupAlert> = Vec::new();
        let mut pending_since: Option<Instant> = None;
        let mut more = 0usize;
        let mut last_sent: Option<Instant> = None;
        let mut rate_tick = tokio::time::interval(RATE_CHECK_EVERY);
        rate_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_rate_alert: HashMap<i64, Instant> = HashMap::new();
        loop {
            // The first group waits a moment for its siblings (a new
            // gadget usually makes several at once); later ones wait until
            // a debounce period has passed since the last alert.
            let flush_at = pending_since.map(|since| {
                let grace = since + NEW_GROUP_GRACE;
                last_sent.map_or(grace, |at| grace.max(at + debounce))
            });
            tokio::select! {
                group = new_groups.recv() => match group {
                    Some(group) if self.cfg.new_groups => {
                        pending_since.get_or_insert_with(Instant::now);
                        if pending.len() < MAX_GROUPS_PER_ALERT {
                            pending.push(group);
                        } else {
                            more += 1;
                        }
                    }
                    Some(_) => {}
                    None => break,
                },
                () = sleep_until_opt(flush_at) => {
                    self.send_new_groups(&mut pending, &mut more).await;
                    pending_since = None;
                    last_sent = Some(Instant::now());
                }
                _ = rate_tick.tick() => {
                    self.check_rates(&mut last_rate_alert).await;
                }
            }
        }
        self.send_new_groups(&mut pending, &mut more).await;
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
#[expect(
    clippy::unwrap_used,
    reason = "in tests a panic is the failed assertion"
)]
mod tests {
    use offsite_collect::{Blocked, Disposition, NormalizedReport, ReportFormat};
    use offsite_store::{StoreOptions, StoreSpec};

    use super::*;

    #[test]
    fn chat_text_escapes_markup_and_controls() {
        assert_eq!(chat_text("<!channel> a&b\nc"), "&lt;!channel&gt; a&amp;b c");
    }

    fn report(host: &str, at_ms: i64) -> NormalizedReport {
        NormalizedReport {
            received_ms: at_ms,
            format: ReportFormat::CspReport,
            disposition: Disposition::Enforce,
            directive: "script-src-elem".to_owned(),
            blocked: Blocked::Url(format!("https://{host}/x.js")),
            document: "https://wiki.example.org/wiki/Main_Page".to_owned(),
            document_host: Some("wiki.example.org".to_owned()),
            source_file: None,
            line: None,
            column: None,
            status_code: None,
            sample: None,
            browser: None,
            source: None,
        }
    }

    /// Four groups over five one-minute buckets (four of baseline, then the
    /// current one), in a real SQLite store.
    #[tokio::test]
    async fn rate_jumps_compare_the_last_window_with_the_average_before() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(
            &StoreSpec::Sqlite(dir.path().join("r.db")),
            StoreOptions {
                bucket_secs: 60,
                ..StoreOptions::default()
            },
        )
        .await
        .unwrap();
        let minute = 60_000;
        let current = 1_800_000_000_000_i64.div_euclid(minute) * minute;
        let now = current + 30_000;
        let mut batch = Vec::new();
        // (host, per baseline minute, in the current minute)
        let plan = [
            ("jump.example", 2, 20),
            ("steady.example", 10, 12),
            ("small.example", 0, 5),
            ("new.example", 0, 30),
        ];
        for (host, before, after) in plan {
            for m in 1..=4 {
                for _ in 0..before {
                    batch.push(report(host, current - m * minute + 1));
                }
            }
            for _ in 0..after {
                batch.push(report(host, current + 1));
            }
        }
        // Older than the baseline: must not count.
        for _ in 0..100 {
            batch.push(report("jump.example", current - 10 * minute));
        }
        let outcome = store.insert_batch(&batch).await.unwrap();
        let id_of = |host: &str| {
            outcome
                .new_groups
                .iter()
                .find(|(_, k)| k.blocked_origin == format!("https://{host}"))
                .unwrap()
                .0
        };
        let alerter = Alerter {
            cfg: AlertsConfig {
                rate_window_secs: 60,
                rate_baseline_windows: 4,
                rate_factor: 5.0,
                rate_min_count: 10,
                ..AlertsConfig::default()
            },
            webhook: "http://127.0.0.1:9/".to_owned(),
            client: Alerter::client(&AlertsConfig::default()).unwrap(),
            metrics: Arc::default(),
            store: Arc::new(store),
            bucket_secs: 60,
        };
        let jumps = alerter.rate_jumps(now).await;
        let mut got: Vec<(i64, i64)> = jumps.iter().map(|j| (j.id, j.count)).collect();
        got.sort_unstable();
        let mut want = vec![(id_of("jump.example"), 20), (id_of("new.example"), 30)];
        want.sort_unstable();
        assert_eq!(got, want);
        let jump = jumps.iter().find(|j| j.count == 20).unwrap();
        assert!((jump.baseline_average - 2.0).abs() < f64::EPSILON);
        assert_eq!(jump.window_secs, 60);
    }
}
