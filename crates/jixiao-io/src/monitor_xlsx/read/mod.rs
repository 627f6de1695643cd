//! Reading one sheet: where its forms are (an indicator table's header row: 三级指标 or 指标名称, 指标值 and
//! a 1—N月完成值 / 执行情况 column), the labelled cells above each table (project, units, funds, title), the
//! table's rows, and the labelled rows under it (偏差原因, 措施). Labels and column headers are recognised by
//! their words; a value is the next filled cell to the right of its label, or the cell under its column
//! header.
//!
//! This module holds [`read_sheet`] and the context findings are gathered in; the parts of a form are read
//! by its submodules: [`labels`] (the words and cells everything else reads by), [`columns`] (the indicator
//! table's header row), [`funds`] (the 项目资金 block and the amounts), [`form`] (one form: its labels,
//! amounts, year and month) and [`table`] (where a table ends and its indicator rows).

mod columns;
mod form;
mod funds;
mod labels;
mod table;

use jixiao_core::{Code, Finding};

use super::grid::Sheet;
use super::{MonitorError, ReadMonitorForm};
use crate::import::Origin;
use columns::{Table, table_at};
use form::read_form;
use table::{data_rows, starts_form};

fn finding(code: Code, path: impl Into<String>, origin: &Origin, what: String) -> Finding {
    let advice = match code {
        Code::ImportIncomplete => {
            "请单位补填后重新报送，或在监控表中补齐后重新读取；提交前须补齐的内容见监控结论。"
        }
        _ => "对照原表核对该值，必要时改正后重新读取。",
    };
    Finding::new(code, path, format!("{}：{what}", origin.describe()), advice)
}

/// Every form of a sheet, top to bottom.
pub(super) fn read_sheet(s: &Sheet, file: &str) -> Result<Vec<ReadMonitorForm>, MonitorError> {
    let mut tables: Vec<(Table, Vec<usize>)> = Vec::new();
    let mut r = 0;
    while r < s.rows() {
        match table_at(s, r) {
            Some(t) => {
                let rows = data_rows(s, &t);
                let end = rows.last().copied().unwrap_or(t.first.saturating_sub(1));
                r = end.max(t.header) + 1;
                tables.push((t, rows));
            }
            None => r += 1,
        }
    }
    // Each form's region: from its title (or 项目名称) to the next form's; the rows between a table and the
    // next form's title belong to the table's form (偏差原因 and 措施 rows under it).
    let mut starts = vec![0usize];
    for k in 1..tables.len() {
        let prev_end = tables[k - 1]
            .1
            .last()
            .copied()
            .unwrap_or(tables[k - 1].0.header)
            + 1;
        let header = tables[k].0.header;
        let start = (prev_end..header)
            .find(|&r| starts_form(s, r))
            .unwrap_or(prev_end);
        starts.push(start);
    }
    let mut out = Vec::new();
    for (k, (table, rows)) in tables.iter().enumerate() {
        let start = starts[k];
        let end = starts.get(k + 1).copied().unwrap_or(s.rows());
        let table_end = rows.last().copied().unwrap_or(table.header) + 1;
        out.push(read_form(
            s,
            file,
            start..table.header,
            table,
            rows,
            table_end..end,
        )?);
    }
    Ok(out)
}

pub(super) struct Reader<'a> {
    pub(super) s: &'a Sheet,
    pub(super) file: &'a str,
    pub(super) findings: Vec<Finding>,
}

impl Reader<'_> {
    pub(super) fn note(
        &mut self,
        code: Code,
        path: impl Into<String>,
        r: usize,
        c: usize,
        what: String,
    ) {
        let origin = self.s.origin(r, c);
        self.findings.push(finding(code, path, &origin, what));
    }
    pub(super) fn at(&self, r: usize, c: usize) -> String {
        self.s.origin(r, c).describe()
    }
}
