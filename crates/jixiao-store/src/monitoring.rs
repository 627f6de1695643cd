//! 运行监控 and 整改 in the database: rounds and their reports (监控表) with the lights the overview sorts
//! on and the reviewer's decision; rectification items with their events and evidence.

use jixiao_core::Policy;
use jixiao_core::monitoring::{Light, MonitorForm, assess};
use serde::Serialize;
use sqlx::Row;

use crate::{Begin, Result, Status, Store, StoreError, now_millis};

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}：{e}"))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: i64,
    pub org_id: i64,
    pub year: i64,
    pub month: i64,
    pub due: String,
    pub title: String,
    pub created_at: i64,
}

/// The reviewer's decision on a project that lags (红灯).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// 继续执行
    Continue,
    /// 调整预算
    Adjust,
    /// 暂缓
    Suspend,
    /// 收回
    Recover,
}

impl Decision {
    pub const ALL: [Decision; 4] = [
        Decision::Continue,
        Decision::Adjust,
        Decision::Suspend,
        Decision::Recover,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Continue => "continue",
            Decision::Adjust => "adjust",
            Decision::Suspend => "suspend",
            Decision::Recover => "recover",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Decision::Continue => "继续执行",
            Decision::Adjust => "调整预算",
            Decision::Suspend => "暂缓",
            Decision::Recover => "收回",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub round_id: i64,
    pub declaration_id: i64,
    pub org_id: i64,
    pub status: Status,
    pub revision: i64,
    pub light: Light,
    pub execution_light: Light,
    pub execution_ratio_centi: Option<i64>,
    pub decision: Option<Decision>,
    pub decision_note: String,
    pub updated_at: i64,
    pub form: MonitorForm,
}

/// A line of a round's overview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub name: String,
    pub status: Status,
    pub light: Light,
    pub execution_light: Light,
    pub execution_ratio_centi: Option<i64>,
    pub decision: Option<Decision>,
}

const REPORT: &str = "SELECT m.id, m.round_id, m.declaration_id, m.org_id, m.status, m.revision, m.light, m.execution_light,
    m.execution_ratio_centi, m.decision, m.decision_note, m.updated_at, r.data FROM monitor_reports m
    JOIN monitor_report_revisions r ON r.report_id = m.id AND r.number = m.revision";

fn light(s: &str) -> Result<Light> {
    Light::parse(s).ok_or_else(|| corrupt("监控灯", s))
}

fn report_from<R: Row>(r: &R) -> Result<Report>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let id: i64 = r.try_get("id")?;
    let status: String = r.try_get("status")?;
    let data: String = r.try_get("data")?;
    Ok(Report {
        id,
        round_id: r.try_get("round_id")?,
        declaration_id: r.try_get("declaration_id")?,
        org_id: r.try_get("org_id")?,
        status: Status::parse(&status).ok_or_else(|| corrupt("监控表状态", &status))?,
        revision: r.try_get("revision")?,
        light: light(&r.try_get::<String, _>("light")?)?,
        execution_light: light(&r.try_get::<String, _>("execution_light")?)?,
        execution_ratio_centi: r.try_get("execution_ratio_centi")?,
        decision: Decision::parse(&r.try_get::<String, _>("decision")?),
        decision_note: r.try_get("decision_note")?,
        updated_at: r.try_get("updated_at")?,
        form: serde_json::from_str(&data).map_err(|e| corrupt(&format!("监控表 {id}"), e))?,
    })
}

/// The columns the overview sorts on, from the form as assessed now.
fn lights(form: &MonitorForm, policy: &Policy) -> (Light, Light, Option<i64>) {
    let a = assess(form, policy);
    let centi = a.execution_ratio.and_then(|r| {
        use rust_decimal::prelude::ToPrimitive;
        (r * rust_decimal::Decimal::ONE_HUNDRED).round().to_i64()
    });
    (a.light, a.execution_light, centi)
}

/// An item to correct (整改事项).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rectification {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub project: String,
    pub project_id: Option<i64>,
    pub report_id: Option<i64>,
    pub source: String,
    pub source_ref: String,
    pub title: String,
    pub measure: String,
    pub owner: String,
    pub deadline: String,
    /// open / reported / closed
    pub status: String,
    pub updated_at: i64,
}

