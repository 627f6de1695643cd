pub mod national;
