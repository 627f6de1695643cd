//! The 绩效目标申报表 (项目支出绩效目标表) as an Excel workbook, both ways.
//!
//! * [`read_declarations`] / [`read_declaration`]: the declarations a workbook holds, found by their labels
//!   and column headers, never by fixed positions. It reads the common official layout (项目名称 / 主管部门
//!   / 实施单位 / 项目属性 / 项目期 rows, the 项目资金 block, 总体目标 with 年度目标 and 中长期目标 side by side
//!   or stacked, the indicator table), the 审批表 and transfer-payment variants, and the one-row-per-
//!   indicator lists of a department's budget (单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 …).
//!   Whatever it reads with doubt is an `import-ambiguous` finding and whatever the form does not hold an
//!   `import-incomplete` finding; a cell it cannot read as the number it must be is an error naming the
//!   file, sheet, row and column.
//! * [`write_declaration`]: the common official layout, which [`read_declaration`] reads back unchanged.

mod read;
mod write;

use std::io::Cursor;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader};
use jixiao_core::Finding;
use jixiao_core::goals::Declaration;

use crate::import::{ImportError, Origin, SourceFormat, detect};

pub use write::write_declaration;

/// Why a workbook could not be read as a 绩效目标申报表. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum GoalsError {
    /// Empty, not a zip, a zip bomb …: what the importer's format check says.
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{file}：不是 Excel 工作簿（.xlsx 或 .xls），无法作为绩效目标申报表读取")]
    NotWorkbook { file: String },
    #[error("{file}：工作簿已损坏或无法读取：{reason}")]
    BadWorkbook { file: String, reason: String },
    #[error(
        "{file}：未找到绩效指标表（{searched}中没有同时含“三级指标”和“指标值”的表头行），不是绩效目标申报表"
    )]
    NoIndicatorTable { file: String, searched: String },
    #[error("{file} {at}：{what}“{text}”不是数字")]
    BadNumber {
        file: String,
        at: String,
        what: String,
        text: String,
    },
    #[error("{file}：含有 {count} 个项目的绩效目标（{names}），这里只能处理一个")]
    Several {
        file: String,
        count: usize,
        names: String,
    },
}

/// One declaration read from a workbook, with what the reader was unsure of.
pub type ReadDeclaration = (Declaration, Vec<Finding>);

/// Reads the one declaration a workbook holds; several (a department's list, one per sheet) is an error
/// naming them: read those with [`read_declarations`]. `file_name` names the file in errors and findings.
pub fn read_declaration(
    bytes: &[u8],
    file_name: &str,
) -> Result<(Declaration, Vec<Finding>), GoalsError> {
    let mut all = read_declarations(bytes, file_name)?;
    if all.len() == 1 {
        return Ok(all.remove(0));
    }
    let names: Vec<String> = all
        .iter()
        .map(|(d, _)| format!("“{}”", d.project.name))
        .collect();
    Err(GoalsError::Several {
        file: file_name.to_string(),
        count: all.len(),
        names: names.join("、"),
    })
}

/// Reads every declaration of a workbook, in sheet order: one per form, or one per project of a list.
pub fn read_declarations(
    bytes: &[u8],
    file_name: &str,
) -> Result<Vec<ReadDeclaration>, GoalsError> {
    let grids = sheets(bytes, file_name)?;
    let mut out = Vec::new();
    for grid in &grids {
        out.extend(read::read_sheet(grid, file_name)?);
    }
    if out.is_empty() {
        let searched = match grids.len() {
            0 => "工作簿".to_string(),
            _ => grids
                .iter()
                .map(|g| format!("工作表“{}”", g.sheet))
                .collect::<Vec<_>>()
                .join("、"),
        };
        return Err(GoalsError::NoIndicatorTable {
            file: file_name.to_string(),
            searched,
        });
    }
    Ok(out)
}

/// A sheet as text cells with its merged ranges filled: every cell of a range holds the range's text and
/// knows the range's top-left cell (its anchor), so that a label never reads its own merged copy as its
/// value.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub sheet: String,
    /// 0-based sheet row and column of `text[0][0]`.
    pub top: u32,
    pub left: u32,
    pub text: Vec<Vec<String>>,
    pub anchor: Vec<Vec<(usize, usize)>>,
}

impl Grid {
    pub fn rows(&self) -> usize {
        self.text.len()
    }
    pub fn cols(&self) -> usize {
        self.text.first().map_or(0, Vec::len)
    }
    pub fn at(&self, r: usize, c: usize) -> &str {
        self.text
            .get(r)
            .and_then(|row| row.get(c))
            .map_or("", String::as_str)
    }
    /// Where a cell is, in the user's words (工作表“…”第 5 行第 C 列).
    pub fn origin(&self, r: usize, c: usize) -> Origin {
        Origin {
            sheet: Some(self.sheet.clone()),
            row: Some(self.top + r as u32 + 1),
            col: Some(self.left + c as u32 + 1),
            ..Default::default()
        }
    }
    pub fn row_origin(&self, r: usize) -> Origin {
        Origin {
            sheet: Some(self.sheet.clone()),
            row: Some(self.top + r as u32 + 1),
            ..Default::default()
        }
    }
}

