//! 运行监控, 整改 and 结果应用 over HTTP, on the demo data (a July 2023 round over the 2023 projects:
//! the talent flats red, the river yellow, the sports events green).

use crate::common;
use common::{Session, start};
use reqwest::StatusCode;

/// The id after `prefix` in the first link of `page` whose text is `text`.
fn link_id(page: &str, prefix: &str, text: &str) -> Option<String> {
    let at = page.find(&format!("\">{text}</a>"))?;
    let href = page[..at].rfind(&format!("href=\"{prefix}"))?;
    Some(page[href + 6 + prefix.len()..at].to_string())
}

fn base(page: &str) -> String {
    let at = page.find("name=\"base\" value=\"").unwrap() + 19;
    page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

async fn round_id(s: &Session) -> String {
    let page = s.text("/monitoring").await;
    link_id(&page, "/monitoring/", "2023年1—7月绩效运行监控").expect("the demo round")
}

#[tokio::test]
async fn the_round_overview_shows_lights_by_unit_and_project_red_first() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let round = round_id(&finance).await;
    let page = finance.text(&format!("/monitoring/{round}")).await;
    let table = &page[page.find("id=\"round-projects\"").unwrap()..];
    let red = table.find("人才公寓租金补贴").unwrap();
    let yellow = table.find("河涌保洁及水面垃圾清理").unwrap();
    let green = table.find("全民健身赛事活动").unwrap();
    assert!(
        red < yellow && yellow < green,
        "red, then yellow, then green"
    );
    // The reasons, with the worked numbers: 30% by July is 51.43% of the pace.
    assert!(
        page.contains("预算执行率 30%，为序时进度的 51.43%"),
        "{page}"
    );
    assert!(page.contains("人才公寓配租套数：完成 150套") || page.contains("完全不可能"));
    assert!(page.contains("调整预算"));
    // Sorted by unit instead.
    let by_unit = finance
        .text(&format!("/monitoring/{round}?sort=unit"))
        .await;
    assert!(by_unit.contains("id=\"unit-lights\""));
    // A unit sees only its own projects; another's report does not exist for it.
    let river = Session::login(&server, "danwei3").await;
    let mine = river.text(&format!("/monitoring/{round}")).await;
    assert!(mine.contains("河涌保洁及水面垃圾清理") && !mine.contains("人才公寓租金补贴"));
    let flats = link_id(&page, "/monitoring/reports/", "人才公寓租金补贴").unwrap();
    assert_eq!(
        river.status(&format!("/monitoring/reports/{flats}")).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_red_report_cannot_be_submitted_without_its_explanations() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let round = round_id(&finance).await;
    let overview = finance.text(&format!("/monitoring/{round}")).await;
    let id = link_id(&overview, "/monitoring/reports/", "全民健身赛事活动").unwrap();
    let clerk = Session::login(&server, "danwei5").await;
    let url = format!("/monitoring/reports/{id}");
    let page = clerk.text(&url).await;
    assert!(page.contains("绿灯"));
    // 30% of 380 万元 by July: red, and submitting without 偏差原因 and 措施 is refused, naming them.
    let res = clerk
        .post(
            &url,
            &[("base", &base(&page)), ("executed", "114"), ("submit", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let why = res.text().await.unwrap();
    assert!(
        why.contains("预算执行的偏差原因") && why.contains("51.43%"),
        "{why}"
    );
    // Saved without submitting: allowed, and the page shows the red light and what is needed.
    let res = clerk
        .post(&url, &[("base", &base(&page)), ("executed", "114")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = clerk.text(&url).await;
    assert!(page.contains("红灯") && page.contains("提交前须说明偏差原因"));
    // A bad number is named.
    let res = clerk
        .post(&url, &[("base", &base(&page)), ("executed", "一百")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("截至本月底执行数“一百”不是数字")
    );
    // Explained: submitted.
    let res = clerk
        .post(
            &url,
            &[
                ("base", &base(&page)),
                ("executed", "114"),
                ("deviation", "赛事集中在下半年举办"),
                ("measures", "9月起按赛事进度支付"),
                ("submit", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(clerk.text(&url).await.contains("已提交"));
    // The reviewer returns it only with an opinion, and records a decision, on the revision seen.
    let seen = base(&finance.text(&url).await);
    let res = finance
        .post(
            &format!("{url}/review"),
            &[("base", &seen), ("to", "returned")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("退回意见"));
    let stale = (seen.parse::<i64>().unwrap() - 1).to_string();
    let res = finance
        .post(
            &format!("{url}/review"),
            &[("base", &stale), ("to", "approved")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    finance
        .post(
            &format!("{url}/review"),
            &[
                ("base", &seen),
                ("to", "approved"),
                ("decision", "adjust"),
                ("note", "调减预算 100 万元"),
            ],
        )
        .await;
    let page = finance.text(&url).await;
    assert!(
        page.contains("已审核") && page.contains("调整预算") && page.contains("调减预算 100 万元")
    );
    // A clerk cannot review.
    assert_eq!(
        clerk
            .post(
                &format!("{url}/review"),
                &[("base", "1"), ("to", "approved")]
            )
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_self_evaluation_shows_its_monitoring_and_the_forecast_it_contradicts() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let list = finance.text("/projects").await;
    let id = link_id(&list, "/projects/", "人才公寓租金补贴").unwrap();
    let page = finance.text(&format!("/projects/{id}")).await;
    assert!(page.contains("运行监控记录") && page.contains("7月底") && page.contains("红灯"));
    // July: 人才公寓配租套数 “完全不可能”; year end: full marks.
    assert!(page.contains("监控预判与自评不符"), "{page}");
    assert!(page.contains("未完成的整改事项"));
}

#[tokio::test]
async fn an_item_is_raised_answered_with_evidence_sent_back_and_closed() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let list = finance.text("/projects").await;
    let project = link_id(&list, "/projects/", "全民健身赛事活动").unwrap();
    // From a finding on the project page.
    let page = finance.text(&format!("/projects/{project}")).await;
    assert!(page.contains("列为整改事项"));
    let form = finance
        .text(&format!("/rectifications/new?project={project}&source=finding&ref=vague-target&title=%E6%8C%87%E6%A0%87"))
        .await;
    assert!(form.contains("全民健身赛事活动"));
    let res = finance
        .post(
            "/rectifications",
            &[
                ("project", project.as_str()),
                ("source", "finding"),
                ("ref", "vague-target"),
                ("title", "指标值不可衡量"),
                ("measure", "修改指标值为可衡量的标准"),
                ("owner", "体育中心 办公室"),
                ("deadline", "2099-12-31"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let item = res.headers()["location"].to_str().unwrap().to_string();
    // A bad deadline is named.
    let res = finance
        .post(
            "/rectifications",
            &[
                ("project", project.as_str()),
                ("title", "x"),
                ("measure", "y"),
                ("owner", "z"),
                ("deadline", "年底"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("整改期限“年底”不是有效日期")
    );
    // The unit answers with evidence.
    let clerk = Session::login(&server, "danwei5").await;
    let send = |body: &'static str| {
        let clerk = &clerk;
        let item = item.clone();
        async move {
            let form = reqwest::multipart::Form::new().text("body", body).part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 evidence".to_vec())
                    .file_name("../整改报告.pdf")
                    .mime_str("application/pdf")
                    .unwrap(),
            );
            clerk
                .client
                .post(clerk.url(&format!("{item}/report?csrf={}", clerk.csrf)))
                .multipart(form)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        send("已修改指标值并重新报送").await.status(),
        StatusCode::SEE_OTHER
    );
    let page = clerk.text(&item).await;
    assert!(page.contains("已报送整改情况") && page.contains("整改报告.pdf"));
    let at = page.find("/files/").unwrap() + 7;
    let file: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let res = finance.get(&format!("{item}/files/{file}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(&res.bytes().await.unwrap()[..], b"%PDF-1.4 evidence");
    // Another unit sees nothing of it.
    let other = Session::login(&server, "danwei1").await;
    assert_eq!(other.status(&item).await, StatusCode::NOT_FOUND);
    // Sent back (with an opinion), answered again, closed.
    assert_eq!(
        finance
            .post(&format!("{item}/decide"), &[("action", "return")])
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    finance
        .post(
            &format!("{item}/decide"),
            &[("action", "return"), ("note", "缺少修改后的申报表")],
        )
        .await;
    assert!(clerk.text(&item).await.contains("退回继续整改"));
    assert_eq!(
        send("附修改后的申报表").await.status(),
        StatusCode::SEE_OTHER
    );
    finance
        .post(&format!("{item}/decide"), &[("action", "close")])
        .await;
    assert!(clerk.text(&item).await.contains("已销号"));
    // The demo's item from the July red light is overdue; the dashboard counts completion by unit.
    let list = finance.text("/rectifications").await;
    assert!(list.contains("（逾期）"));
    let dash = finance.text("/dashboard").await;
    assert!(dash.contains("整改完成情况"));
}

#[tokio::test]
async fn results_suggest_next_years_budget_with_reasons() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let page = finance.text("/results?year=2023").await;
    // Every submitted 2023 demo project, with its grade's suggestion and the reasons; the sports
    // events' self-evaluation is still a draft, not a result.
    for name in ["人才公寓租金补贴", "河涌保洁及水面垃圾清理"] {
        assert!(page.contains(name), "{name}");
    }
    assert!(!page.contains("全民健身赛事活动"));
    assert!(page.contains("运行监控红灯（截至7月底）"));
    assert!(page.contains("未完成整改事项 1 项"));
    assert!(page.contains("优先保障") || page.contains("据实保障"));
    // Units do not see the bureau's suggestions.
    let clerk = Session::login(&server, "danwei5").await;
    assert_eq!(clerk.status("/results").await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_the_bureau_opens_a_round_and_its_fields_are_checked() {
    let server = start().await;
    let dept = Session::login(&server, "bumen1").await;
    assert_eq!(
        dept.post(
            "/monitoring",
            &[("year", "2023"), ("month", "9"), ("due", "2023-10-15")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let finance = Session::login(&server, "caizheng").await;
    let res = finance
        .post(
            "/monitoring",
            &[("year", "2023"), ("month", "13"), ("due", "2023-10-15")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("1 到 12"));
    // A September round over the same projects: every approved 2023 project gets its form.
    let res = finance
        .post(
            "/monitoring",
            &[("year", "2023"), ("month", "9"), ("due", "2023-10-15")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = finance
        .text(res.headers()["location"].to_str().unwrap())
        .await;
    assert!(page.contains("2023年1—9月绩效运行监控"));
    assert_eq!(page.matches("/monitoring/reports/").count(), 3, "{page}");
    // A round over one department covers its units only.
    let rounds = finance.text("/monitoring").await;
    let at = rounds.find(">番禺区水务局<").unwrap();
    let value = rounds[..at].rfind("value=\"").unwrap() + 7;
    let water: String = rounds[value..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let res = finance
        .post(
            "/monitoring",
            &[
                ("year", "2023"),
                ("month", "10"),
                ("due", "2023-11-15"),
                ("scope", &water),
            ],
        )
        .await;
    let page = finance
        .text(res.headers()["location"].to_str().unwrap())
        .await;
    assert_eq!(page.matches("/monitoring/reports/").count(), 1, "{page}");
    assert!(page.contains("河涌保洁及水面垃圾清理"));
}

#[tokio::test]
async fn forms_overviews_and_suggestions_download_as_documents() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let round = round_id(&finance).await;
    let overview = finance.text(&format!("/monitoring/{round}")).await;
    let report = link_id(&overview, "/monitoring/reports/", "人才公寓租金补贴").unwrap();
    for (path, magic) in [
        (
            format!("/monitoring/reports/{report}/download/xlsx"),
            &b"PK"[..],
        ),
        (
            format!("/monitoring/reports/{report}/download/docx"),
            &b"PK"[..],
        ),
        (
            format!("/monitoring/reports/{report}/download/pdf"),
            &b"%PDF"[..],
        ),
        (format!("/monitoring/{round}/download/xlsx"), &b"PK"[..]),
        (format!("/monitoring/{round}/download/pdf"), &b"%PDF"[..]),
        ("/results/download/xlsx?year=2023".to_string(), &b"PK"[..]),
        ("/results/download/pdf?year=2023".to_string(), &b"%PDF"[..]),
    ] {
        let res = finance.get(&path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        assert!(res.bytes().await.unwrap().starts_with(magic), "{path}");
    }
    // The 监控表 workbook reads back as the same form.
    let bytes = finance
        .get(&format!("/monitoring/reports/{report}/download/xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    let read = jixiao_io::read_monitor_forms(&bytes, "监控表.xlsx").unwrap();
    assert_eq!(read[0].0.name, "人才公寓租金补贴");
    assert_eq!(read[0].0.month, 7);
    // Another unit cannot download a report it cannot see.
    let other = Session::login(&server, "danwei3").await;
    assert_eq!(
        other
            .status(&format!("/monitoring/reports/{report}/download/pdf"))
            .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.status("/results/download/xlsx").await,
        StatusCode::FORBIDDEN
    );
}
