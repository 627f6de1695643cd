//! The review dashboard for reviewers (主管部门 and 财政局): the projects of one year under one
//! organisation of the viewer's scope, each scored at its current revision, shown with the same
//! aggregation and charts as `jixiao batch --html` (crate jixiao-batch). Unit editors get 403.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use jixiao_batch::{Aggregate, dashboard, summarize};
use jixiao_core::{Policy, evaluate};
use jixiao_store::ProjectFilter;
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::Nav;

/// Shortlist length on screen.
const SHORTLIST: usize = 30;
/// Upper bound of projects read for one view (a city's year is a few thousand).
const MAX_PROJECTS: i64 = 100_000;

#[derive(Deserialize, Default)]
pub struct DashQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    org: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    scope_name: String,
    year_label: String,
    years: Vec<i64>,
    year: i64,
    orgs: Vec<(i64, String)>,
    org: i64,
    policy: String,
    body: String,
}

pub async fn page(
    State(state): State<Shared>,
    user: CurrentUser,
    Query(q): Query<DashQuery>,
) -> Result<Html<String>, AppError> {
    require(user.user.role.is_reviewer())?;
    let all_orgs = state.orgs().await?;
    let scope = access::subtree(&all_orgs, user.user.org_id);
    // An organisation outside the viewer's scope is "not found", as projects are.
    let org = match q.org.trim() {
        "" => user.user.org_id,
        s => s
            .parse::<i64>()
            .ok()
            .filter(|id| scope.contains(id))
            .ok_or(AppError::NotFound)?,
    };
    let subtree = access::subtree(&all_orgs, org);
    let filter = ProjectFilter {
        org_ids: Some(subtree),
        limit: MAX_PROJECTS,
        ..Default::default()
    };
    let rows = state.store.list_projects(&filter).await?;
    let mut years: Vec<i64> = rows.iter().map(|r| r.year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let year = q
        .year
        .trim()
        .parse::<i64>()
        .ok()
        .or_else(|| years.first().copied())
        .unwrap_or_default();

    let policy = Policy::standard();
    let mut agg = Aggregate::new();
    for r in rows.iter().filter(|r| r.year == year) {
        // Listed a moment ago; a project deleted since is skipped.
        let Some(rec) = state.store.project(r.id).await? else {
            continue;
        };
        let eval = evaluate(&rec.project, policy);
        let row = summarize(
            format!("项目 #{}", rec.id),
            &rec.project,
            &eval,
            &eval.findings,
            policy,
            Some(r.org_name.clone()),
        );
        agg.add(row, &eval.findings);
    }
    let review = agg.finish(SHORTLIST);
    let name_of = |id: i64| {
        all_orgs
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    };
    let orgs = scope.iter().map(|&id| (id, name_of(id))).collect();
    let page = DashboardPage {
        nav: user.nav(),
        scope_name: name_of(org),
        year_label: if years.is_empty() {
            String::new()
        } else {
            format!("{year} 年度")
        },
        years,
        year,
        orgs,
        org,
        policy: policy.title.clone(),
        body: dashboard::body(&review),
    };
    Ok(Html(page.render()?))
}
