//! Scoring policies: every number of the scoring rules is data, not code.
//!
//! Built-in policies are TOML files compiled into the binary; a user may pass their own file of the
//! same shape (`jixiao policy show mof-2020` prints one to start from).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: String,
    pub title: String,
    /// Where the rules come from; quoted in every score's trace.
    pub source: String,
    pub rounding: Rounding,
    pub execution: ExecutionRule,
    pub reverse: ReverseRule,
    pub qualitative: Bands,
    pub overshoot: Overshoot,
    pub grades: GradeBounds,
    pub not_applicable: NotApplicableRule,
    pub checks: Checks,
    /// 一级指标 → standard weight; `预算执行率` is the execution weight.
    pub standard_weights: BTreeMap<String, Decimal>,
    /// 一级指标 whose points count with another's standard weight: 成本指标 as its own group (财预〔2021〕101号)
    /// counts with 产出指标, where the 2020 forms keep it as a 二级指标.
    #[serde(default = "default_weight_groups")]
    pub weight_groups: BTreeMap<String, String>,
    /// Rules of the 绩效目标 step: review consequences and goal checks.
    #[serde(default)]
    pub goals: GoalRules,
    /// 运行监控: the lights and what forces an explanation.
    #[serde(default)]
    pub monitoring: crate::monitoring::MonitoringRules,
    /// 结果应用: a year's grade → next year's budget.
    #[serde(default = "crate::monitoring::default_results")]
    pub results: BTreeMap<crate::Grade, crate::monitoring::ResultRule>,
}

fn default_weight_groups() -> BTreeMap<String, String> {
    BTreeMap::from([("成本指标".to_string(), "产出指标".to_string())])
}

/// What a review grade of a goal declaration does (财预〔2015〕88号: 优 proceeds to budgeting, 良 proceeds
/// after revision, 中 returns for revision and resubmission, 差 cannot proceed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Consequence {
    /// On to the next reviewer; at the finance bureau, approved.
    Proceed,
    /// The unit revises along the comments, then it goes on without a second review at this level.
    ProceedAfterRevision,
    /// Back to the unit, and through the whole review again.
    Return,
    /// Not approved: the project does not enter the budget.
    Reject,
}

