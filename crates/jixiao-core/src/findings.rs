//! The credibility checker (README, 审核发现): what a reviewer would question, with a stable code,
//! a severity, the place, a message in Chinese naming the indicator and the numbers, and what to do.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

pub use crate::catalogue::{Code, Severity};
use crate::evaluation::Evaluation;
use crate::model::{Direction, Indicator, Project};
use crate::policy::Policy;
use crate::scoring::Outcome;
use crate::value::{self, Achievement, ValueKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    /// Field path in the project file: `funds.annual`, `indicators[3].actual`, `statement.total`.
    pub path: String,
    pub message: String,
    /// What to do about it.
    pub advice: String,
}

impl Finding {
    pub fn new(code: Code, path: impl Into<String>, message: String, advice: &str) -> Finding {
        Finding {
            code,
            path: path.into(),
            message,
            advice: advice.into(),
        }
    }
    /// The severity is the catalogue's: one per code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
    /// The Chinese name users read.
    pub fn name(&self) -> &'static str {
        self.code.name()
    }
}

impl schemars::JsonSchema for Finding {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Finding".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let code = g.subschema_for::<Code>();
        let severity = g.subschema_for::<Severity>();
        schemars::json_schema!({
            "type": "object",
            "description": "审核发现",
            "properties": {
                "code": code,
                "name": { "type": "string", "description": "中文名称" },
                "severity": severity,
                "path": { "type": "string", "description": "项目文件中的位置，如 indicators[3].actual" },
                "message": { "type": "string" },
                "advice": { "type": "string", "description": "处理建议" }
            },
            "required": ["code", "name", "severity", "path", "message", "advice"],
            "additionalProperties": false
        })
    }
}

/// Written with its Chinese name and severity beside the code, so that every reader has them.
impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 6)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("severity", &self.severity())?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("advice", &self.advice)?;
        st.end()
    }
}

fn n(x: Decimal) -> String {
    x.normalize().to_string()
}

/// Money as the forms show it: 万元 with two decimals.
fn wan(x: Decimal) -> String {
    format!("{:.2}", x.round_dp(2))
}

fn pct(x: Decimal) -> String {
    format!(
        "{}%",
        x.saturating_mul(Decimal::ONE_HUNDRED)
            .round_dp(2)
            .normalize()
    )
}

/// Sums saturate: bounded (validated) projects never reach the limit, and nothing panics.
fn sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(Decimal::ZERO, Decimal::saturating_add)
}

/// A level-1 name compared loosely: 产出 = 产出指标.
fn level_key(s: &str) -> &str {
    let s = s.trim();
    s.strip_suffix("指标").unwrap_or(s)
}

fn says_none(text: &str) -> bool {
    let t: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !"。.；;".contains(*c))
        .collect();
    matches!(
        t.as_str(),
        "无" | "暂无" | "没有" | "无问题" | "未发现问题" | "/"
    )
}

struct Checker<'a> {
    project: &'a Project,
    eval: &'a Evaluation,
    policy: &'a Policy,
    out: Vec<Finding>,
}

/// Runs every check. Findings are sorted by severity, then by place.
pub fn check(project: &Project, eval: &Evaluation, policy: &Policy) -> Vec<Finding> {
    let mut c = Checker {
        project,
        eval,
        policy,
        out: Vec::new(),
    };
    c.weights();
    c.funds();
    c.indicators();
    c.statement();
    let mut out = c.out;
    out.sort_by_key(|f| f.severity());
    out
}

