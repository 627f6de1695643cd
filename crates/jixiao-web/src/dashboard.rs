//! The review dashboard for reviewers (主管部门 and 财政局): the projects of one year under one
//! organisation of the viewer's scope, each scored at its current revision, shown with the same
//! aggregation and charts as `jixiao batch --html` (crate jixiao-batch). Unit editors get 403.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use jixiao_batch::{Aggregate, ProjectRow, dashboard};
use jixiao_core::Summary;
use jixiao_store::ProjectFilter;
use serde::Deserialize;

use crate::Shared;
use crate::access::require;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::Nav;

/// Shortlist length on screen.
const SHORTLIST: usize = 30;
/// What the dashboard shows for one organisation and requested year. Cached (see cache.rs): scoring a
/// province's year takes seconds.
pub struct View {
    /// The years with projects, and the year shown.
    years: Vec<i64>,
    year: i64,
    /// The rendered charts and tables.
    body: String,
    /// 整改 completion by unit: (unit, items, closed, overdue).
    rectification: Vec<(String, usize, usize, usize)>,
}

#[derive(Deserialize, Default)]
pub struct DashQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    org: String,
}

#[derive(Template)]
#[template(path = "dashboard/dashboard.html")]
struct DashboardPage<'a> {
    nav: Nav,
    scope_name: String,
    year_label: String,
    orgs: Vec<(i64, &'a str)>,
    org: i64,
    policy: &'a str,
    view: &'a View,
}

pub async fn page(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, AppError> {
    require(user.user.role.is_reviewer())?;
    let all_orgs = state.orgs().await?;
    let scope = state.subtree(user.user.org_id).await?;
    // An organisation outside the viewer's scope is "not found", as projects are.
    let org = match q.org.trim() {
        "" => user.user.org_id,
        s => s
            .parse::<i64>()
            .ok()
            .filter(|id| scope.contains(id))
            .ok_or(AppError::NotFound)?,
    };
    // Project years are i32: a year that is not one shows the latest year, as an empty one does.
    let requested = q.year.trim().parse::<i32>().ok().map(i64::from);
    let key = (org, requested);
    let view = match state.dashboards.get(&key) {
        Some(view) => view,
        None => {
            // One computation at a time: requests that arrive while it runs wait and take its result
            // instead of each scoring thousands of projects.
            let _computing = state.dashboard_computing.lock().await;
            match state.dashboards.get(&key) {
                Some(view) => view,
                None => {
                    let generation = state.dashboards.generation();
                    let subtree = state.subtree(org).await?.to_vec();
                    let view = Arc::new(view(&state, subtree, requested).await?);
                    state.dashboards.insert(key, view.clone(), generation);
                    view
                }
            }
        }
    };
    let names: std::collections::HashMap<i64, &str> =
        all_orgs.iter().map(|o| (o.id, o.name.as_str())).collect();
    let name_of = |id: i64| names.get(&id).copied().unwrap_or_default();
    let page = DashboardPage {
        nav: user.nav(),
        scope_name: name_of(org).to_string(),
        year_label: if view.years.is_empty() {
            String::new()
        } else {
            format!("{} 年度", view.year)
        },
        orgs: scope.iter().map(|&id| (id, name_of(id))).collect(),
        org,
        policy: &state.store.policy().title,
        view: &view,
    };
    Ok(Html(page.render()?))
}

/// Reads and scores the year's projects under `subtree` (the latest year with projects unless one is
/// requested), a chunk at a time (see scan.rs).
async fn view(state: &Shared, subtree: Vec<i64>, requested: Option<i64>) -> Result<View, AppError> {
    let mut filter = ProjectFilter {
        org_ids: Some(subtree),
        ..Default::default()
    };
    let years = state.store.project_years(&filter).await?;
    let year = requested
        .or_else(|| years.first().copied())
        .unwrap_or_default();
    // Stored and requested years are i32, so this always holds; never drop the year filter.
    filter.year = Some(i32::try_from(year).map_err(|_| AppError::NotFound)?);
    let policy = state.store.policy();
    let scored = crate::scan::projects(state, &filter, |row, project, history| {
        let (eval, summary) = Summary::evaluate_against(project, history, policy);
        let row = ProjectRow::new(
            format!("项目 #{}", row.id),
            project,
            &summary,
            &eval.findings,
            policy,
            Some(row.org_name.clone()),
        );
        (row, eval.findings)
    })
    .await?;
    let mut agg = Aggregate::new();
    for (row, findings) in scored {
        agg.add(row, &findings);
    }
    let review = agg.finish(SHORTLIST);
    let rectification = crate::monitoring::completion(
        &state
            .store
            .rectifications(filter.org_ids.as_deref(), None)
            .await?,
        &crate::monitoring::today(),
    );
    Ok(View {
        years,
        year,
        body: dashboard::body(&review),
        rectification,
    })
}

pub fn routes() -> Router<Shared> {
    Router::new().route("/dashboard", get(page))
}
