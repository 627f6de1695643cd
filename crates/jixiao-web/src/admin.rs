//! Administration: users and organisations, and the audit log (admin role only). Every change made
//! here is an audit entry, written by the store in the same transaction as the change.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_store::{AuditAction, AuditEntry, NewUser, OrgKind, Role};
use serde::Deserialize;

use crate::Shared;
use crate::access::require;
use crate::accounts::ClientAddr;
use crate::auth::{CurrentUser, check_password_rules, hash_password};
use crate::error::AppError;
use crate::input;
use crate::view::Nav;

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub depth: usize,
    pub publish_review: bool,
}

/// The organisations in tree order, each under its parent, with its depth.
pub fn org_tree(orgs: &[jixiao_store::Org]) -> Vec<OrgRow> {
    fn walk(orgs: &[jixiao_store::Org], parent: Option<i64>, depth: usize, out: &mut Vec<OrgRow>) {
        for o in orgs.iter().filter(|o| o.parent_id == parent) {
            out.push(OrgRow {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind.label(),
                depth,
                publish_review: o.publish_review,
            });
            walk(orgs, Some(o.id), depth + 1, out);
        }
    }
    let mut rows = Vec::new();
    walk(orgs, None, 0, &mut rows);
    rows
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
#[template(path = "admin/admin.html")]
struct AdminPage {
    nav: Nav,
    orgs: Vec<OrgRow>,
    users: Vec<UserRow>,
}

fn is_admin(user: &CurrentUser) -> Result<(), AppError> {
    require(user.user.role == Role::Admin)
}

/// The signed-in administrator making a change, and where from (for the audit entry).
pub struct Admin {
    user: CurrentUser,
    client: String,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Admin
where
    CurrentUser: axum::extract::FromRequestParts<S, Rejection = AppError>,
    ClientAddr: axum::extract::FromRequestParts<S, Rejection = std::convert::Infallible>,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        is_admin(&user)?;
        let ClientAddr(client) = match ClientAddr::from_request_parts(parts, state).await {
            Ok(c) => c,
            Err(never) => match never {},
        };
        Ok(Admin { user, client })
    }
}

impl Admin {
    /// The audit entry of a change this admin makes.
    fn entry<'a>(
        &'a self,
        action: AuditAction,
        subject: &'a str,
        detail: &'a str,
    ) -> AuditEntry<'a> {
        AuditEntry {
            actor_id: Some(self.user.user.id),
            action,
            subject,
            detail,
            client: &self.client,
        }
    }
}

fn back() -> Response {
    Redirect::to("/admin").into_response()
}

/// The user a form names.
async fn target(state: &Shared, id: i64) -> Result<jixiao_store::User, AppError> {
    state.store.user(id).await?.ok_or(AppError::NotFound)
}

pub async fn page(
    State(state): State<Shared>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    is_admin(&user)?;
    let orgs = state.orgs().await?;
    let rows = org_tree(&orgs);
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
    admin: Admin,
    Form(f): Form<UserForm>,
) -> Result<Response, AppError> {
    let role = input::choice(&f.role, "角色", Role::parse)?;
    let username = input::required(&f.username, "用户名")?;
    if username.chars().any(char::is_whitespace) {
        return Err(AppError::BadRequest("用户名不能含空格".into()));
    }
    check_password_rules(&f.password)?;
    let org = input::found(state.org(f.org_id).await?, "所选机构")?;
    let hash = hash_password(&f.password)?;
    let detail = format!("{}，{}，{}", f.display_name.trim(), role.label(), org.name);
    state
        .store
        .audited(admin.entry(AuditAction::UserCreated, username, &detail))
        .create_user(&NewUser {
            username,
            display_name: f.display_name.trim(),
            password_hash: &hash,
            role,
            org_id: f.org_id,
        })
        .await?;
    Ok(back())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

pub async fn set_active(
    State(state): State<Shared>,
    admin: Admin,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, AppError> {
    if id == admin.user.user.id {
        return Err(AppError::BadRequest("不能停用自己的账号".into()));
    }
    let target = target(&state, id).await?;
    let active = f.active == "1";
    let action = if active {
        AuditAction::UserActivated
    } else {
        AuditAction::UserDeactivated
    };
    // Deactivating also ends the user's sessions (in the store).
    state
        .store
        .audited(admin.entry(action, &target.username, ""))
        .set_user_active(id, active)
        .await?;
    Ok(back())
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
    admin: Admin,
    Form(f): Form<OrgForm>,
) -> Result<Response, AppError> {
    let kind = input::choice(&f.kind, "机构类型", OrgKind::parse)?;
    let parent = f.parent_id.trim().parse::<i64>().ok();
    if let Some(p) = parent {
        input::found(state.org(p).await?, "上级机构")?;
    }
    let name = input::required(&f.name, "机构名称")?;
    // The store appends the new organisation's number to the detail.
    state
        .store
        .audited(admin.entry(AuditAction::OrgCreated, name, kind.label()))
        .create_org(name, kind, parent)
        .await?;
    Ok(back())
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
    admin: Admin,
    Form(f): Form<RoleForm>,
) -> Result<Response, AppError> {
    if f.user_id == admin.user.user.id {
        return Err(AppError::BadRequest("不能变更自己的角色或机构".into()));
    }
    let role = input::choice(&f.role, "角色", Role::parse)?;
    let target = target(&state, f.user_id).await?;
    let org = input::found(state.org(f.org_id).await?, "所选机构")?;
    let old_org = state
        .org(target.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let detail = format!(
        "{}（{}）→ {}（{}）",
        target.role.label(),
        old_org,
        role.label(),
        org.name
    );
    state
        .store
        .audited(admin.entry(AuditAction::RoleChanged, &target.username, &detail))
        .set_user_role(target.id, role, org.id)
        .await?;
    Ok(back())
}

#[derive(Deserialize)]
pub struct ResetForm {
    user_id: i64,
    password: String,
}

/// Sets a new password for a user who forgot theirs; the store ends all of that user's sessions.
pub async fn reset_password(
    State(state): State<Shared>,
    admin: Admin,
    Form(f): Form<ResetForm>,
) -> Result<Response, AppError> {
    let target = target(&state, f.user_id).await?;
    check_password_rules(&f.password)?;
    let entry = admin.entry(
        AuditAction::PasswordReset,
        &target.username,
        "该用户的登录会话已全部结束",
    );
    state
        .store
        .audited(entry)
        .set_password(target.id, &hash_password(&f.password)?)
        .await?;
    Ok(back())
}

#[derive(Deserialize)]
pub struct UnlockForm {
    user_id: i64,
}

/// Lifts a lockout after failed logins (the failures before it stop counting).
pub async fn unlock(
    State(state): State<Shared>,
    admin: Admin,
    Form(f): Form<UnlockForm>,
) -> Result<Response, AppError> {
    let target = target(&state, f.user_id).await?;
    // The entry is the unlock: the lockout counts failures after it only.
    state
        .store
        .audited(admin.entry(AuditAction::Unlocked, &target.username, ""))
        .record()
        .await?;
    Ok(back())
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
#[template(path = "admin/audit.html")]
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
                    Some(
                        AuditAction::LoginFailed
                            | AuditAction::LoginLocked
                            | AuditAction::TokenRefused
                    )
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

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/admin", get(page))
        .route("/admin/users", post(create_user))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/orgs", post(create_org))
        .route("/admin/users/role", post(set_role))
        .route("/admin/users/password", post(reset_password))
        .route("/admin/users/unlock", post(unlock))
        .route("/admin/audit", get(audit_page))
}
