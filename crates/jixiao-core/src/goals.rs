//! 绩效目标: the goals a unit declares with its budget request (绩效目标申报表), the checks a reviewer
//! would make of them, and the comparison of a year-end self-evaluation with the approved goals.
//!
//! A declaration is also a file (TOML/JSON, like the project file): the field names are its keys.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::findings::{Finding, design};
use crate::model::{Amount, Direction, Project};
use crate::policy::Policy;
use crate::value::{self, ValueKind};
use crate::{Code, Indicator};

/// One project-year's 绩效目标申报表.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub project: GoalHeader,
    pub funds: GoalFunds,
    #[serde(default)]
    pub goals: GoalText,
    #[serde(default)]
    pub indicators: Vec<GoalIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalHeader {
    /// 项目名称
    pub name: String,
    /// 预算年度
    pub year: i32,
    /// 主管部门
    #[serde(default)]
    pub department: String,
    /// 实施单位
    #[serde(default)]
    pub implementer: String,
    /// 项目编码
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// 项目属性: 新增 / 延续
    #[serde(default)]
    pub attribute: Attribute,
    /// 项目期: first and last year (a one-year project has both the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Attribute {
    /// 新增项目
    #[default]
    New,
    /// 延续项目
    Continuing,
}

impl Attribute {
    pub fn label(self) -> &'static str {
        match self {
            Attribute::New => "新增",
            Attribute::Continuing => "延续",
        }
    }
    pub fn parse(s: &str) -> Option<Attribute> {
        let s = s.trim();
        if s.contains("新增") || s == "new" {
            Some(Attribute::New)
        } else if s.contains("延续") || s.contains("持续") || s == "continuing" {
            Some(Attribute::Continuing)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

impl Period {
    pub fn is_multi_year(self) -> bool {
        self.end > self.start
    }
    pub fn label(self) -> String {
        if self.is_multi_year() {
            format!("{}—{}年", self.start, self.end)
        } else {
            format!("{}年", self.start)
        }
    }
}

/// 项目资金（万元）
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalFunds {
    /// 年度资金总额
    pub total: Amount,
    /// 其中：财政拨款 / 上年结转 / 其他资金 …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<GoalFundSource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalFundSource {
    pub name: String,
    pub amount: Amount,
}

/// 总体目标
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalText {
    /// 年度目标
    #[serde(default)]
    pub annual: String,
    /// 中长期目标 (multi-year projects)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub long_term: String,
}

/// One row of the goal's indicator table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalIndicator {
    /// 一级指标: 产出指标 / 效益指标 / 满意度指标, or 成本指标 as its own group (财预〔2021〕101号)
    pub level1: String,
    /// 二级指标
    #[serde(default)]
    pub level2: String,
    /// 三级指标
    pub name: String,
    /// 指标值, in the value language (≥95%, 2024年12月31日前 …)
    #[serde(default)]
    pub target: String,
    /// 分值, when the declaration sets the weights of the year-end self-evaluation
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Decimal>,
    /// 指标解释
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub explanation: String,
    /// 取值依据
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// 取值依据说明 (the plan, standard or history the value comes from)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basis_note: String,
    /// 数据来源 / 评价依据
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub data_source: String,
    /// 评分标准, where given
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scoring: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// 取值依据
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// 计划标准
    Plan,
    /// 行业标准
    Industry,
    /// 历史标准
    History,
    /// 其他
    Other,
}

impl Basis {
    pub const ALL: [Basis; 4] = [Basis::Plan, Basis::Industry, Basis::History, Basis::Other];
    pub fn label(self) -> &'static str {
        match self {
            Basis::Plan => "计划标准",
            Basis::Industry => "行业标准",
            Basis::History => "历史标准",
            Basis::Other => "其他",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Plan => "plan",
            Basis::Industry => "industry",
            Basis::History => "history",
            Basis::Other => "other",
        }
    }
    /// Reads `计划标准`, `计划`, `行业标准`, `历史`, `其他`, or the file key.
    pub fn parse(s: &str) -> Option<Basis> {
        let s = s.trim();
        Basis::ALL
            .into_iter()
            .find(|b| s == b.as_str() || s == b.label() || s == b.label().trim_end_matches("标准"))
    }
}

