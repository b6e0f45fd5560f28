//! SQLite writes on a thread of their own, through rusqlite.
//!
//! sqlx's SQLite driver hands every statement to a worker thread and back,
//! and binds parameters by name; a batch of the collector's hot path is
//! about a dozen statements, so that traffic, not SQLite, set the write
//! rate (`examples/insert_bench.rs`). Here one thread owns the only writing
//! connection and runs a whole batch — one transaction of prepared, cached
//! single-row statements — per hand-off. Reads stay on sqlx's pool (WAL
//! lets them run beside the writer), and so do migrations, which run before
//! this thread opens its connection.
//!
//! rusqlite is pinned to the release built on the same `libsqlite3-sys` as
//! sqlx (both link the one bundled SQLite; two versions could not be linked
//! into one binary).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params, params_from_iter};
use tokio::sync::oneshot;

use crate::codec::{self, Param};
use crate::write::{Pending, sql};
use crate::{GroupKey, InsertOutcome, StoreError};

// The single-row forms of the multi-row statements, built once.
static GROUP_UPSERT: LazyLock<String> = LazyLock::new(|| sql::GROUPS.single());
static BUCKET_UPSERT: LazyLock<String> = LazyLock::new(|| sql::BUCKETS.single());
static SAMPLE_INSERT: LazyLock<String> = LazyLock::new(|| sql::SAMPLES.single());
static FILTERED_UPSERT: LazyLock<String> = LazyLock::new(|| sql::FILTERED.single());
static ATTRIBUTION_INSERT: LazyLock<String> = LazyLock::new(|| sql::ATTRIBUTIONS.single());

type Task = Box<dyn FnOnce(&mut Connection) + Send>;

/// The writer thread's handle. Dropping it (or [`SqliteWriter::close`])
/// lets the thread finish what is queued and close the connection.
pub(crate) struct SqliteWriter {
    tasks: Mutex<Option<mpsc::Sender<Task>>>,
    done: Mutex<Option<oneshot::Receiver<()>>>,
}

impl SqliteWriter {
    /// Opens the writing connection on an existing, migrated database and
    /// starts the thread.
    pub(crate) fn open(path: &Path, sync_full: bool) -> Result<SqliteWriter, StoreError> {
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(
            None,
            "synchronous",
            if sync_full { "FULL" } else { "NORMAL" },
        )?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Enough for every statement shape the writer prepares.
        conn.set_prepared_statement_cache_capacity(32);
        let (tasks, queue) = mpsc::channel::<Task>();
        let (finished, done) = oneshot::channel();
        std::thread::Builder::new()
            .name("offsite-sqlite-writer".to_owned())
            .spawn(move || {
                for task in queue {
                    // A panicking task drops its answer channel, which its
                    // caller sees as an error; the thread goes on.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        task(&mut conn);
                    }));
                }
                drop(conn);
                let _ = finished.send(());
            })
            .map_err(|source| StoreError::Io {
                context: "cannot start the SQLite writer thread for",
                path: path.to_owned(),
                source,
            })?;
        Ok(SqliteWriter {
            tasks: Mutex::new(Some(tasks)),
            done: Mutex::new(Some(done)),
        })
    }

    /// Runs `f` on the writer thread and returns its result.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, result) = oneshot::channel();
        let task: Task = Box::new(move |conn| {
            let _ = answer.send(f(conn));
        });
        let sent = match self.tasks.lock() {
            Ok(tasks) => tasks.as_ref().is_some_and(|tx| tx.send(task).is_ok()),
            Err(_) => false,
        };
        if !sent {
            return Err(StoreError::Closed);
        }
        result.await.unwrap_or_else(|_| {
            Err(StoreError::Corrupt(
                "the SQLite writer stopped while running a write (a bug: it panicked)".to_owned(),
            ))
        })
    }

    /// Stops taking writes, waits for the queued ones and closes the
    /// connection. Later calls fail with [`StoreError::Closed`].
    pub(crate) async fn close(&self) {
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.take();
        }
        let done = self.done.lock().ok().and_then(|mut d| d.take());
        if let Some(done) = done {
            let _ = done.await;
        }
    }
}

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Int(v) => v.to_sql(),
            Param::OptInt(v) => v.to_sql(),
            Param::Text(v) => v.to_sql(),
            Param::OptText(v) => v.to_sql(),
            Param::Float(v) => v.to_sql(),
        }
    }
}

