//! Administration: users and organisations, and the audit log (admin role only). Every change made
//! here is an audit entry.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_store::{AuditAction, NewUser, OrgKind, Role};
use serde::Deserialize;

use crate::Shared;
use crate::access::require;
use crate::accounts::{self, ClientAddr};
use crate::auth::{CurrentUser, check_password_rules, hash_password};
use crate::error::AppError;
use crate::view::Nav;

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub depth: usize,
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub org: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    nav: Nav,
    orgs: Vec<OrgRow>,
    users: Vec<UserRow>,
}

fn is_admin(user: &CurrentUser) -> Result<(), AppError> {
    require(user.user.role == Role::Admin)
}

pub async fn page(
    State(state): State<Shared>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    is_admin(&user)?;
    let orgs = state.orgs().await?;
    // Tree order: each organisation under its parent.
    let mut rows = Vec::new();
    fn walk(orgs: &[jixiao_store::Org], parent: Option<i64>, depth: usize, out: &mut Vec<OrgRow>) {
        for o in orgs.iter().filter(|o| o.parent_id == parent) {
            out.push(OrgRow {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind.label(),
                depth,
            });
            walk(orgs, Some(o.id), depth + 1, out);
        }
    }
    walk(&orgs, None, 0, &mut rows);
    let users = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role.label(),
            org: orgs
                .iter()
                .find(|o| o.id == u.org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            active: u.active,
        })
        .collect();
    Ok(Html(
        AdminPage {
            nav: user.nav(),
            orgs: rows,
            users,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct UserForm {
    username: String,
    display_name: String,
    password: String,
    role: String,
    org_id: i64,
}

pub async fn create_user(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    is_admin(&user)?;
    let role = Role::parse(&f.role)
        .ok_or_else(|| AppError::BadRequest(format!("未知角色“{}”", f.role)))?;
    let username = f.username.trim();
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        return Err(AppError::BadRequest("用户名不能为空，也不能含空格".into()));
    }
    check_password_rules(&f.password)?;
    let org = state
        .org(f.org_id)
        .await?
        .ok_or_else(|| AppError::BadRequest("所选机构不存在".into()))?;
    let hash = hash_password(&f.password)?;
    state
        .store
        .create_user(&NewUser {
            username,
            display_name: f.display_name.trim(),
            password_hash: &hash,
            role,
            org_id: f.org_id,
        })
        .await?;
    let detail = format!("{}，{}，{}", f.display_name.trim(), role.label(), org.name);
    accounts::record(
        &state,
        Some(user.user.id),
        AuditAction::UserCreated,
        username,
        &detail,
        &client,
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

pub async fn set_active(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, AppError> {
    is_admin(&user)?;
    if id == user.user.id {
        return Err(AppError::BadRequest("不能停用自己的账号".into()));
    }
    let target = state.store.user(id).await?.ok_or(AppError::NotFound)?;
    let active = f.active == "1";
    // Deactivating also ends the user's sessions (in the store).
    state.store.set_user_active(id, active).await?;
    let action = if active {
        AuditAction::UserActivated
    } else {
        AuditAction::UserDeactivated
    };
    accounts::record(
        &state,
        Some(user.user.id),
        action,
        &target.username,
        "",
        &client,
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct OrgForm {
    name: String,
    kind: String,
    #[serde(default)]
    parent_id: String,
}

pub async fn create_org(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    is_admin(&user)?;
    let kind = OrgKind::parse(&f.kind)
        .ok_or_else(|| AppError::BadRequest(format!("未知机构类型“{}”", f.kind)))?;
    let parent = f.parent_id.trim().parse::<i64>().ok();
    if let Some(p) = parent {
        state
            .org(p)
            .await?
            .ok_or_else(|| AppError::BadRequest("上级机构不存在".into()))?;
    }
    if f.name.trim().is_empty() {
        return Err(AppError::BadRequest("机构名称不能为空".into()));
    }
    let org = state.store.create_org(f.name.trim(), kind, parent).await?;
    let detail = format!("{}，编号 {}", kind.label(), org.id);
    accounts::record(
        &state,
        Some(user.user.id),
        AuditAction::OrgCreated,
        &org.name,
        &detail,
        &client,
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    user_id: i64,
    role: String,
    org_id: i64,
}

/// Changes a user's role and organisation. Their sessions stay valid: every request reads the user
/// afresh, so the new permissions apply from the next request.
pub async fn set_role(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Form(f): Form<RoleForm>,
) -> Result<Response, AppError> {
    is_admin(&user)?;
    if f.user_id == user.user.id {
        return Err(AppError::BadRequest("不能变更自己的角色或机构".into()));
    }
    let role = Role::parse(&f.role)
        .ok_or_else(|| AppError::BadRequest(format!("未知角色“{}”", f.role)))?;
    let target = state
        .store
        .user(f.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = state
        .org(f.org_id)
        .await?
        .ok_or_else(|| AppError::BadRequest("所选机构不存在".into()))?;
    let old_org = state
        .org(target.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    state.store.set_user_role(target.id, role, org.id).await?;
    let detail = format!(
        "{}（{}）→ {}（{}）",
        target.role.label(),
        old_org,
        role.label(),
        org.name
    );
    accounts::record(
        &state,
        Some(user.user.id),
        AuditAction::RoleChanged,
        &target.username,
        &detail,
        &client,
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct ResetForm {
    user_id: i64,
    password: String,
}

/// Sets a new password for a user who forgot theirs; the store ends all of that user's sessions.
pub async fn reset_password(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Form(f): Form<ResetForm>,
) -> Result<Response, AppError> {
    is_admin(&user)?;
    let target = state
        .store
        .user(f.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_password_rules(&f.password)?;
    state
        .store
        .set_password(target.id, &hash_password(&f.password)?)
        .await?;
    accounts::record(
        &state,
        Some(user.user.id),
        AuditAction::PasswordReset,
        &target.username,
        "该用户的登录会话已全部结束",
        &client,
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct UnlockForm {
    user_id: i64,
}

/// Lifts a lockout after failed logins (the failures before it stop counting).
pub async fn unlock(
    State(state): State<Shared>,
    ClientAddr(client): ClientAddr,
    user: CurrentUser,
    Form(f): Form<UnlockForm>,
) -> Result<Response, AppError> {
    is_admin(&user)?;
    let target = state
        .store
        .user(f.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    accounts::record(
        &state,
        Some(user.user.id),
        AuditAction::Unlocked,
        &target.username,
        "",
        &client,
    )
    .await?;
    Ok(Redirect::to("/admin").into_response())
}

pub struct AuditLine {
    pub time: String,
    pub action: &'static str,
    pub subject: String,
    pub actor: String,
    pub detail: String,
    pub client: String,
    pub alert: bool,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    lines: Vec<AuditLine>,
    total: i64,
    offset: i64,
    prev: Option<i64>,
    next: Option<i64>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    offset: Option<i64>,
}

const AUDIT_PAGE: i64 = 100;

pub async fn audit_page(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    is_admin(&user)?;
    let offset = q.offset.unwrap_or(0).max(0);
    let total = state.store.count_audit().await?;
    let lines = state
        .store
        .audit_log(AUDIT_PAGE, offset)
        .await?
        .into_iter()
        .map(|r| {
            let action = AuditAction::parse(&r.action);
            AuditLine {
                time: crate::view::time(r.at),
                action: action.map_or("其他", AuditAction::label),
                alert: matches!(
                    action,
                    Some(AuditAction::LoginFailed | AuditAction::LoginLocked)
                ),
                subject: r.subject,
                actor: r.actor.unwrap_or_default(),
                detail: r.detail,
                client: r.client,
            }
        })
        .collect();
    let prev = (offset > 0).then(|| (offset - AUDIT_PAGE).max(0));
    let next = (offset + AUDIT_PAGE < total).then_some(offset + AUDIT_PAGE);
    Ok(Html(
        AuditPage {
            nav: user.nav(),
            lines,
            total,
            offset,
            prev,
            next,
        }
        .render()?,
    ))
}