impl Declaration {
    /// The self-evaluation that starts from these goals: same header, funds, goals and indicators,
    /// with the actuals and scores still to fill in. Indicators without a declared weight get none (0)
    /// and the weight check says so.
    pub fn to_project(&self) -> Project {
        let mut p = Project {
            project: crate::Header {
                name: self.project.name.clone(),
                year: self.project.year,
                level: None,
                department: self.project.department.clone(),
                implementer: self.project.implementer.clone(),
                code: self.project.code.clone(),
                kind: crate::Kind::Project,
            },
            funds: crate::Funds {
                initial: Some(self.funds.total),
                annual: self.funds.total,
                executed: Decimal::ZERO,
                execution_weight: crate::model::default_execution_weight(),
                self_score: None,
                review_score: None,
                sources: self
                    .funds
                    .sources
                    .iter()
                    .map(|s| crate::FundSource {
                        name: s.name.clone(),
                        initial: Some(s.amount),
                        annual: s.amount,
                        executed: Decimal::ZERO,
                    })
                    .collect(),
            },
            goals: crate::Goals {
                expected: self.goals.annual.clone(),
                actual: String::new(),
            },
            indicators: Vec::new(),
            statement: Default::default(),
            report: Default::default(),
        };
        p.indicators = self
            .indicators
            .iter()
            .map(|g| Indicator {
                level1: g.level1.clone(),
                level2: g.level2.clone(),
                name: g.name.clone(),
                target: g.target.clone(),
                actual: String::new(),
                weight: g.weight.unwrap_or_default(),
                self_score: None,
                review_score: None,
                deviation: None,
                direction: g.direction,
            })
            .collect();
        p
    }

    /// A declaration that starts from a self-evaluation (the next year of a continuing project, or the
    /// goals of a project recorded before jixiao held its goals): header, funds, goals and indicators
    /// with their targets and weights; the rest is for the unit to fill in.
    pub fn from_project(p: &Project) -> Declaration {
        Declaration {
            project: GoalHeader {
                name: p.project.name.clone(),
                year: p.project.year,
                department: p.project.department.clone(),
                implementer: p.project.implementer.clone(),
                code: p.project.code.clone(),
                attribute: Attribute::New,
                period: None,
            },
            funds: GoalFunds {
                total: p.funds.annual,
                sources: p
                    .funds
                    .sources
                    .iter()
                    .map(|s| GoalFundSource {
                        name: s.name.clone(),
                        amount: s.annual,
                    })
                    .collect(),
            },
            goals: GoalText {
                annual: p.goals.expected.clone(),
                long_term: String::new(),
            },
            indicators: p
                .indicators
                .iter()
                .map(|i| GoalIndicator {
                    level1: i.level1.clone(),
                    level2: i.level2.clone(),
                    name: i.name.clone(),
                    target: i.target.clone(),
                    weight: Some(i.weight),
                    explanation: String::new(),
                    basis: None,
                    basis_note: String::new(),
                    data_source: String::new(),
                    scoring: String::new(),
                    direction: i.direction,
                })
                .collect(),
        }
    }

    /// What the types cannot check: every problem, with the path in the declaration file. The
    /// bounds are the project file's (names, year, amounts, weights), read on the project it becomes.
    pub fn validate(&self) -> Vec<crate::model::Invalid> {
        let mut out: Vec<_> = self
            .to_project()
            .validate()
            .into_iter()
            .filter(|e| !e.path.ends_with(".initial"))
            .map(|mut e| {
                if e.path == "funds.annual" {
                    e.path = "funds.total".into();
                } else if let Some(source) = e.path.strip_suffix(".annual") {
                    e.path = format!("{source}.amount");
                }
                e
            })
            .collect();
        if let Some(p) = self.project.period
            && (p.end < p.start || p.end - p.start > 20)
        {
            out.push(crate::model::Invalid {
                path: "project.period".into(),
                message: format!("项目期 {}—{} 不合理", p.start, p.end),
            });
        }
        out
    }
}

