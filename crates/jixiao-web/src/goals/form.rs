//! The 申报表 form: one row per indicator, library suggestions (assets/goals.js), every bad value refused
//! with its row and field.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_core::Direction;
use jixiao_core::goals::{Attribute, Basis, Declaration, GoalFundSource, GoalIndicator, Period};
use rust_decimal::Decimal;

use super::{edit_refusal, visible};
use crate::Shared;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::input;
use crate::view::{self, Nav};

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

pub(super) async fn edit_page(
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
    let one = |key: &str| view::field(form, key);
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

pub(super) async fn save(
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
    // Once approved, the project keeps its name: monitoring, 整改 and the years follow it.
    if rec.baseline.is_some() {
        d.project.name = rec.declaration.project.name.clone();
    }
    state
        .store
        .save_declaration(id, base, &d, user.user.id, "保存")
        .await?;
    Ok(Redirect::to(&format!("/goals/{id}")).into_response())
}
