//! The 项目支出绩效运行监控表 (绩效监控表, 绩效目标执行监控表) as an Excel workbook, both ways.
//!
//! * [`read_monitor_forms`]: every 监控表 a workbook holds, found by its labels and column headers, never
//!   by fixed positions. It reads the common official layout (项目名称 / 主管部门 / 实施单位; the 项目资金
//!   block with 年初预算数 or 全年预算数, 1—N月执行数, 执行率, 全年预计执行数 and the 偏差原因 / 措施; the
//!   indicator table with 一级 / 二级 / 三级指标, 年度指标值, 1—N月实际完成值, 全年预计完成值, 完成目标可能性,
//!   偏差原因 and 完成目标采取的措施) and its variants: the funds as label / value pairs, amounts in 元,
//!   完成目标可能性 as three tick columns and 偏差原因 as the tick columns of the 财预〔2019〕136号 template
//!   (经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他, the explanation in 备注), the form-level
//!   偏差原因 / 措施 as rows under the table, 一级 / 二级 merged or left blank for "same as above". The month
//!   the data run to comes from the headers or the title (1—7月执行数, 截至7月底, 半年度); a form whose
//!   month cannot be read is an error naming the file and sheet. Whatever is read with doubt is an
//!   `import-ambiguous` finding and whatever the form does not hold an `import-incomplete` finding; an
//!   amount that is not a number is an error naming the file, sheet, row and column.
//! * [`write_monitor_form`]: the common official layout, which [`read_monitor_forms`] reads back unchanged.

mod grid;
mod read;
mod write;

use jixiao_core::Finding;
use jixiao_core::monitoring::MonitorForm;

use crate::import::ImportError;

pub use write::write_monitor_form;

/// Why a workbook could not be read as 监控表. Every message names the file; those about a place in it name
/// the sheet, and the row and column where there is one.
#[derive(Debug, thiserror::Error)]
pub enum MonitorError {
    /// Empty, not a zip, a zip bomb …: what the importer's format check says.
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{file}：不是 Excel 工作簿（.xlsx 或 .xls），无法作为绩效运行监控表读取")]
    NotWorkbook { file: String },
    #[error("{file}：工作簿已损坏或无法读取：{reason}")]
    BadWorkbook { file: String, reason: String },
    #[error(
        "{file}：未找到绩效运行监控表（{searched}中没有同时含“三级指标”（或“指标名称”）、“指标值”和“1—N月完成值（执行情况）”的表头行）"
    )]
    NoForm { file: String, searched: String },
    #[error(
        "{file} {at}：无法确定数据截至哪个月：标题和表头中没有“1—7月执行数”“截至7月底”“半年度”等字样，请在标题中注明（如“（截至7月底）”）后重新读取"
    )]
    NoMonth { file: String, at: String },
    #[error(
        "{file} {at}：无法确定年度：标题、表头和项目名称中没有“2023年度”等字样，请在标题中注明年度后重新读取"
    )]
    NoYear { file: String, at: String },
    #[error("{file} {at}：{what}“{text}”不是数字")]
    BadNumber {
        file: String,
        at: String,
        what: String,
        text: String,
    },
    #[error("{file} {at}：{what}")]
    Missing {
        file: String,
        at: String,
        what: String,
    },
}

/// One 监控表 read from a workbook, with what the reader was unsure of (paths are [`MonitorForm`] field
/// paths: `annual`, `indicators[2].likelihood` …).
pub type ReadMonitorForm = (MonitorForm, Vec<Finding>);

/// Reads every 监控表 of a workbook (.xlsx or .xls), in sheet order and, within a sheet, top to bottom.
/// `file_name` names the file in errors and findings.
pub fn read_monitor_forms(
    bytes: &[u8],
    file_name: &str,
) -> Result<Vec<(MonitorForm, Vec<Finding>)>, MonitorError> {
    let sheets = grid::sheets(bytes, file_name)?;
    let mut out = Vec::new();
    for sheet in &sheets {
        out.extend(read::read_sheet(sheet, file_name)?);
    }
    if out.is_empty() {
        let searched = match sheets.len() {
            0 => "工作簿".to_string(),
            _ => sheets
                .iter()
                .map(|g| format!("工作表“{}”", g.sheet))
                .collect::<Vec<_>>()
                .join("、"),
        };
        return Err(MonitorError::NoForm {
            file: file_name.to_string(),
            searched,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_workbook_is_an_error_naming_the_file() {
        let e = read_monitor_forms(b"hello", "monitor.txt").unwrap_err();
        assert!(e.to_string().contains("monitor.txt"), "{e}");
        assert!(matches!(e, MonitorError::NotWorkbook { .. }), "{e:?}");
        let e = read_monitor_forms(b"PK\x03\x04garbage", "monitor.xlsx").unwrap_err();
        assert!(e.to_string().starts_with("monitor.xlsx"), "{e}");
    }
}
