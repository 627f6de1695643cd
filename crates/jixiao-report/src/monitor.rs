//! The documents of 绩效运行监控 and 结果应用, built as [`content::Report`]s so that the Word and PDF renderers
//! of the 自评报告 draw them unchanged, and as workbooks where a list is worked on in Excel or WPS:
//!
//! * the 项目支出绩效运行监控表 of one project with its lights ([`form`], [`form_docx`], [`form_pdf`]): the
//!   form's cells, the light of the budget execution and of each indicator with its reason, and what must be
//!   explained before the form is submitted;
//! * the overview of a round's forms, one row per project with a summary of lights by unit ([`overview`],
//!   [`overview_xlsx`], [`overview_pdf`]), as `jixiao monitor --xlsx / --pdf` writes it;
//! * the 结果应用 list, next year's budget suggestion per project with its reasons ([`suggestions`],
//!   [`suggestions_xlsx`], [`suggestions_pdf`]).

use std::collections::BTreeMap;
use std::path::Path;

use jixiao_core::monitoring::{Assessment, Light, MonitorForm, Suggestion};
use jixiao_core::{Finding, Policy};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::content::{Appendix, Block, Cell, CellStyle, Report, Sheet, SimpleTable};
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

fn label(t: &str) -> Cell {
    cell(t, CellStyle::Label)
}
fn header(t: &str) -> Cell {
    cell(t, CellStyle::Header)
}
fn text(t: &str) -> Cell {
    cell(t, CellStyle::Text)
}
fn center(t: &str) -> Cell {
    cell(t, CellStyle::Center)
}

/// A percent already in percent (`77.14` → `77.14%`); a dash when there is none.
fn pct(x: Option<Decimal>) -> String {
    x.map_or_else(|| "—".to_string(), |x| format!("{}%", score(x.round_dp(2))))
}

/// What is expected by the form's month (序时进度), in percent.
fn pace(form: &MonitorForm, policy: &Policy) -> Option<Decimal> {
    policy
        .monitoring
        .expected(form.month)
        .map(|e| (e * Decimal::ONE_HUNDRED).round_dp(2))
}

/// The unit a project is counted under: its 实施单位, else its 主管部门.
pub fn unit_of(form: &MonitorForm) -> &str {
    let i = form.implementer.trim();
    if i.is_empty() {
        form.department.trim()
    } else {
        i
    }
}

