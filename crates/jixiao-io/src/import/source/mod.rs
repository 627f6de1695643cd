pub(super) mod docx;
pub(super) mod pdf;
pub(super) mod sheetxml;
pub(super) mod xlsx;
