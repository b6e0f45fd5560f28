//! Storage of CSP violation reports behind one interface: SQLite (one file,
//! WAL, batched writes) by default, PostgreSQL for several collectors. Reads
//! and migrations go through sqlx's `AnyPool` with `$N` placeholders, so one
//! SQL text serves both; SQLite's writes run on a writer thread of their own
//! through rusqlite, with the same SQL texts (see `sqlite.rs` for why). Only
//! the schema (id and float types) differs per dialect.
//!
//! Data kept:
//! - **groups**: one row per [`GroupKey`] with first/last seen, total count
//!   and how many samples it has; kept until not seen for
//!   `aggregate_retention_secs`;
//! - **buckets**: counts per group per time bucket (`bucket_secs`), kept as
//!   long;
//! - **samples**: up to `samples_per_group` normalised reports per group
//!   (the first ones; once retention prunes them, the next reports refill
//!   the group), deleted after `sample_retention_secs`;
//! - **attributions**: which wiki page or gadget a group was traced to;
//! - **filtered**: counts of filtered reports per reason per bucket.
//!
//! It does not parse, filter or attribute reports (`offsite_collect` does)
//! and serves no HTTP (`offsite_serve` does). The API below is the contract
//! the server relies on. User documentation: `docs/collector.md`, "Storage".

mod codec;
mod migrate;
mod read;
mod spec;
mod sqlite;
mod write;

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{AnyPool, Connection};

pub use migrate::SCHEMA_VERSION;
pub use read::{DEFAULT_LIMIT, MAX_LIMIT};
pub use write::PruneOutcome;

pub use offsite_collect::{Attribution, GroupKey, NormalizedReport};
use serde::{Deserialize, Serialize};

/// Where to store: `sqlite:PATH` (default `sqlite:offsite-reports.db`) or a
/// `postgres://` / `postgresql://` URL; see [`StoreSpec::parse`]. Its
/// `Display` hides the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    /// A SQLite file, created (with its directory) if missing.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL URL; the database must exist, the tables are created.
    Postgres(String),
}

/// Tunables with sensible defaults (see [`StoreOptions::default`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Width of a timeline bucket in seconds (default 3600). Counts are kept
    /// per bucket, so this is the finest time resolution of the dashboard.
    pub bucket_secs: i64,
    /// Raw samples kept per group (default 20).
    pub samples_per_group: u32,
    /// Raw samples older than this many seconds are deleted by
    /// [`Store::prune`] (default 14 days).
    pub sample_retention_secs: i64,
    /// Groups and buckets older than this are deleted (default 400 days).
    pub aggregate_retention_secs: i64,
    /// Pool size (SQLite uses one writer regardless; this sizes its readers).
    pub max_connections: u32,
    /// SQLite only: `synchronous=FULL` instead of `NORMAL`. With `NORMAL`
    /// (the default) a committed batch survives a crash or kill of the
    /// process, but the last batches before a power loss or kernel crash
    /// may be lost (the database stays consistent). `FULL` syncs the WAL on
    /// every commit, which survives power loss too and costs an fsync per
    /// batch. PostgreSQL follows its own `synchronous_commit`.
    pub sqlite_sync_full: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            bucket_secs: 3600,
            samples_per_group: 20,
            sample_retention_secs: 14 * 24 * 3600,
            aggregate_retention_secs: 400 * 24 * 3600,
            max_connections: 8,
            sqlite_sync_full: false,
        }
    }
}

/// Filters shared by `/api/groups`, `/api/reports` and the dashboard. Every
/// field is optional; strings match exactly unless noted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub directive: Option<String>,
    /// Blocked host or origin; substring match, ASCII-case-insensitive.
    pub host: Option<String>,
    /// Document host; exact.
    pub document_host: Option<String>,
    /// Attributed wiki page title; substring match, ASCII-case-insensitive.
    pub page: Option<String>,
    /// Inclusive lower bound, ms since the epoch.
    pub since_ms: Option<i64>,
    /// Exclusive upper bound, ms since the epoch.
    pub until_ms: Option<i64>,
    /// `enforce` or `report`; applies to samples only (groups mix both).
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

