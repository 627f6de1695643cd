//! The 项目支出绩效目标申报表 in the common official layout: 项目名称, 项目编码, 主管部门 / 实施单位,
//! 项目属性 / 项目期, the 项目资金（万元） block (年度资金总额, then each source as 其中：…), 总体目标 with
//! 中长期目标 and 年度目标 side by side and their texts below, and the indicator table (一级 / 二级 merged
//! down their rows). Every field of a [`Declaration`] has its cell, so reading the workbook back gives the
//! same declaration.

use jixiao_core::goals::{Basis, Declaration};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::xlsx_write::{
    Formats, direction_label, fit, height, lines, merge_down, money, span_width, text,
};

/// The indicator table's columns, left to right, with their widths (in characters).
const COLUMNS: [(&str, f64); 11] = [
    ("一级指标", 10.0),
    ("二级指标", 12.0),
    ("三级指标", 22.0),
    ("指标值", 14.0),
    ("分值", 6.0),
    ("指标方向", 8.0),
    ("指标解释", 24.0),
    ("取值依据", 10.0),
    ("取值依据说明", 18.0),
    ("数据来源", 16.0),
    ("评分标准", 24.0),
];
const LAST: u16 = COLUMNS.len() as u16 - 1;

/// The workbook of one declaration. Writing to memory cannot fail for any declaration (text that looks
/// like a formula is written as text): an error here is a bug in this function.
pub fn write_declaration(d: &Declaration) -> Vec<u8> {
    match build(d) {
        Ok(bytes) => bytes,
        Err(e) => panic!("writing the declaration workbook failed: {e}"),
    }
}

fn width(c0: u16, c1: u16) -> f64 {
    span_width(&COLUMNS, c0, c1)
}

