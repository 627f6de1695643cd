//! Backup and restore: a portable archive of everything the store keeps, independent of the backend.
//!
//! The archive is JSON lines (UTF-8): a header, one line per row, and a trailer with the row counts
//! and the SHA-256 of every line before it:
//!
//! ```text
//! {"format":"jixiao-backup","version":1,"schema":2,"created_at":1764000000000,"source":"SQLite"}
//! {"t":"orgs","r":{"id":1,"parent_id":null,"name":"番禺区财政局","kind":"bureau","created_at":…}}
//! …
//! {"end":{"counts":{"orgs":9,…},"sha256":"…"}}
//! ```
//!
//! The backup is one read transaction (a snapshot), so it can run while the server writes. Login
//! sessions are left out on purpose (everyone signs in again after a restore); API tokens are kept
//! (only their hashes are stored) so scripts keep working.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Begin, Result, Store, StoreError, now_millis};

pub const FORMAT: &str = "jixiao-backup";
pub const VERSION: i64 = 1;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Int,
    OptInt,
    Text,
}

struct Table {
    name: &'static str,
    order: &'static str,
    cols: &'static [(&'static str, Col)],
    /// The PostgreSQL sequence behind the id column, set past the restored ids.
    sequence: Option<&'static str>,
    /// The schema version (migration) that created the table: an older archive has no rows of it.
    since: i64,
    /// Columns added to the table by a later migration, with that migration's version: an archive of an
    /// older schema has rows without them (the migration fills them in after the restore).
    added: &'static [(&'static str, i64)],
}

impl Table {
    /// The table's columns in an archive of schema version `schema`.
    fn cols_at(&self, schema: i64) -> impl Iterator<Item = &(&'static str, Col)> {
        self.cols.iter().filter(move |(name, _)| {
            self.added
                .iter()
                .all(|(added, version)| added != name || *version <= schema)
        })
    }
}

use Col::*;

