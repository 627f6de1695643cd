//! 绩效信息公开: the publications behind the public site.
//!
//! A publication is a revision written by the move to 已公开; its data never changes afterwards. A
//! correction (更正) is a later publication of the same project: the earlier one stays where it was.
//! The `publications` table keeps, per publication, what the public lists filter, search and count; it
//! is derived from the revisions (written in the publishing transaction, rebuilt when missing).

use jixiao_core::{Project, Summary};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use sqlx::Row;

use crate::{Begin, Org, OrgKind, Param, Result, Store, StoreError};

/// A publication as the public lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationRow {
    pub project_id: i64,
    pub revision: i64,
    pub org_id: i64,
    pub org_name: String,
    pub department_id: i64,
    pub department_name: String,
    pub year: i64,
    pub name: String,
    pub grade: String,
    pub total_centi: i64,
    pub annual_fen: i64,
    pub executed_fen: i64,
    /// 更正说明 when this publication corrects an earlier one, else empty.
    pub correction: String,
    pub published_at: i64,
    /// Whether this is the project's newest publication.
    pub latest: bool,
}

/// Which publications to list: the newest publication of each project, narrowed.
#[derive(Debug, Clone, Default)]
pub struct PublicationFilter {
    pub year: Option<i32>,
    /// 主管部门.
    pub department_id: Option<i64>,
    /// 实施单位.
    pub org_id: Option<i64>,
    pub grade: Option<String>,
    /// Words that must all occur in the name, the goals or the organisation names.
    pub search: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Newest publications counted by year, 主管部门 and grade: what the public statistics add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationStat {
    pub year: i64,
    pub department_id: i64,
    pub department_name: String,
    pub grade: String,
    pub count: i64,
    /// Sums of amounts: wider than one amount.
    pub annual_fen: i128,
    pub executed_fen: i128,
    /// How many of them scored full marks (100).
    pub full_marks: i64,
}

/// Amounts are summed as whole multiples of this many 分 and the rest (see `publication_stats`).
const SPLIT: i64 = 1_000_000;

/// A publication with the project as it was published.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub row: PublicationRow,
    pub project: Project,
}

/// What a publication row holds besides its keys, computed from the published project.
pub(crate) struct Columns {
    pub(crate) grade: String,
    pub(crate) total_centi: i64,
    pub(crate) annual_fen: i64,
    pub(crate) executed_fen: i64,
    pub(crate) search: String,
}

fn scaled(x: Decimal, by: i64) -> i64 {
    (x * Decimal::from(by)).round().to_i64().unwrap_or(i64::MAX)
}

impl Columns {
    fn of(p: &Project, s: &Summary, names: [&str; 2]) -> Columns {
        Columns {
            // What the unit published: its own grade and total, the computed ones when it stated none.
            grade: s.self_grade.unwrap_or(s.grade).as_str().to_string(),
            total_centi: scaled(s.self_total.unwrap_or(s.total), 100),
            // 万元 → 分
            annual_fen: scaled(s.annual, 1_000_000),
            executed_fen: scaled(s.executed, 1_000_000),
            search: [
                p.project.name.as_str(),
                &p.goals.expected,
                &p.goals.actual,
                names[0],
                names[1],
            ]
            .join("\n"),
        }
    }
}

/// The 主管部门 an organisation reports under: its parent department, else itself.
fn department_of(orgs: &[Org], org_id: i64) -> Option<&Org> {
    let org = orgs.iter().find(|o| o.id == org_id)?;
    match org.parent_id.and_then(|p| orgs.iter().find(|o| o.id == p)) {
        Some(parent) if parent.kind == OrgKind::Department => Some(parent),
        _ => Some(org),
    }
}

const ROW_COLUMNS: &str = "p.project_id, p.revision, p.org_id, o.name AS org_name, p.department_id, d.name AS department_name,
     p.year, p.name, p.grade, p.total_centi, p.annual_fen, p.executed_fen, p.correction, p.published_at, p.latest";
const ROW_TABLES: &str =
    "publications p JOIN orgs o ON o.id = p.org_id JOIN orgs d ON d.id = p.department_id";

