//! The review workbook: 项目汇总 (one row per project), 审核发现 (one row per finding, with a filter),
//! 单位汇总 (per organisation), 抽查清单 (the shortlist with reasons), 无法读取 (files skipped).
//!
//! The two sheets that grow with the batch are written in rust_xlsxwriter's constant-memory mode: the
//! findings sheet row by row as projects finish, the summary sheet once at the end from the rows.

use std::path::Path;

use jixiao_core::Finding;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::summary::{ProjectRow, Review};

pub const SUMMARY: &str = "项目汇总";
pub const FINDINGS: &str = "审核发现";
pub const ORGS: &str = "单位汇总";
pub const SHORTLIST: &str = "抽查清单";
pub const FAILURES: &str = "无法读取";

/// Column headers and widths (in Excel character units; Chinese characters count two) of each sheet.
pub const SUMMARY_COLUMNS: &[(&str, f64)] = &[
    ("来源", 30.0),
    ("主管部门", 20.0),
    ("实施单位", 22.0),
    ("项目名称", 30.0),
    ("年度", 6.0),
    ("自评总分", 9.0),
    ("计算总分", 9.0),
    ("差额", 8.0),
    ("自评等级", 9.0),
    ("计算等级", 9.0),
    ("年初预算数（万元）", 12.0),
    ("全年预算数（万元）", 12.0),
    ("执行数（万元）", 12.0),
    ("预算调整幅度", 10.0),
    ("预算执行率", 10.0),
    ("错误", 6.0),
    ("警告", 6.0),
    ("提示", 6.0),
    ("主要发现", 60.0),
    ("风险分", 8.0),
];
pub const FINDING_COLUMNS: &[(&str, f64)] = &[
    ("来源", 30.0),
    ("实施单位", 22.0),
    ("项目名称", 30.0),
    ("年度", 6.0),
    ("审核发现", 18.0),
    ("级别", 6.0),
    ("位置", 22.0),
    ("说明", 60.0),
    ("建议", 40.0),
    // Last: for reviewers who search by code.
    ("代码", 24.0),
];
pub const ORG_COLUMNS: &[(&str, f64)] = &[
    ("主管部门", 20.0),
    ("单位", 22.0),
    ("项目数", 8.0),
    ("平均自评总分", 12.0),
    ("平均计算总分", 12.0),
    ("平均差额", 10.0),
    ("全部满分项目占比", 14.0),
    ("错误", 6.0),
    ("警告", 6.0),
    ("最常见的发现", 50.0),
];
pub const SHORTLIST_COLUMNS: &[(&str, f64)] = &[
    ("排序", 6.0),
    ("风险分", 8.0),
    ("来源", 30.0),
    ("实施单位", 22.0),
    ("项目名称", 30.0),
    ("年度", 6.0),
    ("自评总分", 9.0),
    ("计算总分", 9.0),
    ("差额", 8.0),
    ("抽查理由", 80.0),
];
pub const FAILURE_COLUMNS: &[(&str, f64)] = &[("来源", 40.0), ("错误", 100.0)];

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

