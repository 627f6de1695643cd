//! The public pages: the list with its search and filters, each evaluation, the statistics and the
//! open-data page. Plain HTML with one stylesheet; nothing needs a script.

use std::borrow::Borrow;
use std::fmt::Write;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use jixiao_core::Summary;
use jixiao_report::{Options, Report};
use jixiao_store::{Publication, PublicationFilter, PublicationRow, PublicationStat};
use serde::Deserialize;

use super::{Answer, cached};
use crate::Shared;
use crate::error::AppError;
use crate::view::{esc, time};

/// Evaluations per page of the list.
const PAGE: i64 = 50;
/// The grades, best first.
pub const GRADES: [&str; 4] = ["优", "良", "中", "差"];

/// The site's name: the finance bureau's (one bureau per deployment).
pub async fn site_name(state: &Shared) -> Result<String, AppError> {
    let orgs = state.orgs().await?;
    Ok(orgs
        .iter()
        .find(|o| o.kind == jixiao_store::OrgKind::Bureau)
        .map_or_else(String::new, |o| o.name.clone()))
}

/// 万元 to two decimal places from 分 (integer arithmetic, half away from zero).
pub fn wan(fen: impl Borrow<i64>) -> String {
    let fen = *fen.borrow();
    let sign = if fen < 0 { "-" } else { "" };
    // 1 万元 = 1,000,000 分; two decimal places of 万元 are units of 10,000 分.
    let units = (fen.unsigned_abs() + 5_000) / 10_000;
    format!("{sign}{}.{:02}", units / 100, units % 100)
}

/// A share as a percentage with one decimal place, "—" when there is nothing to divide by.
pub fn percent(part: impl Borrow<i64>, whole: impl Borrow<i64>) -> String {
    rate(i128::from(*part.borrow()), i128::from(*whole.borrow()))
}

/// `part` of `whole` as a percentage to one decimal ("—" when there is no whole).
fn rate(part: i128, whole: i128) -> String {
    if whole <= 0 {
        return "—".into();
    }
    let tenths = (part * 1000 + whole / 2) / whole;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Hundredths of a point as text.
pub fn points(centi: impl Borrow<i64>) -> String {
    crate::view::centi(*centi.borrow())
}

pub fn date(millis: impl Borrow<i64>) -> String {
    time(*millis.borrow()).chars().take(10).collect()
}

/// One row of the statistics: how many evaluations, by grade, and their funds.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub label: String,
    pub count: i64,
    /// By [`GRADES`].
    pub grades: [i64; 4],
    pub annual_fen: i128,
    pub executed_fen: i128,
    pub full_marks: i64,
}

impl Tally {
    fn add(&mut self, s: &PublicationStat) {
        self.count = self.count.saturating_add(s.count);
        if let Some(i) = GRADES.iter().position(|g| *g == s.grade) {
            self.grades[i] = self.grades[i].saturating_add(s.count);
        }
        // i128 sums of i128 sums of i64 amounts: no province reaches the bound.
        self.annual_fen += s.annual_fen;
        self.executed_fen += s.executed_fen;
        self.full_marks = self.full_marks.saturating_add(s.full_marks);
    }

    pub fn execution(&self) -> String {
        rate(self.executed_fen, self.annual_fen)
    }

    pub fn full_share(&self) -> String {
        percent(self.full_marks, self.count)
    }

