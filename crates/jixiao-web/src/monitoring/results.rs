//! 结果应用: each project's final grade (the reviewed total where the review is complete, else the
//! computed one) becomes next year's budget suggestion by the policy, with the reasons: grade, the
//! year's monitoring lights, unresolved 整改.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use jixiao_core::monitoring::Suggestion;
use jixiao_core::{ReviewTotal, Summary};
use jixiao_store::ProjectFilter;
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{self, Nav};

/// The suggestions for the projects of `year` in the user's scope, by unit then project.
pub async fn suggestions(
    state: &Shared,
    user: &jixiao_store::User,
    year: i32,
) -> Result<Vec<Suggestion>, AppError> {
    let scope = access::scope(state, user).await?;
    let filter = ProjectFilter {
        org_ids: scope.clone(),
        year: Some(year),
        ..Default::default()
    };
    let items = state.store.rectifications(scope.as_deref(), None).await?;
    let policy = state.store.policy();
    let mut out: Vec<Suggestion> =
        crate::scan::projects(state, &filter, |row, project, history| {
            // A draft or returned self-evaluation is not a result yet.
            if !matches!(
                row.status,
                jixiao_store::Status::Submitted
                    | jixiao_store::Status::Approved
                    | jixiao_store::Status::Published
            ) {
                return None;
            }
            let (_, summary) = Summary::evaluate_against(project, history, policy);
            let (total, reviewed) = match summary.review {
                ReviewTotal::Done(t) => (t, true),
                _ => (summary.total, false),
            };
            // The lights of the reports the unit submitted, as the policy gives them.
            let lights = history
                .monitoring
                .iter()
                .map(|form| {
                    (
                        form.month,
                        jixiao_core::monitoring::assess(form, policy).light,
                    )
                })
                .collect();
            let open = items
                .iter()
                .filter(|i| {
                    i.org_id == row.org_id
                        && i.project == project.project.name
                        && i.status != "closed"
                })
                .count();
            Some(Suggestion::new(
                &row.org_name,
                &project.project.name,
                year,
                total,
                reviewed,
                project.funds.annual,
                lights,
                open,
                policy,
            ))
        })
        .await?
        .into_iter()
        .flatten()
        .collect();
    out.sort_by(|a, b| a.org.cmp(&b.org).then(a.project.cmp(&b.project)));
    Ok(out)
}

pub struct Line {
    pub org: String,
    pub project: String,
    pub grade: String,
    pub total: String,
    pub graded_by: &'static str,
    pub annual: String,
    pub suggestion: String,
    pub cut: bool,
    pub reasons: String,
}

#[derive(Template)]
#[template(path = "monitoring/results.html")]
struct ResultsPage {
    nav: Nav,
    year: i32,
    lines: Vec<Line>,
    rules: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    year: String,
}

fn year_of(q: &YearQuery) -> i32 {
    q.year
        .trim()
        .parse()
        .unwrap_or_else(|_| super::today()[..4].parse::<i32>().unwrap_or(2026) - 1)
}

async fn page(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Html<String>, AppError> {
    require(user.user.role.is_reviewer() || user.user.role == jixiao_store::Role::Admin)?;
    let year = year_of(&q);
    let lines = suggestions(&state, &user.user, year)
        .await?
        .into_iter()
        .map(|s| Line {
            org: s.org,
            project: s.project,
            grade: s.grade.to_string(),
            total: view::num(s.total),
            graded_by: s.graded_by,
            annual: view::wan(s.annual),
            cut: s.rule.cut_percent.is_some() || s.grade == jixiao_core::Grade::Poor,
            suggestion: s.rule.describe(),
            reasons: s.reasons.join("；"),
        })
        .collect();
    let rules = state
        .store
        .policy()
        .results
        .iter()
        .rev()
        .map(|(g, r)| (g.to_string(), r.describe()))
        .collect();
    Ok(Html(
        ResultsPage {
            nav: user.nav(),
            year,
            lines,
            rules,
        }
        .render()?,
    ))
}

/// The suggestions as a workbook or PDF.
async fn download(
    State(state): State<Shared>,
    user: CurrentUser,
    axum::extract::Path(format): axum::extract::Path<String>,
    Query(q): Query<YearQuery>,
) -> Result<axum::response::Response, AppError> {
    require(user.user.role.is_reviewer() || user.user.role == jixiao_store::Role::Admin)?;
    let year = year_of(&q);
    let list = suggestions(&state, &user.user, year).await?;
    let pdf = match format.as_str() {
        "xlsx" => false,
        "pdf" => true,
        _ => return Err(AppError::NotFound),
    };
    let bytes = crate::downloads::render(move || {
        if pdf {
            jixiao_report::monitor::suggestions_pdf(&list, None).map(|r| r.bytes)
        } else {
            jixiao_report::monitor::suggestions_xlsx(&list)
        }
    })
    .await?;
    Ok(crate::downloads::file(
        &format!("{year}年度评价结果应用建议.{format}"),
        bytes,
    ))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/results", get(page))
        .route("/results/download/{format}", get(download))
}