/// [`crate::Store::insert_batch`] on SQLite: one IMMEDIATE transaction,
/// groups in key order, a statement per group, bucket and sample.
pub(crate) fn insert(
    conn: &mut Connection,
    groups: &BTreeMap<GroupKey, Pending>,
    samples_per_group: i64,
) -> Result<InsertOutcome, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcome = InsertOutcome::default();
    {
        let mut upsert_group = tx.prepare_cached(&GROUP_UPSERT)?;
        let mut upsert_bucket = tx.prepare_cached(&BUCKET_UPSERT)?;
        let mut insert_sample = tx.prepare_cached(&SAMPLE_INSERT)?;
        let mut add_kept = tx.prepare_cached(sql::ADD_SAMPLES_KEPT)?;
        for (key, g) in groups {
            let (id, total, kept): (i64, i64, i64) = upsert_group.query_row(
                params![
                    key.directive,
                    key.blocked_origin,
                    key.document_host,
                    key.source_file,
                    g.first_ms,
                    g.last_ms,
                    g.count
                ],
                |row| Ok((row.get(0)?, row.get(5)?, row.get(6)?)),
            )?;
            if total == g.count {
                outcome.new_groups.push((id, key.clone()));
            }
            for (start, n) in &g.buckets {
                upsert_bucket.execute(params![id, start, n])?;
            }
            let wanted = g.samples_wanted(samples_per_group, kept);
            if !wanted.is_empty() {
                for report in wanted {
                    insert_sample.execute(params_from_iter(codec::sample_params(id, report)))?;
                }
                add_kept.execute(params![i64::try_from(wanted.len()).unwrap_or(i64::MAX), id])?;
            }
        }
    }
    tx.commit()?;
    Ok(outcome)
}

/// [`crate::Store::record_filtered`] on SQLite; `rows` are merged and
/// cleaned already.
pub(crate) fn record_filtered(
    conn: &mut Connection,
    bucket: i64,
    rows: &[(String, i64)],
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    {
        let mut upsert = tx.prepare_cached(&FILTERED_UPSERT)?;
        for (reason, n) in rows {
            upsert.execute(params![reason, bucket, n])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// [`crate::Store::set_attributions`] on SQLite; `rows` are the bound
/// parameters of each attribution row.
pub(crate) fn set_attributions(
    conn: &mut Connection,
    group_id: i64,
    rows: &[[Param; 8]],
) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists = tx
        .prepare_cached(sql::GROUP_EXISTS)?
        .exists(params![group_id])?;
    if !exists {
        return Err(StoreError::UnknownGroup(group_id));
    }
    tx.prepare_cached(sql::DELETE_ATTRIBUTIONS)?
        .execute(params![group_id])?;
    {
        let mut insert = tx.prepare_cached(&ATTRIBUTION_INSERT)?;
        for row in rows {
            insert.execute(params_from_iter(row.iter()))?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// [`crate::Store::prune`] on SQLite: the statements of [`sql::PRUNE`] with
/// their cut-offs, returning the rows each deleted.
pub(crate) fn prune(
    conn: &mut Connection,
    cutoffs: [i64; sql::PRUNE.len()],
) -> Result<[u64; sql::PRUNE.len()], StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut affected = [0; sql::PRUNE.len()];
    for ((statement, cutoff), n) in sql::PRUNE.iter().zip(cutoffs).zip(&mut affected) {
        *n = tx.execute(statement, params![cutoff])? as u64;
    }
    tx.commit()?;
    Ok(affected)
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use super::*;

    fn migrated() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../migrations/sqlite/0001_initial.sql"))
            .unwrap();
        conn
    }

    /// rusqlite binds by position; SQLite numbers `$N` parameters by first
    /// appearance, so each text must name parameter i `$i`.
    #[test]
    fn every_statement_numbers_its_parameters_in_order() {
        let conn = migrated();
        let mut texts: Vec<String> = vec![
            GROUP_UPSERT.clone(),
            BUCKET_UPSERT.clone(),
            SAMPLE_INSERT.clone(),
            FILTERED_UPSERT.clone(),
            ATTRIBUTION_INSERT.clone(),
            sql::ADD_SAMPLES_KEPT.to_owned(),
            sql::GROUP_EXISTS.to_owned(),
            sql::DELETE_ATTRIBUTIONS.to_owned(),
        ];
        texts.extend(sql::PRUNE.iter().map(|s| (*s).to_owned()));
        for text in &texts {
            let stmt = conn.prepare(text).unwrap();
            assert!(stmt.parameter_count() > 0, "{text}");
            for i in 1..=stmt.parameter_count() {
                assert_eq!(
                    stmt.parameter_name(i),
                    Some(format!("${i}").as_str()),
                    "{text}"
                );
            }
        }
        // the widths the PostgreSQL path chunks by are the real ones
        for (insert, text) in [
            (&sql::GROUPS, &*GROUP_UPSERT),
            (&sql::SAMPLES, &*SAMPLE_INSERT),
            (&sql::ATTRIBUTIONS, &*ATTRIBUTION_INSERT),
        ] {
            assert_eq!(conn.prepare(text).unwrap().parameter_count(), insert.width);
        }
        assert_eq!(
            sql::SAMPLES.head,
            format!("INSERT INTO samples ({}) VALUES ", codec::SAMPLE_COLUMNS)
        );
    }

    #[tokio::test]
    async fn a_panicking_write_is_an_error_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch(include_str!("../migrations/sqlite/0001_initial.sql"))
            .unwrap();
        let writer = SqliteWriter::open(&path, false).unwrap();
        let err = writer
            .call(|_| -> Result<(), StoreError> { panic!("on purpose") })
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
        let n = writer
            .call(|conn| {
                Ok(conn.query_row("SELECT COUNT(*) FROM groups", [], |r| r.get::<_, i64>(0))?)
            })
            .await
            .unwrap();
        assert_eq!(n, 0);
        writer.close().await;
        let err = writer.call(|_| Ok(())).await.unwrap_err();
        assert!(matches!(err, StoreError::Closed), "{err}");
    }
}
