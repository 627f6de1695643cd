//! 绩效信息公开 in the store, on SQLite and PostgreSQL: each move to 已公开 records a publication that
//! keeps the published revision; a correction is a later publication beside it; drafts in between are
//! never listed; filters, search and statistics read only each project's newest publication; the table
//! is rebuilt from the revisions after a restore; the review flag per organisation is kept by backups.

use jixiao_core::Project;
use jixiao_store::*;

fn seed() -> Project {
    toml::from_str(include_str!("../../../examples/panyu-2022.toml")).unwrap()
}

struct World {
    dept: Org,
    unit: Org,
    author: i64,
}

async fn world(store: &Store) -> World {
    let bureau = store
        .create_org("某区财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let dept = store
        .create_org("某区水务局", OrgKind::Department, Some(bureau.id))
        .await
        .unwrap();
    let unit = store
        .create_org("某区河道管理所", OrgKind::Unit, Some(dept.id))
        .await
        .unwrap();
    let author = store
        .create_user(&NewUser {
            username: "caizheng",
            display_name: "财政局审核员",
            password_hash: "h",
            role: Role::Finance,
            org_id: bureau.id,
        })
        .await
        .unwrap()
        .id;
    World { dept, unit, author }
}

/// Moves the project through `moves`, returning the revision after the last.
async fn walk(store: &Store, w: &World, id: i64, moves: &[(Status, &str)]) -> i64 {
    let mut rev = store.project(id).await.unwrap().unwrap().revision;
    for (to, note) in moves {
        rev = store
            .set_status(id, rev, *to, w.author, note)
            .await
            .unwrap();
    }
    rev
}

async fn story(store: &Store) {
    let w = world(store).await;
    let mut p = seed();
    let rec = store
        .create_project(w.unit.id, &p, w.author, Action::Import, "")
        .await
        .unwrap();
    let id = rec.id;
    let all = PublicationFilter {
        limit: 100,
        ..Default::default()
    };
    assert!(store.publications(&all).await.unwrap().is_empty());
    let first = walk(
        store,
        &w,
        id,
        &[
            (Status::Submitted, ""),
            (Status::Approved, ""),
            (Status::Published, ""),
        ],
    )
    .await;
    let listed = store.publications(&all).await.unwrap();
    assert_eq!(listed.len(), 1);
    let row = &listed[0];
    assert_eq!((row.project_id, row.revision), (id, first));
    assert_eq!((row.org_id, row.department_id), (w.unit.id, w.dept.id));
    assert_eq!(row.department_name, "某区水务局");
    assert_eq!(row.correction, "", "a first publication corrects nothing");
    assert!(row.latest);
    // The unit's own grade and total, and the funds in 分 (1 万元 = 1,000,000 分).
    assert_eq!(row.grade, "优");
    assert_eq!(row.annual_fen, 1_453_000_000 / 100);
    let by_search = |q: &str| PublicationFilter {
        search: Some(q.into()),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store
            .count_publications(&by_search("人才 专项"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .count_publications(&by_search("河道管理所"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .count_publications(&by_search("人才 河涌"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.count_publications(&by_search("%")).await.unwrap(),
        1,
        "% is no wildcard"
    );

    // A correction: back to the unit, a draft that is never public, then published again.
    let back = walk(store, &w, id, &[(Status::Returned, "实际值有误")]).await;
    p.goals.actual = "更正后的完成情况".into();
    let draft = store
        .save_project(id, back, &p, w.author, Action::Save, "")
        .await
        .unwrap();
    assert!(store.publication(id, Some(draft)).await.unwrap().is_none());
    let newest = store.publication(id, None).await.unwrap().unwrap();
    assert_eq!(
        newest.row.revision, first,
        "the first publication stays public meanwhile"
    );
    assert_ne!(newest.project.goals.actual, "更正后的完成情况");
    let second = walk(
        store,
        &w,
        id,
        &[
            (Status::Submitted, ""),
            (Status::Approved, ""),
            (Status::Published, "更正了目标完成情况"),
        ],
    )
    .await;
    let versions = store.project_publications(id).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| (v.revision, v.latest))
            .collect::<Vec<_>>(),
        [(second, true), (first, false)]
    );
    assert_eq!(versions[0].correction, "更正了目标完成情况");
    let earlier = store.publication(id, Some(first)).await.unwrap().unwrap();
    assert_ne!(earlier.project.goals.actual, "更正后的完成情况", "frozen");
    let now = store.publication(id, None).await.unwrap().unwrap();
    assert_eq!(now.project.goals.actual, "更正后的完成情况");
    // Lists and statistics count the project once.
    assert_eq!(store.publications(&all).await.unwrap().len(), 1);
    let stats = store.publication_stats(None).await.unwrap();
    assert_eq!(stats.iter().map(|s| s.count).sum::<i64>(), 1);
    assert_eq!(store.publication_years().await.unwrap(), [2022]);

    // The table is derived: dropped rows come back from the revisions, corrections included.
    let rebuilt_before = store.refresh_publications().await.unwrap();
    assert_eq!(rebuilt_before, 0, "nothing missing");

    // The review flag is an organisation's, kept by a backup.
    store.set_publish_review(w.unit.id, true).await.unwrap();
    assert!(store.org(w.unit.id).await.unwrap().unwrap().publish_review);
    assert!(!store.org(w.dept.id).await.unwrap().unwrap().publish_review);
    let mut archive = Vec::new();
    store.backup(&mut archive).await.unwrap();
    let target = tempfile::tempdir().unwrap();
    let url = target.path().join("restored.db");
    let (restored, _) = Store::restore_new(
        url.to_str().unwrap(),
        store.policy().clone(),
        std::io::Cursor::new(archive),
    )
    .await
    .unwrap();
    assert!(
        restored
            .org(w.unit.id)
            .await
            .unwrap()
            .unwrap()
            .publish_review
    );
    let again = restored.project_publications(id).await.unwrap();
    assert_eq!(
        again, versions,
        "rebuilt from the revisions after the restore"
    );
}

/// Ten published projects with the largest budget a form may state (just under 10¹² 万元, 10¹⁸ 分 each):
/// their sum passes i64, and the statistics still add them up exactly.
async fn absurd_amounts_add_up_exactly(store: &Store) {
    let w = world(store).await;
    let mut p = seed();
    p.funds.annual = "999999999999.999999".parse().unwrap();
    p.funds.executed = "500000000000".parse().unwrap();
    let items: Vec<NewProject> = (0..10)
        .map(|_| NewProject {
            org_id: w.unit.id,
            project: &p,
            status: Status::Published,
            at: None,
        })
        .collect();
    store
        .create_projects(&items, w.author, Action::Import, "")
        .await
        .unwrap();
    let stats = store.publication_stats(None).await.unwrap();
    assert_eq!(stats.iter().map(|s| s.count).sum::<i64>(), 10);
    let annual: i128 = stats.iter().map(|s| s.annual_fen).sum();
    let executed: i128 = stats.iter().map(|s| s.executed_fen).sum();
    assert_eq!(annual, 9_999_999_999_999_999_990);
    assert_eq!(executed, 5_000_000_000_000_000_000);
}

#[tokio::test]
async fn publications_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("p.db").to_str().unwrap())
        .await
        .unwrap();
    story(&store).await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("q.db").to_str().unwrap())
        .await
        .unwrap();
    absurd_amounts_add_up_exactly(&store).await;
}

#[tokio::test]
async fn publications_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    story(&store).await;
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    let store = Store::connect(&url).await.unwrap();
    absurd_amounts_add_up_exactly(&store).await;
}

#[tokio::test]
async fn projects_stored_already_published_are_publications() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("p.db").to_str().unwrap())
        .await
        .unwrap();
    let w = world(&store).await;
    let p = seed();
    let items: Vec<NewProject> = [Status::Published, Status::Draft, Status::Published]
        .into_iter()
        .map(|status| NewProject {
            org_id: w.unit.id,
            project: &p,
            status,
            at: None,
        })
        .collect();
    let ids = store
        .create_projects(&items, w.author, Action::Import, "")
        .await
        .unwrap();
    let listed: Vec<i64> = store
        .publications(&PublicationFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .iter()
        .map(|r| r.project_id)
        .collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&ids[0]) && listed.contains(&ids[2]));
    assert!(store.publication(ids[1], None).await.unwrap().is_none());
}
