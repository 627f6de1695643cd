//! The goals' workflow: submit, adjust, review with a grade (and what it does by the policy), and the
//! year-end self-evaluation started from the approved goals.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use jixiao_core::Grade;
use jixiao_store::{Action, GoalMove};
use serde::Deserialize;

use super::{is_owner, review_level, visible};
use crate::Shared;
use crate::access::require;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;
use crate::view;

#[derive(Deserialize)]
pub struct MoveForm {
    base: i64,
    #[serde(default)]
    note: String,
}

pub(super) async fn submit(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    require(is_owner(&user.user, &rec))?;
    state
        .store
        .move_declaration(
            id,
            form.base,
            GoalMove::Submit,
            user.user.id,
            form.note.trim(),
        )
        .await?;
    Ok(Redirect::to(&format!("/goals/{id}")).into_response())
}

pub(super) async fn adjust(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    require(is_owner(&user.user, &rec))?;
    let reason = input::required(&form.note, "调整理由")?;
    state
        .store
        .move_declaration(id, form.base, GoalMove::Adjust, user.user.id, reason)
        .await?;
    Ok(Redirect::to(&format!("/goals/{id}/edit")).into_response())
}

/// A reviewer's grade (优 良 中 差), what it does by the policy, the opinion, and comments per indicator.
pub(super) async fn review(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    let level = review_level(&user.user, &rec, &state.orgs().await?)
        .ok_or(AppError::Refused("该绩效目标当前不在你的审核环节。"))?;
    let field = |name: &str| view::field(&form, name);
    let base: i64 = field("base")
        .parse()
        .map_err(|_| AppError::BadRequest("缺少版本号".into()))?;
    let grade: Grade = field("grade")
        .parse()
        .map_err(|_| AppError::BadRequest("请选择审核等级（优、良、中、差）".into()))?;
    let consequence = state.store.policy().goals.consequence(grade);
    let note = field("note");
    if consequence != jixiao_core::policy::Consequence::Proceed {
        input::required(&note, "审核意见")?;
    }
    let rev = state
        .store
        .move_declaration(
            id,
            base,
            GoalMove::Review {
                level,
                grade,
                consequence,
            },
            user.user.id,
            &note,
        )
        .await?;
    if !note.is_empty() {
        state
            .store
            .add_declaration_comment(id, rev, user.user.id, None, &note)
            .await?;
    }
    for i in 0..rec.declaration.indicators.len() {
        let c = field(&format!("c{i}"));
        if !c.is_empty() {
            state
                .store
                .add_declaration_comment(id, rev, user.user.id, Some(i as i64), &c)
                .await?;
        }
    }
    Ok(Redirect::to(&format!("/goals/{id}")).into_response())
}

/// The year-end self-evaluation, started from the approved goals and linked to them.
pub(super) async fn start_evaluation(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    require(is_owner(&user.user, &rec))?;
    if let Some(pid) = rec.project_id {
        return Ok(Redirect::to(&format!("/projects/{pid}")).into_response());
    }
    let baseline = match rec.baseline {
        Some(b) => state.store.declaration_revision(id, b).await?,
        None => None,
    }
    .ok_or(AppError::Refused(
        "绩效目标尚未批复，批复后才能据此开展年度自评。",
    ))?;
    let project = state
        .store
        .create_project(
            rec.org_id,
            &baseline.to_project(),
            user.user.id,
            Action::Create,
            "依据批复的绩效目标新建",
        )
        .await?;
    state.store.link_declaration(id, project.id).await?;
    Ok(Redirect::to(&format!("/projects/{}/edit", project.id)).into_response())
}
