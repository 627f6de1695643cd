//! The finding catalogue: every code the checker and the importer can raise, with its severity, its
//! Chinese name (what a user reads), what it means and what to do. One table, read by the checker, the
//! CLI, the documents, the web and the batch workbook; docs/findings.md is generated from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// A finding's stable code; written as kebab-case (`target-overshoot`) in files and JSON.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    WeightsSum,
    ScoreOutOfRange,
    ScoreOutsideBand,
    MissingActual,
    ValueUnparsed,
    ExecutedExceedsBudget,
    FundsSumMismatch,
    TotalMismatch,
    GradeMismatch,
    SelfScoreAboveComputed,
    SelfScoreBelowComputed,
    TargetOvershoot,
    DeviationUnexplained,
    DeadlineMissed,
    BudgetAdjusted,
    ExecutionLow,
    WeightsNonstandard,
    SingleIndicatorDominates,
    UnitMismatch,
    QualitativeActual,
    SatisfactionNotARate,
    AllFullMarks,
    ProblemsNone,
    BenefitIsOutput,
    VagueTarget,
    ActualNotDone,
    ValueAssumed,
    ImportIncomplete,
    ImportAmbiguous,
    ImportReread,
    ImportInconsistent,
    GoalDimensionMissing,
    TargetNoBasis,
    TargetBelowHistory,
    TargetStale,
    TargetChanged,
    IndicatorDropped,
    IndicatorAdded,
    WeightChanged,
    ForecastContradicted,
}

/// One row of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub code: Code,
    /// The kebab-case code as written in files, JSON and URLs.
    pub key: &'static str,
    pub severity: Severity,
    /// A few Chinese words: what the user reads wherever the finding is shown.
    pub name: &'static str,
    /// What it means, one sentence.
    pub meaning: &'static str,
    /// What to do about it in general (each finding also carries advice about its own case).
    pub action: &'static str,
}

const fn e(
    code: Code,
    key: &'static str,
    severity: Severity,
    name: &'static str,
    meaning: &'static str,
    action: &'static str,
) -> Entry {
    Entry {
        code,
        key,
        severity,
        name,
        meaning,
        action,
    }
}

use Severity::{Error, Info, Warning};

