//! 绩效运行监控 (双监控): a project's 监控表 for one round (data to the end of a month), the lights of its
//! budget execution and of each indicator, the explanations the rules require before it is submitted,
//! and what a year's result means for next year's budget (结果应用).

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::goals::Declaration;
use crate::model::{Amount, Direction};
use crate::policy::Policy;
use crate::value::{self, ValueKind};
use crate::{Code, Finding, Grade, Project};

/// One project's 监控表 in one round.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorForm {
    /// 项目名称
    pub name: String,
    pub year: i32,
    /// The data are to the end of this month (7 = 截至7月底).
    pub month: u32,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub implementer: String,
    /// 全年预算数（万元）
    pub annual: Amount,
    /// 截至本月底执行数（万元）
    pub executed: Amount,
    /// 全年预计执行数（万元）
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Amount>,
    /// 预算执行偏差原因
    #[serde(default)]
    pub deviation: String,
    /// 拟采取的措施
    #[serde(default)]
    pub measures: String,
    #[serde(default)]
    pub indicators: Vec<MonitorIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitorIndicator {
    pub level1: String,
    #[serde(default)]
    pub level2: String,
    pub name: String,
    /// 年度指标值 (the approved target)
    pub target: String,
    /// 截至目前完成值
    #[serde(default)]
    pub progress: String,
    /// 全年预计完成值
    #[serde(default)]
    pub forecast: String,
    /// 完成目标可能性
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<Likelihood>,
    /// 偏差原因
    #[serde(default)]
    pub deviation: String,
    /// 拟采取的措施
    #[serde(default)]
    pub measures: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
}

/// 完成目标可能性
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Likelihood {
    /// 确定能
    Certain,
    /// 有可能
    Possible,
    /// 完全不可能
    Impossible,
}

impl Likelihood {
    pub const ALL: [Likelihood; 3] = [
        Likelihood::Certain,
        Likelihood::Possible,
        Likelihood::Impossible,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Likelihood::Certain => "确定能",
            Likelihood::Possible => "有可能",
            Likelihood::Impossible => "完全不可能",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Likelihood::Certain => "certain",
            Likelihood::Possible => "possible",
            Likelihood::Impossible => "impossible",
        }
    }
    /// Reads the file key or the form's words (确定能 / 有可能 / 完全不可能, 能 / 可能 / 不可能).
    pub fn parse(s: &str) -> Option<Likelihood> {
        let s = s.trim();
        Likelihood::ALL
            .into_iter()
            .find(|l| s == l.as_str() || s == l.label())
            .or(match s {
                "能" | "确定" | "能完成" => Some(Likelihood::Certain),
                "可能" | "有可能完成" => Some(Likelihood::Possible),
                "不可能" | "无法完成" | "不能" => Some(Likelihood::Impossible),
                _ => None,
            })
    }
}

/// 红灯 / 黄灯 / 绿灯. Ordered: green < yellow < red, so the worst is the maximum.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub fn label(self) -> &'static str {
        match self {
            Light::Green => "绿灯",
            Light::Yellow => "黄灯",
            Light::Red => "红灯",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }
    pub fn parse(s: &str) -> Option<Light> {
        [Light::Green, Light::Yellow, Light::Red]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// How the expected execution at a month is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Pace {
    /// In proportion to the time elapsed: month ÷ 12.
    Elapsed,
    /// The percent of the latest checkpoint at or before the month (none yet: nothing expected).
    Checkpoints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub month: u32,
    pub percent: Decimal,
}

/// The monitoring rules (财预〔2019〕136号 and provincial rules), as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonitoringRules {
    pub pace: Pace,
    /// Execution (or progress) below this percent of what is expected by now: red.
    pub red_below: Decimal,
    /// … below this: yellow; otherwise green.
    pub yellow_below: Decimal,
    /// For `pace = "checkpoints"`.
    pub checkpoints: Vec<Checkpoint>,
    /// A quantity indicator further than this percent from its time-proportional value needs its
    /// 偏差原因 and 措施 before the form is submitted.
    pub deviation_percent: Decimal,
    /// The light of each 完成目标可能性.
    pub certain: Light,
    pub possible: Light,
    pub impossible: Light,
}