/// In dependency order (parents before children), so a restore satisfies every foreign key as it goes.
const TABLES: &[Table] = &[
    Table {
        name: "orgs",
        order: "id",
        cols: &[
            ("id", Int),
            ("parent_id", OptInt),
            ("name", Text),
            ("kind", Text),
            ("created_at", Int),
            ("publish_review", Int),
        ],
        sequence: Some("orgs_id_seq"),
        since: 1,
        added: &[("publish_review", 7)],
    },
    Table {
        name: "users",
        order: "id",
        cols: &[
            ("id", Int),
            ("username", Text),
            ("display_name", Text),
            ("password_hash", Text),
            ("role", Text),
            ("org_id", Int),
            ("active", Int),
            ("created_at", Int),
        ],
        sequence: Some("users_id_seq"),
        since: 1,
        added: &[],
    },
    Table {
        name: "projects",
        order: "id",
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("name", Text),
            ("year", Int),
            ("status", Text),
            ("revision", Int),
            ("total_centi", Int),
            ("self_total_centi", OptInt),
            ("grade", Text),
            ("errors", Int),
            ("warnings", Int),
            ("annual_fen", Int),
            ("updated_at", Int),
            ("updated_by", Int),
        ],
        sequence: Some("projects_id_seq"),
        since: 1,
        added: &[],
    },
    Table {
        name: "revisions",
        order: "project_id, number",
        cols: &[
            ("project_id", Int),
            ("number", Int),
            ("author_id", Int),
            ("created_at", Int),
            ("action", Text),
            ("status", Text),
            ("note", Text),
            ("data", Text),
        ],
        sequence: None,
        since: 1,
        added: &[],
    },
    Table {
        name: "comments",
        order: "id",
        cols: &[
            ("id", Int),
            ("project_id", Int),
            ("revision", Int),
            ("author_id", Int),
            ("indicator", OptInt),
            ("body", Text),
            ("created_at", Int),
        ],
        sequence: Some("comments_id_seq"),
        since: 1,
        added: &[],
    },
    Table {
        name: "declarations",
        order: "id",
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("name", Text),
            ("year", Int),
            ("status", Text),
            ("revision", Int),
            ("baseline", OptInt),
            ("resume", Text),
            ("adjustment", Text),
            ("review_grade", Text),
            ("project_id", OptInt),
            ("updated_at", Int),
            ("updated_by", Int),
        ],
        sequence: Some("declarations_id_seq"),
        since: 4,
        added: &[],
    },
    Table {
        name: "declaration_revisions",
        order: "declaration_id, number",
        cols: &[
            ("declaration_id", Int),
            ("number", Int),
            ("author_id", Int),
            ("created_at", Int),
            ("action", Text),
            ("status", Text),
            ("grade", Text),
            ("note", Text),
            ("data", Text),
        ],
        sequence: None,
        since: 4,
        added: &[],
    },
    Table {
        name: "declaration_comments",
        order: "id",
        cols: &[
            ("id", Int),
            ("declaration_id", Int),
            ("revision", Int),
            ("author_id", Int),
            ("indicator", OptInt),
            ("body", Text),
            ("created_at", Int),
        ],
        sequence: Some("declaration_comments_id_seq"),
        since: 4,
        added: &[],
    },
    Table {
        name: "library_entries",
        order: "id",
        cols: &[
            ("id", Int),
            ("status", Text),
            ("data", Text),
            ("proposed_by", Int),
            ("proposed_at", Int),
            ("decided_by", OptInt),
            ("decided_at", OptInt),
            ("note", Text),
        ],
        sequence: Some("library_entries_id_seq"),
        since: 4,
        added: &[],
    },
    Table {
        name: "monitor_rounds",
        order: "id",
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("year", Int),
            ("month", Int),
            ("due", Text),
            ("title", Text),
            ("created_by", Int),
            ("created_at", Int),
        ],
        sequence: Some("monitor_rounds_id_seq"),
        since: 5,
        added: &[],
    },
    Table {
        name: "monitor_reports",
        order: "id",
        cols: &[
            ("id", Int),
            ("round_id", Int),
            ("declaration_id", Int),
            ("org_id", Int),
            ("name", Text),
            ("status", Text),
            ("revision", Int),
            ("light", Text),
            ("execution_light", Text),
            ("execution_ratio_centi", OptInt),
            ("decision", Text),
            ("decision_note", Text),
            ("updated_at", Int),
            ("updated_by", Int),
        ],
        sequence: Some("monitor_reports_id_seq"),
        since: 5,
        added: &[],
    },
    Table {
        name: "monitor_report_revisions",
        order: "report_id, number",
        cols: &[
            ("report_id", Int),
            ("number", Int),
            ("author_id", Int),
            ("created_at", Int),
            ("action", Text),
            ("status", Text),
            ("note", Text),
            ("data", Text),
        ],
        sequence: None,
        since: 5,
        added: &[],
    },
    Table {
        name: "rectifications",
        order: "id",
        cols: &[
            ("id", Int),
            ("org_id", Int),
            ("year", Int),
            ("project", Text),
            ("project_id", OptInt),
            ("report_id", OptInt),
            ("source", Text),
            ("source_ref", Text),
            ("title", Text),
            ("measure", Text),
            ("owner", Text),
            ("deadline", Text),
            ("status", Text),
            ("created_by", Int),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        sequence: Some("rectifications_id_seq"),
        since: 5,
        added: &[],
    },
    Table {
        name: "rectification_events",
        order: "id",
        cols: &[
            ("id", Int),
            ("rectification_id", Int),
            ("author_id", Int),
            ("at", Int),
            ("action", Text),
            ("body", Text),
        ],
        sequence: Some("rectification_events_id_seq"),
        since: 5,
        added: &[],
    },
    Table {
        name: "rectification_files",
        order: "id",
        cols: &[
            ("id", Int),
            ("event_id", Int),
            ("name", Text),
            ("mime", Text),
            ("size", Int),
            ("data", Text),
        ],
        sequence: Some("rectification_files_id_seq"),
        since: 5,
        added: &[],
    },
    Table {
        name: "api_tokens",
        order: "token_hash",
        cols: &[
            ("token_hash", Text),
            ("user_id", Int),
            ("name", Text),
            ("created_at", Int),
        ],
        sequence: None,
        since: 1,
        added: &[],
    },
    Table {
        name: "audit_log",
        order: "id",
        cols: &[
            ("id", Int),
            ("at", Int),
            ("actor_id", OptInt),
            ("action", Text),
            ("subject", Text),
            ("detail", Text),
            ("client", Text),
        ],
        sequence: Some("audit_log_id_seq"),
        since: 2,
        added: &[],
    },
];

