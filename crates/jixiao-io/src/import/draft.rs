//! A project being assembled from a document: every value set with its origin, every doubt recorded. The
//! form reader fills a draft, verification checks it, and [`Draft::finish`] (the last stage) hands on the
//! project, its provenance and the import findings.

use std::collections::BTreeMap;

use jixiao_core::{
    Code, Finding, FundSource, Funds, Goals, Header, Indicator, Narrative, Project, Statement,
};
use rust_decimal::Decimal;

use super::{Origin, Provenance};

/// The indicator row as read, before defaults.
#[derive(Debug, Clone, Default)]
pub struct DraftIndicator {
    pub level1: String,
    pub level2: String,
    pub name: String,
    pub target: String,
    pub actual: String,
    pub weight: Option<Decimal>,
    pub self_score: Option<Decimal>,
    pub review_score: Option<Decimal>,
    pub deviation: Option<String>,
    pub direction: Option<jixiao_core::Direction>,
    pub origin: Origin,
}

#[derive(Debug, Default)]
pub struct Draft {
    pub name: Option<String>,
    pub year: Option<i32>,
    pub level: Option<String>,
    pub department: Option<String>,
    pub implementer: Option<String>,
    pub code: Option<String>,
    pub kind: jixiao_core::Kind,
    pub initial: Option<Decimal>,
    pub annual: Option<Decimal>,
    pub executed: Option<Decimal>,
    pub execution_weight: Option<Decimal>,
    pub execution_score: Option<Decimal>,
    pub sources: Vec<FundSource>,
    pub goals: Goals,
    pub indicators: Vec<DraftIndicator>,
    pub statement: Statement,
    pub report: Narrative,
    pub provenance: Provenance,
    pub findings: Vec<Finding>,
    /// The document stops before the table ends.
    pub truncated: Option<(Origin, String)>,
    /// The form's own redundant figures, kept for verification (`verify.rs`).
    pub evidence: Evidence,
}

/// What the form states besides the values the project keeps: the figures verification checks the
/// reading against, and the raw funds row it may read again.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// 执行率 as printed in the funds total row, as a fraction (99.97% → 0.9997), with its printed
    /// decimal places.
    pub stated_rate: Option<(Decimal, u32)>,
    /// The funds total row as the document gives it.
    pub funds_row: Option<FundsEvidence>,
    /// The 分值 printed in the 总分/合计 row (the form's own sum of the weights).
    pub stated_weight_total: Option<Decimal>,
    /// A second title of the form naming another year than the one read, and where.
    pub other_year: Option<(i32, Origin)>,
    /// The cells sat in their columns (a sheet, a Word table): what the form says is what was read, so a
    /// disagreement among its figures is the form's own (the evaluation's findings say so).
    pub positional: bool,
    /// Some source row gave only some of its figures (the rest were not printed).
    pub partial_sources: bool,
}

impl Evidence {
    /// The money unit of the funds row (万元 unless the form states 元).
    pub fn money(&self) -> super::vocab::MoneyUnit {
        self.funds_row
            .as_ref()
            .map_or(super::vocab::MoneyUnit::Wan, |f| f.money)
    }
}

/// The funds total row: its header columns after the label, in order, and its value cells. In a
/// positioned reading (Excel, Word) the cells sit under their columns; in a flattened text they are in
/// reading order with their empty cells lost, so verification may try other assignments.
#[derive(Debug, Clone)]
pub struct FundsEvidence {
    pub roles: Vec<super::vocab::Role>,
    pub cells: Vec<(String, Origin)>,
    pub positional: bool,
    pub money: super::vocab::MoneyUnit,
    /// The form states its money unit (otherwise 万元 is assumed).
    pub money_stated: bool,
}

fn finding(code: Code, path: impl Into<String>, message: String, advice: &str) -> Finding {
    Finding::new(code, path, message, advice)
}

impl Draft {
    /// Records where a field's value came from.
    pub fn at(&mut self, path: impl Into<String>, origin: &Origin) {
        self.provenance.0.insert(path.into(), origin.clone());
    }

    /// An import-ambiguous finding: what was chosen and why.
    pub fn ambiguous(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings.push(finding(
            Code::ImportAmbiguous,
            path,
            format!("{}：{what}", origin.describe()),
            "对照原件核对该值，必要时在导入的项目文件中改正。",
        ));
    }

