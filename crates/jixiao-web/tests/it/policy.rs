//! A change of scoring rules reaches every page: projects saved under one policy are listed, after a
//! restart under another (`serve --policy`), with the totals their own pages show, and the dashboard,
//! the API list and the API evaluation agree with them.

use crate::common;

use common::Session;
use jixiao_core::{Policy, Project};
use jixiao_store::{Action, NewUser, OrgKind, ProjectFilter, Role, Store};
use reqwest::Method;

const SEED: &str = include_str!("../../../../examples/panyu-2022.toml");
const PASSWORD: &str = "policy2026";

/// The seed with 97.8% of its budget spent: 9.78 execution points under mof-2020, 9 under a policy that
/// rounds the execution score down to whole points.
fn project(name: &str) -> Project {
    let mut p = jixiao_io::from_toml(SEED, std::path::Path::new("seed.toml")).unwrap();
    p.project.name = name.into();
    p.funds.annual = "100".parse().unwrap();
    p.funds.executed = "97.8".parse().unwrap();
    p.funds.sources.clear();
    p
}

fn whole_points() -> Policy {
    let mut p = Policy::default_policy();
    p.name = "local-whole-points".into();
    p.execution.integer = true;
    p
}

#[tokio::test]
async fn after_a_policy_change_the_list_and_the_page_agree() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("policy.db");
    let url = db.to_str().unwrap();

    // Saved under the standard rules.
    let store = Store::open(url, Policy::default_policy()).await.unwrap();
    let bureau = store
        .create_org("某区财政局", OrgKind::Bureau, None)
        .await
        .unwrap();
    let hash = jixiao_web::hash_password(PASSWORD).unwrap();
    let reviewer = store
        .create_user(&NewUser {
            username: "caizheng",
            display_name: "财政局审核人",
            password_hash: &hash,
            role: Role::Finance,
            org_id: bureau.id,
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for name in ["甲项目", "乙项目"] {
        let rec = store
            .create_project(bureau.id, &project(name), reviewer.id, Action::Import, "")
            .await
            .unwrap();
        ids.push(rec.id);
    }
    let listed = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .list_projects(&ProjectFilter {
                    limit: 10,
                    ..Default::default()
                })
                .await
                .unwrap()
                .iter()
                .map(|r| r.total_centi)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed(&store).await, vec![9978, 9978]);
    store.close().await;

    // Restarted under other rules: the stored list columns are recomputed on opening.
    let store = Store::open(url, whole_points()).await.unwrap();
    assert_eq!(listed(&store).await, vec![9900, 9900]);
    // Opening again under the same rules recomputes nothing.
    assert_eq!(store.refresh_summaries().await.unwrap(), 0);

    let server = common::serve(jixiao_web::app(store), dir).await;
    let reviewer = Session::login_with(&server, "caizheng", PASSWORD).await;
    let list = reviewer.text("/projects").await;
    let (_, api_list) = reviewer.api(Method::GET, "/api/v1/projects", None).await;
    for (i, id) in ids.iter().enumerate() {
        let page = reviewer.text(&format!("/projects/{id}")).await;
        assert!(
            page.contains("<b>99.00</b>"),
            "the page scores by the new rules"
        );
        let (_, evaluation) = reviewer
            .api(
                Method::GET,
                &format!("/api/v1/projects/{id}/evaluation"),
                None,
            )
            .await;
        assert_eq!(evaluation["evaluation"]["total"], "99");
        assert_eq!(
            evaluation["evaluation"]["policy"]["name"],
            "local-whole-points"
        );
        assert_eq!(api_list["projects"][i]["total"], "99");
    }
    assert_eq!(list.matches(">99.00<").count(), 2, "{list}");
    assert!(!list.contains("99.78"), "{list}");
    let dashboard = reviewer.text("/dashboard").await;
    assert!(!dashboard.contains("99.78"), "{dashboard}");
}