struct Formats {
    header: Format,
    score: Format,
    money: Format,
    percent: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("#DDE4EE")
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            score: Format::new().set_num_format("0.00"),
            money: Format::new().set_num_format("#,##0.00"),
            percent: Format::new().set_num_format("0.0%"),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

fn header(ws: &mut Worksheet, columns: &[(&str, f64)], fmt: &Format) -> Result<(), XlsxError> {
    for (c, (name, width)) in columns.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
        ws.write_string_with_format(0, c as u16, *name, fmt)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn opt_num(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    x: Option<Decimal>,
    fmt: &Format,
) -> Result<(), XlsxError> {
    if let Some(x) = x {
        ws.write_number_with_format(row, col, f(x), fmt)?;
    }
    Ok(())
}

/// Writes the review workbook while the batch runs: findings as they arrive, the rest at the end.
pub struct ReviewWorkbook {
    workbook: Workbook,
    formats: Formats,
    next_finding_row: u32,
}

impl ReviewWorkbook {
    pub fn new() -> Result<ReviewWorkbook, XlsxError> {
        let formats = Formats::new();
        let mut workbook = Workbook::new();
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(SUMMARY)?;
        let ws = workbook
            .add_worksheet_with_constant_memory()?
            .set_name(FINDINGS)?;
        header(ws, FINDING_COLUMNS, &formats.header)?;
        workbook.add_worksheet().set_name(ORGS)?;
        workbook.add_worksheet().set_name(SHORTLIST)?;
        workbook.add_worksheet().set_name(FAILURES)?;
        Ok(ReviewWorkbook {
            workbook,
            formats,
            next_finding_row: 1,
        })
    }

    /// One row per finding of a project that has just been evaluated.
    pub fn add_findings(
        &mut self,
        row: &ProjectRow,
        findings: &[Finding],
    ) -> Result<(), XlsxError> {
        let ws = self.workbook.worksheet_from_name(FINDINGS)?;
        for x in findings {
            let r = self.next_finding_row;
            ws.write_string(r, 0, &row.source)?;
            ws.write_string(r, 1, &row.organisation)?;
            ws.write_string(r, 2, &row.name)?;
            ws.write_number(r, 3, row.year)?;
            ws.write_string(r, 4, x.name())?;
            ws.write_string(r, 5, x.severity().label())?;
            ws.write_string(r, 6, &x.path)?;
            ws.write_string(r, 7, &x.message)?;
            ws.write_string(r, 8, &x.advice)?;
            ws.write_string(r, 9, x.code.as_str())?;
            self.next_finding_row += 1;
        }
        Ok(())
    }

    /// Writes the summary, organisation, shortlist and failure sheets and saves the workbook.
    pub fn finish(mut self, review: &Review, path: &Path) -> Result<(), XlsxError> {
        let fm = &self.formats;
        let last_finding = self.next_finding_row.saturating_sub(1).max(1);
        self.workbook.worksheet_from_name(FINDINGS)?.autofilter(
            0,
            0,
            last_finding,
            FINDING_COLUMNS.len() as u16 - 1,
        )?;

        let ws = self.workbook.worksheet_from_name(SUMMARY)?;
        header(ws, SUMMARY_COLUMNS, &fm.header)?;
        for (i, p) in review.rows.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &p.source)?;
            ws.write_string(r, 1, &p.department)?;
            ws.write_string(r, 2, &p.organisation)?;
            ws.write_string(r, 3, &p.name)?;
            ws.write_number(r, 4, p.year)?;
            opt_num(ws, r, 5, p.stated_total, &fm.score)?;
            ws.write_number_with_format(r, 6, f(p.computed_total), &fm.score)?;
            opt_num(ws, r, 7, p.gap(), &fm.score)?;
            ws.write_string(r, 8, p.stated_grade.map_or("", |g| g.as_str()))?;
            ws.write_string(r, 9, p.computed_grade.as_str())?;
            opt_num(ws, r, 10, p.initial, &fm.money)?;
            ws.write_number_with_format(r, 11, f(p.annual), &fm.money)?;
            ws.write_number_with_format(r, 12, f(p.executed), &fm.money)?;
            opt_num(ws, r, 13, p.adjustment, &fm.percent)?;
            opt_num(ws, r, 14, p.execution_rate, &fm.percent)?;
            ws.write_number(r, 15, p.errors)?;
            ws.write_number(r, 16, p.warnings)?;
            ws.write_number(r, 17, p.infos)?;
            ws.write_string(r, 18, p.top_findings.join("\n"))?;
            ws.write_number_with_format(r, 19, f(p.risk), &fm.score)?;
        }
        ws.autofilter(
            0,
            0,
            (review.rows.len() as u32).max(1),
            SUMMARY_COLUMNS.len() as u16 - 1,
        )?;

        let ws = self.workbook.worksheet_from_name(ORGS)?;
        header(ws, ORG_COLUMNS, &fm.header)?;
        for (i, o) in review.orgs.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &o.department)?;
            ws.write_string(r, 1, &o.organisation)?;
            ws.write_number(r, 2, o.projects)?;
            opt_num(ws, r, 3, o.mean_stated, &fm.score)?;
            ws.write_number_with_format(r, 4, f(o.mean_computed), &fm.score)?;
            opt_num(ws, r, 5, o.mean_gap, &fm.score)?;
            ws.write_number_with_format(r, 6, f(o.full_marks_share), &fm.percent)?;
            ws.write_number(r, 7, o.errors)?;
            ws.write_number(r, 8, o.warnings)?;
            let top: Vec<String> = o
                .top_codes
                .iter()
                .map(|(c, n)| format!("{}（{n} 个项目）", c.name()))
                .collect();
            ws.write_string(r, 9, top.join("、"))?;
        }

        let ws = self.workbook.worksheet_from_name(SHORTLIST)?;
        header(ws, SHORTLIST_COLUMNS, &fm.header)?;
        for (i, &idx) in review.shortlist.iter().enumerate() {
            let p = &review.rows[idx];
            let r = i as u32 + 1;
            ws.write_number(r, 0, r)?;
            ws.write_number_with_format(r, 1, f(p.risk), &fm.score)?;
            ws.write_string(r, 2, &p.source)?;
            ws.write_string(r, 3, &p.organisation)?;
            ws.write_string(r, 4, &p.name)?;
            ws.write_number(r, 5, p.year)?;
            opt_num(ws, r, 6, p.stated_total, &fm.score)?;
            ws.write_number_with_format(r, 7, f(p.computed_total), &fm.score)?;
            opt_num(ws, r, 8, p.gap(), &fm.score)?;
            ws.write_string_with_format(r, 9, p.reasons.join("；"), &fm.wrap)?;
        }

        let ws = self.workbook.worksheet_from_name(FAILURES)?;
        header(ws, FAILURE_COLUMNS, &fm.header)?;
        for (i, x) in review.failures.iter().enumerate() {
            ws.write_string(i as u32 + 1, 0, &x.source)?;
            ws.write_string(i as u32 + 1, 1, &x.error)?;
        }
        self.workbook.save(path)
    }
}
