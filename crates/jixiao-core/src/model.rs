//! The domain model: one project-year as recorded on the 自评表 and in the 自评报告.
//!
//! These types are also the project file format (docs/project-file.md): field names are the keys of the
//! TOML/JSON file, so renaming a field is a breaking change of the file contract.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::grade::Grade;

/// Amounts in 万元, scores and weights are exact decimals. In files they may be written as
/// strings (`"14.53"`) or numbers (`14.53`); both parse exactly.
pub type Amount = Decimal;

/// One project-year's self-evaluation (项目支出绩效自评).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// 项目基本信息
    pub project: Header,
    /// 项目资金（万元）
    pub funds: Funds,
    /// 年度总体目标
    #[serde(default)]
    pub goals: Goals,
    /// 绩效指标（三级指标表）
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// What the unit itself stated (总分, 评价等级, 存在问题, 改进措施).
    #[serde(default)]
    pub statement: Statement,
    /// Narrative sections of the 自评报告.
    #[serde(default)]
    pub report: Narrative,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// 项目名称
    pub name: String,
    /// 评价年度
    pub year: i32,
    /// 项目级次（一级 / 二级）
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// 主管部门
    #[serde(default)]
    pub department: String,
    /// 实施单位
    #[serde(default)]
    pub implementer: String,
    /// 项目编码, when the form has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// What is evaluated: one project's spending (项目支出, the default) or a whole department's
    /// (部门整体支出). Both are scored by the same rules; documents and pages name them differently.
    #[serde(default, skip_serializing_if = "Kind::is_project")]
    pub kind: Kind,
}

/// 评价对象: 项目支出 or 部门整体支出.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 项目支出绩效自评
    #[default]
    Project,
    /// 部门整体支出绩效自评: the 项目名称 is the department's name, the budget rows are 基本支出 /
    /// 项目支出.
    Department,
}

impl Kind {
    pub fn is_project(&self) -> bool {
        *self == Kind::Project
    }

    /// The form's own name for it: 项目支出 / 部门整体支出.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Project => "项目支出",
            Kind::Department => "部门整体支出",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Funds {
    /// 年初预算数（万元）
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Amount>,
    /// 全年（年度、调整后）预算数（万元）: the denominator of the execution rate.
    pub annual: Amount,
    /// 全年执行数（万元）
    pub executed: Amount,
    /// 预算执行率的分值（权重）
    #[serde(default = "default_execution_weight")]
    pub execution_weight: Decimal,
    /// 预算执行率的自评得分, as stated on the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_score: Option<Decimal>,
    /// 预算执行率的复核得分
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_score: Option<Decimal>,
    /// Rows under 年度资金总额: 当年财政拨款, 上年结转, 财政专户管理资金, 其他资金 …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<FundSource>,
}

pub fn default_execution_weight() -> Decimal {
    Decimal::TEN
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundSource {
    /// 资金来源名称, e.g. 当年财政拨款
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Amount>,
    pub annual: Amount,
    pub executed: Amount,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goals {
    /// 年度预期绩效目标
    #[serde(default)]
    pub expected: String,
    /// 目标实际完成情况
    #[serde(default)]
    pub actual: String,
}

/// One row of the indicator table (三级指标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 一级指标, e.g. 产出指标
    pub level1: String,
    /// 二级指标, e.g. 数量指标
    #[serde(default)]
    pub level2: String,
    /// 三级指标
    pub name: String,
    /// 年度指标值, as written on the form
    #[serde(default)]
    pub target: String,
    /// 实际完成值, as written on the form
    #[serde(default)]
    pub actual: String,
    /// 分值（权重）
    pub weight: Decimal,
    /// 自评得分
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_score: Option<Decimal>,
    /// 复核得分
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_score: Option<Decimal>,
    /// 偏差原因分析及改进措施
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
    /// Direction when the form says it (指标性质 / 指标方向); otherwise read from the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// 指标方向: 正向 (more is better), 反向 (less is better), 定性 (graded text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Positive,
    Reverse,
    Qualitative,
}

impl Direction {
    /// The key written in files (`positive`, `reverse`, `qualitative`).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Positive => "positive",
            Direction::Reverse => "reverse",
            Direction::Qualitative => "qualitative",
        }
    }
    pub fn parse(s: &str) -> Option<Direction> {
        [
            Direction::Positive,
            Direction::Reverse,
            Direction::Qualitative,
        ]
        .into_iter()
        .find(|d| d.as_str() == s.trim())
    }
    pub fn label(self) -> &'static str {
        match self {
            Direction::Positive => "正向",
            Direction::Reverse => "反向",
            Direction::Qualitative => "定性",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// 总分 as stated by the unit
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Decimal>,
    /// 评价等级 as stated by the unit
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// 存在问题 as stated in the table
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problems: Option<String>,
    /// 改进措施 as stated in the table
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<String>,
    /// Level-1 weights printed in the table, e.g. 产出指标（50%）.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub level_weights: BTreeMap<String, Decimal>,
}

/// Narrative sections of the 自评报告. Paragraphs are separated by a newline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    /// 项目背景及立项依据
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub background: String,
    /// 项目绩效目标
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub goals: String,
    /// 项目资金来源及使用情况
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub funds_usage: String,
    /// 项目实施情况
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub implementation: String,
    /// 绩效评价概述
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub overview: String,
    /// 评价结论与绩效分析 (the text around the table)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub conclusion: String,
    /// 项目主要绩效或成功经验
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub experience: String,
    /// 存在问题或不足
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub problems: String,
    /// 下一步改进措施
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub measures: String,
}

