//! 运行监控: a finance bureau opens a round; every approved project in scope gets its 监控表 prefilled
//! from its goals; units fill them in (lights shown, explanations required where the rules say);
//! reviewers see the round's overview, approve or return, and decide on lagging projects.
//! Also 整改 (rectify.rs) and 结果应用 (results.rs), which read the same lights.

mod rectify;
mod report;
mod results;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use jixiao_core::monitoring::Light;
use jixiao_store::{Role, User};
use serde::Deserialize;

use crate::Shared;
use crate::access::{self, require};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{self, Nav};

pub use rectify::{ItemRow, completion, open_items};

/// A round or report outside the user's scope does not exist for them.
async fn in_scope(state: &Shared, user: &User, org_id: i64) -> Result<(), AppError> {
    match access::scope(state, user).await? {
        Some(orgs) if !orgs.contains(&org_id) => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

/// Today in Beijing, `YYYY-MM-DD` (deadlines and due dates compare as text).
pub fn today() -> String {
    let tz = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    chrono::Utc::now()
        .with_timezone(&tz)
        .format("%Y-%m-%d")
        .to_string()
}

/// A date typed in a form: `YYYY-MM-DD`.
fn date(text: &str, what: &str) -> Result<String, AppError> {
    let t = text.trim();
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| AppError::BadRequest(format!("{what}“{t}”不是有效日期（如 2027-08-15）")))
}

pub struct RoundRow {
    pub id: i64,
    pub title: String,
    pub year: i64,
    pub month: i64,
    pub due: String,
}

#[derive(Template)]
#[template(path = "monitoring/rounds.html")]
struct RoundsPage {
    nav: Nav,
    rounds: Vec<RoundRow>,
    can_open: bool,
    year: i32,
    /// Where a round may cover: the bureau, or one of its departments (with their units).
    scopes: Vec<(i64, String)>,
}

async fn rounds(State(state): State<Shared>, user: CurrentUser) -> Result<Html<String>, AppError> {
    let scope = access::scope(&state, &user.user).await?;
    let orgs = state.orgs().await?;
    // A round is seen by those whose scope meets its organisations (the bureau's, or one of its units').
    let visible = |round_org: i64| match &scope {
        None => true,
        Some(mine) => {
            mine.contains(&round_org)
                || access::subtree(&orgs, round_org)
                    .iter()
                    .any(|o| mine.contains(o))
        }
    };
    let rounds = state
        .store
        .rounds()
        .await?
        .into_iter()
        .filter(|r| visible(r.org_id))
        .map(|r| RoundRow {
            id: r.id,
            title: r.title,
            year: r.year,
            month: r.month,
            due: r.due,
        })
        .collect();
    Ok(Html(
        RoundsPage {
            nav: user.nav(),
            rounds,
            can_open: user.user.role == Role::Finance,
            year: today()[..4].parse().unwrap_or(2026),
            scopes: access::subtree(&orgs, user.user.org_id)
                .into_iter()
                .filter_map(|id| orgs.iter().find(|o| o.id == id))
                .filter(|o| o.kind != jixiao_store::OrgKind::Unit)
                .map(|o| (o.id, o.name.clone()))
                .collect(),
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct RoundForm {
    year: String,
    month: String,
    due: String,
    #[serde(default)]
    title: String,
    /// The organisation whose units the round covers (default: the bureau's whole scope).
    #[serde(default)]
    scope: String,
}

/// The finance bureau opens a round over its whole scope.
async fn open_round(
    State(state): State<Shared>,
    user: CurrentUser,
    Form(f): Form<RoundForm>,
) -> Result<Response, AppError> {
    require(user.user.role == Role::Finance)?;
    let year: i64 = f
        .year
        .trim()
        .parse()
        .ok()
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| AppError::BadRequest(format!("年度“{}”无效", f.year.trim())))?;
    let month: i64 = f
        .month
        .trim()
        .parse()
        .ok()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| {
            AppError::BadRequest(format!("数据截至月份“{}”应为 1 到 12", f.month.trim()))
        })?;
    let due = date(&f.due, "报送截止日期")?;
    let title = match f.title.trim() {
        "" => format!("{year}年1—{month}月绩效运行监控"),
        t => t.to_string(),
    };
    let all = state.orgs().await?;
    let mine = access::subtree(&all, user.user.org_id);
    let root = match f.scope.trim() {
        "" => user.user.org_id,
        s => s
            .parse::<i64>()
            .ok()
            .filter(|id| mine.contains(id))
            .ok_or_else(|| AppError::BadRequest("监控范围不在本局管辖内".into()))?,
    };
    let orgs = access::subtree(&all, root);
    let round = state
        .store
        .open_round(root, &orgs, year, month, &due, &title, user.user.id)
        .await?;
    Ok(Redirect::to(&format!("/monitoring/{}", round.id)).into_response())
}

pub struct OverviewRow {
    pub id: i64,
    pub org: String,
    pub name: String,
    pub status: &'static str,
    pub light: &'static str,
    pub light_class: &'static str,
    pub execution: String,
    pub decision: &'static str,
    pub reasons: String,
}

pub struct UnitLights {
    pub org: String,
    pub red: usize,
    pub yellow: usize,
    pub green: usize,
}

#[derive(Template)]
#[template(path = "monitoring/overview.html")]
struct OverviewPage {
    nav: Nav,
    id: i64,
    title: String,
    due: String,
    rows: Vec<OverviewRow>,
    units: Vec<UnitLights>,
}

#[derive(Deserialize, Default)]
pub struct OverviewQuery {
    #[serde(default)]
    sort: String,
}

/// A round's overview for reviewers: lights by unit and project, sortable, with the reasons.
async fn overview(
    State(state): State<Shared>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<OverviewQuery>,
) -> Result<Html<String>, AppError> {
    let round = state.store.round(id).await?.ok_or(AppError::NotFound)?;
    let scope = access::scope(&state, &user.user).await?;
    let reports = state.store.round_reports(id, scope.as_deref()).await?;
    if reports.is_empty() && scope.is_some() {
        in_scope(&state, &user.user, round.org_id).await?;
    }
    let mut rows = Vec::new();
    for r in &reports {
        // The reasons: what the rules found, from the report as it stands.
        let reasons = match state.store.report(r.id).await? {
            Some(full) => report::reasons(&full.form, state.store.policy()),
            None => String::new(),
        };
        rows.push((r, reasons));
    }
    match q.sort.as_str() {
        "unit" => rows.sort_by(|a, b| {
            a.0.org_name
                .cmp(&b.0.org_name)
                .then(a.0.name.cmp(&b.0.name))
        }),
        "execution" => rows.sort_by_key(|(r, _)| r.execution_ratio_centi.unwrap_or(i64::MAX)),
        _ => rows.sort_by(|a, b| {
            b.0.light
                .cmp(&a.0.light)
                .then(a.0.org_name.cmp(&b.0.org_name))
        }),
    }
    let mut units: Vec<UnitLights> = Vec::new();
    for (r, _) in &rows {
        let u = match units.iter_mut().position(|u| u.org == r.org_name) {
            Some(i) => &mut units[i],
            None => {
                units.push(UnitLights {
                    org: r.org_name.clone(),
                    red: 0,
                    yellow: 0,
                    green: 0,
                });
                units.last_mut().expect("just pushed")
            }
        };
        match r.light {
            Light::Red => u.red += 1,
            Light::Yellow => u.yellow += 1,
            Light::Green => u.green += 1,
        }
    }
    units.sort_by(|a, b| b.red.cmp(&a.red).then(b.yellow.cmp(&a.yellow)));
    let rows = rows
        .into_iter()
        .map(|(r, reasons)| OverviewRow {
            id: r.id,
            org: r.org_name.clone(),
            name: r.name.clone(),
            status: r.status.label(),
            light: r.light.label(),
            light_class: r.light.as_str(),
            execution: r
                .execution_ratio_centi
                .map(|c| format!("{}%", view::centi(c)))
                .unwrap_or_default(),
            decision: r.decision.map(|d| d.label()).unwrap_or_default(),
            reasons,
        })
        .collect();
    Ok(Html(
        OverviewPage {
            nav: user.nav(),
            id,
            title: round.title,
            due: round.due,
            rows,
            units,
        }
        .render()?,
    ))
}

/// A round's overview as a workbook (projects, indicator lights, what must be explained, units) or PDF.
async fn download(
    State(state): State<Shared>,
    user: CurrentUser,
    Path((id, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    let round = state.store.round(id).await?.ok_or(AppError::NotFound)?;
    let scope = access::scope(&state, &user.user).await?;
    let policy = state.store.policy().clone();
    let mut items = Vec::new();
    for row in state.store.round_reports(id, scope.as_deref()).await? {
        if let Some(r) = state.store.report(row.id).await? {
            items.push(jixiao_report::monitor::Monitored {
                source: row.org_name.clone(),
                assessment: jixiao_core::monitoring::assess(&r.form, &policy),
                form: r.form,
                findings: Vec::new(),
            });
        }
    }
    if items.is_empty() && scope.is_some() {
        in_scope(&state, &user.user, round.org_id).await?;
    }
    let pdf = match format.as_str() {
        "xlsx" => false,
        "pdf" => true,
        _ => return Err(AppError::NotFound),
    };
    let bytes = crate::downloads::render(move || {
        if pdf {
            jixiao_report::monitor::overview_pdf(&items, &[], &policy, None).map(|r| r.bytes)
        } else {
            jixiao_report::monitor::overview_xlsx(&items, &[], &policy)
        }
    })
    .await?;
    Ok(crate::downloads::file(
        &format!("{}-总览.{format}", round.title),
        bytes,
    ))
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/monitoring", get(rounds).post(open_round))
        .route("/monitoring/{id}/download/{format}", get(download))
        .route("/monitoring/{id}", get(overview))
        .merge(report::routes())
        .merge(rectify::routes())
        .merge(results::routes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert_eq!(date(" 2027-08-15 ", "截止日期").unwrap(), "2027-08-15");
        assert!(date("2027-02-30", "截止日期").is_err());
        assert!(date("8月15日", "截止日期").is_err());
        assert_eq!(today().len(), 10);
    }
}
