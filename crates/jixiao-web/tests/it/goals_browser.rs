//! The goals story in a real browser (headless Chromium, 1366×768): a unit declares its goals with the
//! library's suggestions; the department grades 中 and returns them; the unit revises; the department
//! passes them on (优) and the finance bureau approves (优); the year-end self-evaluation starts from the
//! approved goals; the unit lowers a target; the self-evaluation says `target-changed` and the reviewer
//! sees the approved and the new value side by side. Screenshots go to target/screenshots/.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::common;
use common::ui::{login, logout, screenshots, session, type_into, wait_for_text};

/// The nth input named `name` in the goal form's indicator table.
async fn cell(c: &Client, name: &str, row: usize) -> fantoccini::elements::Element {
    let all = c
        .find_all(Locator::Css(&format!("#goal-rows [name='{name}']")))
        .await
        .unwrap();
    all.into_iter().nth(row).unwrap()
}

async fn fill(c: &Client, name: &str, row: usize, text: &str) {
    let el = cell(c, name, row).await;
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

async fn choose(c: &Client, name: &str, row: usize, value: &str) {
    cell(c, name, row)
        .await
        .select_by_value(value)
        .await
        .unwrap();
}

async fn value(c: &Client, name: &str, row: usize) -> String {
    cell(c, name, row)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn click(c: &Client, css: &str) {
    let el = c.find(Locator::Css(css)).await.unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&el).unwrap()],
    )
    .await
    .unwrap();
    el.click().await.unwrap();
}

/// A reviewer opens the declaration and gives `grade` with `note`.
async fn grade(c: &Client, url: &str, grade: &str, note: &str) {
    c.goto(url).await.unwrap();
    wait_for_text(c, "#review", "审核等级").await;
    click(c, &format!("#review input[name=grade][value='{grade}']")).await;
    if !note.is_empty() {
        c.find(Locator::Css("#review textarea[name=note]"))
            .await
            .unwrap()
            .send_keys(note)
            .await
            .unwrap();
    }
    click(c, "#review-submit").await;
}

