//! Accounts over real HTTP (server on port 0, demo data): login lockout per account and address and per
//! address, password rules, sessions ended by a password change, a reset or a logout, API tokens created,
//! revoked and refused, and the audit log an admin reads for all of it.

use reqwest::{Client, StatusCode};

use crate::common;
use common::{PASSWORD, Server, Session, anonymous, client, post_login, start, start_with};

/// A client whose requests carry `X-Forwarded-For: ip` (as a reverse proxy would add).
fn client_from(forwarded_for: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", forwarded_for.parse().unwrap());
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

impl Session {
    /// The admin's audit page as text.
    async fn audit(&self) -> String {
        self.text("/admin/audit").await
    }
}

/// Whether a bare session cookie still opens a page.
async fn cookie_works(server: &Server, cookie: &str) -> bool {
    let res = anonymous()
        .get(server.url("/api/v1/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    res.status() == StatusCode::OK
}

/// The audit rows mentioning `needle`, as their text.
fn rows_with<'a>(page: &'a str, needle: &str) -> Vec<&'a str> {
    page.split("<tr").filter(|r| r.contains(needle)).collect()
}

#[tokio::test]
async fn five_failures_lock_the_account_at_that_address_until_unlocked() {
    let server = start().await;
    // Without a trusted proxy configured, a forwarded-for header is the client's own claim and ignored.
    let attacker = client_from("203.0.113.9");
    for i in 1..=4 {
        let res = post_login(&server, &attacker, "danwei1", "wrong-password").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "failure {i}");
        assert!(res.text().await.unwrap().contains("用户名或密码错误"));
    }
    let res = post_login(&server, &attacker, "danwei1", "wrong-password").await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the fifth failure locks"
    );
    let retry: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((14 * 60..=15 * 60).contains(&retry), "Retry-After {retry}");
    assert!(res.text().await.unwrap().contains(
        "该账号在本机连续登录失败次数过多，本机已临时不能登录该账号，请约 15 分钟后再试"
    ));

    // The right password does not get in now from this address (every browser here is 127.0.0.1 to the
    // server), and no session is made.
    let owner = client();
    let res = post_login(&server, &owner, "danwei1", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get("set-cookie").is_none());
    // Other accounts are not affected.
    Session::login(&server, "danwei2").await;

    // The admin sees it all in the audit log, and lifts the lock.
    let admin = Session::login(&server, "admin").await;
    let page = admin.audit().await;
    let failed = rows_with(&page, "<td>登录失败</td>");
    assert_eq!(
        failed
            .iter()
            .filter(|r| r.contains("<td>danwei1</td>"))
            .count(),
        5
    );
    assert!(
        failed
            .iter()
            .all(|r| r.contains("<td>127.0.0.1</td>") && r.contains("密码错误"))
    );
    assert!(!page.contains("203.0.113.9"));
    assert_eq!(rows_with(&page, "<td>锁定期间尝试登录</td>").len(), 1);
    assert!(
        rows_with(&page, "<td>登录成功</td>")
            .iter()
            .any(|r| r.contains("<td>danwei2</td>"))
    );
    let id = user_id(&admin, "danwei1").await;
    let res = admin
        .post("/admin/users/unlock", &[("user_id", &id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    Session::login(&server, "danwei1").await;
    let page = admin.audit().await;
    assert!(
        rows_with(&page, "<td>解除锁定</td>")
            .iter()
            .any(|r| r.contains("<td>danwei1</td>") && r.contains("<td>admin</td>"))
    );
}

/// A user's id from the admin page (the forms list `value="ID">username（…`).
async fn user_id(admin: &Session, username: &str) -> i64 {
    let page = admin.text("/admin").await;
    let needle = format!("\">{username}（");
    let at = page
        .find(&needle)
        .unwrap_or_else(|| panic!("{username} on the admin page"));
    let start = page[..at].rfind("value=\"").unwrap() + 7;
    page[start..at].parse().unwrap()
}

#[tokio::test]
async fn twenty_failures_from_one_address_lock_the_address() {
    let server = start().await;
    let guesser = client();
    for i in 1..20 {
        let res = post_login(&server, &guesser, &format!("guess{i}"), "123456").await;
        assert_eq!(
            res.status(),
            StatusCode::UNAUTHORIZED,
            "guess {i}: no single account reached its limit"
        );
    }
    let res = post_login(&server, &guesser, "guess20", "123456").await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the twentieth failure from one address locks it"
    );
    // Now nobody signs in from this address, with the right password or not.
    let res = post_login(&server, &client(), "danwei3", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("本机登录失败次数过多，已暂时禁止登录")
    );
}

#[tokio::test]
async fn password_rules_and_a_change_ends_the_other_sessions() {
    let server = start().await;
    let a = Session::login(&server, "danwei1").await;
    let b = Session::login(&server, "danwei1").await;
    let cases = [
        ("wrong-old", "abcd1234", "abcd1234", "原密码不正确"),
        (PASSWORD, "abcd1234", "abcd12345", "两次输入的新密码不一致"),
        (PASSWORD, "abc123", "abc123", "密码至少 8 位"),
        (PASSWORD, "abcdefghij", "abcdefghij", "须同时包含字母和数字"),
        (PASSWORD, "1234567890", "1234567890", "须同时包含字母和数字"),
    ];
    for (old, new, confirm, message) in cases {
        let res = a
            .post(
                "/password",
                &[("old", old), ("new", new), ("confirm", confirm)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{new}");
        assert!(
            res.text().await.unwrap().contains(message),
            "{new}: {message}"
        );
    }
    assert!(
        cookie_works(&server, &b.cookie).await,
        "refused changes end nothing"
    );

    let res = a
        .post(
            "/password",
            &[
                ("old", PASSWORD),
                ("new", "新密码abc123"),
                ("confirm", "新密码abc123"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        a.me().await["username"],
        "danwei1",
        "the browser that changed it is signed in again"
    );
    assert!(
        !cookie_works(&server, &a.cookie).await,
        "its old session is gone"
    );
    assert!(
        !cookie_works(&server, &b.cookie).await,
        "the other browser's session is gone"
    );
    assert_eq!(b.get("/projects").await.headers()["location"], "/login");
    assert_eq!(
        post_login(&server, &client(), "danwei1", PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    Session::login_with(&server, "danwei1", "新密码abc123").await;

    let admin = Session::login(&server, "admin").await;
    let page = admin.audit().await;
    assert!(
        rows_with(&page, "<td>修改密码</td>")
            .iter()
            .any(|r| r.contains("<td>danwei1</td>"))
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_is_recorded() {
    let server = start().await;
    let b = Session::login(&server, "bumen1").await;
    assert!(cookie_works(&server, &b.cookie).await);
    let res = b.post("/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        !cookie_works(&server, &b.cookie).await,
        "the cookie is worthless after logout"
    );
    let admin = Session::login(&server, "admin").await;
    assert!(
        rows_with(&admin.audit().await, "<td>退出登录</td>")
            .iter()
            .any(|r| r.contains("<td>bumen1</td>"))
    );
}

#[tokio::test]
async fn admin_changes_to_users_and_permissions_are_audited() {
    let server = start().await;
    let admin = Session::login(&server, "admin").await;
    let page = admin.text("/admin").await;
    let org_of = |name: &str| -> String {
        let at = page.find(&format!("\">{name}</option>")).unwrap();
        page[page[..at].rfind("value=\"").unwrap() + 7..at].to_string()
    };
    let unit = org_of("番禺区体育中心");
    let dept = org_of("番禺区委组织部");

    // Password rules hold for new users too.
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "xin"),
                ("display_name", "新用户"),
                ("password", "short1"),
                ("role", "editor"),
                ("org_id", &unit),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = admin
        .post(
            "/admin/users",
            &[
                ("username", "xin"),
                ("display_name", "新用户"),
                ("password", "chushi2026"),
                ("role", "editor"),
                ("org_id", &unit),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let xin = Session::login_with(&server, "xin", "chushi2026").await;
    assert_eq!(xin.me().await["role"], "editor");

    // A role change applies to the signed-in user from the next request.
    let id = user_id(&admin, "xin").await.to_string();
    let res = admin
        .post(
            "/admin/users/role",
            &[("user_id", &id), ("role", "department"), ("org_id", &dept)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let me = xin.me().await;
    assert_eq!(
        (me["role"].as_str(), me["org_id"].to_string()),
        (Some("department"), dept.clone())
    );
    let own = user_id(&admin, "admin").await.to_string();
    let res = admin
        .post(
            "/admin/users/role",
            &[("user_id", &own), ("role", "editor"), ("org_id", &unit)],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::BAD_REQUEST,
        "an admin cannot demote themself"
    );

    // A reset password ends the user's sessions; deactivation too.
    let res = admin
        .post(
            "/admin/users/password",
            &[("user_id", &id), ("password", "chongzhi2026")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!cookie_works(&server, &xin.cookie).await);
    let xin = Session::login_with(&server, "xin", "chongzhi2026").await;
    let res = admin
        .post(&format!("/admin/users/{id}/active"), &[("active", "0")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!cookie_works(&server, &xin.cookie).await);
    assert_eq!(
        post_login(&server, &client(), "xin", "chongzhi2026")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let res = admin
        .post(&format!("/admin/users/{id}/active"), &[("active", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = admin
        .post(&format!("/admin/users/{id}/active"), &[("active", "0")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = admin
        .post(
            "/admin/orgs",
            &[
                ("name", "番禺区图书馆"),
                ("kind", "unit"),
                ("parent_id", &dept),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let page = admin.audit().await;
    let by_admin = |event: &str| {
        rows_with(&page, &format!("<td>{event}</td>"))
            .into_iter()
            .filter(|r| r.contains("<td>admin</td>"))
            .collect::<Vec<_>>()
    };
    assert!(
        by_admin("新建用户")
            .iter()
            .any(|r| r.contains("<td>xin</td>")
                && r.contains("单位填报人")
                && r.contains("番禺区体育中心"))
    );
    assert!(
        by_admin("变更角色或机构")
            .iter()
            .any(|r| r.contains("<td>xin</td>")
                && r.contains("单位填报人（番禺区体育中心）→ 主管部门审核人（番禺区委组织部）"))
    );
    assert!(
        by_admin("管理员重置密码")
            .iter()
            .any(|r| r.contains("<td>xin</td>"))
    );
    assert_eq!(
        by_admin("停用用户")
            .iter()
            .filter(|r| r.contains("<td>xin</td>"))
            .count(),
        2
    );
    assert!(
        by_admin("启用用户")
            .iter()
            .any(|r| r.contains("<td>xin</td>"))
    );
    assert!(
        by_admin("新建机构")
            .iter()
            .any(|r| r.contains("<td>番禺区图书馆</td>") && r.contains("实施单位，编号 "))
    );
    assert!(
        rows_with(&page, "<td>登录失败</td>")
            .iter()
            .any(|r| r.contains("<td>xin</td>") && r.contains("账号已停用"))
    );

    // Only admins read the log.
    let clerk = Session::login(&server, "danwei1").await;
    assert_eq!(
        clerk.get("/admin/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        anonymous()
            .get(server.url("/admin/audit"))
            .send()
            .await
            .unwrap()
            .headers()["location"],
        "/login"
    );
}

/// A server behind a reverse proxy on 127.0.0.1 (as `jixiao serve --trusted-proxy 127.0.0.1`).
async fn start_behind_proxy() -> Server {
    let trusted = jixiao_web::TrustedProxies(vec!["127.0.0.1".parse().unwrap()]);
    start_with(|app| app.layer(axum::Extension(trusted))).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_lockout_counts_the_forwarded_client() {
    let server = start_behind_proxy().await;
    let guesser = client_from("203.0.113.5");
    for i in 1..=20 {
        post_login(&server, &guesser, &format!("guess{i}"), "123456").await;
    }
    let res = post_login(&server, &guesser, "danwei1", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the guessing client is locked"
    );
    // Writing another address in front does not help: the proxy appends the real one.
    let spoofer = client_from("198.51.100.7, 203.0.113.5");
    assert_eq!(
        post_login(&server, &spoofer, "danwei1", PASSWORD)
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Everyone else behind the same proxy still signs in.
    let res = post_login(&server, &client_from("203.0.113.6"), "danwei1", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_login(&server, &client_from("203.0.113.6"), "danwei2", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let admin = Session::login_from(&server, client_from("198.51.100.1"), "admin", PASSWORD).await;
    let page = admin.audit().await;
    assert_eq!(
        rows_with(&page, "<td>登录失败</td>")
            .iter()
            .filter(|r| r.contains("<td>203.0.113.5</td>"))
            .count(),
        20
    );
    assert!(
        rows_with(&page, "<td>登录成功</td>")
            .iter()
            .any(|r| r.contains("<td>admin</td>") && r.contains("<td>198.51.100.1</td>"))
    );
    assert!(
        !page.contains("<td>127.0.0.1</td>"),
        "the proxy's own address is not the client"
    );
}

#[tokio::test]
async fn a_guesser_at_one_address_does_not_lock_the_clerk_out_elsewhere() {
    let server = start_behind_proxy().await;
    let attacker = client_from("203.0.113.66");
    for _ in 1..=4 {
        assert_eq!(
            post_login(&server, &attacker, "danwei1", "wrong-password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = post_login(&server, &attacker, "danwei1", "wrong-password").await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "A is locked out"
    );
    assert!(res.text().await.unwrap().contains("其他电脑不受影响"));
    // The clerk at their own computer (address B) signs in as usual.
    let clerk =
        Session::login_from(&server, client_from("198.51.100.20"), "danwei1", PASSWORD).await;
    assert_eq!(clerk.me().await["username"], "danwei1");
    // The clerk's login does not give A a fresh start: A stays refused, even with the right password.
    let res = post_login(&server, &attacker, "danwei1", PASSWORD).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "A stays refused"
    );
    assert!(res.headers().get("set-cookie").is_none());
    // A is refused only for this account: A's own user signs in.
    let res = post_login(&server, &attacker, "danwei2", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let admin = Session::login_from(&server, client_from("198.51.100.1"), "admin", PASSWORD).await;
    let page = admin.audit().await;
    assert!(
        rows_with(&page, "<td>锁定期间尝试登录</td>")
            .iter()
            .any(|r| r.contains("<td>danwei1</td>") && r.contains("<td>203.0.113.66</td>"))
    );
    assert!(
        rows_with(&page, "<td>登录成功</td>")
            .iter()
            .any(|r| r.contains("<td>danwei1</td>") && r.contains("<td>198.51.100.20</td>"))
    );
}

#[tokio::test]
async fn api_tokens_are_audited_when_created_revoked_and_refused() {
    let server = start().await;
    let owner = Session::login(&server, "danwei5").await;
    let (status, created) = owner
        .api(
            reqwest::Method::POST,
            "/api/v1/tokens",
            Some(serde_json::json!({"name": "报表脚本"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let token = created["token"].as_str().unwrap().to_string();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 12);
    assert!(
        !token.starts_with(&id),
        "the id is not a piece of the token"
    );
    let script = anonymous();
    let me = |token: String| {
        let script = script.clone();
        let url = server.url("/api/v1/me");
        async move {
            script
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(token.clone()).await, StatusCode::OK);
    let (status, list) = owner
        .api(reqwest::Method::GET, "/api/v1/tokens", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["tokens"][0]["id"], id.as_str());
    assert_eq!(list["tokens"][0]["name"], "报表脚本");
    assert!(
        !list.to_string().contains(&token),
        "the token is shown once"
    );

    // Another user cannot revoke it; its owner can, once.
    let other = Session::login(&server, "danwei4").await;
    let path = format!("/api/v1/tokens/{id}");
    assert_eq!(
        other.api(reqwest::Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(me(token.clone()).await, StatusCode::OK);
    assert_eq!(
        owner.api(reqwest::Method::DELETE, &path, None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        owner.api(reqwest::Method::DELETE, &path, None).await.0,
        StatusCode::NOT_FOUND
    );
    // The revoked token and a made-up one are refused, and each refusal is recorded.
    assert_eq!(me(token.clone()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me("0".repeat(64)).await, StatusCode::UNAUTHORIZED);

    let admin = Session::login(&server, "admin").await;
    let page = admin.audit().await;
    let rows = |event: &str| rows_with(&page, &format!("<td>{event}</td>"));
    assert!(
        rows("创建接口令牌")
            .iter()
            .any(|r| r.contains(&format!("<td>{id}</td>"))
                && r.contains("报表脚本")
                && r.contains("<td>danwei5</td>"))
    );
    assert_eq!(
        rows("吊销接口令牌").len(),
        1,
        "one revocation, none for the refused attempts"
    );
    assert!(rows("吊销接口令牌")[0].contains(&format!("<td>{id}</td>")));
    let refused = rows("接口令牌无效（未知或已吊销）");
    assert_eq!(refused.len(), 2);
    assert!(
        refused
            .iter()
            .any(|r| r.contains(&format!("<td>{id}</td>"))),
        "the revoked one, by its id"
    );
    assert!(refused.iter().all(|r| r.contains("<td>127.0.0.1</td>")));
    assert!(!page.contains(&token), "tokens never reach the log");
}
