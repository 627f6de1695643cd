//! One row per project, and what a finance bureau reads across them: per organisation, per finding code,
//! and the 抽查 (spot re-check) shortlist ranked by risk, each pick with its reasons.
//!
//! Only the summary rows grow with the number of projects; findings are counted per organisation and
//! per code as they arrive and are not kept.

use std::collections::{BTreeMap, HashMap};

use jixiao_core::{Code, Finding, Grade, Policy, Project, Severity, Summary};
use rust_decimal::Decimal;
use serde::Serialize;

/// Risk points per reason (see [`risk`]); documented in docs/batch.md.
const RISK_PER_ERROR: i64 = 2;
const RISK_PER_UNEXPLAINED: i64 = 3;
/// A cut of more than this share of the initial budget, reported with a (near) full execution rate, is
/// the pattern "90% cut hidden behind 100% execution".
const HIDDEN_CUT_RATE: Decimal = Decimal::from_parts(95, 0, 0, false, 2);

/// One project as the review workbook and the dashboard show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectRow {
    /// Where it was read: a file, `file:line` for JSON Lines, or `项目 #id` in the web app.
    pub source: String,
    /// 主管部门
    pub department: String,
    /// The organisation the project is counted under: 实施单位 (or 主管部门 when the form names none).
    pub organisation: String,
    pub name: String,
    pub year: i32,
    pub stated_total: Option<Decimal>,
    pub computed_total: Decimal,
    /// As stated, or the grade of the stated total when the form states none.
    pub stated_grade: Option<Grade>,
    pub computed_grade: Grade,
    pub initial: Option<Decimal>,
    pub annual: Decimal,
    pub executed: Decimal,
    /// (全年预算数 − 年初预算数) / 年初预算数, as a fraction; None without an initial budget.
    pub adjustment: Option<Decimal>,
    /// 执行数 / 全年预算数, as a fraction; None when the annual budget is 0.
    pub execution_rate: Option<Decimal>,
    pub errors: u32,
    pub warnings: u32,
    pub infos: u32,
    /// The first findings (most severe first), `code：message`, one per line.
    pub top_findings: Vec<String>,
    pub all_full_marks: bool,
    /// Risk points for the 抽查 shortlist, and why.
    pub risk: Decimal,
    pub reasons: Vec<String>,
}

impl ProjectRow {
    /// Stated minus computed total: positive means lenient self-scoring.
    pub fn gap(&self) -> Option<Decimal> {
        self.stated_total.map(|s| s - self.computed_total)
    }
}

/// A file or record that could not be read; the batch goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub source: String,
    pub error: String,
}

fn pct(x: Decimal) -> String {
    format!("{}%", (x * Decimal::ONE_HUNDRED).round_dp(1).normalize())
}

fn num(x: Decimal) -> String {
    x.round_dp(2).normalize().to_string()
}

impl ProjectRow {
    /// The row of one project, from its summary (jixiao_core::Summary, computed with the findings the
    /// row counts, import findings included). `organisation` overrides the 实施单位 (the web app files
    /// projects under its own units).
    pub fn new(
        source: String,
        project: &Project,
        summary: &Summary,
        findings: &[Finding],
        policy: &Policy,
        organisation: Option<String>,
    ) -> ProjectRow {
        let h = &project.project;
        let mut sorted: Vec<&Finding> = findings.iter().collect();
        sorted.sort_by_key(|x| x.severity());
        let organisation = organisation.unwrap_or_else(|| {
            if h.implementer.trim().is_empty() {
                h.department.clone()
            } else {
                h.implementer.clone()
            }
        });
        let mut row = ProjectRow {
            source,
            department: h.department.clone(),
            organisation,
            name: h.name.clone(),
            year: h.year,
            stated_total: summary.self_total,
            computed_total: summary.total,
            stated_grade: summary.self_grade,
            computed_grade: summary.grade,
            initial: summary.initial,
            annual: summary.annual,
            executed: summary.executed,
            adjustment: summary.adjustment,
            execution_rate: summary.execution_rate,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
            top_findings: sorted
                .iter()
                .take(3)
                .map(|x| format!("{}：{}", x.name(), x.message))
                .collect(),
            all_full_marks: summary.all_full_marks,
            risk: Decimal::ZERO,
            reasons: Vec::new(),
        };
        risk(&mut row, summary, policy);
        row
    }
}