impl Project {
    /// The project as the unit stated it: without the reviewer's scores (复核得分), for copies the public
    /// reads when the finance bureau does not publish its review.
    pub fn without_review(&self) -> Project {
        let mut p = self.clone();
        p.funds.review_score = None;
        for i in &mut p.indicators {
            i.review_score = None;
        }
        p
    }

    /// Sum of all indicator weights plus the execution weight.
    pub fn total_weight(&self) -> Decimal {
        self.indicators
            .iter()
            .fold(self.funds.execution_weight, |acc, i| {
                acc.saturating_add(i.weight)
            })
    }
}

/// A value the file format accepts but the domain does not: a negative weight, an empty name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Field path in the project file, e.g. `indicators[2].weight`.
    pub path: String,
    pub message: String,
}

/// The largest amount accepted, in 万元 (a trillion 万元): far beyond any project, small enough that every
/// rate and sum stays exact.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// The largest weight or score accepted (in absolute value); a form's weights add up to 100.
pub const MAX_POINTS: i64 = 1000;
/// Decimal places accepted for amounts (万元 to the cent is 6 places) and for weights and scores.
pub const AMOUNT_PLACES: u32 = 6;
pub const POINT_PLACES: u32 = 4;

/// Why a number is outside the model's bounds, if it is.
fn out_of_bounds(v: Decimal, max: i64, places: u32, what: &str) -> Option<String> {
    if v.abs() > Decimal::from(max) {
        Some(format!(
            "{what}{} 超出范围（绝对值不能超过 {max}）",
            v.normalize()
        ))
    } else if v.normalize().scale() > places {
        Some(format!(
            "{what}{} 的小数位数过多（最多 {places} 位）",
            v.normalize()
        ))
    } else {
        None
    }
}

impl Project {
    /// Checks what the types cannot: every problem, not just the first.
    pub fn validate(&self) -> Vec<Invalid> {
        let mut out = Vec::new();
        let mut bad = |path: String, message: String| out.push(Invalid { path, message });
        if self.project.name.trim().is_empty() {
            bad("project.name".into(), "项目名称不能为空".into());
        }
        if !(1990..=2100).contains(&self.project.year) {
            bad(
                "project.year".into(),
                format!("年度 {} 不在 1990–2100 之间", self.project.year),
            );
        }
        let f = &self.funds;
        for (path, v) in [
            ("funds.initial", f.initial),
            ("funds.annual", Some(f.annual)),
            ("funds.executed", Some(f.executed)),
        ] {
            if let Some(v) = v.filter(|v| v.is_sign_negative() && !v.is_zero()) {
                bad(path.into(), format!("金额不能为负数（{v}）"));
            }
        }
        for (path, v) in [
            ("funds.initial", f.initial),
            ("funds.annual", Some(f.annual)),
            ("funds.executed", Some(f.executed)),
        ] {
            if let Some(m) = v.and_then(|v| out_of_bounds(v, MAX_AMOUNT, AMOUNT_PLACES, "金额")) {
                bad(path.into(), m);
            }
        }
        for (path, v) in [
            ("funds.execution_weight", Some(f.execution_weight)),
            ("funds.self_score", f.self_score),
            ("funds.review_score", f.review_score),
            ("statement.total", self.statement.total),
        ] {
            if let Some(m) = v.and_then(|v| out_of_bounds(v, MAX_POINTS, POINT_PLACES, "分值")) {
                bad(path.into(), m);
            }
        }
        for (name, v) in &self.statement.level_weights {
            if let Some(m) = out_of_bounds(*v, MAX_POINTS, POINT_PLACES, "分值") {
                bad(format!("statement.level_weights.{name}"), m);
            }
        }
        if f.execution_weight.is_sign_negative() && !f.execution_weight.is_zero() {
            bad(
                "funds.execution_weight".into(),
                format!("分值不能为负数（{}）", f.execution_weight),
            );
        }
        for (i, s) in f.sources.iter().enumerate() {
            if s.name.trim().is_empty() {
                bad(
                    format!("funds.sources[{i}].name"),
                    "资金来源名称不能为空".into(),
                );
            }
            for (field, v) in [
                ("initial", s.initial),
                ("annual", Some(s.annual)),
                ("executed", Some(s.executed)),
            ] {
                let Some(v) = v else { continue };
                if let Some(m) = out_of_bounds(v, MAX_AMOUNT, AMOUNT_PLACES, "金额") {
                    bad(format!("funds.sources[{i}].{field}"), m);
                }
                if v.is_sign_negative() && !v.is_zero() {
                    bad(
                        format!("funds.sources[{i}].{field}"),
                        format!("金额不能为负数（{v}）"),
                    );
                }
            }
        }
        for (i, ind) in self.indicators.iter().enumerate() {
            if ind.name.trim().is_empty() {
                bad(
                    format!("indicators[{i}].name"),
                    "三级指标名称不能为空".into(),
                );
            }
            if ind.level1.trim().is_empty() {
                bad(format!("indicators[{i}].level1"), "一级指标不能为空".into());
            }
            for (field, v) in [
                ("weight", Some(ind.weight)),
                ("self_score", ind.self_score),
                ("review_score", ind.review_score),
            ] {
                if let Some(m) = v.and_then(|v| out_of_bounds(v, MAX_POINTS, POINT_PLACES, "分值"))
                {
                    bad(format!("indicators[{i}].{field}"), m);
                }
            }
            if ind.weight.is_sign_negative() && !ind.weight.is_zero() {
                bad(
                    format!("indicators[{i}].weight"),
                    format!("分值不能为负数（{}）", ind.weight),
                );
            }
        }
        out
    }
}
