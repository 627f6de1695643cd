//! 绩效目标 in the database: declarations, their review unit → department → finance bureau, the approved
//! baseline and its adjustments, reviewers' comments, and the entries a bureau adds to the indicator
//! library.

use jixiao_core::goals::Declaration;
use jixiao_core::library::LibraryEntry;
use jixiao_core::policy::Consequence;
use std::collections::HashMap;

use jixiao_core::{Grade, History, Project};
use serde::Serialize;
use sqlx::Row;

use crate::{Begin, Result, Store, StoreError, now_millis};

/// Where a declaration is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    /// 草稿: the unit fills it in.
    Draft,
    /// 待部门审核
    Submitted,
    /// 待财政审核: the department passed it on.
    DeptApproved,
    /// 按意见修改: graded 良; after the revision it goes on without a second review at that level.
    Revising,
    /// 退回修改: graded 中; back through the whole review after the revision.
    Returned,
    /// 已批复: the goals are the baseline.
    Approved,
    /// 调整中: the unit changes approved goals, with a reason; the baseline stays until approved.
    Adjusting,
    /// 不予通过: graded 差; the project does not enter the budget.
    Rejected,
}

impl GoalStatus {
    pub const ALL: [GoalStatus; 8] = [
        GoalStatus::Draft,
        GoalStatus::Submitted,
        GoalStatus::DeptApproved,
        GoalStatus::Revising,
        GoalStatus::Returned,
        GoalStatus::Approved,
        GoalStatus::Adjusting,
        GoalStatus::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            GoalStatus::Draft => "draft",
            GoalStatus::Submitted => "submitted",
            GoalStatus::DeptApproved => "dept-approved",
            GoalStatus::Revising => "revising",
            GoalStatus::Returned => "returned",
            GoalStatus::Approved => "approved",
            GoalStatus::Adjusting => "adjusting",
            GoalStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<GoalStatus> {
        GoalStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::Draft => "草稿",
            GoalStatus::Submitted => "待部门审核",
            GoalStatus::DeptApproved => "待财政审核",
            GoalStatus::Revising => "按意见修改",
            GoalStatus::Returned => "退回修改",
            GoalStatus::Approved => "已批复",
            GoalStatus::Adjusting => "调整中",
            GoalStatus::Rejected => "不予通过",
        }
    }
    /// The unit edits a draft, a declaration sent back, and an adjustment.
    pub fn editable(self) -> bool {
        matches!(
            self,
            GoalStatus::Draft | GoalStatus::Returned | GoalStatus::Revising | GoalStatus::Adjusting
        )
    }
}

/// Who reviews: the department (主管部门) first, then the finance bureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewLevel {
    Department,
    Finance,
}

/// A step of the goal workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalMove {
    Submit,
    Review {
        level: ReviewLevel,
        grade: Grade,
        consequence: Consequence,
    },
    /// 申请调整 an approved declaration.
    Adjust,
}

/// What a move does to a declaration in `status` (with `resume` after a 良, and an adjustment in
/// progress or not): the new status, where a revision resumes, whether the new revision becomes the
/// baseline, and whether an adjustment ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub status: GoalStatus,
    pub resume: Option<GoalStatus>,
    pub approves: bool,
    /// An adjustment refused: the declaration goes back to its baseline.
    pub reverts: bool,
}