impl Checker<'_> {
    fn push(&mut self, code: Code, path: impl Into<String>, message: String, advice: &str) {
        self.out.push(Finding::new(code, path, message, advice));
    }

    fn weights(&mut self) {
        let p = self.project;
        let total = p.total_weight();
        if total != Decimal::ONE_HUNDRED {
            self.push(
                Code::WeightsSum,
                "indicators",
                format!(
                    "分值合计为 {}（预算执行率 {} + 绩效指标 {}），应为 100",
                    n(total),
                    n(p.funds.execution_weight),
                    n(total.saturating_sub(p.funds.execution_weight))
                ),
                "调整各指标分值，使预算执行率与绩效指标分值合计为 100。",
            );
        }
        let mut sums: BTreeMap<&str, (String, Decimal)> = BTreeMap::new();
        for ind in &p.indicators {
            let e = sums
                .entry(level_key(&ind.level1))
                .or_insert((ind.level1.clone(), Decimal::ZERO));
            e.1 = e.1.saturating_add(ind.weight);
        }
        for (name, stated) in &p.statement.level_weights {
            let sum = sums.get(level_key(name)).map_or(Decimal::ZERO, |(_, s)| *s);
            if sum != *stated {
                self.push(
                    Code::WeightsSum,
                    format!("statement.level_weights.{name}"),
                    format!(
                        "{name}标明权重为 {}，但其下三级指标分值合计为 {}",
                        n(*stated),
                        n(sum)
                    ),
                    "使三级指标分值之和与一级指标标明的权重一致。",
                );
            }
        }
        let mut odd = Vec::new();
        if let Some(std) = self.policy.standard_weights.get("预算执行率")
            && *std != p.funds.execution_weight
        {
            odd.push(format!(
                "预算执行率 {}（标准 {}）",
                n(p.funds.execution_weight),
                n(*std)
            ));
        }
        // 成本指标 as a group of its own counts with 产出指标's standard weight (policy weight_groups).
        let mut grouped: BTreeMap<&str, (String, Decimal)> = BTreeMap::new();
        for (key, (name, sum)) in &sums {
            let group = self
                .policy
                .weight_groups
                .iter()
                .find(|(k, _)| level_key(k) == *key)
                .map(|(_, to)| level_key(to));
            let e = grouped
                .entry(group.unwrap_or(key))
                .or_insert((String::new(), Decimal::ZERO));
            if !e.0.is_empty() {
                e.0.push('+');
            }
            e.0.push_str(name);
            e.1 = e.1.saturating_add(*sum);
        }
        for (key, (name, sum)) in &grouped {
            match self
                .policy
                .standard_weights
                .iter()
                .find(|(k, _)| level_key(k) == *key)
            {
                Some((_, std)) if std != sum => {
                    odd.push(format!("{name} {}（标准 {}）", n(*sum), n(*std)))
                }
                Some(_) => {}
                None => odd.push(format!("{name} {}（非标准一级指标）", n(*sum))),
            }
        }
        if !odd.is_empty() {
            self.push(
                Code::WeightsNonstandard,
                "indicators",
                format!("一级指标分值与标准权重不同：{}", odd.join("，")),
                "确认本地区规定的权重；如无特别规定，按预算执行率 10、产出 50、效益 30、满意度 10 设置。",
            );
        }
        let indicator_points = sum(p.indicators.iter().map(|i| i.weight));
        if indicator_points > Decimal::ZERO {
            for (i, ind) in p.indicators.iter().enumerate() {
                let share = ind
                    .weight
                    .checked_div(indicator_points)
                    .unwrap_or(Decimal::MAX)
                    .saturating_mul(Decimal::ONE_HUNDRED);
                if share > self.policy.checks.dominates_percent {
                    self.push(
                        Code::SingleIndicatorDominates,
                        format!("indicators[{i}].weight"),
                        format!(
                            "指标“{}”分值 {}，占绩效指标总分值 {} 的 {}%",
                            ind.name,
                            n(ind.weight),
                            n(indicator_points),
                            n(share.round_dp(1))
                        ),
                        "细化绩效目标，设置多个指标分担分值，避免单一指标决定评价结果。",
                    );
                }
            }
        }
    }

    fn funds(&mut self) {
        let f = &self.project.funds;
        if f.executed > f.annual {
            self.push(
                Code::ExecutedExceedsBudget,
                "funds.executed",
                format!(
                    "全年执行数 {} 万元大于全年预算数 {} 万元",
                    wan(f.executed),
                    wan(f.annual)
                ),
                "核对执行数与调整后预算数，执行数不应超过全年预算数。",
            );
        }
        for (i, s) in f.sources.iter().enumerate() {
            if s.executed > s.annual {
                self.push(
                    Code::ExecutedExceedsBudget,
                    format!("funds.sources[{i}].executed"),
                    format!(
                        "资金来源“{}”执行数 {} 万元大于预算数 {} 万元",
                        s.name,
                        wan(s.executed),
                        wan(s.annual)
                    ),
                    "核对该资金来源的预算数与执行数。",
                );
            }
        }
        if !f.sources.is_empty() {
            let annual = sum(f.sources.iter().map(|s| s.annual));
            let executed = sum(f.sources.iter().map(|s| s.executed));
            for (field, label, sum, total) in [
                ("annual", "全年预算数", annual, f.annual),
                ("executed", "全年执行数", executed, f.executed),
            ] {
                if sum != total {
                    self.push(
                        Code::FundsSumMismatch,
                        format!("funds.{field}"),
                        format!(
                            "资金来源分项{label}之和 {} 万元，与年度资金总额 {} 万元不一致",
                            wan(sum),
                            wan(total)
                        ),
                        "核对各资金来源金额，使分项之和等于总额。",
                    );
                }
            }
        }
        if let Some(initial) = f.initial.filter(|i| *i > Decimal::ZERO) {
            let change = f
                .annual
                .saturating_sub(initial)
                .checked_div(initial)
                .unwrap_or(Decimal::MAX)
                .saturating_mul(Decimal::ONE_HUNDRED);
            if change.abs() > self.policy.checks.budget_adjusted_percent {
                let dir = if change < Decimal::ZERO {
                    "调减"
                } else {
                    "调增"
                };
                self.push(
                    Code::BudgetAdjusted,
                    "funds.annual",
                    format!(
                        "年初预算数 {} 万元调整为全年预算数 {} 万元（{dir} {}%），预算执行率按调整后预算计算",
                        wan(initial),
                        wan(f.annual),
                        n(change.abs().round_dp(2))
                    ),
                    "说明年中预算调整的原因；大幅调减后仍报 100% 执行率的，复核时应关注年初目标是否完成。",
                );
            }
        }
        if let Some(rate) = self.eval.execution.rate
            && rate.saturating_mul(Decimal::ONE_HUNDRED) < self.policy.execution.low_percent
        {
            self.push(
                Code::ExecutionLow,
                "funds.executed",
                format!(
                    "预算执行率 {}（执行 {} / 预算 {} 万元），低于 {}%",
                    pct(rate),
                    wan(f.executed),
                    wan(f.annual),
                    n(self.policy.execution.low_percent)
                ),
                "说明预算执行率偏低的原因及改进措施。",
            );
        }
        let w = f.execution_weight;
        for (field, label, score) in [
            ("self_score", "自评得分", f.self_score),
            ("review_score", "复核得分", f.review_score),
        ] {
            if let Some(s) = score.filter(|s| *s > w || *s < Decimal::ZERO) {
                self.push(
                    Code::ScoreOutOfRange,
                    format!("funds.{field}"),
                    format!("预算执行率{label} {} 超出分值范围 0–{}", n(s), n(w)),
                    "得分应在 0 到分值之间。",
                );
            }
        }
        if let (Some(stated), Some(computed)) = (f.self_score, self.eval.execution.score) {
            self.compare_scores("funds.self_score", "预算执行率", stated, computed);
        }
    }

    fn compare_scores(&mut self, path: &str, name: &str, stated: Decimal, computed: Decimal) {
        if stated > computed {
            self.push(
                Code::SelfScoreAboveComputed,
                path,
                format!(
                    "“{name}”自评得分 {}，按规则计算为 {}，高出 {}",
                    n(stated),
                    n(computed),
                    n(stated.saturating_sub(computed))
                ),
                "按评分规则重新计算得分，或在偏差原因中说明依据。",
            );
        } else if stated < computed {
            self.push(
                Code::SelfScoreBelowComputed,
                path,
                format!(
                    "“{name}”自评得分 {}，按规则计算为 {}，低 {}",
                    n(stated),
                    n(computed),
                    n(computed.saturating_sub(stated))
                ),
                "核对自评得分；如有扣分依据，请在偏差原因中说明。",
            );
        }
    }

    fn indicators(&mut self) {
        let eval = self.eval;
        for (i, (ind, sc)) in self
            .project
            .indicators
            .iter()
            .zip(&eval.indicators)
            .enumerate()
        {
            self.indicator(i, ind, sc);
        }
    }

    fn indicator(&mut self, i: usize, ind: &Indicator, sc: &crate::scoring::IndicatorScore) {
        let name = ind.name.as_str();
        let at = |field: &str| format!("indicators[{i}].{field}");
        let w = ind.weight;
        for (field, label, score) in [
            ("self_score", "自评得分", ind.self_score),
            ("review_score", "复核得分", ind.review_score),
        ] {
            if let Some(s) = score.filter(|s| *s > w || *s < Decimal::ZERO) {
                self.push(
                    Code::ScoreOutOfRange,
                    at(field),
                    format!("指标“{name}”{label} {} 超出分值范围 0–{}", n(s), n(w)),
                    "得分应在 0 到分值之间。",
                );
            }
        }
        for (field, v) in [("target", &sc.target), ("actual", &sc.actual)] {
            if let ValueKind::Unparsed { reason } = &v.kind {
                let label = if field == "target" {
                    "年度指标值"
                } else {
                    "实际完成值"
                };
                self.push(
                    Code::ValueUnparsed,
                    at(field),
                    format!("指标“{name}”的{label}“{}”无法识别：{reason}", v.text),
                    "改写为“≥95%”“1场”“2023年12月31日前”“达成”等可识别的形式。",
                );
            }
        }
        if sc.outcome == Outcome::Unscorable && matches!(sc.target.kind, ValueKind::Empty) {
            self.push(
                Code::ValueUnparsed,
                at("target"),
                format!("指标“{name}”未填写年度指标值，无法计分"),
                "填写年度指标值（如“≥95%”“1场”“2023年12月31日前”）。",
            );
        } else if sc.outcome == Outcome::Unscorable
            && !sc.unit_mismatch
            && !matches!(sc.target.kind, ValueKind::Unparsed { .. })
            && !matches!(sc.actual.kind, ValueKind::Unparsed { .. })
        {
            self.push(
                Code::ValueUnparsed,
                at("actual"),
                format!("指标“{name}”无法计分：{}", sc.trace.rule),
                "使实际完成值与年度指标值采用相同的表述形式。",
            );
        }
        if sc.outcome == Outcome::Missing {
            self.push(
                Code::MissingActual,
                at("actual"),
                format!("指标“{name}”未填写实际完成值（年度指标值“{}”）", ind.target),
                "填写实际完成值；确实无法取得的，说明原因。",
            );
        }
        if sc.unit_mismatch {
            let (tu, au) = (
                sc.target
                    .quantity()
                    .map(|q| q.unit.clone())
                    .unwrap_or_default(),
                sc.actual
                    .quantity()
                    .map(|q| q.unit.clone())
                    .unwrap_or_default(),
            );
            self.push(
                Code::UnitMismatch,
                at("actual"),
                format!(
                    "指标“{name}”年度指标值“{}”单位为“{tu}”，实际完成值“{}”单位为“{au}”，无法比较",
                    ind.target, ind.actual
                ),
                "实际完成值应采用与指标值相同的计量单位（如指标为比率，应填写比率）。",
            );
        }
        if let ValueKind::NotDone { word } = &sc.actual.kind {
            self.push(
                Code::ActualNotDone,
                at("actual"),
                format!(
                    "指标“{name}”实际完成值“{}”写明“{word}”，按未达成计分，不能得满分",
                    ind.actual
                ),
                "说明未完成的原因和后续安排；复核时按实际完成情况认定得分。",
            );
        }
        for (field, label, v) in [
            ("target", "年度指标值", &sc.target),
            ("actual", "实际完成值", &sc.actual),
        ] {
            if let Some(note) = &v.note {
                self.push(
                    Code::ValueAssumed,
                    at(field),
                    format!("指标“{name}”的{label}“{}”{note}", v.text),
                    "核对后按指标值的写法填写（如写明 %）。",
                );
            }
        }
        if matches!(sc.target.kind, ValueKind::Quantity(_) | ValueKind::Range(_))
            && sc.actual.is_words()
            && !matches!(sc.actual.kind, ValueKind::NotDone { .. })
        {
            self.push(
                Code::QualitativeActual,
                at("actual"),
                format!(
                    "指标“{name}”年度指标值为“{}”，实际完成值“{}”没有给出数值",
                    ind.target, ind.actual
                ),
                "填写与指标值同单位的实际数值（如“3场”“62人次”）。",
            );
        }
        // Qualitative band: the same edges as scoring (`Policy::in_band`).
        if let (Some(level), Some(s)) = (sc.achievement, ind.self_score)
            && !self.policy.in_band(level, w, s)
        {
            let (lo_pts, hi_pts, hi_included) = self.policy.band_points(level, w);
            let hi_bracket = if hi_included { "]" } else { ")" };
            self.push(
                    Code::ScoreOutsideBand,
                    at("self_score"),
                    format!(
                        "指标“{name}”实际完成情况为“{}”，得分应在 [{}, {}{hi_bracket} 之间，自评得分为 {}",
                        level.label(),
                        n(lo_pts),
                        n(hi_pts),
                        n(s)
                    ),
                    "按达成程度对应的档位重新打分，或补充达成的证据。",
                );
        }
        let outside_band = self
            .out
            .last()
            .is_some_and(|f| f.code == Code::ScoreOutsideBand && f.path == at("self_score"));
        if let (Some(stated), Some(computed)) = (ind.self_score, sc.score)
            && !outside_band
            && !sc.unit_mismatch
            && sc.outcome != Outcome::NotApplicable
        {
            self.compare_scores(&at("self_score"), name, stated, computed);
        }
        // Overshoot and deviations.
        let overshoot = sc.direction == Direction::Positive
            && sc.ratio.is_some_and(|r| {
                r.saturating_mul(Decimal::ONE_HUNDRED) >= self.policy.overshoot.percent
            });
        if overshoot {
            let t = sc.target.quantity().expect("a ratio comes from quantities");
            let actual = sc.actual_number.unwrap_or_default();
            let r = sc.ratio.unwrap_or_default();
            self.push(
                Code::TargetOvershoot,
                at("target"),
                format!(
                    "指标“{name}”指标值 {}{}，实际完成 {}{}，为指标值的 {}，指标值可能设置偏低",
                    n(t.number),
                    t.unit,
                    n(actual),
                    t.unit,
                    pct(r)
                ),
                "说明超额完成的原因；下一年度按实际能力合理设定指标值。",
            );
        }
        let deviates = overshoot
            || sc.outcome == Outcome::Missed
            || sc.achievement.is_some_and(|a| a != Achievement::Achieved);
        if deviates
            && ind
                .deviation
                .as_deref()
                .is_none_or(|d| d.trim().is_empty() || says_none(d))
        {
            let what = if overshoot {
                "超额完成"
            } else {
                "未完成"
            };
            self.push(
                Code::DeviationUnexplained,
                at("deviation"),
                format!(
                    "指标“{name}”{what}（指标值“{}”，实际“{}”），但未填写偏差原因分析及改进措施",
                    ind.target, ind.actual
                ),
                "在“偏差原因分析及改进措施”栏说明原因和措施。",
            );
        }
        if let (ValueKind::Deadline(_), Outcome::Missed) = (&sc.target.kind, sc.outcome) {
            self.push(
                Code::DeadlineMissed,
                at("actual"),
                format!(
                    "指标“{name}”要求“{}”完成，实际为“{}”，逾期",
                    ind.target, ind.actual
                ),
                "说明逾期原因；复核时认定得分。",
            );
        }
        // Indicator design.
        design(
            &mut self.out,
            &at,
            &ind.level1,
            &ind.level2,
            name,
            &sc.target,
        );
    }

    /// A stated total against the self-scores it should add up to. Rows without a self-score count with
    /// their computed score, so the check runs whatever was left blank; a total rescaled for rows not
    /// applicable (to 100) is accepted too.
    fn total(&mut self, total: Decimal) {
        let p = self.project;
        let e = self.eval;
        let mut filled_in = 0;
        let mut take = |stated: Option<Decimal>, computed: Option<Decimal>| match stated {
            Some(s) => s,
            None => {
                filled_in += 1;
                computed.unwrap_or_default()
            }
        };
        let exec = take(p.funds.self_score, e.execution.score);
        let mut applicable = e
            .execution
            .score
            .map_or(Decimal::ZERO, |_| p.funds.execution_weight);
        let mut sum = exec;
        for (ind, sc) in p.indicators.iter().zip(&e.indicators) {
            let na = sc.outcome == Outcome::NotApplicable;
            let s = take(ind.self_score, if na { None } else { sc.score });
            sum = sum.saturating_add(s);
            if !na {
                applicable = applicable.saturating_add(ind.weight);
            }
        }
        let rescaled = (applicable > Decimal::ZERO)
            .then(|| {
                sum.checked_mul(Decimal::ONE_HUNDRED)?
                    .checked_div(applicable)
            })
            .flatten()
            .map(|x| self.policy.round(x));
        if total == sum || Some(total) == rescaled {
            return;
        }
        let note = if filled_in > 0 {
            format!("（其中 {filled_in} 项未填自评得分，按计算得分计入）")
        } else {
            String::new()
        };
        self.push(
            Code::TotalMismatch,
            "statement.total",
            format!(
                "填报总分 {}，但预算执行率与各指标自评得分之和为 {}{note}",
                n(total),
                n(sum)
            ),
            "核对总分与各项自评得分。",
        );
    }

    fn statement(&mut self) {
        let p = self.project;
        let st = &p.statement;
        let stated_sum = p.funds.self_score.and_then(|exec| {
            p.indicators
                .iter()
                .try_fold(exec, |acc, i| Some(acc.saturating_add(i.self_score?)))
        });
        if let Some(total) = st.total {
            self.total(total);
        }
        if let (Some(grade), Some(total)) = (st.grade, st.total.or(stated_sum)) {
            let due = self.policy.grade(total);
            if grade != due {
                self.push(
                    Code::GradeMismatch,
                    "statement.grade",
                    format!("填报评价等级为“{grade}”，但总分 {} 对应“{due}”", n(total)),
                    "按总分确定评价等级：优 ≥90，良 ≥80，中 ≥60，差 <60。",
                );
            }
        }
        let applicable: Vec<_> = p
            .indicators
            .iter()
            .zip(&self.eval.indicators)
            .filter(|(_, s)| s.outcome != Outcome::NotApplicable)
            .collect();
        let exec_full = p
            .funds
            .self_score
            .is_none_or(|s| s == p.funds.execution_weight);
        if !applicable.is_empty()
            && exec_full
            && applicable
                .iter()
                .all(|(i, _)| i.self_score == Some(i.weight))
        {
            self.push(
                Code::AllFullMarks,
                "indicators",
                format!(
                    "全部 {} 个指标{}均为满分",
                    applicable.len(),
                    if p.funds.self_score.is_some() {
                        "及预算执行率"
                    } else {
                        ""
                    }
                ),
                "复核时抽查佐证材料，确认各指标确已全部完成。",
            );
        }
        if let Some(problems) = st.problems.as_deref().filter(|t| says_none(t)) {
            let _ = problems;
            let mut reasons = Vec::new();
            let questioned = self
                .out
                .iter()
                .filter(|f| f.severity() != Severity::Info)
                .count();
            if questioned > 0 {
                reasons.push(format!("检查发现 {questioned} 项错误或警告"));
            }
            let deviations = p
                .indicators
                .iter()
                .filter(|i| {
                    i.deviation
                        .as_deref()
                        .is_some_and(|d| !d.trim().is_empty() && !says_none(d))
                })
                .count();
            if deviations > 0 {
                reasons.push(format!("{deviations} 个指标填写了偏差原因"));
            }
            if !p.report.problems.trim().is_empty() && !says_none(&p.report.problems) {
                reasons.push("自评报告“存在问题或不足”一节写明了问题".into());
            }
            if !reasons.is_empty() {
                self.push(
                    Code::ProblemsNone,
                    "statement.problems",
                    format!("自评表“存在问题”填“无”，但{}", reasons.join("，")),
                    "如实填写存在的问题及改进措施，与自评报告保持一致。",
                );
            }
        }
    }
}

