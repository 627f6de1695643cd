//! Login, sessions, CSRF protection, password change.
//!
//! Sessions live in the project's database (only a SHA-256 of the cookie token is stored); cookies are
//! HttpOnly and SameSite=Strict. Every state-changing request made with a session must carry the
//! session's CSRF token (form field `csrf`, query `csrf` for uploads, or header `X-CSRF-Token`) and must
//! not come from another site (Origin / Sec-Fetch-Site). API tokens (`Authorization: Bearer`) are not
//! sent by browsers on their own, so they need no CSRF token.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_store::{AuditAction, AuditEntry, NewUser, OrgKind, Role, Store, User, now_millis};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::accounts::{self, ClientAddr};
use crate::error::AppError;
use crate::view::Nav;
use crate::{MAX_BODY, Shared};

const COOKIE_NAME: &str = "jixiao_session";

pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("密码哈希失败：{e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Password rules: at least 8 characters, with letters and digits.
pub fn check_password_rules(password: &str) -> Result<(), AppError> {
    let ok = password.chars().count() >= 8
        && password.chars().any(|c| c.is_alphabetic())
        && password.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(AppError::BadRequest(
            "密码至少 8 位，且须同时包含字母和数字".into(),
        ))
    }
}

/// On first start with no users: an organisation and an admin with a one-time password.
pub async fn first_admin(store: &Store) -> Result<Option<String>, AppError> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let org = match store.orgs().await?.into_iter().next() {
        Some(o) => o,
        None => store.create_org("财政局", OrgKind::Bureau, None).await?,
    };
    let password = random_token()[..16].to_string();
    let hash = hash_password(&password)?;
    store
        .create_user(&NewUser {
            username: "admin",
            display_name: "系统管理员",
            password_hash: &hash,
            role: Role::Admin,
            org_id: org.id,
        })
        .await?;
    Ok(Some(password))
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The session's CSRF token (empty for API tokens).
    pub csrf: String,
}

impl CurrentUser {
    pub fn nav(&self) -> Nav {
        Nav::of(self)
    }
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == COOKIE_NAME && !v.is_empty()).then(|| v.to_string())
        })
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_string())
}

impl FromRequestParts<Shared> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(u.clone());
        }
        let store = &state.store;
        let current = if let Some(token) = bearer(&parts.headers) {
            let hash = token_hash(&token);
            let user = match store.api_token_user(&hash).await? {
                Some(user_id) => store.user(user_id).await?.filter(|u| u.active),
                None => None,
            };
            let Some(user) = user else {
                // Recorded by the token's public id, which a revocation names too; never the token.
                let ClientAddr(client) = match ClientAddr::from_request_parts(parts, state).await {
                    Ok(c) => c,
                    Err(never) => match never {},
                };
                accounts::record(
                    state,
                    None,
                    AuditAction::TokenRefused,
                    jixiao_store::token_id(&hash),
                    "未知、已吊销或所属账号已停用的令牌",
                    &client,
                )
                .await?;
                return Err(AppError::Unauthorized);
            };
            CurrentUser {
                user,
                csrf: String::new(),
            }
        } else if let Some(token) = cookie_token(&parts.headers) {
            let hash = token_hash(&token);
            // With several processes on one database, a session is read on every request: a logout,
            // password change, deactivation or role change made through another process is refused
            // or applied at once. The same read tells whether another process wrote anything.
            let cached = (!store.is_shared())
                .then(|| state.sessions.get(&hash))
                .flatten();
            match cached {
                Some((current, expires_at)) if expires_at > jixiao_store::now_millis() => current,
                _ => {
                    let generation = state.sessions.generation();
                    let (session, user) = store
                        .session_user(&hash)
                        .await?
                        .ok_or(AppError::Unauthorized)?;
                    state.saw_changes(session.changes);
                    let current = CurrentUser {
                        user,
                        csrf: session.csrf,
                    };
                    if !store.is_shared() {
                        state.sessions.insert(
                            hash,
                            (current.clone(), session.expires_at),
                            generation,
                        );
                    }
                    current
                }
            }
        } else {
            return Err(AppError::Unauthorized);
        };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// The signed-in user of an API request: rejected with a JSON 401 instead of a redirect to the login page.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<Shared> for ApiUser {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        Ok(ApiUser(
            CurrentUser::from_request_parts(parts, state).await?,
        ))
    }
}

/// Refuses cross-site state changes and state changes without the session's CSRF token.
pub async fn csrf_guard(
    State(state): State<Shared>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let method = req.method().clone();
    if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(req).await);
    }
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err(AppError::Csrf);
    }
    if let (Some(origin), Some(host)) = (
        headers.get(ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split_once("://").map_or(origin, |(_, h)| h);
        if origin != "null" && origin_host != host {
            return Err(AppError::Csrf);
        }
    }
    // Token-authenticated API calls carry no ambient credentials.
    if bearer(headers).is_some() && cookie_token(headers).is_none() {
        return Ok(next.run(req).await);
    }
    let Some(token) = cookie_token(headers) else {
        // No session: only the login form can do anything, and handlers refuse the rest.
        return Ok(next.run(req).await);
    };
    let Some(session) = state.store.session(&token_hash(&token)).await? else {
        return Ok(next.run(req).await);
    };
    let expected = session.csrf;
    let from_header = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = req
        .uri()
        .query()
        .and_then(|q| form_field(q.as_bytes(), "csrf"));
    if from_header.as_deref() == Some(expected.as_str())
        || from_query.as_deref() == Some(expected.as_str())
    {
        return Ok(next.run(req).await);
    }
    let is_form = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| AppError::BadRequest("请求内容过大".into()))?;
        if form_field(&bytes, "csrf").as_deref() == Some(expected.as_str()) {
            return Ok(next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await);
        }
    }
    Err(AppError::Csrf)
}

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// `a=1&b=2` pairs, percent-decoded.
fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(
                    u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16).ok()?,
                );
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    error: String,
    username: String,
}

