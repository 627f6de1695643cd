//! The 项目支出绩效目标表 as published with the budget: one project's declared goals (a
//! [`Declaration`]) as a titled table — 项目名称, 主管部门 / 实施单位, 项目属性 / 项目期, 项目资金（万元）,
//! 总体目标 (中长期目标 and 年度目标), and the indicator table with the optional columns the declaration
//! fills (分值, 指标解释, 取值依据, 数据来源, 评分标准). Built as a [`content::Report`] whose only block is
//! the table, so the Word and PDF renderers of the 自评报告 draw it unchanged (GB/T 9704 page, fonts,
//! merged 一级 / 二级 cells).

use std::path::Path;

use jixiao_core::goals::Declaration;
use rust_decimal::Decimal;

use crate::content::{Block, Cell, CellStyle, Report, Sheet};
use crate::text::{money, score};
use crate::{Rendered, ReportError};

fn cell(text: impl Into<String>, style: CellStyle) -> Cell {
    Cell {
        text: text.into(),
        colspan: 1,
        rowspan: 1,
        style,
        number: None,
        grades: None,
    }
}

fn span(mut c: Cell, cols: usize, rows: usize) -> Cell {
    c.colspan = cols.max(1);
    c.rowspan = rows.max(1);
    c
}

fn amount(x: Decimal) -> Cell {
    Cell {
        number: Some(x),
        ..cell(money(x), CellStyle::Number)
    }
}

/// The optional columns of the indicator table, each shown when some indicator fills it.
#[derive(Clone, Copy, PartialEq)]
enum Extra {
    Weight,
    Explanation,
    Basis,
    DataSource,
    Scoring,
}

impl Extra {
    fn header(self) -> &'static str {
        match self {
            Extra::Weight => "分值",
            Extra::Explanation => "指标解释",
            Extra::Basis => "取值依据",
            Extra::DataSource => "数据来源",
            Extra::Scoring => "评分标准",
        }
    }
    fn width(self) -> u16 {
        match self {
            Extra::Weight => 4,
            Extra::Explanation | Extra::Scoring => 9,
            Extra::Basis => 8,
            Extra::DataSource => 7,
        }
    }
}

/// The 取值依据 as printed: `计划标准：《…实施方案》`.
fn basis_text(g: &jixiao_core::goals::GoalIndicator) -> String {
    match (g.basis, g.basis_note.trim()) {
        (Some(b), "") => b.label().to_string(),
        (Some(b), note) => format!("{}：{note}", b.label()),
        (None, note) => note.to_string(),
    }
}

