//! The audit log (accounts and permissions) and the login lockout computed from it.

use serde::Serialize;
use sqlx::Row;

use crate::{Begin, Result, Store, StoreError, now_millis};

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
    /// A user created an API token (subject: its public id).
    TokenCreated,
    /// A user revoked one of their API tokens.
    TokenRevoked,
    /// A request came with an API token that is unknown: never issued, or revoked.
    TokenRefused,
    /// The finance bureau set whether an organisation's review is published (subject: the organisation).
    PublishReviewSet,
}

impl AuditAction {
    pub const ALL: [AuditAction; 16] = [
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
        AuditAction::TokenCreated,
        AuditAction::TokenRevoked,
        AuditAction::TokenRefused,
        AuditAction::PublishReviewSet,
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
            AuditAction::TokenCreated => "token_created",
            AuditAction::TokenRevoked => "token_revoked",
            AuditAction::TokenRefused => "token_refused",
            AuditAction::PublishReviewSet => "publish_review_set",
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
            AuditAction::TokenCreated => "创建接口令牌",
            AuditAction::TokenRevoked => "吊销接口令牌",
            AuditAction::TokenRefused => "接口令牌无效（未知或已吊销）",
            AuditAction::PublishReviewSet => "设置是否公开审核结果",
        }
    }
}

/// Subjects are recorded as given (a username typed at the login form), but at most this many characters,
/// so the log cannot be flooded through them.
pub const MAX_AUDIT_SUBJECT: usize = 64;

/// `s` cut to [`MAX_AUDIT_SUBJECT`] characters.
pub(crate) fn bounded(s: &str) -> &str {
    s.char_indices()
        .nth(MAX_AUDIT_SUBJECT)
        .map_or(s, |(at, _)| &s[..at])
}

/// The length of an API token's public id: the start of the SHA-256 the store keeps of it.
pub const TOKEN_ID_LEN: usize = 12;

/// The public id of an API token from its stored hash: shown in lists and the audit log, and what a
/// revocation names, without being usable as the token.
pub fn token_id(token_hash: &str) -> &str {
    &token_hash[..token_hash.len().min(TOKEN_ID_LEN)]
}

/// An API token as listed to its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// An entry to append.
#[derive(Debug, Clone, Copy)]
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

/// When repeated failed logins lock an account or a client address. Failures are counted per account *and*
/// address, so someone guessing at a clerk's password from one address locks the clerk out of that address
/// only, not out of everywhere; a much higher ceiling per account over all addresses still stops guessing
/// spread over many addresses.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    /// Failures of one account from one client address within `window_ms` that lock the account for that
    /// address.
    pub account_failures: i64,
    /// Failures of one account from all addresses together within `window_ms` that lock it everywhere.
    pub account_total_failures: i64,
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
            account_total_failures: 50,
            client_failures: 20,
            window_ms: 15 * 60_000,
            lock_ms: 15 * 60_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    /// The account, for logins from this address.
    Account,
    /// The account, from every address (the ceiling over all addresses).
    AccountEverywhere,
    /// This address, for every account.
    Client,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lock {
    pub reason: LockReason,
    /// Milliseconds since the epoch when the lock ends.
    pub until: i64,
}

/// The store's account changes, each written together with its audit entry in one transaction: either
/// both are committed or neither (a change whose entry cannot be written is not made). From
/// [`Store::audited`].
pub struct Audited<'s, 'e> {
    store: &'s Store,
    entry: AuditEntry<'e>,
}

impl Audited<'_, '_> {
    /// The entry alone, for events that change nothing else (a failed login, an unlock, a refused token).
    pub async fn record(self) -> Result<i64> {
        self.store.audit(&self.entry).await
    }

    /// Creates an organisation; the entry's detail gets the new organisation's number appended.
    pub async fn create_org(
        self,
        name: &str,
        kind: crate::OrgKind,
        parent_id: Option<i64>,
    ) -> Result<crate::Org> {
        self.store
            .create_org_audited(name, kind, parent_id, Some(&self.entry))
            .await
    }

    pub async fn create_user(self, new: &crate::NewUser<'_>) -> Result<crate::User> {
        self.store.create_user_audited(new, Some(&self.entry)).await
    }

    /// Sets a password and ends the user's sessions.
    pub async fn set_password(self, user_id: i64, password_hash: &str) -> Result<()> {
        self.store
            .set_password_audited(user_id, password_hash, Some(&self.entry))
            .await
    }

    pub async fn set_user_active(self, user_id: i64, active: bool) -> Result<()> {
        self.store
            .set_user_active_audited(user_id, active, Some(&self.entry))
            .await
    }

    pub async fn set_user_role(self, user_id: i64, role: crate::Role, org_id: i64) -> Result<()> {
        self.store
            .set_user_role_audited(user_id, role, org_id, Some(&self.entry))
            .await
    }

    /// A session begins (a login).
    pub async fn create_session(
        self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: i64,
    ) -> Result<()> {
        self.store
            .create_session_audited(token_hash, user_id, csrf, expires_at, Some(&self.entry))
            .await
    }

    /// A session ends (a logout).
    pub async fn delete_session(self, token_hash: &str) -> Result<()> {
        self.store
            .delete_session_audited(token_hash, Some(&self.entry))
            .await
    }

    pub async fn create_api_token(self, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
        self.store
            .create_api_token_audited(token_hash, user_id, name, Some(&self.entry))
            .await
    }

