//! A change of scoring rules reaches every page: projects saved under one policy are listed, after a
//! restart under another (`serve --policy`), with the totals their own pages show, and the dashboard,
//! the API list and the API evaluation agree with them.

use jixiao_core::{Policy, Project};
use jixiao_store::{Action, NewUser, OrgKind, ProjectFilter, Role, Store};
use reqwest::Client;
use serde_json::Value;

const SEED: &str = include_str!("../../../examples/panyu-2022.toml");
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

async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            jixiao_web::app(store).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    format!("http://{addr}")
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

    let base = serve(store).await;
    let client = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("{base}/login"))
        .form(&[("username", "caizheng"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let text = |path: String| {
        let client = client.clone();
        async move { client.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let json = |path: String| {
        let client = client.clone();
        async move {
            client
                .get(path)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };

    let list = text(format!("{base}/projects")).await;
    let api_list = json(format!("{base}/api/v1/projects")).await;
    for (i, id) in ids.iter().enumerate() {
        let page = text(format!("{base}/projects/{id}")).await;
        assert!(
            page.contains("<b>99.00</b>"),
            "the page scores by the new rules"
        );
        let evaluation = json(format!("{base}/api/v1/projects/{id}/evaluation")).await;
        assert_eq!(evaluation["evaluation"]["total"], "99");
        assert_eq!(
            evaluation["evaluation"]["policy"]["name"],
            "local-whole-points"
        );
        assert_eq!(api_list["projects"][i]["total"], "99");
    }
    assert_eq!(list.matches(">99.00<").count(), 2, "{list}");
    assert!(!list.contains("99.78"), "{list}");
    let dashboard = text(format!("{base}/dashboard")).await;
    assert!(!dashboard.contains("99.78"), "{dashboard}");
}
