//! jixiao-batch: batch review for finance bureaus (项目支出绩效自评 at scale).
//!
//! * [`run`]: read every importable file of a set of directories in parallel, score and check each
//!   project, keep one summary row per project;
//! * [`summary`]: the summary rows and what is computed across them (per organisation, per finding code,
//!   the 抽查 shortlist ranked by risk with its reasons);
//! * [`workbook`]: the review workbook (xlsx); [`dashboard`]: the same as self-contained HTML with charts;
//! * [`synthetic`]: deterministic synthetic projects with planted errors, for tests and benchmarks.
//!
//! The CLI (`jixiao batch`, `jixiao gen`) and the web dashboard share all of it.

pub mod dashboard;
pub mod run;
pub mod summary;
pub mod synthetic;
pub mod workbook;

pub use run::{Done, Options, run};
pub use summary::{Aggregate, CodeRow, Failure, OrgRow, ProjectRow, Review};
pub use workbook::ReviewWorkbook;
