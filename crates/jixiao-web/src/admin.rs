//! Administration: users and organisations (admin role only).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use jixiao_store::{NewUser, OrgKind, Role};
use serde::Deserialize;

use crate::access::require;
use crate::auth::{check_password_rules, hash_password, CurrentUser};
use crate::error::AppError;
use crate::view::Nav;
use crate::Shared;

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

pub async fn page(State(state): State<Shared>, user: CurrentUser) -> Result<Html<String>, AppError> {
    is_admin(&user)?;
    let orgs = state.orgs().await?;
    // Tree order: each organisation under its parent.
    let mut rows = Vec::new();
    fn walk(orgs: &[jixiao_store::Org], parent: Option<i64>, depth: usize, out: &mut Vec<OrgRow>) {
        for o in orgs.iter().filter(|o| o.parent_id == parent) {
            out.push(OrgRow { id: o.id, name: o.name.clone(), kind: o.kind.label(), depth });
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
            org: orgs.iter().find(|o| o.id == u.org_id).map(|o| o.name.clone()).unwrap_or_default(),
            active: u.active,
        })
        .collect();
    Ok(Html(AdminPage { nav: user.nav(), orgs: rows, users }.render()?))
}

#[derive(Deserialize)]
pub struct UserForm {
    username: String,
    display_name: String,
    password: String,
    role: String,
    org_id: i64,
}

pub async fn create_user(State(state): State<Shared>, user: CurrentUser, Form(f): Form<UserForm>) -> Result<Response, AppError> {
    is_admin(&user)?;
    let role = Role::parse(&f.role).ok_or_else(|| AppError::BadRequest(format!("未知角色“{}”", f.role)))?;
    let username = f.username.trim();
    if username.is_empty() || username.chars().any(char::is_whitespace) {
        return Err(AppError::BadRequest("用户名不能为空，也不能含空格".into()));
    }
    check_password_rules(&f.password)?;
    state.org(f.org_id).await?.ok_or_else(|| AppError::BadRequest("所选机构不存在".into()))?;
    let hash = hash_password(&f.password)?;
    state
        .store
        .create_user(&NewUser { username, display_name: f.display_name.trim(), password_hash: &hash, role, org_id: f.org_id })
        .await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: String,
}

pub async fn set_active(State(state): State<Shared>, user: CurrentUser, Path(id): Path<i64>, Form(f): Form<ActiveForm>) -> Result<Response, AppError> {
    is_admin(&user)?;
    if id == user.user.id {
        return Err(AppError::BadRequest("不能停用自己的账号".into()));
    }
    state.store.user(id).await?.ok_or(AppError::NotFound)?;
    state.store.set_user_active(id, f.active == "1").await?;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Deserialize)]
pub struct OrgForm {
    name: String,
    kind: String,
    #[serde(default)]
    parent_id: String,
}

pub async fn create_org(State(state): State<Shared>, user: CurrentUser, Form(f): Form<OrgForm>) -> Result<Response, AppError> {
    is_admin(&user)?;
    let kind = OrgKind::parse(&f.kind).ok_or_else(|| AppError::BadRequest(format!("未知机构类型“{}”", f.kind)))?;
    let parent = f.parent_id.trim().parse::<i64>().ok();
    if let Some(p) = parent {
        state.org(p).await?.ok_or_else(|| AppError::BadRequest("上级机构不存在".into()))?;
    }
    if f.name.trim().is_empty() {
        return Err(AppError::BadRequest("机构名称不能为空".into()));
    }
    state.store.create_org(f.name.trim(), kind, parent).await?;
    state.orgs_changed().await;
    Ok(Redirect::to("/admin").into_response())
}
