pub mod docx;
pub mod keys;
pub mod national;