    /// Where a field was read, or the whole document when it was not recorded.
    pub fn origin_of(&self, path: &str) -> Origin {
        self.provenance.get(path).cloned().unwrap_or_default()
    }

    /// An import-reread finding: the first reading contradicted the form, another one agrees.
    pub fn reread(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings.push(finding(
            Code::ImportReread,
            path,
            format!("{}：{what}", origin.describe()),
            "对照原件核对改读后的数字；如原件本身有误，请在编辑器中改正。",
        ));
    }

    /// An import-inconsistent finding (an error): no reading agrees with the form's own figures.
    pub fn inconsistent(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings.push(finding(
            Code::ImportInconsistent,
            path,
            format!("{}：{what}", origin.describe()),
            "对照原件逐项核对这一行的数字并在编辑器中改正；原件本身矛盾的，请退回单位更正。",
        ));
    }

    pub fn incomplete(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings.push(finding(
            Code::ImportIncomplete,
            path,
            format!("{}：{what}", origin.describe()),
            "取得完整的自评表后重新导入，或在项目文件中补齐缺少的内容。",
        ));
    }

    pub fn set_text(slot: &mut Option<String>, value: String) -> bool {
        if slot.is_none() && !value.trim().is_empty() {
            *slot = Some(value);
            true
        } else {
            false
        }
    }

    /// True when anything of a self-evaluation form was found.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.annual.is_none()
            && self.executed.is_none()
            && self.indicators.is_empty()
    }

    /// The project, with defaults and a finding for every required value that was not there.
    pub fn finish(mut self, whole: &Origin) -> (Project, Provenance, Vec<Finding>) {
        if let Some((origin, what)) = self.truncated.take() {
            self.incomplete("indicators", &origin, what);
        }
        let name = self.name.take().unwrap_or_else(|| {
            self.incomplete("project.name", whole, "未找到项目名称".into());
            String::new()
        });
        let year = self.year.unwrap_or_else(|| {
            self.incomplete("project.year", whole, "未找到评价年度".into());
            0
        });
        let annual = self.annual.unwrap_or_else(|| {
            self.incomplete("funds.annual", whole, "未找到全年预算数".into());
            Decimal::ZERO
        });
        let executed = self.executed.unwrap_or_else(|| {
            self.incomplete("funds.executed", whole, "未找到全年执行数".into());
            Decimal::ZERO
        });
        let mut indicators = Vec::new();
        let rows = std::mem::take(&mut self.indicators);
        for d in rows {
            let i = indicators.len();
            let path = format!("indicators[{i}]");
            let weight = match d.weight {
                Some(w) => w,
                None => {
                    self.incomplete(
                        format!("{path}.weight"),
                        &d.origin,
                        format!("指标“{}”没有分值，按 0 分导入", d.name),
                    );
                    Decimal::ZERO
                }
            };
            self.provenance.0.insert(path.clone(), d.origin.clone());
            indicators.push(Indicator {
                level1: d.level1,
                level2: d.level2,
                name: d.name,
                target: d.target,
                actual: d.actual,
                weight,
                self_score: d.self_score,
                review_score: d.review_score,
                deviation: d.deviation,
                direction: d.direction,
            });
        }
        let project = Project {
            project: Header {
                name,
                year,
                level: self.level,
                department: self.department.unwrap_or_default(),
                implementer: self.implementer.unwrap_or_default(),
                code: self.code,
                kind: self.kind,
            },
            funds: Funds {
                initial: self.initial,
                annual,
                executed,
                execution_weight: self.execution_weight.unwrap_or(Decimal::TEN),
                self_score: self.execution_score,
                review_score: None,
                sources: self.sources,
            },
            goals: self.goals,
            indicators,
            statement: self.statement,
            report: self.report,
        };
        (project, self.provenance, self.findings)
    }
}

impl Provenance {
    pub fn get(&self, path: &str) -> Option<&Origin> {
        self.0.get(path)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Origin)> {
        self.0.iter()
    }
}

#[allow(dead_code)]
pub type Map = BTreeMap<String, Origin>;
