//! The one summary of an evaluated project: what the project list, the review dashboard, the batch
//! workbook and the project page show of it. Everything that lists projects reads this, so that no two
//! pages disagree about a total, a grade or a count.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalogue::{Code, Severity};
use crate::evaluation::Evaluation;
use crate::grade::Grade;
use crate::model::Project;
use crate::policy::Policy;

/// The version of the scoring and checking rules in this build. Stored summaries carry it (with the
/// policy's fingerprint) and are recomputed when it changes; bump the suffix on any change to scoring
/// or findings that can change a stored total, grade or count between releases.
pub const ENGINE_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+rules.1");

/// The reviewer's total (复核得分) as far as it has been given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "total", rename_all = "kebab-case")]
pub enum ReviewTotal {
    /// No review score yet.
    NotStarted,
    /// Some rows have a review score, some not.
    Partial,
    /// Execution and every indicator have one: their sum.
    Done(Decimal),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Computed by the policy's rules, on the 100-point scale.
    pub total: Decimal,
    pub grade: Grade,
    /// The unit's own total: as stated, or the sum of its self-scores.
    pub self_total: Option<Decimal>,
    /// As stated, or the grade of the self total when the form states none.
    pub self_grade: Option<Grade>,
    /// Self total minus computed total: positive means lenient self-scoring.
    pub gap: Option<Decimal>,
    pub review: ReviewTotal,
    /// False when some indicator could not be scored.
    pub complete: bool,
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    /// Distinct finding codes, most severe first.
    pub codes: Vec<Code>,
    /// 偏差未说明原因: the findings a reviewer follows up first.
    pub unexplained: u32,
    pub all_full_marks: bool,
    /// Money in 万元.
    pub initial: Option<Decimal>,
    pub annual: Decimal,
    pub executed: Decimal,
    /// (全年预算数 − 年初预算数) / 年初预算数, as a fraction (4 places); None without an initial budget.
    pub adjustment: Option<Decimal>,
    /// 执行数 / 全年预算数, as a fraction (4 places); None when the annual budget is 0.
    pub execution_rate: Option<Decimal>,
}

impl Summary {
    /// The summary of `eval` (with any import findings the caller added to its findings).
    pub fn of(project: &Project, eval: &Evaluation, policy: &Policy) -> Summary {
        let count = |s: Severity| eval.findings.iter().filter(|f| f.severity() == s).count() as u32;
        let mut codes: Vec<Code> = eval.findings.iter().map(|f| f.code).collect();
        codes.sort_by_key(|c| (c.severity(), *c));
        codes.dedup();
        let f = &project.funds;
        Summary {
            total: eval.total,
            grade: eval.grade,
            self_total: eval.self_total,
            self_grade: project
                .statement
                .grade
                .or_else(|| eval.self_total.map(|t| policy.grade(t))),
            gap: eval.self_total.map(|s| s.saturating_sub(eval.total)),
            review: review_total(project),
            complete: eval.complete,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            unexplained: eval
                .findings
                .iter()
                .filter(|x| x.code == Code::DeviationUnexplained)
                .count() as u32,
            all_full_marks: codes.contains(&Code::AllFullMarks),
            codes,
            initial: f.initial,
            annual: f.annual,
            executed: f.executed,
            adjustment: f
                .initial
                .filter(|i| *i > Decimal::ZERO)
                .and_then(|i| f.annual.checked_sub(i)?.checked_div(i))
                .map(|x| x.round_dp(4)),
            execution_rate: eval.execution.rate.map(|r| r.round_dp(4)),
        }
    }

    /// A project and its evaluation under `policy`, summarised.
    pub fn evaluate(project: &Project, policy: &Policy) -> (Evaluation, Summary) {
        Summary::evaluate_against(project, &crate::History::default(), policy)
    }

    /// [`Summary::evaluate`] measured against the project's approved goals and monitoring.
    pub fn evaluate_against(
        project: &Project,
        history: &crate::History,
        policy: &Policy,
    ) -> (Evaluation, Summary) {
        let eval = crate::evaluation::evaluate_against(project, history, policy);
        let summary = Summary::of(project, &eval, policy);
        (eval, summary)
    }
}

fn review_total(p: &Project) -> ReviewTotal {
    let scores: Vec<Option<Decimal>> = std::iter::once(p.funds.review_score)
        .chain(p.indicators.iter().map(|i| i.review_score))
        .collect();
    if scores.iter().all(Option::is_none) {
        ReviewTotal::NotStarted
    } else if let Some(sum) = scores
        .iter()
        .try_fold(Decimal::ZERO, |acc, s| Some(acc.saturating_add((*s)?)))
    {
        ReviewTotal::Done(sum)
    } else {
        ReviewTotal::Partial
    }
}
