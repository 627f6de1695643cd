//! What the store keeps besides the project itself: organisations, users, sessions, workflow.

use jixiao_core::{Policy, Project, Summary};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// 财政局 → 主管部门 → 实施单位.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Bureau,
    Department,
    Unit,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Bureau => "bureau",
            OrgKind::Department => "department",
            OrgKind::Unit => "unit",
        }
    }
    pub fn parse(s: &str) -> Option<OrgKind> {
        Some(match s {
            "bureau" => OrgKind::Bureau,
            "department" => OrgKind::Department,
            "unit" => OrgKind::Unit,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Bureau => "财政局",
            OrgKind::Department => "主管部门",
            OrgKind::Unit => "实施单位",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: OrgKind,
    /// Whether the finance bureau publishes its review (复核得分, findings) with this organisation's
    /// reports on the public site (绩效信息公开); not by default.
    pub publish_review: bool,
}

/// What a user may do; the organisation they belong to bounds where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 单位填报人: the projects of their own unit.
    Editor,
    /// 主管部门审核人: the projects of the units under their department.
    Department,
    /// 财政局审核人: everything under their bureau.
    Finance,
    /// 系统管理员: users and organisations.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Department => "department",
            Role::Finance => "finance",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "editor" => Role::Editor,
            "department" => Role::Department,
            "finance" => Role::Finance,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Editor => "单位填报人",
            Role::Department => "主管部门审核人",
            Role::Finance => "财政局审核人",
            Role::Admin => "系统管理员",
        }
    }
    pub fn is_reviewer(self) -> bool {
        matches!(self, Role::Department | Role::Finance)
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub org_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: i64,
    pub csrf: String,
    pub expires_at: i64,
    /// The database's change number when the session was read (PostgreSQL; 0 on SQLite).
    pub changes: i64,
}

/// The workflow: draft → submitted → returned | approved → published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Approved,
    Published,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Approved,
        Status::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Approved => "approved",
            Status::Published => "published",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "已提交",
            Status::Returned => "已退回",
            Status::Approved => "已审核",
            Status::Published => "已公开",
        }
    }
    pub fn can_move_to(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (Draft | Returned, Submitted)
                | (Submitted, Returned | Approved)
                | (Approved, Published)
                | (Approved, Returned)
                // 更正: a published evaluation goes back to the unit; its publication stays public until
                // the corrected one is published beside it.
                | (Published, Returned)
        )
    }
    /// Units edit drafts and returned projects only.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
}

/// Why a revision was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Import,
    Save,
    Review,
    Restore,
    Status(Status),
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Import => "import",
            Action::Save => "save",
            Action::Review => "review",
            Action::Restore => "restore",
            Action::Status(Status::Submitted) => "submit",
            Action::Status(Status::Returned) => "return",
            Action::Status(Status::Approved) => "approve",
            Action::Status(Status::Published) => "publish",
            Action::Status(Status::Draft) => "reopen",
        }
    }
    pub fn label(s: &str) -> &'static str {
        match s {
            "create" => "新建",
            "import" => "导入",
            "save" => "保存",
            "review" => "复核评分",
            "restore" => "恢复",
            "submit" => "提交",
            "return" => "退回",
            "approve" => "审核通过",
            "publish" => "公开",
            "reopen" => "重新打开",
            _ => "其他",
        }
    }
}

/// What the projects table keeps of a project's summary (jixiao_core::Summary) for the list to filter
/// and sort on. The store writes beside them the stamp of the engine and policy they were computed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListColumns {
    pub name: String,
    pub year: i64,
    pub total_centi: i64,
    pub self_total_centi: Option<i64>,
    pub grade: String,
    pub errors: i64,
    pub warnings: i64,
    pub annual_fen: i64,
}