/// A field path of the form in the words of the form (`indicators[2].measures` → 指标“…”的拟采取的措施).
pub fn field_name(form: &MonitorForm, path: &str) -> String {
    let word = |f: &str| match f {
        "deviation" => "偏差原因",
        "measures" => "拟采取的措施",
        "progress" => "截至目前完成值",
        "forecast" => "全年预计完成值",
        "likelihood" => "完成目标可能性",
        "target" => "年度指标值",
        _ => "",
    };
    if let Some(rest) = path.strip_prefix("indicators[")
        && let Some((i, field)) = rest.split_once("].")
        && let Some(ind) = i.parse::<usize>().ok().and_then(|i| form.indicators.get(i))
    {
        return format!("指标“{}”的{}", ind.name, word(field));
    }
    match path {
        "deviation" => "预算执行的偏差原因".into(),
        "measures" => "预算执行的拟采取措施".into(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------------
// One project's 监控表.

/// The 项目支出绩效运行监控表 of one project with its lights, and the conclusions under it: the project's
/// light, each red or yellow light's reason, and what must be explained before submitting.
pub fn form(form: &MonitorForm, assessment: &Assessment, policy: &Policy) -> Report {
    let month = form.month;
    // 0 一级 | 1 二级 | 2 三级 | 3 年度指标值 | 4 完成值 | 5 预计 | 6 可能性 | 7 灯 | 8 偏差原因 | 9 措施
    let widths: Vec<u16> = vec![7, 6, 7, 6, 6, 6, 5, 6, 8, 8];
    let n = widths.len();
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    rows.push(vec![label("项目名称"), span(text(&form.name), n - 1, 1)]);
    rows.push(vec![
        label("主管部门"),
        span(text(&form.department), 3, 1),
        span(label("实施单位"), 2, 1),
        span(text(&form.implementer), n - 6, 1),
    ]);
    // 项目资金（万元）: the headers over the values, the light of the execution among them.
    rows.push(vec![
        span(label("项目资金（万元）"), 1, 2),
        header("全年预算数"),
        header(&format!("截至{month}月底执行数")),
        header("执行率"),
        header("序时进度"),
        header("执行率占序时进度"),
        header("预算执行"),
        header("全年预计执行数"),
        header("偏差原因"),
        header("拟采取的措施"),
    ]);
    rows.push(vec![
        amount(form.annual),
        amount(form.executed),
        center(&pct(assessment.execution_rate)),
        center(&pct(pace(form, policy))),
        center(&pct(assessment.execution_ratio)),
        center(assessment.execution_light.label()),
        match form.forecast {
            Some(x) => amount(x),
            None => center("—"),
        },
        text(&form.deviation),
        text(&form.measures),
    ]);
    let indicator_header_row = rows.len();
    rows.push(vec![
        header("一级指标"),
        header("二级指标"),
        header("三级指标"),
        header("年度指标值"),
        header(&format!("截至{month}月底完成值")),
        header("全年预计完成值"),
        header("完成目标可能性"),
        header("亮灯"),
        header("偏差原因"),
        header("拟采取的措施"),
    ]);
    let inds = &form.indicators;
    let run = |i: usize, same: &dyn Fn(usize, usize) -> bool| -> usize {
        (i..inds.len()).take_while(|j| same(i, *j)).count()
    };
    for (i, ind) in inds.iter().enumerate() {
        let same1 = |a: usize, b: usize| inds[a].level1 == inds[b].level1;
        let same2 = |a: usize, b: usize| same1(a, b) && inds[a].level2 == inds[b].level2;
        let mut row = Vec::new();
        if i == 0 || !same1(i - 1, i) {
            row.push(span(center(&ind.level1), 1, run(i, &same1)));
        }
        if i == 0 || !same2(i - 1, i) {
            row.push(span(center(&ind.level2), 1, run(i, &same2)));
        }
        let light = assessment.indicators.get(i).map_or("", |l| l.light.label());
        row.extend([
            text(&ind.name),
            center(&ind.target),
            center(&ind.progress),
            center(&ind.forecast),
            center(ind.likelihood.map_or("", |l| l.label())),
            center(light),
            text(&ind.deviation),
            text(&ind.measures),
        ]);
        rows.push(row);
    }
    if inds.is_empty() {
        rows.push(vec![span(center("（未填写绩效指标）"), n, 1)]);
    }
    let mut notes = vec![format!(
        "注：执行率 = 执行数 ÷ 全年预算数；序时进度为截至{month}月底应达到的进度，低于其 {}% 为红灯、{}% 为黄灯（评分规则“{}”）。",
        score(policy.monitoring.red_below),
        score(policy.monitoring.yellow_below),
        policy.title
    )];
    if pace(form, policy).is_none() {
        notes.push(format!(
            "截至{month}月底尚无考核节点，预算执行不亮灯（执行为 0 的除外）。"
        ));
    }

    let mut blocks = vec![Block::Sheet, Block::Heading1("一、监控结论".into())];
    blocks.push(Block::Paragraph(format!(
        "本项目截至{month}月底总体为{}。预算执行率 {}，为序时进度的 {}（{}）。",
        assessment.light.label(),
        pct(assessment.execution_rate),
        pct(assessment.execution_ratio),
        assessment.execution_light.label()
    )));
    let lit: Vec<String> = inds
        .iter()
        .zip(&assessment.indicators)
        .filter(|(_, l)| l.light != Light::Green)
        .map(|(ind, l)| format!("指标“{}”{}：{}。", ind.name, l.light.label(), l.reason))
        .collect();
    if lit.is_empty() {
        blocks.push(Block::Paragraph("各项指标均为绿灯。".into()));
    } else {
        blocks.extend(lit.into_iter().map(Block::Paragraph));
    }
    blocks.push(Block::Heading1("二、提交前须说明的事项".into()));
    if assessment.required.is_empty() {
        blocks.push(Block::Paragraph("无。".into()));
    } else {
        for (k, r) in assessment.required.iter().enumerate() {
            blocks.push(Block::Paragraph(format!(
                "{}．须填写{}（{}）。",
                k + 1,
                field_name(form, &r.path),
                r.why
            )));
        }
    }
    Report {
        title: "项目支出绩效运行监控表".into(),
        project_name: form.name.clone(),
        blocks,
        sheet: Sheet {
            title: String::new(),
            subtitle: format!("（{}年度，数据截至{month}月底）", form.year),
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

/// The 监控表 of one project as Word (docx).
pub fn form_docx(
    f: &MonitorForm,
    assessment: &Assessment,
    policy: &Policy,
) -> Result<Vec<u8>, ReportError> {
    crate::docx::render(&form(f, assessment, policy))
}

/// The 监控表 of one project as PDF, with fonts from `fonts_dir` before the bundled ones; the warnings name
/// characters no font can show.
pub fn form_pdf(
    f: &MonitorForm,
    assessment: &Assessment,
    policy: &Policy,
    fonts_dir: Option<&Path>,
) -> Result<Rendered, ReportError> {
    crate::pdf::render(&form(f, assessment, policy), None, fonts_dir)
}

// ---------------------------------------------------------------------------------------------------
// The overview of a round.

/// One 监控表 of a round, as read: where it came from, the form, its lights, and what the reader was unsure
/// of.
#[derive(Debug, Clone)]
pub struct Monitored {
    pub source: String,
    pub form: MonitorForm,
    pub assessment: Assessment,
    pub findings: Vec<Finding>,
}

/// A file that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub source: String,
    pub error: String,
}

/// The lights of one unit's projects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitLights {
    pub unit: String,
    pub red: usize,
    pub yellow: usize,
    pub green: usize,
}

/// The lights by unit, units in the order of their names.
pub fn lights_by_unit(items: &[Monitored]) -> Vec<UnitLights> {
    let mut by: BTreeMap<String, UnitLights> = BTreeMap::new();
    for m in items {
        let unit = unit_of(&m.form).to_string();
        let e = by.entry(unit.clone()).or_insert_with(|| UnitLights {
            unit,
            ..Default::default()
        });
        match m.assessment.light {
            Light::Red => e.red += 1,
            Light::Yellow => e.yellow += 1,
            Light::Green => e.green += 1,
        }
    }
    by.into_values().collect()
}

/// Red first, then yellow, then green; within a light, by unit and project.
fn ordered(items: &[Monitored]) -> Vec<&Monitored> {
    let mut v: Vec<&Monitored> = items.iter().collect();
    v.sort_by(|a, b| {
        b.assessment
            .light
            .cmp(&a.assessment.light)
            .then_with(|| unit_of(&a.form).cmp(unit_of(&b.form)))
            .then_with(|| a.form.name.cmp(&b.form.name))
    });
    v
}

fn indicator_counts(a: &Assessment) -> (usize, usize) {
    let red = a
        .indicators
        .iter()
        .filter(|l| l.light == Light::Red)
        .count();
    let yellow = a
        .indicators
        .iter()
        .filter(|l| l.light == Light::Yellow)
        .count();
    (red, yellow)
}

/// The printable overview: the summary of lights, one row per project (red first), and in the appendix the
/// lights by unit, every red or yellow indicator with its reason, what must be explained, and the files that
/// could not be read.
pub fn overview(items: &[Monitored], unreadable: &[Unreadable], policy: &Policy) -> Report {
    let widths: Vec<u16> = vec![2, 7, 9, 6, 5, 5, 4, 4, 3, 3];
    let n = widths.len();
    let mut rows = vec![vec![
        header("序号"),
        header("单位"),
        header("项目"),
        header("数据截至"),
        header("执行率"),
        header("占序时进度"),
        header("预算执行"),
        header("指标红灯/黄灯"),
        header("总体"),
        header("须说明"),
    ]];
    for (k, m) in ordered(items).into_iter().enumerate() {
        let (red, yellow) = indicator_counts(&m.assessment);
        rows.push(vec![
            center(&(k + 1).to_string()),
            text(unit_of(&m.form)),
            text(&m.form.name),
            center(&format!("{}年{}月底", m.form.year, m.form.month)),
            center(&pct(m.assessment.execution_rate)),
            center(&pct(m.assessment.execution_ratio)),
            center(m.assessment.execution_light.label()),
            center(&format!("{red}/{yellow}")),
            center(m.assessment.light.label()),
            center(&m.assessment.required.len().to_string()),
        ]);
    }
    if items.is_empty() {
        rows.push(vec![span(center("（没有读到监控表）"), n, 1)]);
    }
    let count = |l: Light| items.iter().filter(|m| m.assessment.light == l).count();
    let mut blocks = vec![Block::Paragraph(format!(
        "共读取监控表 {} 张：红灯 {} 个、黄灯 {} 个、绿灯 {} 个；须说明事项 {} 项；无法读取的文件 {} 个。",
        items.len(),
        count(Light::Red),
        count(Light::Yellow),
        count(Light::Green),
        items
            .iter()
            .map(|m| m.assessment.required.len())
            .sum::<usize>(),
        unreadable.len()
    ))];
    blocks.push(Block::Sheet);

    let mut tables = vec![SimpleTable {
        caption: "表1 各单位亮灯情况".into(),
        header: ["单位", "项目数", "红灯", "黄灯", "绿灯"]
            .map(String::from)
            .to_vec(),
        rows: lights_by_unit(items)
            .into_iter()
            .map(|u| {
                vec![
                    u.unit,
                    (u.red + u.yellow + u.green).to_string(),
                    u.red.to_string(),
                    u.yellow.to_string(),
                    u.green.to_string(),
                ]
            })
            .collect(),
    }];
    let mut lit = Vec::new();
    let mut required = Vec::new();
    for m in ordered(items) {
        if m.assessment.execution_light != Light::Green {
            lit.push(vec![
                m.form.name.clone(),
                "预算执行".into(),
                m.assessment.execution_light.label().into(),
                format!(
                    "执行率 {}，为序时进度的 {}",
                    pct(m.assessment.execution_rate),
                    pct(m.assessment.execution_ratio)
                ),
            ]);
        }
        for (ind, l) in m.form.indicators.iter().zip(&m.assessment.indicators) {
            if l.light != Light::Green {
                lit.push(vec![
                    m.form.name.clone(),
                    ind.name.clone(),
                    l.light.label().into(),
                    l.reason.clone(),
                ]);
            }
        }
        for r in &m.assessment.required {
            required.push(vec![
                m.form.name.clone(),
                field_name(&m.form, &r.path),
                r.why.clone(),
            ]);
        }
    }
    if !lit.is_empty() {
        tables.push(SimpleTable {
            caption: format!("表{} 红灯、黄灯及其原因", tables.len() + 1),
            header: ["项目", "预算执行或指标", "亮灯", "原因"]
                .map(String::from)
                .to_vec(),
            rows: lit,
        });
    }
    if !required.is_empty() {
        tables.push(SimpleTable {
            caption: format!("表{} 提交前须说明的事项", tables.len() + 1),
            header: ["项目", "须填写", "原因"].map(String::from).to_vec(),
            rows: required,
        });
    }
    if !unreadable.is_empty() {
        tables.push(SimpleTable {
            caption: format!("表{} 无法读取的文件", tables.len() + 1),
            header: ["文件", "原因"].map(String::from).to_vec(),
            rows: unreadable
                .iter()
                .map(|u| vec![u.source.clone(), u.error.clone()])
                .collect(),
        });
    }
    Report {
        title: "项目支出绩效运行监控汇总表".into(),
        project_name: String::new(),
        blocks,
        sheet: Sheet {
            title: String::new(),
            subtitle: String::new(),
            widths,
            rows,
            indicator_header_row: 0,
            notes: vec![format!(
                "注：执行率占序时进度低于 {}% 为红灯、低于 {}% 为黄灯；指标按完成进度和完成目标可能性亮灯；总体取最差者（评分规则“{}”）。",
                score(policy.monitoring.red_below),
                score(policy.monitoring.yellow_below),
                policy.title
            )],
        },
        chart: Vec::new(),
        chart_caption: String::new(),
        appendix: Some(Appendix {
            title: "附：单位汇总与亮灯原因".into(),
            intro: "以下按红灯、黄灯、绿灯的顺序列出。".into(),
            tables,
        }),
    }
}

/// The overview as PDF.
pub fn overview_pdf(
    items: &[Monitored],
    unreadable: &[Unreadable],
    policy: &Policy,
    fonts_dir: Option<&Path>,
) -> Result<Rendered, ReportError> {
    crate::pdf::render(&overview(items, unreadable, policy), None, fonts_dir)
}

// ---------------------------------------------------------------------------------------------------
// Workbooks.

struct Formats {
    header: Format,
    text: Format,
    center: Format,
    money: Format,
    percent: Format,
    red: Format,
    yellow: Format,
    green: Format,
}

fn formats() -> Formats {
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(10.5)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let light = |rgb: u32| {
        base.clone()
            .set_align(FormatAlign::Center)
            .set_background_color(rgb)
    };
    Formats {
        header: base
            .clone()
            .set_font_name("黑体")
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_background_color(0xD9E1F2),
        text: base.clone().set_text_wrap(),
        center: base.clone().set_align(FormatAlign::Center),
        money: base.clone().set_num_format("#,##0.00"),
        percent: base.clone().set_num_format("0.00"),
        red: light(0xF8CBAD),
        yellow: light(0xFFE699),
        green: light(0xC6E0B4),
    }
}

/// Excel holds at most 32,767 characters in a cell.
fn fit(s: &str) -> String {
    const MAX: usize = 32_000;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let kept: String = s.chars().take(MAX).collect();
    format!("{kept}…（已截断）")
}

/// A sheet with its header row frozen, column widths and a filter over the header.
fn new_sheet<'a>(
    wb: &'a mut Workbook,
    name: &str,
    columns: &[(&str, f64)],
    fs: &Formats,
) -> Result<&'a mut Worksheet, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, (h, w)) in columns.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
        ws.write_string_with_format(0, c as u16, *h, &fs.header)?;
    }
    ws.set_row_height(0, 30)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, 0, columns.len() as u16 - 1)?;
    Ok(ws)
}

