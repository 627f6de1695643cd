//! The audit log (accounts and permissions) and the login lockout computed from it.

use serde::Serialize;
use sqlx::Row;

use crate::{Result, Store, StoreError, now_millis};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    LoginOk,
    LoginFailed,
    /// A login refused without checking the password because the account or address is locked.
    LoginLocked,
    Logout,
    PasswordChanged,
    /// An admin set a user's password.
    PasswordReset,
    UserCreated,
    UserActivated,
    UserDeactivated,
    RoleChanged,
    OrgCreated,
    /// An admin lifted an account's lockout.
    Unlocked,
}

impl AuditAction {
    pub const ALL: [AuditAction; 12] = [
        AuditAction::LoginOk,
        AuditAction::LoginFailed,
        AuditAction::LoginLocked,
        AuditAction::Logout,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::UserCreated,
        AuditAction::UserActivated,
        AuditAction::UserDeactivated,
        AuditAction::RoleChanged,
        AuditAction::OrgCreated,
        AuditAction::Unlocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::LoginOk => "login_ok",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::LoginLocked => "login_locked",
            AuditAction::Logout => "logout",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::UserCreated => "user_created",
            AuditAction::UserActivated => "user_activated",
            AuditAction::UserDeactivated => "user_deactivated",
            AuditAction::RoleChanged => "role_changed",
            AuditAction::OrgCreated => "org_created",
            AuditAction::Unlocked => "unlocked",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditAction::LoginOk => "登录成功",
            AuditAction::LoginFailed => "登录失败",
            AuditAction::LoginLocked => "锁定期间尝试登录",
            AuditAction::Logout => "退出登录",
            AuditAction::PasswordChanged => "修改密码",
            AuditAction::PasswordReset => "管理员重置密码",
            AuditAction::UserCreated => "新建用户",
            AuditAction::UserActivated => "启用用户",
            AuditAction::UserDeactivated => "停用用户",
            AuditAction::RoleChanged => "变更角色或机构",
            AuditAction::OrgCreated => "新建机构",
            AuditAction::Unlocked => "解除锁定",
        }
    }
}

/// An entry to append.
pub struct AuditEntry<'a> {
    pub actor_id: Option<i64>,
    pub action: AuditAction,
    pub subject: &'a str,
    pub detail: &'a str,
    pub client: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    /// The actor's username (None for anonymous events).
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub client: String,
}

