//! A real browser (Debian chromium + chromedriver, headless, 1366×768) drives the editor as a clerk
//! would: log in, change an actual, see the hint and the total update live, survive a reload through
//! the local draft, save. Screenshots go to target/screenshots/.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::common;
use common::ui::{click_button, login, logout, screenshots, session, type_into, wait_for_text};

#[tokio::test]
async fn a_clerk_edits_with_live_scoring_in_a_real_browser() {
    let Some((server, _driver, c)) = session().await else {
        return;
    };
    let shots = screenshots();

    // Log in as the 体育中心 clerk, whose project is still a draft.
    login(&c, &server, "danwei5").await;
    wait_for_text(&c, "main", "全民健身赛事活动").await;
    std::fs::write(shots.join("list.png"), c.screenshot().await.unwrap()).unwrap();

    c.find(Locator::LinkText("全民健身赛事活动"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "审核发现").await;
    std::fs::write(shots.join("project.png"), c.screenshot().await.unwrap()).unwrap();
    let project_url = c.current_url().await.unwrap();

    c.goto(&format!("{project_url}/edit")).await.unwrap();
    let before = wait_for_text(&c, "#panel-body", "计算总分").await;
    // The first indicator's target is “≥2场”: answer it with a number below the target.
    let actual = c
        .find(Locator::Css("[data-path='indicators.0.actual']"))
        .await
        .unwrap();
    actual.clear().await.unwrap();
    actual.send_keys("1场").await.unwrap();
    wait_for_text(&c, "#hint-a-0", "= 1 场").await;
    let after = wait_for_text(&c, "#panel-body", "计算总分").await;
    for _ in 0..50 {
        if c.find(Locator::Css("#panel-body"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            != before
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let after_text = c
        .find(Locator::Css("#panel-body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(
        before, after_text,
        "the score panel follows the typing ({after})"
    );
    std::fs::write(shots.join("editor.png"), c.screenshot().await.unwrap()).unwrap();

    // At 1366×768 every name and value of the form is readable in full: no field hides text inside
    // itself, across or below (a cell that wraps grows with its text).
    let clipped = c
        .execute(
            "return [...document.querySelectorAll('#editor-root input, #editor-root textarea')]
               .filter(e => e.offsetParent && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2))
               .map(e => e.dataset.path + '=' + e.value);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(clipped, json!([]), "cut off at 1366×768");
    // The live-score panel folds away to its total, and the table takes the width.
    let width = |c: fantoccini::Client| async move {
        c.execute(
            "return document.querySelector('#editor').getBoundingClientRect().width;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
    };
    let open_width = width(c.clone()).await;
    c.find(Locator::Css("#panel-fold"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mini = wait_for_text(&c, "#panel-mini", "发现").await;
    std::fs::write(
        shots.join("editor-folded.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    let folded_width = width(c.clone()).await;
    assert!(
        folded_width > open_width + 100.0,
        "folded ({mini}): {open_width} → {folded_width}"
    );
    c.find(Locator::Css("#panel-fold"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // A reload does not lose the typing: the local draft is offered back.
    c.refresh().await.unwrap();
    wait_for_text(&c, "#panel-body", "计算总分").await;
    let notice = c.find(Locator::Css("#draft-notice")).await.unwrap();
    assert!(
        notice.is_displayed().await.unwrap(),
        "the unsaved draft is offered after a reload"
    );
    c.find(Locator::Css("#draft-restore"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let restored = c
        .find(Locator::Css("[data-path='indicators.0.actual']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(restored.as_deref(), Some("1场"));

    // Save: a new revision, shown on the project page.
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "第 2 版").await;
    let page = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("1场"));
    c.close().await.unwrap();
}

/// The whole round of issue 5: a clerk creates a project, adds indicators and watches the live total,
/// saves and submits; the finance reviewer returns it with a comment; the clerk fixes and resubmits;
/// the reviewer approves; the approved project downloads.
#[tokio::test]
async fn create_submit_return_resubmit_approve() {
    let Some((server, _driver, c)) = session().await else {
        return;
    };
    let shots = screenshots();
    login(&c, &server, "danwei5").await;
    c.find(Locator::LinkText("新建项目"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys("全民健身路径维护")
        .await
        .unwrap();
    c.find(Locator::Css("form button.primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "#panel-body", "计算总分").await;

    type_into(&c, "funds.annual", "100").await;
    type_into(&c, "funds.executed", "100").await;
    let rows = [
        (
            "产出指标",
            "数量指标",
            "维护健身路径",
            "≥50处",
            "52处",
            "50",
        ),
        (
            "效益指标",
            "社会效益指标",
            "群众健身参与率",
            "≥60%",
            "65%",
            "30",
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            "群众满意度",
            "≥90%",
            "95%",
            "10",
        ),
    ];
    for (i, (l1, l2, name, target, actual, weight)) in rows.iter().enumerate() {
        click_button(&c, "＋ 添加指标").await;
        let b = format!("indicators.{i}.");
        type_into(&c, &format!("{b}level1"), l1).await;
        type_into(&c, &format!("{b}level2"), l2).await;
        type_into(&c, &format!("{b}name"), name).await;
        type_into(&c, &format!("{b}target"), target).await;
        type_into(&c, &format!("{b}actual"), actual).await;
        type_into(&c, &format!("{b}weight"), weight).await;
        type_into(&c, &format!("{b}self_score"), weight).await;
    }
    // Every target met, execution 100%: the live total reaches 100.00.
    wait_for_text(&c, "#panel-body", "100.00").await;
    wait_for_text(&c, "#hint-t-1", "≥ 60 %").await;
    std::fs::write(shots.join("editor-new.png"), c.screenshot().await.unwrap()).unwrap();
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "第 2 版").await;
    let project_url = c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    click_button(&c, "提交审核").await;
    wait_for_text(&c, "main", "已提交").await;
    logout(&c).await;

    // The finance reviewer returns it with a comment.
    login(&c, &server, "caizheng").await;
    c.goto(&project_url).await.unwrap();
    wait_for_text(&c, "main", "复核评分").await;
    std::fs::write(shots.join("review.png"), c.screenshot().await.unwrap()).unwrap();
    c.find(Locator::Css("input[name=note]"))
        .await
        .unwrap()
        .send_keys("请补充健身路径维护台账")
        .await
        .unwrap();
    click_button(&c, "退回修改").await;
    wait_for_text(&c, "main", "已退回").await;
    wait_for_text(&c, "#comments + ul", "请补充健身路径维护台账").await;
    logout(&c).await;

    // The clerk sees the comment, fixes and resubmits.
    login(&c, &server, "danwei5").await;
    c.goto(&project_url).await.unwrap();
    wait_for_text(&c, "main", "请补充健身路径维护台账").await;
    c.goto(&format!("{project_url}/edit")).await.unwrap();
    wait_for_text(&c, "#panel-body", "100.00").await;
    type_into(&c, "indicators.0.deviation", "已补充维护台账 52 处").await;
    c.find(Locator::Css("#save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "已补充维护台账").await;
    click_button(&c, "提交审核").await;
    wait_for_text(&c, "main", "已提交").await;
    logout(&c).await;

    // The reviewer approves.
    login(&c, &server, "caizheng").await;
    c.goto(&project_url).await.unwrap();
    click_button(&c, "审核通过").await;
    wait_for_text(&c, "main", "已审核").await;
    let history_url = format!("{project_url}/history");
    c.goto(&history_url).await.unwrap();
    let history = wait_for_text(&c, "main", "审核通过").await;
    for step in ["新建", "保存", "提交", "退回", "审核通过"] {
        assert!(history.contains(step), "history shows {step}: {history}");
    }
    // The approved project's 自评报告 downloads as PDF (the link the reviewer sees, with the browser's session).
    c.goto(&project_url).await.unwrap();
    let href = c
        .find(Locator::LinkText("自评报告（PDF）"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let cookie = c.get_named_cookie("jixiao_session").await.unwrap();
    let res = reqwest::Client::new()
        .get(format!("{}{href}", server.base))
        .header("Cookie", format!("jixiao_session={}", cookie.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    std::fs::write(shots.join("approved.pdf"), &pdf).unwrap();
    c.close().await.unwrap();
}

#[tokio::test]
async fn an_import_that_contradicts_the_form_is_shown_and_acknowledged() {
    let Some((server, _driver, c)) = session().await else {
        return;
    };
    let shots = screenshots();
    login(&c, &server, "danwei3").await;
    // A published table whose funds row says 50% where 29.5 / 30 is 98.33%.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("社区矫正经费自评表.txt");
    std::fs::write(
        &file,
        include_str!("../../../../tests/fixtures/import/funds-row-contradicts.txt"),
    )
    .unwrap();
    c.goto(&format!("{}/import", server.base)).await.unwrap();
    c.find(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click_button(&c, "上传并预览").await;
    let note = wait_for_text(
        &c,
        "table.funds tr.import-note.error",
        "import-inconsistent",
    )
    .await;
    assert!(note.contains("50%"), "{note}");
    std::fs::write(
        shots.join("import-inconsistent.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    // Without the tick the browser does not send the form.
    let preview_url = c.current_url().await.unwrap();
    click_button(&c, "确认导入").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(c.current_url().await.unwrap(), preview_url);
    c.find(Locator::Css("input[name=ack]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click_button(&c, "确认导入").await;
    let comments = wait_for_text(&c, "ul.comments", "导入发现（错误）").await;
    assert!(comments.contains("导入数字矛盾"), "{comments}");
    c.close().await.unwrap();
}
