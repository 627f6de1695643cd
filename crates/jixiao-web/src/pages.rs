//! The pages of the application: project list, view, editor, history, workflow, import, download.

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_core::{Evaluation, Project, evaluate};
use jixiao_store::{Action, ProjectFilter, ProjectRecord, Sort, Status, StoreError};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, can_edit, can_move, can_review, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{self, Nav, script_json};

pub async fn home(user: Result<CurrentUser, AppError>) -> Redirect {
    match user {
        Ok(_) => Redirect::to("/projects"),
        Err(_) => Redirect::to("/login"),
    }
}

// ---------------------------------------------------------------------------------------------
// List

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    findings: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    notice: String,
}

pub struct Row {
    pub id: i64,
    pub org: String,
    pub name: String,
    pub year: i64,
    pub status: &'static str,
    pub total: String,
    pub self_total: String,
    pub gap: String,
    pub gap_positive: bool,
    pub grade: String,
    pub errors: i64,
    pub warnings: i64,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    q: ListQuery,
    statuses: Vec<(&'static str, &'static str)>,
    notice: String,
}

pub async fn list(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let filter = ProjectFilter {
        org_ids: access::scope(&state, &user.user).await?,
        year: q.year.trim().parse().ok(),
        status: Status::parse(&q.status),
        grade: (!q.grade.is_empty()).then(|| q.grade.clone()),
        has_findings: match q.findings.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        search: (!q.q.trim().is_empty()).then(|| q.q.trim().to_string()),
        sort: Sort::parse(&q.sort),
        limit: 500,
        offset: 0,
    };
    let rows = state
        .store
        .list_projects(&filter)
        .await?
        .into_iter()
        .map(|r| {
            let gap = r.self_total_centi.map(|s| s - r.total_centi);
            Row {
                id: r.id,
                org: r.org_name,
                name: r.name,
                year: r.year,
                status: r.status.label(),
                total: view::centi(r.total_centi),
                self_total: r.self_total_centi.map(view::centi).unwrap_or_default(),
                gap: gap.map(view::centi).unwrap_or_default(),
                gap_positive: gap.is_some_and(|g| g > 0),
                grade: r.grade,
                errors: r.errors,
                warnings: r.warnings,
                updated: view::time(r.updated_at),
            }
        })
        .collect();
    let notice = match q.notice.as_str() {
        "password" => "密码已修改，其他设备上的登录已失效。",
        _ => "",
    }
    .to_string();
    let statuses = Status::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    Ok(Html(
        ListPage {
            nav: user.nav(),
            rows,
            q,
            statuses,
            notice,
        }
        .render()?,
    ))
}

// ---------------------------------------------------------------------------------------------
// New project

#[derive(Template)]
#[template(path = "new.html")]
struct NewPage {
    nav: Nav,
    year: i32,
}

