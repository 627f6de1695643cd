//! jixiao-store: persistence for the web application.
//!
//! One interface, two native backends (SQLite, the embedded default, and PostgreSQL for city- or
//! province-wide deployments), each with its own embedded migrations. SQL is portable (`$1`
//! placeholders, BIGINT, TEXT, `RETURNING`) so each query is written once and compiled for both pools.
//!
//! A project is never overwritten in place: every save, status change and restore appends a revision
//! (who, when, what), and a save against a revision that is no longer the latest is a conflict.

mod model;

/// A bound parameter of a query built from a filter.
enum Param {
    Int(i64),
    Text(String),
}

/// Projects recomputed per transaction by [`Store::refresh_summaries`].
const REFRESH_BATCH: i64 = 500;

pub use model::*;

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use std::sync::Arc;

use jixiao_core::{Policy, Project, Summary};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Db(sqlx::Error),
    /// The database stayed locked by other writers past the busy timeout (SQLite), or PostgreSQL
    /// gave up a transaction to break a deadlock: nothing was written, and trying again is safe.
    #[error("数据库繁忙，本次操作未写入，请稍后重试")]
    Busy,
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("无法识别的数据库地址“{0}”（应为 sqlite://文件路径 或 postgres://…）")]
    BadUrl(String),
    #[error("项目已被他人修改：你编辑的是第 {base} 版，当前为第 {current} 版")]
    Conflict { base: i64, current: i64 },
    #[error("{0}不存在")]
    NotFound(&'static str),
    #[error("不能从“{from}”变为“{to}”")]
    BadTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error("用户名“{0}”已存在")]
    DuplicateUser(String),
    #[error("数据损坏：{0}")]
    Corrupt(String),
    #[error("读写文件失败：{0}")]
    Io(#[from] std::io::Error),
    #[error("备份文件无效：{0}")]
    BadBackup(String),
    #[error("目标数据库不是空的（已有{0}），恢复只能写入新建的空数据库")]
    NotEmpty(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // SQLite 5 BUSY, 6 LOCKED, 517 BUSY_SNAPSHOT; PostgreSQL 40001 serialization, 40P01 deadlock.
        let busy = e
            .as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|c| matches!(c.as_ref(), "5" | "6" | "517" | "40001" | "40P01"));
        if busy {
            StoreError::Busy
        } else {
            StoreError::Db(e)
        }
    }
}

