//! The 项目支出绩效运行监控表 in the common official layout: the title with the year and the month the data
//! run to, 项目名称, 主管部门 / 实施单位, the 项目资金（万元） block (全年预算数 | 1—N月执行数 | 执行率 |
//! 全年预计执行数 | 偏差原因 | 拟采取的措施 over the 年度资金总额 row) and the indicator table (一级 / 二级 merged
//! down their runs, 年度指标值, 1—N月实际完成值, 全年预计完成值, 完成目标可能性, 偏差原因, 完成目标采取的措施,
//! and 指标方向 when an indicator has one). Every field of a [`MonitorForm`] has its cell, so reading the
//! workbook back gives the same form.

use jixiao_core::monitoring::MonitorForm;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::xlsx_write::{
    Formats, direction_label, height, lines, merge_down, money, span_width, text,
};

/// The workbook of one form. Writing to memory cannot fail for any form (text that looks like a formula
/// is written as text): an error here is a bug in this function.
pub fn write_monitor_form(form: &MonitorForm) -> Vec<u8> {
    match build(form) {
        Ok(bytes) => bytes,
        Err(e) => panic!("writing the monitoring form workbook failed: {e}"),
    }
}

fn build(form: &MonitorForm) -> Result<Vec<u8>, XlsxError> {
    let fs = Formats::new();
    // The 金额单位 line over the form: unbordered, to the right.
    let unit = Format::new()
        .set_font_name("宋体")
        .set_font_size(10.5)
        .set_align(FormatAlign::Right);
    let month = form.month;
    let with_direction = form.indicators.iter().any(|i| i.direction.is_some());
    let mut columns: Vec<(String, f64)> = vec![
        ("一级指标".into(), 10.0),
        ("二级指标".into(), 12.0),
        ("三级指标".into(), 20.0),
        ("年度指标值".into(), 13.0),
        (format!("1—{month}月实际完成值"), 14.0),
        ("全年预计完成值".into(), 13.0),
        ("完成目标可能性".into(), 10.0),
        ("偏差原因".into(), 22.0),
        ("完成目标采取的措施".into(), 22.0),
    ];
    if with_direction {
        columns.push(("指标方向".into(), 8.0));
    }
    let last = columns.len() as u16 - 1;

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("监控表")?;
    for (c, (_, w)) in columns.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    // The widths above are the spreadsheet's (one per Latin character); `lines` counts Chinese characters.
    let width = |c0: u16, c1: u16| span_width(&columns, c0, c1) / 2.0;

    let mut r = 0u32;
    text(
        ws,
        r,
        (0, last),
        &format!("{}年度项目支出绩效运行监控表", form.year),
        &fs.title,
    )?;
    ws.set_row_height(r, 30)?;
    r += 1;
    text(
        ws,
        r,
        (0, last),
        &format!("（数据截至{month}月底）"),
        &fs.subtitle,
    )?;
    r += 1;
    text(ws, r, (0, last), "金额单位：万元", &unit)?;
    r += 1;

    text(ws, r, (0, 0), "项目名称", &fs.label)?;
    text(ws, r, (1, last), &form.name, &fs.text)?;
    ws.set_row_height(r, height(lines(&form.name, width(1, last)), 20.0))?;
    r += 1;
    text(ws, r, (0, 0), "主管部门", &fs.label)?;
    text(ws, r, (1, 3), &form.department, &fs.text)?;
    text(ws, r, (4, 4), "实施单位", &fs.label)?;
    text(ws, r, (5, last), &form.implementer, &fs.text)?;
    let need = lines(&form.department, width(1, 3)).max(lines(&form.implementer, width(5, last)));
    ws.set_row_height(r, height(need, 20.0))?;
    r += 1;

    // 项目资金（万元）: the headers over the 年度资金总额 row.
    text(ws, r, (0, 0), "项目资金（万元）", &fs.label)?;
    text(ws, r, (1, 1), "全年预算数", &fs.label)?;
    text(ws, r, (2, 2), &format!("1—{month}月执行数"), &fs.label)?;
    text(ws, r, (3, 3), "执行率", &fs.label)?;
    text(ws, r, (4, 4), "全年预计执行数", &fs.label)?;
    text(ws, r, (5, 6), "偏差原因", &fs.label)?;
    text(ws, r, (7, last), "拟采取的措施", &fs.label)?;
    ws.set_row_height(r, 30)?;
    r += 1;
    text(ws, r, (0, 0), "年度资金总额", &fs.center)?;
    money(ws, r, (1, 1), form.annual, &fs)?;
    money(ws, r, (2, 2), form.executed, &fs)?;
    let rate = if form.annual.is_zero() {
        "—".to_string()
    } else {
        format!(
            "{}%",
            (form.executed / form.annual * Decimal::ONE_HUNDRED)
                .round_dp(2)
                .normalize()
        )
    };
    text(ws, r, (3, 3), &rate, &fs.center)?;
    match form.forecast {
        Some(x) => money(ws, r, (4, 4), x, &fs)?,
        None => text(ws, r, (4, 4), "", &fs.center)?,
    }
    text(ws, r, (5, 6), &form.deviation, &fs.text)?;
    text(ws, r, (7, last), &form.measures, &fs.text)?;
    let need = lines(&form.deviation, width(5, 6)).max(lines(&form.measures, width(7, last)));
    ws.set_row_height(r, height(need, 22.0))?;
    r += 1;

    // The indicator table.
    let header_row = r;
    for (c, (h, _)) in columns.iter().enumerate() {
        text(ws, r, (c as u16, c as u16), h, &fs.label)?;
    }
    ws.set_row_height(r, 30)?;
    r += 1;
    let inds = &form.indicators;
    let first = r;
    for (i, ind) in inds.iter().enumerate() {
        let row = first + i as u32;
        let cells: [(&str, &Format); 7] = [
            (&ind.name, &fs.text),
            (&ind.target, &fs.center),
            (&ind.progress, &fs.center),
            (&ind.forecast, &fs.center),
            (ind.likelihood.map_or("", |l| l.label()), &fs.center),
            (&ind.deviation, &fs.text),
            (&ind.measures, &fs.text),
        ];
        let mut need: f64 = 1.0;
        for (k, (s, f)) in cells.iter().enumerate() {
            let c = 2 + k as u16;
            text(ws, row, (c, c), s, f)?;
            need = need.max(lines(s, width(c, c)));
        }
        if with_direction {
            text(
                ws,
                row,
                (last, last),
                direction_label(ind.direction),
                &fs.center,
            )?;
        }
        ws.set_row_height(row, height(need, 20.0))?;
    }
    // 一级 / 二级 merged down their runs.
    let mut i = 0;
    while i < inds.len() {
        let run1 = (i..inds.len())
            .take_while(|j| inds[*j].level1 == inds[i].level1)
            .count();
        merge_down(ws, first + i as u32, run1, 0, &inds[i].level1, &fs.center)?;
        let mut j = i;
        while j < i + run1 {
            let run2 = (j..i + run1)
                .take_while(|k| inds[*k].level2 == inds[j].level2)
                .count();
            merge_down(ws, first + j as u32, run2, 1, &inds[j].level2, &fs.center)?;
            j += run2;
        }
        i += run1;
    }
    r = first + inds.len() as u32;
    text(
        ws,
        r,
        (0, last),
        "注：执行率 = 执行数 ÷ 全年预算数；完成目标可能性填写“确定能”“有可能”或“完全不可能”；执行或指标进度偏离序时进度的，须填写偏差原因和措施。",
        &Format::new()
            .set_font_name("宋体")
            .set_font_size(9)
            .set_text_wrap(),
    )?;
    ws.set_row_height(r, 28)?;

    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    wb.save_to_buffer()
}
