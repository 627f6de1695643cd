//! 公开设置: the finance bureau decides, per organisation, whether its review (复核得分 and findings) is
//! published with the reports on the public site. Not by default.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use jixiao_store::{AuditAction, AuditEntry, Role};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, require};
use crate::accounts::ClientAddr;
use crate::admin::{OrgRow, org_tree};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::Nav;

#[derive(Template)]
#[template(path = "publishing/settings.html")]
struct SettingsPage {
    nav: Nav,
    orgs: Vec<OrgRow>,
}

/// Only the finance bureau's reviewers decide.
fn is_bureau(user: &CurrentUser) -> Result<(), AppError> {
    require(user.user.role == Role::Finance)
}

async fn page(State(state): State<Shared>, user: CurrentUser) -> Result<Html<String>, AppError> {
    is_bureau(&user)?;
    let orgs = state.orgs().await?;
    let scope = access::subtree(&orgs, user.user.org_id);
    let lines = org_tree(&orgs)
        .into_iter()
        .filter(|o| scope.contains(&o.id) && o.id != user.user.org_id)
        .collect();
    Ok(Html(
        SettingsPage {
            nav: user.nav(),
            orgs: lines,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
struct SetForm {
    org_id: i64,
    #[serde(default)]
    publish_review: String,
}

async fn set(
    State(state): State<Shared>,
    user: CurrentUser,
    ClientAddr(client): ClientAddr,
    Form(f): Form<SetForm>,
) -> Result<Response, AppError> {
    is_bureau(&user)?;
    let orgs = state.orgs().await?;
    let org = orgs
        .iter()
        .find(|o| o.id == f.org_id)
        .filter(|o| access::subtree(&orgs, user.user.org_id).contains(&o.id))
        .ok_or(AppError::NotFound)?;
    let publish = f.publish_review == "1";
    let detail = if publish {
        "随自评公开审核结果"
    } else {
        "不公开审核结果"
    };
    state
        .store
        .audited(AuditEntry {
            actor_id: Some(user.user.id),
            action: AuditAction::PublishReviewSet,
            subject: &org.name,
            detail,
            client: &client,
        })
        .set_publish_review(org.id, publish)
        .await?;
    Ok(Redirect::to("/publishing").into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/publishing", get(page))
        .route("/publishing/review", post(set))
}
