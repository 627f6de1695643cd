//! Reading one sheet: where its forms are (an indicator table's header row), the labelled cells above each
//! table (project, funds, goals), and the table's rows. Labels and column headers are recognised by their
//! words; a value is the next cell to the right of its label or, for a goal printed over its text, the
//! cell below.
//!
//! This module holds [`read_sheet`] and the context findings are gathered in; the parts of a form are read
//! by its submodules: [`labels`] (the words and cells everything else reads by), [`columns`] (the indicator
//! table's header row), [`header`] (project, attribute, period, year, goals), [`funds`] (the 项目资金
//! block), [`table`] (the indicator rows) and [`list`] (a department's one-row-per-indicator list).

mod columns;
mod funds;
mod header;
mod labels;
mod list;
mod table;

use jixiao_core::{Code, Finding};

use super::{GoalsError, Grid, ReadDeclaration};
use crate::import::Origin;
use columns::Columns;
use header::read_header;
use list::read_list;
use table::read_table;

fn finding(code: Code, path: impl Into<String>, origin: &Origin, what: String) -> Finding {
    let advice = match code {
        Code::ImportIncomplete => "取得完整的申报表后重新导入，或在绩效目标文件中补齐缺少的内容。",
        _ => "对照原件核对该值，必要时在绩效目标文件中改正。",
    };
    Finding::new(code, path, format!("{}：{what}", origin.describe()), advice)
}

/// Where things were read, for findings.
struct Ctx<'a> {
    grid: &'a Grid,
    file: &'a str,
    findings: Vec<Finding>,
}

impl<'a> Ctx<'a> {
    /// A context with no findings yet.
    fn new(grid: &'a Grid, file: &'a str) -> Self {
        Ctx {
            grid,
            file,
            findings: Vec::new(),
        }
    }
    fn ambiguous(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings
            .push(finding(Code::ImportAmbiguous, path, origin, what));
    }
    fn incomplete(&mut self, path: impl Into<String>, origin: &Origin, what: String) {
        self.findings
            .push(finding(Code::ImportIncomplete, path, origin, what));
    }
    fn bad_number(&self, r: usize, c: usize, what: &str) -> GoalsError {
        GoalsError::BadNumber {
            file: self.file.to_string(),
            at: self.grid.origin(r, c).describe(),
            what: what.to_string(),
            text: self.grid.at(r, c).trim().to_string(),
        }
    }
}

/// Every form of a sheet: each indicator table with the labelled rows above it.
pub(super) fn read_sheet(grid: &Grid, file: &str) -> Result<Vec<ReadDeclaration>, GoalsError> {
    let headers: Vec<(usize, Columns)> = (0..grid.rows())
        .filter_map(|r| Columns::of(grid, r).map(|c| (r, c)))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, (h, cols)) in headers.iter().enumerate() {
        let limit = headers.get(i + 1).map_or(grid.rows(), |x| x.0);
        let mut ctx = Ctx::new(grid, file);
        if cols.is_list() {
            let (list, end) = read_list(&mut ctx, start, *h, cols, limit)?;
            out.extend(list);
            start = end;
        } else {
            let mut header = read_header(&mut ctx, start..*h)?;
            let (indicators, end) = read_table(&mut ctx, *h, cols, limit)?;
            header.declaration.indicators = indicators;
            let mut findings = header.findings;
            findings.append(&mut ctx.findings);
            out.push((header.declaration, findings));
            start = end;
        }
    }
    Ok(out)
}