    /// The grade distribution as a small stacked bar (inline SVG, text alternative included).
    pub fn grade_bar(&self) -> String {
        const COLOURS: [&str; 4] = ["#1b6e3a", "#2f6fb0", "#b27300", "#a8232a"];
        let total = self.count.max(1);
        let summary: Vec<String> = GRADES
            .iter()
            .zip(self.grades)
            .map(|(g, n)| format!("{g} {n} 个"))
            .collect();
        let mut svg = format!(
            r#"<svg class="bar" viewBox="0 0 200 14" width="200" height="14" role="img" aria-label="{}"><title>{}</title>"#,
            esc(&summary.join("，")),
            esc(&summary.join("，"))
        );
        let mut x = 0i64;
        for (n, colour) in self.grades.iter().zip(COLOURS) {
            let w = n * 200 / total;
            if w > 0 {
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="0" width="{w}" height="14" fill="{colour}"/>"#
                );
            }
            x += w;
        }
        svg.push_str("</svg>");
        svg
    }

    /// The execution rate as a small bar on a 0–100 % scale.
    pub fn execution_bar(&self) -> String {
        let permille = if self.annual_fen > 0 {
            (self.executed_fen * 1000 / self.annual_fen).clamp(0, 1000)
        } else {
            0
        };
        let w = permille * 120 / 1000;
        format!(
            r##"<svg class="bar" viewBox="0 0 120 14" width="120" height="14" role="img" aria-label="预算执行率 {rate}"><title>预算执行率 {rate}</title><rect x="0" y="0" width="120" height="14" fill="#e3e7ec"/><rect x="0" y="0" width="{w}" height="14" fill="#2f6fb0"/></svg>"##,
            rate = self.execution()
        )
    }
}

/// Statistics added up by a key of each row.
fn tallies(stats: &[PublicationStat], key: impl Fn(&PublicationStat) -> String) -> Vec<Tally> {
    let mut out: Vec<Tally> = Vec::new();
    for s in stats {
        let label = key(s);
        match out.iter_mut().find(|t| t.label == label) {
            Some(t) => t.add(s),
            None => {
                let mut t = Tally {
                    label,
                    ..Tally::default()
                };
                t.add(s);
                out.push(t);
            }
        }
    }
    out
}

