//! The year after the goals, in a real browser (headless Chromium, 1366×768): the finance bureau opens a
//! July round; a unit with 30% execution sees a red light and cannot submit without 偏差原因 and 措施;
//! the reviewer records 调整预算; an October round shows it yellow; at year end the self-evaluation
//! shows the monitoring history; its grade 中 produces a 核减 suggestion; a 整改事项 raised from a finding
//! is answered with evidence and closed. Approved goals and the year-end actuals are set up over HTTP
//! (the goals story tests those pages). Screenshots go to target/screenshots/.

use fantoccini::{Client, Locator};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common;
use common::Session;
use common::ui::{login, logout, screenshots, session, wait_for_text};

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

async fn fill(c: &Client, css: &str, text: &str) {
    let el = c.find(Locator::Css(css)).await.unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

fn base(page: &str) -> String {
    let at = page.find("name=\"base\" value=\"").unwrap() + 19;
    page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The 体育中心's goals for 2027, declared, passed on by its department and approved by the bureau.
/// Returns the goals' page path.
async fn approved_goals(server: &common::Server) -> String {
    let clerk = Session::login(server, "danwei5").await;
    let res = clerk
        .post("/goals", &[("name", "社区健身驿站运营"), ("year", "2027")])
        .await;
    let edit = res.headers()["location"].to_str().unwrap().to_string();
    let page = clerk.text(&edit).await;
    let form = [
        ("base", base(&page)),
        ("project_name", "社区健身驿站运营".into()),
        ("total", "200".into()),
        (
            "annual",
            "全年开展社区健身活动100场，参与群众满意度不低于90%。".into(),
        ),
        ("level1", "产出指标".into()),
        ("level2", "数量指标".into()),
        ("name", "社区健身活动场次".into()),
        ("target", "≥100场".into()),
        ("weight", "45".into()),
        ("level1", "满意度指标".into()),
        ("level2", "服务对象满意度指标".into()),
        ("name", "参与群众满意度".into()),
        ("target", "≥90%".into()),
        ("weight", "45".into()),
    ];
    let mut pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The form's other columns, once per row.
    for _ in 0..2 {
        for k in [
            "explanation",
            "basis",
            "basis_note",
            "data_source",
            "direction",
        ] {
            pairs.push((k, ""));
        }
    }
    assert_eq!(
        clerk.post(&edit, &pairs).await.status(),
        StatusCode::SEE_OTHER
    );
    let goal = edit.trim_end_matches("/edit").to_string();
    let page = clerk.text(&goal).await;
    clerk
        .post(&format!("{goal}/submit"), &[("base", &base(&page))])
        .await;
    let dept = Session::login(server, "bumen4").await;
    let page = dept.text(&goal).await;
    dept.post(
        &format!("{goal}/review"),
        &[("base", &base(&page)), ("grade", "优")],
    )
    .await;
    let finance = Session::login(server, "caizheng").await;
    let page = finance.text(&goal).await;
    finance
        .post(
            &format!("{goal}/review"),
            &[("base", &base(&page)), ("grade", "优")],
        )
        .await;
    assert!(finance.text(&goal).await.contains("已批复"));
    goal
}

/// The finance bureau opens a round in the page.
async fn open_round(c: &Client, server: &common::Server, month: &str, due: &str) {
    c.goto(&server.url("/monitoring")).await.unwrap();
    fill(c, "#open-round input[name=year]", "2027").await;
    c.find(Locator::Css("#open-round select[name=month]"))
        .await
        .unwrap()
        .select_by_value(month)
        .await
        .unwrap();
    fill(c, "#open-round input[name=due]", due).await;
    click(c, "#open-round button").await;
    wait_for_text(c, "main", "各项目").await;
}

/// The unit opens its report of the latest round from the overview link.
async fn open_report(c: &Client, server: &common::Server, title: &str) {
    c.goto(&server.url("/monitoring")).await.unwrap();
    c.find(Locator::LinkText(title))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "main", "社区健身驿站运营").await;
    c.find(Locator::LinkText("社区健身驿站运营"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(c, "main", "绩效运行监控表").await;
}

#[tokio::test]
async fn monitoring_decision_result_and_rectification_through_the_year() {
    let Some((server, _driver, c)) = session().await else {
        return;
    };
    let shots = screenshots();
    let goal = approved_goals(&server).await;

    // July: the bureau opens the round.
    login(&c, &server, "caizheng").await;
    open_round(&c, &server, "7", "2027-08-15").await;
    logout(&c).await;

    // The unit has spent 30% (60 of 200 万元): red, and it cannot submit without explaining.
    login(&c, &server, "danwei5").await;
    open_report(&c, &server, "2027年1—7月绩效运行监控").await;
    fill(&c, "input[name=executed]", "60").await;
    click(&c, "#save-report").await;
    wait_for_text(&c, "#report-light", "红灯").await;
    wait_for_text(&c, "#execution-ratio", "51.43%").await;
    wait_for_text(&c, "#required", "偏差原因").await;
    std::fs::write(
        shots.join("monitoring-red.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    let report_url = c.current_url().await.unwrap().to_string();
    click(&c, "#submit-report").await;
    wait_for_text(&c, "main", "提交前须填写偏差原因和拟采取的措施").await;
    c.goto(&report_url).await.unwrap();
    fill(
        &c,
        "textarea[name=deviation]",
        "场地改造延期，活动集中在下半年",
    )
    .await;
    fill(
        &c,
        "textarea[name=measures]",
        "8月起每周开展2场，年中调整预算",
    )
    .await;
    click(&c, "#submit-report").await;
    wait_for_text(&c, "#report-status", "已提交").await;
    logout(&c).await;

    // The reviewer records 调整预算.
    login(&c, &server, "caizheng").await;
    c.goto(&report_url).await.unwrap();
    c.find(Locator::Css("#report-review select[name=decision]"))
        .await
        .unwrap()
        .select_by_value("adjust")
        .await
        .unwrap();
    fill(&c, "#report-review input[name=note]", "调减预算 40 万元").await;
    click(&c, "#record-decision").await;
    wait_for_text(&c, "#report-decision", "调整预算").await;
    // October: a new round.
    open_round(&c, &server, "10", "2027-11-15").await;
    logout(&c).await;

    // 60% by October: 72% of the pace → yellow.
    login(&c, &server, "danwei5").await;
    open_report(&c, &server, "2027年1—10月绩效运行监控").await;
    fill(&c, "input[name=executed]", "120").await;
    click(&c, "#save-report").await;
    wait_for_text(&c, "#report-light", "黄灯").await;
    wait_for_text(&c, "#execution-ratio", "72%").await;

    // Year end: the self-evaluation starts from the approved goals.
    c.goto(&server.url(&goal)).await.unwrap();
    click(&c, "#start-evaluation").await;
    wait_for_text(&c, "#panel-body", "计算总分").await;
    let project_url = c
        .current_url()
        .await
        .unwrap()
        .to_string()
        .trim_end_matches("/edit")
        .to_string();
    let project_id: i64 = project_url.rsplit('/').next().unwrap().parse().unwrap();
    logout(&c).await;
    // The year's actuals (over the API): all spent, 40 of 100 activities, 90% satisfied → 10 + 18 + 45 = 73 → 中.
    let clerk = Session::login(&server, "danwei5").await;
    let (_, rec) = clerk
        .api(Method::GET, &format!("/api/v1/projects/{project_id}"), None)
        .await;
    let mut p = rec["project"].clone();
    p["funds"]["executed"] = json!("200");
    p["indicators"][0]["actual"] = json!("40场");
    p["indicators"][0]["deviation"] = json!("场地改造延期");
    p["indicators"][1]["actual"] = json!("90%");
    let (status, saved) = clerk
        .api(
            Method::PUT,
            &format!("/api/v1/projects/{project_id}"),
            Some(json!({ "base_revision": rec["revision"], "project": p })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Submitted: a result the bureau applies.
    let (status, _) = clerk
        .api(
            Method::POST,
            &format!("/api/v1/projects/{project_id}/status"),
            Some(json!({ "to": "submitted", "base_revision": saved["revision"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // The reviewer sees the monitoring history on the self-evaluation, and the 核减 suggestion.
    login(&c, &server, "caizheng").await;
    c.goto(&project_url).await.unwrap();
    let history = wait_for_text(&c, "#monitor-history", "7月底").await;
    assert!(
        history.contains("红灯") && history.contains("10月底") && history.contains("黄灯"),
        "{history}"
    );
    assert!(history.contains("调整预算"), "{history}");
    c.goto(&server.url("/results?year=2027")).await.unwrap();
    let results = wait_for_text(&c, "#suggestions", "社区健身驿站运营").await;
    let line = results
        .lines()
        .find(|l| l.contains("社区健身驿站运营"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("中") && line.contains("核减5%—10%"), "{line}");
    assert!(line.contains("运行监控红灯（截至7月底）"), "{line}");
    std::fs::write(shots.join("results.png"), c.screenshot().await.unwrap()).unwrap();

    // A finding becomes a 整改事项.
    c.goto(&project_url).await.unwrap();
    c.find(Locator::LinkText("列为整改事项"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(&c, "main", "列为整改事项").await;
    fill(
        &c,
        "#rect-new textarea[name=measure]",
        "补充活动场次台账并说明未完成原因",
    )
    .await;
    fill(&c, "#rect-new input[name=owner]", "体育中心 办公室").await;
    click(&c, "#rect-new button").await;
    wait_for_text(&c, "#rect-status", "待整改").await;
    let item_url = c.current_url().await.unwrap().to_string();
    logout(&c).await;

    // The unit answers with evidence.
    login(&c, &server, "danwei5").await;
    c.goto(&item_url).await.unwrap();
    fill(
        &c,
        "#rect-report textarea[name=body]",
        "已补充台账，场地改造于11月完成",
    )
    .await;
    let evidence = std::env::temp_dir().join(format!("整改台账-{}.pdf", std::process::id()));
    std::fs::write(&evidence, b"%PDF-1.4 ledger").unwrap();
    c.find(Locator::Css("#rect-report input[type=file]"))
        .await
        .unwrap()
        .send_keys(evidence.to_str().unwrap())
        .await
        .unwrap();
    click(&c, "#rect-report button").await;
    wait_for_text(&c, "#rect-status", "已报送整改情况").await;
    wait_for_text(&c, "#rect-events", "整改台账").await;
    let _ = std::fs::remove_file(&evidence);
    logout(&c).await;

    // The reviewer closes it.
    login(&c, &server, "caizheng").await;
    c.goto(&item_url).await.unwrap();
    click(&c, "#rect-decide button[value=close]").await;
    wait_for_text(&c, "#rect-status", "已销号").await;
    std::fs::write(
        shots.join("rectification.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    c.close().await.unwrap();
}
