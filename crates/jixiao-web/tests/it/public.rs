//! 绩效信息公开 over HTTP: an anonymous visitor reads what was published and nothing else; a correction
//! keeps both versions; answers carry validators and are answered 304; a burst from one address gets
//! 429; the open data (JSON, CSV, zip, Atom, IATI) is served and well formed.

use crate::common;

use std::collections::HashMap;
use std::net::IpAddr;

use common::{Server, Session, anonymous, project_ids, start, start_with};
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

const SEED: &str = "产业人才发展专项资金";

async fn get(server: &Server, path: &str) -> reqwest::Response {
    anonymous().get(server.url(path)).send().await.unwrap()
}

async fn page(server: &Server, path: &str) -> String {
    let res = get(server, path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

async fn revision(s: &Session, id: i64) -> i64 {
    let (_, v) = s
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/projects/{id}"),
            None,
        )
        .await;
    v["revision"].as_i64().unwrap()
}

/// Moves a project along the workflow as `s`, with a note; the status of the answer.
async fn move_to(s: &Session, id: i64, to: &str, note: &str) -> StatusCode {
    let base = revision(s, id).await.to_string();
    s.post(
        &format!("/projects/{id}/status"),
        &[("to", to), ("base", &base), ("note", note)],
    )
    .await
    .status()
}

/// The seed project (submitted in the demo) approved and published by the bureau; its id and the
/// published revision.
async fn publish_seed(server: &Server) -> (i64, i64, Session) {
    let id = project_ids(server).await[SEED];
    let finance = Session::login(server, "caizheng").await;
    // A reviewer's comment: internal, never public.
    let res = finance
        .post(
            &format!("/projects/{id}/comments"),
            &[("body", "内部意见：请核实满意度调查样本量")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Review scores (复核得分): the bureau's, not published unless it decides so.
    let base = revision(&finance, id).await.to_string();
    let res = finance
        .post(
            &format!("/projects/{id}/review"),
            &[("base", &base), ("exec", "6.66"), ("r0", "0")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        move_to(&finance, id, "approved", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        move_to(&finance, id, "published", "").await,
        StatusCode::SEE_OTHER
    );
    let rev = revision(&finance, id).await;
    (id, rev, finance)
}

#[tokio::test]
async fn anonymous_visitors_read_what_was_published_and_nothing_else() {
    let server = start().await;
    let ids = project_ids(&server).await;
    let id = ids[SEED];
    // Nothing published yet: the list is empty and the submitted project is not there.
    let list = page(&server, "/gongkai").await;
    assert!(list.contains("共 0 个项目"), "{list}");
    assert_eq!(
        get(&server, &format!("/gongkai/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    let (id, rev, _) = publish_seed(&server).await;
    let list = page(&server, "/gongkai").await;
    assert!(
        list.contains("共 1 个项目") && list.contains(SEED),
        "{list}"
    );
    let html = page(&server, &format!("/gongkai/{id}")).await;
    assert!(
        html.contains("项目支出绩效自评表"),
        "the 自评表 is on the page"
    );
    assert!(html.contains("番禺区委组织部"), "the department is named");
    for internal in [
        "内部意见",
        "财政局审核员",
        "caizheng",
        "复核得分",
        "计算得分",
        "csrf",
    ] {
        assert!(!html.contains(internal), "the public page shows {internal}");
    }
    // The same publication by its revision, and its data.
    assert_eq!(page(&server, &format!("/gongkai/{id}/{rev}")).await, html);
    let json: serde_json::Value = get(&server, &format!("/gongkai/{id}/{rev}/json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["schema"], "jixiao-evaluation");
    assert_eq!(json["project"]["name"], SEED);
    assert_eq!(
        json["findings"],
        serde_json::json!([]),
        "findings are internal by default"
    );
    assert_eq!(
        json["evaluation"]["execution"]["review_score"],
        serde_json::Value::Null
    );
    let csv = get(&server, &format!("/gongkai/{id}/{rev}/csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("6.66"), "{csv}");
    let pdf = get(&server, &format!("/gongkai/{id}/{rev}/pdf")).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // The project file the PDF carries is the unit's statement too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.pdf"), &pdf).unwrap();
    let out = std::process::Command::new("pdfdetach")
        .arg("-saveall")
        .arg("-o")
        .arg(dir.path())
        .arg(dir.path().join("r.pdf"))
        .output()
        .expect("pdfdetach (poppler-utils, installed by scripts/test)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let attached: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_none_or(|e| e != "pdf"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(!attached.is_empty(), "the PDF carries its project file");
    assert!(
        attached.iter().all(|a| !a.contains("review_score")),
        "{attached:?}"
    );

    // Everything unpublished is simply not there: other projects, made-up ids, the revisions before the
    // publication, formats that are not offered.
    let unpublished = ids["河涌保洁及水面垃圾清理"];
    for path in [
        format!("/gongkai/{unpublished}"),
        format!("/gongkai/{unpublished}/1"),
        format!("/gongkai/{unpublished}/1/json"),
        "/gongkai/999999".to_string(),
        "/gongkai/abc".to_string(),
        "/gongkai/-1".to_string(),
        format!("/gongkai/{id}/1"),
        format!("/gongkai/{id}/{}", rev - 1),
        format!("/gongkai/{id}/{}/json", rev - 1),
        format!("/gongkai/{id}/{}", rev + 1),
        format!("/gongkai/{id}/{rev}/xlsx"),
        format!("/gongkai/{id}/{rev}/toml"),
    ] {
        let res = get(&server, &path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!res.text().await.unwrap().contains(SEED), "{path}");
    }
    // The working pages stay behind the login.
    let res = get(&server, &format!("/projects/{id}")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_correction_is_published_beside_the_first_version() {
    let server = start().await;
    let (id, first, finance) = publish_seed(&server).await;
    // The bureau starts a correction: a reason is required.
    assert_eq!(
        move_to(&finance, id, "returned", "").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        move_to(&finance, id, "returned", "满意度指标实际值填写有误").await,
        StatusCode::SEE_OTHER
    );
    // The unit corrects its draft: while it works, the public still reads the first publication.
    let clerk = Session::login(&server, "danwei1").await;
    let (_, mut project) = clerk
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/projects/{id}"),
            None,
        )
        .await;
    let base = project["revision"].as_i64().unwrap();
    let mut data = project["project"].take();
    data["goals"]["actual"] = "更正后的目标完成情况：培育人才项目 35 个。".into();
    let (status, saved) = clerk
        .api(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            Some(serde_json::json!({ "base_revision": base, "project": data, "note": "更正" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let draft = saved["revision"].as_i64().unwrap();
    let public = page(&server, &format!("/gongkai/{id}")).await;
    assert!(
        !public.contains("更正后的目标完成情况"),
        "a draft is never public"
    );
    assert_eq!(
        get(&server, &format!("/gongkai/{id}/{draft}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    assert_eq!(
        move_to(&clerk, id, "submitted", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        move_to(&finance, id, "approved", "").await,
        StatusCode::SEE_OTHER
    );
    // Publishing again corrects what the public read: it says why.
    assert_eq!(
        move_to(&finance, id, "published", "").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        move_to(&finance, id, "published", "更正了满意度指标的实际完成值").await,
        StatusCode::SEE_OTHER
    );
    let second = revision(&finance, id).await;

    let latest = page(&server, &format!("/gongkai/{id}")).await;
    assert!(latest.contains("更正公告") && latest.contains("更正了满意度指标的实际完成值"));
    assert!(latest.contains("更正后的目标完成情况"));
    assert!(
        latest.contains(&format!("/gongkai/{id}/{first}")),
        "links the earlier version"
    );
    let earlier = page(&server, &format!("/gongkai/{id}/{first}")).await;
    assert!(earlier.contains("此为更正前的版本"));
    assert!(
        !earlier.contains("更正后的目标完成情况"),
        "the first version is frozen"
    );
    assert_eq!(
        page(&server, &format!("/gongkai/{id}/{second}")).await,
        latest
    );
    // The list shows the project once, marked corrected.
    let list = page(&server, "/gongkai").await;
    assert!(
        list.contains("共 1 个项目") && list.contains("已更正"),
        "{list}"
    );
    // Both versions' data.
    for rev in [first, second] {
        let res = get(&server, &format!("/gongkai/{id}/{rev}/json")).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_bureau_decides_whether_its_review_is_published() {
    let server = start().await;
    let (id, _, finance) = publish_seed(&server).await;
    // Units and departments cannot decide it.
    let clerk = Session::login(&server, "danwei1").await;
    assert_eq!(clerk.status("/publishing").await, StatusCode::FORBIDDEN);
    let settings = finance.text("/publishing").await;
    assert!(settings.contains("番禺区委组织部（本级）") && settings.contains("不公开"));
    let (_, v) = finance
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/projects/{id}"),
            None,
        )
        .await;
    let org = v["org_id"].as_i64().unwrap().to_string();
    let before = page(&server, &format!("/gongkai/{id}")).await;
    assert!(!before.contains("审核发现"));
    let res = finance
        .post(
            "/publishing/review",
            &[("org_id", &org), ("publish_review", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = page(&server, &format!("/gongkai/{id}")).await;
    assert!(
        after.contains("财政部门复核结果"),
        "the review is announced"
    );
    assert!(
        after.contains("审核发现") || after.contains("计算得分"),
        "and shown"
    );
    // Recorded in the audit log.
    let admin = Session::login(&server, "admin").await;
    let audit = admin.text("/admin/audit").await;
    assert!(audit.contains("设置是否公开审核结果"), "{audit}");
}

#[tokio::test]
async fn public_answers_carry_validators_and_are_answered_304() {
    let server = start().await;
    let (id, rev, _) = publish_seed(&server).await;
    for path in [
        "/gongkai".to_string(),
        format!("/gongkai/{id}"),
        format!("/gongkai/{id}/{rev}/csv"),
        "/gongkai/tongji".to_string(),
        "/gongkai/atom.xml".to_string(),
        "/sitemap.xml".to_string(),
    ] {
        let res = get(&server, &path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let h = res.headers().clone();
        assert!(
            h[CACHE_CONTROL].to_str().unwrap().starts_with("public"),
            "{path}"
        );
        let etag = h[ETAG].to_str().unwrap().to_string();
        let modified = h[LAST_MODIFIED].to_str().unwrap().to_string();
        let again = anonymous()
            .get(server.url(&path))
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()[ETAG].to_str().unwrap(), etag);
        let since = anonymous()
            .get(server.url(&path))
            .header(IF_MODIFIED_SINCE, &modified)
            .send()
            .await
            .unwrap();
        assert_eq!(since.status(), StatusCode::NOT_MODIFIED, "{path}");
        let other = anonymous()
            .get(server.url(&path))
            .header(IF_NONE_MATCH, "\"something-else\"")
            .send()
            .await
            .unwrap();
        assert_eq!(other.status(), StatusCode::OK, "{path}");
    }
    // A new publication changes the list: the old validator no longer matches.
    let list = get(&server, "/gongkai").await;
    let etag = list.headers()[ETAG].to_str().unwrap().to_string();
    let ids = project_ids(&server).await;
    let finance = Session::login(&server, "caizheng").await;
    let other = ids["河涌保洁及水面垃圾清理"];
    assert_eq!(
        move_to(&finance, other, "approved", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        move_to(&finance, other, "published", "").await,
        StatusCode::SEE_OTHER
    );
    let res = anonymous()
        .get(server.url("/gongkai"))
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("共 2 个项目"));
    // The working pages are still never stored.
    let res = finance.get("/projects").await;
    assert_eq!(res.headers()[CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn a_burst_from_one_address_is_refused_with_429_and_others_go_on() {
    let proxy: IpAddr = "127.0.0.1".parse().unwrap();
    let server =
        start_with(|app| app.layer(axum::Extension(jixiao_web::TrustedProxies(vec![proxy])))).await;
    let client = anonymous();
    let from = |addr: &'static str| {
        client
            .get(server.url("/robots.txt"))
            .header("X-Forwarded-For", addr)
    };
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    let mut retry_after = None;
    for _ in 0..(jixiao_web::PUBLIC_RATE + 20) {
        let res = from("198.51.100.7").send().await.unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = res.headers().get("retry-after").cloned();
        }
        *statuses.entry(res.status().as_u16()).or_default() += 1;
    }
    assert!(statuses.get(&200).copied().unwrap_or(0) >= jixiao_web::PUBLIC_RATE as usize - 5);
    assert!(
        statuses.get(&429).copied().unwrap_or(0) >= 15,
        "{statuses:?}"
    );
    let wait: u64 = retry_after.unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    // Another address is not held back, nor are the working pages.
    assert_eq!(
        from("198.51.100.8").send().await.unwrap().status(),
        StatusCode::OK
    );
    let login = client
        .get(server.url("/login"))
        .header("X-Forwarded-For", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
}

#[tokio::test]
async fn crawlers_find_the_public_pages_and_nothing_else() {
    let server = start().await;
    let (id, _, _) = publish_seed(&server).await;
    let robots = page(&server, "/robots.txt").await;
    assert!(robots.contains("Allow: /gongkai") && robots.contains("Disallow: /"));
    let sitemap_line = robots.lines().find(|l| l.starts_with("Sitemap: ")).unwrap();
    assert_eq!(
        sitemap_line,
        format!("Sitemap: {}/sitemap.xml", server.base)
    );
    let sitemap = page(&server, "/sitemap.xml").await;
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.contains(&server.url(&format!("/gongkai/{id}")).as_str()),
        "{locs:?}"
    );
    assert!(locs.iter().all(|l| l.starts_with(&server.url("/gongkai"))));
}

#[tokio::test]
async fn the_open_data_is_served_and_well_formed() {
    let server = start().await;
    let (id, rev, _) = publish_seed(&server).await;
    // Atom: one entry, linking the public page.
    let feed = page(&server, "/gongkai/atom.xml").await;
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(atom));
    let entries: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((atom, "entry")))
        .collect();
    assert_eq!(entries.len(), 1);
    assert!(feed.contains(&server.url(&format!("/gongkai/{id}/{rev}"))));
    // CSV: the documented header, one row per indicator and one for the budget execution.
    let csv = get(&server, &format!("/gongkai/{id}/{rev}/csv")).await;
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = csv.bytes().await.unwrap();
    let rows = jixiao_report::open::csv::read(&body).unwrap();
    let json: serde_json::Value = get(&server, &format!("/gongkai/{id}/{rev}/json"))
        .await
        .json()
        .await
        .unwrap();
    let indicators = json["evaluation"]["indicators"].as_array().unwrap().len();
    assert_eq!(rows.len(), indicators + 1);
    // The yearly bundle.
    let year = json["project"]["year"].as_i64().unwrap();
    let zip = get(&server, &format!("/gongkai/shuju/{year}")).await;
    assert_eq!(zip.status(), StatusCode::OK);
    let bytes = zip.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("evaluations.csv")),
        "{names:?}"
    );
    assert!(
        names
            .iter()
            .any(|n| n.ends_with(&format!("{id}-{rev}.json"))),
        "{names:?}"
    );
    assert_eq!(
        get(&server, "/gongkai/shuju/1999").await.status(),
        StatusCode::NOT_FOUND
    );
    // IATI for the department, valid against the vendored IATI activity schema.
    let data = page(&server, "/gongkai/shuju").await;
    let link = data
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|l| l.starts_with("/gongkai/shuju/iati/"))
        .unwrap()
        .to_string();
    let xml = page(&server, &link).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("iati.xml");
    std::fs::write(&file, &xml).unwrap();
    let schema = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../jixiao-report/tests/fixtures/iati-schema/iati-activities-schema.xsd");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("xmllint (Debian package libxml2-utils, installed by scripts/test)");
    assert!(
        out.status.success(),
        "{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}