pub fn step(
    status: GoalStatus,
    resume: Option<GoalStatus>,
    adjusting: bool,
    mv: GoalMove,
) -> Result<Step> {
    use GoalStatus::*;
    let go = |status: GoalStatus| Step {
        status,
        resume: None,
        approves: status == Approved,
        reverts: false,
    };
    let bad = |to: GoalStatus| StoreError::BadTransition {
        from: status.label(),
        to: to.label(),
    };
    Ok(match mv {
        GoalMove::Submit => match status {
            Draft | Returned | Adjusting => go(Submitted),
            Revising => go(resume.unwrap_or(Submitted)),
            _ => return Err(bad(Submitted)),
        },
        GoalMove::Adjust => match status {
            Approved => go(Adjusting),
            _ => return Err(bad(Adjusting)),
        },
        GoalMove::Review {
            level, consequence, ..
        } => {
            let reviewable = match level {
                ReviewLevel::Department => status == Submitted,
                // The bureau may also review what no department passed on (a unit directly under it).
                ReviewLevel::Finance => matches!(status, Submitted | DeptApproved),
            };
            let onward = match level {
                ReviewLevel::Department => DeptApproved,
                ReviewLevel::Finance => Approved,
            };
            if !reviewable {
                return Err(bad(onward));
            }
            match consequence {
                Consequence::Proceed => go(onward),
                Consequence::ProceedAfterRevision => Step {
                    status: Revising,
                    resume: Some(onward),
                    approves: false,
                    reverts: false,
                },
                Consequence::Return => go(Returned),
                Consequence::Reject if adjusting => Step {
                    status: Approved,
                    resume: None,
                    approves: false,
                    reverts: true,
                },
                Consequence::Reject => go(Rejected),
            }
        }
    })
}

/// The current state of a declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclarationRecord {
    pub id: i64,
    pub org_id: i64,
    pub status: GoalStatus,
    pub revision: i64,
    /// The revision approved last, if any.
    pub baseline: Option<i64>,
    pub resume: Option<GoalStatus>,
    /// The reason of an adjustment in progress.
    pub adjustment: Option<String>,
    pub review_grade: Option<Grade>,
    /// The self-evaluation that started from these goals.
    pub project_id: Option<i64>,
    pub updated_at: i64,
    pub declaration: Declaration,
}

/// A line of the declarations list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeclarationRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub name: String,
    pub year: i64,
    pub status: GoalStatus,
    pub review_grade: Option<Grade>,
    pub adjusting: bool,
    pub project_id: Option<i64>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalRevision {
    pub number: i64,
    pub author: String,
    pub created_at: i64,
    pub action: String,
    pub status: GoalStatus,
    pub grade: Option<Grade>,
    pub note: String,
}

impl GoalRevision {
    pub fn action_label(&self) -> &'static str {
        match self.action.as_str() {
            "create" => "新建",
            "import" => "导入",
            "save" => "保存",
            "submit" => "提交",
            "review" => "审核",
            "approve" => "批复",
            "adjust" => "申请调整",
            "revert" => "调整未通过",
            _ => "其他",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalComment {
    pub id: i64,
    pub revision: i64,
    pub author: String,
    pub indicator: Option<i64>,
    pub body: String,
    pub created_at: i64,
}

/// A library entry added through the bureau: proposed, approved or refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEntry {
    pub id: i64,
    pub status: String,
    pub entry: LibraryEntry,
    pub proposed_by: String,
    pub note: String,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}：{e}"))
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| corrupt("序列化", e))
}

fn grade_of(s: &str) -> Option<Grade> {
    s.parse().ok()
}

const RECORD: &str = "SELECT d.id, d.org_id, d.status, d.revision, d.baseline, d.resume, d.adjustment, d.review_grade,
    d.project_id, d.updated_at, r.data FROM declarations d
    JOIN declaration_revisions r ON r.declaration_id = d.id AND r.number = d.revision";

fn record_from<R: Row>(r: &R) -> Result<DeclarationRecord>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let id: i64 = r.try_get("id")?;
    let status: String = r.try_get("status")?;
    let resume: String = r.try_get("resume")?;
    let adjustment: String = r.try_get("adjustment")?;
    let data: String = r.try_get("data")?;
    Ok(DeclarationRecord {
        id,
        org_id: r.try_get("org_id")?,
        status: GoalStatus::parse(&status).ok_or_else(|| corrupt("目标状态", &status))?,
        revision: r.try_get("revision")?,
        baseline: r.try_get("baseline")?,
        resume: GoalStatus::parse(&resume),
        adjustment: (!adjustment.is_empty()).then_some(adjustment),
        review_grade: grade_of(&r.try_get::<String, _>("review_grade")?),
        project_id: r.try_get("project_id")?,
        updated_at: r.try_get("updated_at")?,
        declaration: serde_json::from_str(&data)
            .map_err(|e| corrupt(&format!("绩效目标 {id} 的数据"), e))?,
    })
}

