//! Writes: batched inserts with in-batch pre-aggregation, filtered counts,
//! attributions and retention.
//!
//! A batch is aggregated in memory first (a group's reports become one
//! row). On PostgreSQL it then costs a handful of statements whatever its
//! size: one multi-row upsert of its distinct groups, one of its (group,
//! bucket) counts, one multi-row insert of the samples still wanted and one
//! update of `samples_kept` — the last two only while some group is below
//! its sample bound, which in steady state none is. On SQLite the whole
//! batch is one hand-off to the writer thread, which runs cached
//! single-row statements in one transaction (`sqlite.rs`). Both run the
//! SQL text of [`sql`].

use std::collections::{BTreeMap, HashMap};

use sqlx::AnyConnection;
use sqlx::Row;

use crate::codec::{self, Param, Sql};
use crate::{GroupKey, InsertOutcome, NormalizedReport, Store, StoreError, sqlite};

/// The statements both back ends run, with `$N` placeholders. SQLite gives
/// `$N` parameters their index in order of first appearance, so every text
/// here numbers them in the order they appear (tested), and rusqlite binds
/// them by position like sqlx does.
pub(crate) mod sql {
    /// A multi-row `INSERT`: `head`, then `(…)` rows of `width` values,
    /// then `tail`.
    pub(crate) struct Insert {
        pub head: &'static str,
        pub width: usize,
        pub tail: &'static str,
    }

    impl Insert {
        /// The statement for one row.
        pub(crate) fn single(&self) -> String {
            let values: Vec<String> = (1..=self.width).map(|i| format!("${i}")).collect();
            format!("{}({}){}", self.head, values.join(", "), self.tail)
        }
    }

    /// Groups. `samples_kept` is left alone on conflict, so RETURNING gives
    /// its value before this batch; `total` comes back updated, and equals
    /// the batch's count exactly when the batch created the row.
    pub(crate) const GROUPS: Insert = Insert {
        head: "INSERT INTO groups (directive, blocked_origin, document_host, source_file, \
               first_seen_ms, last_seen_ms, total) VALUES ",
        width: 7,
        tail: " ON CONFLICT (directive, blocked_origin, document_host, source_file) DO UPDATE SET \
               first_seen_ms = CASE WHEN excluded.first_seen_ms < groups.first_seen_ms \
                 THEN excluded.first_seen_ms ELSE groups.first_seen_ms END, \
               last_seen_ms = CASE WHEN excluded.last_seen_ms > groups.last_seen_ms \
                 THEN excluded.last_seen_ms ELSE groups.last_seen_ms END, \
               total = groups.total + excluded.total \
               RETURNING id, directive, blocked_origin, document_host, source_file, total, \
               samples_kept",
    };

    pub(crate) const BUCKETS: Insert = Insert {
        head: "INSERT INTO buckets (group_id, bucket_start_ms, count) VALUES ",
        width: 3,
        tail: " ON CONFLICT (group_id, bucket_start_ms) DO UPDATE SET \
               count = buckets.count + excluded.count",
    };

    /// Columns as in [`crate::codec::SAMPLE_COLUMNS`] (tested).
    pub(crate) const SAMPLES: Insert = Insert {
        head: "INSERT INTO samples (group_id, received_ms, format, disposition, directive, \
               blocked_kind, blocked_value, document, document_host, source_file, line, \
               column_number, status_code, sample, browser, source) VALUES ",
        width: 16,
        tail: "",
    };

    pub(crate) const FILTERED: Insert = Insert {
        head: "INSERT INTO filtered (reason, bucket_start_ms, count) VALUES ",
        width: 3,
        tail: " ON CONFLICT (reason, bucket_start_ms) DO UPDATE SET \
               count = filtered.count + excluded.count",
    };

    pub(crate) const ATTRIBUTIONS: Insert = Insert {
        head: "INSERT INTO attributions \
               (group_id, position, page, gadget, url, line, method, confidence) VALUES ",
        width: 8,
        tail: "",
    };

