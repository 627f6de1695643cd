//! Account protection: login lockout after repeated failures, and audit entries for what happens to
//! accounts and permissions. Both live in the store (the audit log), so they hold across restarts and
//! across several server processes on one database.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use jixiao_store::{AuditAction, AuditEntry, Lock, LockPolicy, LockReason, now_millis};

use crate::Shared;
use crate::error::AppError;

/// Within 15 minutes, for 15 minutes: 5 failures of an account from one address lock the account for that
/// address (the clerk still signs in from their own computer); 50 failures of an account from all addresses
/// together lock it everywhere (guessing spread over many addresses); 20 failures from one address, over
/// any accounts, lock the address.
pub const LOCK_POLICY: LockPolicy = LockPolicy {
    account_failures: 5,
    account_total_failures: 50,
    client_failures: 20,
    window_ms: 15 * 60_000,
    lock_ms: 15 * 60_000,
};

/// Reverse proxies whose `X-Forwarded-For` is believed (`jixiao serve --trusted-proxy`), as a request
/// extension. Behind a proxy every connection comes from the proxy's address, so without this the
/// per-address lockout would lock everyone out at once.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Vec<IpAddr>);

/// The client's IP address ('' when the server was not started with connection info).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(ClientAddr(String::new()));
        };
        let trusted = parts
            .extensions
            .get::<TrustedProxies>()
            .map(|t| t.0.as_slice())
            .unwrap_or_default();
        if !trusted.contains(&peer) {
            return Ok(ClientAddr(peer.to_string()));
        }
        // The rightmost address no trusted proxy added: what lies left of it the client could have written.
        let entries: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        let mut client = peer;
        for entry in entries.iter().rev() {
            match entry.trim().parse::<IpAddr>() {
                Ok(ip) if trusted.contains(&ip) => continue,
                Ok(ip) => client = ip,
                Err(_) => {}
            }
            break;
        }
        Ok(ClientAddr(client.to_string()))
    }
}

/// Records an event that changes nothing else (a failed or refused login, an unlock, a refused API
/// token). Changes are recorded by the store with the change itself ([`jixiao_store::Audited`]).
pub async fn record(
    state: &Shared,
    actor_id: Option<i64>,
    action: AuditAction,
    subject: &str,
    detail: &str,
    client: &str,
) -> Result<(), AppError> {
    state
        .store
        .audited(AuditEntry {
            actor_id,
            action,
            subject,
            detail,
            client,
        })
        .record()
        .await?;
    Ok(())
}

pub async fn lock_of(
    state: &Shared,
    username: &str,
    client: &str,
) -> Result<Option<Lock>, AppError> {
    Ok(state
        .store
        .login_lock(username, client, now_millis(), &LOCK_POLICY)
        .await?)
}

/// Whole minutes left, rounded up (at least 1).
pub fn minutes_left(lock: &Lock) -> i64 {
    ((lock.until - now_millis()).max(0) + 59_999) / 60_000
}

pub fn lock_message(lock: &Lock) -> String {
    let minutes = minutes_left(lock).max(1);
    match lock.reason {
        LockReason::Account => format!(
            "该账号在本机连续登录失败次数过多，本机已临时不能登录该账号，请约 {minutes} 分钟后再试（其他电脑不受影响）；如需立即解除，请联系系统管理员。"
        ),
        LockReason::AccountEverywhere => format!(
            "该账号近期在多处登录失败次数过多，已临时锁定，请约 {minutes} 分钟后再试；如需立即解除，请联系系统管理员。"
        ),
        LockReason::Client => {
            format!("本机登录失败次数过多，已暂时禁止登录，请约 {minutes} 分钟后再试。")
        }
    }
}
