//! Goals through the store: declared, graded 中 and returned, revised, approved; the approved version is
//! the baseline; an adjustment goes through the chain and keeps the original beside it; a refused
//! adjustment leaves the baseline; comments; the library's additions; a backup carries all of it.
//! On SQLite, and on PostgreSQL when `JIXIAO_TEST_POSTGRES_URL` is set (scripts/test sets it).

use jixiao_core::goals::Declaration;
use jixiao_core::{Grade, Policy};
use jixiao_store::*;

fn hedao() -> Declaration {
    toml::from_str(include_str!(
        "../../../examples/goals/hedao-baojie-2023.toml"
    ))
    .unwrap()
}

fn review(level: ReviewLevel, grade: Grade) -> GoalMove {
    GoalMove::Review {
        level,
        grade,
        consequence: Policy::standard().goals.consequence(grade),
    }
}

async fn user(store: &Store, name: &str, role: Role, org: i64) -> i64 {
    store
        .create_user(&NewUser {
            username: name,
            display_name: name,
            password_hash: "x",
            role,
            org_id: org,
        })
        .await
        .unwrap()
        .id
}

async fn story(store: &Store) {
    let bureau = store
        .create_org("番禺区财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let dept = store
        .create_org("番禺区水务局", OrgKind::Department, Some(bureau.id))
        .await
        .unwrap();
    let unit = store
        .create_org("番禺区河道管理所", OrgKind::Unit, Some(dept.id))
        .await
        .unwrap();
    let clerk = user(store, "clerk", Role::Editor, unit.id).await;
    let reviewer = user(store, "dept", Role::Department, dept.id).await;
    let finance = user(store, "finance", Role::Finance, bureau.id).await;

    let d = hedao();
    let rec = store
        .create_declaration(unit.id, &d, clerk, "create", "")
        .await
        .unwrap();
    assert_eq!(
        (rec.status, rec.revision, rec.baseline),
        (GoalStatus::Draft, 1, None)
    );
    let id = rec.id;

    let r = store
        .move_declaration(id, 1, GoalMove::Submit, clerk, "")
        .await
        .unwrap();
    let r = store
        .move_declaration(
            id,
            r,
            review(ReviewLevel::Department, Grade::Fair),
            reviewer,
            "成本指标偏粗",
        )
        .await
        .unwrap();
    store
        .add_declaration_comment(id, r, reviewer, Some(4), "请细化保洁单价")
        .await
        .unwrap();
    let rec = store.declaration(id).await.unwrap().unwrap();
    assert_eq!(
        (rec.status, rec.review_grade),
        (GoalStatus::Returned, Some(Grade::Fair))
    );

    // A stale save is a conflict; the unit revises on the current revision.
    let mut revised = d.clone();
    revised.indicators[4].target = "≤1,250万元".into();
    assert!(matches!(
        store.save_declaration(id, 1, &revised, clerk, "").await,
        Err(StoreError::Conflict { .. })
    ));
    let r = store
        .save_declaration(id, r, &revised, clerk, "按意见修改")
        .await
        .unwrap();
    let r = store
        .move_declaration(id, r, GoalMove::Submit, clerk, "")
        .await
        .unwrap();
    let r = store
        .move_declaration(
            id,
            r,
            review(ReviewLevel::Department, Grade::Excellent),
            reviewer,
            "",
        )
        .await
        .unwrap();
    // Approved goals cannot be saved over.
    let approved_at = store
        .move_declaration(
            id,
            r,
            review(ReviewLevel::Finance, Grade::Excellent),
            finance,
            "同意",
        )
        .await
        .unwrap();
    let rec = store.declaration(id).await.unwrap().unwrap();
    assert_eq!(
        (rec.status, rec.baseline),
        (GoalStatus::Approved, Some(approved_at))
    );
    assert!(
        store
            .save_declaration(id, approved_at, &d, clerk, "")
            .await
            .is_err()
    );

    // An adjustment: reason kept, baseline unchanged until approved, then the new baseline beside the
    // original.
    let r = store
        .move_declaration(
            id,
            approved_at,
            GoalMove::Adjust,
            clerk,
            "上游截污工程延期，水质目标需调整",
        )
        .await
        .unwrap();
    let mut adjusted = revised.clone();
    adjusted.indicators[5].target = "≥85%".into();
    let r = store
        .save_declaration(id, r, &adjusted, clerk, "")
        .await
        .unwrap();
    let rec = store.declaration(id).await.unwrap().unwrap();
    assert_eq!(rec.status, GoalStatus::Adjusting);
    assert_eq!(
        rec.adjustment.as_deref(),
        Some("上游截污工程延期，水质目标需调整")
    );
    assert_eq!(rec.baseline, Some(approved_at));
    let r = store
        .move_declaration(id, r, GoalMove::Submit, clerk, "")
        .await
        .unwrap();
    let r = store
        .move_declaration(
            id,
            r,
            review(ReviewLevel::Department, Grade::Excellent),
            reviewer,
            "",
        )
        .await
        .unwrap();
    let readjusted = store
        .move_declaration(
            id,
            r,
            review(ReviewLevel::Finance, Grade::Excellent),
            finance,
            "",
        )
        .await
        .unwrap();
    let rec = store.declaration(id).await.unwrap().unwrap();
    assert_eq!(
        (rec.baseline, rec.adjustment.clone()),
        (Some(readjusted), None)
    );
    assert_eq!(rec.declaration.indicators[5].target, "≥85%");
    let original = store
        .declaration_revision(id, approved_at)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(original.indicators[5].target, "≥90%");
    let approvals: Vec<i64> = store
        .declaration_revisions(id)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.action == "approve")
        .map(|r| r.number)
        .collect();
    assert_eq!(approvals, vec![readjusted, approved_at]);

    // A refused adjustment returns to the baseline.
    let r = store
        .move_declaration(id, readjusted, GoalMove::Adjust, clerk, "再次调整")
        .await
        .unwrap();
    let mut worse = adjusted.clone();
    worse.indicators[0].target = "≥300公里".into();
    let r = store
        .save_declaration(id, r, &worse, clerk, "")
        .await
        .unwrap();
    let r = store
        .move_declaration(id, r, GoalMove::Submit, clerk, "")
        .await
        .unwrap();
    store
        .move_declaration(
            id,
            r,
            review(ReviewLevel::Department, Grade::Poor),
            reviewer,
            "理由不充分",
        )
        .await
        .unwrap();
    let rec = store.declaration(id).await.unwrap().unwrap();
    assert_eq!(
        (rec.status, rec.baseline),
        (GoalStatus::Approved, Some(readjusted))
    );
    assert_eq!(rec.declaration, adjusted);

    // Listing and linking the self-evaluation.
    let rows = store
        .list_declarations(Some(&[unit.id]), Some(2023))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(
        store
            .list_declarations(Some(&[unit.id]), Some(2022))
            .await
            .unwrap()
            .is_empty()
    );
    let p = store
        .create_project(
            unit.id,
            &rec.declaration.to_project(),
            clerk,
            Action::Create,
            "",
        )
        .await
        .unwrap();
    store.link_declaration(id, p.id).await.unwrap();
    assert_eq!(
        store
            .declaration_of_project(p.id)
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert_eq!(
        store
            .projects_named(unit.id, &d.project.name)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.declaration_comments(id).await.unwrap()[0].indicator,
        Some(4)
    );
    // The list counts a lowered target as an error, like the project's page.
    let errors = || async {
        store
            .list_projects(&ProjectFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap()[0]
            .errors
    };
    let before = errors().await;
    let mut lowered = p.project.clone();
    lowered.indicators[0].target = "≥300公里".into();
    store
        .save_project(p.id, p.revision, &lowered, clerk, Action::Save, "")
        .await
        .unwrap();
    assert_eq!(errors().await, before + 1);

    // A department proposes a library entry, the bureau approves it.
    let mut entry = jixiao_core::library::Library::builtin().entries[0].clone();
    entry.name = "河涌保洁覆盖率".into();
    let proposed = store.propose_library_entry(&entry, reviewer).await.unwrap();
    assert_eq!(
        store.library_entries(Some("proposed")).await.unwrap().len(),
        1
    );
    store
        .decide_library_entry(proposed, true, finance, "")
        .await
        .unwrap();
    let approved = store.library_entries(Some("approved")).await.unwrap();
    assert_eq!(approved[0].entry.id, format!("u-{proposed}"));
    assert!(
        store
            .decide_library_entry(proposed, true, finance, "")
            .await
            .is_err()
    );

    // A backup carries the declarations, their revisions and comments, and the library's additions.
    let mut out = Vec::new();
    let summary = store.backup(&mut out).await.unwrap();
    for (table, n) in [
        ("declarations", 1),
        ("declaration_revisions", 16),
        ("declaration_comments", 1),
        ("library_entries", 1),
    ] {
        assert_eq!(
            summary.counts.get(table),
            Some(&n),
            "{}",
            summary.describe()
        );
    }
}

#[tokio::test]
async fn goals_on_sqlite() {
    story(&Store::connect("sqlite::memory:").await.unwrap()).await;
}

#[tokio::test]
async fn goals_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    story(&Store::connect(&url).await.unwrap()).await;
}