/// One earlier year of the same project: its declared target (if any) and its self-evaluation.
#[derive(Debug, Clone)]
pub struct PastYear {
    pub year: i32,
    pub declaration: Option<Declaration>,
    pub evaluation: Option<Project>,
}

/// An indicator name compared loosely: spaces, punctuation and full/half width do not matter.
pub fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfkc()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn fmt(x: Decimal) -> String {
    x.normalize().to_string()
}

/// The goal checks: what a reviewer questions before the money is approved. `history` holds the
/// project's earlier years, any order.
pub fn check_declaration(d: &Declaration, history: &[PastYear], policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    dimensions(d, policy, &mut out);
    // Declared weights are the self-evaluation's: the same weight checks (成本指标 as a group of its own
    // counts with 产出指标, policy weight_groups).
    if d.indicators.iter().any(|g| g.weight.is_some()) {
        let p = d.to_project();
        out.extend(
            crate::evaluate(&p, policy)
                .findings
                .into_iter()
                .filter(|f| {
                    matches!(
                        f.code,
                        Code::WeightsSum
                            | Code::WeightsNonstandard
                            | Code::SingleIndicatorDominates
                    )
                }),
        );
    }
    let mut past: Vec<&PastYear> = history.iter().filter(|h| h.year < d.project.year).collect();
    past.sort_by_key(|h| std::cmp::Reverse(h.year));
    for (i, g) in d.indicators.iter().enumerate() {
        let at = |field: &str| format!("indicators[{i}].{field}");
        let target = value::parse(&g.target);
        if let ValueKind::Unparsed { reason } = &target.kind {
            out.push(Finding::new(
                Code::ValueUnparsed,
                at("target"),
                format!("指标“{}”的指标值“{}”无法识别：{reason}", g.name, g.target),
                "按“≥95%”“≤3天”“2024年12月31日前”“是”等形式填写指标值。",
            ));
        }
        if matches!(target.kind, ValueKind::Empty) {
            out.push(Finding::new(
                Code::ValueUnparsed,
                at("target"),
                format!("指标“{}”没有填写指标值", g.name),
                "填写可衡量的指标值。",
            ));
        }
        design(&mut out, &at, &g.level1, &g.level2, &g.name, &target);
        if g.basis.is_none() {
            out.push(Finding::new(
                Code::TargetNoBasis,
                at("basis"),
                format!("指标“{}”没有注明取值依据", g.name),
                "选择计划标准、行业标准、历史标准或其他，并说明出处。",
            ));
        }
        history_checks(&mut out, &at, g, &target, d.project.year, &past, policy);
    }
    out.sort_by_key(|f| f.severity());
    out
}

/// The dimensions the policy requires: 数量 / 质量 / 时效 / 成本 under 产出 (成本 also as its own
/// group), 满意度 as a group.
fn dimensions(d: &Declaration, policy: &Policy, out: &mut Vec<Finding>) {
    let strip = |s: &str| s.trim().trim_end_matches("指标").to_string();
    let mut missing = Vec::new();
    for dim in &policy.goals.required_dimensions {
        let key = strip(dim);
        let present = d.indicators.iter().any(|g| {
            let (l1, l2) = (strip(&g.level1), strip(&g.level2));
            l1 == key || l2 == key || l2.ends_with(&key) || l1.ends_with(&key)
        });
        if !present {
            missing.push(dim.as_str());
        }
    }
    if !missing.is_empty() {
        out.push(Finding::new(
            Code::GoalDimensionMissing,
            "indicators",
            format!("绩效目标缺少{}", missing.join("、")),
            "补充缺少维度的指标；确实不适用的，在指标解释中说明理由。",
        ));
    }
}