fn build(d: &Declaration) -> Result<Vec<u8>, XlsxError> {
    let fs = Formats::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("绩效目标申报表")?;
    for (c, (_, w)) in COLUMNS.iter().enumerate() {
        ws.set_column_width(c as u16, w * 2.0 + 1.0)?;
    }
    let p = &d.project;
    // Label | value over the rest; or label | value | label | value halves.
    let (left, mid_label, right) = ((1u16, 4u16), 5u16, (6u16, LAST));
    let full = (1u16, LAST);

    text(ws, 0, (0, LAST), "项目支出绩效目标申报表", &fs.title)?;
    ws.set_row_height(0, 28)?;
    text(
        ws,
        1,
        (0, LAST),
        &format!("（{}年度）", p.year),
        &fs.subtitle,
    )?;
    let mut r = 2u32;
    let mut row =
        |ws: &mut Worksheet, cells: &[(&str, (u16, u16), bool)]| -> Result<u32, XlsxError> {
            let mut need: f64 = 1.0;
            for (s, (c0, c1), is_label) in cells {
                let f = if *is_label { &fs.label } else { &fs.text };
                text(ws, r, (*c0, *c1), s, f)?;
                need = need.max(lines(s, width(*c0, *c1)));
            }
            ws.set_row_height(r, height(need, 20.0))?;
            r += 1;
            Ok(r - 1)
        };
    row(ws, &[("项目名称", (0, 0), true), (&p.name, full, false)])?;
    row(
        ws,
        &[
            ("项目编码", (0, 0), true),
            (p.code.as_deref().unwrap_or(""), full, false),
        ],
    )?;
    row(
        ws,
        &[
            ("主管部门", (0, 0), true),
            (&p.department, left, false),
            ("实施单位", (mid_label, mid_label), true),
            (&p.implementer, right, false),
        ],
    )?;
    let period = p.period.map(|x| x.label()).unwrap_or_default();
    row(
        ws,
        &[
            ("项目属性", (0, 0), true),
            (p.attribute.label(), left, false),
            ("项目期", (mid_label, mid_label), true),
            (&period, right, false),
        ],
    )?;

    // 项目资金（万元）: the label spans the block; amounts in 万元.
    let funds_top = r;
    let n = 1 + d.funds.sources.len() as u32;
    merge_down(ws, funds_top, n as usize, 0, "项目资金（万元）", &fs.label)?;
    text(ws, r, (1, 2), "年度资金总额", &fs.label)?;
    money(ws, r, (3, LAST), d.funds.total, &fs)?;
    ws.set_row_height(r, 20)?;
    r += 1;
    for s in &d.funds.sources {
        text(ws, r, (1, 2), &format!("其中：{}", s.name), &fs.label)?;
        money(ws, r, (3, LAST), s.amount, &fs)?;
        ws.set_row_height(r, 20)?;
        r += 1;
    }

    // 总体目标: 中长期目标 | 年度目标 side by side, texts below.
    ws.merge_range(r, 0, r + 1, 0, "总体目标", &fs.label)?;
    text(ws, r, left, "中长期目标", &fs.label)?;
    text(ws, r, (mid_label, LAST), "年度目标", &fs.label)?;
    ws.set_row_height(r, 20)?;
    r += 1;
    text(ws, r, left, &d.goals.long_term, &fs.text)?;
    text(ws, r, (mid_label, LAST), &d.goals.annual, &fs.text)?;
    let need = lines(&d.goals.long_term, width(left.0, left.1))
        .max(lines(&d.goals.annual, width(mid_label, LAST)));
    ws.set_row_height(r, height(need, 40.0))?;
    r += 1;

    // The indicator table.
    let header = r;
    for (c, (h, _)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, *h, &fs.label)?;
    }
    ws.set_row_height(r, 20)?;
    r += 1;
    let first = r;
    for g in &d.indicators {
        let weight = g
            .weight
            .map(|w| w.normalize().to_string())
            .unwrap_or_default();
        let basis = g.basis.map(Basis::label).unwrap_or("");
        let cells: [(&str, &Format); 11] = [
            (&g.level1, &fs.center),
            (&g.level2, &fs.center),
            (&g.name, &fs.text),
            (&g.target, &fs.center),
            (&weight, &fs.center),
            (direction_label(g.direction), &fs.center),
            (&g.explanation, &fs.text),
            (basis, &fs.center),
            (&g.basis_note, &fs.text),
            (&g.data_source, &fs.text),
            (&g.scoring, &fs.text),
        ];
        let mut need: f64 = 1.0;
        for (c, (s, f)) in cells.iter().enumerate() {
            if c == 4
                && let Some(w) = g.weight.and_then(|w| w.to_f64())
                && w.to_string().parse::<Decimal>().ok() == g.weight.map(|x| x.normalize())
            {
                ws.write_number_with_format(r, 4, w, &fs.center)?;
                continue;
            }
            ws.write_string_with_format(r, c as u16, fit(s), f)?;
            need = need.max(lines(s, COLUMNS[c].1));
        }
        ws.set_row_height(r, height(need, 20.0))?;
        r += 1;
    }
    // 一级 / 二级 merged down their runs of equal names.
    merge_runs(ws, first, r, 0, &fs, |i| d.indicators[i].level1.clone())?;
    merge_runs(ws, first, r, 1, &fs, |i| {
        format!("{}\u{0}{}", d.indicators[i].level1, d.indicators[i].level2)
    })?;

    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_margins(0.6, 0.6, 0.8, 0.8, 0.3, 0.4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_footer("&C— &P —");
    ws.set_repeat_rows(header, header)?;
    wb.save_to_buffer()
}

/// Merges each run of rows whose `key` is equal in column `c` (a run of one is left alone).
fn merge_runs(
    ws: &mut Worksheet,
    first: u32,
    end: u32,
    c: u16,
    fs: &Formats,
    key: impl Fn(usize) -> String,
) -> Result<(), XlsxError> {
    let mut start = first;
    while start < end {
        let k = key((start - first) as usize);
        let mut stop = start + 1;
        while stop < end && key((stop - first) as usize) == k {
            stop += 1;
        }
        if stop - start > 1 {
            let text = k.rsplit('\u{0}').next().unwrap_or("").to_string();
            ws.merge_range(start, c, stop - 1, c, &fit(&text), &fs.center)?;
        }
        start = stop;
    }
    Ok(())
}
