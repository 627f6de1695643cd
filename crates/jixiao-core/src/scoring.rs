//! Scoring by the rules of a policy (docs/scoring.md). Every score carries a trace that says why.

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
    format!(
        "{}%",
        x.saturating_mul(Decimal::ONE_HUNDRED)
            .round_dp(2)
            .normalize()
    )
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
    // Bounded amounts (Project::validate) never overflow; an unchecked project gets no score, not a panic.
    let Some(rate) = funds.executed.max(Decimal::ZERO).checked_div(funds.annual) else {
        return ExecutionScore {
            rate: None,
            score: None,
            weight,
            trace: Trace {
                inputs,
                rule: "金额超出可计算的范围，预算执行率无法计算".into(),
                formula: "—".into(),
                source: policy.source.clone(),
            },
        };
    };
    let raw = weight.saturating_mul(rate.min(Decimal::ONE));
    let (score, rule) = if policy.execution.integer {
        (raw.floor(), "分值 × 预算执行率（最高 100%），取整")
    } else {
        // Rounding never lifts a score above its weight (a weight of 0.1553 rounds to 0.16 at 2 places).
        (
            policy.round(raw).min(weight),
            "分值 × 预算执行率（最高 100%）",
        )
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
        ValueKind::Quantity(_) | ValueKind::Range(_) => Direction::Positive,
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
        let numeric_target = matches!(
            self.target.kind,
            ValueKind::Quantity(_) | ValueKind::Range(_) | ValueKind::Deadline(_)
        );
        let zero_target = self.target.quantity().is_some_and(|q| {
            q.number.is_zero() && !matches!(q.cmp, Comparator::Ge | Comparator::Gt)
        });
        // 无 as a target is the answer “no” (无安全事故), like 否.
        let boolean_target = match self.target.kind {
            ValueKind::Boolean { yes } => Some(yes),
            ValueKind::Nil => Some(false),
            _ => None,
        };
        if matches!(self.target.kind, ValueKind::NotApplicable) {
            return self.not_applicable();
        }
        if matches!(self.actual.kind, ValueKind::NotApplicable) {
            // A dash against a number is a blank cell; 不适用 in words declares the row not applicable.
            if numeric_target && value::is_dash(&self.actual.text) {
                return self.result(
                    Outcome::Missing,
                    Some(Decimal::ZERO),
                    "指标值为数值，实际完成值填“/”或“—”，按未填写计 0 分".into(),
                    "0".into(),
                );
            }
            return self.not_applicable();
        }
        if matches!(self.target.kind, ValueKind::Empty) {
            return self.result(
                Outcome::Unscorable,
                None,
                "未填写年度指标值，无法计分".into(),
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
        match &self.actual.kind {
            ValueKind::Empty => return self.missing(),
            // 无 answers a 无 target or a zero target; elsewhere it says there was nothing of the kind
            // this year ("保障率 100%" against "无": no case arose), so the row is not applicable.
            ValueKind::Nil if !zero_target && boolean_target.is_none() => {
                return self.not_applicable();
            }
            _ => {}
        }
        if let ValueKind::NotDone { word } = &self.actual.kind {
            let rule = format!("实际完成值表明工作未开展或未完成（“{word}”），按未达成计分");
            return self.graded(Achievement::Failed, &rule);
        }
        if let Some(yes) = boolean_target {
            return self.boolean(yes);
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
            (ValueKind::Range(t), ValueKind::Quantity(a)) => {
                let (t, a) = (t.clone(), a.clone());
                self.range(&t, &a)
            }
            (
                ValueKind::Quantity(_) | ValueKind::Range(_),
                ValueKind::Qualitative { level } | ValueKind::Claim { level },
            ) => {
                let level = *level;
                self.graded(level, "数量指标的实际完成值为文字表述，按定性指标分档评分")
            }
            (ValueKind::Quantity(_) | ValueKind::Range(_), ValueKind::Boolean { yes }) => {
                let level = if *yes {
                    Achievement::Achieved
                } else {
                    Achievement::Failed
                };
                self.graded(level, "数量指标的实际完成值为“是/否”，按定性指标分档评分")
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
            (ValueKind::Deadline(_), ValueKind::Boolean { yes }) => {
                let level = if *yes {
                    Achievement::Achieved
                } else {
                    Achievement::Failed
                };
                self.graded(level, "时效指标的实际完成值为“是/否”，按定性指标分档评分")
            }
            (
                ValueKind::Qualitative { .. } | ValueKind::Claim { .. } | ValueKind::NotDone { .. },
                ValueKind::Qualitative { level } | ValueKind::Claim { level },
            ) => {
                let level = *level;
                self.graded(level, "定性指标：按达成程度分档评分")
            }
            (
                ValueKind::Qualitative { .. } | ValueKind::Claim { .. } | ValueKind::NotDone { .. },
                ValueKind::Boolean { yes },
            ) => {
                let level = if *yes {
                    Achievement::Achieved
                } else {
                    Achievement::Failed
                };
                self.graded(level, "定性指标：实际完成值为“是/否”，按达成程度分档评分")
            }
            (
                ValueKind::Qualitative { .. } | ValueKind::Claim { .. } | ValueKind::NotDone { .. },
                ValueKind::Quantity(_) | ValueKind::Deadline(_) | ValueKind::Range(_),
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

    /// A score rounded as the policy says, kept within 0 and the weight: rounding half up must not lift
    /// a score above a weight written with more places than the policy keeps (0.1553 → 0.16).
    fn round(&self, x: Decimal) -> Decimal {
        self.policy.round(x).min(self.ind.weight).max(Decimal::ZERO)
    }

    fn not_applicable(&self) -> IndicatorScore {
        self.result(
            Outcome::NotApplicable,
            None,
            "不适用，不计分（总分按适用指标分值折算为百分制）".into(),
            "—".into(),
        )
    }

    fn missing(&self) -> IndicatorScore {
        self.result(
            Outcome::Missing,
            Some(Decimal::ZERO),
            "未填写实际完成值，按未完成计 0 分".into(),
            "0".into(),
        )
    }

    /// A number too large to compute with (not reached by bounded values; kept so that no input panics).
    fn out_of_range(&self) -> IndicatorScore {
        self.result(
            Outcome::Unscorable,
            None,
            "数值超出可计算的范围，无法按公式计分".into(),
            "—".into(),
        )
    }

    /// 是/否/有/无 targets: full marks when the actual gives the same answer, 0 otherwise.
    fn boolean(&self, yes: bool) -> IndicatorScore {
        let w = self.ind.weight;
        let said = |b: bool| if b { "是/有" } else { "否/无" };
        let answer = match &self.actual.kind {
            ValueKind::Boolean { yes } => Some(*yes),
            ValueKind::Nil => Some(false),
            ValueKind::Quantity(q) => Some(!q.number.is_zero()),
            // A word or sentence says whether the target was achieved ("未发生" is achieved for 无);
            // only achieved gives the target's answer ("基本达到" against 是 is not 是).
            ValueKind::Qualitative { level } | ValueKind::Claim { level } => {
                Some(if *level == Achievement::Achieved {
                    yes
                } else {
                    !yes
                })
            }
            ValueKind::Deadline(_) => Some(yes),
            _ => None,
        };
        match answer {
            Some(a) if a == yes => self.result(
                Outcome::Met,
                Some(w),
                "判断类指标：实际完成值与指标值一致，得满分".into(),
                format!("{} = {} → {}", said(a), said(yes), num(w)),
            ),
            Some(a) => self.result(
                Outcome::Missed,
                Some(Decimal::ZERO),
                "判断类指标：实际完成值与指标值不一致，得 0 分".into(),
                format!("{} ≠ {} → 0", said(a), said(yes)),
            ),
            None => self.graded(
                Achievement::Partial,
                "判断类指标：实际完成值为部分达成，按定性指标分档评分",
            ),
        }
    }

    /// Qualitative scoring: a self-score inside its band stands; without one, 达成 gets the full weight
    /// and the other levels the bottom of their band; outside the band it is brought to the nearest
    /// score the band allows (for [60%, 80%) of 10 points at 2 places: 6.00 to 7.99). The band edges
    /// are `Policy::in_band`'s, the same as the finding score-outside-band.
    fn graded(&self, level: Achievement, rule: &str) -> IndicatorScore {
        let w = self.ind.weight;
        let [lo, hi] = self.policy.band(level);
        let (lo_pts, hi_pts, hi_included) = self.policy.band_points(level, w);
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
            Some(s) if self.policy.in_band(level, w, s) => {
                (s, format!("{band}；自评 {} 在档内，采用自评得分", num(s)))
            }
            Some(s) => {
                // The lower bands are half-open ([60%, 80%)): their best score is just under the bound.
                let top = if hi_included {
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
                        num(self.round(c))
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
            Some(self.round(score)),
            rule.to_string(),
            formula,
        );
        r.achievement = Some(level);
        r
    }

    /// The actual in the target's unit; `Err` with the unit-mismatch result when they measure different
    /// things.
    fn converted(&self, a: &value::Quantity, unit: &str) -> Result<Decimal, Box<IndicatorScore>> {
        if !value::units_compatible(&a.unit, unit) {
            // Units that measure different things cannot be compared by formula: keep the self-score,
            // and the finding unit-mismatch tells the reviewer.
            let w = self.ind.weight;
            let (score, formula) = match self.ind.self_score {
                Some(s) => (
                    s.clamp(Decimal::ZERO, w),
                    format!("沿用自评得分 {}", num(s)),
                ),
                None => (Decimal::ZERO, "无自评得分，计 0 分".into()),
            };
            let mut r = self.result(
                Outcome::Unscorable,
                Some(self.round(score)),
                format!(
                    "单位不一致（指标值“{unit}”，实际值“{}”），无法按公式计分",
                    a.unit
                ),
                formula,
            );
            r.unit_mismatch = true;
            return Err(Box::new(r));
        }
        value::convert(a.number, &a.unit, unit).ok_or_else(|| Box::new(self.out_of_range()))
    }

    /// `weight × part / whole` for `0 ≤ part/whole ≤ 1`, rounded; `None` only on overflow.
    fn share(&self, part: Decimal, whole: Decimal) -> Option<Decimal> {
        let ratio = part.checked_div(whole)?.clamp(Decimal::ZERO, Decimal::ONE);
        Some(self.round(self.ind.weight.checked_mul(ratio)?))
    }

    fn quantity(&self, t: &value::Quantity, a: &value::Quantity) -> IndicatorScore {
        let actual = match self.converted(a, &t.unit) {
            Ok(x) => x,
            Err(r) => return *r,
        };
        let target = t.number;
        let mut r = match self.compare(t, actual) {
            Some(r) => r,
            None => return self.out_of_range(),
        };
        // Only a positive target gives a meaningful “times the target” (for target-overshoot).
        r.ratio = if target > Decimal::ZERO && self.direction != Direction::Reverse {
            actual.checked_div(target)
        } else {
            None
        };
        r.actual_number = Some(actual);
        r
    }

    /// The quantity rules (docs/scoring.md). `None` on arithmetic overflow.
    fn compare(&self, t: &value::Quantity, actual: Decimal) -> Option<IndicatorScore> {
        let w = self.ind.weight;
        let target = t.number;
        let zero = Decimal::ZERO;
        let unit = &t.unit;
        let shown = |x: Decimal| format!("{}{unit}", num(x));
        if target.is_zero() {
            // ≥0 and >0 are floors (the value must not fall below zero); =0, ≤0, 0起 are zero targets.
            let (met, rule) = match t.cmp {
                Comparator::Ge => (actual >= zero, "下限为 0：实际不小于 0 即达标"),
                Comparator::Gt => (actual > zero, "下限为 0：实际大于 0 即达标"),
                _ => (actual <= zero, "零目标：实际为 0 即达标"),
            };
            let (outcome, score) = if met {
                (Outcome::Met, w)
            } else {
                (Outcome::Missed, zero)
            };
            return Some(self.result(
                outcome,
                Some(score),
                format!("{rule}，否则得 0 分"),
                format!("{} {} 0 → {}", shown(actual), t.cmp.symbol(), num(score)),
            ));
        }
        if self.direction == Direction::Reverse {
            let met = match t.cmp {
                Comparator::Lt => actual < target,
                _ => actual <= target,
            };
            if met {
                return Some(self.result(
                    Outcome::Met,
                    Some(w),
                    "反向指标：达到目标，得满分".into(),
                    format!("{} ≤ {} → {}", shown(actual), shown(target), num(w)),
                ));
            }
            if target < zero && actual >= zero {
                // A fall was required (≤-3%) and the value did not fall at all.
                return Some(self.result(
                    Outcome::Missed,
                    Some(zero),
                    "反向指标（要求下降）：实际未下降，得 0 分".into(),
                    format!("{} ≥ 0 → 0", shown(actual)),
                ));
            }
            return Some(match self.policy.reverse.formula {
                ReverseFormula::Ratio => {
                    // target < actual: for a fall both are negative and the actual the smaller fall.
                    let (part, whole, formula) = if target < zero {
                        (
                            actual,
                            target,
                            "分值 × 实际值 / 指标值（要求下降，均为负数）",
                        )
                    } else {
                        (target, actual, "分值 × 指标值 / 实际值")
                    };
                    let s = self.share(part, whole)?;
                    self.result(
                        Outcome::Missed,
                        Some(s),
                        format!("反向指标未达标：{formula}"),
                        format!("{} × {} / {} = {}", num(w), num(part), num(whole), num(s)),
                    )
                }
                ReverseFormula::Linear => {
                    let dev = actual.checked_sub(target)?.checked_div(target.abs())?;
                    let kept = (Decimal::ONE - dev.min(Decimal::ONE)).max(zero);
                    let s = self.round(w.checked_mul(kept)?);
                    self.result(
                        Outcome::Missed,
                        Some(s),
                        "反向指标未达标：分值 × max(0, 1 − (实际值 − 指标值) / |指标值|)".into(),
                        format!(
                            "{} × max(0, 1 − ({} − {}) / {}) = {}",
                            num(w),
                            num(actual),
                            num(target),
                            num(target.abs()),
                            num(s)
                        ),
                    )
                }
            });
        }
        let met = match t.cmp {
            Comparator::Gt => actual > target,
            _ => actual >= target,
        };
        if met {
            return self.positive_met(actual, target, unit);
        }
        // Below a positive target: the share reached (a negative actual counts as 0). Below a negative
        // floor (≥-5%): how far the actual fell past it, target / actual.
        let (part, whole) = if target > zero {
            (actual.max(zero), target)
        } else {
            (target, actual)
        };
        let s = self.share(part, whole)?;
        Some(self.result(
            Outcome::Missed,
            Some(s),
            if target > zero {
                "正向指标未达标：分值 × 实际值 / 指标值".into()
            } else {
                "正向指标未达标（下限为负数）：分值 × 指标值 / 实际值".into()
            },
            format!("{} × {} / {} = {}", num(w), num(part), num(whole), num(s)),
        ))
    }

    /// Ranges: inside is met; below scores actual / low, above high / actual (the nearer bound).
    fn range(&self, t: &value::Range, a: &value::Quantity) -> IndicatorScore {
        let w = self.ind.weight;
        let actual = match self.converted(a, &t.unit) {
            Ok(x) => x,
            Err(r) => return *r,
        };
        let unit = &t.unit;
        let shown = |x: Decimal| format!("{}{unit}", num(x));
        let band = format!("{}–{}", shown(t.low), shown(t.high));
        let mut r = if actual >= t.low && actual <= t.high {
            self.result(
                Outcome::Met,
                Some(w),
                "区间指标：实际值在区间内，得满分".into(),
                format!("{} ∈ [{band}] → {}", shown(actual), num(w)),
            )
        } else {
            let (part, whole, rule) = if actual < t.low {
                (actual, t.low, "区间指标：低于下限，分值 × 实际值 / 下限")
            } else {
                (t.high, actual, "区间指标：高于上限，分值 × 上限 / 实际值")
            };
            // Bounds of different signs, or at zero, give no meaningful ratio: outside is then 0.
            let s = if part.is_sign_negative() != whole.is_sign_negative()
                || whole.is_zero()
                || part.is_zero()
            {
                Some(Decimal::ZERO)
            } else {
                self.share(part.abs().min(whole.abs()), part.abs().max(whole.abs()))
            };
            let Some(s) = s else {
                return self.out_of_range();
            };
            self.result(
                Outcome::Missed,
                Some(s),
                rule.into(),
                format!("{} × {} / {} = {}", num(w), num(part), num(whole), num(s)),
            )
        };
        r.actual_number = Some(actual);
        r
    }

    /// Full marks, unless the policy marks down a target set too low (按偏离度适度调减分值).
    fn positive_met(&self, actual: Decimal, target: Decimal, unit: &str) -> Option<IndicatorScore> {
        let w = self.ind.weight;
        let o = &self.policy.overshoot;
        let hundred = Decimal::ONE_HUNDRED;
        let ratio_pct = if target > Decimal::ZERO {
            actual.checked_div(target)?.checked_mul(hundred)?
        } else {
            hundred
        };
        if o.deduct && ratio_pct >= o.percent {
            let deviation = ratio_pct - hundred; // percent above the target
            let cut = (deviation / hundred)
                .checked_mul(o.deduct_percent_per_100)?
                .min(o.deduct_max_percent)
                .clamp(Decimal::ZERO, hundred);
            let s = self.round(w * ((hundred - cut) / hundred));
            return Some(self.result(
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
            ));
        }
        Some(self.result(
            Outcome::Met,
            Some(w),
            "正向指标：达到目标，得满分".into(),
            format!("{}{unit} ≥ {}{unit} → {}", num(actual), num(target), num(w)),
        ))
    }
}

fn describe_kind(kind: &ValueKind) -> String {
    Value {
        text: String::new(),
        kind: kind.clone(),
        note: None,
    }
    .describe()
}
