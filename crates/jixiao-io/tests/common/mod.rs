pub mod docx;
pub mod national;
