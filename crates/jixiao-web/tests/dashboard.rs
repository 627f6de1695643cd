//! The review dashboard over HTTP (real server, demo data): reviewers see their scope's projects of one
//! year with the charts and the shortlist; unit editors get 403; an organisation outside the viewer's
//! scope is not found.

use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

mod common;
use common::{Server, start};

async fn login(server: &Server, user: &str) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let res = client
        .post(format!("{}/login", server.base))
        .form(&[("username", user), ("password", jixiao_web::demo::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {user}");
    client
}

async fn get(server: &Server, client: &Client, path: &str) -> (StatusCode, String) {
    let res = client
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// The id of an organisation from the scope selector of a dashboard page.
fn org_id(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("\">{name}</option>"))
        .unwrap_or_else(|| panic!("{name} in the selector"));
    let start = page[..at].rfind("value=\"").unwrap() + "value=\"".len();
    page[start..at].to_string()
}

#[tokio::test]
async fn unit_editors_get_403_and_anonymous_users_the_login() {
    let server = start().await;
    let editor = login(&server, "danwei1").await;
    let (status, _) = get(&server, &editor, "/dashboard").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, list) = get(&server, &editor, "/projects").await;
    assert!(
        !list.contains("href=\"/dashboard\""),
        "no dashboard link for editors"
    );

    let anonymous = Client::builder().redirect(Policy::none()).build().unwrap();
    let res = anonymous
        .get(format!("{}/dashboard", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
}

#[tokio::test]
async fn the_finance_reviewer_gets_the_dashboard_per_year() {
    let server = start().await;
    let finance = login(&server, "caizheng").await;
    let (_, list) = get(&server, &finance, "/projects").await;
    assert!(
        list.contains("href=\"/dashboard\""),
        "reviewers have the link"
    );

    // Latest year by default: the three 2023 demo projects.
    let (status, page) = get(&server, &finance, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "审核看板：番禺区财政局 2023 年度",
        "项目<b>3</b>",
        "<svg",
        "评价等级分布",
        "总分分布",
        "抽查清单",
        "番禺区河道管理所",
        "番禺区人才服务中心",
        "番禺区体育中心",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    assert!(
        !page.contains("番禺区市政设施维护中心</td>"),
        "a 2022 project is not in 2023"
    );
    // 人才公寓租金补贴 states 99.74 where the rules give 96.65.
    assert!(page.contains("自评总分 99.74 高于按规则计算的 96.65，相差 3.09 分"));

    // A year that is no year shows the latest one, never all years together.
    let (status, page) = get(&server, &finance, "/dashboard?year=99999999999").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("审核看板：番禺区财政局 2023 年度") && page.contains("项目<b>3</b>"));

    let (status, page) = get(&server, &finance, "/dashboard?year=2022").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("项目<b>2</b>"), "two 2022 projects");
    assert!(page.contains("番禺区委组织部（本级）</td>"));
    // The seed project hides a 90% mid-year cut behind a 100% execution rate: shortlisted, with the reason.
    assert!(page.contains("产业人才发展专项资金"));
    assert!(page.contains("全年预算较年初调减 90.3%（150 → 14.53 万元），执行率仍报 100%"));
    let lower = page.to_ascii_lowercase();
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "no external URL"
    );
}

#[tokio::test]
async fn a_department_reviewer_sees_its_subtree_only() {
    let server = start().await;
    let finance = login(&server, "caizheng").await;
    let (_, all) = get(&server, &finance, "/dashboard").await;
    let water = org_id(&all, "番禺区水务局");
    let organisation = org_id(&all, "番禺区委组织部");

    let dept = login(&server, "bumen1").await;
    let (status, page) = get(&server, &dept, "/dashboard").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("番禺区人才服务中心</td>"));
    assert!(
        !page.contains("番禺区河道管理所"),
        "another department's unit is outside the scope"
    );
    let (status, _) = get(&server, &dept, &format!("/dashboard?org={water}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The finance reviewer can narrow the view to one department.
    let (status, page) = get(
        &server,
        &finance,
        &format!("/dashboard?org={organisation}&year=2023"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("审核看板：番禺区委组织部 2023 年度"));
    assert!(page.contains("番禺区人才服务中心</td>"));
    assert!(!page.contains("番禺区河道管理所</td>"));
}