/// The design checks of one indicator, shared by the self-evaluation and the goal declaration: a
/// satisfaction indicator that is not a satisfaction rate, an output counted as a benefit, a target in
/// vague words.
pub(crate) fn design(
    out: &mut Vec<Finding>,
    at: &dyn Fn(&str) -> String,
    level1: &str,
    level2: &str,
    name: &str,
    target: &value::Value,
) {
    if level1.contains("满意") {
        let is_rate = target
            .quantity()
            .is_some_and(|q| q.unit == "%" || q.unit == "‰");
        let names_satisfaction =
            name.contains("满意") || level2.contains("满意度") && name.contains("满意");
        let qualitative_satisfaction = names_satisfaction && target.is_words();
        let acceptable = (is_rate && names_satisfaction)
            || qualitative_satisfaction
            || matches!(target.kind, ValueKind::NotApplicable);
        if !acceptable {
            out.push(Finding::new(
                    Code::SatisfactionNotARate,
                    at("name"),
                    format!("满意度指标“{name}”的指标值为“{}”，不是服务对象满意度（率）", target.text),
                    "满意度指标应为调查得出的满意度，如“服务对象满意度 ≥90%”；走访人次等应列入产出指标。",
                ));
        }
    }
    if level1.contains("效益")
        && let Some(q) = target.quantity()
    {
        let base = value::unit_base(&q.unit).0;
        if [
            "篇", "场", "次", "期", "份", "条", "批", "轮", "届", "课时", "学时",
        ]
        .contains(&base.as_str())
        {
            out.push(Finding::new(
                        Code::BenefitIsOutput,
                        at("target"),
                        format!("效益指标“{name}”的指标值“{}”统计的是活动或稿件数量，属于产出而非效益", target.text),
                        "效益指标应衡量效果（如知晓率、参与企业增长、政策兑现率），数量类指标列入产出指标。",
                    ));
        }
    }
    if target.is_words() {
        const VAGUE: &[&str] = &[
            "加强",
            "提升",
            "提高",
            "完善",
            "改善",
            "推进",
            "促进",
            "进一步",
            "有效",
            "显著",
            "逐步",
            "持续",
            "明显",
            "增强",
            "优化",
            "健全",
        ];
        let text = target.text.as_str();
        if !text.chars().any(|c| c.is_ascii_digit()) && VAGUE.iter().any(|v| text.contains(v)) {
            out.push(Finding::new(
                Code::VagueTarget,
                at("target"),
                format!("指标“{name}”的指标值“{text}”没有可衡量的标准"),
                "写明衡量标准（如“投诉率下降 10%”“知晓率 ≥80%”），或说明定性评判的依据。",
            ));
        }
    }
}