impl Default for MonitoringRules {
    fn default() -> MonitoringRules {
        MonitoringRules {
            pace: Pace::Elapsed,
            red_below: Decimal::from(60),
            yellow_below: Decimal::from(80),
            checkpoints: [(4, 25), (6, 40), (8, 60), (10, 80)]
                .map(|(month, p)| Checkpoint {
                    month,
                    percent: Decimal::from(p),
                })
                .to_vec(),
            deviation_percent: Decimal::from(30),
            certain: Light::Green,
            possible: Light::Yellow,
            impossible: Light::Red,
        }
    }
}

impl MonitoringRules {
    /// What share of the year's budget (or target) is expected by the end of `month`, as a fraction;
    /// `None` when nothing is expected yet (before the first checkpoint).
    pub fn expected(&self, month: u32) -> Option<Decimal> {
        let month = month.clamp(1, 12);
        match self.pace {
            Pace::Elapsed => Some(Decimal::from(month) / Decimal::from(12)),
            Pace::Checkpoints => self
                .checkpoints
                .iter()
                .filter(|c| c.month <= month)
                .max_by_key(|c| c.month)
                .map(|c| c.percent / Decimal::ONE_HUNDRED),
        }
    }

    /// The light of `done` (a fraction of the year) against what is expected by `month`, and the ratio in
    /// percent (two places).
    pub fn light(&self, done: Decimal, month: u32) -> (Light, Option<Decimal>) {
        let Some(expected) = self.expected(month).filter(|e| !e.is_zero()) else {
            return (Light::Green, None);
        };
        // Checked: an absurd amount must not stop the server (it is far ahead of any pace).
        let ratio = done
            .checked_div(expected)
            .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
            .unwrap_or(Decimal::MAX)
            .round_dp(2);
        let light = if ratio < self.red_below {
            Light::Red
        } else if ratio < self.yellow_below {
            Light::Yellow
        } else {
            Light::Green
        };
        (light, Some(ratio))
    }

    pub fn of_likelihood(&self, l: Likelihood) -> Light {
        match l {
            Likelihood::Certain => self.certain,
            Likelihood::Possible => self.possible,
            Likelihood::Impossible => self.impossible,
        }
    }
}

/// The lights of one 监控表 and what must be explained before it is submitted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// 执行率 in percent (executed ÷ annual), two places.
    pub execution_rate: Option<Decimal>,
    /// Execution against what is expected by now, in percent.
    pub execution_ratio: Option<Decimal>,
    pub execution_light: Light,
    pub indicators: Vec<IndicatorLight>,
    /// The worst light of all.
    pub light: Light,
    /// Field paths that must be filled before submitting, with why.
    pub required: Vec<Required>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorLight {
    pub light: Light,
    /// Progress against the time-proportional target, in percent (quantity indicators).
    pub ratio: Option<Decimal>,
    /// Why this light, in words.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Required {
    pub path: String,
    pub why: String,
}

fn pct(x: Decimal) -> String {
    format!("{}%", x.normalize())
}

/// The lights of a 监控表 under the policy's monitoring rules.
pub fn assess(form: &MonitorForm, policy: &Policy) -> Assessment {
    let rules = &policy.monitoring;
    let rate = form
        .executed
        .checked_div(form.annual)
        .map(|r| r.round_dp(6));
    let (execution_light, execution_ratio) = match rate {
        Some(r) => rules.light(r, form.month),
        None => (Light::Green, None),
    };
    let mut required = Vec::new();
    let funds_action = execution_light == Light::Red || form.executed.is_zero();
    if funds_action {
        let why = if form.executed.is_zero() {
            "截至本月底预算执行为 0".to_string()
        } else {
            format!(
                "预算执行率 {}，为序时进度的 {}（红灯）",
                rate.and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
                    .map(|r| pct(r.round_dp(2)))
                    .unwrap_or_default(),
                execution_ratio.map(pct).unwrap_or_default()
            )
        };
        for (path, value) in [("deviation", &form.deviation), ("measures", &form.measures)] {
            if value.trim().is_empty() {
                required.push(Required {
                    path: path.into(),
                    why: why.clone(),
                });
            }
        }
    }
    let indicators: Vec<IndicatorLight> = form
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| {
            let il = indicator_light(ind, form.month, rules);
            let deviates = il
                .ratio
                .is_some_and(|r| (r - Decimal::ONE_HUNDRED).abs() > rules.deviation_percent);
            if il.light == Light::Red || deviates {
                for (field, value) in [("deviation", &ind.deviation), ("measures", &ind.measures)] {
                    if value.trim().is_empty() {
                        required.push(Required {
                            path: format!("indicators[{i}].{field}"),
                            why: format!("指标“{}”：{}", ind.name, il.reason),
                        });
                    }
                }
            }
            il
        })
        .collect();
    let light = indicators
        .iter()
        .map(|i| i.light)
        .chain([execution_light])
        .max()
        .unwrap_or(Light::Green);
    Assessment {
        execution_rate: rate
            .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
            .map(|r| r.round_dp(2)),
        execution_ratio,
        execution_light,
        indicators,
        light,
        required,
    }
}

