//! `jixiao backup` / `jixiao restore` through the real binary: a SQLite store with the demo data plus
//! revisions, comments, tokens and audit entries is backed up, restored into PostgreSQL and into a new
//! SQLite file, backed up again, and the archives compared row for row. Damaged archives and non-empty
//! targets are refused and write nothing; a backup taken while saves go on is a consistent snapshot.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use jixiao_core::Project;
use jixiao_store::*;
use predicates::prelude::*;
use serde_json::Value;

fn jixiao() -> Command {
    Command::cargo_bin("jixiao").unwrap()
}

fn seed() -> Project {
    toml::from_str(include_str!("../../../../examples/panyu-2022.toml")).unwrap()
}

/// The demo data, then a day of work: saves, a return with comments, a restore, a token, audit entries.
async fn fill(store: &Store) {
    jixiao_web::demo::load_with(store, &jixiao_web::demo::DistrictSize::NONE)
        .await
        .unwrap();
    let users = store.users().await.unwrap();
    let clerk = users.iter().find(|u| u.username == "danwei5").unwrap();
    let reviewer = users.iter().find(|u| u.username == "caizheng").unwrap();
    let rows = store
        .list_projects(&ProjectFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let draft = rows.iter().find(|r| r.status == Status::Draft).unwrap().id;
    let mut rec = store.project(draft).await.unwrap().unwrap();
    for i in 0..5 {
        rec.project.indicators[0].actual = format!("{}场", 10 + i);
        let n = store
            .save_project(
                draft,
                rec.revision,
                &rec.project,
                clerk.id,
                Action::Save,
                &format!("第 {i} 次保存"),
            )
            .await
            .unwrap();
        rec = store.project(draft).await.unwrap().unwrap();
        assert_eq!(rec.revision, n);
    }
    let n = store
        .set_status(draft, rec.revision, Status::Submitted, clerk.id, "提交")
        .await
        .unwrap();
    let n = store
        .set_status(
            draft,
            n,
            Status::Returned,
            reviewer.id,
            "请补充佐证<script>“引号”",
        )
        .await
        .unwrap();
    store
        .add_comment(draft, n, reviewer.id, None, "请补充佐证材料")
        .await
        .unwrap();
    store
        .add_comment(draft, n, reviewer.id, Some(2), "满意度调查样本太少\n第二行")
        .await
        .unwrap();
    store.restore(draft, n, 2, clerk.id).await.unwrap();
    store
        .create_api_token("0123abcd", clerk.id, "报表脚本")
        .await
        .unwrap();
    store
        .create_session("session-hash", clerk.id, "csrf", now_millis() + 3_600_000)
        .await
        .unwrap();
    store
        .audit(&AuditEntry {
            actor_id: None,
            action: AuditAction::LoginFailed,
            subject: "danwei5",
            detail: "",
            client: "10.0.0.7",
        })
        .await
        .unwrap();
    store
        .audit(&AuditEntry {
            actor_id: Some(reviewer.id),
            action: AuditAction::LoginOk,
            subject: "caizheng",
            detail: "",
            client: "10.0.0.8",
        })
        .await
        .unwrap();
}

/// The row lines of an archive (header and trailer carry times and the source backend).
fn rows(archive: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(archive).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header["format"], "jixiao-backup");
    assert_eq!(header["version"], 1);
    assert!(
        serde_json::from_str::<Value>(lines.last().unwrap()).unwrap()["end"]["sha256"].is_string()
    );
    lines[1..lines.len() - 1]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn count(rows: &[String], table: &str) -> usize {
    rows.iter()
        .filter(|l| serde_json::from_str::<Value>(l).unwrap()["t"] == table)
        .count()
}

fn backup(db: &str, out: &Path) {
    jixiao()
        .args(["backup", "--database", db, "-o", out.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("已备份到"));
}

fn restore(file: &Path, db: &str) {
    jixiao()
        .args(["restore", file.to_str().unwrap(), "--database", db])
        .assert()
        .success()
        .stderr(predicate::str::contains("已从"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_postgres_and_sqlite_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a_db = dir.path().join("a.db");
    let a_db = a_db.to_str().unwrap();
    let store = Store::connect(a_db).await.unwrap();
    fill(&store).await;
    let projects_before = store
        .list_projects(&ProjectFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    store.close().await;

    let a = dir.path().join("a.jsonl");
    backup(a_db, &a);
    let a_rows = rows(&a);
    assert_eq!(count(&a_rows, "orgs"), 10);
    // The bureau's reviewer and admin, a reviewer per department (4), a clerk per unit (5).
    assert_eq!(count(&a_rows, "users"), 11);
    assert_eq!(count(&a_rows, "projects"), 5);
    // 5 projects created, 4 of them submitted; the draft got 5 saves, submit, return and a restore.
    assert_eq!(count(&a_rows, "revisions"), 5 + 4 + 5 + 2 + 1);
    assert_eq!(count(&a_rows, "comments"), 2);
    // The demo's goals (one a year ahead, awaiting review), its July round and its open 整改 items.
    assert_eq!(count(&a_rows, "declarations"), 6);
    assert_eq!(count(&a_rows, "monitor_rounds"), 1);
    assert_eq!(count(&a_rows, "monitor_reports"), 3);
    assert_eq!(count(&a_rows, "rectifications"), 2);
    assert_eq!(count(&a_rows, "api_tokens"), 1);
    assert_eq!(count(&a_rows, "audit_log"), 2);
    assert_eq!(
        count(&a_rows, "sessions"),
        0,
        "login sessions are not backed up"
    );
    assert!(
        a_rows.iter().any(|l| l.contains("$argon2")),
        "password hashes are kept"
    );

    // Into a new SQLite file, and back out.
    let b_db = dir.path().join("b.db");
    let b_db = b_db.to_str().unwrap();
    restore(&a, b_db);
    let b = dir.path().join("b.jsonl");
    backup(b_db, &b);
    assert_eq!(
        rows(&b),
        a_rows,
        "SQLite → archive → SQLite → archive is the same"
    );

    let restored = Store::connect(b_db).await.unwrap();
    assert_eq!(
        restored
            .list_projects(&ProjectFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap(),
        projects_before
    );
    assert_eq!(
        restored.integrity_check().await.unwrap(),
        Vec::<String>::new()
    );
    restored.close().await;

    // A second restore into the now non-empty database is refused and changes nothing.
    jixiao()
        .args(["restore", a.to_str().unwrap(), "--database", b_db])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("目标数据库不是空的")
                .and(predicate::str::contains("用户 11 条")),
        );
    let again = dir.path().join("again.jsonl");
    backup(b_db, &again);
    assert_eq!(rows(&again), a_rows);

    // Into PostgreSQL (the move of a unit from SQLite to a server), and back out.
    let Some(pg) = jixiao_testkit::postgres().await else {
        return;
    };
    restore(&a, &pg);
    let c = dir.path().join("c.jsonl");
    backup(&pg, &c);
    assert_eq!(
        rows(&c),
        a_rows,
        "SQLite → archive → PostgreSQL → archive is the same"
    );

    // Ids keep counting after the restored ones (sequences were moved past them).
    let store = Store::connect(&pg).await.unwrap();
    assert_eq!(
        store
            .list_projects(&ProjectFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap(),
        projects_before
    );
    let max_org = store
        .orgs()
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .max()
        .unwrap();
    assert_eq!(
        store
            .create_org("新单位", OrgKind::Unit, Some(1))
            .await
            .unwrap()
            .id,
        max_org + 1
    );
    let clerk = store.user_by_name("danwei5").await.unwrap().unwrap().0;
    let rec = store
        .create_project(clerk.org_id, &seed(), clerk.id, Action::Create, "")
        .await
        .unwrap();
    assert_eq!(rec.id, 6);
    let comment = store
        .add_comment(rec.id, 1, clerk.id, None, "恢复后的第一条意见")
        .await
        .unwrap();
    assert_eq!(comment, 3);
    let audit = store
        .audit(&AuditEntry {
            actor_id: None,
            action: AuditAction::Logout,
            subject: "x",
            detail: "",
            client: "",
        })
        .await
        .unwrap();
    assert_eq!(audit, 3);
    assert_eq!(
        store
            .create_user(&NewUser {
                username: "new",
                display_name: "新",
                password_hash: "h",
                role: Role::Editor,
                org_id: 1
            })
            .await
            .unwrap()
            .id,
        // Past the restored ids: the demo's 11 users.
        12
    );
    store.close().await;
}

#[test]
fn damaged_archives_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("src.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::connect(db.to_str().unwrap()).await.unwrap();
        fill(&store).await;
        store.close().await;
    });
    let good = dir.path().join("good.jsonl");
    backup(db.to_str().unwrap(), &good);
    let text = std::fs::read_to_string(&good).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated.jsonl",
            lines[..lines.len() / 2].join("\n") + "\n",
            "文件不完整",
        ),
        (
            "edited.jsonl",
            text.replacen("请补充佐证材料", "已补充佐证材料", 1),
            "校验和不符",
        ),
        (
            "dropped-row.jsonl",
            {
                let mut l = lines.clone();
                l.remove(l.len() - 2); // the last row: no foreign key notices it, the checksum does
                l.join("\n") + "\n"
            },
            "校验和不符",
        ),
        (
            "not-a-backup.jsonl",
            "{\"hello\":1}\n".into(),
            "不是 jixiao 备份文件",
        ),
        ("garbage.jsonl", "PK\u{3}\u{4}garbage\n".into(), "第 1 行"),
        ("empty.jsonl", String::new(), "文件是空的"),
    ];
    for (name, content, message) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let target = dir.path().join(format!("{name}.db"));
        jixiao()
            .args([
                "restore",
                file.to_str().unwrap(),
                "--database",
                target.to_str().unwrap(),
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message).and(predicate::str::contains(name)));
        rt.block_on(async {
            let store = Store::connect(target.to_str().unwrap()).await.unwrap();
            assert_eq!(
                store.occupied_tables().await.unwrap(),
                vec![],
                "{name}: nothing written"
            );
            store.close().await;
        });
    }
    // A missing database is an error, not an empty backup.
    jixiao()
        .args([
            "backup",
            "--database",
            dir.path().join("nope.db").to_str().unwrap(),
            "-o",
            dir.path().join("x.jsonl").to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.db").and(predicate::str::contains("不存在")));
    assert!(!dir.path().join("nope.db").exists());
    assert!(!dir.path().join("x.jsonl").exists());
}

/// Backups taken by the binary while this process keeps saving to the same SQLite file: every
/// archive is a snapshot (each project's revisions are exactly 1..=its latest revision).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_saving_is_a_consistent_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let db = db.to_str().unwrap().to_string();
    let store = Store::connect(&db).await.unwrap();
    fill(&store).await;
    let clerk = store.user_by_name("danwei5").await.unwrap().unwrap().0;
    let ids: Vec<i64> = store
        .list_projects(&ProjectFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    let writer = {
        let store = store.clone();
        let ids = ids.clone();
        tokio::spawn(async move {
            let until = Instant::now() + Duration::from_secs(4);
            let mut saves = 0;
            while Instant::now() < until {
                for &id in &ids {
                    let rec = store.project(id).await.unwrap().unwrap();
                    store
                        .save_project(
                            id,
                            rec.revision,
                            &rec.project,
                            clerk.id,
                            Action::Save,
                            "并发保存",
                        )
                        .await
                        .unwrap();
                    saves += 1;
                }
            }
            saves
        })
    };
    let mut archives = 0;
    while !writer.is_finished() {
        let out = dir.path().join(format!("live-{archives}.jsonl"));
        let db = db.clone();
        let out2 = out.clone();
        tokio::task::spawn_blocking(move || backup(&db, &out2))
            .await
            .unwrap();
        archives += 1;
        let mut latest = BTreeMap::new();
        let mut revisions: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for line in rows(&out) {
            let v: Value = serde_json::from_str(&line).unwrap();
            match v["t"].as_str().unwrap() {
                "projects" => {
                    latest.insert(
                        v["r"]["id"].as_i64().unwrap(),
                        v["r"]["revision"].as_i64().unwrap(),
                    );
                }
                "revisions" => revisions
                    .entry(v["r"]["project_id"].as_i64().unwrap())
                    .or_default()
                    .push(v["r"]["number"].as_i64().unwrap()),
                _ => {}
            }
        }
        for (id, n) in &latest {
            assert_eq!(
                revisions[id],
                (1..=*n).collect::<Vec<_>>(),
                "archive {archives}, project {id}: revisions match its latest"
            );
        }
    }
    let saves = writer.await.unwrap();
    assert!(
        archives >= 2 && saves > 0,
        "backups ran while saving ({archives} archives, {saves} saves)"
    );
    eprintln!("{archives} consistent archives taken during {saves} saves");
}