/// An amount as a number shown with two places when the spreadsheet's float holds it exactly, else as
/// text (never a rounded float).
fn write_money(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    x: Decimal,
    fs: &Formats,
) -> Result<(), XlsxError> {
    let exact = x.to_f64().filter(|f| {
        let shown: Option<Decimal> = f.to_string().parse().ok();
        shown == Some(x.normalize())
    });
    match exact {
        Some(f) => ws.write_number_with_format(r, c, f, &fs.money)?,
        None => ws.write_string_with_format(r, c, x.normalize().to_string(), &fs.center)?,
    };
    Ok(())
}

fn write_percent(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    x: Option<Decimal>,
    fs: &Formats,
) -> Result<(), XlsxError> {
    match x.and_then(|x| x.round_dp(2).to_f64()) {
        Some(f) => ws.write_number_with_format(r, c, f, &fs.percent)?,
        None => ws.write_string_with_format(r, c, "—", &fs.center)?,
    };
    Ok(())
}

fn write_light(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    l: Light,
    fs: &Formats,
) -> Result<(), XlsxError> {
    let f = match l {
        Light::Red => &fs.red,
        Light::Yellow => &fs.yellow,
        Light::Green => &fs.green,
    };
    ws.write_string_with_format(r, c, l.label(), f)?;
    Ok(())
}

