//! What the web tests share: a real server on port 0 (with the demo data, or any store and extra layers),
//! and one signed-in HTTP client ([`Session`]) that sends the CSRF token with every change. The browser
//! test's helpers for a real Chromium are in [`ui`].
#![allow(dead_code)]

pub mod ui;

use std::collections::HashMap;

use reqwest::redirect::Policy;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::Value;

pub const PASSWORD: &str = jixiao_web::demo::PASSWORD;

pub struct Server {
    pub base: String,
    pub addr: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

/// A server with the named demo projects (without the generated district: each test follows a story
/// of named projects).
pub async fn start() -> Server {
    start_with(|app| app).await
}

/// A server with the demo data whose application is first changed by `wrap` (as the options of
/// `jixiao serve` add layers, e.g. the trusted proxies).
pub async fn start_with(wrap: impl FnOnce(axum::Router) -> axum::Router) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("test.db");
    let store = jixiao_store::Store::connect(db.to_str().unwrap())
        .await
        .unwrap();
    jixiao_web::demo::load_with(&store, &jixiao_web::demo::DistrictSize::NONE)
        .await
        .unwrap();
    serve(wrap(jixiao_web::app(store)), dir).await
}

/// A server with the whole demo of `serve --demo`: the named projects and the generated district.
pub async fn start_demo() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = jixiao_store::Store::connect(dir.path().join("demo.db").to_str().unwrap())
        .await
        .unwrap();
    jixiao_web::demo::load(&store).await.unwrap();
    serve(jixiao_web::app(store), dir).await
}

/// Serves `app` on port 0 (with the peer's address, as `jixiao serve` does); `dir` holds its database
/// and lives as long as the server.
pub async fn serve(app: axum::Router, dir: tempfile::TempDir) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
    Server {
        base: format!("http://{addr}"),
        addr,
        _dir: dir,
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A browser-like client: cookies kept, redirects not followed (so statuses are visible).
pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A client without cookies that does not follow redirects: an anonymous visitor.
pub fn anonymous() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

/// The login form sent by `client`, whatever the outcome.
pub async fn post_login(server: &Server, client: &Client, user: &str, password: &str) -> Response {
    client
        .post(server.url("/login"))
        .form(&[("username", user), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// A signed-in browser: its client (cookies kept, redirects not followed), its CSRF token, and the raw
/// session cookie (to send by hand, or to try again after the session should have ended).
pub struct Session {
    pub client: Client,
    pub base: String,
    pub csrf: String,
    pub cookie: String,
}

impl Session {
    /// Signs in as a demo user (demo password).
    pub async fn login(server: &Server, user: &str) -> Session {
        Session::login_with(server, user, PASSWORD).await
    }

    /// Signs in with `password`, asserting that the login succeeds.
    pub async fn login_with(server: &Server, user: &str, password: &str) -> Session {
        Session::login_from(server, client(), user, password).await
    }

    /// Signs in through `client` (e.g. one that sends extra headers).
    pub async fn login_from(
        server: &Server,
        client: Client,
        user: &str,
        password: &str,
    ) -> Session {
        let res = post_login(server, &client, user, password).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "login of {user}");
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let mut session = Session {
            client,
            base: server.base.clone(),
            csrf: String::new(),
            cookie,
        };
        session.csrf = session.me().await["csrf"].as_str().unwrap().to_string();
        session
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn status(&self, path: &str) -> StatusCode {
        self.get(path).await.status()
    }

    /// A page's text, asserting that it is 200 OK.
    pub async fn text(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.text().await.unwrap()
    }

    /// A form sent with the CSRF token added.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        let mut f = form.to_vec();
        f.push(("csrf", &self.csrf));
        self.client
            .post(self.url(path))
            .form(&f)
            .send()
            .await
            .unwrap()
    }

    /// A file sent as the multipart field `file`, the CSRF token in the query (as the import form does).
    pub async fn upload(&self, path: &str, part: reqwest::multipart::Part) -> Response {
        self.client
            .post(format!("{}?csrf={}", self.url(path), self.csrf))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    }

    /// An API call with the `X-CSRF-Token` header and an optional JSON body: its status and JSON answer
    /// (`Null` when the answer is not JSON).
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("X-CSRF-Token", &self.csrf);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// `GET /api/v1/me`: who the session is, with its current CSRF token.
    pub async fn me(&self) -> Value {
        self.get("/api/v1/me").await.json().await.unwrap()
    }
}

/// Demo projects by name → id (ids are assigned in load order, but tests look them up).
pub async fn project_ids(server: &Server) -> HashMap<String, i64> {
    let admin = Session::login(server, "caizheng").await;
    let (_, v) = admin
        .api(reqwest::Method::GET, "/api/v1/projects?limit=100", None)
        .await;
    v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["id"].as_i64().unwrap(),
            )
        })
        .collect()
}
