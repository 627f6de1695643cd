//! Several servers, one database: two `jixiao serve` processes on one PostgreSQL. A save, a logout and a
//! role change made through one are seen by the other on the very next request, although the other
//! process had the page cached and the session in use a moment before.

use crate::support;

use std::path::Path;

use reqwest::{Client, StatusCode};
use serde_json::json;
use support::{Server, get_json, signed_in};

async fn get(client: &Client, server: &Server, path: &str) -> (StatusCode, String) {
    let res = client
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_server_is_seen_by_the_other_at_once() {
    let Some(url) = jixiao_testkit::postgres().await else {
        return;
    };
    let a = Server::start_with(Path::new(&url), &["--demo"]);
    let b = Server::start_with(Path::new(&url), &[]);
    // The cookie is for 127.0.0.1 whatever the port: one session, used on both servers.
    let (clerk, csrf) = signed_in(&a.base, "danwei5").await;

    // A save through A shows on B, which had the page cached.
    let list = get_json(&clerk, &format!("{}/api/v1/projects", a.base)).await;
    let id = list["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"] == "draft" || p["status"] == "returned")
        .and_then(|p| p["id"].as_i64())
        .expect("danwei5 has a draft");
    let page = format!("/projects/{id}");
    let (status, before) = get(&clerk, &b, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!before.contains("第二台服务器看见的新名称"));
    let current = get_json(&clerk, &format!("{}/api/v1/projects/{id}", a.base)).await;
    let mut project = current["project"].clone();
    project["project"]["name"] = json!("第二台服务器看见的新名称");
    let res = clerk
        .put(format!("{}/api/v1/projects/{id}", a.base))
        .header("X-CSRF-Token", &csrf)
        .json(&json!({ "base_revision": current["revision"], "project": project, "note": "改名" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let (status, after) = get(&clerk, &b, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        after.contains("第二台服务器看见的新名称"),
        "B shows A's save"
    );

    // A logout through A: B refuses the session at once.
    let res = clerk
        .post(format!("{}/logout", a.base))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, _) = get(&clerk, &b, &page).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "B sends the logged-out clerk to the login page"
    );

    // A role change through A applies on B from the next request.
    let (reviewer, _) = signed_in(&b.base, "bumen1").await;
    assert_eq!(get(&reviewer, &b, "/dashboard").await.0, StatusCode::OK);
    let (admin, admin_csrf) = signed_in(&a.base, "admin").await;
    let store = jixiao_store::Store::connect(&url).await.unwrap();
    let (bumen1, _) = store.user_by_name("bumen1").await.unwrap().unwrap();
    let res = admin
        .post(format!("{}/admin/users/role", a.base))
        .form(&[
            ("csrf", admin_csrf.as_str()),
            ("user_id", &bumen1.id.to_string()),
            ("role", "editor"),
            ("org_id", &bumen1.org_id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(
        get(&reviewer, &b, "/dashboard").await.0,
        StatusCode::FORBIDDEN,
        "an editor has no dashboard, on B too"
    );
    store.close().await;
}
