//! Reads for the JSON API and the dashboard. Every query is built from the
//! [`Filter`] with only the conditions it sets, so each shape can use its
//! indexes; the values are always bound, never spliced into the SQL.

use std::collections::HashMap;

use offsite_collect::{AttributionMethod, Blocked};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::{self, Param, Sql};
use crate::{
    Attribution, BucketCount, Filter, GroupKey, GroupSummary, Store, StoreError, StoredReport,
};

/// Page size when the filter names none.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest page size honoured; larger limits are cut to it.
pub const MAX_LIMIT: u32 = 1000;

const GROUP_COLUMNS: &str = "g.id, g.directive, g.blocked_origin, g.document_host, g.source_file, g.first_seen_ms, \
     g.last_seen_ms";

impl Store {
    /// Groups matching the filter, most reports first (ties: oldest group
    /// first). `count` is the number of reports in `since_ms..until_ms`,
    /// counted in whole buckets (a bucket that overlaps the range counts
    /// fully); without a range it is the group's all-time total. Groups
    /// with no report in the range are left out. `disposition` does not
    /// apply to groups.
    pub async fn groups(&self, filter: &Filter) -> Result<Vec<GroupSummary>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        sql.push(GROUP_COLUMNS);
        if filter.since_ms.is_some() || filter.until_ms.is_some() {
            sql.push(
                ", c.n AS n FROM groups g JOIN (SELECT group_id, CAST(SUM(count) AS BIGINT) AS n \
                 FROM buckets WHERE 1 = 1",
            );
            self.bucket_range(&mut sql, filter, "bucket_start_ms");
            sql.push(" GROUP BY group_id) c ON c.group_id = g.id WHERE 1 = 1");
        } else {
            sql.push(", g.total AS n FROM groups g WHERE 1 = 1");
        }
        group_conditions(&mut sql, filter);
        sql.push(" ORDER BY n DESC, g.id");
        paginate(&mut sql, filter);
        let rows = sql.query().fetch_all(&self.inner.reader).await?;
        let mut groups = rows
            .iter()
            .map(|row| group_summary(row, 7))
            .collect::<Result<Vec<_>, _>>()?;
        self.attach_attributions(&mut groups).await?;
        Ok(groups)
    }

    /// One group with its all-time total as `count`.
    pub async fn group(&self, id: i64) -> Result<Option<GroupSummary>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        sql.push(GROUP_COLUMNS)
            .push(", g.total FROM groups g WHERE g.id = ")
            .bind(Param::Int(id));
        let Some(row) = sql.query().fetch_optional(&self.inner.reader).await? else {
            return Ok(None);
        };
        let mut groups = vec![group_summary(&row, 7)?];
        self.attach_attributions(&mut groups).await?;
        Ok(groups.pop())
    }

    /// Stored samples matching the filter, newest first; `since_ms` /
    /// `until_ms` apply to `received_ms`, `disposition` and `group_id` to the
    /// sample, the other fields to its group.
    pub async fn reports(&self, filter: &Filter) -> Result<Vec<StoredReport>, StoreError> {
        let columns: Vec<String> = codec::SAMPLE_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect();
        let mut sql = Sql::new("SELECT s.id, ");
        sql.push(&columns.join(", "))
            .push(" FROM samples s JOIN groups g ON g.id = s.group_id WHERE 1 = 1");
        group_conditions(&mut sql, filter);
        if let Some(since) = filter.since_ms {
            sql.push(" AND s.received_ms >= ").bind(Param::Int(since));
        }
        if let Some(until) = filter.until_ms {
            sql.push(" AND s.received_ms < ").bind(Param::Int(until));
        }
        if let Some(disposition) = &filter.disposition {
            sql.push(" AND s.disposition = ")
                .bind(codec::text(disposition));
        }
        sql.push(" ORDER BY s.received_ms DESC, s.id DESC");
        paginate(&mut sql, filter);
        let rows = sql.query().fetch_all(&self.inner.reader).await?;
        rows.iter().map(codec::stored_report).collect()
    }

    /// Reports per bucket for the groups matching the filter, oldest bucket
    /// first; empty buckets are left out. Not paginated.
    pub async fn timeline(&self, filter: &Filter) -> Result<Vec<BucketCount>, StoreError> {
        let mut sql = Sql::new(
            "SELECT b.bucket_start_ms, CAST(SUM(b.count) AS BIGINT) FROM buckets b \
             JOIN groups g ON g.id = b.group_id WHERE 1 = 1",
        );
        group_conditions(&mut sql, filter);
        self.bucket_range(&mut sql, filter, "b.bucket_start_ms");
        sql.push(" GROUP BY b.bucket_start_ms ORDER BY b.bucket_start_ms");
        let rows = sql.query().fetch_all(&self.inner.reader).await?;
        rows.iter()
            .map(|row| {
                Ok(BucketCount {
                    bucket_start_ms: row.try_get(0)?,
                    count: row.try_get(1)?,
                })
            })
            .collect()
    }

    /// The `n` blocked hosts with the most reports in the filter's range,
    /// most first (ties by host). The host is taken from each group's
    /// blocked origin; `inline`, `eval`, `data` and other hostless origins
    /// are left out.
    pub async fn top_hosts(
        &self,
        filter: &Filter,
        n: u32,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut sql = Sql::new("SELECT g.blocked_origin, CAST(SUM(");
        if filter.since_ms.is_some() || filter.until_ms.is_some() {
            sql.push(
                "b.count) AS BIGINT) FROM groups g JOIN buckets b ON b.group_id = g.id WHERE 1 = 1",
            );
            self.bucket_range(&mut sql, filter, "b.bucket_start_ms");
        } else {
            sql.push("g.total) AS BIGINT) FROM groups g WHERE 1 = 1");
        }
        group_conditions(&mut sql, filter);
        sql.push(" GROUP BY g.blocked_origin");
        let rows = sql.query().fetch_all(&self.inner.reader).await?;
        let mut hosts: HashMap<String, i64> = HashMap::new();
        for row in &rows {
            let origin: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            if let Some(host) = Blocked::Url(origin).host() {
                *hosts.entry(host).or_insert(0) += count;
            }
        }
        let mut hosts: Vec<_> = hosts.into_iter().collect();
        hosts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        hosts.truncate(usize::try_from(n).unwrap_or(usize::MAX));
        Ok(hosts)
    }

    /// Filtered-report counts by reason in the filter's range (whole
    /// buckets), most first; only `since_ms` / `until_ms` apply.
    pub async fn filtered_counts(&self, filter: &Filter) -> Result<Vec<(String, i64)>, StoreError> {
        let mut sql =
            Sql::new("SELECT reason, CAST(SUM(count) AS BIGINT) AS n FROM filtered WHERE 1 = 1");
        self.bucket_range(&mut sql, filter, "bucket_start_ms");
        sql.push(" GROUP BY reason ORDER BY n DESC, reason");
        let rows = sql.query().fetch_all(&self.inner.reader).await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    /// `(group_id, count)` of every group with reports in the buckets from
    /// the one holding `since_ms` on, for rate alerts; ordered by group id.
    pub async fn group_counts_since(&self, since_ms: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT group_id, CAST(SUM(count) AS BIGINT) FROM buckets \
             WHERE bucket_start_ms >= $1 GROUP BY group_id ORDER BY group_id",
        )
        .bind(self.bucket_of(since_ms))
        .fetch_all(&self.inner.reader)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    /// All reports ever counted in groups still kept.
    pub async fn total_reports(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM groups")
            .fetch_one(&self.inner.reader)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// `column >= start of the bucket holding since` and `column < until`.
    fn bucket_range(&self, sql: &mut Sql, filter: &Filter, column: &str) {
        if let Some(since) = filter.since_ms {
            sql.push(" AND ")
                .push(column)
                .push(" >= ")
                .bind(Param::Int(self.bucket_of(since)));
        }
        if let Some(until) = filter.until_ms {
            sql.push(" AND ")
                .push(column)
                .push(" < ")
                .bind(Param::Int(until));
        }
    }

    async fn attach_attributions(&self, groups: &mut [GroupSummary]) -> Result<(), StoreError> {
        if groups.is_empty() {
            return Ok(());
        }
        let mut sql = Sql::new(
            "SELECT group_id, page, gadget, url, line, method, confidence FROM attributions \
             WHERE group_id IN (",
        );
        for (i, group) in groups.iter().enumerate() {
            sql.push(if i == 0 { "" } else { ", " })
                .bind(Param::Int(group.id));
        }
        sql.push(") ORDER BY group_id, position");
        let rows = sql.query().fetch_all(&self.inner.reader).await?;
        let mut by_group: HashMap<i64, Vec<Attribution>> = HashMap::new();
        for row in &rows {
            let group_id: i64 = row.try_get(0)?;
            let line: Option<i64> = row.try_get(4)?;
            let line = line
                .map(|l| {
                    u32::try_from(l).map_err(|_| {
                        StoreError::Corrupt(format!("attribution of group {group_id}: line {l}"))
                    })
                })
                .transpose()?;
            let method: String = row.try_get(5)?;
            let method = AttributionMethod::from_name(&method).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "attribution of group {group_id}: unknown method `{method}`"
                ))
            })?;
            by_group.entry(group_id).or_default().push(Attribution {
                page: row.try_get(1)?,
                gadget: row.try_get(2)?,
                url: row.try_get(3)?,
                line,
                method,
                confidence: row.try_get(6)?,
            });
        }
        for group in groups {
            group.attributions = by_group.remove(&group.id).unwrap_or_default();
        }
        Ok(())
    }
}

