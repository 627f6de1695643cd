//! The demo as a bureau's reviewer first sees it, in a real browser (headless Chromium, 1366×768): the
//! dashboard over the generated district and the paged project list. Screenshots go to
//! target/screenshots/ (docs/screenshots/dashboard-demo.png and projects-demo.png are copies).

use crate::common;
use common::ui::{login, screenshots, session_on, wait_for_text};

#[tokio::test]
async fn the_demo_dashboard_and_list_in_a_browser() {
    let Some((server, _driver, c)) = session_on(common::start_demo()).await else {
        return;
    };
    login(&c, &server, "caizheng").await;
    c.goto(&server.url("/dashboard")).await.unwrap();
    let title = wait_for_text(&c, "h1", "审核看板").await;
    assert!(title.contains("2023 年度"), "{title}");
    let body = c.source().await.unwrap();
    assert!(body.contains("抽查清单") && body.contains("<svg"));
    let shots = screenshots();
    std::fs::write(
        shots.join("dashboard-demo.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    c.goto(&server.url("/projects?sort=gap")).await.unwrap();
    wait_for_text(&c, "main", "共 305 个项目").await;
    std::fs::write(
        shots.join("projects-demo.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.find(fantoccini::Locator::LinkText("下一页 ›"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "本页为第 101—200 个").await;
    c.close().await.unwrap();
}