/// A number a target or actual stands for, in the target's unit; `None` when it is not a quantity or
/// the units do not convert.
fn number_in(text: &str, unit: &str, target: &value::Value) -> Option<Decimal> {
    let v = value::parse_actual(text, target);
    let q = v.quantity()?;
    value::convert(q.number, &q.unit, unit)
}

fn history_checks(
    out: &mut Vec<Finding>,
    at: &dyn Fn(&str) -> String,
    g: &GoalIndicator,
    target: &value::Value,
    year: i32,
    past: &[&PastYear],
    policy: &Policy,
) {
    let Some(q) = target.quantity() else { return };
    let key = name_key(&g.name);
    let reverse = g.direction == Some(Direction::Reverse) || q.cmp.is_upper_bound();
    // Each earlier year's (target, actual) of this indicator, newest first.
    let rows: Vec<(i32, Option<Decimal>, Option<Decimal>)> = past
        .iter()
        .filter_map(|h| {
            let ind = h
                .evaluation
                .as_ref()?
                .indicators
                .iter()
                .find(|i| name_key(&i.name) == key)?;
            Some((
                h.year,
                number_in(&ind.target, &q.unit, target),
                number_in(&ind.actual, &q.unit, target),
            ))
        })
        .collect();
    // Only the years just before count, one after another: a gap is no history to compare with.
    let rows: Vec<_> = rows
        .into_iter()
        .enumerate()
        .take_while(|(k, (y, _, _))| *y == year - 1 - *k as i32)
        .map(|(_, r)| r)
        .collect();
    if let Some((year, _, Some(actual))) = rows.first() {
        let below = if reverse {
            q.number > *actual
        } else {
            q.number < *actual
        };
        if below {
            out.push(Finding::new(
                Code::TargetBelowHistory,
                at("target"),
                format!(
                    "指标“{}”的指标值“{}”{}{year}年实际完成值 {}{}",
                    g.name,
                    g.target,
                    if reverse { "高于" } else { "低于" },
                    fmt(*actual),
                    q.unit
                ),
                "参照上年实际完成值设定目标；确需降低的，在取值依据中说明理由。",
            ));
        }
    }
    let n = policy.goals.stale_years;
    if reverse || n == 0 || rows.len() < n {
        return;
    }
    let ratio = policy.goals.stale_overshoot_percent / Decimal::ONE_HUNDRED;
    let overshot = rows[..n].iter().all(|(_, t, a)| match (t, a) {
        (Some(t), Some(a)) if *t > Decimal::ZERO => *a >= *t * ratio,
        _ => false,
    });
    let last_target = rows[0].1;
    if overshot && last_target.is_some_and(|t| q.number <= t) {
        let years: Vec<String> = rows[..n]
            .iter()
            .rev()
            .map(|(y, t, a)| {
                format!(
                    "{y}年目标 {} 实际 {}",
                    t.map(fmt).unwrap_or_default(),
                    a.map(fmt).unwrap_or_default()
                )
            })
            .collect();
        out.push(Finding::new(
            Code::TargetStale,
            at("target"),
            format!(
                "指标“{}”连续 {n} 年超额完成 {}% 以上（{}），本年指标值“{}”仍未提高",
                g.name,
                fmt(policy.goals.stale_overshoot_percent - Decimal::ONE_HUNDRED),
                years.join("；"),
                g.target
            ),
            "根据历年实际完成情况提高指标值。",
        ));
    }
}

/// An approved indicator and the self-evaluation's row it became (`None` on either side: dropped, or
/// added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub approved: Option<usize>,
    pub current: Option<usize>,
}