/// What a backup or restore covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    /// Rows per table, in archive order.
    pub counts: BTreeMap<String, u64>,
    /// Hex SHA-256 of the lines before the trailer.
    pub sha256: String,
    pub schema: i64,
}

impl BackupSummary {
    /// `机构 9，用户 8，…` for messages.
    pub fn describe(&self) -> String {
        TABLES
            .iter()
            .map(|t| {
                format!(
                    "{} {}",
                    table_label(t.name),
                    self.counts.get(t.name).copied().unwrap_or(0)
                )
            })
            .collect::<Vec<_>>()
            .join("，")
    }
}

fn table_label(name: &str) -> &'static str {
    match name {
        "orgs" => "机构",
        "users" => "用户",
        "projects" => "项目",
        "revisions" => "版本",
        "comments" => "意见",
        "api_tokens" => "接口令牌",
        "audit_log" => "审计记录",
        "sessions" => "登录会话",
        "declarations" => "绩效目标",
        "declaration_revisions" => "目标版本",
        "declaration_comments" => "目标审核意见",
        "library_entries" => "指标库新增条目",
        "monitor_rounds" => "监控轮次",
        "monitor_reports" => "监控表",
        "monitor_report_revisions" => "监控表版本",
        "rectifications" => "整改事项",
        "rectification_events" => "整改记录",
        "rectification_files" => "整改附件",
        _ => "其他",
    }
}

/// Writes lines and hashes them as it goes.
struct Sink<W: Write> {
    out: W,
    hash: Sha256,
}

impl<W: Write> Sink<W> {
    fn line(&mut self, v: &Value) -> Result<()> {
        let mut s = v.to_string();
        s.push('\n');
        self.hash.update(s.as_bytes());
        self.out.write_all(s.as_bytes())?;
        Ok(())
    }
}

fn row_json<R: Row>(r: &R, table: &Table) -> Result<Value>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    i64: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    Option<i64>: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    String: for<'a> sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let mut m = Map::new();
    for (name, col) in table.cols {
        let v = match col {
            Int => Value::from(r.try_get::<i64, _>(*name)?),
            OptInt => r
                .try_get::<Option<i64>, _>(*name)?
                .map_or(Value::Null, Value::from),
            Text => Value::from(r.try_get::<String, _>(*name)?),
        };
        m.insert((*name).to_string(), v);
    }
    Ok(Value::Object(m))
}

/// A bound value of a restored row.
enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
}

fn bad(line: usize, msg: impl std::fmt::Display) -> StoreError {
    StoreError::BadBackup(format!("第 {line} 行：{msg}"))
}

/// A row's values for the columns the table had in an archive of schema version `schema`.
fn row_values(table: &Table, row: &Value, line: usize, schema: i64) -> Result<Vec<Val>> {
    let obj = row.as_object().ok_or_else(|| bad(line, "行数据不是对象"))?;
    if let Some(extra) = obj
        .keys()
        .find(|k| !table.cols_at(schema).any(|(c, _)| c == k))
    {
        return Err(bad(line, format!("表 {} 没有字段“{extra}”", table.name)));
    }
    table
        .cols_at(schema)
        .map(|(name, col)| {
            let v = obj
                .get(*name)
                .ok_or_else(|| bad(line, format!("表 {} 缺少字段“{name}”", table.name)))?;
            let wrong = || {
                bad(
                    line,
                    format!("表 {} 的字段“{name}”类型不对：{v}", table.name),
                )
            };
            Ok(match col {
                Int => Val::Int(v.as_i64().ok_or_else(wrong)?),
                OptInt => Val::OptInt(if v.is_null() {
                    None
                } else {
                    Some(v.as_i64().ok_or_else(wrong)?)
                }),
                Text => Val::Text(v.as_str().ok_or_else(wrong)?.to_string()),
            })
        })
        .collect()
}

