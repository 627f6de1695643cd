//! The editor: the whole 自评表 in one form, scored live as the clerk types (assets/editor.js), saved as
//! a new revision; a save against a revision that moved on shows the conflict with both versions.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use jixiao_store::{Action, StoreError};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::history::{DiffRow, diff_rows};
use crate::view::{Nav, script_json};

#[derive(Template)]
#[template(path = "editor/edit.html")]
struct EditPage {
    nav: Nav,
    id: i64,
    revision: i64,
    name: String,
    data: String,
}

pub async fn edit_page(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    access::require_edit(&user.user, &rec)?;
    Ok(Html(
        EditPage {
            nav: user.nav(),
            id,
            revision: rec.revision,
            name: rec.project.project.name.clone(),
            data: script_json(&rec.project),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct SaveForm {
    data: String,
    base: i64,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "editor/conflict.html")]
struct ConflictPage {
    nav: Nav,
    id: i64,
    base: i64,
    current: i64,
    current_author: String,
    changes: Vec<DiffRow>,
    mine: String,
    note: String,
}

pub async fn save(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<SaveForm>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    access::require_edit(&user.user, &rec)?;
    let project = jixiao_io::from_json(&form.data, std::path::Path::new("编辑内容"))
        .map_err(|e| AppError::BadRequest(format!("保存失败：{e}")))?;
    match state
        .store
        .save_project(
            id,
            form.base,
            &project,
            user.user.id,
            Action::Save,
            form.note.trim(),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?saved=1")).into_response()),
        Err(StoreError::Conflict { base, current }) => {
            let now = state.store.project(id).await?.ok_or(AppError::NotFound)?;
            let author = state
                .store
                .user(now.updated_by)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default();
            let page = ConflictPage {
                nav: user.nav(),
                id,
                base,
                current,
                current_author: author,
                changes: diff_rows(&now.project, &project),
                mine: form.data,
                note: form.note,
            };
            Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub fn routes() -> Router<Shared> {
    Router::new().route("/projects/{id}/edit", get(edit_page).post(save))
}
