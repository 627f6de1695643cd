//! 绩效目标: declarations (list, new, import), the declaration's page, the form, the review unit →
//! department → finance bureau with a grade and its consequence, adjustments of approved goals, the
//! self-evaluation that starts from the approved goals, and a project's targets and actuals across years.

mod form;
mod page;
mod review;
mod years;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_core::goals::{Attribute, Declaration, GoalFunds, GoalHeader, GoalText, PastYear};
use jixiao_store::{DeclarationRecord, GoalStatus, ReviewLevel, Role, User};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;
use crate::view::{self, Nav};

// ---------------------------------------------------------------------------------------------
// Who may do what

pub async fn visible(state: &Shared, user: &User, id: i64) -> Result<DeclarationRecord, AppError> {
    let rec = state
        .store
        .declaration(id)
        .await?
        .ok_or(AppError::NotFound)?;
    match access::scope(state, user).await? {
        Some(orgs) if !orgs.contains(&rec.org_id) => Err(AppError::NotFound),
        _ => Ok(rec),
    }
}

/// Why `user` may not change the goals, if they may not.
pub(super) fn edit_refusal(user: &User, rec: &DeclarationRecord) -> Option<&'static str> {
    if user.role != Role::Editor || user.org_id != rec.org_id {
        return Some("只有项目所属单位的填报人可以修改绩效目标。");
    }
    match rec.status {
        s if s.editable() => None,
        GoalStatus::Approved => Some("绩效目标已批复，如需修改请“申请调整”并说明理由。"),
        GoalStatus::Rejected => Some("绩效目标未通过审核，不能再修改。"),
        _ => Some("绩效目标正在审核中，如需修改请联系审核人退回。"),
    }
}

/// The level a reviewer reviews at, when the declaration waits for them. The bureau reviews what a
/// department passed on, and directly only the goals of a unit with no department above it.
pub(super) fn review_level(
    user: &User,
    rec: &DeclarationRecord,
    orgs: &[jixiao_store::Org],
) -> Option<ReviewLevel> {
    let under_department = || {
        let mut at = orgs.iter().find(|o| o.id == rec.org_id)?.parent_id;
        while let Some(id) = at {
            let o = orgs.iter().find(|o| o.id == id)?;
            if o.kind == jixiao_store::OrgKind::Department {
                return Some(());
            }
            at = o.parent_id;
        }
        None
    };
    match (user.role, rec.status) {
        (Role::Department, GoalStatus::Submitted) => Some(ReviewLevel::Department),
        (Role::Finance, GoalStatus::DeptApproved) => Some(ReviewLevel::Finance),
        (Role::Finance, GoalStatus::Submitted) if under_department().is_none() => {
            Some(ReviewLevel::Finance)
        }
        _ => None,
    }
}

fn this_year() -> i32 {
    chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap_or(2026)
}

/// The unit's own clerk: who submits, adjusts and starts the self-evaluation.
pub(super) fn is_owner(user: &User, rec: &DeclarationRecord) -> bool {
    user.role == Role::Editor && user.org_id == rec.org_id
}

/// The earlier years of the same project (same unit, same name): the history the goal checks and the
/// multi-year view read.
pub(super) async fn history(
    state: &Shared,
    org_id: i64,
    name: &str,
) -> Result<Vec<PastYear>, AppError> {
    let mut years: std::collections::BTreeMap<i32, PastYear> = Default::default();
    for (_, p) in state.store.projects_named(org_id, name).await? {
        let y = p.project.year;
        years
            .entry(y)
            .or_insert(PastYear {
                year: y,
                declaration: None,
                evaluation: None,
            })
            .evaluation = Some(p);
    }
    // Only approved goals are history; a draft or a refused declaration declared nothing.
    for rec in state.store.declarations_named(org_id, name).await? {
        let Some(b) = rec.baseline else { continue };
        let approved = state.store.declaration_revision(rec.id, b).await?;
        let y = rec.declaration.project.year;
        years
            .entry(y)
            .or_insert(PastYear {
                year: y,
                declaration: None,
                evaluation: None,
            })
            .declaration = approved;
    }
    Ok(years.into_values().collect())
}

// ---------------------------------------------------------------------------------------------
// List and new

pub struct ListRow {
    pub id: i64,
    pub org: String,
    pub name: String,
    pub year: i64,
    pub status: &'static str,
    pub grade: String,
    pub adjusting: bool,
    pub project_id: Option<i64>,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "goals/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<ListRow>,
    year: String,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    year: String,
}

