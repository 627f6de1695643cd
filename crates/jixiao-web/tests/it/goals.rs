//! Goals over HTTP, on the demo data: who sees and does what, the review's grades and their
//! consequences, adjustments, the library, the multi-year page, and what the demo holds.

use crate::common;
use common::{Session, start};
use reqwest::StatusCode;

/// The id of the declaration named `name` on the goals list of `s`.
async fn goal_id(s: &Session, name: &str) -> Option<i64> {
    let page = s.text("/goals").await;
    let at = page.find(&format!("\">{name}</a>"))?;
    let href = page[..at].rfind("href=\"/goals/")?;
    page[href + 13..at].parse().ok()
}

fn field<'a>(page: &'a str, name: &str) -> &'a str {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &page[at + name.len() + 15..];
    &rest[..rest.find('"').unwrap()]
}

/// The revision number the page's forms send as `base`.
fn base(page: &str) -> String {
    field(page, "base").to_string()
}

#[tokio::test]
async fn the_demo_has_approved_goals_linked_to_every_self_evaluation_and_one_adjustment() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let list = finance.text("/goals").await;
    for name in [
        "人才公寓租金补贴",
        "河涌保洁及水面垃圾清理",
        "全民健身赛事活动",
    ] {
        assert!(list.contains(name), "{name} missing from the goals list");
    }
    assert!(list.matches("已批复").count() >= 5, "{list}");
    // The river project's goals were adjusted once: two approvals, the original kept.
    let id = goal_id(&finance, "河涌保洁及水面垃圾清理").await.unwrap();
    let page = finance.text(&format!("/goals/{id}")).await;
    assert_eq!(page.matches("<td>批复</td>").count(), 2, "{page}");
    assert!(page.contains("申请调整") && page.contains("区水务局移交市桥水道支涌5公里"));
    // Its self-evaluation agrees with the adjusted goals: every line 一致, no goal finding.
    let project = page
        .split("href=\"/projects/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let p = finance.text(&format!("/projects/{project}")).await;
    assert!(p.contains("与批复绩效目标对照"));
    assert!(!p.contains("指标值已改") && !p.contains("target-changed"));
    // Next year's goals of the talent flats wait for the department.
    let dept = Session::login(&server, "bumen1").await;
    let list = dept.text("/goals").await;
    assert!(list.contains("待部门审核"), "{list}");
}