/// An indicator's light: a positive quantity's progress against its time-proportional target, and the
/// unit's own 完成目标可能性; the worse of the two.
fn indicator_light(ind: &MonitorIndicator, month: u32, rules: &MonitoringRules) -> IndicatorLight {
    let target = value::parse(&ind.target);
    let mut light = Light::Green;
    let mut ratio = None;
    let mut reasons = Vec::new();
    let reverse = ind.direction == Some(Direction::Reverse)
        || target.quantity().is_some_and(|q| q.cmp.is_upper_bound());
    // A rate (满意度 95%) is not reached by degrees over the year; counts and amounts are.
    let cumulative = target
        .quantity()
        .is_some_and(|q| q.unit != "%" && q.unit != "‰" && !q.number.is_zero());
    if let (Some(q), false, true) = (target.quantity(), reverse, cumulative) {
        let progress = value::parse_actual(&ind.progress, &target);
        if let Some(p) = progress.quantity()
            && let Some(done) = value::convert(p.number, &p.unit, &q.unit)
        {
            let (l, r) = rules.light(done.checked_div(q.number).unwrap_or(Decimal::MAX), month);
            light = l;
            ratio = r;
            if let Some(r) = r {
                reasons.push(format!(
                    "完成 {}{}，为序时进度的 {}",
                    done.normalize(),
                    q.unit,
                    pct(r)
                ));
            }
        } else if matches!(progress.kind, ValueKind::Empty) {
            reasons.push("未填写截至目前完成值".into());
        }
    }
    if let Some(l) = ind.likelihood {
        let ll = rules.of_likelihood(l);
        if ll > light {
            light = ll;
        }
        reasons.push(format!("完成可能性“{}”", l.label()));
    }
    IndicatorLight {
        light,
        ratio,
        reason: reasons.join("；"),
    }
}

impl MonitorForm {
    /// The 监控表 of a round, prefilled from the approved goals: budget and indicators with their
    /// targets; execution, progress and forecasts for the unit to fill in.
    pub fn from_goals(goals: &Declaration, month: u32) -> MonitorForm {
        MonitorForm {
            name: goals.project.name.clone(),
            year: goals.project.year,
            month,
            department: goals.project.department.clone(),
            implementer: goals.project.implementer.clone(),
            annual: goals.funds.total,
            executed: Decimal::ZERO,
            forecast: None,
            deviation: String::new(),
            measures: String::new(),
            indicators: goals
                .indicators
                .iter()
                .map(|g| MonitorIndicator {
                    level1: g.level1.clone(),
                    level2: g.level2.clone(),
                    name: g.name.clone(),
                    target: g.target.clone(),
                    progress: String::new(),
                    forecast: String::new(),
                    likelihood: None,
                    deviation: String::new(),
                    measures: String::new(),
                    direction: g.direction,
                })
                .collect(),
        }
    }
}

