//! The encrypted database: SQLCipher through sqlx, WAL, migrations run on open.
//!
//! Every write that matters is one transaction; SQLite's WAL with `synchronous = FULL` makes each
//! commit durable, so a crash leaves either the old or the new state.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::ConnectOptions;
use sqlx::SqlitePool;

use crate::secret::DataKey;

/// File name of the database inside the data folder.
pub const DATABASE_FILE_NAME: &str = "crypto-balance.db";

/// SQLite's page cache (KiB): a 10,000-holding portfolio and its indexes stay in memory.
pub const CACHE_KIB: i64 = 64 * 1024;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("this build cannot encrypt databases (SQLCipher is not linked); refusing to write data in clear")]
    EncryptionUnavailable,
    #[error(
        "cannot decrypt {0}: the key does not match, or the file is not a Crypto Balance database"
    )]
    WrongKey(PathBuf),
    #[error("{path} was written by a newer version of Crypto Balance (schema {version}); update the app")]
    NewerDatabase { path: PathBuf, version: i64 },
    #[error("{0} is read-only: check the file's and folder's permissions")]
    ReadOnly(PathBuf),
    #[error("the disk holding {0} is full: free some space and try again")]
    DiskFull(PathBuf),
    #[error("{0} is damaged: restore it from a backup")]
    Corrupt(PathBuf),
    #[error("{0} holds no Crypto Balance data")]
    NotOurs(PathBuf),
    #[error("database {path}: {source}")]
    Database {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
}

impl StoreError {
    /// Classifies a sqlx error by SQLite's primary result code.
    pub fn from_sqlx(path: &Path, error: sqlx::Error) -> Self {
        let primary = error
            .as_database_error()
            .and_then(|e| e.code())
            .and_then(|code| code.parse::<i64>().ok())
            .map(|code| code & 0xff);
        let path = path.to_path_buf();
        match primary {
            Some(26) => StoreError::WrongKey(path),
            Some(8) => StoreError::ReadOnly(path),
            Some(13) => StoreError::DiskFull(path),
            Some(11) => StoreError::Corrupt(path),
            _ => StoreError::Database {
                path,
                source: error,
            },
        }
    }
}

/// The open, unlocked database. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if missing) the database at `path` with `key`, checks that it really is
    /// encrypted with that key, and runs pending migrations.
    pub async fn open(path: &Path, key: &DataKey) -> Result<Self, StoreError> {
        let store = Self::connect(path, Some(key), true).await?;
        store.check_encryption().await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database at `path` like [`Store::open`], but never creates one: a missing file
    /// is an error, so a moved or deleted database is never silently replaced by an empty one.
    pub async fn open_existing(path: &Path, key: &DataKey) -> Result<Self, StoreError> {
        let store = Self::connect(path, Some(key), false).await?;
        store.check_encryption().await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Checks a copy of a vault's database (a backup being restored) without changing it: it
    /// opens with `key`, has our schema at a version this build knows, and passes
    /// `integrity_check`. Migrations are not run: the copy is judged as it is.
    pub async fn check_copy(path: &Path, key: &DataKey) -> Result<(), StoreError> {
        let store = Self::connect(path, Some(key), false).await?;
        let result = store.check_is_ours().await;
        store.close().await;
        result
    }

    async fn check_is_ours(&self) -> Result<(), StoreError> {
        self.check_encryption().await?;
        let migrations: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.error(e))?;
        if migrations == 0 {
            return Err(StoreError::NotOurs(self.path.clone()));
        }
        let version: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .map_err(|e| self.error(e))?;
        match version {
            None => return Err(StoreError::NotOurs(self.path.clone())),
            Some(v) if v > schema_version() => {
                return Err(StoreError::NewerDatabase {
                    path: self.path.clone(),
                    version: v,
                })
            }
            Some(_) => {}
        }
        if !self.integrity_ok().await? {
            return Err(StoreError::Corrupt(self.path.clone()));
        }
        Ok(())
    }

    /// A plaintext database with the same schema and settings, for the benchmark that measures
    /// what encryption costs. Only built with the `bench` feature; the app never opens one.
    #[cfg(feature = "bench")]
    #[doc(hidden)]
    pub async fn open_plaintext_for_benchmark(path: &Path) -> Result<Self, StoreError> {
        let store = Self::connect(path, None, true).await?;
        store.migrate().await?;
        Ok(store)
    }

    async fn connect(path: &Path, key: Option<&DataKey>, create: bool) -> Result<Self, StoreError> {
        let err = |e| StoreError::from_sqlx(path, e);
        let mut options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(err)?
            .filename(path)
            .create_if_missing(create);
        if let Some(key) = key {
            // sqlx sends `key` before any other pragma, as SQLCipher requires.
            options = options.pragma("key", key.sqlcipher_literal().to_string());
        }
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Temporary tables and sort spills stay in memory: nothing in clear on disk.
            .pragma("temp_store", "MEMORY")
            // 64 MiB of page cache keeps a large import's pages in memory until commit instead
            // of spilling them to the WAL twice.
            .pragma("cache_size", format!("-{CACHE_KIB}"))
            .busy_timeout(Duration::from_secs(10))
            // sqlx logs every statement it runs, and the first it runs is `PRAGMA key` with the
            // key in it: none of them are logged, at any level.
            .disable_statement_logging();
        // One connection: SQLite serialises writers anyway, and a single connection leaves no
        // idle reader pinning the WAL, so checkpoints complete.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(err)?;
        Ok(Store {
            pool,
            path: path.to_path_buf(),
        })
    }

    /// Without SQLCipher, `PRAGMA key` is silently ignored and data is written in clear.
    async fn check_encryption(&self) -> Result<(), StoreError> {
        let version: Option<String> = sqlx::query_scalar("PRAGMA cipher_version")
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        if version.is_none_or(|v| v.is_empty()) {
            return Err(StoreError::EncryptionUnavailable);
        }
        // A wrong key fails here at the latest, before anything is written.
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match MIGRATOR.run(&self.pool).await {
            Ok(()) => Ok(()),
            Err(MigrateError::VersionMissing(version)) => Err(StoreError::NewerDatabase {
                path: self.path.clone(),
                version,
            }),
            Err(MigrateError::Execute(e)) => Err(self.error(e)),
            Err(e) => Err(StoreError::Database {
                path: self.path.clone(),
                source: sqlx::Error::Migrate(Box::new(e)),
            }),
        }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn error(&self, error: sqlx::Error) -> StoreError {
        StoreError::from_sqlx(&self.path, error)
    }

    /// `PRAGMA integrity_check`: `true` when SQLite finds nothing wrong.
    pub async fn integrity_ok(&self) -> Result<bool, StoreError> {
        let result: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.error(e))?;
        Ok(result == "ok")
    }

    /// Moves everything from the WAL into the main file, then closes every connection. The
    /// checkpoint is explicit because the pool finishes closing connections in the background:
    /// callers (lock, restore) must be able to rely on the main file being complete.
    pub async fn close(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint at close failed");
        }
        self.pool.close().await;
    }
}