/// The 项目支出绩效目标表 of one declaration, as the documents' content.
pub fn build(d: &Declaration) -> Report {
    let p = &d.project;
    let inds = &d.indicators;
    let mut extras = Vec::new();
    if inds.iter().any(|g| g.weight.is_some()) {
        extras.push(Extra::Weight);
    }
    if inds.iter().any(|g| !g.explanation.trim().is_empty()) {
        extras.push(Extra::Explanation);
    }
    if inds
        .iter()
        .any(|g| g.basis.is_some() || !g.basis_note.trim().is_empty())
    {
        extras.push(Extra::Basis);
    }
    if inds.iter().any(|g| !g.data_source.trim().is_empty()) {
        extras.push(Extra::DataSource);
    }
    if inds.iter().any(|g| !g.scoring.trim().is_empty()) {
        extras.push(Extra::Scoring);
    }
    // Columns: 0 一级 | 1 二级 | 2 三级 | 3 指标值 | extras …; the rows above use column 0 for labels.
    // The first column is as wide as a four-character label (项目名称).
    let mut widths: Vec<u16> = vec![7, 7, 11, 7];
    widths.extend(extras.iter().map(|e| e.width()));
    let n = widths.len();
    // Label | value | label | value: the second label sits over 指标值 (or 三级指标 in a four-column
    // table), never over a narrow column such as 分值.
    let mid = if n >= 5 { 3 } else { 2 };
    let (left, right) = (mid - 1, n - mid - 1);

    let label = |t: &str| cell(t, CellStyle::Label);
    let text = |t: &str| cell(t, CellStyle::Text);
    let center = |t: &str| cell(t, CellStyle::Center);
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    rows.push(vec![label("项目名称"), span(text(&p.name), n - 1, 1)]);
    if let Some(code) = &p.code {
        rows.push(vec![label("项目编码"), span(text(code), n - 1, 1)]);
    }
    rows.push(vec![
        label("主管部门"),
        span(text(&p.department), left, 1),
        label("实施单位"),
        span(text(&p.implementer), right, 1),
    ]);
    rows.push(vec![
        label("项目属性"),
        span(center(&format!("{}项目", p.attribute.label())), left, 1),
        label("项目期"),
        span(
            center(&p.period.map(|x| x.label()).unwrap_or_default()),
            right,
            1,
        ),
    ]);

    // 项目资金（万元）
    let funds_rows = 1 + d.funds.sources.len();
    rows.push(vec![
        span(label("项目资金（万元）"), 1, funds_rows),
        span(text("年度资金总额"), left, 1),
        span(amount(d.funds.total), n - 1 - left, 1),
    ]);
    for s in &d.funds.sources {
        rows.push(vec![
            span(text(&format!("其中：{}", s.name)), left, 1),
            span(amount(s.amount), n - 1 - left, 1),
        ]);
    }

    // 总体目标: 中长期目标 and 年度目标 side by side, or the year's alone.
    if d.goals.long_term.trim().is_empty() {
        rows.push(vec![
            label("年度目标"),
            span(text(&d.goals.annual), n - 1, 1),
        ]);
    } else {
        rows.push(vec![
            span(label("总体目标"), 1, 2),
            span(cell("中长期目标", CellStyle::Header), left, 1),
            span(cell("年度目标", CellStyle::Header), n - 1 - left, 1),
        ]);
        rows.push(vec![
            span(text(&d.goals.long_term), left, 1),
            span(text(&d.goals.annual), n - 1 - left, 1),
        ]);
    }

    // The indicator table: 一级 / 二级 merged down their runs.
    let indicator_header_row = rows.len();
    let mut header = vec![
        cell("一级指标", CellStyle::Header),
        cell("二级指标", CellStyle::Header),
        cell("三级指标", CellStyle::Header),
        cell("指标值", CellStyle::Header),
    ];
    header.extend(extras.iter().map(|e| cell(e.header(), CellStyle::Header)));
    rows.push(header);
    let run = |i: usize, same: &dyn Fn(usize, usize) -> bool| -> usize {
        (i..inds.len()).take_while(|j| same(i, *j)).count()
    };
    for (i, g) in inds.iter().enumerate() {
        let mut row = Vec::new();
        let same1 = |a: usize, b: usize| inds[a].level1 == inds[b].level1;
        let same2 = |a: usize, b: usize| same1(a, b) && inds[a].level2 == inds[b].level2;
        if i == 0 || !same1(i - 1, i) {
            row.push(span(center(&g.level1), 1, run(i, &same1)));
        }
        if i == 0 || !same2(i - 1, i) {
            row.push(span(center(&g.level2), 1, run(i, &same2)));
        }
        row.push(text(&g.name));
        row.push(center(&g.target));
        for e in &extras {
            row.push(match e {
                Extra::Weight => match g.weight {
                    Some(w) => Cell {
                        number: Some(w),
                        ..cell(score(w), CellStyle::Number)
                    },
                    None => center(""),
                },
                Extra::Explanation => text(&g.explanation),
                Extra::Basis => text(&basis_text(g)),
                Extra::DataSource => text(&g.data_source),
                Extra::Scoring => text(&g.scoring),
            });
        }
        rows.push(row);
    }
    if inds.is_empty() {
        rows.push(vec![span(center("（未填写绩效指标）"), n, 1)]);
    }

    let mut notes = Vec::new();
    // Every indicator weighted: their sum (none when one has no weight, or the sum would overflow).
    let total = inds
        .iter()
        .try_fold(Decimal::ZERO, |sum, g| sum.checked_add(g.weight?));
    if let Some(total) = total
        && !inds.is_empty()
    {
        notes.push(format!("注：各三级指标分值合计 {} 分。", score(total)));
    }
    Report {
        title: "项目支出绩效目标表".into(),
        project_name: p.name.clone(),
        blocks: vec![Block::Sheet],
        sheet: Sheet {
            title: String::new(),
            subtitle: format!("（{}年度）", p.year),
            widths,
            rows,
            indicator_header_row,
            notes,
        },
        chart: Vec::new(),
        chart_caption: String::new(),
        appendix: None,
    }
}

/// The 项目支出绩效目标表 as Word (docx).
pub fn docx(d: &Declaration) -> Result<Vec<u8>, ReportError> {
    crate::docx::render(&build(d))
}

/// The 项目支出绩效目标表 as PDF, with fonts from `fonts_dir` before the bundled ones (as
/// [`crate::Options::fonts_dir`]); the warnings name characters no font can show.
pub fn pdf(d: &Declaration, fonts_dir: Option<&Path>) -> Result<Rendered, ReportError> {
    crate::pdf::render(&build(d), None, fonts_dir)
}