/// In the order of [`Code`]'s variants ([`Code::entry`] indexes it; a test checks the order).
pub const CATALOGUE: &[Entry] = &[
    e(
        Code::WeightsSum,
        "weights-sum",
        Error,
        "分值合计不符",
        "分值合计不等于 100，或一级指标分值与表中标明的权重不一致",
        "核对各指标分值，使合计为 100 分，一级指标分值与表中权重一致",
    ),
    e(
        Code::ScoreOutOfRange,
        "score-out-of-range",
        Error,
        "得分超出分值",
        "得分高于分值或低于 0",
        "将得分改为 0 到分值之间",
    ),
    e(
        Code::ScoreOutsideBand,
        "score-outside-band",
        Warning,
        "得分不在档位内",
        "定性指标得分不在其达成程度对应的档位内",
        "按达成程度对应的档位调整得分，或改写实际完成值",
    ),
    e(
        Code::MissingActual,
        "missing-actual",
        Error,
        "缺少实际完成值",
        "未填写实际完成值（有数值目标的指标填“/”“—”也算未填写）",
        "填写实际完成值；确实不适用的指标注明“不适用”并说明理由",
    ),
    e(
        Code::ValueUnparsed,
        "value-unparsed",
        Error,
        "指标值无法识别",
        "年度指标值或实际完成值无法识别，无法计分",
        "按“≥95%”“30篇”“2023年12月31日前”等写法填写",
    ),
    e(
        Code::ExecutedExceedsBudget,
        "executed-exceeds-budget",
        Error,
        "执行数超过预算数",
        "执行数大于全年预算数",
        "核对执行数与全年预算数",
    ),
    e(
        Code::FundsSumMismatch,
        "funds-sum-mismatch",
        Error,
        "资金来源合计不符",
        "资金来源分项之和与年度资金总额不一致",
        "核对各资金来源的金额与合计",
    ),
    e(
        Code::TotalMismatch,
        "total-mismatch",
        Error,
        "总分与分项不符",
        "填报的总分不等于各项自评得分之和（未填自评得分的项按计算得分计入）",
        "核对总分与各项自评得分",
    ),
    e(
        Code::GradeMismatch,
        "grade-mismatch",
        Error,
        "等级与总分不符",
        "填报的评价等级与总分不符",
        "按评分规则的等级区间更正评价等级",
    ),
    e(
        Code::SelfScoreAboveComputed,
        "self-score-above-computed",
        Warning,
        "自评得分偏高",
        "自评得分高于按规则计算的得分",
        "说明自评得分的依据，或按规则调整",
    ),
    e(
        Code::SelfScoreBelowComputed,
        "self-score-below-computed",
        Info,
        "自评得分偏低",
        "自评得分低于按规则计算的得分",
        "核对自评得分是否少计",
    ),
    e(
        Code::TargetOvershoot,
        "target-overshoot",
        Warning,
        "大幅超额完成",
        "实际完成值远超正向指标值（默认达到 130% 及以上），指标值可能设置偏低",
        "说明超额原因，下一年度合理设置指标值",
    ),
    e(
        Code::DeviationUnexplained,
        "deviation-unexplained",
        Warning,
        "偏差未说明原因",
        "未完成或超额完成指标，但未填写偏差原因",
        "填写偏差原因和改进措施",
    ),
    e(
        Code::DeadlineMissed,
        "deadline-missed",
        Warning,
        "逾期完成",
        "时效指标逾期完成",
        "说明逾期原因",
    ),
    e(
        Code::BudgetAdjusted,
        "budget-adjusted",
        Warning,
        "预算调整幅度大",
        "全年预算数较年初预算数调整幅度过大（默认超过 30%）",
        "说明预算调整的原因",
    ),
    e(
        Code::ExecutionLow,
        "execution-low",
        Warning,
        "预算执行率偏低",
        "预算执行率偏低（默认低于 90%）",
        "说明资金未支出的原因",
    ),
    e(
        Code::WeightsNonstandard,
        "weights-nonstandard",
        Info,
        "权重不是标准权重",
        "一级指标分值与标准权重（10/50/30/10）不同",
        "确认权重调整有依据",
    ),
    e(
        Code::SingleIndicatorDominates,
        "single-indicator-dominates",
        Warning,
        "单个指标分值过高",
        "单个指标分值超过绩效指标总分值的一半",
        "细化指标，分散分值",
    ),
    e(
        Code::UnitMismatch,
        "unit-mismatch",
        Warning,
        "计量单位不一致",
        "实际完成值与年度指标值的计量单位不一致（如 % 对 件；篇 对 篇次 视为一致）",
        "按指标值的计量单位填写实际完成值",
    ),
    e(
        Code::QualitativeActual,
        "qualitative-actual",
        Warning,
        "数量指标没有数值",
        "数量指标的实际完成值只有文字表述，没有数值",
        "填写实际完成的数量",
    ),
    e(
        Code::SatisfactionNotARate,
        "satisfaction-not-a-rate",
        Warning,
        "满意度不是比率",
        "满意度指标不是满意度（率），如“走访 20 人次”",
        "以满意度（%）衡量，写明调查方式",
    ),
    e(
        Code::AllFullMarks,
        "all-full-marks",
        Info,
        "全部满分",
        "所有指标均为满分",
        "核对各指标是否确实全部达成",
    ),
    e(
        Code::ProblemsNone,
        "problems-none",
        Warning,
        "存在问题填“无”",
        "“存在问题”填“无”，但存在偏差、问题或报告中写明了问题",
        "如实填写存在的问题和改进措施",
    ),
    e(
        Code::BenefitIsOutput,
        "benefit-is-output",
        Info,
        "效益指标实为产出",
        "效益指标统计的是活动、篇数等产出，而非效果",
        "改用反映效果的指标",
    ),
    e(
        Code::VagueTarget,
        "vague-target",
        Info,
        "指标值不可衡量",
        "定性指标值缺少可衡量的标准（加强、提升、完善……）",
        "细化、量化指标值",
    ),
    e(
        Code::ActualNotDone,
        "actual-not-done",
        Warning,
        "工作未完成",
        "实际完成值表明工作未开展、未完成、取消或延期，按未达成计分",
        "说明原因；如已完成，改写实际完成值",
    ),
    e(
        Code::ValueAssumed,
        "value-assumed",
        Warning,
        "读法含推断",
        "指标值的读法含推断（如未写 % 的百分数），请核对",
        "核对读法，按指标值的写法补全单位",
    ),
    e(
        Code::ImportIncomplete,
        "import-incomplete",
        Warning,
        "导入不完整",
        "导入的文件不完整（表格中途截断、缺少分值列、模板说明文字等），只导入了可见部分",
        "对照原件补全缺失的内容",
    ),
    e(
        Code::ImportAmbiguous,
        "import-ambiguous",
        Warning,
        "导入含义待核对",
        "导入时无法确定某个单元格的含义，已按说明的理由取值，请核对",
        "对照原件核对该单元格",
    ),
    e(
        Code::ImportReread,
        "import-reread",
        Warning,
        "导入已改读",
        "按表头依次读取的结果与表中执行率、得分等数字矛盾，已改用与之一致的读法，请核对",
        "对照原件核对改读的各项",
    ),
    e(
        Code::ImportInconsistent,
        "import-inconsistent",
        Error,
        "导入数字矛盾",
        "导入的数字与表中自带的执行率、得分、合计等数字矛盾，没有一种读法一致，请对照原件核对",
        "对照原件更正导入的数字",
    ),
    e(
        Code::GoalDimensionMissing,
        "goal-dimension-missing",
        Warning,
        "目标维度缺失",
        "绩效目标缺少数量、质量、时效、成本或满意度中的某一维度（按评分规则的要求）",
        "补充缺少维度的指标；确实不适用的，在指标解释中说明理由",
    ),
    e(
        Code::TargetNoBasis,
        "target-no-basis",
        Warning,
        "缺少取值依据",
        "指标值没有注明取值依据（计划标准、行业标准、历史标准或其他）",
        "注明指标值的取值依据及出处",
    ),
    e(
        Code::TargetBelowHistory,
        "target-below-history",
        Warning,
        "目标低于上年实际",
        "指标值低于（反向指标：高于）同一项目上一年度的实际完成值，目标设置偏保守",
        "参照上年实际完成值提高目标，或说明降低的理由",
    ),
    e(
        Code::TargetStale,
        "target-stale",
        Warning,
        "目标多年未调",
        "指标连续多年超额完成 30% 以上，本年目标仍未提高",
        "根据历年实际完成情况提高指标值",
    ),
    e(
        Code::TargetChanged,
        "target-changed",
        Error,
        "指标值与批复不符",
        "自评表的指标值与批复（或批复调整后）的绩效目标不同",
        "按批复的指标值自评；确需调整的，应在年中按程序申请目标调整",
    ),
    e(
        Code::IndicatorDropped,
        "indicator-dropped",
        Error,
        "批复指标缺失",
        "批复的绩效目标中的指标在自评表中没有出现",
        "补回该指标并如实填写完成情况",
    ),
    e(
        Code::IndicatorAdded,
        "indicator-added",
        Warning,
        "新增未批复指标",
        "自评表中的指标不在批复的绩效目标中",
        "删除未经批复的指标，或说明其来源（如经批准的目标调整）",
    ),
    e(
        Code::WeightChanged,
        "weight-changed",
        Warning,
        "分值与批复不符",
        "自评表中指标的分值与批复目标中设定的分值不同",
        "按批复目标设定的分值自评，或说明调整依据",
    ),
    e(
        Code::ForecastContradicted,
        "forecast-contradicted",
        Warning,
        "监控预判与自评不符",
        "运行监控中填报“完全不可能”完成的指标，年终自评为满分",
        "核对年终实际完成值和自评得分，说明下半年的措施和进展",
    ),
];