/// The overview workbook: 项目 (one row per project, red first), 指标亮灯 (every red or yellow light with
/// its reason), 须说明 (what must be explained), 单位汇总 (lights by unit), 读取提示 (what the reader was unsure
/// of) and 无法读取. Every sheet's header row is frozen; amounts are numbers with two places, rates numbers
/// in percent.
pub fn overview_xlsx(
    items: &[Monitored],
    unreadable: &[Unreadable],
    policy: &Policy,
) -> Result<Vec<u8>, ReportError> {
    let fs = formats();
    let mut wb = Workbook::new();
    let list = ordered(items);

    let ws = new_sheet(
        &mut wb,
        "项目",
        &[
            ("序号", 6.0),
            ("文件", 28.0),
            ("主管部门", 18.0),
            ("实施单位", 20.0),
            ("项目名称", 28.0),
            ("年度", 7.0),
            ("数据截至（月）", 9.0),
            ("全年预算数（万元）", 14.0),
            ("执行数（万元）", 14.0),
            ("全年预计执行数（万元）", 14.0),
            ("执行率（%）", 10.0),
            ("序时进度（%）", 10.0),
            ("占序时进度（%）", 10.0),
            ("预算执行", 9.0),
            ("指标红灯数", 8.0),
            ("指标黄灯数", 8.0),
            ("总体", 8.0),
            ("须说明事项", 40.0),
            ("读取提示数", 8.0),
        ],
        &fs,
    )?;
    for (k, m) in list.iter().enumerate() {
        let r = k as u32 + 1;
        let (red, yellow) = indicator_counts(&m.assessment);
        ws.write_number_with_format(r, 0, (k + 1) as f64, &fs.center)?;
        ws.write_string_with_format(r, 1, fit(&m.source), &fs.text)?;
        ws.write_string_with_format(r, 2, fit(&m.form.department), &fs.text)?;
        ws.write_string_with_format(r, 3, fit(&m.form.implementer), &fs.text)?;
        ws.write_string_with_format(r, 4, fit(&m.form.name), &fs.text)?;
        ws.write_number_with_format(r, 5, m.form.year as f64, &fs.center)?;
        ws.write_number_with_format(r, 6, m.form.month as f64, &fs.center)?;
        write_money(ws, r, 7, m.form.annual, &fs)?;
        write_money(ws, r, 8, m.form.executed, &fs)?;
        match m.form.forecast {
            Some(x) => write_money(ws, r, 9, x, &fs)?,
            None => {
                ws.write_string_with_format(r, 9, "", &fs.center)?;
            }
        }
        write_percent(ws, r, 10, m.assessment.execution_rate, &fs)?;
        write_percent(ws, r, 11, pace(&m.form, policy), &fs)?;
        write_percent(ws, r, 12, m.assessment.execution_ratio, &fs)?;
        write_light(ws, r, 13, m.assessment.execution_light, &fs)?;
        ws.write_number_with_format(r, 14, red as f64, &fs.center)?;
        ws.write_number_with_format(r, 15, yellow as f64, &fs.center)?;
        write_light(ws, r, 16, m.assessment.light, &fs)?;
        let required: Vec<String> = m
            .assessment
            .required
            .iter()
            .map(|q| field_name(&m.form, &q.path))
            .collect();
        ws.write_string_with_format(r, 17, fit(&required.join("；")), &fs.text)?;
        ws.write_number_with_format(r, 18, m.findings.len() as f64, &fs.center)?;
    }

    let ws = new_sheet(
        &mut wb,
        "指标亮灯",
        &[
            ("项目名称", 28.0),
            ("实施单位", 20.0),
            ("预算执行或指标", 24.0),
            ("年度指标值", 14.0),
            ("截至目前完成值", 14.0),
            ("完成目标可能性", 10.0),
            ("亮灯", 8.0),
            ("原因", 40.0),
        ],
        &fs,
    )?;
    let mut r = 1u32;
    for m in &list {
        if m.assessment.execution_light != Light::Green {
            ws.write_string_with_format(r, 0, fit(&m.form.name), &fs.text)?;
            ws.write_string_with_format(r, 1, fit(unit_of(&m.form)), &fs.text)?;
            ws.write_string_with_format(r, 2, "预算执行", &fs.text)?;
            ws.write_string_with_format(r, 3, "", &fs.center)?;
            ws.write_string_with_format(r, 4, "", &fs.center)?;
            ws.write_string_with_format(r, 5, "", &fs.center)?;
            write_light(ws, r, 6, m.assessment.execution_light, &fs)?;
            ws.write_string_with_format(
                r,
                7,
                format!(
                    "执行率 {}，为序时进度的 {}",
                    pct(m.assessment.execution_rate),
                    pct(m.assessment.execution_ratio)
                ),
                &fs.text,
            )?;
            r += 1;
        }
        for (ind, l) in m.form.indicators.iter().zip(&m.assessment.indicators) {
            if l.light == Light::Green {
                continue;
            }
            ws.write_string_with_format(r, 0, fit(&m.form.name), &fs.text)?;
            ws.write_string_with_format(r, 1, fit(unit_of(&m.form)), &fs.text)?;
            ws.write_string_with_format(r, 2, fit(&ind.name), &fs.text)?;
            ws.write_string_with_format(r, 3, fit(&ind.target), &fs.center)?;
            ws.write_string_with_format(r, 4, fit(&ind.progress), &fs.center)?;
            ws.write_string_with_format(
                r,
                5,
                ind.likelihood.map_or("", |l| l.label()),
                &fs.center,
            )?;
            write_light(ws, r, 6, l.light, &fs)?;
            ws.write_string_with_format(r, 7, fit(&l.reason), &fs.text)?;
            r += 1;
        }
    }

    let ws = new_sheet(
        &mut wb,
        "须说明",
        &[
            ("项目名称", 28.0),
            ("实施单位", 20.0),
            ("须填写", 36.0),
            ("字段", 22.0),
            ("原因", 48.0),
        ],
        &fs,
    )?;
    let mut r = 1u32;
    for m in &list {
        for q in &m.assessment.required {
            ws.write_string_with_format(r, 0, fit(&m.form.name), &fs.text)?;
            ws.write_string_with_format(r, 1, fit(unit_of(&m.form)), &fs.text)?;
            ws.write_string_with_format(r, 2, fit(&field_name(&m.form, &q.path)), &fs.text)?;
            ws.write_string_with_format(r, 3, &q.path, &fs.text)?;
            ws.write_string_with_format(r, 4, fit(&q.why), &fs.text)?;
            r += 1;
        }
    }

    let ws = new_sheet(
        &mut wb,
        "单位汇总",
        &[
            ("单位", 28.0),
            ("项目数", 8.0),
            ("红灯", 8.0),
            ("黄灯", 8.0),
            ("绿灯", 8.0),
        ],
        &fs,
    )?;
    for (k, u) in lights_by_unit(items).iter().enumerate() {
        let r = k as u32 + 1;
        ws.write_string_with_format(r, 0, fit(&u.unit), &fs.text)?;
        for (c, x) in [u.red + u.yellow + u.green, u.red, u.yellow, u.green]
            .into_iter()
            .enumerate()
        {
            ws.write_number_with_format(r, c as u16 + 1, x as f64, &fs.center)?;
        }
    }

    let ws = new_sheet(
        &mut wb,
        "读取提示",
        &[
            ("文件", 28.0),
            ("项目名称", 28.0),
            ("代码", 18.0),
            ("名称", 14.0),
            ("字段", 22.0),
            ("说明", 60.0),
        ],
        &fs,
    )?;
    let mut r = 1u32;
    for m in items {
        for f in &m.findings {
            ws.write_string_with_format(r, 0, fit(&m.source), &fs.text)?;
            ws.write_string_with_format(r, 1, fit(&m.form.name), &fs.text)?;
            ws.write_string_with_format(r, 2, f.code.as_str(), &fs.text)?;
            ws.write_string_with_format(r, 3, f.code.name(), &fs.text)?;
            ws.write_string_with_format(r, 4, &f.path, &fs.text)?;
            ws.write_string_with_format(r, 5, fit(&f.message), &fs.text)?;
            r += 1;
        }
    }

    let ws = new_sheet(&mut wb, "无法读取", &[("文件", 40.0), ("原因", 80.0)], &fs)?;
    for (k, u) in unreadable.iter().enumerate() {
        let r = k as u32 + 1;
        ws.write_string_with_format(r, 0, fit(&u.source), &fs.text)?;
        ws.write_string_with_format(r, 1, fit(&u.error), &fs.text)?;
    }
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------------
// 结果应用.

/// The 结果应用 list as a titled table: unit, project, year, grade, total and where it comes from, this
/// year's budget, the suggestion and its reasons.
pub fn suggestions(list: &[Suggestion]) -> Report {
    let widths: Vec<u16> = vec![2, 6, 8, 3, 3, 4, 3, 5, 5, 11];
    let n = widths.len();
    let mut rows = vec![vec![
        header("序号"),
        header("单位"),
        header("项目"),
        header("年度"),
        header("评价等级"),
        header("总分"),
        header("总分依据"),
        header("本年预算（万元）"),
        header("下年度预算建议"),
        header("理由"),
    ]];
    for (k, s) in list.iter().enumerate() {
        rows.push(vec![
            center(&(k + 1).to_string()),
            text(&s.org),
            text(&s.project),
            center(&s.year.to_string()),
            center(&s.grade.to_string()),
            Cell {
                number: Some(s.total),
                ..cell(score(s.total), CellStyle::Number)
            },
            center(s.graded_by),
            amount(s.annual),
            center(&s.rule.describe()),
            text(&s.reasons.join("；")),
        ]);
    }
    if list.is_empty() {
        rows.push(vec![span(center("（没有项目）"), n, 1)]);
    }
    let years: Vec<i32> = {
        let mut y: Vec<i32> = list.iter().map(|s| s.year).collect();
        y.sort();
        y.dedup();
        y
    };
    let subtitle = match years.as_slice() {
        [y] => format!("（{y}年度评价结果，用于{}年度预算安排）", y + 1),
        _ => String::new(),
    };
    let total: Decimal = list.iter().map(|s| s.annual).sum();
    Report {
        title: "绩效评价结果应用建议表".into(),
        project_name: String::new(),
        blocks: vec![Block::Sheet],
        sheet: Sheet {
            title: String::new(),
            subtitle,
            widths,
            rows,
            indicator_header_row: 0,
            notes: vec![format!(
                "注：共 {} 个项目，本年预算合计 {} 万元。总分依据“复核”为复核完成后的复核总分，“计算”为按评分规则计算的总分。",
                list.len(),
                money(total)
            )],
        },
        chart: Vec::new(),
        chart_caption: String::new(),
        appendix: None,
    }
}

/// The 结果应用 list as PDF.
pub fn suggestions_pdf(
    list: &[Suggestion],
    fonts_dir: Option<&Path>,
) -> Result<Rendered, ReportError> {
    crate::pdf::render(&suggestions(list), None, fonts_dir)
}

/// The 结果应用 list as a workbook: one row per project, the header row frozen, amounts as numbers with two
/// places.
pub fn suggestions_xlsx(list: &[Suggestion]) -> Result<Vec<u8>, ReportError> {
    let fs = formats();
    let mut wb = Workbook::new();
    let ws = new_sheet(
        &mut wb,
        "结果应用",
        &[
            ("序号", 6.0),
            ("单位", 24.0),
            ("项目名称", 30.0),
            ("年度", 7.0),
            ("评价等级", 9.0),
            ("总分", 9.0),
            ("总分依据", 9.0),
            ("本年预算数（万元）", 15.0),
            ("下年度预算建议", 16.0),
            ("运行监控红灯（月）", 14.0),
            ("未完成整改事项", 10.0),
            ("理由", 60.0),
        ],
        &fs,
    )?;
    for (k, s) in list.iter().enumerate() {
        let r = k as u32 + 1;
        ws.write_number_with_format(r, 0, (k + 1) as f64, &fs.center)?;
        ws.write_string_with_format(r, 1, fit(&s.org), &fs.text)?;
        ws.write_string_with_format(r, 2, fit(&s.project), &fs.text)?;
        ws.write_number_with_format(r, 3, s.year as f64, &fs.center)?;
        ws.write_string_with_format(r, 4, s.grade.to_string(), &fs.center)?;
        match s.total.to_f64() {
            Some(t) => ws.write_number_with_format(r, 5, t, &fs.percent)?,
            None => ws.write_string_with_format(r, 5, score(s.total), &fs.center)?,
        };
        ws.write_string_with_format(r, 6, s.graded_by, &fs.center)?;
        write_money(ws, r, 7, s.annual, &fs)?;
        ws.write_string_with_format(r, 8, s.rule.describe(), &fs.center)?;
        let reds: Vec<String> = s
            .lights
            .iter()
            .filter(|(_, l)| *l == Light::Red)
            .map(|(m, _)| m.to_string())
            .collect();
        ws.write_string_with_format(r, 9, reds.join("、"), &fs.center)?;
        ws.write_number_with_format(r, 10, s.open_rectifications as f64, &fs.center)?;
        ws.write_string_with_format(r, 11, fit(&s.reasons.join("；")), &fs.text)?;
    }
    Ok(wb.save_to_buffer()?)
}
