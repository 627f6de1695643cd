//! A department's list: one row per indicator, a project spanning its rows (单位名称 | 项目名称 | 预算数 |
//! 年度目标 | 一级指标 …). Each project becomes a declaration of its own, its indicator rows read as a
//! form's are; what a list never holds (属性, 项目期, 资金来源) is said in findings.

use jixiao_core::goals::{Attribute, Declaration, GoalFunds, GoalHeader, GoalText};
use jixiao_core::{Code, Finding};
use rust_decimal::Decimal;

use super::columns::{Col, Columns};
use super::funds::{Amount, amount, money_unit};
use super::header::title_year_in;
use super::labels::{clean, is_blank, text};
use super::table::{Levels, extent, read_row};
use super::{Ctx, GoalsError, ReadDeclaration, finding};

/// The projects of a list whose header row is `h` (its title above, from `start`), up to the row that
/// ends it. Returns where it ended.
pub(super) fn read_list(
    ctx: &mut Ctx<'_>,
    start: usize,
    h: usize,
    cols: &Columns,
    limit: usize,
) -> Result<(Vec<ReadDeclaration>, usize), GoalsError> {
    let grid = ctx.grid;
    let year = title_year_in(grid, start..h);
    let (unit, _) = money_unit(grid, start..h);
    let (end, standard_basis) = extent(grid, h, cols, limit);
    let pc = cols.get(Col::Project).expect("a list has a project column");
    let text_at = |r: usize, col: Col| -> Option<String> { cols.cell(grid, r, col).map(clean) };

    struct Current {
        anchor: (usize, usize),
        declaration: Declaration,
        findings: Vec<Finding>,
        levels: Levels,
    }
    let mut done: Vec<ReadDeclaration> = Vec::new();
    let mut current: Option<Current> = None;
    let mut department = String::new();
    let mut unit_name = String::new();
    let finish = |cur: Option<Current>, done: &mut Vec<ReadDeclaration>| {
        if let Some(cur) = cur {
            done.push((cur.declaration, cur.findings));
        }
    };
    for r in h + 1..end {
        let project = text_at(r, Col::Project);
        let has_indicator = text_at(r, Col::Name).is_some();
        if let Some(u) = text_at(r, Col::UnitName) {
            if project.is_none() && !has_indicator {
                // The department's own row (its total, no project): the 主管部门 of what follows.
                department = u;
                continue;
            }
            unit_name = u;
        }
        let anchor = grid.anchor[r][pc];
        let new_project = match (&project, &current) {
            (Some(_), Some(cur)) => cur.anchor != anchor,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if new_project {
            finish(current.take(), &mut done);
            let name = project.clone().unwrap_or_default();
            let o = grid.origin(r, pc);
            let mut findings = Vec::new();
            let total = match cols.get(Col::Budget) {
                Some(c) if !is_blank(grid.at(r, c)) => match amount(grid.at(r, c), unit) {
                    Amount::Exact(x) => x,
                    Amount::Leading(x) => {
                        findings.push(finding(
                            Code::ImportAmbiguous,
                            "funds.total",
                            &grid.origin(r, c),
                            format!(
                                "预算数“{}”不只是金额，已读取开头的 {x} 万元",
                                clean(grid.at(r, c))
                            ),
                        ));
                        x
                    }
                    Amount::Bad => return Err(ctx.bad_number(r, c, "预算数")),
                },
                _ => {
                    findings.push(finding(
                        Code::ImportIncomplete,
                        "funds.total",
                        &o,
                        format!("项目“{name}”没有预算数"),
                    ));
                    Decimal::ZERO
                }
            };
            let year = year.unwrap_or_else(|| {
                findings.push(finding(
                    Code::ImportIncomplete,
                    "project.year",
                    &o,
                    "未找到预算年度（标题中的“××××年度”）".into(),
                ));
                0
            });
            findings.push(finding(
                Code::ImportIncomplete,
                "project.attribute",
                &o,
                "表中没有项目属性（新增/延续），按新增项目读取".into(),
            ));
            if department.is_empty() {
                findings.push(finding(
                    Code::ImportIncomplete,
                    "project.department",
                    &o,
                    "未找到主管部门".into(),
                ));
            }
            if unit_name.is_empty() {
                findings.push(finding(
                    Code::ImportIncomplete,
                    "project.implementer",
                    &o,
                    "未找到实施单位（单位名称）".into(),
                ));
            }
            current = Some(Current {
                anchor,
                declaration: Declaration {
                    project: GoalHeader {
                        name,
                        year,
                        department: department.clone(),
                        implementer: unit_name.clone(),
                        code: None,
                        attribute: Attribute::New,
                        period: None,
                    },
                    funds: GoalFunds {
                        total,
                        sources: Vec::new(),
                    },
                    goals: GoalText {
                        annual: cols
                            .get(Col::Goal)
                            .map(|c| text(grid.at(r, c)))
                            .filter(|t| !is_blank(t))
                            .unwrap_or_default(),
                        long_term: String::new(),
                    },
                    indicators: Vec::new(),
                },
                findings,
                levels: Levels::default(),
            });
        }
        let Some(cur) = current.as_mut() else {
            continue;
        };
        let mut row_ctx = Ctx::new(grid, ctx.file);
        let index = cur.declaration.indicators.len();
        if let Some(ind) = read_row(
            &mut row_ctx,
            r,
            cols,
            &mut cur.levels,
            standard_basis,
            index,
        )? {
            cur.declaration.indicators.push(ind);
        }
        cur.findings.append(&mut row_ctx.findings);
    }
    finish(current.take(), &mut done);
    Ok((done, end))
}