fn row_from<R: Row>(r: &R) -> Result<PublicationRow>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(PublicationRow {
        project_id: r.try_get("project_id")?,
        revision: r.try_get("revision")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        department_id: r.try_get("department_id")?,
        department_name: r.try_get("department_name")?,
        year: r.try_get("year")?,
        name: r.try_get("name")?,
        grade: r.try_get("grade")?,
        total_centi: r.try_get("total_centi")?,
        annual_fen: r.try_get("annual_fen")?,
        executed_fen: r.try_get("executed_fen")?,
        correction: r.try_get("correction")?,
        published_at: r.try_get("published_at")?,
        latest: r.try_get::<i64, _>("latest")? != 0,
    })
}

/// The statement that records a publication (inside the publishing transaction, or a rebuild).
pub(crate) const INSERT: &str = "INSERT INTO publications (project_id, revision, org_id, department_id, year, name, grade, total_centi,
     annual_fen, executed_fen, search, correction, published_at, latest)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)";
/// Earlier publications of the project are no longer its newest.
pub(crate) const SUPERSEDE: &str =
    "UPDATE publications SET latest = 0 WHERE project_id = $1 AND revision < $2";

/// A publication about to be recorded.
pub(crate) struct NewPublication {
    pub(crate) project_id: i64,
    pub(crate) revision: i64,
    pub(crate) org_id: i64,
    pub(crate) department_id: i64,
    pub(crate) year: i64,
    pub(crate) name: String,
    pub(crate) columns: Columns,
    pub(crate) correction: String,
    pub(crate) published_at: i64,
}