/// Risk points: the lenient gap in points; a budget cut beyond the policy's threshold (doubled when the
/// execution rate still shows ≥ 95%: the cut hides a missed year); unexplained misses and overshoots;
/// error-level findings.
fn risk(row: &mut ProjectRow, summary: &Summary, policy: &Policy) {
    let mut points = Decimal::ZERO;
    if let Some(gap) = row.gap().filter(|g| *g > Decimal::ZERO) {
        points += gap;
        row.reasons.push(format!(
            "自评总分 {} 高于按规则计算的 {}，相差 {} 分",
            num(row.stated_total.unwrap_or_default()),
            num(row.computed_total),
            num(gap)
        ));
    }
    if let (Some(adj), Some(initial)) = (row.adjustment, row.initial) {
        let cut = -adj;
        if cut * Decimal::ONE_HUNDRED > policy.checks.budget_adjusted_percent {
            let hidden = row.execution_rate.is_some_and(|r| r >= HIDDEN_CUT_RATE);
            let base = (cut * Decimal::ONE_HUNDRED / Decimal::TEN).round_dp(2);
            points += if hidden { base * Decimal::TWO } else { base };
            let rate = row.execution_rate.map(pct).unwrap_or_else(|| "—".into());
            row.reasons.push(format!(
                "全年预算较年初调减 {}（{} → {} 万元），执行率{} {rate}",
                pct(cut),
                num(initial),
                num(row.annual),
                if hidden { "仍报" } else { "为" }
            ));
        }
    }
    let unexplained = summary.unexplained;
    if unexplained > 0 {
        points += Decimal::from(i64::from(unexplained) * RISK_PER_UNEXPLAINED);
        row.reasons.push(format!(
            "{unexplained} 项指标未完成或超额完成，未说明偏差原因"
        ));
    }
    if row.errors > 0 {
        points += Decimal::from(i64::from(row.errors) * RISK_PER_ERROR);
        let names: Vec<&str> = summary
            .codes
            .iter()
            .filter(|c| c.severity() == Severity::Error)
            .map(|c| c.name())
            .collect();
        row.reasons.push(format!(
            "{} 项错误级发现（{}）",
            row.errors,
            names.join("、")
        ));
    }
    row.risk = points;
}

#[derive(Debug, Default)]
struct OrgAcc {
    department: String,
    projects: u32,
    stated_sum: Decimal,
    stated_n: u32,
    computed_sum: Decimal,
    gap_sum: Decimal,
    full_marks: u32,
    errors: u32,
    warnings: u32,
    codes: BTreeMap<Code, u32>,
}

/// One organisation across its projects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgRow {
    pub department: String,
    pub organisation: String,
    pub projects: u32,
    /// Over the projects that state a total.
    pub mean_stated: Option<Decimal>,
    pub mean_computed: Decimal,
    /// Mean of stated − computed over the projects that state a total.
    pub mean_gap: Option<Decimal>,
    /// Share (fraction) of projects with every indicator at full marks.
    pub full_marks_share: Decimal,
    pub errors: u32,
    pub warnings: u32,
    /// The most frequent findings and how many projects have each.
    pub top_codes: Vec<(Code, u32)>,
}

/// One finding code across all projects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeRow {
    pub code: Code,
    /// The Chinese name users read.
    pub name: &'static str,
    pub severity: Severity,
    /// Number of findings, and of projects with at least one.
    pub findings: u64,
    pub projects: u64,
}

/// Collects projects one by one; [`Aggregate::finish`] ranks them.
#[derive(Debug, Default)]
pub struct Aggregate {
    rows: Vec<ProjectRow>,
    failures: Vec<Failure>,
    orgs: HashMap<String, OrgAcc>,
    codes: BTreeMap<Code, (u64, u64)>,
}

impl Aggregate {
    pub fn new() -> Aggregate {
        Aggregate::default()
    }

    pub fn add(&mut self, row: ProjectRow, findings: &[Finding]) {
        let o = self.orgs.entry(row.organisation.clone()).or_default();
        if o.department.is_empty() {
            o.department = row.department.clone();
        }
        o.projects += 1;
        o.computed_sum += row.computed_total;
        if let Some(s) = row.stated_total {
            o.stated_sum += s;
            o.stated_n += 1;
            o.gap_sum += s - row.computed_total;
        }
        o.full_marks += u32::from(row.all_full_marks);
        o.errors += row.errors;
        o.warnings += row.warnings;
        let mut seen: Vec<Code> = Vec::new();
        for f in findings {
            let c = self.codes.entry(f.code).or_insert((0, 0));
            c.0 += 1;
            if !seen.contains(&f.code) {
                seen.push(f.code);
                c.1 += 1;
                *o.codes.entry(f.code).or_default() += 1;
            }
        }
        self.rows.push(row);
    }