/// The archive's header line (kept for the checksum) and its schema version, checked against the
/// newest schema this program knows.
fn read_header<R: BufRead>(input: &mut R, newest: i64) -> Result<(String, i64)> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    if line.is_empty() {
        return Err(StoreError::BadBackup("文件是空的".into()));
    }
    let header: Value = serde_json::from_str(line.trim_end_matches(['\n', '\r']))
        .map_err(|e| bad(1, format!("不是 JSON：{e}")))?;
    if header["format"] != FORMAT {
        return Err(StoreError::BadBackup(
            "不是 jixiao 备份文件（缺少文件头）".into(),
        ));
    }
    if header["version"].as_i64() != Some(VERSION) {
        return Err(StoreError::BadBackup(format!(
            "备份格式第 {} 版，本程序只读第 {VERSION} 版",
            header["version"]
        )));
    }
    let schema = header["schema"].as_i64().unwrap_or(0);
    if schema > newest {
        return Err(StoreError::BadBackup(format!(
            "备份来自更新的版本（数据结构第 {schema} 版，本程序为第 {newest} 版），请先升级 jixiao"
        )));
    }
    if schema < 1 {
        return Err(StoreError::BadBackup(format!(
            "文件头的数据结构版本无效：{}",
            header["schema"]
        )));
    }
    Ok((line, schema))
}