/// The sheets of an xlsx or xls workbook as grids. Chart sheets and empty sheets are left out. An xlsx
/// sheet is read cell by cell (never as calamine's dense range, which a sheet claiming a cell at XFD1048576
/// would make enormous).
fn sheets(bytes: &[u8], file: &str) -> Result<Vec<Grid>, GoalsError> {
    let bad = |reason: String| GoalsError::BadWorkbook {
        file: file.to_string(),
        reason,
    };
    let mut out = Vec::new();
    match detect(bytes, Path::new(file))? {
        SourceFormat::Xlsx => {
            let mut wb = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
            for name in wb.sheet_names().to_vec() {
                let in_sheet = |e: calamine::XlsxError| bad(format!("工作表“{name}”：{e}"));
                let mut cells = Vec::new();
                match wb.worksheet_cells_reader(&name) {
                    Ok(mut reader) => {
                        while let Some(cell) = reader.next_cell().map_err(in_sheet)? {
                            if cells.len() >= MAX_CELLS {
                                break;
                            }
                            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                                let data: Data = cell.get_value().clone().into();
                                cells.push((cell.get_position(), cell_text(&data)));
                            }
                        }
                    }
                    Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(in_sheet(e)),
                }
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                out.extend(grid_of(&name, cells, &merges));
            }
        }
        SourceFormat::Xls => {
            let mut wb = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
            for name in wb.sheet_names().to_vec() {
                let range = wb
                    .worksheet_range(&name)
                    .map_err(|e| bad(format!("工作表“{name}”：{e}")))?;
                let (r0, c0) = range.start().unwrap_or_default();
                let cells = range
                    .used_cells()
                    .take(MAX_CELLS)
                    .map(|(r, c, d)| ((r as u32 + r0, c as u32 + c0), cell_text(d)))
                    .collect();
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                out.extend(grid_of(&name, cells, &merges));
            }
        }
        _ => {
            return Err(GoalsError::NotWorkbook {
                file: file.to_string(),
            });
        }
    }
    Ok(out)
}

/// At most this many rows and columns of a sheet are read, from its first filled cell: a declaration is a
/// page or two, a department's list a few thousand rows. At most this many filled cells are kept, and at
/// most this many cells are filled from merged ranges.
const MAX_ROWS: usize = 5_000;
const MAX_COLS: usize = 60;
const MAX_CELLS: usize = 300_000;
const MAX_MERGE_FILL: usize = 1_000_000;

/// A sheet's grid from its filled cells (0-based sheet positions) and merged ranges.
fn grid_of(
    name: &str,
    cells: Vec<((u32, u32), String)>,
    merges: &[calamine::Dimensions],
) -> Option<Grid> {
    let top = cells.iter().map(|c| c.0.0).min()?;
    let left = cells.iter().map(|c| c.0.1).min()?;
    let (mut h, mut w) = (0usize, 0usize);
    for ((r, c), _) in &cells {
        h = h.max((r - top) as usize + 1);
        w = w.max((c - left) as usize + 1);
    }
    let (h, w) = (h.min(MAX_ROWS), w.min(MAX_COLS));
    let mut text = vec![vec![String::new(); w]; h];
    for ((r, c), t) in cells {
        let (r, c) = ((r - top) as usize, (c - left) as usize);
        if r < h && c < w {
            text[r][c] = t;
        }
    }
    let mut anchor: Vec<Vec<(usize, usize)>> =
        (0..h).map(|r| (0..w).map(|c| (r, c)).collect()).collect();
    let mut budget = MAX_MERGE_FILL;
    for m in merges {
        if m.start.0 < top || m.start.1 < left || m.end.0 < m.start.0 || m.end.1 < m.start.1 {
            continue;
        }
        let (sr, sc) = ((m.start.0 - top) as usize, (m.start.1 - left) as usize);
        if sr >= h || sc >= w {
            continue;
        }
        let er = ((m.end.0 - top) as usize).min(h - 1);
        let ec = ((m.end.1 - left) as usize).min(w - 1);
        let area = (er - sr + 1) * (ec - sc + 1);
        if area > budget {
            break;
        }
        budget -= area;
        let v = text[sr][sc].clone();
        for r in sr..=er {
            for c in sc..=ec {
                anchor[r][c] = (sr, sc);
                if (r, c) != (sr, sc) {
                    text[r][c] = v.clone();
                }
            }
        }
    }
    Some(Grid {
        sheet: name.to_string(),
        top,
        left,
        text,
        anchor,
    })
}

/// A cell's text as the form shows it: numbers through their shortest decimal text (never f64
/// arithmetic), dates as `2023-12-31`.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "是" } else { "否" }.into(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// A float cell as the decimal the sheet shows: the shortest round-trip text, rounded to 9 places so that
/// a formula's binary artefacts (`0.30000000000000004`) read as `0.3`.
fn float_text(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let shortest = f.to_string();
    match rust_decimal::Decimal::from_str(&shortest)
        .or_else(|_| rust_decimal::Decimal::from_scientific(&format!("{f:e}")))
    {
        Ok(d) => d.round_dp(9).normalize().to_string(),
        Err(_) => shortest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_as_the_decimals_shown() {
        assert_eq!(float_text(330.984), "330.984");
        assert_eq!(float_text(0.1 + 0.2), "0.3");
        assert_eq!(float_text(3309840.0), "3309840");
        assert_eq!(float_text(f64::INFINITY), "");
    }

    #[test]
    fn what_is_not_a_workbook_is_an_error_naming_the_file() {
        let e = read_declaration(b"hello", "goals.txt").unwrap_err();
        assert!(e.to_string().contains("goals.txt"), "{e}");
        assert!(matches!(e, GoalsError::NotWorkbook { .. }), "{e:?}");
        let e = read_declaration(b"PK\x03\x04garbage", "goals.xlsx").unwrap_err();
        assert!(e.to_string().starts_with("goals.xlsx"), "{e}");
    }
}
