//! The workbook's sheets for the 监控表 reader (crate::sheet), with its errors naming the file.

pub(super) use crate::sheet::Sheet;
use crate::sheet::SheetError;

use super::MonitorError;

pub(super) fn sheets(bytes: &[u8], file: &str) -> Result<Vec<Sheet>, MonitorError> {
    crate::sheet::sheets(bytes, file).map_err(|e| match e {
        SheetError::Import(e) => MonitorError::Import(e),
        SheetError::NotWorkbook => MonitorError::NotWorkbook {
            file: file.to_string(),
        },
        SheetError::Bad(reason) => MonitorError::BadWorkbook {
            file: file.to_string(),
            reason,
        },
    })
}