    pub(crate) const ADD_SAMPLES_KEPT: &str =
        "UPDATE groups SET samples_kept = samples_kept + $1 WHERE id = $2";
    pub(crate) const GROUP_EXISTS: &str = "SELECT id FROM groups WHERE id = $1";
    pub(crate) const DELETE_ATTRIBUTIONS: &str = "DELETE FROM attributions WHERE group_id = $1";

    /// Retention, in order, each with one cut-off: samples' `samples_kept`
    /// first, then samples, buckets, groups (samples, attributions and any
    /// bucket left go by `ON DELETE CASCADE`) and filtered counts.
    pub(crate) const PRUNE: [&str; 5] = [
        "UPDATE groups SET samples_kept = samples_kept - (SELECT COUNT(*) FROM samples s \
         WHERE s.group_id = groups.id AND s.received_ms < $1) \
         WHERE id IN (SELECT group_id FROM samples WHERE received_ms < $1)",
        "DELETE FROM samples WHERE received_ms < $1",
        "DELETE FROM buckets WHERE bucket_start_ms <= $1",
        "DELETE FROM groups WHERE last_seen_ms < $1",
        "DELETE FROM filtered WHERE bucket_start_ms <= $1",
    ];
}

/// Parameters per multi-row statement at most (PostgreSQL, which was flat
/// from 256 to 16384 in `examples/insert_bench.rs`).
const MAX_PARAMS: usize = 4096;

/// One group of a batch, aggregated before it touches the database.
pub(crate) struct Pending {
    pub count: i64,
    pub first_ms: i64,
    pub last_ms: i64,
    pub buckets: BTreeMap<i64, i64>,
    /// The group's first reports in this batch, at most `samples_per_group`
    /// (copies: on SQLite the batch moves to the writer thread, and whether
    /// the group still wants samples is only known there).
    pub samples: Vec<NormalizedReport>,
}

impl Pending {
    /// The samples to store for a group that holds `kept` of its `bound`.
    pub(crate) fn samples_wanted(&self, bound: i64, kept: i64) -> &[NormalizedReport] {
        let room = usize::try_from(bound.saturating_sub(kept)).unwrap_or(0);
        &self.samples[..room.min(self.samples.len())]
    }
}

/// Splits `0..len` into ranges of power-of-two lengths of at most
/// `max_params / params_per_row` rows (at least one), so a connection's
/// statement cache holds a few shapes per statement instead of one per
/// batch size.
fn chunks(len: usize, params_per_row: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    chunks_of(len, params_per_row, MAX_PARAMS)
}

fn chunks_of(
    len: usize,
    params_per_row: usize,
    max_params: usize,
) -> impl Iterator<Item = std::ops::Range<usize>> {
    let max_rows = 1 << (max_params / params_per_row.max(1)).max(1).ilog2();
    let mut start = 0;
    std::iter::from_fn(move || {
        let left = len - start;
        if left == 0 {
            return None;
        }
        let size = if left >= max_rows {
            max_rows
        } else {
            1 << left.ilog2()
        };
        start += size;
        Some(start - size..start)
    })
}