impl Rectification {
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "open" => "待整改",
            "reported" => "已报送整改情况",
            "closed" => "已销号",
            _ => "其他",
        }
    }
    /// Past its deadline (YYYY-MM-DD) and not closed, on `today` (YYYY-MM-DD).
    pub fn overdue(&self, today: &str) -> bool {
        self.status != "closed" && self.deadline.as_str() < today
    }
}

/// What is raised as an item.
pub struct NewRectification<'a> {
    pub org_id: i64,
    pub year: i64,
    pub project: &'a str,
    pub project_id: Option<i64>,
    pub report_id: Option<i64>,
    pub source: &'a str,
    pub source_ref: &'a str,
    pub title: &'a str,
    pub measure: &'a str,
    pub owner: &'a str,
    pub deadline: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RectificationEvent {
    pub id: i64,
    pub author: String,
    pub at: i64,
    pub action: String,
    pub body: String,
    /// (file id, name, size) of the evidence attached.
    pub files: Vec<(i64, String, i64)>,
}

/// An evidence file.
pub struct Evidence {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return Err(corrupt("附件", "长度"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| corrupt("附件", e)))
        .collect()
}

const RECT: &str = "SELECT x.id, x.org_id, o.name AS org_name, x.year, x.project, x.project_id, x.report_id, x.source, x.source_ref,
    x.title, x.measure, x.owner, x.deadline, x.status, x.updated_at FROM rectifications x JOIN orgs o ON o.id = x.org_id";