#[tokio::test]
async fn goals_declared_reviewed_approved_then_measured_at_year_end() {
    let Some((server, _driver, c)) = session().await else {
        return;
    };
    let shots = screenshots();

    // The 人才服务中心 clerk declares a new project's goals.
    login(&c, &server, "danwei2").await;
    c.goto(&server.url("/goals/new")).await.unwrap();
    c.find(Locator::Css("input[name=name]"))
        .await
        .unwrap()
        .send_keys("青年人才驿站运营")
        .await
        .unwrap();
    click(&c, "form.card button.primary").await;
    wait_for_text(&c, "main", "绩效目标申报表").await;
    let edit_url = c.current_url().await.unwrap().to_string();
    let goal_url = edit_url.trim_end_matches("/edit").to_string();
    c.find(Locator::Css("input[name=total]"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    c.find(Locator::Css("input[name=total]"))
        .await
        .unwrap()
        .send_keys("120")
        .await
        .unwrap();
    c.find(Locator::Css("textarea[name=annual]"))
        .await
        .unwrap()
        .send_keys("全年为来穗青年人才提供过渡住宿3000人次，服务对象满意度不低于90%。")
        .await
        .unwrap();

    // Typing a name brings the library's suggestions; picking one fills the row's groups.
    fill(&c, "name", 0, "服务对象满").await;
    let suggestion = wait_for_text(&c, "ul.suggest", "服务对象满意度").await;
    assert!(suggestion.contains("满意度指标"), "{suggestion}");
    let first = c.find(Locator::Css("ul.suggest li")).await.unwrap();
    // The list answers the mouse as it is pressed (before the field loses focus).
    c.execute(
        "arguments[0].dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));",
        vec![serde_json::to_value(&first).unwrap()],
    )
    .await
    .unwrap();
    for _ in 0..50 {
        if !value(&c, "level1", 0).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(value(&c, "level1", 0).await, "满意度指标");
    assert_eq!(value(&c, "name", 0).await, "服务对象满意度");
    assert!(
        !value(&c, "explanation", 0).await.is_empty(),
        "the explanation comes with it"
    );
    std::fs::write(shots.join("goals-form.png"), c.screenshot().await.unwrap()).unwrap();
    fill(&c, "target", 0, "≥90%").await;
    fill(&c, "weight", 0, "10").await;
    for (row, (l1, l2, name, target, weight)) in [
        (
            "产出指标",
            "数量指标",
            "过渡住宿服务人次",
            "≥3000人次",
            "40",
        ),
        (
            "效益指标",
            "社会效益指标",
            "青年人才留穗就业率",
            "≥80%",
            "40",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        choose(&c, "level1", row + 1, l1).await;
        fill(&c, "level2", row + 1, l2).await;
        fill(&c, "name", row + 1, name).await;
        fill(&c, "target", row + 1, target).await;
        fill(&c, "weight", row + 1, weight).await;
    }
    click(&c, "#save-goals").await;
    // The goal checks are shown to the unit before it submits.
    let checks = wait_for_text(&c, "#goal-findings", "目标维度缺失").await;
    assert!(checks.contains("缺少取值依据"), "{checks}");
    click(&c, "#submit-goals").await;
    wait_for_text(&c, "#goal-status", "待部门审核").await;
    logout(&c).await;

    // The department grades 中: back to the unit for revision.
    login(&c, &server, "bumen1").await;
    grade(&c, &goal_url, "中", "请补充时效指标和取值依据").await;
    wait_for_text(&c, "#goal-status", "退回修改").await;
    logout(&c).await;

    // The unit revises: a time indicator, and the basis of each value.
    login(&c, &server, "danwei2").await;
    c.goto(&goal_url).await.unwrap();
    wait_for_text(&c, "main", "请补充时效指标").await;
    c.goto(&edit_url).await.unwrap();
    wait_for_text(&c, "main", "绩效指标").await;
    choose(&c, "level1", 3, "产出指标").await;
    fill(&c, "level2", 3, "时效指标").await;
    fill(&c, "name", 3, "驿站开放时间").await;
    fill(&c, "target", 3, "3月31日前").await;
    for row in 0..4 {
        choose(&c, "basis", row, if row == 0 { "industry" } else { "plan" }).await;
    }
    // At 1366×768 every cell of the form shows its whole text (cells wrap and grow).
    let clipped = c
        .execute(
            "return [...document.querySelectorAll('#goal-form input, #goal-form textarea')]
               .filter(e => e.offsetParent && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2))
               .map(e => e.name + '=' + e.value);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(clipped, serde_json::json!([]), "cut off at 1366×768");
    click(&c, "#save-goals").await;
    wait_for_text(&c, "#goal-indicators", "驿站开放时间").await;
    click(&c, "#submit-goals").await;
    wait_for_text(&c, "#goal-status", "待部门审核").await;
    logout(&c).await;

    // The department passes it on, the finance bureau approves.
    login(&c, &server, "bumen1").await;
    grade(&c, &goal_url, "优", "").await;
    wait_for_text(&c, "#goal-status", "待财政审核").await;
    logout(&c).await;
    login(&c, &server, "caizheng").await;
    grade(&c, &goal_url, "优", "").await;
    wait_for_text(&c, "#goal-status", "已批复").await;
    std::fs::write(
        shots.join("goals-approved.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    logout(&c).await;

    // At year end the unit's self-evaluation starts from the approved goals.
    login(&c, &server, "danwei2").await;
    c.goto(&goal_url).await.unwrap();
    click(&c, "#start-evaluation").await;
    wait_for_text(&c, "#panel-body", "计算总分").await;
    let target = c
        .find(Locator::Css("[data-path='indicators.1.target']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(target.as_deref(), Some("≥3000人次"), "the approved target");
    // The unit lowers a target: the live panel says so at once.
    type_into(&c, "indicators.1.target", "≥2500人次").await;
    wait_for_text(&c, "#panel-body", "指标值与批复不符").await;
    // The editor suggests from the library too: a new row's name brings its groups.
    common::ui::click_button(&c, "＋ 添加指标").await;
    type_into(&c, "indicators.4.name", "服务对象满").await;
    wait_for_text(&c, "ul.suggest", "服务对象满意度").await;
    let first = c.find(Locator::Css("ul.suggest li")).await.unwrap();
    c.execute(
        "arguments[0].dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));",
        vec![serde_json::to_value(&first).unwrap()],
    )
    .await
    .unwrap();
    let level1 = || async {
        c.find(Locator::Css("[data-path='indicators.4.level1']"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    };
    for _ in 0..50 {
        if level1().await == "满意度指标" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(level1().await, "满意度指标");
    // A row the approved goals do not have: the panel says so.
    wait_for_text(&c, "#panel-body", "新增未批复指标").await;
    click(&c, "#save").await;
    wait_for_text(&c, "main", "第 2 版").await;
    let project_url = c.current_url().await.unwrap().to_string();
    logout(&c).await;

    // The reviewer sees the approved and the new value side by side, and the finding.
    login(&c, &server, "caizheng").await;
    c.goto(&project_url).await.unwrap();
    let compare = wait_for_text(&c, "#goal-compare", "指标值已改").await;
    let row = compare
        .lines()
        .find(|l| l.contains("过渡住宿服务人次"))
        .unwrap_or_default()
        .to_string();
    assert!(
        row.contains("≥3000人次") && row.contains("≥2500人次"),
        "old and new side by side: {row}"
    );
    // The row added from the library is 新增, even under a name the approved goals also have.
    assert_eq!(compare.matches("新增").count(), 1, "{compare}");
    let findings = wait_for_text(&c, "main", "指标值与批复不符").await;
    assert!(findings.contains("批复的指标值为“≥3000人次”，自评表为“≥2500人次”"));
    c.execute(
        "document.querySelector('#goal-compare').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    std::fs::write(
        shots.join("goals-compare.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.close().await.unwrap();
}