impl Store {
    /// Stores a batch of reports in one transaction: group totals, bucket
    /// counts and, while a group has fewer than `samples_per_group`, samples.
    /// When this returns `Ok` the batch is committed (see the durability
    /// notes on [`crate::StoreOptions::sqlite_sync_full`]); on `Err` none of
    /// it is. Returns the groups this batch created.
    pub async fn insert_batch(
        &self,
        reports: &[NormalizedReport],
    ) -> Result<InsertOutcome, StoreError> {
        if reports.is_empty() {
            return Ok(InsertOutcome::default());
        }
        let bound = usize::try_from(self.inner.options.samples_per_group).unwrap_or(usize::MAX);
        let mut pending: BTreeMap<GroupKey, Pending> = BTreeMap::new();
        for report in reports {
            let key = codec::clean_key(report.group_key());
            let at = report.received_ms;
            let group = pending.entry(key).or_insert_with(|| Pending {
                count: 0,
                first_ms: at,
                last_ms: at,
                buckets: BTreeMap::new(),
                samples: Vec::new(),
            });
            group.count += 1;
            group.first_ms = group.first_ms.min(at);
            group.last_ms = group.last_ms.max(at);
            *group.buckets.entry(self.bucket_of(at)).or_insert(0) += 1;
            if group.samples.len() < bound {
                group.samples.push(report.clone());
            }
        }
        let bound = i64::from(self.inner.options.samples_per_group);
        if let Some(writer) = &self.inner.sqlite {
            return writer
                .call(move |conn| sqlite::insert(conn, &pending, bound))
                .await;
        }
        // PostgreSQL: concurrent collectors lock the same group rows; the
        // sorted order makes deadlocks unlikely, and a retry resolves the rest.
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.try_insert(&pending, bound).await {
                Err(StoreError::Database(e)) if attempt < 4 && is_retryable(&e) => {}
                other => return other,
            }
        }
    }

    async fn try_insert(
        &self,
        pending: &BTreeMap<GroupKey, Pending>,
        bound: i64,
    ) -> Result<InsertOutcome, StoreError> {
        let mut tx = self.inner.reader.begin().await?;
        let conn: &mut AnyConnection = &mut tx;
        let keys: Vec<(&GroupKey, &Pending)> = pending.iter().collect();

        // 1. Groups (see [`sql::GROUPS`]).
        let mut ids: HashMap<&GroupKey, (i64, i64)> = HashMap::with_capacity(keys.len());
        let mut outcome = InsertOutcome::default();
        for range in chunks(keys.len(), sql::GROUPS.width) {
            let mut sql = Sql::new(sql::GROUPS.head);
            for (i, (key, group)) in keys[range].iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row([
                    Param::Text(key.directive.clone()),
                    Param::Text(key.blocked_origin.clone()),
                    Param::Text(key.document_host.clone()),
                    Param::Text(key.source_file.clone()),
                    Param::Int(group.first_ms),
                    Param::Int(group.last_ms),
                    Param::Int(group.count),
                ]);
            }
            sql.push(sql::GROUPS.tail);
            for row in sql.query().fetch_all(&mut *conn).await? {
                let key = GroupKey {
                    directive: row.try_get(1)?,
                    blocked_origin: row.try_get(2)?,
                    document_host: row.try_get(3)?,
                    source_file: row.try_get(4)?,
                };
                let Some((key_ref, group)) = pending.get_key_value(&key) else {
                    return Err(StoreError::Corrupt(format!(
                        "the group upsert returned a key not in the batch: {key:?}"
                    )));
                };
                let id: i64 = row.try_get(0)?;
                let total: i64 = row.try_get(5)?;
                if total == group.count {
                    outcome.new_groups.push((id, key));
                }
                ids.insert(key_ref, (id, row.try_get(6)?));
            }
        }
        let id_of = |key: &GroupKey| {
            ids.get(key).copied().ok_or_else(|| {
                StoreError::Corrupt(format!("the group upsert returned no row for {key:?}"))
            })
        };

        // 2. Buckets, sorted by (group, bucket) like the groups.
        let mut buckets = Vec::new();
        for (key, group) in &keys {
            let (id, _) = id_of(key)?;
            buckets.extend(group.buckets.iter().map(|(start, n)| (id, *start, *n)));
        }
        buckets.sort_unstable();
        for range in chunks(buckets.len(), sql::BUCKETS.width) {
            let mut sql = Sql::new(sql::BUCKETS.head);
            for (i, (id, start, n)) in buckets[range].iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row([Param::Int(*id), Param::Int(*start), Param::Int(*n)]);
            }
            sql.push(sql::BUCKETS.tail);
            sql.query().execute(&mut *conn).await?;
        }

        // 3. Samples for the groups still below their bound.
        let mut samples = Vec::new();
        let mut taken = Vec::new();
        for (key, group) in &keys {
            let (id, kept) = id_of(key)?;
            let wanted = group.samples_wanted(bound, kept);
            if !wanted.is_empty() {
                samples.extend(wanted.iter().map(|r| (id, r)));
                taken.push((id, wanted.len()));
            }
        }
        for range in chunks(samples.len(), sql::SAMPLES.width) {
            let mut sql = Sql::new(sql::SAMPLES.head);
            for (i, (id, report)) in samples[range].iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row(codec::sample_params(*id, report));
            }
            sql.query().execute(&mut *conn).await?;
        }
        for range in chunks(taken.len(), 2) {
            let mut sql = Sql::new("UPDATE groups SET samples_kept = samples_kept + CASE id");
            let mut ids = String::new();
            for (id, take) in &taken[range] {
                let id = sql.param(Param::Int(*id));
                sql.push(" WHEN ")
                    .push(&id)
                    .push(" THEN ")
                    .bind(Param::Int(i64::try_from(*take).unwrap_or(i64::MAX)));
                ids.push_str(if ids.is_empty() { "" } else { ", " });
                ids.push_str(&id);
            }
            sql.push(" ELSE 0 END WHERE id IN (").push(&ids).push(")");
            sql.query().execute(&mut *conn).await?;
        }

        tx.commit().await?;
        Ok(outcome)
    }

    /// Adds counts of filtered (dropped) reports by reason to the bucket of
    /// `at_ms`.
    pub async fn record_filtered(
        &self,
        at_ms: i64,
        counts: &[(String, i64)],
    ) -> Result<(), StoreError> {
        let mut merged: BTreeMap<String, i64> = BTreeMap::new();
        for (reason, n) in counts {
            *merged.entry(codec::clean(reason).into_owned()).or_insert(0) += n;
        }
        merged.retain(|_, n| *n != 0);
        if merged.is_empty() {
            return Ok(());
        }
        let bucket = self.bucket_of(at_ms);
        let rows: Vec<_> = merged.into_iter().collect();
        if let Some(writer) = &self.inner.sqlite {
            return writer
                .call(move |conn| sqlite::record_filtered(conn, bucket, &rows))
                .await;
        }
        let mut tx = self.inner.reader.begin().await?;
        for range in chunks(rows.len(), sql::FILTERED.width) {
            let mut sql = Sql::new(sql::FILTERED.head);
            for (i, (reason, n)) in rows[range].iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row([
                    Param::Text(reason.clone()),
                    Param::Int(bucket),
                    Param::Int(*n),
                ]);
            }
            sql.push(sql::FILTERED.tail);
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the attributions of a group (an empty slice clears them).
    /// Non-finite confidences are stored as 0.
    pub async fn set_attributions(
        &self,
        group_id: i64,
        attributions: &[crate::Attribution],
    ) -> Result<(), StoreError> {
        let rows: Vec<[Param; 8]> = attributions
            .iter()
            .enumerate()
            .map(|(position, a)| {
                [
                    Param::Int(group_id),
                    Param::Int(i64::try_from(position).unwrap_or(i64::MAX)),
                    codec::text(&a.page),
                    codec::opt_text(a.gadget.as_deref()),
                    codec::opt_text(a.url.as_deref()),
                    Param::OptInt(a.line.map(i64::from)),
                    codec::text(a.method.as_str()),
                    // SQLite stores NaN as NULL, which the NOT NULL column refuses.
                    Param::Float(if a.confidence.is_finite() {
                        a.confidence
                    } else {
                        0.0
                    }),
                ]
            })
            .collect();
        if let Some(writer) = &self.inner.sqlite {
            return writer
                .call(move |conn| sqlite::set_attributions(conn, group_id, &rows))
                .await;
        }
        let mut tx = self.inner.reader.begin().await?;
        let exists = sqlx::query(sql::GROUP_EXISTS)
            .bind(group_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::UnknownGroup(group_id));
        }
        sqlx::query(sql::DELETE_ATTRIBUTIONS)
            .bind(group_id)
            .execute(&mut *tx)
            .await?;
        for range in chunks(rows.len(), sql::ATTRIBUTIONS.width) {
            let mut sql = Sql::new(sql::ATTRIBUTIONS.head);
            for (i, row) in rows[range].iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.row(row.iter().cloned());
            }
            sql.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Applies retention as of `now_ms`: samples older than
    /// `sample_retention_secs` go; buckets and filtered counts that ended
    /// before `aggregate_retention_secs`, and groups not seen since then
    /// (with their attributions), go too. A group whose samples were pruned
    /// collects fresh ones from its next reports.
    pub async fn prune(&self, now_ms: i64) -> Result<PruneOutcome, StoreError> {
        let options = &self.inner.options;
        let sample_cutoff =
            now_ms.saturating_sub(options.sample_retention_secs.saturating_mul(1000));
        let aggregate_cutoff =
            now_ms.saturating_sub(options.aggregate_retention_secs.saturating_mul(1000));
        // a bucket goes once all of it is older than the cutoff
        let bucket_cutoff = aggregate_cutoff.saturating_sub(self.bucket_ms());
        // in the order of sql::PRUNE
        let cutoffs = [
            sample_cutoff,
            sample_cutoff,
            bucket_cutoff,
            aggregate_cutoff,
            bucket_cutoff,
        ];
        let affected = if let Some(writer) = &self.inner.sqlite {
            writer
                .call(move |conn| sqlite::prune(conn, cutoffs))
                .await?
        } else {
            let mut tx = self.inner.reader.begin().await?;
            let mut affected = [0; sql::PRUNE.len()];
            for ((statement, cutoff), n) in sql::PRUNE.iter().zip(cutoffs).zip(&mut affected) {
                *n = sqlx::query(*statement)
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            affected
        };
        let [_, samples, buckets, groups, filtered] = affected;
        Ok(PruneOutcome {
            samples,
            buckets,
            groups,
            filtered,
        })
    }

    pub(crate) fn bucket_ms(&self) -> i64 {
        self.inner.options.bucket_secs.saturating_mul(1000)
    }

    /// Start of the bucket holding `at_ms` (floor, also before 1970).
    pub(crate) fn bucket_of(&self, at_ms: i64) -> i64 {
        let width = self.bucket_ms();
        at_ms.div_euclid(width) * width
    }

    pub(crate) fn backend_kind(&self) -> crate::Backend {
        self.inner.backend
    }
}

/// What [`Store::prune`] deleted (rows; cascaded rows not counted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PruneOutcome {
    pub samples: u64,
    pub buckets: u64,
    pub groups: u64,
    pub filtered: u64,
}

/// PostgreSQL deadlock (40P01) or serialization failure (40001): the
/// transaction was rolled back and may simply be run again.
fn is_retryable(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(sqlx::error::DatabaseError::code)
        .is_some_and(|code| code == "40P01" || code == "40001")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything_in_few_shapes() {
        for (per_row, max_rows) in [(1, 256), (3, 64), (16, 16), (300, 1)] {
            for len in [0, 1, 2, 3, 7, 255, 256, 257, 1000, 1023] {
                let ranges: Vec<_> = chunks_of(len, per_row, 256).collect();
                assert_eq!(
                    ranges.iter().map(ExactSizeIterator::len).sum::<usize>(),
                    len
                );
                for pair in ranges.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                }
                for r in &ranges {
                    assert!(
                        r.len().is_power_of_two() && r.len() <= max_rows,
                        "{len}: {r:?}"
                    );
                }
            }
        }
        // 1000 = 3×256 + 128 + 64 + 32 + 8
        assert_eq!(chunks_of(1000, 1, 256).count(), 3 + 4);
    }
}