fn rect_from<R: Row>(r: &R) -> Result<Rectification>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Rectification {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_name: r.try_get("org_name")?,
        year: r.try_get("year")?,
        project: r.try_get("project")?,
        project_id: r.try_get("project_id")?,
        report_id: r.try_get("report_id")?,
        source: r.try_get("source")?,
        source_ref: r.try_get("source_ref")?,
        title: r.try_get("title")?,
        measure: r.try_get("measure")?,
        owner: r.try_get("owner")?,
        deadline: r.try_get("deadline")?,
        status: r.try_get("status")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// The JSON array of ids a scoped query binds (all organisations when `None`).
fn ids_json(ids: Option<&[i64]>) -> String {
    ids.map(|i| serde_json::to_string(i).unwrap_or_default())
        .unwrap_or_default()
}

impl Store {
    /// `column` is one of the ids in the JSON array bound as `param`, or any when it is ''.
    fn in_orgs(&self, column: &str, param: &str) -> String {
        let ids = self.id_list(&format!(
            "CASE WHEN {param} = '' THEN '[]' ELSE {param} END"
        ));
        format!("({param} = '' OR {column} IN {ids})")
    }

    /// Opens a round over `org_ids` (the bureau's or a department's subtree): every approved
    /// declaration of `year` there gets a 监控表 prefilled from its approved goals. Returns the round.
    #[allow(clippy::too_many_arguments)]
    pub async fn open_round(
        &self,
        org_id: i64,
        org_ids: &[i64],
        year: i64,
        month: i64,
        due: &str,
        title: &str,
        by: i64,
    ) -> Result<Round> {
        let now = now_millis();
        let declarations: Vec<(i64, i64, String)> = {
            let sql = format!(
                "SELECT d.id, d.org_id, r.data FROM declarations d JOIN declaration_revisions r ON r.declaration_id = d.id AND r.number = d.baseline
                 WHERE d.year = $1 AND {} ORDER BY d.id",
                self.in_orgs("d.org_id", "$2")
            );
            let ids = ids_json(Some(org_ids));
            on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(year).bind(&ids).fetch_all(pool).await?
                .iter().map(|r| Ok((r.try_get("id")?, r.try_get("org_id")?, r.try_get("data")?))).collect::<Result<Vec<_>>>()?)
        };
        let mut forms = Vec::new();
        for (id, org, data) in declarations {
            let goals: jixiao_core::Declaration =
                serde_json::from_str(&data).map_err(|e| corrupt("批复目标", e))?;
            let form = MonitorForm::from_goals(&goals, u32::try_from(month).unwrap_or(12));
            let (l, el, ratio) = lights(&form, &self.policy);
            let json = serde_json::to_string(&form).map_err(|e| corrupt("监控表", e))?;
            forms.push((id, org, form.name, json, l, el, ratio));
        }
        let round_id: i64 = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let round_id: i64 = sqlx::query("INSERT INTO monitor_rounds (org_id, year, month, due, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(org_id).bind(year).bind(month).bind(due).bind(title).bind(by).bind(now)
                .fetch_one(&mut *tx).await?.try_get("id")?;
            for (declaration, org, name, json, l, el, ratio) in &forms {
                let id: i64 = sqlx::query("INSERT INTO monitor_reports (round_id, declaration_id, org_id, name, status, revision, light, execution_light, execution_ratio_centi, updated_at, updated_by)
                    VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6, $7, $8, $9) RETURNING id")
                    .bind(round_id).bind(declaration).bind(org).bind(name).bind(l.as_str()).bind(el.as_str()).bind(ratio).bind(now).bind(by)
                    .fetch_one(&mut *tx).await?.try_get("id")?;
                sqlx::query("INSERT INTO monitor_report_revisions (report_id, number, author_id, created_at, action, status, note, data) VALUES ($1, 1, $2, $3, 'create', 'draft', '', $4)")
                    .bind(id).bind(by).bind(now).bind(json).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            round_id
        });
        self.round(round_id)
            .await?
            .ok_or(StoreError::NotFound("监控轮次"))
    }

    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        on!(self, pool => sqlx::query("SELECT id, org_id, year, month, due, title, created_at FROM monitor_rounds WHERE id = $1")
            .bind(id).fetch_optional(pool).await?.map(|r| -> Result<Round> { round_from(&r) }).transpose())
    }

    /// Rounds, newest first.
    pub async fn rounds(&self) -> Result<Vec<Round>> {
        on!(self, pool => sqlx::query("SELECT id, org_id, year, month, due, title, created_at FROM monitor_rounds ORDER BY year DESC, month DESC, id DESC")
            .fetch_all(pool).await?.iter().map(round_from).collect())
    }

    pub async fn report(&self, id: i64) -> Result<Option<Report>> {
        let sql = format!("{REPORT} WHERE m.id = $1");
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
            .map(|r| report_from(&r)).transpose())
    }

    /// Every report on one declaration's goals, oldest round first: the project's monitoring history.
    pub async fn reports_of_declaration(&self, declaration_id: i64) -> Result<Vec<Report>> {
        let sql = format!(
            "{REPORT} JOIN monitor_rounds o ON o.id = m.round_id WHERE m.declaration_id = $1 ORDER BY o.month, m.id"
        );
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(declaration_id).fetch_all(pool).await?
            .iter().map(report_from).collect())
    }

    /// A round's reports in the organisations given (all when `None`).
    pub async fn round_reports(
        &self,
        round_id: i64,
        org_ids: Option<&[i64]>,
    ) -> Result<Vec<ReportRow>> {
        let sql = format!(
            "SELECT m.id, m.org_id, o.name AS org_name, m.name, m.status, m.light, m.execution_light, m.execution_ratio_centi, m.decision
             FROM monitor_reports m JOIN orgs o ON o.id = m.org_id WHERE m.round_id = $1 AND {} ORDER BY o.name, m.name, m.id",
            self.in_orgs("m.org_id", "$2")
        );
        let ids = ids_json(org_ids);
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round_id).bind(&ids).fetch_all(pool).await?
            .iter().map(|r| -> Result<ReportRow> {
                let status: String = r.try_get("status")?;
                Ok(ReportRow {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("org_name")?,
                    name: r.try_get("name")?,
                    status: Status::parse(&status).ok_or_else(|| corrupt("监控表状态", &status))?,
                    light: light(&r.try_get::<String, _>("light")?)?,
                    execution_light: light(&r.try_get::<String, _>("execution_light")?)?,
                    execution_ratio_centi: r.try_get("execution_ratio_centi")?,
                    decision: Decision::parse(&r.try_get::<String, _>("decision")?),
                })
            }).collect())
    }

    /// Saves the unit's 监控表 (a conflict if someone saved since `base`), or moves it along the
    /// workflow (`to`); the lights are recomputed with every write.
    pub async fn write_report(
        &self,
        id: i64,
        base: i64,
        form: &MonitorForm,
        to: Option<Status>,
        author: i64,
        note: &str,
    ) -> Result<i64> {
        let cur = self
            .report(id)
            .await?
            .ok_or(StoreError::NotFound("监控表"))?;
        let status = match to {
            Some(to) if !cur.status.can_move_to(to) => {
                return Err(StoreError::BadTransition {
                    from: cur.status.label(),
                    to: to.label(),
                });
            }
            Some(to) => to,
            None if !cur.status.editable() => {
                return Err(StoreError::BadTransition {
                    from: cur.status.label(),
                    to: "修改",
                });
            }
            None => cur.status,
        };
        let action = match to {
            None => "save",
            Some(s) => crate::Action::Status(s).as_str(),
        };
        let (l, el, ratio) = lights(form, &self.policy);
        let data = serde_json::to_string(form).map_err(|e| corrupt("监控表", e))?;
        let now = now_millis();
        let next = base + 1;
        let written = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE monitor_reports SET revision = $1, status = $2, light = $3, execution_light = $4, execution_ratio_centi = $5,
                                 updated_at = $6, updated_by = $7 WHERE id = $8 AND revision = $9")
                .bind(next).bind(status.as_str()).bind(l.as_str()).bind(el.as_str()).bind(ratio).bind(now).bind(author).bind(id).bind(base)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                sqlx::query("INSERT INTO monitor_report_revisions (report_id, number, author_id, created_at, action, status, note, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(id).bind(next).bind(author).bind(now).bind(action).bind(status.as_str()).bind(note).bind(&data)
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
                current: cur.revision,
            });
        }
        // The year-end self-evaluation on these goals is measured against its monitoring too.
        if let Some(project_id) = self
            .declaration(cur.declaration_id)
            .await?
            .and_then(|d| d.project_id)
        {
            self.refresh_project(project_id).await?;
        }
        Ok(next)
    }

    /// The reviewer's decision on a lagging project.
    pub async fn decide_report(&self, id: i64, decision: Decision, note: &str) -> Result<()> {
        on!(self, pool => sqlx::query("UPDATE monitor_reports SET decision = $1, decision_note = $2 WHERE id = $3")
            .bind(decision.as_str()).bind(note).bind(id).execute(pool).await?.rows_affected());
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // 整改

    pub async fn raise_rectification(&self, n: &NewRectification<'_>, by: i64) -> Result<i64> {
        let now = now_millis();
        Ok(on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let id: i64 = sqlx::query("INSERT INTO rectifications (org_id, year, project, project_id, report_id, source, source_ref, title, measure, owner, deadline, status, created_by, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'open', $12, $13, $13) RETURNING id")
                .bind(n.org_id).bind(n.year).bind(n.project).bind(n.project_id).bind(n.report_id).bind(n.source).bind(n.source_ref)
                .bind(n.title).bind(n.measure).bind(n.owner).bind(n.deadline).bind(by).bind(now)
                .fetch_one(&mut *tx).await?.try_get("id")?;
            sqlx::query("INSERT INTO rectification_events (rectification_id, author_id, at, action, body) VALUES ($1, $2, $3, 'open', $4)")
                .bind(id).bind(by).bind(now).bind(n.measure).execute(&mut *tx).await?;
            tx.commit().await?;
            id
        }))
    }

    pub async fn rectification(&self, id: i64) -> Result<Option<Rectification>> {
        let sql = format!("{RECT} WHERE x.id = $1");
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
            .map(|r| rect_from(&r)).transpose())
    }

    /// Items in the organisations given (all when `None`), optionally only those of one project name;
    /// open first, then by deadline.
    pub async fn rectifications(
        &self,
        org_ids: Option<&[i64]>,
        project: Option<&str>,
    ) -> Result<Vec<Rectification>> {
        let sql = format!(
            "{RECT} WHERE {} AND ($2 = '' OR x.project = $2) ORDER BY CASE x.status WHEN 'closed' THEN 1 ELSE 0 END, x.deadline, x.id",
            self.in_orgs("x.org_id", "$1")
        );
        let ids = ids_json(org_ids);
        on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&ids).bind(project.unwrap_or("")).fetch_all(pool).await?
            .iter().map(rect_from).collect())
    }

    /// Moves an item: `report` (the unit's progress, with evidence) → reported; `close` → closed;
    /// `return` (sent back) → open. Any other move from the wrong status is refused.
    pub async fn rectification_event(
        &self,
        id: i64,
        action: &str,
        body: &str,
        files: &[Evidence],
        by: i64,
    ) -> Result<()> {
        let cur = self
            .rectification(id)
            .await?
            .ok_or(StoreError::NotFound("整改事项"))?;
        let to = match (action, cur.status.as_str()) {
            ("report", "open") => "reported",
            ("close", "reported" | "open") => "closed",
            ("return", "reported") => "open",
            _ => {
                return Err(StoreError::BadTransition {
                    from: cur.status_label(),
                    to: match action {
                        "report" => "已报送整改情况",
                        "close" => "已销号",
                        _ => "待整改",
                    },
                });
            }
        };
        let now = now_millis();
        on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            let n = sqlx::query("UPDATE rectifications SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
                .bind(to).bind(now).bind(id).bind(&cur.status).execute(&mut *tx).await?.rows_affected();
            if n != 1 {
                tx.rollback().await?;
                return Err(StoreError::Busy);
            }
            let event: i64 = sqlx::query("INSERT INTO rectification_events (rectification_id, author_id, at, action, body) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(id).bind(by).bind(now).bind(action).bind(body).fetch_one(&mut *tx).await?.try_get("id")?;
            for f in files {
                sqlx::query("INSERT INTO rectification_files (event_id, name, mime, size, data) VALUES ($1, $2, $3, $4, $5)")
                    .bind(event).bind(&f.name).bind(&f.mime).bind(f.bytes.len() as i64).bind(hex(&f.bytes))
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn rectification_events(&self, id: i64) -> Result<Vec<RectificationEvent>> {
        let mut events: Vec<RectificationEvent> = on!(self, pool => sqlx::query(
            "SELECT e.id, u.display_name, e.at, e.action, e.body FROM rectification_events e JOIN users u ON u.id = e.author_id
             WHERE e.rectification_id = $1 ORDER BY e.id")
            .bind(id).fetch_all(pool).await?.iter().map(|r| -> Result<RectificationEvent> {
                Ok(RectificationEvent {
                    id: r.try_get("id")?,
                    author: r.try_get("display_name")?,
                    at: r.try_get("at")?,
                    action: r.try_get("action")?,
                    body: r.try_get("body")?,
                    files: Vec::new(),
                })
            }).collect::<Result<Vec<_>>>()?);
        let files: Vec<(i64, i64, String, i64)> = on!(self, pool => sqlx::query(
            "SELECT f.id, f.event_id, f.name, f.size FROM rectification_files f JOIN rectification_events e ON e.id = f.event_id
             WHERE e.rectification_id = $1 ORDER BY f.id")
            .bind(id).fetch_all(pool).await?.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("event_id")?, r.try_get("name")?, r.try_get("size")?)))
            .collect::<Result<Vec<_>>>()?);
        for (file, event, name, size) in files {
            if let Some(e) = events.iter_mut().find(|e| e.id == event) {
                e.files.push((file, name, size));
            }
        }
        Ok(events)
    }

    /// One evidence file of an item: (name, mime, bytes).
    pub async fn rectification_file(
        &self,
        rectification_id: i64,
        file_id: i64,
    ) -> Result<Option<(String, String, Vec<u8>)>> {
        let row: Option<(String, String, String)> = on!(self, pool => sqlx::query(
            "SELECT f.name, f.mime, f.data FROM rectification_files f JOIN rectification_events e ON e.id = f.event_id
             WHERE f.id = $1 AND e.rectification_id = $2")
            .bind(file_id).bind(rectification_id).fetch_optional(pool).await?
            .map(|r| Ok::<_, StoreError>((r.try_get("name")?, r.try_get("mime")?, r.try_get("data")?))).transpose()?);
        row.map(|(name, mime, data)| Ok((name, mime, unhex(&data)?)))
            .transpose()
    }
}

fn round_from<R: Row>(r: &R) -> Result<Round>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Round {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        year: r.try_get("year")?,
        month: r.try_get("month")?,
        due: r.try_get("due")?,
        title: r.try_get("title")?,
        created_at: r.try_get("created_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_bytes_survive_as_text() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&bytes)).unwrap(), bytes);
        assert!(unhex("abc").is_err());
        assert!(unhex("zz").is_err());
    }
}