/// When repeated failed logins lock an account or a client address.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    /// Failures of one account within `window_ms` that lock it.
    pub account_failures: i64,
    /// Failures from one client address (any accounts) within `window_ms` that lock the address.
    pub client_failures: i64,
    pub window_ms: i64,
    /// How long a lock lasts after the failure that set it.
    pub lock_ms: i64,
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy {
            account_failures: 5,
            client_failures: 20,
            window_ms: 15 * 60_000,
            lock_ms: 15 * 60_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    Account,
    Client,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lock {
    pub reason: LockReason,
    /// Milliseconds since the epoch when the lock ends.
    pub until: i64,
}

impl Store {
    pub async fn audit(&self, e: &AuditEntry<'_>) -> Result<i64> {
        self.audit_at(e, now_millis()).await
    }

    /// Appends an entry with a given time (tests of the lockout window use times in the past).
    pub async fn audit_at(&self, e: &AuditEntry<'_>, at: i64) -> Result<i64> {
        Ok(on!(self, pool => sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, subject, detail, client) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(at).bind(e.actor_id).bind(e.action.as_str()).bind(e.subject).bind(e.detail).bind(e.client)
            .fetch_one(pool).await?.try_get("id")?))
    }

    /// Newest first.
    pub async fn audit_log(&self, limit: i64, offset: i64) -> Result<Vec<AuditRow>> {
        let rows = on!(self, pool => sqlx::query(
            "SELECT a.id, a.at, a.actor_id, u.username, a.action, a.subject, a.detail, a.client FROM audit_log a
             LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.id DESC LIMIT $1 OFFSET $2")
            .bind(limit.clamp(1, 10_000)).bind(offset.max(0)).fetch_all(pool).await?
            .iter().map(|r| -> Result<AuditRow> {
                Ok(AuditRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    actor: r.try_get("username")?,
                    action: r.try_get("action")?,
                    subject: r.try_get("subject")?,
                    detail: r.try_get("detail")?,
                    client: r.try_get("client")?,
                })
            }).collect::<Vec<_>>());
        rows.into_iter().collect()
    }

    pub async fn count_audit(&self) -> Result<i64> {
        Ok(
            on!(self, pool => sqlx::query("SELECT COUNT(*) AS n FROM audit_log").fetch_one(pool).await?.try_get("n")?),
        )
    }

    /// Whether a login for `username` from `client` is refused at time `now`, from the failures in the
    /// audit log. An account lock is lifted early by a successful login or an admin's unlock; an address
    /// lock only by time (a success on one's own account must not reset guessing at others).
    pub async fn login_lock(
        &self,
        username: &str,
        client: &str,
        now: i64,
        policy: &LockPolicy,
    ) -> Result<Option<Lock>> {
        let horizon = now - policy.window_ms - policy.lock_ms;
        let reset: Option<i64> = on!(self, pool => sqlx::query(
            "SELECT MAX(at) AS at FROM audit_log WHERE subject = $1 AND (action = $2 OR action = $3)")
            .bind(username).bind(AuditAction::LoginOk.as_str()).bind(AuditAction::Unlocked.as_str())
            .fetch_one(pool).await?.try_get("at")?);
        let since = reset.map_or(horizon, |r| r.max(horizon));
        let account = self
            .failures("subject", username, since, policy.account_failures)
            .await?;
        if let Some(until) = locked_until(&account, policy.account_failures, policy, now) {
            return Ok(Some(Lock {
                reason: LockReason::Account,
                until,
            }));
        }
        if !client.is_empty() {
            let by_client = self
                .failures("client", client, horizon, policy.client_failures)
                .await?;
            if let Some(until) = locked_until(&by_client, policy.client_failures, policy, now) {
                return Ok(Some(Lock {
                    reason: LockReason::Client,
                    until,
                }));
            }
        }
        Ok(None)
    }

    /// Failed logins after `since` by the given column, newest first, at most `n`.
    async fn failures(
        &self,
        column: &'static str,
        value: &str,
        since: i64,
        n: i64,
    ) -> Result<Vec<i64>> {
        let sql = format!(
            "SELECT at FROM audit_log WHERE action = $1 AND {column} = $2 AND at > $3 ORDER BY at DESC LIMIT $4"
        );
        let times = on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(AuditAction::LoginFailed.as_str()).bind(value).bind(since).bind(n.max(1))
            .fetch_all(pool).await?
            .iter().map(|r| r.try_get::<i64, _>("at")).collect::<std::result::Result<Vec<_>, _>>()?);
        Ok(times)
    }

    /// Changes a user's role and organisation. Sessions stay: every request reads the user afresh.
    pub async fn set_user_role(&self, user_id: i64, role: crate::Role, org_id: i64) -> Result<()> {
        let n = on!(self, pool => sqlx::query("UPDATE users SET role = $1, org_id = $2 WHERE id = $3")
            .bind(role.as_str()).bind(org_id).bind(user_id).execute(pool).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound("用户"));
        }
        Ok(())
    }
}

/// `failures` newest first, at most `threshold` of them: locked when `threshold` failures fell within
/// the window, until the lock time after the newest of them.
fn locked_until(failures: &[i64], threshold: i64, policy: &LockPolicy, now: i64) -> Option<i64> {
    let (newest, oldest) = (failures.first()?, failures.last()?);
    let until = newest + policy.lock_ms;
    (failures.len() as i64 >= threshold && newest - oldest <= policy.window_ms && now < until)
        .then_some(until)
}
