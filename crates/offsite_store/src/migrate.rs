//! Versioned schema migrations, one SQL file per version per dialect,
//! embedded in the binary. Applied versions are recorded in
//! `schema_migrations`; opening a store applies the missing ones in one
//! transaction, so opening twice (or two collectors at once) is harmless.

use sqlx::AnyPool;
use sqlx::Row;

use crate::{Backend, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Append only: never edit a migration that has shipped, add the next one.
const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "initial",
    sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
    postgres: include_str!("../migrations/postgres/0001_initial.sql"),
}];

/// The schema version this code writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_ms BIGINT NOT NULL)";

/// Brings the schema to [`SCHEMA_VERSION`]. `pool` must be the writer.
pub(crate) async fn run(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let failed = |what: String, e: sqlx::Error| StoreError::Migrate(format!("{what}: {e}"));
    if let Err(first) = sqlx::query(CREATE_TABLE).execute(pool).await {
        // Two PostgreSQL sessions racing on CREATE TABLE IF NOT EXISTS can
        // make one of them fail with a unique violation in the catalogue;
        // the table exists after that, so one retry settles it.
        if backend != Backend::Postgres {
            return Err(failed("creating schema_migrations".into(), first));
        }
        sqlx::query(CREATE_TABLE)
            .execute(pool)
            .await
            .map_err(|e| failed("creating schema_migrations".into(), e))?;
    }

    let mut tx = match backend {
        // IMMEDIATE takes the write lock now, so a second process opening
        // the same file waits (busy_timeout) instead of both migrating.
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
            tx
        }
    };
    let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    if let Some(newer) = applied.iter().copied().find(|v| *v > SCHEMA_VERSION) {
        return Err(StoreError::Migrate(format!(
            "the store has schema version {newer}, newer than this offsite knows \
             ({SCHEMA_VERSION}): upgrade offsite"
        )));
    }
    for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        let sql = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        sqlx::raw_sql(sql)
            .execute(&mut *tx)
            .await
            .map_err(|e| failed(format!("migration {} ({})", m.version, m.name), e))?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_and_end_at_the_current_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i64::try_from(i).unwrap() + 1, "{}", m.name);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }

    #[test]
    fn dialects_define_the_same_tables() {
        let tables = |sql: &str| {
            sql.lines()
                .filter_map(|l| l.strip_prefix("CREATE TABLE "))
                .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
                .collect::<Vec<_>>()
        };
        for m in MIGRATIONS {
            assert_eq!(tables(m.sqlite), tables(m.postgres), "{}", m.name);
            assert!(!tables(m.sqlite).is_empty());
        }
    }
}