/// What went wrong in the store. Messages name the store (password hidden),
/// path or group involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid store `{spec}`: {reason}")]
    InvalidSpec { spec: String, reason: String },
    #[error("invalid store options: {0}")]
    InvalidOptions(String),
    #[error("{context} `{path}`: {source}", path = path.display())]
    Io {
        /// What was being done, e.g. "cannot create the directory".
        context: &'static str,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot open store `{store}`: {source}")]
    Open { store: String, source: sqlx::Error },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the store is closed")]
    Closed,
    #[error("migration failed: {0}")]
    Migrate(String),
    #[error("no group with id {0}")]
    UnknownGroup(i64),
    #[error("unexpected data in the store: {0}")]
    Corrupt(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// An open store. Cloning is cheap (the pools are shared); all methods take
/// `&self` and may be called from many tasks at once.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Backend,
    /// SQLite: the one writing connection, on its own thread, so writes
    /// queue there instead of fighting over the file lock. `None` on
    /// PostgreSQL, which writes through `reader`'s pool.
    sqlite: Option<sqlite::SqliteWriter>,
    /// SQLite: read-only connections. PostgreSQL: the pool for everything.
    reader: AnyPool,
    options: StoreOptions,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the store and brings its schema up to
    /// date. SQLite: creates the file and its directory if missing, switches
    /// it to WAL, and opens one writer plus `max_connections` read-only
    /// readers. PostgreSQL: the database must exist; tables are created in
    /// the first schema of the `search_path`.
    pub async fn open(spec: &StoreSpec, options: StoreOptions) -> Result<Store, StoreError> {
        if options.bucket_secs <= 0 || options.bucket_secs > 366 * 24 * 3600 {
            return Err(StoreError::InvalidOptions(format!(
                "bucket_secs must be between 1 and one year, not {}",
                options.bucket_secs
            )));
        }
        if options.sample_retention_secs < 0 || options.aggregate_retention_secs < 0 {
            return Err(StoreError::InvalidOptions(
                "retention periods cannot be negative".to_owned(),
            ));
        }
        sqlx::any::install_default_drivers();
        let store_name = spec.to_string();
        let open_error = |source| StoreError::Open {
            store: store_name.clone(),
            source,
        };
        let max = options.max_connections.max(1);
        // `migrator` brings the schema up to date; on SQLite it is a
        // short-lived connection, and the writer thread opens after it.
        let (backend, migrator, reader, sqlite_path) = match spec {
            StoreSpec::Sqlite(path) => {
                let path = spec::prepare_sqlite_path(path)?;
                // One plain connection first: it creates the file, switches
                // it to WAL (a setting stored in the file, which needs an
                // exclusive lock, so only one connection should do it) and
                // fails fast on a file that is not a database; the pools
                // would retry that until their timeout.
                let first = SqliteConnectOptions::new()
                    .filename(&path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(10));
                let conn = SqliteConnection::connect_with(&first)
                    .await
                    .map_err(open_error)?;
                conn.close().await.map_err(open_error)?;
                let migrator = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_mins(1))
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            sqlx::raw_sql("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                                .execute(conn)
                                .await?;
                            Ok(())
                        })
                    })
                    .connect(&spec::sqlite_url(&path)?)
                    .await
                    .map_err(open_error)?;
                let reader = AnyPoolOptions::new()
                    .max_connections(max)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::raw_sql(
                                "PRAGMA query_only = ON; PRAGMA foreign_keys = ON;                                  PRAGMA busy_timeout = 10000;",
                            )
                            .execute(conn)
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&spec::sqlite_url(&path)?)
                    .await
                    .map_err(open_error)?;
                (Backend::Sqlite, migrator, reader, Some(path))
            }
            StoreSpec::Postgres(url) => {
                // One plain connection first, so a wrong host, port or
                // password fails now; the pool would retry until its timeout.
                let conn = sqlx::AnyConnection::connect(url)
                    .await
                    .map_err(open_error)?;
                conn.close().await.map_err(open_error)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(max)
                    .connect(url)
                    .await
                    .map_err(open_error)?;
                (Backend::Postgres, pool.clone(), pool, None)
            }
        };
        migrate::run(&migrator, backend)
            .await
            .map_err(|e| match e {
                StoreError::Database(source) => open_error(source),
                other => other,
            })?;
        let sqlite = match sqlite_path {
            Some(path) => {
                migrator.close().await;
                Some(sqlite::SqliteWriter::open(&path, options.sqlite_sync_full)?)
            }
            None => None,
        };
        Ok(Store {
            inner: Arc::new(Inner {
                backend,
                sqlite,
                reader,
                options,
            }),
        })
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.backend_kind() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The options the store was opened with.
    pub fn options(&self) -> &StoreOptions {
        &self.inner.options
    }

    /// Closes the pools, waiting for connections in use to come back. A
    /// store that is simply dropped closes them too, without waiting.
    pub async fn close(&self) {
        if let Some(writer) = &self.inner.sqlite {
            writer.close().await;
        }
        self.inner.reader.close().await;
    }
}

/// Milliseconds since the Unix epoch, now (0 if the clock is before 1970).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use super::*;
    use rusqlite::types::Value;
    use sqlx::Row;

    async fn pragma(pool: &AnyPool, name: &str) -> String {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
            .fetch_one(pool)
            .await
            .unwrap();
        row.try_get::<String, _>(0)
            .or_else(|_| row.try_get::<i64, _>(0).map(|n| n.to_string()))
            .unwrap()
    }

    #[tokio::test]
    async fn sqlite_connections_get_their_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        for (full, synchronous) in [(false, "1"), (true, "2")] {
            let spec = StoreSpec::Sqlite(dir.path().join(format!("{full}.db")));
            let options = StoreOptions {
                sqlite_sync_full: full,
                ..StoreOptions::default()
            };
            let store = Store::open(&spec, options).await.unwrap();
            let inner = &store.inner;
            let writer = inner.sqlite.as_ref().unwrap();
            let (journal, sync, foreign, busy) = writer
                .call(|conn| {
                    let get = |name: &str| {
                        conn.pragma_query_value(None, name, |row| row.get::<_, Value>(0))
                    };
                    Ok((
                        get("journal_mode")?,
                        get("synchronous")?,
                        get("foreign_keys")?,
                        get("busy_timeout")?,
                    ))
                })
                .await
                .unwrap();
            assert_eq!(journal, Value::Text("wal".into()));
            // 1 = NORMAL, 2 = FULL
            assert_eq!(sync, Value::Integer(synchronous.parse().unwrap()));
            assert_eq!(foreign, Value::Integer(1));
            assert_eq!(busy, Value::Integer(10_000));
            assert_eq!(pragma(&inner.reader, "journal_mode").await, "wal");
            assert_eq!(pragma(&inner.reader, "query_only").await, "1");
            assert_eq!(pragma(&inner.reader, "busy_timeout").await, "10000");
        }
    }
}
