//! A province's list: more than 10,000 projects paged through by keyset in every sort, with filters, on
//! SQLite and PostgreSQL. Every project appears exactly once, in the order asked for, and the count
//! matches.

use std::collections::HashSet;

use jixiao_core::Project;
use jixiao_store::*;
use rust_decimal::Decimal;

const PROJECTS: usize = 10_050;
const PAGE: i64 = 1_000;

fn seed() -> Project {
    toml::from_str(include_str!("../../../examples/panyu-2022.toml")).unwrap()
}

async fn load(store: &Store) -> (i64, i64) {
    let bureau = store
        .create_org("某市财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let a = store
        .create_org("甲单位", OrgKind::Unit, Some(bureau.id))
        .await
        .unwrap();
    let b = store
        .create_org("乙单位", OrgKind::Unit, Some(bureau.id))
        .await
        .unwrap();
    let admin = store
        .create_user(&NewUser {
            username: "admin",
            display_name: "管理员",
            password_hash: "h",
            role: Role::Admin,
            org_id: bureau.id,
        })
        .await
        .unwrap();
    let base = seed();
    // Names repeat (ties the id must break), years and totals vary (execution from 50% to 100%).
    let projects: Vec<Project> = (0..PROJECTS)
        .map(|i| {
            let mut p = base.clone();
            p.project.name = format!("项目{:03}", i % 700);
            p.project.year = 2021 + (i % 3) as i32;
            p.funds.executed = p.funds.annual * Decimal::new(50 + (i % 51) as i64, 2);
            p
        })
        .collect();
    for (n, chunk) in projects.chunks(500).enumerate() {
        let items: Vec<NewProject> = chunk
            .iter()
            .map(|project| NewProject {
                org_id: if n % 2 == 0 { a.id } else { b.id },
                project,
                status: Status::Published,
                at: None,
            })
            .collect();
        store
            .create_projects(&items, admin.id, Action::Import, "")
            .await
            .unwrap();
    }
    (a.id, b.id)
}

/// Every page of `filter` in turn, by the last id of the page before.
async fn walk(store: &Store, filter: &ProjectFilter) -> Vec<ProjectRow> {
    let mut all = Vec::new();
    let mut f = ProjectFilter {
        limit: PAGE,
        ..filter.clone()
    };
    loop {
        let page = store.list_projects(&f).await.unwrap();
        let full = page.len() as i64 == PAGE;
        f.after = page.last().map(|r| r.id);
        all.extend(page);
        if !full {
            return all;
        }
    }
}

async fn pages_through_everything(store: &Store) {
    let (unit_a, _) = load(store).await;
    let everything = ProjectFilter::default();
    assert_eq!(
        store.count_projects(&everything).await.unwrap(),
        PROJECTS as i64
    );
    // The count is the filter's, whichever page asks.
    let later_page = ProjectFilter {
        after: Some(PROJECTS as i64 / 2),
        ..Default::default()
    };
    assert_eq!(
        store.count_projects(&later_page).await.unwrap(),
        PROJECTS as i64
    );
    for sort in [
        Sort::Updated,
        Sort::Name,
        Sort::TotalAsc,
        Sort::TotalDesc,
        Sort::Gap,
        Sort::Findings,
        Sort::Id,
    ] {
        let rows = walk(
            store,
            &ProjectFilter {
                sort,
                ..Default::default()
            },
        )
        .await;
        let ids: HashSet<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(rows.len(), PROJECTS, "{sort:?}: every project once");
        assert_eq!(ids.len(), PROJECTS, "{sort:?}: no project twice");
        for w in rows.windows(2) {
            let (x, y) = (&w[0], &w[1]);
            let in_order = match sort {
                Sort::Updated => (x.updated_at, x.id) > (y.updated_at, y.id),
                Sort::Name => (&x.name, x.id) < (&y.name, y.id),
                Sort::TotalAsc => (x.total_centi, x.id) < (y.total_centi, y.id),
                Sort::TotalDesc => (x.total_centi, x.id) > (y.total_centi, y.id),
                Sort::Gap => {
                    let gap = |r: &ProjectRow| {
                        r.self_total_centi.unwrap_or(r.total_centi) - r.total_centi
                    };
                    (gap(x), x.id) > (gap(y), y.id)
                }
                Sort::Findings => (x.errors, x.warnings, x.id) > (y.errors, y.warnings, y.id),
                Sort::Id => x.id < y.id,
            };
            assert!(in_order, "{sort:?}: {} before {}", x.id, y.id);
        }
    }
    // A filtered sort: one unit's 2022 projects, highest total first.
    let filter = ProjectFilter {
        org_ids: Some(vec![unit_a]),
        year: Some(2022),
        sort: Sort::TotalDesc,
        ..Default::default()
    };
    let rows = walk(store, &filter).await;
    assert_eq!(
        rows.len() as i64,
        store.count_projects(&filter).await.unwrap()
    );
    assert!(rows.len() > 1000, "{} rows", rows.len());
    assert!(rows.iter().all(|r| r.org_id == unit_a && r.year == 2022));
    assert_eq!(
        store.project_years(&filter).await.unwrap(),
        vec![2023, 2022, 2021]
    );
}

#[tokio::test]
async fn pages_through_more_than_ten_thousand_projects_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("p.db").to_str().unwrap())
        .await
        .unwrap();
    pages_through_everything(&store).await;
}

#[tokio::test]
async fn pages_through_more_than_ten_thousand_projects_on_postgres() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    pages_through_everything(&Store::connect(&url).await.unwrap()).await;
}