macro_rules! record_publication {
    ($tx:expr, $p:expr) => {{
        let p: &$crate::publications::NewPublication = $p;
        sqlx::query($crate::publications::SUPERSEDE)
            .bind(p.project_id)
            .bind(p.revision)
            .execute(&mut *$tx)
            .await?;
        sqlx::query($crate::publications::INSERT)
            .bind(p.project_id)
            .bind(p.revision)
            .bind(p.org_id)
            .bind(p.department_id)
            .bind(p.year)
            .bind(&p.name)
            .bind(&p.columns.grade)
            .bind(p.columns.total_centi)
            .bind(p.columns.annual_fen)
            .bind(p.columns.executed_fen)
            .bind(&p.columns.search)
            .bind(&p.correction)
            .bind(p.published_at)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use record_publication;

impl NewPublication {
    /// `summary`: the project's, as the list columns written with it; `corrects`: the project was
    /// published before (this publication is a correction).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn of(
        (id, revision, org_id): (i64, i64, i64),
        project: &Project,
        summary: &Summary,
        orgs: &[Org],
        note: &str,
        corrects: bool,
        at: i64,
    ) -> Result<NewPublication> {
        let org = orgs
            .iter()
            .find(|o| o.id == org_id)
            .ok_or(StoreError::NotFound("机构"))?;
        let department = department_of(orgs, org_id).unwrap_or(org);
        let correction = match (corrects, note.trim()) {
            (false, _) => String::new(),
            (true, "") => "更正（未说明更正内容）".to_string(),
            (true, note) => note.to_string(),
        };
        Ok(NewPublication {
            project_id: id,
            revision,
            org_id,
            department_id: department.id,
            year: i64::from(project.project.year),
            name: project.project.name.clone(),
            columns: Columns::of(project, summary, [&org.name, &department.name]),
            correction,
            published_at: at,
        })
    }
}

/// Publications rebuilt per transaction by [`Store::refresh_publications`].
const REFRESH_BATCH: i64 = 500;

impl Store {
    /// What publishing `project` (project `id`, as revision `revision`, with `note`) records.
    pub(crate) async fn new_publication(
        &self,
        id: i64,
        revision: i64,
        project: &Project,
        summary: &Summary,
        note: &str,
        at: i64,
    ) -> Result<NewPublication> {
        let (org_id, earlier): (i64, i64) = on!(self, pool => {
            let r = sqlx::query("SELECT org_id, (SELECT COUNT(*) FROM publications WHERE project_id = $1 AND revision < $2) AS earlier FROM projects WHERE id = $1")
                .bind(id).bind(revision).fetch_optional(pool).await?.ok_or(StoreError::NotFound("项目"))?;
            (r.try_get("org_id")?, r.try_get("earlier")?)
        });
        let orgs = self.orgs().await?;
        NewPublication::of(
            (id, revision, org_id),
            project,
            summary,
            &orgs,
            note,
            earlier > 0,
            at,
        )
    }

    /// Records every publication the table lacks (after a restore, an upgrade from a schema without it,
    /// or projects stored already published), oldest first, and returns how many.
    pub async fn refresh_publications(&self) -> Result<u64> {
        let orgs = self.orgs().await?;
        let mut done = 0;
        loop {
            type Missing = (i64, i64, i64, i64, String, String, bool);
            let missing: Vec<Missing> = on!(self, pool => sqlx::query(
                "SELECT r.project_id, r.number, p.org_id, r.created_at, r.note, r.data,
                        EXISTS (SELECT 1 FROM revisions e WHERE e.project_id = r.project_id AND e.action = 'publish' AND e.number < r.number) AS corrects
                 FROM revisions r JOIN projects p ON p.id = r.project_id
                 WHERE r.action = 'publish' AND NOT EXISTS (SELECT 1 FROM publications x WHERE x.project_id = r.project_id AND x.revision = r.number)
                 ORDER BY r.project_id, r.number LIMIT $1")
                .bind(REFRESH_BATCH).fetch_all(pool).await?.iter()
                .map(|r| Ok((r.try_get("project_id")?, r.try_get("number")?, r.try_get("org_id")?, r.try_get("created_at")?,
                             r.try_get("note")?, r.try_get("data")?, r.try_get("corrects")?)))
                .collect::<Result<Vec<_>>>()?);
            if missing.is_empty() {
                break;
            }
            let ids: Vec<i64> = missing.iter().map(|m| m.0).collect();
            let histories = self.project_histories(&ids).await?;
            let mut batch = Vec::with_capacity(missing.len());
            for (id, number, org_id, at, note, data, corrects) in missing {
                let project: Project = serde_json::from_str(&data)
                    .map_err(|e| StoreError::Corrupt(format!("项目 {id} 第 {number} 版：{e}")))?;
                let history = histories.get(&id).cloned().unwrap_or_default();
                let (_, summary) = Summary::evaluate_against(&project, &history, &self.policy);
                batch.push(NewPublication::of(
                    (id, number, org_id),
                    &project,
                    &summary,
                    &orgs,
                    &note,
                    corrects,
                    at,
                )?);
            }
            on!(self, pool => {
                let mut tx = pool.begin_write().await?;
                for new in &batch {
                    record_publication!(tx, new);
                }
                tx.commit().await?;
            });
            done += batch.len() as u64;
        }
        if done > 0 {
            // A rebuilt publication must not stay marked newest beside a later one already there.
            on!(self, pool => {
                sqlx::query("UPDATE publications SET latest = 0 WHERE latest = 1
                     AND revision < (SELECT MAX(x.revision) FROM publications x WHERE x.project_id = publications.project_id)")
                    .execute(pool).await?;
            });
        }
        Ok(done)
    }

    fn publication_conditions(&self, f: &PublicationFilter) -> (String, Vec<Param>) {
        let mut sql = String::from(" WHERE p.latest = 1");
        let mut params = Vec::new();
        let mut bind = |p: Param| {
            params.push(p);
            format!("${}", params.len())
        };
        if let Some(y) = f.year {
            sql.push_str(&format!(" AND p.year = {}", bind(Param::Int(i64::from(y)))));
        }
        if let Some(d) = f.department_id {
            sql.push_str(&format!(" AND p.department_id = {}", bind(Param::Int(d))));
        }
        if let Some(o) = f.org_id {
            sql.push_str(&format!(" AND p.org_id = {}", bind(Param::Int(o))));
        }
        if let Some(g) = &f.grade {
            sql.push_str(&format!(" AND p.grade = {}", bind(Param::Text(g.clone()))));
        }
        if let Some(s) = &f.search {
            // Chinese has no spaces between words: each typed word is a substring to find.
            for word in s.split_whitespace().take(8) {
                let like = format!("%{}%", word.replace(['%', '_', '\\'], ""));
                sql.push_str(&format!(" AND p.search LIKE {}", bind(Param::Text(like))));
            }
        }
        (sql, params)
    }

    /// The newest publication of each project matching the filter, latest published first.
    pub async fn publications(&self, f: &PublicationFilter) -> Result<Vec<PublicationRow>> {
        let (conditions, params) = self.publication_conditions(f);
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {ROW_TABLES}{conditions} ORDER BY p.published_at DESC, p.project_id DESC LIMIT {} OFFSET {}",
            f.limit.clamp(1, 100_000),
            f.offset.max(0)
        );
        self.publication_rows(&sql, &params).await
    }

    /// [`Store::publications`] with each project as published (the open-data downloads).
    pub async fn published_projects(&self, f: &PublicationFilter) -> Result<Vec<Publication>> {
        let (conditions, params) = self.publication_conditions(f);
        let sql = format!(
            "SELECT {ROW_COLUMNS}, r.data FROM {ROW_TABLES} JOIN revisions r ON r.project_id = p.project_id AND r.number = p.revision
             {conditions} ORDER BY p.published_at DESC, p.project_id DESC LIMIT {} OFFSET {}",
            f.limit.clamp(1, 100_000),
            f.offset.max(0)
        );
        let rows = on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for p in &params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            q.fetch_all(pool).await?.iter().map(|r| -> Result<Publication> {
                let row = row_from(r)?;
                let data: String = r.try_get("data")?;
                let project = serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("项目 {} 第 {} 版：{e}", row.project_id, row.revision)))?;
                Ok(Publication { row, project })
            }).collect::<Vec<_>>()
        });
        rows.into_iter().collect()
    }

    pub async fn count_publications(&self, f: &PublicationFilter) -> Result<i64> {
        let (conditions, params) = self.publication_conditions(f);
        let sql = format!("SELECT COUNT(*) AS n FROM publications p{conditions}");
        Ok(on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for p in &params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            q.fetch_one(pool).await?.try_get("n")?
        }))
    }

    async fn publication_rows(&self, sql: &str, params: &[Param]) -> Result<Vec<PublicationRow>> {
        let rows = on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for p in params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            q.fetch_all(pool).await?.iter().map(row_from).collect::<Vec<_>>()
        });
        rows.into_iter().collect()
    }

    /// Every publication of a project, newest first (a corrected evaluation has several).
    pub async fn project_publications(&self, project_id: i64) -> Result<Vec<PublicationRow>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {ROW_TABLES} WHERE p.project_id = $1 ORDER BY p.revision DESC"
        );
        self.publication_rows(&sql, &[Param::Int(project_id)]).await
    }

    /// Whether the project was ever published (publishing it again is a correction).
    pub async fn was_published(&self, project_id: i64) -> Result<bool> {
        Ok(
            on!(self, pool => sqlx::query("SELECT EXISTS (SELECT 1 FROM publications WHERE project_id = $1) AS e")
            .bind(project_id).fetch_one(pool).await?.try_get::<bool, _>("e")?),
        )
    }

    /// A publication with its project as published: `revision` None is the newest. None when the
    /// project or that revision was never published.
    pub async fn publication(
        &self,
        project_id: i64,
        revision: Option<i64>,
    ) -> Result<Option<Publication>> {
        let rows = self.project_publications(project_id).await?;
        let row = match revision {
            None => rows.into_iter().next(),
            Some(n) => rows.into_iter().find(|r| r.revision == n),
        };
        let Some(row) = row else {
            return Ok(None);
        };
        let revision = self
            .revision(project_id, row.revision)
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "项目 {project_id} 缺少公开的第 {} 版",
                    row.revision
                ))
            })?;
        Ok(Some(Publication {
            row,
            project: revision.project,
        }))
    }

    /// The newest publications of each project counted by year, 主管部门 and grade (one year, or all).
    pub async fn publication_stats(&self, year: Option<i32>) -> Result<Vec<PublicationStat>> {
        let (sql, params) = self.publication_conditions(&PublicationFilter {
            year,
            ..Default::default()
        });
        let sql = format!(
            "SELECT p.year, p.department_id, d.name AS department_name, p.grade, COUNT(*) AS n,
             CAST(SUM(p.annual_fen / {SPLIT}) AS BIGINT) AS annual_high, CAST(SUM(p.annual_fen % {SPLIT}) AS BIGINT) AS annual_low,
             CAST(SUM(p.executed_fen / {SPLIT}) AS BIGINT) AS executed_high, CAST(SUM(p.executed_fen % {SPLIT}) AS BIGINT) AS executed_low,
             CAST(SUM(CASE WHEN p.total_centi >= 10000 THEN 1 ELSE 0 END) AS BIGINT) AS full_marks
             FROM publications p JOIN orgs d ON d.id = p.department_id{sql}
             GROUP BY p.year, p.department_id, d.name, p.grade ORDER BY p.year DESC, d.name, p.grade"
        );
        let rows = on!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for p in &params { q = match p { Param::Int(v) => q.bind(*v), Param::Text(t) => q.bind(t.as_str()) }; }
            // (PostgreSQL sums BIGINT as NUMERIC: the casts keep every column an i64 on both backends.)
            // Amounts are summed in two parts, whole millions of 分 and the rest, and put together as i128:
            // a plain SUM of a few absurd amounts (each within the accepted bound) overflows i64. Both
            // backends truncate the division toward zero, so high × SPLIT + low is the exact sum.
            q.fetch_all(pool).await?.iter().map(|r| -> Result<PublicationStat> {
                let amount = |high: &str, low: &str| -> Result<i128> {
                    Ok(i128::from(r.try_get::<i64, _>(high)?) * i128::from(SPLIT) + i128::from(r.try_get::<i64, _>(low)?))
                };
                Ok(PublicationStat {
                    year: r.try_get("year")?,
                    department_id: r.try_get("department_id")?,
                    department_name: r.try_get("department_name")?,
                    grade: r.try_get("grade")?,
                    count: r.try_get("n")?,
                    annual_fen: amount("annual_high", "annual_low")?,
                    executed_fen: amount("executed_high", "executed_low")?,
                    full_marks: r.try_get("full_marks")?,
                })
            }).collect::<Vec<_>>()
        });
        rows.into_iter().collect()
    }

    /// The units (实施单位) under a 主管部门 that have publications, by name.
    pub async fn publication_units(&self, department_id: i64) -> Result<Vec<(i64, String)>> {
        let units = on!(self, pool => sqlx::query(
            "SELECT DISTINCT p.org_id, o.name FROM publications p JOIN orgs o ON o.id = p.org_id
             WHERE p.latest = 1 AND p.department_id = $1 ORDER BY o.name")
            .bind(department_id).fetch_all(pool).await?.iter()
            .map(|r| Ok((r.try_get("org_id")?, r.try_get("name")?))).collect::<Result<Vec<_>>>()?);
        Ok(units)
    }

    /// The years with publications, latest first.
    pub async fn publication_years(&self) -> Result<Vec<i64>> {
        let years = on!(self, pool => sqlx::query("SELECT DISTINCT year FROM publications WHERE latest = 1 ORDER BY year DESC")
            .fetch_all(pool).await?.iter().map(|r| r.try_get::<i64, _>("year")).collect::<std::result::Result<Vec<_>, _>>()?);
        Ok(years)
    }

    /// The time of the newest publication (0 when none): what the public pages' Last-Modified follows.
    pub async fn last_published(&self) -> Result<i64> {
        Ok(
            on!(self, pool => sqlx::query("SELECT COALESCE(MAX(published_at), 0) AS t FROM publications")
            .fetch_one(pool).await?.try_get::<i64, _>("t")?),
        )
    }

    /// Whether the finance bureau publishes its review (复核得分, findings) with this unit's reports.
    pub async fn set_publish_review(&self, org_id: i64, publish: bool) -> Result<()> {
        self.set_publish_review_audited(org_id, publish, None).await
    }

    pub(crate) async fn set_publish_review_audited(
        &self,
        org_id: i64,
        publish: bool,
        audit: Option<&crate::AuditEntry<'_>>,
    ) -> Result<()> {
        let now = crate::now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE orgs SET publish_review = $1 WHERE id = $2")
                .bind(i64::from(publish)).bind(org_id).execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound("机构"));
            }
            audit_in!(tx, audit, now);
            tx.commit().await?;
        });
        Ok(())
    }
}