pub async fn login_page() -> Result<Html<String>, AppError> {
    Ok(Html(
        LoginPage {
            error: String::new(),
            username: String::new(),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

fn session_cookie(token: &str, max_age_secs: i64) -> String {
    format!("{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}")
}

/// A new session for the user, recorded by `audit` (a login) in the same transaction when given.
pub async fn start_session(
    state: &Shared,
    user_id: i64,
    audit: Option<AuditEntry<'_>>,
) -> Result<String, AppError> {
    let token = random_token();
    let expires = now_millis() + state.session_hours * 3_600_000;
    let (hash, csrf) = (token_hash(&token), random_token());
    match audit {
        Some(entry) => {
            state
                .store
                .audited(entry)
                .create_session(&hash, user_id, &csrf, expires)
                .await?
        }
        None => {
            state
                .store
                .create_session(&hash, user_id, &csrf, expires)
                .await?
        }
    }
    Ok(session_cookie(&token, state.session_hours * 3600))
}

pub async fn login(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim();
    let refuse =
        |status: StatusCode, error: String, retry: Option<i64>| -> Result<Response, AppError> {
            let page = LoginPage {
                error,
                username: form.username.clone(),
            };
            let mut res = (status, Html(page.render()?)).into_response();
            if let Some(secs) = retry {
                res.headers_mut().insert(RETRY_AFTER, secs.into());
            }
            Ok(res)
        };
    // A locked account or address is refused before any password is checked.
    if let Some(lock) = accounts::lock_of(&state, username, &client).await? {
        accounts::record(
            &state,
            None,
            AuditAction::LoginLocked,
            username,
            "",
            &client,
        )
        .await?;
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            accounts::lock_message(&lock),
            Some(accounts::minutes_left(&lock) * 60),
        );
    }
    let found = state.store.user_by_name(username).await?;
    // Why a login failed is for the audit log only: the page says the same in every case.
    let failure = match &found {
        Some((user, hash)) => match verify_password(&form.password, hash) {
            true if user.active => None,
            true => Some("账号已停用"),
            false => Some("密码错误"),
        },
        None => {
            // Same work for unknown users, so timing does not tell which names exist.
            let _ = verify_password(
                &form.password,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2a0lqGVl8Jr2w3WqQm5Rj9qQ0mSg1a0o7j0y9Qy6b7E",
            );
            Some("用户不存在")
        }
    };
    let Some((user, _)) = found.filter(|_| failure.is_none()) else {
        accounts::record(
            &state,
            None,
            AuditAction::LoginFailed,
            username,
            failure.unwrap_or_default(),
            &client,
        )
        .await?;
        if let Some(lock) = accounts::lock_of(&state, username, &client).await? {
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                accounts::lock_message(&lock),
                Some(accounts::minutes_left(&lock) * 60),
            );
        }
        return refuse(
            StatusCode::UNAUTHORIZED,
            "用户名或密码错误（连续 5 次错误将锁定 15 分钟）".into(),
            None,
        );
    };
    let ok = AuditEntry {
        actor_id: Some(user.id),
        action: AuditAction::LoginOk,
        subject: &user.username,
        detail: "",
        client: &client,
    };
    let cookie = start_session(&state, user.id, Some(ok)).await?;
    state.store.purge_expired_sessions().await?;
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/projects")).into_response())
}

pub async fn logout(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if let Some(token) = cookie_token(&headers) {
        let hash = token_hash(&token);
        match state.store.session_user(&hash).await? {
            Some((_, user)) => {
                let entry = AuditEntry {
                    actor_id: Some(user.id),
                    action: AuditAction::Logout,
                    subject: &user.username,
                    detail: "",
                    client: &client,
                };
                state.store.audited(entry).delete_session(&hash).await?;
            }
            // An expired session: nobody was signed in, nothing to record.
            None => state.store.delete_session(&hash).await?,
        }
    }
    Ok((
        [(SET_COOKIE, session_cookie("", 0))],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "accounts/password.html")]
struct PasswordPage {
    nav: Nav,
    error: String,
}

pub async fn password_page(user: CurrentUser) -> Result<Html<String>, AppError> {
    Ok(Html(
        PasswordPage {
            nav: user.nav(),
            error: String::new(),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    old: String,
    new: String,
    confirm: String,
}

pub async fn change_password(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let fail = |msg: String| -> Result<Response, AppError> {
        let page = PasswordPage {
            nav: user.nav(),
            error: msg,
        };
        Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
    };
    let hash = state.store.password_hash(user.user.id).await?;
    if !verify_password(&form.old, &hash) {
        return fail("原密码不正确".into());
    }
    if form.new != form.confirm {
        return fail("两次输入的新密码不一致".into());
    }
    if let Err(e) = check_password_rules(&form.new) {
        return fail(e.to_string());
    }
    // Ends every session of the user (other browsers too), then signs this browser in again.
    let entry = AuditEntry {
        actor_id: Some(user.user.id),
        action: AuditAction::PasswordChanged,
        subject: &user.user.username,
        detail: "其他登录会话已结束",
        client: &client,
    };
    state
        .store
        .audited(entry)
        .set_password(user.user.id, &hash_password(&form.new)?)
        .await?;
    let cookie = start_session(&state, user.user.id, None).await?;
    Ok((
        [(SET_COOKIE, cookie)],
        Redirect::to("/projects?notice=password"),
    )
        .into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/password", get(password_page).post(change_password))
}