/// What one write of a declaration changes.
struct Write<'a> {
    status: GoalStatus,
    resume: Option<GoalStatus>,
    adjustment: &'a str,
    grade: Option<Grade>,
    approves: bool,
    action: &'a str,
    note: &'a str,
}

impl Store {
    /// Stores a new declaration as revision 1 (draft).
    pub async fn create_declaration(
        &self,
        org_id: i64,
        d: &Declaration,
        author: i64,
        action: &str,
        note: &str,
    ) -> Result<DeclarationRecord> {
        let data = json(d)?;
        let now = now_millis();
        let status = GoalStatus::Draft.as_str();
        let id: i64 = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query(
                "INSERT INTO declarations (org_id, name, year, status, revision, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id")
                .bind(org_id).bind(&d.project.name).bind(i64::from(d.project.year)).bind(status).bind(now).bind(author)
                .fetch_one(&mut *tx).await?.try_get("id")?;
            sqlx::query("INSERT INTO declaration_revisions (declaration_id, number, author_id, created_at, action, status, note, data)
                         VALUES ($1, 1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(author).bind(now).bind(action).bind(status).bind(note).bind(&data)
                .execute(&mut *tx).await?;
            tx.commit().await?;
            id
        });
        self.declaration(id)
            .await?
            .ok_or(StoreError::NotFound("绩效目标"))
    }