impl Store {
    /// The latest applied migration: archives carry it so an older program refuses a newer archive.
    /// 0 for a database no migration has touched yet.
    pub async fn schema_version(&self) -> Result<i64> {
        let exists_sql = match &self.db {
            crate::Db::Sqlite(_) => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            crate::Db::Postgres(_) => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = '_sqlx_migrations' AND table_schema = current_schema()"
            }
        };
        let exists: i64 =
            on!(self, pool => sqlx::query(exists_sql).fetch_one(pool).await?.try_get("n")?);
        if exists == 0 {
            return Ok(0);
        }
        Ok(
            on!(self, pool => sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations WHERE success")
            .fetch_one(pool).await?.try_get::<Option<i64>, _>("v")?.unwrap_or(0)),
        )
    }

    /// The newest schema version this program's migrations reach.
    pub fn newest_schema(&self) -> i64 {
        let migrator = match &self.db {
            crate::Db::Sqlite(_) => sqlx::migrate!("./migrations/sqlite"),
            crate::Db::Postgres(_) => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Applies the migrations up to and including `version`, no further.
    async fn migrate_to(&self, version: i64) -> Result<()> {
        match &self.db {
            crate::Db::Sqlite(pool) => {
                sqlx::migrate!("./migrations/sqlite")
                    .run_to(version, pool)
                    .await?
            }
            crate::Db::Postgres(pool) => {
                sqlx::migrate!("./migrations/postgres")
                    .run_to(version, pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Restores an archive of any schema version up to this program's into a new database at `url` (a
    /// new SQLite file, or a PostgreSQL database with no tables): the database is first built at the
    /// archive's schema version, the rows are restored into it exactly as they were written (one
    /// transaction, checked as [`Store::restore_backup`] checks), and the remaining migrations then bring
    /// it, with its rows, to this program's schema, as they would have brought the original database.
    /// An empty database that is already past the archive's schema is refused: its tables cannot be taken
    /// back to the archive's.
    pub async fn restore_new<R: BufRead>(
        url: &str,
        policy: jixiao_core::Policy,
        mut input: R,
    ) -> Result<(Store, BackupSummary)> {
        let store = Store::from_db(Store::pool(url).await?, policy);
        let (header, schema) = read_header(&mut input, store.newest_schema())?;
        let current = store.schema_version().await?;
        if current > schema {
            return Err(StoreError::BadBackup(format!(
                "备份为第 {schema} 版数据结构，目标数据库已按第 {current} 版建表；请恢复到新建的空数据库（新的 SQLite 文件，或新建的、尚未建表的 PostgreSQL 库），恢复后自动升级到当前版本"
            )));
        }
        store.migrate_to(schema).await?;
        let summary = store
            .restore_rows(std::io::Cursor::new(header).chain(input), schema)
            .await?;
        store.migrate().await?;
        // Restored list columns carry no stamp: bring them to this engine and policy.
        store.refresh_summaries().await?;
        store.refresh_publications().await?;
        Ok((store, summary))
    }

    /// Writes a consistent snapshot of the whole database to `out` (one read transaction).
    pub async fn backup<W: Write>(&self, out: W) -> Result<BackupSummary> {
        let schema = self.schema_version().await?;
        let mut sink = Sink {
            out,
            hash: Sha256::new(),
        };
        sink.line(&json!({
            "format": FORMAT, "version": VERSION, "schema": schema, "created_at": now_millis(), "source": self.backend_name(),
        }))?;
        let mut counts = BTreeMap::new();
        on!(self, pool => {
            use futures_util::TryStreamExt;
            let mut tx = pool.begin_snapshot().await?;
            for table in TABLES {
                let cols = table.cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
                let sql = format!("SELECT {cols} FROM {} ORDER BY {}", table.name, table.order);
                let mut n = 0u64;
                let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
                while let Some(r) = rows.try_next().await? {
                    sink.line(&json!({ "t": table.name, "r": row_json(&r, table)? }))?;
                    n += 1;
                }
                drop(rows);
                counts.insert(table.name.to_string(), n);
            }
            tx.rollback().await?;
        });
        let sha256 = format!("{:x}", sink.hash.clone().finalize());
        let trailer = json!({ "end": { "counts": counts, "sha256": sha256 } });
        sink.out.write_all(format!("{trailer}\n").as_bytes())?;
        sink.out.flush()?;
        Ok(BackupSummary {
            counts,
            sha256,
            schema,
        })
    }

    /// Rows already in the tables a restore writes to (empty: the database is new).
    pub async fn occupied_tables(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut found = Vec::new();
        for name in TABLES.iter().map(|t| t.name).chain(["sessions"]) {
            let sql = format!("SELECT COUNT(*) AS n FROM {name}");
            let n: i64 = on!(self, pool => sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await?.try_get("n")?);
            if n > 0 {
                found.push((name, n));
            }
        }
        Ok(found)
    }

    /// Restores an archive of this program's schema version into this database, which must be empty.
    /// Everything is written in one transaction, and the checksum and counts are checked before it
    /// commits: a damaged or truncated archive leaves the database as it was. An archive of an older
    /// schema is restored with [`Store::restore_new`].
    pub async fn restore_backup<R: BufRead>(&self, mut input: R) -> Result<BackupSummary> {
        let ours = self.schema_version().await?;
        let (header, schema) = read_header(&mut input, ours)?;
        if schema < ours {
            return Err(StoreError::BadBackup(format!(
                "备份为第 {schema} 版数据结构（本数据库为第 {ours} 版）：请用 jixiao restore 恢复到新建的空数据库，恢复后自动升级"
            )));
        }
        let summary = self
            .restore_rows(std::io::Cursor::new(header).chain(input), schema)
            .await?;
        // Restored list columns carry no stamp: bring them to this engine and policy.
        self.refresh_summaries().await?;
        self.refresh_publications().await?;
        Ok(summary)
    }

    /// The rows of an archive (header included, already checked) of schema version `schema` into a
    /// database at that version with no rows, in one transaction.
    async fn restore_rows<R: BufRead>(&self, input: R, schema: i64) -> Result<BackupSummary> {
        let refuse_occupied = |occupied: Vec<(&str, i64)>| -> Result<()> {
            if occupied.is_empty() {
                return Ok(());
            }
            let list = occupied
                .iter()
                .map(|(t, n)| format!("{} {n} 条", table_label(t)))
                .collect::<Vec<_>>()
                .join("，");
            Err(StoreError::NotEmpty(list))
        };
        let tables: Vec<&Table> = TABLES.iter().filter(|t| t.since <= schema).collect();
        let mut lines = input.lines().enumerate().map(|(i, l)| (i + 1, l));
        let mut hash = Sha256::new();
        let mut take = |line: (usize, std::io::Result<String>)| -> Result<(usize, Value)> {
            let (no, text) = line;
            let text = text?;
            let v: Value =
                serde_json::from_str(&text).map_err(|e| bad(no, format!("不是 JSON：{e}")))?;
            if v.get("end").is_none() {
                hash.update(text.as_bytes());
                hash.update(b"\n");
            }
            Ok((no, v))
        };
        take(
            lines
                .next()
                .ok_or_else(|| StoreError::BadBackup("文件是空的".into()))?,
        )?;
        let mut counts: BTreeMap<String, u64> =
            tables.iter().map(|t| (t.name.to_string(), 0)).collect();
        let mut trailer = None;
        let summary = on!(self, pool => {
            let mut tx = pool.begin_write().await?;
            // Inside the write transaction, so nothing can slip in between the check and the restore.
            let mut occupied = Vec::new();
            for name in tables.iter().map(|t| t.name).chain(["sessions"]) {
                let sql = format!("SELECT COUNT(*) AS n FROM {name}");
                let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut *tx).await?.try_get("n")?;
                if n > 0 {
                    occupied.push((name, n));
                }
            }
            refuse_occupied(occupied)?;
            let mut sql: BTreeMap<&str, String> = BTreeMap::new();
            for line in lines.by_ref() {
                let (no, v) = take(line)?;
                if let Some(end) = v.get("end") {
                    trailer = Some(end.clone());
                    break;
                }
                let name = v["t"].as_str().ok_or_else(|| bad(no, "缺少表名"))?;
                let table = tables.iter().find(|t| t.name == name).ok_or_else(|| match TABLES.iter().any(|t| t.name == name) {
                    true => bad(no, format!("第 {schema} 版数据结构的备份中不应有表“{name}”")),
                    false => bad(no, format!("未知的表“{name}”")),
                })?;
                let values = row_values(table, &v["r"], no, schema)?;
                let stmt = sql.entry(table.name).or_insert_with(|| {
                    let cols = table.cols_at(schema).map(|(c, _)| *c).collect::<Vec<_>>();
                    let marks = (1..=cols.len()).map(|i| format!("${i}")).collect::<Vec<_>>();
                    format!("INSERT INTO {} ({}) VALUES ({})", table.name, cols.join(", "), marks.join(", "))
                });
                let mut q = sqlx::query(sqlx::AssertSqlSafe(stmt.clone()));
                for v in values {
                    q = match v {
                        Val::Int(i) => q.bind(i),
                        Val::OptInt(i) => q.bind(i),
                        Val::Text(s) => q.bind(s),
                    };
                }
                q.execute(&mut *tx).await.map_err(|e| bad(no, format!("写入表 {} 失败：{e}", table.name)))?;
                *counts.get_mut(table.name).expect("every table is counted") += 1;
            }
            let end = trailer.take().ok_or_else(|| StoreError::BadBackup("文件不完整（缺少结尾的校验行），可能在备份或复制时被截断".into()))?;
            let sha256 = format!("{:x}", hash.clone().finalize());
            if end["sha256"].as_str() != Some(sha256.as_str()) {
                return Err(StoreError::BadBackup("校验和不符：文件已损坏或被修改".into()));
            }
            let stated: BTreeMap<String, u64> = serde_json::from_value(end["counts"].clone()).map_err(|e| StoreError::BadBackup(format!("结尾的行数记录无效：{e}")))?;
            for (name, n) in &counts {
                if stated.get(name).copied().unwrap_or(0) != *n {
                    return Err(StoreError::BadBackup(format!("表 {name} 应有 {} 行，实际读到 {n} 行", stated.get(name).copied().unwrap_or(0))));
                }
            }
            if let Some((no, _)) = lines.next() {
                return Err(bad(no, "结尾的校验行之后还有内容"));
            }
            if pool.is_postgres() {
                // Ids were written explicitly, so the sequences still start at 1.
                for table in &tables {
                    if let Some(seq) = table.sequence {
                        let sql = format!("SELECT setval('{seq}', COALESCE((SELECT MAX(id) FROM {}), 0) + 1, false)", table.name);
                        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await?;
                    }
                }
            }
            tx.commit().await?;
            Ok::<_, StoreError>(BackupSummary { counts, sha256, schema })
        })?;
        Ok(summary)
    }
}
