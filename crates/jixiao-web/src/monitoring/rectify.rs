//! 整改: a finding, a reviewer's comment or a red light becomes an item with an owner, a deadline and the
//! measure required; the unit reports progress with evidence; the reviewer closes it or sends it back.
//! Overdue items are marked; the project's next goals and self-evaluation list its open items.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use jixiao_store::{Evidence, NewRectification, Rectification, Role, User};
use serde::Deserialize;

use super::{date, in_scope, today};
use crate::Shared;
use crate::access::{self, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;
use crate::view::{self, Nav};

/// One item as lists show it.
pub struct ItemRow {
    pub id: i64,
    pub org: String,
    pub project: String,
    pub title: String,
    pub owner: String,
    pub deadline: String,
    pub status: &'static str,
    pub overdue: bool,
}

fn row(r: &Rectification, today: &str) -> ItemRow {
    ItemRow {
        id: r.id,
        org: r.org_name.clone(),
        project: r.project.clone(),
        title: r.title.clone(),
        owner: r.owner.clone(),
        deadline: r.deadline.clone(),
        status: r.status_label(),
        overdue: r.overdue(today),
    }
}

/// A project's items not yet closed (the goals page and the self-evaluation page list them).
pub async fn open_items(
    state: &Shared,
    org_id: i64,
    project: &str,
) -> Result<Vec<ItemRow>, AppError> {
    let today = today();
    Ok(state
        .store
        .rectifications(Some(&[org_id]), Some(project))
        .await?
        .iter()
        .filter(|r| r.status != "closed")
        .map(|r| row(r, &today))
        .collect())
}

#[derive(Template)]
#[template(path = "monitoring/rectifications.html")]
struct ListPage {
    nav: Nav,
    items: Vec<ItemRow>,
    units: Vec<(String, usize, usize, usize)>,
}

async fn list(State(state): State<Shared>, user: CurrentUser) -> Result<Html<String>, AppError> {
    let scope = access::scope(&state, &user.user).await?;
    let all = state.store.rectifications(scope.as_deref(), None).await?;
    let today = today();
    Ok(Html(
        ListPage {
            nav: user.nav(),
            units: completion(&all, &today),
            items: all.iter().map(|r| row(r, &today)).collect(),
        }
        .render()?,
    ))
}

/// By unit: (unit, items, closed, overdue) — the 审核看板's 整改 completion.
pub fn completion(items: &[Rectification], today: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out: Vec<(String, usize, usize, usize)> = Vec::new();
    for r in items {
        let i = match out.iter().position(|u| u.0 == r.org_name) {
            Some(i) => i,
            None => {
                out.push((r.org_name.clone(), 0, 0, 0));
                out.len() - 1
            }
        };
        out[i].1 += 1;
        out[i].2 += usize::from(r.status == "closed");
        out[i].3 += usize::from(r.overdue(today));
    }
    out
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// The self-evaluation (project id) or monitoring report it comes from.
    #[serde(default)]
    project: Option<i64>,
    #[serde(default)]
    report: Option<i64>,
    /// finding / comment / light
    #[serde(default)]
    source: String,
    /// The finding's code, …
    #[serde(default)]
    r#ref: String,
    #[serde(default)]
    title: String,
}

#[derive(Template)]
#[template(path = "monitoring/rectification_new.html")]
struct NewPage {
    nav: Nav,
    q: NewQuery,
    what: String,
    deadline: String,
}

/// Where an item comes from: (organisation, year, project name).
async fn origin(
    state: &Shared,
    user: &User,
    project: Option<i64>,
    report: Option<i64>,
) -> Result<(i64, i64, String), AppError> {
    if let Some(id) = project {
        let rec = access::visible_project(state, user, id).await?;
        return Ok((
            rec.org_id,
            i64::from(rec.project.project.year),
            rec.project.project.name,
        ));
    }
    if let Some(id) = report {
        let r = state.store.report(id).await?.ok_or(AppError::NotFound)?;
        in_scope(state, user, r.org_id).await?;
        return Ok((r.org_id, i64::from(r.form.year), r.form.name));
    }
    Err(AppError::BadRequest(
        "整改事项须来自一个自评项目或监控表".into(),
    ))
}

async fn new_page(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, AppError> {
    require(user.user.role.is_reviewer())?;
    let (_, year, project) = origin(&state, &user.user, q.project, q.report).await?;
    let deadline = chrono::NaiveDate::parse_from_str(&today(), "%Y-%m-%d")
        .map(|d| (d + chrono::Days::new(30)).format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok(Html(
        NewPage {
            nav: user.nav(),
            what: format!("{project}（{year}年度）"),
            deadline,
            q,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    project: Option<i64>,
    #[serde(default)]
    report: Option<i64>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    r#ref: String,
    title: String,
    measure: String,
    owner: String,
    deadline: String,
}

async fn create(
    State(state): State<Shared>,
    user: CurrentUser,
    Form(f): Form<NewForm>,
) -> Result<Response, AppError> {
    require(user.user.role.is_reviewer())?;
    let (org_id, year, project) = origin(&state, &user.user, f.project, f.report).await?;
    if f.project.is_some() && f.report.is_some() {
        // Each reference is checked: a report of another organisation is not attached by its id.
        origin(&state, &user.user, None, f.report).await?;
    }
    let source = match f.source.as_str() {
        s @ ("finding" | "comment" | "light") => s,
        _ => "other",
    };
    let id = state
        .store
        .raise_rectification(
            &NewRectification {
                org_id,
                year,
                project: &project,
                project_id: f.project,
                report_id: f.report,
                source,
                source_ref: f.r#ref.trim(),
                title: input::required(&f.title, "整改问题")?,
                measure: input::required(&f.measure, "整改要求")?,
                owner: input::required(&f.owner, "责任人")?,
                deadline: &date(&f.deadline, "整改期限")?,
            },
            user.user.id,
        )
        .await?;
    Ok(Redirect::to(&format!("/rectifications/{id}")).into_response())
}

pub struct EventRow {
    pub who: String,
    pub time: String,
    pub action: &'static str,
    pub body: String,
    pub files: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "monitoring/rectification.html")]
struct ItemPage {
    nav: Nav,
    r: Rectification,
    status: &'static str,
    overdue: bool,
    events: Vec<EventRow>,
    can_report: bool,
    can_decide: bool,
}

async fn visible(state: &Shared, user: &User, id: i64) -> Result<Rectification, AppError> {
    let r = state
        .store
        .rectification(id)
        .await?
        .ok_or(AppError::NotFound)?;
    in_scope(state, user, r.org_id).await?;
    Ok(r)
}

async fn show(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let r = visible(&state, &user.user, id).await?;
    let events = state
        .store
        .rectification_events(id)
        .await?
        .into_iter()
        .map(|e| EventRow {
            who: e.author,
            time: view::time(e.at),
            action: match e.action.as_str() {
                "open" => "提出整改要求",
                "report" => "报送整改情况",
                "close" => "销号",
                "return" => "退回继续整改",
                _ => "其他",
            },
            body: e.body,
            files: e
                .files
                .into_iter()
                .map(|(fid, name, size)| (fid, name, format!("{:.1} KB", size as f64 / 1024.0)))
                .collect(),
        })
        .collect();
    Ok(Html(
        ItemPage {
            nav: user.nav(),
            status: r.status_label(),
            overdue: r.overdue(&today()),
            events,
            can_report: user.user.role == Role::Editor
                && user.user.org_id == r.org_id
                && r.status == "open",
            can_decide: user.user.role.is_reviewer() && r.status != "closed",
            r,
        }
        .render()?,
    ))
}

/// The unit's progress report: text and evidence files (multipart, CSRF token in the query).
async fn report(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let r = visible(&state, &user.user, id).await?;
    require(user.user.role == Role::Editor && user.user.org_id == r.org_id)?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("上传失败：{e}"))
    };
    let mut body = String::new();
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("body") => body = field.text().await.map_err(bad)?,
            Some("file") => {
                let name = field.file_name().unwrap_or("").trim().to_string();
                let mime = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                if !name.is_empty() && !bytes.is_empty() {
                    // Only the last path component: a name never leads anywhere on download.
                    let name = name
                        .rsplit(['/', '\\'])
                        .next()
                        .unwrap_or("附件")
                        .to_string();
                    files.push(Evidence {
                        name,
                        mime,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            _ => {}
        }
    }
    let body = input::required(&body, "整改情况")?;
    state
        .store
        .rectification_event(id, "report", body, &files, user.user.id)
        .await?;
    Ok(Redirect::to(&format!("/rectifications/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct DecideForm {
    action: String,
    #[serde(default)]
    note: String,
}

/// The reviewer closes the item (销号) or sends it back with what is still missing.
async fn decide(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Result<Response, AppError> {
    visible(&state, &user.user, id).await?;
    require(user.user.role.is_reviewer())?;
    let action = input::choice(&f.action, "操作", |s| {
        ["close", "return"].into_iter().find(|a| *a == s)
    })?;
    if action == "return" {
        input::required(&f.note, "退回意见")?;
    }
    state
        .store
        .rectification_event(id, action, f.note.trim(), &[], user.user.id)
        .await?;
    Ok(Redirect::to(&format!("/rectifications/{id}")).into_response())
}

async fn file(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    visible(&state, &user.user, id).await?;
    let (name, mime, bytes) = state
        .store
        .rectification_file(id, file)
        .await?
        .ok_or(AppError::NotFound)?;
    // Served as a download, never rendered in the page's origin.
    Ok((
        [
            // Only types that carry no script keep their name; the rest download as bytes.
            (
                CONTENT_TYPE,
                match mime.as_str() {
                    "application/pdf" | "image/png" | "image/jpeg" => mime,
                    _ => "application/octet-stream".into(),
                },
            ),
            (CONTENT_DISPOSITION, crate::downloads::attachment(&name)),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                "nosniff".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/rectifications", get(list).post(create))
        .route("/rectifications/new", get(new_page))
        .route("/rectifications/{id}", get(show))
        .route("/rectifications/{id}/report", post(report))
        .route("/rectifications/{id}/decide", post(decide))
        .route("/rectifications/{id}/files/{file}", get(file))
}