impl Code {
    pub fn entry(self) -> &'static Entry {
        &CATALOGUE[self as usize]
    }
    pub fn as_str(self) -> &'static str {
        self.entry().key
    }
    pub fn severity(self) -> Severity {
        self.entry().severity
    }
    /// The Chinese name users read.
    pub fn name(self) -> &'static str {
        self.entry().name
    }
    pub fn meaning(self) -> &'static str {
        self.entry().meaning
    }
    pub fn action(self) -> &'static str {
        self.entry().action
    }
    /// The code written as kebab-case (a file, a query string).
    pub fn parse(key: &str) -> Option<Code> {
        CATALOGUE.iter().find(|e| e.key == key).map(|e| e.code)
    }
    pub fn all() -> impl Iterator<Item = Code> {
        CATALOGUE.iter().map(|e| e.code)
    }
}

/// The catalogue as the Markdown of docs/findings.md (a test keeps the file equal to it).
pub fn markdown() -> String {
    let mut out = String::from(
        "# 审核发现一览 / Finding catalogue\n\n\
         由程序中的审核发现目录生成（`crates/jixiao-core/src/catalogue.rs`），与之不符时测试失败；\
         更新：`JIXIAO_UPDATE_DOCS=1 cargo test -p jixiao-core --test findings`。\n\
         用户在网页、文档、命令行和审核工作簿中看到的是“名称”；代码稳定不变，供检索和程序使用。\n\
         阈值（如超额 130%、调整 30%、执行率 90%）是评分规则文件中的参数（docs/scoring.md）。\n\n\
         | 名称 | 代码 | 级别 | 含义 | 处理 |\n|---|---|---|---|---|\n",
    );
    for e in CATALOGUE {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            e.name,
            e.key,
            e.severity.label(),
            e.meaning,
            e.action
        ));
    }
    out
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_the_codes_and_keys_match_serde() {
        for (i, e) in CATALOGUE.iter().enumerate() {
            assert_eq!(e.code as usize, i, "{} out of order", e.key);
            assert_eq!(
                serde_json::to_value(e.code).unwrap(),
                serde_json::Value::String(e.key.into())
            );
            assert_eq!(Code::parse(e.key), Some(e.code));
            assert!(
                !e.name.is_empty() && !e.name.is_ascii(),
                "{} needs a Chinese name",
                e.key
            );
        }
        let names: std::collections::BTreeSet<_> = CATALOGUE.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), CATALOGUE.len(), "two codes share a name");
    }
}
