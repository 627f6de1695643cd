//! Signing in and out through the pages of a real browser (fantoccini), as a clerk or reviewer would.

use std::time::Duration;

use fantoccini::{Client, Locator};

use super::{PASSWORD, Server};

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