/// The database, and the policy the stored summaries (list columns) are computed with.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    policy: Arc<Policy>,
    /// `summary_stamp(policy)`, computed once: every save writes it.
    stamp: Arc<str>,
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool the store has: the SQL is portable, the types differ.
macro_rules! on {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Appends an audit entry (`Option<&AuditEntry>`, nothing when None) inside the transaction `tx`, so the
/// change the entry records and the entry itself are committed or rolled back together.
macro_rules! audit_in {
    ($tx:expr, $entry:expr, $at:expr) => {
        if let Some(e) = $entry {
            sqlx::query(
                "INSERT INTO audit_log (at, actor_id, action, subject, detail, client) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind($at)
            .bind(e.actor_id)
            .bind(e.action.as_str())
            .bind($crate::audit::bounded(e.subject))
            .bind(e.detail)
            .bind(e.client)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

mod audit;
mod backup;
mod changes;
mod goals;
mod monitoring;
mod publications;

pub use audit::*;
pub use backup::BackupSummary;
pub use changes::{Change, ChangeListener};
pub use goals::*;
pub use monitoring::*;
pub use publications::*;

/// How a write transaction and a read snapshot begin on each backend.
trait Begin {
    type Db: sqlx::Database;
    const POSTGRES: bool;
    fn is_postgres(&self) -> bool {
        Self::POSTGRES
    }
    /// SQLite: `BEGIN IMMEDIATE` takes the write lock up front, so a busy database waits on the busy
    /// timeout instead of failing with "database is locked" when a read would turn into a write.
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Db>>;
    /// One consistent view of the whole database for a backup.
    async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, Self::Db>>;
}

impl Begin for SqlitePool {
    type Db = sqlx::Sqlite;
    const POSTGRES: bool = false;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
    async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // A deferred transaction's first read fixes its snapshot (WAL), and writers go on meanwhile.
        self.begin().await
    }
}

impl Begin for PgPool {
    type Db = sqlx::Postgres;
    const POSTGRES: bool = true;
    async fn begin_write(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin().await
    }
    async fn begin_snapshot(&self) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        self.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }
}

/// The SQLite settings a connection of the pool runs with (what durability rests on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteSettings {
    pub journal_mode: String,
    /// 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    pub synchronous: i64,
    pub busy_timeout_ms: i64,
}

/// Connections of the pool: open now, idle among them, and the most it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub open: u32,
    pub idle: usize,
    pub max: u32,
}

pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Opens (creating if needed) the database, applies the embedded migrations, and brings stored
    /// summaries up to date with the standard policy (see [`Store::open`]).
    /// `url` is `sqlite://PATH`, `sqlite::memory:`, `postgres://…`, or a plain file path (SQLite).
    pub async fn connect(url: &str) -> Result<Store> {
        Store::open(url, Policy::standard().clone()).await
    }

    /// Opens the database with the policy its project list is scored by. Summaries computed by another
    /// engine version or policy are recomputed here, before anything is served (see
    /// [`Store::refresh_summaries`]).
    pub async fn open(url: &str, policy: Policy) -> Result<Store> {
        let store = Store::from_db(Store::pool(url).await?, policy);
        store.migrate().await?;
        store.refresh_summaries().await?;
        store.refresh_publications().await?;
        Ok(store)
    }

    /// A store over an open pool, without migrating or refreshing (tests that need odd pool settings).
    pub fn from_db(db: Db, policy: Policy) -> Store {
        Store {
            db,
            stamp: summary_stamp(&policy).into(),
            policy: Arc::new(policy),
        }
    }

    /// The policy stored summaries are computed with.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    async fn pool(url: &str) -> Result<Db> {
        Ok(
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?;
                Db::Postgres(pool)
            } else {
                let opts = if url.starts_with("sqlite:") {
                    SqliteConnectOptions::from_str(url)
                        .map_err(|_| StoreError::BadUrl(url.into()))?
                } else if url.contains("://") {
                    return Err(StoreError::BadUrl(url.into()));
                } else {
                    SqliteConnectOptions::new().filename(url)
                };
                let memory = url.contains(":memory:");
                let opts = opts
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .journal_mode(if memory {
                        SqliteJournalMode::Memory
                    } else {
                        SqliteJournalMode::Wal
                    })
                    // FULL: an acknowledged save survives a power cut, not only a process crash.
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(std::time::Duration::from_secs(30));
                // An in-memory database lives as long as its one connection.
                let max = if memory { 1 } else { 8 };
                let pool = SqlitePoolOptions::new()
                    .max_connections(max)
                    .connect_with(opts)
                    .await?;
                Db::Sqlite(pool)
            },
        )
    }

    async fn migrate(&self) -> Result<()> {
        match &self.db {
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.prepare_changes().await
    }

    /// Recomputes the list columns of every project whose summary was computed by another engine
    /// version or policy (after an upgrade, or `serve --policy` naming other rules), and returns how
    /// many. Runs when the store opens, before anything is served, so the list never disagrees with a
    /// project's page; when nothing changed it is one indexed query. Batches of [`REFRESH_BATCH`],
    /// each written only if the project has not moved on meanwhile (another server may be saving).
    pub async fn refresh_summaries(&self) -> Result<u64> {
        let mut done = 0;
        // One pass in id order: a row another server rewrites meanwhile under other rules is left to it.
        let mut after = i64::MIN;
        loop {
            let stale = on!(self, pool => sqlx::query(
                "SELECT p.id, p.revision, r.data FROM projects p JOIN revisions r ON r.project_id = p.id AND r.number = p.revision
                 WHERE p.summary_stamp <> $1 AND p.id > $2 ORDER BY p.id LIMIT $3")
                .bind(&*self.stamp).bind(after).bind(REFRESH_BATCH).fetch_all(pool).await?
                .iter().map(|r| Ok((r.try_get::<i64, _>("id")?, r.try_get::<i64, _>("revision")?, r.try_get::<String, _>("data")?)))
                .collect::<Result<Vec<_>>>()?);
            if stale.is_empty() {
                return Ok(done);
            }
            let mut rows = Vec::with_capacity(stale.len());
            for (id, revision, data) in stale {
                after = id;
                let project: Project = serde_json::from_str(&data)
                    .map_err(|e| StoreError::Corrupt(format!("项目 {id}：{e}")))?;
                let history = self.history_of_project(id).await?;
                rows.push((
                    id,
                    revision,
                    ListColumns::of(&project, &history, &self.policy),
                ));
            }
            let mut moved = 0;
            on!(self, pool => {
                let mut tx = pool.begin_write().await?;
                for (id, revision, s) in &rows {
                    let n = sqlx::query("UPDATE projects SET total_centi = $1, self_total_centi = $2, grade = $3, errors = $4, warnings = $5, summary_stamp = $6 WHERE id = $7 AND revision = $8")
                        .bind(s.total_centi).bind(s.self_total_centi).bind(&s.grade).bind(s.errors).bind(s.warnings).bind(&*self.stamp).bind(id).bind(revision)
                        .execute(&mut *tx).await?.rows_affected();
                    moved += 1 - n;
                }
                tx.commit().await?;
            });
            done += rows.len() as u64 - moved;
        }
    }

    /// Recomputes one project's list columns (its approved goals changed).
    pub(crate) async fn refresh_project(&self, id: i64) -> Result<()> {
        let Some(rec) = self.project(id).await? else {
            return Ok(());
        };
        let history = self.history_of_project(id).await?;
        let s = ListColumns::of(&rec.project, &history, &self.policy);
        on!(self, pool => sqlx::query("UPDATE projects SET total_centi = $1, self_total_centi = $2, grade = $3, errors = $4, warnings = $5, summary_stamp = $6 WHERE id = $7 AND revision = $8")
            .bind(s.total_centi).bind(s.self_total_centi).bind(&s.grade).bind(s.errors).bind(s.warnings).bind(&*self.stamp).bind(id).bind(rec.revision)
            .execute(pool).await?.rows_affected());
        Ok(())
    }

    /// Problems found by the database's own check (SQLite `PRAGMA integrity_check` and foreign keys)
    /// and by the store's invariants (each project's revisions are 1..=latest); empty when sound.
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        if let Db::Sqlite(pool) = &self.db {
            for r in sqlx::query("PRAGMA integrity_check")
                .fetch_all(pool)
                .await?
            {
                let line: String = r.try_get(0)?;
                if line != "ok" {
                    problems.push(line);
                }
            }
            for r in sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(pool)
                .await?
            {
                let table: String = r.try_get(0)?;
                problems.push(format!("外键不符：表 {table}"));
            }
        }
        let broken = on!(self, pool => sqlx::query(
            "SELECT p.id, p.revision, COUNT(r.number) AS n, MIN(r.number) AS lo, MAX(r.number) AS hi FROM projects p
             LEFT JOIN revisions r ON r.project_id = p.id GROUP BY p.id, p.revision
             HAVING COUNT(r.number) <> p.revision OR MIN(r.number) <> 1 OR MAX(r.number) <> p.revision ORDER BY p.id")
            .fetch_all(pool).await?.iter()
            .map(|r| -> Result<String> {
                Ok(format!("项目 {} 的最新版本为第 {} 版，但有 {} 个版本记录", r.try_get::<i64, _>("id")?, r.try_get::<i64, _>("revision")?, r.try_get::<i64, _>("n")?))
            }).collect::<Vec<_>>());
        for b in broken {
            problems.push(b?);
        }
        Ok(problems)
    }

    /// SQLite only: the journal mode, synchronous level and busy timeout in force.
    pub async fn sqlite_settings(&self) -> Result<Option<SqliteSettings>> {
        let Db::Sqlite(pool) = &self.db else {
            return Ok(None);
        };
        let mut conn = pool.acquire().await?;
        let journal_mode: String = sqlx::query("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let synchronous: i64 = sqlx::query("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let busy_timeout_ms: i64 = sqlx::query("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        Ok(Some(SqliteSettings {
            journal_mode,
            synchronous,
            busy_timeout_ms,
        }))
    }

    pub fn backend_name(&self) -> &'static str {
        match &self.db {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    pub async fn close(&self) {
        on!(self, pool => pool.close().await)
    }

    /// One round trip to the database (the web's health check).
    pub async fn ping(&self) -> Result<()> {
        on!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))?;
        Ok(())
    }

    /// The connection pool right now (the web's metrics).
    pub fn pool_status(&self) -> PoolStatus {
        on!(self, pool => PoolStatus {
            open: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        })
    }

    // -----------------------------------------------------------------------------------------
    // Organisations

    pub async fn create_org(
        &self,
        name: &str,
        kind: OrgKind,
        parent_id: Option<i64>,
    ) -> Result<Org> {
        self.create_org_audited(name, kind, parent_id, None).await
    }

    pub(crate) async fn create_org_audited(
        &self,
        name: &str,
        kind: OrgKind,
        parent_id: Option<i64>,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<Org> {
        let created_at = now_millis();
        let id: i64 = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query("INSERT INTO orgs (parent_id, name, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(parent_id).bind(name).bind(kind.as_str()).bind(created_at)
                .fetch_one(&mut *tx).await?.try_get("id")?;
            // The entry names the new organisation's number, known only now.
            let detail = audit.map(|e| if e.detail.is_empty() { format!("编号 {id}") } else { format!("{}，编号 {id}", e.detail) });
            let entry = audit.zip(detail.as_deref()).map(|(e, detail)| AuditEntry { detail, ..*e });
            audit_in!(tx, entry.as_ref(), created_at);
            tx.commit().await?;
            id
        });
        Ok(Org {
            id,
            parent_id,
            name: name.into(),
            kind,
            publish_review: false,
        })
    }

    pub async fn orgs(&self) -> Result<Vec<Org>> {
        let rows = on!(self, pool => sqlx::query("SELECT id, parent_id, name, kind, publish_review FROM orgs ORDER BY id").fetch_all(pool).await?
            .into_iter().map(|r| org_from(&r)).collect::<Vec<_>>());
        rows.into_iter().collect()
    }

    pub async fn org(&self, id: i64) -> Result<Option<Org>> {
        Ok(self.orgs().await?.into_iter().find(|o| o.id == id))
    }

    // -----------------------------------------------------------------------------------------
    // Users and sessions

    pub async fn count_users(&self) -> Result<i64> {
        Ok(
            on!(self, pool => sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(pool).await?.try_get("n")?),
        )
    }

    pub async fn create_user(&self, new: &NewUser<'_>) -> Result<User> {
        self.create_user_audited(new, None).await
    }

    pub(crate) async fn create_user_audited(
        &self,
        new: &NewUser<'_>,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<User> {
        if self.user_by_name(new.username).await?.is_some() {
            return Err(StoreError::DuplicateUser(new.username.into()));
        }
        let created_at = now_millis();
        let id: i64 = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query(
                "INSERT INTO users (username, display_name, password_hash, role, org_id, active, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id")
                .bind(new.username).bind(new.display_name).bind(new.password_hash).bind(new.role.as_str()).bind(new.org_id).bind(created_at)
                .fetch_one(&mut *tx).await?.try_get("id")?;
            audit_in!(tx, audit, created_at);
            tx.commit().await?;
            id
        });
        Ok(User {
            id,
            username: new.username.into(),
            display_name: new.display_name.into(),
            role: new.role,
            org_id: new.org_id,
            active: true,
        })
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = on!(self, pool => sqlx::query("SELECT id, username, display_name, role, org_id, active FROM users ORDER BY id").fetch_all(pool).await?
            .iter().map(user_from).collect::<Vec<_>>());
        rows.into_iter().collect()
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = on!(self, pool => sqlx::query("SELECT id, username, display_name, role, org_id, active FROM users WHERE id = $1").bind(id).fetch_optional(pool).await?
            .as_ref().map(user_from));
        row.transpose()
    }

    /// The user and their password hash.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<(User, String)>> {
        let row = on!(self, pool => sqlx::query("SELECT id, username, display_name, role, org_id, active, password_hash FROM users WHERE username = $1")
            .bind(username).fetch_optional(pool).await?
            .map(|r| -> Result<(User, String)> { Ok((user_from(&r)?, r.try_get("password_hash")?)) }));
        row.transpose()
    }

    pub async fn password_hash(&self, user_id: i64) -> Result<String> {
        let row = on!(self, pool => sqlx::query("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_optional(pool).await?
            .map(|r| r.try_get::<String, _>("password_hash")));
        Ok(row.ok_or(StoreError::NotFound("用户"))??)
    }

    /// Sets a new password hash and ends every session of the user.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
        self.set_password_audited(user_id, password_hash, None)
            .await
    }

    pub(crate) async fn set_password_audited(
        &self,
        user_id: i64,
        password_hash: &str,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<()> {
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound("用户")); }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Activates or deactivates a user; deactivating ends every session of the user.
    pub async fn set_user_active(&self, user_id: i64, active: bool) -> Result<()> {
        self.set_user_active_audited(user_id, active, None).await
    }

    pub(crate) async fn set_user_active_audited(
        &self,
        user_id: i64,
        active: bool,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<()> {
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(i64::from(active)).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 { return Err(StoreError::NotFound("用户")); }
            if !active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            }
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        self.create_session_audited(token_hash, user_id, csrf, expires_at, None)
            .await
    }

    pub(crate) async fn create_session_audited(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<()> {
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash).bind(user_id).bind(csrf).bind(now).bind(expires_at).execute(&mut *tx).await?;
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A live session (not expired, user active).
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let now = now_millis();
        let row = on!(self, pool => sqlx::query(
            "SELECT s.user_id, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1")
            .bind(token_hash).bind(now).fetch_optional(pool).await?
            .map(|r| -> Result<Session> { Ok(Session { user_id: r.try_get("user_id")?, csrf: r.try_get("csrf")?, expires_at: r.try_get("expires_at")?, changes: 0 }) }));
        row.transpose()
    }

    /// A live session with its user, in one query (every page request needs both). On PostgreSQL the
    /// session also carries the current change number (see changes.rs).
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<(Session, User)>> {
        let now = now_millis();
        let changes = match &self.db {
            Db::Sqlite(_) => "0",
            Db::Postgres(_) => "(SELECT last_value FROM jixiao_changes)",
        };
        let sql = format!(
            "SELECT s.user_id, s.csrf, s.expires_at, u.id, u.username, u.display_name, u.role, u.org_id, u.active, {changes} AS changes
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        );
        let row = on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(token_hash).bind(now).fetch_optional(pool).await?
        .map(|r| -> Result<(Session, User)> {
            Ok((Session { user_id: r.try_get("user_id")?, csrf: r.try_get("csrf")?, expires_at: r.try_get("expires_at")?, changes: r.try_get("changes")? }, user_from(&r)?))
        }));
        row.transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        self.delete_session_audited(token_hash, None).await
    }

    pub(crate) async fn delete_session_audited(
        &self,
        token_hash: &str,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<()> {
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn purge_expired_sessions(&self) -> Result<u64> {
        let now = now_millis();
        Ok(
            on!(self, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(pool).await?.rows_affected()),
        )
    }

    pub async fn create_api_token(&self, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
        self.create_api_token_audited(token_hash, user_id, name, None)
            .await
    }

    pub(crate) async fn create_api_token_audited(
        &self,
        token_hash: &str,
        user_id: i64,
        name: &str,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<()> {
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash).bind(user_id).bind(name).bind(now).execute(&mut *tx).await?;
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }

    /// A user's API tokens, oldest first: each by its public id (see [`token_id`]), never the token.
    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        let rows = on!(self, pool => sqlx::query("SELECT token_hash, name, created_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at, token_hash")
            .bind(user_id).fetch_all(pool).await?.iter()
            .map(|r| -> Result<ApiToken> {
                Ok(ApiToken { id: token_id(&r.try_get::<String, _>("token_hash")?).to_string(), name: r.try_get("name")?, created_at: r.try_get("created_at")? })
            }).collect::<Vec<_>>());
        rows.into_iter().collect()
    }

    /// Revokes (deletes) the user's tokens with the public id `id`; false when there was none.
    pub async fn revoke_api_token(&self, user_id: i64, id: &str) -> Result<bool> {
        self.revoke_api_token_audited(user_id, id, None).await
    }

    pub(crate) async fn revoke_api_token_audited(
        &self,
        user_id: i64,
        id: &str,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<bool> {
        if id.len() != TOKEN_ID_LEN || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(false);
        }
        let now = now_millis();
        let prefix = format!("{}%", id.to_ascii_lowercase());
        let n = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND token_hash LIKE $2")
                .bind(user_id).bind(&prefix).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                tx.rollback().await?;
            } else {
                audit_in!(tx, audit, now);
                tx.commit().await?;
            }
            n
        });
        Ok(n > 0)
    }

    pub async fn api_token_user(&self, token_hash: &str) -> Result<Option<i64>> {
        Ok(
            on!(self, pool => sqlx::query("SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND u.active = 1")
            .bind(token_hash).fetch_optional(pool).await?.map(|r| r.try_get::<i64, _>("user_id")).transpose()?),
        )
    }

    // -----------------------------------------------------------------------------------------
    // Projects and revisions

    /// Stores a new project as revision 1 (status draft).
    pub async fn create_project(
        &self,
        org_id: i64,
        project: &Project,
        author: i64,
        action: Action,
        note: &str,
    ) -> Result<ProjectRecord> {
        let item = NewProject {
            org_id,
            project,
            status: Status::Draft,
            at: None,
        };
        let ids = self.create_projects(&[item], author, action, note).await?;
        let id = ids.first().copied().ok_or(StoreError::NotFound("项目"))?;
        self.project(id).await?.ok_or(StoreError::NotFound("项目"))
    }

    /// Stores several new projects in one transaction, each as revision 1 with the status given (data
    /// brought in from elsewhere, already through its workflow: a migration, the generated demo
    /// district). Returns their ids in order.
    pub async fn create_projects(
        &self,
        items: &[NewProject<'_>],
        author: i64,
        action: Action,
        note: &str,
    ) -> Result<Vec<i64>> {
        let now = now_millis();
        let published = items.iter().any(|i| i.status == Status::Published);
        let orgs = if published {
            self.orgs().await?
        } else {
            Vec::new()
        };
        let none = jixiao_core::History::default();
        let mut rows = items
            .iter()
            .map(|item| {
                let (_, summary) = Summary::evaluate_against(item.project, &none, &self.policy);
                let s = ListColumns::from_summary(item.project, &summary);
                let data = serde_json::to_string(item.project)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                // Stored already published: the first revision is a publication (its id comes below).
                let publication = match item.status {
                    Status::Published => Some(publications::NewPublication::of(
                        (0, 1, item.org_id),
                        item.project,
                        &summary,
                        &orgs,
                        "",
                        false,
                        item.at.unwrap_or(now),
                    )?),
                    _ => None,
                };
                Ok((item, s, data, publication))
            })
            .collect::<Result<Vec<_>>>()?;
        let ids = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let mut ids = Vec::with_capacity(rows.len());
            for (item, s, data, publication) in &mut rows {
                let status = item.status.as_str();
                let id: i64 = sqlx::query(
                    "INSERT INTO projects (org_id, name, year, status, revision, total_centi, self_total_centi, grade, errors, warnings, annual_fen, updated_at, updated_by, summary_stamp)
                     VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                    .bind(item.org_id).bind(&s.name).bind(s.year).bind(status).bind(s.total_centi).bind(s.self_total_centi).bind(&s.grade)
                    .bind(s.errors).bind(s.warnings).bind(s.annual_fen).bind(item.at.unwrap_or(now)).bind(author).bind(&*self.stamp)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                // Stored already published: the first revision is the publication.
                let action = if item.status == Status::Published { Action::Status(Status::Published) } else { action };
                sqlx::query("INSERT INTO revisions (project_id, number, author_id, created_at, action, status, note, data) VALUES ($1, 1, $2, $3, $4, $5, $6, $7)")
                    .bind(id).bind(author).bind(item.at.unwrap_or(now)).bind(action.as_str()).bind(status).bind(note).bind(&*data)
                    .execute(&mut *tx).await?;
                if let Some(p) = publication {
                    p.project_id = id;
                    publications::record_publication!(tx, p);
                }
                ids.push(id);
            }
            tx.commit().await?;
            ids
        });
        Ok(ids)
    }

    pub async fn project(&self, id: i64) -> Result<Option<ProjectRecord>> {
        let row = on!(self, pool => sqlx::query(
        "SELECT p.id, p.org_id, p.status, p.revision, p.updated_at, p.updated_by, r.data FROM projects p
         JOIN revisions r ON r.project_id = p.id AND r.number = p.revision WHERE p.id = $1")
        .bind(id).fetch_optional(pool).await?
        .map(|r| -> Result<ProjectRecord> {
            let data: String = r.try_get("data")?;
            Ok(ProjectRecord {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                status: parse_status(&r.try_get::<String, _>("status")?)?,
                revision: r.try_get("revision")?,
                updated_at: r.try_get("updated_at")?,
                updated_by: r.try_get("updated_by")?,
                project: serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("项目 {id} 的数据：{e}")))?,
            })
        }));
        row.transpose()
    }

    /// Projects matching the filter, newest first unless sorted otherwise.
    pub async fn list_projects(&self, f: &ProjectFilter) -> Result<Vec<ProjectRow>> {
        let rows = self.select_projects(f, false).await?;
        Ok(rows.into_iter().map(|(row, _)| row).collect())
    }

    /// Projects matching the filter with their current revision's data, in one query (a reviewer's
    /// dashboard over thousands of projects).
    pub async fn list_projects_with_data(
        &self,
        f: &ProjectFilter,
    ) -> Result<Vec<(ProjectRow, Project)>> {
        let rows = self.select_projects(f, true).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(row, project)| project.map(|p| (row, p)))
            .collect())
    }

    /// How many projects match the filter (its sort, paging and limit aside).
    pub async fn count_projects(&self, f: &ProjectFilter) -> Result<i64> {
        let whole = ProjectFilter {
            after: None,
            ..f.clone()
        };
        let (conditions, params) = self.project_conditions(&whole);
        let sql = format!("SELECT COUNT(*) AS n FROM projects p WHERE 1 = 1{conditions}");
        Ok(on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for p in &params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            q.fetch_one(pool).await?.try_get::<i64, _>("n")?
        }))
    }

    /// A subquery of the ids in the JSON array bound as parameter `p` (one parameter, any length).
    pub(crate) fn id_list(&self, p: &str) -> String {
        match &self.db {
            Db::Sqlite(_) => format!("(SELECT value FROM json_each({p}))"),
            Db::Postgres(_) => format!("(SELECT jsonb_array_elements_text({p}::jsonb)::bigint)"),
        }
    }

    /// The years with projects matching the filter (its year aside), latest first.
    pub async fn project_years(&self, f: &ProjectFilter) -> Result<Vec<i64>> {
        let all_years = ProjectFilter {
            year: None,
            after: None,
            ..f.clone()
        };
        let (conditions, params) = self.project_conditions(&all_years);
        let sql = format!(
            "SELECT DISTINCT p.year FROM projects p WHERE 1 = 1{conditions} ORDER BY p.year DESC"
        );
        Ok(on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for p in &params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            q.fetch_all(pool).await?.iter().map(|r| r.try_get::<i64, _>("year")).collect::<sqlx::Result<Vec<_>>>()?
        }))
    }

    /// The WHERE conditions of a filter (each starting with " AND") and their parameters, in order.
    fn project_conditions(&self, f: &ProjectFilter) -> (String, Vec<Param>) {
        let mut sql = String::new();
        let mut params = Vec::new();
        let mut bind = |p: Param| {
            params.push(p);
            format!("${}", params.len())
        };
        if let Some(ids) = &f.org_ids {
            let p = bind(Param::Text(serde_json::to_string(ids).unwrap_or_default()));
            sql.push_str(&format!(" AND p.org_id IN {}", self.id_list(&p)));
        }
        if let Some(y) = f.year {
            sql.push_str(&format!(" AND p.year = {}", bind(Param::Int(i64::from(y)))));
        }
        if let Some(s) = f.status {
            sql.push_str(&format!(
                " AND p.status = {}",
                bind(Param::Text(s.as_str().into()))
            ));
        }
        if let Some(g) = &f.grade {
            sql.push_str(&format!(" AND p.grade = {}", bind(Param::Text(g.clone()))));
        }
        if let Some(s) = &f.search {
            let like = format!("%{}%", s.replace(['%', '_'], ""));
            sql.push_str(&format!(" AND p.name LIKE {}", bind(Param::Text(like))));
        }
        match f.has_findings {
            Some(true) => sql.push_str(" AND (p.errors + p.warnings) > 0"),
            Some(false) => sql.push_str(" AND (p.errors + p.warnings) = 0"),
            None => {}
        }
        if let Some(after) = f.after {
            // The row value of the page's last project, compared in the sort's direction.
            let (keys, descending) = f.sort.keys();
            let row = keys.join(", ");
            let of_last = keys.join(", ").replace("p.", "l.");
            let p = bind(Param::Int(after));
            let op = if descending { "<" } else { ">" };
            sql.push_str(&format!(
                " AND ({row}) {op} (SELECT {of_last} FROM projects l WHERE l.id = {p})"
            ));
        }
        (sql, params)
    }

    async fn select_projects(
        &self,
        f: &ProjectFilter,
        with_data: bool,
    ) -> Result<Vec<(ProjectRow, Option<Project>)>> {
        // Filters are bound parameters; only the fixed ORDER BY choice is spliced in.
        let mut sql = String::from(
            "SELECT p.id, p.org_id, o.name AS org_name, p.name, p.year, p.status, p.revision, p.total_centi, p.self_total_centi, p.grade,
                    p.errors, p.warnings, p.annual_fen, p.updated_at",
        );
        sql.push_str(if with_data {
            ", r.data FROM projects p JOIN orgs o ON o.id = p.org_id
               JOIN revisions r ON r.project_id = p.id AND r.number = p.revision WHERE 1 = 1"
        } else {
            " FROM projects p JOIN orgs o ON o.id = p.org_id WHERE 1 = 1"
        });
        let (conditions, params) = self.project_conditions(f);
        sql.push_str(&conditions);
        let (keys, descending) = f.sort.keys();
        let direction = if descending { " DESC" } else { "" };
        let order: Vec<String> = keys.iter().map(|k| format!("{k}{direction}")).collect();
        sql.push_str(&format!(
            " ORDER BY {} LIMIT {} OFFSET {}",
            order.join(", "),
            f.limit.clamp(1, 10_000),
            f.offset.max(0)
        ));
        let rows = on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for p in &params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            q.fetch_all(pool).await?.iter().map(|r| -> Result<(ProjectRow, Option<Project>)> {
                let row = row_from(r)?;
                let project = if with_data {
                    let data: String = r.try_get("data")?;
                    let id = row.id;
                    Some(serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("项目 {id} 的数据：{e}")))?)
                } else {
                    None
                };
                Ok((row, project))
            }).collect::<Vec<_>>()
        });
        rows.into_iter().collect()
    }

    /// Saves a new revision on top of `base`. If someone else saved since, nothing is written and
    /// the caller gets `Conflict` with the current revision number.
    pub async fn save_project(
        &self,
        id: i64,
        base: i64,
        project: &Project,
        author: i64,
        action: Action,
        note: &str,
    ) -> Result<i64> {
        let current = self
            .project(id)
            .await?
            .ok_or(StoreError::NotFound("项目"))?;
        self.append(id, base, project, current.status, author, action, note)
            .await
    }

    /// Moves a project along the workflow; the move is a revision of its own (same data).
    pub async fn set_status(
        &self,
        id: i64,
        base: i64,
        to: Status,
        author: i64,
        note: &str,
    ) -> Result<i64> {
        let current = self
            .project(id)
            .await?
            .ok_or(StoreError::NotFound("项目"))?;
        if !current.status.can_move_to(to) {
            return Err(StoreError::BadTransition {
                from: current.status.label(),
                to: to.label(),
            });
        }
        self.append(
            id,
            base,
            &current.project,
            to,
            author,
            Action::Status(to),
            note,
        )
        .await
    }

    /// Restores the data of an earlier revision as a new revision.
    pub async fn restore(
        &self,
        id: i64,
        base: i64,
        from_revision: i64,
        author: i64,
    ) -> Result<i64> {
        let old = self
            .revision(id, from_revision)
            .await?
            .ok_or(StoreError::NotFound("版本"))?;
        let current = self
            .project(id)
            .await?
            .ok_or(StoreError::NotFound("项目"))?;
        self.append(
            id,
            base,
            &old.project,
            current.status,
            author,
            Action::Restore,
            &format!("恢复第 {from_revision} 版"),
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn append(
        &self,
        id: i64,
        base: i64,
        project: &Project,
        status: Status,
        author: i64,
        action: Action,
        note: &str,
    ) -> Result<i64> {
        let history = self.history_of_project(id).await?;
        let (_, summary) = Summary::evaluate_against(project, &history, &self.policy);
        let s = ListColumns::from_summary(project, &summary);
        let data =
            serde_json::to_string(project).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let now = now_millis();
        let next = base + 1;
        let publication = match action {
            Action::Status(Status::Published) => Some(
                self.new_publication(id, next, project, &summary, note, now)
                    .await?,
            ),
            _ => None,
        };
        let written = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // The conditional update takes the write lock first and is the conflict check.
            let n = sqlx::query(
                "UPDATE projects SET revision = $1, status = $2, name = $3, year = $4, total_centi = $5, self_total_centi = $6, grade = $7,
                 errors = $8, warnings = $9, annual_fen = $10, updated_at = $11, updated_by = $12, summary_stamp = $13 WHERE id = $14 AND revision = $15")
                .bind(next).bind(status.as_str()).bind(&s.name).bind(s.year).bind(s.total_centi).bind(s.self_total_centi).bind(&s.grade)
                .bind(s.errors).bind(s.warnings).bind(s.annual_fen).bind(now).bind(author).bind(&*self.stamp).bind(id).bind(base)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                sqlx::query("INSERT INTO revisions (project_id, number, author_id, created_at, action, status, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(id).bind(next).bind(author).bind(now).bind(action.as_str()).bind(status.as_str()).bind(note).bind(&data)
                    .execute(&mut *tx).await?;
                if let Some(p) = &publication {
                    publications::record_publication!(tx, p);
                }
                tx.commit().await?;
                true
            } else {
                tx.rollback().await?;
                false
            }
        });
        if written {
            Ok(next)
        } else {
            let current = self
                .project(id)
                .await?
                .ok_or(StoreError::NotFound("项目"))?;
            Err(StoreError::Conflict {
                base,
                current: current.revision,
            })
        }
    }

    pub async fn revisions(&self, id: i64) -> Result<Vec<RevisionMeta>> {
        let rows = on!(self, pool => sqlx::query(
            "SELECT r.number, r.author_id, u.display_name, r.created_at, r.action, r.status, r.note FROM revisions r
             JOIN users u ON u.id = r.author_id WHERE r.project_id = $1 ORDER BY r.number DESC")
            .bind(id).fetch_all(pool).await?.iter().map(meta_from).collect::<Vec<_>>());
        rows.into_iter().collect()
    }

    pub async fn revision(&self, id: i64, number: i64) -> Result<Option<Revision>> {
        let row = on!(self, pool => sqlx::query(
        "SELECT r.number, r.author_id, u.display_name, r.created_at, r.action, r.status, r.note, r.data FROM revisions r
         JOIN users u ON u.id = r.author_id WHERE r.project_id = $1 AND r.number = $2")
        .bind(id).bind(number).fetch_optional(pool).await?
        .map(|r| -> Result<Revision> {
            let data: String = r.try_get("data")?;
            Ok(Revision { meta: meta_from(&r)?, project: serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))? })
        }));
        row.transpose()
    }

    // -----------------------------------------------------------------------------------------
    // Comments

    pub async fn add_comment(
        &self,
        project_id: i64,
        revision: i64,
        author: i64,
        indicator: Option<i64>,
        body: &str,
    ) -> Result<i64> {
        let now = now_millis();
        Ok(on!(self, pool => sqlx::query(
            "INSERT INTO comments (project_id, revision, author_id, indicator, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(project_id).bind(revision).bind(author).bind(indicator).bind(body).bind(now)
            .fetch_one(pool).await?.try_get("id")?))
    }

    pub async fn comments(&self, project_id: i64) -> Result<Vec<Comment>> {
        let rows = on!(self, pool => sqlx::query(
            "SELECT c.id, c.revision, c.author_id, u.display_name, c.indicator, c.body, c.created_at FROM comments c
             JOIN users u ON u.id = c.author_id WHERE c.project_id = $1 ORDER BY c.id")
            .bind(project_id).fetch_all(pool).await?
            .iter().map(|r| -> Result<Comment> {
                Ok(Comment {
                    id: r.try_get("id")?,
                    revision: r.try_get("revision")?,
                    author_id: r.try_get("author_id")?,
                    author: r.try_get("display_name")?,
                    indicator: r.try_get("indicator")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            }).collect::<Vec<_>>());
        rows.into_iter().collect()
    }
}

fn org_from<R: Row>(r: &R) -> Result<Org>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let kind: String = r.try_get("kind")?;
    Ok(Org {
        id: r.try_get("id")?,
        parent_id: r.try_get("parent_id")?,
        name: r.try_get("name")?,
        kind: OrgKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("机构类型“{kind}”")))?,
        publish_review: r.try_get::<i64, _>("publish_review")? != 0,
    })
}

fn user_from<R: Row>(r: &R) -> Result<User>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("角色“{role}”")))?,
        org_id: r.try_get("org_id")?,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

fn row_from<R: Row>(r: &R) -> Result<ProjectRow>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(ProjectRow {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        name: r.try_get("name")?,
        year: r.try_get("year")?,
        status: parse_status(&r.try_get::<String, _>("status")?)?,
        revision: r.try_get("revision")?,
        total_centi: r.try_get("total_centi")?,
        self_total_centi: r.try_get("self_total_centi")?,
        grade: r.try_get("grade")?,
        errors: r.try_get("errors")?,
        warnings: r.try_get("warnings")?,
        annual_fen: r.try_get("annual_fen")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn meta_from<R: Row>(r: &R) -> Result<RevisionMeta>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(RevisionMeta {
        number: r.try_get("number")?,
        author_id: r.try_get("author_id")?,
        author: r.try_get("display_name")?,
        created_at: r.try_get("created_at")?,
        action: r.try_get("action")?,
        status: parse_status(&r.try_get::<String, _>("status")?)?,
        note: r.try_get("note")?,
    })
}

fn parse_status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("状态“{s}”")))
}