/// Where the year-end self-evaluation contradicts what the unit forecast during the year: an indicator
/// the unit said it could not possibly complete, scored full marks at year end.
pub fn compare_with_monitoring(project: &Project, rounds: &[MonitorForm]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, ind) in project.indicators.iter().enumerate() {
        let Some(self_score) = ind.self_score else {
            continue;
        };
        if ind.weight.is_zero() || self_score < ind.weight {
            continue;
        }
        let key = crate::goals::name_key(&ind.name);
        let said = rounds.iter().find_map(|r| {
            r.indicators
                .iter()
                .find(|m| {
                    crate::goals::name_key(&m.name) == key
                        && m.likelihood == Some(Likelihood::Impossible)
                })
                .map(|m| (r.month, m))
        });
        if let Some((month, m)) = said {
            out.push(Finding::new(
                Code::ForecastContradicted,
                format!("indicators[{i}].self_score"),
                format!(
                    "指标“{}”在截至{month}月底的运行监控中填报“完全不可能”完成（当时完成值“{}”），年终自评却为满分 {}",
                    ind.name,
                    m.progress,
                    self_score.normalize()
                ),
                "核对年终实际完成值和自评得分；确实完成的，说明下半年采取的措施和取得的进展。",
            ));
        }
    }
    out
}

/// What a year's grade means for next year's budget (结果应用).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultRule {
    /// 优先保障 / 据实保障 / 核减 / 取消或暂停
    pub action: String,
    /// The cut in percent, as a range (`[5, 10]`), for 核减.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cut_percent: Option<[Decimal; 2]>,
}

impl ResultRule {
    pub fn describe(&self) -> String {
        match self.cut_percent {
            Some([a, b]) if a == b => format!("{}{}%", self.action, a.normalize()),
            Some([a, b]) => format!("{}{}%—{}%", self.action, a.normalize(), b.normalize()),
            None => self.action.clone(),
        }
    }
}

pub fn default_results() -> std::collections::BTreeMap<Grade, ResultRule> {
    let rule = |action: &str, cut: Option<[i64; 2]>| ResultRule {
        action: action.into(),
        cut_percent: cut.map(|[a, b]| [Decimal::from(a), Decimal::from(b)]),
    };
    std::collections::BTreeMap::from([
        (Grade::Excellent, rule("优先保障", None)),
        (Grade::Good, rule("据实保障", None)),
        (Grade::Fair, rule("核减", Some([5, 10]))),
        (Grade::Poor, rule("取消或暂停", None)),
    ])
}

/// Next year's budget suggestion for one project (结果应用), with the reasons a finance bureau reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub org: String,
    pub project: String,
    pub year: i32,
    /// The final grade: the reviewed total's where the review is complete, else the computed one.
    pub grade: Grade,
    pub total: Decimal,
    /// 复核 or 计算: where the grade comes from.
    pub graded_by: &'static str,
    /// This year's budget (万元).
    pub annual: Amount,
    pub rule: ResultRule,
    /// The lights of the year's monitoring rounds, by month.
    pub lights: Vec<(u32, Light)>,
    /// 整改事项 not yet closed.
    pub open_rectifications: usize,
    pub reasons: Vec<String>,
}

impl Suggestion {
    /// The suggestion for a project whose year ended with `total` (reviewed when `reviewed`), the
    /// lights of its rounds and its open rectifications.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        org: &str,
        project: &str,
        year: i32,
        total: Decimal,
        reviewed: bool,
        annual: Amount,
        lights: Vec<(u32, Light)>,
        open_rectifications: usize,
        policy: &Policy,
    ) -> Suggestion {
        let grade = policy.grade(total);
        let rule = policy
            .results
            .get(&grade)
            .cloned()
            .unwrap_or_else(|| ResultRule {
                action: "据实保障".into(),
                cut_percent: None,
            });
        let graded_by = if reviewed { "复核" } else { "计算" };
        let mut reasons = vec![format!(
            "{year}年度{graded_by}总分 {}，评价等级“{grade}”",
            total.normalize()
        )];
        let reds: Vec<String> = lights
            .iter()
            .filter(|(_, l)| *l == Light::Red)
            .map(|(m, _)| format!("{m}月"))
            .collect();
        if !reds.is_empty() {
            reasons.push(format!("运行监控红灯（截至{}底）", reds.join("、")));
        }
        if open_rectifications > 0 {
            reasons.push(format!("未完成整改事项 {open_rectifications} 项"));
        }
        Suggestion {
            org: org.into(),
            project: project.into(),
            year,
            grade,
            total,
            graded_by,
            annual,
            rule,
            lights,
            open_rectifications,
            reasons,
        }
    }
}

#[cfg(test)]
mod tests;
