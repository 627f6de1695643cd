//! One story through every store operation (atuin's pattern): always on SQLite, and on PostgreSQL
//! when `JIXIAO_TEST_POSTGRES_URL` points at a server (scripts/test starts one).

use jixiao_core::Project;
use jixiao_store::*;

fn seed() -> Project {
    toml::from_str(include_str!("../../../examples/panyu-2022.toml")).unwrap()
}

async fn story(store: &Store) {
    // Organisations.
    let bureau = store
        .create_org("番禺区财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let dept = store
        .create_org("番禺区委组织部", OrgKind::Department, Some(bureau.id))
        .await
        .unwrap();
    let unit = store
        .create_org("番禺区人才服务中心", OrgKind::Unit, Some(dept.id))
        .await
        .unwrap();
    let orgs = store.orgs().await.unwrap();
    assert_eq!(orgs.len(), 3);
    assert_eq!(
        store.org(unit.id).await.unwrap().unwrap().parent_id,
        Some(dept.id)
    );

    // Users, passwords, sessions.
    assert_eq!(store.count_users().await.unwrap(), 0);
    let clerk = store
        .create_user(&NewUser {
            username: "clerk",
            display_name: "张填报",
            password_hash: "h1",
            role: Role::Editor,
            org_id: unit.id,
        })
        .await
        .unwrap();
    let reviewer = store
        .create_user(&NewUser {
            username: "reviewer",
            display_name: "李审核",
            password_hash: "h2",
            role: Role::Department,
            org_id: dept.id,
        })
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_user(&NewUser {
                username: "clerk",
                display_name: "重名",
                password_hash: "h",
                role: Role::Editor,
                org_id: unit.id
            })
            .await,
        Err(StoreError::DuplicateUser(_))
    ));
    assert_eq!(store.users().await.unwrap().len(), 2);
    let (found, hash) = store.user_by_name("clerk").await.unwrap().unwrap();
    assert_eq!((found.id, hash.as_str()), (clerk.id, "h1"));
    assert_eq!(
        store.user(reviewer.id).await.unwrap().unwrap().role,
        Role::Department
    );

    let far = now_millis() + 3_600_000;
    store
        .create_session("t1", clerk.id, "c1", far)
        .await
        .unwrap();
    store
        .create_session("t-old", clerk.id, "c0", now_millis() - 1)
        .await
        .unwrap();
    assert_eq!(store.session("t1").await.unwrap().unwrap().csrf, "c1");
    assert!(
        store.session("t-old").await.unwrap().is_none(),
        "expired sessions are not live"
    );
    assert_eq!(store.purge_expired_sessions().await.unwrap(), 1);
    store.set_password(clerk.id, "h1b").await.unwrap();
    assert_eq!(store.password_hash(clerk.id).await.unwrap(), "h1b");
    assert!(
        store.session("t1").await.unwrap().is_none(),
        "a password change ends the user's sessions"
    );
    store
        .create_session("t2", clerk.id, "c2", far)
        .await
        .unwrap();
    store.delete_session("t2").await.unwrap();
    assert!(store.session("t2").await.unwrap().is_none());
    store
        .create_session("t3", reviewer.id, "c3", far)
        .await
        .unwrap();
    store.set_user_active(reviewer.id, false).await.unwrap();
    assert!(
        store.session("t3").await.unwrap().is_none(),
        "a deactivated user has no session"
    );
    store.set_user_active(reviewer.id, true).await.unwrap();
    store
        .create_api_token("tok", reviewer.id, "脚本")
        .await
        .unwrap();
    assert_eq!(
        store.api_token_user("tok").await.unwrap(),
        Some(reviewer.id)
    );
    assert_eq!(store.api_token_user("nope").await.unwrap(), None);

    // Projects: create, read, list.
    let mut p = seed();
    let rec = store
        .create_project(unit.id, &p, clerk.id, Action::Create, "")
        .await
        .unwrap();
    assert_eq!((rec.revision, rec.status), (1, Status::Draft));
    assert_eq!(rec.project, p, "what is stored is what was given");
    let mut other = seed();
    other.project.name = "人才公寓租金补贴".into();
    other.project.year = 2023;
    other.indicators[0].actual = "".into(); // an error-level finding
    let rec2 = store
        .create_project(unit.id, &other, clerk.id, Action::Import, "导入")
        .await
        .unwrap();

    let all = store
        .list_projects(&ProjectFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let row = all.iter().find(|r| r.id == rec.id).unwrap();
    // 14.53 万元 = 145,300 元 = 14,530,000 分.
    assert_eq!(
        (
            row.total_centi,
            row.grade.as_str(),
            row.annual_fen,
            row.org_name.as_str()
        ),
        (10_000, "优", 14_530_000, "番禺区人才服务中心")
    );
    let y2023 = store
        .list_projects(&ProjectFilter {
            year: Some(2023),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        y2023.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![rec2.id]
    );
    let mine = store
        .list_projects(&ProjectFilter {
            org_ids: Some(vec![dept.id]),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(mine.is_empty(), "filtering by organisation");
    let mine = store
        .list_projects(&ProjectFilter {
            org_ids: Some(vec![unit.id, dept.id]),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    let named = store
        .list_projects(&ProjectFilter {
            search: Some("公寓".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(named.len(), 1);
    let graded = store
        .list_projects(&ProjectFilter {
            grade: Some("优".into()),
            sort: Sort::TotalDesc,
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(graded.iter().all(|r| r.grade == "优"));
    let flagged = store
        .list_projects(&ProjectFilter {
            has_findings: Some(true),
            sort: Sort::Findings,
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        flagged[0].id, rec2.id,
        "the project with an error comes first"
    );
    for sort in [
        Sort::Updated,
        Sort::Name,
        Sort::TotalAsc,
        Sort::TotalDesc,
        Sort::Gap,
        Sort::Findings,
    ] {
        assert_eq!(
            store
                .list_projects(&ProjectFilter {
                    sort,
                    limit: 1,
                    ..Default::default()
                })
                .await
                .unwrap()
                .len(),
            1
        );
    }

    // Saves are revisions; a stale base is a conflict and writes nothing.
    p.indicators[4].deviation = Some("宣传需要增加".into());
    let r2 = store
        .save_project(rec.id, 1, &p, clerk.id, Action::Save, "补充偏差原因")
        .await
        .unwrap();
    assert_eq!(r2, 2);
    let mut stale = seed();
    stale.project.name = "被覆盖？".into();
    match store
        .save_project(rec.id, 1, &stale, reviewer.id, Action::Save, "")
        .await
    {
        Err(StoreError::Conflict {
            base: 1,
            current: 2,
        }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        store.project(rec.id).await.unwrap().unwrap().project,
        p,
        "the conflict wrote nothing"
    );

    // Workflow.
    assert!(matches!(
        store
            .set_status(rec.id, 2, Status::Approved, reviewer.id, "")
            .await,
        Err(StoreError::BadTransition { .. })
    ));
    let r3 = store
        .set_status(rec.id, 2, Status::Submitted, clerk.id, "提交审核")
        .await
        .unwrap();
    let r4 = store
        .set_status(rec.id, r3, Status::Returned, reviewer.id, "请补充佐证")
        .await
        .unwrap();
    let r5 = store
        .set_status(rec.id, r4, Status::Submitted, clerk.id, "")
        .await
        .unwrap();
    let mut reviewed = store.project(rec.id).await.unwrap().unwrap().project;
    reviewed.indicators[5].review_score = Some(rust_decimal::Decimal::from(6));
    let r6 = store
        .save_project(
            rec.id,
            r5,
            &reviewed,
            reviewer.id,
            Action::Review,
            "复核评分",
        )
        .await
        .unwrap();
    let r7 = store
        .set_status(rec.id, r6, Status::Approved, reviewer.id, "")
        .await
        .unwrap();
    let r8 = store
        .set_status(rec.id, r7, Status::Published, reviewer.id, "")
        .await
        .unwrap();
    let now = store.project(rec.id).await.unwrap().unwrap();
    assert_eq!((now.status, now.revision), (Status::Published, r8));

    // History, a revision, restore.
    let history = store.revisions(rec.id).await.unwrap();
    assert_eq!(history.len(), 8);
    assert_eq!(history[0].number, 8);
    assert_eq!(
        history
            .iter()
            .rev()
            .map(|m| m.action.as_str())
            .collect::<Vec<_>>(),
        [
            "create", "save", "submit", "return", "submit", "review", "approve", "publish"
        ]
    );
    assert_eq!(history[4].author, "李审核");
    assert_eq!(history[4].note, "请补充佐证");
    let first = store.revision(rec.id, 1).await.unwrap().unwrap();
    assert_eq!(first.project, seed());
    assert!(store.revision(rec.id, 99).await.unwrap().is_none());
    let r9 = store.restore(rec.id, r8, 1, clerk.id).await.unwrap();
    let restored = store.project(rec.id).await.unwrap().unwrap();
    assert_eq!(
        (restored.revision, restored.status),
        (r9, Status::Published)
    );
    assert_eq!(restored.project, seed());
    assert_eq!(
        store.revisions(rec.id).await.unwrap().len(),
        9,
        "restoring adds a revision, loses none"
    );

    // Comments, per project and per indicator.
    store
        .add_comment(rec.id, r4, reviewer.id, None, "请补充佐证材料")
        .await
        .unwrap();
    store
        .add_comment(rec.id, r4, reviewer.id, Some(5), "走访人次不是满意度")
        .await
        .unwrap();
    let comments = store.comments(rec.id).await.unwrap();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[1].indicator, Some(5));
    assert_eq!(comments[1].author, "李审核");

    // Two concurrent saves of the same revision: exactly one wins, the other is a conflict.
    let base = store.project(rec2.id).await.unwrap().unwrap().revision;
    let mut a = other.clone();
    a.project.name = "甲的修改".into();
    let mut b = other.clone();
    b.project.name = "乙的修改".into();
    let (ra, rb) = tokio::join!(
        store.save_project(rec2.id, base, &a, clerk.id, Action::Save, "甲"),
        store.save_project(rec2.id, base, &b, reviewer.id, Action::Save, "乙")
    );
    let wins = [ra.is_ok(), rb.is_ok()];
    assert_eq!(
        wins.iter().filter(|w| **w).count(),
        1,
        "exactly one of two concurrent saves wins: {ra:?} {rb:?}"
    );
    assert!(
        matches!(ra, Err(StoreError::Conflict { .. }))
            || matches!(rb, Err(StoreError::Conflict { .. }))
    );
    let after = store.project(rec2.id).await.unwrap().unwrap();
    assert_eq!(after.revision, base + 1);
    assert_eq!(
        after.project.project.name,
        if wins[0] {
            "甲的修改"
        } else {
            "乙的修改"
        }
    );
    assert_eq!(
        store.revisions(rec2.id).await.unwrap().len() as i64,
        base + 1,
        "no revision lost or doubled"
    );

    assert!(store.project(999_999).await.unwrap().is_none());
    assert!(matches!(
        store
            .save_project(999_999, 1, &p, clerk.id, Action::Save, "")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn story_on_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jixiao.db");
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    story(&store).await;
    store.close().await;
    // Reopening finds everything (and does not re-run migrations destructively).
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    assert_eq!(
        store
            .list_projects(&ProjectFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn story_on_sqlite_memory() {
    story(&Store::connect("sqlite::memory:").await.unwrap()).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    story(&store).await;
}

#[tokio::test]
async fn bad_urls_are_refused_clearly() {
    let e = Store::connect("mysql://x").await.unwrap_err();
    assert!(e.to_string().contains("mysql://x"));
}
