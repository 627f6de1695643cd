//! A real browser (Debian chromium + chromedriver, headless, 1366×768) drives the editor as a clerk
//! would: log in, change an actual, see the hint and the total update live, survive a reload through
//! the local draft, save. Screenshots go to target/screenshots/.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;

mod common;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].iter().map(PathBuf::from).find(|p| p.exists())
}

fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn wait_for_text(c: &fantoccini::Client, css: &str, want: &str) -> String {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            last = el.text().await.unwrap_or_default();
            if last.contains(want) {
                return last;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never showed “{want}”; last: “{last}”");
}

#[tokio::test]
async fn a_clerk_edits_with_live_scoring_in_a_real_browser() {
    let Some(driver_bin) = chromedriver() else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the browser test: chromedriver is missing (scripts/test installs chromium-driver)");
        eprintln!("chromedriver not installed: browser test skipped (scripts/test installs it)");
        return;
    };
    let server = common::start().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _driver = Driver(Command::new(driver_bin).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,768", "--lang=zh-CN"]
        }
    });
    let mut client = None;
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(caps.as_object().unwrap().clone()).connect(&format!("http://127.0.0.1:{port}")).await {
            Ok(c) => {
                client = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
    let c = client.expect("chromedriver started");
    let shots = screenshots();

    // Log in as the 体育中心 clerk, whose project is still a draft.
    c.goto(&format!("{}/login", server.base)).await.unwrap();
    c.find(Locator::Css("input[name=username]")).await.unwrap().send_keys("danwei5").await.unwrap();
    c.find(Locator::Css("input[name=password]")).await.unwrap().send_keys(jixiao_web::demo::PASSWORD).await.unwrap();
    c.find(Locator::Css("button.primary")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "全民健身赛事活动").await;
    std::fs::write(shots.join("list.png"), c.screenshot().await.unwrap()).unwrap();

    c.find(Locator::LinkText("全民健身赛事活动")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "审核发现").await;
    std::fs::write(shots.join("project.png"), c.screenshot().await.unwrap()).unwrap();
    let project_url = c.current_url().await.unwrap();

    c.goto(&format!("{project_url}/edit")).await.unwrap();
    let before = wait_for_text(&c, "#panel-body", "计算总分").await;
    // The first indicator's target is “≥2场”: answer it with a number below the target.
    let actual = c.find(Locator::Css("[data-path='indicators.0.actual']")).await.unwrap();
    actual.clear().await.unwrap();
    actual.send_keys("1场").await.unwrap();
    wait_for_text(&c, "#hint-a-0", "= 1 场").await;
    let after = wait_for_text(&c, "#panel-body", "计算总分").await;
    for _ in 0..50 {
        if c.find(Locator::Css("#panel-body")).await.unwrap().text().await.unwrap() != before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after_text = c.find(Locator::Css("#panel-body")).await.unwrap().text().await.unwrap();
    assert_ne!(before, after_text, "the score panel follows the typing ({after})");
    std::fs::write(shots.join("editor.png"), c.screenshot().await.unwrap()).unwrap();

    // A reload does not lose the typing: the local draft is offered back.
    c.refresh().await.unwrap();
    wait_for_text(&c, "#panel-body", "计算总分").await;
    let notice = c.find(Locator::Css("#draft-notice")).await.unwrap();
    assert!(notice.is_displayed().await.unwrap(), "the unsaved draft is offered after a reload");
    c.find(Locator::Css("#draft-restore")).await.unwrap().click().await.unwrap();
    let restored = c.find(Locator::Css("[data-path='indicators.0.actual']")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(restored.as_deref(), Some("1场"));

    // Save: a new revision, shown on the project page.
    c.find(Locator::Css("#save")).await.unwrap().click().await.unwrap();
    wait_for_text(&c, "main", "第 2 版").await;
    let page = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(page.contains("1场"));
    c.close().await.unwrap();
}