#[tokio::test]
async fn goals_are_only_for_those_in_scope_and_only_the_unit_edits() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let id = goal_id(&finance, "河涌保洁及水面垃圾清理").await.unwrap();
    // Another unit's clerk: not found (its existence is not told), on every route.
    let other = Session::login(&server, "danwei1").await;
    assert_eq!(
        other.status(&format!("/goals/{id}")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.status(&format!("/goals/{id}/edit")).await,
        StatusCode::NOT_FOUND
    );
    assert!(goal_id(&other, "河涌保洁及水面垃圾清理").await.is_none());
    // The unit's own clerk sees it, but approved goals are changed only through an adjustment.
    let clerk = Session::login(&server, "danwei3").await;
    let res = clerk.get(&format!("/goals/{id}/edit")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("申请调整"));
    // A reviewer cannot edit, and cannot review what is not waiting for them.
    assert!(
        !finance
            .text(&format!("/goals/{id}"))
            .await
            .contains("提交审核结论")
    );
    let res = finance
        .post(
            &format!("/goals/{id}/review"),
            &[("base", "1"), ("grade", "优")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // An adjustment needs its reason.
    let page = clerk.text(&format!("/goals/{id}")).await;
    let res = clerk
        .post(
            &format!("/goals/{id}/adjust"),
            &[("base", &base(&page)), ("note", " ")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("调整理由"));
}

#[tokio::test]
async fn grades_do_what_the_policy_says() {
    let server = start().await;
    let clerk = Session::login(&server, "danwei1").await;
    let new = |name: &'static str| {
        let clerk = &clerk;
        async move {
            let res = clerk
                .post("/goals", &[("name", name), ("year", "2027")])
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            let edit = res.headers()["location"].to_str().unwrap().to_string();
            let page = clerk.text(&edit).await;
            let form = [
                ("base", base(&page)),
                ("project_name", name.to_string()),
                ("total", "50".into()),
                ("annual", "全年开展人才政策宣讲12场。".into()),
                ("level1", "产出指标".into()),
                ("level2", "数量指标".into()),
                ("name", "政策宣讲场次".into()),
                ("target", "≥12场".into()),
                ("weight", "90".into()),
                ("explanation", String::new()),
                ("basis", "plan".into()),
                ("basis_note", String::new()),
                ("data_source", String::new()),
                ("direction", String::new()),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = clerk.post(&edit, &form).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "save");
            let goal = edit.trim_end_matches("/edit").to_string();
            let page = clerk.text(&goal).await;
            let res = clerk
                .post(&format!("{goal}/submit"), &[("base", &base(&page))])
                .await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "submit");
            goal
        }
    };
    let dept = Session::login(&server, "bumen1").await;
    let review = |goal: String, grade: &'static str, note: &'static str| {
        let dept = &dept;
        async move {
            let page = dept.text(&goal).await;
            dept.post(
                &format!("{goal}/review"),
                &[("base", &base(&page)), ("grade", grade), ("note", note)],
            )
            .await
        }
    };

    // 中 needs an opinion, and returns the goals to the unit.
    let a = new("人才政策宣讲").await;
    let res = review(a.clone(), "中", "").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("审核意见"));
    review(a.clone(), "中", "宣讲场次偏少").await;
    assert!(clerk.text(&a).await.contains("退回修改"));
    // 差: not approved, and nobody edits it any more.
    let b = new("人才政策汇编印刷").await;
    review(b.clone(), "差", "与部门职责无关").await;
    assert!(clerk.text(&b).await.contains("不予通过"));
    assert_eq!(
        clerk.get(&format!("{b}/edit")).await.status(),
        StatusCode::FORBIDDEN
    );
    // 良 at the department: the unit revises, and the resubmission goes straight on to the bureau.
    let c = new("人才服务专员培训").await;
    review(c.clone(), "良", "请补充满意度指标").await;
    let page = clerk.text(&c).await;
    assert!(page.contains("按意见修改") && page.contains("待财政审核"));
    clerk
        .post(&format!("{c}/submit"), &[("base", &base(&page))])
        .await;
    assert!(clerk.text(&c).await.contains("待财政审核"));
    // 优 passes it on; the finance bureau's 优 approves.
    let d = new("人才工作宣传").await;
    review(d.clone(), "优", "").await;
    assert!(clerk.text(&d).await.contains("待财政审核"));
    let finance = Session::login(&server, "caizheng").await;
    let page = finance.text(&d).await;
    finance
        .post(
            &format!("{d}/review"),
            &[("base", &base(&page)), ("grade", "优")],
        )
        .await;
    let page = clerk.text(&d).await;
    assert!(page.contains("已批复") && page.contains("依据批复目标开展年度自评"));
    // The goal checks are on the page: no satisfaction indicator, no time or cost one.
    assert!(page.contains("目标维度缺失"), "{page}");
}