/// Conditions on the group (alias `g`): directive, host, document host,
/// page, group id.
fn group_conditions(sql: &mut Sql, filter: &Filter) {
    if let Some(directive) = &filter.directive {
        sql.push(" AND g.directive = ").bind(codec::text(directive));
    }
    if let Some(host) = &filter.host {
        sql.push(" AND lower(g.blocked_origin) LIKE ")
            .bind(codec::contains_pattern(host))
            .push(" ESCAPE '\\'");
    }
    if let Some(document_host) = &filter.document_host {
        sql.push(" AND g.document_host = ")
            .bind(codec::text(document_host));
    }
    if let Some(page) = &filter.page {
        sql.push(
            " AND EXISTS (SELECT 1 FROM attributions a WHERE a.group_id = g.id \
             AND lower(a.page) LIKE ",
        )
        .bind(codec::contains_pattern(page))
        .push(" ESCAPE '\\')");
    }
    if let Some(id) = filter.group_id {
        sql.push(" AND g.id = ").bind(Param::Int(id));
    }
}

/// `LIMIT … OFFSET …` from the filter: default 100, at most 1000. Both are
/// integers from `u32`, so they go into the text (no placeholder types to
/// agree on between the back ends).
fn paginate(sql: &mut Sql, filter: &Filter) {
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT);
    let offset = filter.offset.unwrap_or(0);
    sql.push(&format!(" LIMIT {limit} OFFSET {offset}"));
}

fn group_summary(row: &AnyRow, count_column: usize) -> Result<GroupSummary, StoreError> {
    Ok(GroupSummary {
        id: row.try_get(0)?,
        key: GroupKey {
            directive: row.try_get(1)?,
            blocked_origin: row.try_get(2)?,
            document_host: row.try_get(3)?,
            source_file: row.try_get(4)?,
        },
        first_seen_ms: row.try_get(5)?,
        last_seen_ms: row.try_get(6)?,
        count: row.try_get(count_column)?,
        attributions: Vec::new(),
    })
}