impl Consequence {
    pub fn label(self) -> &'static str {
        match self {
            Consequence::Proceed => "通过，进入下一环节",
            Consequence::ProceedAfterRevision => "按意见修改后进入下一环节",
            Consequence::Return => "退回修改后重新审核",
            Consequence::Reject => "不予通过，不得进入预算安排",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalRules {
    /// Review grade (优 良 中 差) → consequence.
    pub review: BTreeMap<crate::Grade, Consequence>,
    /// Dimensions a declaration must cover (二级指标 names, or 一级指标 for 满意度 and 成本).
    pub required_dimensions: Vec<String>,
    /// `target-stale`: actual ≥ this percent of the target …
    pub stale_overshoot_percent: Decimal,
    /// … in each of this many latest years, and the new target not raised.
    pub stale_years: usize,
}

impl Default for GoalRules {
    fn default() -> GoalRules {
        use crate::Grade::*;
        GoalRules {
            review: BTreeMap::from([
                (Excellent, Consequence::Proceed),
                (Good, Consequence::ProceedAfterRevision),
                (Fair, Consequence::Return),
                (Poor, Consequence::Reject),
            ]),
            required_dimensions: ["数量指标", "质量指标", "时效指标", "成本指标", "满意度指标"]
                .map(String::from)
                .to_vec(),
            stale_overshoot_percent: Decimal::from(130),
            stale_years: 2,
        }
    }
}

impl GoalRules {
    pub fn consequence(&self, grade: crate::Grade) -> Consequence {
        self.review
            .get(&grade)
            .copied()
            .unwrap_or(Consequence::Return)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoundMode {
    HalfUp,
    Truncate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    pub mode: RoundMode,
    pub places: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExecutionRule {
    /// Round the execution score down to whole points (97.8% → 9).
    pub integer: bool,
    pub low_percent: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReverseFormula {
    /// 分值 × 指标值 / 实际值 (the form footnotes)
    Ratio,
    /// 分值 × max(0, 1 − (实际值 − 指标值) / 指标值) (a deployed system)
    Linear,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReverseRule {
    pub formula: ReverseFormula,
}

/// Qualitative bands in percent of the weight: `[low, high]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bands {
    pub achieved: [Decimal; 2],
    pub partial: [Decimal; 2],
    pub failed: [Decimal; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overshoot {
    pub percent: Decimal,
    pub deduct: bool,
    pub deduct_percent_per_100: Decimal,
    pub deduct_max_percent: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBounds {
    pub excellent: Decimal,
    pub good: Decimal,
    pub fair: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotApplicableRule {
    pub rescale: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    pub budget_adjusted_percent: Decimal,
    pub dominates_percent: Decimal,
}

/// Name and TOML text of each built-in policy; the first is the default.
pub const BUILTIN: &[(&str, &str)] = &[
    ("mof-2020", include_str!("../policies/mof-2020.toml")),
    ("mof-2017", include_str!("../policies/mof-2017.toml")),
];

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("没有名为“{0}”的内置评分规则（可用：mof-2020、mof-2017），也不是规则文件")]
    Unknown(String),
    #[error("评分规则无效：{0}")]
    Invalid(String),
}

impl Policy {
    /// The default policy, `mof-2020` (a copy to adjust; see `standard` for the shared one).
    pub fn default_policy() -> Policy {
        Policy::standard().clone()
    }

    /// The default policy, parsed once: servers score every page with it.
    pub fn standard() -> &'static Policy {
        static STANDARD: std::sync::LazyLock<Policy> = std::sync::LazyLock::new(|| {
            Policy::builtin("mof-2020").expect("the built-in mof-2020 policy is valid")
        });
        &STANDARD
    }

    pub fn builtin(name: &str) -> Result<Policy, PolicyError> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| PolicyError::Unknown(name.into()))?;
        Policy::from_toml(text)
    }

    /// Reads a policy from TOML text and checks that its numbers make sense.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy =
            toml::from_str(text).map_err(|e| PolicyError::Invalid(e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    fn validate(&self) -> Result<(), PolicyError> {
        let hundred = Decimal::ONE_HUNDRED;
        for (name, [lo, hi]) in [
            ("qualitative.achieved", &self.qualitative.achieved),
            ("qualitative.partial", &self.qualitative.partial),
            ("qualitative.failed", &self.qualitative.failed),
        ] {
            if lo > hi || *lo < Decimal::ZERO || *hi > hundred {
                return Err(PolicyError::Invalid(format!(
                    "{name} 应为 0 到 100 之间的 [下限, 上限]"
                )));
            }
        }
        let g = &self.grades;
        if !(g.excellent >= g.good && g.good >= g.fair) {
            return Err(PolicyError::Invalid(
                "grades 应满足 excellent ≥ good ≥ fair".into(),
            ));
        }
        if self.rounding.places > 6 {
            return Err(PolicyError::Invalid("rounding.places 不能超过 6".into()));
        }
        if self.overshoot.percent <= hundred {
            return Err(PolicyError::Invalid("overshoot.percent 应大于 100".into()));
        }
        if self.goals.stale_overshoot_percent <= hundred {
            return Err(PolicyError::Invalid(
                "goals.stale_overshoot_percent 应大于 100".into(),
            ));
        }
        let m = &self.monitoring;
        if !(Decimal::ZERO <= m.red_below && m.red_below <= m.yellow_below) {
            return Err(PolicyError::Invalid(
                "monitoring 应满足 0 ≤ red_below ≤ yellow_below".into(),
            ));
        }
        if m.checkpoints.iter().any(|c| {
            !(1..=12).contains(&c.month) || c.percent < Decimal::ZERO || c.percent > hundred
        }) {
            return Err(PolicyError::Invalid(
                "monitoring.checkpoints 的月份应为 1 到 12，百分比应为 0 到 100".into(),
            ));
        }
        if self.results.values().any(|r| {
            r.cut_percent
                .is_some_and(|[lo, hi]| lo > hi || lo < Decimal::ZERO || hi > hundred)
        }) {
            return Err(PolicyError::Invalid(
                "results 的 cut_percent 应为 0 到 100 之间的 [下限, 上限]".into(),
            ));
        }
        Ok(())
    }

    /// The policy's name and a hash of every rule in it: two policies with the same fingerprint score
    /// alike. Stored summaries carry it, so that a change of rules is noticed (FNV-1a over the TOML).
    pub fn fingerprint(&self) -> String {
        let text = toml::to_string(self).unwrap_or_default();
        let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{}#{hash:016x}", self.name)
    }

    /// Rounds a score as the policy says.
    pub fn round(&self, x: Decimal) -> Decimal {
        let strategy = match self.rounding.mode {
            RoundMode::HalfUp => rust_decimal::RoundingStrategy::MidpointAwayFromZero,
            RoundMode::Truncate => rust_decimal::RoundingStrategy::ToZero,
        };
        x.round_dp_with_strategy(self.rounding.places, strategy)
    }

    /// 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (continuous bounds: 89.5 is 良).
    pub fn grade(&self, total: Decimal) -> crate::Grade {
        use crate::Grade::*;
        let g = &self.grades;
        if total >= g.excellent {
            Excellent
        } else if total >= g.good {
            Good
        } else if total >= g.fair {
            Fair
        } else {
            Poor
        }
    }

    pub fn band(&self, level: crate::value::Achievement) -> [Decimal; 2] {
        use crate::value::Achievement::*;
        match level {
            Achieved => self.qualitative.achieved,
            Partial => self.qualitative.partial,
            Failed => self.qualitative.failed,
        }
    }

    /// A level's band in points for `weight`: `(low, high, high_included)`. The bands meet at their edges
    /// (80% ends 部分达成 and starts 达成), so an edge belongs to the higher band: every band is
    /// `[low, high)` except 达成, which includes the full weight. Scoring and findings both use this.
    pub fn band_points(
        &self,
        level: crate::value::Achievement,
        weight: Decimal,
    ) -> (Decimal, Decimal, bool) {
        let [lo, hi] = self.band(level);
        (
            // The share first: never larger than the weight, so no overflow whatever the weight.
            weight * (lo / Decimal::ONE_HUNDRED),
            weight * (hi / Decimal::ONE_HUNDRED),
            level == crate::value::Achievement::Achieved,
        )
    }

    /// Whether a score lies in a level's band (see `band_points`).
    pub fn in_band(
        &self,
        level: crate::value::Achievement,
        weight: Decimal,
        score: Decimal,
    ) -> bool {
        let (lo, hi, hi_included) = self.band_points(level, weight);
        score >= lo && (score < hi || (hi_included && score <= hi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load() {
        for (name, _) in BUILTIN {
            assert_eq!(Policy::builtin(name).unwrap().name, *name);
        }
        assert_eq!(
            Policy::builtin("mof-2017").unwrap().qualitative.partial,
            [Decimal::from(50), Decimal::from(80)]
        );
        assert!(matches!(
            Policy::builtin("nope"),
            Err(PolicyError::Unknown(_))
        ));
    }

    #[test]
    fn invalid_policies_are_refused() {
        let text = BUILTIN[0].1.replace("excellent = 90", "excellent = 50");
        assert!(
            Policy::from_toml(&text)
                .unwrap_err()
                .to_string()
                .contains("grades")
        );
        let text = BUILTIN[0].1.replace("percent = 130", "percent = 90");
        assert!(Policy::from_toml(&text).is_err());
        let text = format!("surprise = 1\n{}", BUILTIN[0].1);
        assert!(
            Policy::from_toml(&text).is_err(),
            "unknown keys are refused"
        );
    }

    #[test]
    fn rounding_modes() {
        let mut p = Policy::default_policy();
        let x = Decimal::new(48_450, 4); // 4.8450
        assert_eq!(p.round(x), Decimal::new(485, 2));
        p.rounding.mode = RoundMode::Truncate;
        assert_eq!(p.round(x), Decimal::new(484, 2));
        p.rounding.places = 0;
        assert_eq!(p.round(x), Decimal::new(4, 0));
    }

    #[test]
    fn grades_are_continuous() {
        let p = Policy::default_policy();
        assert_eq!(p.grade(Decimal::new(895, 1)), crate::Grade::Good);
        assert_eq!(p.grade(Decimal::from(90)), crate::Grade::Excellent);
        assert_eq!(p.grade(Decimal::new(5999, 2)), crate::Grade::Poor);
        assert_eq!(p.grade(Decimal::from(60)), crate::Grade::Fair);
    }
}
