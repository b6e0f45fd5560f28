//! Counters for `GET /metrics`, in the Prometheus text format (0.0.4).
//!
//! Plain atomics: the hot path only increments. Label sets are fixed at
//! compile time except the noise filter's reasons, which come from a small
//! closed set in `offsite_collect`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Why a report request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    WrongFormat,
    MissingKey,
    TooBig,
    UnsupportedMediaType,
    MethodNotAllowed,
    RateLimited,
    Overloaded,
    Timeout,
    StoreError,
    ShuttingDown,
}

impl Rejection {
    const ALL: [Self; 10] = [
        Self::WrongFormat,
        Self::MissingKey,
        Self::TooBig,
        Self::UnsupportedMediaType,
        Self::MethodNotAllowed,
        Self::RateLimited,
        Self::Overloaded,
        Self::Timeout,
        Self::StoreError,
        Self::ShuttingDown,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::WrongFormat => "wrongformat",
            Self::MissingKey => "missingkey",
            Self::TooBig => "toobig",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RateLimited => "rate_limited",
            Self::Overloaded => "overloaded",
            Self::Timeout => "timeout",
            Self::StoreError => "store_error",
            Self::ShuttingDown => "shutting_down",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Upper bounds (seconds) of the write-latency histogram.
const WRITE_BUCKETS: [f64; 12] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
];

#[derive(Debug, Default)]
pub(crate) struct Metrics {
    accepted: AtomicU64,
    rejected: [AtomicU64; Rejection::ALL.len()],
    /// Reasons from `offsite_collect::filter`, counted per reason string.
    filtered: Mutex<BTreeMap<&'static str, u64>>,
    /// Items the parser skipped inside an otherwise valid body (a
    /// `reports+json` entry that is not a CSP violation, ...).
    skipped: AtomicU64,
    queue_depth: AtomicI64,
    write_buckets: [AtomicU64; WRITE_BUCKETS.len()],
    write_count: AtomicU64,
    write_sum_micros: AtomicU64,
    batches: AtomicU64,
    alerts_sent: AtomicU64,
    alerts_failed: AtomicU64,
    store_errors: AtomicU64,
    attributions: AtomicU64,
    attribution_dropped: AtomicU64,
    in_flight: AtomicI64,
}

impl Metrics {
    pub(crate) fn accepted(&self, n: usize) {
        self.accepted.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn rejected(&self, why: Rejection) {
        self.rejected[why.index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn filtered(&self, reason: &'static str) {
        let mut map = self
            .filtered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *map.entry(reason).or_default() += 1;
    }

    pub(crate) fn skipped(&self, n: usize) {
        self.skipped.fetch_add(n as u64, Ordering::Relaxed);
    }

    pub(crate) fn queue_add(&self, n: i64) {
        self.queue_depth.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn write_batch(&self, took: Duration) {
        let secs = took.as_secs_f64();
        for (bucket, bound) in self.write_buckets.iter().zip(WRITE_BUCKETS) {
            if secs <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.write_count.fetch_add(1, Ordering::Relaxed);
        self.write_sum_micros.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.batches.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn alert_sent(&self) {
        self.alerts_sent.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn alert_failed(&self) {
        self.alerts_failed.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn store_error(&self) {
        self.store_errors.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn attributed(&self) {
        self.attributions.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn attribution_dropped(&self) {
        self.attribution_dropped.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn in_flight_add(&self, n: i64) {
        self.in_flight.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn accepted_total(&self) -> u64 {
        self.accepted.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            );
        };
        let gauge = |out: &mut String, name: &str, help: &str, value: i64| {
            let _ = write!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
            );
        };
        counter(
            &mut out,
            "offsite_reports_accepted_total",
            "Reports stored.",
            self.accepted.load(Ordering::Relaxed),
        );

        out.push_str(
            "# HELP offsite_reports_filtered_total Reports dropped as noise, by reason.\n\
             # TYPE offsite_reports_filtered_total counter\n",
        );
        {
            let map = self
                .filtered
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for (reason, n) in map.iter() {
                let _ = writeln!(
                    out,
                    "offsite_reports_filtered_total{{reason=\"{}\"}} {n}",
                    label_value(reason)
                );
            }
        }

        out.push_str(
            "# HELP offsite_reports_rejected_total Report requests refused, by reason.\n\
             # TYPE offsite_reports_rejected_total counter\n",
        );
        for why in Rejection::ALL {
            let _ = writeln!(
                out,
                "offsite_reports_rejected_total{{reason=\"{}\"}} {}",
                why.as_str(),
                self.rejected[why.index()].load(Ordering::Relaxed)
            );
        }
        counter(
            &mut out,
            "offsite_reports_skipped_total",
            "Entries skipped inside accepted bodies (not a CSP violation, unreadable).",
            self.skipped.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "offsite_queue_depth",
            "Reports waiting for the writer.",
            self.queue_depth.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "offsite_requests_in_flight",
            "Report requests being handled.",
            self.in_flight.load(Ordering::Relaxed),
        );

        out.push_str(
            "# HELP offsite_write_batch_seconds Time to write one batch to the store.\n\
             # TYPE offsite_write_batch_seconds histogram\n",
        );
        for (bucket, bound) in self.write_buckets.iter().zip(WRITE_BUCKETS) {
            let _ = writeln!(
                out,
                "offsite_write_batch_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.write_count.load(Ordering::Relaxed);
        let sum_micros = self.write_sum_micros.load(Ordering::Relaxed);
        let _ = write!(
            out,
            "offsite_write_batch_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             offsite_write_batch_seconds_sum {}\n\
             offsite_write_batch_seconds_count {count}\n",
            micros_as_secs(sum_micros)
        );

        counter(
            &mut out,
            "offsite_alerts_sent_total",
            "Alert webhooks delivered.",
            self.alerts_sent.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "offsite_alerts_failed_total",
            "Alert webhooks that failed.",
            self.alerts_failed.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "offsite_store_errors_total",
            "Store operations that failed.",
            self.store_errors.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "offsite_groups_attributed_total",
            "New groups given an attribution from the inventory.",
            self.attributions.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "offsite_attribution_dropped_total",
            "New groups not attributed because the attribution queue was full.",
            self.attribution_dropped.load(Ordering::Relaxed),
        );
        out
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a sum of microseconds stays far below 2^52 for centuries"
)]
fn micros_as_secs(micros: u64) -> f64 {
    micros as f64 / 1e6
}

/// Escapes a Prometheus label value (`\`, `"` and newlines).
fn label_value(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.write_batch(Duration::from_micros(1500));
        m.write_batch(Duration::from_millis(30));
        let text = m.render();
        assert!(text.contains("offsite_write_batch_seconds_bucket{le=\"0.001\"} 0\n"));
        assert!(text.contains("offsite_write_batch_seconds_bucket{le=\"0.002\"} 1\n"));
        assert!(text.contains("offsite_write_batch_seconds_bucket{le=\"0.05\"} 2\n"));
        assert!(text.contains("offsite_write_batch_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("offsite_write_batch_seconds_sum 0.0315\n"));
    }

    #[test]
    fn filtered_reasons_are_labelled_and_escaped() {
        let m = Metrics::default();
        m.filtered("extension");
        m.filtered("extension");
        m.filtered("we\"ird");
        let text = m.render();
        assert!(text.contains("offsite_reports_filtered_total{reason=\"extension\"} 2\n"));
        assert!(text.contains("offsite_reports_filtered_total{reason=\"we\\\"ird\"} 1\n"));
    }
}
