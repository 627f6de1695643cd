//! Monitoring and rectification through the store, on SQLite and on PostgreSQL (when
//! `JIXIAO_TEST_POSTGRES_URL` is set): a round prefilled from approved goals, a report saved and moved
//! with its lights, a decision, the history a self-evaluation is measured against, an item with
//! evidence, and a backup that carries all of it.

use jixiao_core::goals::Declaration;
use jixiao_core::monitoring::{Light, Likelihood};
use jixiao_core::{Grade, Policy};
use jixiao_store::*;

fn hedao() -> Declaration {
    toml::from_str(include_str!(
        "../../../examples/goals/hedao-baojie-2023.toml"
    ))
    .unwrap()
}

async fn story(store: &Store) {
    let bureau = store
        .create_org("财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let dept = store
        .create_org("水务局", OrgKind::Department, Some(bureau.id))
        .await
        .unwrap();
    let unit = store
        .create_org("河道管理所", OrgKind::Unit, Some(dept.id))
        .await
        .unwrap();
    let other = store
        .create_org("体育中心", OrgKind::Unit, Some(bureau.id))
        .await
        .unwrap();
    let user = |name: &'static str, role, org| async move {
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
    };
    let clerk = user("clerk", Role::Editor, unit.id).await;
    let finance = user("finance", Role::Finance, bureau.id).await;

    // Approved goals for the river; a draft for the other unit (not monitored).
    let d = store
        .create_declaration(unit.id, &hedao(), clerk, "create", "")
        .await
        .unwrap();
    let r = store
        .move_declaration(d.id, 1, GoalMove::Submit, clerk, "")
        .await
        .unwrap();
    store
        .move_declaration(
            d.id,
            r,
            GoalMove::Review {
                level: ReviewLevel::Finance,
                grade: Grade::Excellent,
                consequence: Policy::standard().goals.consequence(Grade::Excellent),
            },
            finance,
            "",
        )
        .await
        .unwrap();
    store
        .create_declaration(other.id, &hedao(), clerk, "create", "")
        .await
        .unwrap();

    let all = [bureau.id, dept.id, unit.id, other.id];
    let round = store
        .open_round(bureau.id, &all, 2023, 7, "2023-08-15", "七月", finance)
        .await
        .unwrap();
    let rows = store.round_reports(round.id, None).await.unwrap();
    assert_eq!(rows.len(), 1, "only approved goals are monitored");
    assert_eq!(rows[0].light, Light::Red, "nothing spent yet");
    assert!(
        store
            .round_reports(round.id, Some(&[other.id]))
            .await
            .unwrap()
            .is_empty()
    );
    let report = store.report(rows[0].id).await.unwrap().unwrap();
    assert_eq!(report.form.annual, hedao().funds.total);

    // The unit reports 45%: yellow, 77.14% of the pace; a stale save is a conflict.
    let mut f = report.form.clone();
    f.executed = "576".parse().unwrap();
    f.indicators[1].likelihood = Some(Likelihood::Impossible);
    f.indicators[1].deviation = "汛期".into();
    f.indicators[1].measures = "加密打捞".into();
    let r1 = store
        .write_report(report.id, report.revision, &f, None, clerk, "")
        .await
        .unwrap();
    assert!(matches!(
        store
            .write_report(report.id, report.revision, &f, None, clerk, "")
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let r2 = store
        .write_report(report.id, r1, &f, Some(Status::Submitted), clerk, "")
        .await
        .unwrap();
    let now = store.report(report.id).await.unwrap().unwrap();
    assert_eq!((now.status, now.revision), (Status::Submitted, r2));
    assert_eq!(
        (now.execution_light, now.light),
        (Light::Yellow, Light::Red)
    );
    assert_eq!(now.execution_ratio_centi, Some(7714));
    assert!(
        store
            .write_report(report.id, r2, &f, None, clerk, "")
            .await
            .is_err(),
        "submitted: not editable"
    );
    store
        .decide_report(report.id, Decision::Adjust, "调减")
        .await
        .unwrap();
    assert_eq!(
        store.report(report.id).await.unwrap().unwrap().decision,
        Some(Decision::Adjust)
    );

    // The self-evaluation on these goals is measured against the round.
    let p = store
        .create_project(unit.id, &hedao().to_project(), clerk, Action::Create, "")
        .await
        .unwrap();
    store.link_declaration(d.id, p.id).await.unwrap();
    let history = store.history_of_project(p.id).await.unwrap();
    assert!(history.goals.is_some());
    assert_eq!(history.monitoring.len(), 1);
    assert_eq!(
        store.project_histories(&[p.id]).await.unwrap()[&p.id],
        history
    );

    // An item with evidence; moves out of order are refused.
    let item = store
        .raise_rectification(
            &NewRectification {
                org_id: unit.id,
                year: 2023,
                project: "河涌保洁及水面垃圾清理",
                project_id: Some(p.id),
                report_id: Some(report.id),
                source: "light",
                source_ref: "red",
                title: "红灯",
                measure: "报送进度",
                owner: "所长",
                deadline: "2023-09-30",
            },
            finance,
        )
        .await
        .unwrap();
    assert!(
        store
            .rectification_event(item, "return", "", &[], finance)
            .await
            .is_err()
    );
    let evidence = Evidence {
        name: "台账.pdf".into(),
        mime: "application/pdf".into(),
        bytes: vec![0, 1, 2, 255],
    };
    store
        .rectification_event(item, "report", "已报送", &[evidence], clerk)
        .await
        .unwrap();
    let events = store.rectification_events(item).await.unwrap();
    assert_eq!(events.len(), 2);
    let (file, name, size) = events[1].files[0].clone();
    assert_eq!((name.as_str(), size), ("台账.pdf", 4));
    let (_, mime, bytes) = store.rectification_file(item, file).await.unwrap().unwrap();
    assert_eq!(
        (mime.as_str(), bytes),
        ("application/pdf", vec![0, 1, 2, 255])
    );
    assert!(
        store
            .rectification_file(item + 1, file)
            .await
            .unwrap()
            .is_none()
    );
    store
        .rectification_event(item, "close", "", &[], finance)
        .await
        .unwrap();
    let items = store
        .rectifications(Some(&[unit.id]), Some("河涌保洁及水面垃圾清理"))
        .await
        .unwrap();
    assert_eq!(items[0].status, "closed");
    assert!(!items[0].overdue("2099-01-01"));
    assert!(
        store
            .rectifications(Some(&[other.id]), None)
            .await
            .unwrap()
            .is_empty()
    );

    // A backup carries rounds, reports, revisions, items, events and files.
    let summary = store.backup(Vec::new()).await.unwrap();
    for (table, n) in [
        ("monitor_rounds", 1),
        ("monitor_reports", 1),
        ("monitor_report_revisions", 3),
        ("rectifications", 1),
        ("rectification_events", 3),
        ("rectification_files", 1),
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
async fn monitoring_on_sqlite() {
    story(&Store::connect("sqlite::memory:").await.unwrap()).await;
}

#[tokio::test]
async fn monitoring_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    story(&Store::connect(&url).await.unwrap()).await;
}