    /// Sets whether the organisation's review is published with its reports (绩效信息公开).
    pub async fn set_publish_review(self, org_id: i64, publish: bool) -> Result<()> {
        self.store
            .set_publish_review_audited(org_id, publish, Some(&self.entry))
            .await
    }

    /// Revokes the user's token with the public id `id`; nothing is recorded when there was none.
    pub async fn revoke_api_token(self, user_id: i64, id: &str) -> Result<bool> {
        self.store
            .revoke_api_token_audited(user_id, id, Some(&self.entry))
            .await
    }
}

impl Store {
    /// The account changes of [`Audited`], each recorded by `entry` in the same transaction.
    pub fn audited<'s, 'e>(&'s self, entry: AuditEntry<'e>) -> Audited<'s, 'e> {
        Audited { store: self, entry }
    }

    pub async fn audit(&self, e: &AuditEntry<'_>) -> Result<i64> {
        self.audit_at(e, now_millis()).await
    }

    /// Appends an entry with a given time (tests of the lockout window use times in the past).
    pub async fn audit_at(&self, e: &AuditEntry<'_>, at: i64) -> Result<i64> {
        Ok(on!(self, pool => sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, subject, detail, client) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(at).bind(e.actor_id).bind(e.action.as_str()).bind(bounded(e.subject)).bind(e.detail).bind(e.client)
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
    /// audit log. Three counts, each over `policy.window_ms`:
    ///
    /// * the account from this address: lifted early by a successful login *from this address* or an
    ///   admin's unlock (the clerk signing in elsewhere does not give the guesser here a fresh start);
    /// * the account from all addresses (a far higher ceiling, against guessing spread over many
    ///   addresses): lifted early only by an admin's unlock;
    /// * the address over all accounts: only by time (a success on one's own account must not reset
    ///   guessing at others).
    pub async fn login_lock(
        &self,
        username: &str,
        client: &str,
        now: i64,
        policy: &LockPolicy,
    ) -> Result<Option<Lock>> {
        let username = bounded(username);
        let horizon = now - policy.window_ms - policy.lock_ms;
        let unlocked: Option<i64> = on!(self, pool => sqlx::query(
            "SELECT MAX(at) AS at FROM audit_log WHERE action = $1 AND subject = $2")
            .bind(AuditAction::Unlocked.as_str()).bind(username)
            .fetch_one(pool).await?.try_get("at")?);
        let here_ok: Option<i64> = on!(self, pool => sqlx::query(
            "SELECT MAX(at) AS at FROM audit_log WHERE action = $1 AND subject = $2 AND client = $3")
            .bind(AuditAction::LoginOk.as_str()).bind(username).bind(client)
            .fetch_one(pool).await?.try_get("at")?);
        let everywhere_since = unlocked.map_or(horizon, |u| u.max(horizon));
        let here_since = here_ok.map_or(everywhere_since, |r| r.max(everywhere_since));
        let here = self
            .failures(
                &[("subject", username), ("client", client)],
                here_since,
                policy.account_failures,
            )
            .await?;
        if let Some(until) = locked_until(&here, policy.account_failures, policy, now) {
            return Ok(Some(Lock {
                reason: LockReason::Account,
                until,
            }));
        }
        let everywhere = self
            .failures(
                &[("subject", username)],
                everywhere_since,
                policy.account_total_failures,
            )
            .await?;
        if let Some(until) = locked_until(&everywhere, policy.account_total_failures, policy, now) {
            return Ok(Some(Lock {
                reason: LockReason::AccountEverywhere,
                until,
            }));
        }
        if !client.is_empty() {
            let by_client = self
                .failures(&[("client", client)], horizon, policy.client_failures)
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

    /// Failed logins after `since` matching every (column, value), newest first, at most `n`.
    async fn failures(
        &self,
        matching: &[(&'static str, &str)],
        since: i64,
        n: i64,
    ) -> Result<Vec<i64>> {
        // Column names are fixed strings of this module; the values are bound.
        let mut sql = String::from("SELECT at FROM audit_log WHERE action = $1 AND at > $2");
        for (i, (column, _)) in matching.iter().enumerate() {
            sql.push_str(&format!(" AND {column} = ${}", i + 3));
        }
        sql.push_str(&format!(" ORDER BY at DESC LIMIT ${}", matching.len() + 3));
        let times = on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(AuditAction::LoginFailed.as_str()).bind(since);
            for (_, value) in matching {
                q = q.bind(*value);
            }
            q.bind(n.max(1)).fetch_all(pool).await?
                .iter().map(|r| r.try_get::<i64, _>("at")).collect::<std::result::Result<Vec<_>, _>>()?
        });
        Ok(times)
    }

    /// Changes a user's role and organisation. Sessions stay: every request reads the user afresh.
    pub async fn set_user_role(&self, user_id: i64, role: crate::Role, org_id: i64) -> Result<()> {
        self.set_user_role_audited(user_id, role, org_id, None)
            .await
    }

    pub(crate) async fn set_user_role_audited(
        &self,
        user_id: i64,
        role: crate::Role,
        org_id: i64,
        audit: Option<&AuditEntry<'_>>,
    ) -> Result<()> {
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE users SET role = $1, org_id = $2 WHERE id = $3")
                .bind(role.as_str()).bind(org_id).bind(user_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound("用户"));
            }
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
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
