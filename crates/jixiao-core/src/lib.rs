//! jixiao-core: the domain of 项目支出绩效自评. Pure: no I/O.
//!
//! * [`model`]: a project-year as recorded on the 自评表 and in the 自评报告 (also the project file format)
//! * [`value`]: the indicator value language (`≥95%`, `超30篇次`, `2023年12月31日前`, `显著提升`)
//! * [`policy`]: scoring rules as data; [`scoring`]: scores with traces; [`findings`]: the checker
//! * [`evaluate`]: all of it for one project
//! * [`goals`]: the 绩效目标 declared with the budget, its checks, and the self-evaluation measured against it
//! * [`library`]: the indicator library (指标库)

pub mod catalogue;
pub mod evaluation;
pub mod exchange;
pub mod findings;
pub mod goals;
pub mod grade;
pub mod library;
pub mod model;
pub mod monitoring;
pub mod policy;
pub mod scoring;
pub mod summary;
pub mod value;

pub use catalogue::{CATALOGUE, Code, Severity};
pub use evaluation::{Evaluation, GroupScore, History, evaluate, evaluate_against};
pub use exchange::Exchange;
pub use findings::Finding;
pub use goals::{Basis, Declaration, GoalIndicator};
pub use grade::Grade;
pub use model::{
    Direction, FundSource, Funds, Goals, Header, Indicator, Kind, Narrative, Project, Statement,
};
pub use policy::Policy;
pub use summary::{ENGINE_VERSION, ReviewTotal, Summary};