/// Pairs the approved indicators with the self-evaluation's rows by name (loosely; each row used once,
/// so reordering is not a change): approved order first, then the added rows.
pub fn pair_with_baseline(project: &Project, baseline: &Declaration) -> Vec<Pair> {
    let mut used = vec![false; project.indicators.len()];
    let mut out: Vec<Pair> = baseline
        .indicators
        .iter()
        .enumerate()
        .map(|(a, g)| {
            let key = name_key(&g.name);
            let current = (0..project.indicators.len())
                .find(|&i| !used[i] && name_key(&project.indicators[i].name) == key);
            if let Some(i) = current {
                used[i] = true;
            }
            Pair {
                approved: Some(a),
                current,
            }
        })
        .collect();
    out.extend(
        (0..project.indicators.len())
            .filter(|&i| !used[i])
            .map(|i| Pair {
                approved: None,
                current: Some(i),
            }),
    );
    out
}

/// Where a year-end self-evaluation departs from its approved goals: a changed target (with the
/// approved and the new value), a dropped or added indicator, a changed weight.
pub fn compare_with_baseline(project: &Project, baseline: &Declaration) -> Vec<Finding> {
    let mut out = Vec::new();
    for pair in pair_with_baseline(project, baseline) {
        match (pair.approved, pair.current) {
            (Some(a), None) => {
                let g = &baseline.indicators[a];
                out.push(Finding::new(
                    Code::IndicatorDropped,
                    "indicators",
                    format!(
                        "批复的指标“{}”（{}，指标值“{}”）不在自评表中",
                        g.name,
                        [g.level1.as_str(), g.level2.as_str()].join("/"),
                        g.target
                    ),
                    "补回该指标并如实填写完成情况。",
                ));
            }
            (Some(a), Some(i)) => {
                let (g, ind) = (&baseline.indicators[a], &project.indicators[i]);
                if !same_target(&g.target, &ind.target) {
                    out.push(Finding::new(
                        Code::TargetChanged,
                        format!("indicators[{i}].target"),
                        format!(
                            "指标“{}”批复的指标值为“{}”，自评表为“{}”",
                            ind.name, g.target, ind.target
                        ),
                        "按批复的指标值自评；确需调整的，应在年中按程序申请目标调整。",
                    ));
                }
                if let Some(w) = g.weight
                    && w != ind.weight
                {
                    out.push(Finding::new(
                        Code::WeightChanged,
                        format!("indicators[{i}].weight"),
                        format!(
                            "指标“{}”批复的分值为 {}，自评表为 {}",
                            ind.name,
                            fmt(w),
                            fmt(ind.weight)
                        ),
                        "按批复目标设定的分值自评，或说明调整依据。",
                    ));
                }
            }
            (None, Some(i)) => {
                let ind = &project.indicators[i];
                out.push(Finding::new(
                    Code::IndicatorAdded,
                    format!("indicators[{i}].name"),
                    format!(
                        "自评表中的指标“{}”（指标值“{}”）不在批复的绩效目标中",
                        ind.name, ind.target
                    ),
                    "删除未经批复的指标，或说明其来源（如经批准的目标调整）。",
                ));
            }
            (None, None) => {}
        }
    }
    out.sort_by_key(|f| f.severity());
    out
}

/// Two targets are the same when they say the same thing, however written (`≥95%` = `不低于95%`).
pub fn same_target(a: &str, b: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let text = |s: &str| s.nfkc().filter(|c| !c.is_whitespace()).collect::<String>();
    if text(a) == text(b) {
        return true;
    }
    // Numbers, ranges, dates and yes/no compare by meaning; words only by their text.
    let (va, vb) = (value::parse(a), value::parse(b));
    matches!(
        va.kind,
        ValueKind::Quantity(_)
            | ValueKind::Range(_)
            | ValueKind::Deadline(_)
            | ValueKind::Boolean { .. }
    ) && va.kind == vb.kind
}

#[cfg(test)]
mod tests;