#[tokio::test]
async fn the_library_answers_the_form_and_takes_proposals_through_the_bureau() {
    let server = start().await;
    let clerk = Session::login(&server, "danwei1").await;
    let (status, hits) = clerk
        .api(
            reqwest::Method::GET,
            "/api/v1/library?q=满意度&limit=5",
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5);
    assert!(
        hits.iter()
            .all(|h| h["name"].as_str().unwrap().contains("满意"))
    );
    let page = clerk.text("/library?q=培训").await;
    assert!(page.contains("培训"));
    // Only a department proposes; only the bureau decides.
    let proposal = [
        ("name", "人才驿站入住率"),
        ("level1", "效益指标"),
        ("level2", "社会效益指标"),
        ("explanation", "入住人次占可提供床位人次的比例。"),
        ("direction", "positive"),
        ("unit", "%"),
        ("basis", "计划标准"),
        ("example", "≥85%"),
        ("source", "番禺区人才服务中心 2027 年人才驿站项目绩效目标表"),
    ];
    assert_eq!(
        clerk.post("/library/proposals", &proposal).await.status(),
        StatusCode::FORBIDDEN
    );
    let dept = Session::login(&server, "bumen1").await;
    let mut bad = proposal.to_vec();
    bad[7] = ("example", "2027.1.1-2027.12.31");
    let res = dept.post("/library/proposals", &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("实例指标值"));
    assert_eq!(
        dept.post("/library/proposals", &proposal).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        clerk
            .text("/library?q=人才驿站入住率")
            .await
            .contains("没有匹配的指标")
    );
    let finance = Session::login(&server, "caizheng").await;
    let page = finance.text("/library").await;
    let marker = "action=\"/library/proposals/";
    let at = page.find(marker).unwrap() + marker.len();
    let id: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(
        dept.post(
            &format!("/library/proposals/{id}"),
            &[("decision", "approve")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    finance
        .post(
            &format!("/library/proposals/{id}"),
            &[("decision", "approve")],
        )
        .await;
    let page = clerk.text("/library?q=人才驿站入住率").await;
    assert!(page.contains(&format!("/library/u-{id}")), "{page}");
    assert!(
        clerk
            .text(&format!("/library/u-{id}"))
            .await
            .contains("≥85%")
    );
}

#[tokio::test]
async fn a_project_across_years_shows_declared_targets_and_actuals() {
    let server = start().await;
    let finance = Session::login(&server, "caizheng").await;
    let id = goal_id(&finance, "河涌保洁及水面垃圾清理").await.unwrap();
    let page = finance.text(&format!("/goals/{id}")).await;
    let project = page
        .split("href=\"/projects/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    let years = finance.text(&format!("/projects/{project}/years")).await;
    // 河涌水质达标率: declared ≥90%, achieved 86% (95.6%), shown as a missed bar.
    assert!(years.contains("河涌水质达标率"));
    assert!(years.contains("95.6%"), "{years}");
    assert!(years.contains("class=\"missed\""));
    assert!(years.contains("≥385公里"));
}

#[tokio::test]
async fn goals_download_as_documents_and_an_excel_form_imports_as_a_draft() {
    let server = start().await;
    let clerk = Session::login(&server, "danwei3").await;
    let id = goal_id(&clerk, "河涌保洁及水面垃圾清理").await.unwrap();
    for (format, magic) in [
        ("xlsx", &b"PK"[..]),
        ("docx", &b"PK"[..]),
        ("pdf", &b"%PDF"[..]),
    ] {
        let res = clerk.get(&format!("/goals/{id}/download/{format}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        let disposition = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.contains(&format!(".{format}")), "{disposition}");
        let body = res.bytes().await.unwrap();
        assert!(body.starts_with(magic), "{format}");
    }
    assert_eq!(
        clerk.status(&format!("/goals/{id}/download/exe")).await,
        StatusCode::NOT_FOUND
    );
    // The workbook just downloaded, renamed, comes back in as a draft of the clerk's unit.
    let mut d: jixiao_core::Declaration = toml::from_str(include_str!(
        "../../../../examples/goals/hedao-baojie-2023.toml"
    ))
    .unwrap();
    d.project.name = "河涌保洁（2024年度申报）".into();
    d.project.year = 2024;
    let bytes = jixiao_io::write_declaration(&d);
    let part = reqwest::multipart::Part::bytes(bytes).file_name("申报表.xlsx");
    let res = clerk.upload("/goals/import", part).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = clerk
        .text(res.headers()["location"].to_str().unwrap())
        .await;
    assert!(page.contains("河涌保洁（2024年度申报）") && page.contains("草稿"));
    assert!(page.contains("河涌水质达标率") && page.contains("≥90%"));
    // Not a workbook: refused, naming the file.
    let part = reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("目标.xlsx");
    let res = clerk.upload("/goals/import", part).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("目标.xlsx"));
}
