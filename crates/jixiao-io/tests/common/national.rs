//! A test-side writer of the national 项目支出绩效自评表 layout (财预〔2020〕10号 附件), with merged cells as
//! the official template has them. Used by the xlsx tests, the round-trip property test and the bench
//! (the documents crate, which will write the official xlsx, lives on another branch).

#![allow(dead_code)]

use jixiao_core::Project;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Amounts as written: in 万元, or in 元 (the header then says so).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Unit {
    Wan,
    Yuan,
}

fn num(d: Decimal) -> f64 {
    d.to_string().parse().unwrap()
}

fn amount(d: Decimal, unit: Unit) -> f64 {
    match unit {
        Unit::Wan => num(d),
        Unit::Yuan => num(d * Decimal::from(10_000)),
    }
}

/// Writes one form from row `top`; returns the first free row after it.
pub fn write_form(ws: &mut Worksheet, p: &Project, unit: Unit, top: u32) -> Result<u32, XlsxError> {
    let f = Format::new();
    let mut r = top;
    ws.merge_range(r, 0, r, 8, "项目支出绩效自评表", &f)?;
    r += 1;
    ws.merge_range(r, 0, r, 8, &format!("（{}年度）", p.project.year), &f)?;
    r += 1;
    ws.write_string(r, 0, "项目名称")?;
    match &p.project.level {
        Some(level) => {
            ws.merge_range(r, 1, r, 4, &p.project.name, &f)?;
            ws.write_string(r, 5, "项目级次")?;
            ws.merge_range(r, 6, r, 8, level, &f)?;
        }
        None => {
            ws.merge_range(r, 1, r, 8, &p.project.name, &f)?;
        }
    }
    r += 1;
    ws.write_string(r, 0, "主管部门")?;
    ws.merge_range(r, 1, r, 4, &p.project.department, &f)?;
    ws.write_string(r, 5, "实施单位")?;
    ws.merge_range(r, 6, r, 8, &p.project.implementer, &f)?;
    r += 1;
    let funds_rows = 2 + p.funds.sources.len() as u32;
    let label = if unit == Unit::Yuan {
        "项目资金（元）"
    } else {
        "项目资金（万元）"
    };
    ws.merge_range(r, 0, r + funds_rows - 1, 0, label, &f)?;
    for (c, h) in [
        "年初预算数",
        "全年预算数（A）",
        "全年执行数（B）",
        "分值",
        "执行率（B/A）",
        "得分",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(r, c as u16 + 2, *h)?;
    }
    r += 1;
    ws.write_string(r, 1, "年度资金总额")?;
    if let Some(i) = p.funds.initial {
        ws.write_number(r, 2, amount(i, unit))?;
    }
    ws.write_number(r, 3, amount(p.funds.annual, unit))?;
    ws.write_number(r, 4, amount(p.funds.executed, unit))?;
    ws.write_number(r, 5, num(p.funds.execution_weight))?;
    if !p.funds.annual.is_zero() {
        let rate = (p.funds.executed / p.funds.annual * Decimal::ONE_HUNDRED).round_dp(2);
        ws.write_string(r, 6, format!("{rate}%"))?;
    }
    if let Some(s) = p.funds.self_score {
        ws.write_number(r, 7, num(s))?;
    }
    r += 1;
    for (k, s) in p.funds.sources.iter().enumerate() {
        let name = if k == 0 {
            format!("其中：{}", s.name)
        } else {
            s.name.clone()
        };
        ws.write_string(r, 1, &name)?;
        if let Some(i) = s.initial {
            ws.write_number(r, 2, amount(i, unit))?;
        }
        ws.write_number(r, 3, amount(s.annual, unit))?;
        ws.write_number(r, 4, amount(s.executed, unit))?;
        ws.write_string(r, 5, "—")?;
        ws.write_string(r, 7, "—")?;
        r += 1;
    }
    ws.merge_range(r, 0, r + 1, 0, "年度总体目标", &f)?;
    ws.merge_range(r, 1, r, 4, "预期目标", &f)?;
    ws.merge_range(r, 5, r, 8, "实际完成情况", &f)?;
    ws.merge_range(r + 1, 1, r + 1, 4, &p.goals.expected, &f)?;
    ws.merge_range(r + 1, 5, r + 1, 8, &p.goals.actual, &f)?;
    r += 2;
    let n = p.indicators.len() as u32;
    ws.merge_range(r, 0, r + n.max(1), 0, "绩效指标", &f)?;
    for (c, h) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(r, c as u16 + 1, *h)?;
    }
    r += 1;
    // 一级 / 二级 cells merged over the rows of their group, as on the template.
    let mut i = 0;
    while i < p.indicators.len() {
        let l1 = &p.indicators[i].level1;
        let end1 = (i..p.indicators.len())
            .take_while(|&j| &p.indicators[j].level1 == l1)
            .last()
            .unwrap();
        merge_or_write(ws, r + i as u32, r + end1 as u32, 1, l1)?;
        let mut j = i;
        while j <= end1 {
            let l2 = &p.indicators[j].level2;
            let end2 = (j..=end1)
                .take_while(|&k| &p.indicators[k].level2 == l2)
                .last()
                .unwrap();
            merge_or_write(ws, r + j as u32, r + end2 as u32, 2, l2)?;
            j = end2 + 1;
        }
        i = end1 + 1;
    }
    for (k, ind) in p.indicators.iter().enumerate() {
        let row = r + k as u32;
        ws.write_string(row, 3, &ind.name)?;
        ws.write_string(row, 4, &ind.target)?;
        ws.write_string(row, 5, &ind.actual)?;
        ws.write_number(row, 6, num(ind.weight))?;
        if let Some(s) = ind.self_score {
            ws.write_number(row, 7, num(s))?;
        }
        if let Some(dv) = &ind.deviation {
            ws.write_string(row, 8, dv)?;
        }
    }
    r += n;
    ws.merge_range(r, 0, r, 5, "总分", &f)?;
    ws.write_number(r, 6, num(p.total_weight()))?;
    if let Some(t) = p.statement.total {
        ws.write_number(r, 7, num(t))?;
    }
    Ok(r + 2)
}

fn merge_or_write(
    ws: &mut Worksheet,
    r1: u32,
    r2: u32,
    c: u16,
    text: &str,
) -> Result<(), XlsxError> {
    if r1 == r2 {
        ws.write_string(r1, c, text)?;
    } else {
        ws.merge_range(r1, c, r2, c, text, &Format::new())?;
    }
    Ok(())
}

/// One workbook, one sheet per project.
pub fn workbook(projects: &[&Project], unit: Unit) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (k, p) in projects.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(format!("自评表{}", k + 1)).unwrap();
        write_form(ws, p, unit, 0).unwrap();
    }
    wb.save_to_buffer().unwrap()
}