fn total(stats: &[PublicationStat]) -> Tally {
    tallies(stats, |_| String::new()).pop().unwrap_or_default()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    dept: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

#[derive(Template)]
#[template(path = "public/index.html")]
struct IndexPage {
    site: String,
    years: Vec<i64>,
    year: Option<i64>,
    departments: Vec<(i64, String)>,
    dept: Option<i64>,
    units: Vec<(i64, String)>,
    unit: Option<i64>,
    grade: String,
    q: String,
    rows: Vec<PublicationRow>,
    count: i64,
    page: i64,
    pages: i64,
    summary: Tally,
    /// The query string without the page, for the paging links.
    base_query: String,
}

fn query_string(pairs: &[(&str, String)]) -> String {
    let mut q = String::new();
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        if !q.is_empty() {
            q.push('&');
        }
        let _ = write!(q, "{k}={}", urlencode(v));
    }
    q
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn index(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Response {
    let key = format!("index {:?}", Filters::of(&q));
    cached(&state, &headers, key, || render_index(&state, q)).await
}

/// The list's query as read: what the page shows depends on these alone (the cache key).
#[derive(Debug)]
struct Filters {
    year: Option<i32>,
    dept: Option<i64>,
    unit: Option<i64>,
    grade: Option<String>,
    search: String,
    page: i64,
}

impl Filters {
    fn of(q: &ListQuery) -> Filters {
        Filters {
            year: q.year.trim().parse::<i32>().ok(),
            dept: q.dept.trim().parse::<i64>().ok(),
            unit: q.unit.trim().parse::<i64>().ok(),
            grade: GRADES
                .iter()
                .find(|g| **g == q.grade.trim())
                .map(|g| g.to_string()),
            search: q.q.trim().chars().take(100).collect(),
            page: q.page.trim().parse::<i64>().unwrap_or(1).clamp(1, 100_000),
        }
    }
}

async fn render_index(state: &Shared, q: ListQuery) -> Result<Answer, AppError> {
    let store = &state.store;
    let Filters {
        year,
        dept,
        unit,
        grade,
        search,
        page,
    } = Filters::of(&q);
    let filter = PublicationFilter {
        year,
        department_id: dept,
        org_id: unit,
        grade: grade.clone(),
        search: (!search.is_empty()).then(|| search.clone()),
        limit: PAGE,
        offset: (page - 1) * PAGE,
    };
    let rows = store.publications(&filter).await?;
    let count = store.count_publications(&filter).await?;
    let all = store.publication_stats(None).await?;
    let mut departments: Vec<(i64, String)> = Vec::new();
    for s in &all {
        if !departments.iter().any(|(id, _)| *id == s.department_id) {
            departments.push((s.department_id, s.department_name.clone()));
        }
    }
    departments.sort_by(|a, b| a.1.cmp(&b.1));
    // Only units with publications: the organisation tree itself is not public.
    let units: Vec<(i64, String)> = match dept {
        Some(d) => store.publication_units(d).await?,
        None => Vec::new(),
    };
    let year_stats: Vec<PublicationStat> = all
        .into_iter()
        .filter(|s| year.is_none_or(|y| s.year == i64::from(y)))
        .filter(|s| dept.is_none_or(|d| s.department_id == d))
        .collect();
    let page_view = IndexPage {
        site: site_name(state).await?,
        years: store.publication_years().await?,
        year: year.map(i64::from),
        departments,
        dept,
        units,
        unit,
        grade: grade.unwrap_or_default(),
        q: search,
        rows,
        count,
        page,
        pages: ((count + PAGE - 1) / PAGE).max(1),
        summary: total(&year_stats),
        base_query: query_string(&[
            ("year", q.year.trim().to_string()),
            ("dept", q.dept.trim().to_string()),
            ("unit", q.unit.trim().to_string()),
            ("grade", q.grade.trim().to_string()),
            ("q", q.q.trim().to_string()),
        ]),
    };
    Ok(Answer::html(page_view.render()?))
}

#[derive(Template)]
#[template(path = "public/evaluation.html")]
struct EvaluationPage<'a> {
    site: String,
    row: &'a PublicationRow,
    /// Every publication of the project, newest first.
    versions: &'a [PublicationRow],
    /// The newest publication (this one or a later correction).
    newest: &'a PublicationRow,
    /// The publication this one corrected, if it is a correction.
    corrected: Option<&'a PublicationRow>,
    with_review: bool,
    report: String,
    code: String,
}

/// A path's project id or revision: anything else is simply not found.
fn number(s: &str) -> Result<i64, AppError> {
    s.parse::<i64>().map_err(|_| AppError::NotFound)
}

/// A publication and whether the bureau publishes its review for that unit.
pub async fn published(
    state: &Shared,
    project: i64,
    revision: Option<i64>,
) -> Result<(Publication, bool), AppError> {
    let p = state
        .store
        .publication(project, revision)
        .await?
        .ok_or(AppError::NotFound)?;
    let with_review = state
        .org(p.row.org_id)
        .await?
        .is_some_and(|o| o.publish_review);
    Ok((p, with_review))
}

/// The report of a publication as the public may read it.
pub fn public_report(
    state: &Shared,
    p: &Publication,
    with_review: bool,
) -> Result<(Report, jixiao_core::Evaluation), AppError> {
    let policy = state.store.policy();
    // Against no goals or monitoring: what was published stays as it was when later goals or
    // monitoring reports change (their comparisons are the review's, not the unit's statement).
    let (evaluation, _) = Summary::evaluate(&p.project, policy);
    let options = Options {
        appendix: with_review,
        statement_only: !with_review,
        ..Options::default()
    };
    Ok((
        Report::build(&p.project, &evaluation, policy, &options),
        evaluation,
    ))
}

async fn latest(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(project): Path<String>,
) -> Response {
    let key = format!("evaluation {project}");
    cached(&state, &headers, key, || async {
        render_evaluation(&state, number(&project)?, None).await
    })
    .await
}

async fn version(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path((project, revision)): Path<(String, String)>,
) -> Response {
    let key = format!("evaluation {project}/{revision}");
    cached(&state, &headers, key, || async {
        render_evaluation(&state, number(&project)?, Some(number(&revision)?)).await
    })
    .await
}

async fn render_evaluation(
    state: &Shared,
    project: i64,
    revision: Option<i64>,
) -> Result<Answer, AppError> {
    let (p, with_review) = published(state, project, revision).await?;
    let versions = state.store.project_publications(project).await?;
    let (report, _) = public_report(state, &p, with_review)?;
    let corrected = versions.iter().find(|v| v.revision < p.row.revision);
    let page = EvaluationPage {
        site: site_name(state).await?,
        row: &p.row,
        versions: &versions,
        newest: versions.first().unwrap_or(&p.row),
        corrected: corrected.filter(|_| !p.row.correction.is_empty()),
        with_review,
        report: jixiao_report::html::fragment(&report),
        code: p.project.project.code.clone().unwrap_or_default(),
    };
    Ok(Answer::html(page.render()?))
}

#[derive(Deserialize, Default)]
pub struct StatsQuery {
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "public/stats.html")]
struct StatsPage {
    site: String,
    years: Vec<i64>,
    year: i64,
    by_year: Vec<Tally>,
    by_department: Vec<Tally>,
    total: Tally,
}

