//! The web application over real HTTP (server on port 0, demo data): every route for every role,
//! CSRF, conflicts, history, upload, download, the API.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::common;
use common::{Session, project_ids, start};

impl Session {
    /// A project through the API, asserting that it is visible.
    async fn project(&self, id: i64) -> Value {
        let (s, v) = self
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/projects/{id}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        v
    }
}

const SEED: &str = "产业人才发展专项资金"; // 组织部（本级）, submitted
const RENCAI: &str = "人才公寓租金补贴"; // 人才服务中心 (组织部), submitted
const HEDAO: &str = "河涌保洁及水面垃圾清理"; // 河道管理所 (水务局), submitted
const LANQIU: &str = "全民健身赛事活动"; // 体育中心, draft

#[tokio::test]
async fn anonymous_users_are_sent_to_login() {
    let server = start().await;
    let client = common::anonymous();
    for path in [
        "/",
        "/projects",
        "/projects/1",
        "/projects/1/edit",
        "/projects/1/history",
        "/admin",
        "/import",
        "/password",
    ] {
        let res = client
            .get(format!("{}{path}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/login", "{path}");
    }
    let res = client
        .get(format!("{}/api/v1/projects", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = client
        .post(format!("{}/projects/1/status", server.base))
        .form(&[("to", "approved"), ("base", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Public pieces: login page, assets, API description.
    for path in [
        "/login",
        "/assets/app.css",
        "/assets/editor.js",
        "/api/openapi.json",
        "/api/docs",
    ] {
        assert_eq!(
            client
                .get(format!("{}{path}", server.base))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "{path}"
        );
    }
}

#[tokio::test]
async fn wrong_password_is_refused() {
    let server = start().await;
    let client = common::client();
    let res = common::post_login(&server, &client, "danwei1", "nope").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("用户名或密码错误"));
    let res = common::post_login(&server, &client, "nobody", "x").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn who_sees_which_project() {
    let server = start().await;
    let ids = project_ids(&server).await;
    let page = |name: &str| format!("/projects/{}", ids[name]);
    // (user, project, visible)
    let cases = [
        ("danwei1", SEED, true),
        ("danwei1", RENCAI, false),
        ("danwei1", HEDAO, false),
        ("danwei2", RENCAI, true),
        ("danwei2", SEED, false),
        ("bumen1", SEED, true),
        ("bumen1", RENCAI, true),
        ("bumen1", HEDAO, false),
        ("bumen1", LANQIU, false),
        ("caizheng", SEED, true),
        ("caizheng", HEDAO, true),
        ("caizheng", LANQIU, true),
        ("admin", HEDAO, true),
    ];
    for (user, project, visible) in cases {
        let b = Session::login(&server, user).await;
        let expected = if visible {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        for suffix in [
            "",
            "/history",
            "/revisions/1",
            "/download/toml",
            "/download/json",
            "/diff?from=1&to=1",
        ] {
            assert_eq!(
                b.status(&format!("{}{suffix}", page(project))).await,
                expected,
                "{user} GET {project}{suffix}"
            );
        }
        let (s, _) = b
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/projects/{}", ids[project]),
                None,
            )
            .await;
        assert_eq!(s, expected, "{user} API {project}");
        let (s, _) = b
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/projects/{}/evaluation", ids[project]),
                None,
            )
            .await;
        assert_eq!(s, expected, "{user} API evaluation {project}");
        let (s, _) = b
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/projects/{}/revisions", ids[project]),
                None,
            )
            .await;
        assert_eq!(s, expected, "{user} API revisions {project}");
    }
    // The list shows exactly the visible projects.
    let b = Session::login(&server, "bumen1").await;
    let list = b.text("/projects").await;
    assert!(list.contains(SEED) && list.contains(RENCAI) && !list.contains(HEDAO));
    let (_, v) = b.api(reqwest::Method::GET, "/api/v1/projects", None).await;
    assert_eq!(v["projects"].as_array().unwrap().len(), 2);
    assert_eq!(b.status("/projects/999999").await, StatusCode::NOT_FOUND);
}

async fn status(b: &Session, id: i64, to: &str, base: i64) -> StatusCode {
    b.post(
        &format!("/projects/{id}/status"),
        &[("to", to), ("base", &base.to_string()), ("note", "意见")],
    )
    .await
    .status()
}

#[tokio::test]
async fn who_may_change_what() {
    let server = start().await;
    let ids = project_ids(&server).await;
    let lanqiu = ids[LANQIU];
    let seed = ids[SEED];

    // Only the unit's own editor edits its draft; reviewers and others may not.
    let owner = Session::login(&server, "danwei5").await;
    assert_eq!(
        owner.status(&format!("/projects/{lanqiu}/edit")).await,
        StatusCode::OK
    );
    for user in ["caizheng", "admin"] {
        let b = Session::login(&server, user).await;
        assert_eq!(
            b.status(&format!("/projects/{lanqiu}/edit")).await,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let data = serde_json::to_string(&b.project(lanqiu).await["project"]).unwrap();
        let res = b
            .post(
                &format!("/projects/{lanqiu}/edit"),
                &[("data", &data), ("base", "1")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{user} POST edit");
    }
    let other_unit = Session::login(&server, "danwei1").await;
    assert_eq!(
        other_unit.status(&format!("/projects/{lanqiu}/edit")).await,
        StatusCode::NOT_FOUND
    );
    // A submitted project is no longer editable by its unit, and the page says why and what to do.
    let refused = other_unit.get(&format!("/projects/{seed}/edit")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("不能修改") && refused.contains("项目已提交，如需修改请联系审核人退回"),
        "{refused}"
    );
    // A reviewer is told where their work is.
    let page = Session::login(&server, "caizheng")
        .await
        .get(&format!("/projects/{lanqiu}/edit"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("审核人请在项目页填写复核得分或意见"),
        "{page}"
    );

    // Workflow permissions.
    assert_eq!(
        status(&other_unit, seed, "approved", 2).await,
        StatusCode::FORBIDDEN,
        "a unit cannot approve itself"
    );
    let reviewer = Session::login(&server, "bumen1").await;
    assert_eq!(
        status(&reviewer, lanqiu, "approved", 1).await,
        StatusCode::NOT_FOUND,
        "outside the department"
    );
    assert_eq!(
        status(&reviewer, seed, "published", 2).await,
        StatusCode::FORBIDDEN,
        "publish needs approval first"
    );
    assert_eq!(
        status(&reviewer, seed, "approved", 2).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        status(&reviewer, seed, "published", 3).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        owner
            .post(
                &format!("/projects/{lanqiu}/status"),
                &[("to", "submitted"), ("base", "1")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let finance = Session::login(&server, "caizheng").await;
    assert_eq!(
        finance
            .post(
                &format!("/projects/{lanqiu}/status"),
                &[("to", "returned"), ("base", "2")]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "a return needs a reason"
    );
    assert_eq!(
        status(&finance, lanqiu, "returned", 2).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(finance.project(lanqiu).await["status"], "returned");
    // Returned: editable again by its unit.
    assert_eq!(
        owner.status(&format!("/projects/{lanqiu}/edit")).await,
        StatusCode::OK
    );

    // Admin pages: admin only.
    for user in ["danwei1", "bumen1", "caizheng"] {
        let b = Session::login(&server, user).await;
        assert_eq!(b.status("/admin").await, StatusCode::FORBIDDEN, "{user}");
        assert_eq!(
            b.post("/admin/orgs", &[("name", "x"), ("kind", "unit")])
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(
            b.post(
                "/admin/users",
                &[
                    ("username", "x"),
                    ("display_name", "x"),
                    ("password", "abc12345"),
                    ("role", "admin"),
                    ("org_id", "1")
                ]
            )
            .await
            .status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
    // Creating and importing projects: unit editors only.
    for user in ["bumen1", "caizheng", "admin"] {
        let b = Session::login(&server, user).await;
        assert_eq!(
            b.status("/projects/new").await,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        assert_eq!(b.status("/import").await, StatusCode::FORBIDDEN, "{user}");
        assert_eq!(
            b.post("/projects", &[("name", "x"), ("year", "2023")])
                .await
                .status(),
            StatusCode::FORBIDDEN,
            "{user}"
        );
    }
}

#[tokio::test]
async fn reviewers_enter_review_scores_and_comments() {
    let server = start().await;
    let seed = project_ids(&server).await[SEED];
    let reviewer = Session::login(&server, "bumen1").await;
    let res = reviewer
        .post(
            &format!("/projects/{seed}/review"),
            &[
                ("base", "2"),
                ("exec", "10"),
                ("r5", "6"),
                ("c5", "走访人次不是满意度，复核扣分"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let p = reviewer.project(seed).await;
    assert_eq!(p["project"]["indicators"][5]["review_score"], "6");
    let page = reviewer.text(&format!("/projects/{seed}")).await;
    assert!(page.contains("走访人次不是满意度，复核扣分"));
    assert!(page.contains("复核总分"));
    // Out of range is refused; units cannot review.
    let res = reviewer
        .post(
            &format!("/projects/{seed}/review"),
            &[("base", "3"), ("r0", "99")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let unit = Session::login(&server, "danwei1").await;
    assert_eq!(
        unit.post(
            &format!("/projects/{seed}/review"),
            &[("base", "3"), ("r0", "1")]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    // Comments from the unit and the reviewer.
    assert_eq!(
        unit.post(
            &format!("/projects/{seed}/comments"),
            &[("body", "已补充材料")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let other = Session::login(&server, "danwei3").await;
    assert_eq!(
        other
            .post(&format!("/projects/{seed}/comments"), &[("body", "x")])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn csrf_is_required_for_every_change() {
    let server = start().await;
    let lanqiu = project_ids(&server).await[LANQIU];
    let owner = Session::login(&server, "danwei5").await;
    // No token.
    let res = owner
        .client
        .post(format!("{}/projects/{lanqiu}/status", server.base))
        .form(&[("to", "submitted"), ("base", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Wrong token.
    let res = owner
        .client
        .post(format!("{}/projects/{lanqiu}/status", server.base))
        .form(&[("to", "submitted"), ("base", "1"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Right token from another site.
    let res = owner
        .client
        .post(format!("{}/projects/{lanqiu}/status", server.base))
        .header("Origin", "http://evil.example")
        .form(&[
            ("to", "submitted"),
            ("base", "1"),
            ("csrf", owner.csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // API writes need the header too.
    let res = owner
        .client
        .post(format!("{}/api/v1/projects/{lanqiu}/status", server.base))
        .json(&json!({"to": "submitted", "base_revision": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        owner.project(lanqiu).await["status"],
        "draft",
        "nothing changed"
    );
    // With the token it works.
    assert_eq!(
        owner
            .post(
                &format!("/projects/{lanqiu}/status"),
                &[("to", "submitted"), ("base", "1")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn editing_saves_revisions_and_a_second_editor_gets_a_conflict() {
    let server = start().await;
    let lanqiu = project_ids(&server).await[LANQIU];
    let first = Session::login(&server, "danwei5").await;
    let second = Session::login(&server, "danwei5").await; // the same unit, another browser
    let editor = first.text(&format!("/projects/{lanqiu}/edit")).await;
    assert!(editor.contains("project-data") && editor.contains("/assets/editor.js"));

    let mut p = first.project(lanqiu).await["project"].clone();
    p["indicators"][0]["deviation"] = json!("第一位修改");
    let res = first
        .post(
            &format!("/projects/{lanqiu}/edit"),
            &[
                ("data", &p.to_string()),
                ("base", "1"),
                ("note", "补充偏差原因"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let mut q = second.project(lanqiu).await["project"].clone();
    q["indicators"][0]["deviation"] = json!("第二位修改");
    let res = second
        .post(
            &format!("/projects/{lanqiu}/edit"),
            &[("data", &q.to_string()), ("base", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("第一位修改") && page.contains("第二位修改"),
        "the conflict screen shows both versions"
    );
    assert_eq!(
        first.project(lanqiu).await["project"]["indicators"][0]["deviation"],
        "第一位修改",
        "no silent overwrite"
    );

    // The second editor may then save deliberately on top of the latest revision.
    let res = second
        .post(
            &format!("/projects/{lanqiu}/edit"),
            &[("data", &q.to_string()), ("base", "2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Bad data is refused with the field named, and nothing is written.
    let mut bad = q.clone();
    bad["indicators"][1]["weight"] = json!("很多");
    let res = second
        .post(
            &format!("/projects/{lanqiu}/edit"),
            &[("data", &bad.to_string()), ("base", "3")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("indicators[1].weight"));

    // History, diff, restore.
    let history = first.text(&format!("/projects/{lanqiu}/history")).await;
    assert!(history.contains("第 3 版") && history.contains("补充偏差原因"));
    let diff = first
        .text(&format!("/projects/{lanqiu}/diff?from=2&to=3"))
        .await;
    assert!(
        diff.contains("indicators[0].deviation")
            && diff.contains("第一位修改")
            && diff.contains("第二位修改")
    );
    assert_eq!(
        first
            .post(
                &format!("/projects/{lanqiu}/restore"),
                &[("from", "2"), ("base", "3")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let now = first.project(lanqiu).await;
    assert_eq!(now["revision"], 4);
    assert_eq!(now["project"]["indicators"][0]["deviation"], "第一位修改");
    let old = first.text(&format!("/projects/{lanqiu}/revisions/1")).await;
    assert!(old.contains("历史版本"));
}

#[tokio::test]
async fn new_project_upload_preview_and_download() {
    let server = start().await;
    let unit = Session::login(&server, "danwei3").await;
    assert_eq!(unit.status("/projects/new").await, StatusCode::OK);
    let res = unit
        .post("/projects", &[("name", "河涌清淤"), ("year", "2024")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/edit")
    );

    // Upload a project file: preview first, nothing saved until confirmed.
    let before = unit
        .api(reqwest::Method::GET, "/api/v1/projects", None)
        .await
        .1["projects"]
        .as_array()
        .unwrap()
        .len();
    let text = include_str!("../../../../examples/panyu-2022.toml");
    let part =
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("../../etc/番禺.toml");
    let res = unit.upload("/import", part).await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview = res.text().await.unwrap();
    assert!(
        preview.contains("产业人才发展专项资金")
            && preview.contains("budget-adjusted")
            && preview.contains("番禺.toml")
    );
    assert!(
        !preview.contains("../../etc"),
        "only the file name is shown"
    );
    let after = unit
        .api(reqwest::Method::GET, "/api/v1/projects", None)
        .await
        .1["projects"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    let data = serde_json::to_string(&toml::from_str::<Value>(text).unwrap()).unwrap();
    let res = unit.post("/import/confirm", &[("data", &data)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = unit
        .api(reqwest::Method::GET, "/api/v1/projects", None)
        .await
        .1["projects"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before + 1);

    // A file that cannot be read: a clear message, not a crash.
    let part = reqwest::multipart::Part::bytes(b"\x00\x01junk".to_vec()).file_name("junk.bin");
    let res = unit.upload("/import", part).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("junk.bin"));

    // Too large: 413 from the declared length alone, before any of the body is read.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = server.base.trim_start_matches("http://");
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /import?csrf={} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 104857600\r\n\r\n",
            unit.csrf
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut buf = vec![0u8; 64];
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(
            String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 413"),
            "{}",
            String::from_utf8_lossy(&buf[..n])
        );
    }
    assert_eq!(unit.status("/projects").await, StatusCode::OK);

    // Download: the project file, named for the project.
    let id = project_ids(&server).await[HEDAO];
    let res = unit.get(&format!("/projects/{id}/download/toml")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''2023-")
    );
    let text = res.text().await.unwrap();
    assert!(jixiao_io::from_toml(&text, std::path::Path::new("download.toml")).is_ok());
    assert_eq!(
        unit.status(&format!("/projects/{id}/download/exe")).await,
        StatusCode::NOT_FOUND
    );
    // Every document format of `jixiao report`.
    for (format, magic) in [
        ("xlsx", &b"PK"[..]),
        ("docx", b"PK"),
        ("pdf", b"%PDF"),
        ("html", b"<!"),
        ("md", b"#"),
        ("json", b"{"),
    ] {
        let res = unit.get(&format!("/projects/{id}/download/{format}")).await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        let cd = res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(cd.contains(&format!(".{format}")), "{cd}");
        let bytes = res.bytes().await.unwrap();
        assert!(
            bytes.starts_with(magic),
            "{format} starts with {:?}",
            &bytes[..bytes.len().min(8)]
        );
    }
}

#[tokio::test]
async fn api_tokens_conflicts_and_live_evaluation() {
    let server = start().await;
    let lanqiu = project_ids(&server).await[LANQIU];
    let owner = Session::login(&server, "danwei5").await;
    let (s, v) = owner
        .api(
            reqwest::Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "脚本"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let token = v["token"].as_str().unwrap().to_string();
    let script = Client::new();
    let get = script
        .get(format!("{}/api/v1/projects/{lanqiu}", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), StatusCode::OK);
    let body: Value = get.json().await.unwrap();
    let put = |base: i64| {
        let mut p = body["project"].clone();
        p["project"]["name"] = json!(format!("全民健身赛事活动（{base}）"));
        script
            .put(format!("{}/api/v1/projects/{lanqiu}", server.base))
            .bearer_auth(&token)
            .json(&json!({"base_revision": base, "project": p}))
    };
    assert_eq!(put(1).send().await.unwrap().status(), StatusCode::OK);
    let res = put(1).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        (v["base_revision"].as_i64(), v["current_revision"].as_i64()),
        (Some(1), Some(2))
    );
    // A bad token is not a user.
    assert_eq!(
        script
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth("nope")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // Invalid project data names the field.
    let res = script.post(format!("{}/api/v1/projects", server.base)).bearer_auth(&token).json(&json!({"project": {"project": {"name": "x", "year": 2023}, "funds": {"annual": "1", "executed": "x"}}})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.json::<Value>().await.unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("funds.executed")
    );

    // Live evaluation and value hints, as the editor uses them.
    let seed: Value = toml::from_str(include_str!("../../../../examples/panyu-2022.toml")).unwrap();
    let (s, v) = owner
        .api(reqwest::Method::POST, "/api/v1/evaluate", Some(seed))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["evaluation"]["total"], "100");
    assert_eq!(v["evaluation"]["grade"], "优");
    assert_eq!(
        v["evaluation"]["indicators"][4]["actual_reading"],
        "> 30 篇次"
    );
    let (_, v) = owner
        .api(
            reqwest::Method::POST,
            "/api/v1/evaluate",
            Some(json!({"project": {"name": "x"}})),
        )
        .await;
    assert!(
        v["invalid"].as_str().unwrap().contains("year")
            || v["invalid"].as_str().unwrap().contains("funds")
    );
    let (_, v) = owner
        .api(
            reqwest::Method::POST,
            "/api/v1/parse",
            Some(json!({"text": "≧９５％"})),
        )
        .await;
    assert_eq!(v["hint"], "≥ 95 %");
    // What cannot be read says so under the cell as it is typed (issue 13), in the hint and in the live
    // evaluation's findings, naming the indicator and the text; new readings show what was understood.
    for text in ["√", "≥**人", "工5%"] {
        let (_, v) = owner
            .api(
                reqwest::Method::POST,
                "/api/v1/parse",
                Some(json!({ "text": text })),
            )
            .await;
        assert!(
            v["hint"].as_str().unwrap().starts_with("无法识别："),
            "{text}: {v}"
        );
    }
    for (text, target, hint) in [
        ("3.5万", "≥30000人", "= 35000"),
        ("0.98", "≥95%", "= 98 %（未写 %，0.98 按 98% 理解）"),
        ("因故取消", "2场", "未完成：“取消”"),
        ("第四季度", "", "截止 当年12月底"),
        ("85～90%", "", "85–90 %"),
    ] {
        let body = if target.is_empty() {
            json!({ "text": text })
        } else {
            json!({ "text": text, "target": target })
        };
        let (_, v) = owner
            .api(reqwest::Method::POST, "/api/v1/parse", Some(body))
            .await;
        assert_eq!(v["hint"], hint, "{text}");
    }
    let mut draft: Value =
        toml::from_str(include_str!("../../../../examples/panyu-2022.toml")).unwrap();
    draft["indicators"][2]["target"] = json!("≥**人");
    let (s, v) = owner
        .api(reqwest::Method::POST, "/api/v1/evaluate", Some(draft))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["evaluation"]["indicators"][2]["target_reading"]
            .as_str()
            .unwrap()
            .starts_with("无法识别："),
        "{}",
        v["evaluation"]["indicators"][2]
    );
    let unparsed = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "value-unparsed")
        .expect("a value-unparsed finding");
    assert_eq!(unparsed["severity"], "error");
    assert_eq!(unparsed["path"], "indicators[2].target");
    assert!(unparsed["message"].as_str().unwrap().contains("≥**人"));
    // A number beyond the model's bounds is refused with its field path, not scored.
    let mut draft: Value =
        toml::from_str(include_str!("../../../../examples/panyu-2022.toml")).unwrap();
    draft["indicators"][2]["weight"] = json!("100000000000000000000");
    let (_, v) = owner
        .api(reqwest::Method::POST, "/api/v1/evaluate", Some(draft))
        .await;
    assert!(
        v["invalid"]
            .as_str()
            .unwrap()
            .contains("indicators[2].weight"),
        "{v}"
    );
    let spec: Value = Client::new()
        .get(format!("{}/api/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/api/v1/projects/{id}"]["put"].is_object());
}

#[tokio::test]
async fn password_change_rules_and_session_invalidation() {
    let server = start().await;
    let a = Session::login(&server, "danwei1").await;
    let b = Session::login(&server, "danwei1").await;
    let pw = jixiao_web::demo::PASSWORD;
    assert_eq!(
        a.post(
            "/password",
            &[
                ("old", "wrong"),
                ("new", "abc12345"),
                ("confirm", "abc12345")
            ]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        a.post(
            "/password",
            &[("old", pw), ("new", "short1"), ("confirm", "short1")]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        a.post(
            "/password",
            &[("old", pw), ("new", "abcdefgh"), ("confirm", "abcdefgh")]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST,
        "needs a digit"
    );
    assert_eq!(
        a.post(
            "/password",
            &[("old", pw), ("new", "abc12345"), ("confirm", "abc12346")]
        )
        .await
        .status(),
        StatusCode::BAD_REQUEST
    );
    let res = a
        .post(
            "/password",
            &[
                ("old", pw),
                ("new", "newpass2026"),
                ("confirm", "newpass2026"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The other browser's session ended; this one was signed in again.
    assert_eq!(b.status("/projects").await, StatusCode::SEE_OTHER);
    assert_eq!(a.status("/projects").await, StatusCode::OK);
    // Logout ends the session.
    let me = a.me().await;
    let csrf = me["csrf"].as_str().unwrap();
    assert_eq!(
        a.client
            .post(format!("{}/logout", server.base))
            .form(&[("csrf", csrf)])
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(a.status("/projects").await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn admin_manages_users_and_organisations() {
    let server = start().await;
    let admin = Session::login(&server, "admin").await;
    let page = admin.text("/admin").await;
    assert!(page.contains("番禺区财政局") && page.contains("danwei1"));
    assert_eq!(
        admin
            .post(
                "/admin/orgs",
                &[
                    ("name", "番禺区新单位"),
                    ("kind", "unit"),
                    ("parent_id", "1")
                ]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let orgs_page = admin.text("/admin").await;
    assert!(orgs_page.contains("番禺区新单位"));
    assert_eq!(
        admin
            .post(
                "/admin/users",
                &[
                    ("username", "xin"),
                    ("display_name", "新用户"),
                    ("password", "weak"),
                    ("role", "editor"),
                    ("org_id", "1")
                ]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "password rules"
    );
    assert_eq!(
        admin
            .post(
                "/admin/users",
                &[
                    ("username", "xin"),
                    ("display_name", "新用户"),
                    ("password", "strong2026"),
                    ("role", "editor"),
                    ("org_id", "1")
                ]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin
            .post(
                "/admin/users",
                &[
                    ("username", "xin"),
                    ("display_name", "重名"),
                    ("password", "strong2026"),
                    ("role", "editor"),
                    ("org_id", "1")
                ]
            )
            .await
            .status(),
        StatusCode::BAD_REQUEST,
        "duplicate user name"
    );
    // Deactivating a user ends their session.
    let victim = Session::login(&server, "danwei2").await;
    let danwei2_id = {
        let (_, v) = victim.api(reqwest::Method::GET, "/api/v1/me", None).await;
        v["id"].as_i64().unwrap()
    };
    assert_eq!(
        admin
            .post(
                &format!("/admin/users/{danwei2_id}/active"),
                &[("active", "0")]
            )
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(victim.status("/projects").await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn pages_are_chinese_escaped_and_offline() {
    let server = start().await;
    let ids = project_ids(&server).await;
    let unit = Session::login(&server, "danwei5").await;
    // Hostile text in a field is shown escaped.
    let id = ids[LANQIU];
    let mut p = unit.project(id).await["project"].clone();
    p["project"]["name"] = json!("<script>alert(1)</script>\"'");
    assert_eq!(
        unit.post(
            &format!("/projects/{id}/edit"),
            &[("data", &p.to_string()), ("base", "1")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    for path in [
        format!("/projects/{id}"),
        "/projects".into(),
        format!("/projects/{id}/edit"),
        format!("/projects/{id}/history"),
    ] {
        let html = unit.text(&path).await;
        assert!(!html.contains("<script>alert(1)"), "{path} must escape");
        assert!(html.contains("lang=\"zh-CN\""));
        for attr in ["src=\"http", "href=\"http", "src='http", "href='http"] {
            assert!(!html.contains(attr), "{path} loads nothing from outside");
        }
    }
    let edit = unit.text(&format!("/projects/{id}/edit")).await;
    assert!(
        edit.contains("\\u003cscript\\u003e"),
        "JSON in the page cannot close its script tag"
    );
}

#[tokio::test]
async fn first_start_creates_one_admin_with_a_one_time_password() {
    let dir = tempfile::tempdir().unwrap();
    let store = jixiao_store::Store::connect(dir.path().join("new.db").to_str().unwrap())
        .await
        .unwrap();
    let password = jixiao_web::first_admin(&store)
        .await
        .unwrap()
        .expect("an empty database gets an admin");
    assert!(password.len() >= 12);
    assert_eq!(
        jixiao_web::first_admin(&store).await.unwrap(),
        None,
        "only on the first start"
    );
    let server = common::serve(jixiao_web::app(store), dir).await;
    let admin = Session::login_with(&server, "admin", &password).await;
    assert_eq!(admin.status("/admin").await, StatusCode::OK);
}

/// The project page is cached for speed; a save, a review or a comment by anyone shows at once to everyone.
/// The review dashboard is cached too (scoring thousands of projects takes a while): a save that moves a
/// project to another year shows at once.
#[tokio::test]
async fn the_dashboard_cache_never_hides_a_change() {
    let server = start().await;
    let id = project_ids(&server).await[LANQIU];
    let unit = Session::login(&server, "danwei5").await;
    let reviewer = Session::login(&server, "caizheng").await;
    assert!(
        reviewer
            .text("/dashboard?year=2023")
            .await
            .contains("项目<b>3</b>")
    );
    let mut p = unit.project(id).await["project"].clone();
    assert_eq!(p["project"]["year"], json!(2023));
    p["project"]["year"] = json!(2022);
    let saved = unit
        .post(
            &format!("/projects/{id}/edit"),
            &[("data", &p.to_string()), ("base", "1")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(
        reviewer
            .text("/dashboard?year=2023")
            .await
            .contains("项目<b>2</b>")
    );
    assert!(
        reviewer
            .text("/dashboard?year=2022")
            .await
            .contains("项目<b>3</b>")
    );
}

#[tokio::test]
async fn the_project_page_cache_never_hides_a_change() {
    let server = start().await;
    let ids = project_ids(&server).await;
    let id = ids[LANQIU];
    let unit = Session::login(&server, "danwei5").await;
    let reviewer = Session::login(&server, "caizheng").await;
    let page = format!("/projects/{id}");
    assert!(!reviewer.text(&page).await.contains("赛事活动（改）"));
    let mut p = unit.project(id).await["project"].clone();
    p["project"]["name"] = json!("全民健身赛事活动（改）");
    assert_eq!(
        unit.post(
            &format!("/projects/{id}/edit"),
            &[("data", &p.to_string()), ("base", "1")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    assert!(
        reviewer
            .text(&page)
            .await
            .contains("全民健身赛事活动（改）"),
        "the reviewer sees the save"
    );
    assert!(
        unit.text(&page).await.contains("全民健身赛事活动（改）"),
        "the editor sees the save"
    );
    // A change through the API (no form) is seen as well.
    p["project"]["name"] = json!("全民健身赛事活动（再改）");
    let (s, _) = unit
        .api(
            reqwest::Method::PUT,
            &format!("/api/v1/projects/{id}"),
            Some(json!({ "base_revision": 2, "project": p })),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        reviewer
            .text(&page)
            .await
            .contains("全民健身赛事活动（再改）")
    );
}

/// The value of a hidden form field in a page, unescaped.
fn hidden_field(page: &str, name: &str) -> String {
    let start = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"))
        + name.len()
        + 15;
    let end = start + page[start..].find('"').unwrap();
    page[start..end]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn an_import_that_contradicts_the_form_must_be_acknowledged() {
    let server = start().await;
    let unit = Session::login(&server, "danwei3").await;
    // The funds row states 50% while 29.5 / 30 is 98.33%: no reading of the row agrees with it.
    let text = include_str!("../../../../tests/fixtures/import/funds-row-contradicts.txt");
    let part = reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("矛盾.txt");
    let res = unit.upload("/import", part).await;
    assert_eq!(res.status(), StatusCode::OK);
    let preview = res.text().await.unwrap();
    // The finding sits in the funds table, beside the figures it concerns, and saving asks for a tick.
    let funds_table = &preview[preview.find("class=\"grid funds\"").unwrap()..];
    let funds_table = &funds_table[..funds_table.find("</table>").unwrap()];
    assert!(
        funds_table.contains("import-inconsistent") && funds_table.contains("50%"),
        "{funds_table}"
    );
    assert!(preview.contains("我已对照原件核对上述导入问题"));

    let data = hidden_field(&preview, "data");
    let notes = hidden_field(&preview, "notes");
    assert!(notes.contains("import-inconsistent"), "{notes}");
    let res = unit
        .post("/import/confirm", &[("data", &data), ("notes", &notes)])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("请先对照原件核对"));

    let res = unit
        .post(
            "/import/confirm",
            &[("data", &data), ("notes", &notes), ("ack", "on")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page_path = res.headers()["location"].to_str().unwrap().to_string();
    // The finding stays on the saved revision.
    let page = unit.text(&page_path).await;
    assert!(
        page.contains("导入发现（错误）") && page.contains("导入数字矛盾"),
        "{page}"
    );
}