/// The newest schema version this build knows.
pub fn schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Whether a write failed on a `UNIQUE` constraint (a name or key that exists already).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.kind() == sqlx::error::ErrorKind::UniqueViolation)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use sqlx::migrate::Migrator;
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};

    use super::MIGRATOR;

    /// Migration 14 rebuilds the alerts table: rules keep their ids and the history keeps its
    /// links to them, and the new kind is accepted.
    #[tokio::test]
    async fn rebuilding_the_alerts_table_keeps_the_history_linked() -> Result<(), sqlx::Error> {
        let mut db = SqliteConnectOptions::new()
            .in_memory(true)
            .foreign_keys(true)
            .connect()
            .await?;
        let before: Vec<_> = MIGRATOR
            .iter()
            .filter(|m| m.version < 14)
            .cloned()
            .collect();
        let old = Migrator {
            migrations: Cow::Owned(before),
            ..Migrator::DEFAULT
        };
        old.run_direct(&mut db)
            .await
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        sqlx::query(
            "INSERT INTO alerts (id, kind, asset_id, vs_currency, threshold, created_at, identity) \
             VALUES (7, 'price_above', 'bitcoin', 'usd', '70000', 1, 'x')",
        )
        .execute(&mut db)
        .await?;
        sqlx::query(
            "INSERT INTO alert_events (alert_id, fired_at, kind, vs_currency, threshold, observed, \
             message) VALUES (7, 2, 'price_above', 'usd', '70000', '70001', 'fired')",
        )
        .execute(&mut db)
        .await?;
        MIGRATOR
            .run_direct(&mut db)
            .await
            .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        let linked: Option<i64> = sqlx::query_scalar("SELECT alert_id FROM alert_events")
            .fetch_one(&mut db)
            .await?;
        assert_eq!(linked, Some(7));
        sqlx::query(
            "INSERT INTO alerts (kind, account, vs_currency, threshold, created_at, identity) \
             VALUES ('wallet_changed', 'Cold', 'usd', '0', 1, 'y')",
        )
        .execute(&mut db)
        .await?;
        let violations: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(&mut db)
            .await?;
        assert!(violations.is_empty());
        db.close().await
    }
}