async fn list(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let scope = access::scope(&state, &user.user).await?;
    let rows = state
        .store
        .list_declarations(scope.as_deref(), q.year.trim().parse().ok())
        .await?
        .into_iter()
        .map(|r| ListRow {
            id: r.id,
            org: r.org_name,
            name: r.name,
            year: r.year,
            status: r.status.label(),
            grade: r.review_grade.map(|g| g.to_string()).unwrap_or_default(),
            adjusting: r.adjusting,
            project_id: r.project_id,
            updated: view::time(r.updated_at),
        })
        .collect();
    Ok(Html(
        ListPage {
            nav: user.nav(),
            rows,
            year: q.year,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "goals/new.html")]
struct NewPage {
    nav: Nav,
    year: i32,
    /// The unit's earlier self-evaluations a continuing project's goals can start from.
    earlier: Vec<(i64, String)>,
}

async fn new_page(
    State(state): State<Shared>,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    require(user.user.role == Role::Editor)?;
    let earlier = state
        .store
        .list_projects(&jixiao_store::ProjectFilter {
            org_ids: Some(vec![user.user.org_id]),
            limit: 200,
            ..Default::default()
        })
        .await?
        .into_iter()
        .map(|r| (r.id, format!("{}（{}年度）", r.name, r.year)))
        .collect();
    Ok(Html(
        NewPage {
            nav: user.nav(),
            year: this_year() + 1,
            earlier,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    name: String,
    year: String,
    /// Start from this earlier self-evaluation (a continuing project).
    #[serde(default)]
    from: String,
}

async fn create(
    State(state): State<Shared>,
    user: CurrentUser,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    require(user.user.role == Role::Editor)?;
    let year: i32 = form
        .year
        .trim()
        .parse()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| AppError::BadRequest(format!("预算年度“{}”无效", form.year.trim())))?;
    let org = input::found(state.org(user.user.org_id).await?, "单位")?;
    let department = match org.parent_id {
        Some(p) => state.org(p).await?.map(|o| o.name).unwrap_or_default(),
        None => String::new(),
    };
    let mut d = match form.from.trim().parse::<i64>().ok() {
        Some(pid) => {
            let rec = access::visible_project(&state, &user.user, pid).await?;
            require(rec.org_id == user.user.org_id)?;
            let mut d = Declaration::from_project(&rec.project);
            d.project.attribute = Attribute::Continuing;
            d
        }
        None => Declaration {
            project: GoalHeader {
                name: input::required(&form.name, "项目名称")?.to_string(),
                year,
                department: department.clone(),
                implementer: org.name.clone(),
                code: None,
                attribute: Attribute::New,
                period: None,
            },
            funds: GoalFunds::default(),
            goals: GoalText::default(),
            indicators: Vec::new(),
        },
    };
    d.project.year = year;
    if !form.name.trim().is_empty() {
        d.project.name = form.name.trim().to_string();
    }
    let rec = state
        .store
        .create_declaration(org.id, &d, user.user.id, "create", "新建")
        .await?;
    Ok(Redirect::to(&format!("/goals/{}/edit", rec.id)).into_response())
}

/// An Excel 申报表 uploaded on the new-goals page: saved as a draft of the clerk's unit; what the reader
/// was unsure of is kept as comments on the rows concerned, for the clerk to check against the original.
async fn import(
    State(state): State<Shared>,
    user: CurrentUser,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    require(user.user.role == Role::Editor)?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadRequest(format!("上传失败：{e}"))
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("申报表.xlsx").to_string();
            file = Some((name, field.bytes().await.map_err(bad)?));
        }
    }
    let (name, bytes) =
        file.ok_or_else(|| AppError::BadRequest("请选择要导入的 Excel 申报表".into()))?;
    let (d, findings) = jixiao_io::read_declaration(&bytes, &name)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    if let Some(bad) = d.validate().first() {
        return Err(AppError::BadRequest(format!(
            "{name}：{}：{}",
            bad.path, bad.message
        )));
    }
    let rec = state
        .store
        .create_declaration(
            user.user.org_id,
            &d,
            user.user.id,
            "import",
            &format!("导入 {name}"),
        )
        .await?;
    for f in &findings {
        let row = f
            .path
            .strip_prefix("indicators[")
            .and_then(|r| r.split(']').next())
            .and_then(|i| i.parse::<i64>().ok());
        let body = format!("导入提示（{}）：{}", f.name(), f.message);
        state
            .store
            .add_declaration_comment(rec.id, rec.revision, user.user.id, row, &body)
            .await?;
    }
    Ok(Redirect::to(&format!("/goals/{}", rec.id)).into_response())
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/goals", get(list).post(create))
        .route("/goals/new", get(new_page))
        .route("/goals/import", post(import))
        .route("/goals/{id}", get(page::show))
        .route("/goals/{id}/edit", get(form::edit_page).post(form::save))
        .route("/goals/{id}/submit", post(review::submit))
        .route("/goals/{id}/adjust", post(review::adjust))
        .route("/goals/{id}/review", post(review::review))
        .route("/goals/{id}/evaluate", post(review::start_evaluation))
        .route("/projects/{id}/years", get(years::years))
}
