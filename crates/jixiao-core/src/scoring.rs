//! Scoring by the rules of a policy (DESIGN §3). Every score carries a trace that says why.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::{Direction, Funds, Indicator};
use crate::policy::{Policy, ReverseFormula};
use crate::value::{self, Achievement, Comparator, Value, ValueKind};

/// Why a score is what it is: inputs, the rule applied, the formula with numbers, and its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub inputs: Vec<(String, String)>,
    pub rule: String,
    pub formula: String,
    pub source: String,
}

/// How an indicator came out against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Met,
    Missed,
    /// Judged by achievement level (qualitative target, or an actual in words).
    Graded,
    NotApplicable,
    /// No actual given.
    Missing,
    /// Target or actual cannot be read, or cannot be compared.
    Unscorable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    pub target: Value,
    pub actual: Value,
    /// The direction the rules used (from the form, or read from the target).
    pub direction: Direction,
    pub outcome: Outcome,
    /// The computed score; `None` when it cannot be computed.
    pub score: Option<Decimal>,
    /// Achievement level, for qualitative scoring.
    pub achievement: Option<Achievement>,
    /// Actual over target (in the target's unit), for quantities.
    pub ratio: Option<Decimal>,
    /// The actual number converted to the target's unit.
    pub actual_number: Option<Decimal>,
    /// The actual's unit does not measure what the target's does.
    pub unit_mismatch: bool,
    pub trace: Trace,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionScore {
    /// executed / annual as a fraction (1 = 100%); `None` when the annual budget is 0.
    pub rate: Option<Decimal>,
    pub score: Option<Decimal>,
    pub weight: Decimal,
    pub trace: Trace,
}

fn pct(x: Decimal) -> String {
    format!("{}%", (x * Decimal::ONE_HUNDRED).round_dp(2).normalize())
}

fn num(x: Decimal) -> String {
    x.normalize().to_string()
}

/// 预算执行率得分: weight × min(executed / annual, 1).
pub fn score_execution(funds: &Funds, policy: &Policy) -> ExecutionScore {
    let weight = funds.execution_weight;
    let inputs = vec![
        ("全年预算数".into(), format!("{}万元", num(funds.annual))),
        ("全年执行数".into(), format!("{}万元", num(funds.executed))),
        ("分值".into(), num(weight)),
    ];
    if funds.annual <= Decimal::ZERO {
        return ExecutionScore {
            rate: None,
            score: None,
            weight,
            trace: Trace {
                inputs,
                rule: "全年预算数为 0，预算执行率不适用".into(),
                formula: "—".into(),
                source: policy.source.clone(),
            },
        };
    }
    let rate = funds.executed.max(Decimal::ZERO) / funds.annual;
    let raw = weight * rate.min(Decimal::ONE);
    let (score, rule) = if policy.execution.integer {
        (raw.floor(), "分值 × 预算执行率（最高 100%），取整")
    } else {
        (policy.round(raw), "分值 × 预算执行率（最高 100%）")
    };
    ExecutionScore {
        rate: Some(rate),
        score: Some(score),
        weight,
        trace: Trace {
            inputs,
            rule: rule.into(),
            formula: format!(
                "{} × min({}, 100%) = {}",
                num(weight),
                pct(rate),
                num(score)
            ),
            source: policy.source.clone(),
        },
    }
}

/// Scores one indicator. `year` fills deadlines written without a year ("12月底前").
pub fn score_indicator(ind: &Indicator, policy: &Policy, year: i32) -> IndicatorScore {
    let target = value::parse(&ind.target);
    let actual = value::parse_actual(&ind.actual, &target);
    let direction = ind
        .direction
        .unwrap_or_else(|| infer_direction(&target, &ind.level2));
    let mut s = Scorer {
        ind,
        policy,
        target,
        actual,
        direction,
        year,
    };
    s.score()
}

/// Reverse when the target is an upper bound, or a bare cost figure under 成本指标.
fn infer_direction(target: &Value, level2: &str) -> Direction {
    match &target.kind {
        ValueKind::Quantity(q) if q.cmp.is_upper_bound() => Direction::Reverse,
        ValueKind::Quantity(q) if q.cmp == Comparator::Eq && level2.contains("成本") => {
            Direction::Reverse
        }
        ValueKind::Quantity(_) => Direction::Positive,
        ValueKind::Deadline(_) => Direction::Reverse,
        _ => Direction::Qualitative,
    }
}