    pub async fn declaration(&self, id: i64) -> Result<Option<DeclarationRecord>> {
        let sql = format!("{RECORD} WHERE d.id = $1");
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
            .map(|r| record_from(&r)).transpose())
    }

    /// Every declaration of one unit's project (same name), any year, oldest first.
    pub async fn declarations_named(
        &self,
        org_id: i64,
        name: &str,
    ) -> Result<Vec<DeclarationRecord>> {
        let sql = format!("{RECORD} WHERE d.org_id = $1 AND d.name = $2 ORDER BY d.year, d.id");
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).bind(name).fetch_all(pool).await?
            .iter().map(record_from).collect())
    }

    /// The declaration a self-evaluation started from.
    pub async fn declaration_of_project(
        &self,
        project_id: i64,
    ) -> Result<Option<DeclarationRecord>> {
        let sql = format!("{RECORD} WHERE d.project_id = $1 ORDER BY d.id LIMIT 1");
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(project_id).fetch_optional(pool).await?
            .map(|r| record_from(&r)).transpose())
    }

    /// Declarations in the organisations given (all when `None`), optionally of one year; newest first.
    pub async fn list_declarations(
        &self,
        org_ids: Option<&[i64]>,
        year: Option<i32>,
    ) -> Result<Vec<DeclarationRow>> {
        let orgs = org_ids.map(|ids| serde_json::to_string(ids).unwrap_or_default());
        let mut sql = String::from(
            "SELECT d.id, d.org_id, o.name AS org_name, d.name, d.year, d.status, d.review_grade, d.adjustment,
                    d.project_id, d.updated_at FROM declarations d JOIN orgs o ON o.id = d.org_id WHERE 1 = 1",
        );
        if orgs.is_some() {
            sql.push_str(match &self.db {
                crate::Db::Sqlite(_) => " AND d.org_id IN (SELECT value FROM json_each($1))",
                crate::Db::Postgres(_) => {
                    " AND d.org_id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)"
                }
            });
        }
        if year.is_some() {
            sql.push_str(if orgs.is_some() {
                " AND d.year = $2"
            } else {
                " AND d.year = $1"
            });
        }
        sql.push_str(" ORDER BY d.year DESC, d.updated_at DESC, d.id DESC LIMIT 5000");
        on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if let Some(o) = &orgs { q = q.bind(o); }
            if let Some(y) = year { q = q.bind(i64::from(y)); }
            q.fetch_all(pool).await?.iter().map(|r| -> Result<DeclarationRow> {
                let status: String = r.try_get("status")?;
                Ok(DeclarationRow {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("org_name")?,
                    name: r.try_get("name")?,
                    year: r.try_get("year")?,
                    status: GoalStatus::parse(&status).ok_or_else(|| corrupt("目标状态", &status))?,
                    review_grade: grade_of(&r.try_get::<String, _>("review_grade")?),
                    adjusting: !r.try_get::<String, _>("adjustment")?.is_empty(),
                    project_id: r.try_get("project_id")?,
                    updated_at: r.try_get("updated_at")?,
                })
            }).collect()
        })
    }

    /// Saves the unit's changes as a new revision on top of `base` (a conflict if someone saved since).
    pub async fn save_declaration(
        &self,
        id: i64,
        base: i64,
        d: &Declaration,
        author: i64,
        note: &str,
    ) -> Result<i64> {
        let cur = self.current(id).await?;
        if !cur.status.editable() {
            return Err(StoreError::BadTransition {
                from: cur.status.label(),
                to: "修改",
            });
        }
        let w = Write {
            status: cur.status,
            resume: cur.resume,
            adjustment: cur.adjustment.as_deref().unwrap_or(""),
            grade: cur.review_grade,
            approves: false,
            action: "save",
            note,
        };
        self.write_declaration(id, base, d, author, &w).await
    }

    /// Moves a declaration along its review; a review records its grade, an adjustment its reason.
    pub async fn move_declaration(
        &self,
        id: i64,
        base: i64,
        mv: GoalMove,
        author: i64,
        note: &str,
    ) -> Result<i64> {
        let cur = self.current(id).await?;
        let s = step(cur.status, cur.resume, cur.adjustment.is_some(), mv)?;
        let mut data = cur.declaration.clone();
        if s.reverts
            && let Some(b) = cur.baseline
        {
            data = self
                .declaration_revision(id, b)
                .await?
                .ok_or(StoreError::NotFound("批复版本"))?;
        }
        let adjustment = match mv {
            GoalMove::Adjust => note,
            _ if s.approves || s.reverts => "",
            _ => cur.adjustment.as_deref().unwrap_or(""),
        };
        let (grade, action) = match mv {
            GoalMove::Submit if s.approves => (cur.review_grade, "approve"),
            GoalMove::Submit => (cur.review_grade, "submit"),
            GoalMove::Adjust => (None, "adjust"),
            GoalMove::Review { grade, .. } if s.approves => (Some(grade), "approve"),
            GoalMove::Review { .. } if s.reverts => (cur.review_grade, "revert"),
            GoalMove::Review { grade, .. } => (Some(grade), "review"),
        };
        let w = Write {
            status: s.status,
            resume: s.resume,
            adjustment,
            grade,
            approves: s.approves,
            action,
            note,
        };
        self.write_declaration(id, base, &data, author, &w).await
    }

    async fn current(&self, id: i64) -> Result<DeclarationRecord> {
        self.declaration(id)
            .await?
            .ok_or(StoreError::NotFound("绩效目标"))
    }

    async fn write_declaration(
        &self,
        id: i64,
        base: i64,
        d: &Declaration,
        author: i64,
        w: &Write<'_>,
    ) -> Result<i64> {
        let data = json(d)?;
        let now = now_millis();
        let next = base + 1;
        let grade = w.grade.map(|g| g.as_str()).unwrap_or("");
        let resume = w.resume.map(|s| s.as_str()).unwrap_or("");
        let written = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query(
                "UPDATE declarations SET revision = $1, status = $2, name = $3, year = $4, resume = $5, adjustment = $6,
                 review_grade = $7, baseline = CASE WHEN $8 = 1 THEN $1 ELSE baseline END, updated_at = $9, updated_by = $10
                 WHERE id = $11 AND revision = $12")
                .bind(next).bind(w.status.as_str()).bind(&d.project.name).bind(i64::from(d.project.year)).bind(resume)
                .bind(w.adjustment).bind(grade).bind(i64::from(w.approves)).bind(now).bind(author).bind(id).bind(base)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                sqlx::query("INSERT INTO declaration_revisions (declaration_id, number, author_id, created_at, action, status, grade, note, data)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(id).bind(next).bind(author).bind(now).bind(w.action).bind(w.status.as_str()).bind(grade).bind(w.note).bind(&data)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                true
            } else {
                tx.rollback().await?;
                false
            }
        });
        if !written {
            return Err(StoreError::Conflict {
                base,
                current: self.current(id).await?.revision,
            });
        }
        // A new baseline changes what a linked self-evaluation is measured against.
        if w.approves
            && let Some(project_id) = self.current(id).await?.project_id
        {
            self.refresh_project(project_id).await?;
        }
        Ok(next)
    }

    pub async fn declaration_revision(&self, id: i64, number: i64) -> Result<Option<Declaration>> {
        on!(self, pool => sqlx::query("SELECT data FROM declaration_revisions WHERE declaration_id = $1 AND number = $2")
            .bind(id).bind(number).fetch_optional(pool).await?
            .map(|r| -> Result<Declaration> {
                let data: String = r.try_get("data")?;
                serde_json::from_str(&data).map_err(|e| corrupt(&format!("绩效目标 {id} 第 {number} 版"), e))
            }).transpose())
    }

    /// The revisions of a declaration, newest first.
    pub async fn declaration_revisions(&self, id: i64) -> Result<Vec<GoalRevision>> {
        on!(self, pool => sqlx::query(
            "SELECT r.number, u.display_name, r.created_at, r.action, r.status, r.grade, r.note FROM declaration_revisions r
             JOIN users u ON u.id = r.author_id WHERE r.declaration_id = $1 ORDER BY r.number DESC")
            .bind(id).fetch_all(pool).await?.iter().map(|r| -> Result<GoalRevision> {
                let status: String = r.try_get("status")?;
                Ok(GoalRevision {
                    number: r.try_get("number")?,
                    author: r.try_get("display_name")?,
                    created_at: r.try_get("created_at")?,
                    action: r.try_get("action")?,
                    status: GoalStatus::parse(&status).ok_or_else(|| corrupt("目标状态", &status))?,
                    grade: grade_of(&r.try_get::<String, _>("grade")?),
                    note: r.try_get("note")?,
                })
            }).collect())
    }

    /// Links the year-end self-evaluation that starts from these goals (once: a second link is a
    /// conflict); its list columns then count the departures from them.
    pub async fn link_declaration(&self, declaration_id: i64, project_id: i64) -> Result<()> {
        let n = on!(self, pool => sqlx::query("UPDATE declarations SET project_id = $1 WHERE id = $2 AND project_id IS NULL")
            .bind(project_id).bind(declaration_id).execute(pool).await?.rows_affected());
        if n != 1 {
            return Err(StoreError::BadTransition {
                from: "已开展年度自评",
                to: "再次开展年度自评",
            });
        }
        self.refresh_project(project_id).await
    }

    /// What each of these projects is measured against when it started from approved goals, by project
    /// id (the dashboard reads thousands of projects at once): its goals and its monitoring reports.
    pub async fn project_histories(&self, projects: &[i64]) -> Result<HashMap<i64, History>> {
        let mut out: HashMap<i64, History> = HashMap::new();
        let ids =
            serde_json::to_string(projects).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sql = format!(
            "SELECT d.project_id, r.data FROM declarations d JOIN declaration_revisions r ON r.declaration_id = d.id AND r.number = d.baseline
             WHERE d.project_id IN {} ORDER BY d.id DESC",
            self.id_list("$1")
        );
        let goals: Vec<(i64, String)> = on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&ids)
            .fetch_all(pool).await?.iter().map(|r| Ok((r.try_get("project_id")?, r.try_get("data")?))).collect::<Result<Vec<_>>>()?);
        for (project, data) in goals {
            out.entry(project).or_default().goals =
                Some(serde_json::from_str(&data).map_err(|e| corrupt("批复目标", e))?);
        }
        let sql = format!(
            "SELECT d.project_id, r.data FROM monitor_reports m JOIN declarations d ON d.id = m.declaration_id
             JOIN monitor_report_revisions r ON r.report_id = m.id AND r.number = m.revision
             JOIN monitor_rounds o ON o.id = m.round_id
             WHERE d.project_id IN {} AND m.status IN ('submitted', 'approved') ORDER BY o.month, m.id",
            self.id_list("$1")
        );
        let reports: Vec<(i64, String)> = on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(&ids)
            .fetch_all(pool).await?.iter().map(|r| Ok((r.try_get("project_id")?, r.try_get("data")?))).collect::<Result<Vec<_>>>()?);
        for (project, data) in reports {
            out.entry(project)
                .or_default()
                .monitoring
                .push(serde_json::from_str(&data).map_err(|e| corrupt("监控表", e))?);
        }
        Ok(out)
    }

    /// What a project is measured against: the approved goals (the baseline revision) of the
    /// declaration it started from, and the monitoring reports on them, oldest round first.
    pub async fn history_of_project(&self, project_id: i64) -> Result<History> {
        let Some(d) = self.declaration_of_project(project_id).await? else {
            return Ok(History::default());
        };
        let goals = match d.baseline {
            Some(b) => self.declaration_revision(d.id, b).await?,
            None => None,
        };
        // What the unit has submitted: a draft says nothing yet.
        let monitoring = self
            .reports_of_declaration(d.id)
            .await?
            .into_iter()
            .filter(|r| matches!(r.status, crate::Status::Submitted | crate::Status::Approved))
            .map(|r| r.form)
            .collect();
        Ok(History { goals, monitoring })
    }

    /// Every self-evaluation of one unit's project (same name), oldest first: the history the goal
    /// checks and the multi-year view read.
    pub async fn projects_named(&self, org_id: i64, name: &str) -> Result<Vec<(i64, Project)>> {
        on!(self, pool => sqlx::query(
            "SELECT p.id, r.data FROM projects p JOIN revisions r ON r.project_id = p.id AND r.number = p.revision
             WHERE p.org_id = $1 AND p.name = $2 ORDER BY p.year, p.id")
            .bind(org_id).bind(name).fetch_all(pool).await?.iter().map(|r| -> Result<(i64, Project)> {
                let id: i64 = r.try_get("id")?;
                let data: String = r.try_get("data")?;
                Ok((id, serde_json::from_str(&data).map_err(|e| corrupt(&format!("项目 {id} 的数据"), e))?))
            }).collect())
    }

    pub async fn add_declaration_comment(
        &self,
        id: i64,
        revision: i64,
        author: i64,
        indicator: Option<i64>,
        body: &str,
    ) -> Result<i64> {
        Ok(on!(self, pool => sqlx::query(
            "INSERT INTO declaration_comments (declaration_id, revision, author_id, indicator, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(id).bind(revision).bind(author).bind(indicator).bind(body).bind(now_millis())
            .fetch_one(pool).await?.try_get("id")?))
    }

    pub async fn declaration_comments(&self, id: i64) -> Result<Vec<GoalComment>> {
        on!(self, pool => sqlx::query(
            "SELECT c.id, c.revision, u.display_name, c.indicator, c.body, c.created_at FROM declaration_comments c
             JOIN users u ON u.id = c.author_id WHERE c.declaration_id = $1 ORDER BY c.id")
            .bind(id).fetch_all(pool).await?.iter().map(|r| -> Result<GoalComment> {
                Ok(GoalComment {
                    id: r.try_get("id")?,
                    revision: r.try_get("revision")?,
                    author: r.try_get("display_name")?,
                    indicator: r.try_get("indicator")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            }).collect())
    }

    // -----------------------------------------------------------------------------------------
    // The indicator library's additions

    pub async fn propose_library_entry(&self, entry: &LibraryEntry, by: i64) -> Result<i64> {
        Ok(on!(self, pool => sqlx::query(
            "INSERT INTO library_entries (status, data, proposed_by, proposed_at) VALUES ('proposed', $1, $2, $3) RETURNING id")
            .bind(json(entry)?).bind(by).bind(now_millis()).fetch_one(pool).await?.try_get("id")?))
    }

    /// Approves or refuses a proposed entry; an approved entry gets the id `u-<number>`.
    pub async fn decide_library_entry(
        &self,
        id: i64,
        approve: bool,
        by: i64,
        note: &str,
    ) -> Result<()> {
        let mut entry = self
            .library_entries(None)
            .await?
            .into_iter()
            .find(|e| e.id == id && e.status == "proposed")
            .ok_or(StoreError::NotFound("待审核的指标"))?
            .entry;
        entry.id = format!("u-{id}");
        let status = if approve { "approved" } else { "refused" };
        let n = on!(self, pool => sqlx::query(
            "UPDATE library_entries SET status = $1, data = $2, decided_by = $3, decided_at = $4, note = $5 WHERE id = $6 AND status = 'proposed'")
            .bind(status).bind(json(&entry)?).bind(by).bind(now_millis()).bind(note).bind(id).execute(pool).await?.rows_affected());
        if n != 1 {
            return Err(StoreError::NotFound("待审核的指标"));
        }
        Ok(())
    }

    /// Entries added through the bureau, of one status (`proposed`, `approved`, `refused`) or all.
    pub async fn library_entries(&self, status: Option<&str>) -> Result<Vec<StoredEntry>> {
        on!(self, pool => sqlx::query(
            "SELECT l.id, l.status, l.data, l.note, u.display_name FROM library_entries l JOIN users u ON u.id = l.proposed_by
             WHERE ($1 = '' OR l.status = $1) ORDER BY l.id")
            .bind(status.unwrap_or("")).fetch_all(pool).await?.iter().map(|r| -> Result<StoredEntry> {
                let data: String = r.try_get("data")?;
                Ok(StoredEntry {
                    id: r.try_get("id")?,
                    status: r.try_get("status")?,
                    entry: serde_json::from_str(&data).map_err(|e| corrupt("指标库条目", e))?,
                    proposed_by: r.try_get("display_name")?,
                    note: r.try_get("note")?,
                })
            }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use GoalStatus::*;

    fn review(level: ReviewLevel, grade: Grade) -> GoalMove {
        GoalMove::Review {
            level,
            grade,
            consequence: jixiao_core::Policy::standard().goals.consequence(grade),
        }
    }

    #[test]
    fn the_review_follows_the_grade() {
        use Grade::*;
        use ReviewLevel::*;
        let s = |st, mv| step(st, None, false, mv).unwrap().status;
        assert_eq!(s(Draft, GoalMove::Submit), Submitted);
        assert_eq!(s(Submitted, review(Department, Excellent)), DeptApproved);
        assert_eq!(s(Submitted, review(Department, Fair)), Returned);
        assert_eq!(s(Submitted, review(Department, Poor)), Rejected);
        assert_eq!(s(Returned, GoalMove::Submit), Submitted);
        let f = step(DeptApproved, None, false, review(Finance, Excellent)).unwrap();
        assert_eq!((f.status, f.approves), (Approved, true));
        // 良: revise, then on without a second review at that level.
        let g = step(DeptApproved, None, false, review(Finance, Good)).unwrap();
        assert_eq!((g.status, g.resume), (Revising, Some(Approved)));
        let after = step(Revising, g.resume, false, GoalMove::Submit).unwrap();
        assert_eq!((after.status, after.approves), (Approved, true));
        let g = step(Submitted, None, false, review(Department, Good)).unwrap();
        assert_eq!(
            step(Revising, g.resume, false, GoalMove::Submit)
                .unwrap()
                .status,
            DeptApproved
        );
        // A department cannot act on what is already with the bureau, nor anyone on a draft.
        assert!(step(DeptApproved, None, false, review(Department, Excellent)).is_err());
        assert!(step(Draft, None, false, review(Finance, Excellent)).is_err());
        assert!(step(Approved, None, false, GoalMove::Submit).is_err());
    }

    #[test]
    fn an_adjustment_goes_through_the_same_chain_and_a_refusal_keeps_the_baseline() {
        use Grade::*;
        use ReviewLevel::*;
        assert_eq!(
            step(Approved, None, false, GoalMove::Adjust)
                .unwrap()
                .status,
            Adjusting
        );
        assert_eq!(
            step(Adjusting, None, true, GoalMove::Submit)
                .unwrap()
                .status,
            Submitted
        );
        let refused = step(Submitted, None, true, review(Department, Poor)).unwrap();
        assert_eq!((refused.status, refused.reverts), (Approved, true));
        assert!(step(Draft, None, false, GoalMove::Adjust).is_err());
    }
}
