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

use jixiao_core::Finding;
use jixiao_core::goals::Declaration;

use crate::import::ImportError;

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

/// A sheet as text cells with its merged ranges filled (crate::sheet, shared with the 监控表 reader).
pub(crate) use crate::sheet::Sheet as Grid;

/// The sheets of an xlsx or xls workbook as grids, with the errors naming the file.
fn sheets(bytes: &[u8], file: &str) -> Result<Vec<Grid>, GoalsError> {
    use crate::sheet::SheetError;
    crate::sheet::sheets(bytes, file).map_err(|e| match e {
        SheetError::Import(e) => GoalsError::Import(e),
        SheetError::NotWorkbook => GoalsError::NotWorkbook {
            file: file.to_string(),
        },
        SheetError::Bad(reason) => GoalsError::BadWorkbook {
            file: file.to_string(),
            reason,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_workbook_is_an_error_naming_the_file() {
        let e = read_declaration(b"hello", "goals.txt").unwrap_err();
        assert!(e.to_string().contains("goals.txt"), "{e}");
        assert!(matches!(e, GoalsError::NotWorkbook { .. }), "{e:?}");
        let e = read_declaration(b"PK\x03\x04garbage", "goals.xlsx").unwrap_err();
        assert!(e.to_string().starts_with("goals.xlsx"), "{e}");
    }
}