struct Scorer<'a> {
    ind: &'a Indicator,
    policy: &'a Policy,
    target: Value,
    actual: Value,
    direction: Direction,
    year: i32,
}

impl Scorer<'_> {
    fn result(
        &self,
        outcome: Outcome,
        score: Option<Decimal>,
        rule: String,
        formula: String,
    ) -> IndicatorScore {
        IndicatorScore {
            target: self.target.clone(),
            actual: self.actual.clone(),
            direction: self.direction,
            outcome,
            score,
            achievement: None,
            ratio: None,
            actual_number: None,
            unit_mismatch: false,
            trace: Trace {
                inputs: self.inputs(),
                rule,
                formula,
                source: self.policy.source.clone(),
            },
        }
    }

    fn inputs(&self) -> Vec<(String, String)> {
        let mut v = vec![
            (
                "年度指标值".into(),
                format!("{}（{}）", self.target.text, self.target.describe()),
            ),
            (
                "实际完成值".into(),
                format!("{}（{}）", self.actual.text, self.actual.describe()),
            ),
            ("分值".into(), num(self.ind.weight)),
        ];
        if let Some(s) = self.ind.self_score {
            v.push(("自评得分".into(), num(s)));
        }
        v
    }

    fn score(&mut self) -> IndicatorScore {
        let w = self.ind.weight;
        // Not applicable: excluded from the total.
        if matches!(self.target.kind, ValueKind::NotApplicable)
            || matches!(self.actual.kind, ValueKind::NotApplicable)
        {
            return self.result(
                Outcome::NotApplicable,
                None,
                "不适用，不计分（总分按适用指标分值折算）".into(),
                "—".into(),
            );
        }
        if let ValueKind::Unparsed { reason } = &self.target.kind {
            let reason = reason.clone();
            return self.result(
                Outcome::Unscorable,
                None,
                format!("年度指标值无法识别：{reason}"),
                "—".into(),
            );
        }
        if let ValueKind::Unparsed { reason } = &self.actual.kind {
            let reason = reason.clone();
            return self.result(
                Outcome::Unscorable,
                None,
                format!("实际完成值无法识别：{reason}"),
                "—".into(),
            );
        }
        let zero_target = self.target.quantity().is_some_and(|q| q.number.is_zero());
        match &self.actual.kind {
            ValueKind::Empty => return self.missing(),
            ValueKind::Nil if !zero_target => return self.missing(),
            _ => {}
        }
        match (&self.target.kind, &self.actual.kind) {
            (ValueKind::Quantity(t), ValueKind::Nil) if t.number.is_zero() => self.result(
                Outcome::Met,
                Some(w),
                "零目标：实际为“无”即为 0，得满分".into(),
                format!("0 ≤ 0 → {}", num(w)),
            ),
            (ValueKind::Quantity(t), ValueKind::Quantity(a)) => {
                let (t, a) = (t.clone(), a.clone());
                self.quantity(&t, &a)
            }
            (
                ValueKind::Quantity(_),
                ValueKind::Qualitative { level } | ValueKind::Claim { level },
            ) => {
                let level = *level;
                self.graded(level, "数量指标的实际完成值为文字表述，按定性指标分档评分")
            }
            (ValueKind::Deadline(t), ValueKind::Deadline(a)) => {
                let (t, a) = (*t, *a);
                let due = t.last_day(self.year);
                let done = a.last_day(self.year);
                let fmt = |(y, m, d): (i32, u32, u32)| format!("{y}-{m:02}-{d:02}");
                if done <= due {
                    self.result(
                        Outcome::Met,
                        Some(w),
                        "时效指标：按期完成，得满分".into(),
                        format!("{} ≤ {} → {}", fmt(done), fmt(due), num(w)),
                    )
                } else {
                    let mut r = self.graded(
                        Achievement::Failed,
                        "时效指标：逾期完成，按未达成计分（复核可另行认定）",
                    );
                    r.outcome = Outcome::Missed;
                    r.trace.formula = format!("{} > {}；{}", fmt(done), fmt(due), r.trace.formula);
                    r
                }
            }
            (
                ValueKind::Deadline(_),
                ValueKind::Qualitative { level } | ValueKind::Claim { level },
            ) => {
                let level = *level;
                self.graded(level, "时效指标的实际完成值为文字表述，按定性指标分档评分")
            }
            (
                ValueKind::Qualitative { .. } | ValueKind::Claim { .. },
                ValueKind::Qualitative { level } | ValueKind::Claim { level },
            ) => {
                let level = *level;
                self.graded(level, "定性指标：按达成程度分档评分")
            }
            (
                ValueKind::Qualitative { .. } | ValueKind::Claim { .. },
                ValueKind::Quantity(_) | ValueKind::Deadline(_),
            ) => self.graded(
                Achievement::Achieved,
                "定性指标：实际完成值给出了具体数值，视为达成",
            ),
            (t, a) => self.result(
                Outcome::Unscorable,
                None,
                format!(
                    "实际完成值（{}）与年度指标值（{}）无法比较",
                    describe_kind(a),
                    describe_kind(t)
                ),
                "—".into(),
            ),
        }
    }

    fn missing(&self) -> IndicatorScore {
        self.result(
            Outcome::Missing,
            Some(Decimal::ZERO),
            "未填写实际完成值，按未完成计 0 分".into(),
            "0".into(),
        )
    }

    /// Qualitative scoring: a self-score inside its band stands; without one, 达成 gets the full weight
    /// and the other levels the bottom of their band; outside the band it is brought to the nearest
    /// score the band allows (for [60%, 80%) of 10 points at 2 places: 6.00 to 7.99).
    fn graded(&self, level: Achievement, rule: &str) -> IndicatorScore {
        let w = self.ind.weight;
        let [lo, hi] = self.policy.band(level);
        let (lo_pts, hi_pts) = (w * lo / Decimal::ONE_HUNDRED, w * hi / Decimal::ONE_HUNDRED);
        let band = format!(
            "{}（{}%–{}% × {} = {}–{}）",
            level.label(),
            num(lo),
            num(hi),
            num(w),
            num(lo_pts),
            num(hi_pts)
        );
        let (score, formula) = match self.ind.self_score {
            Some(s) if s >= lo_pts && s <= hi_pts => {
                (s, format!("{band}；自评 {} 在档内，采用自评得分", num(s)))
            }
            Some(s) => {
                // The lower bands are half-open ([60%, 80%)): their best score is just under the bound.
                let top = if level == Achievement::Achieved {
                    hi_pts
                } else {
                    hi_pts - Decimal::new(1, self.policy.rounding.places)
                };
                let c = s.clamp(lo_pts, top.max(lo_pts));
                (
                    c,
                    format!(
                        "{band}；自评 {} 超出档位，取档位边界 {}",
                        num(s),
                        num(self.policy.round(c))
                    ),
                )
            }
            None if level == Achievement::Achieved => (
                hi_pts,
                format!("{band}；无自评得分，取满档 {}", num(hi_pts)),
            ),
            None => (
                lo_pts,
                format!("{band}；无自评得分，取档位下限 {}", num(lo_pts)),
            ),
        };
        let mut r = self.result(
            Outcome::Graded,
            Some(self.policy.round(score)),
            rule.to_string(),
            formula,
        );
        r.achievement = Some(level);
        r
    }

    fn quantity(&self, t: &value::Quantity, a: &value::Quantity) -> IndicatorScore {
        let w = self.ind.weight;
        let Some(actual) = value::convert(a.number, &a.unit, &t.unit) else {
            // Units that measure different things cannot be compared by formula: keep the self-score,
            // and the finding unit-mismatch tells the reviewer.
            let (score, formula) = match self.ind.self_score {
                Some(s) => (
                    s.clamp(Decimal::ZERO, w),
                    format!("沿用自评得分 {}", num(s)),
                ),
                None => (Decimal::ZERO, "无自评得分，计 0 分".into()),
            };
            let mut r = self.result(
                Outcome::Unscorable,
                Some(self.policy.round(score)),
                format!(
                    "单位不一致（指标值“{}”，实际值“{}”），无法按公式计分",
                    t.unit, a.unit
                ),
                formula,
            );
            r.unit_mismatch = true;
            return r;
        };
        let actual = actual.max(Decimal::ZERO); // negative actuals count as 0
        let target = t.number;
        let unit = &t.unit;
        let shown = |x: Decimal| format!("{}{unit}", num(x));
        let mut r = if target.is_zero() {
            if actual <= Decimal::ZERO {
                self.result(
                    Outcome::Met,
                    Some(w),
                    "零目标：实际为 0，得满分".into(),
                    format!("{} ≤ 0 → {}", shown(actual), num(w)),
                )
            } else {
                self.result(
                    Outcome::Missed,
                    Some(Decimal::ZERO),
                    "零目标：实际大于 0，得 0 分".into(),
                    format!("{} > 0 → 0", shown(actual)),
                )
            }
        } else if self.direction == Direction::Reverse {
            let met = match t.cmp {
                Comparator::Lt => actual < target,
                _ => actual <= target,
            };
            if met {
                self.result(
                    Outcome::Met,
                    Some(w),
                    "反向指标：达到目标，得满分".into(),
                    format!("{} ≤ {} → {}", shown(actual), shown(target), num(w)),
                )
            } else {
                match self.policy.reverse.formula {
                    ReverseFormula::Ratio => {
                        let s = self.policy.round(w * target / actual);
                        self.result(
                            Outcome::Missed,
                            Some(s),
                            "反向指标未达标：分值 × 指标值 / 实际值".into(),
                            format!(
                                "{} × {} / {} = {}",
                                num(w),
                                num(target),
                                num(actual),
                                num(s)
                            ),
                        )
                    }
                    ReverseFormula::Linear => {
                        let dev = (actual - target) / target;
                        let s = self
                            .policy
                            .round(w * (Decimal::ONE - dev).max(Decimal::ZERO));
                        self.result(
                            Outcome::Missed,
                            Some(s),
                            "反向指标未达标：分值 × max(0, 1 − (实际值 − 指标值) / 指标值)".into(),
                            format!(
                                "{} × max(0, 1 − ({} − {}) / {}) = {}",
                                num(w),
                                num(actual),
                                num(target),
                                num(target),
                                num(s)
                            ),
                        )
                    }
                }
            }
        } else {
            let met = match t.cmp {
                Comparator::Gt => actual > target,
                _ => actual >= target,
            };
            if met {
                self.positive_met(actual, target, unit)
            } else {
                let s = self.policy.round(w * actual / target);
                self.result(
                    Outcome::Missed,
                    Some(s),
                    "正向指标未达标：分值 × 实际值 / 指标值".into(),
                    format!(
                        "{} × {} / {} = {}",
                        num(w),
                        num(actual),
                        num(target),
                        num(s)
                    ),
                )
            }
        };
        r.ratio = (!target.is_zero()).then(|| actual / target);
        r.actual_number = Some(actual);
        r
    }

    /// Full marks, unless the policy marks down a target set too low (按偏离度适度调减分值).
    fn positive_met(&self, actual: Decimal, target: Decimal, unit: &str) -> IndicatorScore {
        let w = self.ind.weight;
        let o = &self.policy.overshoot;
        let hundred = Decimal::ONE_HUNDRED;
        let ratio_pct = actual / target * hundred;
        if o.deduct && ratio_pct >= o.percent {
            let deviation = ratio_pct - hundred; // percent above the target
            let cut = (deviation / hundred * o.deduct_percent_per_100).min(o.deduct_max_percent);
            let s = self.policy.round(w * (hundred - cut) / hundred);
            return self.result(
                Outcome::Met,
                Some(s),
                "正向指标超额完成，按偏离度适度调减分值".into(),
                format!(
                    "偏离度 {}%，调减 min({}% × {}/100, {}%) = {}%；{} × (100% − {}%) = {}",
                    num(deviation.round_dp(2)),
                    num(o.deduct_percent_per_100),
                    num(deviation.round_dp(2)),
                    num(o.deduct_max_percent),
                    num(cut.round_dp(2)),
                    num(w),
                    num(cut.round_dp(2)),
                    num(s)
                ),
            );
        }
        self.result(
            Outcome::Met,
            Some(w),
            "正向指标：达到目标，得满分".into(),
            format!("{}{unit} ≥ {}{unit} → {}", num(actual), num(target), num(w)),
        )
    }
}

fn describe_kind(kind: &ValueKind) -> String {
    Value {
        text: String::new(),
        kind: kind.clone(),
    }
    .describe()
}
