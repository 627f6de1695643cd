//! A real browser for the tests (Debian chromium + chromedriver, headless, 1366×768, driven through
//! fantoccini), and signing in and out through its pages as a clerk or reviewer would.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::{PASSWORD, Server};

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

pub fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A server with demo data, chromedriver, and a headless Chromium at 1366×768; `None` where the
/// browser is not installed outside CI.
pub async fn session() -> Option<(Server, Driver, fantoccini::Client)> {
    session_on(super::start()).await
}

/// [`session`] on the server `start` gives (e.g. [`super::start_demo`]).
pub async fn session_on(
    start: impl std::future::Future<Output = Server>,
) -> Option<(Server, Driver, fantoccini::Client)> {
    if !browser_installed() {
        return None;
    }
    let server = start.await;
    let (driver, c) = browser(1366, 768).await;
    Some((server, driver, c))
}

/// Whether chromedriver is here; outside CI a missing browser skips the test, in CI it fails it.
pub fn browser_installed() -> bool {
    jixiao_testkit::required_in_ci(
        "chromedriver (scripts/test installs chromium-driver)",
        chromedriver().is_some(),
    )
}

/// Chromedriver and a headless Chromium whose viewport is `width`×`height` CSS pixels (a phone's
/// below 500 px). Check [`browser_installed`] first.
pub async fn browser(width: u32, height: u32) -> (Driver, fantoccini::Client) {
    let driver_bin = chromedriver().expect("chromedriver");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Driver(
        Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut caps = json!({
        // Keeps the console, where Chromium reports what the Content-Security-Policy refused.
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     format!("--window-size={width},{height}"), "--lang=zh-CN"]
        }
    });
    if width < 500 {
        // Chromium's windows are at least 500 px wide: a phone's screen is emulated instead (its
        // viewport, touch and the page's viewport meta, at one device pixel per CSS pixel).
        caps["goog:chromeOptions"]["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0, "mobile": true, "touch": true }
        });
    }
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        if let Ok(c) = ClientBuilder::new(connector)
            .capabilities(caps.as_object().unwrap().clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            return (driver, c);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("chromedriver did not start");
}

pub async fn type_into(c: &fantoccini::Client, path: &str, text: &str) {
    let el = c
        .find(Locator::Css(&format!("[data-path='{path}']")))
        .await
        .unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&el).unwrap()],
    )
    .await
    .unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

pub async fn click_button(c: &fantoccini::Client, label: &str) {
    let xpath = format!("//button[normalize-space()='{label}']");
    let el = c.find(Locator::XPath(&xpath)).await.unwrap();
    // As a user would: scroll it clear of the sticky save bar first.
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&el).unwrap()],
    )
    .await
    .unwrap();
    el.click().await.unwrap();
}

/// Waits up to 10 s for the element at `css` to show `want`; its text. Panics with the last text seen.
pub async fn wait_for_text(c: &Client, css: &str, want: &str) -> String {
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

/// Fills in and sends the login page as the demo user `user`, and waits for the header to name their role.
pub async fn login(c: &Client, server: &Server, user: &str) {
    c.goto(&server.url("/login")).await.unwrap();
    c.find(Locator::Css("input[name=username]"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "header", user_label(user)).await;
}

/// The role the header shows for a demo user.
fn user_label(user: &str) -> &'static str {
    match user {
        "caizheng" => "财政局审核员",
        "bumen1" => "主管部门审核人",
        "admin" => "系统管理员",
        _ => "填报人",
    }
}

/// Presses the header's logout button and waits for the login page.
pub async fn logout(c: &Client) {
    c.find(Locator::Css("header form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "main", "登录").await;
}

/// ChromeDriver's log command (outside the W3C protocol, which has none).
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// The browser console's messages since the last call (each read empties the log).
pub async fn console(c: &Client) -> Vec<String> {
    let log = c.issue_cmd(BrowserLog).await.unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// What the Content-Security-Policy refused since the last read of the console.
pub async fn csp_violations(c: &Client) -> Vec<String> {
    console(c)
        .await
        .into_iter()
        .filter(|m| m.contains("Content Security Policy"))
        .collect()
}
