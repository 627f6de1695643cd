//! One project scored and checked under one policy.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::findings::{self, Code, Finding, Severity};
use crate::grade::Grade;
use crate::model::Project;
use crate::policy::Policy;
use crate::scoring::{self, ExecutionScore, IndicatorScore, Outcome};

/// Score and weight of one 一级指标 group (预算执行率 is its own group).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    pub name: String,
    pub weight: Decimal,
    /// Computed score of the applicable indicators.
    pub score: Decimal,
    /// Sum of the unit's self-scores, when every row has one.
    pub self_score: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub policy: String,
    pub execution: ExecutionScore,
    /// In the order of `Project::indicators`.
    pub indicators: Vec<IndicatorScore>,
    pub groups: Vec<GroupScore>,
    /// Sum of the applicable weights (execution included).
    pub applicable_weight: Decimal,
    /// Sum of the rounded scores before rescaling.
    pub raw_total: Decimal,
    /// The total on the 100-point scale (rescaled when some indicators are not applicable).
    pub total: Decimal,
    pub grade: Grade,
    /// False when some indicator could not be scored (its finding says which).
    pub complete: bool,
    /// The unit's own total: as stated, or the sum of its self-scores.
    pub self_total: Option<Decimal>,
    pub findings: Vec<Finding>,
}

impl Evaluation {
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }
    pub fn has_finding(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// What a self-evaluation is measured against besides its own form: the approved goals it started from
/// and the year's monitoring reports (监控表) on them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub goals: Option<crate::Declaration>,
    pub monitoring: Vec<crate::monitoring::MonitorForm>,
}

/// [`evaluate`], with the findings of where the project departs from its approved goals
/// (`target-changed`, `indicator-dropped`, `indicator-added`, `weight-changed`) and from what the
/// unit forecast during the year (`forecast-contradicted`).
pub fn evaluate_against(project: &Project, history: &History, policy: &Policy) -> Evaluation {
    let mut e = evaluate(project, policy);
    if let Some(b) = &history.goals {
        e.findings
            .extend(crate::goals::compare_with_baseline(project, b));
    }
    e.findings
        .extend(crate::monitoring::compare_with_monitoring(
            project,
            &history.monitoring,
        ));
    e.findings.sort_by_key(|f| f.severity());
    e
}

/// Scores a project and checks it. Pure: the same project and policy always give the same result.
pub fn evaluate(project: &Project, policy: &Policy) -> Evaluation {
    let execution = scoring::score_execution(&project.funds, policy);
    let indicators: Vec<IndicatorScore> = project
        .indicators
        .iter()
        .map(|ind| scoring::score_indicator(ind, policy, project.project.year))
        .collect();

    // Sums saturate: validated projects (bounded weights) never come near, and nothing else panics.
    let mut applicable_weight = Decimal::ZERO;
    let mut raw_total = Decimal::ZERO;
    if let Some(s) = execution.score {
        applicable_weight = applicable_weight.saturating_add(execution.weight);
        raw_total = raw_total.saturating_add(s);
    }
    for (ind, sc) in project.indicators.iter().zip(&indicators) {
        if sc.outcome != Outcome::NotApplicable {
            applicable_weight = applicable_weight.saturating_add(ind.weight);
            raw_total = raw_total.saturating_add(sc.score.unwrap_or_default());
        }
    }
    let all_weight = project.total_weight();
    // Rows not applicable leave the total on the scale of the applicable weights: bring it back to the
    // 100-point scale of the grades (not to the sum of the weights, which may itself be wrong).
    let rescaled = (policy.not_applicable.rescale
        && applicable_weight > Decimal::ZERO
        && applicable_weight != all_weight)
        .then(|| {
            raw_total
                .checked_mul(Decimal::ONE_HUNDRED)?
                .checked_div(applicable_weight)
        })
        .flatten();
    let total = match rescaled {
        Some(t) => policy.round(t).min(Decimal::ONE_HUNDRED),
        None => raw_total.min(all_weight.max(Decimal::ZERO)),
    };
    let complete = indicators
        .iter()
        .all(|s| s.outcome == Outcome::NotApplicable || s.score.is_some());

    let mut groups = vec![GroupScore {
        name: "预算执行率".into(),
        weight: execution.weight,
        score: execution.score.unwrap_or_default(),
        self_score: project.funds.self_score,
    }];
    for (ind, sc) in project.indicators.iter().zip(&indicators) {
        let i = match groups.iter().position(|g| g.name == ind.level1) {
            Some(i) => i,
            None => {
                groups.push(GroupScore {
                    name: ind.level1.clone(),
                    weight: Decimal::ZERO,
                    score: Decimal::ZERO,
                    self_score: Some(Decimal::ZERO),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[i];
        g.weight = g.weight.saturating_add(ind.weight);
        g.score = g.score.saturating_add(sc.score.unwrap_or_default());
        g.self_score = match (g.self_score, ind.self_score) {
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            _ => None,
        };
    }

    let self_total = project.statement.total.or_else(|| {
        let exec = project.funds.self_score?;
        project
            .indicators
            .iter()
            .try_fold(exec, |acc, i| Some(acc.saturating_add(i.self_score?)))
    });

    let mut evaluation = Evaluation {
        policy: policy.name.clone(),
        grade: policy.grade(total),
        execution,
        indicators,
        groups,
        applicable_weight,
        raw_total,
        total,
        complete,
        self_total,
        findings: Vec::new(),
    };
    evaluation.findings = findings::check(project, &evaluation, policy);
    evaluation
}