pub async fn new_page(user: CurrentUser) -> Result<Html<String>, AppError> {
    require(user.user.role == jixiao_store::Role::Editor)?;
    let year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2026)
        - 1;
    Ok(Html(
        NewPage {
            nav: user.nav(),
            year,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct NewForm {
    name: String,
    year: i32,
}

pub async fn create(
    State(state): State<Shared>,
    user: CurrentUser,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    require(user.user.role == jixiao_store::Role::Editor)?;
    let org = state
        .org(user.user.org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let department = match org.parent_id {
        Some(p) => state.org(p).await?.map(|o| o.name).unwrap_or_default(),
        None => String::new(),
    };
    let text = format!(
        "[project]\nname = {name}\nyear = {year}\ndepartment = {dept}\nimplementer = {unit}\n\n[funds]\nannual = \"0\"\nexecuted = \"0\"\n",
        name = toml_str(form.name.trim()),
        year = form.year,
        dept = toml_str(&department),
        unit = toml_str(&org.name)
    );
    let project = jixiao_io::from_toml(&text, std::path::Path::new("新建项目"))
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let rec = state
        .store
        .create_project(org.id, &project, user.user.id, Action::Create, "新建")
        .await?;
    Ok(Redirect::to(&format!("/projects/{}/edit", rec.id)).into_response())
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

// ---------------------------------------------------------------------------------------------
// View

pub struct IndicatorRow {
    pub index: usize,
    pub level1: String,
    pub level1_span: usize,
    pub level2: String,
    pub name: String,
    pub target: String,
    pub target_hint: String,
    pub actual: String,
    pub actual_hint: String,
    pub weight: String,
    pub self_score: String,
    pub computed: String,
    pub review: String,
    pub differs: bool,
    pub deviation: String,
    pub rule: String,
    pub formula: String,
}

pub struct FindingRow {
    pub severity: &'static str,
    pub class: &'static str,
    /// The Chinese name; the code follows in small type for reviewers who search by it.
    pub name: &'static str,
    pub code: &'static str,
    pub path: String,
    pub message: String,
    pub advice: String,
}

pub fn finding_row(f: &jixiao_core::Finding) -> FindingRow {
    FindingRow {
        severity: f.severity().label(),
        class: match f.severity() {
            jixiao_core::Severity::Error => "error",
            jixiao_core::Severity::Warning => "warning",
            jixiao_core::Severity::Info => "info",
        },
        name: f.name(),
        code: f.code.as_str(),
        path: f.path.clone(),
        message: f.message.clone(),
        advice: f.advice.clone(),
    }
}

pub struct Scored {
    pub rows: Vec<IndicatorRow>,
    pub findings: Vec<FindingRow>,
    pub total: String,
    pub grade: String,
    pub self_total: String,
    pub review_total: String,
    pub execution_rate: String,
    pub execution_score: String,
    pub groups: Vec<(String, String, String, String)>,
    pub complete: bool,
}

pub fn scored(p: &Project, e: &Evaluation) -> Scored {
    let mut rows: Vec<IndicatorRow> = p
        .indicators
        .iter()
        .zip(&e.indicators)
        .enumerate()
        .map(|(i, (ind, sc))| {
            let computed = match (sc.outcome, sc.score) {
                (jixiao_core::scoring::Outcome::NotApplicable, _) => "不适用".to_string(),
                (_, Some(s)) => view::score(s),
                (_, None) => "无法计分".to_string(),
            };
            IndicatorRow {
                index: i,
                level1: ind.level1.clone(),
                level1_span: 0,
                level2: ind.level2.clone(),
                name: ind.name.clone(),
                target: ind.target.clone(),
                target_hint: sc.target.describe(),
                actual: ind.actual.clone(),
                actual_hint: sc.actual.describe(),
                weight: view::num(ind.weight),
                self_score: view::opt(ind.self_score),
                differs: ind.self_score.is_some() && ind.self_score != sc.score,
                computed,
                review: view::opt(ind.review_score),
                deviation: ind.deviation.clone().unwrap_or_default(),
                rule: sc.trace.rule.clone(),
                formula: sc.trace.formula.clone(),
            }
        })
        .collect();
    // Merge consecutive equal 一级 cells, as the paper form does.
    let mut i = 0;
    while i < rows.len() {
        let mut j = i + 1;
        while j < rows.len() && rows[j].level1 == rows[i].level1 {
            j += 1;
        }
        rows[i].level1_span = j - i;
        i = j;
    }
    let review_total = {
        let exec = p.funds.review_score;
        let parts: Option<rust_decimal::Decimal> = p
            .indicators
            .iter()
            .try_fold(exec.unwrap_or_default(), |acc, i| {
                Some(acc + i.review_score?)
            });
        if exec.is_some() || p.indicators.iter().any(|i| i.review_score.is_some()) {
            parts.map(view::num).unwrap_or_else(|| "未完成".into())
        } else {
            String::new()
        }
    };
    Scored {
        rows,
        findings: e.findings.iter().map(finding_row).collect(),
        total: view::score(e.total),
        grade: e.grade.to_string(),
        self_total: view::opt(e.self_total),
        review_total,
        execution_rate: e.execution.rate.map_or_else(
            || "不适用".into(),
            |r| {
                format!(
                    "{}%",
                    view::num((r * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2))
                )
            },
        ),
        execution_score: e.execution.score.map(view::score).unwrap_or_default(),
        groups: e
            .groups
            .iter()
            .map(|g| {
                (
                    g.name.clone(),
                    view::num(g.weight),
                    view::opt(g.self_score),
                    view::score(g.score),
                )
            })
            .collect(),
        complete: e.complete,
    }
}

pub struct CommentRow {
    pub author: String,
    pub time: String,
    pub indicator: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "show.html")]
struct ShowPage {
    nav: Nav,
    id: i64,
    org: String,
    status: &'static str,
    revision: i64,
    updated: String,
    p: Project,
    s: Scored,
    initial: String,
    annual: String,
    executed: String,
    exec_self: String,
    exec_review: String,
    sources: Vec<(String, String, String)>,
    comments: Vec<CommentRow>,
    can_edit: bool,
    can_submit: bool,
    can_return: bool,
    can_approve: bool,
    can_publish: bool,
    can_review: bool,
    can_comment: bool,
    old_revision: Option<i64>,
}

/// What a project page shows that does not depend on the viewer: the record, its evaluation and its
/// comments (cached briefly, see cache.rs: this page carries most of the reviewers' load).
#[derive(Clone)]
pub struct ProjectView {
    pub rec: ProjectRecord,
    pub evaluation: Evaluation,
    pub comments: Vec<jixiao_store::Comment>,
}

impl ProjectView {
    async fn load(state: &Shared, rec: ProjectRecord) -> Result<ProjectView, AppError> {
        let comments = state.store.comments(rec.id).await?;
        let evaluation = evaluate(&rec.project, state.store.policy());
        Ok(ProjectView {
            rec,
            evaluation,
            comments,
        })
    }
}

pub async fn show(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let view = match state.projects.get(&id) {
        Some(view) => view,
        None => {
            let generation = state.projects.generation();
            let rec = state.store.project(id).await?.ok_or(AppError::NotFound)?;
            let view = Arc::new(ProjectView::load(&state, rec).await?);
            state.projects.insert(id, view.clone(), generation);
            view
        }
    };
    access::check_visible(&state, &user.user, &view.rec).await?;
    render_show(&state, &user, &view, None).await
}

async fn render_show(
    state: &Shared,
    user: &CurrentUser,
    view: &ProjectView,
    old_revision: Option<i64>,
) -> Result<Html<String>, AppError> {
    let (rec, e) = (&view.rec, &view.evaluation);
    let org = state
        .org(rec.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let names: Vec<String> = rec
        .project
        .indicators
        .iter()
        .map(|i| i.name.clone())
        .collect();
    let comments = view
        .comments
        .iter()
        .map(|c| CommentRow {
            author: c.author.clone(),
            time: view::time(c.created_at),
            indicator: c
                .indicator
                .and_then(|i| names.get(i as usize).cloned())
                .unwrap_or_default(),
            body: c.body.clone(),
        })
        .collect();
    let f = &rec.project.funds;
    let live = old_revision.is_none();
    let page = ShowPage {
        nav: user.nav(),
        id: rec.id,
        org,
        status: rec.status.label(),
        revision: rec.revision,
        updated: view::time(rec.updated_at),
        s: scored(&rec.project, e),
        initial: f.initial.map(view::wan).unwrap_or_default(),
        annual: view::wan(f.annual),
        executed: view::wan(f.executed),
        exec_self: view::opt(f.self_score),
        exec_review: view::opt(f.review_score),
        sources: f
            .sources
            .iter()
            .map(|s| (s.name.clone(), view::wan(s.annual), view::wan(s.executed)))
            .collect(),
        comments,
        can_edit: live && can_edit(&user.user, rec),
        can_submit: live && can_move(&user.user, rec, Status::Submitted),
        can_return: live && can_move(&user.user, rec, Status::Returned),
        can_approve: live
            && can_move(&user.user, rec, Status::Approved)
            && rec.status == Status::Submitted,
        can_publish: live && can_move(&user.user, rec, Status::Published),
        can_review: live && can_review(&user.user, rec),
        can_comment: live && (user.user.role.is_reviewer() || user.user.org_id == rec.org_id),
        old_revision,
        p: rec.project.clone(),
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------------------------------------
// Editor and save

#[derive(Template)]
#[template(path = "edit.html")]
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
    require(can_edit(&user.user, &rec))?;
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
#[template(path = "conflict.html")]
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
    require(can_edit(&user.user, &rec))?;
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

// ---------------------------------------------------------------------------------------------
// History

pub struct HistoryRow {
    pub number: i64,
    pub author: String,
    pub time: String,
    pub action: &'static str,
    pub status: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "history.html")]
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
#[template(path = "diff.html")]
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
    require(can_edit(&user.user, &rec))?;
    state
        .store
        .restore(id, form.base, form.from, user.user.id)
        .await?;
    Ok(Redirect::to(&format!("/projects/{id}/history")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Workflow, review, comments

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
    let to = Status::parse(&form.to)
        .ok_or_else(|| AppError::BadRequest(format!("未知状态“{}”", form.to)))?;
    require(can_move(&user.user, &rec, to))?;
    if to == Status::Returned && form.note.trim().is_empty() {
        return Err(AppError::BadRequest("退回时请填写退回意见".into()));
    }
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

/// Review scores (复核得分) for the execution row and each indicator, with per-indicator comments.
pub async fn review(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    require(can_review(&user.user, &rec))?;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
    };
    let base: i64 = field("base")
        .and_then(|b| b.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本号".into()))?;
    let score = |name: &str,
                 weight: rust_decimal::Decimal|
     -> Result<Option<rust_decimal::Decimal>, AppError> {
        match field(name).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => {
                let d: rust_decimal::Decimal = v
                    .parse()
                    .map_err(|_| AppError::BadRequest(format!("复核得分“{v}”不是数字")))?;
                if d < rust_decimal::Decimal::ZERO || d > weight {
                    return Err(AppError::BadRequest(format!(
                        "复核得分 {v} 超出分值范围 0–{}",
                        view::num(weight)
                    )));
                }
                Ok(Some(d))
            }
        }
    };
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
        if let Some(c) = field(&format!("c{i}")).filter(|c| !c.is_empty()) {
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
    if form.body.trim().is_empty() {
        return Err(AppError::BadRequest("意见不能为空".into()));
    }
    let indicator = form
        .indicator
        .parse::<i64>()
        .ok()
        .filter(|i| (*i as usize) < rec.project.indicators.len());
    state
        .store
        .add_comment(id, rec.revision, user.user.id, indicator, form.body.trim())
        .await?;
    Ok(Redirect::to(&format!("/projects/{id}#comments")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Download and import

pub async fn download(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let rec = access::visible_project(&state, &user.user, id).await?;
    let base = format!("{}-{}", rec.project.project.year, rec.project.project.name);
    let (body, mime, name) = if format == "toml" {
        (
            jixiao_io::to_toml(&rec.project).into_bytes(),
            "application/toml; charset=utf-8".to_string(),
            format!("{base}.toml"),
        )
    } else {
        // The documents of `jixiao report`: 自评表 (xlsx), 自评报告 (docx, pdf, html, md), open data (json).
        let fmt: jixiao_report::Format = format.parse().map_err(|_| AppError::NotFound)?;
        let project = rec.project.clone();
        let policy = state.store.policy().clone();
        // Typesetting a PDF takes tens of milliseconds of CPU: keep it off the async workers.
        let rendered = tokio::task::spawn_blocking(move || {
            let e = evaluate(&project, &policy);
            jixiao_report::render(
                &project,
                &e,
                &policy,
                fmt,
                &jixiao_report::Options::default(),
            )
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("无法生成文档：{e}")))?;
        let label = match fmt {
            jixiao_report::Format::Xlsx => "自评表",
            jixiao_report::Format::Json => "开放数据",
            _ => "自评报告",
        };
        (
            rendered.bytes,
            mime_of(fmt).to_string(),
            format!("{base}-{label}.{}", fmt.extension()),
        )
    };
    Ok((
        [
            (CONTENT_TYPE, mime),
            (CONTENT_DISPOSITION, attachment(&name)),
        ],
        body,
    )
        .into_response())
}

fn mime_of(f: jixiao_report::Format) -> &'static str {
    use jixiao_report::Format as F;
    match f {
        F::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        F::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        F::Pdf => "application/pdf",
        F::Html => "text/html; charset=utf-8",
        F::Markdown => "text/markdown; charset=utf-8",
        F::Json => "application/json; charset=utf-8",
    }
}

/// `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266).
fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}
