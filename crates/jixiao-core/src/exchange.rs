//! The one JSON form of a project with its evaluation and findings (schema `jixiao-evaluation`), written
//! by `jixiao eval --json`, the API (`/api/v1/projects/{id}/evaluation`, `/api/v1/evaluate`) and the
//! open-data export alike, and published as a JSON Schema (`jixiao schema evaluation`, the OpenAPI
//! document). docs/open-data.md describes every field.
//!
//! Exact decimals (money, weights, scores, rates) are strings, so that no reader loses a cent to binary
//! floating point; money carries its unit.

use std::borrow::Cow;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;

use crate::evaluation::Evaluation;
use crate::findings::Finding;
use crate::grade::Grade;
use crate::model::{Direction, Kind, Narrative, Project};
use crate::policy::Policy;
use crate::scoring::{Outcome, Trace};
use crate::summary::{ENGINE_VERSION, ReviewTotal, Summary};

pub const SCHEMA: &str = "jixiao-evaluation";
/// Bumped on every breaking change (CHANGELOG says what changed). Version 1 was `jixiao-open-data`.
pub const SCHEMA_VERSION: u32 = 2;

/// An exact decimal written as a string, without trailing zeros: `"14.5"`, `"100"`, `"-3"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec(pub Decimal);

impl Serialize for Dec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

impl JsonSchema for Dec {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "精确小数（字符串）/ an exact decimal as a string"
        })
    }
}

fn dec(x: Decimal) -> Dec {
    Dec(x)
}

fn opt(x: Option<Decimal>) -> Option<Dec> {
    x.map(Dec)
}

/// An amount of money with its unit. Amounts keep every digit they were given, at least two places.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Money {
    /// 金额（字符串，至少两位小数）/ the amount, at least two decimal places
    #[schemars(regex(pattern = r"^-?[0-9]+\.[0-9]{2,}$"))]
    pub amount: String,
    /// 计量单位：万元
    pub unit: &'static str,
}

/// `x` 万元 with its unit.
pub fn money(x: Decimal) -> Money {
    let mut x = x.normalize();
    if x.scale() < 2 {
        x.rescale(2);
    }
    Money {
        amount: x.to_string(),
        unit: "万元",
    }
}

