//! Storage of CSP violation reports behind one interface: SQLite (one file,
//! WAL, batched writes) by default, PostgreSQL for several collectors, both
//! through sqlx's `AnyPool` with `$N` placeholders, so one SQL text serves
//! both.
//!
//! Data kept:
//! - **groups**: one row per [`GroupKey`] with first/last seen, total count,
//!   the attribution (filled in by the collector), kept longer;
//! - **buckets**: counts per group per time bucket (`bucket_secs`), kept
//!   longer;
//! - **samples**: up to `samples_per_group` raw normalised reports per group
//!   (newest replace none: the first N are kept, then one in every K), pruned
//!   after `sample_retention`;
//! - **filtered**: counts of filtered reports per reason per bucket.
//!
//! The API below is the contract the server (`offsite_serve`) relies on.

pub use offsite_collect::{Attribution, GroupKey, NormalizedReport};
use serde::{Deserialize, Serialize};

/// Where to store: `sqlite:PATH` (default `sqlite:offsite-reports.db`) or a
/// `postgres://` / `postgresql://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

/// Tunables with sensible defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Width of a timeline bucket in seconds (default 3600).
    pub bucket_secs: i64,
    /// Raw samples kept per group (default 20).
    pub samples_per_group: u32,
    /// Raw samples older than this many seconds are deleted by
    /// [`Store::prune`] (default 14 days).
    pub sample_retention_secs: i64,
    /// Groups and buckets older than this are deleted (default 400 days).
    pub aggregate_retention_secs: i64,
    /// Pool size (SQLite uses one writer regardless).
    pub max_connections: u32,
}

/// Filters shared by `/api/groups`, `/api/reports` and the dashboard. Every
/// field is optional; strings match exactly unless noted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub directive: Option<String>,
    /// Blocked host or origin; substring match.
    pub host: Option<String>,
    /// Document host; exact.
    pub document_host: Option<String>,
    /// Attributed wiki page title; substring match.
    pub page: Option<String>,
    /// Inclusive lower bound, ms since the epoch.
    pub since_ms: Option<i64>,
    /// Exclusive upper bound, ms since the epoch.
    pub until_ms: Option<i64>,
    pub disposition: Option<String>,
    /// Only this group (for `/api/reports`).
    pub group_id: Option<i64>,
    /// Page size (default 100, at most 1000) and offset.
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A group as listed by `/api/groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: i64,
    #[serde(flatten)]
    pub key: GroupKey,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    /// Reports in the filter's time range (all time when unbounded).
    pub count: i64,
    pub attributions: Vec<Attribution>,
}

/// A stored sample, as listed by `/api/reports`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredReport {
    pub id: i64,
    pub group_id: i64,
    #[serde(flatten)]
    pub report: NormalizedReport,
}

/// One point of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketCount {
    pub bucket_start_ms: i64,
    pub count: i64,
}

/// What [`Store::insert_batch`] did, for alerts: groups seen for the first
/// time in this batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InsertOutcome {
    pub new_groups: Vec<(i64, GroupKey)>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid store `{spec}`: {reason}")]
    InvalidSpec { spec: String, reason: String },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(String),
}
