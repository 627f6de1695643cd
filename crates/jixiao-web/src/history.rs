//! History: every revision of a project, a revision as it was, the difference between two, and
//! restoring an old one as a new revision.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_core::Project;
use jixiao_store::ProjectRecord;
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, can_edit};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::projects::{ProjectView, render_show};
use crate::view::{self, Nav};

pub struct HistoryRow {
    pub number: i64,
    pub author: String,
    pub time: String,
    pub action: &'static str,
    pub status: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "history/history.html")]
struct HistoryPage {
    nav: Nav,
    id: i64,
    name: String,
    rows: Vec<HistoryRow>,
    can_restore: bool,
    revision: i64,
}

pub async fn history(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let rows = state
        .store
        .revisions(id)
        .await?
        .into_iter()
        .map(|m| HistoryRow {
            number: m.number,
            author: m.author,
            time: view::time(m.created_at),
            action: jixiao_store::Action::label(&m.action),
            status: m.status.label(),
            note: m.note,
        })
        .collect();
    let page = HistoryPage {
        nav: user.nav(),
        id,
        name: rec.project.project.name.clone(),
        rows,
        can_restore: can_edit(&user.user, &rec),
        revision: rec.revision,
    };
    Ok(Html(page.render()?))
}

pub async fn revision(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, n)): Path<(i64, i64)>,
) -> Result<Html<String>, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let old = state
        .store
        .revision(id, n)
        .await?
        .ok_or(AppError::NotFound)?;
    let shown = ProjectRecord {
        project: old.project,
        revision: n,
        status: old.meta.status,
        updated_at: old.meta.created_at,
        updated_by: old.meta.author_id,
        ..rec
    };
    render_show(
        &state,
        &user,
        &ProjectView::load(&state, shown).await?,
        Some(n),
    )
    .await
}

pub struct DiffRow {
    pub path: String,
    pub old: String,
    pub new: String,
}

/// Field-by-field differences between two versions of a project (paths as in the project file).
pub fn diff_rows(old: &Project, new: &Project) -> Vec<DiffRow> {
    let mut a = Vec::new();
    let mut b = Vec::new();
    flatten("", &serde_json::to_value(old).unwrap_or_default(), &mut a);
    flatten("", &serde_json::to_value(new).unwrap_or_default(), &mut b);
    let mut paths: Vec<&String> = a.iter().chain(b.iter()).map(|(p, _)| p).collect();
    paths.sort();
    paths.dedup();
    let get = |v: &[(String, String)], p: &str| {
        v.iter()
            .find(|(k, _)| k == p)
            .map(|(_, x)| x.clone())
            .unwrap_or_default()
    };
    paths
        .into_iter()
        .filter_map(|p| {
            let (o, n) = (get(&a, p), get(&b, p));
            (o != n).then(|| DiffRow {
                path: p.clone(),
                old: o,
                new: n,
            })
        })
        .collect()
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, x, out);
            }
        }
        serde_json::Value::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), x, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Null => {}
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: i64,
    to: i64,
}

#[derive(Template)]
#[template(path = "history/diff.html")]
struct DiffPage {
    nav: Nav,
    id: i64,
    name: String,
    from: i64,
    to: i64,
    rows: Vec<DiffRow>,
}

pub async fn diff(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> Result<Html<String>, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let a = state
        .store
        .revision(id, q.from)
        .await?
        .ok_or(AppError::NotFound)?;
    let b = state
        .store
        .revision(id, q.to)
        .await?
        .ok_or(AppError::NotFound)?;
    let page = DiffPage {
        nav: user.nav(),
        id,
        name: rec.project.project.name,
        from: q.from,
        to: q.to,
        rows: diff_rows(&a.project, &b.project),
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct RestoreForm {
    from: i64,
    base: i64,
}

pub async fn restore(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<RestoreForm>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    access::require_edit(&user.user, &rec)?;
    state
        .store
        .restore(id, form.base, form.from, user.user.id)
        .await?;
    Ok(Redirect::to(&format!("/projects/{id}/history")).into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/projects/{id}/history", get(history))
        .route("/projects/{id}/revisions/{n}", get(revision))
        .route("/projects/{id}/diff", get(diff))
        .route("/projects/{id}/restore", post(restore))
}
