//! 绩效目标: declarations (list, new, page, form), their review unit → department → finance bureau with a
//! grade and its consequence, adjustments of approved goals, the self-evaluation that starts from the
//! approved goals, and a project's targets and actuals across years.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jixiao_core::goals::{
    Attribute, Basis, Declaration, GoalFundSource, GoalFunds, GoalHeader, GoalIndicator, GoalText,
    PastYear, Period, check_declaration,
};
use jixiao_core::{Direction, Grade};
use jixiao_store::{Action, DeclarationRecord, GoalMove, GoalStatus, ReviewLevel, Role, User};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;
use crate::projects::{FindingRow, finding_row};
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
fn edit_refusal(user: &User, rec: &DeclarationRecord) -> Option<&'static str> {
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

/// The level a reviewer reviews at, when the declaration waits for them.
fn review_level(user: &User, rec: &DeclarationRecord) -> Option<ReviewLevel> {
    match (user.role, rec.status) {
        (Role::Department, GoalStatus::Submitted) => Some(ReviewLevel::Department),
        (Role::Finance, GoalStatus::Submitted | GoalStatus::DeptApproved) => {
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

// ---------------------------------------------------------------------------------------------
// The declaration's page

pub struct GoalRow {
    pub index: usize,
    pub level1: String,
    pub level1_span: usize,
    pub level2: String,
    pub name: String,
    pub target: String,
    pub hint: String,
    pub weight: String,
    pub explanation: String,
    pub basis: String,
    pub data_source: String,
    /// The approved target where this one differs (an adjustment in progress).
    pub approved: Option<String>,
}

pub struct CommentRow {
    pub author: String,
    pub time: String,
    pub indicator: String,
    pub body: String,
}

pub struct RevisionRow {
    pub number: i64,
    pub action: &'static str,
    pub status: &'static str,
    pub grade: String,
    pub author: String,
    pub time: String,
    pub note: String,
    pub approval: bool,
}

#[derive(Template)]
#[template(path = "goals/show.html")]
struct ShowPage {
    nav: Nav,
    id: i64,
    org: String,
    status: &'static str,
    revision: i64,
    d: Declaration,
    rows: Vec<GoalRow>,
    total: String,
    sources: Vec<(String, String)>,
    findings: Vec<FindingRow>,
    comments: Vec<CommentRow>,
    revisions: Vec<RevisionRow>,
    grade: String,
    adjustment: String,
    resume: String,
    baseline: Option<i64>,
    project_id: Option<i64>,
    can_edit: bool,
    can_submit: bool,
    can_adjust: bool,
    can_start: bool,
    review_level: &'static str,
    consequences: Vec<(&'static str, &'static str)>,
}

/// The earlier years of the same project (same unit, same name): the history the goal checks and the
/// multi-year view read.
async fn history(state: &Shared, org_id: i64, name: &str) -> Result<Vec<PastYear>, AppError> {
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
    for rec in state.store.declarations_named(org_id, name).await? {
        let approved = match rec.baseline {
            Some(b) => state.store.declaration_revision(rec.id, b).await?,
            None => None,
        };
        let y = rec.declaration.project.year;
        years
            .entry(y)
            .or_insert(PastYear {
                year: y,
                declaration: None,
                evaluation: None,
            })
            .declaration = Some(approved.unwrap_or(rec.declaration));
    }
    Ok(years.into_values().collect())
}

fn merge_level1(rows: &mut [GoalRow]) {
    let mut i = 0;
    while i < rows.len() {
        let mut j = i + 1;
        while j < rows.len() && rows[j].level1 == rows[i].level1 {
            j += 1;
        }
        rows[i].level1_span = j - i;
        i = j;
    }
}

async fn show(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    let d = &rec.declaration;
    let org = state
        .org(rec.org_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let baseline = match rec.baseline {
        Some(b) if b != rec.revision => state.store.declaration_revision(id, b).await?,
        _ => None,
    };
    let approved_target = |name: &str| -> Option<String> {
        let b = baseline.as_ref()?;
        let key = jixiao_core::goals::name_key(name);
        match b
            .indicators
            .iter()
            .find(|g| jixiao_core::goals::name_key(&g.name) == key)
        {
            Some(g) => Some(g.target.clone()),
            None => Some("（新增指标）".into()),
        }
    };
    let mut rows: Vec<GoalRow> = d
        .indicators
        .iter()
        .enumerate()
        .map(|(i, g)| GoalRow {
            index: i,
            level1: g.level1.clone(),
            level1_span: 0,
            level2: g.level2.clone(),
            name: g.name.clone(),
            target: g.target.clone(),
            hint: jixiao_core::value::parse(&g.target).describe(),
            weight: g.weight.map(view::num).unwrap_or_default(),
            explanation: g.explanation.clone(),
            basis: match (g.basis, g.basis_note.is_empty()) {
                (Some(b), true) => b.label().to_string(),
                (Some(b), false) => format!("{}：{}", b.label(), g.basis_note),
                (None, _) => String::new(),
            },
            data_source: g.data_source.clone(),
            approved: approved_target(&g.name).filter(|t| *t != g.target),
        })
        .collect();
    merge_level1(&mut rows);
    let past = history(&state, rec.org_id, &d.project.name).await?;
    let findings = check_declaration(d, &past, state.store.policy())
        .iter()
        .map(finding_row)
        .collect();
    let names: Vec<&str> = d.indicators.iter().map(|g| g.name.as_str()).collect();
    let comments = state
        .store
        .declaration_comments(id)
        .await?
        .into_iter()
        .map(|c| CommentRow {
            author: c.author,
            time: view::time(c.created_at),
            indicator: c
                .indicator
                .and_then(|i| names.get(i as usize).map(|s| s.to_string()))
                .unwrap_or_default(),
            body: c.body,
        })
        .collect();
    let revisions = state
        .store
        .declaration_revisions(id)
        .await?
        .into_iter()
        .map(|r| RevisionRow {
            number: r.number,
            action: r.action_label(),
            status: r.status.label(),
            grade: r.grade.map(|g| g.to_string()).unwrap_or_default(),
            author: r.author.clone(),
            time: view::time(r.created_at),
            note: r.note.clone(),
            approval: r.action == "approve",
        })
        .collect();
    let policy = state.store.policy();
    let level = review_level(&user.user, &rec);
    let page = ShowPage {
        nav: user.nav(),
        id,
        org,
        status: rec.status.label(),
        revision: rec.revision,
        rows,
        total: view::wan(d.funds.total),
        sources: d
            .funds
            .sources
            .iter()
            .map(|s| (s.name.clone(), view::wan(s.amount)))
            .collect(),
        findings,
        comments,
        revisions,
        grade: rec.review_grade.map(|g| g.to_string()).unwrap_or_default(),
        adjustment: rec.adjustment.clone().unwrap_or_default(),
        resume: rec
            .resume
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        baseline: rec.baseline,
        project_id: rec.project_id,
        can_edit: edit_refusal(&user.user, &rec).is_none(),
        can_submit: user.user.role == Role::Editor
            && user.user.org_id == rec.org_id
            && rec.status.editable(),
        can_adjust: user.user.role == Role::Editor
            && user.user.org_id == rec.org_id
            && rec.status == GoalStatus::Approved,
        can_start: user.user.role == Role::Editor
            && user.user.org_id == rec.org_id
            && rec.baseline.is_some()
            && rec.project_id.is_none(),
        review_level: match level {
            Some(ReviewLevel::Department) => "主管部门审核",
            Some(ReviewLevel::Finance) => "财政部门审核",
            None => "",
        },
        consequences: [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor]
            .into_iter()
            .map(|g| (g.as_str(), policy.goals.consequence(g).label()))
            .collect(),
        d: d.clone(),
    };
    Ok(Html(page.render()?))
}

// ---------------------------------------------------------------------------------------------
// The form

#[derive(Template)]
#[template(path = "goals/edit.html")]
struct EditPage {
    nav: Nav,
    id: i64,
    revision: i64,
    d: Declaration,
    /// Indicator rows plus a few blank ones to fill in.
    rows: Vec<GoalIndicator>,
    sources: Vec<(String, String)>,
    period: (String, String),
    adjustment: String,
    bases: Vec<(&'static str, &'static str)>,
    level1s: [&'static str; 4],
}

fn blank_indicator() -> GoalIndicator {
    GoalIndicator {
        level1: String::new(),
        level2: String::new(),
        name: String::new(),
        target: String::new(),
        weight: None,
        explanation: String::new(),
        basis: None,
        basis_note: String::new(),
        data_source: String::new(),
        scoring: String::new(),
        direction: None,
    }
}

async fn edit_page(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    if let Some(why) = edit_refusal(&user.user, &rec) {
        return Err(AppError::Refused(why));
    }
    let d = rec.declaration;
    let mut rows = d.indicators.clone();
    rows.extend(std::iter::repeat_with(blank_indicator).take(3));
    let mut sources: Vec<(String, String)> = d
        .funds
        .sources
        .iter()
        .map(|s| (s.name.clone(), view::num(s.amount)))
        .collect();
    if sources.is_empty() {
        sources = vec![
            ("财政拨款".into(), String::new()),
            ("其他资金".into(), String::new()),
        ];
    }
    Ok(Html(
        EditPage {
            nav: user.nav(),
            id,
            revision: rec.revision,
            period: d
                .project
                .period
                .map(|p| (p.start.to_string(), p.end.to_string()))
                .unwrap_or_default(),
            rows,
            sources,
            adjustment: rec.adjustment.unwrap_or_default(),
            bases: Basis::ALL.iter().map(|b| (b.as_str(), b.label())).collect(),
            level1s: ["产出指标", "效益指标", "满意度指标", "成本指标"],
            d,
        }
        .render()?,
    ))
}

/// Reads the form: repeated fields (`name`, `target`, … one per indicator row) in row order; blank
/// rows are dropped. Every bad value is refused with the row and the field.
fn read_form(form: &[(String, String)], d: &mut Declaration) -> Result<(), AppError> {
    let one = |key: &str| {
        form.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let all = |key: &str| -> Vec<String> {
        form.iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    d.project.name = input::required(&one("project_name"), "项目名称")?.to_string();
    d.project.department = one("department");
    d.project.implementer = one("implementer");
    d.project.code = Some(one("code")).filter(|c| !c.is_empty());
    d.project.attribute = Attribute::parse(&one("attribute")).unwrap_or_default();
    let year = |k: &str, what: &str| -> Result<Option<i32>, AppError> {
        let t = one(k);
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<i32>()
            .ok()
            .filter(|y| (1990..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| AppError::BadRequest(format!("{what}“{t}”不是有效年度")))
    };
    d.project.period = match (
        year("period_start", "项目期起")?,
        year("period_end", "项目期止")?,
    ) {
        (Some(start), Some(end)) if end >= start => Some(Period { start, end }),
        (Some(_), Some(_)) => {
            return Err(AppError::BadRequest("项目期的结束年度早于开始年度".into()));
        }
        (None, None) => None,
        _ => return Err(AppError::BadRequest("项目期需填写起止年度".into())),
    };
    d.funds.total = input::decimal(&one("total"), "年度资金总额", None)?.unwrap_or_default();
    d.funds.sources = all("source_name")
        .into_iter()
        .zip(all("source_amount"))
        .filter(|(n, a)| !n.is_empty() && !a.is_empty())
        .map(|(name, a)| {
            let amount =
                input::decimal(&a, &format!("资金来源“{name}”的金额"), None)?.unwrap_or_default();
            Ok(GoalFundSource { name, amount })
        })
        .collect::<Result<_, AppError>>()?;
    d.goals.annual = one("annual");
    d.goals.long_term = one("long_term");
    let cols = [
        "level1",
        "level2",
        "name",
        "target",
        "weight",
        "explanation",
        "basis",
        "basis_note",
        "data_source",
        "direction",
    ]
    .map(all);
    let n = cols[2].len();
    if cols.iter().any(|c| c.len() != n) {
        return Err(AppError::BadRequest(
            "指标表的列数不一致，请刷新页面后重试".into(),
        ));
    }
    let mut indicators = Vec::new();
    // Row i of the table is the i-th value of each repeated field.
    let rows = (0..n).map(|i| -> [String; 10] { std::array::from_fn(|k| cols[k][i].clone()) });
    for row in rows {
        let c = |k: usize| row[k].clone();
        if row[..5].iter().all(String::is_empty) {
            continue;
        }
        let row = indicators.len() + 1;
        let name = c(2);
        if name.is_empty() {
            return Err(AppError::BadRequest(format!(
                "第 {row} 个指标缺少三级指标名称"
            )));
        }
        if c(0).is_empty() {
            return Err(AppError::BadRequest(format!("指标“{name}”缺少一级指标")));
        }
        indicators.push(GoalIndicator {
            level1: c(0),
            level2: c(1),
            target: c(3),
            weight: input::decimal(
                &c(4),
                &format!("指标“{name}”的分值"),
                Some(Decimal::ONE_HUNDRED),
            )?,
            explanation: c(5),
            basis: Basis::parse(&c(6)),
            basis_note: c(7),
            data_source: c(8),
            scoring: String::new(),
            direction: Direction::parse(&c(9)),
            name,
        });
    }
    // Keep what the form does not show (评分标准 from an imported table) on rows that stay.
    for g in &mut indicators {
        if let Some(old) = d.indicators.iter().find(|o| o.name == g.name) {
            g.scoring = old.scoring.clone();
        }
    }
    d.indicators = indicators;
    if let Some(bad) = d.validate().into_iter().next() {
        return Err(AppError::BadRequest(format!(
            "{}：{}",
            bad.path, bad.message
        )));
    }
    Ok(())
}

async fn save(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    if let Some(why) = edit_refusal(&user.user, &rec) {
        return Err(AppError::Refused(why));
    }
    let base = form
        .iter()
        .find(|(k, _)| k == "base")
        .and_then(|(_, v)| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本号".into()))?;
    let mut d = rec.declaration.clone();
    read_form(&form, &mut d)?;
    state
        .store
        .save_declaration(id, base, &d, user.user.id, "保存")
        .await?;
    Ok(Redirect::to(&format!("/goals/{id}")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Workflow

#[derive(Deserialize)]
pub struct MoveForm {
    base: i64,
    #[serde(default)]
    note: String,
}

async fn submit(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    require(user.user.role == Role::Editor && user.user.org_id == rec.org_id)?;
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

async fn adjust(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    require(user.user.role == Role::Editor && user.user.org_id == rec.org_id)?;
    let reason = input::required(&form.note, "调整理由")?;
    state
        .store
        .move_declaration(id, form.base, GoalMove::Adjust, user.user.id, reason)
        .await?;
    Ok(Redirect::to(&format!("/goals/{id}/edit")).into_response())
}

/// A reviewer's grade (优 良 中 差), what it does by the policy, the opinion, and comments per indicator.
async fn review(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    let level = review_level(&user.user, &rec)
        .ok_or(AppError::Refused("该绩效目标当前不在你的审核环节。"))?;
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
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
async fn start_evaluation(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let rec = visible(&state, &user.user, id).await?;
    require(user.user.role == Role::Editor && user.user.org_id == rec.org_id)?;
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

// ---------------------------------------------------------------------------------------------
// A project across years

pub struct YearRow {
    pub year: i32,
    pub target: String,
    pub declared: String,
    pub actual: String,
    pub ratio: String,
}

pub struct Series {
    pub name: String,
    pub rows: Vec<YearRow>,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "goals/years.html")]
struct YearsPage {
    nav: Nav,
    name: String,
    org: String,
    years: Vec<i32>,
    series: Vec<Series>,
}

/// Declared (approved) targets, targets on the self-evaluation, and actuals of every indicator of one
/// project across the years, with a small chart of actual against target where both are numbers.
async fn years(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(project_id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let rec = access::visible_project(&state, &user.user, project_id).await?;
    let name = rec.project.project.name.clone();
    let past = history(&state, rec.org_id, &name).await?;
    let mut order: Vec<String> = Vec::new();
    for y in &past {
        let names = y
            .declaration
            .iter()
            .flat_map(|d| d.indicators.iter().map(|g| g.name.clone()))
            .chain(
                y.evaluation
                    .iter()
                    .flat_map(|p| p.indicators.iter().map(|i| i.name.clone())),
            );
        for n in names {
            if !order
                .iter()
                .any(|o| jixiao_core::goals::name_key(o) == jixiao_core::goals::name_key(&n))
            {
                order.push(n);
            }
        }
    }
    let series = order
        .into_iter()
        .map(|n| {
            let key = jixiao_core::goals::name_key(&n);
            let rows: Vec<YearRow> = past
                .iter()
                .map(|y| {
                    let declared = y
                        .declaration
                        .as_ref()
                        .and_then(|d| {
                            d.indicators
                                .iter()
                                .find(|g| jixiao_core::goals::name_key(&g.name) == key)
                        })
                        .map(|g| g.target.clone())
                        .unwrap_or_default();
                    let ind = y.evaluation.as_ref().and_then(|p| {
                        p.indicators
                            .iter()
                            .find(|i| jixiao_core::goals::name_key(&i.name) == key)
                    });
                    let (target, actual) = ind
                        .map(|i| (i.target.clone(), i.actual.clone()))
                        .unwrap_or_default();
                    let t = jixiao_core::value::parse(if target.is_empty() {
                        &declared
                    } else {
                        &target
                    });
                    let a = jixiao_core::value::parse_actual(&actual, &t);
                    let ratio = match (t.quantity(), a.quantity()) {
                        (Some(t), Some(a)) if !t.number.is_zero() => format!(
                            "{}%",
                            view::num((a.number / t.number * Decimal::ONE_HUNDRED).round_dp(1))
                        ),
                        _ => String::new(),
                    };
                    YearRow {
                        year: y.year,
                        target,
                        declared,
                        actual,
                        ratio,
                    }
                })
                .collect();
            let chart = chart(&rows);
            Series {
                name: n,
                rows,
                chart,
            }
        })
        .collect();
    Ok(Html(
        YearsPage {
            nav: user.nav(),
            org: state
                .org(rec.org_id)
                .await?
                .map(|o| o.name)
                .unwrap_or_default(),
            years: past.iter().map(|y| y.year).collect(),
            name,
            series,
        }
        .render()?,
    ))
}

/// Bars of actual ÷ target per year (100% marked), as inline SVG; empty when no year has both numbers.
fn chart(rows: &[YearRow]) -> String {
    let points: Vec<(i32, f64)> = rows
        .iter()
        .filter_map(|r| {
            let pct: f64 = r.ratio.trim_end_matches('%').parse().ok()?;
            Some((r.year, pct))
        })
        .collect();
    if points.is_empty() {
        return String::new();
    }
    let top = points.iter().map(|p| p.1).fold(100.0_f64, f64::max) * 1.1;
    let (w, h, bar) = (40 * points.len() as i32 + 20, 90, 24);
    let mut svg = format!(
        r#"<svg class="years-chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="实际完成值与指标值之比">"#
    );
    let y100 = 70.0 - 60.0 * 100.0 / top;
    for (i, (year, pct)) in points.iter().enumerate() {
        let x = 10 + 40 * i as i32;
        let bh = 60.0 * pct / top;
        svg.push_str(&format!(
            r#"<rect x="{x}" y="{:.1}" width="{bar}" height="{bh:.1}" class="{}"><title>{year}年：{pct}%</title></rect><text x="{}" y="85" text-anchor="middle">{year}</text>"#,
            70.0 - bh,
            if *pct >= 100.0 { "met" } else { "missed" },
            x + bar / 2
        ));
    }
    svg.push_str(&format!(
        r#"<line x1="0" x2="{w}" y1="{y100:.1}" y2="{y100:.1}" class="target"/></svg>"#
    ));
    svg
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/goals", get(list).post(create))
        .route("/goals/new", get(new_page))
        .route("/goals/import", post(import))
        .route("/goals/{id}", get(show))
        .route("/goals/{id}/edit", get(edit_page).post(save))
        .route("/goals/{id}/submit", post(submit))
        .route("/goals/{id}/adjust", post(adjust))
        .route("/goals/{id}/review", post(review))
        .route("/goals/{id}/evaluate", post(start_evaluation))
        .route("/projects/{id}/years", get(years))
}
