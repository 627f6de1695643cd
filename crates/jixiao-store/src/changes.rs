//! Change announcements between server processes that share one PostgreSQL database.
//!
//! Each process keeps short-lived read caches (jixiao-web). After a write, the process that made it calls
//! [`Store::announce_change`], which advances the sequence `jixiao_changes` and sends its new value on
//! the channel of the same name, in one statement. Other processes learn of it two ways: a
//! [`ChangeListener`] (LISTEN) drops their caches as soon as the notification arrives, and every
//! session read ([`Store::session_user`]) returns the sequence's current value, so a request that
//! arrives before the notification has been handled still sees that something changed. SQLite serves
//! one process, which drops its own caches; there both are no-ops.

use sqlx::postgres::PgListener;

use crate::{Db, Result, Store};

/// The sequence and the notification channel.
pub(crate) const CHANNEL: &str = "jixiao_changes";

/// Notifications of writes made by any process (PostgreSQL only).
pub struct ChangeListener(PgListener);

/// What [`ChangeListener::next`] observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A write was announced (the sequence's new value).
    Announced(i64),
    /// The connection was lost and made again: announcements in between may be missed.
    Reconnected,
}

impl ChangeListener {
    /// Waits for the next announcement, or a reconnection after a lost connection.
    pub async fn next(&mut self) -> Result<Change> {
        Ok(match self.0.try_recv().await? {
            Some(n) => Change::Announced(n.payload().parse().unwrap_or_default()),
            None => Change::Reconnected,
        })
    }
}

impl Store {
    /// Creates the sequence the announcements count with (PostgreSQL; idempotent, run on open).
    pub(crate) async fn prepare_changes(&self) -> Result<()> {
        if let Db::Postgres(pool) = &self.db {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "CREATE SEQUENCE IF NOT EXISTS {CHANNEL}"
            )))
            .execute(pool)
            .await?;
        }
        Ok(())
    }

    /// Tells every process on this database that something was written (after the write committed).
    pub async fn announce_change(&self) -> Result<()> {
        if let Db::Postgres(pool) = &self.db {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT pg_notify('{CHANNEL}', nextval('{CHANNEL}')::text)"
            )))
            .execute(pool)
            .await?;
        }
        Ok(())
    }

    /// Listens for announcements (None on SQLite, where one process serves the database).
    pub async fn change_listener(&self) -> Result<Option<ChangeListener>> {
        let Db::Postgres(pool) = &self.db else {
            return Ok(None);
        };
        // One of the pool's connections, held for the life of the server; closing the pool (at
        // shutdown) ends the wait instead of waiting for it.
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(ChangeListener(listener)))
    }

    /// Whether several server processes may share this database (they then rely on announcements).
    pub fn is_shared(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
    }
}
