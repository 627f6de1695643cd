//! Projects: the list (filters, sorting, paging), a new project, and the project page (the 自评表 with
//! computed scores, findings, comments and the workflow buttons).

use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use jixiao_core::{
    Declaration, Evaluation, History, Policy, Project, ReviewTotal, Summary, evaluate_against,
};
use jixiao_store::{Action, ProjectFilter, ProjectRecord, Sort, Status};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, can_edit, can_move, can_review, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{self, Nav};

pub async fn home(user: Result<CurrentUser, AppError>) -> Redirect {
    match user {
        Ok(_) => Redirect::to("/projects"),
        Err(_) => Redirect::to("/login"),
    }
}

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
    /// Keyset paging: the last project of the page before, and that page's end position (for display).
    #[serde(default)]
    after: String,
    #[serde(default)]
    from: String,
}

/// Rows per page of the project list.
const PAGE: i64 = 100;

impl ListQuery {
    /// The filters as a query string (without paging), for the next page's and first page's links.
    fn filters(&self) -> String {
        let pairs = [
            ("year", &self.year),
            ("status", &self.status),
            ("grade", &self.grade),
            ("findings", &self.findings),
            ("q", &self.q),
            ("sort", &self.sort),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", view::query_value(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
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
#[template(path = "projects/list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<Row>,
    q: ListQuery,
    statuses: Vec<(&'static str, &'static str)>,
    notice: String,
    /// Projects matching the filters, and the positions of this page's first and last rows.
    total: i64,
    first: i64,
    last: i64,
    /// Links to the first page (when not on it) and the next page (when there is one).
    first_page: Option<String>,
    next_page: Option<String>,
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
        limit: PAGE + 1,
        offset: 0,
        after: q.after.trim().parse().ok(),
    };
    let total = state.counted(&filter).await?;
    let mut found = state.store.list_projects(&filter).await?;
    let more = found.len() as i64 > PAGE;
    found.truncate(PAGE as usize);
    let before: i64 = if filter.after.is_some() {
        q.from.trim().parse().unwrap_or(0).clamp(0, i64::MAX / 2)
    } else {
        0
    };
    let filters = q.filters();
    let link = |extra: String| {
        let query: Vec<&str> = [filters.as_str(), extra.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        match query.is_empty() {
            true => "/projects".to_string(),
            false => format!("/projects?{}", query.join("&")),
        }
    };
    let last = before + found.len() as i64;
    let next_page = more
        .then(|| {
            found
                .last()
                .map(|r| link(format!("after={}&from={last}", r.id)))
        })
        .flatten();
    let first_page = filter.after.is_some().then(|| link(String::new()));
    let first = if found.is_empty() { 0 } else { before + 1 };
    let rows = found
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
            total,
            first,
            last,
            first_page,
            next_page,
        }
        .render()?,
    ))
}

// ---------------------------------------------------------------------------------------------
// New project

#[derive(Template)]
#[template(path = "projects/new.html")]
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
    /// The message as a query value (a reviewer raises it as a 整改事项).
    pub message_q: String,
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
        message_q: view::query_value(&f.message),
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

pub fn scored(p: &Project, e: &Evaluation, policy: &Policy) -> Scored {
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
    let spans = view::spans(rows.iter().map(|r| r.level1.as_str()));
    for (r, span) in rows.iter_mut().zip(spans) {
        r.level1_span = span;
    }
    let summary = Summary::of(p, e, policy);
    let review_total = match summary.review {
        ReviewTotal::NotStarted => String::new(),
        ReviewTotal::Partial => "未完成".into(),
        ReviewTotal::Done(t) => view::num(t),
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
    pub body_q: String,
}

#[derive(Template)]
#[template(path = "projects/show.html")]
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
    /// Published before: publishing again is a correction (更正), with a note the public reads.
    republish: bool,
    /// 已公开: returning it starts a correction.
    published: bool,
    can_review: bool,
    can_comment: bool,
    old_revision: Option<i64>,
    /// The approved goals' declaration and the comparison with them.
    goals_id: Option<i64>,
    goal_lines: Vec<GoalLine>,
    monitoring: Vec<MonitorLine>,
    /// The project's 整改事项 not yet closed (this year's and earlier years').
    open_items: Vec<crate::monitoring::ItemRow>,
    reviewer: bool,
}

/// One monitoring round of the project, as its self-evaluation page lists them.
pub struct MonitorLine {
    pub id: i64,
    pub month: u32,
    pub light: &'static str,
    pub light_class: &'static str,
    /// Execution against the pace.
    pub execution: String,
    pub status: &'static str,
    pub decision: &'static str,
    pub decision_note: String,
}

