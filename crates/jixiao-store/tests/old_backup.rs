//! An archive written by the previous release's schema (migrations 0001–0003, before 绩效目标 and 运行监控;
//! tests/fixtures/backup/README.md says how it was made) restores into a new SQLite file and a new
//! PostgreSQL database: the database is built at the archive's schema, filled, and migrated to the current
//! one. The projects, users, revisions, comments, tokens and audit entries are there, and the tables the
//! later migrations added exist and take rows.

use std::io::BufReader;
use std::path::Path;

use jixiao_core::Policy;
use jixiao_core::goals::Declaration;
use jixiao_store::*;

const ARCHIVE: &str = "../../tests/fixtures/backup/schema-3-before-goals.jsonl";

fn archive() -> BufReader<std::fs::File> {
    BufReader::new(
        std::fs::File::open(Path::new(env!("CARGO_MANIFEST_DIR")).join(ARCHIVE)).unwrap(),
    )
}

async fn restore_old(url: &str) {
    let (store, summary) = Store::restore_new(url, Policy::standard().clone(), archive())
        .await
        .unwrap();
    assert_eq!(summary.schema, 3);
    assert_eq!(store.schema_version().await.unwrap(), store.newest_schema());
    assert!(store.newest_schema() > 3);
    assert_eq!(
        (
            summary.counts["orgs"],
            summary.counts["users"],
            summary.counts["projects"]
        ),
        (3, 3, 1)
    );
    assert_eq!(summary.counts["revisions"], 4);
    assert!(!summary.counts.contains_key("declarations"));

    // The data is there, read by the current model.
    let users: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(users, ["admin", "danwei1", "bumen1"]);
    let list = store
        .list_projects(&ProjectFilter::default())
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let p = store.project(list[0].id).await.unwrap().unwrap();
    assert_eq!(p.project.project.name, "产业人才发展专项资金");
    assert_eq!(
        p.project.funds.executed, p.project.funds.annual,
        "revision 2 kept"
    );
    assert_eq!((p.revision, p.status), (4, Status::Returned));
    let revisions = store.revisions(p.id).await.unwrap();
    assert_eq!(revisions.len(), 4);
    assert_eq!(revisions[2].note, "执行数按决算更正");
    assert_eq!(
        store.comments(p.id).await.unwrap()[0].body,
        "请补充偏差原因"
    );
    let clerk = store.user_by_name("danwei1").await.unwrap().unwrap().0;
    assert_eq!(
        store.api_token_user(&"5a".repeat(32)).await.unwrap(),
        Some(clerk.id)
    );
    assert_eq!(store.count_audit().await.unwrap(), 3);
    // The list columns were computed afresh (the archive carries no stamp): nothing is left to refresh.
    assert_eq!(store.refresh_summaries().await.unwrap(), 0);
    assert_eq!(store.integrity_check().await.unwrap(), Vec::<String>::new());

    // The tables of the later migrations exist and take rows; ids go on after the restored ones.
    let unit = store
        .orgs()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.kind == OrgKind::Unit)
        .unwrap();
    let d: Declaration = toml::from_str(include_str!(
        "../../../examples/goals/hedao-baojie-2023.toml"
    ))
    .unwrap();
    let rec = store
        .create_declaration(unit.id, &d, clerk.id, "create", "")
        .await
        .unwrap();
    assert_eq!(
        store.declaration(rec.id).await.unwrap().unwrap().revision,
        1
    );
    let newbie = store
        .create_user(&NewUser {
            username: "xin",
            display_name: "新用户",
            password_hash: "h",
            role: Role::Editor,
            org_id: unit.id,
        })
        .await
        .unwrap();
    assert_eq!(newbie.id, 4);

    // The same archive into the now filled database is refused.
    let again = Store::restore_new(url, Policy::standard().clone(), archive()).await;
    let built = format!("已按第 {} 版建表", store.newest_schema());
    assert!(
        matches!(again, Err(StoreError::BadBackup(ref m)) if m.contains(&built)),
        "{:?}",
        again.err()
    );
    store.close().await;
}

#[tokio::test]
async fn an_archive_of_schema_3_restores_into_sqlite_and_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    restore_old(dir.path().join("old.db").to_str().unwrap()).await;
}

#[tokio::test]
async fn an_archive_of_schema_3_restores_into_postgres_and_is_migrated() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    restore_old(&url).await;
}

#[tokio::test]
async fn an_open_store_or_an_already_built_database_refuses_an_older_archive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("built.db");
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    let e = store.restore_backup(archive()).await.unwrap_err();
    assert!(e.to_string().contains("jixiao restore"), "{e}");
    let newest = store.newest_schema();
    store.close().await;
    let e = Store::restore_new(
        path.to_str().unwrap(),
        Policy::standard().clone(),
        archive(),
    )
    .await
    .err()
    .unwrap();
    assert!(
        e.to_string().contains(&format!(
            "备份为第 3 版数据结构，目标数据库已按第 {newest} 版建表"
        )),
        "{e}"
    );
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    assert_eq!(store.occupied_tables().await.unwrap(), vec![]);
}