    pub fn fail(&mut self, source: String, error: String) {
        self.failures.push(Failure { source, error });
    }

    pub fn projects(&self) -> usize {
        self.rows.len()
    }

    /// Sorts and ranks; `shortlist` is the length of the 抽查 shortlist.
    pub fn finish(self, shortlist: usize) -> Review {
        let mut rows = self.rows;
        rows.sort_by(|a, b| {
            (&a.department, &a.organisation, &a.name, a.year, &a.source).cmp(&(
                &b.department,
                &b.organisation,
                &b.name,
                b.year,
                &b.source,
            ))
        });
        let mut picks: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].risk > Decimal::ZERO)
            .collect();
        picks.sort_by(|&a, &b| {
            rows[b]
                .risk
                .cmp(&rows[a].risk)
                .then_with(|| rows[a].source.cmp(&rows[b].source))
        });
        picks.truncate(shortlist);
        let mean = |sum: Decimal, n: u32| (n > 0).then(|| (sum / Decimal::from(n)).round_dp(2));
        let mut orgs: Vec<OrgRow> = self
            .orgs
            .into_iter()
            .map(|(organisation, o)| {
                let mut top: Vec<(Code, u32)> = o.codes.into_iter().collect();
                top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                OrgRow {
                    department: o.department,
                    organisation,
                    projects: o.projects,
                    mean_stated: mean(o.stated_sum, o.stated_n),
                    mean_computed: mean(o.computed_sum, o.projects).unwrap_or_default(),
                    mean_gap: mean(o.gap_sum, o.stated_n),
                    full_marks_share: (Decimal::from(o.full_marks)
                        / Decimal::from(o.projects.max(1)))
                    .round_dp(4),
                    errors: o.errors,
                    warnings: o.warnings,
                    top_codes: top.into_iter().take(3).collect(),
                }
            })
            .collect();
        // Most lenient first: the reviewer starts where self-scores run furthest above the rules.
        orgs.sort_by(|a, b| {
            b.mean_gap
                .unwrap_or_default()
                .cmp(&a.mean_gap.unwrap_or_default())
                .then_with(|| a.organisation.cmp(&b.organisation))
        });
        let mut codes: Vec<CodeRow> = self
            .codes
            .into_iter()
            .map(|(code, (findings, projects))| CodeRow {
                code,
                name: code.name(),
                severity: code.severity(),
                findings,
                projects,
            })
            .collect();
        codes.sort_by(|a, b| {
            b.projects
                .cmp(&a.projects)
                .then_with(|| a.code.cmp(&b.code))
        });
        let mut failures = self.failures;
        failures.sort_by(|a, b| a.source.cmp(&b.source));
        Review {
            rows,
            shortlist: picks,
            orgs,
            codes,
            failures,
        }
    }
}

/// Everything the workbook, the dashboard and the JSON output show.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// By 主管部门, organisation, project name.
    pub rows: Vec<ProjectRow>,
    /// Indices into `rows`, riskiest first.
    pub shortlist: Vec<usize>,
    /// Most lenient (largest mean gap) first.
    pub orgs: Vec<OrgRow>,
    /// By number of projects, most frequent first.
    pub codes: Vec<CodeRow>,
    pub failures: Vec<Failure>,
}

impl Review {
    /// Number of projects with each grade, stated and computed, in the order 优 良 中 差.
    pub fn grades(&self) -> [(Grade, u32, u32); 4] {
        let mut out = [Grade::Excellent, Grade::Good, Grade::Fair, Grade::Poor].map(|g| (g, 0, 0));
        for r in &self.rows {
            for slot in out.iter_mut() {
                slot.1 += u32::from(r.stated_grade == Some(slot.0));
                slot.2 += u32::from(r.computed_grade == slot.0);
            }
        }
        out
    }

    /// Score histogram in 10-point bins [0,10) … [90,100]: (stated, computed) counts per bin.
    pub fn histogram(&self) -> [(u32, u32); 10] {
        let bin = |x: Decimal| {
            let b = (x / Decimal::TEN).floor();
            usize::try_from(b.mantissa() / 10i128.pow(b.scale()))
                .unwrap_or(0)
                .min(9)
        };
        let mut out = [(0, 0); 10];
        for r in &self.rows {
            if let Some(s) = r.stated_total.filter(|s| *s >= Decimal::ZERO) {
                out[bin(s)].0 += 1;
            }
            out[bin(r.computed_total.max(Decimal::ZERO))].1 += 1;
        }
        out
    }
}
