//! A project across years: declared (approved) targets, self-evaluation targets and actuals, with a small
//! chart per indicator.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use jixiao_core::goals::name_key;
use rust_decimal::Decimal;

use super::history;
use crate::Shared;
use crate::access;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::view::{self, Nav};

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
pub(super) async fn years(
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
            if !order.iter().any(|o| name_key(o) == name_key(&n)) {
                order.push(n);
            }
        }
    }
    let series = order
        .into_iter()
        .map(|n| {
            let key = name_key(&n);
            let rows: Vec<YearRow> = past
                .iter()
                .map(|y| {
                    let declared = y
                        .declaration
                        .as_ref()
                        .and_then(|d| d.indicators.iter().find(|g| name_key(&g.name) == key))
                        .map(|g| g.target.clone())
                        .unwrap_or_default();
                    let ind = y
                        .evaluation
                        .as_ref()
                        .and_then(|p| p.indicators.iter().find(|i| name_key(&i.name) == key));
                    let (target, actual) = ind
                        .map(|i| (i.target.clone(), i.actual.clone()))
                        .unwrap_or_default();
                    let t = jixiao_core::value::parse(if target.is_empty() {
                        &declared
                    } else {
                        &target
                    });
                    let a = jixiao_core::value::parse_actual(&actual, &t);
                    // Actual ÷ target in the target's unit; not for ≤ targets, where less is better.
                    let ratio = match (t.quantity(), a.quantity()) {
                        (Some(tq), Some(aq))
                            if !tq.number.is_zero() && !tq.cmp.is_upper_bound() =>
                        {
                            jixiao_core::value::convert(aq.number, &aq.unit, &tq.unit)
                                .and_then(|n| n.checked_div(tq.number))
                                .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
                                .map(|r| format!("{}%", view::num(r.round_dp(1))))
                                .unwrap_or_default()
                        }
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