/// What a project page shows that does not depend on the viewer: the record, its evaluation and its
/// comments (cached briefly, see cache.rs: this page carries most of the reviewers' load).
#[derive(Clone)]
pub struct ProjectView {
    pub rec: ProjectRecord,
    pub evaluation: Evaluation,
    pub comments: Vec<jixiao_store::Comment>,
    /// The declaration the self-evaluation started from, what it is measured against (approved goals,
    /// monitoring), and the monitoring reports.
    pub declaration_id: Option<i64>,
    pub history: History,
    pub reports: Vec<jixiao_store::Report>,
}

impl ProjectView {
    pub async fn load(state: &Shared, rec: ProjectRecord) -> Result<ProjectView, AppError> {
        let comments = state.store.comments(rec.id).await?;
        let declaration_id = state
            .store
            .declaration_of_project(rec.id)
            .await?
            .map(|d| d.id);
        let reports = match declaration_id {
            Some(d) => state.store.reports_of_declaration(d).await?,
            None => Vec::new(),
        };
        let history = state.store.history_of_project(rec.id).await?;
        let evaluation = evaluate_against(&rec.project, &history, state.store.policy());
        Ok(ProjectView {
            rec,
            evaluation,
            comments,
            declaration_id,
            history,
            reports,
        })
    }
}

/// One line of the comparison with the approved goals: what was approved and what the self-evaluation
/// says, side by side.
pub struct GoalLine {
    pub name: String,
    pub approved: String,
    pub now: String,
    pub approved_weight: String,
    pub weight: String,
    /// 一致 / 指标值已改 / 分值已改 / 已删除 / 新增
    pub state: &'static str,
    pub changed: bool,
}

fn goal_lines(p: &Project, d: &Declaration) -> Vec<GoalLine> {
    jixiao_core::goals::pair_with_baseline(p, d)
        .into_iter()
        .map(|pair| {
            let g = pair.approved.map(|a| &d.indicators[a]);
            let i = pair.current.map(|i| &p.indicators[i]);
            let target_changed = matches!((g, i), (Some(g), Some(i)) if !jixiao_core::goals::same_target(&g.target, &i.target));
            let weight_changed =
                matches!((g, i), (Some(g), Some(i)) if g.weight.is_some_and(|w| w != i.weight));
            let state = match (g, i) {
                (Some(_), None) => "已删除",
                (None, _) => "新增",
                _ if target_changed => "指标值已改",
                _ if weight_changed => "分值已改",
                _ => "一致",
            };
            GoalLine {
                name: i.map_or_else(|| g.map(|g| g.name.clone()).unwrap_or_default(), |i| i.name.clone()),
                approved: g.map(|g| g.target.clone()).unwrap_or_default(),
                now: i.map(|i| i.target.clone()).unwrap_or_default(),
                approved_weight: g.and_then(|g| g.weight).map(view::num).unwrap_or_default(),
                weight: i.map(|i| view::num(i.weight)).unwrap_or_default(),
                changed: state != "一致",
                state,
            }
        })
        .collect()
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

pub async fn render_show(
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
            body_q: view::query_value(&c.body),
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
        s: scored(&rec.project, e, state.store.policy()),
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
        republish: state.store.was_published(rec.id).await?,
        published: rec.status == Status::Published,
        can_review: live && can_review(&user.user, rec),
        can_comment: live && (user.user.role.is_reviewer() || user.user.org_id == rec.org_id),
        old_revision,
        open_items: crate::monitoring::open_items(state, rec.org_id, &rec.project.project.name)
            .await?,
        reviewer: user.user.role.is_reviewer(),
        goals_id: view.declaration_id,
        goal_lines: view
            .history
            .goals
            .as_ref()
            .map(|d| goal_lines(&rec.project, d))
            .unwrap_or_default(),
        monitoring: view
            .reports
            .iter()
            .map(|r| MonitorLine {
                id: r.id,
                month: r.form.month,
                light: r.light.label(),
                light_class: r.light.as_str(),
                execution: r
                    .execution_ratio_centi
                    .map(|c| format!("{}%", view::centi(c)))
                    .unwrap_or_default(),
                status: r.status.label(),
                decision: r.decision.map(|d| d.label()).unwrap_or_default(),
                decision_note: r.decision_note.clone(),
            })
            .collect(),
        p: rec.project.clone(),
    };
    Ok(Html(page.render()?))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(home))
        .route("/projects", get(list).post(create))
        .route("/projects/new", get(new_page))
        .route("/projects/{id}", get(show))
}
