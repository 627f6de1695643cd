//! Workflow and review: submit, return, approve, publish; the reviewer's scores (复核得分) and comments.

use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use jixiao_store::{Action, ProjectRecord, Status};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, can_move, can_review, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;

#[derive(Deserialize)]
pub struct StatusForm {
    to: String,
    base: i64,
    #[serde(default)]
    note: String,
}

pub async fn set_status(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let to = input::choice(&form.to, "状态", Status::parse)?;
    require(can_move(&user.user, &rec, to))?;
    required_note(&state, &rec, to, &form.note).await?;
    let rev = state
        .store
        .set_status(id, form.base, to, user.user.id, form.note.trim())
        .await?;
    if !form.note.trim().is_empty() {
        state
            .store
            .add_comment(id, rev, user.user.id, None, form.note.trim())
            .await?;
    }
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}

/// The note a move must carry: the reason for a return (退回意见) or for a correction (更正原因), and
/// the 更正说明 the public page shows when a project is published again.
pub async fn required_note(
    state: &Shared,
    rec: &ProjectRecord,
    to: Status,
    note: &str,
) -> Result<(), AppError> {
    let what = match to {
        Status::Returned if rec.status == Status::Published => "更正原因",
        Status::Returned => "退回意见",
        Status::Published if state.store.was_published(rec.id).await? => "更正说明",
        _ => return Ok(()),
    };
    input::required(note, what).map(|_| ())
}

/// Review scores (复核得分) for the execution row and each indicator, with per-indicator comments.
pub async fn review(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    require(can_review(&user.user, &rec))?;
    let field = |name: &str| crate::view::field(&form, name);
    let base: i64 = field("base")
        .parse()
        .map_err(|_| AppError::BadRequest("缺少版本号".into()))?;
    let score = |name: &str, weight| input::decimal(&field(name), "复核得分", Some(weight));
    let mut p = rec.project.clone();
    p.funds.review_score = score("exec", p.funds.execution_weight)?;
    for i in 0..p.indicators.len() {
        let w = p.indicators[i].weight;
        p.indicators[i].review_score = score(&format!("r{i}"), w)?;
    }
    let rev = state
        .store
        .save_project(id, base, &p, user.user.id, Action::Review, "复核评分")
        .await?;
    for i in 0..p.indicators.len() {
        let c = field(&format!("c{i}"));
        if !c.is_empty() {
            state
                .store
                .add_comment(id, rev, user.user.id, Some(i as i64), &c)
                .await?;
        }
    }
    Ok(Redirect::to(&format!("/projects/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct CommentForm {
    body: String,
    #[serde(default)]
    indicator: String,
}

pub async fn comment(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    require(user.user.role.is_reviewer() || user.user.org_id == rec.org_id)?;
    let body = input::required(&form.body, "意见")?;
    let indicator = form
        .indicator
        .parse::<i64>()
        .ok()
        .filter(|i| (*i as usize) < rec.project.indicators.len());
    state
        .store
        .add_comment(id, rec.revision, user.user.id, indicator, body)
        .await?;
    Ok(Redirect::to(&format!("/projects/{id}#comments")).into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/projects/{id}/status", post(set_status))
        .route("/projects/{id}/review", post(review))
        .route("/projects/{id}/comments", post(comment))
}