async fn stats(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<StatsQuery>,
) -> Response {
    let key = format!("stats {}", q.year);
    cached(&state, &headers, key, || async {
        let all = state.store.publication_stats(None).await?;
        let years = state.store.publication_years().await?;
        let year = q
            .year
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|y| years.contains(y))
            .or(years.first().copied())
            .unwrap_or_default();
        let of_year: Vec<PublicationStat> =
            all.iter().filter(|s| s.year == year).cloned().collect();
        let page = StatsPage {
            site: site_name(&state).await?,
            by_year: tallies(&all, |s| s.year.to_string()),
            by_department: tallies(&of_year, |s| s.department_name.clone()),
            total: total(&of_year),
            years,
            year,
        };
        Ok(Answer::html(page.render()?))
    })
    .await
}

#[derive(Template)]
#[template(path = "public/data.html")]
struct DataPage {
    site: String,
    years: Vec<Tally>,
    departments: Vec<(i64, String, i64)>,
}

async fn data_page(State(state): State<Shared>, headers: HeaderMap) -> Response {
    cached(&state, &headers, "data".into(), || async {
        let all = state.store.publication_stats(None).await?;
        let mut departments: Vec<(i64, String, i64)> = Vec::new();
        for s in &all {
            match departments.iter_mut().find(|d| d.0 == s.department_id) {
                Some(d) => d.2 += s.count,
                None => departments.push((s.department_id, s.department_name.clone(), s.count)),
            }
        }
        departments.sort_by(|a, b| a.1.cmp(&b.1));
        let page = DataPage {
            site: site_name(&state).await?,
            years: tallies(&all, |s| s.year.to_string()),
            departments,
        };
        Ok(Answer::html(page.render()?))
    })
    .await
}

#[derive(Template)]
#[template(path = "public/message.html")]
struct MessagePage<'a> {
    title: &'a str,
    message: String,
}

/// The public 404: the same for a project that does not exist and one that was never published.
pub fn not_found() -> String {
    MessagePage {
        title: "未找到",
        message: "没有找到这项公开的绩效自评。它可能尚未公开，或者地址有误。".into(),
    }
    .render()
    .unwrap_or_default()
}

pub fn too_many(wait: u64) -> String {
    MessagePage {
        title: "访问过于频繁",
        message: format!("来自您所在地址的访问过于频繁，请 {wait} 秒后再试。"),
    }
    .render()
    .unwrap_or_default()
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/gongkai", get(index))
        .route("/gongkai/tongji", get(stats))
        .route("/gongkai/shuju", get(data_page))
        .route("/gongkai/{project}", get(latest))
        .route("/gongkai/{project}/{revision}", get(version))
}