/// The whole document.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[schemars(
    rename = "Evaluation",
    title = "jixiao-evaluation",
    description = "项目、评分结果与审核发现"
)]
pub struct Exchange {
    /// 恒为 "jixiao-evaluation"
    pub schema: &'static str,
    pub schema_version: u32,
    /// 生成程序及版本
    pub generator: String,
    pub project: ProjectPart,
    pub funds: FundsPart,
    pub goals: GoalsPart,
    pub statement: StatementPart,
    /// 自评报告正文各节，空的节省略
    pub narrative: Narrative,
    pub evaluation: EvaluationPart,
    /// 审核发现，按严重程度排序
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ProjectPart {
    pub name: String,
    pub year: i32,
    /// project（项目支出）或 department（部门整体支出）
    pub kind: Kind,
    pub level: Option<String>,
    pub code: Option<String>,
    pub department: String,
    pub implementer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FundsPart {
    /// 年初预算数
    pub initial: Option<Money>,
    /// 全年预算数（执行率的分母）
    pub annual: Money,
    /// 全年执行数
    pub executed: Money,
    pub sources: Vec<SourcePart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SourcePart {
    pub name: String,
    pub initial: Option<Money>,
    pub annual: Money,
    pub executed: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct GoalsPart {
    pub expected: String,
    pub actual: String,
}

/// What the unit stated in the table.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StatementPart {
    pub total: Option<Dec>,
    pub grade: Option<Grade>,
    pub problems: Option<String>,
    pub measures: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PolicyPart {
    /// 如 mof-2020
    pub name: String,
    pub title: String,
    /// 依据
    pub source: String,
    /// 规则的指纹：相同即计分相同
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TracePart {
    /// 适用的规则
    pub rule: String,
    /// 代入数字的算式
    pub formula: String,
    /// 规则依据
    pub source: String,
    /// 计算用到的数值（名称，值）
    pub inputs: Vec<(String, String)>,
}

fn trace(t: &Trace) -> TracePart {
    TracePart {
        rule: t.rule.clone(),
        formula: t.formula.clone(),
        source: t.source.clone(),
        inputs: t.inputs.clone(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ExecutionPart {
    /// 预算执行率（小数，1 即 100%，6 位）；全年预算数为 0 时为 null
    pub rate: Option<Dec>,
    pub weight: Dec,
    pub self_score: Option<Dec>,
    pub review_score: Option<Dec>,
    pub computed_score: Option<Dec>,
    pub trace: TracePart,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct IndicatorPart {
    /// 从 0 起的序号，顺序同自评表
    pub index: usize,
    pub level1: String,
    pub level2: String,
    pub name: String,
    /// 年度指标值（原文）
    pub target: String,
    /// 实际完成值（原文）
    pub actual: String,
    /// 系统对年度指标值的读法
    pub target_reading: String,
    /// 系统对实际完成值的读法
    pub actual_reading: String,
    pub weight: Dec,
    pub self_score: Option<Dec>,
    pub review_score: Option<Dec>,
    pub computed_score: Option<Dec>,
    pub outcome: Outcome,
    pub direction: Direction,
    pub deviation: Option<String>,
    pub trace: TracePart,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct GroupPart {
    pub name: String,
    pub weight: Dec,
    pub computed_score: Dec,
    pub self_score: Option<Dec>,
}

/// The summary lists and dashboards show (jixiao_core::Summary).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SummaryPart {
    /// 自评总分 − 计算总分（正数即自评偏高）
    pub gap: Option<Dec>,
    /// 填报的等级，未填时为自评总分对应的等级
    pub self_grade: Option<Grade>,
    /// 复核：not-started、partial、done（附 total）
    pub review: ReviewPart,
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    /// (全年预算数 − 年初预算数) / 年初预算数（小数，4 位）
    pub adjustment: Option<Dec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ReviewPart {
    /// not-started | partial | done
    pub state: &'static str,
    pub total: Option<Dec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct EvaluationPart {
    pub policy: PolicyPart,
    /// 计分引擎版本
    pub engine: &'static str,
    pub execution: ExecutionPart,
    pub indicators: Vec<IndicatorPart>,
    /// 按一级指标汇总（预算执行率单列）
    pub groups: Vec<GroupPart>,
    /// 适用指标的分值之和（含预算执行率）
    pub applicable_weight: Dec,
    /// 计算总分（百分制）
    pub total: Dec,
    pub grade: Grade,
    /// 有指标无法计分时为 false
    pub complete: bool,
    /// 单位自评总分：填报的总分，或各项自评得分之和
    pub self_total: Option<Dec>,
    pub summary: SummaryPart,
}

impl Exchange {
    pub fn new(p: &Project, e: &Evaluation, policy: &Policy) -> Exchange {
        let s = Summary::of(p, e, policy);
        let h = &p.project;
        let f = &p.funds;
        let indicators = p
            .indicators
            .iter()
            .zip(&e.indicators)
            .enumerate()
            .map(|(index, (ind, sc))| IndicatorPart {
                index,
                level1: ind.level1.clone(),
                level2: ind.level2.clone(),
                name: ind.name.clone(),
                target: ind.target.clone(),
                actual: ind.actual.clone(),
                target_reading: sc.target.describe(),
                actual_reading: sc.actual.describe(),
                weight: dec(ind.weight),
                self_score: opt(ind.self_score),
                review_score: opt(ind.review_score),
                computed_score: opt(sc.score),
                outcome: sc.outcome,
                direction: sc.direction,
                deviation: ind.deviation.clone(),
                trace: trace(&sc.trace),
            })
            .collect();
        let (state, total) = match s.review {
            ReviewTotal::NotStarted => ("not-started", None),
            ReviewTotal::Partial => ("partial", None),
            ReviewTotal::Done(t) => ("done", Some(dec(t))),
        };
        Exchange {
            schema: SCHEMA,
            schema_version: SCHEMA_VERSION,
            generator: format!("jixiao {}", env!("CARGO_PKG_VERSION")),
            project: ProjectPart {
                name: h.name.clone(),
                year: h.year,
                kind: h.kind,
                level: h.level.clone(),
                code: h.code.clone(),
                department: h.department.clone(),
                implementer: h.implementer.clone(),
            },
            funds: FundsPart {
                initial: f.initial.map(money),
                annual: money(f.annual),
                executed: money(f.executed),
                sources: f
                    .sources
                    .iter()
                    .map(|x| SourcePart {
                        name: x.name.clone(),
                        initial: x.initial.map(money),
                        annual: money(x.annual),
                        executed: money(x.executed),
                    })
                    .collect(),
            },
            goals: GoalsPart {
                expected: p.goals.expected.clone(),
                actual: p.goals.actual.clone(),
            },
            statement: StatementPart {
                total: opt(p.statement.total),
                grade: p.statement.grade,
                problems: p.statement.problems.clone(),
                measures: p.statement.measures.clone(),
            },
            narrative: p.report.clone(),
            evaluation: EvaluationPart {
                policy: PolicyPart {
                    name: policy.name.clone(),
                    title: policy.title.clone(),
                    source: policy.source.clone(),
                    fingerprint: policy.fingerprint(),
                },
                engine: ENGINE_VERSION,
                execution: ExecutionPart {
                    rate: opt(e.execution.rate.map(|r| r.round_dp(6))),
                    weight: dec(e.execution.weight),
                    self_score: opt(f.self_score),
                    review_score: opt(f.review_score),
                    computed_score: opt(e.execution.score),
                    trace: trace(&e.execution.trace),
                },
                indicators,
                groups: e
                    .groups
                    .iter()
                    .map(|g| GroupPart {
                        name: g.name.clone(),
                        weight: dec(g.weight),
                        computed_score: dec(g.score),
                        self_score: opt(g.self_score),
                    })
                    .collect(),
                applicable_weight: dec(e.applicable_weight),
                total: dec(e.total),
                grade: e.grade,
                complete: e.complete,
                self_total: opt(e.self_total),
                summary: SummaryPart {
                    gap: opt(s.gap),
                    self_grade: s.self_grade,
                    review: ReviewPart { state, total },
                    errors: s.errors,
                    warnings: s.warnings,
                    infos: s.infos,
                    adjustment: opt(s.adjustment),
                },
            },
            findings: e.findings.clone(),
        }
    }
}

impl Exchange {
    /// The document without what belongs to the finance bureau's review, for public pages that do not
    /// publish it: every `review_score` (budget execution and indicators) becomes null, the summary's
    /// review goes back to `not-started` without a total, and the findings are emptied together with
    /// their counts (`errors`, `warnings`, `infos`), which would otherwise tell what was withheld.
    /// The unit's own figures and the computed scores stay.
    pub fn without_review(mut self) -> Exchange {
        self.evaluation.execution.review_score = None;
        for indicator in &mut self.evaluation.indicators {
            indicator.review_score = None;
        }
        self.evaluation.summary.review = ReviewPart {
            state: "not-started",
            total: None,
        };
        self.evaluation.summary.errors = 0;
        self.evaluation.summary.warnings = 0;
        self.evaluation.summary.infos = 0;
        self.findings.clear();
        self
    }
}

/// The JSON Schema of [`Exchange`] (draft 2020-12).
pub fn schema() -> Schema {
    schemars::schema_for!(Exchange)
}

/// The schemas of the OpenAPI document, keyed by name, referring to each other under
/// `#/components/schemas/`: `Evaluation` (this form), `Project` (the project file) and their parts.
pub fn openapi_schemas() -> serde_json::Map<String, serde_json::Value> {
    let mut settings = schemars::generate::SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut g = settings.into_generator();
    let _ = g.subschema_for::<Exchange>();
    let _ = g.subschema_for::<Project>();
    g.take_definitions(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate;

    fn reviewed() -> (Project, Policy) {
        let mut p: Project = toml::from_str(include_str!("../../../examples/panyu-2022.toml"))
            .expect("the seed example is a valid project file");
        p.funds.review_score = Some(Decimal::TEN);
        for i in &mut p.indicators {
            i.review_score = Some(i.weight);
        }
        (p, Policy::default_policy())
    }

    #[test]
    fn without_review_drops_review_scores_and_findings() {
        let (p, policy) = reviewed();
        let e = evaluate(&p, &policy);
        let full = Exchange::new(&p, &e, &policy);
        assert_eq!(full.evaluation.summary.review.state, "done");
        assert!(full.evaluation.summary.review.total.is_some());
        assert!(!full.findings.is_empty(), "the seed has findings");
        assert!(full.evaluation.execution.review_score.is_some());

        let public = full.clone().without_review();
        assert_eq!(public.evaluation.execution.review_score, None);
        assert!(
            public
                .evaluation
                .indicators
                .iter()
                .all(|i| i.review_score.is_none())
        );
        assert_eq!(public.evaluation.summary.review.state, "not-started");
        assert_eq!(public.evaluation.summary.review.total, None);
        assert!(public.findings.is_empty());
        assert_eq!(
            (
                public.evaluation.summary.errors,
                public.evaluation.summary.warnings,
                public.evaluation.summary.infos
            ),
            (0, 0, 0)
        );

        // Everything else is the same document.
        assert_eq!(public.project, full.project);
        assert_eq!(public.funds, full.funds);
        assert_eq!(public.evaluation.total, full.evaluation.total);
        assert_eq!(public.evaluation.groups, full.evaluation.groups);
        for (a, b) in public
            .evaluation
            .indicators
            .iter()
            .zip(&full.evaluation.indicators)
        {
            assert_eq!(
                (
                    &a.target,
                    &a.actual,
                    a.weight,
                    a.self_score,
                    a.computed_score
                ),
                (
                    &b.target,
                    &b.actual,
                    b.weight,
                    b.self_score,
                    b.computed_score
                )
            );
        }
        let json = serde_json::to_value(&public).expect("serialises");
        assert!(json["evaluation"]["execution"]["review_score"].is_null());
        assert_eq!(json["findings"], serde_json::json!([]));
    }

    #[test]
    fn without_review_of_an_unreviewed_project_changes_only_findings() {
        let (mut p, policy) = reviewed();
        p.funds.review_score = None;
        for i in &mut p.indicators {
            i.review_score = None;
        }
        let e = evaluate(&p, &policy);
        let full = Exchange::new(&p, &e, &policy);
        let mut expected = full.clone();
        expected.findings.clear();
        expected.evaluation.summary.errors = 0;
        expected.evaluation.summary.warnings = 0;
        expected.evaluation.summary.infos = 0;
        assert_eq!(full.without_review(), expected);
    }
}