fn centi(x: Decimal) -> i64 {
    (x * Decimal::ONE_HUNDRED)
        .round()
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// Engine version and policy fingerprint: stored summaries with another stamp are out of date.
pub fn summary_stamp(policy: &Policy) -> String {
    format!("{} {}", jixiao_core::ENGINE_VERSION, policy.fingerprint())
}

impl ListColumns {
    /// `history`: the approved goals and monitoring the project is measured against.
    pub fn of(project: &Project, history: &jixiao_core::History, policy: &Policy) -> ListColumns {
        let (_, s) = Summary::evaluate_against(project, history, policy);
        ListColumns::from_summary(project, &s)
    }

    /// The columns of a project already summarised (a publication is recorded from the same summary).
    pub fn from_summary(project: &Project, s: &Summary) -> ListColumns {
        ListColumns {
            name: project.project.name.clone(),
            year: i64::from(project.project.year),
            total_centi: centi(s.total),
            self_total_centi: s.self_total.map(centi),
            grade: s.grade.as_str().to_string(),
            errors: i64::from(s.errors),
            warnings: i64::from(s.warnings),
            // 万元 → 分
            annual_fen: centi(s.annual * Decimal::from(10_000)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRecord {
    pub id: i64,
    pub org_id: i64,
    pub status: Status,
    /// The latest revision number: the base of the next save.
    pub revision: i64,
    pub updated_at: i64,
    pub updated_by: i64,
    pub project: Project,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Updated,
    Name,
    TotalAsc,
    TotalDesc,
    /// Largest stated-minus-computed gap first (lenient self-scoring).
    Gap,
    Findings,
    /// Creation order: what a reader walking through every project pages by (stable under edits).
    Id,
}

impl Sort {
    /// The ordering keys, the id last so that the order is total, and whether all are descending (one
    /// direction for all keys: keyset paging compares them as one row value).
    pub(crate) fn keys(self) -> (&'static [&'static str], bool) {
        match self {
            Sort::Updated => (&["p.updated_at", "p.id"], true),
            Sort::Name => (&["p.name", "p.id"], false),
            Sort::TotalAsc => (&["p.total_centi", "p.id"], false),
            Sort::TotalDesc => (&["p.total_centi", "p.id"], true),
            Sort::Gap => (
                &[
                    "COALESCE(p.self_total_centi, p.total_centi) - p.total_centi",
                    "p.id",
                ],
                true,
            ),
            Sort::Findings => (&["p.errors", "p.warnings", "p.id"], true),
            Sort::Id => (&["p.id"], false),
        }
    }

    pub fn parse(s: &str) -> Sort {
        match s {
            "name" => Sort::Name,
            "total" => Sort::TotalAsc,
            "-total" => Sort::TotalDesc,
            "gap" => Sort::Gap,
            "findings" => Sort::Findings,
            _ => Sort::Updated,
        }
    }
}

/// A project to store with [`crate::Store::create_projects`].
#[derive(Debug, Clone, Copy)]
pub struct NewProject<'a> {
    pub org_id: i64,
    pub project: &'a Project,
    pub status: Status,
    /// When it was written (milliseconds; None: now): data brought in from elsewhere keeps its dates.
    pub at: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Only these organisations (None: all).
    pub org_ids: Option<Vec<i64>>,
    pub year: Option<i32>,
    pub status: Option<Status>,
    pub grade: Option<String>,
    pub has_findings: Option<bool>,
    pub search: Option<String>,
    pub sort: Sort,
    pub limit: i64,
    pub offset: i64,
    /// Keyset paging: only projects after this one in the sort order (the last id of the page before).
    pub after: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub name: String,
    pub year: i64,
    pub status: Status,
    pub revision: i64,
    pub total_centi: i64,
    pub self_total_centi: Option<i64>,
    pub grade: String,
    pub errors: i64,
    pub warnings: i64,
    pub annual_fen: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionMeta {
    pub number: i64,
    pub author_id: i64,
    pub author: String,
    pub created_at: i64,
    pub action: String,
    pub status: Status,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub meta: RevisionMeta,
    pub project: Project,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub id: i64,
    pub revision: i64,
    pub author_id: i64,
    pub author: String,
    /// Index of the indicator the comment is about, when it is about one.
    pub indicator: Option<i64>,
    pub body: String,
    pub created_at: i64,
}
