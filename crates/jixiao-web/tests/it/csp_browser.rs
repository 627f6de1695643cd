//! The Content-Security-Policy in a real browser: every kind of page loads its scripts and styles,
//! nothing is refused (Chromium reports each refusal on its console, read through ChromeDriver), and
//! what used to be inline still works — the print button, the admin tree's indentation, the dashboard's
//! hashed style block and legend colours, the editor's live scoring, the API page. Screenshots of the
//! dashboard and the admin page go to target/screenshots/ for a look by eye.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::common;
use common::Session;
use common::ui::{csp_violations, login, logout, screenshots, session, wait_for_text};

/// The first `{prefix}{id}` link of a page whose id is a number.
fn first_id(page: &str, prefix: &str) -> i64 {
    page.match_indices(&format!("href=\"{prefix}"))
        .find_map(|(at, m)| {
            let rest = &page[at + m.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .unwrap_or_else(|| panic!("no {prefix}N link in {page}"))
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Opens `path` and waits for `main` to show `want`.
async fn open(c: &Client, base: &str, path: &str, want: &str) {
    c.goto(&format!("{base}{path}")).await.unwrap();
    wait_for_text(c, "main", want).await;
}

#[tokio::test]
async fn pages_work_under_the_content_security_policy() {
    let Some((server, _driver, c)) = session().await else {
        return;
    };
    let base = server.base.clone();

    // The console does report refusals: a style attribute put in by hand is refused and named.
    c.goto(&server.url("/login")).await.unwrap();
    js(
        &c,
        "document.body.insertAdjacentHTML('beforeend', '<p id=\"probe\" style=\"color: rgb(255, 0, 0)\">x</p>'); return null;",
    )
    .await;
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen = csp_violations(&c).await;
        if !seen.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen.iter().any(|m| m.contains("style")),
        "a refused style attribute shows on the console: {seen:?}"
    );
    assert_ne!(
        js(
            &c,
            "return getComputedStyle(document.getElementById('probe')).color;"
        )
        .await,
        "rgb(255, 0, 0)"
    );

    // Ids of the demo's records, read over HTTP as the finance reviewer.
    let finance = Session::login(&server, "caizheng").await;
    let project = first_id(&finance.text("/projects").await, "/projects/");
    let goal = first_id(&finance.text("/goals").await, "/goals/");
    let round = first_id(&finance.text("/monitoring").await, "/monitoring/");
    let report = first_id(
        &finance.text(&format!("/monitoring/{round}")).await,
        "/monitoring/reports/",
    );

    // The finance reviewer's pages.
    login(&c, &server, "caizheng").await;
    for (path, want) in [
        ("/projects".to_string(), "年度"),
        (format!("/projects/{project}/history"), "版本"),
        (format!("/projects/{project}/years"), "历年"),
        ("/goals".into(), "绩效目标"),
        (format!("/goals/{goal}"), "绩效目标"),
        ("/monitoring".into(), "监控"),
        (format!("/monitoring/{round}"), "监控"),
        (format!("/monitoring/reports/{report}"), "监控"),
        ("/rectifications".into(), "整改"),
        ("/results".into(), "结果"),
        ("/library".into(), "指标"),
        ("/password".into(), "密码"),
    ] {
        open(&c, &base, &path, want).await;
    }

    // The print button: its handler comes from print.js now.
    open(&c, &base, &format!("/projects/{project}"), "审核发现").await;
    js(
        &c,
        "window.print = () => { window.printed = true; }; document.querySelector('[data-print]').click(); return null;",
    )
    .await;
    assert_eq!(js(&c, "return window.printed === true;").await, true);

    // The dashboard: its style block applies (by hash), and the legend's swatches are coloured.
    open(&c, &base, "/dashboard", "评价等级分布").await;
    assert_eq!(
        js(
            &c,
            "return getComputedStyle(document.querySelector('.jx-dash .kpi b')).fontSize;"
        )
        .await,
        "22px"
    );
    assert_eq!(
        js(
            &c,
            "return getComputedStyle(document.querySelector('.jx-dash .legend .stated')).backgroundColor;"
        )
        .await,
        "rgb(157, 180, 208)"
    );
    let shots = screenshots();
    std::fs::write(
        shots.join("csp-dashboard.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();

    // The API page renders the OpenAPI document with its script.
    c.goto(&server.url("/api/docs")).await.unwrap();
    wait_for_text(&c, "#ops", "/api/v1/projects").await;
    open(&c, &base, "/projects", "年度").await;
    logout(&c).await;

    // The administrator's organisation tree is indented by depth.
    login(&c, &server, "admin").await;
    open(&c, &base, "/admin", "机构").await;
    let indents = js(
        &c,
        "return [...document.querySelectorAll('td[class^=depth-]')].map(td => td.className + ' ' + getComputedStyle(td).paddingLeft);",
    )
    .await;
    let indents: Vec<&str> = indents
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(indents.contains(&"depth-0 6px"), "{indents:?}");
    assert!(indents.contains(&"depth-2 42px"), "{indents:?}");
    std::fs::write(shots.join("csp-admin.png"), c.screenshot().await.unwrap()).unwrap();
    logout(&c).await;

    // A clerk's editor scores live (editor.js, library.js and the JSON data block).
    login(&c, &server, "danwei5").await;
    c.find(Locator::LinkText("全民健身赛事活动"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "审核发现").await;
    let url = c.current_url().await.unwrap();
    c.goto(&format!("{url}/edit")).await.unwrap();
    wait_for_text(&c, "#panel-body", "计算总分").await;

    let refused = csp_violations(&c).await;
    assert!(refused.is_empty(), "refused by the policy: {refused:#?}");
}
